// Chart layouts: everything a saved layout says is validated before the widgets apply it, and an
// error names the field.
#include "storage/chartlayout.h"

#include <gtest/gtest.h>

#include <string>

using namespace kairos;
using namespace kairos::storage;

namespace {

// As the terminal writes it (ChartWorkspace::saveState): two charts, the first with an EMA, a
// formula and a scrolled view.
const std::string kSaved =
    R"j({"version":1,"grid":2,"active":1,"sync":{"crosshair":true,"symbol":false,"timeframe":false},)j"
    R"j("charts":[{"instrument":"BINANCE:BTCUSDT","timeframe":"1h","chartType":"candles","volume":true,)j"
    R"j("indicators":[{"name":"EMA","params":[20],"colours":["#ff2962ff"],"lineWidth":1,"formula":""},)j"
    R"j({"name":"Formula","params":[],"colours":[],"lineWidth":2,"formula":"ema(close, 9) - ema(close, 21)"}],)j"
    R"j("view":{"anchorMs":1750572000000,"offset":0.5,"width":120}},)j"
    R"j({"instrument":"BINANCE:ETHUSDT","timeframe":"1d","chartType":"line","volume":false,"indicators":[]}]})j";

std::string errorOf(const std::string& json) {
    auto r = parseChartLayout(json);
    return r ? std::string("(accepted)") : r.error().message;
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
}

}  // namespace

TEST(ChartLayout, ReadsWhatTheTerminalWrites) {
    auto r = parseChartLayout(kSaved);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->active, 1);
    EXPECT_TRUE(r->syncCrosshair);
    EXPECT_FALSE(r->syncSymbol);
    ASSERT_EQ(r->charts.size(), 2U);
    const ChartLayoutChart& btc = r->charts[0];
    EXPECT_EQ(btc.instrument.toString(), "BINANCE:BTCUSDT");
    EXPECT_EQ(btc.timeframe, Timeframe::H1);
    EXPECT_EQ(btc.chartType, "candles");
    ASSERT_EQ(btc.indicators.size(), 2U);
    EXPECT_EQ(btc.indicators[0].name, "EMA");
    EXPECT_EQ(btc.indicators[0].params, std::vector<double>{20});
    EXPECT_EQ(btc.indicators[0].colours, std::vector<std::string>{"#ff2962ff"});
    EXPECT_EQ(btc.indicators[1].lineWidth, 2);
    EXPECT_EQ(btc.indicators[1].formula, "ema(close, 9) - ema(close, 21)");
    ASSERT_TRUE(btc.view.has_value());
    EXPECT_EQ(btc.view->anchorMs, 1750572000000);
    EXPECT_DOUBLE_EQ(btc.view->offset, 0.5);
    EXPECT_DOUBLE_EQ(btc.view->width, 120);
    EXPECT_EQ(r->charts[1].timeframe, Timeframe::D1);
    EXPECT_FALSE(r->charts[1].volume);
    EXPECT_FALSE(r->charts[1].view.has_value());
}

TEST(ChartLayout, ErrorsNameTheField) {
    EXPECT_EQ(errorOf(replaced(kSaved, R"("timeframe":"1d")", R"("timeframe":"7q")")),
              "charts[1].timeframe: \"7q\" is not a timeframe");
    EXPECT_EQ(errorOf(replaced(kSaved, R"("instrument":"BINANCE:ETHUSDT")", R"("instrument":"nope")")),
              "charts[1].instrument: \"nope\" is not an instrument (VENUE:SYMBOL)");
    EXPECT_EQ(errorOf(replaced(kSaved, R"("params":[20])", R"("params":["20"])")),
              "charts[0].indicators[0].params[0]: expected a number");
    EXPECT_EQ(errorOf(replaced(kSaved, R"("lineWidth":2)", R"("lineWidth":0)")),
              "charts[0].indicators[1].lineWidth: expected 1 to 10");
    EXPECT_EQ(errorOf(replaced(kSaved, R"("width":120)", R"("width":0)")),
              "charts[0].view: expected anchorMs, offset and a width above 0");
    // A time beyond what a double holds exactly cannot become a bar time.
    EXPECT_EQ(errorOf(replaced(kSaved, R"("anchorMs":1750572000000)", R"("anchorMs":1e300)")),
              "charts[0].view: expected anchorMs, offset and a width above 0");
    EXPECT_EQ(errorOf(replaced(kSaved, R"("volume":false)", R"("volume":"no")")), "charts[1].volume: expected true or false");
    EXPECT_EQ(errorOf(replaced(kSaved, R"("version":1)", R"("version":2)")),
              "version: expected 1 (a layout from another version of Kairos)");
    EXPECT_EQ(errorOf(R"({"version":1,"charts":[]})"), "charts: expected 1 to 6 charts");
    EXPECT_EQ(errorOf("[1, 2]"), "expected a JSON object");
    EXPECT_EQ(errorOf(kSaved.substr(0, 40)).rfind("not JSON at offset", 0), 0U);
}

TEST(ChartLayout, AnActiveIndexOutsideTheChartsIsClamped) {
    auto r = parseChartLayout(replaced(kSaved, R"("active":1)", R"("active":9)"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->active, 1);
}
