#include "a/a.h"
#include "a/detail/hidden.h"
int aValue() { return hidden(); }
