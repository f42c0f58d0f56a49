#include "signals/signaltracker.h"

#include <utility>

namespace kairos::signal {

SignalTracker::SignalTracker(SignalStore* store, SignalRules rules, int maxBars)
    : m_store(store), m_rules(std::move(rules)), m_maxBars(maxBars) {}

Status SignalTracker::onSignal(const InstrumentId& id, Timeframe tf, const Signal& s) {
    if (s.side == Direction::Hold) return {};
    auto& list = m_open[{id, tf}];
    for (const Tracked& t : list)
        if (t.signal.barOpenMs == s.barOpenMs) return {};  // the same bar's signal, already tracked
    list.push_back({s, Outcome{}, {}});
    if (m_store) return m_store->save(id, tf, {s}, {Outcome{}});
    return {};
}

Result<std::vector<StoredSignal>> SignalTracker::onBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    std::vector<StoredSignal> changed;
    auto it = m_open.find({id, tf});
    if (it == m_open.end()) return changed;
    auto& list = it->second;
    std::vector<Signal> toSave;
    std::vector<Outcome> outcomes;
    for (auto t = list.begin(); t != list.end();) {
        if (bar.openTimeMs < t->signal.timeMs || (!t->bars.empty() && bar.openTimeMs <= t->bars.back().openTimeMs)) {
            ++t;  // before the signal was known, or a bar already seen
            continue;
        }
        t->bars.push_back(bar);
        const Outcome o = evaluate(t->signal, t->bars, m_rules, m_maxBars);
        // Tracked signals are open, so a resolution or a new take-profit is always a change.
        if (o.exit != Exit::Open || o.tpReached != t->outcome.tpReached) {
            toSave.push_back(t->signal);
            outcomes.push_back(o);
            changed.push_back({id, tf, t->signal, o});
        }
        t->outcome = o;
        if (o.exit != Exit::Open)
            t = list.erase(t);
        else
            ++t;
    }
    if (list.empty()) m_open.erase(it);
    if (m_store && !toSave.empty())
        if (auto st = m_store->save(id, tf, toSave, outcomes); !st) return st.error();
    return changed;
}

std::size_t SignalTracker::openCount() const {
    std::size_t n = 0;
    for (const auto& [key, list] : m_open) n += list.size();
    return n;
}

std::vector<StoredSignal> SignalTracker::open(const InstrumentId& id, Timeframe tf) const {
    std::vector<StoredSignal> out;
    auto it = m_open.find({id, tf});
    if (it == m_open.end()) return out;
    for (const Tracked& t : it->second) out.push_back({id, tf, t.signal, t.outcome});
    return out;
}

}  // namespace kairos::signal
