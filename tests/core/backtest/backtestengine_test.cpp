// The backtest engine: the signal strategy on real Binance bars (metrics checked against a plain
// recomputation from the trades and the equity curve), no look-ahead, cancellation, fees, the
// CandleStore path, and the fill timing on a small hand-computed case (Synthetic).
#include "backtest/backtestengine.h"
#include "backtest/signalstrategy.h"
#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace kairos;
using namespace kairos::backtest;

namespace {

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

const marketdata::CsvBars& btcHours() {
    static const marketdata::CsvBars bars = [] {
        auto r = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        if (!r) throw std::runtime_error(r.message());
        return *r;
    }();
    return bars;
}

BacktestSettings btcSettings() {
    BacktestSettings s;
    s.instrument = instrumentForFile(kBtc, btcHours().priceScale);
    s.timeframe = Timeframe::H1;
    s.initialCapital = *Money::parse("10000");
    return s;
}

Money sum(const Money& a, const Money& b) { return *a.add(b); }

Result<BacktestResult> runSignals(const std::vector<Bar>& bars, const BacktestSettings& s, SignalStrategySettings ss = {},
                                  const ProgressFn& progress = {}, const std::stop_token& stop = {}) {
    SignalStrategy strategy(std::move(ss));
    return BacktestEngine(s).run(strategy, bars, progress, stop);
}

const Bar* barAt(const std::vector<Bar>& bars, std::int64_t openMs) {
    auto it = std::lower_bound(bars.begin(), bars.end(), openMs, [](const Bar& b, std::int64_t t) { return b.openTimeMs < t; });
    return it != bars.end() && it->openTimeMs == openMs ? &*it : nullptr;
}

}  // namespace

