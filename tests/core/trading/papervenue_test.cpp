// PaperVenue and PaperStore: paper orders filled by the bundled replay of real BTCUSDT 1h bars
// (ReplayFeed's implied trades: open, then high/low in the bar's direction, then close), kept in
// the profile database across a restart, with all-or-nothing writes.
#include "marketdata/replayfeed.h"
#include "storage/database.h"
#include "trading/papervenue.h"
#include "trading/paperstore.h"
#include "tradingfixtures.h"

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

struct Rig {
    marketdata::ReplayFeed feed;
    std::unique_ptr<PaperAccount> paper;
    Account* venue = nullptr;  // the paper account (venue, journal and ledger)
    explicit Rig(storage::Database* db) {
        std::vector<Bar> bars(btcHourBars().begin(), btcHourBars().begin() + 20);
        paper = std::make_unique<PaperAccount>(db, PaperSettings{});
        venue = &paper->account();
        paperOnReplay(*paper, feed, bars);
    }
    std::int64_t barTime(std::size_t i) const { return btcHourBars()[i].openTimeMs; }
};

Result<std::unique_ptr<storage::Database>> openDb(const std::string& dir) {
    return storage::Database::openProfile(QString::fromStdString(dir));
}

TEST(PaperVenue, MarketBuyFillsAtTheLastReplayedTradeAndALimitWhenATradeGoesThrough) {
    Rig rig(nullptr);
    ASSERT_TRUE(rig.venue->open().ok());
    // No price yet: refused with a reason
    auto none = rig.venue->submit(request(Side::Buy, OrderType::Market, "0.01000"));
    ASSERT_EQ(none.size(), 1u);
    EXPECT_EQ(none[0].kind, OrderEventKind::Rejected);
    EXPECT_NE(none[0].order.rejectReason.find("no price for BINANCE:BTCUSDT"), std::string::npos);

    // bar 0's open trade 11080.64
    rig.feed.advanceTo(rig.barTime(0));
    auto buy = fillsOf(rig.venue->submit(request(Side::Buy, OrderType::Market, "0.01000")));
    ASSERT_EQ(buy.size(), 1u);
    EXPECT_EQ(buy[0].price, px("11080.64"));
    EXPECT_EQ(buy[0].fee, money("0.1108064"));

    auto limit = request(Side::Buy, OrderType::Limit, "0.01000");
    limit.limitPrice = px("10920.00");
    EXPECT_TRUE(fillsOf(rig.venue->submit(limit)).empty());
    // bar 1 trades 11056, 11056 (high), 10921 (low), 10939.63: none below 10920
    rig.feed.advanceTo(rig.barTime(2) - 1);
    EXPECT_EQ(rig.venue->openOrders().size(), 1u);
    // bar 2: 10939.63, 10966.88 (high), 10913 (low, at +30 min) -> fills at 10920 as maker
    std::vector<Fill> seen;
    QObject::connect(rig.venue, &Account::filled, [&](const Fill& f) { seen.push_back(f); });
    rig.feed.advanceTo(rig.barTime(2) + 30 * 60 * 1000);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].price, px("10920"));
    EXPECT_EQ(seen[0].liquidity, Liquidity::Maker);
    EXPECT_EQ(seen[0].timeMs, rig.barTime(2) + 30 * 60 * 1000);
    const Position* p = rig.venue->portfolio().position(btcusdt().id);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->quantity, qty("0.02"));
    EXPECT_EQ(p->averageEntry(2), px("11000.32"));  // (11080.64 + 10920) / 2
    EXPECT_TRUE(rig.venue->openOrders().empty());
}

