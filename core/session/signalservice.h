#pragma once
// SignalService: one SignalEngine per instrument on the 1h bars the feeds publish, the
// SignalTracker that judges each signal's outcome on the bars after it, and the SignalStore
// (profile database) that keeps them. Headless: fed by the EventHub's closed 1h bars (live,
// replayed and backfilled), it publishes every closed bar's signal into the hub (HOLD included:
// alerts need it) and announces what the Signals panel shows (signalRecorded, outcomesChanged).
// Without a profile database signals are tracked for the session only (storageMessage() says so).

#include "session/eventhub.h"
#include "signals/signalengine.h"
#include "signals/signalstore.h"
#include "signals/signaltracker.h"
#include "util/result.h"

#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::session {

class SignalService : public QObject {
    Q_OBJECT
public:
    /// The timeframe every engine runs on (what the feeds publish).
    static constexpr Timeframe kTimeframe = Timeframe::H1;

    /// `db` may be null (no persistence; it must outlive the service). Subscribes to `hub`'s
    /// closed 1h bars and publishes its signals there; the hub must outlive the service.
    SignalService(storage::Database* db, const QString& dbError, EventHub& hub, QObject* parent = nullptr);
    ~SignalService() override;

    /// Restarts the engine of `id` on `bars` (oldest first, closed) and publishes the latest
    /// signal of that warm-up (SignalEvent::warmUp: shown, not recorded nor alerted).
    void warm(const InstrumentId& id, const std::vector<Bar>& bars);
    /// A closed bar: first judges the earlier signals of `id`, then may give a new one. Bars that
    /// are open or of another timeframe are ignored. Called by the hub.
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    bool hasEngine(const InstrumentId& id) const { return m_engines.count(id) > 0; }

    /// The stored signals of these instruments (all times), or why they could not be read.
    Result<std::vector<signal::StoredSignal>> history(const std::vector<InstrumentId>& ids) const;
    /// Accuracy of the stored signals; an error without a database.
    Result<std::map<std::string, signal::AccuracyBucket>> accuracy() const;
    bool hasStore() const { return m_store != nullptr; }
    /// Empty, or why signals are not kept (no profile database).
    QString storageMessage() const { return m_storageMessage; }
    const signal::SignalTracker& tracker() const { return *m_tracker; }

Q_SIGNALS:
    /// A LONG/SHORT signal of a closed bar, stored and tracked (outcome still open).
    void signalRecorded(const kairos::signal::StoredSignal& stored);
    /// Outcomes of earlier signals changed with a closed bar (non-empty).
    void outcomesChanged(const std::vector<kairos::signal::StoredSignal>& changed);
    /// Something could not be stored; the message says what.
    void errorOccurred(const QString& message);

private:
    void record(const InstrumentId& id, const signal::Signal& s);

    EventHub& m_hub;
    std::map<InstrumentId, signal::SignalEngine> m_engines;
    std::unique_ptr<signal::SignalStore> m_store;
    std::unique_ptr<signal::SignalTracker> m_tracker;
    QString m_storageMessage;
};

}  // namespace kairos::session