TEST(BacktestEngine, RealBtcHoursMetricsMatchAnIndependentRecomputation) {
    // GIVEN five years of real BTCUSDT 1h bars, the default signal rules, 10 bp fees
    const std::vector<Bar>& bars = btcHours().bars;
    const BacktestSettings s = btcSettings();
    // WHEN the signal strategy is backtested
    auto r = runSignals(bars, s);
    ASSERT_TRUE(r.ok()) << r.message();
    const Metrics& m = r->metrics;
    ASSERT_FALSE(r->cancelled);
    ASSERT_EQ(r->barsProcessed, static_cast<std::int64_t>(bars.size()));
    ASSERT_EQ(r->equity.size(), bars.size());
    ASSERT_GT(r->trades.size(), 100u);

    // THEN the trade statistics equal plain loops over the trades list
    Money netSum, wins, losses, fees;
    int nWin = 0, nLoss = 0;
    double winD = 0, lossD = 0;
    for (const TradeRecord& t : r->trades) {
        EXPECT_EQ(t.netPnl, *t.grossPnl.sub(t.fees));
        netSum = sum(netSum, t.netPnl);
        fees = sum(fees, t.fees);
        if (t.netPnl.isNegative()) {
            ++nLoss;
            losses = sum(losses, t.netPnl);
            lossD += t.netPnl.toDouble();
        } else if (!t.netPnl.isZero()) {
            ++nWin;
            wins = sum(wins, t.netPnl);
            winD += t.netPnl.toDouble();
        }
    }
    const int n = static_cast<int>(r->trades.size());
    EXPECT_EQ(m.trades, n);
    EXPECT_EQ(m.wins, nWin);
    EXPECT_EQ(m.losses, nLoss);
    EXPECT_EQ(m.grossProfit, wins);
    EXPECT_EQ(m.grossLoss, losses);
    EXPECT_EQ(m.totalFees, fees);
    EXPECT_DOUBLE_EQ(m.profitFactor, wins.toDouble() / -losses.toDouble());
    EXPECT_DOUBLE_EQ(m.winRatePct, 100.0 * nWin / n);
    EXPECT_NEAR(m.averageWin, winD / nWin, 1e-9);
    EXPECT_NEAR(m.averageLoss, lossD / nLoss, 1e-9);
    EXPECT_NEAR(m.expectancy, netSum.toDouble() / n, 1e-9);
    // every position was closed by the end, so the ledger's equity is capital + the trades' net P&L, exactly
    EXPECT_EQ(m.finalEquity, sum(s.initialCapital, netSum));
    EXPECT_EQ(m.netProfit, netSum);
    EXPECT_DOUBLE_EQ(m.totalReturnPct, netSum.toDouble() / 10000.0 * 100.0);

    // and the curve statistics equal plain loops over the equity curve
    double peak = 10000, maxDd = 0, maxDdPct = 0;
    std::int64_t inMarket = 0;
    std::vector<double> ret;
    double prev = 10000;
    for (const EquityPoint& p : r->equity) {
        const double e = p.equity.toDouble();
        peak = std::max(peak, e);
        if (peak - e > maxDd) {
            maxDd = peak - e;
            maxDdPct = (peak - e) / peak * 100.0;
        }
        inMarket += p.inMarket ? 1 : 0;
        ret.push_back(e / prev - 1.0);
        prev = e;
    }
    EXPECT_NEAR(m.maxDrawdown.toDouble(), maxDd, 1e-6);
    EXPECT_NEAR(m.maxDrawdownPct, maxDdPct, 1e-9);
    EXPECT_DOUBLE_EQ(m.exposurePct, 100.0 * static_cast<double>(inMarket) / static_cast<double>(bars.size()));
    const double years = static_cast<double>(r->equity.back().timeMs - bars.front().openTimeMs) / (365.25 * 86400000.0);
    const double periods = static_cast<double>(ret.size()) / years;
    EXPECT_NEAR(periods, 8766, 10);  // hourly bars around the clock (a few hours of outage missing)
    double mean = 0;
    for (double x : ret) mean += x;
    mean /= static_cast<double>(ret.size());
    double var = 0, down = 0;
    for (double x : ret) {
        var += (x - mean) * (x - mean);
        down += x < 0 ? x * x : 0;
    }
    const double sharpe = mean / std::sqrt(var / static_cast<double>(ret.size() - 1)) * std::sqrt(periods);
    const double sortino = mean / std::sqrt(down / static_cast<double>(ret.size())) * std::sqrt(periods);
    EXPECT_NEAR(m.sharpe, sharpe, 1e-9);
    EXPECT_NEAR(m.sortino, sortino, 1e-9);
    const double years2 = static_cast<double>(m.endMs - m.startMs) / (365.25 * 86400000.0);
    EXPECT_NEAR(m.cagrPct, (std::pow(m.finalEquity.toDouble() / 10000.0, 1.0 / years2) - 1.0) * 100.0, 1e-9);
    EXPECT_DOUBLE_EQ(m.buyHoldReturnPct, (bars.back().close.toDouble() / bars.front().open.toDouble() - 1.0) * 100.0);

    // and every fill happened inside the bar it is dated in (no slippage configured), trades
    // never overlap, and each entry comes after the signal's bar closed
    std::int64_t lastExit = 0;
    for (const TradeRecord& t : r->trades) {
        const Bar* in = barAt(bars, t.entryTimeMs);
        ASSERT_NE(in, nullptr) << formatUtc(t.entryTimeMs);
        EXPECT_GE(t.entryPrice, in->low);
        EXPECT_LE(t.entryPrice, in->high);
        if (t.exitReason != ExitReason::EndOfData) {
            const Bar* out = barAt(bars, t.exitTimeMs);
            ASSERT_NE(out, nullptr) << formatUtc(t.exitTimeMs);
            EXPECT_GE(t.exitPrice, out->low);
            EXPECT_LE(t.exitPrice, out->high);
        }
        EXPECT_GE(t.entryTimeMs, lastExit);
        EXPECT_LE(t.entryTimeMs, t.exitTimeMs);
        lastExit = t.exitTimeMs;
    }
    int filledEntries = 0;
    for (const OrderLogEntry& o : r->orders) {
        if (o.order.role != trading::OrderRole::Entry || o.order.filledQuantity.isZero()) continue;
        ++filledEntries;
        EXPECT_GE(o.order.updatedMs, o.decidedMs);  // filled at or after the close it was decided on
    }
    EXPECT_GE(filledEntries, n);
}

