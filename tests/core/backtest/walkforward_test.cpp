// Walk-forward analysis: the windows on a hand-checked calendar (Synthetic dates), month
// arithmetic, and a rolling analysis of sma_cross over real BTCUSDT days.
#include "backtest/walkforward.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace kairos;
using namespace kairos::backtest;

namespace {

Span span(const char* text) {
    auto s = parseSpan(text);
    EXPECT_TRUE(s.ok()) << s.message();
    return s.ok() ? *s : Span{};
}

std::int64_t day(int y, unsigned m, unsigned d) { return utcMs(y, m, d); }

}  // namespace

TEST(WalkForwardSpans, ParseAndMoveOnCalendarMonths) {
    EXPECT_EQ(span("2y").months, 24);
    EXPECT_EQ(span("6m").months, 6);
    EXPECT_EQ(span("90d").ms, 90LL * 86400000);
    EXPECT_EQ(span("2w").ms, 14LL * 86400000);
    for (const char* bad : {"", "y", "0m", "-1y", "2q", "1.5y", "6"}) EXPECT_FALSE(parseSpan(bad).ok()) << bad;
    // month ends clamp; steps are always counted from the start
    EXPECT_EQ(addSpan(day(2024, 1, 31), span("1m")), day(2024, 2, 29));
    EXPECT_EQ(addSpan(day(2023, 1, 31), span("1m"), 13), day(2024, 2, 29));
    EXPECT_EQ(addSpan(day(2023, 1, 31), span("1m"), 2), day(2023, 3, 31));
    EXPECT_EQ(addSpan(day(2020, 9, 20) + 3600000, span("2y")), day(2022, 9, 20) + 3600000);
    EXPECT_EQ(addSpan(day(2020, 1, 1), span("10d"), 3), day(2020, 1, 31));
}

TEST(WalkForwardWindows, SyntheticCalendarRollingAndAnchored) {
    // GIVEN bars opening from 2020-01-01 to 2022-12-31, in-sample 1y, out-of-sample 6m
    WalkForwardSettings s;
    s.inSample = span("1y");
    s.outOfSample = span("6m");
    auto rolling = walkForwardWindows(s, day(2020, 1, 1), day(2022, 12, 31));
    ASSERT_TRUE(rolling.ok()) << rolling.message();
    // THEN four windows; the fifth would start its out-of-sample on 2023-01-01, after the data
    ASSERT_EQ(rolling->size(), 4U);
    const std::int64_t in[4][2] = {{day(2020, 1, 1), day(2021, 1, 1)},
                                   {day(2020, 7, 1), day(2021, 7, 1)},
                                   {day(2021, 1, 1), day(2022, 1, 1)},
                                   {day(2021, 7, 1), day(2022, 7, 1)}};
    const std::int64_t out[4][2] = {{day(2021, 1, 1), day(2021, 7, 1)},
                                    {day(2021, 7, 1), day(2022, 1, 1)},
                                    {day(2022, 1, 1), day(2022, 7, 1)},
                                    {day(2022, 7, 1), day(2023, 1, 1)}};
    for (std::size_t k = 0; k < 4; ++k) {
        EXPECT_EQ((*rolling)[k].inStartMs, in[k][0]) << k;
        EXPECT_EQ((*rolling)[k].inEndMs, in[k][1]) << k;
        EXPECT_EQ((*rolling)[k].outStartMs, out[k][0]) << k;
        EXPECT_EQ((*rolling)[k].outEndMs, out[k][1]) << k;
    }
    // anchored: the same out-of-sample windows, every in-sample window from the start
    s.anchored = true;
    auto anchored = walkForwardWindows(s, day(2020, 1, 1), day(2022, 12, 31));
    ASSERT_TRUE(anchored.ok());
    ASSERT_EQ(anchored->size(), 4U);
    for (std::size_t k = 0; k < 4; ++k) {
        EXPECT_EQ((*anchored)[k].inStartMs, day(2020, 1, 1));
        EXPECT_EQ((*anchored)[k].inEndMs, out[k][0]);
        EXPECT_EQ((*anchored)[k].outEndMs, out[k][1]);
    }
    // a last out-of-sample window cut short by the data still counts
    s.anchored = false;
    auto partial = walkForwardWindows(s, day(2020, 1, 1), day(2023, 1, 1));
    ASSERT_TRUE(partial.ok());
    EXPECT_EQ(partial->size(), 5U);
    // data shorter than one in-sample window: an error saying so
    auto none = walkForwardWindows(s, day(2020, 1, 1), day(2020, 6, 1));
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.message().find("shorter than one in-sample window"), std::string::npos) << none.message();
}

