#pragma once
// AlertEngine: evaluates alert rules (alertrule.h has the semantics) against last prices (trades),
// closed bars and signals, and returns the AlertEvents they cause. Rules are indexed per
// instrument, so a price costs one hash lookup plus the instrument's own price rules, whatever the
// number of rules on other instruments. Time is market time (the trade's or bar's), so a replay
// fires the same alerts at the same times as the live run did.
//
// Not thread-safe: feed it on one thread (the GUI thread in the terminal). Persisting is the
// caller's job (AlertStore): the engine changes its copy of a rule (enabled, lastFiredMs,
// fireCount) and says so in the events it returns; rule() gives the updated copy.

#include "alerts/alertrule.h"
#include "domain/bar.h"
#include "signals/signalengine.h"
#include "storage/drawingstore.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace kairos::alerts {

class AlertEngine {
public:
    /// Closed bars of a series up to now, oldest first, to warm a formula rule up when it is added
    /// (its indicators need history: ema(close, 21) needs 21 bars). May be empty.
    using HistoryProvider = std::function<std::vector<Bar>(const InstrumentId&, Timeframe)>;

    /// The drawing `drawingId` of an instrument's chart as stored now, or nullopt when it is gone.
    using DrawingLookup = std::function<std::optional<storage::Drawing>(const InstrumentId&, std::int64_t drawingId)>;

    explicit AlertEngine(HistoryProvider history = {});
    ~AlertEngine();
    AlertEngine(const AlertEngine&) = delete;
    AlertEngine& operator=(const AlertEngine&) = delete;

    /// Bars of this timeframe are what the caller feeds; formula rules on a coarser timeframe that
    /// it tiles (1h -> 2h, 4h, 6h, 12h, 1d, 1w) get bars aggregated from them, live and for their
    /// warm-up; so do signal rules on such a timeframe, which run their own signal::SignalEngine
    /// on those bars (default rules) instead of waiting for onSignal() (the history provider is then asked for this timeframe). A coarser bar is complete
    /// when the fed bar that ends its bucket closes; when bars are missing at the end of a bucket,
    /// it is evaluated when the first bar of the next bucket arrives. Default: no aggregation.
    void setBaseTimeframe(std::optional<Timeframe> tf) { m_base = tf; }

    /// Where drawing rules read their drawing (when added, on every closed bar of their timeframe
    /// and on drawingChanged()). Without one a drawing rule never fires. Set before adding rules.
    void setDrawingLookup(DrawingLookup lookup) { m_drawings = std::move(lookup); }
    /// A drawing was moved, edited or deleted: its rules read it again now (deleted: the rules are
    /// disabled, with a Disabled event each).
    std::vector<AlertEvent> drawingChanged(const InstrumentId& id, std::int64_t drawingId);
    /// The symbols of a watchlist (replacing what was known): its watchlist rules run on exactly
    /// these from now on (new symbols start with a fresh state, removed ones stop).
    void setWatchlist(std::int64_t watchlistId, const std::vector<InstrumentId>& members);

    /// Adds a rule (id > 0), or replaces the rule with the same id (an edit: its evaluation state
    /// starts afresh, e.g. a "crosses" rule needs a new previous price). Error when it does not
    /// validate; the engine is unchanged then. A disabled rule is kept but not evaluated.
    Status setRule(const AlertRule& rule);
    void removeRule(std::int64_t id);
    /// Enables/disables a rule (enabling restarts its state, as an edit does). False when unknown.
    bool setEnabled(std::int64_t id, bool enabled);
    /// The engine's copy of a rule (with its firing state), or nullptr.
    const AlertRule* rule(std::int64_t id) const;
    std::vector<AlertRule> rules() const;
    /// Whether a bar rule (formula, move, volume spike) held on the last closed bar it has seen
    /// (its warm-up included); nullopt for other rules, watchlist rules and before any bar.
    std::optional<bool> heldOnLastBar(std::int64_t id) const;
    std::size_t ruleCount() const { return m_rules.size(); }

