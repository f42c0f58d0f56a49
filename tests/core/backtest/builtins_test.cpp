// The built-in strategies: known answers worked out by hand on a small synthetic series (named
// Synthetic), the registry's parameter checks, the fill/size/at-end conventions, and no look-ahead
// for every built-in on real daily bars.
//
// The synthetic series and its settings: syntheticseries.h.
#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/formulastrategy.h"
#include "marketdata/csvimport.h"
#include "syntheticseries.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace kairos;
using namespace kairos::backtest;
using namespace kairos::backtest::synth;

namespace {

OrderSizing one() {
    OrderSizing z;
    z.kind = OrderSizing::Kind::Quantity;
    z.quantity = *Quantity::parse("1");
    return z;
}

ParamValues params(const std::string& name, const std::vector<std::pair<std::string, std::string>>& given) {
    auto p = resolveParams(*findBuiltin(name), given);
    EXPECT_TRUE(p.ok()) << p.message();
    return p.ok() ? *p : ParamValues{};
}

BacktestResult runBuiltin(const std::string& name, const std::vector<std::pair<std::string, std::string>>& given,
                          const BacktestSettings& s = syntheticSettings(), const OrderSizing& sizing = one()) {
    auto strategy = makeBuiltin(name, params(name, given), sizing);
    EXPECT_TRUE(strategy.ok()) << strategy.message();
    auto r = BacktestEngine(s).run(**strategy, syntheticBars());
    EXPECT_TRUE(r.ok()) << r.message();
    return *r;
}

/// "buy@19:10.25" per fill: side, bar index (from the fill time), price.
std::vector<std::string> fills(const BacktestResult& r, std::int64_t offsetMs = 0) {
    std::vector<std::string> out;
    for (const trading::Fill& f : r.fills) {
        const std::int64_t bar = (f.timeMs - offsetMs - kT0) / kDay;
        out.push_back(std::string(trading::toString(f.side)) + "@" + std::to_string(bar) + ":" + f.price.toTrimmedString() + "x" +
                      f.quantity.toTrimmedString());
    }
    return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST(BuiltinStrategies, SyntheticSmaCrossFollowsCrossOverSemanticsAndFillsAtTheNextOpen) {
    // SMA2 vs SMA4: equal (10 = 10) on bars 3-4; bar 5 is the first bar where they differ (10.5 >
    // 10.25), so no cross there (a "was <= and now >" rule would buy on bar 6). Down on bar 11
    // (13.5 < 13.75), up on bar 18 (9.5 > 9.0), down on bar 22 (10.5 < 11.0).
    const BacktestResult r = runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}});
    // long only: buy on bar 19's open (10.25), sell on bar 23's open (10.25); the down cross on bar
    // 11 finds it flat and does nothing
    EXPECT_EQ(fills(r), (V{"buy@19:10.25x1", "sell@23:10.25x1"}));
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].barsHeld, 4);
    EXPECT_FALSE(r.openPosition.has_value());
}

TEST(BuiltinStrategies, SyntheticSmaCrossWithShortReversesOnEachCross) {
    // short=1: the down cross on bar 11 opens a short at bar 12's open (13.25); the up cross on bar
    // 18 covers it and goes long (two orders, both at bar 19's open 10.25); the down cross on bar 22
    // sells the long and opens a short at bar 23's open (10.25), still open at the end
    const BacktestResult r = runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}, {"short", "1"}});
    EXPECT_EQ(fills(r), (V{"sell@12:13.25x1", "buy@19:10.25x1", "buy@19:10.25x1", "sell@23:10.25x1", "sell@23:10.25x1"}));
    ASSERT_EQ(r.trades.size(), 2u);
    EXPECT_EQ(r.trades[0].side, PositionSide::Short);
    EXPECT_EQ(r.trades[0].grossPnl, *Money::parse("3"));  // 13.25 - 10.25
    EXPECT_EQ(r.trades[1].grossPnl, *Money::parse("0"));
    ASSERT_TRUE(r.openPosition.has_value());
    EXPECT_EQ(r.openPosition->side, PositionSide::Short);
    EXPECT_EQ(r.openPosition->entryPrice, *Price::parse("10.25"));
    EXPECT_EQ(r.openPosition->entryTimeMs, kT0 + 23 * kDay);
    // marked at the last close (8): 10000 + 3 + 0 + (10.25 - 8)
    EXPECT_EQ(r.metrics.finalEquity, *Money::parse("10005.25"));
}

