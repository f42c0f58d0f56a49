// The optimizer: parameter axes, grid enumeration, seeded random and genetic searches, sharding,
// and the same results on any number of threads, over real BTCUSDT days.
#include "backtest/optimizer.h"

#include "backtest/indicatorcache.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace kairos;
using namespace kairos::backtest;

namespace {

const std::vector<Bar>& btcDays() {
    static const std::vector<Bar> bars = [] {
        auto csv = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
        EXPECT_TRUE(csv.ok()) << csv.message();
        return csv.ok() ? csv->bars : std::vector<Bar>{};
    }();
    return bars;
}

BacktestSettings dailySettings() {
    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, 2);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    s.atEnd = AtEnd::Keep;
    return s;
}

Optimizer smaOptimizer() {
    const StrategyInfo* info = findBuiltin("sma_cross");
    return Optimizer(
        dailySettings(), [](const ParamValues& p) { return makeBuiltin("sma_cross", p, OrderSizing{}); },
        [info](const ParamValues& p) -> Status {
            std::vector<std::pair<std::string, std::string>> given;
            for (const auto& [k, v] : p) given.emplace_back(k, std::to_string(static_cast<long long>(v)));
            auto r = resolveParams(*info, given);
            if (!r) return r.error();
            return {};
        });
}

ParamAxis axis(const std::string& text) {
    auto a = parseParamAxis(text, findBuiltin("sma_cross"));
    EXPECT_TRUE(a.ok()) << a.message();
    return a.ok() ? *a : ParamAxis{};
}

/// (values..., score, final equity) of every trial, in rank order.
std::vector<std::tuple<std::vector<double>, double, std::string, int>> table(const OptimizerResult& r) {
    std::vector<std::tuple<std::vector<double>, double, std::string, int>> t;
    for (const Trial& x : r.trials) t.emplace_back(x.values, x.score, x.metrics.finalEquity.toTrimmedString(), x.closedTrades);
    return t;
}

}  // namespace

TEST(OptimizerAxes, RangesAreInclusiveListsKeepTheirOrderAndValuesAreChecked) {
    const ParamAxis range = axis("fast=5:30:1");
    ASSERT_EQ(range.values.size(), 26U);
    EXPECT_EQ(range.values.front(), 5);
    EXPECT_EQ(range.values.back(), 30);
    EXPECT_EQ(axis("slow=20:60:15").values, (std::vector<double>{20, 35, 50}));  // 65 is past the stop
    const ParamAxis list = axis("fast=20,5,10");
    EXPECT_EQ(list.values, (std::vector<double>{20, 5, 10}));
    EXPECT_EQ(list.texts, (std::vector<std::string>{"20", "5", "10"}));
    // Decimal steps are written as typed, not as the float sum
    auto k = parseParamAxis("k=0.1:0.5:0.1", findBuiltin("bollinger_breakout"));
    ASSERT_TRUE(k.ok()) << k.message();
    EXPECT_EQ(k->texts, (std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5"}));
    // Errors name the parameter and its allowed range
    auto low = parseParamAxis("fast=0:10:1", findBuiltin("sma_cross"));
    ASSERT_FALSE(low.ok());
    EXPECT_NE(low.message().find("fast"), std::string::npos) << low.message();
    EXPECT_NE(low.message().find("1..1000"), std::string::npos) << low.message();
    auto frac = parseParamAxis("fast=5:6:0.5", findBuiltin("sma_cross"));
    ASSERT_FALSE(frac.ok());
    EXPECT_NE(frac.message().find("whole number"), std::string::npos) << frac.message();
    auto unknown = parseParamAxis("period=5:10:1", findBuiltin("sma_cross"));
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.message().find("unknown parameter \"period\""), std::string::npos) << unknown.message();
    EXPECT_FALSE(parseParamAxis("fast=10:5:1", nullptr).ok());
    EXPECT_FALSE(parseParamAxis("fast=5:10:0", nullptr).ok());
    EXPECT_FALSE(parseParamAxis("fast=5:10", nullptr).ok());
    EXPECT_FALSE(parseParamAxis("fast=5,x", nullptr).ok());
    EXPECT_FALSE(parseParamAxis("fast=5,5", nullptr).ok());
    EXPECT_FALSE(parseParamAxis("=5", nullptr).ok());
}

TEST(OptimizerAxes, ShardsMethodsAndObjectivesParse) {
    auto s = parseShard("2/3");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->index, 2);
    EXPECT_EQ(s->count, 3);
    for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/3x"}) EXPECT_FALSE(parseShard(bad).ok()) << bad;
    EXPECT_EQ(*parseSearchMethod("genetic"), SearchMethod::Genetic);
    EXPECT_FALSE(parseSearchMethod("annealing").ok());
    ASSERT_NE(findObjective("max_drawdown_pct"), nullptr);
    EXPECT_TRUE(findObjective("max_drawdown_pct")->minimise);
    EXPECT_FALSE(findObjective("sharpe")->minimise);
    EXPECT_EQ(findObjective("start"), nullptr);
}

