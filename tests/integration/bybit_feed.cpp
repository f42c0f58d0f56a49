// BybitFeed against FakeBybit: the venue contract (reconnect, malformed, gap backfill into the
// store, pagination, rate limits), every channel from the official doc examples, and the L2
// book replayed from the recorded orderbook stream (shared/data/feeds, 2024-12-01).
#include "marketdata/bybitfeed.h"

#include "fakebybit.h"
#include "fakevenuecontract.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

using namespace kairos;
using namespace kairos::marketdata;
using namespace kairos::test;

namespace {

struct BybitKit {
    using Fake = FakeBybit;
    static constexpr bool kBarStream = true;
    static constexpr int kHistoryLimit = -1;
    static constexpr Timeframe kBarTf = Timeframe::M1;
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<BybitFeed>(std::move(c)); }
    static InstrumentId instrument() { return {"BYBIT", "BTCUSDT"}; }
    static InstrumentId other() { return {"BYBIT", "ETHUSDT"}; }
    static QString restSymbol(const InstrumentId& id) { return QString::fromStdString(id.symbol); }
    static QString topic(Channel c, const InstrumentId& id, Timeframe) {
        const QString s = QString::fromStdString(id.symbol);
        switch (c) {
        case Channel::Trades:
            return "publicTrade." + s;
        case Channel::Quotes:
            return "orderbook.1." + s;
        case Channel::Ticker:
            return "tickers." + s;
        case Channel::Bars:
            return "kline.1." + s;
        case Channel::Book:
            return "orderbook.50." + s;
        }
        return {};
    }
    static QString tradeMessage(const InstrumentId& id, std::int64_t tradeId, const char* price, const char* qty,
                                std::int64_t t) {
        return QStringLiteral(
                   R"({"topic":"publicTrade.%1","type":"snapshot","ts":%2,"data":[{"T":%2,"s":"%1","S":"Buy","v":"%3","p":"%4","L":"PlusTick","i":"%5","BT":false}]})")
            .arg(QString::fromStdString(id.symbol))
            .arg(t)
            .arg(QLatin1String(qty), QLatin1String(price))
            .arg(tradeId);
    }
    static QString malformedTradeMessage(const InstrumentId& id) {
        return QStringLiteral(
                   R"({"topic":"publicTrade.%1","type":"snapshot","ts":1,"data":[{"T":1,"s":"%1","S":"Up","v":"1","p":"1","i":"x"}]})")
            .arg(QString::fromStdString(id.symbol));
    }
    static QString barMessage(const InstrumentId& id, const Bar& b, bool closed) {
        return QStringLiteral(
                   R"({"topic":"kline.1.%1","data":[{"start":%2,"end":%3,"interval":"1","open":"%4","close":"%5","high":"%6","low":"%7","volume":"%8","turnover":"0","confirm":%9,"timestamp":%3}],"ts":%3,"type":"snapshot"})")
            .arg(QString::fromStdString(id.symbol))
            .arg(b.openTimeMs)
            .arg(b.openTimeMs + 59'999)
            .arg(dec(b.open), dec(b.close), dec(b.high), dec(b.low), dec(b.volume), closed ? "true" : "false");
    }
    static void queueRateLimit(Fake& f) {
        // retCode 10006 with the reset time one second ahead.
        HttpReply r = HttpReply::json(R"({"retCode":10006,"retMsg":"Too many visits!","result":{},"retExtInfo":{},"time":1})");
        r.headers.append(qMakePair(QByteArray("X-Bapi-Limit-Status"), QByteArray("0")));
        r.headers.append(qMakePair(QByteArray("X-Bapi-Limit-Reset-Timestamp"),
                                   QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 1000)));
        f.http.queueReply(QStringLiteral("/v5/market/kline"), r);
    }
    static QString candlePath(const InstrumentId&) { return QStringLiteral("/v5/market/kline"); }
};

}  // namespace

namespace kairos::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Bybit, VenueContract, ::testing::Types<BybitKit>);
}

