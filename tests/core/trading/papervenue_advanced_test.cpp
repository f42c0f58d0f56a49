// Trailing stops, OCO pairs and take-profit ladders on a paper account fed the bundled replay of
// real BTCUSDT 1h bars (implied trades: open, then high and low in the bar's direction at +15 and
// +30 min, close at +45 min), surviving restarts of the terminal (a new database connection and a
// new account over the same profile each time).
#include "marketdata/replayfeed.h"
#include "storage/database.h"
#include "trading/paperstore.h"
#include "trading/papervenue.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

struct Rig {
    marketdata::ReplayFeed feed;
    std::unique_ptr<PaperAccount> paper;
    Account* account = nullptr;
    explicit Rig(storage::Database* db) {
        std::vector<Bar> bars(btcHourBars().begin(), btcHourBars().begin() + 20);
        paper = std::make_unique<PaperAccount>(db, PaperSettings{});
        account = &paper->account();
        paperOnReplay(*paper, feed, bars);
    }
    static std::int64_t barTime(std::size_t i) { return btcHourBars()[i].openTimeMs; }
    std::optional<Order> open(const std::string& clientOrderId) const {
        for (const Order& o : account->openOrders())
            if (o.request.clientOrderId == clientOrderId) return o;
        return std::nullopt;
    }
};

constexpr std::int64_t kMinute = 60 * 1000;

