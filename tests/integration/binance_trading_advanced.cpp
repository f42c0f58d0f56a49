// LiveVenue's native advanced orders against the local Binance trading server (real HTTP and
// WebSocket): trailing stops as trailingDelta, FOK and post-only (LIMIT_MAKER), OCO pairs as order
// lists (placed, filled, cancelled, looked up after an unknown outcome, reconciled after a
// restart), and commissions paid in BNB. The fixture is in binance_trading_fixture.h; prices are
// real BTCUSDT closes.

#include "binance_trading_fixture.h"

#include <gtest/gtest.h>

#include <QSignalSpy>

namespace kairos::live {
namespace {

using namespace kairos::live::livetest;  // NOLINT(google-build-using-namespace): the shared fixture

using AdvancedOrderTest = LiveVenueTest;
using Kind = FakeBinanceTrading::RequestFault::Kind;

OrderRequest trailingStop(Side side, const std::string& quantity, int bips, const std::string& cid) {
    OrderRequest r = market(side, quantity, cid);
    r.type = OrderType::Stop;
    r.trailing = trading::Trailing{trading::TrailingKind::Bips, bips, {}};
    return r;
}

OrderRequest oco(Side side, const std::string& quantity, const std::string& limitAt, const std::string& stopAt,
                 const std::string& cid) {
    OrderRequest r = limit(side, quantity, limitAt, cid);
    r.ocoStop = trading::OcoStopLeg{price(stopAt), std::nullopt};
    return r;
}

/// The fake's order list of `listClientOrderId`, or nullptr.
const FakeBinanceTrading::OrderList* listOf(const FakeBinanceTrading& fake, const QString& listClientOrderId) {
    for (const auto& l : fake.orderLists())
        if (l.listClientOrderId == listClientOrderId) return &l;
    return nullptr;
}

TEST_F(AdvancedOrderTest, ATrailingStopGoesAsTrailingDeltaAndTriggersOnBinancesMove) {
    auto s = startStack();
    // GIVEN 0.01 BTC bought, protected by a sell trailing stop 1 % (100 BIPS) under the best price
    s->account->submit(market(Side::Buy, "0.01", "tr-buy"));
    ASSERT_TRUE(s->waitStatus("tr-buy", OrderStatus::Filled));
    s->account->submit(trailingStop(Side::Sell, "0.01", 100, "tr-1"));
    ASSERT_TRUE(s->waitStatus("tr-1", OrderStatus::Accepted));
    const auto* placed = fake.orderByClientId(QStringLiteral("tr-1"));
    ASSERT_NE(placed, nullptr);
    EXPECT_EQ(placed->type, QStringLiteral("STOP_LOSS"));
    EXPECT_EQ(placed->trailingDelta, 100);
    EXPECT_EQ(placed->stopPrice, 0) << "no activation price: it trails from the start";
    // WHEN the price rises to 106000 and falls 1 % from there
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("106000"));
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("105000"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("tr-1"))->status, QStringLiteral("NEW")) << "105000 is less than 1 % down";
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("104940"));
    // THEN it triggers and sells at the market: the position is flat, each event once
    ASSERT_TRUE(s->waitStatus("tr-1", OrderStatus::Filled));
    ASSERT_TRUE(waitUntil([&] { return s->account->fills().size() == 2; }, kWaitMs));
    EXPECT_EQ(s->account->fills()[1].price, price("104940"));
    EXPECT_TRUE(s->account->portfolio().position(kBtc)->isFlat());
    EXPECT_EQ(s->count(OrderEventKind::Filled), 2);
    // AND with an activation price it is Binance's TAKE_PROFIT + trailingDelta + stopPrice
    OrderRequest activated = trailingStop(Side::Buy, "0.01", 250, "tr-2");
    activated.stopPrice = price("100000");
    s->account->submit(activated);
    ASSERT_TRUE(s->waitStatus("tr-2", OrderStatus::Accepted));
    const auto* second = fake.orderByClientId(QStringLiteral("tr-2"));
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->type, QStringLiteral("TAKE_PROFIT"));
    EXPECT_EQ(second->trailingDelta, 250);
    EXPECT_EQ(second->stopPrice, units("100000"));
}

