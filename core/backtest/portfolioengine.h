#pragma once
// PortfolioEngine: one strategy over several instruments in one account -- a portfolio backtest.
//
// The same kernel as BacktestEngine (and as paper trading): one BacktestVenue (the fill simulator in
// bars mode on the backtest clock) with every instrument, one in-memory Account (one cash balance,
// the portfolio ledger) and one StrategyRunner per instrument, each running its own fresh instance
// of the strategy. It composes those pieces itself; BacktestEngine is not involved.
//
// Time order. The bars of all instruments are merged by open time. Bars with the same open time form
// a step and are handled in the order the series were given (series[0] first), in three passes:
//   1. for each instrument with a bar in the step: orders working before the bar fill against it
//      (the simulator's rules, as in a single backtest) and its position is marked at the close;
//   2. one equity point for the step (at the step's close time): cash + every position marked at its
//      instrument's latest close (an instrument without a bar in the step keeps its earlier mark);
//   3. for each instrument with a bar in the step, in the same order: its strategy sees the closed
//      bar and may submit or cancel orders, which fill from its next bar on.
// So every decision of a step sees the equity marked at all the step's closes, and no decision sees
// a later bar. All series must be of the settings' timeframe (checked: in time order, one bar per
// bucket at most).
//
// Allocation: what one entry may use. At a decision the strategy's context reports, as its
// "equity", the instrument's budget, and the strategy sizes its entry against it as it would
// against a whole account (kairos-cli builds the strategies at 100 % of it, so an entry's notional
// at the decision close is the budget, rounded down to the lot). With E = the account's equity and
// C = its cash at that moment, minus what working entry orders (of every instrument, decided
// earlier) will take (remaining quantity x their instrument's latest close):
//   Equal            budget = min(E / N, C)          N = the number of series (all of them)
//   Notional(A)      budget = min(A, C)
//   PercentEquity(P) budget = min(E x P / 100, C)
// each rounded down to the money scale, and 0 (no entry) when C is not above 0. Cash is shared:
// later entries get what earlier ones left. There is no cash check at the fill itself, so a gap
// between the decision close and the next open, and the entry's fee, can leave cash a little
// below 0 (as a single backtest at 100 % of equity can).
//
// End of data: every working order is cancelled; with AtEnd::Close each open position is closed at
// its instrument's last close (taker fee, no slippage, at that bar's close time, exit reason "end
// of data"); with AtEnd::Keep it is kept, marked there and reported in the instrument's
// openPosition. FillAt::ThisClose is not supported (Error).
//
// Results: the combined run is a BacktestResult (every instrument's closed trades, ordered by exit
// time and then by series order; one equity point per step; metrics over those, the buy & hold
// figure being the mean of the instruments' buy & hold returns), plus each trade's instrument and a
// per-instrument breakdown. Bit-identical for the same inputs.
//
// Blocking and CPU-bound: run it on a worker thread, never the GUI thread.

#include "backtest/backtestengine.h"

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::backtest {

/// How much of the shared account one entry may use (see the top of the file).
struct Allocation {
    enum class Kind : std::uint8_t { Equal = 1, Notional, PercentEquity };
    Kind kind = Kind::Equal;
    Money notional;      ///< Notional: > 0, in the quote asset
    double percent = 0;  ///< PercentEquity: 0 < percent <= 100
};

/// "equal", "notional:AMOUNT" (a decimal above 0) or "percent:P" (above 0, at most 100); the error
/// names the allowed forms.
Result<Allocation> parseAllocation(std::string_view text);
/// "equal weight (equity / 3)", "notional 2500", "25 % of equity".
std::string describe(const Allocation& allocation, std::size_t instruments);

/// One instrument's bars (closed, in time order, at the settings' timeframe).
struct PortfolioSeries {
    Instrument instrument;
    std::vector<Bar> bars;
};

struct PortfolioSettings {
    /// Capital, rules (fees, slippage, money scale), tie rule, volume cap, pre-trade checks, at-end
    /// and timeframe as in a single backtest; `instrument` is not used (each series has its own).
    BacktestSettings base;
    Allocation allocation;
};

/// One instrument's share of a portfolio run.
struct PortfolioInstrumentResult {
    InstrumentId instrument;
    std::int64_t bars = 0;
    std::vector<TradeRecord> trades;  ///< its closed trades, in exit order
    std::optional<OpenPosition> openPosition;
    Money grossPnl, fees, netPnl;  ///< sums over its closed trades
    int wins = 0, losses = 0;
    int rejectedOrders = 0;
    double buyHoldReturnPct = 0;  ///< its last close / its first open - 1, in %
};

struct PortfolioResult {
    /// The combined run: trades of every instrument (exit time, then series order), equity one point
    /// per step, metrics over them; `openPosition` is unset (see `instruments`).
    BacktestResult combined;
    /// For each combined.trades[i], the index of its series.
    std::vector<std::size_t> tradeInstrument;
    /// In the order of the series.
    std::vector<PortfolioInstrumentResult> instruments;
};

/// A fresh strategy for one instrument (called once per series, in order, before the first bar).
using PortfolioStrategyFactory = std::function<Result<std::unique_ptr<Strategy>>(const Instrument&)>;

class PortfolioEngine {
public:
    explicit PortfolioEngine(PortfolioSettings settings);

    /// Runs one strategy per series over the merged bars. Error: no series, an empty or unordered
    /// series, two series of one instrument, bad settings (as BacktestEngine, and FillAt::ThisClose),
    /// or a strategy the factory cannot make. A cancelled run is not an error (combined.cancelled).
    Result<PortfolioResult> run(const PortfolioStrategyFactory& factory, const std::vector<PortfolioSeries>& series,
                                const std::stop_token& stop = {}) const;

    const PortfolioSettings& settings() const { return m_settings; }

private:
    PortfolioSettings m_settings;
};

}  // namespace kairos::backtest
