#pragma once
// FakeBinance: a local Binance spot API for the adapter tests. REST: /api/v3/exchangeInfo,
// /api/v3/klines (startTime/endTime/limit semantics as documented, rows from a real candle file),
// /api/v3/depth (recorded snapshots), with X-MBX-USED-WEIGHT-1M headers. WebSocket: the combined
// stream endpoint /stream?streams=..., SUBSCRIBE/UNSUBSCRIBE with {"result":null,"id":N} replies,
// per-connection stream sets (so tests can verify resubscription on the server side), and
// publish() to push a payload to every connection subscribed to a stream.

#include "fakeservers.h"

#include "domain/bar.h"
#include "marketdata/exchangefeed.h"

#include <QSet>

#include <map>
#include <vector>

namespace kairos::test {

/// Bars from a Binance kline CSV (`open_time,open,high,low,close,volume`), exact decimals.
std::vector<Bar> readKlineCsv(const std::string& path);
/// A bar as a /api/v3/klines row (12 columns, strings as Binance sends them).
QByteArray klineRow(const Bar& b, std::int64_t durationMs);

class FakeBinance : public QObject {
    Q_OBJECT
public:
    FakeBinance();

    /// BinanceFeed::defaultConfig() pointed at this server, with short reconnect delays.
    marketdata::FeedConfig config() const;

    /// Serves these 1m/1h/... bars from /api/v3/klines for `symbol`.
    void setKlines(const QString& symbol, Timeframe tf, std::vector<Bar> bars);
    void setDepthSnapshot(const QString& symbol, QByteArray json);
    void setExchangeInfo(QByteArray json);

    /// Streams the connection is subscribed to (URL streams + SUBSCRIBE - UNSUBSCRIBE).
    QSet<QString> streamsOf(const FakeWsServer::Client& c) const;
    /// Union of streamsOf() over open connections.
    QSet<QString> liveStreams() const;
    /// SUBSCRIBE messages received on all connections.
    int subscribeMessages() const { return m_subscribeMessages; }
    /// Sends {"stream":stream,"data":data} to every open connection subscribed to `stream`;
    /// returns how many got it.
    int publish(const QString& stream, const QByteArray& data);

    FakeHttpServer http;
    FakeWsServer ws;
    int usedWeight = 0;  ///< reported in X-MBX-USED-WEIGHT-1M, grows with each request's weight

private:
    std::map<std::pair<QString, Timeframe>, std::vector<Bar>> m_klines;
    std::map<QString, QByteArray> m_depth;
    QByteArray m_exchangeInfo;
    std::map<const FakeWsServer::Client*, QSet<QString>> m_streams;
    int m_subscribeMessages = 0;
};

}  // namespace kairos::test
