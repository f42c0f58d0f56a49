// PortfolioEngine: one strategy over several instruments in one account. Known answers on the small
// synthetic series (Synthetic: two made-up instruments, whole-unit lots, no fees) for the allocation
// rules, the shared cash and the order of events; and the real BTCUSDT/ETHUSDT days for the time
// order of two series that do not share every day.
#include "backtest/portfolioengine.h"

#include "backtest/builtins.h"
#include "marketdata/csvimport.h"
#include "syntheticseries.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <set>

using namespace kairos;
using namespace kairos::backtest;

namespace {

/// Buys with all of its budget on its `buyAt`-th bar's close and sells everything on its `sellAt`-th.
class BuyThenSell final : public Strategy {
public:
    BuyThenSell(int buyAt, int sellAt) : m_buyAt(buyAt), m_sellAt(sellAt) {}
    std::string name() const override { return "buy then sell"; }
    void onBar(const Bar& bar, std::int64_t, StrategyContext& ctx) override {
        if (m_bar == m_buyAt) {
            OrderSizing all;
            all.percent = 100;
            if (auto q = entryQuantity(all, bar.close, ctx.equity(), ctx.instrument())) {
                trading::OrderRequest r;
                r.instrument = ctx.instrument().id;
                r.side = Side::Buy;
                r.type = trading::OrderType::Market;
                r.quantity = *q;
                r.clientOrderId = "entry-long";
                (void)ctx.submit(r);
            }
        }
        if (m_bar == m_sellAt) closePositionAtMarket(ctx);
        ++m_bar;
    }

private:
    int m_buyAt, m_sellAt, m_bar = 0;
};

/// Synthetic instrument `symbol` in whole units, its prices the synthetic series' times `factor`.
PortfolioSeries synthetic(const char* symbol, int factor) {
    PortfolioSeries s;
    s.instrument = instrumentForFile({"TEST", symbol}, 2);
    s.instrument.lotSize = Quantity::fromRaw(1, 0);
    s.instrument.quantityPrecision = 0;
    s.bars = synth::syntheticBars();
    for (Bar& b : s.bars)
        for (Price* p : {&b.open, &b.high, &b.low, &b.close}) *p = *p->mulInt(factor);
    return s;
}

PortfolioSettings settings(Allocation allocation) {
    PortfolioSettings s;
    s.base = synth::syntheticSettings();
    s.allocation = allocation;
    return s;
}

Result<PortfolioResult> runBuySell(const std::vector<PortfolioSeries>& series, Allocation allocation, int buyAt = 1,
                                   int sellAt = 9) {
    return PortfolioEngine(settings(allocation))
        .run(
            [&](const Instrument&) -> Result<std::unique_ptr<Strategy>> {
                return std::unique_ptr<Strategy>(std::make_unique<BuyThenSell>(buyAt, sellAt));
            },
            series);
}

Allocation percent(double p) {
    Allocation a;
    a.kind = Allocation::Kind::PercentEquity;
    a.percent = p;
    return a;
}

double qty(const TradeRecord& t) { return t.quantity.toDouble(); }

}  // namespace

TEST(PortfolioEngine, SyntheticEqualWeightSizesEachEntryAtHalfTheEquity) {
    // GIVEN A (closes 10, 10, ...) and B at three times A's prices, 10,000 cash, equal weight; both buy on
    // their bar 1's close (A 10, B 30) and sell on bar 9's (fills at bar 2's and bar 10's opens)
    auto r = runBuySell({synthetic("A", 1), synthetic("B", 3)}, Allocation{});
    ASSERT_TRUE(r.ok()) << r.message();
    // THEN A's budget is 10,000 / 2 = 5,000: 500 units; B's too (the cash left after A's unfilled entry is
    // 10,000 - 500 x 10 = 5,000): 5,000 / 30 = 166 units
    ASSERT_EQ(r->combined.trades.size(), 2u);
    ASSERT_EQ(r->instruments.size(), 2u);
    EXPECT_EQ(qty(r->instruments[0].trades.at(0)), 500);
    EXPECT_EQ(qty(r->instruments[1].trades.at(0)), 166);
    // bought at 10.25 and 30.75, sold at 15.25 and 45.75: +2,500 and +2,490
    EXPECT_EQ(r->instruments[0].trades[0].entryPrice.toDouble(), 10.25);
    EXPECT_EQ(r->instruments[0].trades[0].exitPrice.toDouble(), 15.25);
    EXPECT_EQ(r->instruments[0].netPnl, *Money::parse("2500"));
    EXPECT_EQ(r->instruments[1].netPnl, *Money::parse("2490"));
    EXPECT_EQ(r->combined.finalCash, *Money::parse("14990"));
    EXPECT_EQ(r->combined.metrics.finalEquity, *Money::parse("14990"));
    // the combined list by exit time, then series order: A's trade first; one equity point per day
    EXPECT_EQ(r->tradeInstrument, (std::vector<std::size_t>{0, 1}));
    EXPECT_EQ(r->combined.equity.size(), 26u);
    // fills of one open time in series order: A's entry, B's entry, A's exit, B's exit
    ASSERT_EQ(r->combined.fills.size(), 4u);
    EXPECT_EQ(r->combined.fills[0].instrument.symbol, "A");
    EXPECT_EQ(r->combined.fills[1].instrument.symbol, "B");
    EXPECT_EQ(r->combined.fills[0].timeMs, r->combined.fills[1].timeMs);
    EXPECT_EQ(r->combined.fills[2].instrument.symbol, "A");
}

