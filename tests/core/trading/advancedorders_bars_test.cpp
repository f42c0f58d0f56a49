// Trailing stops, OCO pairs, FOK, post-only and take-profit ladders in the fill simulator's bars
// mode (the backtest rules, also used by paper trading fed closed bars), on real Binance BTCUSDT
// 1h bars. Answers are computed by hand from the CSV rows quoted below, or by a plain integer loop
// over the bars written from the rule in fillsimulator.h.
#include "trading/fillsimulator.h"
#include "trading/venuerules.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

//  #  open_time      open      high      low       close     volume
//  0  1600560000000  11080.64  11080.64  11042.7   11056     1168.906046
//  1  1600563600000  11056     11056     10921     10939.63  2716.57855
//  2  1600567200000  10939.63  10966.88  10913     10918.19  1372.808095
//  3  1600570800000  10918.37  10954.92  10899.33  10948.81  1125.161853
//  4  1600574400000  10948.8   10982.24  10933     10968     1070.778974

class AdvancedBars : public ::testing::Test {
protected:
    void SetUp() override {
        bars = &btcHourBars();
        ASSERT_EQ((*bars)[1].open, px("11056"));
        sim.addInstrument(btcusdt());
    }
    std::int64_t closeOf(std::size_t i) const { return (*bars)[i + 1].openTimeMs; }
    OrderEvents bar(std::size_t i) { return sim.onBar(btcusdt().id, (*bars)[i]); }
    static const OrderEvent* find(const OrderEvents& ev, OrderEventKind kind, OrderId id) {
        for (const auto& e : ev)
            if (e.kind == kind && e.order.id == id) return &e;
        return nullptr;
    }

    const std::vector<Bar>* bars = nullptr;
    FillSimulator sim;
};

OrderRequest trailingStop(Side side, const char* quantity, Trailing t, std::optional<Price> activation = std::nullopt) {
    OrderRequest r = request(side, OrderType::Stop, quantity);
    r.trailing = t;
    r.stopPrice = activation;
    return r;
}
Trailing bips(int n) { return Trailing{TrailingKind::Bips, n, Price{}}; }
Trailing amount(const char* a) { return Trailing{TrailingKind::Amount, 0, px(a)}; }

TEST_F(AdvancedBars, TrailingSellStopOfOnePercentStartsAtTheOpenAndTriggersOnBar1sLow) {
    // GIVEN a sell trailing stop of 100 bips placed on bar 0's close, no activation price
    bar(0);
    const OrderId id = sim.submit(trailingStop(Side::Sell, "0.01000", bips(100)), closeOf(0))[0].order.id;
    // WHEN bar 1 comes: the best price is its open 11056, the stop 11056 x 0.99 = 10945.44
    auto ev = bar(1);
    // THEN bar 1's low 10921 reaches it: triggered and filled at 10945.44 (taker)
    ASSERT_NE(find(ev, OrderEventKind::Triggered, id), nullptr);
    auto fills = fillsOf(ev);
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].price, px("10945.44"));
    EXPECT_EQ(fills[0].liquidity, Liquidity::Taker);
    EXPECT_EQ(sim.order(id)->trailingExtreme, px("11056"));
    EXPECT_EQ(sim.order(id)->trailingStop, px("10945.44"));
}

TEST_F(AdvancedBars, TrailingBuyStopBy50FollowsTheLowsAndTriggersOnBar4) {
    // GIVEN a buy trailing stop 50.00 above the lowest price, placed on bar 0's close
    bar(0);
    const OrderId id = sim.submit(trailingStop(Side::Buy, "0.01000", amount("50")), closeOf(0))[0].order.id;
    // bar 1: best 11056 -> stop 11106, high 11056 no; low 10921 -> stop 10971; close 10939.63 < 10971
    EXPECT_TRUE(fillsOf(bar(1)).empty());
    EXPECT_EQ(sim.order(id)->trailingStop, px("10971"));
    // bar 2: high 10966.88 < 10971; low 10913 -> stop 10963; close 10918.19
    EXPECT_TRUE(fillsOf(bar(2)).empty());
    EXPECT_EQ(sim.order(id)->trailingStop, px("10963"));
    // bar 3: high 10954.92 < 10963; low 10899.33 -> stop 10949.33; close 10948.81 just below it
    EXPECT_TRUE(fillsOf(bar(3)).empty());
    EXPECT_EQ(sim.order(id)->trailingStop, px("10949.33"));
    // bar 4: open 10948.8 below the stop, high 10982.24 reaches it -> filled at 10949.33
    auto fills = fillsOf(bar(4));
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].price, px("10949.33"));
    EXPECT_EQ(fills[0].timeMs, (*bars)[4].openTimeMs);
}

