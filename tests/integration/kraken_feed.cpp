// KrakenFeed against FakeKraken: the venue contract, every channel from the official doc examples
// (numbers with full precision, RFC 3339 times, the status message with a uint64 id), bars that
// close when the next one starts, and the book kept with the documented CRC32 checksum.
#include "marketdata/krakenfeed.h"

#include "fakekraken.h"
#include "fakevenuecontract.h"

using namespace kairos;
using namespace kairos::marketdata;
using namespace kairos::test;

namespace {

QString rfc(std::int64_t ms) { return QString::fromStdString(formatUtc(ms)); }

struct KrakenKit {
    using Fake = FakeKraken;
    static constexpr bool kBarStream = true;
    static constexpr int kHistoryLimit = 719;  // the newest 720 rows minus the running one
    static constexpr Timeframe kBarTf = Timeframe::M1;
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<KrakenFeed>(std::move(c)); }
    static InstrumentId instrument() { return {"KRAKEN", "BTC/USD"}; }
    static InstrumentId other() { return {"KRAKEN", "ETH/USD"}; }
    static QString restSymbol(const InstrumentId& id) { return QString::fromStdString(kraken::restPairGuess(id.symbol)); }
    static QString topic(Channel c, const InstrumentId& id, Timeframe) {
        const QString s = QString::fromStdString(id.symbol);
        switch (c) {
        case Channel::Trades:
            return "trade|" + s;
        case Channel::Quotes:
        case Channel::Ticker:
            return "ticker|" + s;
        case Channel::Bars:
            return "ohlc|1|" + s;
        case Channel::Book:
            return "book|" + s;
        }
        return {};
    }
    static QString tradeMessage(const InstrumentId& id, std::int64_t tradeId, const char* price, const char* qty,
                                std::int64_t t) {
        return QStringLiteral(
                   R"({"channel":"trade","type":"update","data":[{"symbol":"%1","side":"buy","price":%2,"qty":%3,"ord_type":"market","trade_id":%4,"timestamp":"%5"}]})")
            .arg(QString::fromStdString(id.symbol), QLatin1String(price), QLatin1String(qty))
            .arg(tradeId)
            .arg(rfc(t));
    }
    static QString malformedTradeMessage(const InstrumentId& id) {
        return QStringLiteral(
                   R"({"channel":"trade","type":"update","data":[{"symbol":"%1","side":"buy","price":1,"qty":1,"ord_type":"market","trade_id":1,"timestamp":"yesterday"}]})")
            .arg(QString::fromStdString(id.symbol));
    }
    static QString barMessage(const InstrumentId& id, const Bar& b, bool) {
        return QStringLiteral(
                   R"({"channel":"ohlc","type":"update","timestamp":"%2","data":[{"symbol":"%1","open":%3,"high":%4,"low":%5,"close":%6,"trades":3,"volume":%7,"vwap":0,"interval_begin":"%8","interval":1,"timestamp":"%2"}]})")
            .arg(QString::fromStdString(id.symbol), rfc(b.openTimeMs + 60'000), dec(b.open), dec(b.high), dec(b.low),
                 dec(b.close), dec(b.volume), rfc(b.openTimeMs));
    }
    static void queueRateLimit(Fake& f) {
        f.http.queueReply(QStringLiteral("/0/public/OHLC"), HttpReply::json(R"({"error":["EAPI:Rate limit exceeded"]})"));
    }
    static QString candlePath(const InstrumentId&) { return QStringLiteral("/0/public/OHLC"); }
};

}  // namespace

namespace kairos::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Kraken, VenueContract, ::testing::Types<KrakenKit>);
}

