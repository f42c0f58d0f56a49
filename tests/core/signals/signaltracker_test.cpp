#include "signals/signaltracker.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "testdata.h"

#include <QString>

#include <gtest/gtest.h>

#include <limits>

using namespace kairos;
using namespace kairos::signal;

// Live tracking, bar by bar, ends with exactly the outcomes the batch evaluation gives on the same
// real bars, and the stored history (read back after a restart) holds them.
TEST(SignalTracker, LiveOutcomesEqualTheBatchEvaluationOnRealBarsAndSurviveARestart) {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv"));
    ASSERT_TRUE(r.ok()) << r.message();
    const std::vector<Bar>& bars = r->bars;
    const InstrumentId sol{"BINANCE", "SOLUSDT"};
    const SignalRules rules;
    const std::string dir = test::tempDir();
    std::size_t tracked = 0;
    {
        auto db = storage::Database::openProfile(QString::fromStdString(dir));
        ASSERT_TRUE(db.ok()) << db.message();
        SignalStore store(**db);
        SignalTracker tracker(&store, rules);
        SignalEngine engine(rules);
        std::size_t resolved = 0;
        for (const Bar& b : bars) {
            auto changed = tracker.onBar(sol, Timeframe::H1, b);  // the bar first judges earlier signals
            ASSERT_TRUE(changed.ok()) << changed.message();
            for (const auto& c : *changed) resolved += c.outcome.exit != Exit::Open;
            if (auto s = engine.onBar(b, nextBucketStart(Timeframe::H1, b.openTimeMs))) {
                ASSERT_TRUE(tracker.onSignal(sol, Timeframe::H1, *s).ok());
                tracked += s->side != Direction::Hold;
            }
        }
        ASSERT_GT(tracked, 20u);
        ASSERT_GT(resolved, 10u);
        EXPECT_EQ(tracked, resolved + tracker.openCount());
    }
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    ASSERT_TRUE(db.ok());
    SignalStore store(**db);
    auto h =
        store.history(sol, Timeframe::H1, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    ASSERT_TRUE(h.ok()) << h.message();
    ASSERT_EQ(h->size(), tracked);
    for (const StoredSignal& s : *h) {
        const Outcome batch = evaluate(s.signal, bars, rules);
        ASSERT_EQ(s.outcome.exit, batch.exit) << s.signal.barOpenMs;
        ASSERT_EQ(s.outcome.tpReached, batch.tpReached) << s.signal.barOpenMs;
        if (batch.exit != Exit::Open) {
            ASSERT_EQ(s.outcome.r, batch.r) << s.signal.barOpenMs;
            ASSERT_EQ(s.outcome.resolvedMs, batch.resolvedMs);
        }
    }
}

// Synthetic edge cases: a bar before the signal is known, a repeated bar and a HOLD signal change
// nothing; the stop inside the first bar resolves at once.
TEST(SignalTracker, SyntheticBarsBeforeTheSignalRepeatsAndHoldAreIgnored) {
    SignalTracker tracker(nullptr);
    const InstrumentId id{"TEST", "X"};
    Signal s;
    s.barOpenMs = 0;
    s.timeMs = 3'600'000;
    s.side = Direction::Long;
    s.entry = 100;
    s.stopLoss = 95;
    s.takeProfits = {105, 110, 115};
    s.rewardRisk = 2;
    ASSERT_TRUE(tracker.onSignal(id, Timeframe::H1, s).ok());
    ASSERT_TRUE(tracker.onSignal(id, Timeframe::H1, s).ok());  // same bar: tracked once
    Signal hold = s;
    hold.barOpenMs = 3'600'000;
    hold.side = Direction::Hold;
    ASSERT_TRUE(tracker.onSignal(id, Timeframe::H1, hold).ok());
    EXPECT_EQ(tracker.openCount(), 1u);

    auto bar = [](std::int64_t t, const char* o, const char* h, const char* l, const char* c) {
        Bar b;
        b.openTimeMs = t;
        b.open = *Price::parse(o);
        b.high = *Price::parse(h);
        b.low = *Price::parse(l);
        b.close = *Price::parse(c);
        b.volume = *Quantity::parse("1");
        b.closed = true;
        return b;
    };
    auto early = tracker.onBar(id, Timeframe::H1, bar(0, "100", "120", "90", "100"));  // the signal's own bar
    ASSERT_TRUE(early.ok());
    EXPECT_TRUE(early->empty());
    auto first = tracker.onBar(id, Timeframe::H1, bar(3'600'000, "100", "106", "99", "104"));  // TP1 touched
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->size(), 1u);
    EXPECT_EQ((*first)[0].outcome.exit, Exit::Open);
    EXPECT_EQ((*first)[0].outcome.tpReached, 1);
    auto again = tracker.onBar(id, Timeframe::H1, bar(3'600'000, "100", "106", "90", "91"));  // replayed bar
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->empty());
    auto stop = tracker.onBar(id, Timeframe::H1, bar(7'200'000, "104", "104", "94", "95"));
    ASSERT_TRUE(stop.ok());
    ASSERT_EQ(stop->size(), 1u);
    EXPECT_EQ((*stop)[0].outcome.exit, Exit::StopLoss);
    EXPECT_EQ((*stop)[0].outcome.tpReached, 1);
    EXPECT_EQ(tracker.openCount(), 0u);
}
