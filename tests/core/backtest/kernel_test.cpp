// One kernel for backtest and paper: the SMA-crossover strategy checked by hand on real bars, and
// the proof that a strategy run by StrategyRunner on a paper account (PaperVenue, SQLite journal)
// fed by the bundled replay's bars places exactly the orders, gets exactly the fills and makes
// exactly the trades of the backtest of the same bars; a refusing pre-trade check blocks a
// strategy's orders on both.
#include "backtest/backtestengine.h"
#include "backtest/detail/tradebuilder.h"
#include "backtest/signalstrategy.h"
#include "backtest/smacrossstrategy.h"
#include "backtest/strategyrunner.h"
#include "marketdata/csvimport.h"
#include "marketdata/replayfeed.h"
#include "storage/database.h"
#include "testdata.h"
#include "trading/instrumentdefaults.h"
#include "trading/papervenue.h"
#include "trading/venuerules.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>

using namespace kairos;
using namespace kairos::backtest;

namespace {

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

std::vector<Bar> realBars(const std::string& file, std::size_t count = 0) {
    auto r = marketdata::readBarsCsv(test::realData("candles/" + file));
    if (!r) throw std::runtime_error(r.message());
    std::vector<Bar> bars = r->bars;
    if (count != 0 && bars.size() > count) bars.resize(count);
    return bars;
}

BacktestSettings settingsFor(Timeframe tf) {
    BacktestSettings s;
    s.instrument = *trading::bundledInstrumentRules(kBtc);
    s.timeframe = tf;
    s.initialCapital = *Money::parse("10000");
    return s;
}

/// What a paper run ends with.
struct PaperRun {
    std::vector<trading::Order> orders;
    std::vector<trading::Fill> fills;
    std::vector<TradeRecord> trades;
    Quantity openPosition;
    int rejected = 0;
};

/// `strategy` on a paper account journaled in a fresh profile database, fed the replay of `bars`
/// (closed bars only: the venue matches bars as the backtest does), with `checks` on its gateway.
/// After the replay the strategy's working orders are cancelled at the last close, as the backtest
/// does at the end of the data.
PaperRun runOnPaper(Strategy& strategy, const std::vector<Bar>& bars, const BacktestSettings& s,
                    const std::vector<trading::PreTradeCheck>& checks = {}) {
    auto db = storage::Database::openProfile(QString::fromStdString(test::tempDir()));
    if (!db) throw std::runtime_error(db.message());
    trading::ManualClock replayClock(bars.front().openTimeMs);  // moved to each replayed bar's close
    trading::PaperSettings ps;
    ps.simulator.rules = s.rules;
    ps.startingCash = s.initialCapital;
    trading::PaperAccount paper(db->get(), ps, &replayClock);
    paper.venue().setInstrumentResolver([&s](const InstrumentId& id) -> std::optional<Instrument> {
        if (id == s.instrument.id) return s.instrument;
        return std::nullopt;
    });
    if (auto st = paper.open(); !st) throw std::runtime_error(st.message());
    trading::Account& account = paper.account();
    for (const auto& c : checks) account.gateway().addCheck(c);

    backtest::detail::TradeBuilder trades(s.rules.moneyScale);
    std::size_t barIndex = 0;
    account.addObserver([&](const trading::OrderEvent& e) {
        if (e.fill) {
            EXPECT_TRUE(trades.onFill(*e.fill, e.order.role, barIndex).ok());
        }
    });
    StrategyRunner runner(strategy, account, s.instrument);

    marketdata::ReplayFeed feed;
    feed.addSeries(s.instrument.id, s.timeframe, bars);
    feed.subscribeBars(s.instrument.id, s.timeframe);
    QObject::connect(&feed, &marketdata::ReplayFeed::barUpdated, &paper.venue(), &trading::PaperVenue::onBar);
    std::size_t seen = 0;
    QObject::connect(&feed, &marketdata::ReplayFeed::barUpdated, [&](const InstrumentId&, Timeframe tf, const Bar& bar) {
        if (!bar.closed) return;
        barIndex = seen++;
        const std::int64_t closeMs = nextBucketStart(tf, bar.openTimeMs);
        replayClock.advanceTo(closeMs);
        runner.onBar(bar, closeMs);
    });
    runner.start(bars.front().openTimeMs);
    feed.advanceTo(nextBucketStart(s.timeframe, bars.back().openTimeMs));
    EXPECT_EQ(seen, bars.size());
    (void)account.cancelAll(s.instrument.id, "end of data");

    PaperRun out;
    out.orders = account.orders();
    out.fills = account.fills();
    out.trades = trades.take();
    if (const trading::Position* p = account.portfolio().position(s.instrument.id)) out.openPosition = p->quantity;
    out.rejected = runner.rejected();
    EXPECT_TRUE(account.storageError().isEmpty()) << account.storageError().toStdString();
    return out;
}

/// Asserts that the paper run equals the backtest: every order (all fields), every fill, every
/// closed trade; the backtest's close at the end of the data is the paper account's open position.
void expectSameAsBacktest(const BacktestResult& bt, const PaperRun& paper) {
    ASSERT_EQ(paper.orders.size(), bt.orders.size());
    for (std::size_t i = 0; i < bt.orders.size(); ++i)
        ASSERT_EQ(paper.orders[i], bt.orders[i].order)
            << "order " << i << " (" << bt.orders[i].order.request.clientOrderId << ")";
    std::vector<trading::Fill> btFills = bt.fills;
    std::vector<TradeRecord> btTrades = bt.trades;
    Quantity closedAtEnd;
    if (!btFills.empty() && btFills.back().orderId == 0) {  // the engine's close at the end of the data
        closedAtEnd = btFills.back().side == Side::Sell ? btFills.back().quantity : btFills.back().quantity.negated();
        btFills.pop_back();
        ASSERT_FALSE(btTrades.empty());
        EXPECT_EQ(btTrades.back().exitReason, ExitReason::EndOfData);
        btTrades.pop_back();
    }
    ASSERT_EQ(paper.fills.size(), btFills.size());
    for (std::size_t i = 0; i < btFills.size(); ++i) ASSERT_EQ(paper.fills[i], btFills[i]) << "fill " << i;
    EXPECT_EQ(paper.openPosition.isZero(), closedAtEnd.isZero());
    if (!closedAtEnd.isZero()) {
        EXPECT_TRUE((paper.openPosition <=> closedAtEnd) == 0)
            << paper.openPosition.toString() << " vs " << closedAtEnd.toString();
    }
    ASSERT_EQ(paper.trades.size(), btTrades.size());
    for (std::size_t i = 0; i < btTrades.size(); ++i) {
        const TradeRecord& a = paper.trades[i];
        const TradeRecord& b = btTrades[i];
        EXPECT_EQ(a.entryTimeMs, b.entryTimeMs) << "trade " << i;
        EXPECT_EQ(a.exitTimeMs, b.exitTimeMs) << "trade " << i;
        EXPECT_EQ(a.entryPrice, b.entryPrice) << "trade " << i;
        EXPECT_EQ(a.exitPrice, b.exitPrice) << "trade " << i;
        EXPECT_EQ(a.quantity, b.quantity) << "trade " << i;
        EXPECT_EQ(a.netPnl, b.netPnl) << "trade " << i;
        EXPECT_EQ(a.exitReason, b.exitReason) << "trade " << i;
        EXPECT_EQ(a.barsHeld, b.barsHeld) << "trade " << i;
    }
}

/// Cycles through the advanced order kinds: a market buy with a stop-loss and three take-profits
/// (50/30/20 %); a FOK limit buy 0.2 % below the close, closed by a sell OCO (limit maker 1.5 % above, stop
/// 1.5 % below); a market buy closed by a trailing sell stop of 150 bips. A position left without
/// orders is closed at market.
class AdvancedOrdersStrategy final : public Strategy {
public:
    std::string name() const override { return "advanced orders (test)"; }
    void onBar(const Bar& bar, std::int64_t, StrategyContext& ctx) override {
        if (!ctx.openOrders().empty()) return;
        const Instrument& inst = ctx.instrument();
        auto at = [&](int permille) {
            const Price p = *bar.close.mulInt(permille)->divInt(1000, bar.close.scale() + 3, RoundingMode::Floor);
            return *trading::roundToTick(p, inst, RoundingMode::Floor);
        };
        trading::OrderRequest r;
        r.instrument = inst.id;
        const Quantity pos = ctx.position();
        if (pos.isZero()) {
            m_mode = m_entries++ % 3;
            r.side = Side::Buy;
            r.quantity = *Quantity::parse("0.00777");
            r.type = trading::OrderType::Market;
            if (m_mode == 0) {
                r.bracket.stopLoss = at(980);
                r.bracket.takeProfits = {{at(1010), 50}, {at(1020), 30}, {at(1030), 20}};
            } else if (m_mode == 1) {
                r.type = trading::OrderType::Limit;
                r.limitPrice = at(998);
                r.timeInForce = trading::TimeInForce::Fok;
            }
            (void)ctx.submit(r);
            return;
        }
        r.side = pos.isNegative() ? Side::Buy : Side::Sell;
        r.quantity = pos.isNegative() ? pos.negated() : pos;
        r.type = trading::OrderType::Market;
        if (m_mode == 1 && !pos.isNegative()) {
            r.type = trading::OrderType::Limit;
            r.limitPrice = at(1015);
            r.timeInForce = trading::TimeInForce::PostOnly;
            r.ocoStop = trading::OcoStopLeg{at(985), std::nullopt};
        } else if (m_mode == 2 && !pos.isNegative()) {
            r.type = trading::OrderType::Stop;
            r.trailing = trading::Trailing{trading::TrailingKind::Bips, 150, Price{}};
        }
        (void)ctx.submit(r);
    }

private:
    int m_entries = 0;
    int m_mode = 0;
};

}  // namespace

