// BinanceFeed end to end against FakeBinance (a local REST + combined-stream server fed with real
// payloads): the venue contract (reconnect, unsubscribe, malformed, gap backfill into the store,
// pagination, rate limits, invalid values, message size), and what is Binance's own: every channel
// from the doc examples, streams in the URL and in batched SUBSCRIBE messages, a second connection
// past the stream limit, serverShutdown and the connection lifetime, kline paging parameters, and
// the L2 book synced from the recorded stream and REST snapshot.
#include "marketdata/binancefeed.h"

#include "fakebinance.h"
#include "fakevenuecontract.h"
#include "testdata.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::marketdata;
using kairos::test::dec;
using kairos::test::FakeBinance;
using kairos::test::waitUntil;

namespace {

/// FakeBinance in the shape the venue contract expects (streams are its topics).
struct FakeBinanceVenue : FakeBinance {
    void setBars(const QString& symbol, Timeframe tf, std::vector<Bar> bars) { setKlines(symbol, tf, std::move(bars)); }
    QSet<QString> liveTopics() const { return liveStreams(); }
    QSet<QString> topicsOf(const test::FakeWsServer::Client& c) const { return streamsOf(c); }
    int publish(const QString& stream, const QString& data) { return FakeBinance::publish(stream, data.toUtf8()); }
};

struct BinanceKit {
    using Fake = FakeBinanceVenue;
    static constexpr bool kBarStream = true;
    static constexpr int kHistoryLimit = -1;
    static constexpr Timeframe kBarTf = Timeframe::M1;
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<BinanceFeed>(std::move(c)); }
    static InstrumentId instrument() { return {"BINANCE", "BTCUSDT"}; }
    static InstrumentId other() { return {"BINANCE", "ETHUSDT"}; }
    static QString restSymbol(const InstrumentId& id) { return QString::fromStdString(id.symbol); }
    static QString topic(Channel c, const InstrumentId& id, Timeframe) {
        const QString s = QString::fromStdString(id.symbol).toLower();
        switch (c) {
        case Channel::Trades:
            return s + "@trade";
        case Channel::Quotes:
            return s + "@bookTicker";
        case Channel::Ticker:
            return s + "@ticker";
        case Channel::Bars:
            return s + "@kline_1m";
        case Channel::Book:
            return s + "@depth@100ms";
        }
        return {};
    }
    static QString tradeMessage(const InstrumentId& id, std::int64_t tradeId, const char* price, const char* qty,
                                std::int64_t t) {
        return QStringLiteral(R"({"e":"trade","E":%1,"s":"%2","t":%3,"p":"%4","q":"%5","T":%1,"m":true,"M":true})")
            .arg(t)
            .arg(QString::fromStdString(id.symbol))
            .arg(tradeId)
            .arg(QLatin1String(price), QLatin1String(qty));
    }
    static QString malformedTradeMessage(const InstrumentId& id) {
        return QStringLiteral(R"({"e":"trade","E":1,"s":"%1","t":1,"p":"6O000.1","q":"1","T":1,"m":true})")
            .arg(QString::fromStdString(id.symbol));
    }
    static QString barMessage(const InstrumentId& id, const Bar& b, bool closed) {
        return QStringLiteral(
                   R"({"e":"kline","E":%2,"s":"%1","k":{"t":%2,"T":%3,"s":"%1","i":"1m","o":"%4","c":"%5","h":"%6","l":"%7","v":"%8","n":10,"x":%9,"q":"0"}})")
            .arg(QString::fromStdString(id.symbol))
            .arg(b.openTimeMs)
            .arg(b.openTimeMs + 59'999)
            .arg(dec(b.open), dec(b.close), dec(b.high), dec(b.low), dec(b.volume), closed ? "true" : "false");
    }
    static void queueRateLimit(Fake& f) {
        test::HttpReply limited = test::HttpReply::json(R"({"code":-1003,"msg":"Too many requests."})", 429);
        limited.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
        f.http.queueReply("/api/v3/klines", limited);
    }
    static QString candlePath(const InstrumentId&) { return QStringLiteral("/api/v3/klines"); }
};

}  // namespace

