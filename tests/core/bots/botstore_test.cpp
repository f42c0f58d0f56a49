// BotStore: schema step 12 creates the bots and their log; a bot reads back exactly as saved; rows
// damaged behind the store's back give an error naming the bot and the field.
#include "bots/botstore.h"
#include "storage/database.h"
#include "storage/sqlite.h"
#include "testdata.h"

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::bots;

namespace {

std::unique_ptr<storage::Database> freshProfile() {
    auto db = storage::Database::openProfile(QString::fromStdString(test::tempDir()));
    if (!db) throw std::runtime_error(db.message());
    return std::move(*db);
}

BotConfig smaBot() {
    BotConfig c;
    c.name = "BTC trend";
    c.strategy = "sma_cross";
    c.params = {{"fast", 12}, {"slow", 40}};
    c.symbols = {"BTCUSDT", "BINANCE:ETHUSDT"};
    c.timeframe = Timeframe::H4;
    c.accountId = 1;
    c.sizing.kind = backtest::OrderSizing::Kind::Notional;
    c.sizing.notional = *Money::parse("250.50");
    c.flattenOnStop = true;
    return c;
}

TEST(BotStore, SchemaStepTwelveCreatesTheBotTables) {
    auto db = freshProfile();
    EXPECT_GE(db->schemaVersion(), 12);
    for (const char* table : {"bots", "bot_log"}) {
        auto n = storage::sql::queryInt64(
            db->handle(),
            (std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") + table + "'").c_str());
        ASSERT_TRUE(n.ok()) << n.message();
        EXPECT_EQ(*n, 1) << table;
    }
}

TEST(BotStore, ABuiltinAndAFormulaBotReadBackExactlyAsSaved) {
    // GIVEN a profile
    auto db = freshProfile();
    BotStore store(*db);
    BotConfig formula;
    formula.name = "EMA formula";
    formula.strategyKind = StrategyKind::Formula;
    formula.formula = {"crossover(ema(close,9), ema(close,21))", "crossunder(ema(close,9), ema(close,21))", "close - 2*atr(14)",
                       "", true};
    formula.symbols = {"ETHUSDT"};
    formula.accountId = 2;
    formula.sizing.kind = backtest::OrderSizing::Kind::RiskPerTrade;
    formula.sizing.riskPercent = 1.5;
    // WHEN both are saved and read back
    auto a = store.create(smaBot(), 1000);
    ASSERT_TRUE(a.ok()) << a.message();
    auto b = store.create(formula, 2000);
    ASSERT_TRUE(b.ok()) << b.message();
    auto list = store.list();
    ASSERT_TRUE(list.ok()) << list.message();
    // THEN every field is as saved (by name: "BTC trend" before "EMA formula")
    ASSERT_EQ(list->size(), 2u);
    const BotConfig& x = (*list)[0];
    EXPECT_EQ(x.id, *a);
    EXPECT_EQ(x.name, "BTC trend");
    EXPECT_EQ(x.strategyKind, StrategyKind::Builtin);
    EXPECT_EQ(x.strategy, "sma_cross");
    EXPECT_EQ(x.params, (backtest::ParamValues{{"fast", 12}, {"slow", 40}}));
    EXPECT_EQ(x.symbols, (std::vector<std::string>{"BTCUSDT", "BINANCE:ETHUSDT"}));
    EXPECT_EQ(x.timeframe, Timeframe::H4);
    EXPECT_EQ(x.accountId, 1);
    EXPECT_EQ(x.sizing.kind, backtest::OrderSizing::Kind::Notional);
    EXPECT_EQ(x.sizing.notional, *Money::parse("250.5"));
    EXPECT_TRUE(x.flattenOnStop);
    EXPECT_EQ(x.state, BotState::Stopped);
    EXPECT_FALSE(x.lastBarMs.has_value());
    const BotConfig& y = (*list)[1];
    EXPECT_EQ(y.strategyKind, StrategyKind::Formula);
    EXPECT_EQ(y.formula, formula.formula);
    EXPECT_EQ(y.sizing.kind, backtest::OrderSizing::Kind::RiskPerTrade);
    EXPECT_DOUBLE_EQ(y.sizing.riskPercent, 1.5);

    // WHEN its state, error, cursor and settings change
    ASSERT_TRUE(store.setState(*a, BotState::Error, "account 1 is not open", 3000).ok());
    ASSERT_TRUE(store.setLastBar(*a, 1'700'000'000'000).ok());
    BotConfig edited = x;
    edited.params["fast"] = 5;
    edited.symbols = {"SOLUSDT"};
    ASSERT_TRUE(store.update(edited, 4000).ok());
    auto again = store.get(*a);
    ASSERT_TRUE(again.ok() && again->has_value());
    // THEN they read back too
    EXPECT_EQ((*again)->state, BotState::Error);
    EXPECT_EQ((*again)->lastError, "account 1 is not open");
    EXPECT_EQ((*again)->lastBarMs, 1'700'000'000'000);
    EXPECT_EQ((*again)->params.at("fast"), 5);
    EXPECT_EQ((*again)->symbols, std::vector<std::string>{"SOLUSDT"});
    auto byName = store.findByName("EMA formula");
    ASSERT_TRUE(byName.ok() && byName->has_value());
    EXPECT_EQ((*byName)->id, *b);
}

TEST(BotStore, RefusesInvalidBotsAndDuplicateNamesWithTheReason) {
    auto db = freshProfile();
    BotStore store(*db);
    ASSERT_TRUE(store.create(smaBot(), 1).ok());
    auto dup = store.create(smaBot(), 2);
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.message().find("already a bot named \"BTC trend\""), std::string::npos) << dup.message();
    BotConfig bad = smaBot();
    bad.name = "other";
    bad.params["fast"] = 50;  // fast must stay below slow
    auto r = store.create(bad, 3);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.message().find("fast"), std::string::npos) << r.message();
    bad = smaBot();
    bad.name = "x";
    bad.symbols.clear();
    EXPECT_FALSE(store.create(bad, 4).ok());
    bad = smaBot();
    bad.name = "y";
    bad.strategy = "no_such";
    auto unknown = store.create(bad, 5);
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.message().find("unknown strategy \"no_such\""), std::string::npos) << unknown.message();
}

