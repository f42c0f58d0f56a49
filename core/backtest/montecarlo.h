#pragma once
// Monte Carlo analysis of a backtest's closed trades: how much of its equity curve is luck of
// the order (and of the draw) of its trades.
//
// - Shuffle: each run replays the same trades' net P&L in a random order (Fisher-Yates). Every
//   run ends at the same final equity (initial capital + the sum of the P&L: the sums are exact,
//   in the P&L's fixed-point units), only the path and so the drawdowns differ -- unless the path
//   reaches 0 first (see below).
// - Bootstrap: each run draws as many trades as there are, with replacement; final equity and
//   path both vary.
// Randomness: SplitMix64 seeded with `seed` (the same numbers for a seed on every platform); the
// runs are made one after another, so a seed always gives the same result.
//
// The P&L are replayed as the money amounts they were (not rescaled to the equity of the moment);
// a run whose equity reaches 0 stops there (no account trades on from nothing): it stays at 0, a
// -100 % return and a 100 % drawdown.
// Per run: the equity after each trade (starting at the capital), its maximum drawdown in % of the
// running peak (and in money), and its final return in %. Ruin: a run whose maximum drawdown
// reaches `ruinDrawdownPct` (or whose equity reaches 0) at any point. Percentiles are linearly
// interpolated between order statistics (R's type 7: p of n sorted values sits at (n-1)p).
// Bands: the 5th, 50th and 95th percentile of the equity after trade i, for i = 0..trades (at
// most `maxBandPoints` of the steps, evenly spread, always including the last).

#include "domain/decimal.h"
#include "util/result.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace kairos::backtest {

enum class MonteCarloMethod : std::uint8_t { Shuffle = 1, Bootstrap };
std::string toString(MonteCarloMethod m);

struct MonteCarloSettings {
    MonteCarloMethod method = MonteCarloMethod::Shuffle;
    int runs = 1000;  ///< 1 .. 10,000,000
    std::uint64_t seed = 1;
    double ruinDrawdownPct = 50;       ///< 0 < p <= 100
    std::size_t maxBandPoints = 1000;  ///< >= 2
};

/// The 5th / 25th / 50th / 75th / 95th percentiles and the mean of a distribution.
struct Distribution {
    double p5 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0, mean = 0;
};

struct BandPoint {
    std::size_t trade = 0;  ///< equity after this many trades
    double p5 = 0, p50 = 0, p95 = 0;
};

struct MonteCarloResult {
    MonteCarloMethod method = MonteCarloMethod::Shuffle;
    int runs = 0;
    std::size_t trades = 0;
    std::vector<BandPoint> bands;
    Distribution maxDrawdownPct;  ///< per run, in % of the running peak
    Distribution finalReturnPct;  ///< per run, final equity / capital - 1, in %
    Distribution finalEquity;
    double ruinProbability = 0;         ///< share of runs (0..1) that hit the ruin drawdown
    double originalMaxDrawdownPct = 0;  ///< of the trades in their own order
    double originalFinalReturnPct = 0;
};

/// Runs the analysis over `netPnl` (the trades' net P&L, in their order) from `capital` (> 0).
/// Error: no trades, a capital not above 0, settings out of range, or P&L sums beyond int64.
Result<MonteCarloResult> runMonteCarlo(const std::vector<Money>& netPnl, const Money& capital,
                                       const MonteCarloSettings& settings);

/// Percentile p (0..1) of `sorted` values, type 7 (see the top); 0 for none.
double percentile(const std::vector<double>& sorted, double p);

}  // namespace kairos::backtest
