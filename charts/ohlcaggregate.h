#pragma once
// Exact OHLC aggregation for zoomed-out views: when bars outnumber pixel columns, the chart draws
// one candle per group of `bucketBars` consecutive bars instead of every bar (QCustomPlot's
// QCPFinancial has no adaptive sampling and costs ~0.5 us per drawn candle; see
// shared/reference/PLATFORM.md). The groups are exact: open of the first bar, highest high,
// lowest low, close of the last bar, summed volume, so the zoomed-out picture shows the true range.

#include <cstdint>
#include <span>
#include <vector>

namespace kairos::charts {

/// One aggregated candle covering logical indices [firstIndex, firstIndex + count).
struct OhlcBucket {
    std::int64_t firstIndex = 0;  ///< logical index of the first bar in the group
    std::int32_t count = 0;       ///< bars actually present (fewer than bucketBars at the data's ends)
    double open = 0, high = 0, low = 0, close = 0, volume = 0;
    friend bool operator==(const OhlcBucket&, const OhlcBucket&) = default;
};

/// Columns of a series whose element 0 has logical index `origin`.
struct OhlcColumns {
    std::int64_t origin = 0;
    std::span<const double> open, high, low, close, volume;
};

/// Groups of `bucketBars` bars aligned to multiples of bucketBars in logical index (group k
/// covers [k*bucketBars, (k+1)*bucketBars)), for every group that intersects [fromIndex, toIndex]
/// (inclusive logical indices, clipped to the data). Alignment to the index, not to the window,
/// keeps groups stable while the view pans. bucketBars = 1 copies bars through. Appends to `out`.
void aggregateOhlc(const OhlcColumns& cols, std::int64_t fromIndex, std::int64_t toIndex, std::int32_t bucketBars,
                   std::vector<OhlcBucket>& out);

/// The one group containing logical index `index` (which must be in the data).
OhlcBucket aggregateBucketAt(const OhlcColumns& cols, std::int64_t index, std::int32_t bucketBars);

/// Bars per group for a view of `visibleBars` bars across `pixelColumns` columns: 1 while every bar
/// gets at least a pixel column, else the smallest group size that leaves at most one candle per
/// column (ceil(visibleBars / pixelColumns)).
std::int32_t bucketBarsFor(double visibleBars, double pixelColumns);

/// floor(a / b) for b > 0, also for negative a (logical indices go negative with older history).
inline std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace kairos::charts
