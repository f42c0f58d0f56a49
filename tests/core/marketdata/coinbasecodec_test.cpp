// Coinbase Exchange decoding: every official doc example the adapter reads and every message of
// the recorded 2021 feed (level2 / ticker / matches), exact decimals.
#include "marketdata/coinbasecodec.h"

#include "fakeservers.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

using namespace kairos;
namespace cb = kairos::marketdata::coinbase;

namespace {

std::string doc(const std::string& name) { return test::readFile(test::fixture("feeds/coinbase/docs-examples/" + name)); }

cb::Event decodeOk(const std::string& text) {
    static std::deque<std::string> keep;  // the event refers into the text
    const std::string& json = keep.emplace_back(text);
    cb::Event ev;
    const Status st = cb::decode(json, ev);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.message()) << " in " << json.substr(0, 160);
    return ev;
}

TEST(CoinbaseCodec, MatchAndTicker) {
    cb::Event ev = decodeOk(doc("match.json"));
    ASSERT_EQ(ev.kind, cb::EventKind::Match);
    EXPECT_EQ(ev.productId, "BTC-USD");
    EXPECT_EQ(ev.trade.price.toString(), "400.23");
    EXPECT_EQ(ev.trade.quantity.toString(), "5.23512");
    EXPECT_EQ(ev.trade.tradeId, "10");
    EXPECT_EQ(ev.tradeId, 10);
    EXPECT_EQ(ev.sequence, 50);
    EXPECT_EQ(ev.trade.aggressor, Side::Buy);  // maker side "sell"
    EXPECT_EQ(ev.trade.timeMs, utcMs(2014, 11, 7, 8, 19, 27, 28));

    ev = decodeOk(doc("ticker.json"));
    ASSERT_EQ(ev.kind, cb::EventKind::Ticker);
    EXPECT_EQ(ev.productId, "ETH-USD");
    EXPECT_EQ(ev.sequence, 37475248783);
    EXPECT_EQ(ev.quote.bid.toString(), "1285.04");
    EXPECT_EQ(ev.quote.askSize.toString(), "1.56637040");
    EXPECT_EQ(ev.ticker.lastPrice.toString(), "1285.22");
    EXPECT_EQ(ev.ticker.openPrice.toString(), "1310.79");
    EXPECT_EQ(ev.ticker.volume.toString(), "245532.79269678");
    EXPECT_EQ(ev.ticker.bid.toString(), "1285.04");
    EXPECT_EQ(ev.ticker.ask.toString(), "1285.27");
}

TEST(CoinbaseCodec, Level2SnapshotAndUpdates) {
    cb::Event ev = decodeOk(doc("level2-snapshot.json"));
    ASSERT_EQ(ev.kind, cb::EventKind::Snapshot);
    ASSERT_EQ(ev.bids.size(), 1u);
    ASSERT_EQ(ev.asks.size(), 1u);
    EXPECT_EQ(ev.bids[0].price.toString(), "10101.10");
    EXPECT_EQ(ev.bids[0].quantity.toString(), "0.45054140");
    EXPECT_EQ(ev.asks[0].price.toString(), "10102.55");
    ev = decodeOk(doc("level2-l2update-single.json"));  // "time" before "changes"
    ASSERT_EQ(ev.kind, cb::EventKind::L2Update);
    ASSERT_EQ(ev.bids.size(), 1u);
    EXPECT_TRUE(ev.asks.empty());
    EXPECT_EQ(ev.bids[0].price.toString(), "10101.80000000");
    EXPECT_EQ(ev.timeMs, utcMs(2019, 8, 14, 20, 42, 27, 265));
    ev = decodeOk(doc("level2-l2update-multiple.json"));
    ASSERT_EQ(ev.bids.size(), 2u);
    EXPECT_TRUE(ev.bids[0].quantity.isZero());  // "0.00000000" removes the level
    EXPECT_EQ(ev.bids[1].price.toString(), "22356.300000");
    EXPECT_EQ(ev.bids[1].quantity.toString(), "1.00000000");
}