TEST(BacktestEngine, NoLookAheadChangingBarsAfterTChangesNoDecisionUpToT) {
    // GIVEN a year of real hourly bars, and copies whose bars after bar t are rewritten (prices
    // halved: a different future)
    const std::vector<Bar> bars(btcHours().bars.begin(), btcHours().bars.begin() + 8760);
    const BacktestSettings s = btcSettings();
    auto base = runSignals(bars, s);
    ASSERT_TRUE(base.ok()) << base.message();
    for (std::size_t t : {std::size_t{500}, std::size_t{3000}, std::size_t{7000}}) {
        std::vector<Bar> changed = bars;
        for (std::size_t i = t + 1; i < changed.size(); ++i) {
            Bar& b = changed[i];
            for (Price* p : {&b.open, &b.high, &b.low, &b.close}) *p = Price::fromRaw(p->raw() * 5, p->scale() + 1);
        }
        // WHEN both are backtested
        auto other = runSignals(changed, s);
        ASSERT_TRUE(other.ok()) << other.message();
        // THEN every order decided up to bar t's close is the same order, decided at the same time
        const std::int64_t tClose = nextBucketStart(Timeframe::H1, bars[t].openTimeMs);
        std::vector<const OrderLogEntry*> a, b;
        for (const auto& o : base->orders)
            if (o.decidedMs <= tClose && o.order.role == trading::OrderRole::Entry) a.push_back(&o);
        for (const auto& o : other->orders)
            if (o.decidedMs <= tClose && o.order.role == trading::OrderRole::Entry) b.push_back(&o);
        ASSERT_EQ(a.size(), b.size()) << "t=" << t;
        ASSERT_GT(a.size(), 0u);
        for (std::size_t k = 0; k < a.size(); ++k) {
            EXPECT_EQ(a[k]->decidedMs, b[k]->decidedMs);
            EXPECT_EQ(a[k]->order.request, b[k]->order.request) << "order " << k << " at t=" << t;
        }
        // and the equity curve up to t is identical
        for (std::size_t i = 0; i <= t; ++i) ASSERT_EQ(base->equity[i].equity, other->equity[i].equity) << i;
        // while the changed future did change the run after t (the test can fail)
        EXPECT_NE(base->equity.back().equity, other->equity.back().equity);
    }
}

TEST(BacktestEngine, CancellationStopsEarlyWithAPartialResultFlaggedCancelled) {
    const std::vector<Bar>& bars = btcHours().bars;
    std::stop_source stop;
    std::int64_t lastDone = 0;
    int calls = 0;
    // WHEN the run is cancelled from the progress callback a third of the way through
    auto r = runSignals(
        bars, btcSettings(), {},
        [&](std::int64_t done, std::int64_t total) {
            ++calls;
            EXPECT_EQ(total, static_cast<std::int64_t>(bars.size()));
            EXPECT_GE(done, lastDone);
            lastDone = done;
            if (done >= total / 3) stop.request_stop();
        },
        stop.get_token());
    // THEN it is not an error, but a partial result marked cancelled
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_TRUE(r->cancelled);
    EXPECT_GE(r->barsProcessed, static_cast<std::int64_t>(bars.size()) / 3);
    EXPECT_LT(r->barsProcessed, static_cast<std::int64_t>(bars.size()) / 3 + static_cast<std::int64_t>(bars.size()) / 100);
    EXPECT_EQ(r->equity.size(), static_cast<std::size_t>(r->barsProcessed));
    EXPECT_EQ(r->metrics.bars, r->barsProcessed);
    EXPECT_GT(calls, 10);
    // the metrics cover the processed part, with any open position closed at its last close
    EXPECT_LE(r->metrics.endMs, nextBucketStart(Timeframe::H1, bars[static_cast<std::size_t>(r->barsProcessed) - 1].openTimeMs));
    Money net;
    for (const auto& t : r->trades) {
        net = sum(net, t.netPnl);
        EXPECT_NE(t.exitReason, ExitReason::EndOfData);
    }
    EXPECT_EQ(r->metrics.netProfit, net);
}

