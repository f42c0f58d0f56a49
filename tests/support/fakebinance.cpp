#include "fakebinance.h"

#include "marketdata/binancefeed.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

#include <algorithm>
#include <stdexcept>

namespace kairos::test {

std::vector<Bar> readKlineCsv(const std::string& path) {
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) throw std::runtime_error("cannot read " + path);
    std::vector<Bar> bars;
    bool header = true;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty()) continue;
        if (header) {
            header = false;
            if (line.startsWith("open_time")) continue;
        }
        const QList<QByteArray> c = line.split(',');
        if (c.size() < 6) throw std::runtime_error("bad kline row in " + path);
        Bar b;
        b.openTimeMs = c[0].toLongLong();
        b.open = *Price::parse(c[1].toStdString());
        b.high = *Price::parse(c[2].toStdString());
        b.low = *Price::parse(c[3].toStdString());
        b.close = *Price::parse(c[4].toStdString());
        b.volume = *Quantity::parse(c[5].toStdString());
        b.closed = true;
        bars.push_back(b);
    }
    return bars;
}

QByteArray klineRow(const Bar& b, std::int64_t durationMs) {
    auto q = [](const std::string& s) -> QByteArray { return '"' + QByteArray::fromStdString(s) + '"'; };
    return '[' + QByteArray::number(static_cast<qlonglong>(b.openTimeMs)) + ',' + q(b.open.toString()) + ',' +
        q(b.high.toString()) + ',' + q(b.low.toString()) + ',' + q(b.close.toString()) + ',' + q(b.volume.toString()) + ',' +
        QByteArray::number(static_cast<qlonglong>(b.openTimeMs + durationMs - 1)) + ',' + q(b.quoteVolume.toString()) + ',' +
        QByteArray::number(static_cast<qlonglong>(b.tradeCount)) + ",\"0\",\"0\",\"0\"]";
}

FakeBinance::FakeBinance() {
    if (!http.listen() || !ws.listen()) throw std::runtime_error("FakeBinance: cannot listen on 127.0.0.1");

    auto withWeight = [this](HttpReply r, int weight) {
        usedWeight += weight;
        r.headers.append({"X-MBX-USED-WEIGHT-1M", QByteArray::number(usedWeight)});
        return r;
    };

    http.route(QStringLiteral("/api/v3/exchangeInfo"), [this, withWeight](const HttpRequest&) {
        return withWeight(HttpReply::json(m_exchangeInfo.isEmpty() ? QByteArray(R"({"symbols":[]})") : m_exchangeInfo), 20);
    });

    http.route(QStringLiteral("/api/v3/klines"), [this, withWeight](const HttpRequest& req) {
        const QString symbol = req.query.queryItemValue(QStringLiteral("symbol"));
        auto tf = parseTimeframe(req.query.queryItemValue(QStringLiteral("interval")).toStdString());
        if (!tf) return withWeight(HttpReply::json(R"({"code":-1120,"msg":"Invalid interval."})", 400), 2);
        auto it = m_klines.find({symbol, *tf});
        if (it == m_klines.end()) return withWeight(HttpReply::json(R"({"code":-1121,"msg":"Invalid symbol."})", 400), 2);
        const auto& bars = it->second;
        const bool hasStart = req.query.hasQueryItem(QStringLiteral("startTime"));
        const bool hasEnd = req.query.hasQueryItem(QStringLiteral("endTime"));
        const qint64 start = req.query.queryItemValue(QStringLiteral("startTime")).toLongLong();
        const qint64 end = req.query.queryItemValue(QStringLiteral("endTime")).toLongLong();
        int limit =
            req.query.hasQueryItem(QStringLiteral("limit")) ? req.query.queryItemValue(QStringLiteral("limit")).toInt() : 500;
        limit = std::clamp(limit, 1, 1000);
        std::vector<const Bar*> sel;
        for (const auto& b : bars) {
            if (hasStart && b.openTimeMs < start) continue;
            if (hasEnd && b.openTimeMs > end) continue;
            sel.push_back(&b);
        }
        // With startTime: the oldest rows from it; otherwise the newest up to endTime/now.
        if (static_cast<int>(sel.size()) > limit) {
            if (hasStart)
                sel.resize(static_cast<std::size_t>(limit));
            else
                sel.erase(sel.begin(), sel.end() - limit);
        }
        const std::int64_t dur = fixedDurationMs(*tf).value_or(30LL * 24 * 3600 * 1000);
        QByteArray body = "[";
        for (std::size_t i = 0; i < sel.size(); ++i) {
            if (i) body += ',';
            body += klineRow(*sel[i], dur);
        }
        body += ']';
        return withWeight(HttpReply::json(body), 2);
    });

    http.route(QStringLiteral("/api/v3/depth"), [this, withWeight](const HttpRequest& req) {
        const QString symbol = req.query.queryItemValue(QStringLiteral("symbol"));
        auto it = m_depth.find(symbol);
        if (it == m_depth.end()) return withWeight(HttpReply::json(R"({"code":-1121,"msg":"Invalid symbol."})", 400), 50);
        return withWeight(HttpReply::json(it->second), 50);
    });

    ws.onConnected = [this](FakeWsServer::Client& c) {
        QSet<QString>& set = m_streams[&c];
        const QUrlQuery q(c.requestUrl.query());
        const QString streams = q.queryItemValue(QStringLiteral("streams"), QUrl::FullyDecoded);
        for (const QString& s : streams.split(QLatin1Char('/'), Qt::SkipEmptyParts)) set.insert(s);
    };
    ws.onText = [this](FakeWsServer::Client& c, const QString& text) {
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString method = o.value(QStringLiteral("method")).toString();
        const QJsonValue id = o.value(QStringLiteral("id"));
        QSet<QString>& set = m_streams[&c];
        if (method == QLatin1String("SUBSCRIBE")) {
            ++m_subscribeMessages;
            for (const auto& p : o.value(QStringLiteral("params")).toArray()) set.insert(p.toString());
        } else if (method == QLatin1String("UNSUBSCRIBE")) {
            for (const auto& p : o.value(QStringLiteral("params")).toArray()) set.remove(p.toString());
        } else {
            ws.send(c,
                    QStringLiteral(R"({"error":{"code":2,"msg":"Invalid request: unknown method"},"id":%1})")
                        .arg(id.toVariant().toLongLong()));
            return;
        }
        ws.send(c, QStringLiteral(R"({"result":null,"id":%1})").arg(id.toVariant().toLongLong()));
    };
}

