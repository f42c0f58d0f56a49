#pragma once
// What `kairos-cli backtest --strategy`, `optimize` and `walkforward` share: the conventions and
// data flags, loading the bars, making the strategy for a set of parameters, and the summary
// fields (metric keys) and output files of a backtest.
#include "command.h"

#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/optimizer.h"

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
    std::optional<QString> store, instrument, timeframe, strategy, entry, exit, stop, target, cash, commission, slippage, size,
        notional, percent, fill, atEnd, from, to;
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
};

/// Sets `out.info` to the --strategy built-in (optimize and walkforward need one with parameters);
/// prints the usage error and returns kUsageError, or kOk.
int requireBuiltin(const char* command, const BacktestOptions& o, PreparedBacktest& out);
/// Checks the sizing and convention options (usage errors: exit 2) and loads the bars (data errors:
/// exit 1) for the command `command`; prints the error and returns its exit code, or kOk. The
/// strategy options are not looked at.
int prepareBacktest(const char* command, const BacktestOptions& o, const QString& profileDir, PreparedBacktest& out);

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

/// "%.10g"; "inf"/"-inf"/"nan" for non-finite values.
std::string formatNumber(double v);
/// A whole number from `min` to `max` given to `option`; the error names the option and the range.
Result<long long> parseIntegerOption(const QString& option, const QString& text, long long min, long long max);
/// A seed: a whole number from 0 to 2^64 - 1.
Result<std::uint64_t> parseSeedOption(const QString& text);

/// One line: "# BINANCE:BTCUSDT 1d, 1825 bars, FROM to TO; commission ...".
std::string describeRun(const PreparedBacktest& p);

}  // namespace kairos::cli
