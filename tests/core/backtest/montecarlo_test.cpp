// Monte Carlo of a backtest's trades: hand-checked small cases (Synthetic P&L), seeded
// reproducibility, and shuffling a real sma_cross run's trades.
#include "backtest/montecarlo.h"

#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::backtest;

namespace {

std::vector<Money> pnl(std::initializer_list<const char*> values) {
    std::vector<Money> out;
    for (const char* v : values) out.push_back(*Money::parse(v));
    return out;
}

std::vector<std::tuple<std::size_t, double, double, double>> bands(const MonteCarloResult& r) {
    std::vector<std::tuple<std::size_t, double, double, double>> b;
    for (const auto& p : r.bands) b.emplace_back(p.trade, p.p5, p.p50, p.p95);
    return b;
}

}  // namespace

TEST(MonteCarlo, PercentilesInterpolateBetweenOrderStatistics) {
    EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0.05), 1.15);
    EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 1.0), 4);
    EXPECT_DOUBLE_EQ(percentile({7}, 0.95), 7);
    EXPECT_DOUBLE_EQ(percentile({}, 0.5), 0);
}

TEST(MonteCarlo, SyntheticShuffleKeepsTheFinalEquityAndTheSeedFixesEverything) {
    // GIVEN five trades from 1000: equity 1000, 1100, 1050, 1080, 1060, 1070 in their own order
    const auto trades = pnl({"100", "-50", "30.5", "-20.25", "9.75"});
    const Money capital = *Money::parse("1000");
    MonteCarloSettings s;
    s.runs = 500;
    s.seed = 5;
    auto a = runMonteCarlo(trades, capital, s);
    ASSERT_TRUE(a.ok()) << a.message();
    // as traded: 1000, 1100, 1050, 1080.5, 1060.25, 1070: the deepest fall is 1100 -> 1050
    EXPECT_DOUBLE_EQ(a->originalMaxDrawdownPct, 50.0 / 1100.0 * 100.0);
    EXPECT_NEAR(a->originalFinalReturnPct, 7.0, 1e-9);
    // every shuffled run ends at 1000 + 70 exactly
    EXPECT_EQ(a->finalEquity.p5, 1070.0);
    EXPECT_EQ(a->finalEquity.p95, 1070.0);
    EXPECT_EQ(a->bands.back().trade, 5U);
    EXPECT_EQ(a->bands.back().p5, 1070.0);
    EXPECT_EQ(a->bands.back().p95, 1070.0);
    EXPECT_EQ(a->bands.front().p50, 1000.0);
    // but the paths differ: losses early or late, together or apart, give other drawdowns
    EXPECT_LT(a->maxDrawdownPct.p5, a->maxDrawdownPct.p95);
    // the same seed: the same numbers
    auto again = runMonteCarlo(trades, capital, s);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(bands(*a), bands(*again));
    EXPECT_EQ(a->maxDrawdownPct.p50, again->maxDrawdownPct.p50);
    EXPECT_EQ(a->maxDrawdownPct.mean, again->maxDrawdownPct.mean);
    // bootstrap draws with replacement: the final equity varies
    s.method = MonteCarloMethod::Bootstrap;
    auto boot = runMonteCarlo(trades, capital, s);
    ASSERT_TRUE(boot.ok());
    EXPECT_LT(boot->finalEquity.p5, boot->finalEquity.p95);
    EXPECT_NE(bands(*boot), bands(*a));
    // another seed draws other resamples
    s.seed = 6;
    auto other = runMonteCarlo(trades, capital, s);
    ASSERT_TRUE(other.ok());
    EXPECT_NE(bands(*other), bands(*boot));
}

TEST(MonteCarlo, SyntheticRuinCountsRunsThatReachTheDrawdownLimit) {
    // five losses of 100 from 1000 end 50 % down whatever the order
    const auto trades = pnl({"-100", "-100", "-100", "-100", "-100"});
    MonteCarloSettings s;
    s.runs = 50;
    s.ruinDrawdownPct = 50;
    auto at50 = runMonteCarlo(trades, *Money::parse("1000"), s);
    ASSERT_TRUE(at50.ok());
    EXPECT_EQ(at50->ruinProbability, 1.0);
    EXPECT_DOUBLE_EQ(at50->maxDrawdownPct.p50, 50.0);
    s.ruinDrawdownPct = 60;
    auto at60 = runMonteCarlo(trades, *Money::parse("1000"), s);
    ASSERT_TRUE(at60.ok());
    EXPECT_EQ(at60->ruinProbability, 0.0);
    // an account at 0 stops trading: two losses of 600 first leave nothing for the +1000 (1 order in 3)
    const auto deep = pnl({"-600", "-600", "1000"});
    MonteCarloSettings z;
    z.runs = 3000;
    z.seed = 3;
    z.ruinDrawdownPct = 100;
    auto zero = runMonteCarlo(deep, *Money::parse("1000"), z);
    ASSERT_TRUE(zero.ok());
    EXPECT_EQ(zero->finalEquity.p5, 0.0);     // not -200
    EXPECT_EQ(zero->finalEquity.p95, 800.0);  // the other orders all end at 1000 - 1200 + 1000
    EXPECT_EQ(zero->maxDrawdownPct.p95, 100.0);
    EXPECT_GT(zero->ruinProbability, 0.28);
    EXPECT_LT(zero->ruinProbability, 0.39);
    // bad settings are named
    s.runs = 0;
    auto bad = runMonteCarlo(trades, *Money::parse("1000"), s);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("--runs"), std::string::npos);
    EXPECT_FALSE(runMonteCarlo({}, *Money::parse("1000"), MonteCarloSettings{}).ok());
}

TEST(MonteCarlo, ShufflingARealRunsTradesKeepsItsFinalEquity) {
    auto csv = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, 2);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    s.atEnd = AtEnd::Close;
    auto strategy = makeBuiltin("sma_cross", {{"fast", 10}, {"slow", 30}}, OrderSizing{});
    ASSERT_TRUE(strategy.ok());
    auto r = BacktestEngine(s).run(**strategy, csv->bars);
    ASSERT_TRUE(r.ok()) << r.message();
    std::vector<Money> trades;
    for (const auto& t : r->trades) trades.push_back(t.netPnl);
    ASSERT_GT(trades.size(), 20U);
    MonteCarloSettings ms;
    ms.runs = 1000;
    ms.seed = 42;
    ms.maxBandPoints = 10;
    auto mc = runMonteCarlo(trades, s.initialCapital, ms);
    ASSERT_TRUE(mc.ok()) << mc.message();
    // trade P&L adds up to the run's final equity (all positions closed): every shuffle ends there
    const double finalEquity = r->metrics.finalEquity.toDouble();
    EXPECT_EQ(mc->finalEquity.p5, mc->finalEquity.p95);
    EXPECT_NEAR(mc->finalEquity.p5, finalEquity, 1e-6);
    EXPECT_LE(mc->bands.size(), 11U);
    EXPECT_EQ(mc->bands.back().trade, trades.size());
    for (const auto& b : mc->bands) {
        EXPECT_LE(b.p5, b.p50);
        EXPECT_LE(b.p50, b.p95);
    }
    EXPECT_LE(mc->maxDrawdownPct.p5, mc->maxDrawdownPct.p95);
    EXPECT_GE(mc->ruinProbability, 0.0);
    EXPECT_LE(mc->ruinProbability, 1.0);
}
