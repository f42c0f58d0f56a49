// FillSimulator against quotes and trades (paper trading), on a real recorded Binance USD-M
// stream (tests/data/feeds/binance/binance_usdm_ws_2021-07-22.cryptofeed.log): SUSHIUSDT
// bookTicker updates and CTKUSDT aggTrades.
#include "fakeservers.h"
#include "marketdata/binancecodec.h"
#include "trading/fillsimulator.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;
namespace bn = kairos::marketdata::binance;

Instrument usdm(const char* symbol, const char* tick) {
    Instrument i;
    i.id = InstrumentId{"BINANCE_UM", symbol};
    i.quoteAsset = "USDT";
    i.tickSize = px(tick);  // the decimals the stream prints
    i.lotSize = qty("1");
    i.minNotional = money("5");
    return i;
}

struct Recorded {
    std::vector<Quote> sushiQuotes;
    std::vector<Trade> ctkTrades;
};

const Recorded& recorded() {
    static const Recorded r = [] {
        Recorded out;
        bn::Event ev;
        for (const auto& line :
             kairos::test::readCryptofeedLog(kairos::test::fixture("feeds/binance/binance_usdm_ws_2021-07-22.cryptofeed.log"))) {
            const std::string json = line.json.toStdString();
            if (!bn::decode(json, ev).ok()) continue;
            if (ev.kind == bn::EventKind::BookTicker && ev.symbol == "SUSHIUSDT") {
                Quote q = ev.quote;
                if (q.timeMs == 0) q.timeMs = ev.eventTimeMs;
                out.sushiQuotes.push_back(q);
            }
            if (ev.kind == bn::EventKind::AggTrade && ev.symbol == "CTKUSDT") out.ctkTrades.push_back(ev.trade);
        }
        return out;
    }();
    return r;
}

OrderRequest req(const Instrument& inst, Side side, OrderType type, const char* quantity) {
    OrderRequest r;
    r.instrument = inst.id;
    r.side = side;
    r.type = type;
    r.quantity = qty(quantity);
    return r;
}

TEST(FillSimulatorLive, RecordingHasWhatTheseTestsNeed) {
    EXPECT_GE(recorded().sushiQuotes.size(), 100u);
    EXPECT_GE(recorded().ctkTrades.size(), 10u);
}

TEST(FillSimulatorLive, MarketBuyFillsAtOnceAtTheAskAndSellAtTheBid) {
    const Instrument sushi = usdm("SUSHIUSDT", "0.0001");
    FillSimulator s;
    s.addInstrument(sushi);
    const Quote& q = recorded().sushiQuotes.front();  // bid 7.6110, ask 7.6120
    ASSERT_EQ(q.ask, px("7.6120"));
    EXPECT_TRUE(s.onQuote(sushi.id, q).empty());
    auto buy = fillsOf(s.submit(req(sushi, Side::Buy, OrderType::Market, "10"), q.timeMs));
    ASSERT_EQ(buy.size(), 1u);
    EXPECT_EQ(buy[0].price, px("7.6120"));
    EXPECT_EQ(buy[0].fee, money("0.07612"));  // 10 bp of 76.12
    auto sell = fillsOf(s.submit(req(sushi, Side::Sell, OrderType::Market, "10"), q.timeMs));
    ASSERT_EQ(sell.size(), 1u);
    EXPECT_EQ(sell[0].price, px("7.6110"));
}

TEST(FillSimulatorLive, RestingLimitFillsAtTheFirstQuoteWhoseAskReachesIt) {
    const Instrument sushi = usdm("SUSHIUSDT", "0.0001");
    const auto& quotes = recorded().sushiQuotes;
    // From the quote with the highest ask, a buy limit at the lowest ask that follows: it rests
    // at first and fills when the ask first gets there (found by this independent loop).
    std::size_t start = 0;
    for (std::size_t i = 0; i < quotes.size(); ++i)
        if (quotes[i].ask > quotes[start].ask) start = i;
    Price lowest = quotes[start].ask;
    for (std::size_t i = start; i < quotes.size(); ++i) lowest = quotes[i].ask < lowest ? quotes[i].ask : lowest;
    ASSERT_LT(lowest, quotes[start].ask);
    std::size_t expected = start;
    while (quotes[expected].ask > lowest) ++expected;

    FillSimulator s;
    s.addInstrument(sushi);
    s.onQuote(sushi.id, quotes[start]);
    auto r = req(sushi, Side::Buy, OrderType::Limit, "10");
    r.limitPrice = lowest;
    auto ev = s.submit(r, quotes[start].timeMs);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].kind, OrderEventKind::Accepted);
    std::optional<std::size_t> filledAt;
    std::optional<Fill> fill;
    for (std::size_t i = start + 1; i < quotes.size() && !fill; ++i) {
        auto f = fillsOf(s.onQuote(sushi.id, quotes[i]));
        if (!f.empty()) {
            filledAt = i;
            fill = f[0];
        }
    }
    ASSERT_TRUE(fill);
    EXPECT_EQ(*filledAt, expected);
    EXPECT_EQ(fill->price, lowest);
    EXPECT_EQ(fill->liquidity, Liquidity::Maker);
    EXPECT_EQ(fill->timeMs, quotes[expected].timeMs);
}

