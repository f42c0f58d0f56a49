// crossover / crossunder in the formula language (backtrader's CrossOver semantics), on small
// synthetic series worked out by hand.
#include "indicators/formula.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace kairos::indicators;

namespace {
std::vector<double> eval(const char* text, const std::vector<double>& closes) {
    auto f = Formula::parse(text);
    EXPECT_TRUE(f.ok()) << f.message();
    std::vector<double> out;
    for (std::size_t i = 0; i < closes.size(); ++i) {
        FormulaBar b;
        b.timeMs = static_cast<std::int64_t>(i) * 60000;
        b.open = b.high = b.low = b.close = closes[i];
        f->push(b);
        out.push_back(f->value());
    }
    return out;
}
}  // namespace

TEST(FormulaCross, SyntheticCrossesSkipEqualBarsWhenLookingBack) {
    // close vs 10: signs - 0 0 + 0 - 0 +; the up cross is on bar 3 (the last differing bar before
    // it, bar 0, was below), the down cross on bar 5, up again on bar 7; bar 0 cannot cross
    const std::vector<double> c = {9, 10, 10, 11, 10, 9, 10, 11};
    EXPECT_EQ(eval("crossover(close, 10)", c), (std::vector<double>{0, 0, 0, 1, 0, 0, 0, 1}));
    EXPECT_EQ(eval("crossunder(close, 10)", c), (std::vector<double>{0, 0, 0, 0, 0, 1, 0, 0}));
    // touching and going back is no cross
    EXPECT_EQ(eval("crossover(close, 10)", {9, 10, 9, 10, 9}), (std::vector<double>{0, 0, 0, 0, 0}));
}

TEST(FormulaCross, SyntheticUndefinedWhileAnInputWarmsUpAndUsableInConditions) {
    const auto v = eval("crossover(close, sma(close, 3))", {5, 5, 4, 6, 7});
    EXPECT_TRUE(std::isnan(v[0]));
    EXPECT_TRUE(std::isnan(v[1]));
    // bar 2: 4 < 4.667 (first defined, no cross); bar 3: 6 > 5 -> 1; bar 4: 7 > 5.667 -> 0
    EXPECT_EQ(v[2], 0);
    EXPECT_EQ(v[3], 1);
    EXPECT_EQ(v[4], 0);
    EXPECT_EQ(eval("crossover(close, 10) and close > 10.5", {9, 11}), (std::vector<double>{0, 1}));
}

TEST(FormulaCross, SyntheticRevisingTheLastBarDoesNotCountItTwice) {
    auto f = Formula::parse("crossover(close, 10)");
    ASSERT_TRUE(f.ok());
    FormulaBar b;
    b.close = 9;
    f->push(b);
    b.timeMs = 60000;
    b.close = 11;
    f->push(b);
    EXPECT_EQ(f->value(), 1);
    b.close = 9;  // the forming bar fell back
    f->updateLast(b);
    EXPECT_EQ(f->value(), 0);
    b.close = 12;  // and rose again
    f->updateLast(b);
    EXPECT_EQ(f->value(), 1);
}

TEST(FormulaCross, SyntaxErrorsGiveTheirColumn) {
    auto a = Formula::parse("crossover(close 10)");
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.message().rfind("column 17:", 0), 0u) << a.message();
    auto b = Formula::parse("crossunder(close, 10");
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.message().rfind("column 21:", 0), 0u) << b.message();
}
