// Backoff: exponential reconnect/retry delays with jitter.
#include "net/backoff.h"

#include <gtest/gtest.h>

namespace {

TEST(Backoff, GrowsExponentiallyWithinJitterAndCaps) {
    kairos::net::Backoff b({100, 1000, 2.0, 0.5}, 42);
    const int bases[] = {100, 200, 400, 800, 1000, 1000};
    for (int base : bases) {
        const int d = b.nextDelayMs();
        EXPECT_GE(d, base / 2);
        EXPECT_LE(d, base);
    }
    b.reset();
    EXPECT_EQ(b.attempts(), 0);
    EXPECT_LE(b.nextDelayMs(), 100);
}

TEST(Backoff, JitterSpreadsClientsApart) {
    // Two clients cut off together must not retry in lock step.
    kairos::net::Backoff a({1000, 60'000, 2.0, 0.5}, 1);
    kairos::net::Backoff c({1000, 60'000, 2.0, 0.5}, 2);
    int same = 0;
    for (int i = 0; i < 5; ++i) same += a.nextDelayMs() == c.nextDelayMs();
    EXPECT_LT(same, 5);
}

}  // namespace
