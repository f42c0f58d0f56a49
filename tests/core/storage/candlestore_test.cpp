#include "storage/candlestore.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "storage/sqlite.h"
#include "testdata.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>

#include <gtest/gtest.h>

#include <cstdio>
#include <algorithm>
#include <limits>

using namespace kairos;
using namespace kairos::storage;

namespace {
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

std::vector<Bar> realBars(const char* file) {
    auto r = marketdata::readBarsCsv(test::resourcesData(file));
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? r->bars : std::vector<Bar>{};
}

std::unique_ptr<Database> openAt(const std::string& dir) {
    auto db = Database::openProfile(QString::fromStdString(dir));
    EXPECT_TRUE(db.ok()) << db.message();
    return db.ok() ? std::move(*db) : nullptr;
}
}  // namespace

TEST(CandleStore, RealBarsRoundTripExactly) {
    // GIVEN real archive bars: 8-decimal prices, quote volumes and trade counts
    const auto bars = realBars("binance_spot_ADABTC-1m-2021-11-27.csv");
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    // WHEN they are stored and read back
    ASSERT_TRUE(store.upsert(InstrumentId{"BINANCE", "ADABTC"}, Timeframe::M1, bars).ok());
    // THEN every bar is equal, down to its text form
    auto back = store.range(InstrumentId{"BINANCE", "ADABTC"}, Timeframe::M1, kMin, kMax);
    ASSERT_TRUE(back.ok()) << back.message();
    ASSERT_EQ(back->size(), bars.size());
    for (std::size_t i = 0; i < bars.size(); ++i) {
        EXPECT_EQ((*back)[i], bars[i]) << i;
        EXPECT_EQ((*back)[i].open.toString(), bars[i].open.toString());  // "0.00002853" stays exactly that
        EXPECT_EQ((*back)[i].quoteVolume.toString(), bars[i].quoteVolume.toString());
    }
}

TEST(CandleStore, RangeLatestAndReplace) {
    // GIVEN five years of real hourly bars
    const auto bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, bars).ok());
    // WHEN a day is asked for THEN it is [from, to) on open times
    auto day = store.range(kBtc, Timeframe::H1, utcMs(2020, 9, 21), utcMs(2020, 9, 22));
    ASSERT_TRUE(day.ok());
    ASSERT_EQ(day->size(), 24u);
    EXPECT_EQ(day->front().openTimeMs, utcMs(2020, 9, 21));
    EXPECT_EQ(day->back().openTimeMs, utcMs(2020, 9, 21, 23));
    auto latest = store.latest(kBtc, Timeframe::H1);
    ASSERT_TRUE(latest.ok() && latest->has_value());
    EXPECT_EQ(**latest, bars.back());
    // Same open time replaces the bar (a forming bar updated, or a corrected import)
    Bar changed = bars.back();
    changed.close = *changed.close.add(*Price::parse("0.01"));
    changed.high = std::max(changed.high, changed.close);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, {changed}).ok());
    EXPECT_EQ(**store.latest(kBtc, Timeframe::H1), changed);
    auto series = store.series();
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), 1u);
    EXPECT_EQ(series->front().barCount, static_cast<std::int64_t>(bars.size()));
    EXPECT_EQ(series->front().firstOpenMs, bars.front().openTimeMs);
    EXPECT_FALSE(store.latest(kBtc, Timeframe::M1)->has_value());  // other timeframe: empty
    EXPECT_EQ(*store.remove(kBtc, Timeframe::H1), static_cast<std::int64_t>(bars.size()));
    EXPECT_TRUE(store.series()->empty());
}

