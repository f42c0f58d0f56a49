#pragma once
// FakeOkx: a local OKX v5 public API. WebSocket on two paths, /ws/v5/public and /ws/v5/business
// (candle channels only on business, as OKX enforces with 64001); {"op":"subscribe","args":[..]}
// acked per argument; the text "ping" answered with "pong". REST: /api/v5/market/history-candles
// (after/before/limit, newest first), /api/v5/public/instruments (the doc example).

#include "fakevenue.h"

namespace kairos::test {

class FakeOkx : public FakeVenue {
    Q_OBJECT
public:
    FakeOkx();
    marketdata::FeedConfig config() const override;
    /// Subscriptions refused because they came on the wrong endpoint.
    int wrongEndpoint() const { return m_wrongEndpoint; }
    int unsubscribeMessages() const { return m_unsubscribes; }

protected:
    void onClientText(FakeWsServer::Client& c, const QString& text) override;

private:
    int m_wrongEndpoint = 0;
    int m_unsubscribes = 0;
};

}  // namespace kairos::test
