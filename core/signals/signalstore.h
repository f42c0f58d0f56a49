#pragma once
// Signal history in the profile database: every signal with its outcome, upserted per instrument,
// timeframe and bar (re-saving a signal updates its outcome), and accuracy over everything stored.

#include "domain/instrument.h"
#include "signals/outcome.h"
#include "util/result.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::signal {

struct StoredSignal {
    InstrumentId id;
    Timeframe tf = Timeframe::H1;
    Signal signal;
    Outcome outcome;
};

class SignalStore {
public:
    /// Works on `db`, which must outlive the store.
    explicit SignalStore(storage::Database& db);
    ~SignalStore();

    /// Inserts or updates (same instrument, timeframe and bar) in one transaction; all or nothing.
    Status save(const InstrumentId& id, Timeframe tf, const std::vector<Signal>& list, const std::vector<Outcome>& outcomes);
    /// Stored signals of a series with fromMs <= bar open < toMs, in time order.
    Result<std::vector<StoredSignal>> history(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) const;
    /// Accuracy of every resolved LONG/SHORT signal stored: keys "all", "LONG"/"SHORT",
    /// "instrument VENUE:SYMBOL", "timeframe 1h", "confidence 20-39", ...
    Result<std::map<std::string, AccuracyBucket>> accuracy() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace kairos::signal