marketdata::FeedConfig FakeBinance::config() const {
    marketdata::FeedConfig c = marketdata::BinanceFeed::defaultConfig();
    c.restUrl = http.url();
    c.wsUrl = ws.url();
    c.ws.reconnect = net::Backoff::Policy{50, 400, 2.0, 0.5};
    c.ws.maxControlPerSecond = 0;
    c.ws.pingIntervalMs = 0;
    c.ws.idleTimeoutMs = 0;
    c.rest.retry = net::Backoff::Policy{50, 400, 2.0, 0.5};
    return c;
}

void FakeBinance::setKlines(const QString& symbol, Timeframe tf, std::vector<Bar> bars) {
    std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.openTimeMs < b.openTimeMs; });
    m_klines[{symbol, tf}] = std::move(bars);
}

void FakeBinance::setDepthSnapshot(const QString& symbol, QByteArray json) { m_depth[symbol] = std::move(json); }
void FakeBinance::setExchangeInfo(QByteArray json) { m_exchangeInfo = std::move(json); }

QSet<QString> FakeBinance::streamsOf(const FakeWsServer::Client& c) const {
    auto it = m_streams.find(&c);
    return it == m_streams.end() ? QSet<QString>{} : it->second;
}

QSet<QString> FakeBinance::liveStreams() const {
    QSet<QString> all;
    for (auto* c : ws.openClients()) all.unite(streamsOf(*c));
    return all;
}

int FakeBinance::publish(const QString& stream, const QByteArray& data) {
    const QString msg =
        QStringLiteral("{\"stream\":\"") + stream + QStringLiteral("\",\"data\":") + QString::fromUtf8(data) + QLatin1Char('}');
    int n = 0;
    for (auto* c : ws.openClients()) {
        if (!streamsOf(*c).contains(stream)) continue;
        ws.send(*c, msg);
        ++n;
    }
    return n;
}

}  // namespace kairos::test