namespace {

QString doc(const char* name) {
    return QString::fromStdString(readFile(fixture(std::string("feeds/bybit/docs-examples/") + name)));
}

struct BybitFixture : ::testing::Test {
    FakeBybit fake;
    std::unique_ptr<BybitFeed> feed = std::make_unique<BybitFeed>(fake.config());
};

TEST_F(BybitFixture, EveryChannelFromTheDocExamples) {
    const InstrumentId btc{"BYBIT", "BTCUSDT"};
    QSignalSpy trades(feed.get(), &MarketDataFeed::tradeReceived);
    QSignalSpy bars(feed.get(), &MarketDataFeed::barUpdated);
    QSignalSpy tickers(feed.get(), &ExchangeFeed::tickerReceived);
    QSignalSpy quotes(feed.get(), &MarketDataFeed::quoteReceived);
    feed->subscribeTrades(btc);
    feed->subscribeBars(btc, Timeframe::M5);
    feed->subscribeTicker(btc);
    feed->subscribeQuotes(btc);
    ASSERT_TRUE(waitUntil([&] {
        return fake.liveTopics() ==
            QSet<QString>{"publicTrade.BTCUSDT", "kline.5.BTCUSDT", "tickers.BTCUSDT", "orderbook.1.BTCUSDT"};
    }));
    fake.publish("publicTrade.BTCUSDT", doc("publicTrade.json"));
    fake.publish("kline.5.BTCUSDT", doc("kline.json"));
    fake.publish("tickers.BTCUSDT", doc("tickers-spot.json"));
    // The orderbook.1 topic carries the best bid/ask (the doc shows the level-50 shape).
    fake.publish("orderbook.1.BTCUSDT", doc("orderbook-snapshot.json").replace("orderbook.50.", "orderbook.1."));
    ASSERT_TRUE(waitUntil([&] { return trades.size() == 1 && bars.size() == 1 && tickers.size() == 1 && quotes.size() == 1; }));
    const Trade t = trades[0][1].value<Trade>();
    EXPECT_EQ(t.price.toString(), "16578.50");
    EXPECT_EQ(t.quantity.toString(), "0.001");
    EXPECT_EQ(t.aggressor, Side::Buy);
    EXPECT_EQ(t.tradeId, "20f43950-d8dd-5b31-9112-a178eb6023af");
    EXPECT_EQ(t.timeMs, 1672304486865);
    EXPECT_EQ(bars[0][1].value<Timeframe>(), Timeframe::M5);
    const Bar b = bars[0][2].value<Bar>();
    EXPECT_EQ(b.openTimeMs, 1672324800000);
    EXPECT_EQ(b.open.toString(), "16649.5");
    EXPECT_EQ(b.close.toString(), "16677");
    EXPECT_EQ(b.volume.toString(), "2.081");
    EXPECT_EQ(b.quoteVolume.toString(), "34666.4005");
    EXPECT_FALSE(b.closed);
    const Ticker24h tk = tickers[0][1].value<Ticker24h>();
    EXPECT_EQ(tk.lastPrice.toString(), "21109.77");
    EXPECT_EQ(tk.openPrice.toString(), "20704.93");  // prevPrice24h
    EXPECT_EQ(tk.volume.toString(), "6780.866843");
    EXPECT_EQ(tk.quoteVolume.toString(), "141946527.22907118");
    EXPECT_EQ(tk.timeMs, 1673853746003);
    const Quote q = quotes[0][1].value<Quote>();
    EXPECT_EQ(q.bid.toString(), "16493.50");
    EXPECT_EQ(q.askSize.toString(), "0.029");
    // Control replies (acks, pongs) are not malformed.
    fake.ws.sendToAll(doc("pong-spot.json"));
    fake.ws.sendToAll(doc("subscribe-response-spot.json"));
    QSignalSpy errors(feed.get(), &MarketDataFeed::errorOccurred);
    fake.ws.sendToAll(R"({"success":false,"ret_msg":"error:Invalid topic","conn_id":"x","op":"subscribe"})");
    ASSERT_TRUE(errors.wait(5000));
    EXPECT_TRUE(errors[0][0].toString().contains("Invalid topic"));
    EXPECT_EQ(feed->malformedCount(), 0u);
}

TEST_F(BybitFixture, InstrumentsFromTheDocExample) {
    std::optional<Result<std::vector<Instrument>>> got;
    feed->fetchInstruments([&](Result<std::vector<Instrument>> r) { got = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return got.has_value(); }));
    ASSERT_TRUE(got->ok()) << got->message();
    const Instrument& i = (**got).at(0);
    EXPECT_EQ(i.id.toString(), "BYBIT:BTCUSDT");
    EXPECT_EQ(i.displayName(), "BTC/USDT");
    EXPECT_EQ(i.tickSize.toString(), "0.1");
    EXPECT_EQ(i.lotSize.toString(), "0.000001");
    EXPECT_EQ(i.minNotional.toString(), "5");
    EXPECT_EQ(i.pricePrecision, 1);
    EXPECT_EQ(i.quantityPrecision, 6);
}

