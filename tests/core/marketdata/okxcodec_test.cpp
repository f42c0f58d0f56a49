// OKX v5 decoding: every official doc example the adapter reads, exact decimals.
#include "marketdata/okxcodec.h"

#include "testdata.h"

#include <gtest/gtest.h>

#include <deque>

using namespace kairos;
namespace ok = kairos::marketdata::okx;

namespace {

std::string doc(const std::string& name) { return test::readFile(test::fixture("feeds/okx/docs-examples/" + name)); }

ok::Event decodeOk(const std::string& text) {
    // The event's string_views point into the text: keep every decoded text alive (the callers
    // pass temporaries; AddressSanitizer found the views read after the text was freed).
    static std::deque<std::string> keep;
    const std::string& json = keep.emplace_back(text);
    ok::Event ev;
    const Status st = ok::decode(json, ev);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.message()) << " in " << json.substr(0, 160);
    return ev;
}

TEST(OkxCodec, DocPushes) {
    for (const char* f : {"trades.json", "trades-all.json"}) {
        ok::Event ev = decodeOk(doc(f));
        ASSERT_EQ(ev.kind, ok::EventKind::Trades) << f;
        EXPECT_EQ(ev.instId, "BTC-USDT");
        ASSERT_EQ(ev.trades.size(), 1u);
        EXPECT_EQ(ev.trades[0].price.toString(), "42219.9");
        EXPECT_EQ(ev.trades[0].quantity.toString(), "0.12060306");
        EXPECT_EQ(ev.trades[0].tradeId, "130639474");
        EXPECT_EQ(ev.trades[0].aggressor, Side::Buy);
    }
    ok::Event ev = decodeOk(doc("tickers.json"));
    ASSERT_EQ(ev.kind, ok::EventKind::Ticker);
    EXPECT_EQ(ev.ticker.lastPrice.toString(), "9999.99");
    EXPECT_EQ(ev.ticker.highPrice.toString(), "10000");
    EXPECT_EQ(ev.ticker.lowPrice.toString(), "8888.88");
    EXPECT_EQ(ev.ticker.volume.toString(), "2222");
    EXPECT_EQ(ev.ticker.timeMs, 1597026383085);
    EXPECT_EQ(ev.quote.askSize.toString(), "11");

    ev = decodeOk(doc("candle1D.json"));
    ASSERT_EQ(ev.kind, ok::EventKind::Unknown);  // candle1D is a UTC+8 day: not a timeframe the adapter uses
    const std::string utc = [] {
        std::string s = doc("candle1D.json");
        s.replace(s.find("\"candle1D\""), 10, "\"candle1Dutc\"");
        return s;
    }();
    ev = decodeOk(utc);
    ASSERT_EQ(ev.kind, ok::EventKind::Candles);
    EXPECT_EQ(ev.timeframe, Timeframe::D1);
    ASSERT_EQ(ev.bars.size(), 1u);
    EXPECT_EQ(ev.bars[0].close.toString(), "8548.26");
    EXPECT_EQ(ev.bars[0].low.toString(), "8527.17");
    EXPECT_FALSE(ev.bars[0].closed);

    ev = decodeOk(doc("bbo-tbt.json"));
    ASSERT_EQ(ev.kind, ok::EventKind::Quote);
    EXPECT_EQ(ev.quote.bid.toString(), "111.05");
    EXPECT_EQ(ev.quote.askSize.toString(), "55154");
    EXPECT_EQ(ev.seqId, 363996337);

    ev = decodeOk(doc("books5.json"));
    ASSERT_EQ(ev.kind, ok::EventKind::Book);
    EXPECT_EQ(ev.bids.size(), 5u);
    EXPECT_EQ(ev.asks[4].price.toString(), "111.1");

    ev = decodeOk(doc("books-snapshot.json"));
    ASSERT_EQ(ev.kind, ok::EventKind::Book);
    EXPECT_TRUE(ev.snapshot);
    EXPECT_EQ(ev.prevSeqId, -1);
    EXPECT_EQ(ev.seqId, 123456);
    ASSERT_EQ(ev.asks.size(), 8u);
    EXPECT_EQ(ev.asks[0].price.toString(), "8476.98");
    EXPECT_EQ(ev.asks[0].quantity.toString(), "415");
    EXPECT_EQ(ev.bids[7].price.toString(), "8446");
    ev = decodeOk(doc("books-update.json"));
    EXPECT_FALSE(ev.snapshot);
    EXPECT_EQ(ev.prevSeqId, 123456);
    EXPECT_EQ(ev.seqId, 123457);
}

