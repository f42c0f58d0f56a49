// Kraken decoding: every official WebSocket v2 doc example and the REST examples of Kraken's
// OpenAPI spec, with the numbers' exact text (Kraken sends JSON numbers, never strings).
#include "marketdata/krakencodec.h"

#include "testdata.h"

#include <gtest/gtest.h>

#include <deque>

using namespace kairos;
namespace kr = kairos::marketdata::kraken;

namespace {

std::string doc(const std::string& name) { return test::readFile(test::fixture("feeds/kraken/docs-examples/" + name)); }

kr::Event decodeOk(const std::string& text) {
    // The event's string_views point into the text: keep every decoded text alive.
    static std::deque<std::string> keep;
    const std::string& json = keep.emplace_back(text);
    kr::Event ev;
    const Status st = kr::decode(json, ev);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.message()) << " in " << json.substr(0, 160);
    return ev;
}

TEST(KrakenCodec, TradesSnapshotAndUpdate) {
    kr::Event ev = decodeOk(doc("trade-snapshot.json"));
    ASSERT_EQ(ev.kind, kr::EventKind::Trades);
    EXPECT_TRUE(ev.snapshot);
    ASSERT_EQ(ev.trades.size(), 2u);
    EXPECT_EQ(ev.tradeSymbols[0], "MATIC/USD");
    EXPECT_EQ(ev.trades[0].price.toString(), "0.5147");
    EXPECT_EQ(ev.trades[0].quantity.toString(), "6423.46326");
    EXPECT_EQ(ev.trades[1].quantity.toString(), "1136.19677815");
    EXPECT_EQ(ev.trades[1].tradeId, "4665847");
    EXPECT_EQ(ev.trades[1].timeMs, utcMs(2023, 9, 25, 7, 49, 36, 925));
    EXPECT_EQ(ev.trades[0].aggressor, Side::Buy);  // Kraken's side is the taker's
    ev = decodeOk(doc("trade-update.json"));
    ASSERT_EQ(ev.kind, kr::EventKind::Trades);
    EXPECT_FALSE(ev.snapshot);
    ASSERT_EQ(ev.trades.size(), 1u);  // the previous message's second slot is not left behind
    EXPECT_EQ(ev.trades[0].aggressor, Side::Sell);
    EXPECT_EQ(ev.trades[0].quantity.toString(), "40.0");
    EXPECT_EQ(ev.trades[0].price.toString(), "0.5117");
}

TEST(KrakenCodec, TickerCarriesQuoteAnd24hStatistics) {
    for (const char* f : {"ticker-snapshot.json", "ticker-update.json"}) {
        kr::Event ev = decodeOk(doc(f));
        ASSERT_EQ(ev.kind, kr::EventKind::Tickers) << f;
        ASSERT_EQ(ev.tickers.size(), 1u);
        const auto& t = ev.tickers[0];
        EXPECT_EQ(t.symbol, "ALGO/USD");
        EXPECT_EQ(t.quote.bid.toString(), "0.10025");
        EXPECT_EQ(t.quote.bidSize.toString(), "740.0");
        EXPECT_EQ(t.ticker.lastPrice.toString(), "0.10035");
        EXPECT_EQ(t.ticker.highPrice.toString(), "0.10285");
        EXPECT_EQ(t.ticker.lowPrice.toString(), "0.09979");
        EXPECT_EQ(t.ticker.volume.toString(), "997038.98383185");
        EXPECT_EQ(t.ticker.openPrice.toTrimmedString(), "0.10052");
        EXPECT_EQ(t.quote.timeMs, utcMs(2023, 9, 25, 9, 4, 31, 742));
    }
    kr::Event ev = decodeOk(doc("ticker-snapshot.json"));
    EXPECT_EQ(ev.tickers[0].quote.ask.toString(), "0.10036");
    EXPECT_EQ(ev.tickers[0].quote.askSize.toString(), "1361.44813783");
}

TEST(KrakenCodec, OhlcUsesIntervalBeginAndHasNoClosedFlag) {
    kr::Event ev = decodeOk(doc("ohlc-snapshot.json"));
    ASSERT_EQ(ev.kind, kr::EventKind::Ohlc);
    ASSERT_EQ(ev.bars.size(), 2u);
    EXPECT_EQ(ev.bars[0].timeframe, Timeframe::M5);
    EXPECT_EQ(ev.bars[0].bar.openTimeMs, utcMs(2023, 10, 4, 15, 25));
    EXPECT_EQ(ev.bars[1].bar.openTimeMs, utcMs(2023, 10, 4, 15, 30));
    EXPECT_EQ(ev.bars[1].bar.volume.toString(), "16255.46368");
    EXPECT_EQ(ev.bars[1].bar.tradeCount, 13);
    EXPECT_FALSE(ev.bars[1].bar.closed);
    ev = decodeOk(doc("ohlc-update.json"));
    ASSERT_EQ(ev.bars.size(), 1u);
    EXPECT_EQ(ev.bars[0].symbol, "MATIC/USD");
    EXPECT_EQ(ev.bars[0].bar.open.toString(), "0.5624");
    EXPECT_EQ(ev.bars[0].bar.high.toString(), "0.5628");
    EXPECT_EQ(ev.bars[0].bar.low.toString(), "0.5622");
    EXPECT_EQ(ev.bars[0].bar.close.toString(), "0.5627");
    EXPECT_EQ(ev.bars[0].bar.volume.toString(), "30927.68066226");
    EXPECT_EQ(ev.bars[0].bar.openTimeMs, utcMs(2023, 10, 4, 16, 25));
}

