#include "indicators/batch.h"
#include "indicators/formula.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace kairos;
using namespace kairos::indicators;

namespace {
Columns eth() {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    EXPECT_TRUE(r.ok());
    return toColumns(r->bars);
}
double eval1(const char* text) {
    auto f = Formula::parse(text);
    EXPECT_TRUE(f.ok()) << text << ": " << (f.ok() ? "" : f.message());
    FormulaBar b{0, 1, 2, 0.5, 1.5, 10};
    f->push(b);
    return f->value();
}
std::string error(const char* text) {
    auto f = Formula::parse(text);
    return f.ok() ? std::string("(parsed)") : f.message();
}
}  // namespace

TEST(Formula, EmaDifferenceEqualsTheLibraryExactly) {
    const Columns c = eth();
    auto f = Formula::parse("ema(close, 9) - ema(close, 21)");
    ASSERT_TRUE(f.ok()) << f.message();
    const auto got = f->evaluate(c);
    std::vector<double> e9(c.size()), e21(c.size());
    ema(c.close, 9, e9);
    ema(c.close, 21, e21);
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (i < 20) {
            ASSERT_TRUE(std::isnan(got[i])) << i;
        } else {
            ASSERT_EQ(got[i], e9[i] - e21[i]) << i;
        }
    }
}

TEST(Formula, NestedIndicatorsComposeTheirWarmups) {
    // EMA(9) of RSI(14) starts where RSI has 9 values: index 14 + 8.
    const Columns c = eth();
    auto f = Formula::parse("ema(rsi(close, 14), 9)");
    ASSERT_TRUE(f.ok()) << f.message();
    const auto got = f->evaluate(c);
    std::vector<double> r(c.size());
    rsi(c.close, 14, r);
    std::vector<double> tail(r.begin() + 14, r.end()), e(tail.size());
    ema(tail, 9, e);
    for (std::size_t i = 0; i < 22; ++i) ASSERT_TRUE(std::isnan(got[i])) << i;
    for (std::size_t i = 22; i < c.size(); ++i) ASSERT_EQ(got[i], e[i - 14]) << i;
}

TEST(Formula, StreamingWithRevisionsEqualsBatch) {
    const Columns c = eth();
    const char* text = "(close - sma(close, 20)) / stddev(close, 20) + adx(14) / 100 - atr(14) * 0 + willr(14) / cci(20)";
    auto f = Formula::parse(text);
    ASSERT_TRUE(f.ok()) << f.message();
    const auto batch = f->evaluate(c);
    auto live = Formula::parse(text);
    for (std::size_t i = 0; i < c.size(); ++i) {
        live->push({c.timeMs[i], c.open[i], c.open[i], c.open[i], c.open[i], 0});
        live->updateLast({c.timeMs[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]});
        const double v = live->value();
        ASSERT_TRUE((std::isnan(v) && std::isnan(batch[i])) || v == batch[i]) << i;
    }
}

// Revisions of the bar that completes a coarser bucket redo the expression's step on it: streaming
// (each real ETH hour first pushed as a flat placeholder, then revised) equals batch.
TEST(Formula, ExpressionTimeframeStreamingWithRevisionsEqualsBatch) {
    const Columns c = eth();
    const char* text = "rsi(close, 14)@4h + (high - low)@1d + sma(close@4h, 3)";
    auto f = Formula::parse(text);
    ASSERT_TRUE(f.ok()) << f.message();
    const auto batch = f->evaluate(c);
    auto live = Formula::parse(text);
    std::size_t defined = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        live->push({c.timeMs[i], c.open[i], c.open[i], c.open[i], c.open[i], 0});
        live->updateLast({c.timeMs[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]});
        const double v = live->value();
        ASSERT_TRUE((std::isnan(v) && std::isnan(batch[i])) || v == batch[i]) << i;
        defined += std::isnan(v) ? 0 : 1;
    }
    EXPECT_GT(defined, 1000u);
}

