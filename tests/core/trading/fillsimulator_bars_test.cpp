// FillSimulator against bars: the backtest fill rules on real Binance BTCUSDT 1h bars, with
// answers computed by hand from the CSV rows (quoted in each test) or by an independent loop.
#include "trading/fillsimulator.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

// The first rows of binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv:
//  #  open_time      open      high      low       close     volume
//  0  1600560000000  11080.64  11080.64  11042.7   11056     1168.906046
//  1  1600563600000  11056     11056     10921     10939.63  2716.57855
//  2  1600567200000  10939.63  10966.88  10913     10918.19  1372.808095
//  3  1600570800000  10918.37  10954.92  10899.33  10948.81  1125.161853
//  4  1600574400000  10948.8   10982.24  10933     10968     1070.778974

class BarsTest : public ::testing::Test {
protected:
    void SetUp() override {
        bars = &btcHourBars();
        ASSERT_GT(bars->size(), 20000u);
        ASSERT_EQ((*bars)[1].open, px("11056"));
        sim.addInstrument(btcusdt());
    }
    // The time an order placed on bar i's close carries: bar i+1's open time.
    std::int64_t closeOf(std::size_t i) const { return (*bars)[i + 1].openTimeMs; }
    OrderEvents bar(std::size_t i) { return sim.onBar(btcusdt().id, (*bars)[i]); }

    const std::vector<Bar>* bars = nullptr;
    FillSimulator sim;
};

TEST_F(BarsTest, MarketOrderFillsAtTheNextBarsOpenAndPaysTheTakerFee) {
    // GIVEN bar 0 seen, WHEN a market buy of 0.01 BTC is placed on its close
    bar(0);
    auto ev = sim.submit(request(Side::Buy, OrderType::Market, "0.01000"), closeOf(0));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].kind, OrderEventKind::Accepted);
    EXPECT_TRUE(fillsOf(ev).empty());  // nothing fills before the next bar
    // THEN it fills whole at bar 1's open 11056, taker, fee 10 bp of 110.56 = 0.11056
    auto fills = fillsOf(bar(1));
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].price, px("11056"));
    EXPECT_EQ(fills[0].quantity, qty("0.01"));
    EXPECT_EQ(fills[0].liquidity, Liquidity::Taker);
    EXPECT_EQ(fills[0].fee, money("0.11056"));
    EXPECT_EQ(fills[0].timeMs, (*bars)[1].openTimeMs);
    EXPECT_EQ(sim.order(fills[0].orderId)->status, OrderStatus::Filled);
}

TEST_F(BarsTest, NoLookAheadAnOrderPlacedInsideABarWaitsForTheNextOne) {
    bar(0);
    // Placed one millisecond after bar 1 opened: bar 1's prices were not all known then.
    auto ev = sim.submit(request(Side::Buy, OrderType::Market, "0.01000"), (*bars)[1].openTimeMs + 1);
    const OrderId id = ev[0].order.id;
    EXPECT_TRUE(fillsOf(bar(1)).empty());
    auto fills = fillsOf(bar(2));
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].orderId, id);
    EXPECT_EQ(fills[0].price, px("10939.63"));  // bar 2's open
    EXPECT_EQ(fills[0].fee, money("0.1093963"));
}

TEST_F(BarsTest, ABarSeenTwiceDoesNotFillTwice) {
    bar(0);
    sim.submit(request(Side::Buy, OrderType::Market, "0.01000"), closeOf(0));
    sim.submit(request(Side::Buy, OrderType::Limit, "0.01000"), closeOf(0));  // rejected: no limit price
    EXPECT_EQ(fillsOf(bar(1)).size(), 1u);
    sim.submit(request(Side::Buy, OrderType::Market, "0.01000"), (*bars)[1].openTimeMs);
    EXPECT_TRUE(bar(1).empty());  // same bar again: ignored
    EXPECT_EQ(fillsOf(bar(2)).size(), 1u);
}

