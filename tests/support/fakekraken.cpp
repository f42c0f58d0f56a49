#include "fakekraken.h"

#include "marketdata/krakenfeed.h"
#include "testdata.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kairos::test {

FakeKraken::FakeKraken() {
    http.route(QStringLiteral("/0/public/OHLC"), [this](const HttpRequest& req) {
        const QString pair = req.query.queryItemValue(QStringLiteral("pair"));
        auto tf = marketdata::kraken::timeframeFor(req.query.queryItemValue(QStringLiteral("interval")).toInt());
        const std::vector<Bar>* all = tf ? bars(pair, *tf) : nullptr;
        if (!all || all->empty()) return HttpReply::json(R"({"error":["EQuery:Unknown asset pair"]})");
        const qint64 since = req.query.queryItemValue(QStringLiteral("since")).toLongLong();
        // Only the newest 720 rows exist; the last of them is the running interval.
        const std::size_t first = all->size() > 720 ? all->size() - 720 : 0;
        QString rows;
        for (std::size_t i = first; i < all->size(); ++i) {
            const Bar& b = (*all)[i];
            // Rows after `since`; the running interval (the last row) is always sent.
            if (b.openTimeMs / 1000 <= since && i + 1 != all->size()) continue;
            if (!rows.isEmpty()) rows += QLatin1Char(',');
            rows += QStringLiteral(R"([%1,"%2","%3","%4","%5","0","%6",%7])")
                        .arg(b.openTimeMs / 1000)
                        .arg(dec(b.open), dec(b.high), dec(b.low), dec(b.close), dec(b.volume))
                        .arg(b.tradeCount);
        }
        return HttpReply::json(QStringLiteral(R"({"error":[],"result":{"XXBTZUSD":[%1],"last":%2}})")
                                   .arg(rows)
                                   .arg(all->back().openTimeMs / 1000)
                                   .toUtf8());
    });
    ws.onConnected = [this](FakeWsServer::Client& c) {
        m_topics[&c] = {};
        ws.send(c, QString::fromStdString(readFile(fixture("feeds/kraken/docs-examples/status.json"))));
    };
    // AssetPairs: Kraken's official OpenAPI example (ETH/XBT and XBT/USD), converted from YAML.
    http.route(QStringLiteral("/0/public/AssetPairs"), [](const HttpRequest&) {
        return HttpReply::json(QByteArray::fromStdString(readFile(fixture("feeds/kraken/spec-rest-assetpairs.json"))));
    });
}

marketdata::FeedConfig FakeKraken::config() const {
    marketdata::FeedConfig c = marketdata::KrakenFeed::defaultConfig();
    c.restUrl = http.url();
    c.wsUrl = ws.url();
    speedUp(c);
    c.rest.minIntervalMs = 0;
    return c;
}

void FakeKraken::onClientText(FakeWsServer::Client& c, const QString& text) {
    const QJsonObject o = parseObject(text);
    const QString method = o.value(QStringLiteral("method")).toString();
    const QJsonValue reqId = o.value(QStringLiteral("req_id"));
    if (method == QLatin1String("ping")) {
        ws.send(
            c,
            QStringLiteral(
                R"({"method":"pong","req_id":%1,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"})")
                .arg(reqId.toInteger()));
        return;
    }
    if (method != QLatin1String("subscribe") && method != QLatin1String("unsubscribe")) {
        ws.send(c, QStringLiteral(R"({"error":"Method not found","method":"%1","success":false})").arg(method));
        return;
    }
    const QJsonObject params = o.value(QStringLiteral("params")).toObject();
    const QString channel = params.value(QStringLiteral("channel")).toString();
    m_params[channel] = params;
    QStringList topics;
    if (channel == QLatin1String("instrument")) {
        topics << QStringLiteral("instrument");
    } else {
        const QString prefix = channel == QLatin1String("ohlc")
            ? QStringLiteral("ohlc|%1|").arg(params.value(QStringLiteral("interval")).toInt())
            : channel + QLatin1Char('|');
        for (const auto& s : params.value(QStringLiteral("symbol")).toArray()) {
            topics << prefix + s.toString();
            ws.send(
                c,
                QStringLiteral(
                    R"({"method":"%1","result":{"channel":"%2","snapshot":true,"symbol":"%3"},"success":true,"time_in":"2023-10-06T17:35:55.219022Z","time_out":"2023-10-06T17:35:55.219067Z","req_id":%4})")
                    .arg(method, channel, s.toString())
                    .arg(reqId.toInteger()));
        }
    }
    if (method == QLatin1String("subscribe"))
        addTopics(c, topics);
    else {
        ++m_unsubscribes;
        removeTopics(c, topics);
    }
}

}  // namespace kairos::test