TEST(Formula, ArithmeticAndSafety) {
    EXPECT_EQ(eval1("1 + 2 * 3"), 7.0);
    EXPECT_EQ(eval1("-(1 - 3)"), 2.0);
    EXPECT_EQ(eval1("abs(-2) + max(1, 3) - min(4, 2)"), 3.0);
    EXPECT_EQ(eval1("hl2 + hlc3 * 0 + ohlc4 * 0"), 1.25);
    EXPECT_TRUE(std::isnan(eval1("close / (high - high)")));  // division by zero is NaN, not a trap
}

TEST(Formula, SyntaxErrorsNameTheColumn) {
    EXPECT_EQ(error("ema(close 9)"), "column 11: expected ',' and a period: ema(series, period)");
    EXPECT_EQ(error("sma(close, 2.5)"), "column 12: a period must be a whole number from 1 to 100000");
    EXPECT_EQ(error("foo(close)"), "column 1: unknown function \"foo\"");
    // A non-ASCII character is quoted whole and columns count characters, not bytes.
    EXPECT_EQ(error("close × 2"), "column 7: unexpected '×'");
    EXPECT_EQ(error("close + €"), "column 9: unexpected '€'");
    EXPECT_EQ(error("(close) é"), "column 9: unexpected 'é'");
    EXPECT_EQ(error("closes"), "column 1: unknown name \"closes\" (fields: open high low close volume hl2 hlc3 ohlc4)");
    EXPECT_EQ(error("close +"), "column 8: expected a number, a field, a function or '('");
    EXPECT_EQ(error("(close"), "column 7: expected ')'");
    EXPECT_EQ(error("close $ 1"), "column 7: unexpected '$'");
    EXPECT_EQ(error("sma(close, close)"), "column 12: a period must be a whole number from 1 to 100000");
}

TEST(Formula, SyntheticComparisonsAndLogic) {
    // The bar of eval1(): open 1, high 2, low 0.5, close 1.5, volume 10.
    EXPECT_EQ(eval1("close > 1"), 1.0);
    EXPECT_EQ(eval1("close < 1"), 0.0);
    EXPECT_EQ(eval1("close >= 1.5"), 1.0);
    EXPECT_EQ(eval1("close <= 1.4"), 0.0);
    EXPECT_EQ(eval1("close == 1.5"), 1.0);
    EXPECT_EQ(eval1("close != 1.5"), 0.0);
    EXPECT_EQ(eval1("close > 1 and high > 3"), 0.0);
    EXPECT_EQ(eval1("close > 1 AND high < 3"), 1.0);
    EXPECT_EQ(eval1("close > 2 or low < 1"), 1.0);
    EXPECT_EQ(eval1("close > 2 || low > 1"), 0.0);
    EXPECT_EQ(eval1("close > 1 && (low > 1 || high > 1)"), 1.0);
    EXPECT_EQ(eval1("high - low > 1 + 0.4"), 1.0);  // arithmetic binds tighter than comparison
    EXPECT_EQ(eval1("(close > 1) + (high > 1)"), 2.0);
    // Undefined operands (warm-up) give NaN, not false.
    EXPECT_TRUE(std::isnan(eval1("sma(close, 3) > 0")));
    EXPECT_TRUE(std::isnan(eval1("close > 0 and sma(close, 3) > 0")));
    // A name that merely starts with "or"/"and" is not the keyword.
    EXPECT_EQ(error("close > 1 order"), "column 11: unexpected 'o'");
    EXPECT_EQ(error("close < 1 < 2"), "column 11: comparisons do not chain; join them with 'and'");
    EXPECT_EQ(error("close = 1"), "column 7: use '==' to compare");
    EXPECT_EQ(error("close > "), "column 9: expected a number, a field, a function or '('");
    EXPECT_EQ(error("close > 1 and"), "column 14: expected a number, a field, a function or '('");
    // Streaming on real bars: the condition is true exactly where the library value says so.
    const Columns c = eth();
    auto f = Formula::parse("rsi(close, 14) < 30 or rsi(close, 14) > 70");
    ASSERT_TRUE(f.ok()) << f.message();
    const auto got = f->evaluate(c);
    std::vector<double> r(c.size());
    rsi(c.close, 14, r);
    int fired = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (std::isnan(r[i])) {
            ASSERT_TRUE(std::isnan(got[i])) << i;
            continue;
        }
        ASSERT_EQ(got[i], (r[i] < 30 || r[i] > 70) ? 1.0 : 0.0) << i;
        fired += got[i] == 1.0;
    }
    EXPECT_GT(fired, 10);
}

