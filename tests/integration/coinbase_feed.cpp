// CoinbaseFeed against FakeCoinbase: the venue contract (bars built from matches), every channel
// from the official doc examples, the recorded 2021 level2/ticker/matches traffic replayed to the
// book the snapshot rule gives, lost trades -> REST bars, book crossing -> resubscribe, products.
#include "marketdata/coinbasefeed.h"

#include "fakecoinbase.h"
#include "fakevenuecontract.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace kairos;
using namespace kairos::marketdata;
using namespace kairos::test;

namespace {

QString rfc(std::int64_t ms) { return QString::fromStdString(formatUtc(ms)); }

struct CoinbaseKit {
    using Fake = FakeCoinbase;
    static constexpr bool kBarStream = false;  // the Exchange feed has no candle channel
    static constexpr int kHistoryLimit = -1;
    static constexpr Timeframe kBarTf = Timeframe::M1;
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<CoinbaseFeed>(std::move(c)); }
    static InstrumentId instrument() { return {"COINBASE", "BTC-USD"}; }
    static InstrumentId other() { return {"COINBASE", "ETH-USD"}; }
    static QString restSymbol(const InstrumentId& id) { return QString::fromStdString(id.symbol); }
    static QString topic(Channel c, const InstrumentId& id, Timeframe) {
        const QString s = QString::fromStdString(id.symbol);
        switch (c) {
        case Channel::Trades:
        case Channel::Bars:
            return "matches|" + s;
        case Channel::Quotes:
        case Channel::Ticker:
            return "ticker|" + s;
        case Channel::Book:
            return "level2_batch|" + s;
        }
        return {};
    }
    static QString tradeMessage(const InstrumentId& id, std::int64_t tradeId, const char* price, const char* qty,
                                std::int64_t t) {
        return QStringLiteral(
                   R"({"type":"match","trade_id":%1,"sequence":%2,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","time":"%3","product_id":"%4","size":"%5","price":"%6","side":"sell"})")
            .arg(tradeId)
            .arg(tradeId * 10)
            .arg(rfc(t), QString::fromStdString(id.symbol), QLatin1String(qty), QLatin1String(price));
    }
    static QString malformedTradeMessage(const InstrumentId& id) {
        return QStringLiteral(
                   R"({"type":"match","trade_id":1,"sequence":1,"time":"2014-11-07T08:19:27.028459Z","product_id":"%1","size":"1","price":"1..5","side":"sell"})")
            .arg(QString::fromStdString(id.symbol));
    }
    static QString barMessage(const InstrumentId&, const Bar&, bool) { return {}; }
    static void queueRateLimit(Fake& f) {
        f.http.queueReply(candlePath(instrument()), HttpReply::json(R"({"message":"Public rate limit exceeded"})", 429));
    }
    static QString candlePath(const InstrumentId& id) {
        return QStringLiteral("/products/%1/candles").arg(QString::fromStdString(id.symbol));
    }
};

}  // namespace

namespace kairos::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Coinbase, VenueContract, ::testing::Types<CoinbaseKit>);
}