TEST(BuiltinStrategies, SyntheticEmaCrossHandComputed) {
    // EMA2 (alpha 2/3, seeded with the SMA of 2) and EMA4 (alpha 0.4, seeded with the SMA of 4):
    // both 10 on bars 3-4; bar 5: 10.667 > 10.4 (first difference, no cross); bar 11: 13.389 <
    // 13.462 (down, flat); bar 18: 9.611 > 9.551 (up); bar 22: 10.390 < 10.556 (down)
    const BacktestResult r = runBuiltin("ema_cross", {{"fast", "2"}, {"slow", "4"}});
    EXPECT_EQ(fills(r), (V{"buy@19:10.25x1", "sell@23:10.25x1"}));
}

TEST(BuiltinStrategies, SyntheticMacdCrossHandComputed) {
    // MACD 2/4/2: line = EMA2 - EMA4 from bar 3, signal = EMA2 of the line (seeded with the SMA of
    // its first two values, bar 4). Line/signal: bar 10 0.397/0.544 (line below since bar 10: down,
    // flat), bar 17 -0.418/-0.573 (up: buy at bar 18's open 9.25), bar 21 0.244/0.328 (down: sell
    // at bar 22's open 11.25)
    const BacktestResult r = runBuiltin("macd_cross", {{"fast", "2"}, {"slow", "4"}, {"signal", "2"}});
    EXPECT_EQ(fills(r), (V{"buy@18:9.25x1", "sell@22:11.25x1"}));
}

TEST(BuiltinStrategies, SyntheticRsiReversionAndRsi3Rsi7HandComputed) {
    // Wilder RSI(3): ... bar 13 17.61 (< 20: buy at bar 14's open 11.25), bar 20 81.37 (> 80: sell
    // at bar 21's open 12.25), bar 24 16.05 (< 20: buy at bar 25's open 8.25, open at the end)
    EXPECT_EQ(fills(runBuiltin("rsi3", {})), (V{"buy@14:11.25x1", "sell@21:12.25x1", "buy@25:8.25x1"}));
    EXPECT_EQ(fills(runBuiltin("rsi_reversion", {{"period", "3"}, {"lower", "20"}, {"upper", "80"}})),
              (V{"buy@14:11.25x1", "sell@21:12.25x1", "buy@25:8.25x1"}));
    // RSI(7): first value on bar 7; bar 15 27.60 (< 30: buy at bar 16's open 9.25); never above 70 again
    EXPECT_EQ(fills(runBuiltin("rsi7", {})), (V{"buy@16:9.25x1"}));
    // RSI(4) 25/75: bar 14 19.18 < 25 -> buy at bar 15's open 10.25
    EXPECT_EQ(fills(runBuiltin("rsi_reversion", {{"period", "4"}, {"lower", "25"}, {"upper", "75"}})), (V{"buy@15:10.25x1"}));
    // rsi3 with short=1: bar 5's RSI 100 > 80 opens a short at bar 6 (11.25); bar 13 covers and
    // goes long (bar 14, 11.25 twice); bar 20 sells and shorts (bar 21, 12.25); bar 24 covers and
    // goes long (bar 25, 8.25)
    EXPECT_EQ(fills(runBuiltin("rsi3", {{"short", "1"}})),
              (V{"sell@6:11.25x1", "buy@14:11.25x1", "buy@14:11.25x1", "sell@21:12.25x1", "sell@21:12.25x1", "buy@25:8.25x1",
                 "buy@25:8.25x1"}));
}

