#include "backtest/optimizer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace kairos::backtest {

namespace {

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

/// The value as results write it, and back: ranges like 0.1:0.5:0.1 give 0.3, not 0.30000000000000004.
double canonical(double v) { return std::strtod(num(v).c_str(), nullptr); }

Result<double> parseNumber(const std::string& name, const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
        return makeError("--param " + name + ": \"" + text + "\" is not a number");
    return v;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == sep) {
            out.push_back(trim(s.substr(start, i - start)));
            start = i + 1;
        }
    return out;
}

double money(const Money& m) { return m.toDouble(); }

}  // namespace

std::uint64_t SplitMix64::below(std::uint64_t n) {
    // Rejection of the top partial block keeps every value equally likely.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
}

Result<ParamAxis> parseParamAxis(std::string_view text, const StrategyInfo* info) {
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return makeError("--param takes NAME=START:STOP:STEP, NAME=A,B,C or NAME=VALUE (got \"" + std::string(text) + "\")");
    ParamAxis axis;
    axis.name = trim(text.substr(0, eq));
    const std::string values = trim(text.substr(eq + 1));
    const ParamSpec* spec = nullptr;
    if (info) {
        for (const ParamSpec& p : info->params)
            if (p.name == axis.name) spec = &p;
        if (!spec) {
            std::string known;
            for (const ParamSpec& p : info->params) known += (known.empty() ? "" : "; ") + describe(p);
            return makeError("--param: unknown parameter \"" + axis.name + "\" for " + info->name + " (it takes: " + known + ")");
        }
    }
    const auto rangeText = [&] { return spec ? " (allowed: " + describe(*spec) + ")" : std::string(); };
    if (values.find(':') != std::string::npos) {
        const auto parts = split(values, ':');
        if (parts.size() != 3)
            return makeError("--param " + axis.name + ": a range is START:STOP:STEP, inclusive (got \"" + values + "\")");
        double v[3] = {0, 0, 0};
        for (int i = 0; i < 3; ++i) {
            auto n = parseNumber(axis.name, parts[static_cast<std::size_t>(i)]);
            if (!n) return n.error();
            v[i] = *n;
        }
        if (!(v[2] > 0)) return makeError("--param " + axis.name + ": the step must be above 0 (got " + parts[2] + ")");
        if (v[1] < v[0])
            return makeError("--param " + axis.name + ": the range's stop " + parts[1] + " is below its start " + parts[0]);
        const double count = std::floor((v[1] - v[0]) / v[2] + 1e-9) + 1;
        if (count > 1e6) return makeError("--param " + axis.name + ": the range has more than 1,000,000 values");
        for (std::int64_t i = 0; i < static_cast<std::int64_t>(count); ++i)
            axis.values.push_back(canonical(v[0] + static_cast<double>(i) * v[2]));
    } else {
        for (const std::string& part : split(values, ',')) {
            auto n = parseNumber(axis.name, part);
            if (!n) return makeError(n.message() + rangeText());
            const double c = canonical(*n);
            if (std::find(axis.values.begin(), axis.values.end(), c) != axis.values.end())
                return makeError("--param " + axis.name + ": " + part + " is listed twice");
            axis.values.push_back(c);
        }
    }
    for (double v : axis.values) {
        axis.texts.push_back(num(v));
        if (spec && (v < spec->min || v > spec->max || (spec->integer && v != std::floor(v))))
            return makeError("--param " + axis.name + ": " + num(v) + " is out of range" + rangeText());
    }
    return axis;
}

Result<SearchMethod> parseSearchMethod(std::string_view text) {
    if (text == "grid") return SearchMethod::Grid;
    if (text == "random") return SearchMethod::Random;
    if (text == "genetic") return SearchMethod::Genetic;
    return makeError("--method takes grid, random or genetic (got \"" + std::string(text) + "\")");
}

std::string toString(SearchMethod m) {
    switch (m) {
    case SearchMethod::Grid:
        return "grid";
    case SearchMethod::Random:
        return "random";
    case SearchMethod::Genetic:
        return "genetic";
    }
    return "?";
}