namespace {

QString doc(const char* name) {
    return QString::fromStdString(readFile(fixture(std::string("feeds/kraken/docs-examples/") + name)));
}

struct KrakenFixture : ::testing::Test {
    FakeKraken fake;
    std::unique_ptr<KrakenFeed> feed = std::make_unique<KrakenFeed>(fake.config());
};

TEST_F(KrakenFixture, EveryChannelFromTheDocExamples) {
    const InstrumentId matic{"KRAKEN", "MATIC/USD"}, algo{"KRAKEN", "ALGO/USD"};
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy bars(feed.get(), &MarketDataFeed::barUpdated);
    QSignalSpy tickers(feed.get(), &ExchangeFeed::tickerReceived);
    QSignalSpy quotes(feed.get(), &MarketDataFeed::quoteReceived);
    feed->subscribeTrades(matic);
    feed->subscribeBars(algo, Timeframe::M5);
    feed->subscribeTicker(algo);
    feed->subscribeQuotes(algo);  // same channel as the ticker: one topic
    ASSERT_TRUE(waitUntil([&] {
        return fake.liveTopics() == QSet<QString>{"trade|MATIC/USD", "ohlc|5|ALGO/USD", "ticker|ALGO/USD"};
    }));
    EXPECT_EQ(fake.lastParams("ticker").value("event_trigger").toString(), "bbo");
    fake.publish("trade|MATIC/USD", doc("trade-snapshot.json"));
    fake.publish("ticker|ALGO/USD", doc("ticker-update.json"));
    fake.publish("ohlc|5|ALGO/USD", doc("ohlc-snapshot.json"));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 2 && tickers.size() == 1 && quotes.size() == 1 && bars.size() == 3; }));
    const Trade t = trades[0][1].value<Trade>();
    EXPECT_EQ(trades[0][0].value<InstrumentId>(), matic);
    EXPECT_EQ(t.price.toString(), "0.5147");
    EXPECT_EQ(t.quantity.toString(), "6423.46326");
    EXPECT_EQ(t.tradeId, "4665846");
    EXPECT_EQ(t.timeMs, utcMs(2023, 9, 25, 7, 48, 36, 925));
    EXPECT_EQ(t.aggressor, Side::Buy);
    const Quote q = quotes[0][1].value<Quote>();
    EXPECT_EQ(q.bid.toString(), "0.10025");
    EXPECT_EQ(q.bidSize.toString(), "740.0");  // the number's text, exactly
    EXPECT_EQ(q.ask.toString(), "0.10035");
    EXPECT_EQ(q.timeMs, utcMs(2023, 9, 25, 9, 4, 31, 742));
    const Ticker24h tk = tickers[0][1].value<Ticker24h>();
    EXPECT_EQ(tk.lastPrice.toString(), "0.10035");
    EXPECT_EQ(tk.openPrice.toTrimmedString(), "0.10052");  // last - change, exact
    EXPECT_EQ(tk.volume.toString(), "997038.98383185");
    // The snapshot's two bars: the first closes when the second starts.
    const Bar first = bars[0][2].value<Bar>();
    EXPECT_EQ(first.openTimeMs, utcMs(2023, 10, 4, 15, 25));  // interval_begin, not the end "timestamp"
    EXPECT_FALSE(first.closed);
    const Bar closed = bars[1][2].value<Bar>();
    EXPECT_TRUE(closed.closed);
    EXPECT_EQ(closed.openTimeMs, first.openTimeMs);
    EXPECT_EQ(closed.volume.toString(), "201.86015");
    const Bar second = bars[2][2].value<Bar>();
    EXPECT_EQ(second.openTimeMs, utcMs(2023, 10, 4, 15, 30));
    EXPECT_EQ(second.high.toString(), "0.0988");
    EXPECT_EQ(second.tradeCount, 13);
    EXPECT_FALSE(second.closed);
    // Heartbeats, pongs and the status message (connection_id beyond int64) are not malformed.
    fake.ws.sendToAll(doc("heartbeat.json"));
    fake.ws.sendToAll(doc("pong-response.json"));
    fake.ws.sendToAll(doc("book-subscribe-ack.json"));
    fake.publish("trade|MATIC/USD", doc("trade-update.json"));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 3; }));
    EXPECT_EQ(trades[2][1].value<Trade>().aggressor, Side::Sell);
    EXPECT_EQ(trades[2][1].value<Trade>().quantity.toString(), "40.0");
    EXPECT_EQ(feed->malformedCount(), 0u);
}