namespace kairos::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Binance, VenueContract, ::testing::Types<BinanceKit>);
}

namespace {

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

std::string docExample(const std::string& name) { return test::readFile(test::fixture("feeds/binance/docs-examples/" + name)); }

std::vector<Bar> realBars() { return test::readKlineCsv(test::fixture("feeds/binance/BTCUSDT_1m_2025-05-20_3000rows.csv")); }

QByteArray klinePayload(const Bar& b, bool closed) {
    return QByteArray(R"({"e":"kline","E":)") + QByteArray::number(static_cast<qlonglong>(b.openTimeMs) + 60'000) +
        R"(,"s":"BTCUSDT","k":{"t":)" + QByteArray::number(static_cast<qlonglong>(b.openTimeMs)) + R"(,"T":)" +
        QByteArray::number(static_cast<qlonglong>(b.openTimeMs) + 59'999) + R"(,"s":"BTCUSDT","i":"1m","f":1,"L":2,"o":")" +
        QByteArray::fromStdString(b.open.toString()) + R"(","c":")" + QByteArray::fromStdString(b.close.toString()) +
        R"(","h":")" + QByteArray::fromStdString(b.high.toString()) + R"(","l":")" + QByteArray::fromStdString(b.low.toString()) +
        R"(","v":")" + QByteArray::fromStdString(b.volume.toString()) + R"(","n":10,"x":)" + (closed ? "true" : "false") +
        R"(,"q":"0","V":"0","Q":"0","B":"0"}})";
}

struct Fixture : ::testing::Test {
    FakeBinance fake;
    std::unique_ptr<BinanceFeed> feed;

    void SetUp() override { feed = std::make_unique<BinanceFeed>(fake.config()); }
    void makeFeed(FeedConfig c) { feed = std::make_unique<BinanceFeed>(std::move(c)); }
    bool waitStreams(const QSet<QString>& want) {
        return waitUntil([&] { return fake.liveStreams().contains(want); });
    }
};

TEST_F(Fixture, SubscribesOverTheCombinedStreamAndDeliversEveryChannel) {
    const InstrumentId bnb{"BINANCE", "BNBBTC"};
    const InstrumentId bnbusdt{"BINANCE", "BNBUSDT"};
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy quotes(feed.get(), &MarketDataFeed::quoteReceived);
    QSignalSpy bars(feed.get(), &MarketDataFeed::barUpdated);
    QSignalSpy tickers(feed.get(), &ExchangeFeed::tickerReceived);
    feed->subscribeTrades(bnb);
    feed->subscribeBars(bnb, Timeframe::M1);
    feed->subscribeTicker(bnb);
    feed->subscribeQuotes(bnbusdt);
    EXPECT_EQ(feed->status().state, FeedState::Disconnected);  // connects on the next turn of the loop
    ASSERT_TRUE(waitStreams({"bnbbtc@trade", "bnbbtc@kline_1m", "bnbbtc@ticker", "bnbusdt@bookTicker"}));
    ASSERT_TRUE(waitUntil([&] { return feed->status().state == FeedState::Live; }));
    ASSERT_EQ(fake.ws.connectionCount(), 1);
    const QUrl url = fake.ws.clients()[0]->requestUrl;
    EXPECT_EQ(url.path(), QStringLiteral("/stream"));
    EXPECT_TRUE(url.query().startsWith(QStringLiteral("streams=")));
    EXPECT_EQ(fake.subscribeMessages(), 0);  // all four fit into the URL

    fake.publish("bnbbtc@trade", QByteArray::fromStdString(docExample("trade.json")));
    fake.publish("bnbusdt@bookTicker", QByteArray::fromStdString(docExample("bookTicker.json")));
    fake.publish("bnbbtc@kline_1m", QByteArray::fromStdString(docExample("kline.json")));
    fake.publish("bnbbtc@ticker", QByteArray::fromStdString(docExample("ticker.json")));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1 && quotes.size() == 1 && bars.size() == 1 && tickers.size() == 1; }));

    EXPECT_EQ(trades[0][0].value<InstrumentId>(), bnb);
    const Trade t = trades[0][1].value<Trade>();
    EXPECT_EQ(t.price.toString(), "0.001");
    EXPECT_EQ(t.quantity.toString(), "100");
    EXPECT_EQ(t.tradeId, "12345");
    EXPECT_EQ(t.aggressor, Side::Sell);
    const Quote q = quotes[0][1].value<Quote>();
    EXPECT_EQ(quotes[0][0].value<InstrumentId>(), bnbusdt);
    EXPECT_EQ(q.bid.toString(), "25.35190000");
    EXPECT_EQ(q.askSize.toString(), "40.66000000");
    EXPECT_GT(q.timeMs, 0);  // stamped on receipt: spot bookTicker carries no time
    EXPECT_EQ(bars[0][1].value<Timeframe>(), Timeframe::M1);
    const Bar b = bars[0][2].value<Bar>();
    EXPECT_EQ(b.openTimeMs, 1672515780000);
    EXPECT_EQ(b.close.toString(), "0.0020");
    EXPECT_FALSE(b.closed);
    const Ticker24h tk = tickers[0][1].value<Ticker24h>();
    EXPECT_EQ(tk.lastPrice.toString(), "0.0025");
    EXPECT_EQ(tk.volume.toString(), "10000");
    EXPECT_EQ(feed->malformedCount(), 0u);
}