TEST(CandleStore, GapsAreTheRealBinanceOutages) {
    // GIVEN the real 2020-2025 hourly file, which has exactly 10 gaps / 20 missing hours
    // (Binance outages; shared/data/README.md §1a)
    const auto bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, bars).ok());
    // WHEN gaps are looked for over its whole span THEN those are exactly the ones found
    auto gaps = store.gaps(kBtc, Timeframe::H1, bars.front().openTimeMs, bars.back().openTimeMs + 3600000);
    ASSERT_TRUE(gaps.ok()) << gaps.message();
    const std::vector<Gap> expected = {
        {utcMs(2020, 11, 30, 6), utcMs(2020, 11, 30, 7), 1}, {utcMs(2020, 12, 21, 14), utcMs(2020, 12, 21, 18), 4},
        {utcMs(2020, 12, 25, 2), utcMs(2020, 12, 25, 3), 1}, {utcMs(2021, 2, 11, 4), utcMs(2021, 2, 11, 5), 1},
        {utcMs(2021, 3, 6, 2), utcMs(2021, 3, 6, 3), 1},     {utcMs(2021, 4, 20, 2), utcMs(2021, 4, 20, 4), 2},
        {utcMs(2021, 4, 25, 5), utcMs(2021, 4, 25, 8), 3},   {utcMs(2021, 8, 13, 2), utcMs(2021, 8, 13, 6), 4},
        {utcMs(2021, 9, 29, 7), utcMs(2021, 9, 29, 9), 2},   {utcMs(2023, 3, 24, 13), utcMs(2023, 3, 24, 14), 1},
    };
    EXPECT_EQ(*gaps, expected);
    std::int64_t missing = 0;
    for (const Gap& g : *gaps) missing += g.missingBars;
    EXPECT_EQ(missing, 20);
    // AND the whole-series form finds the same
    EXPECT_EQ(*store.gaps(kBtc, Timeframe::H1), expected);
    // AND a range before the first bar is one gap; an empty range none.
    auto before = store.gaps(kBtc, Timeframe::H1, bars.front().openTimeMs - 3 * 3600000, bars.front().openTimeMs);
    ASSERT_TRUE(before.ok());
    ASSERT_EQ(before->size(), 1u);
    EXPECT_EQ(before->front().missingBars, 3);
    EXPECT_TRUE(store.gaps(kBtc, Timeframe::H1, utcMs(2021, 1, 1), utcMs(2021, 1, 1))->empty());
}

TEST(CandleStore, SyntheticMonthlyGapsFollowTheCalendar) {
    // GIVEN (edge case, synthetic bars) January, February and May 2024 as monthly bars
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    auto month = [](int y, unsigned m) {
        Bar b;
        b.openTimeMs = utcMs(y, m, 1);
        b.open = b.high = b.low = b.close = *Price::parse("1");
        b.volume = *Quantity::parse("1");
        return b;
    };
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::MN1, {month(2024, 1), month(2024, 2), month(2024, 5)}).ok());
    // WHEN gaps are looked for up to July THEN March-April and June are missing, as months
    auto gaps = store.gaps(kBtc, Timeframe::MN1, utcMs(2024, 1, 1), utcMs(2024, 7, 1));
    ASSERT_TRUE(gaps.ok()) << gaps.message();
    const std::vector<Gap> expected = {{utcMs(2024, 3, 1), utcMs(2024, 5, 1), 2}, {utcMs(2024, 6, 1), utcMs(2024, 7, 1), 1}};
    EXPECT_EQ(*gaps, expected);
}

TEST(CandleStore, FailedBatchLeavesPreviousDataIntact) {
    // GIVEN 1,000 real bars stored
    const auto bars = realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    const std::vector<Bar> first(bars.begin(), bars.begin() + 1000);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, first).ok());
    // WHEN a batch that rewrites some of them and adds more fails half-way (a bar the
    // database's own checks reject: a negative trade count, synthetic)
    std::vector<Bar> batch(bars.begin() + 500, bars.begin() + 3000);
    batch[1700].tradeCount = -1;
    auto st = store.upsert(kBtc, Timeframe::M1, batch);
    ASSERT_FALSE(st.ok());
    // THEN nothing of the batch is stored and the first 1,000 bars are exactly as before
    auto back = store.range(kBtc, Timeframe::M1, kMin, kMax);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, first);
}