TEST(KrakenCodec, BookMessagesAndTheInstrumentChannel) {
    kr::Event ev = decodeOk(doc("book-snapshot.json"));
    ASSERT_EQ(ev.kind, kr::EventKind::Book);
    EXPECT_TRUE(ev.snapshot);
    EXPECT_EQ(ev.symbol, "MATIC/USD");
    ASSERT_EQ(ev.bids.size(), 10u);
    ASSERT_EQ(ev.asks.size(), 10u);
    EXPECT_EQ(ev.bids[0].price.toString(), "0.5666");
    EXPECT_EQ(ev.bids[0].quantity.toString(), "4831.75496356");
    EXPECT_EQ(ev.asks[0].price.toString(), "0.5668");
    EXPECT_TRUE(ev.hasChecksum);
    EXPECT_EQ(ev.checksum, 2439117997u);
    ev = decodeOk(doc("book-update.json"));
    EXPECT_FALSE(ev.snapshot);
    ASSERT_EQ(ev.bids.size(), 1u);
    EXPECT_TRUE(ev.asks.empty());
    EXPECT_EQ(ev.bids[0].quantity.toString(), "1098.3947558");
    EXPECT_EQ(ev.checksum, 2114181697u);
    EXPECT_EQ(ev.timeMs, utcMs(2023, 10, 6, 17, 35, 55, 440));
    // The guide's example carries its numbers as strings.
    ev = decodeOk(doc("book-checksum-guide-snapshot.json"));
    ASSERT_EQ(ev.kind, kr::EventKind::Book);
    EXPECT_EQ(ev.checksum, 3310070434u);
    ASSERT_FALSE(ev.asks.empty());
    EXPECT_EQ(ev.asks[0].price.toString(), "45285.2");

    ev = decodeOk(doc("instrument-snapshot.json"));
    ASSERT_EQ(ev.kind, kr::EventKind::Instruments);
    ASSERT_EQ(ev.pairs.size(), 2u);
    EXPECT_EQ(ev.pairs[0].symbol, "BTC/USD");
    EXPECT_EQ(ev.pairs[0].pricePrecision, 1);
    EXPECT_EQ(ev.pairs[0].qtyPrecision, 8);
    EXPECT_EQ(ev.pairs[1].symbol, "MATIC/GBP");
    EXPECT_EQ(ev.pairs[1].pricePrecision, 4);
}

TEST(KrakenCodec, ControlMessages) {
    kr::Event ev = decodeOk(doc("heartbeat.json"));
    EXPECT_EQ(ev.kind, kr::EventKind::Heartbeat);
    ev = decodeOk(doc("status.json"));  // connection_id 13834774380200032777 > INT64_MAX
    EXPECT_EQ(ev.kind, kr::EventKind::Status);
    EXPECT_EQ(ev.system, "online");
    ev = decodeOk(doc("pong-response.json"));
    EXPECT_EQ(ev.kind, kr::EventKind::Pong);
    ev = decodeOk(doc("book-subscribe-ack.json"));
    EXPECT_EQ(ev.kind, kr::EventKind::Ack);
    EXPECT_TRUE(ev.success);
    EXPECT_EQ(ev.method, "subscribe");
    ev = decodeOk(
        R"({"error":"Currency pair not supported XBT/USD","method":"subscribe","success":false,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"})");
    EXPECT_EQ(ev.kind, kr::EventKind::Ack);
    EXPECT_FALSE(ev.success);
    EXPECT_EQ(ev.error, "Currency pair not supported XBT/USD");
    // The client's own requests from the docs are JSON objects without a channel: not data.
    for (const char* f : {"book-subscribe-request.json", "book-unsubscribe-request.json", "trade-subscribe-request.json",
                          "ticker-subscribe-request.json", "ohlc-subscribe-request.json", "ping-request.json"}) {
        ev = decodeOk(doc(f));
        EXPECT_EQ(ev.kind, kr::EventKind::Ack) << f;
    }
}

