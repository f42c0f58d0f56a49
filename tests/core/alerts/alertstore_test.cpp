// AlertStore: rules and history in the profile database survive a restart; a "once" alert that
// fired stays disabled; rows of a newer Kairos or damaged rows are reported and never deleted.
#include "alerts/alertengine.h"
#include "alerts/alertstore.h"

#include "marketdata/csvimport.h"
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

// GIVEN rules saved in the profile and a "once" alert that fires on real 1m closes, WHEN the
// database is reopened, THEN the rules read back equal (exact level, formula, expiry, note), the
// fired rule is disabled with its firing time and count, and the history holds the event.
TEST(AlertStore, RulesAndHistorySurviveReopeningAndAFiredOnceAlertStaysDisabled) {
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    const std::string dir = test::tempDir();
    AlertRule once;
    once.instrument = kBtc;
    once.condition = Condition::CrossesAbove;
    once.level = *parseLevel("107000.25", 2);
    once.note = "Take profit on the swing long";
    AlertRule formula;
    formula.instrument = kBtc;
    formula.condition = Condition::Formula;
    formula.formula = "ema(close,9) - ema(close,21) > 0";
    formula.timeframe = Timeframe::M15;
    formula.trigger = Trigger::EveryTime;
    formula.cooldownMs = 3'600'000;
    formula.expiresAtMs = utcMs(2025, 12, 31, 23, 59);
    AlertRule sig;
    sig.instrument = {"BINANCE", "SOLUSDT"};
    sig.condition = Condition::Signal;
    sig.signalSide = SignalSide::Short;
    sig.minConfidence = 75;
    sig.trigger = Trigger::OncePerBar;
    std::vector<AlertEvent> fired;
    {
        auto db = openDb(dir);
        ASSERT_TRUE(db);
        AlertStore store(*db);
        for (AlertRule* r : {&once, &formula, &sig}) {
            auto id = store.save(*r);
            ASSERT_TRUE(id.ok()) << id.message();
            r->id = *id;
        }
        AlertEngine engine;
        for (const AlertRule* r : {&once, &formula, &sig}) ASSERT_TRUE(engine.setRule(*r).ok());
        for (const Bar& b : csv->bars) {
            auto ev = engine.onPrice(kBtc, b.openTimeMs, b.close);
            if (ev.empty()) continue;
            std::vector<AlertRule> changed;
            changed.reserve(ev.size());
            for (const auto& e : ev) changed.push_back(*engine.rule(e.ruleId));
            ASSERT_TRUE(store.record(ev, changed).ok());
            fired.insert(fired.end(), ev.begin(), ev.end());
        }
        ASSERT_EQ(fired.size(), 1u);
    }
    auto db = openDb(dir);
    ASSERT_TRUE(db);
    AlertStore store(*db);
    auto load = store.load();
    ASSERT_TRUE(load.ok()) << load.message();
    EXPECT_TRUE(load->problems.empty());
    ASSERT_EQ(load->rules.size(), 3u);
    const AlertRule& o = load->rules[0];
    EXPECT_EQ(o.id, once.id);
    EXPECT_FALSE(o.enabled);
    EXPECT_EQ(o.lastFiredMs, fired[0].timeMs);
    EXPECT_EQ(o.fireCount, 1);
    EXPECT_EQ(o.level.raw(), 10700025);
    EXPECT_EQ(o.level.scale(), 2);
    EXPECT_EQ(o.note, once.note);
    EXPECT_GT(o.createdAtMs, 0);
    AlertRule f = load->rules[1];
    f.createdAtMs = 0;
    EXPECT_EQ(f, formula);
    AlertRule s = load->rules[2];
    s.createdAtMs = 0;
    EXPECT_EQ(s, sig);
    // The reloaded once-alert does not run again.
    AlertEngine engine;
    for (const auto& r : load->rules) ASSERT_TRUE(engine.setRule(r).ok());
    EXPECT_TRUE(engine.onPrice(kBtc, 1, *Price::parse("1")).empty());
    EXPECT_TRUE(engine.onPrice(kBtc, 2, *Price::parse("200000")).empty());
    auto h = store.history();
    ASSERT_TRUE(h.ok()) << h.message();
    ASSERT_EQ(h->size(), 1u);
    EXPECT_EQ((*h)[0].ruleId, once.id);
    EXPECT_EQ((*h)[0].timeMs, fired[0].timeMs);
    EXPECT_EQ((*h)[0].price, fired[0].price);
    EXPECT_EQ((*h)[0].message, fired[0].message);
    EXPECT_NE((*h)[0].message.find("Take profit on the swing long"), std::string::npos);
    // Edit, delete; the history of a deleted rule stays.
    f.note = "edited";
    ASSERT_TRUE(store.save(f).ok());
    ASSERT_TRUE(store.remove(once.id).ok());
    EXPECT_FALSE(store.remove(once.id).ok());
    AlertRule ghost = f;
    ghost.id = 999;
    EXPECT_FALSE(store.save(ghost).ok());
    load = store.load();
    ASSERT_TRUE(load.ok());
    ASSERT_EQ(load->rules.size(), 2u);
    EXPECT_EQ(load->rules[0].note, "edited");
    EXPECT_EQ(store.history()->size(), 1u);
    ASSERT_TRUE(store.clearHistory().ok());
    EXPECT_TRUE(store.history()->empty());
}