// Child half of KilledImportLeavesCommittedDataIntact: runs only when the parent starts this
// executable with KAIROS_STORAGE_KILL_CHILD set; otherwise it returns at once (a pass).
TEST(CandleStore, KilledImportChildProcess) {
    const QByteArray dir = qgetenv("KAIROS_STORAGE_KILL_CHILD");
    if (dir.isEmpty()) return;
    const auto bars = realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    auto db = openAt(dir.toStdString());
    CandleStore store(*db);
    // A small page cache makes SQLite spill the uncommitted pages into the -wal file, so the kill
    // lands on a file that really holds half a transaction (the case recovery must ignore).
    ASSERT_TRUE(db->exec("PRAGMA cache_size = 32").ok());
    // One big import transaction: the caller's BEGIN makes every upsert below a savepoint of it.
    ASSERT_TRUE(db->exec("BEGIN IMMEDIATE").ok());
    // It rewrites the 1,000 committed bars (different trade counts, not closed) ...
    std::vector<Bar> rewritten(bars.begin(), bars.begin() + 1000);
    for (Bar& b : rewritten) {
        b.tradeCount += 1;
        b.closed = false;
    }
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, rewritten).ok());
    // ... and appends the rest of the week, then the same week tiled forward, until killed.
    const std::vector<Bar> rest(bars.begin() + 1000, bars.end());
    const std::int64_t week = bars.back().openTimeMs + 60000 - bars.front().openTimeMs;
    for (int round = 0; round < 2000; ++round) {
        std::vector<Bar> batch = rest;
        for (Bar& b : batch) b.openTimeMs += round * week;
        ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, batch).ok());
        if (round == 2) {
            std::printf("inside-transaction\n");
            std::fflush(stdout);
        }
    }
    ADD_FAILURE() << "the parent never killed this process";
}

TEST(CandleStore, KilledImportLeavesCommittedDataIntact) {
    // GIVEN a profile with 1,000 committed real bars
    const std::string dir = test::tempDir();
    const auto bars = realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    const std::vector<Bar> committed(bars.begin(), bars.begin() + 1000);
    {
        auto db = openAt(dir);
        CandleStore store(*db);
        ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, committed).ok());
    }
    // WHEN another process is SIGKILLed while it imports in one big transaction (rewriting those
    // bars and appending tens of thousands more)
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KAIROS_STORAGE_KILL_CHILD"), QString::fromStdString(dir));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--gtest_filter=CandleStore.KilledImportChildProcess")});
    ASSERT_TRUE(child.waitForStarted());
    QByteArray out;
    while (!out.contains("inside-transaction") && child.waitForReadyRead(60000)) out += child.readAllStandardOutput();
    ASSERT_TRUE(out.contains("inside-transaction")) << out.toStdString() << child.readAllStandardError().toStdString();
    child.kill();  // SIGKILL: no destructor, no rollback, no checkpoint in the child
    ASSERT_TRUE(child.waitForFinished());
    EXPECT_EQ(child.exitStatus(), QProcess::CrashExit);
    // (the uncommitted pages did reach the disk: the -wal file is not empty)
    EXPECT_GT(QFileInfo(QString::fromStdString(dir) + QStringLiteral("/kairos.sqlite-wal")).size(), 0);
    // THEN the database is consistent and holds exactly the committed bars, nothing of the import
    auto db = openAt(dir);
    auto check = storage::sql::queryText(db->handle(), "PRAGMA integrity_check");
    ASSERT_TRUE(check.ok()) << check.message();
    EXPECT_EQ(*check, "ok");
    CandleStore store(*db);
    auto back = store.range(kBtc, Timeframe::M1, kMin, kMax);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(*back, committed);
    auto series = store.series();
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), 1u);
    EXPECT_EQ(series->front().barCount, 1000);
    // AND the store accepts the import again afterwards
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, bars).ok());
    EXPECT_EQ(*store.range(kBtc, Timeframe::M1, kMin, kMax), bars);
}

