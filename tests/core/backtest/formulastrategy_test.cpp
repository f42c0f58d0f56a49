// Formula strategies (entry/exit/stop/target in the formula language) on the synthetic series of
// builtins_test.cpp (Synthetic: 26 made-up daily closes), known answers worked out by hand.
#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/formulastrategy.h"
#include "syntheticseries.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace kairos;
using namespace kairos::backtest;
using namespace kairos::backtest::synth;

namespace {

BacktestResult run(const FormulaStrategySettings& fs) {
    const BacktestSettings s = syntheticSettings();
    auto strategy = FormulaStrategy::create(fs);
    EXPECT_TRUE(strategy.ok()) << strategy.message();
    auto r = BacktestEngine(s).run(**strategy, syntheticBars());
    EXPECT_TRUE(r.ok()) << r.message();
    return *r;
}

FormulaStrategySettings smaCross() {
    FormulaStrategySettings fs;
    fs.entry = "crossover(sma(close, 2), sma(close, 4))";
    fs.exit = "crossunder(sma(close, 2), sma(close, 4))";
    fs.sizing.kind = OrderSizing::Kind::Quantity;
    fs.sizing.quantity = *Quantity::parse("1");
    return fs;
}

}  // namespace

TEST(FormulaStrategy, SyntheticCrossoverEntryAndCrossunderExitTradeLikeSmaCross) {
    // the formula version of sma_cross 2/4: up on bar 18, down on bar 22 (see builtins_test.cpp)
    const BacktestResult r = run(smaCross());
    ASSERT_EQ(r.fills.size(), 2u);
    EXPECT_EQ(r.fills[0].side, Side::Buy);
    EXPECT_EQ(r.fills[0].timeMs, kT0 + 19 * kDay);
    EXPECT_EQ(r.fills[0].price, *Price::parse("10.25"));
    EXPECT_EQ(r.fills[1].timeMs, kT0 + 23 * kDay);
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].exitReason, ExitReason::Signal);
}

TEST(FormulaStrategy, SyntheticTargetFromTheDecisionBarBecomesATakeProfit) {
    // decided on bar 18 (close 10): target 10 + 1.5 = 11.5, stop 10 - 1 = 9; bought at bar 19's
    // open 10.25; bar 19's low 9.75 stays above the stop; bar 20 (11.25..12.5) reaches 11.5
    FormulaStrategySettings fs = smaCross();
    fs.exit.clear();
    fs.stop = "close - 1";
    fs.target = "close + 1.5";
    const BacktestResult r = run(fs);
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].exitReason, ExitReason::TakeProfit);
    EXPECT_EQ(r.trades[0].exitPrice, *Price::parse("11.5"));
    EXPECT_EQ(r.trades[0].exitTimeMs, kT0 + 20 * kDay);
    EXPECT_EQ(r.trades[0].grossPnl, *Money::parse("1.25"));
}

TEST(FormulaStrategy, SyntheticStopInsideTheEntryBarFillsThere) {
    // stop 10 - 0.2 = 9.8; bar 19 opens at 10.25 and reaches down to 9.75: stopped at 9.8 in the
    // entry bar (the simulator's pessimistic rule)
    FormulaStrategySettings fs = smaCross();
    fs.stop = "close - 0.2";
    const BacktestResult r = run(fs);
    ASSERT_GE(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].exitReason, ExitReason::StopLoss);
    EXPECT_EQ(r.trades[0].exitPrice, *Price::parse("9.8"));
    EXPECT_EQ(r.trades[0].barsHeld, 0);
}

TEST(FormulaStrategy, SyntheticShortEntriesMirrorTheRules) {
    // entries open shorts: crossunder on bar 11 -> short at bar 12 (13.25); crossover on bar 18
    // covers at bar 19 (10.25): +3
    FormulaStrategySettings fs;
    fs.entry = "crossunder(sma(close, 2), sma(close, 4))";
    fs.exit = "crossover(sma(close, 2), sma(close, 4))";
    fs.shortEntries = true;
    fs.sizing.kind = OrderSizing::Kind::Quantity;
    fs.sizing.quantity = *Quantity::parse("1");
    const BacktestResult r = run(fs);
    ASSERT_GE(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].side, PositionSide::Short);
    EXPECT_EQ(r.trades[0].grossPnl, *Money::parse("3"));
}

