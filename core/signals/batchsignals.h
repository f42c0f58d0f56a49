#pragma once
// Signals for many series at once (a whole watchlist over several timeframes), in parallel on Qt's
// global thread pool. Blocking: call it from a worker (QtConcurrent::run), never the GUI thread.

#include "domain/instrument.h"
#include "signals/signalengine.h"
#include "util/result.h"

#include <atomic>
#include <functional>
#include <vector>

namespace kairos::signal {

struct SeriesInput {
    InstrumentId id;
    Timeframe tf = Timeframe::H1;
    std::vector<Bar> bars;
};

struct SeriesSignals {
    InstrumentId id;
    Timeframe tf = Timeframe::H1;
    std::vector<Signal> list;  ///< not "signals": a Qt macro
};

/// generateSignals() for every series, in parallel, results in input order. `cancel` (optional)
/// stops the work early with an Error; `progress` (optional) is called from worker threads with
/// (series done, total).
Result<std::vector<SeriesSignals>> generateAll(const std::vector<SeriesInput>& series, const SignalRules& rules = {},
                                               const std::atomic<bool>* cancel = nullptr,
                                               const std::function<void(int, int)>& progress = {});

}  // namespace kairos::signal
