// Several trading accounts per profile (schema 7): a profile written by schema 6 (one paper account
// in paper_account / paper_orders / paper_fills) opens with its positions and history intact as
// account 1, and accounts added beside it keep their own ledgers and history.
#include "storage/database.h"
#include "storage/detail/migrations.h"
#include "testdata.h"
#include "trading/paperstore.h"
#include "trading/papervenue.h"

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::storage;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
Money money(const char* s) { return Money::parse(s).value(); }
Quantity qty(const char* s) { return Quantity::parse(s).value(); }
Price px(const char* s) { return Price::parse(s).value(); }

Instrument btcusdt() {
    Instrument i;
    i.id = kBtc;
    i.baseAsset = "BTC";
    i.quoteAsset = "USDT";
    i.tickSize = px("0.01");
    i.lotSize = qty("0.00001");
    i.minNotional = money("5");
    i.pricePrecision = 2;
    i.quantityPrecision = 5;
    return i;
}

/// Rows as schema 6's PaperStore wrote them: a market buy of 0.01 BTC filled at the real first
/// replayed BTCUSDT price (11080.64, fee 10 bp = 0.1108064) and a buy limit at 10920 still open.
const char* kSchema6Rows = R"sql(
INSERT INTO paper_account VALUES (1, 1000000000000, 8, 3, 2, 1600560000000);
INSERT INTO paper_orders VALUES (1, 'K-1', 'BINANCE', 'BTCUSDT', 'buy', 'market', 'GTC', 1000, 5, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, 'filled', 'entry', 0, 0, 0, 1000, 5, 11080640000000, 8, 11080640, 8, '', 1600560000000,
    1600560000000);
INSERT INTO paper_orders VALUES (2, 'K-2', 'BINANCE', 'BTCUSDT', 'buy', 'limit', 'GTC', 1000, 5, 1092000, 2, NULL, NULL,
    NULL, NULL, NULL, NULL, 'accepted', 'entry', 0, 0, 0, 0, 5, 0, 8, 0, 8, '', 1600560000000, 1600560000000);
INSERT INTO paper_fills VALUES (1, 1, 'K-1', 'BINANCE', 'BTCUSDT', 'buy', 1108064, 2, 1000, 5, 11080640, 8, 'taker',
    1600560000000);
)sql";
}  // namespace

TEST(TradingAccounts, AProfileFromSchema6OpensWithItsPaperPositionsAndHistoryIntact) {
    // GIVEN a profile database at schema 6 holding a paper position, a fill and an open order
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
    {
        auto old = storage::detail::openWithMigrations(path, storage::detail::migrations().first(6));
        ASSERT_TRUE(old.ok()) << old.message();
        ASSERT_EQ((*old)->schemaVersion(), 6);
        ASSERT_TRUE((*old)->exec(kSchema6Rows).ok());
    }
    // WHEN this version opens it (schema 7: several accounts)
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok()) << db.message();
    EXPECT_EQ((*db)->schemaVersion(), Database::currentSchemaVersion());
    // THEN the paper account is account 1, "PAPER", with its history and ledger as they were
    auto accounts = trading::PaperStore::accounts(**db);
    ASSERT_TRUE(accounts.ok()) << accounts.message();
    ASSERT_EQ(accounts->size(), 1u);
    EXPECT_EQ(accounts->front(), (trading::AccountInfo{1, "PAPER", trading::AccountKind::Paper, "PAPER"}));
    auto snap = trading::PaperStore(**db).load();
    ASSERT_TRUE(snap.ok()) << snap.message();
    ASSERT_TRUE(snap->exists);
    EXPECT_EQ(snap->startingCash, money("10000"));
    EXPECT_EQ(snap->nextOrderId, 3u);
    ASSERT_EQ(snap->orders.size(), 2u);
    ASSERT_EQ(snap->fills.size(), 1u);
    EXPECT_EQ(snap->fills[0].price, px("11080.64"));
    // and a paper account opened on it trades on from there
    trading::PaperAccount paper(db->get(), trading::PaperSettings{});
    paper.venue().setInstrumentResolver([](const InstrumentId& id) -> std::optional<Instrument> {
        return id == kBtc ? std::optional<Instrument>(btcusdt()) : std::nullopt;
    });
    ASSERT_TRUE(paper.open().ok()) << paper.account().storageError().toStdString();
    const trading::Position* p = paper.account().portfolio().position(kBtc);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->quantity, qty("0.01"));
    EXPECT_EQ(paper.account().portfolio().cash(), money("9889.0827936"));  // 10000 - 110.8064 - 0.1108064
    ASSERT_EQ(paper.account().openOrders().size(), 1u);
    EXPECT_EQ(paper.account().openOrders()[0].request.limitPrice, px("10920.00"));
    // the stored limit fills when a trade goes through it, with the next ids after the stored ones
    paper.venue().onTrade(kBtc, Trade{1600563600000, px("10919.99"), qty("1"), Side::Sell, "t"});
    ASSERT_EQ(paper.account().fills().size(), 2u);
    EXPECT_EQ(paper.account().fills()[1].orderId, 2u);
    EXPECT_EQ(paper.account().fills()[1].fillId, 2u);
    EXPECT_EQ(paper.account().portfolio().position(kBtc)->quantity, qty("0.02"));
}

