#pragma once
// The backtest's HTML report: one self-contained file (inline CSS and SVG charts drawn here, no
// script, font, image or link to anything outside it), so it opens offline in any browser.
//
// Sections, in order: a header (strategy, instrument, period, conventions), key figures, the equity
// curve (with buy & hold when the bars are given), the drawdown curve, the monthly return table
// (heat-coloured, one row per year with the year's return), every metric, and the trade list. Three
// optional sections follow when their data is passed: an optimisation heatmap over two parameters,
// walk-forward windows (with the stitched out-of-sample equity) and Monte Carlo percentile bands,
// as <section id="optimisation">, <section id="walk-forward"> and <section id="monte-carlo">; a portfolio
// backtest adds its per-instrument table (<section id="portfolio">) after the metrics.
// Callers that produce those (the optimizer, walk-forward and Monte Carlo) fill the structs below.
//
// Every text that comes from the caller (names, parameters, formulas) is HTML-escaped. Pure
// function of its input: the same input gives the same bytes. Runs on any thread.

#include "backtest/backtestengine.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kairos::backtest {

/// An objective over a grid of two parameters (optimisation heatmap).
struct ReportHeatmap {
    std::string xParam;           ///< parameter on the horizontal axis, e.g. "fast"
    std::string yParam;           ///< parameter on the vertical axis, e.g. "slow"
    std::string metric;           ///< what the cells show, e.g. "sharpe"
    std::vector<double> xValues;  ///< column values, in display order
    std::vector<double> yValues;  ///< row values, in display order
    /// Row-major: values[row * xValues.size() + column]; NaN where no combination ran (or was
    /// invalid, such as fast >= slow). Must hold xValues.size() x yValues.size() values.
    std::vector<double> values;
    bool higherIsBetter = true;  ///< colours: green for better, red for worse
};

/// One walk-forward window.
struct ReportWalkForwardWindow {
    std::int64_t inSampleStartMs = 0;
    std::int64_t inSampleEndMs = 0;  ///< exclusive
    std::int64_t outOfSampleStartMs = 0;
    std::int64_t outOfSampleEndMs = 0;  ///< exclusive
    std::string parameters;             ///< chosen in-sample, e.g. "fast=10 slow=30"
    double inSampleObjective = 0;
    double outOfSampleObjective = 0;
    double outOfSampleReturnPct = 0;
    int outOfSampleTrades = 0;
};

struct ReportWalkForward {
    std::string objective;  ///< the metric optimised in-sample, e.g. "sharpe"
    bool anchored = false;
    std::vector<ReportWalkForwardWindow> windows;
    std::vector<EquityPoint> stitchedEquity;  ///< out-of-sample equity, the windows end to end
    double efficiency = 0;                    ///< walk-forward efficiency (out-of-sample / in-sample)
};

/// Percentile bands of Monte Carlo equity paths, over trade number (x = 0 .. n trades).
struct ReportMonteCarlo {
    std::string method;  ///< "shuffle" or "bootstrap"
    int runs = 0;
    std::uint64_t seed = 0;
    std::vector<double> p5, p50, p95;  ///< equity after each trade (index 0 = the initial capital)
    double maxDrawdownPctP50 = 0, maxDrawdownPctP95 = 0;
    double finalReturnPctP5 = 0, finalReturnPctP50 = 0, finalReturnPctP95 = 0;
    double ruinDrawdownPct = 0;    ///< the drawdown limit that counts as ruin (0: not computed)
    double probabilityOfRuin = 0;  ///< share of the runs that reached it, 0..1
};

/// One instrument of a portfolio backtest (PortfolioEngine): its share of the combined run.
struct ReportPortfolioInstrument {
    std::string symbol;  ///< "BINANCE:BTCUSDT"
    std::int64_t bars = 0;
    int trades = 0, wins = 0, losses = 0;
    std::string netPnl;  ///< exact decimal text
    std::string fees;    ///< exact decimal text
    double buyHoldReturnPct = 0;
    std::string openPosition;  ///< e.g. "long 0.5 from 61234.5"; empty when flat
};

/// The per-instrument breakdown of a portfolio backtest.
struct ReportPortfolio {
    std::string allocation;  ///< e.g. "equal weight (equity / 2 per entry)"
    std::vector<ReportPortfolioInstrument> instruments;
};

struct ReportInput {
    const BacktestResult* result = nullptr;  ///< required
    std::string title;                       ///< e.g. "sma_cross on BINANCE:BTCUSDT 1d"
    std::string instrument;                  ///< "BINANCE:BTCUSDT"
    std::string timeframe;                   ///< "1d"
    /// The run's conventions as (label, value) rows: commission, slippage, sizing, fills, at end...
    std::vector<std::pair<std::string, std::string>> settings;
    /// The bars the run used, for the buy & hold curve; may be empty (then no such curve).
    std::vector<Bar> bars;
    std::optional<ReportHeatmap> heatmap;
    std::optional<ReportWalkForward> walkForward;
    std::optional<ReportMonteCarlo> monteCarlo;
    std::optional<ReportPortfolio> portfolio;
    /// At most this many trades are listed (the first ones; the rest are counted). 0 = all.
    std::size_t maxTradeRows = 2000;
};

/// The report as one HTML document (UTF-8). Error when `result` is missing or a heatmap's sizes
/// do not match.
Result<std::string> renderReport(const ReportInput& input);

/// `text` with & < > " ' replaced by character references.
std::string htmlEscape(std::string_view text);

}  // namespace kairos::backtest
