#pragma once
// FakeBybit: a local Bybit v5 public spot API. WebSocket: {"op":"subscribe"|"unsubscribe","args":[..]}
// with the documented spot ack, {"op":"ping"} -> pong. REST: /v5/market/kline (category=spot,
// newest first, the retCode envelope), /v5/market/instruments-info (the doc example).

#include "fakevenue.h"

namespace kairos::test {

class FakeBybit : public FakeVenue {
    Q_OBJECT
public:
    FakeBybit();
    marketdata::FeedConfig config() const override;
    /// Unsubscribe requests seen (book resyncs resubscribe).
    int unsubscribeMessages() const { return m_unsubscribes; }

protected:
    void onClientText(FakeWsServer::Client& c, const QString& text) override;

private:
    int m_unsubscribes = 0;
};

}  // namespace kairos::test
