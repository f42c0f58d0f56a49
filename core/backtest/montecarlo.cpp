#include "backtest/montecarlo.h"

#include "backtest/optimizer.h"

#include <algorithm>
#include <cmath>

namespace kairos::backtest {

std::string toString(MonteCarloMethod m) { return m == MonteCarloMethod::Shuffle ? "shuffle" : "bootstrap"; }

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const double pos = (static_cast<double>(sorted.size()) - 1) * std::clamp(p, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

namespace {

Distribution distribution(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    Distribution d;
    d.p5 = percentile(v, 0.05);
    d.p25 = percentile(v, 0.25);
    d.p50 = percentile(v, 0.50);
    d.p75 = percentile(v, 0.75);
    d.p95 = percentile(v, 0.95);
    double sum = 0;
    for (double x : v) sum += x;
    d.mean = v.empty() ? 0 : sum / static_cast<double>(v.size());
    return d;
}

struct Path {
    double maxDrawdownPct = 0;
    bool ruined = false;
    std::int64_t finalRaw = 0;
};

/// Walks the equity path of `order` (raw units), recording the sampled steps into `row`.
Path walk(const std::vector<std::int64_t>& pnl, const std::vector<std::size_t>& order, std::int64_t capital, double ruinPct,
          const std::vector<std::size_t>& steps, double* row) {
    Path p;
    std::int64_t equity = capital;
    std::int64_t peak = capital;
    std::size_t next = 0;
    if (next < steps.size() && steps[next] == 0) row[next++] = static_cast<double>(equity);
    for (std::size_t i = 0; i < order.size(); ++i) {
        // An account at 0 cannot trade on: the run stays there (ruined, -100 %).
        equity = equity > 0 ? std::max<std::int64_t>(equity + pnl[order[i]], 0) : 0;
        peak = std::max(peak, equity);
        const double dd = peak > 0 ? static_cast<double>(peak - equity) / static_cast<double>(peak) * 100.0 : 0.0;
        p.maxDrawdownPct = std::max(p.maxDrawdownPct, dd);
        if (dd >= ruinPct || equity <= 0) p.ruined = true;
        if (next < steps.size() && steps[next] == i + 1) row[next++] = static_cast<double>(equity);
    }
    p.finalRaw = equity;
    return p;
}

}  // namespace

Result<MonteCarloResult> runMonteCarlo(const std::vector<Money>& netPnl, const Money& capital, const MonteCarloSettings& s) {
    if (netPnl.empty()) return makeError("no closed trades to resample");
    if (capital.isNegative() || capital.isZero())
        return makeError("--cash must be above 0 (got " + capital.toTrimmedString() + ")");
    if (s.runs < 1 || s.runs > 10'000'000) return makeError("--runs must be 1 to 10000000 (got " + std::to_string(s.runs) + ")");
    if (!(s.ruinDrawdownPct > 0 && s.ruinDrawdownPct <= 100))
        return makeError("--ruin-drawdown must be above 0 and at most 100 (a % of the running peak)");
    if (s.maxBandPoints < 2) return makeError("at least 2 band points");
    // Exact sums: every P&L (and the capital) at the finest scale among them, as int64 raw units.
    int scale = capital.scale();
    for (const Money& m : netPnl) scale = std::max(scale, m.scale());
    const auto toRaw = [&](const Money& m) -> Result<std::int64_t> {
        auto r = m.rescaled(scale, RoundingMode::Exact);
        if (!r) return r.error();
        return r->raw();
    };
    auto capRaw = toRaw(capital);
    if (!capRaw) return capRaw.error();
    std::vector<std::int64_t> pnl;
    pnl.reserve(netPnl.size());
    // Each path's sum stays within n * max|pnl| + capital: check that fits in int64.
    long double bound = static_cast<long double>(*capRaw);
    for (const Money& m : netPnl) {
        auto r = toRaw(m);
        if (!r) return r.error();
        pnl.push_back(*r);
        bound += std::fabs(static_cast<long double>(*r)) * static_cast<long double>(netPnl.size());
    }
    if (bound > 9.0e18L) return makeError("the trades' P&L sums do not fit the fixed-point range");
    const double unit = std::pow(10.0, scale);
    const std::size_t n = pnl.size();

    std::vector<std::size_t> steps;
    const std::size_t stride = std::max<std::size_t>(1, (n + s.maxBandPoints - 2) / (s.maxBandPoints - 1));
    for (std::size_t i = 0; i < n; i += stride) steps.push_back(i);
    if (steps.back() != n) steps.push_back(n);

    MonteCarloResult out;
    out.method = s.method;
    out.runs = s.runs;
    out.trades = n;
    const double capitalD = static_cast<double>(*capRaw);
    std::vector<std::size_t> identity(n);
    for (std::size_t i = 0; i < n; ++i) identity[i] = i;
    {
        std::vector<double> scratch(steps.size());
        const Path original = walk(pnl, identity, *capRaw, s.ruinDrawdownPct, steps, scratch.data());
        out.originalMaxDrawdownPct = original.maxDrawdownPct;
        out.originalFinalReturnPct = (static_cast<double>(original.finalRaw) / capitalD - 1.0) * 100.0;
    }

    const auto runs = static_cast<std::size_t>(s.runs);
    std::vector<double> grid(runs * steps.size());  // run-major: the equity of run r at step j
    std::vector<double> dd(runs), ret(runs), fin(runs);
    std::size_t ruined = 0;
    SplitMix64 rng(s.seed);
    std::vector<std::size_t> order(n);
    for (std::size_t r = 0; r < runs; ++r) {
        if (s.method == MonteCarloMethod::Shuffle) {
            order = identity;
            for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[static_cast<std::size_t>(rng.below(i + 1))]);
        } else {
            for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::size_t>(rng.below(n));
        }
        const Path p = walk(pnl, order, *capRaw, s.ruinDrawdownPct, steps, &grid[r * steps.size()]);
        dd[r] = p.maxDrawdownPct;
        ret[r] = (static_cast<double>(p.finalRaw) / capitalD - 1.0) * 100.0;
        fin[r] = static_cast<double>(p.finalRaw) / unit;
        ruined += p.ruined ? 1 : 0;
    }
    out.maxDrawdownPct = distribution(std::move(dd));
    out.finalReturnPct = distribution(std::move(ret));
    out.finalEquity = distribution(std::move(fin));
    out.ruinProbability = static_cast<double>(ruined) / static_cast<double>(runs);
    std::vector<double> column(runs);
    for (std::size_t j = 0; j < steps.size(); ++j) {
        for (std::size_t r = 0; r < runs; ++r) column[r] = grid[r * steps.size() + j];
        std::sort(column.begin(), column.end());
        out.bands.push_back(
            {steps[j], percentile(column, 0.05) / unit, percentile(column, 0.50) / unit, percentile(column, 0.95) / unit});
    }
    return out;
}

}  // namespace kairos::backtest