TEST_F(AdvancedOrderTest, TrailingDistancesBinanceCannotExpressAreRefusedUnsent) {
    auto s = startStack();
    // An amount: Binance trails by a share of the price only
    OrderRequest byAmount = trailingStop(Side::Sell, "0.01", 0, "tra-1");
    byAmount.trailing = trading::Trailing{trading::TrailingKind::Amount, 0, price("50")};
    auto events = s->account->submit(byAmount);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, OrderEventKind::Rejected);
    EXPECT_NE(events[0].order.rejectReason.find("not by a fixed distance"), std::string::npos) << events[0].order.rejectReason;
    // Outside the symbol's TRAILING_DELTA filter (10..2000 BIPS here)
    events = s->account->submit(trailingStop(Side::Sell, "0.01", 5, "tra-2"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, OrderEventKind::Rejected);
    EXPECT_NE(events[0].order.rejectReason.find("(10 to 2000 basis points)"), std::string::npos) << events[0].order.rejectReason;
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("tra-1")), 0);
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("tra-2")), 0);
    EXPECT_TRUE(fake.orders().empty());
}

TEST_F(AdvancedOrderTest, FillOrKillAndPostOnlyGoAsBinancesOwnTypes) {
    auto s = startStack();
    const std::string above = "106000";  // above the last price: a buy there takes
    const std::string below = "100000";  // below it: a buy there rests
    OrderRequest fokTakes = limit(Side::Buy, "0.01", above, "fok-1");
    fokTakes.timeInForce = trading::TimeInForce::Fok;
    OrderRequest fokKilled = limit(Side::Buy, "0.01", below, "fok-2");
    fokKilled.timeInForce = trading::TimeInForce::Fok;
    OrderRequest makerRests = limit(Side::Buy, "0.01", below, "po-1");
    makerRests.timeInForce = trading::TimeInForce::PostOnly;
    OrderRequest makerWouldTake = limit(Side::Buy, "0.01", above, "po-2");
    makerWouldTake.timeInForce = trading::TimeInForce::PostOnly;
    for (const auto& r : {fokTakes, fokKilled, makerRests, makerWouldTake}) s->account->submit(r);
    ASSERT_TRUE(s->waitStatus("fok-1", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("fok-2", OrderStatus::Cancelled));
    ASSERT_TRUE(s->waitStatus("po-1", OrderStatus::Accepted));
    ASSERT_TRUE(s->waitStatus("po-2", OrderStatus::Rejected));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("fok-1"))->timeInForce, QStringLiteral("FOK"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("fok-2"))->status, QStringLiteral("EXPIRED"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("po-1"))->type, QStringLiteral("LIMIT_MAKER"));
    EXPECT_NE(s->byClientId("po-2")->rejectReason.find("post-only (LIMIT_MAKER) order would have taken liquidity"),
              std::string::npos)
        << s->byClientId("po-2")->rejectReason;
    EXPECT_EQ(s->account->fills().size(), 1u);
}

