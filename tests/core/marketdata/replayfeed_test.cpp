#include "marketdata/replayfeed.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::marketdata;

namespace {
struct Recorder {
    std::vector<std::pair<InstrumentId, Trade>> trades;
    std::vector<std::pair<InstrumentId, Bar>> bars;  // forming and closed
    std::vector<std::pair<InstrumentId, Bar>> closed;
    int finished = 0;
    explicit Recorder(ReplayFeed& f) {
        QObject::connect(&f, &ReplayFeed::tradeReceived,
                         [this](const InstrumentId& id, const Trade& t) { trades.emplace_back(id, t); });
        QObject::connect(&f, &ReplayFeed::barUpdated, [this](const InstrumentId& id, Timeframe, const Bar& b) {
            bars.emplace_back(id, b);
            if (b.closed) closed.emplace_back(id, b);
        });
        QObject::connect(&f, &ReplayFeed::finished, [this] { ++finished; });
    }
};

std::vector<Bar> load(const char* file, std::size_t n = 0) {
    auto r = readBarsCsv(test::resourcesData(file));
    EXPECT_TRUE(r.ok()) << r.message();
    auto bars = r->bars;
    if (n && bars.size() > n) bars.resize(n);
    return bars;
}

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const InstrumentId kEth{"BINANCE", "ETHUSDT"};
}  // namespace

TEST(ReplayFeed, ReplaysRealBarsWithImpliedTicksInTimeOrder) {
    // GIVEN the first 100 real 1m bars of BTCUSDT and ETHUSDT
    const auto btc = load("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv", 100);
    const auto eth = load("binance_spot_ETHUSDT_1m_2025-05-20_2025-05-26.csv", 100);
    ReplayFeed feed;
    feed.addSeries(kBtc, Timeframe::M1, btc);
    feed.addSeries(kEth, Timeframe::M1, eth);
    for (const auto& id : {kBtc, kEth}) {
        feed.subscribeTrades(id);
        feed.subscribeBars(id, Timeframe::M1);
    }
    Recorder rec(feed);
    // WHEN everything is replayed
    feed.advanceTo(feed.lastTimeMs());
    // THEN every real bar comes back closed and unchanged, in time order, both instruments interleaved
    ASSERT_EQ(rec.closed.size(), 200u);
    std::size_t bi = 0, ei = 0;
    for (const auto& [id, b] : rec.closed) {
        if (id == kBtc)
            EXPECT_EQ(b, btc[bi++]);
        else
            EXPECT_EQ(b, eth[ei++]);
    }
    EXPECT_EQ(bi, 100u);
    EXPECT_EQ(ei, 100u);
    // 4 implied trades per bar, in time order, whose quantities sum exactly to the bar's volume
    ASSERT_EQ(rec.trades.size(), 800u);
    for (std::size_t i = 1; i < rec.trades.size(); ++i) EXPECT_LE(rec.trades[i - 1].second.timeMs, rec.trades[i].second.timeMs);
    Quantity sum = Quantity::fromRaw(0, btc[0].volume.scale());
    int seen = 0;
    for (const auto& [id, t] : rec.trades) {
        if (!(id == kBtc) || t.timeMs >= btc[0].openTimeMs + 60000) continue;
        sum = *sum.add(t.quantity);
        ++seen;
    }
    EXPECT_EQ(seen, 4);
    EXPECT_EQ(sum, btc[0].volume);
    EXPECT_EQ(rec.finished, 1);
}

TEST(ReplayFeed, FormingBarStaysInsideTheRealBar) {
    const auto eth = load("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv", 50);
    ReplayFeed feed;
    feed.addSeries(kEth, Timeframe::H1, eth);
    feed.subscribeBars(kEth, Timeframe::H1);
    Recorder rec(feed);
    feed.advanceTo(feed.lastTimeMs());
    ASSERT_EQ(rec.bars.size(), 250u);  // 4 forming updates + 1 closed per bar
    for (std::size_t i = 0; i < rec.bars.size(); ++i) {
        const Bar& b = rec.bars[i].second;
        const Bar& real = eth[i / 5];
        EXPECT_EQ(b.openTimeMs, real.openTimeMs);
        EXPECT_EQ(b.open, real.open);
        EXPECT_TRUE(b.validate().ok()) << b.validate().message();
        EXPECT_FALSE(real.high < b.high);
        EXPECT_FALSE(b.low < real.low);
        EXPECT_EQ(b.closed, i % 5 == 4);
    }
}

