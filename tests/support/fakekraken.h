#pragma once
// FakeKraken: a local Kraken spot API. WebSocket v2: {"method":"subscribe","params":{"channel",
// "symbol":[..],..}} acked per symbol (the documented ack), the `status` message (with its
// connection_id beyond int64) on connect, ping -> pong. REST: /0/public/OHLC (only the newest 720
// rows, the last row the running interval, result.last), /0/public/AssetPairs.

#include "fakevenue.h"

namespace kairos::test {

class FakeKraken : public FakeVenue {
    Q_OBJECT
public:
    FakeKraken();
    marketdata::FeedConfig config() const override;
    int unsubscribeMessages() const { return m_unsubscribes; }
    /// Parameters of the last subscribe message per channel ("event_trigger", "depth", ...).
    QJsonObject lastParams(const QString& channel) const { return m_params.value(channel); }

protected:
    void onClientText(FakeWsServer::Client& c, const QString& text) override;

private:
    int m_unsubscribes = 0;
    QHash<QString, QJsonObject> m_params;
};

}  // namespace kairos::test
