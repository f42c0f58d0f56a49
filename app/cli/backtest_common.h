#pragma once
// What `kairos-cli backtest --strategy`, `optimize` and `walkforward` share: the conventions and
// data flags, loading the bars, making the strategy for a set of parameters, and the summary
// fields (metric keys) and output files of a backtest.
#include "command.h"

#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/formulastrategy.h"
#include "backtest/optimizer.h"
#include "backtest/portfolioengine.h"
#include "backtest/tradescsv.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kairos::cli {

// Defined in cmd_backtest.cpp (the backtest command owns these formats).
/// Every metric of a run, in a fixed order: (summary JSON key, JSON value).
std::vector<std::pair<std::string, std::string>> summaryFields(const backtest::BacktestResult& r);
/// `--trades` CSV text (core/backtest/tradescsv.h: one format for the CLI and the terminal).
using backtest::tradesCsv;
/// `--equity` CSV text (time,equity).
std::string equityCsv(const std::vector<backtest::EquityPoint>& equity);
/// Writes `text` to `path` atomically.
Status writeFile(const QString& path, const std::string& text);

/// The data, strategy and convention flags of the strategy form of `backtest`, as given.
struct BacktestOptions {
    std::vector<QString> inputs;
    /// Every --store, in order (`store` is the first).
    std::vector<QString> stores;
    std::optional<QString> watchlist, allocation;
    std::optional<QString> store, instrument, timeframe, strategy, entry, exit, stop, target, cash, commission, maker, taker,
        slippage, size, notional, percent, risk, fill, atEnd, from, to;
};
/// Takes those flags out of `a` (call before checking `a` for unknown options).
BacktestOptions takeBacktestOptions(Args& a);
/// Whether the options ask for a portfolio backtest: several --store, a --watchlist, an --allocation,
/// or --input files whose names tell two or more instruments. Reads no file.
bool isPortfolio(const BacktestOptions& o);

/// A built-in strategy with its conventions and bars, ready to run for any parameters.
struct PreparedBacktest {
    std::vector<Bar> bars;
    backtest::BacktestSettings settings;
    InstrumentId id;
    Timeframe timeframe = Timeframe::H1;
    const backtest::StrategyInfo* info = nullptr;
    /// A formula strategy instead of a built-in (optimize, walkforward): its formulas with their
    /// `{NAME}` placeholders (backtest/formulastrategy.h), filled per combination.
    std::optional<backtest::FormulaStrategySettings> formula;
    backtest::OrderSizing sizing;
    /// What parseBacktestOptions() read for loadBars(): [fromMs, toMs), and the series when given.
    std::int64_t fromMs = std::numeric_limits<std::int64_t>::min();
    std::int64_t toMs = std::numeric_limits<std::int64_t>::max();
    std::optional<InstrumentId> givenId;
    std::optional<Timeframe> givenTimeframe;
};

/// Sets `out.info` to the --strategy built-in, or `out.formula` to the --entry/--exit/--stop/--target
/// formulas (optimize and walkforward: their parameters are `{NAME}` placeholders that --param fills);
/// prints the usage error and returns kUsageError, or kOk.
int requireStrategy(const char* command, const BacktestOptions& o, PreparedBacktest& out);
/// "sma_cross", or "formula".
std::string strategyLabel(const PreparedBacktest& p);
/// Checks the data, sizing and convention options into `out` (sizing, settings but the instrument and
/// timeframe, the dates and series) for the command `command`; prints the usage error and returns
/// kUsageError, or kOk. Reads no file; the strategy options are not looked at.
int parseBacktestOptions(const char* command, const BacktestOptions& o, PreparedBacktest& out);
/// Loads the bars after parseBacktestOptions() and settles the series and instrument rules; prints the
/// error and returns its exit code (kDataError, or kUsageError when the timeframe cannot be told), or kOk.
int loadBars(const char* command, const BacktestOptions& o, const QString& profileDir, PreparedBacktest& out);
/// Portfolio form of parseBacktestOptions() (backtest only): the same checks of the conventions and
/// dates, the sources (--input files, several --store or one --watchlist with --timeframe) and
/// --allocation into `allocation`; the sizing flags are refused (the allocation sizes the entries,
/// each strategy is built at 100 % of its budget). Prints the usage error and returns kUsageError, or kOk.
int parsePortfolioOptions(const char* command, const BacktestOptions& o, PreparedBacktest& out, backtest::Allocation& allocation);
/// Loads every series of a portfolio after parsePortfolioOptions(): the --input files grouped by the
/// instrument their names tell (else FILE:<name>; files of one instrument are read in order as one
/// series), each --store, or each instrument of the --watchlist (those without stored bars in the range
/// are skipped with a note on stderr). Sets `out`'s timeframe and settings. Prints the error and returns
/// its exit code, or kOk.
int loadPortfolio(const char* command, const BacktestOptions& o, const QString& profileDir, PreparedBacktest& out,
                  std::vector<backtest::PortfolioSeries>& series);
