#pragma once
// FormulaStrategy: entry and exit conditions, and optionally a stop and a target price, written in
// the formula language (indicators/formula.h), e.g.
//   entry  "crossover(ema(close,9), ema(close,21)) and rsi(close,14) < 70"
//   exit   "crossunder(ema(close,9), ema(close,21))"
//   stop   "close - 2*atr(14)"        target "close + 4*atr(14)"
// Every formula is evaluated on every closed bar (so their indicators warm up together). A
// condition holds when its value is defined and not 0.
// - Flat and the entry holds: a market entry (sized by OrderSizing at this close). With a stop
//   and/or a target, their values on this bar become the entry's bracket (stop-loss and
//   take-profit orders, one-cancels-the-other, placed when the entry fills), rounded to the tick
//   away from the entry; an undefined or non-positive value leaves that side out.
// - In a position and the exit holds: the bracket is cancelled and the position closed at market
//   (exit reason "signal"). Stops and targets give "stop loss" / "take profit".
// - Long only; with `shortEntries` the entry opens a short instead (stop above, target below).
// Decided on a bar's close like every strategy; fills from the next bar (or at this close).

#include "backtest/builtins.h"
#include "indicators/formula.h"

#include <optional>
#include <string_view>
#include <vector>

namespace kairos::backtest {

struct FormulaStrategySettings {
    std::string entry;   ///< required
    std::string exit;    ///< optional: without it only the stop/target (or the end) closes
    std::string stop;    ///< optional price formula
    std::string target;  ///< optional price formula
    bool shortEntries = false;
    OrderSizing sizing;
};

// Parameter placeholders (kairos-cli optimize and walkforward): a formula may hold `{NAME}` where a
// number goes, NAME a letter or '_' then letters, digits or '_' (e.g. "crossover(ema(close,{fast}),
// ema(close,{slow}))"). Each combination of the search replaces every `{NAME}` by its value written
// as "%.10g" (5 -> "5", 2.5 -> "2.5"), then parses the formulas as usual. A '{' that does not open
// such a placeholder is an error naming its column.

/// The placeholder names of `text`, each once, in order of first appearance; Error naming the
/// column of a '{' that opens none (no name, or no closing '}').
Result<std::vector<std::string>> formulaPlaceholders(std::string_view text);
/// The placeholder names of the four formulas of `s`, each once, in order.
Result<std::vector<std::string>> formulaPlaceholders(const FormulaStrategySettings& s);
/// `text` with every placeholder replaced by its value in `values`; Error naming the placeholders
/// that `values` does not give.
Result<std::string> fillPlaceholders(std::string_view text, const ParamValues& values);
/// The settings with every formula filled (the errors name the formula: "entry: ..."); the value
/// "short", when present, sets shortEntries (0 or 1).
Result<FormulaStrategySettings> fillPlaceholders(const FormulaStrategySettings& s, const ParamValues& values);

class FormulaStrategy final : public RuleStrategy {
public:
    /// Parses the formulas; Error "entry: column N: ..." naming the formula that failed.
    static Result<std::unique_ptr<FormulaStrategy>> create(const FormulaStrategySettings& settings);
    /// From parsed formulas (create() parses them); `s` gives the sizing, the side and the name.
    FormulaStrategy(const FormulaStrategySettings& s, indicators::Formula entry, std::optional<indicators::Formula> exit,
                    std::optional<indicators::Formula> stop, std::optional<indicators::Formula> target);

protected:
    Decision decide(const Bar& bar, std::int64_t closeTimeMs) override;
    bool enter(Side side, const Bar& bar, StrategyContext& ctx) override;

private:
    static std::string label(const FormulaStrategySettings& s);

    bool m_short;
    indicators::Formula m_entry;
    std::optional<indicators::Formula> m_exit, m_stop, m_target;
    double m_stopValue = 0, m_targetValue = 0;
};

}  // namespace kairos::backtest
