// Sizing helpers with BTCUSDT's real filters (lot 0.00001, min notional 5 USDT) at real prices of
// the bundled hour bars; expected quantities computed by hand.
#include "trading/sizing.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

Percent pct(const char* s) { return Percent::parse(s).value(); }

TEST(Sizing, RiskPercentOfEquityOverTheStopDistanceRoundsDownToTheLot) {
    // GIVEN 10,000 USDT, 1 % risk, entry at bar 1's open 11056 and a stop at bar 1's low 10921
    const Price entry = btcHourBars()[1].open;
    const Price stop = btcHourBars()[1].low;
    ASSERT_EQ(entry, px("11056"));
    auto s = sizeByRisk(money("10000"), pct("1"), entry, stop, btcusdt());
    ASSERT_TRUE(s.ok()) << s.message();
    // THEN 100 / 135 = 0.740740... -> 0.74074 BTC; risk 0.74074 x 135 = 99.9999; worth 8189.62144
    EXPECT_EQ(s->quantity, qty("0.74074"));
    EXPECT_EQ(s->risk, money("99.9999"));
    EXPECT_EQ(s->notional, money("8189.62144"));
    // a short (stop above) sizes the same by distance
    auto shortSide = sizeByRisk(money("10000"), pct("1"), stop, entry, btcusdt());
    ASSERT_TRUE(shortSide.ok());
    EXPECT_EQ(shortSide->quantity, qty("0.74074"));
}

TEST(Sizing, FixedNotionalAndShareOfEquity) {
    // 250 USDT at 10939.63 = 0.0228527... -> 0.02285 BTC, worth 249.9705455
    auto n = sizeByNotional(money("250"), px("10939.63"), btcusdt());
    ASSERT_TRUE(n.ok()) << n.message();
    EXPECT_EQ(n->quantity, qty("0.02285"));
    EXPECT_EQ(n->notional, money("249.9705455"));
    // 2.5 % of 10,000 = 250 USDT: the same
    auto e = sizeByEquityPercent(money("10000"), pct("2.5"), px("10939.63"), btcusdt());
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->quantity, qty("0.02285"));
}

TEST(Sizing, ImpossibleSizesSayWhy) {
    auto tiny = sizeByRiskAmount(money("0.001"), px("11056"), px("10921"), btcusdt());
    ASSERT_FALSE(tiny.ok());
    EXPECT_NE(tiny.message().find("buys less than one lot (0.00001 BTC)"), std::string::npos) << tiny.message();
    auto small = sizeByNotional(money("4"), px("11056"), btcusdt());
    ASSERT_FALSE(small.ok());
    EXPECT_NE(small.message().find("below the minimum order value of 5 USDT"), std::string::npos) << small.message();
    auto flat = sizeByRisk(money("10000"), pct("1"), px("11056"), px("11056"), btcusdt());
    ASSERT_FALSE(flat.ok());
    EXPECT_NE(flat.message().find("equals the entry price"), std::string::npos);
    EXPECT_FALSE(sizeByRisk(money("10000"), pct("150"), px("11056"), px("10921"), btcusdt()).ok());
    EXPECT_FALSE(sizeByRisk(money("0"), pct("1"), px("11056"), px("10921"), btcusdt()).ok());
}

}  // namespace
}  // namespace kairos::trading
