// Brackets on Binance as native order lists (LiveVenue, core/live/livevenue.h) against the local
// Binance trading server: one take-profit = one OTOCO, a ladder of take-profits = one OTOCO per
// tranche with the stop split by quantity, the position protected by Binance while the terminal is
// away, and the entries Binance cannot place natively refused with a reason. The fixture is in
// binance_trading_fixture.h; prices are real BTCUSDT closes.

#include "binance_trading_fixture.h"

#include <gtest/gtest.h>

#include <QSignalSpy>

namespace kairos::live {
namespace {

using namespace kairos::live::livetest;  // NOLINT(google-build-using-namespace): the shared fixture

using BracketTest = LiveVenueTest;

OrderRequest bracketBuy(const std::string& quantity, const std::string& at, const std::string& cid) {
    OrderRequest r = limit(Side::Buy, quantity, at, cid);
    r.bracket.stopLoss = price("104000");
    r.bracket.takeProfit = price("107000");
    return r;
}

const FakeBinanceTrading::OrderList* listOf(const FakeBinanceTrading& fake, const QString& listClientOrderId) {
    for (const auto& l : fake.orderLists())
        if (l.listClientOrderId == listClientOrderId) return &l;
    return nullptr;
}

TEST_F(BracketTest, ABracketWithOneTakeProfitIsOneOtocoWhoseChildrenBinancePlacesOnTheFill) {
    auto s = startStack();
    // WHEN a marketable limit buy with stop-loss 104000 and take-profit 107000 is sent
    s->account->submit(bracketBuy("0.01", "106000", "br-1"));
    ASSERT_TRUE(s->waitStatus("br-1", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("br-1-SL", OrderStatus::Accepted));
    ASSERT_TRUE(s->waitStatus("br-1-TP", OrderStatus::Accepted));
    // THEN Binance holds one OTO list: the entry, a STOP_LOSS and a LIMIT_MAKER for its quantity
    const auto* list = listOf(fake, QStringLiteral("br-1-L"));
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->contingencyType, QStringLiteral("OTO"));
    EXPECT_EQ(list->orderIds.size(), 3u);
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("br-1-SL"))->type, QStringLiteral("STOP_LOSS"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("br-1-SL"))->status, QStringLiteral("NEW"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("br-1-TP"))->type, QStringLiteral("LIMIT_MAKER"));
    EXPECT_EQ(fake.listPlaceAttempts(QStringLiteral("br-1-L")), 1);
    // AND the kernel sees them as the entry's bracket children, linked one-cancels-the-other
    const auto entry = s->byClientId("br-1");
    const auto sl = s->byClientId("br-1-SL");
    const auto tp = s->byClientId("br-1-TP");
    EXPECT_EQ(sl->role, trading::OrderRole::StopLoss);
    EXPECT_EQ(tp->role, trading::OrderRole::TakeProfit);
    EXPECT_EQ(sl->parentId, entry->id);
    EXPECT_EQ(tp->parentId, entry->id);
    EXPECT_EQ(sl->request.quantity, qty("0.01"));
    EXPECT_EQ(*sl->request.stopPrice, price("104000"));
    EXPECT_EQ(*tp->request.limitPrice, price("107000"));
    EXPECT_EQ(s->venue->order(sl->id)->ocoSiblingId, tp->id);
    // WHEN the price reaches the take-profit
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("107000"));
    // THEN it fills and the stop-loss ends with it; the position is closed
    ASSERT_TRUE(s->waitStatus("br-1-TP", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("br-1-SL", OrderStatus::Cancelled));
    EXPECT_EQ(s->byClientId("br-1-SL")->rejectReason, "one-cancels-the-other: the other leg executed");
    EXPECT_TRUE(s->account->portfolio().position(kBtc)->isFlat());
    EXPECT_EQ(s->account->fills().size(), 2u);
    EXPECT_EQ(listOf(fake, QStringLiteral("br-1-L"))->listOrderStatus, QStringLiteral("ALL_DONE"));
    EXPECT_TRUE(journal().openOrders().empty());
}

