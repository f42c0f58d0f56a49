#include "domain/decimal.h"

#include <gtest/gtest.h>

using namespace kairos;

TEST(Decimal, ParsesExchangeStringsExactly) {
    // GIVEN strings exactly as Binance sends them (shared/data/candles/binance_spot_ADABTC-1m-2021-11-27.csv)
    auto p = Price::parse("0.00002853");
    ASSERT_TRUE(p.ok()) << p.message();
    EXPECT_EQ(p->raw(), 2853);
    EXPECT_EQ(p->scale(), 8);
    EXPECT_EQ(p->toString(), "0.00002853");

    auto q = Quantity::parse("36304.20000000");
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->raw(), 3630420000000LL);
    EXPECT_EQ(q->scale(), 8);
    EXPECT_EQ(q->toString(), "36304.20000000");  // trailing zeros kept as written
    EXPECT_EQ(q->toTrimmedString(), "36304.2");

    auto big = Price::parse("68123.45");
    ASSERT_TRUE(big.ok());
    EXPECT_EQ(big->raw(), 6812345);
    EXPECT_EQ(big->scale(), 2);
    EXPECT_EQ(Price::parse("0.00001234")->raw(), 1234);
    EXPECT_EQ(Price::parse("-1.5")->raw(), -15);
    EXPECT_EQ(Price::parse("11056")->scale(), 0);
    EXPECT_EQ(Price::parse(".5")->raw(), 5);
    EXPECT_EQ(Price::parse("5.")->raw(), 5);
}

TEST(Decimal, ParsesToTargetScale) {
    auto p = Price::parse("68123.45", 8);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->raw(), 6812345000000LL);
    EXPECT_EQ(p->toString(), "68123.45000000");
    // More digits than the scale: exact mode refuses, a rounding mode rounds.
    auto exact = Price::parse("0.123", 2);
    ASSERT_FALSE(exact.ok());
    EXPECT_NE(exact.message().find("not exact"), std::string::npos) << exact.message();
    EXPECT_EQ(Price::parse("0.125", 2, RoundingMode::HalfEven)->raw(), 12);
    EXPECT_EQ(Price::parse("0.135", 2, RoundingMode::HalfEven)->raw(), 14);
    EXPECT_EQ(Price::parse("0.125", 2, RoundingMode::HalfUp)->raw(), 13);
    // "0.12000" has scale 5 but is exact at scale 2.
    EXPECT_EQ(Price::parse("0.12000", 2)->raw(), 12);
}

TEST(Decimal, RejectsBadInputWithClearErrors) {
    auto sci = Price::parse("1e-8");
    ASSERT_FALSE(sci.ok());
    EXPECT_NE(sci.message().find("scientific notation"), std::string::npos) << sci.message();
    EXPECT_FALSE(Price::parse("1.5E3").ok());
    EXPECT_FALSE(Price::parse("").ok());
    EXPECT_FALSE(Price::parse("-").ok());
    EXPECT_FALSE(Price::parse(".").ok());
    EXPECT_FALSE(Price::parse("1.2.3").ok());
    EXPECT_FALSE(Price::parse("1,000.5").ok());
    EXPECT_FALSE(Price::parse(" 1").ok());
    EXPECT_FALSE(Price::parse("+1").ok());
    EXPECT_FALSE(Price::parse("NaN").ok());
    EXPECT_FALSE(Price::parse("0.1234567890123456789").ok());  // 19 decimals
    auto overflow = Price::parse("9223372036854775808");
    ASSERT_FALSE(overflow.ok());
    EXPECT_NE(overflow.message().find("too large"), std::string::npos);
}

TEST(Decimal, Int64LimitsParseAndFormat) {
    EXPECT_EQ(Price::parse("9223372036854775807")->raw(), INT64_MAX);
    EXPECT_EQ(Price::parse("-9223372036854775808")->raw(), INT64_MIN);
    EXPECT_EQ(Price::fromRaw(INT64_MIN, 0).toString(), "-9223372036854775808");
    EXPECT_EQ(Price::fromRaw(INT64_MIN, 18).toString(), "-9.223372036854775808");
    EXPECT_EQ(Price::fromRaw(5, 3).toString(), "0.005");
    EXPECT_EQ(Price::fromRaw(-5, 3).toString(), "-0.005");
    EXPECT_EQ(Price::fromRaw(0, 2).toTrimmedString(), "0");
}

