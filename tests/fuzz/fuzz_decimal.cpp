// Fuzz target: the exact decimal parser (core/domain/decimal.h). Whatever it accepts must format
// back to text that parses to the same value, and rescaling under every rounding mode must either
// succeed or return an error (never wrap or abort).
#include "domain/decimal.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos;
    if (size == 0) return 0;
    // The first byte picks a target scale and rounding mode; the rest is the text.
    const int scale = data[0] % (detail::kMaxScale + 1);
    const auto mode = static_cast<RoundingMode>(1 + (data[0] / 19) % 8);
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto p = detail::parseDecimal(text);
    if (!p) return 0;
    const auto [raw, sc] = *p;
    const auto again = detail::parseDecimal(detail::formatDecimal(raw, sc));
    if (!again || again->first != raw || again->second != sc) std::abort();
    const auto trimmed = detail::parseDecimal(detail::formatDecimalTrimmed(raw, sc));
    if (!trimmed || detail::compareScaled(trimmed->first, trimmed->second, raw, sc) != 0) std::abort();
    const Price price = Price::fromRaw(raw, sc);
    if (auto r = price.rescaled(scale, mode)) {
        if (r->scale() != scale) std::abort();
        if (mode == RoundingMode::Exact && *r != price) std::abort();
        (void)r->add(price);
        (void)r->sub(price);
        (void)notional(price, Quantity::fromRaw(raw, sc), scale, mode);
    }
    return 0;
}