TEST_F(BarsTest, LimitBuyFillsAtItsPriceInTheFirstBarWhoseLowReachesIt) {
    SimulatorConfig cfg;
    cfg.rules.fees.makerBps = Bps::parse("7.5").value();
    FillSimulator s(cfg);
    s.addInstrument(btcusdt());
    auto r = request(Side::Buy, OrderType::Limit, "0.01000");
    r.limitPrice = px("10920.00");
    s.onBar(btcusdt().id, (*bars)[0]);
    s.submit(r, closeOf(0));
    // bar 1 low 10921 > 10920: rests
    EXPECT_TRUE(fillsOf(s.onBar(btcusdt().id, (*bars)[1])).empty());
    // bar 2 open 10939.63 > 10920, low 10913 <= 10920: fills at 10920 as maker,
    // fee 7.5 bp of 109.2 = 0.0819
    auto fills = fillsOf(s.onBar(btcusdt().id, (*bars)[2]));
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].price, px("10920"));
    EXPECT_EQ(fills[0].liquidity, Liquidity::Maker);
    EXPECT_EQ(fills[0].fee, money("0.0819"));
    EXPECT_EQ(fills[0].timeMs, (*bars)[2].openTimeMs);
}

// Independent loop: for limits 3 % away from the close at many starting bars, the first bar
// that reaches the limit and the fill price min(open, limit) (max for sells).
TEST_F(BarsTest, LimitOrdersFillAtTheBarAndPriceAnIndependentLoopFinds) {
    const Instrument inst = btcusdt();
    int checked = 0;
    for (std::size_t start = 10; start + 400 < bars->size() && start < 30000; start += 997) {
        for (Side side : {Side::Buy, Side::Sell}) {
            FillSimulator s;
            s.addInstrument(inst);
            s.onBar(inst.id, (*bars)[start]);
            const Price close = (*bars)[start].close;
            // 3 % away, rounded to the tick away from the market.
            auto away = side == Side::Buy ? close.mulInt(97) : close.mulInt(103);
            auto level = away->divInt(100, 2, side == Side::Buy ? RoundingMode::Floor : RoundingMode::Ceiling);
            auto r = request(side, OrderType::Limit, "0.01000");
            r.limitPrice = *level;
            ASSERT_FALSE(fillsOf(s.submit(r, closeOf(start))).size());
            std::optional<std::size_t> expectBar;
            Price expectPrice;
            for (std::size_t j = start + 1; j < bars->size() && j < start + 400; ++j) {
                const Bar& b = (*bars)[j];
                if (side == Side::Buy ? b.low <= *level : b.high >= *level) {
                    expectBar = j;
                    expectPrice = side == Side::Buy ? (b.open < *level ? b.open : *level) : (b.open > *level ? b.open : *level);
                    break;
                }
            }
            std::optional<Fill> got;
            std::size_t gotBar = 0;
            for (std::size_t j = start + 1; j < bars->size() && j < start + 400 && !got; ++j) {
                auto f = fillsOf(s.onBar(inst.id, (*bars)[j]));
                if (!f.empty()) {
                    got = f[0];
                    gotBar = j;
                }
            }
            ASSERT_EQ(expectBar.has_value(), got.has_value()) << "start " << start;
            if (!got) continue;
            EXPECT_EQ(gotBar, *expectBar) << "start " << start;
            EXPECT_EQ(got->price, expectPrice) << "start " << start;
            EXPECT_EQ(got->liquidity,
                      got->price == *level && (*bars)[gotBar].open != *level ? Liquidity::Maker : Liquidity::Taker);
            ++checked;
        }
    }
    EXPECT_GE(checked, 40);
}

