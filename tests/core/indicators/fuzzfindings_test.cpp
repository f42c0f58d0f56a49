// What the formula fuzz target (tests/fuzz/fuzz_formula.cpp) found; the raw inputs are replayed by
// fuzz_formula_inputs (tests/fuzz/regressions/formula/).
// - Periods long enough to overflow 32-bit weight sums: WMA's divisor period*(period+1)/2 was
//   computed in int, so any period above 46,340 gave a wrong WMA and HMA.
// - Deep nesting exhausted the parser's stack (4,000 '(' crashed it).
#include "indicators/formula.h"
#include "indicators/movingaverages.h"

#include <gtest/gtest.h>

#include <string>

using namespace kairos::indicators;

TEST(LongPeriod, SyntheticConstantSeriesWmaOfPeriod50000IsTheConstant) {
    Wma wma(50000);
    for (int i = 0; i < 50000; ++i) wma.push(42.5);
    ASSERT_TRUE(wma.ready());
    EXPECT_DOUBLE_EQ(wma.value(), 42.5);
}

TEST(LongPeriod, SyntheticConstantSeriesHmaOfPeriod60000IsTheConstant) {
    Hma hma(60000);
    for (int i = 0; i <= hma.warmup(); ++i) hma.push(7.0);
    EXPECT_NEAR(hma.value(), 7.0, 1e-9);
}

TEST(FormulaNesting, SyntheticDeepNestingIsAnErrorNotAStackOverflow) {
    const std::string deep = std::string(2000, '(') + "close" + std::string(2000, ')');
    auto f = Formula::parse(deep);
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.error().message.find("nested more than 100 levels deep"), std::string::npos) << f.error().message;
    // Signs and function arguments nest too.
    EXPECT_FALSE(Formula::parse(std::string(150, '-') + "close").ok());
    std::string calls = "close";
    for (int i = 0; i < 120; ++i) calls = "abs(" + calls + ")";
    EXPECT_FALSE(Formula::parse(calls).ok());
}

TEST(FormulaNesting, SyntheticNestingWithinTheLimitParsesAndEvaluates) {
    const std::string nested = std::string(90, '(') + "close - open" + std::string(90, ')');
    auto f = Formula::parse(nested);
    ASSERT_TRUE(f.ok()) << f.error().message;
    f->push(FormulaBar{0, 10.0, 12.0, 9.0, 11.5, 100.0});
    EXPECT_DOUBLE_EQ(f->value(), 1.5);
}
