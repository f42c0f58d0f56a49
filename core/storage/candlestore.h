#pragma once
// CandleStore: the candle cache/history per instrument and timeframe, in the profile database.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace kairos::storage {

class Database;

/// A run of missing bars: every bucket start t with fromMs <= t < toMs is missing. fromMs is the
/// first missing bucket start; toMs is the open time of the next stored bar, or the end of the
/// range asked for when the run reaches it.
struct Gap {
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::int64_t missingBars = 0;
    friend bool operator==(const Gap&, const Gap&) = default;
};

/// What the store holds for one instrument and timeframe.
struct SeriesInfo {
    InstrumentId instrument;
    Timeframe timeframe = Timeframe::M1;
    std::int64_t barCount = 0;
    std::int64_t firstOpenMs = 0;
    std::int64_t lastOpenMs = 0;
};

/// Bars are stored exactly (each price/volume as int64 raw + its own scale), keyed by instrument,
/// timeframe and open time. Not thread-safe (like Database): one store per Database, used on the
/// thread that owns it. Errors name the series and the database file.
class CandleStore {
public:
    /// The store works on `db`, which must outlive it.
    explicit CandleStore(Database& db);
    ~CandleStore();

    /// Inserts or replaces `bars` (same open time = replace) in one transaction: either all
    /// are stored or none (the previous data stays as it was). Bars must be validated by the caller.
    /// Inside a transaction the caller opened on the Database, it runs as a savepoint of it. An
    /// empty `bars` does nothing (and creates no series).
    Status upsert(const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars);
    /// Bars with fromMs <= openTime < toMs in time order.
    Result<std::vector<Bar>> range(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) const;
    /// The most recent stored bar, or nullopt when the series is empty.
    Result<std::optional<Bar>> latest(const InstrumentId& id, Timeframe tf) const;
    /// Missing bucket starts between fromMs (inclusive) and toMs (exclusive), as runs. Bucket
    /// starts follow bucketStart/nextBucketStart (calendar months for 1M).
    Result<std::vector<Gap>> gaps(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) const;
    /// Gaps between the series' first and last stored bar (none for an empty series).
    Result<std::vector<Gap>> gaps(const InstrumentId& id, Timeframe tf) const;
    /// Every stored series with its count and first/last open time, sorted by instrument then
    /// timeframe length. Counting scans the bars (about a second per ten million bars).
    Result<std::vector<SeriesInfo>> series() const;
    /// Deletes a series; returns the number of bars removed (0 when there was no such series).
    Result<std::int64_t> remove(const InstrumentId& id, Timeframe tf);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace kairos::storage
