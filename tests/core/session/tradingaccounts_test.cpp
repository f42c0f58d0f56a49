// session::TradingAccounts (every account of the profile open in the terminal) and the kill switch
// (trading/killswitch.h): accounts and their settings survive a restart, every account's orders go
// through its own risk manager, the kill switch cancels and flattens paper accounts and a testnet
// account on the local Binance trading server, and API keys are found only in the keychain.
//
// Prices are real: BTCUSDT 1m closes of 2025-05-20 (resources/data), as Binance published them.

#include "session/tradingaccounts.h"

#include "alerts/secretstore.h"
#include "fakebinancetrading.h"
#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "testdata.h"
#include "trading/killswitch.h"
#include "trading/paperstore.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcessEnvironment>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

namespace kairos::session {
namespace {

using test::FakeBinanceTrading;
using test::waitUntil;
using trading::AccountInfo;
using trading::AccountKind;
using trading::OrderEventKind;
using trading::OrderRequest;
using trading::OrderStatus;
using trading::OrderType;

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
constexpr int kWaitMs = 20'000;
// Made-up keys of Binance's documented length; the test greps the profile for them.
const std::string kApiKey = "kairosTestKeyvmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco1";
const std::string kSecret = "kairosTestSecretNhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65X";

/// The first closes of BTCUSDT 1m on 2025-05-20 (real Binance prices, 2 decimals).
std::vector<Price> realCloses() {
    auto csv = marketdata::readBarsCsv(kairos::test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
    EXPECT_TRUE(csv.ok()) << csv.message();
    std::vector<Price> out;
    if (csv)
        for (std::size_t i = 0; i < 20 && i < csv->bars.size(); ++i) out.push_back(csv->bars[i].close);
    return out;
}

Money money(const char* text) { return *Money::parse(text); }
Quantity qty(const char* text) { return *Quantity::parse(text); }

OrderRequest order(Side side, OrderType type, const char* quantity, std::optional<Price> limit = std::nullopt) {
    OrderRequest r;
    r.instrument = kBtc;
    r.side = side;
    r.type = type;
    r.quantity = qty(quantity);
    r.limitPrice = limit;
    return r;
}

/// A profile directory: database, settings file, and a TradingAccounts on them.
struct Profile {
    QTemporaryDir dir;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<QSettings> settings;
    std::unique_ptr<TradingAccounts> accounts;
    alerts::ISecretStore* secrets = nullptr;

    explicit Profile(alerts::ISecretStore& store) : secrets(&store) {}
    QString settingsPath() const { return dir.filePath(QStringLiteral("kairos.ini")); }
    void open() {
        accounts.reset();
        settings.reset();
        db.reset();
        auto opened = storage::Database::openProfile(dir.path());
        ASSERT_TRUE(opened.ok()) << opened.message();
        db = std::move(*opened);
        settings = std::make_unique<QSettings>(settingsPath(), QSettings::IniFormat);
        TradingAccounts::Options o;
        o.db = db.get();
        o.secrets = secrets;
        o.settings = settings.get();
        o.liveTimeoutMs = 2000;
        o.liveRetryMs = 50;
        accounts = std::make_unique<TradingAccounts>(o);
        accounts->open();
    }
    void close() {
        accounts.reset();
        settings.reset();
        db.reset();
    }
    /// Adds an account and waits for the answer (the keychain answers from the event loop).
    Result<AccountInfo> add(const AccountInfo& info, const char* cash, const std::string& key = {},
                            const std::string& secret = {}) {
        std::optional<Result<AccountInfo>> out;
        accounts->addAccount(info, money(cash), key, secret, [&](Result<AccountInfo> r) { out = std::move(r); });
        EXPECT_TRUE(waitUntil([&] { return out.has_value(); }, kWaitMs));
        return out ? *out : Result<AccountInfo>(makeError("no answer"));
    }
    /// A trade at `price` for every open paper account.
    void price(const Price& p, std::int64_t timeMs) {
        for (const AccountInfo& a : accounts->accounts()) {
            if (auto* v = accounts->paperVenue(a.id)) v->onTrade(kBtc, Trade{timeMs, p, qty("0.5"), Side::Buy, "t"});
        }
    }
};

AccountInfo paperInfo(const char* name) {
    AccountInfo i;
    i.id = 0;
    i.name = name;
    i.kind = AccountKind::Paper;
    i.venue = "PAPER";
    return i;
}

trading::KillReport kill(const std::vector<trading::Account*>& accounts) {
    trading::KillSwitch ks;
    QSignalSpy done(&ks, &trading::KillSwitch::finished);
    EXPECT_TRUE(ks.run(accounts));
    if (done.isEmpty()) {
        EXPECT_TRUE(done.wait(kWaitMs));
    }
    return ks.report();
}

TEST(TradingAccounts, AccountsAreReopenedAfterARestartWithTheirSettingsAndTheActiveOne) {
    // GIVEN a new profile: one paper account is created
    alerts::MemorySecretStore secrets;
    Profile p(secrets);
    p.open();
    ASSERT_EQ(p.accounts->accounts().size(), 1u);
    ASSERT_NE(p.accounts->active(), nullptr);
    EXPECT_EQ(p.accounts->active()->info().kind, AccountKind::Paper);
    // WHEN a second paper account with 2500 USDT, limits and no confirmation is added, made active and renamed
    auto added = p.add(paperInfo("Scalping"), "2500");
    ASSERT_TRUE(added.ok()) << added.message();
    AccountSettings s;
    s.confirmOrders = false;
    s.limits.allowedSymbols = {"BTCUSDT", "ETHUSDT"};
    s.limits.maxOrderValue = money("250.5");
    s.limits.maxPositionQuantity = qty("0.02");
    s.limits.maxOrdersPerMinute = 7;
    s.limits.maxPositionPercent = 40;
    s.limits.maxOpenPositions = 2;
    s.limits.maxDailyLoss = money("75");
    ASSERT_TRUE(p.accounts->setSettings(added->id, s).ok());
    ASSERT_TRUE(p.accounts->setActive(added->id).ok());
    QSignalSpy infoChanged(p.accounts->account(added->id), &trading::Account::infoChanged);
    QSignalSpy renamed(p.accounts.get(), &TradingAccounts::accountRenamed);
    ASSERT_TRUE(p.accounts->rename(added->id, "Scalps").ok());
    EXPECT_EQ(p.accounts->rename(added->id, "PAPER").message(), "there is already an account named PAPER");
    // (the open account knows its new name at once, and says so)
    EXPECT_EQ(p.accounts->account(added->id)->info().name, "Scalps");
    EXPECT_EQ(infoChanged.count(), 1);
    ASSERT_EQ(renamed.count(), 1);
    EXPECT_EQ(renamed.first().at(1).toString(), QStringLiteral("PAPER · Scalps"));
    // AND the terminal restarts
    p.open();
    // THEN both accounts are back with their cash, the settings exactly as stored, and the same active one
    ASSERT_EQ(p.accounts->accounts().size(), 2u);
    EXPECT_EQ(p.accounts->activeId(), added->id);
    EXPECT_EQ(p.accounts->info(added->id)->name, "Scalps");
    ASSERT_NE(p.accounts->active(), nullptr);
    EXPECT_EQ(p.accounts->active()->portfolio().cash(), money("2500"));
    EXPECT_EQ(p.accounts->settings(added->id), s);
    EXPECT_FALSE(p.accounts->confirms(added->id));
    EXPECT_TRUE(p.accounts->confirms(1));
    EXPECT_EQ(p.accounts->risk(added->id)->limits(), s.limits);
    EXPECT_EQ(accountLabel(*p.accounts->info(added->id)), QStringLiteral("PAPER · Scalps"));
    // AND an account that is not active can be removed, with its settings
    ASSERT_TRUE(p.accounts->setActive(1).ok());
    ASSERT_TRUE(p.accounts->remove(added->id).ok());
    p.open();
    EXPECT_EQ(p.accounts->accounts().size(), 1u);
    EXPECT_EQ(loadAccountSettings(*p.db, added->id).value(), AccountSettings{});
}

TEST(TradingAccounts, TheSecondAccountsRiskLimitsRefuseItsOrdersWithTheRuleAndTheNumbers) {
    // GIVEN two paper accounts at a real BTC price; the second allows 100 USDT per order
    alerts::MemorySecretStore secrets;
    Profile p(secrets);
    p.open();
    auto second = p.add(paperInfo("Small"), "5000");
    ASSERT_TRUE(second.ok()) << second.message();
    AccountSettings s;
    s.limits.maxOrderValue = money("100");
    ASSERT_TRUE(p.accounts->setSettings(second->id, s).ok());
    const auto closes = realCloses();
    ASSERT_GE(closes.size(), 2u);
    p.price(closes[0], 1'747'699'200'000);
    // WHEN each buys 0.01 BTC (worth ~1060 USDT) at market
    const auto first = p.accounts->account(1)->submit(order(Side::Buy, OrderType::Market, "0.01"));
    const auto refused = p.accounts->account(second->id)->submit(order(Side::Buy, OrderType::Market, "0.01"));
    // THEN the first fills; the second is refused before its venue, naming the rule and the numbers
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first.back().kind, OrderEventKind::Filled);
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].kind, OrderEventKind::Rejected);
    const std::string worth =
        p.accounts->account(second->id)->venue().rules().notional(closes[0], qty("0.01"))->toTrimmedString();
    EXPECT_EQ(refused[0].order.rejectReason,
              "Refused: risk rule 'max order value': the order is worth " + worth + " USDT, above the limit of 100 USDT");
    EXPECT_TRUE(p.accounts->account(second->id)->orders().empty());
    // AND raising the limit applies at once, without a restart
    s.limits.maxOrderValue = money("5000");
    ASSERT_TRUE(p.accounts->setSettings(second->id, s).ok());
    EXPECT_EQ(p.accounts->account(second->id)->submit(order(Side::Buy, OrderType::Market, "0.01")).back().kind,
              OrderEventKind::Filled);
}