TEST_F(BarsTest, StopBuyFillsAtItsStopWithSlippageWhenTheBarReachesIt) {
    SimulatorConfig cfg;
    cfg.rules.slippageBps = Bps::parse("5").value();
    FillSimulator s(cfg);
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, (*bars)[3]);
    auto r = request(Side::Buy, OrderType::Stop, "0.01000");
    r.stopPrice = px("10960.00");
    s.submit(r, closeOf(3));
    // bar 4: open 10948.8 < 10960 <= high 10982.24 -> triggered at 10960; 5 bp slippage:
    // 10960 x 1.0005 = 10965.48; fee 10 bp of 109.6548 = 0.1096548
    auto ev = s.onBar(btcusdt().id, (*bars)[4]);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].kind, OrderEventKind::Triggered);
    ASSERT_TRUE(ev[1].fill);
    EXPECT_EQ(ev[1].fill->price, px("10965.48"));
    EXPECT_EQ(ev[1].fill->liquidity, Liquidity::Taker);
    EXPECT_EQ(ev[1].fill->fee, money("0.1096548"));
}

TEST_F(BarsTest, StopBuyBelowTheMarketTriggersAtTheOpen) {
    bar(0);
    auto r = request(Side::Buy, OrderType::Stop, "0.01000");
    r.stopPrice = px("10900.00");
    sim.submit(r, closeOf(0));
    auto fills = fillsOf(bar(1));  // bar 1 opens at 11056 >= 10900: max(open, stop) = 11056
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].price, px("11056"));
}

TEST_F(BarsTest, OrdersTakeAtMostTheConfiguredShareOfABarsVolume) {
    SimulatorConfig cfg;
    cfg.maxBarVolumePercent = 1;
    FillSimulator s(cfg);
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, (*bars)[0]);
    s.submit(request(Side::Buy, OrderType::Market, "40.00000"), closeOf(0));
    // bar 1 volume 2716.57855 -> 1 % = 27.1657855 -> lot 0.00001: 27.16578 at the open 11056
    auto ev1 = s.onBar(btcusdt().id, (*bars)[1]);
    ASSERT_EQ(ev1.size(), 1u);
    EXPECT_EQ(ev1[0].kind, OrderEventKind::PartiallyFilled);
    EXPECT_EQ(ev1[0].fill->quantity, qty("27.16578"));
    EXPECT_EQ(ev1[0].order.status, OrderStatus::PartiallyFilled);
    // bar 2 volume 1372.808095 -> cap 13.72808, more than the 12.83422 left: filled at 10939.63
    auto ev2 = s.onBar(btcusdt().id, (*bars)[2]);
    ASSERT_EQ(ev2.size(), 1u);
    EXPECT_EQ(ev2[0].kind, OrderEventKind::Filled);
    EXPECT_EQ(ev2[0].fill->quantity, qty("12.83422"));
    EXPECT_EQ(ev2[0].fill->price, px("10939.63"));
    // average: (27.16578 x 11056 + 12.83422 x 10939.63) / 40 = (300344.86368 + 140401.6181386) / 40
    EXPECT_EQ(ev2[0].order.filledNotional, money("440746.4818186"));
    EXPECT_EQ(ev2[0].order.averageFillPrice(4), px("11018.6620"));
}