TEST(PortfolioEngine, SyntheticCashIsSharedPercentOfEquityIsCappedByWhatIsLeft) {
    // GIVEN 70 % of equity per entry: A takes 7,000 (700 units at the close 10)
    auto r = runBuySell({synthetic("A", 1), synthetic("B", 3)}, percent(70));
    ASSERT_TRUE(r.ok()) << r.message();
    // THEN B gets only the 3,000 left: 100 units at 30
    EXPECT_EQ(qty(r->instruments[0].trades.at(0)), 700);
    EXPECT_EQ(qty(r->instruments[1].trades.at(0)), 100);
    // filled at the next opens (10.25, 30.75): 7,175 + 3,075 = 10,250, cash -250 (the gap above the close);
    // sold at 15.25 and 45.75
    EXPECT_EQ(r->combined.finalCash, *Money::parse("15000"));
    // with the series the other way round, B takes its 7,000 first: 233 units, and A the 3,010 left
    auto swapped = runBuySell({synthetic("B", 3), synthetic("A", 1)}, percent(70));
    ASSERT_TRUE(swapped.ok()) << swapped.message();
    EXPECT_EQ(qty(swapped->instruments[0].trades.at(0)), 233);
    EXPECT_EQ(qty(swapped->instruments[1].trades.at(0)), 301);
    // a fixed notional of 1,000: 100 units of A, 33 of B
    Allocation notional;
    notional.kind = Allocation::Kind::Notional;
    notional.notional = *Money::parse("1000");
    auto n = runBuySell({synthetic("A", 1), synthetic("B", 3)}, notional);
    ASSERT_TRUE(n.ok()) << n.message();
    EXPECT_EQ(qty(n->instruments[0].trades.at(0)), 100);
    EXPECT_EQ(qty(n->instruments[1].trades.at(0)), 33);
}

TEST(PortfolioEngine, SyntheticSeriesStartingLaterJoinInTimeOrderAndAtEndKeepReportsEachPosition) {
    // GIVEN B's bars only from day 5 on, both buying on their own bar 1 and never selling
    PortfolioSeries b = synthetic("B", 3);
    b.bars.erase(b.bars.begin(), b.bars.begin() + 5);
    auto r = runBuySell({synthetic("A", 1), b}, Allocation{}, 1, 1000);
    ASSERT_TRUE(r.ok()) << r.message();
    // THEN one equity point per distinct day, in time order, and B's entry after A's
    ASSERT_EQ(r->combined.equity.size(), 26u);
    for (std::size_t i = 1; i < r->combined.equity.size(); ++i)
        EXPECT_LT(r->combined.equity[i - 1].timeMs, r->combined.equity[i].timeMs);
    ASSERT_EQ(r->combined.fills.size(), 2u);
    EXPECT_EQ(r->combined.fills[1].instrument.symbol, "B");
    EXPECT_EQ(r->combined.fills[1].timeMs, synth::kT0 + 7 * synth::kDay);  // B's bar 2 (day 7)
    // kept open at the end: no closed trade, both positions reported
    EXPECT_TRUE(r->combined.trades.empty());
    EXPECT_TRUE(r->instruments[0].openPosition.has_value());
    EXPECT_TRUE(r->instruments[1].openPosition.has_value());
    EXPECT_EQ(r->instruments[1].bars, 21);
}

