#pragma once
// EventHub: the terminal's typed event bus (shared/DESIGN.md, "Events"). Every source publishes
// into it once — market-data feeds their trades, quotes, 24h tickers and bars, the trading accounts their
// order updates and fills, the SignalService its signals, the AlertService its firings — and every
// consumer (watchlist, charts, signals, alerts, paper venue) subscribes to the hub instead of to
// each source. Adding a feed is one attachFeed(); adding a consumer is one set of connects.
//
// Thread: GUI thread (or the thread of a headless process's event loop). Events are delivered
// synchronously, in the order the subscribers connected. Knows nothing of widgets.

#include "alerts/alertrule.h"
#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "marketdata/marketdatafeed.h"  // the market-data types as Qt meta types
#include "marketdata/marketdatatypes.h"
#include "signals/signalengine.h"
#include "trading/order.h"
#include "trading/account.h"  // Order and Fill as Qt meta types

#include <QObject>

#include <vector>

namespace kairos::session {

/// A signal of an instrument's signal engine.
struct SignalEvent {
    InstrumentId instrument;
    Timeframe tf = Timeframe::H1;
    signal::Signal signal;
    /// True for the latest signal of a warm-up over history (shown, never recorded or alerted);
    /// false for the signal of a bar that just closed (HOLD included).
    bool warmUp = false;
};

class EventHub : public QObject {
    Q_OBJECT
public:
    explicit EventHub(QObject* parent = nullptr);
    ~EventHub() override;

    /// Publishes this feed's trades, quotes and bars (and an exchange feed's 24h tickers and
    /// backfilled bars) into the hub. Idempotent per feed; a destroyed feed is forgotten. The
    /// hub does not own the feed.
    void attachFeed(marketdata::MarketDataFeed* feed);
    /// Publishes the account's order updates and fills. Idempotent; the hub does not own it.
    void attachAccount(trading::Account* account);
    bool isAttached(const QObject* source) const;
    /// Number of sources attached now (feeds and venues).
    int attachedCount() const { return static_cast<int>(m_sources.size()); }

    void publishSignal(const SignalEvent& e) { Q_EMIT signalPublished(e); }
    void publishAlert(const alerts::AlertEvent& e) { Q_EMIT alertOccurred(e); }

Q_SIGNALS:
    void tradeReceived(const kairos::InstrumentId& id, const kairos::Trade& trade);
    void quoteReceived(const kairos::InstrumentId& id, const kairos::Quote& quote);
    void tickerReceived(const kairos::InstrumentId& id, const kairos::marketdata::Ticker24h& ticker);
    /// A bar changed or closed (bar.closed) on a live or replayed feed.
    void barUpdated(const kairos::InstrumentId& id, kairos::Timeframe tf, const kairos::Bar& bar);
    /// Closed bars a venue filled in after a gap (oldest first). Not alerted: they are the past.
    void barsBackfilled(const kairos::InstrumentId& id, kairos::Timeframe tf, const std::vector<kairos::Bar>& bars);
    void orderUpdated(const kairos::trading::Order& order);
    void filled(const kairos::trading::Fill& fill);
    void signalPublished(const kairos::session::SignalEvent& event);
    /// An alert fired or expired (already stored by the AlertService).
    void alertOccurred(const kairos::alerts::AlertEvent& event);

private:
    std::vector<const QObject*> m_sources;
};

}  // namespace kairos::session

Q_DECLARE_METATYPE(kairos::session::SignalEvent)
Q_DECLARE_METATYPE(kairos::alerts::AlertEvent)
