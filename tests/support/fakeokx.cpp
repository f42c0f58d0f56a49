#include "fakeokx.h"

#include "marketdata/okxfeed.h"
#include "testdata.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kairos::test {

FakeOkx::FakeOkx() {
    http.route(QStringLiteral("/api/v5/market/history-candles"), [this](const HttpRequest& req) {
        const QString inst = req.query.queryItemValue(QStringLiteral("instId"));
        auto tf = marketdata::okx::timeframeFor(req.query.queryItemValue(QStringLiteral("bar")).toStdString());
        if (!tf || !bars(inst, *tf)) return HttpReply::json(R"({"code":"51001","msg":"Instrument ID does not exist","data":[]})");
        const qint64 after = req.query.hasQueryItem(QStringLiteral("after"))
            ? req.query.queryItemValue(QStringLiteral("after")).toLongLong()
            : INT64_MAX;
        const qint64 before = req.query.hasQueryItem(QStringLiteral("before"))
            ? req.query.queryItemValue(QStringLiteral("before")).toLongLong()
            : -1;
        const int limit = std::clamp(
            req.query.hasQueryItem(QStringLiteral("limit")) ? req.query.queryItemValue(QStringLiteral("limit")).toInt() : 100, 1,
            100);
        std::vector<Bar> sel = barsIn(inst, *tf, before + 1, after);
        if (static_cast<int>(sel.size()) > limit) sel.erase(sel.begin(), sel.end() - limit);
        QString rows;
        for (auto it = sel.rbegin(); it != sel.rend(); ++it) {
            if (!rows.isEmpty()) rows += QLatin1Char(',');
            rows += QStringLiteral(R"(["%1","%2","%3","%4","%5","%6","0","%7","1"])")
                        .arg(it->openTimeMs)
                        .arg(dec(it->open), dec(it->high), dec(it->low), dec(it->close), dec(it->volume), dec(it->quoteVolume));
        }
        return HttpReply::json(QStringLiteral(R"({"code":"0","msg":"","data":[%1]})").arg(rows).toUtf8());
    });
    http.route(QStringLiteral("/api/v5/public/instruments"), [](const HttpRequest&) {
        return HttpReply::json(
            QByteArray::fromStdString(readFile(fixture("feeds/okx/docs-examples/rest-instruments-spot.json"))));
    });
}

marketdata::FeedConfig FakeOkx::config() const {
    marketdata::FeedConfig c = marketdata::OkxFeed::defaultConfig();
    c.restUrl = http.url();
    QUrl pub = ws.url(), biz = ws.url();
    pub.setPath(QStringLiteral("/ws/v5/public"));
    biz.setPath(QStringLiteral("/ws/v5/business"));
    c.wsUrl = pub;
    c.wsUrl2 = biz;
    speedUp(c);
    return c;
}

void FakeOkx::onClientText(FakeWsServer::Client& c, const QString& text) {
    if (text == QLatin1String("ping")) {
        ws.send(c, QStringLiteral("pong"));
        return;
    }
    const QJsonObject o = parseObject(text);
    const QString op = o.value(QStringLiteral("op")).toString();
    const QString id = o.value(QStringLiteral("id")).toString();
    if (op != QLatin1String("subscribe") && op != QLatin1String("unsubscribe")) {
        ws.send(c, QStringLiteral(R"({"event":"error","code":"60012","msg":"Invalid request","connId":"fake"})"));
        return;
    }
    const bool business = c.requestUrl.path() == QLatin1String("/ws/v5/business");
    QStringList ok;
    for (const auto& a : o.value(QStringLiteral("args")).toArray()) {
        const QJsonObject arg = a.toObject();
        const QString ch = arg.value(QStringLiteral("channel")).toString();
        const QString topic = ch + QLatin1Char(':') + arg.value(QStringLiteral("instId")).toString();
        if (ch.startsWith(QLatin1String("candle")) != business) {
            ++m_wrongEndpoint;
            ws.send(
                c,
                QStringLiteral(
                    R"({"id":"%1","event":"error","code":"60018","msg":"Wrong URL or channel:%2 doesn't exist. Please use the correct URL, channel and parameters referring to API document.","connId":"fake"})")
                    .arg(id, ch));
            continue;
        }
        ok << topic;
        ws.send(c,
                QStringLiteral(R"({"id":"%1","event":"%2","arg":%3,"connId":"fake"})")
                    .arg(id, op, QString::fromUtf8(QJsonDocument(arg).toJson(QJsonDocument::Compact))));
    }
    if (op == QLatin1String("subscribe"))
        addTopics(c, ok);
    else {
        ++m_unsubscribes;
        removeTopics(c, ok);
    }
}

}  // namespace kairos::test
