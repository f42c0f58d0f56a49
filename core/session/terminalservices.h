#pragma once
// TerminalServices: the terminal's headless services on one TerminalSession, wired together —
// the EventHub every source publishes into, the MarketRouter (routes, subscriptions, history),
// the AlertService (rules, firings, expiry clock) and the SignalService (an engine per
// instrument, tracker, store). A window assembles widgets on them; a test or a headless process
// drives them without one. GUI thread (or a headless event loop).

#include "session/alertservice.h"
#include "session/eventhub.h"
#include "session/marketrouter.h"
#include "session/signalservice.h"

#include "alerts/deliveryqueue.h"
#include "alerts/secretstore.h"

#include <QObject>

#include <memory>

namespace kairos::session {

class TerminalSession;

class TerminalServices : public QObject {
    Q_OBJECT
public:
    /// `session` must outlive the services. Loads the stored alert rules; formula alerts run on
    /// 1h bars (what the feeds publish) and the timeframes those tile.
    explicit TerminalServices(TerminalSession& session, QObject* parent = nullptr);
    ~TerminalServices() override;

    TerminalSession& session() const { return m_session; }
    EventHub& hub() const { return *m_hub; }
    MarketRouter& router() const { return *m_router; }
    AlertService& alertService() const { return *m_alerts; }
    SignalService& signalService() const { return *m_signals; }
    /// Sends firings to the rules' channels (e-mail, Telegram, Discord, webhook); channel secrets in
    /// the OS keychain. nullptr without a profile database.
    alerts::DeliveryQueue* deliveryQueue() const { return m_delivery; }

private:
    TerminalSession& m_session;
    EventHub* m_hub;
    MarketRouter* m_router;
    AlertService* m_alerts;
    SignalService* m_signals;
    std::unique_ptr<alerts::ISecretStore> m_secrets;
    alerts::DeliveryQueue* m_delivery = nullptr;
};

}  // namespace kairos::session
