// CoinbaseAdvancedFeed against FakeCoinbaseAdvanced: the venue contract (1m bars built from
// market_trades), every channel from the official doc examples, 5-minute candles closing when the
// next starts, heartbeats on every connection, and a sequence_num jump resubscribing the book.
#include "marketdata/coinbaseatfeed.h"

#include "fakecoinbaseat.h"
#include "fakevenuecontract.h"

using namespace kairos;
using namespace kairos::marketdata;
using namespace kairos::test;

namespace {

QString rfc(std::int64_t ms) { return QString::fromStdString(formatUtc(ms)); }

struct CoinbaseAdvancedKit {
    using Fake = FakeCoinbaseAdvanced;
    static constexpr bool kBarStream = false;  // 1m bars come from market_trades (the candles channel is 5m only)
    static constexpr int kHistoryLimit = -1;
    static constexpr Timeframe kBarTf = Timeframe::M1;
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<CoinbaseAdvancedFeed>(std::move(c)); }
    static InstrumentId instrument() { return {"COINBASE_ADVANCED", "BTC-USD"}; }
    static InstrumentId other() { return {"COINBASE_ADVANCED", "ETH-USD"}; }
    static QString restSymbol(const InstrumentId& id) { return QString::fromStdString(id.symbol); }
    static QString topic(Channel c, const InstrumentId& id, Timeframe) {
        const QString s = QString::fromStdString(id.symbol);
        switch (c) {
        case Channel::Trades:
        case Channel::Bars:
            return "market_trades|" + s;
        case Channel::Quotes:
        case Channel::Ticker:
            return "ticker|" + s;
        case Channel::Book:
            return "level2|" + s;
        }
        return {};
    }
    static QString tradeMessage(const InstrumentId& id, std::int64_t tradeId, const char* price, const char* qty,
                                std::int64_t t) {
        return QStringLiteral(
                   R"({"channel":"market_trades","client_id":"","timestamp":"%1","sequence_num":0,"events":[{"type":"update","trades":[{"trade_id":"%2","product_id":"%3","price":"%4","size":"%5","side":"SELL","time":"%1"}]}]})")
            .arg(rfc(t))
            .arg(tradeId)
            .arg(QString::fromStdString(id.symbol), QLatin1String(price), QLatin1String(qty));
    }
    static QString malformedTradeMessage(const InstrumentId& id) {
        return QStringLiteral(
                   R"({"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z","sequence_num":0,"events":[{"type":"update","trades":[{"trade_id":"1","product_id":"%1","price":"1..5","size":"1","side":"SELL","time":"2019-08-14T20:42:27.265Z"}]}]})")
            .arg(QString::fromStdString(id.symbol));
    }
    static QString barMessage(const InstrumentId&, const Bar&, bool) { return {}; }
    static void queueRateLimit(Fake& f) {
        f.http.queueReply(candlePath(instrument()),
                          HttpReply::json(R"({"error":"RATE_LIMIT_EXCEEDED","message":"Too many requests"})", 429));
    }
    static QString candlePath(const InstrumentId& id) {
        return QStringLiteral("/api/v3/brokerage/market/products/%1/candles").arg(QString::fromStdString(id.symbol));
    }
};

}  // namespace

namespace kairos::test {
INSTANTIATE_TYPED_TEST_SUITE_P(CoinbaseAdvanced, VenueContract, ::testing::Types<CoinbaseAdvancedKit>);
}

