// RiskManager on a paper account filled by the bundled replay of real BTCUSDT 1h bars: each rule
// refuses with its name and numbers, orders that only reduce a position always pass, and the
// gateway refuses before the venue sees anything.

#include "marketdata/replayfeed.h"
#include "trading/papervenue.h"
#include "trading/riskmanager.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

/// A paper account on the replay, whose clock is the replay's time (moved with advanceTo).
struct Rig {
    marketdata::ReplayFeed feed;
    ManualClock clock;
    std::unique_ptr<PaperAccount> paper;
    Account* account = nullptr;
    Rig() {
        std::vector<Bar> bars(btcHourBars().begin(), btcHourBars().begin() + 30);
        paper = std::make_unique<PaperAccount>(nullptr, PaperSettings{}, &clock);
        account = &paper->account();
        paperOnReplay(*paper, feed, bars);
        EXPECT_TRUE(account->open().ok());
    }
    void advanceTo(std::int64_t ms) {
        clock.advanceTo(ms);
        feed.advanceTo(ms);
    }
    std::int64_t barTime(std::size_t i) const { return btcHourBars()[i].openTimeMs; }
};

bool contains(const Status& st, const std::string& text) { return !st && st.message().find(text) != std::string::npos; }

TEST(RiskManager, AllowedInstrumentsAndOrderValueNameTheRuleAndTheNumbers) {
    Rig rig;
    rig.advanceTo(rig.barTime(0));  // bar 0's open trade: 11080.64
    RiskManager risk(*rig.account, {});
    RiskLimits limits;
    limits.allowedSymbols = {"ETHUSDT", "SOLUSDT"};
    risk.setLimits(limits);
    const Status notAllowed = risk.check(request(Side::Buy, OrderType::Market, "0.01"), rig.account->venue());
    EXPECT_EQ(notAllowed.message(),
              "risk rule 'allowed instruments': BTCUSDT is not one of this account's instruments (ETHUSDT, SOLUSDT)");
    limits = {};
    limits.maxOrderValue = money("100");
    risk.setLimits(limits);
    const Status tooBig = risk.check(request(Side::Buy, OrderType::Market, "0.01"), rig.account->venue());
    EXPECT_EQ(tooBig.message(), "risk rule 'max order value': the order is worth 110.8064 USDT, above the limit of 100 USDT");
    EXPECT_TRUE(risk.check(request(Side::Buy, OrderType::Market, "0.009"), rig.account->venue()).ok());
}

TEST(RiskManager, MaxPositionRefusesIncreasesButNeverAReduction) {
    Rig rig;
    rig.advanceTo(rig.barTime(0));
    RiskLimits limits;
    limits.maxPositionQuantity = qty("0.015");
    RiskManager risk(*rig.account, limits);
    rig.account->gateway().addCheck(risk.asCheck());
    ASSERT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.01"))).size(), 1u);
    // WHEN a second buy would make 0.02 BTC
    const OrderEvents refused = rig.account->submit(request(Side::Buy, OrderType::Market, "0.01"));
    // THEN the gateway refuses it before the venue: one Rejected event naming the rule
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].kind, OrderEventKind::Rejected);
    EXPECT_EQ(refused[0].order.rejectReason,
              "Refused: risk rule 'max position': the position would be 0.02 BTC, above the limit of 0.015 BTC");
    EXPECT_EQ(rig.account->orders().size(), 1u);
    // A sell that flips the position to -0.02 is an increase too; a sell of 0.01 only reduces
    EXPECT_TRUE(contains(risk.check(request(Side::Sell, OrderType::Market, "0.03"), rig.account->venue()), "'max position'"));
    limits.maxPositionQuantity = qty("0.001");  // even below the current position, getting out passes
    risk.setLimits(limits);
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Sell, OrderType::Market, "0.01"))).size(), 1u);
}

TEST(RiskManager, MaxPositionPercentOfEquityAndMaxOpenPositions) {
    Rig rig;
    rig.advanceTo(rig.barTime(0));
    RiskLimits limits;
    limits.maxPositionPercent = 50;
    RiskManager risk(*rig.account, limits);
    // 0.5 BTC at 11080.64 = 5540.32 USDT, 55.4 % of the 10000 USDT account
    const Status st = risk.check(request(Side::Buy, OrderType::Market, "0.5"), rig.account->venue());
    EXPECT_EQ(
        st.message(),
        "risk rule 'max position % of equity': the position would be worth 5540.32 USDT, 55.4% of the equity of 10000 USDT, "
        "above the limit of 50%");
    EXPECT_TRUE(risk.check(request(Side::Buy, OrderType::Market, "0.4"), rig.account->venue()).ok());
    limits = {};
    limits.maxOpenPositions = 0;  // no new position at all
    risk.setLimits(limits);
    EXPECT_EQ(risk.check(request(Side::Buy, OrderType::Market, "0.01"), rig.account->venue()).message(),
              "risk rule 'max open positions': 0 positions are open, the limit is 0");
}