Result<Shard> parseShard(std::string_view text) {
    const auto parts = split(text, '/');
    const auto bad = [&] {
        return makeError("--shard takes K/N with 1 <= K <= N, N from 1 to 100000 (got \"" + std::string(text) + "\")");
    };
    if (parts.size() != 2) return bad();
    char* e1 = nullptr;
    char* e2 = nullptr;
    const long k = std::strtol(parts[0].c_str(), &e1, 10);
    const long n = std::strtol(parts[1].c_str(), &e2, 10);
    if (parts[0].empty() || parts[1].empty() || *e1 != 0 || *e2 != 0 || n < 1 || n > 100000 || k < 1 || k > n) return bad();
    return Shard{static_cast<int>(k), static_cast<int>(n)};
}

const std::vector<Objective>& objectives() {
    // Keys and order as the backtest summary JSON (app/cli); minimise where smaller is better.
    static const std::vector<Objective> all = {
        {"final_equity", false, [](const BacktestResult& r) { return money(r.metrics.finalEquity); }},
        {"final_cash", false, [](const BacktestResult& r) { return money(r.finalCash); }},
        {"net_profit", false, [](const BacktestResult& r) { return money(r.metrics.netProfit); }},
        {"total_return_pct", false, [](const BacktestResult& r) { return r.metrics.totalReturnPct; }},
        {"cagr_pct", false, [](const BacktestResult& r) { return r.metrics.cagrPct; }},
        {"annual_volatility_pct", true, [](const BacktestResult& r) { return r.metrics.annualVolatilityPct; }},
        {"sharpe", false, [](const BacktestResult& r) { return r.metrics.sharpe; }},
        {"sortino", false, [](const BacktestResult& r) { return r.metrics.sortino; }},
        {"calmar", false, [](const BacktestResult& r) { return r.metrics.calmar; }},
        {"max_drawdown", true, [](const BacktestResult& r) { return money(r.metrics.maxDrawdown); }},
        {"max_drawdown_pct", true, [](const BacktestResult& r) { return r.metrics.maxDrawdownPct; }},
        {"max_drawdown_duration_bars", true,
         [](const BacktestResult& r) { return static_cast<double>(r.metrics.maxDrawdownDurationBars); }},
        {"max_drawdown_duration_days", true,
         [](const BacktestResult& r) { return static_cast<double>(r.metrics.maxDrawdownDurationMs) / 86400000.0; }},
        {"trades", false, [](const BacktestResult& r) { return static_cast<double>(r.metrics.trades); }},
        {"closed_trades", false, [](const BacktestResult& r) { return static_cast<double>(r.trades.size()); }},
        {"wins", false, [](const BacktestResult& r) { return static_cast<double>(r.metrics.wins); }},
        {"losses", true, [](const BacktestResult& r) { return static_cast<double>(r.metrics.losses); }},
        {"win_rate_pct", false, [](const BacktestResult& r) { return r.metrics.winRatePct; }},
        {"profit_factor", false, [](const BacktestResult& r) { return r.metrics.profitFactor; }},
        {"expectancy", false, [](const BacktestResult& r) { return r.metrics.expectancy; }},
        {"average_win", false, [](const BacktestResult& r) { return r.metrics.averageWin; }},
        {"average_loss", false, [](const BacktestResult& r) { return r.metrics.averageLoss; }},
        {"longest_win_streak", false, [](const BacktestResult& r) { return static_cast<double>(r.metrics.longestWinStreak); }},
        {"longest_loss_streak", true, [](const BacktestResult& r) { return static_cast<double>(r.metrics.longestLossStreak); }},
        {"gross_profit", false, [](const BacktestResult& r) { return money(r.metrics.grossProfit); }},
        {"gross_loss", false, [](const BacktestResult& r) { return money(r.metrics.grossLoss); }},
        {"total_fees", true, [](const BacktestResult& r) { return money(r.metrics.totalFees); }},
        {"exposure_pct", false, [](const BacktestResult& r) { return r.metrics.exposurePct; }},
        {"rejected_orders", true, [](const BacktestResult& r) { return static_cast<double>(r.rejectedOrders); }},
    };
    return all;
}

