#include "fakecoinbase.h"

#include "marketdata/coinbasefeed.h"
#include "testdata.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace kairos::test {

FakeCoinbase::FakeCoinbase() {
    http.route(QStringLiteral("/products"), [](const HttpRequest&) {
        return HttpReply::json(QByteArray::fromStdString(readFile(fixture("feeds/coinbase/docs-examples/rest-products.json"))));
    });
    serveCandles(QStringLiteral("BTC-USD"));
    serveCandles(QStringLiteral("ETH-USD"));
}

void FakeCoinbase::serveCandles(const QString& product) {
    http.route(QStringLiteral("/products/%1/candles").arg(product), [this, product](const HttpRequest& req) {
        const int g = req.query.queryItemValue(QStringLiteral("granularity")).toInt();
        auto tf = marketdata::coinbase::timeframeFor(g);
        if (!tf) return HttpReply::json(R"({"message":"Unsupported granularity"})", 400);
        if (!bars(product, *tf)) return HttpReply::json(R"({"message":"NotFound"})", 404);
        const QDateTime start = QDateTime::fromString(req.query.queryItemValue(QStringLiteral("start")), Qt::ISODate);
        const QDateTime end = QDateTime::fromString(req.query.queryItemValue(QStringLiteral("end")), Qt::ISODate);
        if (!start.isValid() || !end.isValid()) return HttpReply::json(R"({"message":"Invalid start or end"})", 400);
        const qint64 from = start.toMSecsSinceEpoch(), to = end.toMSecsSinceEpoch();
        if ((to - from) / (g * 1000LL) + 1 > 300)
            return HttpReply::json(
                R"({"message":"granularity too small for the requested time range. Count of aggregations requested exceeds 300"})",
                400);
        const std::vector<Bar> sel = barsIn(product, *tf, from, to + 1);
        QString rows;
        for (auto it = sel.rbegin(); it != sel.rend(); ++it) {  // newest first
            if (!rows.isEmpty()) rows += QLatin1Char(',');
            rows += QStringLiteral("[%1,%2,%3,%4,%5,%6]")
                        .arg(it->openTimeMs / 1000)
                        .arg(dec(it->low), dec(it->high), dec(it->open), dec(it->close), dec(it->volume));
        }
        return HttpReply::json(QStringLiteral("[%1]").arg(rows).toUtf8());
    });
}

marketdata::FeedConfig FakeCoinbase::config() const {
    marketdata::FeedConfig c = marketdata::CoinbaseFeed::defaultConfig();
    c.restUrl = http.url();
    c.wsUrl = ws.url();
    speedUp(c);
    c.rest.minIntervalMs = 0;
    return c;
}

void FakeCoinbase::onClientText(FakeWsServer::Client& c, const QString& text) {
    const QJsonObject o = parseObject(text);
    const QString type = o.value(QStringLiteral("type")).toString();
    if (type != QLatin1String("subscribe") && type != QLatin1String("unsubscribe")) {
        ws.send(c,
                QStringLiteral(R"({"type":"error","message":"Failed to subscribe","reason":"%1 is not a valid message type"})")
                    .arg(type));
        return;
    }
    const QJsonArray rootProducts = o.value(QStringLiteral("product_ids")).toArray();
    QStringList topics;
    for (const auto& ch : o.value(QStringLiteral("channels")).toArray()) {
        QString name;
        QJsonArray products = rootProducts;
        if (ch.isString()) {
            name = ch.toString();
        } else {
            name = ch.toObject().value(QStringLiteral("name")).toString();
            if (ch.toObject().contains(QStringLiteral("product_ids")))
                products = ch.toObject().value(QStringLiteral("product_ids")).toArray();
        }
        for (const auto& p : products) topics << name + QLatin1Char('|') + p.toString();
    }
    if (type == QLatin1String("subscribe")) {
        addTopics(c, topics);
    } else {
        ++m_unsubscribes;
        removeTopics(c, topics);
    }
    // The reply lists every channel the connection now carries.
    std::map<QString, QStringList> byChannel;
    for (const QString& t : topicsOf(c)) byChannel[t.section(QLatin1Char('|'), 0, 0)] << t.section(QLatin1Char('|'), 1);
    QStringList channels;
    for (auto& [name, products] : byChannel) {
        products.sort();
        channels << QStringLiteral(R"({"name":"%1","product_ids":["%2"]})").arg(name, products.join(QStringLiteral("\",\"")));
    }
    ws.send(c, QStringLiteral(R"({"type":"subscriptions","channels":[%1]})").arg(channels.join(QLatin1Char(','))));
}

}  // namespace kairos::test
