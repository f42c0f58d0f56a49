#pragma once
// The protocol tests every venue adapter must pass, written once and instantiated per venue with
// a Kit that knows the venue's message formats (GoogleTest typed tests):
//   * reconnect after the server drops the socket, with resubscription verified on the server;
//   * unsubscribe removes the topic on the server;
//   * a malformed message is skipped and counted while the next good one is delivered;
//   * a gap in the live candle stream triggers a REST backfill and the CandleStore ends complete;
//   * candle history pages across more than one request, within the venue's limit;
//   * the venue's rate-limit answer makes the client back off instead of retrying in a loop;
//   * impossible values (price <= 0, negative quantity, time before 1970, a bar with high < low or
//     off its grid) and events of symbols not subscribed are skipped and counted;
//   * a message over the connection's size limit is a protocol error: reconnect with backoff.
//
// A Kit provides (see tests/integration/bybit_feed.cpp for one):
//   using Fake = ...;                                     a FakeVenue subclass
//   static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig)
//   static InstrumentId instrument(), other()
//   static QString restSymbol(const InstrumentId&)       symbol key for Fake::setBars
//   static QString topic(Channel, const InstrumentId&, Timeframe)   as the fake records it
//   static QString tradeMessage(const InstrumentId&, std::int64_t id, const char* price, const char* qty, std::int64_t timeMs)
//   static QString malformedTradeMessage(const InstrumentId&)
//   static constexpr bool kBarStream                      false: bars are built from trades (the first,
//                                                         partial bucket is then fetched over REST too)
//   static QString barMessage(const InstrumentId&, const Bar&, bool closed)   (kBarStream)
//   static void queueRateLimit(Fake&)                     the next candle request is rate limited
//   static QString candlePath(const InstrumentId&)        REST path of candle requests
//   static constexpr int kHistoryLimit                    -1, or how many newest bars the venue keeps
//   static constexpr Timeframe kBarTf

#include "fakeservers.h"
#include "fakevenue.h"
#include "testdata.h"

#include "marketdata/candlerecorder.h"
#include "marketdata/exchangefeed.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include <optional>

namespace kairos::test {

/// The real BTCUSDT 1m candles every fake venue serves (tests/data/feeds/binance/).
inline const std::vector<Bar>& contractBars() {
    static const std::vector<Bar> bars = [] {
        std::vector<Bar> out;
        const std::string text = readFile(fixture("feeds/binance/BTCUSDT_1m_2025-05-20_3000rows.csv"));
        std::size_t pos = text.find('\n') + 1;  // header
        while (pos < text.size()) {
            std::size_t end = text.find('\n', pos);
            if (end == std::string::npos) end = text.size();
            const std::string line = text.substr(pos, end - pos);
            pos = end + 1;
            if (line.empty()) continue;
            std::vector<std::string> c;
            std::size_t s = 0;
            for (std::size_t i = 0; i <= line.size(); ++i)
                if (i == line.size() || line[i] == ',') {
                    c.push_back(line.substr(s, i - s));
                    s = i + 1;
                }
            Bar b;
            b.openTimeMs = std::stoll(c[0]);
            b.open = *Price::parse(c[1]);
            b.high = *Price::parse(c[2]);
            b.low = *Price::parse(c[3]);
            b.close = *Price::parse(c[4]);
            b.volume = *Quantity::parse(c[5]);
            b.closed = true;
            out.push_back(b);
        }
        return out;
    }();
    return bars;
}

template <class Kit>
class VenueContract : public ::testing::Test {
protected:
    using Fake = typename Kit::Fake;
    Fake fake;
    std::unique_ptr<marketdata::ExchangeFeed> feed;
    const std::vector<Bar>& bars = contractBars();