TEST(OkxCodec, DocEventsAndControl) {
    ok::Event ev = decodeOk(doc("subscribe-response.json"));
    EXPECT_EQ(ev.kind, ok::EventKind::Event);
    EXPECT_EQ(ev.event, "subscribe");
    ev = decodeOk(doc("books-subscribe-error.json"));
    EXPECT_EQ(ev.event, "error");
    EXPECT_EQ(ev.code, "60012");
    ev = decodeOk(doc("notice-service-upgrade.json"));
    EXPECT_EQ(ev.event, "notice");
    EXPECT_EQ(ev.code, "64008");
    ev = decodeOk("pong");
    EXPECT_EQ(ev.kind, ok::EventKind::Pong);
}

TEST(OkxCodec, DocRestBodies) {
    for (const char* f : {"rest-candles.json", "rest-history-candles.json"}) {
        auto bars = ok::parseCandles(doc(f));
        ASSERT_TRUE(bars.ok()) << bars.message();
        ASSERT_EQ(bars->size(), 2u);
        EXPECT_EQ((*bars)[0].open.toString(), "3.721");
        EXPECT_EQ((*bars)[0].volume.toString(), "8422410");
        EXPECT_EQ((*bars)[0].quoteVolume.toString(), "12698348.04828491");  // volCcyQuote
        EXPECT_EQ((*bars)[1].closed, true);
    }
    EXPECT_FALSE(ok::parseCandles(doc("rest-candles.json"))->at(0).closed);  // confirm "0"
    auto inst = ok::parseInstruments(QByteArray::fromStdString(doc("rest-instruments-spot.json")));
    ASSERT_TRUE(inst.ok()) << inst.message();
    EXPECT_EQ(inst->at(0).tickSize.toString(), "0.1");
    EXPECT_EQ(ok::envelopeCode(doc("rest-time.json")), "0");
    auto err = ok::parseCandles(R"({"code":"50011","msg":"Too Many Requests","data":[]})");
    ASSERT_FALSE(err.ok());
    EXPECT_NE(err.message().find("50011"), std::string::npos);
}

TEST(OkxCodec, MalformedAndBars) {
    ok::Event ev;
    EXPECT_FALSE(
        ok::decode(R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"px":"1","sz":"1","side":"buy","ts":"1"}]})", ev)
            .ok());
    EXPECT_FALSE(ok::decode(R"({"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"last":"x"}]})", ev).ok());
    EXPECT_FALSE(ok::decode("pon", ev).ok());
    // Empty bid/ask strings (no book side) are zero, not errors.
    ASSERT_TRUE(
        ok::decode(
            R"({"arg":{"channel":"tickers","instId":"X-USDT"},"data":[{"last":"1","bidPx":"","bidSz":"","askPx":"2","askSz":"3","ts":"5"}]})",
            ev)
            .ok());
    EXPECT_TRUE(ev.ticker.bid.isZero());
    EXPECT_EQ(ok::barFor(Timeframe::D1), std::optional<std::string_view>("1Dutc"));
    EXPECT_EQ(ok::barFor(Timeframe::H1), std::optional<std::string_view>("1H"));
    EXPECT_FALSE(ok::barFor(Timeframe::S1).has_value());
}

}  // namespace
