// BarHistory and LayoutStore: which stored timeframe builds which, aggregation edge cases
// (synthetic), paging backwards over real bars, the replay-clock cutoff, named layouts.
#include "storage/barhistory.h"

#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"
#include "storage/layoutstore.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <limits>

using namespace kairos;
using namespace kairos::storage;

namespace {
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kHour = 3'600'000;
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

Bar synthetic(std::int64_t t, const char* o, const char* h, const char* l, const char* c, const char* v, bool closed = true) {
    Bar b;
    b.openTimeMs = t;
    b.open = Price::parse(o).value();
    b.high = Price::parse(h).value();
    b.low = Price::parse(l).value();
    b.close = Price::parse(c).value();
    b.volume = Quantity::parse(v).value();
    b.tradeCount = 1;
    b.closed = closed;
    return b;
}

std::unique_ptr<Database> freshDb() {
    auto db = Database::openProfile(QString::fromStdString(test::tempDir()));
    EXPECT_TRUE(db.ok()) << db.message();
    return db.ok() ? std::move(*db) : nullptr;
}
}  // namespace

TEST(BarHistory, TilingFollowsTheBucketRules) {
    EXPECT_TRUE(tilesInto(Timeframe::H1, Timeframe::H4));
    EXPECT_TRUE(tilesInto(Timeframe::H1, Timeframe::H1));
    EXPECT_TRUE(tilesInto(Timeframe::M1, Timeframe::D3));
    EXPECT_TRUE(tilesInto(Timeframe::D1, Timeframe::D3));   // 3d buckets are epoch-aligned days
    EXPECT_TRUE(tilesInto(Timeframe::D1, Timeframe::W1));   // weeks start at a midnight
    EXPECT_TRUE(tilesInto(Timeframe::H8, Timeframe::MN1));  // months start at a midnight
    EXPECT_FALSE(tilesInto(Timeframe::D3, Timeframe::W1));  // a 3d bucket straddles Mondays
    EXPECT_FALSE(tilesInto(Timeframe::W1, Timeframe::MN1));
    EXPECT_FALSE(tilesInto(Timeframe::M3, Timeframe::M5));
    EXPECT_FALSE(tilesInto(Timeframe::H4, Timeframe::H1));
    EXPECT_FALSE(tilesInto(Timeframe::MN1, Timeframe::D1));
}

TEST(BarHistory, SyntheticAggregationIsExactAndMarksThePartialBucket) {
    // Two 1h bars in the 00:00 4h bucket, then one in the next (still forming).
    const std::vector<Bar> bars = {
        synthetic(0, "10.0", "12.5", "9.75", "11", "1.5"),
        synthetic(kHour, "11", "11.25", "8", "10.1", "0.25"),
        synthetic(4 * kHour, "10.1", "10.2", "10", "10.15", "3", false),
    };
    auto agg = aggregateBars(bars, Timeframe::H4);
    ASSERT_TRUE(agg.ok()) << agg.message();
    ASSERT_EQ(agg->size(), 2u);
    const Bar& a = (*agg)[0];
    EXPECT_EQ(a.openTimeMs, 0);
    EXPECT_EQ(a.open, Price::parse("10").value());
    EXPECT_EQ(a.high, Price::parse("12.5").value());
    EXPECT_EQ(a.low, Price::parse("8").value());
    EXPECT_EQ(a.close, Price::parse("10.1").value());
    EXPECT_EQ(a.volume.toString(), "1.75");  // exact decimal sum
    EXPECT_EQ(a.tradeCount, 2);
    EXPECT_TRUE(a.closed);
    EXPECT_FALSE((*agg)[1].closed);
    // Volume overflow is an error, not a wrong number.
    std::vector<Bar> huge = {synthetic(0, "1", "1", "1", "1", "9000000000000000000"),
                             synthetic(kHour, "1", "1", "1", "1", "9000000000000000000")};
    EXPECT_FALSE(aggregateBars(huge, Timeframe::H4).ok());
}

TEST(BarHistory, SyntheticMondayWeeksAndCalendarMonths) {
    // 2024-02-28 .. 2024-03-05, daily: Monday is 2024-03-04; February has 29 days in 2024.
    std::vector<Bar> days;
    days.reserve(7);
    for (int d = 0; d < 7; ++d) days.push_back(synthetic(utcMs(2024, 2, 28) + d * 24 * kHour, "1", "2", "0.5", "1.5", "1"));
    auto weeks = aggregateBars(days, Timeframe::W1);
    ASSERT_TRUE(weeks.ok());
    ASSERT_EQ(weeks->size(), 2u);
    EXPECT_EQ((*weeks)[0].openTimeMs, utcMs(2024, 2, 26));
    EXPECT_EQ((*weeks)[1].openTimeMs, utcMs(2024, 3, 4));
    EXPECT_EQ((*weeks)[0].volume.toString(), "5");  // Wed..Sun
    auto months = aggregateBars(days, Timeframe::MN1);
    ASSERT_TRUE(months.ok());
    ASSERT_EQ(months->size(), 2u);
    EXPECT_EQ((*months)[0].openTimeMs, utcMs(2024, 2, 1));
    EXPECT_EQ((*months)[0].volume.toString(), "2");  // 28th and 29th
    EXPECT_EQ((*months)[1].openTimeMs, utcMs(2024, 3, 1));
}

