#include "signals/signalengine.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::signal;

namespace {
std::vector<Bar> btc1h() {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    EXPECT_TRUE(r.ok()) << r.message();
    return r->bars;
}
bool sameSignal(const Signal& a, const Signal& b) {
    return a.barOpenMs == b.barOpenMs && a.side == b.side && a.confidence == b.confidence && a.score == b.score &&
        a.reasons == b.reasons && a.entry == b.entry && a.stopLoss == b.stopLoss && a.takeProfits == b.takeProfits;
}
}  // namespace

TEST(SignalEngine, RealDataGivesAllSidesWithConsistentLevels) {
    const auto bars = btc1h();
    const auto signals = generateSignals(bars, Timeframe::H1);
    SignalEngine e;
    ASSERT_EQ(signals.size(), bars.size() - static_cast<std::size_t>(e.warmup()));
    int longs = 0, shorts = 0, holds = 0;
    for (const Signal& s : signals) {
        ASSERT_GE(s.confidence, 0);
        ASSERT_LE(s.confidence, 100);
        ASSERT_EQ(s.timeMs, s.barOpenMs + 3600000);
        ASSERT_EQ(s.rewardRisk, 2.0);
        ASSERT_FALSE(s.reasons.empty());
        switch (s.side) {
        case Direction::Long:
            ++longs;
            ASSERT_GE(s.score, 3);
            ASSERT_TRUE(s.stopLoss < s.entry && s.entry < s.takeProfits[0] && s.takeProfits[0] < s.takeProfits[1] &&
                        s.takeProfits[1] < s.takeProfits[2]);
            break;
        case Direction::Short:
            ++shorts;
            ASSERT_LE(s.score, -3);
            ASSERT_TRUE(s.stopLoss > s.entry && s.entry > s.takeProfits[0] && s.takeProfits[0] > s.takeProfits[1] &&
                        s.takeProfits[1] > s.takeProfits[2]);
            break;
        case Direction::Hold:
            ++holds;
            ASSERT_LT(std::abs(s.score), 3);
            break;
        }
        // TP distances are 1, 2 and 3 times the risk.
        const double risk = std::abs(s.entry - s.stopLoss);
        ASSERT_NEAR(std::abs(s.takeProfits[2] - s.entry), 3 * risk, 1e-9 * s.entry);
    }
    EXPECT_GT(longs, 100);
    EXPECT_GT(shorts, 100);
    EXPECT_GT(holds, 100);
}

TEST(SignalEngine, NoFutureBarChangesAPastSignal) {
    // Signals computed on a prefix of the data equal those of the full run: nothing after a bar
    // reaches its signal.
    const auto bars = btc1h();
    const auto all = generateSignals(bars, Timeframe::H1);
    for (std::size_t k : {std::size_t{500}, std::size_t{5000}, std::size_t{20000}}) {
        const auto prefix = generateSignals({bars.begin(), bars.begin() + static_cast<std::ptrdiff_t>(k)}, Timeframe::H1);
        ASSERT_FALSE(prefix.empty());
        for (std::size_t i = 0; i < prefix.size(); ++i) ASSERT_TRUE(sameSignal(prefix[i], all[i])) << k << " " << i;
        EXPECT_LT(prefix.back().barOpenMs, bars[k].openTimeMs);
    }
}

TEST(SignalEngine, ThresholdDecidesBetweenHoldAndADirection) {
    const auto bars = btc1h();
    SignalRules strict;
    strict.minScore = 100;  // more than any bar can score
    for (const Signal& s : generateSignals({bars.begin(), bars.begin() + 3000}, Timeframe::H1, strict))
        ASSERT_EQ(s.side, Direction::Hold);
    SignalRules loose;
    loose.minScore = 1;
    int directional = 0;
    for (const Signal& s : generateSignals({bars.begin(), bars.begin() + 3000}, Timeframe::H1, loose))
        directional += s.side != Direction::Hold;
    EXPECT_GT(directional, 1000);
}

#include "signals/batchsignals.h"

TEST(SignalBatch, ParallelResultsEqualSequentialOnesInOrder) {
    const auto bars = btc1h();
    std::vector<SeriesInput> in;
    for (int k = 0; k < 12; ++k) {
        const auto from = bars.begin() + k * 3000;
        in.push_back(
            {InstrumentId{"BINANCE", std::string("BTCUSDT_").append(std::to_string(k))}, Timeframe::H1, {from, from + 1000}});
    }
    std::atomic<int> calls{0};
    auto all = generateAll(in, {}, nullptr, [&](int, int total) {
        EXPECT_EQ(total, 12);
        ++calls;
    });
    ASSERT_TRUE(all.ok()) << all.message();
    ASSERT_EQ(all->size(), in.size());
    EXPECT_EQ(calls.load(), 12);
    for (std::size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ((*all)[i].id, in[i].id);
        const auto seq = generateSignals(in[i].bars, Timeframe::H1);
        ASSERT_EQ((*all)[i].list.size(), seq.size());
        for (std::size_t j = 0; j < seq.size(); ++j) ASSERT_TRUE(sameSignal((*all)[i].list[j], seq[j])) << i << " " << j;
    }
    // Cancelled before it starts: a clear error, no results.
    std::atomic<bool> cancel{true};
    auto cancelled = generateAll(in, {}, &cancel);
    ASSERT_FALSE(cancelled.ok());
    EXPECT_NE(cancelled.message().find("cancelled after 0 of 12 series"), std::string::npos) << cancelled.message();
}