TEST_F(AdvancedBars, TrailingStopWithActivationWaitsForItsPrice) {
    // GIVEN a sell trailing stop of 100 bips that activates at 10960, placed on bar 2's close
    for (std::size_t i = 0; i <= 2; ++i) bar(i);
    const OrderId id = sim.submit(trailingStop(Side::Sell, "0.01000", bips(100), px("10960")), closeOf(2))[0].order.id;
    // bar 3: high 10954.92 < 10960: not active
    bar(3);
    EXPECT_FALSE(sim.order(id)->trailingExtreme.has_value());
    // bar 4: high 10982.24 >= 10960: active from the high, stop floor(10982.24 x 0.99) = 10872.41
    EXPECT_TRUE(fillsOf(bar(4)).empty());
    EXPECT_EQ(sim.order(id)->trailingExtreme, px("10982.24"));
    EXPECT_EQ(sim.order(id)->trailingStop, px("10872.41"));
}

// The rule of fillsimulator.h, in integer cents, written independently of the simulator.
struct Trigger {
    std::size_t bar = 0;
    std::int64_t cents = 0;
};
std::optional<Trigger> plainTrailingSell(const std::vector<Bar>& bars, std::size_t from, int bps,
                                         std::optional<std::int64_t> activation) {
    auto c = [](const Price& p) { return p.rescaled(2, RoundingMode::Exact).value().raw(); };
    auto level = [bps](std::int64_t best) { return best * (10000 - bps) / 10000; };  // floor: all positive
    bool active = false;
    std::int64_t best = 0;
    for (std::size_t i = from; i < bars.size(); ++i) {
        const std::int64_t o = c(bars[i].open), h = c(bars[i].high), l = c(bars[i].low), cl = c(bars[i].close);
        if (!active) {
            if (!activation || o >= *activation) {
                active = true;
                best = o;
            } else if (h >= *activation) {
                active = true;
                best = h;
                if (cl <= level(best)) return Trigger{i, level(best)};
                continue;
            } else {
                continue;
            }
        }
        best = std::max(best, o);
        if (o <= level(best)) return Trigger{i, o};
        if (l <= level(best)) return Trigger{i, level(best)};
        best = std::max(best, h);
        if (cl <= level(best)) return Trigger{i, level(best)};
    }
    return std::nullopt;
}

