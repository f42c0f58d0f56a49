// OkxFeed against FakeOkx: the venue contract, every channel from the official doc examples,
// candles on the business endpoint, the 64008 upgrade notice, and the books seqId chain.
#include "marketdata/okxfeed.h"

#include "fakeokx.h"
#include "fakevenuecontract.h"

using namespace kairos;
using namespace kairos::marketdata;
using namespace kairos::test;

namespace {

struct OkxKit {
    using Fake = FakeOkx;
    static constexpr bool kBarStream = true;
    static constexpr int kHistoryLimit = -1;
    static constexpr Timeframe kBarTf = Timeframe::M1;
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<OkxFeed>(std::move(c)); }
    static InstrumentId instrument() { return {"OKX", "BTC-USDT"}; }
    static InstrumentId other() { return {"OKX", "ETH-USDT"}; }
    static QString restSymbol(const InstrumentId& id) { return QString::fromStdString(id.symbol); }
    static QString topic(Channel c, const InstrumentId& id, Timeframe) {
        const QString s = QString::fromStdString(id.symbol);
        switch (c) {
        case Channel::Trades:
            return "trades:" + s;
        case Channel::Quotes:
            return "bbo-tbt:" + s;
        case Channel::Ticker:
            return "tickers:" + s;
        case Channel::Bars:
            return "candle1m:" + s;
        case Channel::Book:
            return "books:" + s;
        }
        return {};
    }
    static QString tradeMessage(const InstrumentId& id, std::int64_t tradeId, const char* price, const char* qty,
                                std::int64_t t) {
        return QStringLiteral(
                   R"({"arg":{"channel":"trades","instId":"%1"},"data":[{"instId":"%1","tradeId":"%2","px":"%3","sz":"%4","side":"buy","ts":"%5","count":"1","source":"0","seqId":1}]})")
            .arg(QString::fromStdString(id.symbol))
            .arg(tradeId)
            .arg(QLatin1String(price), QLatin1String(qty))
            .arg(t);
    }
    static QString malformedTradeMessage(const InstrumentId& id) {
        return QStringLiteral(
                   R"({"arg":{"channel":"trades","instId":"%1"},"data":[{"instId":"%1","tradeId":"1","px":"1..5","sz":"1","side":"buy","ts":"1"}]})")
            .arg(QString::fromStdString(id.symbol));
    }
    static QString barMessage(const InstrumentId& id, const Bar& b, bool closed) {
        return QStringLiteral(
                   R"({"arg":{"channel":"candle1m","instId":"%1"},"data":[["%2","%3","%4","%5","%6","%7","0","0","%8"]]})")
            .arg(QString::fromStdString(id.symbol))
            .arg(b.openTimeMs)
            .arg(dec(b.open), dec(b.high), dec(b.low), dec(b.close), dec(b.volume), closed ? "1" : "0");
    }
    static void queueRateLimit(Fake& f) {
        f.http.queueReply(QStringLiteral("/api/v5/market/history-candles"),
                          HttpReply::json(R"({"code":"50011","msg":"Too Many Requests","data":[]})", 429));
    }
    static QString candlePath(const InstrumentId&) { return QStringLiteral("/api/v5/market/history-candles"); }
};

}  // namespace

namespace kairos::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Okx, VenueContract, ::testing::Types<OkxKit>);
}

