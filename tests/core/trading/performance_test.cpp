// The performance report: hand-computed figures on a synthetic list of trades (named so), and a
// report on paper trades over real BTCUSDT 1h bars whose end equity must equal the ledger's.
#include "trading/performance.h"

#include "marketdata/replayfeed.h"
#include "storage/database.h"
#include "trading/papervenue.h"
#include "trading/tradejournal.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

ClosedTrade trade(std::int64_t exitMs, const char* net, std::optional<double> r = std::nullopt, const char* fees = "0") {
    ClosedTrade t;
    t.exitTimeMs = exitMs;
    t.netPnl = money(net);
    t.fees = money(fees);
    t.pnl = t.netPnl.add(t.fees).value();
    t.rMultiple = r;
    return t;
}

/// Five synthetic trades from 1000.00: +50, -20, -40, +30, 0 (exits at 1..5 s).
/// Equity 1000, 1050, 1030, 990, 1020, 1020: peak 1050, trough 990 -> max drawdown 60 = 60/1050.
/// Wins 2 (80), losses 2 (-60), one at zero: win rate 2/5, profit factor 80/60, average win 40,
/// average loss -30, expectancy 20/5 = 4; R known for three trades: (2 - 1 - 0.5) / 3.
std::vector<ClosedTrade> fiveTrades() {
    return {trade(1000, "50", 2.0, "1"), trade(2000, "-20", -1.0, "1"), trade(3000, "-40"), trade(4000, "30", -0.5),
            trade(5000, "0")};
}

TEST(PerformanceSynthetic, FiveTradesByHand) {
    auto r = performanceReport(fiveTrades(), money("1000.00"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->trades, 5);
    EXPECT_EQ(r->wins, 2);
    EXPECT_EQ(r->losses, 2);
    EXPECT_DOUBLE_EQ(r->winRate, 0.4);
    EXPECT_EQ(r->netPnl, money("20"));
    EXPECT_EQ(r->fees, money("2"));
    EXPECT_EQ(r->grossPnl, money("22"));
    EXPECT_EQ(r->grossProfit, money("80"));
    EXPECT_EQ(r->grossLoss, money("-60"));
    ASSERT_TRUE(r->profitFactor.has_value());
    EXPECT_DOUBLE_EQ(*r->profitFactor, 80.0 / 60.0);
    EXPECT_EQ(*r->averageWin, money("40"));
    EXPECT_EQ(*r->averageLoss, money("-30"));
    EXPECT_EQ(*r->expectancy, money("4"));
    EXPECT_EQ(r->tradesWithR, 3);
    EXPECT_DOUBLE_EQ(*r->averageR, 0.5 / 3.0);
    EXPECT_EQ(r->startEquity, money("1000"));
    EXPECT_EQ(r->endEquity, money("1020"));
    EXPECT_EQ(r->maxDrawdown, money("60"));
    EXPECT_DOUBLE_EQ(r->maxDrawdownPct, 60.0 / 1050.0);
    ASSERT_EQ(r->equityCurve.size(), 6u);
    EXPECT_EQ(r->equityCurve[3].equity, money("990"));
    EXPECT_EQ(r->equityCurve[3].drawdown, money("60"));
    EXPECT_EQ(r->equityCurve[3].timeMs, 3000);
}

TEST(PerformanceSynthetic, APeriodStartsFromTheEquityTheEarlierTradesLeft) {
    // [2500, 5000): trades 3 and 4 only, starting from 1000 + 50 - 20 = 1030
    auto r = performanceReport(fiveTrades(), money("1000"), 2500, 5000);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->trades, 2);
    EXPECT_EQ(r->startEquity, money("1030"));
    EXPECT_EQ(r->endEquity, money("1020"));
    EXPECT_EQ(r->maxDrawdown, money("40"));
    EXPECT_DOUBLE_EQ(r->maxDrawdownPct, 40.0 / 1030.0);
    EXPECT_DOUBLE_EQ(*r->profitFactor, 30.0 / 40.0);
    EXPECT_EQ(r->equityCurve.front().timeMs, 2500);
}