namespace {

QString doc(const char* name) {
    return QString::fromStdString(readFile(fixture(std::string("feeds/coinbase/docs-examples/") + name)));
}

const char* kRecording = "feeds/coinbase/coinbase_exchange_ws_2021-04-17_NU-SKL-BAND-GBP.cryptofeed.log";

struct CoinbaseFixture : ::testing::Test {
    FakeCoinbase fake;
    std::unique_ptr<CoinbaseFeed> feed = std::make_unique<CoinbaseFeed>(fake.config());
    const InstrumentId btc{"COINBASE", "BTC-USD"}, eth{"COINBASE", "ETH-USD"};
};

TEST_F(CoinbaseFixture, EveryChannelFromTheDocExamples) {
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy tickers(feed.get(), &ExchangeFeed::tickerReceived);
    QSignalSpy quotes(feed.get(), &MarketDataFeed::quoteReceived);
    QSignalSpy books(feed.get(), &ExchangeFeed::bookUpdated);
    feed->subscribeTrades(btc);
    feed->subscribeTicker(eth);
    feed->subscribeQuotes(eth);  // the same ticker channel: one topic
    feed->subscribeBook(btc);
    ASSERT_TRUE(waitUntil([&] {
        return fake.liveTopics() == QSet<QString>{"matches|BTC-USD", "ticker|ETH-USD", "level2_batch|BTC-USD"};
    }));
    // The subscribe went out as one message listing the channels with their products.
    const QString sent = fake.ws.clients().front()->received.front();
    EXPECT_TRUE(sent.startsWith(R"({"type":"subscribe","channels":[{"name":")")) << sent.toStdString();
    fake.publish("matches|BTC-USD", doc("match.json"));
    fake.publish("ticker|ETH-USD", doc("ticker.json"));
    fake.publish("level2_batch|BTC-USD", doc("level2-snapshot.json"));
    fake.publish("level2_batch|BTC-USD", doc("level2-l2update-single.json"));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1 && tickers.size() == 1 && quotes.size() == 1 && books.size() == 2; }));
    const Trade t = trades[0][1].value<Trade>();
    EXPECT_EQ(t.price.toString(), "400.23");
    EXPECT_EQ(t.quantity.toString(), "5.23512");
    EXPECT_EQ(t.tradeId, "10");
    EXPECT_EQ(t.aggressor, Side::Buy);  // "side": "sell" is the maker's side
    EXPECT_EQ(t.timeMs, utcMs(2014, 11, 7, 8, 19, 27, 28));
    const Quote q = quotes[0][1].value<Quote>();
    EXPECT_EQ(q.bid.toString(), "1285.04");
    EXPECT_EQ(q.bidSize.toString(), "0.46688654");
    EXPECT_EQ(q.ask.toString(), "1285.27");
    EXPECT_EQ(q.askSize.toString(), "1.56637040");
    const Ticker24h tk = tickers[0][1].value<Ticker24h>();
    EXPECT_EQ(tk.lastPrice.toString(), "1285.22");
    EXPECT_EQ(tk.openPrice.toString(), "1310.79");
    EXPECT_EQ(tk.highPrice.toString(), "1313.8");
    EXPECT_EQ(tk.lowPrice.toString(), "1280.52");
    EXPECT_EQ(tk.volume.toString(), "245532.79269678");
    EXPECT_EQ(tk.timeMs, utcMs(2022, 10, 19, 23, 28, 22, 61));
    const OrderBook* book = feed->orderBook(btc);
    ASSERT_NE(book, nullptr);
    EXPECT_EQ(book->bestBid()->price.toString(), "10101.80000000");
    EXPECT_EQ(book->bestBid()->quantity.toString(), "0.162567");
    EXPECT_EQ(book->bestAsk()->price.toString(), "10102.55");
    EXPECT_EQ(book->bids().size(), 2u);
    // Heartbeats, the subscriptions reply and types the adapter does not use are not malformed.
    // The heartbeat's last_trade_id (20) is past the last match seen (10): matches 11..20 were
    // dropped (counted), and an older trade id arriving afterwards is not delivered again.
    fake.ws.sendToAll(doc("heartbeat.json"));
    fake.ws.sendToAll(doc("subscriptions-response.json"));
    fake.ws.sendToAll(doc("auction.json"));
    fake.publish("matches|BTC-USD", CoinbaseKit::tradeMessage(btc, 15, "400.4", "1", utcMs(2014, 11, 7, 8, 19, 28)));
    fake.publish("matches|BTC-USD", CoinbaseKit::tradeMessage(btc, 21, "400.5", "1", utcMs(2014, 11, 7, 8, 19, 29)));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 2; }));
    EXPECT_EQ(trades[1][1].value<Trade>().tradeId, "21");
    EXPECT_EQ(feed->malformedCount(), 0u);
    EXPECT_EQ(feed->tradeGaps(), 1);
}