TEST(CoinbaseCodec, ControlAndIgnoredMessages) {
    cb::Event ev = decodeOk(doc("heartbeat.json"));
    ASSERT_EQ(ev.kind, cb::EventKind::Heartbeat);
    EXPECT_EQ(ev.tradeId, 20);  // last_trade_id
    EXPECT_EQ(ev.sequence, 90);
    EXPECT_EQ(decodeOk(doc("subscriptions-response.json")).kind, cb::EventKind::Subscriptions);
    EXPECT_EQ(decodeOk(doc("auction.json")).kind, cb::EventKind::Other);  // unknown types are ignored
    ev = decodeOk(R"({"type":"error","message":"Failed to subscribe","reason":"level2 requires authentication"})");
    ASSERT_EQ(ev.kind, cb::EventKind::Error);
    EXPECT_EQ(ev.message, "Failed to subscribe");
    EXPECT_EQ(ev.reason, "level2 requires authentication");
    // The client's requests decode as types the adapter does not use.
    for (const char* f : {"subscribe-request.json", "unsubscribe-request.json", "heartbeat-subscribe-request.json",
                          "ticker-subscribe-request.json", "level2_batch-subscribe-request.json"})
        EXPECT_EQ(decodeOk(doc(f)).kind, cb::EventKind::Other) << f;
}

TEST(CoinbaseCodec, MalformedInputIsAnError) {
    cb::Event ev;
    EXPECT_FALSE(
        cb::decode(
            R"({"type":"match","trade_id":1,"product_id":"A-B","size":"1","price":"1..5","side":"sell","time":"2014-11-07T08:19:27Z"})",
            ev)
            .ok());
    EXPECT_FALSE(
        cb::decode(
            R"({"type":"match","trade_id":1,"product_id":"A-B","size":"1","price":"1","side":"up","time":"2014-11-07T08:19:27Z"})",
            ev)
            .ok());
    EXPECT_FALSE(
        cb::decode(R"({"type":"match","product_id":"A-B","size":"1","price":"1","side":"buy","time":"2014-11-07T08:19:27Z"})", ev)
            .ok());
    EXPECT_FALSE(cb::decode(R"({"type":"l2update","product_id":"A-B","changes":[["hold","1","1"]]})", ev).ok());
    EXPECT_FALSE(cb::decode(R"({"type":"snapshot","product_id":"A-B","bids":[]})", ev).ok());
    EXPECT_FALSE(cb::decode(R"({"product_id":"A-B"})", ev).ok());
    EXPECT_FALSE(cb::decode(R"({"type":"ticker",)", ev).ok());
}

