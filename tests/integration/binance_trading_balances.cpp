// An exchange account's ledger follows Binance's balances (live::LedgerSync), and the kill switch
// sells what Binance holds free, rounded down to the lot step, naming the dust it leaves — against
// the local Binance trading server (tests/support/fakebinancetrading.h), which takes a buy's
// commission in the asset bought, as Binance does. Prices: real BTCUSDT closes (fixture).
#include "binance_trading_fixture.h"

#include "live/ledgersync.h"
#include "trading/killswitch.h"
#include "trading/riskmanager.h"

#include <QSignalSpy>

namespace kairos::live::livetest {
namespace {

Money money(const std::string& text) { return *Money::parse(text); }
Money moneyOf(Units u) { return Money::fromRaw(u, 8); }
Quantity qtyOf(Units u) { return Quantity::fromRaw(u, 8); }

class LedgerSyncTest : public LiveVenueTest {
protected:
    /// An exchange account as the terminal creates it: its ledger at Binance's 8 decimals (the
    /// fixture's account, created with a whole-unit 10000, would round Binance's balances to units).
    void SetUp() override {
        LiveVenueTest::SetUp();
        AccountInfo main = testnetAccount();
        main.name = "Binance main";
        auto added = trading::PaperStore::addAccount(*db, main, Money::fromRaw(1'000'000'000'000, 8), 0);
        ASSERT_TRUE(added.ok()) << added.message();
        info = *added;
    }
    /// A stack whose ledger follows Binance (the sync exists before the first reconciliation).
    std::unique_ptr<Stack> startSynced() {
        auto s = std::make_unique<Stack>(*db, info, fake);
        sync = std::make_unique<LedgerSync>(*s->venue, *s->account);
        EXPECT_TRUE(s->start()) << "the venue did not become ready";
        return s;
    }
    Money binanceCash() const {
        const auto b = fake.balance(QStringLiteral("USDT"));
        return moneyOf(b.free + b.locked);
    }
    Quantity binanceBtc() const {
        const auto b = fake.balance(QStringLiteral("BTC"));
        return qtyOf(b.free + b.locked);
    }
    std::unique_ptr<LedgerSync> sync;
};

TEST_F(LedgerSyncTest, TheLedgerStartsFromBinancesBalancesNotFromZeroOrItsStartingCash) {
    // GIVEN Binance holds 2500.5 USDT and 0.3 BTC, while the journal's account started with 10000.00000000
    fake.setBalance(QStringLiteral("USDT"), units("2500.5"));
    fake.setBalance(QStringLiteral("BTC"), units("0.3"));
    // WHEN the account opens and reconciles
    auto s = startSynced();
    // THEN its cash is Binance's USDT; the BTC waits for a price to be valued
    EXPECT_EQ(s->account->portfolio().cash(), money("2500.5"));
    EXPECT_TRUE(s->account->portfolio().openPositions().empty());
    // WHEN the market gives BTCUSDT's price
    QSignalSpy changed(s->account.get(), &Account::portfolioChanged);
    s->venue->updatePrice(kBtc, price(closes[0]));
    // THEN the BTC is a position at that price, and equity is what Binance holds at market
    ASSERT_NE(s->account->portfolio().position(kBtc), nullptr);
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.3"));
    EXPECT_EQ(s->account->portfolio().position(kBtc)->averageEntry(2), price(closes[0]));
    EXPECT_EQ(s->account->portfolio().position(kBtc)->unrealizedPnl(8), money("0"));
    const Money btcValue = *notional(price(closes[0]), qty("0.3"), 8, RoundingMode::HalfEven);
    EXPECT_EQ(s->account->portfolio().equity(), *money("2500.5").add(btcValue));
    EXPECT_GE(changed.count(), 1);
    // AND after a restart the ledger takes Binance's balances again (they are not journaled)
    sync.reset();
    s.reset();
    fake.setBalance(QStringLiteral("USDT"), units("1800"));
    auto again = startSynced();
    EXPECT_EQ(again->account->portfolio().cash(), money("1800"));
}

TEST_F(LedgerSyncTest, AfterAFillCashAndHoldingsAreBinancesIncludingTheCommissionTakenInBtc) {
    // GIVEN Binance holds 10000 USDT and no BTC
    fake.setBalance(QStringLiteral("BTC"), 0);
    auto s = startSynced();
    s->venue->updatePrice(kBtc, price(closes[0]));
    EXPECT_EQ(s->account->portfolio().cash(), money("10000"));
    // WHEN it buys 0.01 BTC at market (Binance keeps 0.1 % of the BTC as commission)
    s->account->submit(market(Side::Buy, "0.01", "ls-buy-1"));
    ASSERT_TRUE(s->waitStatus("ls-buy-1", OrderStatus::Filled));
    // THEN once Binance's balance update arrives the ledger holds exactly what Binance holds
    ASSERT_TRUE(waitUntil([&] { return s->account->portfolio().position(kBtc)->quantity == qty("0.00999"); }, kWaitMs))
        << s->account->portfolio().position(kBtc)->quantity.toTrimmedString();
    EXPECT_EQ(binanceBtc(), qty("0.00999"));
    EXPECT_EQ(s->account->portfolio().cash(), binanceCash());
    EXPECT_EQ(binanceCash(), *money("10000").sub(*notional(price(closes[0]), qty("0.01"), 8, RoundingMode::HalfEven)));
    // AND the position keeps the fill's price as its entry
    EXPECT_EQ(s->account->portfolio().position(kBtc)->averageEntry(2), price(closes[0]));
    // WHEN the BTC is sold on Binance's website
    fake.placeOrderElsewhere({{QStringLiteral("symbol"), QStringLiteral("BTCUSDT")},
                              {QStringLiteral("side"), QStringLiteral("SELL")},
                              {QStringLiteral("type"), QStringLiteral("MARKET")},
                              {QStringLiteral("quantity"), QStringLiteral("0.00999")}});
    // THEN the ledger follows: flat, and its cash is Binance's again
    ASSERT_TRUE(waitUntil([&] { return s->account->portfolio().position(kBtc)->isFlat(); }, kWaitMs));
    ASSERT_TRUE(waitUntil([&] { return s->account->portfolio().cash() == binanceCash(); }, kWaitMs));
}

TEST_F(LedgerSyncTest, ABalanceUpdateThatArrivesBeforeItsFillIsNotCountedTwice) {
    // GIVEN no BTC on Binance, a synced ledger and a resting limit buy of 0.01 BTC
    fake.setBalance(QStringLiteral("BTC"), 0);
    auto s = startSynced();
    s->venue->updatePrice(kBtc, price(closes[0]));
    s->account->submit(limit(Side::Buy, "0.01", "100000", "ls-order-1"));
    ASSERT_TRUE(s->waitStatus("ls-order-1", OrderStatus::Accepted));
    // WHEN it fills and Binance sends the execution report after the balance update that counts it
    fake.reorderNextEvent();
    ASSERT_TRUE(fake.fillPart(QStringLiteral("ls-order-1"), units("0.01")));
    ASSERT_TRUE(s->waitStatus("ls-order-1", OrderStatus::Filled));
    ASSERT_EQ(s->account->fills().size(), 1u);
    // THEN the ledger holds what Binance holds, not the balance plus the fill again
    EXPECT_EQ(binanceBtc(), qty("0.00999"));
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.00999"));
    EXPECT_EQ(s->account->portfolio().cash(), binanceCash());
    EXPECT_EQ(binanceCash(), money("9000"));
}

TEST_F(LedgerSyncTest, PercentOfEquityRiskLimitsMeasureBinancesBalance) {
    // GIVEN Binance holds 1000 USDT, while the journal's account started with 10000, and a limit of
    // 50 % of equity per position
    fake.setBalance(QStringLiteral("USDT"), units("1000"));
    fake.setBalance(QStringLiteral("BTC"), 0);
    auto s = startSynced();
    s->venue->updatePrice(kBtc, price(closes[0]));
    trading::RiskLimits limits;
    limits.maxPositionPercent = 50;
    trading::RiskManager risk(*s->account, limits);
    s->account->gateway().addCheck(risk.asCheck());
    // WHEN it buys 0.01 BTC (about 1060 USDT: 10 % of the stale 10000, 106 % of Binance's 1000)
    const auto events = s->account->submit(market(Side::Buy, "0.01", "ls-risk-1"));
    // THEN the risk manager refuses it before it reaches Binance
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].order.status, OrderStatus::Rejected);
    EXPECT_NE(events[0].order.rejectReason.find("equity"), std::string::npos) << events[0].order.rejectReason;
    EXPECT_TRUE(fake.orders().empty());
}

