#include "session/terminalservices.h"

#include "session/terminalsession.h"

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
    m_signals = new SignalService(session.database(), session.databaseError(), *m_hub, this);
    connect(m_router, &MarketRouter::warmed, m_signals,
            [this](const InstrumentId& id, const std::vector<Bar>& bars, bool) { m_signals->warm(id, bars); });
}

TerminalServices::~TerminalServices() = default;

}  // namespace kairos::session
