// Binance message decoding: every fixture (the official doc examples and the recorded spot and
// USD-M streams) into domain types with exact decimals, checked against an independent
// QJsonDocument reading of the same text.
#include "marketdata/binancecodec.h"

#include "fakeservers.h"
#include "testdata.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

#include <deque>

#include <map>

using namespace kairos;
using namespace kairos::marketdata;
namespace bn = kairos::marketdata::binance;

namespace {

std::string doc(const std::string& name) { return test::readFile(test::fixture("feeds/binance/docs-examples/" + name)); }

bn::Event decodeOk(std::string text) {
    // An Event holds views into the JSON it was decoded from: keep every decoded text alive for the
    // whole test run (found by the asan preset: the temporary died before the assertions).
    static std::deque<std::string> keep;
    keep.push_back(std::move(text));
    const std::string& json = keep.back();
    bn::Event ev;
    const Status st = bn::decode(json, ev);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.message()) << " in " << json.substr(0, 200);
    return ev;
}

std::string jstr(const QJsonObject& o, const char* k) { return o.value(QLatin1String(k)).toString().toStdString(); }

TEST(BinanceCodec, DocTradeAndAggTrade) {
    bn::Event ev = decodeOk(doc("trade.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::Trade);
    EXPECT_EQ(ev.symbol, "BNBBTC");
    EXPECT_EQ(ev.trade.price.toString(), "0.001");
    EXPECT_EQ(ev.trade.quantity.toString(), "100");
    EXPECT_EQ(ev.trade.timeMs, 1672515782136);
    EXPECT_EQ(ev.trade.tradeId, "12345");
    EXPECT_EQ(ev.trade.aggressor, Side::Sell);  // "m": true = buyer is maker = taker sold

    ev = decodeOk(doc("aggTrade.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::AggTrade);
    EXPECT_EQ(ev.trade.tradeId, "12345");  // "a", not the first/last trade ids
    EXPECT_EQ(ev.trade.price, *Price::parse("0.001"));
}

TEST(BinanceCodec, DocBookTickerTickerMiniTicker) {
    bn::Event ev = decodeOk(doc("bookTicker.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::BookTicker);
    EXPECT_EQ(ev.symbol, "BNBUSDT");
    EXPECT_EQ(ev.bookUpdateId, 400900217);
    EXPECT_EQ(ev.quote.bid.toString(), "25.35190000");
    EXPECT_EQ(ev.quote.bidSize.toString(), "31.21000000");
    EXPECT_EQ(ev.quote.ask.toString(), "25.36520000");
    EXPECT_EQ(ev.quote.askSize.toString(), "40.66000000");
    EXPECT_EQ(ev.quote.timeMs, 0);  // spot bookTicker has no time

    ev = decodeOk(doc("ticker.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::Ticker);
    EXPECT_EQ(ev.ticker.timeMs, 1672515782136);
    EXPECT_EQ(ev.ticker.lastPrice.toString(), "0.0025");
    EXPECT_EQ(ev.ticker.openPrice.toString(), "0.0010");
    EXPECT_EQ(ev.ticker.highPrice.toString(), "0.0025");
    EXPECT_EQ(ev.ticker.lowPrice.toString(), "0.0010");
    EXPECT_EQ(ev.ticker.volume.toString(), "10000");
    EXPECT_EQ(ev.ticker.quoteVolume.toString(), "18");
    EXPECT_EQ(ev.ticker.bid.toString(), "0.0024");
    EXPECT_EQ(ev.ticker.ask.toString(), "0.0026");

    ev = decodeOk(doc("miniTicker.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::MiniTicker);
    EXPECT_EQ(ev.ticker.lastPrice.toString(), "0.0025");
    EXPECT_EQ(ev.ticker.quoteVolume.toString(), "18");
}

TEST(BinanceCodec, DocKlineAndDepth) {
    bn::Event ev = decodeOk(doc("kline.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::Kline);
    EXPECT_EQ(ev.timeframe, Timeframe::M1);
    EXPECT_EQ(ev.bar.openTimeMs, 1672515780000);
    EXPECT_EQ(ev.bar.open.toString(), "0.0010");
    EXPECT_EQ(ev.bar.high.toString(), "0.0025");
    EXPECT_EQ(ev.bar.low.toString(), "0.0015");
    EXPECT_EQ(ev.bar.close.toString(), "0.0020");
    EXPECT_EQ(ev.bar.volume.toString(), "1000");
    EXPECT_EQ(ev.bar.quoteVolume.toString(), "1.0000");
    EXPECT_EQ(ev.bar.tradeCount, 100);
    EXPECT_FALSE(ev.bar.closed);

    ev = decodeOk(doc("depthUpdate.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::DepthUpdate);
    EXPECT_EQ(ev.depth.firstUpdateId, 157);
    EXPECT_EQ(ev.depth.finalUpdateId, 160);
    ASSERT_EQ(ev.depth.bids.size(), 1u);
    EXPECT_EQ(ev.depth.bids[0].price.toString(), "0.0024");
    EXPECT_EQ(ev.depth.bids[0].quantity.toString(), "10");
    EXPECT_EQ(ev.depth.asks[0].price.toString(), "0.0026");
}

TEST(BinanceCodec, DocControlAndShutdown) {
    bn::Event ev = decodeOk(doc("subscribe-response.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::ControlResult);
    EXPECT_EQ(ev.requestId, 1);
    ev = decodeOk(doc("serverShutdown-combined.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::ServerShutdown);
    ev = decodeOk(doc("serverShutdown-raw.json"));
    EXPECT_EQ(ev.kind, bn::EventKind::ServerShutdown);
    ev = decodeOk(R"({"error":{"code":2,"msg":"Invalid request: property name must be a string"},"id":7})");
    EXPECT_EQ(ev.kind, bn::EventKind::ControlError);
    EXPECT_EQ(ev.errorCode, 2);
    EXPECT_EQ(ev.requestId, 7);
    ev = decodeOk(R"({"code": 0, "msg": "Unknown property", "id": "abc"})");
    EXPECT_EQ(ev.kind, bn::EventKind::ControlError);
    EXPECT_EQ(ev.errorMessage, "Unknown property");
}

TEST(BinanceCodec, DocRestBodies) {
    auto klines = bn::parseKlines(doc("rest-klines.json"));
    ASSERT_TRUE(klines.ok()) << klines.message();
    ASSERT_EQ(klines->size(), 1u);
    const Bar& b = klines->front();
    EXPECT_EQ(b.openTimeMs, 1499040000000);
    EXPECT_EQ(b.open.toString(), "0.01634790");
    EXPECT_EQ(b.high.toString(), "0.80000000");
    EXPECT_EQ(b.low.toString(), "0.01575800");
    EXPECT_EQ(b.close.toString(), "0.01577100");
    EXPECT_EQ(b.volume.toString(), "148976.11427815");
    EXPECT_EQ(b.quoteVolume.toString(), "2434.19055334");
    EXPECT_EQ(b.tradeCount, 308);

    auto depth = bn::parseDepthSnapshot(doc("rest-depth.json"));
    ASSERT_TRUE(depth.ok());
    EXPECT_EQ(depth->lastUpdateId, 1027024);
    EXPECT_EQ(depth->bids[0].price.toString(), "4.00000000");
    EXPECT_EQ(depth->asks[0].quantity.toString(), "12.00000000");

    auto info = bn::parseExchangeInfo(QByteArray::fromStdString(doc("rest-exchangeInfo.json")));
    ASSERT_TRUE(info.ok()) << info.message();
    ASSERT_EQ(info->instruments.size(), 1u);
    Instrument inst = info->instruments[0];
    EXPECT_EQ(inst.id.toString(), "BINANCE:ETHBTC");
    EXPECT_EQ(inst.displayName(), "ETH/BTC");
    EXPECT_EQ(info->statuses[0], "TRADING");
    // The doc example leaves filters[] empty; the filter pages give one example each.
    ASSERT_TRUE(bn::applyFilter(QByteArray::fromStdString(doc("filter-PRICE_FILTER.json")), inst).ok());
    ASSERT_TRUE(bn::applyFilter(QByteArray::fromStdString(doc("filter-LOT_SIZE.json")), inst).ok());
    ASSERT_TRUE(bn::applyFilter(QByteArray::fromStdString(doc("filter-NOTIONAL.json")), inst).ok());
    EXPECT_EQ(inst.tickSize.toString(), "0.00000100");
    EXPECT_EQ(inst.pricePrecision, 6);
    EXPECT_EQ(inst.lotSize.toString(), "0.00100000");
    EXPECT_EQ(inst.quantityPrecision, 3);
    EXPECT_EQ(inst.minNotional.toString(), "10.00000000");
    EXPECT_TRUE(inst.checkPrice(*Price::parse("0.000123")).ok());
    EXPECT_FALSE(inst.checkPrice(*Price::parse("0.0001234")).ok());

    EXPECT_EQ(bn::errorText(QByteArray::fromStdString(doc("rest-error.json"))), QStringLiteral("code -1121: Invalid symbol."));
}

TEST(BinanceCodec, ExchangeInfoWithFiltersAndRateLimits) {
    const QByteArray json = R"({"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},
      {"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":61000}],
      "symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","baseAssetPrecision":8,"quoteAssetPrecision":8,
      "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
                 {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},
                 {"filterType":"MIN_NOTIONAL","minNotional":"5.00000000","applyToMarket":true,"avgPriceMins":5}]}]})";
    auto info = bn::parseExchangeInfo(json);
    ASSERT_TRUE(info.ok()) << info.message();
    EXPECT_EQ(info->requestWeightPerMinute, 6000);
    const Instrument& i = info->instruments.at(0);
    EXPECT_EQ(i.tickSize.toTrimmedString(), "0.01");
    EXPECT_EQ(i.pricePrecision, 2);
    EXPECT_EQ(i.quantityPrecision, 5);
    EXPECT_EQ(i.minNotional.toTrimmedString(), "5");
}

// Every received line of both recordings decodes; counts per kind match the data README and
// every decimal equals the text the exchange sent.
void checkRecording(const std::string& file, const std::map<bn::EventKind, int>& expectedCounts) {
    const auto lines = test::readCryptofeedLog(test::fixture("feeds/binance/" + file));
    std::map<bn::EventKind, int> counts;
    bn::Event ev;
    for (const auto& line : lines) {
        const std::string json = line.json.toStdString();
        const Status st = bn::decode(json, ev);
        ASSERT_TRUE(st.ok()) << st.message() << " in " << json.substr(0, 160);
        ++counts[ev.kind];
        const QJsonObject root = QJsonDocument::fromJson(line.json).object();
        const QJsonObject d = root.value(QLatin1String("data")).toObject();
        EXPECT_EQ(ev.stream, root.value(QLatin1String("stream")).toString().toStdString());
        switch (ev.kind) {
        case bn::EventKind::AggTrade:
        case bn::EventKind::Trade:
            EXPECT_EQ(ev.trade.price.toString(), jstr(d, "p"));
            EXPECT_EQ(ev.trade.quantity.toString(), jstr(d, "q"));
            EXPECT_EQ(ev.trade.timeMs, d.value(QLatin1String("T")).toInteger());
            EXPECT_EQ(ev.trade.aggressor, d.value(QLatin1String("m")).toBool() ? Side::Sell : Side::Buy);
            break;
        case bn::EventKind::BookTicker:
            EXPECT_EQ(ev.quote.bid.toString(), jstr(d, "b"));
            EXPECT_EQ(ev.quote.bidSize.toString(), jstr(d, "B"));
            EXPECT_EQ(ev.quote.ask.toString(), jstr(d, "a"));
            EXPECT_EQ(ev.quote.askSize.toString(), jstr(d, "A"));
            EXPECT_EQ(ev.bookUpdateId, d.value(QLatin1String("u")).toInteger());
            break;
        case bn::EventKind::Kline: {
            const QJsonObject k = d.value(QLatin1String("k")).toObject();
            EXPECT_EQ(ev.bar.openTimeMs, k.value(QLatin1String("t")).toInteger());
            EXPECT_EQ(ev.bar.open.toString(), jstr(k, "o"));
            EXPECT_EQ(ev.bar.high.toString(), jstr(k, "h"));
            EXPECT_EQ(ev.bar.low.toString(), jstr(k, "l"));
            EXPECT_EQ(ev.bar.close.toString(), jstr(k, "c"));
            EXPECT_EQ(ev.bar.volume.toString(), jstr(k, "v"));
            EXPECT_EQ(ev.bar.quoteVolume.toString(), jstr(k, "q"));
            EXPECT_EQ(ev.bar.closed, k.value(QLatin1String("x")).toBool());
            EXPECT_EQ(ev.bar.tradeCount, k.value(QLatin1String("n")).toInteger());
            break;
        }
        case bn::EventKind::DepthUpdate: {
            EXPECT_EQ(ev.depth.firstUpdateId, d.value(QLatin1String("U")).toInteger());
            EXPECT_EQ(ev.depth.finalUpdateId, d.value(QLatin1String("u")).toInteger());
            EXPECT_EQ(ev.depth.prevFinalUpdateId,
                      d.contains(QLatin1String("pu")) ? d.value(QLatin1String("pu")).toInteger() : -1);
            const QJsonArray b = d.value(QLatin1String("b")).toArray();
            const QJsonArray a = d.value(QLatin1String("a")).toArray();
            ASSERT_EQ(ev.depth.bids.size(), static_cast<std::size_t>(b.size()));
            ASSERT_EQ(ev.depth.asks.size(), static_cast<std::size_t>(a.size()));
            for (qsizetype i = 0; i < b.size(); ++i) {
                EXPECT_EQ(ev.depth.bids[static_cast<std::size_t>(i)].price.toString(),
                          b[i].toArray()[0].toString().toStdString());
                EXPECT_EQ(ev.depth.bids[static_cast<std::size_t>(i)].quantity.toString(),
                          b[i].toArray()[1].toString().toStdString());
            }
            for (qsizetype i = 0; i < a.size(); ++i)
                EXPECT_EQ(ev.depth.asks[static_cast<std::size_t>(i)].price.toString(),
                          a[i].toArray()[0].toString().toStdString());
            break;
        }
        default:
            ADD_FAILURE() << "unexpected kind in " << json.substr(0, 120);
        }
    }
    EXPECT_EQ(counts, expectedCounts);
}

TEST(BinanceCodec, RecordedSpotStreamDecodesExactly) {
    checkRecording("binance_spot_ws_2021-10-12.cryptofeed.log",
                   {{bn::EventKind::DepthUpdate, 177},
                    {bn::EventKind::BookTicker, 84},
                    {bn::EventKind::AggTrade, 2},
                    {bn::EventKind::Kline, 2}});
}

TEST(BinanceCodec, RecordedUsdmStreamDecodesExactly) {
    checkRecording("binance_usdm_ws_2021-07-22.cryptofeed.log",
                   {{bn::EventKind::DepthUpdate, 764},
                    {bn::EventKind::BookTicker, 613},
                    {bn::EventKind::AggTrade, 91},
                    {bn::EventKind::Kline, 67}});
}

TEST(BinanceCodec, RecordedAggTradeValues) {
    const auto lines = test::readCryptofeedLog(test::fixture("feeds/binance/binance_spot_ws_2021-10-12.cryptofeed.log"));
    for (const auto& l : lines) {
        if (!l.json.contains("nknusdt@aggTrade")) continue;
        bn::Event ev = decodeOk(l.json.toStdString());
        EXPECT_EQ(ev.symbol, "NKNUSDT");
        EXPECT_EQ(ev.trade.tradeId, "15683430");
        EXPECT_EQ(ev.trade.price.toString(), "0.35280000");
        EXPECT_EQ(ev.trade.quantity.toString(), "58.00000000");
        EXPECT_EQ(ev.trade.timeMs, 1633998523963);
        EXPECT_EQ(ev.trade.aggressor, Side::Buy);
        return;
    }
    FAIL() << "no NKNUSDT aggTrade in the recording";
}

TEST(BinanceCodec, RecordedDepthSnapshots) {
    const auto lines = test::readCryptofeedLog(test::fixture("feeds/binance/binance_spot_rest_depth_2021-10-12.cryptofeed.log"));
    ASSERT_EQ(lines.size(), 4);
    for (const auto& l : lines) {
        auto snap = bn::parseDepthSnapshot(l.json.toStdString());
        ASSERT_TRUE(snap.ok()) << snap.message();
        const QJsonObject o = QJsonDocument::fromJson(l.json).object();
        EXPECT_EQ(snap->lastUpdateId, o.value(QLatin1String("lastUpdateId")).toInteger());
        EXPECT_EQ(snap->bids.size(), static_cast<std::size_t>(o.value(QLatin1String("bids")).toArray().size()));
        EXPECT_EQ(snap->asks.size(), static_cast<std::size_t>(o.value(QLatin1String("asks")).toArray().size()));
        if (l.url.contains(QLatin1String("NKNUSDT"))) {
            EXPECT_EQ(snap->lastUpdateId, 499869752);
            EXPECT_EQ(snap->bids.size(), 609u);  // a real thin book (data README)
            EXPECT_EQ(snap->bids[0].price.toString(), "0.35210000");
        }
    }
}

TEST(BinanceCodec, MalformedMessagesAreErrorsNotCrashes) {
    bn::Event ev;
    EXPECT_FALSE(bn::decode("", ev).ok());
    EXPECT_FALSE(bn::decode("not json", ev).ok());
    EXPECT_FALSE(bn::decode(R"({"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1,"p":"1.0)", ev).ok());
    Status st =
        bn::decode(R"({"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1,"p":"abc","q":"1","T":5,"m":true}})", ev);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(ev.kind, bn::EventKind::Trade);
    EXPECT_NE(st.message().find("bad price \"abc\""), std::string::npos) << st.message();
    st = bn::decode(R"({"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","p":"1","q":"1","T":5,"m":true}})", ev);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("missing"), std::string::npos);
    st = bn::decode(R"({"stream":"btcusdt@kline_7m","data":{"e":"kline","s":"BTCUSDT","k":{"t":1,"i":"7m"}}})", ev);
    EXPECT_FALSE(st.ok());
    // A stream this decoder does not know is not an error, just Unknown (the adapter counts it).
    EXPECT_TRUE(bn::decode(R"({"stream":"btcusdt@avgPrice","data":{"e":"avgPrice"}})", ev).ok());
    EXPECT_EQ(ev.kind, bn::EventKind::Unknown);
    // Key order does not matter: "data" before "stream".
    ASSERT_TRUE(
        bn::decode(R"({"data":{"e":"trade","s":"BTCUSDT","t":9,"p":"2.50","q":"1","T":5,"m":false},"stream":"btcusdt@trade"})",
                   ev)
            .ok());
    EXPECT_EQ(ev.kind, bn::EventKind::Trade);
    EXPECT_EQ(ev.trade.price.toString(), "2.50");
}

TEST(BinanceCodec, StreamNames) {
    EXPECT_EQ(bn::streamName("BTCUSDT", "kline_1m"), QStringLiteral("btcusdt@kline_1m"));
    EXPECT_EQ(bn::streamKind("btcusdt@kline_1M"), bn::EventKind::Kline);
    EXPECT_EQ(bn::streamKind("btcusdt@depth@100ms"), bn::EventKind::DepthUpdate);
    EXPECT_EQ(bn::streamKind("btcusdt@bookTicker"), bn::EventKind::BookTicker);
    EXPECT_EQ(bn::streamKind("!serverShutdown"), bn::EventKind::ServerShutdown);
    EXPECT_EQ(bn::streamKind("btcusdt@depth5"), bn::EventKind::Unknown);
}

}  // namespace