TEST_F(LedgerSyncTest, TheKillSwitchSellsWhatBinanceHoldsFreeRoundedToTheLotAndNamesTheDust) {
    // GIVEN no BTC on Binance, and an account whose ledger does NOT follow Binance (no LedgerSync):
    // it buys 0.0123 BTC; Binance keeps 0.0000123 BTC of it as commission
    fake.setBalance(QStringLiteral("BTC"), 0);
    auto s = startStack();
    s->account->submit(market(Side::Buy, "0.0123", "ks-buy-1"));
    ASSERT_TRUE(s->waitStatus("ks-buy-1", OrderStatus::Filled));
    ASSERT_TRUE(waitUntil([&] { return s->venue->freeBalance("BTC") == qty("0.0122877"); }, kWaitMs));
    EXPECT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.0123"));  // more than Binance holds
    // WHEN the kill switch runs with Binance's free balance as the limit of what it sells
    trading::KillSwitch kill;
    kill.setDeadlineMs(kWaitMs);
    kill.setFreeQuantity([&](const Account&, const InstrumentId& id) -> std::optional<Quantity> {
        const Instrument* in = s->venue->instrument(id);
        return in ? s->venue->freeBalance(in->baseAsset) : std::nullopt;
    });
    QSignalSpy finished(&kill, &trading::KillSwitch::finished);
    ASSERT_TRUE(kill.run({s->account.get()}));
    if (finished.isEmpty()) {
        ASSERT_TRUE(finished.wait(kWaitMs));
    }
    const trading::KillReport report = kill.report();
    // THEN it sold 0.01228 (0.0122877 rounded down to the 0.00001 step) and Binance filled it
    EXPECT_TRUE(report.ok()) << report.summary();
    ASSERT_EQ(fake.orders().size(), 2u);
    EXPECT_EQ(fake.orders()[1].side, QStringLiteral("SELL"));
    EXPECT_EQ(fake.orders()[1].status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.orders()[1].executedQty, units("0.01228"));
    // AND the report names the dust left on Binance
    ASSERT_EQ(report.dust.size(), 1u);
    EXPECT_EQ(report.dust[0], "0.0000077 BTC (Binance main)");
    EXPECT_EQ(report.summary(), "0 orders cancelled, 1 position closed, 0 failed, dust left: 0.0000077 BTC (Binance main)");
    ASSERT_EQ(report.lines.size(), 1u);
    EXPECT_NE(report.lines[0].detail.find("sold 0.01228 at"), std::string::npos) << report.lines[0].detail;
    EXPECT_NE(report.lines[0].detail.find("dust left: 0.0000077 BTC"), std::string::npos) << report.lines[0].detail;
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).free, units("0.0000077"));
}