namespace {

QString doc(const char* name) {
    return QString::fromStdString(readFile(fixture(std::string("feeds/coinbase-advanced/docs-examples/") + name)));
}

struct AdvancedFixture : ::testing::Test {
    FakeCoinbaseAdvanced fake;
    std::unique_ptr<CoinbaseAdvancedFeed> feed = std::make_unique<CoinbaseAdvancedFeed>(fake.config());
    const InstrumentId btc{"COINBASE_ADVANCED", "BTC-USD"}, eth{"COINBASE_ADVANCED", "ETH-USD"};
};

TEST_F(AdvancedFixture, EveryChannelFromTheDocExamples) {
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy tickers(feed.get(), &ExchangeFeed::tickerReceived);
    QSignalSpy quotes(feed.get(), &MarketDataFeed::quoteReceived);
    QSignalSpy bars(feed.get(), &MarketDataFeed::barUpdated);
    QSignalSpy books(feed.get(), &ExchangeFeed::bookUpdated);
    feed->subscribeTrades(eth);
    feed->subscribeBars(eth, Timeframe::M5);  // the candles channel
    feed->subscribeTicker(btc);
    feed->subscribeQuotes(btc);
    feed->subscribeBook(btc);
    ASSERT_TRUE(waitUntil([&] {
        return fake.liveTopics() == QSet<QString>{"market_trades|ETH-USD", "candles|ETH-USD", "ticker|BTC-USD", "level2|BTC-USD"};
    }));
    ASSERT_TRUE(waitUntil([&] { return fake.heartbeatSubscriptions() == 1; }));
    // One channel per subscribe message.
    for (const QString& m : fake.ws.clients().front()->received)
        EXPECT_EQ(m.count(QStringLiteral("\"channel\"")), 1) << m.toStdString();
    fake.publish("market_trades|ETH-USD", doc("market_trades.json"));
    fake.publish("ticker|BTC-USD", doc("ticker.json"));
    fake.publish("candles|ETH-USD", doc("candles.json"));
    fake.publish("level2|BTC-USD", doc("level2-l2_data.json"));
    ASSERT_TRUE(waitUntil([&] {
        return trades.size() == 1 && tickers.size() == 1 && quotes.size() == 1 && bars.size() == 1 && books.size() == 1;
    }));
    const Trade t = trades[0][1].value<Trade>();
    EXPECT_EQ(t.price.toString(), "1260.01");
    EXPECT_EQ(t.quantity.toString(), "0.3");
    EXPECT_EQ(t.tradeId, "000000000");   // kept as the venue's text
    EXPECT_EQ(t.aggressor, Side::Sell);  // "side": "BUY" is the maker's side
    const Quote q = quotes[0][1].value<Quote>();
    EXPECT_EQ(q.bid.toString(), "21931.98");
    EXPECT_EQ(q.bidSize.toString(), "8000.21");
    EXPECT_EQ(q.askSize.toString(), "8038.07770938");
    const Ticker24h tk = tickers[0][1].value<Ticker24h>();
    EXPECT_EQ(tk.lastPrice.toString(), "21932.98");
    EXPECT_EQ(tk.volume.toString(), "16038.28770938");
    EXPECT_EQ(tk.highPrice.toString(), "23011.18");
    EXPECT_EQ(bars[0][1].value<Timeframe>(), Timeframe::M5);
    const Bar b = bars[0][2].value<Bar>();
    EXPECT_EQ(b.openTimeMs, 1688998200000);
    EXPECT_EQ(b.open.toString(), "1867.38");
    EXPECT_EQ(b.volume.toString(), "0.20269406");
    EXPECT_FALSE(b.closed);
    const OrderBook* book = feed->orderBook(btc);
    ASSERT_NE(book, nullptr);
    EXPECT_EQ(book->bids().size(), 2u);
    EXPECT_EQ(book->bestBid()->price.toString(), "21921.73");
    EXPECT_EQ(book->bestBid()->quantity.toString(), "0.06317902");
    // The next 5-minute candle closes the previous one.
    fake.publish("candles|ETH-USD", doc("candles.json").replace("1688998200", "1688998500"));
    ASSERT_TRUE(waitUntil([&] { return bars.size() == 3; }));
    EXPECT_TRUE(bars[1][2].value<Bar>().closed);
    EXPECT_EQ(bars[1][2].value<Bar>().openTimeMs, 1688998200000);
    fake.ws.sendToAll(doc("heartbeats.json"));
    fake.ws.sendToAll(doc("status.json"));
    fake.publish("market_trades|ETH-USD", doc("market_trades.json").replace("000000000", "000000001"));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 2; }));
    EXPECT_EQ(feed->malformedCount(), 0u);
    EXPECT_EQ(feed->sequenceGaps(), 0);
}