    void SetUp() override {
        fake.setBars(Kit::restSymbol(Kit::instrument()), Kit::kBarTf, bars);
        feed = Kit::makeFeed(fake.config());
    }
    bool waitTopics(const QSet<QString>& want, int timeoutMs = 10'000) {
        return waitUntil([&] { return fake.liveTopics().contains(want); }, timeoutMs);
    }
    QString topic(marketdata::Channel c, const InstrumentId& id) { return Kit::topic(c, id, Kit::kBarTf); }
    void sendBar(const Bar& b, bool closed) {
        const InstrumentId id = Kit::instrument();
        if constexpr (Kit::kBarStream) {
            fake.publish(topic(marketdata::Channel::Bars, id), Kit::barMessage(id, b, closed));
        } else {
            // Venues without a candle stream: a trade inside the bar's bucket.
            static std::int64_t tradeId = 1000;
            fake.publish(topic(marketdata::Channel::Trades, id),
                         Kit::tradeMessage(id, ++tradeId, "100.5", "0.25", b.openTimeMs + 1000));
        }
    }
};

TYPED_TEST_SUITE_P(VenueContract);

TYPED_TEST_P(VenueContract, ReconnectsAfterADropAndResubscribesOnTheServer) {
    using Kit = TypeParam;
    using marketdata::Channel;
    const InstrumentId a = Kit::instrument(), b = Kit::other();
    this->feed->subscribeTrades(a);
    this->feed->subscribeTrades(b);
    this->feed->subscribeQuotes(a);
    this->feed->subscribeTicker(b);
    this->feed->subscribeBars(a, Kit::kBarTf);
    QSet<QString> want{this->topic(Channel::Trades, a), this->topic(Channel::Trades, b), this->topic(Channel::Quotes, a),
                       this->topic(Channel::Ticker, b)};
    if constexpr (Kit::kBarStream) want << this->topic(Channel::Bars, a);
    ASSERT_TRUE(this->waitTopics(want)) << "subscribed on the server: " << this->fake.liveTopics().size();
    ASSERT_TRUE(waitUntil([&] { return this->feed->status().state == marketdata::FeedState::Live; }));
    QSignalSpy status(this->feed.get(), &marketdata::MarketDataFeed::statusChanged);

    // (OKX holds two connections: public and business.)
    const int before = this->fake.ws.connectionCount();
    const int open = static_cast<int>(this->fake.ws.openClients().size());
    this->fake.ws.dropAll();
    ASSERT_TRUE(waitUntil([&] {
        return this->fake.ws.connectionCount() == before + open && this->fake.liveTopics().contains(want);
    })) << "after the drop the server sees: "
        << QStringList(this->fake.liveTopics().values()).join(' ').toStdString();
    // Verified on the server side: the new connections carry every topic again.
    QSet<QString> onNew;
    for (const auto& c : this->fake.ws.clients())
        if (c->index >= before) onNew.unite(this->fake.topicsOf(*c));
    EXPECT_TRUE(onNew.contains(want));
    ASSERT_TRUE(waitUntil([&] { return this->feed->status().state == marketdata::FeedState::Live; }));
    EXPECT_EQ(this->feed->reconnectCount(), open);
    bool sawReconnecting = false;
    for (const auto& args : status)
        sawReconnecting |= args[0].template value<marketdata::FeedStatus>().state == marketdata::FeedState::Reconnecting;
    EXPECT_TRUE(sawReconnecting);

    QSignalSpy trades(this->feed.get(), &marketdata::MarketDataFeed::tradeReceived);
    this->fake.publish(this->topic(Channel::Trades, a), Kit::tradeMessage(a, 77, "100.25", "0.5", 1747699200000));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1; }));
    EXPECT_EQ(trades[0][0].template value<InstrumentId>(), a);
    EXPECT_EQ(trades[0][1].template value<Trade>().price.toString(), "100.25");
    EXPECT_EQ(trades[0][1].template value<Trade>().tradeId, "77");
}

TYPED_TEST_P(VenueContract, UnsubscribeRemovesTheTopicOnTheServer) {
    using Kit = TypeParam;
    using marketdata::Channel;
    const InstrumentId a = Kit::instrument(), b = Kit::other();
    this->feed->subscribeTrades(a);
    this->feed->subscribeTrades(b);
    ASSERT_TRUE(this->waitTopics({this->topic(Channel::Trades, a), this->topic(Channel::Trades, b)}));
    this->feed->unsubscribeTrades(b);
    ASSERT_TRUE(waitUntil([&] { return this->fake.liveTopics() == QSet<QString>{this->topic(Channel::Trades, a)}; }));
    this->feed->unsubscribeTrades(a);
    ASSERT_TRUE(waitUntil([&] { return this->fake.ws.openClients().isEmpty(); }));
    EXPECT_EQ(this->feed->status().state, marketdata::FeedState::Disconnected);
}

