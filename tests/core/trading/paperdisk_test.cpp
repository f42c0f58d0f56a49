// Fault injection on the disk (issue 12): paper trading on a profile whose disk fills up. Orders
// go on in memory and the failure is reported (storageFailed); once there is room again, the next
// save writes what could not be saved too, so the journal never lacks a fill the user was shown
// and a restart finds exactly the account of the session. Needs root to mount; skips otherwise.
#include "marketdata/replayfeed.h"
#include "storage/database.h"
#include "trading/papervenue.h"
#include "trading/paperstore.h"
#include "tradingfixtures.h"

#include "smalldisk.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;
using kairos::test::SmallDisk;

TEST(PaperDiskFault, FillsShownWhileTheDiskWasFullAreSavedOnceThereIsRoom) {
    SmallDisk disk("4m");
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
    const std::vector<Bar> bars(btcHourBars().begin(), btcHourBars().begin() + 40);
    std::vector<Order> shownOrders;
    std::vector<Fill> shownFills;
    Money shownCash;
    {
        // GIVEN paper trading on the profile, one fill saved
        auto db = storage::Database::openProfile(disk.dir());
        ASSERT_TRUE(db.ok()) << db.message();
        marketdata::ReplayFeed feed;
        PaperAccount paper(db->get(), PaperSettings{});
        Account& venue = paper.account();
        paperOnReplay(paper, feed, bars);
        ASSERT_TRUE(venue.open().ok()) << venue.storageError().toStdString();
        QSignalSpy failed(&venue, &Account::storageFailed);
        feed.advanceTo(bars[0].openTimeMs);
        ASSERT_EQ(fillsOf(venue.submit(request(Side::Buy, OrderType::Market, "0.01000"))).size(), 1u);
        ASSERT_TRUE(failed.isEmpty());
        // WHEN the disk fills up while an entry with a bracket fills and more orders trade
        disk.fill();
        auto entry = request(Side::Buy, OrderType::Market, "0.02000");
        entry.bracket.stopLoss = px("10000.00");
        feed.advanceTo(bars[1].openTimeMs);
        ASSERT_EQ(fillsOf(venue.submit(entry)).size(), 1u);
        ASSERT_FALSE(failed.isEmpty()) << "the full disk did not fail the save";
        EXPECT_TRUE(failed.last().first().toString().contains(QStringLiteral("could not be saved")))
            << failed.last().first().toString().toStdString();
        feed.advanceTo(bars[2].openTimeMs);
        ASSERT_EQ(fillsOf(venue.submit(request(Side::Sell, OrderType::Market, "0.00500"))).size(), 1u);
        // ... and then there is room again and trading goes on
        disk.unfill();
        failed.clear();
        feed.advanceTo(bars[3].openTimeMs);
        ASSERT_EQ(fillsOf(venue.submit(request(Side::Sell, OrderType::Market, "0.00500"))).size(), 1u);
        EXPECT_TRUE(failed.isEmpty()) << failed.last().first().toString().toStdString();
        shownOrders = venue.orders();
        shownFills = venue.fills();
        shownCash = venue.portfolio().cash();
        ASSERT_EQ(shownFills.size(), 4u);
    }
    // THEN a restart finds every order and fill the session showed, and the same cash
    auto db = storage::Database::openProfile(disk.dir());
    ASSERT_TRUE(db.ok()) << db.message();
    auto snap = PaperStore(**db).load();
    ASSERT_TRUE(snap.ok()) << snap.message();
    EXPECT_EQ(snap->fills, shownFills);
    ASSERT_EQ(snap->orders.size(), shownOrders.size());
    for (const Order& shown : shownOrders) {
        const auto it = std::find_if(snap->orders.begin(), snap->orders.end(), [&](const Order& o) { return o.id == shown.id; });
        ASSERT_NE(it, snap->orders.end()) << "order " << shown.id << " was shown but not saved";
        EXPECT_EQ(it->status, shown.status) << "order " << shown.id;
        EXPECT_EQ(it->filledQuantity, shown.filledQuantity) << "order " << shown.id;
    }
    auto ledger = snap->portfolio();
    ASSERT_TRUE(ledger.ok()) << ledger.message();
    EXPECT_EQ(ledger->cash(), shownCash);
}

}  // namespace
}  // namespace kairos::trading