    /// A last price (a trade): evaluates the instrument's price rules.
    std::vector<AlertEvent> onPrice(const InstrumentId& id, std::int64_t timeMs, const Price& price);
    std::vector<AlertEvent> onTrade(const InstrumentId& id, const Trade& t) { return onPrice(id, t.timeMs, t.price); }
    /// Best bid and ask (a book ticker): evaluates the instrument's rules on the bid, ask or mid.
    /// A quote with a side missing (zero) is skipped by the rules that need that side.
    std::vector<AlertEvent> onQuote(const InstrumentId& id, const Quote& q);
    /// A bar of the series; only closed bars are evaluated (forming ones are ignored), each bar
    /// once (a bar at or before the last one a rule saw, e.g. a backfill, is skipped). Formula
    /// rules of the series are evaluated; the event time is the bar's close time.
    std::vector<AlertEvent> onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    /// The signal the engine gave on a closed bar of the series (HOLD included: it is what makes a
    /// later LONG a new one). Signal rules of the series are evaluated; the event's price is the
    /// signal's entry (the bar's close) at the rule instrument's precision.
    std::vector<AlertEvent> onSignal(const InstrumentId& id, Timeframe tf, const signal::Signal& s);
    /// Expires (disables, with an Expired event) every enabled rule whose expiry is <= nowMs.
    std::vector<AlertEvent> expireUntil(std::int64_t nowMs);
    /// Same with each rule's own clock (the replay's for a replayed instrument, the wall clock for a
    /// live one), so that a rule on a symbol that stopped trading still expires on time.
    std::vector<AlertEvent> expireDue(const std::function<std::int64_t(const InstrumentId&)>& nowOf);

private:
    struct State;
    State* add(const AlertRule& rule);
    void index(State* s);
    void unindex(State* s);
    void warm(State& s);
    /// Whether the trigger mode lets the rule fire now (once per bar, cooldown).
    static bool mayFire(const State& s, std::int64_t timeMs, std::int64_t barMs);
    /// Handles the common part of firing: expiry, trigger mode, cooldown. True when it fired.
    bool fire(State& s, std::int64_t timeMs, std::int64_t barMs, const Price& price, const std::string& what,
              std::vector<AlertEvent>& out);
    bool expireIfDue(State& s, std::int64_t timeMs, const Price& price, std::vector<AlertEvent>& out);
    /// Evaluates one tick rule on a price; true when the rule is now disabled.
    bool evaluateTick(State& s, std::int64_t timeMs, const Price& price, std::vector<AlertEvent>& out);
    /// Closed bars of the rule's timeframe up to now (aggregated from the base when needed).
    std::vector<Bar> historyFor(const AlertRule& r);
    /// Disables a rule (all the symbols of a watchlist rule), unindexing every member but `keep`.
    void disableGroup(State& s, const State* keep);
    void buildMembers(State& parent);
    /// Judges a signal for a signal rule (new bar, expiry, trigger mode); true when it fired or expired.
    bool signalStep(State& s, Timeframe tf, const signal::Signal& sig, std::vector<AlertEvent>& out);
    /// Evaluates the formula rules of one series on a closed bar.
    void evaluateBar(const InstrumentId& id, Timeframe tf, const Bar& bar, std::vector<AlertEvent>& out);
    /// The timeframe a rule's bars come from: the base when it tiles the rule's, else its own.
    Timeframe sourceOf(Timeframe tf) const;

    HistoryProvider m_history;
    DrawingLookup m_drawings;
    std::map<std::int64_t, std::vector<InstrumentId>> m_watchlists;
    std::map<std::int64_t, std::unique_ptr<State>> m_rules;
    /// Enabled tick rules on last prices per instrument, on bid/ask per instrument; bar rules per
    /// series (the 24h change and drawing rules are in both: bars keep their reference and line).
    std::unordered_map<InstrumentId, std::vector<State*>> m_priceRules;
    std::unordered_map<InstrumentId, std::vector<State*>> m_quoteRules;
    std::map<std::pair<InstrumentId, Timeframe>, std::vector<State*>> m_barRules;
    /// The last signal of each series (so a rule added later knows whether it is new).
    std::map<std::pair<InstrumentId, Timeframe>, signal::Signal> m_lastSignal;
    std::optional<Timeframe> m_base;
    /// The forming coarser bar of each aggregated series (base bars of its bucket so far).
    std::map<std::pair<InstrumentId, Timeframe>, Bar> m_partial;
};

}  // namespace kairos::alerts