// Bars 19..21 (2020-09-20 19:00-21:00 UTC):
//  19  ...                                         close 10871.03
//  20  open 10871.03  high 10878.39  low 10837.85  close 10850.7
//  21  open 10850.7   high 10893.27  low 10813.51  close 10871.67
TEST_F(BarsTest, StopLossAndTakeProfitInsideOneBarStopLossFirst) {
    bar(19);
    auto r = request(Side::Buy, OrderType::Market, "0.01000");
    r.bracket.stopLoss = px("10818.51");
    r.bracket.takeProfit = px("10888.27");
    auto acc = sim.submit(r, closeOf(19));
    ASSERT_EQ(acc[0].kind, OrderEventKind::Accepted) << acc[0].order.rejectReason;
    // bar 20: the entry fills at the open 10871.03; its low 10837.85 stays above the stop-loss
    auto ev20 = bar(20);
    auto f20 = fillsOf(ev20);
    ASSERT_EQ(f20.size(), 1u);
    EXPECT_EQ(f20[0].price, px("10871.03"));
    ASSERT_EQ(sim.openOrders().size(), 2u);  // stop-loss and take-profit
    // bar 21 reaches both 10818.51 (low 10813.51) and 10888.27 (high 10893.27): stop-loss first
    auto ev21 = bar(21);
    auto f21 = fillsOf(ev21);
    ASSERT_EQ(f21.size(), 1u);
    EXPECT_EQ(f21[0].side, Side::Sell);
    EXPECT_EQ(f21[0].price, px("10818.51"));
    EXPECT_EQ(f21[0].clientOrderId, acc[0].order.request.clientOrderId + "-SL");
    bool tpCancelled = false;
    for (const auto& e : ev21)
        if (e.kind == OrderEventKind::Cancelled && e.order.role == OrderRole::TakeProfit) {
            tpCancelled = true;
            EXPECT_NE(e.order.rejectReason.find("one-cancels-the-other"), std::string::npos);
        }
    EXPECT_TRUE(tpCancelled);
    EXPECT_TRUE(sim.openOrders().empty());
}

TEST_F(BarsTest, StopLossIsCheckedInTheEntrysOwnBar) {
    bar(19);
    auto r = request(Side::Buy, OrderType::Market, "0.01000");
    r.bracket.stopLoss = px("10840.00");    // bar 20's low 10837.85 reaches it after the entry
    r.bracket.takeProfit = px("10875.00");  // bar 20's high 10878.39 would too: not in the entry bar
    sim.submit(r, closeOf(19));
    auto fills = fillsOf(bar(20));
    ASSERT_EQ(fills.size(), 2u);
    EXPECT_EQ(fills[0].price, px("10871.03"));
    EXPECT_EQ(fills[1].price, px("10840"));
    EXPECT_EQ(fills[1].side, Side::Sell);
}

TEST_F(BarsTest, RejectionsNameTheFilterThatFailed) {
    bar(0);  // last close 11056: the reference for market orders
    auto reason = [&](OrderRequest r) {
        auto ev = sim.submit(std::move(r), closeOf(0));
        EXPECT_EQ(ev.size(), 1u);
        EXPECT_EQ(ev[0].kind, OrderEventKind::Rejected);
        EXPECT_EQ(ev[0].order.status, OrderStatus::Rejected);
        return ev[0].order.rejectReason;
    };
    auto limit = request(Side::Buy, OrderType::Limit, "0.01000");
    limit.limitPrice = px("10920.005");
    EXPECT_EQ(reason(limit), "limit price 10920.005 is not a multiple of the tick size 0.01 of BTCUSDT");

    auto lot = request(Side::Buy, OrderType::Limit, "0.000015");
    lot.limitPrice = px("10920.00");
    EXPECT_EQ(reason(lot), "quantity 0.000015 is not a multiple of the step 0.00001 (lot size of BTCUSDT)");

    auto small = request(Side::Buy, OrderType::Limit, "0.00040");
    small.limitPrice = px("10920.00");
    EXPECT_EQ(reason(small), "order value 4.368 USDT (0.0004 x 10920) is below the minimum of 5 USDT for BTCUSDT");

    // market: valued at the last close 11056 -> 0.0004 x 11056 = 4.4224
    EXPECT_EQ(reason(request(Side::Buy, OrderType::Market, "0.00040")),
              "order value 4.4224 USDT (0.0004 x 11056) is below the minimum of 5 USDT for BTCUSDT");

    EXPECT_EQ(reason(request(Side::Sell, OrderType::Market, "0")), "quantity 0 must be greater than zero");
    EXPECT_EQ(reason(request(Side::Buy, OrderType::StopLimit, "0.01")), "a stop-limit order needs a limit price");

    auto wrongSide = request(Side::Buy, OrderType::Market, "0.01");
    wrongSide.bracket.stopLoss = px("11100.00");
    EXPECT_EQ(reason(wrongSide), "stop-loss 11100 must be below the entry price 11056 of a buy");

    auto ioc = request(Side::Buy, OrderType::Stop, "0.01");
    ioc.stopPrice = px("11100.00");
    ioc.timeInForce = TimeInForce::Ioc;
    EXPECT_EQ(reason(ioc), "a stop order cannot be IOC: it waits for its stop price; use GTC");

    auto other = request(Side::Buy, OrderType::Market, "1");
    other.instrument = InstrumentId{"BINANCE", "ETHUSDT"};
    EXPECT_EQ(reason(other), "no trading rules for BINANCE:ETHUSDT (unknown instrument)");

    EXPECT_TRUE(sim.openOrders().empty());
    EXPECT_TRUE(fillsOf(bar(1)).empty());
}

