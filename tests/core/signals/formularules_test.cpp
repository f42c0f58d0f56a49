// Formula rules in the signal engine (SignalRules::formulas, kairos-cli signals --rules FILE).
#include "signals/rulesfile.h"
#include "signals/signalengine.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace kairos;
using namespace kairos::signal;

namespace {
std::vector<Bar> btc1h() {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    EXPECT_TRUE(r.ok()) << r.message();
    return r->bars;
}
bool has(const Signal& s, const std::string& prefix, const std::string& contains = {}) {
    return std::any_of(s.reasons.begin(), s.reasons.end(), [&](const std::string& r) {
        return r.rfind(prefix, 0) == 0 && (contains.empty() || r.find(contains) != std::string::npos);
    });
}
}  // namespace

TEST(FormulaRules, FireExactlyWhereTheEquivalentBuiltInRulesHoldOnRealData) {
    // Real BTCUSDT hours. The built-in RSI rule votes long at RSI(14) <= 30 and short at >= 70; the
    // trend rule votes long when EMA 9 > EMA 21 > EMA 50. The same conditions as formula rules must
    // fire on exactly the same bars, and add exactly their weight to the built-in score.
    const auto bars = btc1h();
    SignalRules rules;
    rules.formulas = {{"rsi(close, 14) <= 30", Direction::Long, 5, "F-RSI-LOW"},
                      {"RSI(close,14) >= 70", Direction::Short, 7, "F-RSI-HIGH"},
                      {"ema(close, 9) > ema(close, 21) and ema(close, 21) > ema(close, 50)", Direction::Long, 3, ""}};
    ASSERT_TRUE(validate(rules).ok());
    const auto with = generateSignals(bars, Timeframe::H1, rules);
    const auto without = generateSignals(bars, Timeframe::H1);
    ASSERT_EQ(with.size(), without.size());
    ASSERT_GT(with.size(), 40000u);
    int low = 0, high = 0, trend = 0;
    for (std::size_t i = 0; i < with.size(); ++i) {
        const Signal& s = with[i];
        const bool rsiLow = has(s, "+1 RSI", "oversold"), rsiHigh = has(s, "-1 RSI", "overbought");
        const bool up = has(s, "+2 EMA", "aligned up") || has(s, "+4 EMA", "aligned up");
        ASSERT_EQ(has(s, "+5 F-RSI-LOW"), rsiLow) << i;
        ASSERT_EQ(has(s, "-7 F-RSI-HIGH"), rsiHigh) << i;
        ASSERT_EQ(has(s, "+3 formula ema(close, 9) > ema(close, 21)"), up) << i;
        low += rsiLow;
        high += rsiHigh;
        trend += up;
        ASSERT_EQ(s.score, without[i].score + (rsiLow ? 5 : 0) - (rsiHigh ? 7 : 0) + (up ? 3 : 0)) << i;
        ASSERT_EQ(s.barOpenMs, without[i].barOpenMs);
    }
    EXPECT_GT(low, 100);
    EXPECT_GT(high, 100);
    EXPECT_GT(trend, 1000);
}

TEST(FormulaRules, SeeNoLaterBarsOnRealData) {
    // The signals of a prefix of the series equal the full series' signals for the same bars: a
    // formula rule's vote on a bar depends on that bar and earlier ones only.
    const auto bars = btc1h();
    SignalRules rules;
    rules.formulas = {{"close < sma(close, 20) - 2 * stddev(close, 20) or rsi(close, 7) < 20", Direction::Long, 4, "dip"},
                      {"(high - low) > 3 * atr(14)", Direction::Short, 2, "range blow-off"}};
    const auto full = generateSignals(bars, Timeframe::H1, rules);
    const std::vector<Bar> prefix(bars.begin(), bars.begin() + 5000);
    const auto part = generateSignals(prefix, Timeframe::H1, rules);
    ASSERT_FALSE(part.empty());
    int fired = 0;
    for (std::size_t i = 0; i < part.size(); ++i) {
        ASSERT_EQ(part[i].barOpenMs, full[i].barOpenMs);
        ASSERT_EQ(part[i].reasons, full[i].reasons) << i;
        ASSERT_EQ(part[i].score, full[i].score) << i;
        fired += has(part[i], "+4 dip") + has(part[i], "-2 range blow-off");
    }
    EXPECT_GT(fired, 0);
}

