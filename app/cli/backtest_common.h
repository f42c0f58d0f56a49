#pragma once
// What `kairos-cli backtest --strategy`, `optimize` and `walkforward` share: the conventions and
// data flags, loading the bars, making the strategy for a set of parameters, and the summary
// fields (metric keys) and output files of a backtest.
#include "command.h"

#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/optimizer.h"

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
/// `--trades` CSV text.
std::string tradesCsv(const std::vector<backtest::TradeRecord>& trades);
/// `--equity` CSV text (time,equity).
std::string equityCsv(const std::vector<backtest::EquityPoint>& equity);
/// Writes `text` to `path` atomically.
Status writeFile(const QString& path, const std::string& text);

/// The data, strategy and convention flags of the strategy form of `backtest`, as given.
struct BacktestOptions {
    std::vector<QString> inputs;
    std::optional<QString> store, instrument, timeframe, strategy, entry, exit, stop, target, cash, commission, maker, taker,
        slippage, size, notional, percent, risk, fill, atEnd, from, to;
};
/// Takes those flags out of `a` (call before checking `a` for unknown options).
BacktestOptions takeBacktestOptions(Args& a);

/// A built-in strategy with its conventions and bars, ready to run for any parameters.
struct PreparedBacktest {
    std::vector<Bar> bars;
    backtest::BacktestSettings settings;
    InstrumentId id;
    Timeframe timeframe = Timeframe::H1;
    const backtest::StrategyInfo* info = nullptr;
    backtest::OrderSizing sizing;
    /// What parseBacktestOptions() read for loadBars(): [fromMs, toMs), and the series when given.
    std::int64_t fromMs = std::numeric_limits<std::int64_t>::min();
    std::int64_t toMs = std::numeric_limits<std::int64_t>::max();
    std::optional<InstrumentId> givenId;
    std::optional<Timeframe> givenTimeframe;
};

/// Sets `out.info` to the --strategy built-in (optimize and walkforward need one with parameters);
/// prints the usage error and returns kUsageError, or kOk.
int requireBuiltin(const char* command, const BacktestOptions& o, PreparedBacktest& out);
/// Checks the data, sizing and convention options into `out` (sizing, settings but the instrument and
/// timeframe, the dates and series) for the command `command`; prints the usage error and returns
/// kUsageError, or kOk. Reads no file; the strategy options are not looked at.
int parseBacktestOptions(const char* command, const BacktestOptions& o, PreparedBacktest& out);
/// Loads the bars after parseBacktestOptions() and settles the series and instrument rules; prints the
/// error and returns its exit code (kDataError, or kUsageError when the timeframe cannot be told), or kOk.
int loadBars(const char* command, const BacktestOptions& o, const QString& profileDir, PreparedBacktest& out);
/// For optimize and walkforward (the strategy already found): whether its built-in takes the sizing
/// (e.g. --risk-per-trade needs a stop); prints the usage error and returns kUsageError, or kOk.
int requireSizingFits(const char* command, const PreparedBacktest& p);

/// Makes the strategy for a combination (parameters not in it at their defaults).
backtest::StrategyFactory strategyFactory(const PreparedBacktest& p);
/// Whether the strategy accepts a combination (its range and cross-parameter rules).
backtest::ParamCheck paramCheck(const PreparedBacktest& p);

/// The search flags optimize and walkforward share, as given.
struct SearchOptions {
    std::vector<QString> params;
    std::optional<QString> method, samples, generations, population, seed, objective, minTrades, threads;
};
SearchOptions takeSearchOptions(Args& a);
/// Checks them into `spec` (its axes against the prepared strategy's parameters); prints the error
/// and returns kUsageError, or kOk.
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
/// A whole number from `min` to `max` given to `option`; the error names the option and the range.
Result<long long> parseIntegerOption(const QString& option, const QString& text, long long min, long long max);
/// A seed: a whole number from 0 to 2^64 - 1.
Result<std::uint64_t> parseSeedOption(const QString& text);

/// One line: "# BINANCE:BTCUSDT 1d, 1825 bars, FROM to TO; commission ...".
std::string describeRun(const PreparedBacktest& p);

}  // namespace kairos::cli