TEST(FormulaStrategy, SyntaxErrorsNameTheFormulaAndTheColumn) {
    FormulaStrategySettings fs = smaCross();
    fs.entry = "crossover(close, )";
    auto a = FormulaStrategy::create(fs);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.message().rfind("entry: column 18:", 0), 0u) << a.message();
    fs = smaCross();
    fs.stop = "close - 2*atr(14";
    auto b = FormulaStrategy::create(fs);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.message().rfind("stop: column 17:", 0), 0u) << b.message();
    fs = smaCross();
    fs.entry.clear();
    EXPECT_FALSE(FormulaStrategy::create(fs).ok());
}

TEST(FormulaStrategy, SyntheticMarketEntryPaysTakerAndTheRestingTargetPaysMaker) {
    // GIVEN maker 2 bp and taker 10 bp, 100 units an entry, the target trade above: bought at bar
    // 19's open 10.25 (market: taker), sold at the resting target 11.5 in bar 20 (limit: maker)
    BacktestSettings s = syntheticSettings();
    s.rules.fees.makerBps = *trading::Bps::parse("2");
    s.rules.fees.takerBps = *trading::Bps::parse("10");
    FormulaStrategySettings fs = smaCross();
    fs.exit.clear();
    fs.stop = "close - 1";
    fs.target = "close + 1.5";
    fs.sizing.quantity = *Quantity::parse("100");
    auto strategy = FormulaStrategy::create(fs);
    ASSERT_TRUE(strategy.ok()) << strategy.message();
    auto r = BacktestEngine(s).run(**strategy, syntheticBars());
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_EQ(r->fills.size(), 2u);
    // THEN the entry pays 1025 x 10 bp = 1.025, the target 1150 x 2 bp = 0.23
    EXPECT_EQ(r->fills[0].liquidity, trading::Liquidity::Taker);
    EXPECT_EQ(r->fills[0].fee, *Money::parse("1.025"));
    EXPECT_EQ(r->fills[1].liquidity, trading::Liquidity::Maker);
    EXPECT_EQ(r->fills[1].fee, *Money::parse("0.23"));
    ASSERT_EQ(r->trades.size(), 1u);
    EXPECT_EQ(r->trades[0].fees, *Money::parse("1.255"));
    EXPECT_EQ(r->trades[0].netPnl, *Money::parse("123.745"));  // 125 gross
}

TEST(FormulaStrategy, SyntheticRiskPerTradeSizesByTheStopDistanceAndGivesR) {
    // GIVEN 1 % of 10,000 at risk; decided on bar 18 (close 10) with the stop at 10 - 1 = 9: a
    // distance of 1 from the close, so 100 / 1 = 100 units
    FormulaStrategySettings fs = smaCross();
    fs.exit.clear();
    fs.stop = "close - 1";
    fs.target = "close + 1.5";
    fs.sizing = OrderSizing{};
    fs.sizing.kind = OrderSizing::Kind::RiskPerTrade;
    fs.sizing.riskPercent = 1;
    const BacktestResult r = run(fs);
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].quantity, *Quantity::parse("100"));
    // THEN bought at 10.25 with the stop at 9: 125 at risk; the target 11.5 makes 125: 1 R
    EXPECT_DOUBLE_EQ(r.trades[0].initialRisk, 125.0);
    EXPECT_EQ(r.trades[0].netPnl, *Money::parse("125"));
    EXPECT_EQ(r.metrics.tradesWithR, 1);
    EXPECT_DOUBLE_EQ(r.metrics.averageR, 1.0);
}

TEST(FormulaStrategy, RiskPerTradeWithoutAStopIsRefusedNamingTheFix) {
    FormulaStrategySettings fs = smaCross();
    fs.sizing.kind = OrderSizing::Kind::RiskPerTrade;
    auto f = FormulaStrategy::create(fs);
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.message().find("--risk-per-trade"), std::string::npos) << f.message();
    EXPECT_NE(f.message().find("--stop"), std::string::npos) << f.message();
    fs.stop = "close - 1";
    EXPECT_TRUE(FormulaStrategy::create(fs).ok());
}
