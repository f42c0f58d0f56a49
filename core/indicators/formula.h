#pragma once
// User-defined indicators: a formula over OHLCV and library indicators, e.g.
// "ema(close, 9) - ema(close, 21)" or "(close - sma(close, 20)) / stddev(close, 20)".
//
// Grammar: expr = conj {('or'|'||') conj}; conj = comparison {('and'|'&&') comparison};
// comparison = sum [('<'|'<='|'>'|'>='|'=='|'!=') sum]; sum = term {('+'|'-') term};
// term = unary {('*'|'/') unary}; unary = '-' unary | primary;
// primary = number | field ['@' timeframe] | (function '(' args ')' | '(' expr ')') ['@' timeframe].
// Comparisons and and/or give 1 (true) or 0 (false), and NaN while an operand is undefined (in
// its warm-up), e.g. "rsi(close, 14) < 30 and close > ema(close, 50)"; they do not chain (a < b < c
// is an error). and/or treat any non-zero operand as true.
// Fields: open high low close volume hl2 hlc3 ohlc4.
// Timeframes: a field may be followed by '@' and a coarser timeframe ("close@4h", "volume@1d";
// domain spellings, Timeframe). Its value is the field of the last COMPLETE bar of that timeframe,
// built from the bars pushed the way the candle store aggregates (bucketStart buckets; first open,
// highest high, lowest low, last close, summed volume); NaN before the first one completes. A bucket
// completes with the pushed bar whose close time (FormulaBar::closeTimeMs; when 0, the bar's time
// plus the smallest step between bar times seen) reaches the bucket's end, or else when a bar of a
// later bucket arrives. A function whose input uses such fields steps once per new value of that
// input, so "rsi(close@4h, 14)" is the RSI of 4h closes, not of 1h repeats of them.
// A parenthesised expression or a function call may be followed by '@' and a timeframe too:
// "rsi(close, 14)@4h" is rsi(close@4h, 14), "(high - low)@1d" the range of the last complete day;
// the expression is evaluated on the coarser bars (its fields are theirs), stepped once per
// completed bucket, and its value is the one of the last complete bucket (no look-ahead: the
// forming bucket is never used, so a value never changes after the fact).
// Revisions (updateLast) of a bar that completes no bucket leave such fields unchanged.
// Functions over a series x with a whole-number period n: sma ema wma dema tema hma rsi roc mom
// stddev linreg stochrsi (x, n); over the bar itself: atr adx cci willr mfi (n), tr obv vwap ();
// math: abs(x), min(a, b), max(a, b); crosses: crossover(a, b) is 1 on a bar where a > b and
// a < b on the latest earlier bar where they differed (backtrader's CrossOver; bars with a == b
// are skipped), else 0; crossunder(a, b) the mirror image; NaN while a or b is undefined.
// Evaluation is safe: no loops or user code run; division by zero gives NaN; a function's input
// series feeds it only from its first defined value, so warm-ups compose (ema(rsi(close,14),9)
// starts where RSI has 9 values). Batch and streaming evaluation share one code path.
//
// Cost: a formula's work is bounded before it runs. Parsing estimates it in cost units (roughly
// one arithmetic operation on one value each): per bar, 1 for every number, field and operator,
// 16 for every indicator update plus its exact window recomputation (period/1024), plus CCI's mean
// deviation (period units up to period 256, 64 per tree level beyond: see Cci); once, 4 units per
// value of every indicator window. A formula whose estimate over the budget's bars exceeds its
// cost units is refused: "cci(20)" or "ema(close, 9) - ema(close, 21)" cost a few dozen units a
// bar, the default budget allows thousands a bar over a million bars.

#include "domain/timeframe.h"
#include "indicators/columns.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::indicators {

struct FormulaBar {
    std::int64_t timeMs = 0;  ///< the bar's open time, UTC ms
    double open = 0, high = 0, low = 0, close = 0, volume = 0;
    std::int64_t closeTimeMs = 0;  ///< the bar's close time (end of its bucket), UTC ms; 0 = unknown
};

/// Cost units a formula may spend by default (see "Cost" above): seconds of one core, not minutes.
inline constexpr double kDefaultMaxCost = 4e9;
/// Bars the default budget is checked over when parsing (a long chart or alert history).
inline constexpr std::size_t kDefaultCostBars = 1000000;

/// How much a formula may cost: `maxCost` cost units over `bars` bars.
struct CostBudget {
    double maxCost = kDefaultMaxCost;
    std::size_t bars = kDefaultCostBars;  ///< 0: only the one-off set-up cost is checked
};

namespace detail {
struct FormulaNode;
}

class Formula {
public:
    /// Parses `text` and checks its estimated cost over `budget.bars` bars against
    /// `budget.maxCost`; Error "column N: what was expected" on a syntax error, "too costly: ..."
    /// (naming the estimate and the budget) when over the budget.
    static Result<Formula> parse(std::string_view text, const CostBudget& budget = {});
    Formula(Formula&&) noexcept;
    Formula& operator=(Formula&&) noexcept;
    ~Formula();

    const std::string& text() const { return m_text; }
    /// The timeframes named with '@' in the formula, each once, in order of appearance.
    const std::vector<Timeframe>& timeframes() const { return m_timeframes; }

    /// Streaming: a new bar, or a revision of the last one.
    void push(const FormulaBar& bar);
    void updateLast(const FormulaBar& bar);
    double value() const;

    /// Estimated cost units of one bar, of the one-off set-up, and of `bars` bars in all.
    double costPerBar() const { return m_costPerBar; }
    double setupCost() const { return m_setupCost; }
    double estimatedCost(std::size_t bars) const { return m_setupCost + m_costPerBar * static_cast<double>(bars); }
    /// Error "too costly: estimated X cost units over N bars, over the budget of Y" when
    /// estimatedCost(bars) > maxCost.
    Status checkCost(std::size_t bars, double maxCost = kDefaultMaxCost) const;

    /// Batch over columns (a fresh evaluation; NaN before the first defined value). Its cost is
    /// bounded by the check at parse() (for up to the budget's bars).
    std::vector<double> evaluate(const Columns& cols) const;
    /// The same after checkCost(cols.size(), maxCost); its Error when over.
    Result<std::vector<double>> evaluate(const Columns& cols, double maxCost) const;

private:
    Formula() = default;
    std::string m_text;
    std::vector<Timeframe> m_timeframes;
    double m_costPerBar = 0, m_setupCost = 0;
    std::unique_ptr<detail::FormulaNode> m_root;
};

}  // namespace kairos::indicators