// ---- the recorded orderbook.500 stream (USDT perpetual; same message format as spot) ----

QStringList recordedBook() {
    QFile f(QString::fromStdString(fixture("feeds/bybit/bybit_linear_XRPUSDT_ob500_2024-12-01.jsonl")));
    EXPECT_TRUE(f.open(QIODevice::ReadOnly));
    QStringList lines;
    for (const QByteArray& l : f.readAll().split('\n'))
        if (!l.trimmed().isEmpty()) lines << QString::fromUtf8(l);
    return lines;
}

/// Reference book: the snapshot, then every delta, applied on decimal text.
std::pair<std::map<std::string, std::string>, std::map<std::string, std::string>> referenceBook(const QStringList& lines) {
    std::map<std::string, std::string> bids, asks;
    auto norm = [](std::string s) {
        if (s.find('.') != std::string::npos) {
            while (s.back() == '0') s.pop_back();
            if (s.back() == '.') s.pop_back();
        }
        return s;
    };
    for (const QString& l : lines) {
        const QJsonObject o = QJsonDocument::fromJson(l.toUtf8()).object();
        const QJsonObject d = o.value("data").toObject();
        if (o.value("type").toString() == "snapshot") {
            bids.clear();
            asks.clear();
        }
        for (auto [side, key] : {std::pair{&bids, "b"}, std::pair{&asks, "a"}}) {
            for (const auto& lv : d.value(key).toArray()) {
                const std::string p = norm(lv.toArray()[0].toString().toStdString());
                const std::string q = norm(lv.toArray()[1].toString().toStdString());
                if (q == "0")
                    side->erase(p);
                else
                    (*side)[p] = q;
            }
        }
    }
    return {bids, asks};
}

template <class Map>
std::map<std::string, std::string> asText(const Map& m) {
    std::map<std::string, std::string> out;
    for (const auto& [p, q] : m) out[p.toTrimmedString()] = q.toTrimmedString();
    return out;
}

TEST(BybitBook, RecordedSnapshotAndDeltasReplayToTheReferenceBook) {
    FakeBybit fake;
    FeedConfig c = fake.config();
    c.bookDepth = 500;
    BybitFeed feed(c);
    const InstrumentId xrp{"BYBIT", "XRPUSDT"};
    QSignalSpy books(&feed, &ExchangeFeed::bookUpdated);
    feed.subscribeBook(xrp);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("orderbook.500.XRPUSDT"); }));
    const QStringList lines = recordedBook();
    ASSERT_EQ(lines.size(), 50);
    for (const auto& l : lines) fake.publish("orderbook.500.XRPUSDT", l);
    ASSERT_TRUE(waitUntil([&] { return books.size() == 50; }));
    const OrderBook* book = feed.orderBook(xrp);
    ASSERT_NE(book, nullptr);
    EXPECT_EQ(book->updateId(), 20254918);  // data README: u runs 20254869 -> 20254918
    const auto [bids, asks] = referenceBook(lines);
    EXPECT_EQ(asText(book->bids()), bids);
    EXPECT_EQ(asText(book->asks()), asks);
    EXPECT_FALSE(book->isCrossed());
    // Known answer, computed outside C++ (Python Decimal over the same file, the same rule).
    EXPECT_EQ(book->bids().size(), 500u);
    EXPECT_EQ(book->asks().size(), 500u);
    EXPECT_EQ(book->bestBid()->price.toTrimmedString(), "1.9537");
    EXPECT_EQ(book->bestBid()->quantity.toTrimmedString(), "10605");
    EXPECT_EQ(book->bestAsk()->price.toTrimmedString(), "1.9538");
    EXPECT_EQ(book->bestAsk()->quantity.toTrimmedString(), "6702");
    EXPECT_EQ(feed.bookResyncCount(), 0);
    const BookTop top = books.last()[1].value<BookTop>();
    EXPECT_EQ(top.bids.size(), 10u);
    EXPECT_EQ(top.timeMs, QJsonDocument::fromJson(lines.last().toUtf8()).object().value("ts").toInteger());
}

