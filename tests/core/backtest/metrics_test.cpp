// Backtest statistics on a small hand-computed case (Synthetic: five made-up equity points and
// three made-up trades, chosen so every figure can be worked out on paper).
#include "backtest/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace kairos;
using namespace kairos::backtest;

namespace {
Money money(const char* text) { return *Money::parse(text); }

TradeRecord trade(const char* net, const char* fees) {
    TradeRecord t;
    t.netPnl = money(net);
    t.fees = money(fees);
    t.grossPnl = *t.netPnl.add(t.fees);
    t.quantity = *Quantity::parse("1");
    return t;
}
}  // namespace

TEST(BacktestMetrics, SyntheticHandComputedCase) {
    // GIVEN 1,000 of capital and five bars of 73.05 days (five bars = exactly one year of 365.25 days)
    const std::int64_t bar = 7305LL * 864000;  // 73.05 days in ms
    const char* eq[] = {"1100", "990", "1045", "1200", "1150"};
    const bool in[] = {true, true, false, true, false};
    std::vector<EquityPoint> equity;
    equity.reserve(5);
    for (int i = 0; i < 5; ++i) equity.push_back({(i + 1) * bar, money(eq[i]), in[i]});
    // and three trades: +120 (fees 2), -60 (fees 1), +90 (fees 1.5)
    const std::vector<TradeRecord> trades = {trade("120", "2"), trade("-60", "1"), trade("90", "1.5")};

    // WHEN the statistics are computed
    auto m = computeMetrics(trades, equity, money("1000"), 0, 12.5);
    ASSERT_TRUE(m.ok()) << m.message();

    // THEN: net profit 150 = 15 % over exactly one year, so CAGR is 15 % too
    EXPECT_EQ(m->netProfit, money("150"));
    EXPECT_EQ(m->finalEquity, money("1150"));
    EXPECT_DOUBLE_EQ(m->totalReturnPct, 15.0);
    EXPECT_NEAR(m->cagrPct, 15.0, 1e-9);
    // the deepest fall is 1100 -> 990: 110, 10 % of the peak, peak at bar 1's close, trough at bar 2's
    EXPECT_EQ(m->maxDrawdown, money("110"));
    EXPECT_NEAR(m->maxDrawdownPct, 10.0, 1e-12);
    EXPECT_EQ(m->maxDrawdownPeakMs, bar);
    EXPECT_EQ(m->maxDrawdownTroughMs, 2 * bar);
    // returns 1/10, -1/10, 1/18, 31/209, -1/24; five bars a year
    EXPECT_DOUBLE_EQ(m->periodsPerYear, 5.0);
    const double r[] = {0.1, -0.1, 1.0 / 18, 31.0 / 209, -1.0 / 24};
    const double mean = (r[0] + r[1] + r[2] + r[3] + r[4]) / 5;  // 0.0324428...
    EXPECT_NEAR(mean, 0.0324428495, 1e-9);
    EXPECT_NEAR(m->sharpe, 0.7116966344, 1e-9);   // mean / sample stdev 0.1019316566 * sqrt(5)
    EXPECT_NEAR(m->sortino, 1.4973622868, 1e-9);  // mean / sqrt((0.01 + 1/576) / 5) * sqrt(5)
    // trades: two wins, one loss
    EXPECT_EQ(m->trades, 3);
    EXPECT_EQ(m->wins, 2);
    EXPECT_EQ(m->losses, 1);
    EXPECT_EQ(m->grossProfit, money("210"));
    EXPECT_EQ(m->grossLoss, money("-60"));
    EXPECT_EQ(m->totalFees, money("4.5"));
    EXPECT_DOUBLE_EQ(m->profitFactor, 3.5);
    EXPECT_NEAR(m->winRatePct, 200.0 / 3, 1e-12);
    EXPECT_DOUBLE_EQ(m->averageWin, 105.0);
    EXPECT_DOUBLE_EQ(m->averageLoss, -60.0);
    EXPECT_DOUBLE_EQ(m->expectancy, 50.0);
    // three of five closes with a position open
    EXPECT_DOUBLE_EQ(m->exposurePct, 60.0);
    EXPECT_DOUBLE_EQ(m->buyHoldReturnPct, 12.5);
    EXPECT_EQ(m->bars, 5);
    EXPECT_EQ(m->startMs, 0);
    EXPECT_EQ(m->endMs, 5 * bar);
}

