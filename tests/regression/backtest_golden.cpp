// Golden masters (after LEAN's regression algorithms): the signal strategy backtested on the real
// bundled Binance daily files of five symbols, with its expected statistics and a hash of every
// order it placed and how each ended. Any change to the signal engine, the fill simulator, the
// portfolio or the backtest engine that changes a single order shows up here. If the change is
// intended, replace the expected line with the "actual" line the failure prints.
#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/signalstrategy.h"
#include "marketdata/csvimport.h"
#include "trading/instrumentdefaults.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <string>

using namespace kairos;
using namespace kairos::backtest;

namespace {

/// FNV-1a over the order list: decision time, request, role, final status, filled quantity and
/// average fill price of every order.
std::uint64_t orderHash(const BacktestResult& r) {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](const std::string& s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;
        h *= 1099511628211ULL;
    };
    for (const OrderLogEntry& e : r.orders) {
        const trading::Order& o = e.order;
        mix(std::to_string(e.decidedMs));
        mix(std::string(trading::toString(o.request.side)));
        mix(std::string(trading::toString(o.request.type)));
        mix(o.request.quantity.toTrimmedString());
        mix(o.request.stopPrice ? o.request.stopPrice->toTrimmedString() : "-");
        mix(o.request.limitPrice ? o.request.limitPrice->toTrimmedString() : "-");
        mix(o.request.bracket.stopLoss ? o.request.bracket.stopLoss->toTrimmedString() : "-");
        mix(o.request.bracket.takeProfit ? o.request.bracket.takeProfit->toTrimmedString() : "-");
        mix(std::string(trading::toString(o.role)));
        mix(std::string(trading::toString(o.status)));
        mix(o.filledQuantity.toTrimmedString());
        mix(o.averageFillPrice(8).toTrimmedString());
    }
    return h;
}

struct Golden {
    const char* symbol;
    const char* expected;  ///< "trades=N net=X maxdd=Y orders=N hash=H"
};

// How GoogleTest prints a case (and so how CTest names it): by its symbol, not its bytes (two
// pointers, which differ from build to build and made the CTest names unstable).
void PrintTo(const Golden& g, std::ostream* os) { *os << g.symbol; }

std::string summary(const BacktestResult& r) {
    char hash[32];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(orderHash(r)));
    return "trades=" + std::to_string(r.metrics.trades) + " net=" + r.metrics.netProfit.toTrimmedString() +
        " maxdd=" + r.metrics.maxDrawdown.toTrimmedString() + " orders=" + std::to_string(r.orders.size()) + " hash=" + hash;
}

}  // namespace

class BacktestGolden : public ::testing::TestWithParam<Golden> {};

TEST_P(BacktestGolden, SignalStrategyOnRealDailyBarsMatchesItsGoldenMaster) {
    const Golden& g = GetParam();
    // GIVEN five years of real daily bars and the defaults (10,000 USDT, 10 bp, 95 % of equity, TP2)
    const std::string file = std::string("binance_spot_") + g.symbol + "_1d_2020-09-20_2025-09-18.csv";
    auto csv = marketdata::readBarsCsv(test::realData("candles/" + file));
    ASSERT_TRUE(csv.ok()) << csv.message();
    BacktestSettings s;
    const InstrumentId id{"BINANCE", g.symbol};
    s.instrument = *trading::bundledInstrumentRules(id);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    SignalStrategy strategy;
    // WHEN backtested
    auto r = BacktestEngine(s).run(strategy, csv->bars);
    ASSERT_TRUE(r.ok()) << r.message();
    // THEN statistics and orders are exactly those recorded
    EXPECT_EQ(summary(*r), g.expected) << "actual line for " << g.symbol << ": \"" << summary(*r) << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    BinanceDaily, BacktestGolden,
    ::testing::Values(Golden{"BTCUSDT", "trades=116 net=13230.18441861 maxdd=19290.79015297 orders=356 hash=e3a50cc3d8a2b38e"},
                      Golden{"ETHUSDT", "trades=131 net=1823.05200667 maxdd=29798.59120634 orders=402 hash=585847919c72aa2d"},
                      Golden{"SOLUSDT", "trades=127 net=24511.78163009 maxdd=194770.20581356 orders=385 hash=6def9870dddf6fae"},
                      Golden{"BNBUSDT", "trades=145 net=20628.46358898 maxdd=70627.24957166 orders=447 hash=5ddc4ecda3b68bdf"},
                      Golden{"XRPUSDT", "trades=118 net=-9166.3375913 maxdd=18855.59369642 orders=363 hash=133df400a740e6e1"}),
    [](const ::testing::TestParamInfo<Golden>& info) { return std::string(info.param.symbol); });