TYPED_TEST_P(VenueContract, MalformedMessageIsSkippedCountedAndTheNextOneDelivered) {
    using Kit = TypeParam;
    using marketdata::Channel;
    const InstrumentId a = Kit::instrument();
    this->feed->subscribeTrades(a);
    ASSERT_TRUE(this->waitTopics({this->topic(Channel::Trades, a)}));
    QSignalSpy trades(this->feed.get(), &marketdata::MarketDataFeed::tradeReceived);
    QSignalSpy errors(this->feed.get(), &marketdata::MarketDataFeed::errorOccurred);
    this->fake.publish(this->topic(Channel::Trades, a), Kit::malformedTradeMessage(a));
    this->fake.ws.sendToAll(QStringLiteral("{\"truncated\":"));
    this->fake.publish(this->topic(Channel::Trades, a), Kit::tradeMessage(a, 5, "101.5", "2", 1747699200000));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1; }));
    EXPECT_EQ(trades[0][1].template value<Trade>().price.toString(), "101.5");
    EXPECT_EQ(this->feed->malformedCount(), 2u);
    ASSERT_GE(errors.size(), 1);
    EXPECT_TRUE(errors[0][0].toString().startsWith(this->feed->name() + QLatin1Char(':')))
        << errors[0][0].toString().toStdString();
    // The same kind again is counted but not logged again.
    const auto logged = errors.size();
    this->fake.publish(this->topic(Channel::Trades, a), Kit::malformedTradeMessage(a));
    this->fake.publish(this->topic(Channel::Trades, a), Kit::tradeMessage(a, 6, "101.75", "1", 1747699200001));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 2; }));
    EXPECT_EQ(this->feed->malformedCount(), 3u);
    EXPECT_EQ(errors.size(), logged);
    EXPECT_EQ(this->feed->status().state, marketdata::FeedState::Live);
}

TYPED_TEST_P(VenueContract, StreamGapIsBackfilledAndTheStoreEndsComplete) {
    using Kit = TypeParam;
    using marketdata::Channel;
    const InstrumentId a = Kit::instrument();
    // Near the end of the series: Kraken serves only its newest 720 bars.
    const Bar* bars = this->bars.data() + (this->bars.size() - 100);
    auto db = storage::Database::open(QString::fromStdString(tempDir()) + QStringLiteral("/kairos.sqlite"));
    ASSERT_TRUE(db.ok()) << db.message();
    storage::CandleStore store(**db);
    marketdata::CandleRecorder recorder(*this->feed, store);
    QSignalSpy gaps(this->feed.get(), &marketdata::ExchangeFeed::gapDetected);
    ASSERT_TRUE(recorder.record(a, Kit::kBarTf).ok());
    if constexpr (!Kit::kBarStream) this->feed->subscribeTrades(a);
    ASSERT_TRUE(this->waitTopics({Kit::kBarStream ? this->topic(Channel::Bars, a) : this->topic(Channel::Trades, a)}));
    this->sendBar(bars[10], true);
    this->sendBar(bars[11], true);
    // Bars 12..19 never come on the stream.
    this->sendBar(bars[20], true);
    this->sendBar(bars[21], false);
    ASSERT_TRUE(waitUntil([&] {
        auto g = store.gaps(a, Kit::kBarTf, bars[10].openTimeMs, bars[21].openTimeMs);
        auto n = store.range(a, Kit::kBarTf, bars[10].openTimeMs, bars[21].openTimeMs);
        return g && g->empty() && n && n->size() == 11;
    })) << "bars written: "
        << recorder.barsWritten();
    // Bars built from trades: the first bucket holds only the trades seen since subscribing, so
    // it is fetched over REST as well.
    const std::size_t firstRest = Kit::kBarStream ? 12 : 10;
    ASSERT_EQ(gaps.size(), Kit::kBarStream ? 1 : 2);
    if constexpr (!Kit::kBarStream) {
        EXPECT_EQ(gaps[0][2].toLongLong(), bars[10].openTimeMs);
        EXPECT_EQ(gaps[0][3].toLongLong(), bars[11].openTimeMs);
    }
    EXPECT_EQ(gaps.back()[2].toLongLong(), bars[12].openTimeMs);
    EXPECT_EQ(gaps.back()[3].toLongLong(), bars[20].openTimeMs);
    // The backfilled bars are the venue's REST candles, exactly.
    auto stored = store.range(a, Kit::kBarTf, bars[firstRest].openTimeMs, bars[20].openTimeMs);
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(stored->size(), 20 - firstRest);
    for (std::size_t i = 0; i < stored->size(); ++i) {
        const std::size_t k = i + firstRest;
        if (!Kit::kBarStream && k == 11) continue;  // built from the trades
        EXPECT_EQ((*stored)[i].openTimeMs, bars[k].openTimeMs);
        EXPECT_EQ((*stored)[i].open, bars[k].open);
        EXPECT_EQ((*stored)[i].high, bars[k].high);
        EXPECT_EQ((*stored)[i].low, bars[k].low);
        EXPECT_EQ((*stored)[i].close, bars[k].close);
        EXPECT_EQ((*stored)[i].volume, bars[k].volume);
    }
}