TEST(BacktestEqualsPaper, AdvancedOrdersOnRealHourBarsGiveTheSameOrdersFillsAndTrades) {
    // GIVEN 3000 real BTCUSDT 1h bars and a strategy using take-profit ladders, FOK, OCO, post-only
    // and trailing stops
    const std::vector<Bar> bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv", 3000);
    const BacktestSettings s = settingsFor(Timeframe::H1);
    AdvancedOrdersStrategy forBacktest;
    AdvancedOrdersStrategy forPaper;
    // WHEN backtested and run on paper
    auto bt = BacktestEngine(s).run(forBacktest, bars);
    ASSERT_TRUE(bt.ok()) << bt.message();
    const PaperRun paper = runOnPaper(forPaper, bars, s);
    // THEN every kind really happened
    int ladderFills = 0, trailingFills = 0, ocoCancels = 0, fokCancels = 0, stopFollowed = 0;
    for (const auto& o : bt->orders) {
        const trading::Order& order = o.order;
        if (order.role == trading::OrderRole::TakeProfit && order.status == trading::OrderStatus::Filled) ++ladderFills;
        if (order.request.trailing && order.status == trading::OrderStatus::Filled) ++trailingFills;
        if (order.status == trading::OrderStatus::Cancelled &&
            order.rejectReason.find("one-cancels-the-other") != std::string::npos)
            ++ocoCancels;
        if (order.status == trading::OrderStatus::Cancelled && order.rejectReason.find("FOK") != std::string::npos) ++fokCancels;
        if (order.role == trading::OrderRole::StopLoss && order.request.quantity < *Quantity::parse("0.00777")) ++stopFollowed;
    }
    EXPECT_GT(ladderFills, 10);
    EXPECT_GT(trailingFills, 5);
    EXPECT_GT(ocoCancels, 5);
    EXPECT_GT(fokCancels, 5);
    EXPECT_GT(stopFollowed, 5);
    // and paper did exactly the same
    expectSameAsBacktest(*bt, paper);
}