TEST_F(KrakenFixture, BookChecksumFromTheDocsHoldsAndAMismatchResubscribes) {
    const InstrumentId matic{"KRAKEN", "MATIC/USD"};
    QSignalSpy resyncs(feed.get(), &ExchangeFeed::bookResynced);
    QSignalSpy books(feed.get(), &ExchangeFeed::bookUpdated);
    feed->subscribeBook(matic);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains(QSet<QString>{"book|MATIC/USD", "instrument"}); }));
    EXPECT_EQ(fake.lastParams("book").value("depth").toInt(), 10);
    // Precisions come from the instrument channel (the doc example lists MATIC/GBP: 4 and 8).
    fake.publish("instrument", doc("instrument-snapshot.json").replace("MATIC/GBP", "MATIC/USD"));
    fake.publish("book|MATIC/USD", doc("book-snapshot.json"));  // checksum 2439117997
    fake.publish("book|MATIC/USD", doc("book-update.json"));    // checksum 2114181697
    ASSERT_TRUE(waitUntil([&] { return books.size() == 2; }));
    EXPECT_EQ(resyncs.size(), 0);
    EXPECT_EQ(feed->uncheckedBookMessages(), 0u);
    const OrderBook* book = feed->orderBook(matic);
    ASSERT_NE(book, nullptr);
    EXPECT_EQ(book->bids().size(), 10u);
    EXPECT_EQ(book->bids().at(*Price::parse("0.5657")).toString(), "1098.3947558");
    // A wrong checksum: the book is thrown away and the channel subscribed again.
    fake.publish("book|MATIC/USD", doc("book-update.json").replace("1098.3947558", "1098.3947559"));
    ASSERT_TRUE(waitUntil([&] { return resyncs.size() == 1; }));
    EXPECT_TRUE(resyncs[0][1].toString().contains("checksum")) << resyncs[0][1].toString().toStdString();
    EXPECT_EQ(feed->orderBook(matic), nullptr);
    ASSERT_TRUE(waitUntil([&] { return fake.unsubscribeMessages() == 1 && fake.liveTopics().contains("book|MATIC/USD"); }));
    fake.publish("book|MATIC/USD", doc("book-snapshot.json"));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(matic) != nullptr; }));
}

TEST(KrakenChecksum, DocumentedTestVectors) {
    auto loadBook = [](const char* file) {
        kraken::Event ev;
        const std::string json = readFile(fixture(std::string("feeds/kraken/docs-examples/") + file));
        EXPECT_TRUE(kraken::decode(json, ev).ok());
        OrderBook b;
        b.setSnapshot(ev.bids, ev.asks, 0);
        return std::pair{b, ev.checksum};
    };
    auto [guide, guideSum] = loadBook("book-checksum-guide-snapshot.json");
    EXPECT_EQ(kraken::bookChecksum(guide, 1, 8), 3310070434u);
    EXPECT_EQ(guideSum, 3310070434u);
    auto [snap, snapSum] = loadBook("book-snapshot.json");
    EXPECT_EQ(snapSum, 2439117997u);
    EXPECT_EQ(kraken::bookChecksum(snap, 4, 8), 2439117997u);
    // With the shortest number text (0.566 instead of 0.5660) it is 3830085102: the trap.
    EXPECT_NE(kraken::bookChecksum(snap, 3, 8), 2439117997u);
    kraken::Event upd;
    ASSERT_TRUE(kraken::decode(readFile(fixture("feeds/kraken/docs-examples/book-update.json")), upd).ok());
    snap.apply(upd.bids, upd.asks);
    snap.truncate(10);
    EXPECT_EQ(kraken::bookChecksum(snap, 4, 8), 2114181697u);
    EXPECT_EQ(kraken::crc32("123456789"), 0xCBF43926u);
}