TYPED_TEST_P(VenueContract, HistoryPagesAcrossSeveralRequests) {
    using Kit = TypeParam;
    const InstrumentId a = Kit::instrument();
    const auto& bars = this->bars;
    const int page = this->feed->maxBarsPerRequest();
    const std::size_t n = 2 * static_cast<std::size_t>(page) + 50;
    ASSERT_LE(n + 1, bars.size());
    // The range ends at the newest bar the venue has (Kraken keeps only the newest 720).
    const std::size_t last = bars.size() - 1;
    const std::size_t first = last - n;
    std::vector<Bar> got;
    std::optional<Status> done;
    marketdata::ExchangeFeed::BarsCallbacks cb;
    cb.onPage = [&](const std::vector<Bar>& p) { got.insert(got.end(), p.begin(), p.end()); };
    cb.onDone = [&](const Status& st) { done = st; };
    this->feed->fetchBars(a, Kit::kBarTf, bars[first].openTimeMs, bars[last].openTimeMs, cb);
    ASSERT_TRUE(waitUntil([&] { return done.has_value(); }, 30'000));
    ASSERT_TRUE(done->ok()) << done->message();
    const std::size_t expected =
        Kit::kHistoryLimit < 0 ? n : std::min<std::size_t>(n, static_cast<std::size_t>(Kit::kHistoryLimit));
    ASSERT_EQ(got.size(), expected);
    const std::size_t offset = last - expected;
    for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].openTimeMs, bars[offset + i].openTimeMs) << i;
        ASSERT_EQ(got[i].open, bars[offset + i].open) << i;
        ASSERT_EQ(got[i].high, bars[offset + i].high) << i;
        ASSERT_EQ(got[i].low, bars[offset + i].low) << i;
        ASSERT_EQ(got[i].close, bars[offset + i].close) << i;
        ASSERT_EQ(got[i].volume, bars[offset + i].volume) << i;
        ASSERT_TRUE(got[i].closed);
    }
    // More than one request, each within the venue's page limit.
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath(a)), 3);
}

TYPED_TEST_P(VenueContract, RateLimitAnswerMakesTheClientBackOff) {
    using Kit = TypeParam;
    const InstrumentId a = Kit::instrument();
    const auto& bars = this->bars;
    Kit::queueRateLimit(this->fake);
    QSignalSpy limited(this->feed.get(), &marketdata::ExchangeFeed::rateLimited);
    std::size_t got = 0;
    std::optional<Status> done;
    marketdata::ExchangeFeed::BarsCallbacks cb;
    cb.onPage = [&](const std::vector<Bar>& p) { got += p.size(); };
    cb.onDone = [&](const Status& st) { done = st; };
    const std::size_t last = bars.size() - 1;
    this->feed->fetchBars(a, Kit::kBarTf, bars[last - 20].openTimeMs, bars[last].openTimeMs, cb);
    ASSERT_TRUE(waitUntil([&] { return done.has_value(); }, 30'000));
    ASSERT_TRUE(done->ok()) << done->message();
    EXPECT_EQ(got, 20u);
    ASSERT_GE(limited.size(), 1);
    EXPECT_GT(limited[0][0].toLongLong(), 0);
    // One rejected attempt and one retry after the wait: no retry loop.
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath(a)), 2);
    EXPECT_EQ(this->feed->rest().rejectionCount(), 1);
}

