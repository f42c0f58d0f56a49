// VenueRules: fee and slippage arithmetic, tick and lot rounding (exact decimals).
#include "trading/venuerules.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

TEST(VenueRules, FeesAreRoundedOnceHalfToEvenAtTheMoneyScale) {
    VenueRules rules;
    rules.fees.makerBps = Bps::parse("7.5").value();
    rules.moneyScale = 8;
    // 0.00001 BTC at 10920.01: notional 0.1092001 -> 7.5 bp = 0.0000819000750 -> 0.00008190
    EXPECT_EQ(*rules.fee(px("10920.01"), qty("0.00001"), Liquidity::Maker), money("0.0000819"));
    EXPECT_EQ(*rules.fee(px("10920.01"), qty("0.00001"), Liquidity::Taker), money("0.00010920"));
    rules.moneyScale = 2;  // cents: 0.1092 -> 0.11 taker; 1.5 cents ties to 2 cents
    EXPECT_EQ(*rules.fee(px("1092"), qty("1"), Liquidity::Taker), money("1.09"));
    EXPECT_EQ(*rules.fee(px("15"), qty("1"), Liquidity::Taker), money("0.02"));
    EXPECT_EQ(*rules.fee(px("25"), qty("1"), Liquidity::Taker), money("0.02"));
}

TEST(VenueRules, SlippageMovesAgainstTheTraderAndRoundsToTheTickAwayFromHim) {
    VenueRules rules;
    rules.slippageBps = Bps::parse("3").value();
    const Instrument inst = btcusdt();
    // 11056 x 1.0003 = 11059.3168 -> buy 11059.32; 11056 x 0.9997 = 11052.6832 -> sell 11052.68
    EXPECT_EQ(*rules.slipped(px("11056"), Side::Buy, inst), px("11059.32"));
    EXPECT_EQ(*rules.slipped(px("11056"), Side::Sell, inst), px("11052.68"));
    rules.slippageBps = Bps::parse("0").value();
    EXPECT_EQ(*rules.slipped(px("11056.01"), Side::Buy, inst), px("11056.01"));
}

TEST(VenueRules, TickAndLotRounding) {
    const Instrument inst = btcusdt();
    EXPECT_EQ(roundToTick(px("100.125"), inst, RoundingMode::Floor)->toString(), "100.12");
    EXPECT_EQ(roundToTick(px("100.125"), inst, RoundingMode::Ceiling)->toString(), "100.13");
    EXPECT_EQ(roundToTick(px("100"), inst, RoundingMode::Exact)->toString(), "100.00");
    EXPECT_EQ(*floorToLot(qty("0.123456789"), inst), qty("0.12345"));
}

TEST(VenueRules, ValidationAcceptsAnOrderThatMeetsEveryFilter) {
    auto r = request(Side::Sell, OrderType::StopLimit, "0.00050");
    r.stopPrice = px("10900.00");
    r.limitPrice = px("10890.00");
    r.bracket.stopLoss = px("11000.00");
    r.bracket.takeProfit = px("10500.00");
    EXPECT_TRUE(validateOrder(r, btcusdt()).ok());  // 0.0005 x 10890 = 5.445 >= 5
    r.quantity = qty("0.00045");                    // 4.9005 < 5
    EXPECT_FALSE(validateOrder(r, btcusdt()).ok());
}

}  // namespace
}  // namespace kairos::trading