namespace {

QString doc(const char* name) {
    return QString::fromStdString(readFile(fixture(std::string("feeds/okx/docs-examples/") + name)));
}

struct OkxFixture : ::testing::Test {
    FakeOkx fake;
    std::unique_ptr<OkxFeed> feed = std::make_unique<OkxFeed>(fake.config());
    const InstrumentId btc{"OKX", "BTC-USDT"};
};

TEST_F(OkxFixture, EveryChannelFromTheDocExamplesAndCandlesOnTheBusinessEndpoint) {
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy bars(feed.get(), &MarketDataFeed::barUpdated);
    QSignalSpy tickers(feed.get(), &ExchangeFeed::tickerReceived);
    QSignalSpy quotes(feed.get(), &MarketDataFeed::quoteReceived);
    const InstrumentId bch{"OKX", "BCH-USDT-SWAP"};  // the doc's bbo-tbt example instrument
    feed->subscribeTrades(btc);
    feed->subscribeBars(btc, Timeframe::D1);
    feed->subscribeTicker(btc);
    feed->subscribeQuotes(bch);
    ASSERT_TRUE(waitUntil([&] {
        return fake.liveTopics() ==
            QSet<QString>{"trades:BTC-USDT", "candle1Dutc:BTC-USDT", "tickers:BTC-USDT", "bbo-tbt:BCH-USDT-SWAP"};
    }));
    EXPECT_EQ(fake.wrongEndpoint(), 0);
    EXPECT_EQ(feed->connectionCount(), 2);  // public + business
    fake.publish("trades:BTC-USDT", doc("trades.json"));
    // The doc example is candle1D (UTC+8 days); the adapter subscribes candle1Dutc. Its ts
    // (1597026383085) is off the day grid, which the feed rejects as invalid: moved to midnight UTC.
    fake.publish("candle1Dutc:BTC-USDT",
                 doc("candle1D.json").replace("\"candle1D\"", "\"candle1Dutc\"").replace("1597026383085", "1597017600000"));
    fake.publish("tickers:BTC-USDT", doc("tickers.json"));
    fake.publish("bbo-tbt:BCH-USDT-SWAP", doc("bbo-tbt.json"));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1 && bars.size() == 1 && tickers.size() == 1 && quotes.size() == 1; }));
    const Trade t = trades[0][1].value<Trade>();
    EXPECT_EQ(t.price.toString(), "42219.9");
    EXPECT_EQ(t.quantity.toString(), "0.12060306");
    EXPECT_EQ(t.aggressor, Side::Buy);
    EXPECT_EQ(t.tradeId, "130639474");
    EXPECT_EQ(t.timeMs, 1630048897897);
    EXPECT_EQ(bars[0][1].value<Timeframe>(), Timeframe::D1);
    const Bar b = bars[0][2].value<Bar>();
    EXPECT_EQ(b.openTimeMs, 1597017600000);
    EXPECT_EQ(b.open.toString(), "8533.02");
    EXPECT_EQ(b.high.toString(), "8553.74");
    EXPECT_EQ(b.volume.toString(), "45247");
    EXPECT_EQ(b.quoteVolume.toString(), "5529.5858061");
    EXPECT_FALSE(b.closed);
    const Ticker24h tk = tickers[0][1].value<Ticker24h>();
    EXPECT_EQ(tk.lastPrice.toString(), "9999.99");
    EXPECT_EQ(tk.openPrice.toString(), "9000");
    EXPECT_EQ(tk.bid.toString(), "8888.88");
    EXPECT_EQ(tk.quoteVolume.toString(), "2222");
    const Quote q = quotes[0][1].value<Quote>();
    EXPECT_EQ(q.bid.toString(), "111.05");
    EXPECT_EQ(q.bidSize.toString(), "57745");
    EXPECT_EQ(q.ask.toString(), "111.06");
    EXPECT_EQ(q.timeMs, 1670324386802);
    EXPECT_EQ(feed->malformedCount(), 0u);
}

TEST_F(OkxFixture, UpgradeNoticeMovesToANewConnectionAtOnce) {
    feed->subscribeTrades(btc);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("trades:BTC-USDT"); }));
    fake.ws.sendToAll(doc("notice-service-upgrade.json"));
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() == 2 && fake.liveTopics().contains("trades:BTC-USDT"); }));
    EXPECT_EQ(feed->malformedCount(), 0u);
}

