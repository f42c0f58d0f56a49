#include "ohlcaggregate.h"

#include <algorithm>
#include <cmath>

namespace kairos::charts {

namespace {
OhlcBucket aggregateSlots(const OhlcColumns& c, std::int64_t firstIndex, std::size_t from, std::size_t to) {
    // [from, to) are column positions, non-empty.
    OhlcBucket b;
    b.firstIndex = firstIndex;
    b.count = static_cast<std::int32_t>(to - from);
    b.open = c.open[from];
    b.close = c.close[to - 1];
    double hi = c.high[from], lo = c.low[from], vol = 0;
    for (std::size_t i = from; i < to; ++i) {
        hi = std::max(hi, c.high[i]);
        lo = std::min(lo, c.low[i]);
        vol += c.volume[i];
    }
    b.high = hi;
    b.low = lo;
    b.volume = vol;
    return b;
}
}  // namespace

void aggregateOhlc(const OhlcColumns& cols, std::int64_t fromIndex, std::int64_t toIndex, std::int32_t bucketBars,
                   std::vector<OhlcBucket>& out) {
    const auto n = static_cast<std::int64_t>(cols.close.size());
    if (n == 0 || bucketBars < 1) return;
    const std::int64_t first = cols.origin, last = cols.origin + n - 1;
    fromIndex = std::max(fromIndex, first);
    toIndex = std::min(toIndex, last);
    if (fromIndex > toIndex) return;
    const std::int64_t k0 = floorDiv(fromIndex, bucketBars), k1 = floorDiv(toIndex, bucketBars);
    out.reserve(out.size() + static_cast<std::size_t>(k1 - k0 + 1));
    if (bucketBars == 1) {
        for (std::int64_t i = fromIndex; i <= toIndex; ++i) {
            const auto s = static_cast<std::size_t>(i - first);
            out.push_back({i, 1, cols.open[s], cols.high[s], cols.low[s], cols.close[s], cols.volume[s]});
        }
        return;
    }
    for (std::int64_t k = k0; k <= k1; ++k) {
        const std::int64_t a = std::max(k * bucketBars, first), b = std::min(k * bucketBars + bucketBars - 1, last);
        out.push_back(aggregateSlots(cols, a, static_cast<std::size_t>(a - first), static_cast<std::size_t>(b - first) + 1));
    }
}

OhlcBucket aggregateBucketAt(const OhlcColumns& cols, std::int64_t index, std::int32_t bucketBars) {
    const auto n = static_cast<std::int64_t>(cols.close.size());
    const std::int64_t first = cols.origin, last = cols.origin + n - 1;
    const std::int64_t k = floorDiv(index, bucketBars);
    const std::int64_t a = std::max(k * bucketBars, first), b = std::min(k * bucketBars + bucketBars - 1, last);
    return aggregateSlots(cols, a, static_cast<std::size_t>(a - first), static_cast<std::size_t>(b - first) + 1);
}

std::int32_t bucketBarsFor(double visibleBars, double pixelColumns) {
    if (pixelColumns < 1 || visibleBars <= pixelColumns) return 1;
    return static_cast<std::int32_t>(std::min(2.0e9, std::ceil(visibleBars / pixelColumns)));
}

}  // namespace kairos::charts
