#pragma once
// FakeCoinbaseAdvanced: a local Coinbase Advanced Trade public API. WebSocket: {"type":
// "subscribe"|"unsubscribe","product_ids":[..],"channel":".."} (topics "channel|product"; the
// heartbeats channel is counted, not a topic), answered with a `subscriptions` message. REST:
// /api/v3/brokerage/market/products/{id}/candles (UNIX-second start/end inclusive, granularity
// names, at most 350 rows, objects newest first) for the products given to serveCandles(), and
// /api/v3/brokerage/market/products (a Synthetic body with the documented field names: the docs
// store no example of it).

#include "fakevenue.h"

namespace kairos::test {

class FakeCoinbaseAdvanced : public FakeVenue {
    Q_OBJECT
public:
    FakeCoinbaseAdvanced();
    marketdata::FeedConfig config() const override;
    void serveCandles(const QString& product);
    int unsubscribeMessages() const { return m_unsubscribes; }
    int heartbeatSubscriptions() const { return m_heartbeats; }

protected:
    void onClientText(FakeWsServer::Client& c, const QString& text) override;

private:
    int m_unsubscribes = 0;
    int m_heartbeats = 0;
};

}  // namespace kairos::test