namespace {
/// Every field of `a` and `b` written out, so that a scale change ("1.0" vs "1.00") shows.
std::string text(const Bar& b) {
    return std::to_string(b.openTimeMs) + " " + b.open.toString() + " " + b.high.toString() + " " + b.low.toString() + " " +
        b.close.toString() + " " + b.volume.toString() + " " + b.quoteVolume.toString() + " " + std::to_string(b.tradeCount) +
        (b.closed ? " closed" : " open");
}

/// Real bars aggregated to a longer timeframe (first open, max high, min low, last close, sums).
std::vector<Bar> resample(const std::vector<Bar>& in, Timeframe tf) {
    std::vector<Bar> out;
    for (const Bar& b : in) {
        const std::int64_t start = bucketStart(tf, b.openTimeMs);
        if (out.empty() || out.back().openTimeMs != start) {
            out.push_back(b);
            out.back().openTimeMs = start;
            continue;
        }
        Bar& o = out.back();
        o.high = std::max(o.high, b.high);
        o.low = std::min(o.low, b.low);
        o.close = b.close;
        o.volume = *o.volume.add(b.volume);
        o.quoteVolume = *o.quoteVolume.add(b.quoteVolume);
        o.tradeCount += b.tradeCount;
    }
    return out;
}

std::vector<Bar> without(std::vector<Bar> bars, const std::vector<std::int64_t>& openTimes) {
    std::erase_if(bars,
                  [&](const Bar& b) { return std::find(openTimes.begin(), openTimes.end(), b.openTimeMs) != openTimes.end(); });
    return bars;
}
}  // namespace

TEST(CandleStore, RealHourlyHistorySurvivesReopenExactly) {
    // GIVEN five years of real hourly bars stored in a profile that is then closed
    const auto bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    const std::string dir = test::tempDir();
    {
        auto db = openAt(dir);
        CandleStore store(*db);
        ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, bars).ok());
    }
    // WHEN the profile is opened again
    auto db = openAt(dir);
    CandleStore store(*db);
    auto back = store.range(kBtc, Timeframe::H1, kMin, kMax);
    // THEN all 43,803 bars read back equal, field by field and as text
    ASSERT_TRUE(back.ok()) << back.message();
    ASSERT_EQ(back->size(), bars.size());
    for (std::size_t i = 0; i < bars.size(); ++i) {
        ASSERT_EQ((*back)[i], bars[i]) << i;
        ASSERT_EQ(text((*back)[i]), text(bars[i])) << i;
    }
    EXPECT_EQ(**store.latest(kBtc, Timeframe::H1), bars.back());
}

TEST(CandleStore, SyntheticExtremeDecimalsRoundTripExactly) {
    // GIVEN (edge case, synthetic) bars with the extreme raws and scales a Fixed can hold, a
    // different scale in every field, numerically equal values with different text ("1.0" and
    // "1.00"), a forming bar and a time before the epoch
    Bar a;
    a.openTimeMs = -60000;
    a.open = Price::fromRaw(std::numeric_limits<std::int64_t>::max(), 18);
    a.high = Price::fromRaw(std::numeric_limits<std::int64_t>::max(), 0);
    a.low = Price::fromRaw(1, 18);
    a.close = Price::fromRaw(100, 2);
    a.volume = Quantity::fromRaw(std::numeric_limits<std::int64_t>::min(), 7);
    a.quoteVolume = Quantity::fromRaw(0, 13);
    a.tradeCount = std::numeric_limits<std::int64_t>::max();
    a.closed = false;
    Bar b = a;
    b.openTimeMs = 0;
    b.close = Price::fromRaw(10, 1);
    b.closed = true;
    b.tradeCount = 0;
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    // WHEN they are stored and read back
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, {a, b}).ok());
    auto back = store.range(kBtc, Timeframe::M1, kMin, kMax);
    // THEN they are identical, text included
    ASSERT_TRUE(back.ok()) << back.message();
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0], a);
    EXPECT_EQ((*back)[1], b);
    EXPECT_EQ(text((*back)[0]), text(a));
    EXPECT_EQ(text((*back)[1]), text(b));
    EXPECT_EQ((*back)[1].close.toString(), "1.0");
}

