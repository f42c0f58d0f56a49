#pragma once
// Shared set-up of the delivery tests: a profile database, a firing of a real rule on real bars
// (BINANCE:BTCUSDT 1m, resources/data), and a fake clock.

#include "alerts/alertengine.h"
#include "alerts/alertstore.h"
#include "alerts/deliveryqueue.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "testdata.h"

#include <QDateTime>
#include <QString>

#include <gtest/gtest.h>

#include <memory>

namespace kairos::test {

inline std::unique_ptr<storage::Database> openDb(const std::string& dir) {
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    EXPECT_TRUE(db.ok()) << db.message();
    return db.ok() ? std::move(*db) : nullptr;
}

/// The first firing of "BTCUSDT crosses above 107,000.25" over the real 1m closes of 2025-05-20..26.
inline std::pair<alerts::AlertRule, alerts::AlertEvent> realFiring(std::vector<std::int64_t> channels, std::string tpl = {}) {
    auto csv = marketdata::readBarsCsv(resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
    EXPECT_TRUE(csv.ok());
    alerts::AlertRule rule;
    rule.id = 1;
    rule.instrument = {"BINANCE", "BTCUSDT"};
    rule.condition = alerts::Condition::CrossesAbove;
    rule.level = *alerts::parseLevel("107000.25", 2);
    rule.note = "take profit";
    rule.trigger = alerts::Trigger::EveryTime;
    rule.channelIds = std::move(channels);
    rule.messageTemplate = std::move(tpl);
    alerts::AlertEngine engine;
    EXPECT_TRUE(engine.setRule(rule).ok());
    for (const Bar& b : csv->bars)
        if (auto events = engine.onPrice(rule.instrument, b.openTimeMs + 60'000, b.close); !events.empty())
            return {*engine.rule(rule.id), events.front()};
    ADD_FAILURE() << "the real bars never crossed the level";
    return {};
}

/// Stores the rule and records its firing (which queues the deliveries). Returns the rule's id.
inline std::int64_t recordFiring(storage::Database& db, alerts::AlertRule rule, alerts::AlertEvent event) {
    alerts::AlertStore store(db);
    rule.id = 0;
    auto id = store.save(rule);
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.message());
    rule.id = *id;
    event.ruleId = *id;
    EXPECT_TRUE(store.record({event}, {rule}).ok());
    return *id;
}

/// A clock the test moves; it starts at the wall clock's now, as the jobs AlertStore::record
/// queues are due at the wall clock's now.
struct FakeClock {
    std::int64_t nowMs = QDateTime::currentMSecsSinceEpoch() + 1;
    alerts::DeliveryQueue::Clock fn() {
        return [this] { return nowMs; };
    }
};

}  // namespace kairos::test
