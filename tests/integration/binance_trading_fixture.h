#pragma once
// The LiveVenue integration fixture shared by binance_trading_venue.cpp and
// binance_trading_advanced.cpp: a profile with a testnet account, the local Binance trading server
// (tests/support/fakebinancetrading.h) and one process's trading stack on them.
//
// Prices are real BTCUSDT closes (resources/data, 2025-05-20).

#include "fakebinancetrading.h"
#include "live/livevenue.h"
#include "storage/database.h"
#include "testdata.h"
#include "trading/account.h"
#include "trading/paperstore.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kairos::live::livetest {

using test::FakeBinanceTrading;
using test::parseUnits;
using test::Units;
using test::waitUntil;
using trading::Account;
using trading::AccountInfo;
using trading::Order;
using trading::OrderEventKind;
using trading::OrderRequest;
using trading::OrderStatus;
using trading::OrderType;

inline const QByteArray kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
inline const QByteArray kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
inline const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
constexpr int kWaitMs = 20'000;

/// The first closes of BTCUSDT 1m on 2025-05-20 (Binance's own prices, 2 decimals).
inline std::vector<std::string> realCloses() {
    QFile f(QString::fromStdString(test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv")));
    EXPECT_TRUE(f.open(QIODevice::ReadOnly));
    std::vector<std::string> out;
    f.readLine();  // header
    while (out.size() < 10 && !f.atEnd()) out.push_back(f.readLine().trimmed().split(',').value(4).toStdString());
    return out;
}

inline Units units(const std::string& text) { return *parseUnits(QString::fromStdString(text)); }
inline Price price(const std::string& text) { return *Price::parse(text); }
inline Quantity qty(const std::string& text) { return *Quantity::parse(text); }

inline AccountInfo testnetAccount() {
    AccountInfo info;
    info.id = 0;
    info.name = "BINANCE TESTNET";
    info.kind = trading::AccountKind::Testnet;
    info.venue = "BINANCE";
    return info;
}

/// One process's trading stack on a profile: PaperStore journal, LiveVenue, Account.
struct Stack {
    /// `configure` changes the venue's options before it is made (limits of a test).
    Stack(storage::Database& db, const AccountInfo& info, const FakeBinanceTrading& fake, trading::IJournal* journal = nullptr,
          const std::function<void(LiveVenue::Options&)>& configure = {}) {
        store = std::make_unique<trading::PaperStore>(db, info);
        LiveVenue::Options o;
        o.endpoints = {fake.restUrl(), fake.wsApiUrl()};
        o.timeoutMs = 1500;
        o.unknownRetryMs = 50;
        o.reconnectMinMs = 50;
        if (configure) configure(o);
        venue = std::make_unique<LiveVenue>(o, BinanceCredentials{kApiKey.toStdString(), kSecret.toStdString()}, clock);
        venue->setJournal(journal ? journal : store.get());
        account = std::make_unique<Account>(info, *venue, clock, journal ? journal : store.get(), *Money::parse("10000"));
        account->addObserver([this](const trading::OrderEvent& e) { kinds.push_back(e.kind); });
    }
    bool start() {
        if (!account->open()) return false;
        venue->start();
        return waitUntil([&] { return venue->isReady(); }, kWaitMs);
    }
    std::optional<Order> byClientId(const std::string& cid) const {
        for (const Order& o : account->orders())
            if (o.request.clientOrderId == cid) return o;
        return std::nullopt;
    }
    bool waitStatus(const std::string& cid, OrderStatus status) const {
        return waitUntil(
            [&] {
                auto o = byClientId(cid);
                return o && o->status == status;
            },
            kWaitMs);
    }
    int count(OrderEventKind k) const { return static_cast<int>(std::count(kinds.begin(), kinds.end(), k)); }

    trading::WallClock clock;
    std::unique_ptr<trading::PaperStore> store;
    std::unique_ptr<LiveVenue> venue;
    std::unique_ptr<Account> account;
    std::vector<OrderEventKind> kinds;
};

inline OrderRequest market(Side side, const std::string& quantity, const std::string& cid) {
    OrderRequest r;
    r.instrument = kBtc;
    r.side = side;
    r.type = OrderType::Market;
    r.quantity = qty(quantity);
    r.clientOrderId = cid;
    return r;
}

inline OrderRequest limit(Side side, const std::string& quantity, const std::string& at, const std::string& cid) {
    OrderRequest r = market(side, quantity, cid);
    r.type = OrderType::Limit;
    r.limitPrice = price(at);
    return r;
}

class LiveVenueTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir.isValid());
        ASSERT_TRUE(fake.listen());
        fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
        fake.setBalance(QStringLiteral("USDT"), units("10000"));
        fake.setBalance(QStringLiteral("BTC"), units("1"));
        closes = realCloses();
        ASSERT_GE(closes.size(), 5u);
        fake.setLastPrice(QStringLiteral("BTCUSDT"), units(closes[0]));
        openProfile();
        auto added = trading::PaperStore::addAccount(*db, testnetAccount(), *Money::parse("10000"), 0);
        ASSERT_TRUE(added.ok()) << added.message();
        info = *added;
    }

    void openProfile() {
        auto opened = storage::Database::openProfile(dir.path());
        ASSERT_TRUE(opened.ok()) << opened.message();
        db = std::move(*opened);
    }

    std::unique_ptr<Stack> startStack() {
        auto s = std::make_unique<Stack>(*db, info, fake);
        EXPECT_TRUE(s->start()) << "the venue did not become ready";
        return s;
    }

    /// The journal as stored (what a restart would see).
    trading::JournalSnapshot journal() {
        auto snap = trading::PaperStore(*db, info).load();
        EXPECT_TRUE(snap.ok()) << snap.message();
        return snap.ok() ? *snap : trading::JournalSnapshot{};
    }

    QTemporaryDir dir;
    FakeBinanceTrading fake{kApiKey, kSecret};
    std::unique_ptr<storage::Database> db;
    AccountInfo info;
    std::vector<std::string> closes;
};

}  // namespace kairos::live::livetest