TEST(CandleStore, WeeklyAndMonthlyGapsFromRealDailyBars) {
    // GIVEN real daily bars aggregated to weeks (Monday 00:00 UTC) and calendar months, with
    // some weeks and months left out (among them the leap February of 2024)
    const auto daily = realBars("binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv");
    const auto weeks = resample(daily, Timeframe::W1);
    const auto months = resample(daily, Timeframe::MN1);
    ASSERT_EQ(weeks.front().openTimeMs, utcMs(2020, 9, 14));  // the Monday before 2020-09-20
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(
        store.upsert(kBtc, Timeframe::W1, without(weeks, {utcMs(2022, 1, 3), utcMs(2022, 1, 10), utcMs(2023, 12, 25)})).ok());
    ASSERT_TRUE(
        store.upsert(kBtc, Timeframe::MN1, without(months, {utcMs(2021, 12, 1), utcMs(2024, 2, 1), utcMs(2024, 3, 1)})).ok());
    // WHEN gaps are looked for over each series
    auto weekGaps = store.gaps(kBtc, Timeframe::W1);
    auto monthGaps = store.gaps(kBtc, Timeframe::MN1);
    // THEN they are whole weeks and whole calendar months
    ASSERT_TRUE(weekGaps.ok()) << weekGaps.message();
    ASSERT_TRUE(monthGaps.ok()) << monthGaps.message();
    EXPECT_EQ(*weekGaps,
              (std::vector<Gap>{{utcMs(2022, 1, 3), utcMs(2022, 1, 17), 2}, {utcMs(2023, 12, 25), utcMs(2024, 1, 1), 1}}));
    EXPECT_EQ(*monthGaps,
              (std::vector<Gap>{{utcMs(2021, 12, 1), utcMs(2022, 1, 1), 1}, {utcMs(2024, 2, 1), utcMs(2024, 4, 1), 2}}));
    // AND a range that starts mid-week counts from the next Monday
    auto fromWednesday = store.gaps(kBtc, Timeframe::W1, utcMs(2022, 1, 5), utcMs(2022, 1, 24));
    ASSERT_TRUE(fromWednesday.ok());
    EXPECT_EQ(*fromWednesday, (std::vector<Gap>{{utcMs(2022, 1, 10), utcMs(2022, 1, 17), 1}}));
}

TEST(CandleStore, RealFilesWithoutOutagesHaveNoGaps) {
    // GIVEN the real 1m week and the five daily files, which have no missing bars
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv")).ok());
    for (const char* sym : {"BTC", "ETH", "SOL", "BNB", "XRP"}) {
        const std::string file = std::string("binance_spot_") + sym + "USDT_1d_2020-09-20_2025-09-18.csv";
        ASSERT_TRUE(store.upsert(InstrumentId{"BINANCE", std::string(sym) + "USDT"}, Timeframe::D1, realBars(file.c_str())).ok());
    }
    // WHEN / THEN no series has a gap
    auto series = store.series();
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), 6u);
    for (const SeriesInfo& s : *series) {
        auto gaps = store.gaps(s.instrument, s.timeframe);
        ASSERT_TRUE(gaps.ok()) << gaps.message();
        EXPECT_TRUE(gaps->empty()) << s.instrument.toString() << " " << toString(s.timeframe);
    }
}

