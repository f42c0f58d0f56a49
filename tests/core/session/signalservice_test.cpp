// SignalService on the bundled replay, headless: the signals it publishes into the hub are the
// batch generateSignals() over the same real bars, and its warm-up gives the batch's last verdict.
#include "session/terminalservices.h"

#include "sessiontestsupport.h"

#include <algorithm>

using namespace kairos;
using namespace kairos::session;

TEST(SignalService, PublishesTheSameSignalsAsGenerateSignalsOnTheReplayedBars) {
    // GIVEN the services on the bundled replay, with a subscriber of the hub's signals
    sessiontest::ReplayProfile p;
    TerminalServices services(*p.session);
    std::vector<SignalEvent> live;
    std::vector<SignalEvent> warm;
    QObject::connect(&services.hub(), &EventHub::signalPublished,
                     [&](const SignalEvent& e) { (e.warmUp ? warm : live).push_back(e); });
    std::vector<signal::StoredSignal> recorded;
    QObject::connect(&services.signalService(), &SignalService::signalRecorded,
                     [&](const signal::StoredSignal& s) { recorded.push_back(s); });
    ASSERT_TRUE(p.load());

    // THEN BTCUSDT's warm-up verdict is the batch's last signal on the same 500 bars
    const auto btcHistory = p.session->feed()->closedBars(sessiontest::kBtc, Timeframe::H1);
    ASSERT_GE(btcHistory.size(), 500u);
    const auto btcBatch = signal::generateSignals({btcHistory.end() - 500, btcHistory.end()}, Timeframe::H1);
    ASSERT_FALSE(btcBatch.empty());
    auto btcWarm = std::find_if(warm.begin(), warm.end(), [](const SignalEvent& e) { return e.instrument == sessiontest::kBtc; });
    ASSERT_NE(btcWarm, warm.end());
    EXPECT_EQ(btcWarm->signal.barOpenMs, btcBatch.back().barOpenMs);
    EXPECT_EQ(btcWarm->signal.side, btcBatch.back().side);
    EXPECT_EQ(btcWarm->signal.confidence, btcBatch.back().confidence);
    EXPECT_TRUE(live.empty());

    // WHEN 400 hours of real bars are replayed (ETHUSDT's engine starts with the replay)
    const std::vector<Bar> eth = sessiontest::ethBars();
    ASSERT_GT(eth.size(), 400u);
    p.session->feed()->advanceTo(eth.front().openTimeMs + 400LL * 3600 * 1000 - 1);

    // THEN ETHUSDT's signals are the batch's on the 399 closed bars, one per bar after the warm-up
    const auto batch = signal::generateSignals({eth.begin(), eth.begin() + 399}, Timeframe::H1);
    ASSERT_FALSE(batch.empty());
    std::vector<SignalEvent> ethLive;
    std::copy_if(live.begin(), live.end(), std::back_inserter(ethLive),
                 [](const SignalEvent& e) { return e.instrument == sessiontest::kEth; });
    ASSERT_EQ(ethLive.size(), batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        EXPECT_EQ(ethLive[i].signal.barOpenMs, batch[i].barOpenMs) << i;
        EXPECT_EQ(ethLive[i].signal.side, batch[i].side) << i;
        EXPECT_EQ(ethLive[i].signal.confidence, batch[i].confidence) << i;
        EXPECT_EQ(ethLive[i].tf, Timeframe::H1);
    }
    // AND its LONG/SHORT signals were recorded and are tracked (HOLD is published, not recorded)
    const auto directional =
        std::count_if(batch.begin(), batch.end(), [](const signal::Signal& s) { return s.side != signal::Direction::Hold; });
    ASSERT_GT(directional, 0);
    const auto ethRecorded =
        std::count_if(recorded.begin(), recorded.end(), [](const signal::StoredSignal& s) { return s.id == sessiontest::kEth; });
    EXPECT_EQ(ethRecorded, directional);
    // AND they are in the profile's signal store
    auto stored = services.signalService().history({sessiontest::kEth});
    ASSERT_TRUE(stored.ok()) << stored.message();
    EXPECT_EQ(static_cast<std::ptrdiff_t>(stored->size()), directional);
}