TEST_F(KrakenFixture, InstrumentsFromAssetPairsUseTheV2Names) {
    std::optional<Result<std::vector<Instrument>>> got;
    feed->fetchInstruments([&](Result<std::vector<Instrument>> r) { got = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return got.has_value(); }));
    ASSERT_TRUE(got->ok()) << got->message();
    ASSERT_EQ((**got).size(), 2u);
    const auto& list = **got;
    const auto btc = std::find_if(list.begin(), list.end(), [](const Instrument& i) { return i.id.symbol == "BTC/USD"; });
    ASSERT_NE(btc, list.end());
    EXPECT_EQ(btc->id.toString(), "KRAKEN:BTC/USD");  // wsname XBT/USD: v2 spells it BTC
    EXPECT_EQ(btc->displayName(), "BTC/USD");
    EXPECT_EQ(btc->tickSize.toString(), "0.1");
    EXPECT_EQ(btc->lotSize.toString(), "0.00000001");
    EXPECT_EQ(btc->minNotional.toString(), "0.5");
    const auto eth = std::find_if(list.begin(), list.end(), [](const Instrument& i) { return i.id.symbol == "ETH/BTC"; });
    ASSERT_NE(eth, list.end());
    EXPECT_EQ(eth->tickSize.toString(), "0.00001");
    EXPECT_EQ(eth->minNotional.toString(), "0.00002");
    // REST calls now use the pair's altname.
    std::optional<Status> done;
    std::size_t bars = 0;
    ExchangeFeed::BarsCallbacks cb;
    cb.onPage = [&](const std::vector<Bar>& p) { bars += p.size(); };
    cb.onDone = [&](const Status& st) { done = st; };
    fake.setBars("ETHXBT", Timeframe::M1, contractBars());  // the fake knows only the altname
    feed->fetchBars(eth->id, Timeframe::M1, contractBars()[2990].openTimeMs, contractBars()[2995].openTimeMs, cb);
    ASSERT_TRUE(waitUntil([&] { return done.has_value(); }));
    EXPECT_TRUE(done->ok()) << done->message();
    EXPECT_EQ(bars, 5u);
}

TEST(KrakenKeepAlive, PingMethodIsSentAndThePongAndHeartbeatsAreNotMalformed) {
    FakeKraken fake;
    FeedConfig c = fake.config();
    c.ws.pingIntervalMs = 20;  // production: 30 s (Kraken closes a connection after ~1 min of silence)
    KrakenFeed feed(c);
    EXPECT_EQ(KrakenFeed::defaultConfig().ws.pingText, R"({"method":"ping"})");
    EXPECT_EQ(KrakenFeed::defaultConfig().ws.pingIntervalMs, 30'000);
    feed.subscribeTrades({"KRAKEN", "BTC/USD"});
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("trade|BTC/USD"); }));
    auto pings = [&] {
        int n = 0;
        for (const auto& cl : fake.ws.clients()) n += static_cast<int>(cl->received.count(R"({"method":"ping"})"));
        return n;
    };
    ASSERT_TRUE(waitUntil([&] { return pings() >= 2; }));  // each answered with the documented pong
    fake.ws.sendToAll(doc("heartbeat.json"));
    QSignalSpy trades(&feed, &MarketDataFeed::tradeReceived);
    fake.publish("trade|BTC/USD", KrakenKit::tradeMessage({"KRAKEN", "BTC/USD"}, 9, "64000.1", "0.01", 1747699200000));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1; }));
    EXPECT_EQ(feed.malformedCount(), 0u);
    EXPECT_EQ(feed.status().state, FeedState::Live);
}

}  // namespace