TEST_F(CoinbaseFixture, RecordedLevel2ChainReplaysToTheBookTheSnapshotRuleGives) {
    // Real traffic (2021-04-17, three GBP products): snapshot, then l2updates with absolute sizes
    // ("0" removes). The reference book is built here independently from the raw JSON.
    const QList<CryptofeedLine> lines = readCryptofeedLog(fixture(kRecording));
    struct Ref {
        std::map<Price, std::string, std::greater<>> bids;
        std::map<Price, std::string> asks;
        int updates = 0;
        int matches = 0;
    };
    std::map<std::string, Ref> ref;
    for (const auto& l : lines) {
        const QJsonObject o = QJsonDocument::fromJson(l.json).object();
        const std::string type = o.value("type").toString().toStdString();
        const std::string p = o.value("product_id").toString().toStdString();
        auto set = [](auto& side, const QJsonValue& price, const QJsonValue& size) {
            const Price px = *Price::parse(price.toString().toStdString());
            if (Quantity::parse(size.toString().toStdString())->isZero())
                side.erase(px);
            else
                side[px] = size.toString().toStdString();
        };
        if (type == "snapshot") {
            Ref& r = ref[p];
            for (const auto& b : o.value("bids").toArray()) set(r.bids, b.toArray()[0], b.toArray()[1]);
            for (const auto& a : o.value("asks").toArray()) set(r.asks, a.toArray()[0], a.toArray()[1]);
        } else if (type == "l2update") {
            Ref& r = ref[p];
            for (const auto& c : o.value("changes").toArray()) {
                const QJsonArray ch = c.toArray();
                if (ch[0].toString() == "buy")
                    set(r.bids, ch[1], ch[2]);
                else
                    set(r.asks, ch[1], ch[2]);
            }
            ++r.updates;
        } else if (type == "match") {
            ++ref[p].matches;
        }
    }
    ASSERT_EQ(ref.size(), 3u);
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy resyncs(feed.get(), &ExchangeFeed::bookResynced);
    for (const auto& [p, r] : ref) {
        feed->subscribeBook({"COINBASE", p});
        feed->subscribeTrades({"COINBASE", p});
    }
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().size() == 6; }));
    int matches = 0;
    for (const auto& l : lines) {
        fake.ws.sendToAll(QString::fromUtf8(l.json));  // level2 (2021) has the level2_batch schema
    }
    for (const auto& [p, r] : ref) matches += r.matches;
    ASSERT_TRUE(waitUntil(
        [&] {
            for (const auto& [p, r] : ref) {
                const OrderBook* b = feed->orderBook({"COINBASE", p});
                if (!b || b->updateId() != r.updates) return false;
            }
            return trades.size() == matches;
        },
        30'000));
    for (const auto& [p, r] : ref) {
        const OrderBook* b = feed->orderBook({"COINBASE", p});
        ASSERT_EQ(b->bids().size(), r.bids.size()) << p;
        ASSERT_EQ(b->asks().size(), r.asks.size()) << p;
        auto rb = r.bids.begin();
        for (const auto& [px, qty] : b->bids()) {
            ASSERT_EQ(px, rb->first) << p;
            ASSERT_EQ(qty.toString(), rb->second) << p << " " << px.toString();  // the venue's text, exactly
            ++rb;
        }
        auto ra = r.asks.begin();
        for (const auto& [px, qty] : b->asks()) {
            ASSERT_EQ(px, ra->first) << p;
            ASSERT_EQ(qty.toString(), ra->second) << p << " " << px.toString();
            ++ra;
        }
        EXPECT_FALSE(b->isCrossed()) << p;
    }
    EXPECT_EQ(resyncs.size(), 0);
    EXPECT_EQ(feed->malformedCount(), 0u);
    EXPECT_EQ(feed->tradeGaps(), 0);  // trade ids run +1 per product in the recording
    // Spot values of the final books (NU-GBP: 118 bids, 450 asks; best 0.4388 / 0.4393).
    const OrderBook* nu = feed->orderBook({"COINBASE", "NU-GBP"});
    EXPECT_EQ(nu->bids().size(), 118u);
    EXPECT_EQ(nu->asks().size(), 450u);
    EXPECT_EQ(nu->bestBid()->price.toString(), "0.4388");
    EXPECT_EQ(nu->bestAsk()->price.toString(), "0.4393");
}

TEST_F(CoinbaseFixture, BookThatCrossesAfterTheSnapshotIsResubscribed) {
    QSignalSpy resyncs(feed.get(), &ExchangeFeed::bookResynced);
    feed->subscribeBook(btc);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("level2_batch|BTC-USD"); }));
    fake.publish("level2_batch|BTC-USD", doc("level2-snapshot.json"));  // 10101.10 / 10102.55
    // An l2update before a snapshot is ignored; this one (the 2022 doc example, bid 22356.30)
    // crosses the 2019 snapshot: an update was lost somewhere.
    fake.publish("level2_batch|BTC-USD", doc("level2-l2update-multiple.json"));
    ASSERT_TRUE(waitUntil([&] { return resyncs.size() == 1; }));
    EXPECT_TRUE(resyncs[0][1].toString().contains("crossed")) << resyncs[0][1].toString().toStdString();
    EXPECT_EQ(feed->orderBook(btc), nullptr);
    ASSERT_TRUE(waitUntil([&] { return fake.unsubscribeMessages() == 1 && fake.liveTopics().contains("level2_batch|BTC-USD"); }));
    fake.publish("level2_batch|BTC-USD", doc("level2-snapshot.json"));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(btc) != nullptr; }));
    EXPECT_EQ(feed->orderBook(btc)->bestBid()->price.toString(), "10101.10");
}

