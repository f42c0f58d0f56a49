// AlertService on the bundled replay, headless: a price alert fires at the bar an independent scan
// of the real candles finds, through the hub; the expiry clock expires a rule by the replay clock.
#include "session/terminalservices.h"

#include "sessiontestsupport.h"

#include <QSignalSpy>

using namespace kairos;
using namespace kairos::session;

TEST(AlertService, FiresAPriceAlertAtTheBarAnIndependentScanFinds) {
    // GIVEN the services on the bundled replay and an ETHUSDT alert "goes above" 4% over the first close
    sessiontest::ReplayProfile p;
    TerminalServices services(*p.session);
    ASSERT_TRUE(p.load());
    const std::vector<Bar> eth = sessiontest::ethBars();
    const Price level =
        alerts::parseLevel(std::to_string(static_cast<long long>(eth.front().close.toDouble() * 1.04)), 2).value();
    alerts::AlertRule rule;
    rule.instrument = sessiontest::kEth;
    rule.condition = alerts::Condition::GoesAbove;
    rule.level = level;
    rule.trigger = alerts::Trigger::Once;
    auto id = services.alertService().addRule(rule);
    ASSERT_TRUE(id.ok()) << id.message();
    std::vector<alerts::AlertEvent> fired;
    QObject::connect(&services.hub(), &EventHub::alertOccurred, [&](const alerts::AlertEvent& e) { fired.push_back(e); });
    // AND the first bar whose high goes above the level, found by scanning the candles
    std::size_t expected = 0;
    while (expected < eth.size() && !(eth[expected].high > level)) ++expected;
    ASSERT_GT(expected, 0u);
    ASSERT_LT(expected + 24, eth.size());

    // WHEN the replay plays a day past that bar
    p.session->feed()->advanceTo(eth[expected].openTimeMs + 25LL * 3600 * 1000);

    // THEN the alert fired once, through the hub, inside that bar, at a price above the level
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].ruleId, *id);
    EXPECT_EQ(fired[0].kind, alerts::EventKind::Fired);
    EXPECT_GE(fired[0].timeMs, eth[expected].openTimeMs);
    EXPECT_LE(fired[0].timeMs, eth[expected].openTimeMs + 3600 * 1000);
    EXPECT_GT(fired[0].price, level);
    // AND the once rule is off, and the firing is in the service's log
    EXPECT_FALSE(services.alertService().rule(*id)->enabled);
    ASSERT_FALSE(services.alertService().log().empty());
    EXPECT_EQ(services.alertService().log().front().ruleId, *id);
}

TEST(AlertService, ExpiryClockExpiresARuleByTheReplayClockWithoutPrices) {
    // GIVEN a rule on ETHUSDT expiring two hours into the replay, and no price played yet
    sessiontest::ReplayProfile p;
    TerminalServices services(*p.session);
    ASSERT_TRUE(p.load());
    const std::int64_t start = p.session->feed()->clockMs();
    alerts::AlertRule rule;
    rule.instrument = sessiontest::kEth;
    rule.condition = alerts::Condition::GoesAbove;
    rule.level = alerts::parseLevel("1000000", 2).value();
    rule.expiresAtMs = start + 2 * 3600 * 1000;
    auto id = services.alertService().addRule(rule);
    ASSERT_TRUE(id.ok()) << id.message();
    int trades = 0;
    QObject::connect(&services.hub(), &EventHub::tradeReceived, [&](const InstrumentId&, const Trade&) { ++trades; });
    QSignalSpy events(&services.alertService(), &AlertService::eventOccurred);
    auto nowOf = [&](const InstrumentId& i) { return services.router().clockOf(i); };
    // WHEN the rules are checked before the replay clock reaches the expiry, the rule stays
    services.alertService().expireDue(nowOf);
    EXPECT_TRUE(events.isEmpty());
    EXPECT_TRUE(services.alertService().rule(*id)->enabled);
    // WHEN the replay clock moves past it without publishing a price, with the expiry clock running
    services.alertService().startExpiryClock(nowOf, 10);
    p.session->feed()->seek(start + 3 * 3600 * 1000);
    // THEN the expiry clock expires the rule
    ASSERT_TRUE(events.wait(10000));
    const auto e = events.first().first().value<alerts::AlertEvent>();
    EXPECT_EQ(e.kind, alerts::EventKind::Expired);
    EXPECT_EQ(e.ruleId, *id);
    EXPECT_FALSE(services.alertService().rule(*id)->enabled);
    EXPECT_EQ(trades, 0);
}
