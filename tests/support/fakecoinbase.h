#pragma once
// FakeCoinbase: a local Coinbase Exchange public API. WebSocket feed: {"type":"subscribe"|
// "unsubscribe","product_ids"?,"channels":[name | {"name","product_ids"}]} answered with the
// `subscriptions` message listing what the connection now carries (topics "channel|product").
// REST: /products (the doc example), /products/{id}/candles (granularity, ISO 8601 start/end
// inclusive, at most 300 buckets or HTTP 400, rows [time, low, high, open, close, volume] newest
// first) for the products given to serveCandles().

#include "fakevenue.h"

namespace kairos::test {

class FakeCoinbase : public FakeVenue {
    Q_OBJECT
public:
    FakeCoinbase();
    marketdata::FeedConfig config() const override;
    /// Routes /products/{product}/candles (BTC-USD and ETH-USD are routed from the start).
    void serveCandles(const QString& product);
    int unsubscribeMessages() const { return m_unsubscribes; }

protected:
    void onClientText(FakeWsServer::Client& c, const QString& text) override;

private:
    int m_unsubscribes = 0;
};

}  // namespace kairos::test
