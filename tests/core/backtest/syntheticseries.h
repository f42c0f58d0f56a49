#pragma once
// The small synthetic series (Synthetic: 26 made-up daily bars from 2024-01-01) that the built-in
// and formula strategy tests work their known answers out on, and the settings they run it with.
//
//   i:  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25
//   C: 10 10 10 10 10 11 12 13 14 15 14 13 12 11 10  9  8  9 10 11 12 11 10  9  8  8
// open(i) = C(i-1) + 0.25 (open(0) = 10), high = max(open, close) + 0.5, low = min(open, close) - 0.5.
#include "backtest/backtestengine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <vector>

namespace kairos::backtest::synth {

inline constexpr std::int64_t kDay = 86400000;
inline constexpr std::int64_t kT0 = 1704067200000;  // 2024-01-01T00:00:00Z
inline constexpr int kCloses[] = {10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 14, 13, 12,
                                  11, 10, 9,  8,  9,  10, 11, 12, 11, 10, 9,  8,  8};

/// A price with two decimals.
inline Price px(double v) { return Price::fromRaw(static_cast<std::int64_t>(std::llround(v * 100)), 2); }

inline std::vector<Bar> syntheticBars() {
    std::vector<Bar> bars;
    double prev = kCloses[0] - 0.25;
    for (std::size_t i = 0; i < std::size(kCloses); ++i) {
        const double c = kCloses[i];
        const double o = prev + 0.25;
        Bar b;
        b.openTimeMs = kT0 + static_cast<std::int64_t>(i) * kDay;
        b.open = px(o);
        b.close = px(c);
        b.high = px(std::max(o, c) + 0.5);
        b.low = px(std::min(o, c) - 0.5);
        b.volume = *Quantity::parse("100");
        bars.push_back(b);
        prev = c;
    }
    return bars;
}

/// 10,000 of cash, no fees, daily bars of TEST:SYNTH (tick 0.01), the open position kept at the end.
inline BacktestSettings syntheticSettings() {
    BacktestSettings s;
    s.instrument = instrumentForFile({"TEST", "SYNTH"}, 2);
    s.timeframe = Timeframe::D1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = trading::Bps::fromRaw(0, 0);
    s.atEnd = AtEnd::Keep;
    return s;
}

}  // namespace kairos::backtest::synth