TEST(RiskManager, MaxOrdersPerMinuteCountsOnTheAccountsClock) {
    Rig rig;
    rig.advanceTo(rig.barTime(0));
    RiskLimits limits;
    limits.maxOrdersPerMinute = 2;
    RiskManager risk(*rig.account, limits);
    rig.account->gateway().addCheck(risk.asCheck());
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.001"))).size(), 1u);
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.001"))).size(), 1u);
    const OrderEvents third = rig.account->submit(request(Side::Buy, OrderType::Market, "0.001"));
    ASSERT_EQ(third.size(), 1u);
    EXPECT_EQ(third[0].order.rejectReason,
              "Refused: risk rule 'max orders per minute': 2 orders in the last minute reached the limit of 2");
    // A minute later on the replay's clock, orders pass again
    rig.advanceTo(rig.barTime(0) + 61'000);
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.001"))).size(), 1u);
}

TEST(RiskManager, MaxDailyLossBlocksNewEntriesUntilTheNextUtcDayOrAManualReset) {
    Rig rig;
    rig.advanceTo(rig.barTime(0));
    RiskLimits limits;
    limits.maxDailyLoss = money("50");
    RiskManager risk(*rig.account, limits);
    rig.account->gateway().addCheck(risk.asCheck());
    // GIVEN 0.5 BTC bought at 11080.64 on bar 0, then the price falls to bar 1's close 10939.63
    ASSERT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.5"))).size(), 1u);
    rig.advanceTo(rig.barTime(2) - 1);
    // THEN the day's loss counts the open position at its mark: 0.5 x 141.01 plus the fee
    const Money loss = risk.dailyLoss();
    EXPECT_GT(loss, money("70.5"));
    EXPECT_TRUE(risk.entriesBlocked());
    const OrderEvents entry = rig.account->submit(request(Side::Buy, OrderType::Market, "0.01"));
    ASSERT_EQ(entry.size(), 1u);
    EXPECT_EQ(entry[0].order.rejectReason,
              "Refused: risk rule 'max daily loss': the day's loss of " + loss.toTrimmedString() +
                  " USDT reached the limit of 50 USDT; new entries are blocked until 00:00 UTC or a manual reset");
    // Reducing the position is always allowed
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Sell, OrderType::Market, "0.1"))).size(), 1u);
    // A manual reset lets entries through again
    risk.resetDailyLoss();
    EXPECT_FALSE(risk.entriesBlocked());
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.01"))).size(), 1u);
    // And so does the next UTC day (2020-09-21 00:00 is bar 24's open when bar 0 opens at 00:00)
    ASSERT_EQ(btcHourBars()[0].openTimeMs % (24LL * 3600 * 1000), 0);
    rig.advanceTo(rig.barTime(24));
    EXPECT_LE(risk.dailyLoss(), money("0"));
}

TEST(RiskManager, AnOrderThatOnlyReducesPassesEveryRuleSoAPositionCanAlwaysBeClosed) {
    Rig rig;
    rig.advanceTo(rig.barTime(0));  // bar 0's open trade: 11080.64
    RiskManager risk(*rig.account, {});
    rig.account->gateway().addCheck(risk.asCheck());
    // GIVEN a long 0.5 BTC position, then limits that it breaks on every count: BTC not allowed,
    // the minute's one order used, an order value cap far below the position's value
    ASSERT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.5"))).size(), 1u);
    RiskLimits limits;
    limits.allowedSymbols = {"ETHUSDT"};
    limits.maxOrdersPerMinute = 1;
    limits.maxOrderValue = money("100");
    risk.setLimits(limits);
    // WHEN a new entry and then closes are sent
    const OrderEvents more = rig.account->submit(request(Side::Buy, OrderType::Market, "0.01"));
    ASSERT_EQ(more.size(), 1u);
    EXPECT_NE(more[0].order.rejectReason.find("risk rule 'allowed instruments'"), std::string::npos)
        << more[0].order.rejectReason;
    // THEN the closes pass (a partial one, then the rest), and the position is flat
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Sell, OrderType::Market, "0.2"))).size(), 1u);
    EXPECT_EQ(fillsOf(rig.account->submit(request(Side::Sell, OrderType::Market, "0.3"))).size(), 1u);
    const Position* p = rig.account->portfolio().position(request(Side::Sell, OrderType::Market, "0.3").instrument);
    EXPECT_TRUE(!p || p->isFlat());
    // and they counted for the minute: with BTC allowed again, an entry is refused by the rate rule
    limits.allowedSymbols.clear();
    limits.maxOrderValue.reset();
    risk.setLimits(limits);
    const OrderEvents entry = rig.account->submit(request(Side::Buy, OrderType::Market, "0.01"));
    ASSERT_EQ(entry.size(), 1u);
    EXPECT_NE(entry[0].order.rejectReason.find("risk rule 'max orders per minute'"), std::string::npos)
        << entry[0].order.rejectReason;
    // A sell that flips the (now flat) position short is an entry, not a reduction
    EXPECT_FALSE(risk.check(request(Side::Sell, OrderType::Market, "0.01"), rig.account->venue()).ok());
}

}  // namespace
}  // namespace kairos::trading