TEST(KillSwitch, CancelsEveryOrderAndClosesEveryPositionOfEveryPaperAccount) {
    // GIVEN two paper accounts, each long BTC at a real price with a resting limit buy below
    alerts::MemorySecretStore secrets;
    Profile p(secrets);
    p.open();
    auto second = p.add(paperInfo("Swing"), "10000");
    ASSERT_TRUE(second.ok());
    const auto closes = realCloses();
    p.price(closes[0], 1'747'699'200'000);
    std::vector<trading::Account*> all{p.accounts->account(1), p.accounts->account(second->id)};
    for (trading::Account* a : all) {
        ASSERT_EQ(a->submit(order(Side::Buy, OrderType::Market, "0.01")).back().kind, OrderEventKind::Filled);
        const Price below = *closes[0].sub(*Price::parse("1000"));
        ASSERT_EQ(a->submit(order(Side::Buy, OrderType::Limit, "0.002", below)).back().kind, OrderEventKind::Accepted);
    }
    p.price(closes[1], 1'747'699'260'000);
    // WHEN the kill switch runs on both
    const trading::KillReport report = kill(all);
    // THEN two orders were cancelled and two positions closed, each on a line of its own
    EXPECT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(report.summary(), "2 orders cancelled, 2 positions closed, 0 failed");
    ASSERT_EQ(report.lines.size(), 4u);
    EXPECT_EQ(report.lines[0].account, "PAPER");
    EXPECT_EQ(report.lines[0].detail, "cancelled");
    EXPECT_EQ(report.lines[2].what, "close long 0.01 BTCUSDT at market");
    EXPECT_EQ(report.lines[2].detail.rfind("sold 0.01 at ", 0), 0u) << report.lines[2].detail;
    for (trading::Account* a : all) {
        EXPECT_TRUE(a->openOrders().empty());
        EXPECT_TRUE(a->portfolio().openPositions().empty());
    }
}