// Synthetic rows: a condition from a newer Kairos, a price rule without its level, a formula that
// no longer parses, an unknown timeframe. Loading reports each (with its id) and loads the good
// rule; saving, editing and deleting other rules leaves the reported rows in the file.
TEST(AlertStore, SyntheticUnknownAndDamagedRowsAreReportedNeverDeleted) {
    const std::string dir = test::tempDir();
    auto db = openDb(dir);
    ASSERT_TRUE(db);
    AlertStore store(*db);
    AlertRule good;
    good.instrument = kBtc;
    good.condition = Condition::GoesBelow;
    good.level = *parseLevel("90000", 2);
    auto goodId = store.save(good);
    ASSERT_TRUE(goodId.ok()) << goodId.message();
    const char* cols =
        "INSERT INTO alert_rules (venue, symbol, condition_kind, level_raw, level_scale, formula, timeframe, trigger_mode, "
        "enabled, created_at) VALUES ";
    for (const std::string values : {"('BINANCE','BTCUSDT','volume_spike',NULL,NULL,'','1h','once',1,1)",
                                     "('BINANCE','BTCUSDT','crosses_above',NULL,NULL,'','1h','once',1,1)",
                                     "('BINANCE','BTCUSDT','formula',NULL,NULL,'ema(close,','1h','every_time',1,1)",
                                     "('BINANCE','BTCUSDT','formula',NULL,NULL,'close > 1','7x','every_time',1,1)",
                                     "('BINANCE','BTCUSDT','goes_above',5,2,'','1h','twice_a_day',1,1)"})
        ASSERT_TRUE((*db).exec((std::string(cols) + values).c_str()).ok());
    auto load = store.load();
    ASSERT_TRUE(load.ok()) << load.message();
    ASSERT_EQ(load->rules.size(), 1u);
    EXPECT_EQ(load->rules[0].id, *goodId);
    ASSERT_EQ(load->problems.size(), 5u);
    EXPECT_NE(load->problems[0].find("alert 2 on BINANCE:BTCUSDT: unknown condition \"volume_spike\" (made by a newer Kairos?)"),
              std::string::npos)
        << load->problems[0];
    EXPECT_NE(load->problems[1].find("alert 3"), std::string::npos);
    EXPECT_NE(load->problems[1].find("price level"), std::string::npos) << load->problems[1];
    EXPECT_NE(load->problems[2].find("formula: column"), std::string::npos) << load->problems[2];
    EXPECT_NE(load->problems[3].find("timeframe \"7x\""), std::string::npos) << load->problems[3];
    EXPECT_NE(load->problems[4].find("trigger mode \"twice_a_day\""), std::string::npos) << load->problems[4];
    // Work on the good rule; the others stay.
    good.id = *goodId;
    good.note = "n";
    ASSERT_TRUE(store.save(good).ok());
    AlertEvent e{good.id, kBtc, EventKind::Fired, 5, *Price::parse("1.5"), "m", false};
    ASSERT_TRUE(store.record({e}, {good}).ok());
    ASSERT_TRUE(store.remove(good.id).ok());
    EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_rules"), 5);
    // A history row of a newer kind is skipped, not removed.
    ASSERT_TRUE(
        (*db)
            .exec("INSERT INTO alert_history (alert_id, venue, symbol, kind, time, price_raw, price_scale, message, recorded_at) "
                  "VALUES (1,'BINANCE','BTCUSDT','snoozed',9,1,0,'x',1)")
            .ok());
    auto h = store.history();
    ASSERT_TRUE(h.ok());
    ASSERT_EQ(h->size(), 1u);
    EXPECT_EQ((*h)[0].price.toString(), "1.5");
    EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_history"), 2);
}