TEST(BotStore, ARowDamagedBehindItsBackGivesAnErrorNamingTheBotAndTheField) {
    auto db = freshProfile();
    BotStore store(*db);
    auto id = store.create(smaBot(), 1);
    ASSERT_TRUE(id.ok());
    const std::string where = " WHERE id = " + std::to_string(*id);
    struct Case {
        std::string set;
        std::string expected;
    };
    for (const Case& c :
         {Case{"params = 'fast=ten'", "params: parameter fast: \"ten\" is not a number"}, Case{"params = 'fast=10;slow=30'", ""},
          Case{"timeframe = '7q'", "timeframe"}, Case{"sizing_value = 'lots'", "sizing"},
          Case{"strategy = 'vanished'", "unknown strategy \"vanished\""}}) {
        ASSERT_TRUE(db->exec(("UPDATE bots SET params = 'fast=12;slow=40', timeframe = '4h', sizing_value = '250.5', "
                              "strategy = 'sma_cross'" +
                              where)
                                 .c_str())
                        .ok());
        ASSERT_TRUE(db->exec(("UPDATE bots SET " + c.set + where).c_str()).ok()) << c.set;
        auto got = store.get(*id);
        auto all = store.list();
        if (c.expected.empty()) {
            EXPECT_TRUE(got.ok()) << c.set;
            continue;
        }
        ASSERT_FALSE(got.ok()) << c.set;
        EXPECT_NE(got.message().find("bot " + std::to_string(*id) + " (BTC trend)"), std::string::npos) << got.message();
        EXPECT_NE(got.message().find(c.expected), std::string::npos) << got.message();
        ASSERT_FALSE(all.ok());
        EXPECT_EQ(all.message(), got.message());
    }
    // The schema itself refuses a state that is not one of the four.
    EXPECT_FALSE(db->exec(("UPDATE bots SET state = 'dancing'" + where).c_str()).ok());
}

TEST(BotStore, TheLogKeepsItsLinesInOrderAndGoesWithItsBot) {
    auto db = freshProfile();
    BotStore store(*db);
    auto id = store.create(smaBot(), 1);
    ASSERT_TRUE(id.ok());
    for (int i = 0; i < 5; ++i) {
        BotLogEntry e;
        e.botId = *id;
        e.timeMs = 100 + i;
        e.barMs = 3'600'000LL * i;
        e.kind = i % 2 == 0 ? BotLogKind::Decision : BotLogKind::Fill;
        e.symbol = "BTCUSDT";
        e.text = "line " + std::to_string(i);
        e.clientOrderId = "kbabc123-" + std::to_string(i);
        ASSERT_TRUE(store.appendLog(e).ok());
    }
    auto last3 = store.log(*id, 3);
    ASSERT_TRUE(last3.ok()) << last3.message();
    ASSERT_EQ(last3->size(), 3u);
    EXPECT_EQ((*last3)[0].text, "line 2");
    EXPECT_EQ((*last3)[2].text, "line 4");
    EXPECT_EQ((*last3)[2].barMs, 3'600'000LL * 4);
    auto decisions = store.log(*id, 10, BotLogKind::Decision);
    ASSERT_TRUE(decisions.ok());
    EXPECT_EQ(decisions->size(), 3u);
    ASSERT_TRUE(store.remove(*id).ok());
    auto gone = store.log(*id, 10);
    ASSERT_TRUE(gone.ok());
    EXPECT_TRUE(gone->empty());
}

}  // namespace