const Objective* findObjective(std::string_view key) {
    for (const Objective& o : objectives())
        if (o.key == key) return &o;
    return nullptr;
}

std::string objectiveNames() {
    std::string out;
    for (const Objective& o : objectives()) out += (out.empty() ? "" : ", ") + o.key;
    return out;
}

ParamValues paramsOf(const std::vector<ParamAxis>& axes, const std::vector<std::size_t>& choice) {
    ParamValues p;
    for (std::size_t a = 0; a < axes.size(); ++a) p[axes[a].name] = axes[a].values[choice[a]];
    return p;
}

namespace {

bool better(const Trial& a, const Trial& b, const Objective& objective) {
    if (a.qualified != b.qualified) return a.qualified;
    if (a.qualified && a.score != b.score) return objective.minimise ? a.score < b.score : a.score > b.score;
    if (a.values != b.values) return a.values < b.values;
    return a.index < b.index;
}

using Choice = std::vector<std::size_t>;

struct Job {
    Choice choice;
    std::size_t index = 0;
};

constexpr double kMaxGrid = 10'000'000;

double gridSize(const std::vector<ParamAxis>& axes) {
    double n = 1;
    for (const ParamAxis& a : axes) n *= static_cast<double>(a.values.size());
    return n;
}

/// Every combination in grid order (the last axis fastest).
template <class Visit>
void forEachCombination(const std::vector<ParamAxis>& axes, Visit visit) {
    Choice c(axes.size(), 0);
    for (;;) {
        visit(c);
        std::size_t a = axes.size();
        while (a > 0) {
            --a;
            if (++c[a] < axes[a].values.size()) break;
            c[a] = 0;
            if (a == 0) return;
        }
        if (axes.empty()) return;
    }
}

Choice randomChoice(const std::vector<ParamAxis>& axes, SplitMix64& rng) {
    Choice c(axes.size());
    for (std::size_t a = 0; a < axes.size(); ++a) c[a] = static_cast<std::size_t>(rng.below(axes[a].values.size()));
    return c;
}

}  // namespace

void rankTrials(std::vector<Trial>& trials, const Objective& objective) {
    std::sort(trials.begin(), trials.end(), [&](const Trial& a, const Trial& b) { return better(a, b, objective); });
}

Optimizer::Optimizer(BacktestSettings settings, StrategyFactory factory, ParamCheck check)
    : m_settings(std::move(settings)), m_factory(std::move(factory)), m_check(std::move(check)) {}

Status validate(const OptimizerSpec& spec) {
    if (spec.axes.empty()) return makeError("give at least one --param NAME=RANGE to optimise");
    std::set<std::string> names;
    for (const ParamAxis& a : spec.axes) {
        if (a.values.empty()) return makeError("--param " + a.name + " has no values");
        if (!names.insert(a.name).second) return makeError("--param " + a.name + " is given twice");
    }
    if (spec.method == SearchMethod::Random && (spec.samples < 1 || spec.samples > 10'000'000))
        return makeError("--samples must be 1 to 10000000 (got " + std::to_string(spec.samples) + ")");
    if (spec.method == SearchMethod::Genetic) {
        if (spec.generations < 1 || spec.generations > 100000)
            return makeError("--generations must be 1 to 100000 (got " + std::to_string(spec.generations) + ")");
        if (spec.population < 2 || spec.population > 100000)
            return makeError("--population must be 2 to 100000 (got " + std::to_string(spec.population) + ")");
        if (spec.shard.count != 1) return makeError("--shard works with --method grid or random, not genetic");
    }
    if (spec.shard.count < 1 || spec.shard.index < 1 || spec.shard.index > spec.shard.count)
        return makeError("--shard takes K/N with 1 <= K <= N");
    if (spec.threads < 0 || spec.threads > 1024)
        return makeError("--threads must be 1 to 1024 (got " + std::to_string(spec.threads) + ")");
    if (spec.minTrades < 0) return makeError("--min-trades must be 0 or more (got " + std::to_string(spec.minTrades) + ")");
    if (!findObjective(spec.objective))
        return makeError("--objective \"" + spec.objective + "\" is not a metric (one of: " + objectiveNames() + ")");
    if (spec.method == SearchMethod::Grid && gridSize(spec.axes) > kMaxGrid)
        return makeError("the grid has " + num(gridSize(spec.axes)) +
                         " combinations, more than 10000000: narrow the ranges or use --method random");
    return {};
}