TEST(BuiltinStrategies, SyntheticBollingerBreakoutHandComputed) {
    // Bands of 3 closes, k = 1 (population stddev): bar 5 11 > upper 10.805 (buy at bar 6's open
    // 11.25); bar 10 14 < middle 14.333 (sell at bar 11, 14.25); bar 18 10 > upper 9.816 (buy at
    // bar 19, 10.25); bar 21 11 < middle 11.333 (sell at bar 22, 11.25)
    EXPECT_EQ(fills(runBuiltin("bollinger_breakout", {{"period", "3"}, {"k", "1"}})),
              (V{"buy@6:11.25x1", "sell@11:14.25x1", "buy@19:10.25x1", "sell@22:11.25x1"}));
}

TEST(BuiltinStrategies, SyntheticDonchianBreakoutUsesTheBarsBeforeThisOne) {
    // entry 3, exit 2: bar 5 closes 11 above the highest high of bars 2-4 (10.75): buy at bar 6
    // (11.25); bar 11 closes 13 below the lowest low of bars 9-10 (13.5): sell at bar 12 (13.25);
    // bar 19 closes 11 above 10.5 (bars 16-18): buy at bar 20 (11.25); bar 22 closes 10 below 10.5
    // (bars 20-21): sell at bar 23 (10.25)
    EXPECT_EQ(fills(runBuiltin("donchian_breakout", {{"entry", "3"}, {"exit", "2"}})),
              (V{"buy@6:11.25x1", "sell@12:13.25x1", "buy@20:11.25x1", "sell@23:10.25x1"}));
}

TEST(BuiltinStrategies, ParametersAreTypedAndRangeChecked) {
    const StrategyInfo* sma = findBuiltin("sma_cross");
    ASSERT_NE(sma, nullptr);
    auto defaults = resolveParams(*sma, {});
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->at("fast"), 10);
    EXPECT_EQ(defaults->at("slow"), 30);
    EXPECT_EQ(defaults->at("short"), 0);
    // out of range: the error names the parameter and its range
    auto zero = resolveParams(*sma, {{"fast", "0"}});
    ASSERT_FALSE(zero.ok());
    EXPECT_NE(zero.message().find("fast"), std::string::npos) << zero.message();
    EXPECT_NE(zero.message().find("1..1000"), std::string::npos) << zero.message();
    EXPECT_FALSE(resolveParams(*sma, {{"fast", "2.5"}}).ok());  // whole numbers only
    EXPECT_FALSE(resolveParams(*sma, {{"fast", "abc"}}).ok());
    EXPECT_FALSE(resolveParams(*sma, {{"short", "2"}}).ok());
    auto order = resolveParams(*sma, {{"fast", "30"}, {"slow", "10"}});
    ASSERT_FALSE(order.ok());
    EXPECT_NE(order.message().find("must be below slow"), std::string::npos) << order.message();
    auto unknown = resolveParams(*sma, {{"period", "3"}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.message().find("unknown parameter \"period\""), std::string::npos);
    EXPECT_NE(unknown.message().find("slow"), std::string::npos);  // lists what it takes
    // fractional parameters where they make sense
    EXPECT_TRUE(resolveParams(*findBuiltin("bollinger_breakout"), {{"k", "2.5"}}).ok());
    EXPECT_FALSE(resolveParams(*findBuiltin("rsi_reversion"), {{"lower", "80"}, {"upper", "20"}}).ok());
    // every built-in the issue names is there
    for (const char* n : {"sma_cross", "ema_cross", "rsi_reversion", "macd_cross", "bollinger_breakout", "donchian_breakout",
                          "rsi3", "rsi7", "signal"})
        EXPECT_NE(findBuiltin(n), nullptr) << n;
    EXPECT_FALSE(makeBuiltin("nope", {}, one()).ok());
}

TEST(BacktestConventions, SyntheticFillAtThisCloseUsesTheDecisionBarsClose) {
    // GIVEN sma_cross 2/4 (decisions on bars 18 and 22) and fills at this bar's close
    BacktestSettings s = syntheticSettings();
    s.fillAt = FillAt::ThisClose;
    const BacktestResult r = runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}}, s);
    // THEN they fill at bar 18's close (10) and bar 22's close (10), stamped with those closes
    EXPECT_EQ(fills(r, kDay), (V{"buy@18:10x1", "sell@22:10x1"}));
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].entryTimeMs, kT0 + 19 * kDay);  // bar 18's close time
    EXPECT_EQ(r.trades[0].exitTimeMs, kT0 + 23 * kDay);
    EXPECT_EQ(r.trades[0].entryPrice, *Price::parse("10"));
    // the entry bar's close counts as in the market, the exit bar's does not
    EXPECT_TRUE(r.equity[18].inMarket);
    EXPECT_FALSE(r.equity[22].inMarket);
    for (const OrderLogEntry& o : r.orders) EXPECT_EQ((o.decidedMs - kT0) % kDay, 0) << o.decidedMs;
}

