#include "storage/barhistory.h"

#include "storage/candlestore.h"

#include <algorithm>
#include <limits>

namespace kairos::storage {

namespace {
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
// Oldest time a page search goes back to (1900): beyond it nothing is stored.
constexpr std::int64_t kOldestMs = -2'208'988'800'000;

// Close time of the bar that opens at `openMs`.
std::int64_t closeOf(Timeframe tf, std::int64_t openMs) { return nextBucketStart(tf, openMs); }
}  // namespace

bool tilesInto(Timeframe from, Timeframe to) {
    if (from == to) return true;
    const auto f = fixedDurationMs(from);
    if (!f) return false;                                                      // months tile nothing but themselves
    if (to == Timeframe::MN1 || to == Timeframe::W1) return kDayMs % *f == 0;  // month/week edges are midnights
    const auto t = fixedDurationMs(to);
    return t && *t > *f && *t % *f == 0;  // both aligned to the epoch
}

Result<Bar> mergeBar(const Bar& into, const Bar& next) {
    Bar out = into;
    if (next.high > out.high) out.high = next.high;
    if (next.low < out.low) out.low = next.low;
    out.close = next.close;
    auto v = out.volume.add(next.volume);
    if (!v) return v.error();
    auto q = out.quoteVolume.add(next.quoteVolume);
    if (!q) return q.error();
    out.volume = *v;
    out.quoteVolume = *q;
    out.tradeCount += next.tradeCount;
    out.closed = next.closed;
    return out;
}

Result<std::vector<Bar>> aggregateBars(std::span<const Bar> bars, Timeframe to) {
    std::vector<Bar> out;
    bool allClosed = true;
    for (const Bar& b : bars) {
        const std::int64_t start = bucketStart(to, b.openTimeMs);
        if (out.empty() || out.back().openTimeMs != start) {
            if (!out.empty()) out.back().closed = allClosed;
            Bar n = b;
            n.openTimeMs = start;
            out.push_back(n);
            allClosed = b.closed;
            continue;
        }
        auto m = mergeBar(out.back(), b);
        if (!m) return m.error();
        out.back() = *m;
        allClosed = allClosed && b.closed;
    }
    if (!out.empty()) out.back().closed = allClosed;
    return out;
}

Result<std::optional<Timeframe>> BarHistory::sourceFor(const InstrumentId& id, Timeframe tf) const {
    std::optional<Timeframe> best;
    for (Timeframe s : kAllTimeframes) {
        if (!tilesInto(s, tf)) continue;
        auto last = m_store.latest(id, s);
        if (!last) return last.error();
        if (!last->has_value()) continue;
        if (s == tf) return std::optional<Timeframe>(tf);
        best = s;  // kAllTimeframes runs from fine to coarse: the last tiling one is the coarsest
    }
    return best;
}

Result<HistoryPage> BarHistory::page(const InstrumentId& id, Timeframe tf, std::int64_t beforeMs, std::int64_t endMs,
                                     int count) const {
    HistoryPage page;
    auto src = sourceFor(id, tf);
    if (!src) return src.error();
    page.source = *src;
    if (!*src || count <= 0) {
        page.exhausted = true;
        return page;
    }
    const Timeframe s = **src;
    // Source bars that have closed by endMs: open time < the start of the source bucket holding endMs
    // (when endMs is itself a bucket start, that bucket has not begun yet).
    std::int64_t toMs = beforeMs == kMax ? kMax : bucketStart(tf, beforeMs);
    if (endMs != kMax) toMs = std::min(toMs, bucketStart(s, endMs));
    if (toMs == kMax) {
        auto last = m_store.latest(id, s);
        if (!last) return last.error();
        if (!last->has_value()) {
            page.exhausted = true;
            return page;
        }
        toMs = closeOf(s, (**last).openTimeMs);
    }
    // Read backwards in windows aligned to `tf` buckets (so no output bucket is cut in two),
    // doubling the window until `count` bars are found or nothing older can be stored.
    std::vector<Bar> raw;  // source bars, increasing time
    std::int64_t windowMs = nominalDurationMs(tf) * (count + 1);
    std::int64_t to = toMs;
    std::size_t outBuckets = 0;
    while (true) {
        std::int64_t from = to - std::min(windowMs, to - kOldestMs);
        from = bucketStart(tf, from);
        if (from >= to) from = bucketStart(tf, to - 1);
        auto slice = m_store.range(id, s, from, to);
        if (!slice) return slice.error();
        if (!slice->empty()) {
            slice->insert(slice->end(), raw.begin(), raw.end());
            raw = std::move(*slice);
        }
        // Count output buckets so far.
        outBuckets = 0;
        std::int64_t lastBucket = kMin;
        for (const Bar& b : raw) {
            const std::int64_t bs = bucketStart(tf, b.openTimeMs);
            if (bs != lastBucket) ++outBuckets, lastBucket = bs;
        }
        to = from;
        if (outBuckets >= static_cast<std::size_t>(count)) break;
        if (to <= kOldestMs) {
            page.exhausted = true;
            break;
        }
        windowMs = windowMs > kMax / 4 ? kMax / 2 : windowMs * 2;
    }
    auto agg = s == tf ? Result<std::vector<Bar>>(raw) : aggregateBars(raw, tf);
    if (!agg) return agg.error();
    std::vector<Bar>& bars = *agg;
    if (bars.size() > static_cast<std::size_t>(count)) bars.erase(bars.begin(), bars.end() - count);
    // The newest bucket is partial when the source stops before it ends (the replay clock).
    if (!raw.empty()) page.sourceEndMs = closeOf(s, raw.back().openTimeMs);
    if (!bars.empty() && closeOf(tf, bars.back().openTimeMs) > page.sourceEndMs) bars.back().closed = false;
    page.bars = std::move(bars);
    return page;
}

}  // namespace kairos::storage