TEST_F(BarsTest, CancelledOrdersDoNotFill) {
    bar(0);
    auto r = request(Side::Buy, OrderType::Limit, "0.01000");
    r.limitPrice = px("10920.00");
    const OrderId id = sim.submit(r, closeOf(0))[0].order.id;
    auto c = sim.cancel(id, closeOf(0));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)[0].kind, OrderEventKind::Cancelled);
    EXPECT_FALSE(sim.cancel(id, closeOf(0)).ok());
    EXPECT_FALSE(sim.cancel(999, closeOf(0)).ok());
    bar(1);
    EXPECT_TRUE(fillsOf(bar(2)).empty());  // bar 2 would have filled it
}

// ---- Synthetic edge cases (hand-made bars) ----

Bar synthBar(std::int64_t t, const char* o, const char* h, const char* l, const char* c) {
    Bar b;
    b.openTimeMs = t;
    b.open = px(o);
    b.high = px(h);
    b.low = px(l);
    b.close = px(c);
    b.volume = qty("100");
    return b;
}

TEST(FillSimulatorSynthetic, LimitBuyGappedThroughFillsAtTheOpenAsTaker) {
    FillSimulator s;
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, synthBar(0, "100.00", "101.00", "99.00", "100.00"));
    auto r = request(Side::Buy, OrderType::Limit, "1");
    r.limitPrice = px("98.00");
    s.submit(r, 1000);
    auto f = fillsOf(s.onBar(btcusdt().id, synthBar(1000, "95.00", "96.00", "94.00", "95.00")));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].price, px("95.00"));  // min(open, limit)
    EXPECT_EQ(f[0].liquidity, Liquidity::Taker);
}

TEST(FillSimulatorSynthetic, SellStopGappedThroughFillsAtTheOpen) {
    FillSimulator s;
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, synthBar(0, "100.00", "101.00", "99.00", "100.00"));
    auto r = request(Side::Sell, OrderType::Stop, "1");
    r.stopPrice = px("98.00");
    s.submit(r, 1000);
    auto f = fillsOf(s.onBar(btcusdt().id, synthBar(1000, "95.00", "96.00", "94.00", "95.00")));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].price, px("95.00"));  // worse than the stop: min(open, stop)
}

TEST(FillSimulatorSynthetic, StopLimitTriggeredAboveItsLimitRestsUntilTheNextBar) {
    FillSimulator s;
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, synthBar(0, "100.00", "101.00", "99.00", "100.00"));
    auto r = request(Side::Buy, OrderType::StopLimit, "1");
    r.stopPrice = px("102.00");
    r.limitPrice = px("101.50");
    s.submit(r, 1000);
    // gaps to 103 at the open: triggered at 103 > limit 101.5 -> no fill in this bar
    auto ev = s.onBar(btcusdt().id, synthBar(1000, "103.00", "104.00", "101.00", "103.00"));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].kind, OrderEventKind::Triggered);
    // next bar dips to 101.2: the resting limit fills at 101.5 (maker)
    auto f = fillsOf(s.onBar(btcusdt().id, synthBar(2000, "102.00", "102.50", "101.20", "102.00")));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].price, px("101.50"));
    EXPECT_EQ(f[0].liquidity, Liquidity::Maker);
}