QString l2(std::int64_t seq, const char* type, const char* side, const char* price, const char* qty) {
    return QStringLiteral(
               R"({"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":%1,"events":[{"type":"%2","product_id":"BTC-USD","updates":[{"side":"%3","event_time":"2023-02-09T20:32:50.714964855Z","price_level":"%4","new_quantity":"%5"}]}]})")
        .arg(seq)
        .arg(QLatin1String(type), QLatin1String(side), QLatin1String(price), QLatin1String(qty));
}

TEST_F(AdvancedFixture, SyntheticSequenceNumJumpResubscribesTheBook) {
    QSignalSpy resyncs(feed.get(), &ExchangeFeed::bookResynced);
    feed->subscribeBook(btc);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("level2|BTC-USD"); }));
    fake.publish("level2|BTC-USD", l2(1, "snapshot", "bid", "21921.73", "0.06317902"));
    fake.publish("level2|BTC-USD", l2(2, "update", "offer", "21925.10", "1.5"));
    fake.publish("level2|BTC-USD", l2(3, "update", "bid", "21921.73", "0"));
    fake.publish("level2|BTC-USD", l2(4, "update", "bid", "21920.00", "2"));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(btc) && feed->orderBook(btc)->updateId() == 3; }));
    EXPECT_EQ(feed->orderBook(btc)->bestBid()->price.toString(), "21920.00");
    EXPECT_EQ(feed->orderBook(btc)->bestAsk()->quantity.toString(), "1.5");
    fake.publish("level2|BTC-USD", l2(7, "update", "bid", "21919.00", "1"));  // 5 and 6 were dropped
    ASSERT_TRUE(waitUntil([&] { return resyncs.size() == 1; }));
    EXPECT_TRUE(resyncs[0][1].toString().contains("sequence_num")) << resyncs[0][1].toString().toStdString();
    EXPECT_EQ(feed->sequenceGaps(), 1);
    EXPECT_EQ(feed->orderBook(btc), nullptr);
    ASSERT_TRUE(waitUntil([&] { return fake.unsubscribeMessages() == 1 && fake.liveTopics().contains("level2|BTC-USD"); }));
    fake.publish("level2|BTC-USD", l2(8, "snapshot", "bid", "21918.00", "3"));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(btc) != nullptr; }));
    EXPECT_EQ(feed->orderBook(btc)->bestBid()->price.toString(), "21918.00");
}

TEST_F(AdvancedFixture, HeartbeatsAreSubscribedAgainAfterAReconnect) {
    feed->subscribeTrades(btc);
    ASSERT_TRUE(waitUntil([&] { return fake.heartbeatSubscriptions() == 1; }));
    fake.ws.dropAll();
    ASSERT_TRUE(
        waitUntil([&] { return fake.heartbeatSubscriptions() == 2 && fake.liveTopics().contains("market_trades|BTC-USD"); }));
}

TEST_F(AdvancedFixture, RestCandlesDocExampleAndSyntheticProducts) {
    auto bars = coinbase_at::parseCandles(readFile(fixture("feeds/coinbase-advanced/docs-examples/rest-public-candles.json")));
    ASSERT_TRUE(bars.ok()) << bars.message();
    ASSERT_EQ(bars->size(), 1u);
    EXPECT_EQ((*bars)[0].openTimeMs, 1639508050000);
    EXPECT_EQ((*bars)[0].close.toString(), "140.21");
    EXPECT_EQ((*bars)[0].volume.toString(), "56437345");
    std::optional<Result<std::vector<Instrument>>> got;
    feed->fetchInstruments([&](Result<std::vector<Instrument>> r) { got = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return got.has_value(); }));
    ASSERT_TRUE(got->ok()) << got->message();
    ASSERT_EQ((**got).size(), 1u);
    const Instrument& i = (**got)[0];
    EXPECT_EQ(i.id.toString(), "COINBASE_ADVANCED:BTC-USD");
    EXPECT_EQ(i.tickSize.toString(), "0.01");
    EXPECT_EQ(i.lotSize.toString(), "0.00000001");
    EXPECT_EQ(i.minNotional.toString(), "1");
    EXPECT_EQ(fake.http.requests("/api/v3/brokerage/market/products").front().query.queryItemValue("product_type"), "SPOT");
}

}  // namespace