TEST_F(AdvancedOrderTest, AnOcoGoesAsOneOrderListAndItsStopLegExpiresTheLimitLeg) {
    auto s = startStack();
    s->account->submit(market(Side::Buy, "0.01", "oco-buy"));
    ASSERT_TRUE(s->waitStatus("oco-buy", OrderStatus::Filled));
    // WHEN a sell OCO is placed: take profit at 107000, stop at 104000
    s->account->submit(oco(Side::Sell, "0.01", "107000", "104000", "oco-1"));
    ASSERT_TRUE(s->waitStatus("oco-1", OrderStatus::Accepted));
    ASSERT_TRUE(s->waitStatus("oco-1-S", OrderStatus::Accepted));
    // THEN Binance holds one list of a LIMIT_MAKER above and a STOP_LOSS below, with our ids
    const auto* list = listOf(fake, QStringLiteral("oco-1-L"));
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->orderIds.size(), 2u);
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("oco-1"))->type, QStringLiteral("LIMIT_MAKER"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("oco-1-S"))->type, QStringLiteral("STOP_LOSS"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("oco-1-S"))->stopPrice, units("104000"));
    const auto limitLeg = s->byClientId("oco-1");
    const auto stopLeg = s->byClientId("oco-1-S");
    EXPECT_EQ(limitLeg->ocoSiblingId, stopLeg->id);
    EXPECT_EQ(stopLeg->ocoSiblingId, limitLeg->id);
    EXPECT_EQ(journal().openOrders().size(), 2u) << "both legs journaled";
    // WHEN the price falls through the stop, and every event (list status included) comes twice
    fake.duplicateNextEvents(100);
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("103990"));
    // THEN the stop leg sells at the market, the limit leg ends with the one-cancels-the-other reason,
    // each once
    ASSERT_TRUE(s->waitStatus("oco-1-S", OrderStatus::Filled));
    ASSERT_TRUE(s->waitStatus("oco-1", OrderStatus::Cancelled));
    EXPECT_EQ(s->byClientId("oco-1")->rejectReason, "one-cancels-the-other: the other leg executed");
    EXPECT_EQ(listOf(fake, QStringLiteral("oco-1-L"))->listOrderStatus, QStringLiteral("ALL_DONE"));
    EXPECT_TRUE(s->account->portfolio().position(kBtc)->isFlat());
    EXPECT_EQ(s->count(OrderEventKind::Filled), 2);
    EXPECT_EQ(s->count(OrderEventKind::Cancelled), 1);
    EXPECT_EQ(fake.listPlaceAttempts(QStringLiteral("oco-1-L")), 1);
    EXPECT_TRUE(journal().openOrders().empty());
}

TEST_F(AdvancedOrderTest, APartialFillOfTheOcoLimitLegExpiresTheStopLeg) {
    auto s = startStack();
    s->account->submit(market(Side::Buy, "0.02", "ocp-buy"));
    ASSERT_TRUE(s->waitStatus("ocp-buy", OrderStatus::Filled));
    s->account->submit(oco(Side::Sell, "0.02", "107000", "104000", "ocp-1"));
    ASSERT_TRUE(s->waitStatus("ocp-1-S", OrderStatus::Accepted));
    ASSERT_TRUE(fake.fillPart(QStringLiteral("ocp-1"), units("0.005")));
    ASSERT_TRUE(s->waitStatus("ocp-1", OrderStatus::PartiallyFilled));
    ASSERT_TRUE(s->waitStatus("ocp-1-S", OrderStatus::Cancelled));
    EXPECT_EQ(s->byClientId("ocp-1")->filledQuantity, qty("0.005"));
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.015"));
    // the rest of the limit leg still rests; cancelling it ends the list
    ASSERT_TRUE(s->account->cancel(s->byClientId("ocp-1")->id).ok());
    ASSERT_TRUE(s->waitStatus("ocp-1", OrderStatus::Cancelled));
    EXPECT_EQ(listOf(fake, QStringLiteral("ocp-1-L"))->listOrderStatus, QStringLiteral("ALL_DONE"));
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).locked, 0);
}

TEST_F(AdvancedOrderTest, CancellingOneOcoLegCancelsTheList) {
    auto s = startStack();
    s->account->submit(oco(Side::Buy, "0.01", "100000", "107000", "occ-1"));
    ASSERT_TRUE(s->waitStatus("occ-1", OrderStatus::Accepted));
    ASSERT_TRUE(s->waitStatus("occ-1-S", OrderStatus::Accepted));
    // A BUY pair: the limit leg below the market is a TAKE_PROFIT_LIMIT, the stop above a STOP_LOSS
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("occ-1"))->type, QStringLiteral("TAKE_PROFIT_LIMIT"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("occ-1-S"))->type, QStringLiteral("STOP_LOSS"));
    // A leg cannot be moved
    EXPECT_FALSE(s->account->amend(s->byClientId("occ-1")->id, price("99000")).ok());
    ASSERT_TRUE(s->account->cancel(s->byClientId("occ-1-S")->id).ok());
    ASSERT_TRUE(s->waitStatus("occ-1-S", OrderStatus::Cancelled));
    ASSERT_TRUE(s->waitStatus("occ-1", OrderStatus::Cancelled));
    EXPECT_EQ(s->byClientId("occ-1")->rejectReason, "one-cancels-the-other: the other leg was cancelled");
    EXPECT_EQ(listOf(fake, QStringLiteral("occ-1-L"))->listOrderStatus, QStringLiteral("ALL_DONE"));
    EXPECT_EQ(fake.balance(QStringLiteral("USDT")).locked, 0);
    EXPECT_EQ(s->count(OrderEventKind::Cancelled), 2);
    EXPECT_TRUE(journal().openOrders().empty());
}

