#include "storage/candlestore.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "storage/detail/sqlite.h"
#include "testdata.h"

#include <QCoreApplication>
#include <QProcess>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
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
    const auto bars = realBars("binance_spot_ADABTC-1m-2021-11-27.csv");  // 8-decimal prices, trade counts
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(store.upsert(InstrumentId{"BINANCE", "ADABTC"}, Timeframe::M1, bars).ok());
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
    const auto bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, bars).ok());
    // [from, to) on open times
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
    // shared/data/README.md §1a: the 2020-2025 1h files have exactly 10 gaps, 20 missing hours.
    const auto bars = realBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    auto db = openAt(test::tempDir());
    CandleStore store(*db);
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, bars).ok());
    auto gaps = store.gaps(kBtc, Timeframe::H1, bars.front().openTimeMs, bars.back().openTimeMs + 3600000);
    ASSERT_TRUE(gaps.ok()) << gaps.message();
    const std::vector<Gap> expected = {
        {utcMs(2020, 11, 30, 6), utcMs(2020, 11, 30, 7), 1},   {utcMs(2020, 12, 21, 14), utcMs(2020, 12, 21, 18), 4},
        {utcMs(2020, 12, 25, 2), utcMs(2020, 12, 25, 3), 1},   {utcMs(2021, 2, 11, 4), utcMs(2021, 2, 11, 5), 1},
        {utcMs(2021, 3, 6, 2), utcMs(2021, 3, 6, 3), 1},       {utcMs(2021, 4, 20, 2), utcMs(2021, 4, 20, 4), 2},
        {utcMs(2021, 4, 25, 5), utcMs(2021, 4, 25, 8), 3},     {utcMs(2021, 8, 13, 2), utcMs(2021, 8, 13, 6), 4},
        {utcMs(2021, 9, 29, 7), utcMs(2021, 9, 29, 9), 2},     {utcMs(2023, 3, 24, 13), utcMs(2023, 3, 24, 14), 1},
    };
    EXPECT_EQ(*gaps, expected);
    // A range before the first bar is one gap; an empty range none.
    auto before = store.gaps(kBtc, Timeframe::H1, bars.front().openTimeMs - 3 * 3600000, bars.front().openTimeMs);
    ASSERT_TRUE(before.ok());
    ASSERT_EQ(before->size(), 1u);
    EXPECT_EQ(before->front().missingBars, 3);
    EXPECT_TRUE(store.gaps(kBtc, Timeframe::H1, utcMs(2021, 1, 1), utcMs(2021, 1, 1))->empty());
}

TEST(CandleStore, SyntheticMonthlyGapsFollowTheCalendar) {
    // Edge case (synthetic bars): 1M buckets are calendar months of different lengths.
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
// executable with KAIROS_STORAGE_KILL_CHILD set; otherwise it returns at once.
TEST(CandleStore, KilledImportChildProcess) {
    const QByteArray dir = qgetenv("KAIROS_STORAGE_KILL_CHILD");
    if (dir.isEmpty()) return;
    const auto bars = realBars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    auto db = openAt(dir.toStdString());
    CandleStore store(*db);
    // An import in progress: a transaction holding thousands of written but uncommitted bars.
    ASSERT_TRUE(db->exec("BEGIN IMMEDIATE").ok());
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, {bars.begin() + 1000, bars.end()}).ok());
    std::printf("inside-transaction\n");
    std::fflush(stdout);
    // Wait to be killed; reading stdin blocks without a sleep or a busy loop.
    (void)std::getchar();
    std::abort();
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
    // WHEN another process is SIGKILLed in the middle of importing 9,080 more
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KAIROS_STORAGE_KILL_CHILD"), QString::fromStdString(dir));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--gtest_filter=CandleStore.KilledImportChildProcess")});
    ASSERT_TRUE(child.waitForStarted());
    QByteArray out;
    while (!out.contains("inside-transaction") && child.waitForReadyRead(60000)) out += child.readAllStandardOutput();
    ASSERT_TRUE(out.contains("inside-transaction")) << out.toStdString() << child.readAllStandardError().toStdString();
    child.kill();  // SIGKILL: no cleanup, no rollback by the child
    ASSERT_TRUE(child.waitForFinished());
    // THEN the database is consistent and holds exactly the committed bars
    auto db = openAt(dir);
    auto check = storage::detail::queryText(db->handle(), "PRAGMA integrity_check");
    ASSERT_TRUE(check.ok());
    EXPECT_EQ(*check, "ok");
    CandleStore store(*db);
    auto back = store.range(kBtc, Timeframe::M1, kMin, kMax);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(*back, committed);
    // AND the store accepts the import again afterwards
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::M1, bars).ok());
    EXPECT_EQ(store.range(kBtc, Timeframe::M1, kMin, kMax)->size(), bars.size());
}