TEST_F(BracketTest, WhileTheTerminalIsAwayBinanceProtectsTheFilledEntryAndTheRestartAdoptsTheChildren) {
    {
        auto s = startStack();
        // A resting bracket entry below the market
        s->account->submit(bracketBuy("0.01", "105000", "away-1"));
        ASSERT_TRUE(s->waitStatus("away-1", OrderStatus::Accepted));
        EXPECT_EQ(fake.orderByClientId(QStringLiteral("away-1-SL"))->status, QStringLiteral("PENDING_NEW"));
        EXPECT_FALSE(s->byClientId("away-1-SL")) << "not on the book yet";
    }
    // WHEN, with the terminal gone, the entry fills
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("105000"));
    // THEN Binance has placed the stop-loss and the take-profit by itself
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("away-1"))->status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("away-1-SL"))->status, QStringLiteral("NEW"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("away-1-TP"))->status, QStringLiteral("NEW"));
    // WHEN the terminal starts again
    auto s = startStack();
    const ReconciliationReport& report = s->venue->lastReport();
    EXPECT_TRUE(report.ok()) << report.error;
    // THEN the entry's fill is booked once and the children are the entry's, not strangers
    EXPECT_EQ(s->byClientId("away-1")->status, OrderStatus::Filled);
    EXPECT_EQ(report.fillsApplied, 1) << report.summary();
    EXPECT_EQ(report.ordersAdopted, 0) << report.summary();
    ASSERT_TRUE(s->byClientId("away-1-SL"));
    EXPECT_EQ(s->byClientId("away-1-SL")->status, OrderStatus::Accepted);
    EXPECT_EQ(s->byClientId("away-1-SL")->role, trading::OrderRole::StopLoss);
    EXPECT_EQ(s->byClientId("away-1-SL")->parentId, s->byClientId("away-1")->id);
    EXPECT_EQ(s->byClientId("away-1-TP")->role, trading::OrderRole::TakeProfit);
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.01"));
    // AND the stop-loss still closes the position
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("103990"));
    ASSERT_TRUE(s->waitStatus("away-1-SL", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("away-1-TP", OrderStatus::Cancelled));
    EXPECT_TRUE(s->account->portfolio().position(kBtc)->isFlat());
    EXPECT_EQ(fake.listPlaceAttempts(QStringLiteral("away-1-L")), 1);
    EXPECT_EQ(journal().fills.size(), 2u);
}

