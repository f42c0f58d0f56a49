#pragma once
// SmaCrossStrategy: the textbook moving-average crossover, long only. On each closed bar it
// computes the simple moving averages of the last `fastBars` and `slowBars` closes (exact decimal
// sums, compared as fast x slowBars vs slow x fastBars, so no rounding decides a cross). When the
// fast average moves from at or below the slow one to above it and the strategy is flat, it buys
// `quantity` at market; when it moves from at or above to below while long, it sells the whole
// position at market. Nothing happens until `slowBars` closes (plus one, to see a move) exist.
//
// A second built-in strategy beside SignalStrategy, simple enough to check by hand, used to prove
// that a backtest and a paper account run a strategy identically.

#include "backtest/strategy.h"

#include <cstddef>
#include <deque>
#include <optional>

namespace kairos::backtest {

struct SmaCrossSettings {
    int fastBars = 10;  ///< >= 1, < slowBars
    int slowBars = 30;
    Quantity quantity = Quantity::fromRaw(1, 2);  ///< per entry, a multiple of the lot size
};

/// Error naming the setting that is out of range.
Status validate(const SmaCrossSettings& settings);

class SmaCrossStrategy final : public Strategy {
public:
    explicit SmaCrossStrategy(SmaCrossSettings settings = {});

    std::string name() const override;
    void onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) override;

private:
    /// sign(fast - slow): +1, 0 or -1; nullopt before slowBars closes.
    std::optional<int> relation() const;

    SmaCrossSettings m_settings;
    std::deque<Price> m_closes;  // the last slowBars closes
    std::optional<int> m_lastRelation;
};

}  // namespace kairos::backtest
