// The HTML report (core/backtest/report.h): the figures of a real-data backtest are in it, every
// caller text is escaped, nothing outside the file is referenced, and the optional optimisation,
// walk-forward and Monte Carlo sections appear when their data is given.
#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/report.h"
#include "marketdata/csvimport.h"
#include "syntheticseries.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace kairos;
using namespace kairos::backtest;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
    return n;
}

void expectSelfContained(const std::string& html) {
    for (const char* outside : {"http:", "https:", "<script", "src=", "href=", "url(", "@import", "<link"})
        EXPECT_EQ(html.find(outside), std::string::npos) << outside;
}

}  // namespace

TEST(BacktestReport, RealDataReportHoldsTheRunsFiguresMonthsAndTrades) {
    // GIVEN sma_cross 10/30 over five years of real BTCUSDT days, 10 bp a side
    auto csv = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, 2);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    s.atEnd = AtEnd::Keep;
    auto strategy = makeBuiltin("sma_cross", {{"fast", 10}, {"slow", 30}, {"short", 0}}, OrderSizing{});
    ASSERT_TRUE(strategy.ok()) << strategy.message();
    auto r = BacktestEngine(s).run(**strategy, csv->bars);
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_GT(r->trades.size(), 10u);

    // WHEN the report is rendered
    ReportInput in;
    in.result = &*r;
    in.title = "sma_cross · BINANCE:BTCUSDT 1d";
    in.instrument = "BINANCE:BTCUSDT";
    in.timeframe = "1d";
    in.bars = csv->bars;
    in.settings = {{"Commission", "10 bp a side"}};
    auto html = renderReport(in);
    ASSERT_TRUE(html.ok()) << html.message();

    // THEN it is one HTML document with the exact money figures of the run
    EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html->find("</html>"), std::string::npos);
    for (const Money& m : {r->metrics.finalEquity, r->metrics.netProfit, r->metrics.totalFees, r->metrics.maxDrawdown,
                           r->finalCash, r->metrics.grossProfit})
        EXPECT_NE(html->find("<td>" + m.toTrimmedString()), std::string::npos) << m.toTrimmedString();
    EXPECT_NE(html->find("2020-09-20 → 2025-09-19"), std::string::npos);  // first open to last close
    EXPECT_NE(html->find("1825 bars"), std::string::npos);
    // a year row per year (2020..2025) with its return, and twelve month columns
    EXPECT_EQ(r->metrics.yearlyReturns.size(), 6u);
    EXPECT_EQ(count(*html, "<td class=\"y\""), 6u);
    for (int y = 2020; y <= 2025; ++y) EXPECT_NE(html->find("<th class=\"l\">" + std::to_string(y) + "</th>"), std::string::npos);
    // one row per closed trade (long only), with each trade's net P&L
    EXPECT_EQ(count(*html, "<td class=\"l\">LONG</td>"), r->trades.size());
    for (const TradeRecord& t : r->trades) EXPECT_NE(html->find(">" + t.netPnl.toTrimmedString() + "</td>"), std::string::npos);
    // the equity, buy & hold and drawdown charts are inline SVG
    EXPECT_EQ(count(*html, "<svg class=\"chart\""), 2u);
    EXPECT_NE(html->find("buy &amp; hold"), std::string::npos);
    // no optional section without its data
    EXPECT_EQ(html->find("Walk-forward"), std::string::npos);
    EXPECT_EQ(html->find("Monte Carlo"), std::string::npos);
    EXPECT_EQ(html->find("Optimisation"), std::string::npos);
    expectSelfContained(*html);
    // and the same input gives the same bytes
    EXPECT_EQ(*renderReport(in), *html);
}

