#include "signals/outcome.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::signal;

namespace {
Bar bar(std::int64_t t, const char* o, const char* h, const char* l, const char* c) {
    Bar b;
    b.openTimeMs = t;
    b.open = *Price::parse(o);
    b.high = *Price::parse(h);
    b.low = *Price::parse(l);
    b.close = *Price::parse(c);
    b.volume = *Quantity::parse("1");
    return b;
}
Signal longAt100(std::int64_t knownAt) {
    Signal s;
    s.side = Direction::Long;
    s.timeMs = knownAt;
    s.entry = 100;
    s.stopLoss = 97;  // risk 3
    s.takeProfits = {103, 106, 109};
    return s;
}
constexpr std::int64_t H = 3600000;
}  // namespace

TEST(SignalOutcome, SyntheticTargetsStopsAndExpiry) {
    const SignalRules rules;
    // TP1, then TP3 in the next bar: exit at TP3 with +3R
    {
        const std::vector<Bar> bars = {bar(0, "99", "200", "1", "100"),  // the signal's own bar: ignored
                                       bar(H, "100", "104", "99", "103"), bar(2 * H, "103", "110", "101", "109")};
        const Outcome o = evaluate(longAt100(H), bars, rules);
        EXPECT_EQ(o.exit, Exit::TakeProfit3);
        EXPECT_EQ(o.tpReached, 3);
        EXPECT_EQ(o.r, 3.0);
        EXPECT_EQ(o.barsHeld, 2);
        EXPECT_EQ(o.resolvedMs, 2 * H);
    }
    // A bar touching both the stop and a target counts as the stop
    {
        const std::vector<Bar> bars = {bar(H, "100", "107", "96", "100")};
        const Outcome o = evaluate(longAt100(H), bars, rules);
        EXPECT_EQ(o.exit, Exit::StopLoss);
        EXPECT_EQ(o.r, -1.0);
        EXPECT_FALSE(o.win());
    }
    // TP2 reached, then the stop: a win (TP1 before the stop) that still loses 1R on this exit model
    {
        const std::vector<Bar> bars = {bar(H, "100", "106.5", "99", "105"), bar(2 * H, "105", "105", "96", "97")};
        const Outcome o = evaluate(longAt100(H), bars, rules);
        EXPECT_EQ(o.exit, Exit::StopLoss);
        EXPECT_EQ(o.tpReached, 2);
        EXPECT_TRUE(o.win());
    }
    // Nothing touched in maxBars: expired, marked to the last close
    {
        const std::vector<Bar> bars = {bar(H, "100", "101", "99", "100"), bar(2 * H, "100", "102", "99", "101.5")};
        const Outcome o = evaluate(longAt100(H), bars, rules, 2);
        EXPECT_EQ(o.exit, Exit::Expired);
        EXPECT_DOUBLE_EQ(o.r, 0.5);
        // With fewer later bars than maxBars it is still open
        EXPECT_EQ(evaluate(longAt100(H), {bars.front()}, rules, 2).exit, Exit::Open);
    }
}

TEST(SignalOutcome, OnlyBarsAfterTheSignalCount) {
    // GIVEN bars before and at the signal time that would hit the target
    const std::vector<Bar> bars = {bar(0, "100", "120", "99", "110"), bar(H, "100", "120", "99", "110")};
    // WHEN the signal became known at 2H (after both) THEN nothing is evaluated yet
    EXPECT_EQ(evaluate(longAt100(2 * H), bars, SignalRules{}).exit, Exit::Open);
    EXPECT_EQ(evaluate(longAt100(2 * H), bars, SignalRules{}).barsHeld, 0);
}

TEST(SignalOutcome, AccuracyOnRealSignals) {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    ASSERT_TRUE(r.ok());
    const SignalRules rules;
    const auto signals = generateSignals(r->bars, Timeframe::H1, rules);
    std::vector<Outcome> outcomes;
    int resolved = 0, longs = 0, shorts = 0;
    for (const Signal& s : signals) {
        outcomes.push_back(evaluate(s, r->bars, rules));
        if (s.side != Direction::Hold && outcomes.back().exit != Exit::Open) {
            ++resolved;
            (s.side == Direction::Long ? longs : shorts)++;
        }
    }
    const auto acc = accuracy(signals, outcomes);
    ASSERT_TRUE(acc.count("all"));
    EXPECT_EQ(acc.at("all").count, resolved);
    EXPECT_EQ(acc.at("LONG").count, longs);
    EXPECT_EQ(acc.at("SHORT").count, shorts);
    int bands = 0;
    for (const auto& [key, b] : acc)
        if (key.rfind("confidence", 0) == 0) bands += b.count;
    EXPECT_EQ(bands, resolved);
    EXPECT_GT(acc.at("all").winRate(), 0.0);
    EXPECT_LT(acc.at("all").winRate(), 1.0);
    EXPECT_GE(acc.at("all").averageR(), -1.0);
    EXPECT_LE(acc.at("all").averageR(), 3.0);
}