// ---------------------------------------------------------------------------------------------
// Every built-in strategy at its default parameters on the real BTCUSDT daily bars (2020-09-20 ..
// 2025-09-18): 10,000 USDT, commission 0.001 a side, 95 % of equity per entry, fills at the next
// open, the open position kept at the end. Trades, net P&L, drawdown, the open position and the
// hash of every order. The hand-checked behaviour is in tests/core/backtest/builtins_test.cpp;
// these pin the real-data results so any change to a strategy or the kernel shows.

namespace {
struct BuiltinGolden {
    const char* name;
    const char* expected;
};
void PrintTo(const BuiltinGolden& g, std::ostream* os) { *os << g.name; }
}  // namespace

class BuiltinGoldenTest : public ::testing::TestWithParam<BuiltinGolden> {};

TEST_P(BuiltinGoldenTest, BuiltinOnRealBtcDailyBarsMatchesItsGoldenMaster) {
    const BuiltinGolden& g = GetParam();
    auto csv = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    BacktestSettings s;
    s.instrument = *trading::bundledInstrumentRules(InstrumentId{"BINANCE", "BTCUSDT"});
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    s.atEnd = AtEnd::Keep;
    auto strategy = makeBuiltin(g.name, {}, OrderSizing{});
    ASSERT_TRUE(strategy.ok()) << strategy.message();
    auto r = BacktestEngine(s).run(**strategy, csv->bars);
    ASSERT_TRUE(r.ok()) << r.message();
    const std::string open = r->openPosition ? toString(r->openPosition->side) + " " +
            r->openPosition->quantity.toTrimmedString() + "@" + r->openPosition->entryPrice.toTrimmedString()
                                             : std::string("none");
    const std::string actual = summary(*r) + " open=" + open;
    EXPECT_EQ(actual, g.expected) << "actual line for " << g.name << ": \"" << actual << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    BinanceBtcDaily, BuiltinGoldenTest,
    ::testing::Values(
        BuiltinGolden{
            "sma_cross",
            "trades=35 net=7415.67018489 maxdd=8894.27849264 orders=71 hash=6ea87a313ac81b6a open=LONG 0.14156@115268.01"},
        BuiltinGolden{
            "ema_cross",
            "trades=24 net=13188.12516193 maxdd=6987.44124552 orders=49 hash=f8136bceaa672477 open=LONG 0.18843@115918.29"},
        BuiltinGolden{
            "macd_cross",
            "trades=66 net=21590.63188959 maxdd=11952.7108285 orders=133 hash=b803f746029d00b5 open=LONG 0.25733@110187.98"},
        BuiltinGolden{"rsi_reversion", "trades=7 net=1614.45686328 maxdd=5278.0270325 orders=14 hash=a6a2da7aa7e00d0b open=none"},
        BuiltinGolden{"rsi3", "trades=57 net=16384.58868554 maxdd=10213.31366097 orders=114 hash=f65e952043ee9ebc open=none"},
        BuiltinGolden{"rsi7", "trades=23 net=2381.4592176 maxdd=11145.8085749 orders=46 hash=d2bf3ab270c2c3c2 open=none"},
        BuiltinGolden{
            "bollinger_breakout",
            "trades=43 net=13332.95134235 maxdd=19576.29161708 orders=87 hash=535b092982b68818 open=LONG 0.18964@115482.69"},
        BuiltinGolden{
            "donchian_breakout",
            "trades=25 net=57271.72870364 maxdd=27835.69536972 orders=51 hash=57c599ae79704284 open=LONG 0.54646@116788.96"},
        BuiltinGolden{
            "signal",
            "trades=115 net=13252.31014504 maxdd=19290.79015297 orders=356 hash=e3a50cc3d8a2b38e open=LONG 0.18899@115349.71"}),
    [](const ::testing::TestParamInfo<BuiltinGolden>& info) { return std::string(info.param.name); });