TEST(BybitBook, AMissingDeltaResubscribesForAFreshSnapshot) {
    FakeBybit fake;
    FeedConfig c = fake.config();
    c.bookDepth = 500;
    BybitFeed feed(c);
    const InstrumentId xrp{"BYBIT", "XRPUSDT"};
    QSignalSpy resyncs(&feed, &ExchangeFeed::bookResynced);
    feed.subscribeBook(xrp);
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("orderbook.500.XRPUSDT"); }));
    const QStringList lines = recordedBook();
    for (int i = 0; i < 10; ++i) fake.publish("orderbook.500.XRPUSDT", lines[i]);
    fake.publish("orderbook.500.XRPUSDT", lines[11]);  // delta 10 lost
    ASSERT_TRUE(waitUntil([&] { return resyncs.size() == 1; }));
    EXPECT_TRUE(resyncs[0][1].toString().contains("gap")) << resyncs[0][1].toString().toStdString();
    EXPECT_EQ(feed.orderBook(xrp), nullptr);
    // The adapter asked the server for the topic again (unsubscribe + subscribe = a new snapshot).
    ASSERT_TRUE(
        waitUntil([&] { return fake.unsubscribeMessages() == 1 && fake.liveTopics().contains("orderbook.500.XRPUSDT"); }));
    // Deltas before the new snapshot are ignored; after it the book is whole again.
    fake.publish("orderbook.500.XRPUSDT", lines[12]);
    fake.publish("orderbook.500.XRPUSDT", lines[0]);  // the fresh snapshot (the recorded one)
    for (int i = 1; i < 50; ++i) fake.publish("orderbook.500.XRPUSDT", lines[i]);
    ASSERT_TRUE(waitUntil([&] { return feed.orderBook(xrp) && feed.orderBook(xrp)->updateId() == 20254918; }));
    const auto [bids, asks] = referenceBook(lines);
    EXPECT_EQ(asText(feed.orderBook(xrp)->bids()), bids);
}

TEST(BybitRateLimit, Http403MeansTenMinutesNotARetryLoop) {
    FakeBybit fake;
    fake.http.queueReply("/v5/market/kline", HttpReply::json("access too frequent", 403));
    FeedConfig c = fake.config();
    c.rest.maxWaitMs = 60'000;  // less than the 10 minutes Bybit asks for: fail at once
    BybitFeed feed(c);
    std::optional<Status> done;
    ExchangeFeed::BarsCallbacks cb;
    cb.onDone = [&](const Status& st) { done = st; };
    feed.fetchBars({"BYBIT", "BTCUSDT"}, Timeframe::M1, 1747699200000, 1747699260000 * 1 + 600'000, cb);
    ASSERT_TRUE(waitUntil([&] { return done.has_value(); }));
    ASSERT_FALSE(done->ok());
    EXPECT_NE(done->message().find("10 minutes"), std::string::npos) << done->message();
    EXPECT_EQ(fake.http.requestCount("/v5/market/kline"), 1);
    BybitRateLimitPolicy policy;
    net::HttpResponse r;
    r.status = 403;
    EXPECT_EQ(policy.rejection(r)->waitMs, 600'000);
}

}  // namespace
