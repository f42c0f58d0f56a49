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