TEST_F(Fixture, ManySymbolsShareOneConnectionAndSubscribeInBatches) {
    QSet<QString> want;
    for (int i = 0; i < 300; ++i) {
        const InstrumentId id{"BINANCE", "SYM" + std::to_string(i) + "USDT"};
        feed->subscribeTrades(id);
        feed->subscribeTicker(id);
        want << QStringLiteral("sym%1usdt@trade").arg(i) << QStringLiteral("sym%1usdt@ticker").arg(i);
    }
    ASSERT_TRUE(waitStreams(want));
    EXPECT_EQ(fake.ws.connectionCount(), 1);
    EXPECT_EQ(feed->connectionCount(), 1);
    EXPECT_EQ(fake.liveStreams().size(), 600);
    // 50 streams in the URL, the other 550 in SUBSCRIBE messages of at most 200 streams each.
    EXPECT_EQ(fake.subscribeMessages(), 3);
}

TEST_F(Fixture, MoreStreamsThanOneConnectionAllowsOpenASecondConnection) {
    FeedConfig c = fake.config();
    c.maxTopicsPerConnection = 10;
    makeFeed(c);
    for (int i = 0; i < 15; ++i) feed->subscribeTrades({"BINANCE", "S" + std::to_string(i) + "USDT"});
    ASSERT_TRUE(waitUntil([&] { return fake.liveStreams().size() == 15; }));
    EXPECT_EQ(feed->connectionCount(), 2);
    EXPECT_EQ(fake.ws.openClients().size(), 2);
}

TEST_F(Fixture, ReconnectsAfterTheServerDropsTheSocketAndResubscribes) {
    QSet<QString> want;
    for (int i = 0; i < 60; ++i) {  // more than fit in the URL: resubscription uses messages too
        feed->subscribeTrades({"BINANCE", "R" + std::to_string(i) + "USDT"});
        want << QStringLiteral("r%1usdt@trade").arg(i);
    }
    feed->subscribeBars(kBtc, Timeframe::M1);
    want << QStringLiteral("btcusdt@kline_1m");
    QSignalSpy status(feed.get(), &MarketDataFeed::statusChanged);
    ASSERT_TRUE(waitStreams(want));
    ASSERT_TRUE(waitUntil([&] { return feed->status().state == FeedState::Live; }));

    fake.ws.dropAll();
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() == 2 && fake.liveStreams() == want; }));
    // Verified on the server side: the second connection carries exactly the same streams.
    EXPECT_EQ(fake.streamsOf(*fake.ws.clients()[1]), want);
    ASSERT_TRUE(waitUntil([&] { return feed->status().state == FeedState::Live; }));
    EXPECT_EQ(feed->reconnectCount(), 1);
    bool sawReconnecting = false;
    for (const auto& args : status) {
        const auto st = args[0].value<FeedStatus>();
        if (st.state == FeedState::Reconnecting) {
            sawReconnecting = true;
            EXPECT_GT(st.retryInMs, 0);
            EXPECT_FALSE(st.detail.isEmpty());
            EXPECT_TRUE(st.toString().startsWith(QStringLiteral("reconnecting in")));
        }
    }
    EXPECT_TRUE(sawReconnecting);

    // Data flows on the new connection.
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    fake.publish("r7usdt@trade", R"({"e":"trade","E":1,"s":"R7USDT","t":5,"p":"1.5","q":"2","T":1,"m":false,"M":true})");
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1; }));
}