namespace {

/// Runs the jobs on `threads` workers; out[i] is job i's trial. Error: the first failed job's.
class TrialRunner {
public:
    TrialRunner(const BacktestSettings& settings, const StrategyFactory& factory, const std::vector<ParamAxis>& axes,
                const Objective& objective, int minTrades, const std::vector<Bar>& bars, const TrialHook& hook,
                const std::stop_token& stop)
        : m_settings(settings),
          m_factory(factory),
          m_axes(axes),
          m_objective(objective),
          m_minTrades(minTrades),
          m_bars(bars),
          m_hook(hook),
          m_stop(stop) {}

    /// `doneBefore`/`planned` only shape the progress calls.
    Status run(const std::vector<Job>& jobs, std::vector<Trial>& out, int threads, std::size_t doneBefore, std::size_t planned,
               const OptimizerProgress& progress, bool& cancelled) {
        out.assign(jobs.size(), Trial{});
        std::vector<std::optional<Error>> errors(jobs.size());
        std::vector<char> finished(jobs.size(), 0);
        std::atomic<std::size_t> next{0};
        std::atomic<bool> failed{false};
        std::mutex m;
        std::condition_variable cv;
        std::size_t done = 0;
        int exited = 0;
        const int n = std::max(1, std::min<int>(threads, static_cast<int>(jobs.size())));
        {
            std::vector<std::jthread> pool;
            pool.reserve(static_cast<std::size_t>(n));
            for (int t = 0; t < n; ++t)
                pool.emplace_back([&] {
                    for (;;) {
                        if (m_stop.stop_requested() || failed.load()) break;
                        const std::size_t i = next.fetch_add(1);
                        if (i >= jobs.size()) break;
                        auto st = evaluate(jobs[i], out[i]);
                        if (!st) {
                            errors[i] = st.error();
                            failed = true;
                        } else {
                            finished[i] = 1;
                        }
                        {
                            const std::lock_guard lock(m);
                            ++done;
                        }
                        cv.notify_one();
                    }
                    {
                        const std::lock_guard lock(m);
                        ++exited;
                    }
                    cv.notify_one();
                });
            std::unique_lock lock(m);
            auto last = std::chrono::steady_clock::now();
            while (exited < n) {
                cv.wait_for(lock, std::chrono::milliseconds(100));
                const auto now = std::chrono::steady_clock::now();
                if (progress && now - last >= std::chrono::milliseconds(100) && exited < n) {
                    const std::size_t d = done;
                    lock.unlock();
                    progress(doneBefore + d, planned);
                    lock.lock();
                    last = now;
                }
            }
        }
        for (const auto& e : errors)
            if (e) return *e;
        // Cancelled: keep the finished trials only.
        std::vector<Trial> kept;
        for (std::size_t i = 0; i < jobs.size(); ++i)
            if (finished[i] && !out[i].choice.empty()) kept.push_back(std::move(out[i]));
        if (kept.size() != jobs.size()) cancelled = true;
        out = std::move(kept);
        if (progress) progress(doneBefore + out.size(), planned);
        return {};
    }

private:
    Status evaluate(const Job& job, Trial& t) const {
        ParamValues p = paramsOf(m_axes, job.choice);
        auto strategy = m_factory(p);
        if (!strategy) return strategy.error();
        auto r = BacktestEngine(m_settings).run(**strategy, m_bars, {}, m_stop);
        if (!r) return r.error();
        if (r->cancelled) return {};  // left out (choice stays empty)
        t.index = job.index;
        t.choice = job.choice;
        for (std::size_t a = 0; a < m_axes.size(); ++a) t.values.push_back(m_axes[a].values[job.choice[a]]);
        t.params = std::move(p);
        t.metrics = r->metrics;
        t.closedTrades = static_cast<int>(r->trades.size());
        t.score = m_objective.value(*r);
        t.qualified = t.closedTrades >= m_minTrades && std::isfinite(t.score);
        if (m_hook) m_hook(t, *r);
        return {};
    }

