#include "fakevenue.h"

#include <QJsonDocument>

#include <algorithm>
#include <stdexcept>

namespace kairos::test {

FakeVenue::FakeVenue() {
    if (!http.listen() || !ws.listen()) throw std::runtime_error("FakeVenue: cannot listen on 127.0.0.1");
    ws.onConnected = [this](FakeWsServer::Client& c) { m_topics[&c] = topicsFromUrl(c.requestUrl); };
    ws.onText = [this](FakeWsServer::Client& c, const QString& text) { onClientText(c, text); };
}

QSet<QString> FakeVenue::topicsOf(const FakeWsServer::Client& c) const {
    auto it = m_topics.find(&c);
    return it == m_topics.end() ? QSet<QString>{} : it->second;
}

QSet<QString> FakeVenue::liveTopics() const {
    QSet<QString> all;
    for (auto* c : ws.openClients()) all.unite(topicsOf(*c));
    return all;
}

int FakeVenue::publish(const QString& topic, const QString& text) {
    int n = 0;
    for (auto* c : ws.openClients()) {
        if (!topicsOf(*c).contains(topic)) continue;
        ws.send(*c, text);
        ++n;
    }
    return n;
}

void FakeVenue::addTopics(FakeWsServer::Client& c, const QStringList& topics) {
    ++m_subscribeMessages;
    for (const auto& t : topics) m_topics[&c].insert(t);
}

void FakeVenue::removeTopics(FakeWsServer::Client& c, const QStringList& topics) {
    for (const auto& t : topics) m_topics[&c].remove(t);
}

QJsonObject FakeVenue::parseObject(const QString& text) { return QJsonDocument::fromJson(text.toUtf8()).object(); }

void FakeVenue::speedUp(marketdata::FeedConfig& c) {
    c.ws.reconnect = net::Backoff::Policy{50, 400, 2.0, 0.5};
    c.ws.maxControlPerSecond = 0;
    c.ws.pingIntervalMs = 0;
    c.ws.idleTimeoutMs = 0;
    c.rest.retry = net::Backoff::Policy{50, 400, 2.0, 0.5};
}

void FakeVenue::setBars(const QString& symbol, Timeframe tf, std::vector<Bar> bars) {
    std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.openTimeMs < b.openTimeMs; });
    m_bars[{symbol, tf}] = std::move(bars);
}

const std::vector<Bar>* FakeVenue::bars(const QString& symbol, Timeframe tf) const {
    auto it = m_bars.find({symbol, tf});
    return it == m_bars.end() ? nullptr : &it->second;
}

std::vector<Bar> FakeVenue::barsIn(const QString& symbol, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) const {
    std::vector<Bar> out;
    if (const auto* all = bars(symbol, tf))
        for (const auto& b : *all)
            if (b.openTimeMs >= fromMs && b.openTimeMs < toMs) out.push_back(b);
    return out;
}

}  // namespace kairos::test
