// Bybit v5 decoding: the official doc examples and the recorded orderbook stream, exact decimals.
#include "marketdata/bybitcodec.h"

#include "testdata.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

#include <deque>

using namespace kairos;
namespace by = kairos::marketdata::bybit;

namespace {

std::string doc(const std::string& name) { return test::readFile(test::fixture("feeds/bybit/docs-examples/" + name)); }

by::Event decodeOk(const std::string& text) {
    // The event's string_views point into the text: keep every decoded text alive (the callers
    // pass temporaries; AddressSanitizer found the views read after the text was freed).
    static std::deque<std::string> keep;
    const std::string& json = keep.emplace_back(text);
    by::Event ev;
    const Status st = by::decode(json, ev);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.message()) << " in " << json.substr(0, 160);
    return ev;
}

TEST(BybitCodec, DocWebSocketMessages) {
    by::Event ev = decodeOk(doc("publicTrade.json"));
    ASSERT_EQ(ev.kind, by::EventKind::Trades);
    EXPECT_EQ(ev.symbol, "BTCUSDT");
    ASSERT_EQ(ev.trades.size(), 1u);
    EXPECT_EQ(ev.trades[0].price.toString(), "16578.50");
    EXPECT_EQ(ev.trades[0].quantity.toString(), "0.001");
    EXPECT_EQ(ev.trades[0].aggressor, Side::Buy);
    EXPECT_EQ(ev.trades[0].tradeId, "20f43950-d8dd-5b31-9112-a178eb6023af");

    ev = decodeOk(doc("kline.json"));
    ASSERT_EQ(ev.kind, by::EventKind::Kline);
    EXPECT_EQ(ev.timeframe, Timeframe::M5);
    ASSERT_EQ(ev.bars.size(), 1u);
    EXPECT_EQ(ev.bars[0].openTimeMs, 1672324800000);
    EXPECT_EQ(ev.bars[0].high.toString(), "16677");
    EXPECT_EQ(ev.bars[0].low.toString(), "16608");
    EXPECT_EQ(ev.bars[0].quoteVolume.toString(), "34666.4005");
    EXPECT_FALSE(ev.bars[0].closed);

    ev = decodeOk(doc("tickers-spot.json"));
    ASSERT_EQ(ev.kind, by::EventKind::Ticker);
    EXPECT_EQ(ev.ticker.lastPrice.toString(), "21109.77");
    EXPECT_EQ(ev.ticker.highPrice.toString(), "21426.99");
    EXPECT_EQ(ev.ticker.lowPrice.toString(), "20575");
    EXPECT_EQ(ev.timeMs, 1673853746003);  // "ts" comes before "type" in spot messages

    ev = decodeOk(doc("orderbook-snapshot.json"));
    ASSERT_EQ(ev.kind, by::EventKind::Book);
    EXPECT_TRUE(ev.snapshot);
    EXPECT_EQ(ev.bookDepth, 50);
    EXPECT_EQ(ev.updateId, 18521288);
    EXPECT_EQ(ev.crossSeq, 7961638724);
    ASSERT_EQ(ev.bids.size(), 2u);
    EXPECT_EQ(ev.bids[1].price.toString(), "16493.00");
    EXPECT_EQ(ev.asks[1].quantity.toString(), "0.213");

    ev = decodeOk(doc("orderbook-delta.json"));
    EXPECT_FALSE(ev.snapshot);
    EXPECT_EQ(ev.bids.size(), 5u);
    EXPECT_EQ(ev.asks.size(), 7u);
    EXPECT_TRUE(ev.bids[4].quantity.isZero());  // "0" deletes the level
    EXPECT_EQ(ev.updateId, 177400507);

    ev = decodeOk(doc("pong-spot.json"));
    EXPECT_EQ(ev.kind, by::EventKind::Control);
    EXPECT_TRUE(ev.success);
    EXPECT_EQ(ev.message, "pong");
    ev = decodeOk(doc("subscribe-response-spot.json"));
    EXPECT_EQ(ev.kind, by::EventKind::Control);
    EXPECT_EQ(ev.op, "subscribe");
}

