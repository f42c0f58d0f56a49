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

TEST(BacktestMetrics, SyntheticMonthlyAndYearlyReturnsChainFromTheInitialCapital) {
    // GIVEN 1,000 of capital and daily closes (close time = the next midnight) on
    //   2023-12-30 -> 1100 (bar of Dec 29), 2024-01-01 00:00 -> 1210 (bar of Dec 31: still December),
    //   2024-01-15 -> 1089, 2024-03-02 -> 1306.8 (February has no bar)
    auto day = [](int y, int m, int d) { return utcMs(y, m, d); };
    ASSERT_EQ(day(2024, 1, 1), 1704067200000);  // the calendar helpers against a known epoch time
    ASSERT_EQ(civilDate(1704067200000 - 1).day, 31);
    ASSERT_EQ(civilDate(day(2024, 2, 29)).month, 2);
    const std::vector<EquityPoint> equity = {{day(2023, 12, 30), money("1100"), true},
                                             {day(2024, 1, 1), money("1210"), true},
                                             {day(2024, 1, 15), money("1089"), false},
                                             {day(2024, 3, 2), money("1306.8"), true}};
    // WHEN the statistics are computed
    auto m = computeMetrics({}, equity, money("1000"), day(2023, 12, 29), 0);
    ASSERT_TRUE(m.ok()) << m.message();
    // THEN December 2023: 1000 -> 1210 = +21 %; January: 1210 -> 1089 = -10 %; February: no bar, 0 %;
    // March: 1089 -> 1306.8 = +20 %
    ASSERT_EQ(m->monthlyReturns.size(), 4u);
    const int months[][2] = {{2023, 12}, {2024, 1}, {2024, 2}, {2024, 3}};
    const double pct[] = {21.0, -10.0, 0.0, 20.0};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(m->monthlyReturns[i].year, months[i][0]) << i;
        EXPECT_EQ(m->monthlyReturns[i].month, months[i][1]) << i;
        EXPECT_NEAR(m->monthlyReturns[i].returnPct, pct[i], 1e-9) << i;
    }
    EXPECT_EQ(m->monthlyReturns[2].endEquity, money("1089"));
    // and the years: 2023 +21 %, 2024 1210 -> 1306.8 = +8 %
    ASSERT_EQ(m->yearlyReturns.size(), 2u);
    EXPECT_EQ(m->yearlyReturns[0].year, 2023);
    EXPECT_EQ(m->yearlyReturns[0].month, 0);
    EXPECT_NEAR(m->yearlyReturns[0].returnPct, 21.0, 1e-9);
    EXPECT_EQ(m->yearlyReturns[1].year, 2024);
    EXPECT_NEAR(m->yearlyReturns[1].returnPct, 8.0, 1e-9);
    EXPECT_EQ(m->yearlyReturns[1].endEquity, money("1306.8"));
    // the months compound to the whole: 1.21 x 0.9 x 1.2 = 1.3068
    EXPECT_NEAR(m->totalReturnPct, 30.68, 1e-9);
    EXPECT_TRUE(periodReturns({}, money("1000"), false).empty());
}

TEST(BacktestMetrics, SyntheticAverageRCountsOnlyTradesWithAStopAndExcessIsOverBuyAndHold) {
    // GIVEN three trades: +30 risking 10 (3R), -5 risking 10 (-0.5R), +100 without a stop
    std::vector<TradeRecord> trades = {trade("30", "0"), trade("-5", "0"), trade("100", "0")};
    trades[0].initialRisk = 10;
    trades[1].initialRisk = 10;
    const std::vector<EquityPoint> equity = {{86400000, money("1125"), false}};
    // WHEN computed with buy & hold at 20 %
    auto m = computeMetrics(trades, equity, money("1000"), 0, 20);
    ASSERT_TRUE(m.ok()) << m.message();
    // THEN average R = (3 - 0.5) / 2 over the two trades with a stop; 12.5 % - 20 % = -7.5 % excess
    EXPECT_EQ(m->tradesWithR, 2);
    EXPECT_DOUBLE_EQ(m->averageR, 1.25);
    EXPECT_DOUBLE_EQ(m->excessReturnPct, -7.5);
    // and without any stop there is no R
    auto none = computeMetrics({trade("100", "0")}, equity, money("1000"), 0, 0);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->tradesWithR, 0);
    EXPECT_EQ(none->averageR, 0);
}
