#include "domain/timeframe.h"

#include <gtest/gtest.h>

using namespace kairos;

TEST(Timeframe, ParseAndFormatRoundTripEveryTimeframe) {
    for (Timeframe tf : kAllTimeframes) {
        auto parsed = parseTimeframe(toString(tf));
        ASSERT_TRUE(parsed.ok()) << toString(tf);
        EXPECT_EQ(*parsed, tf);
    }
    EXPECT_EQ(*parseTimeframe("1m"), Timeframe::M1);
    EXPECT_EQ(*parseTimeframe("1M"), Timeframe::MN1);
    EXPECT_EQ(*parseTimeframe("1D"), Timeframe::D1);
    auto bad = parseTimeframe("7m");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("unknown timeframe \"7m\""), std::string::npos);
}

TEST(Timeframe, CivilConversionKnownAnswers) {
    // First bar of shared/data/candles/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv
    EXPECT_EQ(utcMs(2020, 9, 20), 1600560000000LL);
    EXPECT_EQ(formatUtc(1600560000000LL), "2020-09-20T00:00:00.000Z");
    EXPECT_EQ(formatUtc(1637971259999LL), "2021-11-27T00:00:59.999Z");
    EXPECT_EQ(formatUtc(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(*parseUtc("2021-11-27T00:00:59.999Z"), 1637971259999LL);
    EXPECT_EQ(*parseUtc("2020-09-20"), 1600560000000LL);
    EXPECT_EQ(*parseUtc("2020-09-20 01:00"), 1600563600000LL);
    EXPECT_EQ(*parseUtc("1600560000000"), 1600560000000LL);
    EXPECT_FALSE(parseUtc("2020-02-30").ok());
    EXPECT_FALSE(parseUtc("2020-09-20T25:00").ok());
    EXPECT_FALSE(parseUtc("yesterday").ok());
}

TEST(Timeframe, BucketStartFixedDurations) {
    const std::int64_t t = utcMs(2025, 5, 20, 13, 47, 31, 250);
    EXPECT_EQ(bucketStart(Timeframe::S1, t), utcMs(2025, 5, 20, 13, 47, 31));
    EXPECT_EQ(bucketStart(Timeframe::M1, t), utcMs(2025, 5, 20, 13, 47));
    EXPECT_EQ(bucketStart(Timeframe::M15, t), utcMs(2025, 5, 20, 13, 45));
    EXPECT_EQ(bucketStart(Timeframe::H4, t), utcMs(2025, 5, 20, 12));
    EXPECT_EQ(bucketStart(Timeframe::H12, t), utcMs(2025, 5, 20, 12));
    EXPECT_EQ(bucketStart(Timeframe::D1, t), utcMs(2025, 5, 20));
    EXPECT_EQ(nextBucketStart(Timeframe::H1, t), utcMs(2025, 5, 20, 14));
    // Before the epoch, buckets still floor (not truncate toward zero).
    EXPECT_EQ(bucketStart(Timeframe::D1, -1), -86400000LL);
}

TEST(Timeframe, WeeksStartOnMondayUtc) {
    // 2025-05-20 is a Tuesday; its week starts Monday 2025-05-19.
    EXPECT_EQ(bucketStart(Timeframe::W1, utcMs(2025, 5, 20, 10)), utcMs(2025, 5, 19));
    // A Sunday 23:59:59.999 still belongs to the week that began six days earlier.
    EXPECT_EQ(bucketStart(Timeframe::W1, utcMs(2025, 5, 25, 23, 59, 59, 999)), utcMs(2025, 5, 19));
    EXPECT_EQ(bucketStart(Timeframe::W1, utcMs(2025, 5, 26)), utcMs(2025, 5, 26));
    // Across a year boundary: 2021-01-01 is a Friday, its week starts 2020-12-28.
    EXPECT_EQ(bucketStart(Timeframe::W1, utcMs(2021, 1, 1)), utcMs(2020, 12, 28));
    EXPECT_EQ(nextBucketStart(Timeframe::W1, utcMs(2021, 1, 1)), utcMs(2021, 1, 4));
}

TEST(Timeframe, MonthsAreCalendarMonths) {
    EXPECT_EQ(bucketStart(Timeframe::MN1, utcMs(2024, 2, 29, 23, 59)), utcMs(2024, 2, 1));
    EXPECT_EQ(nextBucketStart(Timeframe::MN1, utcMs(2024, 2, 29)), utcMs(2024, 3, 1));  // leap year
    EXPECT_EQ(nextBucketStart(Timeframe::MN1, utcMs(2023, 2, 10)), utcMs(2023, 3, 1));
    EXPECT_EQ(nextBucketStart(Timeframe::MN1, utcMs(2023, 12, 31, 23)), utcMs(2024, 1, 1));
    EXPECT_EQ(bucketStart(Timeframe::MN1, utcMs(2023, 3, 1)), utcMs(2023, 3, 1));
    EXPECT_FALSE(fixedDurationMs(Timeframe::MN1).has_value());
}

TEST(Timeframe, ThreeDayBucketsAlignToEpochDays) {
    // 1970-01-01 starts a 3d bucket; day 3 starts the next.
    EXPECT_EQ(bucketStart(Timeframe::D3, utcMs(1970, 1, 3, 12)), 0);
    EXPECT_EQ(bucketStart(Timeframe::D3, utcMs(1970, 1, 4)), utcMs(1970, 1, 4));
}

TEST(Timeframe, FormatUtcBeyondYear9999IsPositiveAndExact) {
    // 10000-01-01T00:00:00Z is 253402300800 s after the epoch (9999-12-31T23:59:59Z + 1 s).
    EXPECT_EQ(formatUtc(253402300800000LL), "+10000-01-01T00:00:00.000Z");
    EXPECT_EQ(formatUtc(253402300799999LL), "9999-12-31T23:59:59.999Z");
    // A 2025 microsecond time read as ms (the Binance archive bug printed its year as -8565).
    EXPECT_EQ(formatUtc(1735689600000000LL), "+56971-10-25T00:00:00.000Z");
    EXPECT_EQ(formatUtc(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(formatUtc(utcMs(2000, 2, 29, 23, 59, 59, 999)), "2000-02-29T23:59:59.999Z");
}