TEST(SmaCrossStrategy, CrossesOnRealHourBarsMatchAHandComputation) {
    // GIVEN the first 40 real BTCUSDT 1h bars (from 2020-09-20 00:00 UTC), SMA 3/8, 0.01 BTC, 10 bp
    const std::vector<Bar> bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv", 40);
    SmaCrossStrategy strategy({3, 8, *Quantity::parse("0.01")});
    // WHEN backtested
    auto r = BacktestEngine(settingsFor(Timeframe::H1)).run(strategy, bars);
    ASSERT_TRUE(r.ok()) << r.message();
    // THEN (computed by hand from the closes: 3 x sum(last 8) against 8 x sum(last 3)) the fast
    // average crosses up on the closes of bars 8, 18 and 23 and down on those of 12, 22 and 31;
    // each order fills at the next bar's open
    const char* expected[][3] = {{"buy", "1600592400000", "10952.91"}, {"sell", "1600606800000", "10850.63"},
                                 {"buy", "1600628400000", "10891.25"}, {"sell", "1600642800000", "10874.66"},
                                 {"buy", "1600646400000", "10920.28"}, {"sell", "1600675200000", "10902.58"}};
    ASSERT_EQ(r->fills.size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(trading::toString(r->fills[i].side), expected[i][0]) << i;
        EXPECT_EQ(std::to_string(r->fills[i].timeMs), expected[i][1]) << i;
        EXPECT_EQ(r->fills[i].price, *Price::parse(expected[i][2])) << i;
        EXPECT_EQ(r->fills[i].quantity, *Quantity::parse("0.01")) << i;
    }
    // Trade 1: (10850.63 - 10952.91) x 0.01 = -1.0228 gross; fees 0.1095291 + 0.1085063
    ASSERT_EQ(r->trades.size(), 3u);
    EXPECT_EQ(r->trades[0].grossPnl, *Money::parse("-1.0228"));
    EXPECT_EQ(r->trades[0].fees, *Money::parse("0.2180354"));
    EXPECT_EQ(r->trades[0].netPnl, *Money::parse("-1.2408354"));
    EXPECT_EQ(r->trades[0].barsHeld, 4);
    // Trade 3: (10902.58 - 10920.28) x 0.01 = -0.177
    EXPECT_EQ(r->trades[2].grossPnl, *Money::parse("-0.177"));
}

