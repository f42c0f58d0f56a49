#include "signals/signalstore.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "testdata.h"

#include <QString>

#include <gtest/gtest.h>

#include <limits>

using namespace kairos;
using namespace kairos::signal;

TEST(SignalStore, HistoryAndAccuracySurviveARestart) {
    const std::string dir = test::tempDir();
    const SignalRules rules;
    struct Series {
        InstrumentId id;
        std::vector<Signal> list;
        std::vector<Outcome> outcomes;
    };
    std::vector<Series> series;
    for (const char* sym : {"ETHUSDT", "SOLUSDT"}) {
        auto r =
            marketdata::readBarsCsv(test::resourcesData(std::string("binance_spot_") + sym + "_1h_2025-06-21_2025-09-19.csv"));
        ASSERT_TRUE(r.ok()) << r.message();
        Series s{InstrumentId{"BINANCE", sym}, generateSignals(r->bars, Timeframe::H1, rules), {}};
        for (const Signal& x : s.list) s.outcomes.push_back(evaluate(x, r->bars, rules));
        series.push_back(std::move(s));
    }
    {
        auto db = storage::Database::openProfile(QString::fromStdString(dir));
        ASSERT_TRUE(db.ok()) << db.message();
        SignalStore store(**db);
        for (const auto& s : series) ASSERT_TRUE(store.save(s.id, Timeframe::H1, s.list, s.outcomes).ok());
        // Saving again updates in place (no duplicates)
        ASSERT_TRUE(store.save(series[0].id, Timeframe::H1, series[0].list, series[0].outcomes).ok());
        // A mismatched call is refused and stores nothing
        EXPECT_FALSE(store.save(series[0].id, Timeframe::H1, series[0].list, {}).ok());
    }
    // WHEN the profile is opened again
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    ASSERT_TRUE(db.ok());
    SignalStore store(**db);
    for (const auto& s : series) {
        auto h = store.history(s.id, Timeframe::H1, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max());
        ASSERT_TRUE(h.ok()) << h.message();
        ASSERT_EQ(h->size(), s.list.size());
        for (std::size_t i = 0; i < s.list.size(); ++i) {
            const auto& a = (*h)[i];
            ASSERT_EQ(a.signal.barOpenMs, s.list[i].barOpenMs);
            ASSERT_EQ(a.signal.side, s.list[i].side);
            ASSERT_EQ(a.signal.entry, s.list[i].entry);  // REAL keeps the double exactly
            ASSERT_EQ(a.signal.takeProfits, s.list[i].takeProfits);
            ASSERT_EQ(a.signal.reasons, s.list[i].reasons);
            ASSERT_EQ(a.outcome.exit, s.outcomes[i].exit);
            ASSERT_EQ(a.outcome.r, s.outcomes[i].r);
        }
    }
    // THEN stored accuracy equals the in-memory computation, and is split per instrument and timeframe
    auto acc = store.accuracy();
    ASSERT_TRUE(acc.ok()) << acc.message();
    int expected = 0;
    for (const auto& s : series)
        expected += accuracy(s.list, s.outcomes).count("all") ? accuracy(s.list, s.outcomes).at("all").count : 0;
    EXPECT_EQ(acc->at("all").count, expected);
    EXPECT_EQ(acc->at("instrument BINANCE:ETHUSDT").count + acc->at("instrument BINANCE:SOLUSDT").count, expected);
    EXPECT_EQ(acc->at("timeframe 1h").count, expected);
    const auto eth = accuracy(series[0].list, series[0].outcomes).at("all");
    EXPECT_EQ(acc->at("instrument BINANCE:ETHUSDT").wins, eth.wins);
    EXPECT_NEAR(acc->at("instrument BINANCE:ETHUSDT").sumR, eth.sumR, 1e-9);
}
