#include "util/version.h"

namespace kairos {
std::string versionString() { return KAIROS_VERSION; }
}  // namespace kairos
