#pragma once
// AlertService: the terminal's alert service (headless; GUI thread or a headless event loop). Owns
// the AlertEngine and the AlertStore (profile database), takes trades, closed bars and live signals
// from the EventHub, persists every firing and the rule changes it causes in one transaction, and
// announces events (eventOccurred, and EventHub::alertOccurred once attached). Its expiry clock
// expires rules also when their symbol has no prices. Without a profile database the rules live
// for the session only (storageError() says why). Watchlist rules run on the symbols the profile's
// watchlists hold and drawing rules on the chart's stored drawings; both are read again when rules
// change and on every tick of the expiry clock, so a symbol added to a list or a moved line is
// picked up within one tick (a drawing rule also re-reads its line on every closed bar).

#include "session/eventhub.h"

#include "alerts/alertengine.h"
#include "alerts/alertstore.h"
#include "domain/bar.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
class DrawingStore;
class WatchlistStore;
}  // namespace kairos::storage

namespace kairos::session {

class AlertService : public QObject {
    Q_OBJECT
public:
    /// `db` may be null (no persistence); it must outlive the center. `history` warms formula rules.
    AlertService(storage::Database* db, alerts::AlertEngine::HistoryProvider history, QObject* parent = nullptr);
    ~AlertService() override;

    /// Reads the stored rules and history; rows it cannot run are listed by problems(). Call it
    /// before building an AlertsWidget on this center (the widget shows the log it finds).
    void load();
    /// The bar timeframe the feeds publish; formula alerts on coarser timeframes it tiles get
    /// aggregated bars (AlertEngine::setBaseTimeframe). Call before load().
    void setBaseTimeframe(Timeframe tf) { m_engine.setBaseTimeframe(tf); }
    /// Takes the hub's trades (last prices), quotes (bid/ask rules), closed bars and live signals (not warm-ups nor
    /// backfilled bars), and publishes its events into the hub. Once; the hub must outlive it.
    void attach(EventHub& hub);
    /// Every `intervalMs`, expires the rules due by their instrument's clock (`nowOf`: the
    /// replay clock or the wall clock), so that rules expire also without prices.
    void startExpiryClock(std::function<std::int64_t(const InstrumentId&)> nowOf, int intervalMs = 5000);

    /// Stores a new rule and starts it; its id, or an error saying what is wrong.
    Result<std::int64_t> addRule(alerts::AlertRule rule);
    /// Stores an edited rule (same id) and restarts it.
    Status updateRule(const alerts::AlertRule& rule);
    Status removeRule(std::int64_t id);
    Status setEnabled(std::int64_t id, bool enabled);

    std::vector<alerts::AlertRule> rules() const { return m_engine.rules(); }
    const alerts::AlertRule* rule(std::int64_t id) const { return m_engine.rule(id); }
    /// Fired/expired alerts, newest first (the stored history, then this session's).
    const std::vector<alerts::AlertEvent>& log() const { return m_log; }
    /// Rows of the store that were not loaded (newer Kairos, damaged), one line each.
    const std::vector<std::string>& problems() const { return m_problems; }
    QString storageError() const { return m_storageError; }
    Status clearLog();
    /// Reads the stored rules again after something else changed the store (workspace sync): rules
    /// gone from it stop, the others (re)start as stored. Error when the store cannot be read.
    Status reloadRules();

    void onTrade(const InstrumentId& id, const Trade& t);
    void onQuote(const InstrumentId& id, const Quote& q);
    /// Reads the watchlists of watchlist rules and the drawings of drawing rules again (a deleted
    /// drawing disables its rules, with an event).
    void refreshLinks();
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    void onSignal(const InstrumentId& id, Timeframe tf, const signal::Signal& s);
    /// Expires the rules due by `nowMs` (called with the market clock).
    void expireUntil(std::int64_t nowMs);
    /// Expires the rules due by their instrument's clock (AlertEngine::expireDue).
    void expireDue(const std::function<std::int64_t(const InstrumentId&)>& nowOf);

Q_SIGNALS:
    /// Rules were added, edited, removed, enabled/disabled, or changed by a firing.
    void rulesChanged();
    /// An alert fired or expired (already stored).
    void eventOccurred(const kairos::alerts::AlertEvent& event);
    /// Something could not be stored; the message says what.
    void errorOccurred(const QString& message);

private:
    void handle(const std::vector<alerts::AlertEvent>& events);
    /// Tells the engine the symbols of the watchlists that `rules` (and the engine's rules) use.
    void refreshWatchlists(const std::vector<alerts::AlertRule>& rules);

    alerts::AlertEngine m_engine;
    std::unique_ptr<alerts::AlertStore> m_store;
    std::unique_ptr<storage::DrawingStore> m_drawings;
    std::unique_ptr<storage::WatchlistStore> m_watchlists;
    std::vector<alerts::AlertEvent> m_log;
    std::vector<std::string> m_problems;
    QString m_storageError;
    std::int64_t m_nextMemoryId = 1;
    EventHub* m_hub = nullptr;
    QTimer m_expiryClock;
    std::function<std::int64_t(const InstrumentId&)> m_nowOf;
};

}  // namespace kairos::session