/// For optimize and walkforward (the strategy already found): whether its built-in takes the sizing
/// (e.g. --risk-per-trade needs a stop); prints the usage error and returns kUsageError, or kOk.
int requireSizingFits(const char* command, const PreparedBacktest& p);

/// Makes the strategy for a combination (parameters not in it at their defaults; a formula's placeholders
/// filled with the combination's values).
backtest::StrategyFactory strategyFactory(const PreparedBacktest& p);
/// Whether the strategy accepts a combination (its range and cross-parameter rules; for formulas: that
/// the filled formulas parse).
backtest::ParamCheck paramCheck(const PreparedBacktest& p);

/// The search flags optimize and walkforward share, as given.
struct SearchOptions {
    std::vector<QString> params;
    std::optional<QString> method, samples, generations, population, seed, objective, minTrades, threads;
};
SearchOptions takeSearchOptions(Args& a);
/// Checks them into `spec` (its axes against the prepared strategy's parameters: a built-in's, or the
/// formulas' placeholders and `short`, every placeholder filled by a --param and every --param filling
/// one; the errors name them); prints the error and returns kUsageError, or kOk.
int parseSearchOptions(const char* command, const SearchOptions& o, const PreparedBacktest& prepared,
                       backtest::OptimizerSpec& spec);

/// The fees as the runs print them: "10 bp a side", or "maker 2 bp, taker 10 bp".
std::string describeFees(const backtest::BacktestSettings& s);

/// A plain decimal given to `option`; the error names the option.
template <class T>
Result<T> parseDecimalOption(const QString& option, const QString& text) {
    auto v = T::parse(text.trimmed().toStdString());
    if (!v) return makeError(QStringLiteral("%1 takes a plain decimal number (got \"%2\")").arg(option, text).toStdString());
    return *v;
}

/// --from/--to as [fromMs, toMs) (open-ended when a flag is absent); Error naming the flag.
Result<std::pair<std::int64_t, std::int64_t>> parseDateRange(const std::optional<QString>& fromText,
                                                             const std::optional<QString>& toText);

/// "%.10g"; "inf"/"-inf"/"nan" for non-finite values.
std::string formatNumber(double v);
/// A percentage above 0 and at most 100 given to `option` (`what` says what it is, e.g. "a number",
/// "a drawdown in %"); the error names the option, what it takes and the text.
Result<double> parsePercentOption(const QString& option, const QString& what, const QString& text);
/// A whole number from `min` to `max` given to `option`; the error names the option and the range.
Result<long long> parseIntegerOption(const QString& option, const QString& text, long long min, long long max);
/// A seed: a whole number from 0 to 2^64 - 1.
Result<std::uint64_t> parseSeedOption(const QString& text);

/// One line: "# BINANCE:BTCUSDT 1d, 1825 bars, FROM to TO; commission ...".
std::string describeRun(const PreparedBacktest& p);

}  // namespace kairos::cli
