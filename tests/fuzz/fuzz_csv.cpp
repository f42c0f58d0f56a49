// Fuzz target: the candle-file reader (core/marketdata/csvimport.h) over all its formats, and the
// file-name hints. A file it accepts must satisfy what the reader promises: increasing open times
// inside 1970..2099, every bar valid (Bar::validate), prices carrying the file's scale.
#include "marketdata/csvimport.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos;
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)marketdata::inferFromFileName(text.substr(0, 256));
    auto r = marketdata::parseBarsCsv(text, "fuzz.csv");
    if (!r) return 0;
    constexpr std::int64_t kMin = 0, kMaxExclusive = 4102444800000;  // 2100-01-01 in ms
    std::int64_t previous = -1;
    for (const Bar& b : r->bars) {
        if (b.openTimeMs < kMin || b.openTimeMs >= kMaxExclusive || b.openTimeMs <= previous) std::abort();
        if (!b.validate()) std::abort();
        if (b.close.scale() != r->priceScale) std::abort();
        previous = b.openTimeMs;
    }
    return 0;
}