TEST_F(Fixture, ServerShutdownEventReconnectsAtOnce) {
    feed->subscribeTrades(kBtc);
    ASSERT_TRUE(waitStreams({"btcusdt@trade"}));
    fake.ws.sendToAll(QString::fromStdString(docExample("serverShutdown-combined.json")));
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() == 2 && fake.liveStreams().contains("btcusdt@trade"); }));
    EXPECT_EQ(feed->malformedCount(), 0u);
}

TEST_F(Fixture, ConnectionLifetimeLimitRenewsTheConnectionProactively) {
    FeedConfig c = fake.config();
    c.ws.maxLifetimeMs = 300;  // Binance: 24 h; shortened here
    makeFeed(c);
    feed->subscribeTrades(kBtc);
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() >= 3; }));
    ASSERT_TRUE(waitStreams({"btcusdt@trade"}));
    for (const auto& client : fake.ws.clients()) EXPECT_EQ(fake.streamsOf(*client), QSet<QString>{"btcusdt@trade"});
}

TEST_F(Fixture, MalformedMessageIsSkippedCountedAndTheNextGoodOneDelivered) {
    feed->subscribeTrades(kBtc);
    ASSERT_TRUE(waitStreams({"btcusdt@trade"}));
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy errors(feed.get(), &MarketDataFeed::errorOccurred);
    fake.publish("btcusdt@trade", R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"6O000.1","q":"1","T":1,"m":true})");
    fake.ws.sendToAll(QStringLiteral(R"({"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCU)"));
    fake.publish("btcusdt@trade", R"({"e":"trade","E":1,"s":"BTCUSDT","t":2,"p":"60000.10","q":"0.5","T":2,"m":false})");
    fake.publish("btcusdt@trade", R"({"e":"trade","E":1,"s":"BTCUSDT","t":3,"p":"","q":"1","T":3,"m":true})");
    fake.ws.sendToAll(QStringLiteral(R"({"stream":"btcusdt@avgPrice","data":{"e":"avgPrice","s":"BTCUSDT"}})"));
    fake.publish("btcusdt@trade", R"({"e":"trade","E":1,"s":"BTCUSDT","t":4,"p":"60000.20","q":"0.25","T":4,"m":false})");
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 2; }));
    EXPECT_EQ(trades[0][1].value<Trade>().tradeId, "2");
    EXPECT_EQ(trades[0][1].value<Trade>().price.toString(), "60000.10");
    EXPECT_EQ(trades[1][1].value<Trade>().tradeId, "4");
    EXPECT_EQ(feed->malformedCount(), 4u);
    const auto byKind = feed->malformedByKind();
    EXPECT_EQ(byKind.value(QStringLiteral("trade")), 3u);
    EXPECT_EQ(byKind.value(QStringLiteral("unrecognised")), 1u);
    // Logged once per kind, with the venue and an excerpt.
    ASSERT_EQ(errors.size(), 2);
    const QString first = errors[0][0].toString();
    EXPECT_TRUE(first.startsWith(QStringLiteral("BINANCE:"))) << first.toStdString();
    EXPECT_TRUE(first.contains(QStringLiteral("6O000.1"))) << first.toStdString();
    EXPECT_EQ(feed->status().state, FeedState::Live);
}