TEST(KillSwitch, FlattensEvenWhenTheAccountsRiskLimitsAreUsedUp) {
    // GIVEN a paper account long BTC whose risk limit of one order per minute is used up and whose
    // order value cap is below the position's value
    alerts::MemorySecretStore secrets;
    Profile p(secrets);
    p.open();
    const auto closes = realCloses();
    p.price(closes[0], 1'747'699'200'000);
    trading::Account* a = p.accounts->account(1);
    ASSERT_EQ(a->submit(order(Side::Buy, OrderType::Market, "0.01")).back().kind, OrderEventKind::Filled);
    AccountSettings s;
    s.limits.maxOrdersPerMinute = 1;
    s.limits.maxOrderValue = money("1");
    ASSERT_TRUE(p.accounts->setSettings(1, s).ok());
    // (a new entry is refused now)
    EXPECT_EQ(a->submit(order(Side::Buy, OrderType::Market, "0.01")).back().kind, OrderEventKind::Rejected);
    // WHEN the kill switch runs
    const trading::KillReport report = kill({a});
    // THEN the position is closed: risk rules never stop an order that only reduces
    EXPECT_TRUE(report.ok()) << report.summary();
    ASSERT_EQ(report.lines.size(), 1u);
    EXPECT_TRUE(report.lines[0].ok) << report.lines[0].detail;
    EXPECT_EQ(report.summary(), "0 orders cancelled, 1 position closed, 0 failed");
    EXPECT_TRUE(a->portfolio().openPositions().empty());
}