TEST(WalkForwardRun, RollingSmaCrossOverRealDaysChainsItsOutOfSampleWindows) {
    auto csv = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    const std::vector<Bar>& bars = csv->bars;
    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, 2);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    s.atEnd = AtEnd::Keep;
    const StrategyFactory factory = [](const ParamValues& p) { return makeBuiltin("sma_cross", p, OrderSizing{}); };
    const ParamCheck check = [](const ParamValues& p) -> Status {
        if (p.at("fast") >= p.at("slow")) return makeError("fast must be below slow");
        return {};
    };
    OptimizerSpec spec;
    spec.axes = {*parseParamAxis("fast=5:20:5", nullptr), *parseParamAxis("slow=30:90:30", nullptr)};
    spec.threads = 2;
    WalkForwardSettings wf;
    wf.inSample = span("2y");
    wf.outOfSample = span("6m");
    auto r = runWalkForward(s, factory, check, spec, wf, bars);
    ASSERT_TRUE(r.ok()) << r.message();
    // 2020-09-20 + 2y = 2022-09-20, then every 6 months up to 2025-03-20 (2025-09-20 is after the data)
    ASSERT_EQ(r->windows.size(), 6U);
    EXPECT_EQ(r->windows.front().range.outStartMs, day(2022, 9, 20));
    EXPECT_EQ(r->windows.back().range.outStartMs, day(2025, 3, 20));
    std::size_t outBars = 0, inFromStart = 0;
    for (const Bar& b : bars) inFromStart += b.openTimeMs >= day(2022, 9, 20) ? 1 : 0;
    Money carry = s.initialCapital;
    for (const auto& w : r->windows) {
        ASSERT_TRUE(w.out.has_value());
        outBars += w.outBars;
        // each window trades from the previous window's final equity
        EXPECT_EQ(w.out->metrics.initialCapital, carry);
        carry = w.out->metrics.finalEquity;
        EXPECT_FALSE(w.out->openPosition.has_value());  // closed at the window's end
        // the in-sample bars only warm the indicators up: every trade lies in the out-of-sample window
        for (const TradeRecord& t : w.out->trades) {
            EXPECT_GE(t.entryTimeMs, w.range.outStartMs);
            EXPECT_LE(t.exitTimeMs, w.range.outEndMs);  // at the latest the close of its last bar
        }
        EXPECT_EQ(w.out->equity.size(), w.outBars);
        EXPECT_EQ(w.out->metrics.startMs, w.range.outStartMs);
        EXPECT_EQ(w.combinations, 12U);
        EXPECT_LT(w.chosen.at("fast"), w.chosen.at("slow"));
    }
    EXPECT_EQ(outBars, inFromStart);
    EXPECT_EQ(r->equity.size(), outBars);  // stitched: one point per out-of-sample bar
    EXPECT_EQ(r->equity.back().equity, carry);
    EXPECT_EQ(r->outMetrics.finalEquity, carry);
    // the first window chose what optimising its in-sample bars alone chooses
    std::vector<Bar> in;
    for (const Bar& b : bars)
        if (b.openTimeMs < day(2022, 9, 20)) in.push_back(b);
    auto best = Optimizer(s, factory, check).run(spec, in);
    ASSERT_TRUE(best.ok());
    EXPECT_EQ(r->windows.front().chosenValues, best->trials.front().values);
    EXPECT_EQ(r->windows.front().inScore, best->trials.front().score);
    // efficiency = stitched out-of-sample CAGR / mean in-sample CAGR (when that mean is positive)
    double inMean = 0;
    for (const auto& w : r->windows) inMean += w.inMetrics.cagrPct / static_cast<double>(r->windows.size());
    if (inMean > 0)
        EXPECT_DOUBLE_EQ(r->efficiency, r->outMetrics.cagrPct / inMean);
    else
        EXPECT_TRUE(std::isnan(r->efficiency));
}