TEST_F(AdvancedOrderTest, AnOcoWhoseAnswerIsLostIsLookedUpNotResent) {
    auto s = startStack();
    s->account->submit(market(Side::Buy, "0.02", "ocl-buy"));
    ASSERT_TRUE(s->waitStatus("ocl-buy", OrderStatus::Filled));
    // GIVEN Binance accepts the list but neither its answer nor its events come
    fake.holdEvents();
    fake.failNext("POST", QStringLiteral("/api/v3/orderList/oco"),
                  FakeBinanceTrading::RequestFault::of(Kind::TimeoutAfterAccept));
    s->account->submit(oco(Side::Sell, "0.01", "107000", "104000", "ocl-1"));
    // THEN after the timeout the list is looked up by its client id: both legs live, sent once
    ASSERT_TRUE(s->waitStatus("ocl-1", OrderStatus::Accepted));
    ASSERT_TRUE(s->waitStatus("ocl-1-S", OrderStatus::Accepted));
    EXPECT_EQ(fake.listPlaceAttempts(QStringLiteral("ocl-1-L")), 1);
    EXPECT_EQ(fake.orderLists().size(), 1u);
    // AND a list whose request never reached the engine is known nowhere: nothing was placed
    fake.failNext("POST", QStringLiteral("/api/v3/orderList/oco"),
                  FakeBinanceTrading::RequestFault::of(Kind::TimeoutBeforeAccept));
    s->account->submit(oco(Side::Sell, "0.01", "107000", "104000", "ocl-2"));
    ASSERT_TRUE(s->waitStatus("ocl-2", OrderStatus::Rejected));
    ASSERT_TRUE(s->waitStatus("ocl-2-S", OrderStatus::Rejected));
    EXPECT_NE(s->byClientId("ocl-2")->rejectReason.find("never reached Binance"), std::string::npos);
    EXPECT_EQ(fake.listPlaceAttempts(QStringLiteral("ocl-2-L")), 0);
    EXPECT_EQ(fake.orderLists().size(), 1u);
}

TEST_F(AdvancedOrderTest, OnRestartAnOcoJournaledAsSendingIsFoundAndOneThatFilledMeanwhileIsBooked) {
    {
        auto s = startStack();
        s->account->submit(market(Side::Buy, "0.02", "ocr-buy"));
        ASSERT_TRUE(s->waitStatus("ocr-buy", OrderStatus::Filled));
        // An OCO that lives on Binance while the terminal is away
        s->account->submit(oco(Side::Sell, "0.01", "107000", "104000", "ocr-1"));
        ASSERT_TRUE(s->waitStatus("ocr-1-S", OrderStatus::Accepted));
        // An OCO accepted by Binance whose answer and events never arrive before the terminal dies
        fake.holdEvents();
        fake.failNext("POST", QStringLiteral("/api/v3/orderList/oco"),
                      FakeBinanceTrading::RequestFault::of(Kind::TimeoutAfterAccept));
        s->account->submit(oco(Side::Sell, "0.01", "108000", "103000", "ocr-2"));
        ASSERT_TRUE(waitUntil([&] { return fake.listPlaceAttempts(QStringLiteral("ocr-2-L")) == 1; }, kWaitMs));
    }
    fake.releaseHeldEventsReversed();  // to nobody: that connection is gone
    // WHILE away the price falls through the first pair's stop (not the second's)
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units("103500"));
    ASSERT_EQ(fake.orderByClientId(QStringLiteral("ocr-1-S"))->status, QStringLiteral("FILLED"));
    {
        const auto j = journal();
        int sending = 0;
        for (const Order& o : j.orders) sending += o.status == OrderStatus::New ? 1 : 0;
        EXPECT_EQ(sending, 2) << "the second pair's legs were journaled as sending";
    }
    // WHEN the account starts again
    auto s = startStack();
    const ReconciliationReport& report = s->venue->lastReport();
    EXPECT_TRUE(report.ok()) << report.error;
    // THEN the first pair: the stop's fill booked once, the limit leg cancelled by the pair
    EXPECT_EQ(s->byClientId("ocr-1-S")->status, OrderStatus::Filled);
    EXPECT_EQ(s->byClientId("ocr-1")->status, OrderStatus::Cancelled);
    EXPECT_EQ(report.fillsApplied, 1) << report.summary();
    // AND the second pair was found by its list id, never sent again
    EXPECT_EQ(s->byClientId("ocr-2")->status, OrderStatus::Accepted);
    EXPECT_EQ(s->byClientId("ocr-2-S")->status, OrderStatus::Accepted);
    EXPECT_EQ(fake.listPlaceAttempts(QStringLiteral("ocr-2-L")), 1);
    EXPECT_EQ(fake.orderLists().size(), 2u);
    EXPECT_EQ(s->account->fills().size(), 2u);
    EXPECT_EQ(journal().fills.size(), 2u);
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.01"));
    // AND cancelling a leg of the restored pair still cancels its list
    ASSERT_TRUE(s->account->cancel(s->byClientId("ocr-2")->id).ok());
    ASSERT_TRUE(s->waitStatus("ocr-2-S", OrderStatus::Cancelled));
    EXPECT_EQ(listOf(fake, QStringLiteral("ocr-2-L"))->listOrderStatus, QStringLiteral("ALL_DONE"));
}