TEST(FillSimulatorSynthetic, NearerToOpenRuleTakesTheTakeProfitWhenItIsCloser) {
    SimulatorConfig cfg;
    cfg.tieRule = BracketTieRule::NearerToOpenFirst;
    FillSimulator s(cfg);
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, synthBar(0, "100.00", "101.00", "99.00", "100.00"));
    auto r = request(Side::Buy, OrderType::Market, "1");
    r.bracket.stopLoss = px("90.00");
    r.bracket.takeProfit = px("105.00");
    s.submit(r, 1000);
    s.onBar(btcusdt().id, synthBar(1000, "100.00", "101.00", "99.00", "100.00"));
    // open 103: take-profit 2 away, stop-loss 13 away
    auto f = fillsOf(s.onBar(btcusdt().id, synthBar(2000, "103.00", "106.00", "89.00", "95.00")));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].price, px("105.00"));
    EXPECT_TRUE(s.openOrders().empty());
}

TEST(FillSimulatorSynthetic, GapThroughTheTakeProfitBeatsTheTieRule) {
    FillSimulator s;  // StopLossFirst
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, synthBar(0, "100.00", "101.00", "99.00", "100.00"));
    auto r = request(Side::Buy, OrderType::Market, "1");
    r.bracket.stopLoss = px("90.00");
    r.bracket.takeProfit = px("105.00");
    s.submit(r, 1000);
    s.onBar(btcusdt().id, synthBar(1000, "100.00", "101.00", "99.00", "100.00"));
    auto f = fillsOf(s.onBar(btcusdt().id, synthBar(2000, "107.00", "108.00", "89.00", "95.00")));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].price, px("107.00"));  // the open was already past the take-profit
}

TEST(FillSimulatorSynthetic, IocTakesPartInOneBarOnly) {
    FillSimulator s;
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, synthBar(0, "100.00", "101.00", "99.00", "100.00"));
    auto r = request(Side::Buy, OrderType::Limit, "1");
    r.limitPrice = px("98.00");
    r.timeInForce = TimeInForce::Ioc;
    s.submit(r, 1000);
    auto ev = s.onBar(btcusdt().id, synthBar(1000, "100.00", "101.00", "99.00", "100.00"));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].kind, OrderEventKind::Cancelled);
    EXPECT_TRUE(fillsOf(s.onBar(btcusdt().id, synthBar(2000, "97.00", "97.00", "96.00", "96.00"))).empty());
}

TEST(FillSimulatorSynthetic, BracketChildrenGrowWithPartialEntryFills) {
    SimulatorConfig cfg;
    cfg.maxBarVolumePercent = 50;  // 50 of each bar's 100
    FillSimulator s(cfg);
    s.addInstrument(btcusdt());
    s.onBar(btcusdt().id, synthBar(0, "100.00", "101.00", "99.00", "100.00"));
    auto r = request(Side::Buy, OrderType::Market, "80");
    r.bracket.stopLoss = px("90.00");
    s.submit(r, 1000);
    s.onBar(btcusdt().id, synthBar(1000, "100.00", "101.00", "99.00", "100.00"));
    auto open = s.openOrders();
    ASSERT_EQ(open.size(), 2u);
    EXPECT_EQ(open[1].role, OrderRole::StopLoss);
    EXPECT_EQ(open[1].request.quantity, qty("50"));
    s.onBar(btcusdt().id, synthBar(2000, "100.00", "101.00", "99.00", "100.00"));
    open = s.openOrders();
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].request.quantity, qty("80"));
}

}  // namespace
}  // namespace kairos::trading
