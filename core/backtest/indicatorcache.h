#pragma once
// Indicators shared between the combinations of an optimisation: a moving average of one bar
// series' closes is computed once per period and read by every strategy that needs it, instead of
// once per combination (issue 15: "indicators shared between combinations with the same period
// computed once").
//
// The values are the library's streaming indicator (indicators::Sma) fed the closes bar by bar,
// exactly as the built-in strategy feeds its own copy, so a strategy reading the cache decides
// exactly as the built-in does (tests/core/backtest/optimizer_test.cpp compares whole results).
// Memory: 8 bytes per bar and period, up to `maxBytes` (default 256 MiB); past it a combination
// falls back to the built-in strategy with its own indicators (same results, no sharing).
// Thread-safe: strategies on the optimizer's worker threads share one cache.

#include "backtest/builtins.h"
#include "backtest/optimizer.h"

#include <map>
#include <memory>
#include <mutex>

namespace kairos::backtest {

class IndicatorCache {
public:
    explicit IndicatorCache(const std::vector<Bar>& bars, std::size_t maxBytes = std::size_t{256} << 20U);

    /// SMA(period) of the closes after each bar (NaN during warm-up), computed on first use;
    /// nullptr when the cache is full.
    std::shared_ptr<const std::vector<double>> sma(int period);
    /// The open time of each bar the cache was built over.
    const std::vector<std::int64_t>& openTimes() const { return m_openTimes; }
    /// Periods computed so far (for tests and the benchmark).
    std::size_t computed() const;

private:
    std::vector<double> m_closes;
    std::vector<std::int64_t> m_openTimes;
    std::size_t m_maxSeries;
    mutable std::mutex m_mutex;
    std::map<int, std::shared_ptr<const std::vector<double>>> m_sma;
};

/// A factory for the built-in `name` that reads `cache` where it can (sma_cross) and is
/// makeBuiltin() otherwise. The strategies it makes must run over the cache's bars (a strategy
/// shown another bar stops deciding).
StrategyFactory sharedIndicatorFactory(const std::string& name, const OrderSizing& sizing,
                                       const std::shared_ptr<IndicatorCache>& cache);

}  // namespace kairos::backtest