TEST_F(AdvancedOrderTest, ACommissionPaidInBnbIsValuedAtTheLatestBnbPrice) {
    fake.setBalance(QStringLiteral("BNB"), units("1"));
    fake.payCommissionIn(QStringLiteral("BNB"), units("600"));
    auto s = startStack();
    // GIVEN the venue knows BNBUSDT at 600 (market data)
    s->venue->updatePrice(InstrumentId{"BINANCE", "BNBUSDT"}, price("600"));
    s->account->submit(market(Side::Buy, "0.01", "bnb-1"));
    ASSERT_TRUE(s->waitStatus("bnb-1", OrderStatus::Filled));
    ASSERT_EQ(fake.trades().size(), 1u);
    const auto& t = fake.trades()[0];
    ASSERT_EQ(t.commissionAsset, QStringLiteral("BNB"));
    // THEN the fee is Binance's BNB commission at 600 USDT, and the whole 0.01 BTC is received
    const Quantity bnb = qty(test::formatUnits(t.commission).toStdString());
    EXPECT_GT(bnb.raw(), 0);
    const auto expected = s->account->venue().rules().notional(price("600"), bnb);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(s->account->fills()[0].fee, *expected);
    EXPECT_FALSE(s->account->fills()[0].fee.isZero());
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.01"));
    EXPECT_TRUE(s->venue->unvaluedFees().empty());
}

TEST_F(AdvancedOrderTest, ABnbCommissionWithoutAKnownBnbPriceIsKeptInBnbAndSaidSo) {
    fake.setBalance(QStringLiteral("BNB"), units("1"));
    fake.payCommissionIn(QStringLiteral("BNB"), units("600"));
    auto s = startStack();
    QSignalSpy problems(s->venue.get(), &LiveVenue::problem);
    s->account->submit(market(Side::Buy, "0.01", "bnb-2"));
    ASSERT_TRUE(s->waitStatus("bnb-2", OrderStatus::Filled));
    EXPECT_TRUE(s->account->fills()[0].fee.isZero());
    ASSERT_EQ(s->venue->unvaluedFees().size(), 1u);
    const auto& kept = s->venue->unvaluedFees()[0];
    EXPECT_EQ(kept.asset, "BNB");
    EXPECT_EQ(kept.clientOrderId, "bnb-2");
    EXPECT_EQ(kept.amount, qty(test::formatUnits(fake.trades()[0].commission).toStdString()));
    bool said = false;
    for (const auto& args : problems) said = said || args.at(0).toString().contains(QStringLiteral("kept in BNB"));
    EXPECT_TRUE(said);
}

}  // namespace
}  // namespace kairos::live
