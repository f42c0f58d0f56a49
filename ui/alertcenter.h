#pragma once
// AlertCenter: the terminal's alert service on the GUI thread. Owns the AlertEngine and the
// AlertStore (profile database), feeds the engine from market-data feeds (trades, closed bars) and
// the signal engine's signals, persists every firing and the rule changes it causes in one
// transaction, and announces events to the UI (eventOccurred). Without a profile database the rules
// live for the session only (storageError() says why).

#include "alerts/alertengine.h"
#include "alerts/alertstore.h"
#include "marketdata/marketdatafeed.h"

#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
}

Q_DECLARE_METATYPE(kairos::alerts::AlertEvent)

namespace kairos::ui {

class AlertCenter : public QObject {
    Q_OBJECT
public:
    /// `db` may be null (no persistence); it must outlive the center. `history` warms formula rules.
    AlertCenter(storage::Database* db, alerts::AlertEngine::HistoryProvider history, QObject* parent = nullptr);
    ~AlertCenter() override;

    /// Reads the stored rules and history; rows it cannot run are listed by problems(). Call it
    /// before building an AlertsWidget on this center (the widget shows the log it finds).
    void load();
    /// The bar timeframe the feeds publish; formula alerts on coarser timeframes it tiles get
    /// aggregated bars (AlertEngine::setBaseTimeframe). Call before load().
    void setBaseTimeframe(Timeframe tf) { m_engine.setBaseTimeframe(tf); }
    /// Takes trades (last prices) and bars of this feed. Idempotent per feed.
    void watch(marketdata::MarketDataFeed* feed);

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

    void onTrade(const InstrumentId& id, const Trade& t);
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    void onSignal(const InstrumentId& id, Timeframe tf, const signal::Signal& s);
    /// Expires the rules due by `nowMs` (called with the market clock).
    void expireUntil(std::int64_t nowMs);

Q_SIGNALS:
    /// Rules were added, edited, removed, enabled/disabled, or changed by a firing.
    void rulesChanged();
    /// An alert fired or expired (already stored).
    void eventOccurred(const kairos::alerts::AlertEvent& event);
    /// Something could not be stored; the message says what.
    void errorOccurred(const QString& message);

private:
    void handle(std::vector<alerts::AlertEvent> events);

    alerts::AlertEngine m_engine;
    std::unique_ptr<alerts::AlertStore> m_store;
    std::vector<alerts::AlertEvent> m_log;
    std::vector<std::string> m_problems;
    QString m_storageError;
    std::int64_t m_nextMemoryId = 1;
    std::vector<QObject*> m_watched;
};

}  // namespace kairos::ui