TEST(ReplayFeed, SpeedPacesTheClockAgainstTheWallClock) {
    // GIVEN real 1m bars replayed at 60x with a controlled wall clock
    const auto btc = load("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv", 30);
    ReplayFeed feed;
    feed.addSeries(kBtc, Timeframe::M1, btc);
    feed.subscribeBars(kBtc, Timeframe::M1);
    std::int64_t wall = 0;
    feed.setWallClock([&wall] { return wall; });
    Recorder rec(feed);
    feed.setSpeed(60);
    feed.start();
    // WHEN 1 s of wall time passes THEN one minute of market time was replayed: bar 0 closed
    wall = 1000;
    feed.tick();
    EXPECT_EQ(feed.clockMs(), btc[0].openTimeMs + 60000);
    ASSERT_EQ(rec.closed.size(), 1u);
    EXPECT_EQ(rec.closed[0].second, btc[0]);
    // AND at 10x, 6 more wall seconds replay one more minute
    feed.setSpeed(10);
    wall = 7000;
    feed.tick();
    EXPECT_EQ(feed.clockMs(), btc[0].openTimeMs + 120000);
    EXPECT_EQ(rec.closed.size(), 2u);
    // AND at 1x, one wall minute is one market minute
    feed.setSpeed(1);
    wall = 67000;
    feed.tick();
    EXPECT_EQ(rec.closed.size(), 3u);
}

TEST(ReplayFeed, PauseResumeAndSeek) {
    const auto btc = load("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv", 120);
    ReplayFeed feed;
    feed.addSeries(kBtc, Timeframe::M1, btc);
    feed.subscribeTrades(kBtc);
    std::int64_t wall = 0;
    feed.setWallClock([&wall] { return wall; });
    Recorder rec(feed);
    feed.setSpeed(60);
    feed.start();
    wall = 2000;
    feed.tick();
    const std::size_t before = rec.trades.size();
    const std::int64_t pausedAt = feed.clockMs();
    // WHEN paused, wall time passing publishes nothing
    feed.pause();
    EXPECT_TRUE(feed.isPaused());
    EXPECT_EQ(feed.status().detail, "replay paused");
    wall = 60000;
    feed.tick();
    EXPECT_EQ(rec.trades.size(), before);
    EXPECT_EQ(feed.clockMs(), pausedAt);
    // WHEN resumed, the clock continues from where it paused (no jump)
    feed.resume();
    wall = 61000;
    feed.tick();
    EXPECT_EQ(feed.clockMs(), pausedAt + 60000);
    // WHEN seeking forward, the next trade is the first at or after the target
    const std::int64_t target = btc[100].openTimeMs + 1;
    feed.seek(target);
    rec.trades.clear();
    feed.advanceTo(target + 60000);
    ASSERT_FALSE(rec.trades.empty());
    EXPECT_GE(rec.trades.front().second.timeMs, target);
    EXPECT_EQ(rec.trades.front().second.timeMs, btc[100].openTimeMs + 15000);
    // closedBars() returns what a chart opened now should show
    EXPECT_EQ(feed.closedBars(kBtc, Timeframe::M1).size(), 101u);
}

TEST(ReplayFeed, MaxSpeedRunsToTheEndInBoundedSteps) {
    const auto btc = load("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");  // 10,080 bars = 50,400 events
    ReplayFeed feed;
    feed.addSeries(kBtc, Timeframe::M1, btc);
    feed.subscribeBars(kBtc, Timeframe::M1);
    Recorder rec(feed);
    feed.setSpeed(0);
    feed.start();
    int steps = 0;
    while (!feed.isFinished() && steps < 100) {
        feed.tick();
        ++steps;
    }
    EXPECT_TRUE(feed.isFinished());
    EXPECT_GT(steps, 1);  // never one giant step that would freeze the GUI
    EXPECT_EQ(rec.closed.size(), btc.size());
    EXPECT_EQ(feed.status().state, FeedState::Disconnected);
    EXPECT_EQ(feed.status().detail, "replay finished");
}

TEST(ReplayFeed, OnlySubscribedSeriesArePublished) {
    ReplayFeed feed;
    feed.addSeries(kBtc, Timeframe::M1, load("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv", 10));
    feed.addSeries(kEth, Timeframe::M1, load("binance_spot_ETHUSDT_1m_2025-05-20_2025-05-26.csv", 10));
    feed.subscribeTrades(kEth);
    Recorder rec(feed);
    feed.advanceTo(feed.lastTimeMs());
    EXPECT_EQ(rec.trades.size(), 40u);
    for (const auto& [id, t] : rec.trades) EXPECT_EQ(id, kEth);
    EXPECT_TRUE(rec.bars.empty());
}