TEST(OptimizerGrid, EnumeratesEveryAcceptedCombinationLastAxisFastest) {
    // fast in {5, 10, 20} x slow in {10, 20, 30}: sma_cross refuses fast >= slow
    OptimizerSpec spec;
    spec.axes = {axis("fast=5,10,20"), axis("slow=10:30:10")};
    std::size_t skipped = 0;
    auto plan = smaOptimizer().plan(spec, &skipped);
    ASSERT_TRUE(plan.ok()) << plan.message();
    std::vector<std::vector<double>> values;
    for (const auto& c : *plan) values.push_back({spec.axes[0].values[c[0]], spec.axes[1].values[c[1]]});
    const std::vector<std::vector<double>> expected = {{5, 10}, {5, 20}, {5, 30}, {10, 20}, {10, 30}, {20, 30}};
    EXPECT_EQ(values, expected);
    EXPECT_EQ(skipped, 3U);  // (10,10), (20,10), (20,20)
}

TEST(OptimizerGrid, BestRowIsIdenticalOnOneAndTwoThreadsAndMatchesAPlainBacktest) {
    OptimizerSpec spec;
    spec.axes = {axis("fast=5:20:5"), axis("slow=30:90:20")};
    spec.threads = 1;
    const Optimizer opt = smaOptimizer();
    auto one = opt.run(spec, btcDays());
    spec.threads = 2;
    auto two = opt.run(spec, btcDays());
    ASSERT_TRUE(one.ok()) << one.message();
    ASSERT_TRUE(two.ok()) << two.message();
    ASSERT_EQ(one->trials.size(), 16U);
    EXPECT_EQ(table(*one), table(*two));  // every row, bit for bit, in the same order
    // ranked by Sharpe, highest first
    for (std::size_t i = 1; i < one->trials.size(); ++i) EXPECT_GE(one->trials[i - 1].score, one->trials[i].score);
    // the best row is what a plain backtest of its parameters gives
    const Trial& best = one->trials.front();
    auto strategy = makeBuiltin("sma_cross", best.params, OrderSizing{});
    ASSERT_TRUE(strategy.ok());
    auto plain = BacktestEngine(dailySettings()).run(**strategy, btcDays());
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->metrics.sharpe, best.score);
    EXPECT_EQ(plain->metrics.finalEquity, best.metrics.finalEquity);
    EXPECT_EQ(static_cast<int>(plain->trades.size()), best.closedTrades);
}

TEST(OptimizerGrid, ThreeShardsTogetherRunExactlyTheSingleRunsTrials) {
    for (const SearchMethod method : {SearchMethod::Grid, SearchMethod::Random}) {
        OptimizerSpec spec;
        spec.axes = {axis("fast=5:25:5"), axis("slow=20:60:20")};
        if (method == SearchMethod::Random) {
            spec.axes = {axis("fast=2:60:1"), axis("slow=20:200:1")};
            spec.method = method;
            spec.samples = 14;
            spec.seed = 5;
        }
        spec.objective = "total_return_pct";
        const Optimizer opt = smaOptimizer();
        auto single = opt.run(spec, btcDays());
        ASSERT_TRUE(single.ok()) << single.message();
        ASSERT_EQ(single->trials.size(), 13U + (method == SearchMethod::Random ? 1 : 0));
        std::vector<Trial> merged;
        std::set<std::size_t> indices;
        for (int k = 1; k <= 3; ++k) {
            spec.shard = {k, 3};
            auto part = opt.run(spec, btcDays());
            ASSERT_TRUE(part.ok()) << part.message();
            EXPECT_EQ(part->combinations, single->combinations);
            for (const Trial& t : part->trials) {
                EXPECT_EQ(static_cast<int>(t.index % 3), k - 1);
                EXPECT_TRUE(indices.insert(t.index).second) << "trial " << t.index << " in two shards";
                merged.push_back(t);
            }
        }
        rankTrials(merged, *findObjective("total_return_pct"));
        OptimizerResult m;
        m.trials = merged;
        EXPECT_EQ(table(m), table(*single)) << toString(method);
    }
}