namespace {
std::string repeated(const std::string& term, int times) {
    std::string s = term;
    for (int i = 1; i < times; ++i) s += " + " + term;
    return s;
}
}  // namespace

TEST(Formula, CostlyFormulasAreRefusedNamingTheEstimateAndTheBudget) {
    // Regression (Hardening, defect 8): "cci(100000)" ten times pinned a core for 15 s on 130,708
    // bars. Parsing now estimates the cost and refuses what exceeds the budget (by default
    // kDefaultMaxCost units over kDefaultCostBars bars), saying by how much.
    const std::string costly = repeated("cci(100000)", 10);
    auto f = Formula::parse(costly);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.message().rfind("too costly: estimated ", 0), 0u) << f.message();
    EXPECT_NE(f.message().find(" cost units over 1000000 bars"), std::string::npos) << f.message();
    EXPECT_NE(f.message().find("over the budget of 4e+09"), std::string::npos) << f.message();
    // Direct sums of medium periods add up the same way.
    EXPECT_FALSE(Formula::parse(repeated("cci(256)", 20)).ok());

    // The budget is the caller's: a larger one, or fewer bars, lets the same formula through.
    auto generous = Formula::parse(costly, {1e11, kDefaultCostBars});
    ASSERT_TRUE(generous.ok()) << generous.message();
    EXPECT_GT(generous->estimatedCost(kDefaultCostBars), kDefaultMaxCost);
    EXPECT_TRUE(Formula::parse(costly, {kDefaultMaxCost, 100000}).ok());
    EXPECT_EQ(generous->estimatedCost(2000), generous->setupCost() + 2000 * generous->costPerBar());
    EXPECT_TRUE(generous->checkCost(2000).ok());
    EXPECT_FALSE(generous->checkCost(kDefaultCostBars).ok());
}

TEST(Formula, OrdinaryFormulasOverAMillionBarsAreWellWithinTheDefaultBudget) {
    for (const char* text :
         {"ema(close, 9) - ema(close, 21)", "cci(20)", "ema(rsi(close, 14), 9)", "rsi(close, 14) < 30 and close > ema(close, 50)",
          "(close - sma(close, 20)) / stddev(close, 20) + adx(14) / 100 - atr(14) * 0 + willr(14) / cci(20)",
          "sma(ema(hma(close, 200), 50), 20) - linreg(stochrsi(close, 14), 100) + mfi(14) + obv() / vwap()"}) {
        SCOPED_TRACE(text);
        auto f = Formula::parse(text);
        ASSERT_TRUE(f.ok()) << f.message();
        EXPECT_LT(f->estimatedCost(1000000) * 10, kDefaultMaxCost);
    }
}

TEST(Formula, BatchEvaluationChecksTheCostOverItsBars) {
    const Columns c = eth();
    auto f = Formula::parse("cci(20) + ema(close, 9)");
    ASSERT_TRUE(f.ok()) << f.message();
    // Within the budget: the same values as the unchecked evaluation.
    auto checked = f->evaluate(c, kDefaultMaxCost);
    ASSERT_TRUE(checked.ok()) << checked.message();
    const auto plain = f->evaluate(c);
    ASSERT_EQ(checked->size(), plain.size());
    for (std::size_t i = 0; i < plain.size(); ++i)
        ASSERT_TRUE((std::isnan(plain[i]) && std::isnan((*checked)[i])) || plain[i] == (*checked)[i]) << i;
    // Over a budget smaller than the estimate for these bars: refused, naming both.
    const double cost = f->estimatedCost(c.size());
    auto refused = f->evaluate(c, cost / 2);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.message().rfind("too costly: estimated ", 0), 0u) << refused.message();
    EXPECT_NE(refused.message().find(" cost units over " + std::to_string(c.size()) + " bars"), std::string::npos)
        << refused.message();
}

