#include "session/signalservice.h"

#include "storage/database.h"

#include <limits>
#include <optional>

namespace kairos::session {

SignalService::SignalService(storage::Database* db, const QString& dbError, EventHub& hub, QObject* parent)
    : QObject(parent), m_hub(hub) {
    if (db) {
        m_store = std::make_unique<signal::SignalStore>(*db);
        m_tracker = std::make_unique<signal::SignalTracker>(m_store.get());
    } else {
        m_tracker = std::make_unique<signal::SignalTracker>(nullptr);
        m_storageMessage = tr("No profile database (%1): signals are tracked for this session only.").arg(dbError);
    }
    connect(&hub, &EventHub::barUpdated, this, &SignalService::onBar);
    connect(&hub, &EventHub::barsBackfilled, this, [this](const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars) {
        for (const Bar& b : bars) onBar(id, tf, b);
    });
}

SignalService::~SignalService() = default;

void SignalService::warm(const InstrumentId& id, const std::vector<Bar>& bars) {
    signal::SignalEngine& engine = m_engines.insert_or_assign(id, signal::SignalEngine{}).first->second;
    std::optional<signal::Signal> last;
    for (const Bar& b : bars)
        if (auto sig = engine.onBar(b, nextBucketStart(kTimeframe, b.openTimeMs))) last = sig;
    if (last) m_hub.publishSignal({id, kTimeframe, *last, true});
}

void SignalService::onBar(const InstrumentId& id, Timeframe tf, const Bar& b) {
    if (!b.closed || tf != kTimeframe) return;
    // The bar first judges the earlier signals, then may give a new one.
    if (auto changed = m_tracker->onBar(id, tf, b); changed) {
        if (!changed->empty()) Q_EMIT outcomesChanged(*changed);
    } else {
        Q_EMIT errorOccurred(tr("Signal history not saved: %1").arg(QString::fromStdString(changed.message())));
    }
    auto it = m_engines.find(id);
    if (it != m_engines.end())
        if (auto sig = it->second.onBar(b, nextBucketStart(tf, b.openTimeMs))) record(id, *sig);
}

void SignalService::record(const InstrumentId& id, const signal::Signal& s) {
    m_hub.publishSignal({id, kTimeframe, s, false});
    if (s.side == signal::Direction::Hold) return;
    if (auto st = m_tracker->onSignal(id, kTimeframe, s); !st)
        Q_EMIT errorOccurred(tr("Signal history not saved: %1").arg(QString::fromStdString(st.message())));
    Q_EMIT signalRecorded({id, kTimeframe, s, signal::Outcome{}});
}

Result<std::vector<signal::StoredSignal>> SignalService::history(const std::vector<InstrumentId>& ids) const {
    std::vector<signal::StoredSignal> all;
    if (!m_store) return all;
    for (const InstrumentId& id : ids) {
        auto h =
            m_store->history(id, kTimeframe, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
        if (!h) return h.error();
        all.insert(all.end(), h->begin(), h->end());
    }
    return all;
}

Result<std::map<std::string, signal::AccuracyBucket>> SignalService::accuracy() const {
    if (!m_store) return makeError(m_storageMessage.toStdString());
    return m_store->accuracy();
}

}  // namespace kairos::session
