// Fuzz target: the signal rules file reader (core/signals/rulesfile.h), formulas included.
#include "signals/rulesfile.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)kairos::signal::parseRules(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
