// AlertStore and the newer conditions' fields (alert_rule_conditions): every field survives a
// reopen, rules stored before the table existed load with the defaults, and deleting a rule
// deletes its row.
#include "alerts/alertstore.h"

#include "storage/database.h"
#include "storage/sqlite.h"
#include "testdata.h"

#include <QString>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::alerts;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

std::unique_ptr<storage::Database> openDb(const std::string& dir) {
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    EXPECT_TRUE(db.ok()) << db.message();
    return db.ok() ? std::move(*db) : nullptr;
}
std::int64_t count(storage::Database& db, const char* sql) { return storage::sql::queryInt64(db.handle(), sql).valueOr(-1); }
}  // namespace

// GIVEN one rule of each newer condition (a bid channel, a move within 6 h, a volume spike, a 24h
// change on a watchlist, a drawing), WHEN saved and the profile reopened, THEN they load back equal.
TEST(AlertConditionStore, SyntheticNewConditionFieldsSurviveReopening) {
    const std::string dir = test::tempDir();
    std::vector<AlertRule> rules;
    AlertRule channel;
    channel.instrument = kBtc;
    channel.condition = Condition::EntersChannel;
    channel.level = *parseLevel("100000.5", 2);
    channel.level2 = *parseLevel("101000.25", 2);
    channel.priceSource = PriceSource::Bid;
    rules.push_back(channel);
    AlertRule move;
    move.instrument = kBtc;
    move.condition = Condition::MovePercent;
    move.percent = 2.5;
    move.windowMs = 6 * 3'600'000;
    move.signalSide = SignalSide::Short;
    move.timeframe = Timeframe::M15;
    rules.push_back(move);
    AlertRule spike;
    spike.instrument = kBtc;
    spike.condition = Condition::VolumeSpike;
    spike.volumeFactor = 4.5;
    spike.volumeBars = 30;
    rules.push_back(spike);
    AlertRule change;
    change.watchlistId = 7;
    change.condition = Condition::Change24h;
    change.percent = 8;
    rules.push_back(change);
    AlertRule drawing;
    drawing.instrument = kBtc;
    drawing.condition = Condition::CrossesDrawing;
    drawing.drawingId = 42;
    drawing.timeframe = Timeframe::H4;
    rules.push_back(drawing);
    {
        auto db = openDb(dir);
        ASSERT_TRUE(db);
        AlertStore store(*db);
        for (AlertRule& r : rules) {
            r.createdAtMs = 1000;
            auto id = store.save(r);
            ASSERT_TRUE(id.ok()) << id.message();
            r.id = *id;
        }
    }
    auto db = openDb(dir);
    ASSERT_TRUE(db);
    AlertStore store(*db);
    auto load = store.load();
    ASSERT_TRUE(load.ok()) << load.message();
    EXPECT_TRUE(load->problems.empty()) << load->problems.front();
    ASSERT_EQ(load->rules.size(), rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) EXPECT_EQ(load->rules[i], rules[i]) << describe(rules[i]);
    ASSERT_TRUE(store.remove(rules[0].id).ok());
    EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_rule_conditions"), 4);
}

// A rule row written before alert_rule_conditions existed (no row there) loads with the defaults;
// a row with a price source from a newer Kairos is reported and left in place.
TEST(AlertConditionStore, SyntheticRowsWithoutConditionsLoadWithDefaultsAndUnknownSourcesAreReported) {
    const std::string dir = test::tempDir();
    auto db = openDb(dir);
    ASSERT_TRUE(db);
    AlertStore store(*db);
    ASSERT_TRUE((*db)
                    .exec("INSERT INTO alert_rules (venue, symbol, condition_kind, level_raw, level_scale, formula, timeframe, "
                          "trigger_mode, enabled, created_at) VALUES ('BINANCE','BTCUSDT','goes_above',500,2,'','1h','once',1,1)")
                    .ok());
    ASSERT_TRUE((*db)
                    .exec("INSERT INTO alert_rules (venue, symbol, condition_kind, level_raw, level_scale, formula, timeframe, "
                          "trigger_mode, enabled, created_at) VALUES ('BINANCE','BTCUSDT','goes_above',500,2,'','1h','once',1,1)")
                    .ok());
    ASSERT_TRUE((*db).exec("INSERT INTO alert_rule_conditions (alert_id, price_source) VALUES (2, 'last_but_one')").ok());
    auto load = store.load();
    ASSERT_TRUE(load.ok()) << load.message();
    ASSERT_EQ(load->rules.size(), 1u);
    EXPECT_EQ(load->rules[0].priceSource, PriceSource::Last);
    EXPECT_EQ(load->rules[0].watchlistId, 0);
    ASSERT_EQ(load->problems.size(), 1u);
    EXPECT_NE(load->problems[0].find("alert 2 on BINANCE:BTCUSDT: unknown price source \"last_but_one\""), std::string::npos)
        << load->problems[0];
    EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_rule_conditions"), 1);
}