TEST(PortfolioEngine, RefusesBadInputs) {
    const auto make = [](const Instrument&) -> Result<std::unique_ptr<Strategy>> {
        return std::unique_ptr<Strategy>(std::make_unique<BuyThenSell>(1, 2));
    };
    EXPECT_FALSE(PortfolioEngine(settings({})).run(make, {}).ok());
    EXPECT_FALSE(PortfolioEngine(settings({})).run(make, {synthetic("A", 1), synthetic("A", 2)}).ok());
    PortfolioSettings atClose = settings({});
    atClose.base.fillAt = FillAt::ThisClose;
    EXPECT_FALSE(PortfolioEngine(atClose).run(make, {synthetic("A", 1)}).ok());
    EXPECT_FALSE(parseAllocation("half").ok());
    EXPECT_FALSE(parseAllocation("percent:0").ok());
    EXPECT_FALSE(parseAllocation("notional:-5").ok());
    EXPECT_EQ(parseAllocation("percent:25")->percent, 25);
    EXPECT_EQ(parseAllocation("notional:2500.5")->notional, *Money::parse("2500.5"));
    EXPECT_EQ(parseAllocation("equal")->kind, Allocation::Kind::Equal);
}

TEST(PortfolioEngine, RealBtcAndEthDaysWithSma10Over30MatchTwoSingleRunsAtAFixedNotional) {
    // GIVEN real BTCUSDT and ETHUSDT days, sma_cross 10/30, a fixed notional of 1,000 per entry (so no entry
    // depends on the other instrument: the cash never runs out)
    std::vector<PortfolioSeries> series;
    for (const char* f : {"candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv",
                          "candles/binance_spot_ETHUSDT_1d_2020-09-20_2025-09-18.csv"}) {
        auto csv = marketdata::readBarsCsv(test::realData(f));
        ASSERT_TRUE(csv.ok()) << csv.message();
        const auto hints = marketdata::inferFromFileName(f);
        series.push_back({instrumentForFile(*hints.instrument, csv->priceScale), csv->bars});
    }
    PortfolioSettings ps;
    ps.base.timeframe = Timeframe::D1;
    ps.base.initialCapital = *Money::parse("100000");
    ps.base.atEnd = AtEnd::Close;
    ps.allocation.kind = Allocation::Kind::Notional;
    ps.allocation.notional = *Money::parse("1000");
    OrderSizing full;
    full.percent = 100;
    ParamValues p{{"fast", 10}, {"slow", 30}};
    auto r = PortfolioEngine(ps).run([&](const Instrument&) { return makeBuiltin("sma_cross", p, full); }, series);
    ASSERT_TRUE(r.ok()) << r.message();
    // WHEN each instrument runs alone with a fixed notional of 1,000
    OrderSizing notional;
    notional.kind = OrderSizing::Kind::Notional;
    notional.notional = *Money::parse("1000");
    for (std::size_t k = 0; k < 2; ++k) {
        BacktestSettings s = ps.base;
        s.instrument = series[k].instrument;
        auto strategy = makeBuiltin("sma_cross", p, notional);
        ASSERT_TRUE(strategy.ok());
        auto single = BacktestEngine(s).run(**strategy, series[k].bars);
        ASSERT_TRUE(single.ok()) << single.message();
        // THEN the portfolio's trades of that instrument are the single run's, one for one
        const auto& mine = r->instruments[k].trades;
        ASSERT_EQ(mine.size(), single->trades.size());
        ASSERT_GT(mine.size(), 10u);
        for (std::size_t i = 0; i < mine.size(); ++i) {
            EXPECT_EQ(mine[i].entryTimeMs, single->trades[i].entryTimeMs);
            EXPECT_EQ(mine[i].quantity, single->trades[i].quantity);
            EXPECT_EQ(mine[i].netPnl, single->trades[i].netPnl);
        }
    }
    // and the combined list is every trade, by exit time
    EXPECT_EQ(r->combined.trades.size(), r->instruments[0].trades.size() + r->instruments[1].trades.size());
    for (std::size_t i = 1; i < r->combined.trades.size(); ++i)
        EXPECT_LE(r->combined.trades[i - 1].exitTimeMs, r->combined.trades[i].exitTimeMs);
}
