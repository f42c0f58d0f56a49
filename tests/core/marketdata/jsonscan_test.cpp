// The allocation-free JSON scanner and exact decimal text helpers the venue decoders are built on.
#include "marketdata/detail/decimaltext.h"
#include "marketdata/detail/jsonscan.h"
#include "marketdata/orderbook.h"
#include "domain/timeframe.h"

#include <gtest/gtest.h>

using kairos::Price;
using kairos::Quantity;
using kairos::marketdata::detail::JsonScanner;

namespace {

TEST(JsonScanner, WalksNestedObjectsAndArrays) {
    JsonScanner sc(R"( {"a": "x\"y", "b": [1, {"c": [true, null]}, -2.5e3], "d": {"e": false}, "f": 12} )");
    ASSERT_TRUE(sc.beginObject());
    std::string_view key, s;
    ASSERT_TRUE(sc.nextKey(key));
    EXPECT_EQ(key, "a");
    ASSERT_TRUE(sc.readString(s));
    EXPECT_EQ(s, R"(x\"y)");
    EXPECT_TRUE(sc.hadEscape());
    ASSERT_TRUE(sc.nextKey(key));
    EXPECT_EQ(key, "b");
    std::string_view raw;
    ASSERT_TRUE(sc.readRaw(raw));
    EXPECT_EQ(raw, R"([1, {"c": [true, null]}, -2.5e3])");
    ASSERT_TRUE(sc.nextKey(key));
    EXPECT_EQ(key, "d");
    ASSERT_TRUE(sc.skipValue());
    ASSERT_TRUE(sc.nextKey(key));
    std::int64_t v = 0;
    ASSERT_TRUE(sc.readInt(v));
    EXPECT_EQ(v, 12);
    EXPECT_FALSE(sc.nextKey(key));
    EXPECT_FALSE(sc.failed());
    EXPECT_TRUE(sc.atEnd());
}

TEST(JsonScanner, RejectsBrokenInput) {
    for (const char* bad :
         {R"({"a": )", R"({"a" 1})", R"({"a": "unterminated})", R"({"a": [1, 2})", R"({"a": tru})", R"({"a": @})"}) {
        JsonScanner sc(bad);
        std::string_view key;
        bool ok = sc.beginObject();
        while (ok && sc.nextKey(key)) ok = sc.skipValue();
        EXPECT_TRUE(sc.failed()) << bad;
    }
}

TEST(JsonScanner, ReadsIntegersExactlyAndRejectsOverflow) {
    std::int64_t v = 0;
    EXPECT_TRUE(JsonScanner::parseInt("9223372036854775807", v));
    EXPECT_EQ(v, INT64_MAX);
    EXPECT_TRUE(JsonScanner::parseInt("-9223372036854775808", v));
    EXPECT_EQ(v, INT64_MIN);
    // Kraken's connection_id exceeds int64: must not wrap silently.
    EXPECT_FALSE(JsonScanner::parseInt("13834774380200032777", v));
    EXPECT_FALSE(JsonScanner::parseInt("1.5", v));
    EXPECT_FALSE(JsonScanner::parseInt("-", v));
}

TEST(DecimalText, ExpandsExponentsExactly) {
    using kairos::marketdata::detail::parseDecimalText;
    Quantity q;
    ASSERT_TRUE(parseDecimalText("1e-08", q));
    EXPECT_EQ(q.toString(), "0.00000001");
    ASSERT_TRUE(parseDecimalText("1.5E+3", q));
    EXPECT_EQ(q.toString(), "1500");
    ASSERT_TRUE(parseDecimalText("-2.25e-2", q));
    EXPECT_EQ(q.toString(), "-0.0225");
    ASSERT_TRUE(parseDecimalText("0.5660", q));
    EXPECT_EQ(q.toString(), "0.5660");
    EXPECT_FALSE(parseDecimalText("1e", q));
    EXPECT_FALSE(parseDecimalText("abc", q));
    EXPECT_EQ(kairos::marketdata::detail::stepPrecision(*Price::parse("0.01000000")), 2);
    EXPECT_EQ(kairos::marketdata::detail::stepPrecision(*Price::parse("1.00000000")), 0);
}

TEST(DecimalText, ParsesRfc3339WithAnyFraction) {
    using kairos::marketdata::detail::parseRfc3339Ms;
    std::int64_t ms = 0;
    ASSERT_TRUE(parseRfc3339Ms("2023-09-25T07:48:36.925533Z", ms));
    EXPECT_EQ(ms, kairos::utcMs(2023, 9, 25, 7, 48, 36, 925));
    ASSERT_TRUE(parseRfc3339Ms("2023-10-04T15:25:00.000000000Z", ms));
    EXPECT_EQ(ms, kairos::utcMs(2023, 10, 4, 15, 25));
    ASSERT_TRUE(parseRfc3339Ms("2019-08-14T20:42:27.2Z", ms));
    EXPECT_EQ(ms, kairos::utcMs(2019, 8, 14, 20, 42, 27, 200));
    EXPECT_FALSE(parseRfc3339Ms("2019-08-14T20:42:27+02:00", ms));
    EXPECT_FALSE(parseRfc3339Ms("yesterday", ms));
}

TEST(OrderBook, AppliesAbsoluteQuantitiesAndRemovesZeros) {
    using kairos::marketdata::BookLevel;
    kairos::marketdata::OrderBook book;
    auto L = [](const char* p, const char* q) { return BookLevel{*Price::parse(p), *Quantity::parse(q)}; };
    book.setSnapshot({L("100.0", "1"), L("99.5", "2"), L("99", "0")}, {L("101", "3"), L("102.50", "4")}, 10);
    EXPECT_EQ(book.bids().size(), 2u);  // the zero level is not a level
    EXPECT_EQ(book.bestBid()->price, *Price::parse("100"));
    EXPECT_EQ(book.bestAsk()->quantity.toString(), "3");
    // "100.00" is the same price as "100.0".
    book.apply({L("100.00", "0"), L("99.75", "5")}, {L("102.5", "0.5")});
    EXPECT_EQ(book.bestBid()->price.toTrimmedString(), "99.75");
    EXPECT_EQ(book.asks().at(*Price::parse("102.5")).toString(), "0.5");
    EXPECT_FALSE(book.isCrossed());
    book.truncate(1);
    EXPECT_EQ(book.bids().size(), 1u);
    EXPECT_EQ(book.asks().size(), 1u);
    const auto top = book.top(5, 7);
    EXPECT_EQ(top.bids.size(), 1u);
    EXPECT_EQ(top.updateId, 10);
}

}  // namespace