TEST(BacktestConventions, SyntheticCommissionIsAFractionOfTradedValuePerSide) {
    // commission 0.001 = 10 bp a side: 10.25 x 0.001 on entry and on exit
    BacktestSettings s = syntheticSettings();
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    const BacktestResult r = runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}}, s);
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].fees, *Money::parse("0.0205"));
    EXPECT_EQ(r.trades[0].netPnl, *Money::parse("-0.0205"));
}

TEST(BacktestConventions, SyntheticSlippageInBpsMovesFillsAgainstTheTrader) {
    // 100 bp: buy 10.25 x 1.01 = 10.3525 -> 10.36 (up to the tick); sell 10.25 x 0.99 = 10.1475 -> 10.14
    BacktestSettings s = syntheticSettings();
    s.rules.slippageBps = *trading::Bps::parse("100");
    EXPECT_EQ(fills(runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}}, s)), (V{"buy@19:10.36x1", "sell@23:10.14x1"}));
    // and at this close: 10 -> 10.10 and 9.90
    s.fillAt = FillAt::ThisClose;
    EXPECT_EQ(fills(runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}}, s), kDay), (V{"buy@18:10.1x1", "sell@22:9.9x1"}));
}

TEST(BacktestConventions, SyntheticSizingByQuantityNotionalAndPercentOfEquity) {
    OrderSizing notional;
    notional.kind = OrderSizing::Kind::Notional;
    notional.notional = *Money::parse("1000");
    // 1000 / bar 18's close 10 = 100
    EXPECT_EQ(fills(runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}}, syntheticSettings(), notional)),
              (V{"buy@19:10.25x100", "sell@23:10.25x100"}));
    OrderSizing pct;
    pct.kind = OrderSizing::Kind::PercentEquity;
    pct.percent = 50;
    // 50 % of 10,000 / 10 = 500
    EXPECT_EQ(fills(runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}}, syntheticSettings(), pct)),
              (V{"buy@19:10.25x500", "sell@23:10.25x500"}));
    // a size below the lot rounds down to nothing: no order
    OrderSizing tiny;
    tiny.kind = OrderSizing::Kind::Quantity;
    tiny.quantity = *Quantity::parse("0.000000001");
    EXPECT_TRUE(fills(runBuiltin("sma_cross", {{"fast", "2"}, {"slow", "4"}}, syntheticSettings(), tiny)).empty());
    OrderSizing bad = pct;
    bad.percent = 150;
    EXPECT_FALSE(validate(bad).ok());
}

TEST(BacktestConventions, SyntheticAtEndKeepMarksTheOpenPositionAndCloseClosesIt) {
    // rsi3 ends long 1 from bar 25's open 8.25; the last close is 8
    BacktestSettings keep = syntheticSettings();
    const BacktestResult k = runBuiltin("rsi3", {}, keep);
    ASSERT_TRUE(k.openPosition.has_value());
    EXPECT_EQ(k.openPosition->side, PositionSide::Long);
    EXPECT_EQ(k.openPosition->quantity, *Quantity::parse("1"));
    EXPECT_EQ(k.openPosition->entryPrice, *Price::parse("8.25"));
    EXPECT_EQ(k.trades.size(), 1u);  // only the closed one (11.25 -> 12.25)
    // cash: 10000 - 11.25 + 12.25 - 8.25; equity adds 1 x 8
    EXPECT_EQ(k.finalCash, *Money::parse("9992.75"));
    EXPECT_EQ(k.metrics.finalEquity, *Money::parse("10000.75"));

    BacktestSettings close = syntheticSettings();
    close.atEnd = AtEnd::Close;
    const BacktestResult c = runBuiltin("rsi3", {}, close);
    EXPECT_FALSE(c.openPosition.has_value());
    ASSERT_EQ(c.trades.size(), 2u);
    EXPECT_EQ(c.trades[1].exitReason, ExitReason::EndOfData);
    EXPECT_EQ(c.trades[1].exitPrice, *Price::parse("8"));
    EXPECT_EQ(c.finalCash, *Money::parse("10000.75"));
    EXPECT_EQ(c.metrics.finalEquity, k.metrics.finalEquity);  // no fees: the same value
}

