#pragma once
// User-defined indicators: a formula over OHLCV and library indicators, e.g.
// "ema(close, 9) - ema(close, 21)" or "(close - sma(close, 20)) / stddev(close, 20)".
//
// Grammar: expr = conj {('or'|'||') conj}; conj = comparison {('and'|'&&') comparison};
// comparison = sum [('<'|'<='|'>'|'>='|'=='|'!=') sum]; sum = term {('+'|'-') term};
// term = unary {('*'|'/') unary}; unary = '-' unary | primary;
// primary = number | field | function '(' args ')' | '(' expr ')'.
// Comparisons and and/or give 1 (true) or 0 (false), and NaN while an operand is undefined (in
// its warm-up), e.g. "rsi(close, 14) < 30 and close > ema(close, 50)"; they do not chain (a < b < c
// is an error). and/or treat any non-zero operand as true.
// Fields: open high low close volume hl2 hlc3 ohlc4.
// Functions over a series x with a whole-number period n: sma ema wma dema tema hma rsi roc mom
// stddev linreg stochrsi (x, n); over the bar itself: atr adx cci willr mfi (n), tr obv vwap ();
// math: abs(x), min(a, b), max(a, b).
// Evaluation is safe: no loops or user code run; division by zero gives NaN; a function's input
// series feeds it only from its first defined value, so warm-ups compose (ema(rsi(close,14),9)
// starts where RSI has 9 values). Batch and streaming evaluation share one code path.

#include "indicators/columns.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::indicators {

struct FormulaBar {
    std::int64_t timeMs = 0;
    double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

namespace detail {
struct FormulaNode;
}

class Formula {
public:
    /// Parses `text`; Error "column N: what was expected" on a syntax error.
    static Result<Formula> parse(std::string_view text);
    Formula(Formula&&) noexcept;
    Formula& operator=(Formula&&) noexcept;
    ~Formula();

    const std::string& text() const { return m_text; }

    /// Streaming: a new bar, or a revision of the last one.
    void push(const FormulaBar& bar);
    void updateLast(const FormulaBar& bar);
    double value() const;

    /// Batch over columns (a fresh evaluation; NaN before the first defined value).
    std::vector<double> evaluate(const Columns& cols) const;

private:
    Formula() = default;
    std::string m_text;
    std::unique_ptr<detail::FormulaNode> m_root;
};

}  // namespace kairos::indicators
