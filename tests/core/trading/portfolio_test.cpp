// Portfolio: the ledger fed by the simulator's fills on real BTCUSDT bars; every figure below is
// worked out by hand from the CSV rows quoted in fillsimulator_bars_test.cpp.
#include "trading/fillsimulator.h"
#include "trading/portfolio.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

class PortfolioTest : public ::testing::Test {
protected:
    void SetUp() override {
        bars = &btcHourBars();
        sim.addInstrument(btcusdt());
    }
    // Places `r` on bar i's close and runs bar i+1; books the fills.
    std::vector<Fill> tradeAfter(std::size_t i, OrderRequest r) {
        sim.onBar(btcusdt().id, (*bars)[i]);
        sim.submit(std::move(r), (*bars)[i + 1].openTimeMs);
        auto fills = fillsOf(sim.onBar(btcusdt().id, (*bars)[i + 1]));
        for (const auto& f : fills) EXPECT_TRUE(book.applyFill(f).ok());
        book.mark(btcusdt().id, (*bars)[i + 1].close);
        return fills;
    }
    void expectIdentity() {
        // equity = starting cash + realized + unrealized - fees, exactly
        auto rhs = book.startingCash().add(book.realizedPnl())->add(book.unrealizedPnl())->sub(book.feesPaid());
        EXPECT_EQ(book.equity(), *rhs);
    }

    const std::vector<Bar>* bars = nullptr;
    FillSimulator sim;
    Portfolio book{money("10000")};
};

TEST_F(PortfolioTest, RoundTripPnlAndFeesToTheExactCent) {
    // buy 0.01 at bar 1's open 11056 (fee 0.11056), sell 0.01 at bar 2's open 10939.63
    // (fee 0.1093963): realized (10939.63 - 11056) x 0.01 = -1.1637, fees 0.2199563,
    // cash 10000 - 110.56 - 0.11056 + 109.3963 - 0.1093963 = 9998.6163437
    ASSERT_EQ(tradeAfter(0, request(Side::Buy, OrderType::Market, "0.01000")).size(), 1u);
    const Position* p = book.position(btcusdt().id);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->quantity, qty("0.01"));
    EXPECT_EQ(p->averageEntry(2), px("11056"));
    EXPECT_EQ(book.cash(), money("9889.32944"));
    // marked at bar 1's close 10939.63: unrealized (10939.63 - 11056) x 0.01
    EXPECT_EQ(book.unrealizedPnl(), money("-1.1637"));
    expectIdentity();

    ASSERT_EQ(tradeAfter(1, request(Side::Sell, OrderType::Market, "0.01000")).size(), 1u);
    p = book.position(btcusdt().id);
    EXPECT_TRUE(p->isFlat());
    EXPECT_EQ(book.realizedPnl(), money("-1.1637"));
    EXPECT_EQ(book.feesPaid(), money("0.2199563"));
    EXPECT_EQ(book.cash(), money("9998.6163437"));
    EXPECT_EQ(book.equity(), money("9998.6163437"));
    EXPECT_EQ(book.unrealizedPnl(), money("0"));
    EXPECT_TRUE(book.openPositions().empty());
    EXPECT_EQ(book.allPositions().size(), 1u);
    expectIdentity();
}

TEST_F(PortfolioTest, PartialClosesKeepTheAverageEntryAndRealizeProRata) {
    // bar 1 open 11056: buy 0.03 (cost 331.68); bar 2 open 10939.63: buy 0.01 (109.3963)
    // -> 0.04 at cost 441.0763, average 11026.9075
    tradeAfter(0, request(Side::Buy, OrderType::Market, "0.03000"));
    tradeAfter(1, request(Side::Buy, OrderType::Market, "0.01000"));
    const Position* p = book.position(btcusdt().id);
    EXPECT_EQ(p->quantity, qty("0.04"));
    EXPECT_EQ(p->costBasis, money("441.0763"));
    EXPECT_EQ(p->averageEntry(4), px("11026.9075"));
    // bar 3 open 10918.37: sell 0.01 -> cost share 110.269075, proceeds 109.1837,
    // realized -1.085375; average unchanged
    tradeAfter(2, request(Side::Sell, OrderType::Market, "0.01000"));
    p = book.position(btcusdt().id);
    EXPECT_EQ(p->quantity, qty("0.03"));
    EXPECT_EQ(p->averageEntry(4), px("11026.9075"));
    EXPECT_EQ(book.realizedPnl(), money("-1.085375"));
    expectIdentity();
    // bar 4 open 10948.8: sell the last 0.03 -> proceeds 328.464 - cost 330.807225 = -2.343225;
    // total -3.4286 = 437.6477 sold - 441.0763 bought
    tradeAfter(3, request(Side::Sell, OrderType::Market, "0.03000"));
    p = book.position(btcusdt().id);
    EXPECT_TRUE(p->isFlat());
    EXPECT_EQ(p->costBasis, money("0"));
    EXPECT_EQ(book.realizedPnl(), money("-3.4286"));
    // fees 10 bp: 0.33168 + 0.1093963 + 0.1091837 + 0.328464
    EXPECT_EQ(book.feesPaid(), money("0.878724"));
    EXPECT_EQ(book.equity(), money("9995.692676"));
    expectIdentity();
}