TEST(KrakenCodec, MalformedInputIsAnErrorNotACrash) {
    kr::Event ev;
    EXPECT_FALSE(
        kr::decode(
            R"({"channel":"trade","type":"update","data":[{"symbol":"A/B","side":"buy","price":1..5,"qty":1,"trade_id":1,"timestamp":"2023-09-25T07:49:37Z"}]})",
            ev)
            .ok());
    EXPECT_FALSE(
        kr::decode(
            R"({"channel":"trade","type":"update","data":[{"symbol":"A/B","side":"up","price":1,"qty":1,"trade_id":1,"timestamp":"2023-09-25T07:49:37Z"}]})",
            ev)
            .ok());
    EXPECT_FALSE(
        kr::decode(R"({"channel":"book","type":"update","data":[{"symbol":"A/B","bids":[{"price":1}],"asks":[],"checksum":1}]})",
                   ev)
            .ok());
    EXPECT_FALSE(
        kr::decode(
            R"({"channel":"ohlc","type":"update","data":[{"symbol":"A/B","open":1,"high":1,"low":1,"close":1,"volume":1,"interval_begin":"2023-10-04T16:25:00Z","interval":7}]})",
            ev)
            .ok());
    EXPECT_FALSE(kr::decode(R"({"channel":"trade","data":[)", ev).ok());
    EXPECT_FALSE(kr::decode("[]", ev).ok());
}

TEST(KrakenCodec, RestExamplesFromTheOpenApiSpec) {
    // spot-rest/examples/responses/public/ohlc.yaml: both rows are the same interval.
    auto bars = kr::parseOhlc(test::readFile(test::fixture("feeds/kraken/spec-rest-ohlc.json")));
    ASSERT_TRUE(bars.ok()) << bars.message();
    ASSERT_EQ(bars->size(), 2u);
    const Bar& b = (*bars)[0];
    EXPECT_EQ(b.openTimeMs, 1548115200000);
    EXPECT_EQ(b.open.toString(), "3533.4");
    EXPECT_EQ(b.high.toString(), "3543.7");
    EXPECT_EQ(b.low.toString(), "3530.7");
    EXPECT_EQ(b.close.toString(), "3539.4");
    EXPECT_EQ(b.volume.toString(), "83.09287787");  // column 6; column 5 is the vwap
    EXPECT_EQ(b.tradeCount, 232);
    EXPECT_FALSE(kr::parseOhlc(R"({"error":["EQuery:Unknown asset pair"]})").ok());
    EXPECT_EQ(kr::restErrors(R"({"error":["EAPI:Rate limit exceeded","EService:Busy"]})"),
              "EAPI:Rate limit exceeded; EService:Busy");

    std::vector<std::string> alt;
    auto inst = kr::parseAssetPairs(
        QByteArray::fromStdString(test::readFile(test::fixture("feeds/kraken/spec-rest-assetpairs.json"))), &alt);
    ASSERT_TRUE(inst.ok()) << inst.message();
    ASSERT_EQ(inst->size(), 2u);
    ASSERT_EQ(alt.size(), 2u);
    for (std::size_t i = 0; i < inst->size(); ++i) {
        const Instrument& in = (*inst)[i];
        if (in.id.symbol == "ETH/BTC") {  // wsname ETH/XBT: v2 spells XBT as BTC
            EXPECT_EQ(alt[i], "ETHXBT");
            EXPECT_EQ(in.tickSize.toString(), "0.00001");
            EXPECT_EQ(in.minNotional.toString(), "0.00002");
            EXPECT_EQ(in.pricePrecision, 5);
            EXPECT_EQ(in.lotSize.toString(), "0.00000001");
        } else {
            EXPECT_EQ(in.id.symbol, "BTC/USD");
            EXPECT_EQ(alt[i], "XBTUSD");
            EXPECT_EQ(in.tickSize.toString(), "0.1");
            EXPECT_EQ(in.minNotional.toString(), "0.5");
            EXPECT_EQ(in.baseAsset, "BTC");
            EXPECT_EQ(in.quoteAsset, "USD");
        }
    }
    EXPECT_EQ(kr::restPairGuess("BTC/USD"), "XBTUSD");
    EXPECT_EQ(kr::restPairGuess("DOGE/EUR"), "XDGEUR");
}

TEST(KrakenCodec, IntervalsAndCrc32) {
    EXPECT_EQ(kr::intervalFor(Timeframe::H4), 240);
    EXPECT_EQ(kr::intervalFor(Timeframe::D1), 1440);
    EXPECT_FALSE(kr::intervalFor(Timeframe::M3).has_value());
    EXPECT_EQ(kr::timeframeFor(60), Timeframe::H1);
    EXPECT_FALSE(kr::timeframeFor(21600).has_value());  // 15 days, not a terminal timeframe
    EXPECT_EQ(kr::crc32("123456789"), 0xCBF43926u);
    EXPECT_EQ(kr::crc32(""), 0u);
}

}  // namespace