TEST(CandleStore, SeriesAreKeptApartListedAndRemoved) {
    // GIVEN real bars of several instruments and timeframes, 1m (minute) and 1M (month) among them
    const auto minutes = realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    const auto daily = realBars("binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv");
    const auto months = resample(daily, Timeframe::MN1);
    const auto ethDaily = realBars("binance_spot_ETHUSDT_1d_2020-09-20_2025-09-18.csv");
    const InstrumentId eth{"BINANCE", "ETHUSDT"};
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::MN1, months).ok());
    ASSERT_TRUE(store.upsert(eth, Timeframe::D1, ethDaily).ok());
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::D1, daily).ok());
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, minutes).ok());
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, {}).ok());  // nothing: no series either
    // WHEN the series are listed
    auto series = store.series();
    // THEN each is there once, by instrument then timeframe length, with its own count and span
    ASSERT_TRUE(series.ok()) << series.message();
    ASSERT_EQ(series->size(), 4u);
    EXPECT_EQ((*series)[0].timeframe, Timeframe::M1);
    EXPECT_EQ((*series)[0].barCount, static_cast<std::int64_t>(minutes.size()));
    EXPECT_EQ((*series)[0].firstOpenMs, minutes.front().openTimeMs);
    EXPECT_EQ((*series)[0].lastOpenMs, minutes.back().openTimeMs);
    EXPECT_EQ((*series)[1].timeframe, Timeframe::D1);
    EXPECT_EQ((*series)[2].timeframe, Timeframe::MN1);
    EXPECT_EQ((*series)[2].barCount, static_cast<std::int64_t>(months.size()));
    EXPECT_EQ((*series)[3].instrument, eth);
    EXPECT_EQ((*series)[3].barCount, static_cast<std::int64_t>(ethDaily.size()));
    EXPECT_EQ(*store.range(kBtc, Timeframe::MN1, kMin, kMax), months);
    EXPECT_EQ(*store.range(eth, Timeframe::D1, kMin, kMax), ethDaily);
    // AND removing one series leaves the others; removing a missing one removes nothing
    EXPECT_EQ(*store.remove(kBtc, Timeframe::D1), static_cast<std::int64_t>(daily.size()));
    EXPECT_EQ(*store.remove(kBtc, Timeframe::D1), 0);
    EXPECT_EQ(*store.remove(InstrumentId{"BINANCE", "NOPE"}, Timeframe::D1), 0);
    EXPECT_EQ(store.series()->size(), 3u);
    EXPECT_TRUE(store.range(kBtc, Timeframe::D1, kMin, kMax)->empty());
    EXPECT_EQ(*store.range(kBtc, Timeframe::M1, kMin, kMax), minutes);
}

TEST(CandleStore, FailedFirstBatchCreatesNoSeries) {
    // GIVEN real bars, one of which carries an impossible decimal scale (synthetic corruption)
    auto bars = realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    bars[5000].volume = Quantity::fromRaw(1, 19);
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    // WHEN they are stored into a new series
    auto st = store.upsert(kBtc, Timeframe::M1, bars);
    // THEN the error names the bar and the series, and not even the series was created
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find(formatUtc(bars[5000].openTimeMs)), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("BINANCE:BTCUSDT 1m"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("nothing was stored"), std::string::npos) << st.message();
    EXPECT_TRUE(store.series()->empty());
}

TEST(CandleStore, UpsertInsideACallerTransactionIsASavepoint) {
    // GIVEN a caller that opened its own transaction
    const auto bars = realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    const std::vector<Bar> a(bars.begin(), bars.begin() + 100);
    std::vector<Bar> b(bars.begin() + 100, bars.begin() + 200);
    b[50].tradeCount = -1;  // synthetic: rejected by the table's CHECK
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(db->exec("BEGIN").ok());
    // WHEN one upsert succeeds and the next fails inside it
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, a).ok());
    ASSERT_FALSE(store.upsert(kBtc, Timeframe::M1, b).ok());
    // THEN only the failed one is undone, and the caller's transaction goes on
    EXPECT_EQ(*store.range(kBtc, Timeframe::M1, kMin, kMax), a);
    ASSERT_TRUE(db->exec("COMMIT").ok());
    EXPECT_EQ(*store.range(kBtc, Timeframe::M1, kMin, kMax), a);
    // AND a caller's rollback takes back what upsert wrote inside it
    ASSERT_TRUE(db->exec("BEGIN").ok());
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, {bars.begin() + 100, bars.begin() + 200}).ok());
    ASSERT_TRUE(db->exec("ROLLBACK").ok());
    EXPECT_EQ(*store.range(kBtc, Timeframe::M1, kMin, kMax), a);
}