    const BacktestSettings& m_settings;
    const StrategyFactory& m_factory;
    const std::vector<ParamAxis>& m_axes;
    const Objective& m_objective;
    int m_minTrades;
    const std::vector<Bar>& m_bars;
    const TrialHook& m_hook;
    std::stop_token m_stop;
};

}  // namespace

Result<std::vector<std::vector<std::size_t>>> Optimizer::plan(const OptimizerSpec& spec, std::size_t* skipped) const {
    if (auto st = validate(spec); !st) return st.error();
    if (spec.method == SearchMethod::Genetic) return makeError("a genetic search has no plan: it depends on its results");
    std::size_t skip = 0;
    std::vector<Choice> out;
    const auto valid = [&](const Choice& c) { return !m_check || m_check(paramsOf(spec.axes, c)).ok(); };
    const double size = gridSize(spec.axes);
    std::vector<Choice> grid;
    bool gridDone = false;
    if (spec.method == SearchMethod::Grid || size <= 2'000'000) {
        forEachCombination(spec.axes, [&](const Choice& c) {
            if (valid(c))
                grid.push_back(c);
            else
                ++skip;
        });
        gridDone = true;
    }
    if (spec.method == SearchMethod::Grid || (gridDone && grid.size() <= static_cast<std::size_t>(spec.samples))) {
        out = std::move(grid);
    } else {
        // Distinct valid draws; a space with few valid combinations stops after a bounded number of tries.
        skip = 0;
        SplitMix64 rng(spec.seed);
        std::set<Choice> seen;
        const std::size_t want = static_cast<std::size_t>(spec.samples);
        const std::size_t maxTries = want * 100 + 10000;
        for (std::size_t tries = 0; out.size() < want && tries < maxTries; ++tries) {
            Choice c = randomChoice(spec.axes, rng);
            if (!seen.insert(c).second) continue;
            if (valid(c)) out.push_back(std::move(c));
        }
    }
    if (skipped) *skipped = skip;
    return out;
}