/// Every file of the profile directory, as bytes.
QByteArray profileBytes(const QString& dir) {
    QByteArray all;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly)) all += f.readAll();
    }
    return all;
}

TEST(TradingAccounts, ATestnetAccountTradesOnBinanceWithKeysOnlyInTheKeychainAndTheKillSwitchFlattensIt) {
    if (QProcessEnvironment::systemEnvironment().value(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")).isEmpty())
        GTEST_SKIP() << "no D-Bus session (run under scripts/with-keyring.sh)";
    // GIVEN the local Binance trading server at real BTC prices, and a profile whose settings point
    // the testnet endpoints at it; the keys are kept in the real OS keychain
    FakeBinanceTrading fake(QByteArray::fromStdString(kApiKey), QByteArray::fromStdString(kSecret));
    ASSERT_TRUE(fake.listen());
    fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
    fake.setBalance(QStringLiteral("USDT"), *test::parseUnits(QStringLiteral("10000")));
    // No BTC: Binance takes the commission of a buy in the asset bought, so a buy of 0.01 holds 0.00999
    fake.setBalance(QStringLiteral("BTC"), 0);
    const auto closes = realCloses();
    const auto units = [](const Price& p) { return *test::parseUnits(QString::fromStdString(p.toString())); };
    fake.setLastPrice(QStringLiteral("BTCUSDT"), units(closes[0]));
    alerts::KeychainSecretStore keychain("Kairos trading test " + std::to_string(QDateTime::currentMSecsSinceEpoch()));
    Profile p(keychain);
    {
        QSettings s(p.settingsPath(), QSettings::IniFormat);
        s.setValue(QStringLiteral("binance/testnetRestUrl"), fake.restUrl().toString());
        s.setValue(QStringLiteral("binance/testnetWsApiUrl"), fake.wsApiUrl().toString());
    }
    p.open();
    QSignalSpy reconciled(p.accounts.get(), &TradingAccounts::reconciled);
    // WHEN a testnet account is added with its keys
    AccountInfo info = paperInfo("Binance testnet");
    info.kind = AccountKind::Testnet;
    info.venue = "BINANCE";
    auto added = p.add(info, "0", kApiKey, kSecret);
    ASSERT_TRUE(added.ok()) << added.message();
    ASSERT_TRUE(
        waitUntil([&] { return p.accounts->liveVenue(added->id) && p.accounts->liveVenue(added->id)->isReady(); }, kWaitMs))
        << p.accounts->problemOf(added->id).toStdString();
    trading::Account* a = p.accounts->account(added->id);
    EXPECT_EQ(accountLabel(a->info()), QStringLiteral("TESTNET · Binance testnet"));
    // THEN it was reconciled with Binance (announced), and its ledger's cash is Binance's USDT, not 0
    ASSERT_GE(reconciled.count(), 1);
    EXPECT_EQ(reconciled.first().at(0).toLongLong(), added->id);
    ASSERT_NE(p.accounts->lastReconciliation(added->id), nullptr);
    EXPECT_TRUE(p.accounts->lastReconciliation(added->id)->ok());
    EXPECT_EQ(a->portfolio().cash(), *Money::parse("10000"));
    // AND it buys at market and rests a limit buy far below the price
    OrderRequest buy = order(Side::Buy, OrderType::Market, "0.01");
    buy.clientOrderId = "acc-buy-1";
    a->submit(buy);
    ASSERT_TRUE(waitUntil([&] { return a->portfolio().position(kBtc) && !a->portfolio().position(kBtc)->isFlat(); }, kWaitMs));
    // (the ledger follows Binance's balance update: what Binance holds after its commission)
    ASSERT_TRUE(waitUntil([&] { return a->portfolio().position(kBtc)->quantity == *Quantity::parse("0.00999"); }, kWaitMs));
    EXPECT_EQ(p.accounts->freeQuantity(*a, kBtc), *Quantity::parse("0.00999"));
    OrderRequest rest = order(Side::Buy, OrderType::Limit, "0.001", *closes[0].sub(*Price::parse("5000")));
    rest.clientOrderId = "acc-rest-1";
    a->submit(rest);
    ASSERT_TRUE(
        waitUntil([&] { return fake.orderByClientId(QStringLiteral("acc-rest-1")) && a->openOrders().size() == 1; }, kWaitMs));
    // THEN the kill switch cancels the resting order on Binance and sells the position there
    const trading::KillReport report = kill({a});
    EXPECT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(report.summary(), "1 order cancelled, 1 position closed, 0 failed");
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("acc-rest-1"))->status, QStringLiteral("CANCELED"));
    EXPECT_TRUE(a->portfolio().openPositions().empty());
    ASSERT_EQ(fake.orders().size(), 3u);
    EXPECT_EQ(fake.orders()[2].side, QStringLiteral("SELL"));
    EXPECT_EQ(fake.orders()[2].status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.orders()[2].executedQty, *test::parseUnits(QStringLiteral("0.00999")));
    // AND after a restart the account opens again on the keys read back from the keychain
    p.open();
    ASSERT_TRUE(
        waitUntil([&] { return p.accounts->liveVenue(added->id) && p.accounts->liveVenue(added->id)->isReady(); }, kWaitMs))
        << p.accounts->problemOf(added->id).toStdString();
    EXPECT_EQ(p.accounts->account(added->id)->fills().size(), 2u);
    // AND neither the key nor the secret is anywhere in the profile (database, WAL, settings file)
    p.close();
    const QByteArray bytes = profileBytes(p.dir.path());
    ASSERT_FALSE(bytes.isEmpty());
    EXPECT_FALSE(bytes.contains(QByteArray::fromStdString(kApiKey)));
    EXPECT_FALSE(bytes.contains(QByteArray::fromStdString(kSecret)));
    // (clean the throwaway keychain)
    bool removed = false;
    keychain.remove(TradingAccounts::apiSecretName(added->id), [&](const Status&) { removed = true; });
    waitUntil([&] { return removed; }, kWaitMs);
}

TEST(TradingAccounts, ALiveAccountWithoutKeysSaysSoWithoutOpening_Synthetic) {
    // GIVEN a testnet account row whose keys are not in the (empty) keychain
    alerts::MemorySecretStore secrets;
    Profile p(secrets);
    p.open();
    AccountInfo info = paperInfo("No keys");
    info.kind = AccountKind::Testnet;
    info.venue = "BINANCE";
    ASSERT_TRUE(trading::PaperStore::addAccount(*p.db, info, money("0"), 0).ok());
    // WHEN the terminal opens it
    p.open();
    // THEN it is listed but not open, and the reason names the keychain
    ASSERT_EQ(p.accounts->accounts().size(), 2u);
    EXPECT_EQ(p.accounts->account(2), nullptr);
    EXPECT_EQ(p.accounts->problemOf(2), QStringLiteral("no API key in the keychain (enter it in Trade › Accounts…)"));
    // AND adding a testnet account without keys is refused
    auto refused = p.add(info, "0");
    EXPECT_FALSE(refused.ok());
    EXPECT_EQ(refused.message(), "a testnet account needs an API key and secret");
}

}  // namespace
}  // namespace kairos::session
