#include "trading/performance.h"

#include <algorithm>
#include <string>

namespace kairos::trading {

namespace {
struct Sum {
    bool failed = false;
    std::string why;
    Money add(const Money& a, const Money& b) {
        auto r = a.add(b);
        if (!r) {
            if (!failed) why = r.message();
            failed = true;
            return a;
        }
        return *r;
    }
    Money sub(const Money& a, const Money& b) { return add(a, b.negated()); }
};
}  // namespace

Result<PerformanceReport> performanceReport(const std::vector<ClosedTrade>& all, const Money& startingCash, std::int64_t fromMs,
                                            std::int64_t toMs) {
    std::vector<const ClosedTrade*> sorted;
    sorted.reserve(all.size());
    for (const auto& t : all) sorted.push_back(&t);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ClosedTrade* a, const ClosedTrade* b) { return a->exitTimeMs < b->exitTimeMs; });

    int scale = startingCash.scale();
    for (const ClosedTrade* t : sorted) scale = std::max(scale, t->netPnl.scale());
    const Money zero = Money::fromRaw(0, scale);
    Sum s;
    PerformanceReport r;
    r.fromMs = fromMs;
    r.toMs = toMs;
    r.netPnl = r.grossPnl = r.fees = r.grossProfit = r.grossLoss = r.maxDrawdown = zero;
    r.startEquity = s.add(zero, startingCash);
    double sumR = 0;
    for (const ClosedTrade* t : sorted)
        if (t->exitTimeMs < fromMs) r.startEquity = s.add(r.startEquity, t->netPnl);

    Money equity = r.startEquity;
    Money peak = equity;
    r.equityCurve.push_back({fromMs, equity, zero});
    for (const ClosedTrade* t : sorted) {
        if (t->exitTimeMs < fromMs || t->exitTimeMs >= toMs) continue;
        ++r.trades;
        r.netPnl = s.add(r.netPnl, t->netPnl);
        r.grossPnl = s.add(r.grossPnl, t->pnl);
        r.fees = s.add(r.fees, t->fees);
        if (t->netPnl > zero) {
            ++r.wins;
            r.grossProfit = s.add(r.grossProfit, t->netPnl);
        } else if (t->netPnl < zero) {
            ++r.losses;
            r.grossLoss = s.add(r.grossLoss, t->netPnl);
        }
        if (t->rMultiple) {
            ++r.tradesWithR;
            sumR += *t->rMultiple;
        }
        equity = s.add(equity, t->netPnl);
        if (equity > peak) peak = equity;
        const Money dd = s.sub(peak, equity);
        if (dd > r.maxDrawdown) {
            r.maxDrawdown = dd;
            r.maxDrawdownPct = peak.isZero() || peak.isNegative() ? 0.0 : dd.toDouble() / peak.toDouble();
        }
        r.equityCurve.push_back({t->exitTimeMs, equity, dd});
    }
    if (s.failed) return makeError("performance report: " + s.why);
    r.endEquity = equity;
    if (r.trades > 0) {
        r.winRate = static_cast<double>(r.wins) / r.trades;
        auto e = r.netPnl.divInt(r.trades, scale, RoundingMode::HalfEven);
        if (e) r.expectancy = *e;
    }
    if (r.wins > 0) {
        auto a = r.grossProfit.divInt(r.wins, scale, RoundingMode::HalfEven);
        if (a) r.averageWin = *a;
    }
    if (r.losses > 0) {
        auto a = r.grossLoss.divInt(r.losses, scale, RoundingMode::HalfEven);
        if (a) r.averageLoss = *a;
        r.profitFactor = r.grossProfit.toDouble() / -r.grossLoss.toDouble();
    }
    if (r.tradesWithR > 0) r.averageR = sumR / r.tradesWithR;
    return r;
}

}  // namespace kairos::trading
