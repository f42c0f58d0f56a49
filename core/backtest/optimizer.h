#pragma once
// Optimizer: runs one strategy over the same bars for many parameter combinations, on several
// threads, and ranks them by an objective metric (`kairos-cli optimize`, walk-forward).
//
// Search space: one ParamAxis per optimised parameter, in the order given; each axis is a list of
// values ("fast=5,10,20") or an inclusive range ("fast=5:30:1" = 5, 6, ..., 30). Methods:
// - Grid: every combination, the last axis varying fastest. A combination the strategy refuses
//   (OptimizerSpec::check, e.g. fast >= slow) is skipped and not counted.
// - Random: `samples` distinct valid combinations drawn uniformly (each axis independently) from
//   a seeded generator (SplitMix64, the same sequence on every platform); the whole grid, in grid
//   order, when it has no more than `samples` valid combinations.
// - Genetic: `population` combinations per generation for `generations` generations (the first
//   drawn as Random), then elitism (the best tenth, at least 1), tournament selection of 3,
//   uniform crossover and mutation (each gene with probability 1 / axes, to a random value of its
//   axis). Each distinct combination runs once; the trials are every combination evaluated.
// Sharding (Grid and Random): trial i (in enumeration order, 0-based) belongs to shard K of N when
// i % N == K - 1, so N shards together run exactly the single run's trials.
//
// Determinism: each trial is one BacktestEngine run over the same bars with a fresh strategy; the
// trials' results are stored by index, never in completion order, and the genetic search draws
// its random numbers on the calling thread only, so the results are bit-identical for any number
// of threads. Ranking: trials with at least `minTrades` closed trades and a finite objective
// first, then by the objective (maximised, or minimised for drawdowns, volatility, losses, fees),
// then by the parameter values (ascending, axis by axis).
//
// Threads: run() blocks its caller; the backtests run on `threads` worker threads (std::jthread);
// `onResult` is called on those workers (it must be thread-safe: each call has its own index),
// `progress` on the calling thread.

#include "backtest/backtestengine.h"
#include "backtest/builtins.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::backtest {

/// Small, fast, portable random generator (Steele, Lea, Flood 2014): the same numbers for a seed
/// on every platform and standard library.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    /// Uniform in [0, n) (n > 0), without modulo bias.
    std::uint64_t below(std::uint64_t n);
    /// Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

private:
    std::uint64_t m_state;
};

/// One optimised parameter and the values to try, in order.
struct ParamAxis {
    std::string name;
    std::vector<double> values;
    std::vector<std::string> texts;  ///< each value as written in results ("%.10g")
};

/// Parses "NAME=START:STOP:STEP" (inclusive, STEP > 0, at most 1,000,000 values), "NAME=A,B,C" or
/// "NAME=V". With `info`, the name must be one of its parameters and every value in its range
/// (the error names the parameter and its allowed range); duplicates in a list are an error.
Result<ParamAxis> parseParamAxis(std::string_view text, const StrategyInfo* info);

enum class SearchMethod : std::uint8_t { Grid = 1, Random, Genetic };
Result<SearchMethod> parseSearchMethod(std::string_view text);
std::string toString(SearchMethod m);

/// Shard K of N (1 <= K <= N).
struct Shard {
    int index = 1;
    int count = 1;
};
/// "K/N"; error naming the allowed range.
Result<Shard> parseShard(std::string_view text);

/// A metric the optimizer can rank by, under its summary JSON key.
struct Objective {
    std::string key;
    bool minimise = false;  ///< smaller is better (drawdowns, volatility, losses, fees, rejections)
    double (*value)(const BacktestResult&) = nullptr;
};
/// Every objective, in the summary JSON's order.
const std::vector<Objective>& objectives();
/// nullptr when `key` is not one.
const Objective* findObjective(std::string_view key);
/// "total_return_pct, cagr_pct, ..."
std::string objectiveNames();

struct OptimizerSpec {
    std::vector<ParamAxis> axes;
    SearchMethod method = SearchMethod::Grid;
    int samples = 100;       ///< Random: how many combinations (>= 1)
    int generations = 10;    ///< Genetic: >= 1
    int population = 20;     ///< Genetic: >= 2
    std::uint64_t seed = 1;  ///< Random and Genetic
    int threads = 0;         ///< worker threads; 0 = every core (std::thread::hardware_concurrency)
    Shard shard;             ///< Grid and Random only
    std::string objective = "sharpe";
    int minTrades = 0;  ///< a trial with fewer closed trades ranks after every one with enough
};

/// Error naming the flag that is out of range (axes, counts, shard, threads, objective, a grid
/// above 10,000,000 combinations).
Status validate(const OptimizerSpec& spec);

/// A fresh strategy for one combination (parameters by name: the axes' values only; the factory
/// adds the defaults). Called on the worker threads: it must be thread-safe.
using StrategyFactory = std::function<Result<std::unique_ptr<Strategy>>(const ParamValues&)>;
/// OK when the strategy accepts the combination; called on the calling thread.
using ParamCheck = std::function<Status(const ParamValues&)>;

/// One evaluated combination.
struct Trial {
    std::size_t index = 0;            ///< enumeration order (grid / draw / genetic evaluation order)
    std::vector<std::size_t> choice;  ///< the index of its value on each axis
    std::vector<double> values;       ///< its value on each axis, in the axes' order
    ParamValues params;               ///< the axes' values by name
    Metrics metrics;
    int closedTrades = 0;
    double score = 0;        ///< the objective's value (NaN when not defined)
    bool qualified = false;  ///< closedTrades >= minTrades and the score is finite
};

struct OptimizerResult {
    std::vector<Trial> trials;           ///< ranked, best first
    std::size_t combinations = 0;        ///< valid combinations of the whole search (every shard)
    std::size_t skipped = 0;             ///< grid combinations the strategy refused
    bool cancelled = false;              ///< stopped early: `trials` holds the finished ones
    std::vector<std::string> axisNames;  ///< in the order of the axes
};

/// (trials done, trials planned), on the calling thread, at most every ~0.1 s and at the end.
using OptimizerProgress = std::function<void(std::size_t, std::size_t)>;
/// Called once per finished trial with its full backtest result, on a worker thread.
using TrialHook = std::function<void(const Trial&, const BacktestResult&)>;

class Optimizer {
public:
    Optimizer(BacktestSettings settings, StrategyFactory factory, ParamCheck check = {});

    /// Validates `spec` (error naming the bad value) and runs the search over `bars`. A trial whose
    /// backtest fails makes the whole run fail with that error (it would fail for every trial).
    Result<OptimizerResult> run(const OptimizerSpec& spec, const std::vector<Bar>& bars, const OptimizerProgress& progress = {},
                                const TrialHook& onResult = {}, const std::stop_token& stop = {}) const;

    /// The combinations a grid or random search (before sharding) would run, in order; for tests
    /// and for sizing a sharded job. Genetic: error.
    Result<std::vector<std::vector<std::size_t>>> plan(const OptimizerSpec& spec, std::size_t* skipped = nullptr) const;

private:
    BacktestSettings m_settings;
    StrategyFactory m_factory;
    ParamCheck m_check;
};

/// The parameters of a choice (one value index per axis).
ParamValues paramsOf(const std::vector<ParamAxis>& axes, const std::vector<std::size_t>& choice);
/// Ranks trials as described at the top (best first).
void rankTrials(std::vector<Trial>& trials, const Objective& objective);
/// Number of worker threads `threads` means (0 = every core, at least 1).
int effectiveThreads(int threads);

}  // namespace kairos::backtest