TEST_F(Fixture, GapAcrossAReconnectIsBackfilled) {
    const auto bars = realBars();
    fake.setKlines("BTCUSDT", Timeframe::M1, bars);
    QSignalSpy filled(feed.get(), &ExchangeFeed::barsBackfilled);
    feed->subscribeBars(kBtc, Timeframe::M1);
    ASSERT_TRUE(waitStreams({"btcusdt@kline_1m"}));
    fake.publish("btcusdt@kline_1m", klinePayload(bars[100], true));
    QSignalSpy barSpy(feed.get(), &MarketDataFeed::barUpdated);
    ASSERT_TRUE(barSpy.wait(5000));
    fake.ws.dropAll();
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() == 2 && fake.liveStreams().contains("btcusdt@kline_1m"); }));
    fake.publish("btcusdt@kline_1m", klinePayload(bars[103], false));
    ASSERT_TRUE(waitUntil([&] { return filled.size() == 1; }));
    const auto got = filled[0][2].value<std::vector<Bar>>();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].openTimeMs, bars[101].openTimeMs);
    EXPECT_EQ(got[1].openTimeMs, bars[102].openTimeMs);
}

TEST_F(Fixture, KlineHistoryPagesAcrossSeveralRequests) {
    const auto bars = realBars();
    fake.setKlines("BTCUSDT", Timeframe::M1, bars);
    std::vector<Bar> got;
    std::vector<std::int64_t> progress;
    std::optional<Status> done;
    ExchangeFeed::BarsCallbacks cb;
    cb.onPage = [&](const std::vector<Bar>& page) { got.insert(got.end(), page.begin(), page.end()); };
    cb.onProgress = [&](std::int64_t doneMs, std::int64_t, std::int64_t) { progress.push_back(doneMs); };
    cb.onDone = [&](const Status& st) { done = st; };
    const std::int64_t from = bars[5].openTimeMs;
    const std::int64_t to = bars[2505].openTimeMs;  // 2500 bars: three requests of at most 1000
    feed->fetchBars(kBtc, Timeframe::M1, from, to, cb);
    ASSERT_TRUE(waitUntil([&] { return done.has_value(); }));
    ASSERT_TRUE(done->ok()) << done->message();
    ASSERT_EQ(got.size(), 2500u);
    for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].openTimeMs, bars[5 + i].openTimeMs);
        ASSERT_EQ(got[i].open, bars[5 + i].open);
        ASSERT_EQ(got[i].high.toString(), bars[5 + i].high.toString());
        ASSERT_EQ(got[i].volume.toString(), bars[5 + i].volume.toString());
    }
    const auto reqs = fake.http.requests("/api/v3/klines");
    ASSERT_EQ(reqs.size(), 3);
    EXPECT_EQ(reqs[0].query.queryItemValue("startTime").toLongLong(), from);
    EXPECT_EQ(reqs[1].query.queryItemValue("startTime").toLongLong(), from + 1000 * 60'000);
    EXPECT_EQ(reqs[2].query.queryItemValue("startTime").toLongLong(), from + 2000 * 60'000);
    EXPECT_EQ(reqs[0].query.queryItemValue("limit"), QStringLiteral("1000"));
    EXPECT_EQ(reqs[0].query.queryItemValue("interval"), QStringLiteral("1m"));
    EXPECT_EQ(progress.size(), 3u);
    EXPECT_EQ(progress.back(), to);
}

TEST_F(Fixture, InstrumentsComeFromExchangeInfo) {
    fake.setExchangeInfo(
        R"({"timezone":"UTC","serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200}],
      "symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","baseAssetPrecision":8,"quoteAsset":"USDT","quoteAssetPrecision":8,
      "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
      {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},
      {"filterType":"NOTIONAL","minNotional":"5.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5}]}]})");
    std::optional<Result<std::vector<Instrument>>> got;
    feed->fetchInstruments([&](Result<std::vector<Instrument>> r) { got = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return got.has_value(); }));
    ASSERT_TRUE(got->ok()) << got->message();
    ASSERT_EQ((*got)->size(), 1u);
    const Instrument& i = (**got)[0];
    EXPECT_EQ(i.displayName(), "BTC/USDT");
    EXPECT_EQ(i.tickSize.toTrimmedString(), "0.01");
    EXPECT_EQ(i.lotSize.toTrimmedString(), "0.00001");
    EXPECT_EQ(i.minNotional.toTrimmedString(), "5");
    EXPECT_EQ(i.pricePrecision, 2);
    EXPECT_EQ(i.quantityPrecision, 5);
    EXPECT_EQ(feed->rateLimitPolicy().weightLimitPerMinute(), 1200);
    EXPECT_EQ(feed->instruments().count("BTCUSDT"), 1u);
}

