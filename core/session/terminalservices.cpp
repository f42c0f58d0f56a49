#include "session/terminalservices.h"

#include "session/terminalsession.h"

#include "storage/database.h"

namespace kairos::session {

TerminalServices::TerminalServices(TerminalSession& session, QObject* parent)
    : QObject(parent), m_session(session), m_hub(new EventHub(this)), m_router(new MarketRouter(session, *m_hub, this)) {
    // Formula alerts warm up on the bars before now: what the replay has played, or the stored
    // candles of a live symbol.
    MarketRouter* router = m_router;
    m_alerts = new AlertService(
        session.database(), [router](const InstrumentId& id, Timeframe tf) { return router->recentBars(id, tf); }, this);
    m_alerts->setBaseTimeframe(Timeframe::H1);
    m_alerts->load();
    m_alerts->attach(*m_hub);
    // Expiry also without prices (a symbol that stopped trading): each rule by its symbol's clock.
    m_alerts->startExpiryClock([router](const InstrumentId& id) { return router->clockOf(id); });
    if (storage::Database* db = session.database()) {
        // Firings are stored with their delivery jobs; the queue sends them (and what a previous
        // run left pending) and is woken by each new firing.
        m_secrets = std::make_unique<alerts::KeychainSecretStore>("Kairos alerts (" + db->path().toStdString() + ")");
        m_delivery = new alerts::DeliveryQueue(*db, *m_secrets, this);
        connect(m_alerts, &AlertService::eventOccurred, m_delivery, [this] { m_delivery->wake(); });
        if (auto st = m_delivery->start(); !st)
            QMetaObject::invokeMethod(
                m_alerts, [a = m_alerts, m = QString::fromStdString(st.message())] { Q_EMIT a->errorOccurred(m); },
                Qt::QueuedConnection);
    }
    m_signals = new SignalService(session.database(), session.databaseError(), *m_hub, this);
    connect(m_router, &MarketRouter::warmed, m_signals,
            [this](const InstrumentId& id, const std::vector<Bar>& bars, bool) { m_signals->warm(id, bars); });
}

TerminalServices::~TerminalServices() = default;

}  // namespace kairos::session