TEST(BacktestEngine, FeesReducePnlByExactlyTheFeeSum) {
    // GIVEN a fixed size (so fees cannot change the sizes) and two fee levels
    const std::vector<Bar> bars(btcHours().bars.begin(), btcHours().bars.begin() + 10000);
    SignalStrategySettings ss;
    ss.sizing.kind = Sizing::Kind::FixedQuantity;
    ss.sizing.quantity = *Quantity::parse("0.05");
    BacktestSettings free = btcSettings();
    free.rules.fees.makerBps = free.rules.fees.takerBps = trading::Bps::fromRaw(0, 0);
    BacktestSettings paid = btcSettings();
    paid.rules.fees.makerBps = *trading::Bps::parse("7.5");
    paid.rules.fees.takerBps = *trading::Bps::parse("10");
    // WHEN both run
    auto a = runSignals(bars, free, ss);
    auto b = runSignals(bars, paid, ss);
    ASSERT_TRUE(a.ok() && b.ok());
    // THEN the same trades happen at the same prices, and the P&L differs by exactly the fees paid
    ASSERT_EQ(a->trades.size(), b->trades.size());
    ASSERT_GT(a->trades.size(), 20u);
    EXPECT_TRUE(a->metrics.totalFees.isZero());
    EXPECT_GT(b->metrics.totalFees, Money{});
    for (std::size_t i = 0; i < a->trades.size(); ++i) {
        EXPECT_EQ(a->trades[i].grossPnl, b->trades[i].grossPnl);
        EXPECT_EQ(a->trades[i].netPnl, a->trades[i].grossPnl);
        EXPECT_EQ(b->trades[i].netPnl, *b->trades[i].grossPnl.sub(b->trades[i].fees));
    }
    EXPECT_EQ(*a->metrics.netProfit.sub(b->metrics.netProfit), b->metrics.totalFees);
}

TEST(BacktestEngine, RunsOnTheCandleStoreLikeOnTheSameBars) {
    const std::vector<Bar> bars(btcHours().bars.begin() + 20000, btcHours().bars.begin() + 23000);
    auto db = storage::Database::open(QString::fromStdString(test::tempDir() + "/bt.sqlite"));
    ASSERT_TRUE(db.ok()) << db.message();
    storage::CandleStore store(**db);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, bars).ok());
    SignalStrategy s1, s2;
    const BacktestEngine engine(btcSettings());
    auto fromStore = engine.run(s1, store, bars.front().openTimeMs, bars.back().openTimeMs + 1);
    auto direct = engine.run(s2, bars);
    ASSERT_TRUE(fromStore.ok()) << fromStore.message();
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(fromStore->metrics.trades, direct->metrics.trades);
    EXPECT_EQ(fromStore->metrics.netProfit, direct->metrics.netProfit);
    EXPECT_EQ(fromStore->equity.size(), bars.size());
    // nothing stored in the range: a clear error
    auto none = engine.run(s1, store, 0, 1000);
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.message().find("no stored 1h bars of BINANCE:BTCUSDT"), std::string::npos) << none.message();
}

namespace {
/// Buys 2 units on bar 0's close and sells them on bar 2's close (Synthetic test strategy).
class BuyThenSell : public Strategy {
public:
    std::string name() const override { return "buy then sell"; }
    void onBar(const Bar&, std::int64_t closeMs, StrategyContext& ctx) override {
        decisions.push_back(closeMs);
        if (bar == 0 || bar == 2) {
            trading::OrderRequest r;
            r.instrument = ctx.instrument().id;
            r.side = bar == 0 ? Side::Buy : Side::Sell;
            r.quantity = Quantity::fromRaw(2, 0);
            auto id = ctx.submit(r);
            EXPECT_TRUE(id.ok()) << id.message();
        }
        positions.push_back(ctx.position());
        ++bar;
    }
    int bar = 0;
    std::vector<std::int64_t> decisions;
    std::vector<Quantity> positions;
};

Bar hourBar(int hour, const char* o, const char* h, const char* l, const char* c) {
    Bar b;
    b.openTimeMs = hour * 3600000LL;
    b.open = *Price::parse(o);
    b.high = *Price::parse(h);
    b.low = *Price::parse(l);
    b.close = *Price::parse(c);
    b.volume = *Quantity::parse("10");
    return b;
}
}  // namespace