TEST(BuiltinStrategies, NoLookAheadForEveryBuiltinOnRealDailyBars) {
    // GIVEN five years of real BTCUSDT days, and copies whose bars after bar t are rewritten
    auto csv = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    const std::vector<Bar>& bars = csv->bars;
    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, 2);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.atEnd = AtEnd::Keep;
    OrderSizing pct;  // 95 % of equity: the size depends on the past equity too
    for (const StrategyInfo& info : builtinStrategies()) {
        ParamValues p;
        if (info.name == "rsi_reversion") p = {{"period", 14}, {"lower", 40}, {"upper", 60}};
        auto run = [&](const std::vector<Bar>& b) {
            auto strategy = makeBuiltin(info.name, p, pct);
            EXPECT_TRUE(strategy.ok()) << strategy.message();
            auto r = BacktestEngine(s).run(**strategy, b);
            EXPECT_TRUE(r.ok()) << r.message();
            return *r;
        };
        const BacktestResult base = run(bars);
        for (std::size_t t : {std::size_t{400}, std::size_t{1200}}) {
            std::vector<Bar> changed = bars;
            for (std::size_t i = t + 1; i < changed.size(); ++i) {
                Bar& b = changed[i];
                for (Price* q : {&b.open, &b.high, &b.low, &b.close}) *q = Price::fromRaw(q->raw() * 5, q->scale() + 1);
            }
            const BacktestResult other = run(changed);
            // THEN every order decided up to bar t's close is the same
            const std::int64_t tClose = nextBucketStart(Timeframe::D1, bars[t].openTimeMs);
            std::vector<const OrderLogEntry*> a, b;
            for (const auto& o : base.orders)
                if (o.decidedMs <= tClose) a.push_back(&o);
            for (const auto& o : other.orders)
                if (o.decidedMs <= tClose) b.push_back(&o);
            ASSERT_EQ(a.size(), b.size()) << info.name << " t=" << t;
            EXPECT_GT(a.size(), 0u) << info.name << " placed no order before bar " << t << " (the test would prove nothing)";
            for (std::size_t k = 0; k < a.size(); ++k) {
                EXPECT_EQ(a[k]->decidedMs, b[k]->decidedMs) << info.name;
                EXPECT_EQ(a[k]->order.request, b[k]->order.request) << info.name << " order " << k << " t=" << t;
            }
            for (std::size_t i = 0; i <= t; ++i)
                ASSERT_EQ(base.equity[i].equity, other.equity[i].equity) << info.name << " " << i;
        }
    }
}