TEST(BacktestEqualsPaper, SignalStrategyOnFiveYearsOfRealDailyBarsGivesTheSameOrdersFillsAndTrades) {
    // GIVEN the real BTCUSDT daily bars (the golden master's) and the default signal strategy
    const std::vector<Bar> bars = realBars("binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv");
    const BacktestSettings s = settingsFor(Timeframe::D1);
    // WHEN it is backtested, and run unchanged on a paper account fed by the replay of the same bars
    SignalStrategy forBacktest;
    auto bt = BacktestEngine(s).run(forBacktest, bars);
    ASSERT_TRUE(bt.ok()) << bt.message();
    SignalStrategy forPaper;
    const PaperRun paper = runOnPaper(forPaper, bars, s);
    // THEN orders, fills and trades are exactly the same
    ASSERT_GT(bt->trades.size(), 100u);  // a real test: the golden master has 116 trades
    expectSameAsBacktest(*bt, paper);
    EXPECT_EQ(paper.rejected, bt->rejectedOrders);
}

TEST(BacktestEqualsPaper, SmaCrossOnRealHourBarsGivesTheSameOrdersFillsAndTrades) {
    // GIVEN 3000 real BTCUSDT 1h bars and SMA 10/30
    const std::vector<Bar> bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv", 3000);
    const BacktestSettings s = settingsFor(Timeframe::H1);
    SmaCrossStrategy forBacktest({10, 30, *Quantity::parse("0.05")});
    SmaCrossStrategy forPaper({10, 30, *Quantity::parse("0.05")});
    // WHEN backtested and run on paper
    auto bt = BacktestEngine(s).run(forBacktest, bars);
    ASSERT_TRUE(bt.ok()) << bt.message();
    const PaperRun paper = runOnPaper(forPaper, bars, s);
    // THEN the same
    ASSERT_GT(bt->trades.size(), 50u);
    expectSameAsBacktest(*bt, paper);
}

TEST(OrderGateway, ARefusingCheckBlocksAStrategysOrdersInABacktestAndOnPaperAlike) {
    // GIVEN a check that refuses every buy, on the backtest's gateway and the paper account's
    const std::vector<Bar> bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv", 500);
    BacktestSettings s = settingsFor(Timeframe::H1);
    int asked = 0;
    trading::PreTradeCheck noBuys = [&asked](const trading::OrderRequest& r, const trading::IVenue& venue) -> Status {
        ++asked;
        EXPECT_NE(venue.instrument(r.instrument), nullptr);  // the check sees the venue's rules
        if (r.side == Side::Buy) return makeError("buying is switched off");
        return {};
    };
    s.checks = {noBuys};
    // WHEN the SMA strategy runs on both
    SmaCrossStrategy forBacktest({3, 8, *Quantity::parse("0.01")});
    auto bt = BacktestEngine(s).run(forBacktest, bars);
    ASSERT_TRUE(bt.ok()) << bt.message();
    const int askedInBacktest = asked;
    SmaCrossStrategy forPaper({3, 8, *Quantity::parse("0.01")});
    const PaperRun paper = runOnPaper(forPaper, bars, s, {noBuys});
    // THEN every entry was asked about and refused: no order reached either venue, nothing filled
    EXPECT_GT(askedInBacktest, 5);
    EXPECT_EQ(asked, 2 * askedInBacktest);
    EXPECT_EQ(bt->rejectedOrders, askedInBacktest);
    EXPECT_EQ(paper.rejected, askedInBacktest);
    EXPECT_TRUE(bt->orders.empty());
    EXPECT_TRUE(bt->fills.empty());
    EXPECT_TRUE(paper.orders.empty());
    EXPECT_TRUE(paper.fills.empty());
}