// ---- order book from the recorded NKNUSDT stream and snapshot ----

struct Recorded {
    QList<QByteArray> events;  // combined-stream messages, in arrival order
    QByteArray snapshot;
};

Recorded recordedNkn() {
    Recorded r;
    for (const auto& l : test::readCryptofeedLog(test::fixture("feeds/binance/binance_spot_ws_2021-10-12.cryptofeed.log")))
        if (l.json.contains("\"nknusdt@depth@100ms\"")) r.events.append(l.json);
    for (const auto& l :
         test::readCryptofeedLog(test::fixture("feeds/binance/binance_spot_rest_depth_2021-10-12.cryptofeed.log")))
        if (l.url.contains(QLatin1String("NKNUSDT"))) r.snapshot = l.json;
    return r;
}

TEST_F(Fixture, OrderBookSyncsFromTheRecordedStreamAndSnapshot) {
    const Recorded rec = recordedNkn();
    ASSERT_GT(rec.events.size(), 10);
    fake.setDepthSnapshot("NKNUSDT", rec.snapshot);
    const InstrumentId nkn{"BINANCE", "NKNUSDT"};
    QSignalSpy books(feed.get(), &ExchangeFeed::bookUpdated);
    feed->subscribeBook(nkn);
    ASSERT_TRUE(waitStreams({"nknusdt@depth@100ms"}));
    for (const auto& e : rec.events) fake.ws.sendToAll(QString::fromUtf8(e));
    binance::Event last;
    ASSERT_TRUE(binance::decode(rec.events.back().toStdString(), last).ok());
    const std::int64_t lastU = last.depth.finalUpdateId;
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(nkn) && feed->orderBook(nkn)->updateId() == lastU; }));
    EXPECT_EQ(fake.http.requestCount("/api/v3/depth"), 1);
    EXPECT_EQ(fake.http.requests("/api/v3/depth")[0].query.queryItemValue("limit"), QStringLiteral("1000"));

    // Reference: snapshot, then every event with u > lastUpdateId.
    binance::BookSync ref;
    auto snap = binance::parseDepthSnapshot(rec.snapshot.toStdString());
    OrderBook expected;
    expected.setSnapshot(snap->bids, snap->asks, snap->lastUpdateId);
    for (const auto& e : rec.events) {
        binance::Event ev;
        ASSERT_TRUE(binance::decode(e.toStdString(), ev).ok());
        if (ev.depth.finalUpdateId <= snap->lastUpdateId) continue;
        expected.apply(ev.depth.bids, ev.depth.asks);
        expected.setUpdateId(ev.depth.finalUpdateId);
    }
    EXPECT_EQ(*feed->orderBook(nkn), expected);
    ASSERT_FALSE(books.isEmpty());
    const BookTop top = books.last()[1].value<BookTop>();
    EXPECT_EQ(top.updateId, lastU);
    EXPECT_EQ(top.bids.front().price, expected.bestBid()->price);
    EXPECT_EQ(top.bids.size(), 10u);
    EXPECT_EQ(feed->bookResyncCount(), 0);
}