TEST_F(PortfolioTest, AShortProfitsWhenThePriceFallsAndAFlipOpensTheOtherSide) {
    // sell 0.02 at bar 1's open 11056 (short, cash +221.12); buy 0.05 at bar 2's open 10939.63:
    // closes the short (realized (11056 - 10939.63) x 0.02 = 2.3274) and opens 0.03 long at 10939.63
    tradeAfter(0, request(Side::Sell, OrderType::Market, "0.02000"));
    EXPECT_EQ(book.position(btcusdt().id)->quantity, qty("-0.02"));
    EXPECT_FALSE(book.position(btcusdt().id)->isLong());
    expectIdentity();
    tradeAfter(1, request(Side::Buy, OrderType::Market, "0.05000"));
    const Position* p = book.position(btcusdt().id);
    EXPECT_EQ(p->quantity, qty("0.03"));
    EXPECT_EQ(p->averageEntry(2), px("10939.63"));
    EXPECT_EQ(book.realizedPnl(), money("2.3274"));
    expectIdentity();
}

TEST_F(PortfolioTest, TheLedgerIdentityHoldsOverAThousandRealTrades) {
    // A fixed pattern of buys and sells on 1,000 consecutive real bars, with fees and slippage.
    SimulatorConfig cfg;
    cfg.rules.slippageBps = Bps::parse("2.5").value();
    cfg.rules.fees.takerBps = Bps::parse("7.5").value();
    FillSimulator s(cfg);
    s.addInstrument(btcusdt());
    Portfolio ledger(money("100000"));
    const char* sizes[] = {"0.01000", "0.03500", "0.00700", "0.12000", "0.05000"};
    int fills = 0;
    for (std::size_t i = 1000; i < 2000; ++i) {
        s.onBar(btcusdt().id, (*bars)[i]);
        auto r = request(i % 3 == 0 ? Side::Sell : Side::Buy, OrderType::Market, sizes[i % 5]);
        s.submit(r, (*bars)[i + 1].openTimeMs);
        for (const auto& f : fillsOf(s.onBar(btcusdt().id, (*bars)[i + 1]))) {
            ASSERT_TRUE(ledger.applyFill(f).ok());
            ++fills;
        }
        ledger.mark(btcusdt().id, (*bars)[i + 1].close);
        auto rhs = ledger.startingCash().add(ledger.realizedPnl())->add(ledger.unrealizedPnl())->sub(ledger.feesPaid());
        ASSERT_EQ(ledger.equity(), *rhs) << "bar " << i;
    }
    EXPECT_GE(fills, 900);
}

TEST(PortfolioSynthetic, MalformedFillsAreRefusedAndChangeNothing) {
    Portfolio book(money("1000"));
    Fill f;
    f.instrument = btcusdt().id;
    f.price = px("100");
    f.quantity = qty("0");
    f.fee = money("0");
    EXPECT_FALSE(book.applyFill(f).ok());
    f.quantity = qty("1");
    f.fee = money("-0.1");
    EXPECT_FALSE(book.applyFill(f).ok());
    f.fee = money("0");
    f.price = px("-1");
    EXPECT_FALSE(book.applyFill(f).ok());
    EXPECT_EQ(book.cash(), money("1000"));
    EXPECT_EQ(book.position(btcusdt().id), nullptr);
}

}  // namespace
}  // namespace kairos::trading