TEST(TradingAccounts, SeveralAccountsKeepTheirOwnLedgersAndHistory) {
    // GIVEN a profile with the paper account and a second one added beside it
    const QString dir = QString::fromStdString(test::tempDir());
    auto resolver = [](const InstrumentId& id) -> std::optional<Instrument> {
        return id == kBtc ? std::optional<Instrument>(btcusdt()) : std::nullopt;
    };
    const Trade firstTrade{1600560000000, px("11080.64"), qty("1"), Side::Buy, "t1"};
    {
        auto db = Database::openProfile(dir);
        ASSERT_TRUE(db.ok()) << db.message();
        trading::PaperAccount first(db->get(), trading::PaperSettings{});
        ASSERT_TRUE(first.open().ok());
        auto second = trading::PaperStore::addAccount(**db, {0, "SWING", trading::AccountKind::Paper, "PAPER"}, money("500"), 1);
        ASSERT_TRUE(second.ok()) << second.message();
        EXPECT_EQ(second->id, 2);
        EXPECT_FALSE(
            trading::PaperStore::addAccount(**db, {0, "SWING", trading::AccountKind::Paper, "PAPER"}, money("1"), 1).ok());
        trading::PaperSettings small;
        small.startingCash = money("500");
        trading::PaperAccount swing(db->get(), small, nullptr, *second);
        ASSERT_TRUE(swing.open().ok());
        for (trading::PaperAccount* a : {&first, &swing}) {
            a->venue().setInstrumentResolver(resolver);
            a->venue().onTrade(kBtc, firstTrade);
        }
        // WHEN each buys a different quantity (both start their order ids at 1)
        trading::OrderRequest r;
        r.instrument = kBtc;
        r.quantity = qty("0.01");
        ASSERT_EQ(first.account().submit(r).back().kind, trading::OrderEventKind::Filled);
        r.quantity = qty("0.02");
        ASSERT_EQ(swing.account().submit(r).back().kind, trading::OrderEventKind::Filled);
        ASSERT_TRUE(swing.account().reset(money("600")).ok());  // and the second is reset, then buys again
        r.quantity = qty("0.03");
        ASSERT_EQ(swing.account().submit(r).back().kind, trading::OrderEventKind::Filled);
    }
    // THEN after a restart each account has its own fills, position and cash
    auto db = Database::openProfile(dir);
    ASSERT_TRUE(db.ok()) << db.message();
    auto accounts = trading::PaperStore::accounts(**db);
    ASSERT_TRUE(accounts.ok());
    ASSERT_EQ(accounts->size(), 2u);
    EXPECT_EQ((*accounts)[1].name, "SWING");
    auto a = trading::PaperStore(**db, (*accounts)[0]).load();
    auto b = trading::PaperStore(**db, (*accounts)[1]).load();
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->fills.size(), 1u);
    ASSERT_EQ(b->fills.size(), 1u);
    EXPECT_EQ(a->fills[0].quantity, qty("0.01"));
    EXPECT_EQ(b->fills[0].quantity, qty("0.03"));
    EXPECT_EQ(a->startingCash, money("10000"));
    EXPECT_EQ(b->startingCash, money("600"));
    EXPECT_EQ(a->portfolio()->position(kBtc)->quantity, qty("0.01"));
    EXPECT_EQ(b->portfolio()->position(kBtc)->quantity, qty("0.03"));
}