TEST_F(BracketTest, ALadderOfTakeProfitsIsOneOtocoPerTrancheSoTheStopsFollowThePosition) {
    auto s = startStack();
    // WHEN 0.05 BTC is bought with a stop at 104000 and take-profits 50/30/20 % at 107000/108000/109000
    OrderRequest r = limit(Side::Buy, "0.05", "106000", "lad");
    r.bracket.stopLoss = price("104000");
    r.bracket.takeProfits = {{price("107000"), 50}, {price("108000"), 30}, {price("109000"), 20}};
    s->account->submit(r);
    // THEN three order lists: entries of 0.025, 0.015 and 0.01, each with its own stop and target
    const std::vector<std::pair<std::string, std::string>> tranches{{"lad", "0.025"}, {"lad-2", "0.015"}, {"lad-3", "0.01"}};
    for (const auto& [cid, q] : tranches) {
        ASSERT_TRUE(s->waitStatus(cid, OrderStatus::Filled)) << cid;
        ASSERT_TRUE(s->waitStatus(cid + "-SL", OrderStatus::Accepted)) << cid;
        ASSERT_TRUE(s->waitStatus(cid + "-TP", OrderStatus::Accepted)) << cid;
        EXPECT_EQ(s->byClientId(cid)->request.quantity, qty(q)) << cid;
        EXPECT_EQ(s->byClientId(cid + "-SL")->request.quantity, qty(q)) << cid;
        EXPECT_NE(listOf(fake, QString::fromStdString(cid + "-L")), nullptr) << cid;
    }
    EXPECT_EQ(*s->byClientId("lad-2-TP")->request.limitPrice, price("108000"));
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.05"));
    // WHEN the first target fills, only its tranche's stop ends: the stops left cover what is left
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("107000"));
    ASSERT_TRUE(s->waitStatus("lad-TP", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("lad-SL", OrderStatus::Cancelled));
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.025"));
    Quantity stops = qty("0");
    for (const Order& o : s->account->openOrders())
        if (o.role == trading::OrderRole::StopLoss) stops = *stops.add(o.request.quantity);
    EXPECT_EQ(stops, qty("0.025"));
    // WHEN the price then falls through the stop, the rest is closed and the other targets end
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("103990"));
    ASSERT_TRUE(s->waitStatus("lad-2-SL", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("lad-3-SL", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("lad-2-TP", OrderStatus::Cancelled));
    ASSERT_TRUE(s->waitStatus("lad-3-TP", OrderStatus::Cancelled));
    EXPECT_TRUE(s->account->portfolio().position(kBtc)->isFlat());
    EXPECT_EQ(s->account->fills().size(), 6u);
    EXPECT_TRUE(journal().openOrders().empty());
}

TEST_F(BracketTest, BracketsBinanceCannotPlaceNativelyAreRefusedUnsent) {
    auto s = startStack();
    OrderRequest onMarket = market(Side::Buy, "0.01", "brx-1");
    onMarket.bracket.stopLoss = price("104000");
    auto events = s->account->submit(onMarket);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, OrderEventKind::Rejected);
    EXPECT_NE(events[0].order.rejectReason.find("needs a limit entry"), std::string::npos) << events[0].order.rejectReason;
    OrderRequest ioc = bracketBuy("0.01", "106000", "brx-2");
    ioc.timeInForce = trading::TimeInForce::Ioc;
    events = s->account->submit(ioc);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, OrderEventKind::Rejected);
    EXPECT_NE(events[0].order.rejectReason.find("IOC or FOK"), std::string::npos) << events[0].order.rejectReason;
    EXPECT_TRUE(fake.orders().empty());
    EXPECT_TRUE(fake.orderLists().empty());
    // A stop-loss alone goes as an OTO (one pending order)
    OrderRequest stopOnly = limit(Side::Buy, "0.01", "106000", "brx-3");
    stopOnly.bracket.stopLoss = price("104000");
    s->account->submit(stopOnly);
    ASSERT_TRUE(s->waitStatus("brx-3-SL", OrderStatus::Accepted));
    EXPECT_EQ(listOf(fake, QStringLiteral("brx-3-L"))->orderIds.size(), 2u);
}

TEST_F(BracketTest, ChildrenBinanceCannotPlaceOnTheFillEndWithAWarningThatThePositionIsUnprotected) {
    // GIVEN no BTC before the entry: the commission taken from the 0.01 BTC bought leaves less than
    // the 0.01 the stop-loss / take-profit pair must lock
    fake.setBalance(QStringLiteral("BTC"), 0);
    auto s = startStack();
    QSignalSpy problems(s->venue.get(), &LiveVenue::problem);
    s->account->submit(bracketBuy("0.01", "106000", "brr-1"));
    ASSERT_TRUE(s->waitStatus("brr-1", OrderStatus::Filled));
    // THEN Binance expires both children (REJECTED) and the kernel says why, with the consequence
    ASSERT_TRUE(s->waitStatus("brr-1-SL", OrderStatus::Cancelled));
    ASSERT_TRUE(s->waitStatus("brr-1-TP", OrderStatus::Cancelled));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("brr-1-SL"))->expiryReason, QStringLiteral("REJECTED"));
    EXPECT_NE(s->byClientId("brr-1-SL")->rejectReason.find("the position is not protected"), std::string::npos)
        << s->byClientId("brr-1-SL")->rejectReason;
    bool warned = false;
    for (const auto& args : problems) warned = warned || args.at(0).toString().contains(QStringLiteral("brr-1-SL"));
    EXPECT_TRUE(warned);
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.01"));
}

}  // namespace
}  // namespace kairos::live