TEST(CoinbaseCodec, EveryRecordedMessageDecodes) {
    // Real Coinbase Pro feed 2021-04-17 (tests/data/feeds/coinbase/, three GBP products).
    const auto lines =
        test::readCryptofeedLog(test::fixture("feeds/coinbase/coinbase_exchange_ws_2021-04-17_NU-SKL-BAND-GBP.cryptofeed.log"));
    std::map<cb::EventKind, int> kinds;
    std::map<std::string, std::int64_t> lastTrade;
    int chainBreaks = 0;
    cb::Event ev;
    for (const auto& l : lines) {
        const std::string json = l.json.toStdString();
        const Status st = cb::decode(json, ev);
        ASSERT_TRUE(st.ok()) << st.message() << " in " << json.substr(0, 200);
        ++kinds[ev.kind];
        if (ev.kind == cb::EventKind::Match || ev.kind == cb::EventKind::LastMatch) {
            const std::string p(ev.productId);
            if (lastTrade.count(p) && ev.tradeId != lastTrade[p] + 1) ++chainBreaks;
            lastTrade[p] = ev.tradeId;
        }
    }
    EXPECT_EQ(kinds[cb::EventKind::Snapshot], 3);
    EXPECT_EQ(kinds[cb::EventKind::LastMatch], 3);
    EXPECT_EQ(kinds[cb::EventKind::Subscriptions], 3);
    EXPECT_GT(kinds[cb::EventKind::L2Update], 700);
    EXPECT_GT(kinds[cb::EventKind::Ticker], 0);
    EXPECT_GT(kinds[cb::EventKind::Match], 0);
    EXPECT_EQ(kinds[cb::EventKind::Unknown], 0);
    EXPECT_EQ(kinds[cb::EventKind::Other], 0);
    EXPECT_EQ(chainBreaks, 0);
    // The 2021 ticker has no best_bid_size: zero, not an error.
    const std::string t =
        R"({"type":"ticker","sequence":333938798,"product_id":"BAND-GBP","price":"14.7775","open_24h":"14.6647","volume_24h":"94381.28000000","low_24h":"14.3691","high_24h":"16.55","volume_30d":"2295579.57000000","best_bid":"14.7550","best_ask":"14.8060","side":"buy","time":"2021-04-17T16:43:30.244075Z","trade_id":881613,"last_size":"0.04"})";
    ASSERT_TRUE(cb::decode(t, ev).ok());
    EXPECT_EQ(ev.quote.bid.toString(), "14.7550");
    EXPECT_TRUE(ev.quote.bidSize.isZero());
    EXPECT_EQ(ev.ticker.volume.toString(), "94381.28000000");
}

TEST(CoinbaseCodec, SyntheticCandleRowsInTheDocumentedColumnOrder) {
    // [time, low, high, open, close, volume]: low comes before high before open.
    auto bars = cb::parseCandles(R"([[1415398800,"0.32","4.2","0.35","4.1","12.3"],[1415398740,0.3,4.0,0.31,0.34,1.5]])");
    ASSERT_TRUE(bars.ok()) << bars.message();
    ASSERT_EQ(bars->size(), 2u);
    EXPECT_EQ((*bars)[0].openTimeMs, 1415398800000);
    EXPECT_EQ((*bars)[0].low.toString(), "0.32");
    EXPECT_EQ((*bars)[0].high.toString(), "4.2");
    EXPECT_EQ((*bars)[0].open.toString(), "0.35");
    EXPECT_EQ((*bars)[0].close.toString(), "4.1");
    EXPECT_EQ((*bars)[0].volume.toString(), "12.3");
    EXPECT_EQ((*bars)[1].close.toString(), "0.34");  // JSON numbers keep their text too
    EXPECT_TRUE((*bars)[1].closed);
    auto err = cb::parseCandles(
        R"({"message":"granularity too small for the requested time range. Count of aggregations requested exceeds 300"})");
    ASSERT_FALSE(err.ok());
    EXPECT_NE(err.message().find("exceeds 300"), std::string::npos);
    EXPECT_FALSE(cb::parseCandles("[[1415398800,1,2,3]]").ok());
    EXPECT_EQ(cb::granularityFor(Timeframe::H6), 21600);
    EXPECT_FALSE(cb::granularityFor(Timeframe::H4).has_value());
    EXPECT_EQ(cb::timeframeFor(900), Timeframe::M15);
}

TEST(CoinbaseCodec, ProductsDocExample) {
    auto inst = cb::parseProducts(QByteArray::fromStdString(doc("rest-products.json")));
    ASSERT_TRUE(inst.ok()) << inst.message();
    ASSERT_EQ(inst->size(), 1u);
    EXPECT_EQ((*inst)[0].id.toString(), "COINBASE:BTC-USD");
    EXPECT_EQ((*inst)[0].baseAsset, "BTC");
    EXPECT_EQ((*inst)[0].tickSize.toString(), "0.01");
    EXPECT_EQ((*inst)[0].minNotional.toString(), "10");
    EXPECT_FALSE(cb::parseProducts(R"({"message":"Internal server error"})").ok());
}

}  // namespace