TEST_F(LedgerSyncTest, TheKillSwitchReportsAPositionBelowOneLotAsDustWithoutSendingAnOrder) {
    // GIVEN a synced ledger holding only 0.000004 BTC (less than the 0.00001 lot step)
    fake.setBalance(QStringLiteral("BTC"), units("0.000004"));
    auto s = startSynced();
    s->venue->updatePrice(kBtc, price(closes[0]));
    ASSERT_EQ(s->account->portfolio().position(kBtc)->quantity, qty("0.000004"));
    // WHEN the kill switch runs
    trading::KillSwitch kill;
    kill.setDeadlineMs(kWaitMs);
    QSignalSpy finished(&kill, &trading::KillSwitch::finished);
    ASSERT_TRUE(kill.run({s->account.get()}));
    if (finished.isEmpty()) {
        ASSERT_TRUE(finished.wait(kWaitMs));
    }
    // THEN nothing is sent, and the report says the dust stays
    EXPECT_TRUE(fake.orders().empty());
    EXPECT_TRUE(kill.report().ok());
    ASSERT_EQ(kill.report().dust.size(), 1u);
    EXPECT_EQ(kill.report().dust[0], "0.000004 BTC (Binance main)");
    ASSERT_EQ(kill.report().lines.size(), 1u);
    EXPECT_NE(kill.report().lines[0].detail.find("nothing to sell"), std::string::npos) << kill.report().lines[0].detail;
}

}  // namespace
}  // namespace kairos::live::livetest