TYPED_TEST_P(VenueContract, SyntheticInvalidTradesAndUnsubscribedSymbolsAreSkippedAndCounted) {
    using Kit = TypeParam;
    using marketdata::Channel;
    const InstrumentId a = Kit::instrument(), b = Kit::other();
    this->feed->subscribeTrades(a);
    const QString topic = this->topic(Channel::Trades, a);
    ASSERT_TRUE(this->waitTopics({topic}));
    QSignalSpy trades(this->feed.get(), &marketdata::MarketDataFeed::tradeReceived);
    const quint64 skippedBefore = this->feed->malformedCount() + this->feed->invalidCount();
    const std::int64_t t = 1747699200000;
    this->fake.publish(topic, Kit::tradeMessage(a, 11, "-1", "0.5", t));
    this->fake.publish(topic, Kit::tradeMessage(a, 12, "0", "0.5", t));
    this->fake.publish(topic, Kit::tradeMessage(a, 13, "100", "-2", t));
    this->fake.publish(topic, Kit::tradeMessage(a, 14, "100", "0.5", -86'400'000));  // 1969-12-31
    this->fake.publish(topic, Kit::tradeMessage(b, 15, "100", "0.5", t));            // b is not subscribed
    this->fake.publish(topic, Kit::tradeMessage(a, 16, "101.5", "2", t));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1; }));
    // One connection, in order: when the good trade is here, the five before it were handled.
    EXPECT_EQ(trades[0][1].template value<Trade>().tradeId, "16");
    EXPECT_EQ(this->feed->malformedCount() + this->feed->invalidCount(), skippedBefore + 5);
    EXPECT_GE(this->feed->invalidCount(), 2u);  // at least the zero price and the unsubscribed symbol
    EXPECT_EQ(this->feed->invalidByKind().value(QStringLiteral("event")), 1u);
    EXPECT_EQ(this->feed->status().state, marketdata::FeedState::Live);
}

TYPED_TEST_P(VenueContract, SyntheticInvalidBarsAreSkippedAndCounted) {
    using Kit = TypeParam;
    using marketdata::Channel;
    const InstrumentId a = Kit::instrument();
    this->feed->subscribeBars(a, Kit::kBarTf);
    QSignalSpy barsSpy(this->feed.get(), &marketdata::MarketDataFeed::barUpdated);
    const Bar good = this->bars[100];
    if constexpr (Kit::kBarStream) {
        const QString topic = this->topic(Channel::Bars, a);
        ASSERT_TRUE(this->waitTopics({topic}));
        Bar inverted = good;  // high below low
        std::swap(inverted.high, inverted.low);
        Bar offGrid = good;
        offGrid.openTimeMs += 1000;
        this->fake.publish(topic, Kit::barMessage(a, inverted, false));
        this->fake.publish(topic, Kit::barMessage(a, offGrid, false));
        this->fake.publish(topic, Kit::barMessage(Kit::other(), good, false));  // not subscribed
        this->fake.publish(topic, Kit::barMessage(a, good, false));
        ASSERT_TRUE(waitUntil([&] { return barsSpy.size() >= 1; }));
        EXPECT_EQ(barsSpy[0][2].template value<Bar>().openTimeMs, good.openTimeMs);
        EXPECT_EQ(this->feed->invalidByKind().value(QStringLiteral("bar")), 2u);
        EXPECT_EQ(this->feed->invalidByKind().value(QStringLiteral("event")), 1u);
    } else {
        // Bars built from trades: an invalid trade never reaches a bar.
        const QString topic = this->topic(Channel::Trades, a);
        ASSERT_TRUE(this->waitTopics({topic}));
        this->fake.publish(topic, Kit::tradeMessage(a, 21, "0", "1", good.openTimeMs + 1000));
        this->fake.publish(topic, Kit::tradeMessage(a, 22, "100.5", "1", good.openTimeMs + 2000));
        ASSERT_TRUE(waitUntil([&] { return barsSpy.size() >= 1; }));
        EXPECT_EQ(barsSpy[0][2].template value<Bar>().low.toString(), "100.5");
        EXPECT_EQ(this->feed->invalidByKind().value(QStringLiteral("trade")), 1u);
    }
    for (const auto& args : barsSpy) {
        const Bar bar = args[2].template value<Bar>();
        EXPECT_LE(bar.low, bar.high);
        EXPECT_EQ(bucketStart(Kit::kBarTf, bar.openTimeMs), bar.openTimeMs);
    }
}