TEST_F(Fixture, OrderBookGapTriggersAResyncWithAFreshSnapshot) {
    const Recorded rec = recordedNkn();
    fake.setDepthSnapshot("NKNUSDT", rec.snapshot);
    const InstrumentId nkn{"BINANCE", "NKNUSDT"};
    QSignalSpy resyncs(feed.get(), &ExchangeFeed::bookResynced);
    feed->subscribeBook(nkn);
    ASSERT_TRUE(waitStreams({"nknusdt@depth@100ms"}));
    for (int i = 0; i < 10; ++i) fake.ws.sendToAll(QString::fromUtf8(rec.events[i]));
    binance::Event ev9;
    ASSERT_TRUE(binance::decode(rec.events[9].toStdString(), ev9).ok());
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(nkn) && feed->orderBook(nkn)->updateId() == ev9.depth.finalUpdateId; }));

    // Event 10 is lost; event 11 reveals the gap. Serve a snapshot that covers event 10 so the
    // resync can complete.
    binance::Event ev10, ev11;
    ASSERT_TRUE(binance::decode(rec.events[10].toStdString(), ev10).ok());
    ASSERT_TRUE(binance::decode(rec.events[11].toStdString(), ev11).ok());
    OrderBook atTen = *feed->orderBook(nkn);
    atTen.apply(ev10.depth.bids, ev10.depth.asks);
    QByteArray fresh =
        "{\"lastUpdateId\":" + QByteArray::number(static_cast<qlonglong>(ev10.depth.finalUpdateId)) + ",\"bids\":[";
    bool firstLevel = true;
    for (const auto& [p, q] : atTen.bids()) {
        fresh += (firstLevel ? "" : ",") + QByteArray("[\"") + QByteArray::fromStdString(p.toString()) + "\",\"" +
            QByteArray::fromStdString(q.toString()) + "\"]";
        firstLevel = false;
    }
    fresh += "],\"asks\":[";
    firstLevel = true;
    for (const auto& [p, q] : atTen.asks()) {
        fresh += (firstLevel ? "" : ",") + QByteArray("[\"") + QByteArray::fromStdString(p.toString()) + "\",\"" +
            QByteArray::fromStdString(q.toString()) + "\"]";
        firstLevel = false;
    }
    fresh += "]}";
    fake.setDepthSnapshot("NKNUSDT", fresh);
    fake.ws.sendToAll(QString::fromUtf8(rec.events[11]));
    ASSERT_TRUE(waitUntil([&] { return resyncs.size() == 1; }));
    EXPECT_TRUE(resyncs[0][1].toString().contains(QStringLiteral("gap"))) << resyncs[0][1].toString().toStdString();
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(nkn) && feed->orderBook(nkn)->updateId() == ev11.depth.finalUpdateId; }));
    EXPECT_EQ(fake.http.requestCount("/api/v3/depth"), 2);
    OrderBook expected = atTen;
    expected.apply(ev11.depth.bids, ev11.depth.asks);
    expected.setUpdateId(ev11.depth.finalUpdateId);
    EXPECT_EQ(*feed->orderBook(nkn), expected);
}

TEST_F(Fixture, BookResyncsAfterAReconnect) {
    const Recorded rec = recordedNkn();
    fake.setDepthSnapshot("NKNUSDT", rec.snapshot);
    const InstrumentId nkn{"BINANCE", "NKNUSDT"};
    QSignalSpy resyncs(feed.get(), &ExchangeFeed::bookResynced);
    feed->subscribeBook(nkn);
    ASSERT_TRUE(waitStreams({"nknusdt@depth@100ms"}));
    for (int i = 0; i < 5; ++i) fake.ws.sendToAll(QString::fromUtf8(rec.events[i]));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(nkn) != nullptr; }));
    fake.ws.dropAll();
    ASSERT_TRUE(waitUntil([&] { return resyncs.size() == 1; }));
    EXPECT_EQ(feed->orderBook(nkn), nullptr);  // not in sync until a new snapshot
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() == 2 && fake.liveStreams().contains("nknusdt@depth@100ms"); }));
    for (int i = 0; i < 5; ++i) fake.ws.sendToAll(QString::fromUtf8(rec.events[i]));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(nkn) != nullptr; }));
    EXPECT_EQ(fake.http.requestCount("/api/v3/depth"), 2);
}

}  // namespace