TEST(BacktestEngine, SyntheticOrdersDecidedOnACloseFillAtTheNextOpen) {
    // GIVEN four hand-made hourly bars
    const std::vector<Bar> bars = {hourBar(0, "100", "101", "99", "100"), hourBar(1, "102", "104", "101", "103"),
                                   hourBar(2, "103", "106", "102", "105"), hourBar(3, "107", "108", "104", "106")};
    BacktestSettings s;
    s.instrument = instrumentForFile({"TEST", "X"}, 0);
    s.initialCapital = *Money::parse("1000");
    s.rules.fees.takerBps = *trading::Bps::parse("10");
    BuyThenSell strategy;
    // WHEN the strategy buys on bar 0's close and sells on bar 2's close
    auto r = BacktestEngine(s).run(strategy, bars);
    ASSERT_TRUE(r.ok()) << r.message();
    // THEN the buy fills at bar 1's open (102) and the sell at bar 3's open (107)
    ASSERT_EQ(r->trades.size(), 1u);
    const TradeRecord& t = r->trades[0];
    EXPECT_EQ(t.side, PositionSide::Long);
    EXPECT_EQ(t.entryPrice, *Price::parse("102"));
    EXPECT_EQ(t.exitPrice, *Price::parse("107"));
    EXPECT_EQ(t.entryTimeMs, 3600000);
    EXPECT_EQ(t.exitTimeMs, 3 * 3600000);
    EXPECT_EQ(t.exitReason, ExitReason::Signal);
    EXPECT_EQ(t.barsHeld, 2);
    // gross 2 x 5 = 10; fees 0.1 % of 204 and of 214 = 0.204 + 0.214
    EXPECT_EQ(t.grossPnl, *Money::parse("10"));
    EXPECT_EQ(t.fees, *Money::parse("0.418"));
    EXPECT_EQ(t.netPnl, *Money::parse("9.582"));
    // the strategy saw each close once, in order, and its position only after the fill
    EXPECT_EQ(strategy.decisions, (std::vector<std::int64_t>{3600000, 7200000, 10800000, 14400000}));
    EXPECT_TRUE(strategy.positions[0].isZero());
    EXPECT_EQ(strategy.positions[1], Quantity::fromRaw(2, 0));
    EXPECT_TRUE(strategy.positions[3].isZero());
    // equity at each close: 1000; 1000 - 204 - 0.204 + 2 x 103; ... ; final 1009.582
    EXPECT_EQ(r->equity[0].equity, *Money::parse("1000"));
    EXPECT_EQ(r->equity[1].equity, *Money::parse("1001.796"));
    EXPECT_EQ(r->equity[2].equity, *Money::parse("1005.796"));
    EXPECT_EQ(r->equity[3].equity, *Money::parse("1009.582"));
    EXPECT_EQ(r->metrics.netProfit, *Money::parse("9.582"));
    EXPECT_DOUBLE_EQ(r->metrics.exposurePct, 50.0);
}

