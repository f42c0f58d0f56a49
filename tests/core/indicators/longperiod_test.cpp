// Periods long enough to overflow 32-bit weight sums (found by the formula fuzz target: WMA's
// divisor period*(period+1)/2 was computed in int, so any period above 46,340 gave a wrong WMA
// and HMA).
#include "indicators/formula.h"
#include "indicators/movingaverages.h"

#include <gtest/gtest.h>

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