TEST(BybitCodec, DocRestBodies) {
    auto bars = by::parseKlines(doc("rest-kline.json"));
    ASSERT_TRUE(bars.ok()) << bars.message();
    ASSERT_EQ(bars->size(), 3u);  // newest first, as sent
    EXPECT_EQ((*bars)[0].openTimeMs, 1670608800000);
    EXPECT_EQ((*bars)[0].close.toString(), "17055.5");
    EXPECT_EQ((*bars)[0].volume.toString(), "268611");
    EXPECT_EQ((*bars)[0].quoteVolume.toString(), "15.74462667");
    EXPECT_EQ((*bars)[2].openTimeMs, 1670601600000);
    auto err = by::parseKlines(R"({"retCode":10001,"retMsg":"params error","result":{}})");
    ASSERT_FALSE(err.ok());
    EXPECT_NE(err.message().find("10001"), std::string::npos);
    auto inst = by::parseInstruments(QByteArray::fromStdString(doc("rest-instruments-info-spot.json")));
    ASSERT_TRUE(inst.ok()) << inst.message();
    EXPECT_EQ(inst->at(0).lotSize.toString(), "0.000001");
    EXPECT_EQ(by::retCode(doc("rest-time.json")), 0);
}

TEST(BybitCodec, RecordedOrderbookStreamDecodesExactly) {
    QFile f(QString::fromStdString(test::fixture("feeds/bybit/bybit_linear_XRPUSDT_ob500_2024-12-01.jsonl")));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    int n = 0, snapshots = 0;
    std::int64_t prevU = 0;
    by::Event ev;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.trimmed().isEmpty()) continue;
        const std::string json = line.toStdString();
        ASSERT_TRUE(by::decode(json, ev).ok()) << json.substr(0, 120);
        ASSERT_EQ(ev.kind, by::EventKind::Book);
        EXPECT_EQ(ev.bookDepth, 500);
        EXPECT_EQ(ev.symbol, "XRPUSDT");
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QJsonObject d = o.value("data").toObject();
        EXPECT_EQ(ev.updateId, d.value("u").toInteger());
        EXPECT_EQ(ev.timeMs, o.value("ts").toInteger());
        const QJsonArray b = d.value("b").toArray(), a = d.value("a").toArray();
        ASSERT_EQ(ev.bids.size(), static_cast<std::size_t>(b.size()));
        ASSERT_EQ(ev.asks.size(), static_cast<std::size_t>(a.size()));
        for (qsizetype i = 0; i < b.size(); ++i) {
            EXPECT_EQ(ev.bids[static_cast<std::size_t>(i)].price.toString(), b[i].toArray()[0].toString().toStdString());
            EXPECT_EQ(ev.bids[static_cast<std::size_t>(i)].quantity.toString(), b[i].toArray()[1].toString().toStdString());
        }
        for (qsizetype i = 0; i < a.size(); ++i)
            EXPECT_EQ(ev.asks[static_cast<std::size_t>(i)].price.toString(), a[i].toArray()[0].toString().toStdString());
        snapshots += ev.snapshot;
        if (n > 0) {
            EXPECT_EQ(ev.updateId, prevU + 1);
        }
        prevU = ev.updateId;
        ++n;
    }
    EXPECT_EQ(n, 50);
    EXPECT_EQ(snapshots, 1);
}

TEST(BybitCodec, MalformedAndUnknown) {
    by::Event ev;
    EXPECT_FALSE(by::decode("{", ev).ok());
    EXPECT_FALSE(by::decode(R"({"topic":"publicTrade.BTCUSDT","data":[{"T":1,"S":"Buy","v":"x1","p":"1","i":"a"}]})", ev).ok());
    EXPECT_EQ(ev.kind, by::EventKind::Trades);
    EXPECT_FALSE(by::decode(R"({"topic":"publicTrade.BTCUSDT","data":[{"T":1,"S":"Buy","p":"1","i":"a"}]})", ev).ok());
    ASSERT_TRUE(by::decode(R"({"topic":"liquidation.BTCUSDT","data":{}})", ev).ok());
    EXPECT_EQ(ev.kind, by::EventKind::Unknown);
    // data before topic
    ASSERT_TRUE(
        by::decode(
            R"({"data":[{"T":1,"S":"Sell","v":"2","p":"3.10","i":"9"}],"ts":5,"topic":"publicTrade.ETHUSDT","type":"snapshot"})",
            ev)
            .ok());
    ASSERT_EQ(ev.trades.size(), 1u);
    EXPECT_EQ(ev.trades[0].aggressor, Side::Sell);
    EXPECT_EQ(ev.symbol, "ETHUSDT");
    EXPECT_EQ(by::intervalFor(Timeframe::D1), std::optional<std::string_view>("D"));
    EXPECT_FALSE(by::intervalFor(Timeframe::H8).has_value());
}

}  // namespace