TEST(FillSimulatorLive, RestingLimitNeedsATradeThroughItsPrice) {
    const Instrument ctk = usdm("CTKUSDT", "0.00001");
    const auto& trades = recorded().ctkTrades;
    // A buy limit at the recording's lowest trade price: a trade AT the limit is not enough
    // (the queue ahead may take it), so it never fills here; one tick above it fills at the
    // first trade strictly below.
    Price lowest = trades.front().price;
    for (const auto& t : trades) lowest = t.price < lowest ? t.price : lowest;
    ASSERT_LT(lowest, trades.front().price);
    for (bool oneTickAbove : {false, true}) {
        FillSimulator s;
        s.addInstrument(ctk);
        Price limit = oneTickAbove ? *lowest.add(ctk.tickSize) : lowest;
        std::optional<std::size_t> expected;
        for (std::size_t i = 1; i < trades.size() && !expected; ++i)
            if (trades[i].price < limit) expected = i;
        s.onTrade(ctk.id, trades.front());
        auto r = req(ctk, Side::Buy, OrderType::Limit, "10");
        r.limitPrice = limit;
        ASSERT_TRUE(fillsOf(s.submit(r, trades.front().timeMs)).empty());
        std::optional<std::size_t> got;
        for (std::size_t i = 1; i < trades.size() && !got; ++i) {
            auto f = fillsOf(s.onTrade(ctk.id, trades[i]));
            if (!f.empty()) {
                got = i;
                EXPECT_EQ(f[0].price, limit);
            }
        }
        EXPECT_EQ(got.has_value(), oneTickAbove);
        EXPECT_EQ(got, expected);
    }
}

TEST(FillSimulatorLiveSynthetic, StopTriggersWhenTheAskReachesItAndIocCancelsTheRest) {
    const Instrument sushi = usdm("SUSHIUSDT", "0.0001");
    FillSimulator s;
    s.addInstrument(sushi);
    Quote q;
    q.timeMs = 1;
    q.bid = px("7.0000");
    q.ask = px("7.0010");
    s.onQuote(sushi.id, q);
    auto stop = req(sushi, Side::Buy, OrderType::Stop, "10");
    stop.stopPrice = px("7.1000");
    EXPECT_TRUE(fillsOf(s.submit(stop, 1)).empty());
    auto ioc = req(sushi, Side::Buy, OrderType::Limit, "10");
    ioc.limitPrice = px("6.9000");
    ioc.timeInForce = TimeInForce::Ioc;
    auto iev = s.submit(ioc, 1);
    ASSERT_EQ(iev.size(), 2u);
    EXPECT_EQ(iev[1].kind, OrderEventKind::Cancelled);
    q.timeMs = 2;
    q.bid = px("7.1100");
    q.ask = px("7.1200");
    auto ev = s.onQuote(sushi.id, q);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].kind, OrderEventKind::Triggered);
    EXPECT_EQ(ev[1].fill->price, px("7.1200"));
    EXPECT_TRUE(s.openOrders().empty());
}

TEST(FillSimulatorLiveSynthetic, RestoredOrdersKeepTheirIdsAndStillFill) {
    const Instrument sushi = usdm("SUSHIUSDT", "0.0001");
    FillSimulator a;
    a.addInstrument(sushi);
    auto r = req(sushi, Side::Buy, OrderType::Limit, "10");
    r.limitPrice = px("6.5000");
    r.bracket.stopLoss = px("6.0000");
    a.submit(r, 1);
    const auto open = a.openOrders();
    ASSERT_EQ(open.size(), 1u);

    FillSimulator b;
    b.addInstrument(sushi);
    ASSERT_TRUE(b.restore(open, a.nextOrderId(), a.nextFillId()).ok());
    EXPECT_FALSE(b.restore(open, 0, 0).ok());  // ids already held
    Quote q;
    q.timeMs = 5;
    q.bid = px("6.4000");
    q.ask = px("6.4900");
    auto f = fillsOf(b.onQuote(sushi.id, q));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].orderId, open[0].id);
    EXPECT_EQ(f[0].price, px("6.5000"));
    ASSERT_EQ(b.openOrders().size(), 1u);  // the stop-loss child
    EXPECT_GT(b.openOrders()[0].id, open[0].id);
}

}  // namespace
}  // namespace kairos::trading
