#pragma once
// SignalStrategy: trades the signal engine's LONG/SHORT signals (core/signals).
// - When flat and a LONG (SHORT) signal comes on a closed bar: a market buy (sell) with the
//   signal's stop loss and chosen take-profit as a bracket (OCO children once the entry fills).
// - An opposite signal while in a position closes it at market (exit reason "signal") and, when
//   that side may be traded, opens the other way at the same time. A signal in the direction
//   already held changes nothing (no pyramiding). HOLD changes nothing.
// - Size: a fixed fraction of equity at the signal bar's close, a fixed quantity, or the risk of a
//   share of equity at the signal's stop loss, rounded down to the instrument's lot size.
// The strategy decides only on closed bars; its orders fill from the next bar on.

#include "backtest/strategy.h"
#include "signals/signalengine.h"

#include <optional>

namespace kairos::backtest {

struct Sizing {
    enum class Kind : std::uint8_t { FractionOfEquity = 1, FixedQuantity, RiskOfEquity };
    Kind kind = Kind::FractionOfEquity;
    /// FractionOfEquity: notional = equity x fraction (0 < fraction <= 1). The default leaves
    /// 5 % for fees and for the gap between the signal's close and the next bar's open.
    double fraction = 0.95;
    Quantity quantity;  ///< FixedQuantity: > 0
    /// RiskOfEquity: lose riskPercent of equity at the signal's stop loss (0 < riskPercent <= 100),
    /// as OrderSizing::Kind::RiskPerTrade (builtins.h): distance from the signal bar's close.
    double riskPercent = 1;
};

struct SignalStrategySettings {
    signal::SignalRules rules;
    Sizing sizing;
    int takeProfitLevel = 2;  ///< which of the signal's three take-profits (1..3) is the target
    bool allowShort = true;   ///< false: SHORT signals only close longs
};

/// Checks the settings (rules, sizing, TP level); the error names the problem.
Status validate(const SignalStrategySettings& s);

class SignalStrategy : public Strategy {
public:
    explicit SignalStrategy(SignalStrategySettings settings = {});

    std::string name() const override;
    void onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) override;

    const SignalStrategySettings& settings() const { return m_settings; }
    /// LONG/SHORT signals seen so far.
    int directionalSignals() const { return m_directional; }

private:
    std::optional<Quantity> entryQuantity(const Bar& bar, StrategyContext& ctx, const std::optional<Price>& stop) const;
    void enter(const signal::Signal& sig, const Bar& bar, StrategyContext& ctx);

    SignalStrategySettings m_settings;
    signal::SignalEngine m_engine;
    int m_directional = 0;
};

}  // namespace kairos::backtest