Result<OptimizerResult> Optimizer::run(const OptimizerSpec& spec, const std::vector<Bar>& bars, const OptimizerProgress& progress,
                                       const TrialHook& onResult, const std::stop_token& stop) const {
    if (auto st = validate(spec); !st) return st.error();
    const Objective& objective = *findObjective(spec.objective);
    const int threads = effectiveThreads(spec.threads);
    OptimizerResult result;
    for (const ParamAxis& a : spec.axes) result.axisNames.push_back(a.name);
    TrialRunner runner(m_settings, m_factory, spec.axes, objective, spec.minTrades, bars, onResult, stop);

    if (spec.method != SearchMethod::Genetic) {
        auto planned = plan(spec, &result.skipped);
        if (!planned) return planned.error();
        result.combinations = planned->size();
        std::vector<Job> jobs;
        for (std::size_t i = 0; i < planned->size(); ++i)
            if (static_cast<int>(i % static_cast<std::size_t>(spec.shard.count)) == spec.shard.index - 1)
                jobs.push_back({(*planned)[i], i});
        if (auto st = runner.run(jobs, result.trials, threads, 0, jobs.size(), progress, result.cancelled); !st)
            return st.error();
        rankTrials(result.trials, objective);
        return result;
    }

    // Genetic search. Random numbers are drawn here only, so the threads cannot change the path.
    SplitMix64 rng(spec.seed);
    const std::size_t pop = static_cast<std::size_t>(spec.population);
    const std::size_t planned = pop * static_cast<std::size_t>(spec.generations);
    std::map<Choice, std::size_t> evaluated;  // choice -> slot in `all`
    std::map<Choice, bool> validity;
    std::vector<Trial> all;
    const auto valid = [&](const Choice& c) {
        auto it = validity.find(c);
        if (it != validity.end()) return it->second;
        const bool ok = !m_check || m_check(paramsOf(spec.axes, c)).ok();
        validity.emplace(c, ok);
        return ok;
    };
    const auto evaluate = [&](const std::vector<Choice>& members) -> Status {
        std::vector<Job> jobs;
        for (const Choice& c : members)
            if (!evaluated.count(c)) jobs.push_back({c, all.size() + jobs.size()});
        std::vector<Trial> out;
        if (auto st = runner.run(jobs, out, threads, all.size(), planned, progress, result.cancelled); !st) return st;
        for (Trial& t : out) {
            evaluated.emplace(t.choice, all.size());
            all.push_back(std::move(t));
        }
        return {};
    };
    const double size = gridSize(spec.axes);
    std::vector<Choice> population;
    {
        std::set<Choice> seen;
        const std::size_t maxTries = pop * 100 + 10000;
        for (std::size_t tries = 0; population.size() < pop && tries < maxTries && static_cast<double>(seen.size()) < size;
             ++tries) {
            Choice c = randomChoice(spec.axes, rng);
            if (seen.insert(c).second && valid(c)) population.push_back(std::move(c));
        }
    }
    if (population.empty()) return makeError("no combination of the --param values is accepted by the strategy");
    if (auto st = evaluate(population); !st) return st.error();
    const std::size_t elite = std::max<std::size_t>(1, pop / 10);
    for (int g = 1; g < spec.generations && !result.cancelled && !stop.stop_requested(); ++g) {
        std::vector<const Trial*> ranked;
        for (const Choice& c : population) {
            auto it = evaluated.find(c);
            if (it != evaluated.end()) ranked.push_back(&all[it->second]);
        }
        if (ranked.empty()) break;
        std::sort(ranked.begin(), ranked.end(), [&](const Trial* a, const Trial* b) { return better(*a, *b, objective); });
        std::vector<Choice> next;
        std::set<Choice> inNext;
        for (std::size_t i = 0; i < elite && i < ranked.size(); ++i) {
            next.push_back(ranked[i]->choice);
            inNext.insert(ranked[i]->choice);
        }
        const auto tournament = [&]() -> const Choice& {
            std::size_t best = ranked.size();
            for (int k = 0; k < 3; ++k) best = std::min<std::size_t>(best, static_cast<std::size_t>(rng.below(ranked.size())));
            return ranked[best]->choice;
        };
        const std::size_t maxTries = pop * 50 + 1000;
        for (std::size_t tries = 0; next.size() < pop && tries < maxTries; ++tries) {
            const Choice& a = tournament();
            const Choice& b = tournament();
            Choice child(a.size());
            for (std::size_t x = 0; x < a.size(); ++x) child[x] = rng.below(2) == 0 ? a[x] : b[x];
            for (std::size_t x = 0; x < child.size(); ++x)
                if (rng.below(child.size()) == 0) child[x] = static_cast<std::size_t>(rng.below(spec.axes[x].values.size()));
            if (inNext.count(child) || !valid(child)) continue;
            inNext.insert(child);
            next.push_back(std::move(child));
        }
        population = std::move(next);
        if (auto st = evaluate(population); !st) return st.error();
    }
    result.combinations = all.size();
    result.trials = std::move(all);
    rankTrials(result.trials, objective);
    return result;
}

int effectiveThreads(int threads) {
    if (threads > 0) return threads;
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace kairos::backtest
