#include "domain/bar.h"

namespace kairos {

Status Bar::validate() const {
    auto s = [](const Price& p) { return p.toTrimmedString(); };
    if (open.raw() <= 0) return makeError("open " + s(open) + " is not positive");
    if (high.raw() <= 0) return makeError("high " + s(high) + " is not positive");
    if (low.raw() <= 0) return makeError("low " + s(low) + " is not positive");
    if (close.raw() <= 0) return makeError("close " + s(close) + " is not positive");
    if (high < open) return makeError("high " + s(high) + " is below open " + s(open));
    if (high < close) return makeError("high " + s(high) + " is below close " + s(close));
    if (low > open) return makeError("low " + s(low) + " is above open " + s(open));
    if (low > close) return makeError("low " + s(low) + " is above close " + s(close));
    if (volume.isNegative()) return makeError("volume " + volume.toTrimmedString() + " is negative");
    if (quoteVolume.isNegative()) return makeError("quote volume " + quoteVolume.toTrimmedString() + " is negative");
    if (tradeCount < 0) return makeError("trade count " + std::to_string(tradeCount) + " is negative");
    return {};
}

}  // namespace kairos
