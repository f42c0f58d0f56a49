#pragma once
// FakeVenue: what the local test servers of Bybit, OKX, Kraken and Coinbase share: an HTTP server
// and a WebSocket server, per-connection topic sets maintained from the venue's subscribe /
// unsubscribe messages (so tests can verify resubscription on the server side), publish() of a
// message to the connections subscribed to a topic, and a candle series served by the venue's
// REST candle endpoint in its documented format. Each venue subclass parses its control
// messages and formats its rows.

#include "fakeservers.h"

#include "domain/bar.h"
#include "domain/timeframe.h"
#include "marketdata/exchangefeed.h"

#include <QJsonObject>
#include <QSet>

#include <map>
#include <vector>

namespace kairos::test {

class FakeVenue : public QObject {
    Q_OBJECT
public:
    FakeVenue();
    ~FakeVenue() override = default;

    /// The venue's production config pointed at this server, with short reconnect delays.
    virtual marketdata::FeedConfig config() const = 0;

    /// Topics the connection is subscribed to, in the feed's topic spelling.
    QSet<QString> topicsOf(const FakeWsServer::Client& c) const;
    /// Union over open connections.
    QSet<QString> liveTopics() const;
    int subscribeMessages() const { return m_subscribeMessages; }
    /// Sends `text` to every open connection subscribed to `topic`; returns how many got it.
    int publish(const QString& topic, const QString& text);

    /// Candles the REST endpoint serves for (symbol, tf), ascending.
    void setBars(const QString& symbol, Timeframe tf, std::vector<Bar> bars);
    const std::vector<Bar>* bars(const QString& symbol, Timeframe tf) const;
    /// Bars with fromMs <= open < toMs.
    std::vector<Bar> barsIn(const QString& symbol, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) const;

    FakeHttpServer http;
    FakeWsServer ws;

protected:
    /// A control message from a client: add/remove topics, reply. Called after recording it.
    virtual void onClientText(FakeWsServer::Client& c, const QString& text) = 0;
    /// Topics a client subscribes to through its URL (default none).
    virtual QSet<QString> topicsFromUrl(const QUrl&) const { return {}; }
    void addTopics(FakeWsServer::Client& c, const QStringList& topics);
    void removeTopics(FakeWsServer::Client& c, const QStringList& topics);
    static QJsonObject parseObject(const QString& text);
    /// Short reconnect/retry delays shared by every venue's test config.
    static void speedUp(marketdata::FeedConfig& c);

    std::map<const FakeWsServer::Client*, QSet<QString>> m_topics;
    std::map<std::pair<QString, Timeframe>, std::vector<Bar>> m_bars;
    int m_subscribeMessages = 0;
};

/// Bar fields as the decimal text of the CSV they came from.
inline QString dec(const Price& p) { return QString::fromStdString(p.toString()); }
inline QString dec(const Quantity& q) { return QString::fromStdString(q.toString()); }

}  // namespace kairos::test
