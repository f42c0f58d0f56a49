#include "fakecoinbaseat.h"

#include "marketdata/coinbaseatfeed.h"
#include "testdata.h"

#include <QJsonArray>

namespace kairos::test {

FakeCoinbaseAdvanced::FakeCoinbaseAdvanced() {
    http.route(QStringLiteral("/api/v3/brokerage/market/products"), [](const HttpRequest&) {
        // Synthetic: field names from the API reference, values of BTC-USD as the Exchange doc example lists them.
        return HttpReply::json(R"({"products":[{"product_id":"BTC-USD","price":"21932.98","base_increment":"0.00000001",
            "quote_increment":"0.01","price_increment":"0.01","base_min_size":"0.00000001","base_max_size":"3400","quote_min_size":"1",
            "quote_max_size":"150000000","status":"online","trading_disabled":false,"cancel_only":false,"limit_only":false,
            "post_only":false,"auction_mode":false,"product_type":"SPOT","base_currency_id":"BTC","quote_currency_id":"USD",
            "alias":"","alias_to":["BTC-USDC"],"view_only":false}],"num_products":1})");
    });
    serveCandles(QStringLiteral("BTC-USD"));
    serveCandles(QStringLiteral("ETH-USD"));
}

void FakeCoinbaseAdvanced::serveCandles(const QString& product) {
    http.route(
        QStringLiteral("/api/v3/brokerage/market/products/%1/candles").arg(product), [this, product](const HttpRequest& req) {
            auto tf =
                marketdata::coinbase_at::timeframeFor(req.query.queryItemValue(QStringLiteral("granularity")).toStdString());
            if (!tf) return HttpReply::json(R"({"error":"INVALID_ARGUMENT","message":"invalid granularity"})", 400);
            if (!bars(product, *tf)) return HttpReply::json(R"({"error":"NOT_FOUND","message":"product not found"})", 404);
            const qint64 start = req.query.queryItemValue(QStringLiteral("start")).toLongLong() * 1000;
            const qint64 end = req.query.queryItemValue(QStringLiteral("end")).toLongLong() * 1000;
            const qint64 step = *fixedDurationMs(*tf);
            if ((end - start) / step + 1 > 350)
                return HttpReply::json(
                    R"({"error":"INVALID_ARGUMENT","message":"number of candles requested should be less than 350"})", 400);
            const std::vector<Bar> sel = barsIn(product, *tf, start, end + 1);
            QString rows;
            for (auto it = sel.rbegin(); it != sel.rend(); ++it) {
                if (!rows.isEmpty()) rows += QLatin1Char(',');
                rows += QStringLiteral(R"({"start":"%1","low":"%2","high":"%3","open":"%4","close":"%5","volume":"%6"})")
                            .arg(it->openTimeMs / 1000)
                            .arg(dec(it->low), dec(it->high), dec(it->open), dec(it->close), dec(it->volume));
            }
            return HttpReply::json(QStringLiteral(R"({"candles":[%1]})").arg(rows).toUtf8());
        });
}

marketdata::FeedConfig FakeCoinbaseAdvanced::config() const {
    marketdata::FeedConfig c = marketdata::CoinbaseAdvancedFeed::defaultConfig();
    c.restUrl = http.url();
    c.wsUrl = ws.url();
    speedUp(c);
    c.rest.minIntervalMs = 0;
    return c;
}

void FakeCoinbaseAdvanced::onClientText(FakeWsServer::Client& c, const QString& text) {
    const QJsonObject o = parseObject(text);
    const QString type = o.value(QStringLiteral("type")).toString();
    const QString channel = o.value(QStringLiteral("channel")).toString();
    if ((type != QLatin1String("subscribe") && type != QLatin1String("unsubscribe")) || channel.isEmpty()) {
        ws.send(c, QStringLiteral(R"({"type":"error","message":"failure to subscribe"})"));
        return;
    }
    if (channel == QLatin1String("heartbeats")) {
        ++m_heartbeats;
        return;
    }
    QStringList topics;
    for (const auto& p : o.value(QStringLiteral("product_ids")).toArray()) topics << channel + QLatin1Char('|') + p.toString();
    if (type == QLatin1String("subscribe")) {
        addTopics(c, topics);
    } else {
        ++m_unsubscribes;
        removeTopics(c, topics);
    }
    ws.send(
        c,
        QStringLiteral(
            R"({"channel":"subscriptions","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":0,"events":[{"subscriptions":{}}]})"));
}

}  // namespace kairos::test