TEST_F(OkxFixture, SubscribeErrorsAreReported) {
    QSignalSpy errors(feed.get(), &MarketDataFeed::errorOccurred);
    feed->subscribeTrades(btc);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("trades:BTC-USDT"); }));
    fake.ws.sendToAll(doc("books-subscribe-error.json"));
    ASSERT_TRUE(errors.wait(5000));
    EXPECT_TRUE(errors[0][0].toString().contains("60012")) << errors[0][0].toString().toStdString();
}

QString bookMessage(const char* action, std::int64_t prev, std::int64_t seq, const QString& bids, const QString& asks) {
    return QStringLiteral(
               R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"%1","data":[{"asks":[%2],"bids":[%3],"ts":"1597026383085","checksum":0,"prevSeqId":%4,"seqId":%5}]})")
        .arg(QLatin1String(action), asks, bids)
        .arg(prev)
        .arg(seq);
}

TEST_F(OkxFixture, BookFollowsTheSeqIdChainAndResubscribesOnABreak) {
    QSignalSpy resyncs(feed.get(), &ExchangeFeed::bookResynced);
    feed->subscribeBook(btc);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("books:BTC-USDT"); }));
    // The doc snapshot and the doc update (prevSeqId 123456 = the snapshot's seqId).
    fake.publish("books:BTC-USDT", doc("books-snapshot.json"));
    fake.publish("books:BTC-USDT", doc("books-update.json"));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(btc) && feed->orderBook(btc)->updateId() == 123457; }));
    EXPECT_EQ(feed->orderBook(btc)->bestBid()->price.toString(), "8476.97");
    EXPECT_EQ(feed->orderBook(btc)->bestAsk()->quantity.toString(), "415");
    EXPECT_EQ(feed->orderBook(btc)->bids().size(), 8u);
    // A real change, a keep-alive (seqId == prevSeqId, no levels), then a delete.
    fake.publish("books:BTC-USDT", bookMessage("update", 123457, 123460, R"(["8476.97","300","0","13"])", ""));
    fake.publish("books:BTC-USDT", bookMessage("update", 123460, 123460, "", ""));
    fake.publish("books:BTC-USDT", bookMessage("update", 123460, 123461, "", R"(["8476.98","0","0","0"])"));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(btc)->updateId() == 123461; }));
    EXPECT_EQ(feed->orderBook(btc)->bestBid()->quantity.toString(), "300");
    EXPECT_EQ(feed->orderBook(btc)->bestAsk()->price.toString(), "8477");
    // prevSeqId does not match: a message was lost.
    fake.publish("books:BTC-USDT", bookMessage("update", 123470, 123471, R"(["8476.90","1","0","1"])", ""));
    ASSERT_TRUE(waitUntil([&] { return resyncs.size() == 1; }));
    EXPECT_TRUE(resyncs[0][1].toString().contains("sequence break"));
    EXPECT_EQ(feed->orderBook(btc), nullptr);
    ASSERT_TRUE(waitUntil([&] { return fake.unsubscribeMessages() == 1 && fake.liveTopics().contains("books:BTC-USDT"); }));
    fake.publish("books:BTC-USDT", doc("books-snapshot.json"));
    ASSERT_TRUE(waitUntil([&] { return feed->orderBook(btc) && feed->orderBook(btc)->updateId() == 123456; }));
}

TEST_F(OkxFixture, InstrumentsFromTheDocExample) {
    std::optional<Result<std::vector<Instrument>>> got;
    feed->fetchInstruments([&](Result<std::vector<Instrument>> r) { got = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return got.has_value(); }));
    ASSERT_TRUE(got->ok()) << got->message();
    const Instrument& i = (**got).at(0);
    EXPECT_EQ(i.id.toString(), "OKX:BTC-USDT");
    EXPECT_EQ(i.displayName(), "BTC/USDT");
    EXPECT_EQ(i.tickSize.toString(), "0.1");
    EXPECT_EQ(i.lotSize.toString(), "0.00000001");
    EXPECT_EQ(i.quantityPrecision, 8);
    EXPECT_TRUE(i.minNotional.isZero());
}

}  // namespace