TEST_F(AdvancedBars, TrailingSellStopsOnThousandsOfRealBarsTriggerWhereAPlainLoopSays) {
    // GIVEN trailing sell stops started at several places of five years of hourly bars, with and
    // without an activation price 2 % above the start's close
    int checked = 0;
    for (std::size_t start : {100u, 5000u, 12000u, 20000u, 30000u}) {
        for (int bps : {150, 300, 700}) {
            for (bool withActivation : {false, true}) {
                FillSimulator s;
                s.addInstrument(btcusdt());
                for (std::size_t i = start - 3; i < start; ++i) s.onBar(btcusdt().id, (*bars)[i]);
                const Price close = (*bars)[start - 1].close;
                std::optional<Price> act;
                if (withActivation)
                    act = roundToTick(*close.mulInt(102)->divInt(100, 4, RoundingMode::Floor), btcusdt(), RoundingMode::Floor)
                              .value();
                const OrderId id =
                    s.submit(trailingStop(Side::Sell, "0.01000", bips(bps), act), (*bars)[start].openTimeMs)[0].order.id;
                const auto expected = plainTrailingSell(
                    *bars, start, bps,
                    act ? std::optional<std::int64_t>(act->rescaled(2, RoundingMode::Exact).value().raw()) : std::nullopt);
                ASSERT_TRUE(expected.has_value()) << start << " " << bps;
                // WHEN the bars are played until it fills
                std::optional<Fill> fill;
                std::size_t at = 0;
                for (std::size_t i = start; i < bars->size() && !fill; ++i) {
                    auto f = fillsOf(s.onBar(btcusdt().id, (*bars)[i]));
                    if (!f.empty()) {
                        fill = f[0];
                        at = i;
                    }
                }
                // THEN it fills in the same bar at the same price
                ASSERT_TRUE(fill.has_value());
                EXPECT_EQ(fill->orderId, id);
                EXPECT_EQ(at, expected->bar) << "start " << start << ", " << bps << " bips";
                EXPECT_EQ(fill->price.rescaled(2, RoundingMode::Exact).value().raw(), expected->cents)
                    << "start " << start << ", " << bps << " bips";
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, 30);
}

OrderRequest oco(Side side, const char* quantity, const char* limit, const char* stop) {
    OrderRequest r = request(side, OrderType::Limit, quantity);
    r.limitPrice = px(limit);
    r.timeInForce = TimeInForce::PostOnly;
    r.ocoStop = OcoStopLeg{px(stop), std::nullopt};
    return r;
}

TEST_F(AdvancedBars, OcoStopLegFillsAndCancelsTheLimitLeg) {
    // GIVEN after bar 0 (close 11056) a sell OCO: limit maker 11100 above, stop 10950 below
    bar(0);
    auto placed = sim.submit(oco(Side::Sell, "0.01000", "11100", "10950"), closeOf(0));
    ASSERT_EQ(placed.size(), 2u);
    const OrderId limitLeg = placed[0].order.id;
    const OrderId stopLeg = placed[1].order.id;
    EXPECT_EQ(placed[0].order.ocoSiblingId, stopLeg);
    EXPECT_EQ(placed[1].order.ocoSiblingId, limitLeg);
    EXPECT_EQ(placed[1].order.request.type, OrderType::Stop);
    // WHEN bar 1 (high 11056, low 10921) comes
    auto ev = bar(1);
    // THEN the stop triggers and fills at 10950; the limit leg is cancelled
    auto fills = fillsOf(ev);
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].orderId, stopLeg);
    EXPECT_EQ(fills[0].price, px("10950"));
    const OrderEvent* cancelled = find(ev, OrderEventKind::Cancelled, limitLeg);
    ASSERT_NE(cancelled, nullptr);
    EXPECT_NE(cancelled->order.rejectReason.find("one-cancels-the-other"), std::string::npos);
    EXPECT_TRUE(sim.openOrders().empty());
}

TEST_F(AdvancedBars, OcoLimitLegFillsAsMakerAndCancelsTheStopLeg) {
    // GIVEN after bar 1 (close 10939.63) a buy OCO: limit 10920 below, stop 10990 above
    bar(0);
    bar(1);
    auto placed = sim.submit(oco(Side::Buy, "0.01000", "10920", "10990"), closeOf(1));
    const OrderId limitLeg = placed[0].order.id;
    const OrderId stopLeg = placed[1].order.id;
    // WHEN bar 2 (high 10966.88 < 10990, low 10913) comes
    auto ev = bar(2);
    // THEN the limit fills at 10920 as maker and the stop leg is cancelled
    auto fills = fillsOf(ev);
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].orderId, limitLeg);
    EXPECT_EQ(fills[0].price, px("10920"));
    EXPECT_EQ(fills[0].liquidity, Liquidity::Maker);
    EXPECT_NE(find(ev, OrderEventKind::Cancelled, stopLeg), nullptr);
}

TEST_F(AdvancedBars, OcoPartialFillOfOneLegCancelsTheOther) {
    // GIVEN at most 1 % of a bar's volume per order, and a buy OCO of 20 BTC after bar 1
    SimulatorConfig cfg;
    cfg.maxBarVolumePercent = 1;
    FillSimulator capped(cfg);
    capped.addInstrument(btcusdt());
    capped.onBar(btcusdt().id, (*bars)[0]);
    capped.onBar(btcusdt().id, (*bars)[1]);
    auto placed = capped.submit(oco(Side::Buy, "20.00000", "10920", "10990"), closeOf(1));
    const OrderId limitLeg = placed[0].order.id;
    // WHEN bar 2 (volume 1372.808095) reaches the limit
    auto ev = capped.onBar(btcusdt().id, (*bars)[2]);
    // THEN 1 % of it, 13.72808 BTC, fills and the stop leg is cancelled (Binance: any fill ends the other leg)
    auto fills = fillsOf(ev);
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].quantity, qty("13.72808"));
    EXPECT_EQ(capped.order(limitLeg)->status, OrderStatus::PartiallyFilled);
    EXPECT_EQ(capped.order(placed[1].order.id)->status, OrderStatus::Cancelled);
}