TEST(BuiltinStrategies, SmaCrossMatchesBacktradersPublishedLogOnItsOwnSampleData) {
    // backtrader's samples/commission-schemes/commission-schemes.py buys when the close crosses
    // above SMA(30) and sells when it crosses below (CrossOver(data, SMA(30))), one stake of 10
    // (its futures multiplier), on its own 2006-day-001.txt (EuroStoxx 50, 2006). Its published log
    // (backtrader.com blog, "Commissions: Stocks vs Futures", 2015-07-26/31) begins:
    //   2006-03-09, BUY CREATE, 3757.59     2006-03-10, BUY EXECUTED, Price: 3754.13
    //   2006-04-11, SELL CREATE, 3788.81    2006-04-12, SELL EXECUTED, Price: 3786.93
    //   2006-04-12, TRADE PROFIT, GROSS 328.00, NET 324.00 (2 per contract a side)
    //   2006-04-20, BUY CREATE, 3860.00     2006-04-21, BUY EXECUTED, Price: 3863.57
    // sma_cross with fast = 1 (the SMA of one close is the close) and slow = 30 is that strategy.
    auto csv = marketdata::readBarsCsv(test::realData("backtrader/2006-day-001.txt"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    BacktestSettings s;
    s.instrument = instrumentForFile({"FILE", "2006-day-001"}, csv->priceScale);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = trading::Bps::fromRaw(0, 0);
    s.atEnd = AtEnd::Keep;
    OrderSizing ten;
    ten.kind = OrderSizing::Kind::Quantity;
    ten.quantity = *Quantity::parse("10");
    auto strategy = makeBuiltin("sma_cross", {{"fast", 1}, {"slow", 30}}, ten);
    ASSERT_TRUE(strategy.ok()) << strategy.message();
    auto r = BacktestEngine(s).run(**strategy, csv->bars);
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_GE(r->trades.size(), 1u);
    const TradeRecord& t = r->trades[0];
    EXPECT_EQ(formatUtc(t.entryTimeMs), "2006-03-10T00:00:00.000Z");
    EXPECT_EQ(t.entryPrice, *Price::parse("3754.13"));
    EXPECT_EQ(formatUtc(t.exitTimeMs), "2006-04-12T00:00:00.000Z");
    EXPECT_EQ(t.exitPrice, *Price::parse("3786.93"));
    EXPECT_EQ(t.grossPnl, *Money::parse("328"));
    // the decisions were taken on the closes backtrader logged
    ASSERT_GE(r->orders.size(), 3u);
    EXPECT_EQ(formatUtc(r->orders[0].decidedMs), "2006-03-10T00:00:00.000Z");  // the close of 2006-03-09
    EXPECT_EQ(formatUtc(r->orders[1].decidedMs), "2006-04-12T00:00:00.000Z");  // the close of 2006-04-11
    ASSERT_GE(r->fills.size(), 3u);
    EXPECT_EQ(formatUtc(r->fills[2].timeMs), "2006-04-21T00:00:00.000Z");
    EXPECT_EQ(r->fills[2].price, *Price::parse("3863.57"));
}

TEST(BuiltinStrategies, RiskPerTradeSizingKnownAnswersAndItsCap) {
    const Instrument inst = instrumentForFile({"TEST", "SYNTH"}, 2);
    OrderSizing risk;
    risk.kind = OrderSizing::Kind::RiskPerTrade;
    risk.riskPercent = 2;
    const Money equity = *Money::parse("5000");
    // 2 % of 5,000 = 100 at risk over 50 - 48 = 2: 50 units (a short's stop above works the same)
    EXPECT_EQ(entryQuantity(risk, *Price::parse("50"), equity, inst, *Price::parse("48")), *Quantity::parse("50"));
    EXPECT_EQ(entryQuantity(risk, *Price::parse("50"), equity, inst, *Price::parse("52.5")), *Quantity::parse("40"));
    // a stop 0.01 away would need 10,000 units (500,000): capped at the equity, 5,000 / 50 = 100
    EXPECT_EQ(entryQuantity(risk, *Price::parse("50"), equity, inst, *Price::parse("49.99")), *Quantity::parse("100"));
    // no stop, or a stop at the price: no entry
    EXPECT_FALSE(entryQuantity(risk, *Price::parse("50"), equity, inst, std::nullopt).has_value());
    EXPECT_FALSE(entryQuantity(risk, *Price::parse("50"), equity, inst, *Price::parse("50")).has_value());
    EXPECT_FALSE(entryQuantity(risk, *Price::parse("50"), equity, inst).has_value());
    risk.riskPercent = 0;
    EXPECT_FALSE(validate(risk).ok());
}

TEST(BuiltinStrategies, RiskPerTradeIsRefusedByStrategiesWithoutAStop) {
    OrderSizing risk;
    risk.kind = OrderSizing::Kind::RiskPerTrade;
    auto sma = makeBuiltin("sma_cross", params("sma_cross", {}), risk);
    ASSERT_FALSE(sma.ok());
    EXPECT_NE(sma.message().find("sma_cross sets no stop"), std::string::npos) << sma.message();
    // the signal strategy's entries carry the signal's stop loss
    EXPECT_TRUE(makeBuiltin("signal", params("signal", {}), risk).ok());
}