// record() is all or nothing: a failing statement leaves neither history nor rule changes.
TEST(AlertStore, SyntheticRecordIsOneTransaction) {
    const std::string dir = test::tempDir();
    auto db = openDb(dir);
    ASSERT_TRUE(db);
    AlertStore store(*db);
    AlertRule r;
    r.instrument = kBtc;
    r.condition = Condition::GoesAbove;
    r.level = *parseLevel("1", 0);
    auto id = store.save(r);
    ASSERT_TRUE(id.ok());
    r.id = *id;
    // A trigger that refuses the rule update makes the second statement fail.
    ASSERT_TRUE((*db).exec("CREATE TRIGGER refuse BEFORE UPDATE ON alert_rules BEGIN SELECT RAISE(ABORT, 'refused'); END").ok());
    r.enabled = false;
    AlertEvent e{r.id, kBtc, EventKind::Fired, 5, *Price::parse("2"), "m", true};
    auto st = store.record({e}, {r});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("refused"), std::string::npos) << st.message();
    EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_history"), 0);
    EXPECT_EQ(count(*db, "SELECT enabled FROM alert_rules"), 1);
}

TEST(AlertStore, TheServerFlagIsStoredInItsOwnTableAndSurvivesReopening) {
    const std::string dir = test::tempDir();
    AlertRule rule;
    rule.instrument = kBtc;
    rule.condition = Condition::GoesAbove;
    rule.level = *parseLevel("107000.25", 2);
    rule.server = true;
    std::int64_t id = 0;
    {
        // GIVEN a rule saved as "keep running on the server"
        auto db = openDb(dir);
        ASSERT_TRUE(db);
        AlertStore store(*db);
        auto saved = store.save(rule);
        ASSERT_TRUE(saved.ok()) << saved.message();
        id = *saved;
        EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_rule_server"), 1);
    }
    // WHEN the profile is opened again THEN it still runs on the server
    auto db = openDb(dir);
    ASSERT_TRUE(db);
    AlertStore store(*db);
    auto load = store.load();
    ASSERT_TRUE(load.ok());
    ASSERT_EQ(load->rules.size(), 1u);
    EXPECT_TRUE(load->rules[0].server);
    // AND taken back to the terminal, then deleted, it leaves no row behind
    AlertRule back = load->rules[0];
    back.server = false;
    ASSERT_TRUE(store.save(back).ok());
    EXPECT_FALSE(store.load()->rules[0].server);
    EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_rule_server"), 0);
    back.server = true;
    ASSERT_TRUE(store.save(back).ok());
    ASSERT_TRUE(store.remove(id).ok());
    EXPECT_EQ(count(*db, "SELECT count(*) FROM alert_rule_server"), 0);
}