TEST_F(AdvancedBars, CancellingOneOcoLegCancelsBoth) {
    bar(0);
    auto placed = sim.submit(oco(Side::Sell, "0.01000", "11100", "10950"), closeOf(0));
    auto ev = sim.cancel(placed[1].order.id, closeOf(0));
    ASSERT_TRUE(ev.ok());
    EXPECT_EQ(ev->size(), 2u);
    EXPECT_TRUE(sim.openOrders().empty());
}

TEST_F(AdvancedBars, FokFillsTheWholeQuantityOrNothing) {
    // GIVEN at most 1 % of a bar's volume per order; bar 2 allows 13.72808 BTC
    SimulatorConfig cfg;
    cfg.maxBarVolumePercent = 1;
    FillSimulator capped(cfg);
    capped.addInstrument(btcusdt());
    capped.onBar(btcusdt().id, (*bars)[0]);
    capped.onBar(btcusdt().id, (*bars)[1]);
    auto big = request(Side::Buy, OrderType::Limit, "20.00000");
    big.limitPrice = px("10920");
    big.timeInForce = TimeInForce::Fok;
    auto small = big;
    small.quantity = qty("10.00000");
    const OrderId bigId = capped.submit(big, closeOf(1))[0].order.id;
    const OrderId smallId = capped.submit(small, closeOf(1))[0].order.id;
    // WHEN bar 2 reaches 10920
    auto ev = capped.onBar(btcusdt().id, (*bars)[2]);
    // THEN 20 BTC cannot fill whole: nothing fills and it is cancelled; 10 BTC fills whole
    auto fills = fillsOf(ev);
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].orderId, smallId);
    EXPECT_EQ(fills[0].quantity, qty("10"));
    EXPECT_EQ(capped.order(bigId)->status, OrderStatus::Cancelled);
    EXPECT_TRUE(capped.order(bigId)->filledQuantity.isZero());
    EXPECT_NE(capped.order(bigId)->rejectReason.find("FOK"), std::string::npos);
}

TEST_F(AdvancedBars, PostOnlyIsRejectedWhenItWouldTakeAndFillsAsMakerWhenResting) {
    bar(0);
    bar(1);  // close 10939.63
    auto taking = request(Side::Buy, OrderType::Limit, "0.01000");
    taking.limitPrice = px("11000");
    taking.timeInForce = TimeInForce::PostOnly;
    auto ev = sim.submit(taking, closeOf(1));
    ASSERT_EQ(ev[0].kind, OrderEventKind::Rejected);
    EXPECT_NE(ev[0].order.rejectReason.find("would take liquidity"), std::string::npos);
    auto resting = taking;
    resting.limitPrice = px("10920");
    const OrderId id = sim.submit(resting, closeOf(1))[0].order.id;
    auto fills = fillsOf(bar(2));  // low 10913
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].orderId, id);
    EXPECT_EQ(fills[0].price, px("10920"));
    EXPECT_EQ(fills[0].liquidity, Liquidity::Maker);
}

TEST_F(AdvancedBars, TakeProfitLadderClosesAShortInPartsAndTheStopFollowsTheRest) {
    // GIVEN a market sell of 0.00057 BTC on bar 0's close with a stop-loss at 11100 and take-profits
    // 10950 (50 %), 10930 (30 %), 10910 (20 %)
    bar(0);
    auto entry = request(Side::Sell, OrderType::Market, "0.00057");
    entry.bracket.stopLoss = px("11100");
    entry.bracket.takeProfits = {{px("10950"), 50}, {px("10930"), 30}, {px("10910"), 20}};
    const OrderId entryId = sim.submit(entry, closeOf(0))[0].order.id;
    // WHEN bar 1 fills the entry at its open 11056
    bar(1);
    ASSERT_EQ(sim.order(entryId)->status, OrderStatus::Filled);
    // THEN the shares, down to the 0.00001 lot: 0.000285 -> 0.00028, 0.000171 -> 0.00017, rest 0.00012
    std::vector<Order> open = sim.openOrders();
    ASSERT_EQ(open.size(), 4u);
    EXPECT_EQ(open[0].role, OrderRole::StopLoss);
    EXPECT_EQ(open[0].request.quantity, qty("0.00057"));
    EXPECT_EQ(open[1].request.quantity, qty("0.00028"));
    EXPECT_EQ(open[2].request.quantity, qty("0.00017"));
    EXPECT_EQ(open[3].request.quantity, qty("0.00012"));
    EXPECT_EQ(open[3].request.clientOrderId, "K-1-TP3");
    // bar 2 (open 10939.63, low 10913): TP1 gapped -> fills at the open, TP2 at 10930 (maker)
    auto fills = fillsOf(bar(2));
    ASSERT_EQ(fills.size(), 2u);
    EXPECT_EQ(fills[0].price, px("10939.63"));
    EXPECT_EQ(fills[0].quantity, qty("0.00028"));
    EXPECT_EQ(fills[1].price, px("10930"));
    EXPECT_EQ(fills[1].liquidity, Liquidity::Maker);
    // and the stop-loss now covers the rest: 0.00057 - 0.00028 - 0.00017 = 0.00012
    EXPECT_EQ(sim.order(open[0].id)->request.quantity, qty("0.00012"));
    // bar 3 (low 10899.33): TP3 fills at 10910; the position is closed, the stop-loss cancelled
    fills = fillsOf(bar(3));
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].price, px("10910"));
    EXPECT_EQ(sim.order(open[0].id)->status, OrderStatus::Cancelled);
    EXPECT_TRUE(sim.openOrders().empty());
}