TEST(BarHistory, PagesBackwardsOverRealBarsWithoutGapsOrOverlap) {
    auto db = freshDb();
    ASSERT_TRUE(db);
    CandleStore store(*db);
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    ASSERT_TRUE(csv.ok());
    ASSERT_TRUE(store.upsert(kBtc, Timeframe::H1, csv->bars).ok());
    BarHistory history(store);

    auto src = history.sourceFor(kBtc, Timeframe::D1);
    ASSERT_TRUE(src.ok());
    EXPECT_EQ(*src, std::optional<Timeframe>(Timeframe::H1));
    auto none = history.sourceFor(kBtc, Timeframe::M15);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());

    // Every page of 4h bars, newest first, joined, equals the whole series aggregated at once.
    auto all = aggregateBars(csv->bars, Timeframe::H4);
    ASSERT_TRUE(all.ok());
    // The newest 4h bucket is partial when the file stops before its end: the page says so.
    const std::int64_t lastOpen = csv->bars.back().openTimeMs;
    all->back().closed = nextBucketStart(Timeframe::H4, lastOpen) == lastOpen + kHour;
    std::vector<Bar> joined;
    std::int64_t before = kMax;
    int pages = 0;
    while (true) {
        auto page = history.page(kBtc, Timeframe::H4, before, kMax, 3000);
        ASSERT_TRUE(page.ok()) << page.message();
        joined.insert(joined.begin(), page->bars.begin(), page->bars.end());
        ++pages;
        if (page->exhausted || page->bars.empty()) break;
        before = page->bars.front().openTimeMs;
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 4);  // 10,950 bars in pages of 3,000 (the last page says nothing is older)
    ASSERT_EQ(joined.size(), all->size());
    for (std::size_t i = 0; i < joined.size(); ++i) ASSERT_EQ(joined[i], (*all)[i]) << i;

    // The replay clock at 2025-06-21 23:00: nothing at or after it, the 20:00 bucket partial.
    const std::int64_t clock = utcMs(2025, 6, 21, 23);
    auto page = history.page(kBtc, Timeframe::H4, kMax, clock, 10);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->bars.size(), 10u);
    EXPECT_EQ(page->bars.back().openTimeMs, utcMs(2025, 6, 21, 20));
    EXPECT_FALSE(page->bars.back().closed);
    EXPECT_TRUE(page->bars[8].closed);
    EXPECT_EQ(page->sourceEndMs, clock);
    // An unknown instrument: empty and exhausted, no error.
    auto empty = history.page(InstrumentId{"BINANCE", "NOPE"}, Timeframe::H1, kMax, kMax, 10);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->bars.empty() && empty->exhausted && !empty->source);
}

TEST(LayoutStore, NamedLayoutsAndTheLastOneSurviveReopening) {
    const std::string dir = test::tempDir();
    {
        auto db = Database::openProfile(QString::fromStdString(dir));
        ASSERT_TRUE(db.ok());
        LayoutStore store(**db);
        EXPECT_EQ(store.last().value(), "");
        EXPECT_TRUE(store.names()->empty());
        ASSERT_TRUE(store.save("Swing", R"({"grid":4})").ok());
        ASSERT_TRUE(store.save("Scalp 1m", R"({"grid":2})").ok());
        ASSERT_TRUE(store.save("Swing", R"({"grid":6})").ok());  // replaces
        ASSERT_TRUE(store.setLast(R"({"grid":1})").ok());
        EXPECT_FALSE(store.save(" ", "{}").ok());
        EXPECT_FALSE(store.save(std::string(101, 'x'), "{}").ok());
    }
    auto db = Database::openProfile(QString::fromStdString(dir));
    ASSERT_TRUE(db.ok());
    LayoutStore store(**db);
    EXPECT_EQ(store.names().value(), (std::vector<std::string>{"Scalp 1m", "Swing"}));
    EXPECT_EQ(store.load("Swing").value(), R"({"grid":6})");
    EXPECT_EQ(store.last().value(), R"({"grid":1})");
    ASSERT_TRUE(store.remove("Swing").ok());
    auto gone = store.load("Swing");
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.message(), "no chart layout named \"Swing\"");
    EXPECT_FALSE(store.remove("Swing").ok());
    EXPECT_EQ(store.names().value(), std::vector<std::string>{"Scalp 1m"});
}