TEST_F(CoinbaseFixture, LostTradesMakeTheBarComeFromRest) {
    const auto& bars = contractBars();
    fake.setBars("BTC-USD", Timeframe::M1, bars);
    QSignalSpy gaps(feed.get(), &ExchangeFeed::gapDetected);
    QSignalSpy backfilled(feed.get(), &ExchangeFeed::barsBackfilled);
    QSignalSpy updates(feed.get(), &MarketDataFeed::barUpdated);
    feed->subscribeBars(btc, Timeframe::M1);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("matches|BTC-USD"); }));
    const std::size_t k = bars.size() - 10;
    auto trade = [&](std::int64_t id, std::size_t bar) {
        fake.publish("matches|BTC-USD", CoinbaseKit::tradeMessage(btc, id, "100.5", "0.25", bars[bar].openTimeMs + 5000));
    };
    trade(100, k);  // first bucket: partial -> REST
    trade(101, k + 1);
    trade(103, k + 1);  // 102 never came: bucket k+1 is incomplete -> REST
    trade(104, k + 2);
    trade(105, k + 3);  // closes k+2 from the trades
    ASSERT_TRUE(waitUntil([&] { return backfilled.size() == 2; }));
    ASSERT_EQ(gaps.size(), 2);
    EXPECT_EQ(gaps[0][2].toLongLong(), bars[k].openTimeMs);
    EXPECT_EQ(gaps[1][2].toLongLong(), bars[k + 1].openTimeMs);
    EXPECT_EQ(gaps[1][3].toLongLong(), bars[k + 2].openTimeMs);
    const auto fetched = backfilled[1][2].value<std::vector<Bar>>();
    ASSERT_EQ(fetched.size(), 1u);
    EXPECT_EQ(fetched[0].close, bars[k + 1].close);
    EXPECT_EQ(feed->tradeGaps(), 1);
    // Closed bars delivered from trades: only k+2 (one trade: 100.5, 0.25).
    std::vector<Bar> closed;
    for (const auto& u : updates)
        if (u[2].value<Bar>().closed) closed.push_back(u[2].value<Bar>());
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].openTimeMs, bars[k + 2].openTimeMs);
    EXPECT_EQ(closed[0].close.toString(), "100.5");
    EXPECT_EQ(closed[0].volume.toString(), "0.25");
}

TEST_F(CoinbaseFixture, SlowConsumerErrorIsReportedAndReconnects) {
    QSignalSpy errors(feed.get(), &MarketDataFeed::errorOccurred);
    feed->subscribeTrades(btc);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("matches|BTC-USD"); }));
    fake.ws.sendToAll(R"({"type":"error","message":"ErrSlowConsume","reason":"client too slow"})");
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() == 2 && fake.liveTopics().contains("matches|BTC-USD"); }));
    ASSERT_GE(errors.size(), 1);
    EXPECT_TRUE(errors[0][0].toString().contains("ErrSlowConsume")) << errors[0][0].toString().toStdString();
}

TEST_F(CoinbaseFixture, ProductsFromTheDocExample) {
    std::optional<Result<std::vector<Instrument>>> got;
    feed->fetchInstruments([&](Result<std::vector<Instrument>> r) { got = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return got.has_value(); }));
    ASSERT_TRUE(got->ok()) << got->message();
    ASSERT_EQ((**got).size(), 1u);
    const Instrument& i = (**got)[0];
    EXPECT_EQ(i.id.toString(), "COINBASE:BTC-USD");
    EXPECT_EQ(i.displayName(), "BTC/USD");
    EXPECT_EQ(i.tickSize.toString(), "0.01");
    EXPECT_EQ(i.lotSize.toString(), "0.00000001");
    EXPECT_EQ(i.minNotional.toString(), "10");
    EXPECT_EQ(i.pricePrecision, 2);
    EXPECT_EQ(i.quantityPrecision, 8);
}

}  // namespace