// GIVEN real ETH 1h bars (batch, so the bar close time is inferred from the hourly step), WHEN
// "high@4h", "volume@1d" and "sma(close@4h, 5)" are evaluated, THEN at every hour they equal the
// last COMPLETE 4h / 1d bar aggregated here by plain grouping (NaN before the first), and the SMA
// steps once per 4h bar. (From the second bar: batch columns carry no close times, so the step
// between bar times tells where a bar ends.)
TEST(Formula, HigherTimeframeFieldsEqualBarsGroupedInTheTest) {
    const Columns c = eth();
    ASSERT_GT(c.size(), 2000u);
    const std::int64_t h = 3'600'000;
    auto hi4 = Formula::parse("high@4h");
    auto vol1d = Formula::parse("volume@1d");
    auto sma4 = Formula::parse("sma(close@4h, 5)");
    ASSERT_TRUE(hi4.ok() && vol1d.ok() && sma4.ok());
    EXPECT_EQ(sma4->timeframes(), std::vector<Timeframe>{Timeframe::H4});
    const auto g4 = hi4->evaluate(c), g1d = vol1d->evaluate(c), gs = sma4->evaluate(c);
    double curHigh = -1, lastHigh = std::nan(""), curVol = 0, lastVol = std::nan("");
    std::vector<double> closes4;
    for (std::size_t i = 0; i < c.size(); ++i) {
        const std::int64_t t = c.timeMs[i];
        if (i == 0 || t / (4 * h) != c.timeMs[i - 1] / (4 * h)) curHigh = -1;
        if (i == 0 || t / (24 * h) != c.timeMs[i - 1] / (24 * h)) curVol = 0;
        curHigh = std::max(curHigh, c.high[i]);
        curVol += c.volume[i];
        if ((t + h) % (4 * h) == 0) {
            lastHigh = curHigh;
            closes4.push_back(c.close[i]);
        }
        if ((t + h) % (24 * h) == 0) lastVol = curVol;
        if (i == 0) continue;  // the step between bars, hence the first bar's close time, is known from the second
        if (std::isnan(lastHigh)) {
            ASSERT_TRUE(std::isnan(g4[i])) << i;
        } else {
            ASSERT_EQ(g4[i], lastHigh) << i;
        }
        if (std::isnan(lastVol)) {
            ASSERT_TRUE(std::isnan(g1d[i])) << i;
        } else {
            ASSERT_NEAR(g1d[i], lastVol, 1e-9 * lastVol) << i;
        }
        if (closes4.size() >= 5) {
            double s = 0;
            for (std::size_t k = closes4.size() - 5; k < closes4.size(); ++k) s += closes4[k];
            ASSERT_NEAR(gs[i], s / 5, 1e-9 * s) << i;
        } else {
            ASSERT_TRUE(std::isnan(gs[i])) << i;
        }
    }
}

TEST(Formula, SyntheticTimeframeSuffixErrors) {
    EXPECT_NE(error("close@").find("column 7: expected a timeframe after '@'"), std::string::npos) << error("close@");
    EXPECT_NE(error("close@9q > 1").find("expected a timeframe"), std::string::npos);
    EXPECT_EQ(error("close@1M > close@1w and rsi(close@4h, 14) < 30"), "(parsed)");
}