TEST_F(AdvancedBars, TakeProfitLadderStopLossHitInTheEntryBarCancelsTheTakeProfits) {
    // GIVEN a market sell on bar 3's close, stop-loss 10980, take-profits 10900 (60 %), 10850 (40 %)
    for (std::size_t i = 0; i <= 3; ++i) bar(i);
    auto entry = request(Side::Sell, OrderType::Market, "0.01000");
    entry.bracket.stopLoss = px("10980");
    entry.bracket.takeProfits = {{px("10900"), 60}, {px("10850"), 40}};
    sim.submit(entry, closeOf(3));
    // WHEN bar 4 fills it at 10948.8 and then reaches 10982.24 (pessimistic: after the entry)
    auto fills = fillsOf(bar(4));
    // THEN the stop-loss fills at 10980 in the same bar and both take-profits are cancelled
    ASSERT_EQ(fills.size(), 2u);
    EXPECT_EQ(fills[1].price, px("10980"));
    EXPECT_EQ(fills[1].quantity, qty("0.01"));
    EXPECT_TRUE(sim.openOrders().empty());
}

TEST(AdvancedOrderRules, ClearReasonsForImpossibleCombinations) {
    const Instrument i = btcusdt();
    auto ladder = request(Side::Buy, OrderType::Limit, "0.01000");
    ladder.limitPrice = px("10000");
    ladder.bracket.takeProfits = {{px("10100"), 50}, {px("10200"), 40}};
    EXPECT_NE(validateOrder(ladder, i).message().find("add up to 90 %"), std::string::npos);
    ladder.bracket.takeProfits = {{px("10100"), 50}, {px("9900"), 50}};
    EXPECT_NE(validateOrder(ladder, i).message().find("take-profit 9900 must be above"), std::string::npos);
    auto trailingLimit = request(Side::Sell, OrderType::Limit, "0.01000");
    trailingLimit.limitPrice = px("10000");
    trailingLimit.trailing = Trailing{TrailingKind::Bips, 100, Price{}};
    EXPECT_NE(validateOrder(trailingLimit, i).message().find("needs a stop or stop-limit"), std::string::npos);
    auto wide = request(Side::Sell, OrderType::Stop, "0.01000");
    wide.trailing = Trailing{TrailingKind::Bips, 10000, Price{}};
    EXPECT_NE(validateOrder(wide, i, px("10000")).message().find("between 1 and 9999"), std::string::npos);
    auto badOco = request(Side::Sell, OrderType::Limit, "0.01000");
    badOco.limitPrice = px("10000");
    badOco.ocoStop = OcoStopLeg{px("10100"), std::nullopt};
    EXPECT_NE(validateOrder(badOco, i).message().find("must be above the stop"), std::string::npos);
    auto postOnlyStop = request(Side::Buy, OrderType::Stop, "0.01000");
    postOnlyStop.stopPrice = px("10000");
    postOnlyStop.timeInForce = TimeInForce::PostOnly;
    EXPECT_NE(validateOrder(postOnlyStop, i).message().find("limit orders only"), std::string::npos);
}

}  // namespace
}  // namespace kairos::trading
