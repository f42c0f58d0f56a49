#pragma once
// SignalTracker: follows live signals to their outcome. Each LONG/SHORT signal is stored in the
// signal history (SignalStore) as open when it is emitted; every later closed bar of its series
// re-evaluates it with the same rule as the batch `evaluate` (outcome.h: only bars opened at or
// after the signal became known, stop before target inside one bar, expiry after maxBars), and the
// stored outcome is updated as soon as it changes (a take-profit reached, the stop, TP3, expiry).
// So the terminal's history and accuracy statistics are the ones `kairos-cli signals` computes on
// the same bars.

#include "signals/outcome.h"
#include "signals/signalstore.h"

#include <map>
#include <vector>

namespace kairos::signal {

class SignalTracker {
public:
    /// `store` may be null (outcomes are tracked in memory only); it must outlive the tracker.
    explicit SignalTracker(SignalStore* store, SignalRules rules = {}, int maxBars = 48);

    /// Records a new signal of the series as open (HOLD signals are not tracked). Error when the
    /// store refused it; the signal is tracked anyway.
    Status onSignal(const InstrumentId& id, Timeframe tf, const Signal& s);
    /// A closed bar of the series: updates the open signals' outcomes. Returns the signals whose
    /// outcome changed (resolved ones included), after they were stored.
    Result<std::vector<StoredSignal>> onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);

    /// Signals still open, over all series.
    std::size_t openCount() const;
    /// Open signals of a series with their outcome so far.
    std::vector<StoredSignal> open(const InstrumentId& id, Timeframe tf) const;

private:
    struct Tracked {
        Signal signal;
        Outcome outcome;
        std::vector<Bar> bars;  // bars after the signal, at most maxBars
    };
    SignalStore* m_store;
    SignalRules m_rules;
    int m_maxBars;
    std::map<std::pair<InstrumentId, Timeframe>, std::vector<Tracked>> m_open;
};

}  // namespace kairos::signal