TEST(Decimal, ArithmeticIsExactAcrossScales) {
    // 0.1 + 0.2 == 0.3 exactly, unlike binary floating point.
    auto s = Price::parse("0.1")->add(*Price::parse("0.2"));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*s, *Price::parse("0.3"));
    EXPECT_EQ(s->toString(), "0.3");
    auto mixed = Price::parse("68123.45")->add(*Price::parse("0.00000001"));
    EXPECT_EQ(mixed->toString(), "68123.45000001");
    EXPECT_EQ(Price::parse("1.0")->sub(*Price::parse("3"))->toTrimmedString(), "-2");
    EXPECT_TRUE(*Price::parse("1.0") == *Price::parse("1.000"));
    EXPECT_TRUE(*Price::parse("0.00002853") < *Price::parse("0.00002854"));
    EXPECT_TRUE(*Price::parse("-2") < *Price::parse("1.5"));
}

TEST(Decimal, OverflowIsReportedNotWrapped) {
    const Price max = Price::fromRaw(INT64_MAX, 0);
    auto r = max.add(Price::fromRaw(1, 0));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.message().find("overflows"), std::string::npos);
    EXPECT_FALSE(max.mulInt(2).ok());
    // Rescaling up past int64 is an overflow, not a silent wrap.
    EXPECT_FALSE(Price::fromRaw(INT64_MAX / 10 + 1, 0).rescaled(1, RoundingMode::Exact).ok());
    // Adding at a common scale can overflow even when both operands fit.
    EXPECT_FALSE(Price::fromRaw(INT64_MAX / 100 + 1, 0).add(Price::fromRaw(1, 2)).ok());
}

TEST(Decimal, RoundingModesKnownAnswers) {
    struct Case {
        const char* in;
        RoundingMode mode;
        std::int64_t raw;
    };
    const Case cases[] = {
        {"2.5", RoundingMode::HalfEven, 2},     {"3.5", RoundingMode::HalfEven, 4},       {"-2.5", RoundingMode::HalfEven, -2},
        {"2.5", RoundingMode::HalfUp, 3},       {"-2.5", RoundingMode::HalfUp, -3},       {"2.5", RoundingMode::HalfDown, 2},
        {"2.51", RoundingMode::HalfDown, 3},    {"2.9", RoundingMode::TowardZero, 2},     {"-2.9", RoundingMode::TowardZero, -2},
        {"2.1", RoundingMode::AwayFromZero, 3}, {"-2.1", RoundingMode::AwayFromZero, -3}, {"-2.1", RoundingMode::Floor, -3},
        {"2.9", RoundingMode::Floor, 2},        {"-2.9", RoundingMode::Ceiling, -2},      {"2.1", RoundingMode::Ceiling, 3},
    };
    for (const auto& c : cases) {
        auto r = Price::parse(c.in)->rescaled(0, c.mode);
        ASSERT_TRUE(r.ok()) << c.in;
        EXPECT_EQ(r->raw(), c.raw) << c.in << " mode " << static_cast<int>(c.mode);
    }
}

TEST(Decimal, DivisionAndNotional) {
    // 10 / 3 at 4 places: 3.3333 (half-even), 3.3334 (ceiling)
    EXPECT_EQ(Money::parse("10")->divInt(3, 4, RoundingMode::HalfEven)->toString(), "3.3333");
    EXPECT_EQ(Money::parse("10")->divInt(3, 4, RoundingMode::Ceiling)->toString(), "3.3334");
    EXPECT_FALSE(Money::parse("10")->divInt(0, 2, RoundingMode::HalfEven).ok());
    // 0.00002853 BTC/ADA * 36304.2 ADA = 1.035758826 BTC -> 1.03575883 at 8 places (half-even)
    auto n = notional(*Price::parse("0.00002853"), *Quantity::parse("36304.20000000"), 8, RoundingMode::HalfEven);
    ASSERT_TRUE(n.ok()) << n.message();
    EXPECT_EQ(n->toString(), "1.03575883");
    auto exact = notional(*Price::parse("68123.45"), *Quantity::parse("0.001"), 5, RoundingMode::Exact);
    EXPECT_EQ(exact->toString(), "68.12345");
    EXPECT_FALSE(notional(*Price::parse("68123.45"), *Quantity::parse("0.001"), 4, RoundingMode::Exact).ok());
}