TEST(PaperVenue, OrdersFillsAndPositionsSurviveARestart) {
    const std::string dir = kairos::test::tempDir();
    {
        auto db = openDb(dir);
        ASSERT_TRUE(db.ok()) << db.message();
        Rig rig(db->get());
        ASSERT_TRUE(rig.venue->open().ok());
        EXPECT_TRUE(rig.venue->isPersistent());
        rig.feed.advanceTo(rig.barTime(0));
        ASSERT_EQ(fillsOf(rig.venue->submit(request(Side::Buy, OrderType::Market, "0.01000"))).size(), 1u);
        auto limit = request(Side::Buy, OrderType::Limit, "0.01000");
        limit.limitPrice = px("10920.00");
        limit.bracket.stopLoss = px("10500.00");
        rig.venue->submit(limit);
        auto bad = request(Side::Buy, OrderType::Limit, "0.01000");
        bad.limitPrice = px("10920.001");
        EXPECT_EQ(rig.venue->submit(bad)[0].kind, OrderEventKind::Rejected);
    }
    // Restart: a new connection, a new venue, the same profile
    auto db = openDb(dir);
    ASSERT_TRUE(db.ok());
    Rig rig(db->get());
    ASSERT_TRUE(rig.venue->open().ok()) << rig.venue->storageError().toStdString();
    const Position* p = rig.venue->portfolio().position(btcusdt().id);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->quantity, qty("0.01"));
    EXPECT_EQ(p->averageEntry(2), px("11080.64"));
    EXPECT_EQ(rig.venue->portfolio().cash(), money("9889.0827936"));  // 10000 - 110.8064 - 0.1108064
    EXPECT_EQ(rig.venue->fills().size(), 1u);
    ASSERT_EQ(rig.venue->openOrders().size(), 1u);
    const Order resting = rig.venue->openOrders()[0];
    EXPECT_EQ(resting.request.limitPrice, px("10920.00"));
    EXPECT_EQ(resting.request.bracket.stopLoss, px("10500.00"));
    EXPECT_EQ(rig.venue->orders().size(), 3u);  // filled, resting, rejected
    // The restored order still fills, with a fresh id for its stop-loss child and fill
    rig.feed.advanceTo(rig.barTime(2) + 30 * 60 * 1000);
    EXPECT_EQ(rig.venue->portfolio().position(btcusdt().id)->quantity, qty("0.02"));
    ASSERT_EQ(rig.venue->fills().size(), 2u);
    EXPECT_GT(rig.venue->fills()[1].fillId, rig.venue->fills()[0].fillId);
    ASSERT_EQ(rig.venue->openOrders().size(), 1u);
    EXPECT_EQ(rig.venue->openOrders()[0].role, OrderRole::StopLoss);
    EXPECT_GT(rig.venue->openOrders()[0].id, resting.id);
    // close the position at the last trade
    auto closed = rig.venue->closePosition(btcusdt().id);
    ASSERT_TRUE(closed.ok());
    EXPECT_TRUE(rig.venue->portfolio().position(btcusdt().id)->isFlat());
    EXPECT_FALSE(rig.venue->closePosition(btcusdt().id).ok());
}

TEST(PaperVenue, ResetStartsAFreshAccountAndForgetsTheStoredOne) {
    const std::string dir = kairos::test::tempDir();
    auto db = openDb(dir);
    ASSERT_TRUE(db.ok());
    {
        Rig rig(db->get());
        ASSERT_TRUE(rig.venue->open().ok());
        rig.feed.advanceTo(rig.barTime(0));
        rig.venue->submit(request(Side::Buy, OrderType::Market, "0.01000"));
        int resets = 0;
        QObject::connect(rig.venue, &Account::accountReset, [&] { ++resets; });
        ASSERT_TRUE(rig.venue->reset(money("2500")).ok());
        EXPECT_EQ(resets, 1);
        EXPECT_TRUE(rig.venue->fills().empty());
        EXPECT_TRUE(rig.venue->orders().empty());
        EXPECT_EQ(rig.venue->portfolio().cash(), money("2500"));
        // still trades after the reset (the instrument rules were kept)
        EXPECT_EQ(fillsOf(rig.venue->submit(request(Side::Buy, OrderType::Market, "0.01000"))).size(), 1u);
    }
    Rig again(db->get());
    ASSERT_TRUE(again.venue->open().ok());
    EXPECT_EQ(again.venue->portfolio().startingCash(), money("2500"));
    EXPECT_EQ(again.venue->fills().size(), 1u);
    EXPECT_EQ(again.venue->orders().size(), 1u);
}