TEST(OptimizerRandom, TheSameSeedDrawsTheSameDistinctValidCombinations) {
    OptimizerSpec spec;
    spec.axes = {axis("fast=2:60:1"), axis("slow=10:200:1")};
    spec.method = SearchMethod::Random;
    spec.samples = 40;
    spec.seed = 7;
    const Optimizer opt = smaOptimizer();
    auto a = opt.plan(spec);
    auto b = opt.plan(spec);
    spec.seed = 8;
    auto c = opt.plan(spec);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(*a, *b);
    EXPECT_NE(*a, *c);
    ASSERT_EQ(a->size(), 40U);
    std::set<std::vector<std::size_t>> distinct(a->begin(), a->end());
    EXPECT_EQ(distinct.size(), 40U);
    for (const auto& ch : *a) EXPECT_LT(spec.axes[0].values[ch[0]], spec.axes[1].values[ch[1]]);
    // A space smaller than the samples is the whole grid
    spec.axes = {axis("fast=5,10"), axis("slow=20,30")};
    auto small = opt.plan(spec);
    ASSERT_TRUE(small.ok());
    EXPECT_EQ(small->size(), 4U);
}

TEST(OptimizerGenetic, TheSameSeedGivesTheSameSearchOnAnyNumberOfThreads) {
    OptimizerSpec spec;
    spec.axes = {axis("fast=2:40:1"), axis("slow=20:150:1")};
    spec.method = SearchMethod::Genetic;
    spec.population = 8;
    spec.generations = 4;
    spec.seed = 11;
    spec.threads = 1;
    const Optimizer opt = smaOptimizer();
    auto a = opt.run(spec, btcDays());
    spec.threads = 2;
    auto b = opt.run(spec, btcDays());
    spec.seed = 12;
    auto c = opt.run(spec, btcDays());
    ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << (a.ok() ? "" : a.message());
    EXPECT_EQ(table(*a), table(*b));
    EXPECT_NE(table(*a), table(*c));
    // every evaluated combination once, at most population x generations of them
    EXPECT_GE(a->trials.size(), 8U);
    EXPECT_LE(a->trials.size(), 32U);
    std::set<std::vector<double>> distinct;
    for (const Trial& t : a->trials) EXPECT_TRUE(distinct.insert(t.values).second);
    // elitism: the best of the first generation is never lost, so the best is at least as good
    double firstGenBest = -1e300;
    for (const Trial& t : a->trials)
        if (t.index < 8 && t.qualified) firstGenBest = std::max(firstGenBest, t.score);
    EXPECT_GE(a->trials.front().score, firstGenBest);
}

TEST(OptimizerSpecChecks, BadValuesAreNamed) {
    OptimizerSpec spec;
    EXPECT_NE(validate(spec).message().find("--param"), std::string::npos);
    spec.axes = {axis("fast=5,10")};
    spec.objective = "luck";
    EXPECT_NE(validate(spec).message().find("--objective"), std::string::npos);
    spec.objective = "sharpe";
    spec.method = SearchMethod::Genetic;
    spec.shard = {1, 2};
    EXPECT_NE(validate(spec).message().find("--shard"), std::string::npos);
    spec.shard = {};
    spec.population = 1;
    EXPECT_NE(validate(spec).message().find("--population"), std::string::npos);
}

TEST(OptimizerSharedIndicators, SmaCrossOverCachedAveragesGivesExactlyTheBuiltinsResults) {
    // GIVEN one SMA per period for all combinations instead of two per combination
    OptimizerSpec spec;
    spec.axes = {axis("fast=5:25:5"), axis("slow=20:60:20"), axis("short=0,1")};
    spec.threads = 2;
    auto cache = std::make_shared<IndicatorCache>(btcDays());
    const Optimizer shared(dailySettings(), sharedIndicatorFactory("sma_cross", OrderSizing{}, cache), [](const ParamValues& p) {
        return p.at("fast") < p.at("slow") ? Status{} : Status{makeError("fast >= slow")};
    });
    auto a = shared.run(spec, btcDays());
    auto b = smaOptimizer().run(spec, btcDays());
    ASSERT_TRUE(a.ok() && b.ok());
    // THEN every row is the same, bit for bit, and each period was computed once
    ASSERT_EQ(a->trials.size(), 26U);
    EXPECT_EQ(table(*a), table(*b));
    EXPECT_EQ(cache->computed(), 7U);  // 5, 10, 15, 20, 25, 40, 60
    // a cached strategy shown other bars than the cache's never trades on the wrong values
    const std::vector<Bar> later(btcDays().begin() + 100, btcDays().end());
    auto strategy = sharedIndicatorFactory("sma_cross", OrderSizing{}, cache)({{"fast", 5}, {"slow", 20}});
    ASSERT_TRUE(strategy.ok());
    auto r = BacktestEngine(dailySettings()).run(**strategy, later);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->trades.empty());
    EXPECT_FALSE(r->openPosition.has_value());
}