TEST(PerformanceSynthetic, NoTradesAndNoLossesLeaveTheRatiosEmpty) {
    auto none = performanceReport({}, money("1000"));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->trades, 0);
    EXPECT_DOUBLE_EQ(none->winRate, 0);
    EXPECT_FALSE(none->expectancy.has_value());
    EXPECT_FALSE(none->averageR.has_value());
    EXPECT_EQ(none->equityCurve.size(), 1u);
    auto wins = performanceReport({trade(1, "5"), trade(2, "7")}, money("100"));
    ASSERT_TRUE(wins.ok());
    EXPECT_FALSE(wins->profitFactor.has_value());
    EXPECT_FALSE(wins->averageLoss.has_value());
    EXPECT_EQ(wins->maxDrawdown, money("0"));
}

TEST(Performance, ReportOnPaperTradesOnRealBarsEndsAtTheLedgersEquity) {
    // GIVEN paper trades on 300 real BTCUSDT 1h bars: flat -> a long with a 1 % stop and a 1 %
    // target, closed by one of them
    auto opened = storage::Database::openProfile(QString::fromStdString(kairos::test::tempDir()));
    ASSERT_TRUE(opened.ok());
    auto& db = **opened;
    const std::vector<Bar> bars(btcHourBars().begin(), btcHourBars().begin() + 300);
    marketdata::ReplayFeed feed;
    PaperAccount paper(&db, PaperSettings{});
    Account& account = paper.account();
    paperOnReplay(paper, feed, bars);
    ASSERT_TRUE(account.open().ok());
    for (std::size_t i = 0; i + 1 < bars.size(); ++i) {
        feed.advanceTo(bars[i].openTimeMs);
        const Position* p = account.portfolio().position(btcusdt().id);
        if (p && !p->isFlat()) continue;
        const Price ref = *account.lastPrice(btcusdt().id);
        const Price off = Price::fromRaw(ref.rescaled(2, RoundingMode::HalfEven)->raw() / 100, 2);
        OrderRequest r = request(Side::Buy, OrderType::Market, "0.01000");
        r.bracket.stopLoss = ref.sub(off).value();
        r.bracket.takeProfit = ref.add(off).value();
        ASSERT_FALSE(fillsOf(account.submit(r)).empty());
    }
    // close whatever is open, so that equity is all realized
    if (const Position* p = account.portfolio().position(btcusdt().id); p && !p->isFlat()) {
        account.cancelAll(std::nullopt, "end of test");
        ASSERT_TRUE(account.closePosition(btcusdt().id).ok());
    }
    TradeJournal journal(db);
    auto trades = journal.trades();
    ASSERT_TRUE(trades.ok()) << trades.message();
    auto cash = journal.startingCash(account.info().id);
    ASSERT_TRUE(cash.ok());
    // WHEN the report covers everything
    auto r = performanceReport(*trades, *cash);
    ASSERT_TRUE(r.ok());
    // THEN the equity at the end is the ledger's, exactly, and the counts add up
    EXPECT_EQ(r->endEquity, account.portfolio().equity());
    EXPECT_EQ(r->netPnl, account.portfolio().realizedPnl().sub(account.portfolio().feesPaid()).value());
    EXPECT_EQ(r->trades, static_cast<int>(trades->size()));
    EXPECT_GT(r->trades, 10);
    EXPECT_EQ(r->wins + r->losses, r->trades);  // nothing ends at exactly zero after fees here
    EXPECT_EQ(r->tradesWithR, r->trades);
    // and the curve's lowest point is the max drawdown below its running peak
    Money peak = r->startEquity;
    Money worst = money("0");
    for (const auto& pt : r->equityCurve) {
        if (pt.equity > peak) peak = pt.equity;
        if (peak.sub(pt.equity).value() > worst) worst = peak.sub(pt.equity).value();
    }
    EXPECT_EQ(r->maxDrawdown, worst);
    EXPECT_GT(r->maxDrawdown, money("0"));
}

}  // namespace
}  // namespace kairos::trading
