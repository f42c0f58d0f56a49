#include "fakebybit.h"

#include "marketdata/bybitfeed.h"
#include "testdata.h"

#include <QJsonArray>

namespace kairos::test {

FakeBybit::FakeBybit() {
    http.route(QStringLiteral("/v5/market/kline"), [this](const HttpRequest& req) {
        if (req.query.queryItemValue(QStringLiteral("category")) != QLatin1String("spot"))
            return HttpReply::json(R"({"retCode":10001,"retMsg":"params error: category","result":{},"retExtInfo":{},"time":1})");
        const QString symbol = req.query.queryItemValue(QStringLiteral("symbol"));
        auto tf = marketdata::bybit::timeframeFor(req.query.queryItemValue(QStringLiteral("interval")).toStdString());
        if (!tf || !bars(symbol, *tf))
            return HttpReply::json(R"({"retCode":10001,"retMsg":"Not supported symbols","result":{},"retExtInfo":{},"time":1})");
        const qint64 start = req.query.queryItemValue(QStringLiteral("start")).toLongLong();
        const qint64 end = req.query.queryItemValue(QStringLiteral("end")).toLongLong();
        const int limit = std::clamp(req.query.queryItemValue(QStringLiteral("limit")).toInt(), 1, 1000);
        std::vector<Bar> sel = barsIn(symbol, *tf, start, end + 1);
        if (static_cast<int>(sel.size()) > limit) sel.erase(sel.begin(), sel.end() - limit);  // the newest `limit`
        QString rows;
        for (auto it = sel.rbegin(); it != sel.rend(); ++it) {  // newest first, as Bybit sends
            if (!rows.isEmpty()) rows += QLatin1Char(',');
            rows += QStringLiteral(R"(["%1","%2","%3","%4","%5","%6","%7"])")
                        .arg(it->openTimeMs)
                        .arg(dec(it->open), dec(it->high), dec(it->low), dec(it->close), dec(it->volume), dec(it->quoteVolume));
        }
        return HttpReply::json(
            QStringLiteral(
                R"({"retCode":0,"retMsg":"OK","result":{"symbol":"%1","category":"spot","list":[%2]},"retExtInfo":{},"time":1})")
                .arg(symbol, rows)
                .toUtf8());
    });
    http.route(QStringLiteral("/v5/market/instruments-info"), [](const HttpRequest&) {
        return HttpReply::json(
            QByteArray::fromStdString(readFile(fixture("feeds/bybit/docs-examples/rest-instruments-info-spot.json"))));
    });
}

marketdata::FeedConfig FakeBybit::config() const {
    marketdata::FeedConfig c = marketdata::BybitFeed::defaultConfig();
    c.restUrl = http.url();
    c.wsUrl = ws.url();
    speedUp(c);
    return c;
}

void FakeBybit::onClientText(FakeWsServer::Client& c, const QString& text) {
    const QJsonObject o = parseObject(text);
    const QString op = o.value(QStringLiteral("op")).toString();
    const QString reqId = o.value(QStringLiteral("req_id")).toString();
    QStringList args;
    for (const auto& a : o.value(QStringLiteral("args")).toArray()) args << a.toString();
    if (op == QLatin1String("subscribe")) {
        addTopics(c, args);
    } else if (op == QLatin1String("unsubscribe")) {
        ++m_unsubscribes;
        removeTopics(c, args);
    } else if (op == QLatin1String("ping")) {
        ws.send(c, QStringLiteral(R"({"success":true,"ret_msg":"pong","conn_id":"fake","op":"ping"})"));
        return;
    } else {
        ws.send(c, QStringLiteral(R"({"success":false,"ret_msg":"error:handler not found","conn_id":"fake","op":"%1"})").arg(op));
        return;
    }
    ws.send(c, QStringLiteral(R"({"success":true,"ret_msg":"%1","conn_id":"fake","req_id":"%2","op":"%1"})").arg(op, reqId));
}

}  // namespace kairos::test