TEST(PaperAdvancedOrders, TrailingOcoAndLadderOrdersKeepWorkingAcrossRestarts) {
    const std::string dir = kairos::test::tempDir();
    {
        // GIVEN bar 0's open trade 11080.64, a long of 0.03 BTC, and
        auto db = storage::Database::openProfile(QString::fromStdString(dir));
        ASSERT_TRUE(db.ok()) << db.message();
        Rig rig(db->get());
        ASSERT_TRUE(rig.account->open().ok());
        rig.feed.advanceTo(Rig::barTime(0));
        ASSERT_EQ(fillsOf(rig.account->submit(request(Side::Buy, OrderType::Market, "0.03000"))).size(), 1u);
        // a trailing sell stop of 100 bips activating at 11070 (already reached: stop 11080.64 x 0.99 -> 10969.83),
        auto trail = request(Side::Sell, OrderType::Stop, "0.01000");
        trail.trailing = Trailing{TrailingKind::Bips, 100, Price{}};
        trail.stopPrice = px("11070");
        trail.clientOrderId = "trail";
        auto ev = rig.account->submit(trail);
        ASSERT_EQ(ev.back().order.trailingStop, px("10969.83"));
        // a sell OCO (limit maker 11200, stop 10000),
        auto oco = request(Side::Sell, OrderType::Limit, "0.01000");
        oco.limitPrice = px("11200");
        oco.timeInForce = TimeInForce::PostOnly;
        oco.ocoStop = OcoStopLeg{px("10000"), std::nullopt};
        oco.clientOrderId = "oco";
        ASSERT_EQ(rig.account->submit(oco).size(), 2u);
        // and a resting buy at 10920 with a stop-loss and three take-profits (50/30/20 %)
        auto entry = request(Side::Buy, OrderType::Limit, "0.00057");
        entry.limitPrice = px("10920");
        entry.bracket.stopLoss = px("10800");
        entry.bracket.takeProfits = {{px("10950"), 50}, {px("10980"), 30}, {px("10990"), 20}};
        entry.clientOrderId = "ladder";
        rig.account->submit(entry);
        ASSERT_EQ(rig.account->openOrders().size(), 4u);
    }
    {
        // WHEN the terminal restarts
        auto db = storage::Database::openProfile(QString::fromStdString(dir));
        ASSERT_TRUE(db.ok());
        Rig rig(db->get());
        ASSERT_TRUE(rig.account->open().ok()) << rig.account->storageError().toStdString();
        // THEN every order is back with its details and state
        ASSERT_EQ(rig.account->openOrders().size(), 4u);
        const auto trail = rig.open("trail");
        ASSERT_TRUE(trail.has_value());
        EXPECT_EQ(trail->request.trailing, (Trailing{TrailingKind::Bips, 100, Price{}}));
        EXPECT_EQ(trail->trailingExtreme, px("11080.64"));
        EXPECT_EQ(trail->trailingStop, px("10969.83"));
        const auto limitLeg = rig.open("oco");
        const auto stopLeg = rig.open("oco-S");
        ASSERT_TRUE(limitLeg && stopLeg);
        EXPECT_EQ(limitLeg->ocoSiblingId, stopLeg->id);
        EXPECT_EQ(stopLeg->ocoSiblingId, limitLeg->id);
        EXPECT_EQ(limitLeg->request.ocoStop, (OcoStopLeg{px("10000"), std::nullopt}));
        EXPECT_EQ(limitLeg->request.timeInForce, TimeInForce::PostOnly);
        const auto ladder = rig.open("ladder");
        ASSERT_TRUE(ladder.has_value());
        ASSERT_EQ(ladder->request.bracket.takeProfits.size(), 3u);
        EXPECT_EQ(ladder->request.bracket.takeProfits[2], (TakeProfitLevel{px("10990"), 20}));
        // and they still work: bar 1's low trade 10921 triggers the trailing stop (fills at that
        // trade), bar 2's low 10913 trades through the entry's 10920 (maker)
        rig.feed.advanceTo(Rig::barTime(3) - 1);
        const auto& fills = rig.account->fills();
        ASSERT_EQ(fills.size(), 3u);
        EXPECT_EQ(fills[1].clientOrderId, "trail");
        EXPECT_EQ(fills[1].price, px("10921"));
        EXPECT_EQ(fills[1].timeMs, Rig::barTime(1) + 30 * kMinute);
        EXPECT_EQ(fills[2].clientOrderId, "ladder");
        EXPECT_EQ(fills[2].price, px("10920"));
        // the ladder: a stop-loss for everything and the three shares down to the lot
        EXPECT_EQ(rig.open("ladder-SL")->request.quantity, qty("0.00057"));
        EXPECT_EQ(rig.open("ladder-TP1")->request.quantity, qty("0.00028"));
        EXPECT_EQ(rig.open("ladder-TP2")->request.quantity, qty("0.00017"));
        EXPECT_EQ(rig.open("ladder-TP3")->request.quantity, qty("0.00012"));
    }
    {
        // WHEN it restarts again and bars 3 and 4 reach 10954.92 and 10982.24
        auto db = storage::Database::openProfile(QString::fromStdString(dir));
        ASSERT_TRUE(db.ok());
        Rig rig(db->get());
        ASSERT_TRUE(rig.account->open().ok()) << rig.account->storageError().toStdString();
        ASSERT_EQ(rig.account->openOrders().size(), 6u);  // OCO pair, stop-loss, 3 take-profits
        rig.feed.advanceTo(Rig::barTime(4) + 45 * kMinute);
        // THEN TP1 and TP2 fill and the stop-loss follows what is left: 0.00057 - 0.00028 - 0.00017
        ASSERT_EQ(rig.account->fills().size(), 5u);
        EXPECT_EQ(rig.account->fills()[3].clientOrderId, "ladder-TP1");
        EXPECT_EQ(rig.account->fills()[4].clientOrderId, "ladder-TP2");
        EXPECT_EQ(rig.open("ladder-SL")->request.quantity, qty("0.00012"));
    }
    {
        // WHEN it restarts once more
        auto db = storage::Database::openProfile(QString::fromStdString(dir));
        ASSERT_TRUE(db.ok());
        Rig rig(db->get());
        ASSERT_TRUE(rig.account->open().ok()) << rig.account->storageError().toStdString();
        // THEN the stop-loss's reduced quantity was kept
        EXPECT_EQ(rig.open("ladder-SL")->request.quantity, qty("0.00012"));
        // cancelling the OCO's limit leg cancels its stop leg too
        ASSERT_TRUE(rig.account->cancel(rig.open("oco")->id).ok());
        EXPECT_FALSE(rig.open("oco-S").has_value());
        // bar 7's high 10995.31 fills TP3 at 10990; the position of the ladder is closed, the stop-loss cancelled
        rig.feed.advanceTo(Rig::barTime(7) + 15 * kMinute);
        ASSERT_EQ(rig.account->fills().size(), 6u);
        EXPECT_EQ(rig.account->fills()[5].clientOrderId, "ladder-TP3");
        EXPECT_EQ(rig.account->fills()[5].price, px("10990"));
        EXPECT_TRUE(rig.account->openOrders().empty());
        EXPECT_EQ(rig.account->portfolio().position(btcusdt().id)->quantity, qty("0.02"));
    }
}

}  // namespace
}  // namespace kairos::trading
