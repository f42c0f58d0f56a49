// LiveVenue without a network: endpoints by account kind, what it refuses before anything is sent,
// and the reconciliation report's summary. The network behaviour is in
// tests/integration/binance_trading_venue.cpp.

#include "live/livevenue.h"
#include "trading/account.h"

#include <gtest/gtest.h>

namespace kairos::live {
namespace {

TEST(LiveVenueEndpoints, LiveAndTestnetAccountsGetBinancesDocumentedUrls) {
    const auto live = LiveVenue::endpointsFor(trading::AccountKind::Live);
    EXPECT_EQ(live.restUrl.toString(), "https://api.binance.com");
    EXPECT_EQ(live.wsApiUrl.toString(), "wss://ws-api.binance.com:443/ws-api/v3");
    const auto testnet = LiveVenue::endpointsFor(trading::AccountKind::Testnet);
    EXPECT_EQ(testnet.restUrl.toString(), "https://testnet.binance.vision");
    EXPECT_EQ(testnet.wsApiUrl.toString(), "wss://ws-api.testnet.binance.vision/ws-api/v3");
    EXPECT_TRUE(LiveVenue::endpointsFor(trading::AccountKind::Paper).restUrl.isEmpty());
}

TEST(LiveVenueOffline, RefusesOrdersBeforeItIsStartedAndResetsAlways) {
    // GIVEN a live venue under an account, never started (nothing listens at its URLs)
    trading::WallClock clock;
    LiveVenue::Options o;
    o.endpoints = {QUrl(QStringLiteral("http://127.0.0.1:9")), QUrl(QStringLiteral("ws://127.0.0.1:9/ws-api/v3"))};
    LiveVenue venue(o, BinanceCredentials{"key", "secret-never-shown"}, clock);
    trading::AccountInfo info{0, "LIVE", trading::AccountKind::Live, "BINANCE"};
    trading::Account account(info, venue, clock, nullptr, *Money::parse("1000"));
    ASSERT_TRUE(account.open().ok());
    // WHEN an order is submitted
    trading::OrderRequest r;
    r.instrument = {"BINANCE", "BTCUSDT"};
    r.quantity = *Quantity::parse("0.001");
    const auto events = account.submit(r);
    // THEN it is rejected at once, unsent, and the account shows it
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, trading::OrderEventKind::Rejected);
    EXPECT_EQ(events[0].order.rejectReason, "not sent: BINANCE is not connected");
    EXPECT_EQ(account.orders().size(), 1u);
    EXPECT_EQ(venue.requestsInFlight(), 0);
    // and a live account is never reset (its history is the exchange's)
    const auto reset = account.reset(*Money::parse("1000"));
    ASSERT_FALSE(reset.ok());
    EXPECT_NE(reset.message().find("cannot be reset"), std::string::npos);
    EXPECT_EQ(reset.message().find("secret-never-shown"), std::string::npos);
}

TEST(ReconciliationReport, SummaryCountsWhatChanged) {
    ReconciliationReport r;
    r.ordersChecked = 3;
    r.fillsApplied = 1;
    r.ordersNeverArrived = 1;
    EXPECT_EQ(r.summary(), "3 orders checked, 1 fill applied, 0 adopted, 1 never reached Binance");
    r.error = "Binance's balances could not be read";
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.summary(),
              "3 orders checked, 1 fill applied, 0 adopted, 1 never reached Binance (incomplete: Binance's balances could not "
              "be read)");
}

}  // namespace
}  // namespace kairos::live