TYPED_TEST_P(VenueContract, SyntheticOversizedMessageIsAProtocolErrorAndTheFeedReconnects) {
    using Kit = TypeParam;
    using marketdata::Channel;
    // The venue's default limit is set and stays at a few MB.
    EXPECT_GT(this->feed->config().ws.maxMessageBytes, 0);
    EXPECT_LE(this->feed->config().ws.maxMessageBytes, 8 * 1024 * 1024);
    marketdata::FeedConfig c = this->fake.config();
    c.ws.maxMessageBytes = 64 * 1024;
    this->feed = Kit::makeFeed(c);
    const InstrumentId a = Kit::instrument();
    this->feed->subscribeTrades(a);
    const QString topic = this->topic(Channel::Trades, a);
    ASSERT_TRUE(this->waitTopics({topic}));
    ASSERT_TRUE(waitUntil([&] { return this->feed->status().state == marketdata::FeedState::Live; }));
    QSignalSpy status(this->feed.get(), &marketdata::MarketDataFeed::statusChanged);
    QSignalSpy trades(this->feed.get(), &marketdata::MarketDataFeed::tradeReceived);
    const int before = this->fake.ws.connectionCount();
    // 256 KB of padding in front of an otherwise good trade.
    this->fake.publish(topic, QString(256 * 1024, QLatin1Char(' ')) + Kit::tradeMessage(a, 31, "100", "1", 1747699200000));
    ASSERT_TRUE(waitUntil([&] {
        return this->fake.ws.connectionCount() > before && this->fake.liveTopics().contains(topic) &&
            this->feed->status().state == marketdata::FeedState::Live;
    }));
    EXPECT_EQ(this->feed->reconnectCount(), 1);
    bool sawProtocolError = false;
    for (const auto& args : status) {
        const auto st = args[0].template value<marketdata::FeedStatus>();
        sawProtocolError |= st.state == marketdata::FeedState::Reconnecting &&
            st.detail.contains(QStringLiteral("protocol error")) && st.detail.contains(QStringLiteral("64 KB"));
    }
    EXPECT_TRUE(sawProtocolError);
    EXPECT_EQ(trades.size(), 0);
    this->fake.publish(topic, Kit::tradeMessage(a, 32, "100.5", "1", 1747699200000));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1; }));
    EXPECT_EQ(trades[0][1].template value<Trade>().tradeId, "32");
}

REGISTER_TYPED_TEST_SUITE_P(VenueContract, ReconnectsAfterADropAndResubscribesOnTheServer, UnsubscribeRemovesTheTopicOnTheServer,
                            MalformedMessageIsSkippedCountedAndTheNextOneDelivered, StreamGapIsBackfilledAndTheStoreEndsComplete,
                            HistoryPagesAcrossSeveralRequests, RateLimitAnswerMakesTheClientBackOff,
                            SyntheticInvalidTradesAndUnsubscribedSymbolsAreSkippedAndCounted,
                            SyntheticInvalidBarsAreSkippedAndCounted,
                            SyntheticOversizedMessageIsAProtocolErrorAndTheFeedReconnects);

}  // namespace kairos::test
