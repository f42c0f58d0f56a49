#pragma once
#include <string>

namespace kairos {
/// The product version ("0.1.0"), from CMake's project() call.
std::string versionString();
}  // namespace kairos