TEST(BacktestReport, EscapesEveryTextItIsGiven) {
    EXPECT_EQ(htmlEscape("a < b && c > \"d\" 'e'"), "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;");
    // GIVEN a run whose strategy name, title and settings hold markup (a formula can: "close > open")
    BacktestResult r;
    r.strategyName = "formula: entry \"close > open\" <script>alert(1)</script>";
    r.metrics.initialCapital = *Money::parse("1000");
    ReportInput in;
    in.result = &r;
    in.title = "<b>title</b>";
    in.settings = {{"<i>k</i>", "v & w"}};
    ReportWalkForward wf;
    wf.objective = "<sharpe>";
    wf.windows.push_back({0, 10, 10, 20, "fast=<10>", 1, 0.5, 2, 1});
    in.walkForward = wf;
    auto html = renderReport(in);
    ASSERT_TRUE(html.ok()) << html.message();
    // THEN none of it arrives as markup
    for (const char* raw : {"<script>", "<b>title", "<i>k", "v & w", "<sharpe>", "fast=<10>", "\"close > open\""})
        EXPECT_EQ(html->find(raw), std::string::npos) << raw;
    for (const char* escaped : {"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;title&lt;/b&gt;", "&lt;i&gt;k&lt;/i&gt;",
                                "v &amp; w", "&lt;sharpe&gt;", "fast=&lt;10&gt;", "&quot;close &gt; open&quot;"})
        EXPECT_NE(html->find(escaped), std::string::npos) << escaped;
    expectSelfContained(*html);
}

TEST(BacktestReport, SyntheticOptionalSectionsAppearWithTheirData) {
    // GIVEN a small run on the synthetic series and made-up optimiser, walk-forward and Monte Carlo data
    auto strategy = makeBuiltin("sma_cross", {{"fast", 2}, {"slow", 4}, {"short", 0}}, OrderSizing{});
    ASSERT_TRUE(strategy.ok());
    auto r = BacktestEngine(synth::syntheticSettings()).run(**strategy, synth::syntheticBars());
    ASSERT_TRUE(r.ok()) << r.message();
    ReportInput in;
    in.result = &*r;
    ReportHeatmap hm;
    hm.xParam = "fast";
    hm.yParam = "slow";
    hm.metric = "sharpe";
    hm.xValues = {2, 3};
    hm.yValues = {4, 5, 6};
    hm.values = {0.5, 1.25, -0.75, NAN, 2.5, 0.125};
    in.heatmap = hm;
    ReportWalkForward wf;
    wf.objective = "sharpe";
    wf.efficiency = 0.625;
    wf.windows.push_back({synth::kT0, synth::kT0 + 10 * synth::kDay, synth::kT0 + 10 * synth::kDay, synth::kT0 + 15 * synth::kDay,
                          "fast=2 slow=4", 1.5, 0.9375, 3.25, 2});
    wf.stitchedEquity = r->equity;
    in.walkForward = wf;
    ReportMonteCarlo mc;
    mc.method = "shuffle";
    mc.runs = 1000;
    mc.seed = 42;
    mc.p5 = {1000, 990, 970};
    mc.p50 = {1000, 1010, 1020};
    mc.p95 = {1000, 1030, 1070};
    mc.ruinDrawdownPct = 30;
    mc.probabilityOfRuin = 0.0125;
    in.monteCarlo = mc;
    // WHEN rendered
    auto html = renderReport(in);
    ASSERT_TRUE(html.ok()) << html.message();
    // THEN each section is there with its figures
    EXPECT_NE(html->find("Optimisation"), std::string::npos);
    EXPECT_NE(html->find(">1.25</td>"), std::string::npos);
    EXPECT_NE(html->find(">–</td>"), std::string::npos);  // the combination that did not run
    EXPECT_NE(html->find("Best sharpe: 2.500"), std::string::npos);
    EXPECT_NE(html->find("Walk-forward"), std::string::npos);
    EXPECT_NE(html->find("efficiency 0.625"), std::string::npos);
    EXPECT_NE(html->find("fast=2 slow=4"), std::string::npos);
    EXPECT_NE(html->find("+3.25%"), std::string::npos);
    EXPECT_NE(html->find("Monte Carlo"), std::string::npos);
    EXPECT_NE(html->find("1000 runs, seed 42"), std::string::npos);
    EXPECT_NE(html->find("1.25%"), std::string::npos);  // probability of ruin
    // equity, drawdown, walk-forward timeline and stitched equity, Monte Carlo bands
    EXPECT_EQ(count(*html, "<svg class=\"chart\""), 5u);
    expectSelfContained(*html);
    // a heatmap whose values do not fill its grid is refused
    in.heatmap->values.pop_back();
    EXPECT_FALSE(renderReport(in).ok());
    EXPECT_FALSE(renderReport(ReportInput{}).ok());
}
