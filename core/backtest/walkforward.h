#pragma once
// Walk-forward analysis: optimise on an in-sample window, trade the best parameters on the
// out-of-sample window that follows, move on by one out-of-sample length, repeat.
//
// Windows (t0 = the first bar's open time, spans in calendar months or fixed days):
//   rolling:  in-sample [t0 + k*OOS, t0 + k*OOS + IS),  out-of-sample [that end, that end + OOS)
//   anchored: in-sample [t0, t0 + IS + k*OOS),          out-of-sample the same
// for k = 0, 1, ... while the out-of-sample window starts at or before the last bar's open; the
// last out-of-sample window may be shorter (it ends with the data). Month arithmetic is on UTC
// calendar dates, always from t0 (t0 + 6m + 6m is t0 + 12m), with the day clamped to the month's
// last day (Jan 31 + 1m = Feb 28/29).
//
// Each window: the optimizer (OptimizerSpec; sharding not allowed) ranks the combinations over the
// in-sample bars; the best qualified one (none qualified: the best one) then runs over the
// in-sample bars as warm-up (it sees them, its indicators fill, but every order it sends there is
// refused) and trades the out-of-sample bars, starting from the previous window's final equity (the
// first from the initial capital), its position closed at the window's last close (AtEnd::Close) so
// the windows chain. The window's result and metrics cover its out-of-sample bars only; the
// stitched out-of-sample equity is the windows' equity points in order.
//
// Walk-forward efficiency = the stitched out-of-sample CAGR % / the mean in-sample CAGR % of the
// chosen combinations (Pardo's annualised OOS / IS return); NaN when that mean is not above 0.

#include "backtest/optimizer.h"

#include <optional>

namespace kairos::backtest {

/// A window length: calendar months ("2y" = 24 months, "6m") or a fixed time ("90d", "2w").
struct Span {
    int months = 0;
    std::int64_t ms = 0;
};
/// "2y", "6m", "90d", "2w" (a whole number above 0 and a unit y, m, w or d).
Result<Span> parseSpan(std::string_view text);
std::string toString(const Span& s);
/// `timeMs` moved on by `times` spans (UTC calendar months: day clamped to the month's end).
std::int64_t addSpan(std::int64_t timeMs, const Span& span, int times = 1);

struct WalkForwardSettings {
    Span inSample;
    Span outOfSample;
    bool anchored = false;
};

/// A window's time ranges, [start, end) on bar open times.
struct WindowRange {
    std::int64_t inStartMs = 0, inEndMs = 0;    ///< in-sample
    std::int64_t outStartMs = 0, outEndMs = 0;  ///< out-of-sample (outStart = inEnd)
};

/// The windows over bars spanning [firstOpenMs, lastOpenMs] (see the top). Error: a span of zero.
Result<std::vector<WindowRange>> walkForwardWindows(const WalkForwardSettings& settings, std::int64_t firstOpenMs,
                                                    std::int64_t lastOpenMs);

struct WalkForwardWindow {
    WindowRange range;
    std::size_t inBars = 0, outBars = 0;
    std::size_t combinations = 0;       ///< trials the in-sample optimisation ran
    ParamValues chosen;                 ///< the best in-sample combination's axis values
    std::vector<double> chosenValues;   ///< the same, in the axes' order
    double inScore = 0;                 ///< its in-sample objective
    Metrics inMetrics;                  ///< its in-sample metrics
    std::optional<BacktestResult> out;  ///< the out-of-sample backtest (nullopt: window had no bars)
    double outScore = 0;                ///< the objective on the out-of-sample run (NaN if none)
};

struct WalkForwardResult {
    std::vector<WalkForwardWindow> windows;
    std::vector<EquityPoint> equity;  ///< stitched out-of-sample equity
    Metrics outMetrics;               ///< metrics of the stitched out-of-sample run (all its trades)
    std::vector<TradeRecord> outTrades;
    double efficiency = 0;  ///< walk-forward efficiency (NaN when undefined)
    bool cancelled = false;
};

/// (window index, windows) before each window's optimisation, on the calling thread.
using WalkForwardProgress = std::function<void(std::size_t, std::size_t)>;

/// Runs the analysis. `settings`' initial capital starts the first out-of-sample window. Error: a
/// bad spec, no window fits in the bars (the data is shorter than one in-sample plus a bar), or a
/// backtest error.
Result<WalkForwardResult> runWalkForward(const BacktestSettings& settings, const StrategyFactory& factory,
                                         const ParamCheck& check, const OptimizerSpec& spec, const WalkForwardSettings& wf,
                                         const std::vector<Bar>& bars, const WalkForwardProgress& progress = {},
                                         const std::stop_token& stop = {});

}  // namespace kairos::backtest