// GIVEN real ETH 1h bars, WHEN whole expressions are put on 4h / 1d ("rsi(close, 14)@4h",
// "sma(high - low, 3)@1d"), THEN at every hour they equal the RSI of the last complete 4h closes
// grouped here (the library's batch RSI over them) and a plain 3-day mean of the daily ranges of
// complete days grouped here; and "rsi(close, 14)@4h" is exactly "rsi(close@4h, 14)".
TEST(Formula, ExpressionOnAHigherTimeframeEqualsBarsGroupedInTheTest) {
    const Columns c = eth();
    ASSERT_GT(c.size(), 2000u);
    const std::int64_t h = 3'600'000;
    auto rsiAt = Formula::parse("rsi(close, 14)@4h");
    auto rsiOf = Formula::parse("rsi(close@4h, 14)");
    auto range = Formula::parse("sma(high - low, 3)@1d");
    ASSERT_TRUE(rsiAt.ok() && rsiOf.ok() && range.ok()) << rsiAt.message() << range.message();
    EXPECT_EQ(rsiAt->timeframes(), std::vector<Timeframe>{Timeframe::H4});
    EXPECT_EQ(range->timeframes(), std::vector<Timeframe>{Timeframe::D1});
    const auto gr = rsiAt->evaluate(c), go = rsiOf->evaluate(c), gd = range->evaluate(c);
    std::vector<double> closes4, ranges1d;
    std::vector<std::size_t> known4(c.size()), known1d(c.size());  // complete buckets after bar i
    double hi = 0, lo = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        const std::int64_t t = c.timeMs[i];
        if (i == 0 || t / (24 * h) != c.timeMs[i - 1] / (24 * h)) {
            hi = c.high[i];
            lo = c.low[i];
        }
        hi = std::max(hi, c.high[i]);
        lo = std::min(lo, c.low[i]);
        if ((t + h) % (4 * h) == 0) closes4.push_back(c.close[i]);
        if ((t + h) % (24 * h) == 0) ranges1d.push_back(hi - lo);
        known4[i] = closes4.size();
        known1d[i] = ranges1d.size();
    }
    std::vector<double> rsi4(closes4.size());
    rsi(closes4, 14, rsi4);
    std::size_t checkedRsi = 0, checkedRange = 0;
    for (std::size_t i = 1; i < c.size(); ++i) {  // from the second bar (see the test above)
        ASSERT_TRUE(gr[i] == go[i] || (std::isnan(gr[i]) && std::isnan(go[i]))) << i;
        const double want = known4[i] > 0 ? rsi4[known4[i] - 1] : std::nan("");
        if (std::isnan(want)) {
            ASSERT_TRUE(std::isnan(gr[i])) << i;
        } else {
            ASSERT_NEAR(gr[i], want, 1e-9) << i;
            ++checkedRsi;
        }
        if (known1d[i] >= 3) {
            const std::size_t k = known1d[i];
            const double mean = (ranges1d[k - 1] + ranges1d[k - 2] + ranges1d[k - 3]) / 3;
            ASSERT_NEAR(gd[i], mean, 1e-9 * mean) << i;
            ++checkedRange;
        } else {
            ASSERT_TRUE(std::isnan(gd[i])) << i;
        }
    }
    EXPECT_GT(checkedRsi, 1000u);
    EXPECT_GT(checkedRange, 1000u);
}

TEST(Formula, SyntheticExpressionTimeframeSuffixErrors) {
    EXPECT_NE(error("rsi(close, 14)@7x < 30").find("column 16: expected a timeframe after '@'"), std::string::npos)
        << error("rsi(close, 14)@7x < 30");
    EXPECT_NE(error("(high - low)@").find("column 14: expected a timeframe"), std::string::npos) << error("(high - low)@");
    EXPECT_NE(error("5@4h").find("column 2: unexpected '@'"), std::string::npos) << error("5@4h");
    EXPECT_EQ(error("rsi(close, 14)@4h < 30 and (close - sma(close, 20))@1d > 0"), "(parsed)");
}
