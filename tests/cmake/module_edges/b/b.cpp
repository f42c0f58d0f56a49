#ifdef USE_PUBLIC
#include "a/a.h"
#else
#include "a/detail/hidden.h"
#endif
int bValue() { return 1; }