TEST(FormulaRules, RulesFileLoadsFormulasAndParameters) {
    auto r = parseRules(R"j({"minScore": 4, "rsiOversold": 25, "tpR": [1, 1.5, 4],
        "formulas": [{"formula": "rsi(close,14) < 30", "side": "long", "weight": 15, "reason": "RSI oversold"},
                     {"formula": "close > ema(close, 50)", "side": "SHORT"}]})j");
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->minScore, 4);
    EXPECT_EQ(r->rsiOversold, 25);
    EXPECT_EQ(r->tpR[1], 1.5);
    ASSERT_EQ(r->formulas.size(), 2u);
    EXPECT_EQ(r->formulas[0].formula, "rsi(close,14) < 30");
    EXPECT_EQ(r->formulas[0].side, Direction::Long);
    EXPECT_EQ(r->formulas[0].weight, 15);
    EXPECT_EQ(r->formulas[0].reason, "RSI oversold");
    EXPECT_EQ(r->formulas[1].side, Direction::Short);
    EXPECT_EQ(r->formulas[1].weight, 1);
    EXPECT_EQ(r->emaFast, 9);  // untouched keys keep their defaults
}

TEST(FormulaRules, SyntheticBadRulesFilesAreClearErrors) {
    auto err = [](const char* json) {
        auto r = parseRules(json);
        EXPECT_FALSE(r.ok()) << json;
        return r.ok() ? std::string() : r.message();
    };
    // A syntax error names the rule and the column.
    EXPECT_EQ(err(R"j({"formulas": [{"formula": "rsi(close 14) < 30", "side": "long"}]})j"),
              "formulas[0] \"rsi(close 14) < 30\": column 11: expected ',' and a period: rsi(series, period)");
    EXPECT_NE(
        err(R"j({"formulas": [{"formula": "close < 1 < 2", "side": "long"}]})j").find("column 11: comparisons do not chain"),
        std::string::npos);
    EXPECT_NE(err(R"j({"formulas": [{"formula": "close = 1", "side": "long"}]})j").find("column 7: use '=='"), std::string::npos);
    EXPECT_NE(err(R"j({"formulas": [{"formula": "close > 1 and", "side": "long"}]})j").find("column 14"), std::string::npos);
    EXPECT_NE(err(R"j({"formulas": [{"formula": "close > 1", "side": "up"}]})j").find("side must be"), std::string::npos);
    EXPECT_NE(err(R"j({"formulas": [{"formula": "close > 1", "side": "long", "weight": 0}]})j").find("weight must be at least 1"),
              std::string::npos);
    EXPECT_NE(err(R"j({"formulas": [{"side": "long"}]})j").find("needs \"formula\""), std::string::npos);
    EXPECT_NE(err(R"j({"formulas": [{"formula": "close > 1", "side": "long", "wieght": 2}]})j").find("unknown key \"wieght\""),
              std::string::npos);
    EXPECT_NE(err(R"j({"rsiPeriod": 0})j").find("rsiPeriod must be"), std::string::npos);
    EXPECT_NE(err(R"j({"rsiPeriod": 14.5})j").find("rsiPeriod must be a whole number"), std::string::npos);
    EXPECT_NE(err(R"j({"colour": 1})j").find("unknown key \"colour\""), std::string::npos);
    EXPECT_NE(err(R"j({"tpR": [1, 2]})j").find("tpR must be"), std::string::npos);
    EXPECT_NE(err(R"j({"formulas": [)j").find("not valid JSON"), std::string::npos);
    EXPECT_NE(err("[]").find("must be a JSON object"), std::string::npos);
    auto missing = loadRules("/nonexistent/rules.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.message().find("/nonexistent/rules.json: cannot open"), std::string::npos);
}

TEST(FormulaRules, SyntheticWarmupAndInvalidRulesNeverFire) {
    // Synthetic rising bars: "close > 0" holds on every bar; a rule over an indicator longer than
    // the series stays in its warm-up (NaN) and never votes; an invalid formula set programmatically
    // is reported by validate() and skipped by the engine.
    std::vector<Bar> bars;
    for (int i = 0; i < 120; ++i) {
        Bar b;
        b.openTimeMs = std::int64_t{i} * 3600000;
        const std::int64_t cents = (100 + i) * 100;  // close 100 + i, range +/- 1
        b.open = Price::fromRaw(cents - 50, 2);
        b.high = Price::fromRaw(cents + 100, 2);
        b.low = Price::fromRaw(cents - 100, 2);
        b.close = Price::fromRaw(cents, 2);
        b.volume = Quantity::fromRaw(10, 0);
        bars.push_back(b);
    }
    SignalRules rules;
    rules.formulas = {{"close > 0", Direction::Long, 2, "always"},
                      {"sma(close, 500) > 0", Direction::Long, 2, "never warm"},
                      {"close >", Direction::Long, 2, "broken"}};
    const Status v = validate(rules);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.message().find("formulas[2] \"close >\": column 8"), std::string::npos) << v.message();
    const auto sigs = generateSignals(bars, Timeframe::H1, rules);
    ASSERT_FALSE(sigs.empty());
    for (const Signal& s : sigs) {
        ASSERT_TRUE(has(s, "+2 always"));
        ASSERT_FALSE(has(s, "+2 never warm"));
        ASSERT_FALSE(has(s, "+2 broken"));
    }
}
