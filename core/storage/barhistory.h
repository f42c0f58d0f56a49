#pragma once
// BarHistory: pages of chart history out of the CandleStore for any timeframe. A timeframe the
// store lacks is aggregated exactly (first open, highest high, lowest low, last close, summed
// volumes and trade counts) from a stored timeframe whose buckets tile it (domain bucket rules:
// 1w from Monday 00:00 UTC, 1M by calendar month, the rest aligned to the epoch).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace kairos::storage {

class CandleStore;

/// Whether every `to` bucket is a whole number of `from` buckets (so bars of `from` aggregate
/// exactly into bars of `to`). True for from == to.
bool tilesInto(Timeframe from, Timeframe to);

/// Aggregates bars of a finer timeframe (increasing open time) into `to` buckets. Bars are grouped
/// by bucketStart(to, openTime); an output bar is closed only when every input bar in it is closed.
/// Errors: a volume sum overflows.
Result<std::vector<Bar>> aggregateBars(std::span<const Bar> bars, Timeframe to);

/// `into` extended by a bar of the same bucket (high/low/close/volumes/trade count; `into`'s
/// open stays). The result's closed flag is `next.closed`.
Result<Bar> mergeBar(const Bar& into, const Bar& next);

/// One page of history for a chart.
struct HistoryPage {
    std::vector<Bar> bars;            ///< in increasing open time
    std::optional<Timeframe> source;  ///< the stored timeframe read (nullopt: nothing stored)
    bool exhausted = false;           ///< nothing older is stored
    /// Close time of the newest source bar read (live updates of source bars opening before it are
    /// already in `bars`); 0 when nothing was read.
    std::int64_t sourceEndMs = 0;
};

/// Reads history pages for charts. Not thread-safe (like CandleStore): use it on the thread that
/// owns the store's Database.
class BarHistory {
public:
    explicit BarHistory(CandleStore& store) : m_store(store) {}

    /// The stored timeframe bars of `tf` are built from for `id`: `tf` itself when stored, else
    /// the coarsest stored timeframe that tiles it (fewest bars to read; any tiling one gives the
    /// same bars). nullopt when none is stored.
    Result<std::optional<Timeframe>> sourceFor(const InstrumentId& id, Timeframe tf) const;

    /// Up to `count` bars of `tf` that open before `beforeMs` (exclusive), the newest ones.
    /// With `endMs`, only source bars that have closed by endMs are used (the replay clock:
    /// later stored bars are the replay's future); the newest output bar may then be a partial
    /// bucket. The newest output bar is marked closed == false when its bucket ends after the
    /// newest source bar read. Pass INT64_MAX for both to read the latest.
    Result<HistoryPage> page(const InstrumentId& id, Timeframe tf, std::int64_t beforeMs, std::int64_t endMs, int count) const;

private:
    CandleStore& m_store;
};

}  // namespace kairos::storage
