#include "backtest/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kairos::backtest {

namespace {
constexpr double kYearMs = 365.25 * 24 * 3600 * 1000;

Status accumulate(Money& sum, const Money& v) {
    auto r = sum.add(v);
    if (!r) return r.error();
    sum = *r;
    return {};
}
}  // namespace

CivilDate civilDate(std::int64_t ms) {
    // Howard Hinnant's days -> civil algorithm (proleptic Gregorian, UTC).
    std::int64_t days = ms / 86400000;
    if (ms % 86400000 < 0) --days;
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    CivilDate d;
    d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
    return d;
}

std::int64_t utcMs(int year, int month, int day) {
    const std::int64_t y = year - (month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400000;
}

std::vector<PeriodReturn> periodReturns(const std::vector<EquityPoint>& equity, const Money& initialCapital, bool byYear) {
    std::vector<PeriodReturn> out;
    double before = initialCapital.toDouble();  // equity at the end of the previous period
    std::int64_t periodEndMs = 0;               // the current period holds close times in (.., periodEndMs]
    for (const EquityPoint& p : equity) {
        if (out.empty() || p.timeMs > periodEndMs) {
            const CivilDate d = civilDate(p.timeMs - 1);
            const int year = d.year;
            const int month = byYear ? 0 : d.month;
            periodEndMs = byYear ? utcMs(year + 1, 1, 1) : (month == 12 ? utcMs(year + 1, 1, 1) : utcMs(year, month + 1, 1));
            if (!out.empty()) before = out.back().endEquity.toDouble();
            // Months (years) without a bar in between get a 0 % row so the table has no holes.
            while (!out.empty()) {
                int y = out.back().year, m = out.back().month;
                if (byYear) {
                    ++y;
                } else if (++m > 12) {
                    m = 1;
                    ++y;
                }
                if (y == year && m == month) break;
                out.push_back({y, m, 0.0, out.back().endEquity});
            }
            out.push_back({year, month, 0.0, p.equity});
        }
        out.back().endEquity = p.equity;
        out.back().returnPct = before != 0 ? (p.equity.toDouble() / before - 1.0) * 100.0 : 0.0;
    }
    return out;
}

Result<Metrics> computeMetrics(const std::vector<TradeRecord>& trades, const std::vector<EquityPoint>& equity,
                               const Money& initialCapital, std::int64_t firstOpenMs, double buyHoldReturnPct) {
    if (initialCapital.isNegative() || initialCapital.isZero())
        return makeError("initial capital must be positive (is " + initialCapital.toTrimmedString() + ")");
    Metrics m;
    m.initialCapital = initialCapital;
    m.finalEquity = equity.empty() ? initialCapital : equity.back().equity;
    m.startMs = firstOpenMs;
    m.endMs = equity.empty() ? firstOpenMs : equity.back().timeMs;
    m.bars = static_cast<std::int64_t>(equity.size());
    m.buyHoldReturnPct = buyHoldReturnPct;
    auto net = m.finalEquity.sub(initialCapital);
    if (!net) return net.error();
    m.netProfit = *net;
    const double capital = initialCapital.toDouble();
    m.totalReturnPct = m.netProfit.toDouble() / capital * 100.0;
    const double years = static_cast<double>(m.endMs - m.startMs) / kYearMs;
    const double growth = m.finalEquity.toDouble() / capital;
    if (years > 0 && growth > 0)
        m.cagrPct = (std::pow(growth, 1.0 / years) - 1.0) * 100.0;
    else if (growth <= 0)
        m.cagrPct = -100.0;

    // Trades.
    double sumWin = 0, sumLoss = 0, sumAll = 0;
    for (const TradeRecord& t : trades) {
        if (auto st = accumulate(m.totalFees, t.fees); !st) return st.error();
        const double pnl = t.netPnl.toDouble();
        sumAll += pnl;
        if (t.netPnl.isNegative()) {
            ++m.losses;
            sumLoss += pnl;
            if (auto st = accumulate(m.grossLoss, t.netPnl); !st) return st.error();
        } else if (!t.netPnl.isZero()) {
            ++m.wins;
            sumWin += pnl;
            if (auto st = accumulate(m.grossProfit, t.netPnl); !st) return st.error();
        }
    }
    m.trades = static_cast<int>(trades.size());
    int winRun = 0, lossRun = 0;
    for (const TradeRecord& t : trades) {
        const bool win = !t.netPnl.isNegative() && !t.netPnl.isZero();
        const bool loss = t.netPnl.isNegative();
        winRun = win ? winRun + 1 : 0;
        lossRun = loss ? lossRun + 1 : 0;
        m.longestWinStreak = std::max(m.longestWinStreak, winRun);
        m.longestLossStreak = std::max(m.longestLossStreak, lossRun);
    }
    if (m.trades > 0) {
        m.winRatePct = 100.0 * m.wins / m.trades;
        m.expectancy = sumAll / m.trades;
    }
    if (m.wins > 0) m.averageWin = sumWin / m.wins;
    if (m.losses > 0) m.averageLoss = sumLoss / m.losses;
    if (m.losses > 0)
        m.profitFactor = m.grossProfit.toDouble() / -m.grossLoss.toDouble();
    else if (m.wins > 0)
        m.profitFactor = std::numeric_limits<double>::infinity();

    // Equity curve: drawdown, exposure, per-bar returns.
    Money peak = initialCapital;
    std::int64_t peakMs = firstOpenMs;
    double prev = capital;
    double sumR = 0, sumR2 = 0, sumDown2 = 0;
    std::int64_t inMarket = 0;
    std::vector<double> returns;
    returns.reserve(equity.size());
    std::int64_t peakBar = -1;  // the bar whose close set the peak (-1: the initial capital)
    std::int64_t bar = -1;
    bool under = false;  // below the running peak
    auto endSpell = [&](std::int64_t toMs, std::int64_t toBar) {
        if (!under) return;
        under = false;
        if (toMs - peakMs > m.maxDrawdownDurationMs) m.maxDrawdownDurationMs = toMs - peakMs;
        if (toBar - peakBar > m.maxDrawdownDurationBars) m.maxDrawdownDurationBars = toBar - peakBar;
    };
    for (const EquityPoint& p : equity) {
        ++bar;
        if (p.inMarket) ++inMarket;
        if (!(p.equity < peak)) endSpell(p.timeMs, bar);
        if (p.equity > peak) {
            peak = p.equity;
            peakMs = p.timeMs;
            peakBar = bar;
        } else if (p.equity < peak) {
            under = true;
        }
        auto dd = peak.sub(p.equity);
        if (!dd) return dd.error();
        if (*dd > m.maxDrawdown) {
            m.maxDrawdown = *dd;
            m.maxDrawdownPct = dd->toDouble() / peak.toDouble() * 100.0;
            m.maxDrawdownPeakMs = peakMs;
            m.maxDrawdownTroughMs = p.timeMs;
        }
        const double e = p.equity.toDouble();
        const double r = prev != 0 ? e / prev - 1.0 : 0.0;
        prev = e;
        returns.push_back(r);
        sumR += r;
        if (r < 0) sumDown2 += r * r;
    }
    if (!equity.empty()) endSpell(equity.back().timeMs, bar);
    if (!equity.empty()) m.exposurePct = 100.0 * static_cast<double>(inMarket) / static_cast<double>(equity.size());
    const auto n = static_cast<double>(returns.size());
    if (years > 0 && returns.size() >= 2) {
        m.periodsPerYear = n / years;
        const double mean = sumR / n;
        for (double r : returns) sumR2 += (r - mean) * (r - mean);
        const double sd = std::sqrt(sumR2 / (n - 1));
        const double root = std::sqrt(m.periodsPerYear);
        if (sd > 0) m.sharpe = mean / sd * root;
        m.annualVolatilityPct = sd * root * 100.0;
        const double downside = std::sqrt(sumDown2 / n);
        if (downside > 0)
            m.sortino = mean / downside * root;
        else if (mean > 0)
            m.sortino = std::numeric_limits<double>::infinity();
    }
    if (m.maxDrawdownPct > 0) m.calmar = m.cagrPct / m.maxDrawdownPct;
    m.excessReturnPct = m.totalReturnPct - m.buyHoldReturnPct;
    double sumMultiples = 0;
    for (const TradeRecord& t : trades) {
        if (!(t.initialRisk > 0)) continue;
        sumMultiples += t.netPnl.toDouble() / t.initialRisk;
        ++m.tradesWithR;
    }
    if (m.tradesWithR > 0) m.averageR = sumMultiples / m.tradesWithR;
    m.monthlyReturns = periodReturns(equity, initialCapital, false);
    m.yearlyReturns = periodReturns(equity, initialCapital, true);
    return m;
}

std::string toString(ExitReason r) {
    switch (r) {
    case ExitReason::StopLoss:
        return "stop loss";
    case ExitReason::TakeProfit:
        return "take profit";
    case ExitReason::Signal:
        return "signal";
    case ExitReason::EndOfData:
        return "end of data";
    case ExitReason::Cancelled:
        return "cancelled";
    }
    return "?";
}

std::string toString(PositionSide s) { return s == PositionSide::Long ? "LONG" : "SHORT"; }

}  // namespace kairos::backtest