TEST(BacktestEngine, SyntheticSlippageMovesMarketFillsAgainstTheTrader) {
    // GIVEN the same four hand-made bars, tick 0.01, no fees, 10 bp slippage
    const std::vector<Bar> bars = {hourBar(0, "100", "101", "99", "100"), hourBar(1, "102", "104", "101", "103"),
                                   hourBar(2, "103", "106", "102", "105"), hourBar(3, "107", "108", "104", "106")};
    BacktestSettings s;
    s.instrument = instrumentForFile({"TEST", "X"}, 2);
    s.initialCapital = *Money::parse("1000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = trading::Bps::fromRaw(0, 0);
    s.rules.slippageBps = *trading::Bps::parse("10");
    BuyThenSell strategy;
    auto r = BacktestEngine(s).run(strategy, bars);
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_EQ(r->trades.size(), 1u);
    // THEN the buy fills 0.1 % above the open, rounded up to the tick (102.102 -> 102.11), the sell
    // 0.1 % below, rounded down (106.893 -> 106.89): 2 x 4.78 = 9.56 instead of 10
    EXPECT_EQ(r->trades[0].entryPrice, *Price::parse("102.11"));
    EXPECT_EQ(r->trades[0].exitPrice, *Price::parse("106.89"));
    EXPECT_EQ(r->trades[0].grossPnl, *Money::parse("9.56"));
    EXPECT_TRUE(r->trades[0].fees.isZero());
    EXPECT_EQ(r->metrics.netProfit, *Money::parse("9.56"));
}

TEST(BacktestEngine, SyntheticVolumeLimitFillsInPartsAndTheTradeAddsThemUp) {
    // GIVEN the four hand-made bars (volume 10 each) and at most 10 % of a bar's volume per order and bar
    const std::vector<Bar> bars = {hourBar(0, "100", "101", "99", "100"), hourBar(1, "102", "104", "101", "103"),
                                   hourBar(2, "103", "106", "102", "105"), hourBar(3, "107", "108", "104", "106")};
    BacktestSettings s;
    s.instrument = instrumentForFile({"TEST", "X"}, 0);
    s.initialCapital = *Money::parse("1000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = trading::Bps::fromRaw(0, 0);
    s.maxBarVolumePercent = 10;
    BuyThenSell strategy;
    auto r = BacktestEngine(s).run(strategy, bars);
    ASSERT_TRUE(r.ok()) << r.message();
    // THEN the buy of 2 fills 1 at bar 1's open (102) and 1 at bar 2's (103); the sell of 2 decided
    // on bar 2 fills 1 at bar 3's open (107) and the last unit is closed at the last close (106)
    ASSERT_EQ(r->trades.size(), 1u);
    const TradeRecord& t = r->trades[0];
    EXPECT_EQ(t.quantity, Quantity::fromRaw(2, 0));
    EXPECT_EQ(t.entryPrice, *Price::parse("102.5"));
    EXPECT_EQ(t.exitPrice, *Price::parse("106.5"));
    EXPECT_EQ(t.grossPnl, *Money::parse("8"));
    EXPECT_EQ(t.exitReason, ExitReason::EndOfData);
    EXPECT_EQ(r->metrics.netProfit, *Money::parse("8"));
    s.maxBarVolumePercent = 101;
    BuyThenSell again;
    EXPECT_FALSE(BacktestEngine(s).run(again, bars).ok());
}

TEST(BacktestEngine, BadInputIsAClearError) {
    SignalStrategy s;
    const BacktestEngine engine(btcSettings());
    auto empty = engine.run(s, std::vector<Bar>{});
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.message(), "no bars to run on");
    std::vector<Bar> unordered = {btcHours().bars[1], btcHours().bars[0]};
    auto u = engine.run(s, unordered);
    ASSERT_FALSE(u.ok());
    EXPECT_NE(u.message().find("not in time order"), std::string::npos);
    BacktestSettings daily = btcSettings();
    daily.timeframe = Timeframe::D1;  // hourly bars declared as daily
    SignalStrategy s2;
    auto wrongTf = BacktestEngine(daily).run(s2, std::vector<Bar>(btcHours().bars.begin(), btcHours().bars.begin() + 30));
    ASSERT_FALSE(wrongTf.ok());
    EXPECT_NE(wrongTf.message().find("are these 1d bars?"), std::string::npos) << wrongTf.message();
    SignalStrategySettings bad;
    bad.takeProfitLevel = 4;
    EXPECT_FALSE(validate(bad).ok());
    bad.takeProfitLevel = 1;
    bad.sizing.fraction = 1.5;
    EXPECT_NE(validate(bad).message().find("fraction"), std::string::npos);
}