// A dragged chart line: the resting limit moved from 10920 to 10900 keeps its new price across a
// restart, and bar 2's low (10913, which would have filled 10920) no longer reaches it.
TEST(PaperVenue, AnAmendedPriceSurvivesARestart) {
    const std::string dir = kairos::test::tempDir();
    OrderId id = 0;
    {
        auto db = openDb(dir);
        ASSERT_TRUE(db.ok()) << db.message();
        Rig rig(db->get());
        ASSERT_TRUE(rig.venue->open().ok());
        rig.feed.advanceTo(rig.barTime(0));
        auto limit = request(Side::Buy, OrderType::Limit, "0.01000");
        limit.limitPrice = px("10920.00");
        const auto placed = rig.venue->submit(limit);
        ASSERT_EQ(placed.size(), 1u);
        id = placed[0].order.id;
        auto moved = rig.venue->amend(id, px("10900.00"));
        ASSERT_TRUE(moved.ok()) << moved.message();
        EXPECT_EQ((*moved)[0].kind, OrderEventKind::Amended);
        // Above the last trade (11080.64) a buy limit would fill at once: refused, unchanged
        EXPECT_FALSE(rig.venue->amend(id, px("11100.00")).ok());
    }
    auto db = openDb(dir);
    ASSERT_TRUE(db.ok());
    Rig rig(db->get());
    ASSERT_TRUE(rig.venue->open().ok()) << rig.venue->storageError().toStdString();
    ASSERT_EQ(rig.venue->openOrders().size(), 1u);
    EXPECT_EQ(rig.venue->openOrders()[0].id, id);
    EXPECT_EQ(rig.venue->openOrders()[0].request.limitPrice, px("10900.00"));
    rig.feed.advanceTo(rig.barTime(2) + 45 * 60 * 1000);
    EXPECT_EQ(rig.venue->openOrders().size(), 1u);
    EXPECT_TRUE(rig.venue->fills().empty());
}

TEST(PaperStore, ABatchThatFailsHalfwayLeavesNothingBehind) {
    const std::string dir = kairos::test::tempDir();
    auto db = openDb(dir);
    ASSERT_TRUE(db.ok());
    PaperStore store(**db);
    ASSERT_TRUE(store.createAccount(money("10000.00000000"), 1).ok());
    FillSimulator sim;
    sim.addInstrument(btcusdt());
    sim.onTrade(btcusdt().id, Trade{1, px("100.00"), qty("1"), Side::Buy, "t1"});
    OrderEvents first = sim.submit(request(Side::Buy, OrderType::Market, "1"), 1);
    ASSERT_EQ(fillsOf(first).size(), 1u);
    ASSERT_TRUE(store.record(first, sim.nextOrderId(), sim.nextFillId()).ok());
    // A second batch: a new order, then a fill whose id is already stored (the write fails there)
    OrderEvents second = sim.submit(request(Side::Sell, OrderType::Market, "1"), 2);
    ASSERT_EQ(second.size(), 2u);
    second[1].fill->fillId = fillsOf(first)[0].fillId;
    EXPECT_FALSE(store.record(second, sim.nextOrderId(), sim.nextFillId()).ok());
    auto snap = store.load();
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ(snap->orders.size(), 1u);  // the new order's row went with the failed fill
    EXPECT_EQ(snap->fills.size(), 1u);
    EXPECT_EQ(snap->nextOrderId, 2u);
    auto book = snap->portfolio();
    ASSERT_TRUE(book.ok());
    EXPECT_EQ(book->position(btcusdt().id)->quantity, qty("1"));
}

TEST(PaperStore, UnreadableRowsAreReportedAndLeftAlone) {
    const std::string dir = kairos::test::tempDir();
    {
        auto db = openDb(dir);
        ASSERT_TRUE(db.ok());
        Rig rig(db->get());
        ASSERT_TRUE(rig.venue->open().ok());
        rig.feed.advanceTo(rig.barTime(0));
        rig.venue->submit(request(Side::Buy, OrderType::Market, "0.01000"));
        ASSERT_TRUE((*db)->exec("UPDATE account_orders SET type = 'iceberg'").ok());
    }
    auto db = openDb(dir);
    ASSERT_TRUE(db.ok());
    Rig rig(db->get());
    const Status st = rig.venue->open();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("iceberg"), std::string::npos) << st.message();
    EXPECT_FALSE(rig.venue->isPersistent());  // runs in memory, writes nothing
    rig.feed.advanceTo(rig.barTime(0));
    rig.venue->submit(request(Side::Buy, OrderType::Market, "0.01000"));
    PaperStore store(**db);
    auto snap = store.load();
    ASSERT_FALSE(snap.ok());  // still the stored row, untouched
}

}  // namespace
}  // namespace kairos::trading