TEST(BacktestMetrics, SyntheticNoLossesGiveInfiniteProfitFactorAndNoTradesGiveZeros) {
    const std::vector<EquityPoint> flat = {{1000, money("500"), false}, {2000, money("500"), false}};
    auto none = computeMetrics({}, flat, money("500"), 0, 0);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->trades, 0);
    EXPECT_EQ(none->profitFactor, 0.0);
    EXPECT_EQ(none->winRatePct, 0.0);
    EXPECT_EQ(none->sharpe, 0.0);  // no variation
    EXPECT_TRUE(none->maxDrawdown.isZero());

    auto onlyWins = computeMetrics({trade("10", "0")}, flat, money("500"), 0, 0);
    ASSERT_TRUE(onlyWins.ok());
    EXPECT_EQ(onlyWins->profitFactor, std::numeric_limits<double>::infinity());
}

TEST(BacktestMetrics, RejectsNonPositiveCapital) {
    auto m = computeMetrics({}, {}, money("0"), 0, 0);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.message().find("capital"), std::string::npos);
}

TEST(BacktestMetrics, SyntheticVolatilityCalmarDrawdownDurationAndStreaks) {
    // GIVEN the hand-computed case above (equity 1100, 990, 1045, 1200, 1150 on bars of 73.05 days)
    const std::int64_t bar = 7305LL * 864000;
    const char* eq[] = {"1100", "990", "1045", "1200", "1150"};
    std::vector<EquityPoint> equity;
    equity.reserve(5);
    for (int i = 0; i < 5; ++i) equity.push_back({(i + 1) * bar, money(eq[i]), true});
    // and trades win, win, loss, loss, loss, zero, win
    const std::vector<TradeRecord> trades = {trade("10", "0"), trade("5", "0"), trade("-1", "0"), trade("-2", "0"),
                                             trade("-3", "0"), trade("0", "0"), trade("7", "0")};
    auto m = computeMetrics(trades, equity, money("1000"), 0, 0);
    ASSERT_TRUE(m.ok()) << m.message();
    // annualised volatility = sample stdev 0.1019316566 x sqrt(5 bars a year) = 22.79261 %
    EXPECT_NEAR(m->annualVolatilityPct, 22.7926113, 1e-6);
    EXPECT_EQ(m->riskFreeRate, 0);
    // Calmar = CAGR 15 % / max drawdown 10 %
    EXPECT_NEAR(m->calmar, 1.5, 1e-9);
    // below the 1100 peak (bar 1) from bar 2 until bar 4 gets back above it: 3 bars; the 1200 ->
    // 1150 spell at the end lasts 1 bar
    EXPECT_EQ(m->maxDrawdownDurationBars, 3);
    EXPECT_EQ(m->maxDrawdownDurationMs, 3 * bar);
    // streaks: two wins, then three losses (the 0 trade ends a run)
    EXPECT_EQ(m->longestWinStreak, 2);
    EXPECT_EQ(m->longestLossStreak, 3);
}

TEST(BacktestMetrics, SyntheticDrawdownNeverRecoveredLastsToTheEnd) {
    const std::int64_t day = 86400000;
    // 1000 -> 900 at the first close and never back: 4 bars below the initial capital (set at the
    // first bar's open, time 0)
    std::vector<EquityPoint> equity = {
        {day, money("900"), true}, {2 * day, money("950"), true}, {3 * day, money("990"), true}, {4 * day, money("999"), true}};
    auto m = computeMetrics({}, equity, money("1000"), 0, 0);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->maxDrawdownDurationMs, 4 * day);
    EXPECT_EQ(m->maxDrawdownDurationBars, 4);
    EXPECT_EQ(m->maxDrawdown, money("100"));
}
