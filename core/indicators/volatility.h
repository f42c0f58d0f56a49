#pragma once
// Volatility and bands (streaming; the shape and the batch twins are described in indicators.h).
//
// Conventions (TA-Lib/backtrader, the defaults; Tulip Indicators' variants by parameter):
// - True range: max(high-low, |high-prevClose|, |low-prevClose|); the first bar's is high-low.
// - ATR: Wilder smoothing of the true range seeded with the mean of the first N true ranges that
//   have a previous close (bars 1..N), first value at index N (TA-Lib). AtrSeed::IncludeFirstBar is
//   Tulip's: bars 0..N-1 (bar 0's true range is high-low), first value at index N-1. The smoothing
//   is evaluated with an anchor every fourth step (see Ema).
// - Bollinger bands: SMA(N) +/- k * population standard deviation over the same N values; a flat
//   window gives zero width. Sums are kept around a reference value (recentred at each exact
//   recomputation) so that the variance does not cancel catastrophically at high prices.
// - Standard deviation: population, over N values (as Bollinger's), first at N-1.
// - Keltner channel: EMA(20) of close +/- 2 * ATR(10) (Chester Keltner as revised by Linda Raschke,
//   the TradingView/StockCharts default); from the later of the two warm-ups.
// - Donchian: HH and LL of N bars and their midpoint, from N-1.

#include "indicators/detail/window.h"
#include "indicators/movingaverages.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kairos::indicators {

// ---------------------------------------------------------------------------------------------
/// True range of one bar given the previous close (NaN: none, the first bar).
inline double trueRange(double high, double low, double prevClose) {
    const double hl = high - low;
    if (std::isnan(prevClose)) return hl;
    return std::max({hl, std::fabs(high - prevClose), std::fabs(low - prevClose)});
}

enum class AtrSeed : std::uint8_t { SkipFirstBar = 1, IncludeFirstBar };

/// Average true range (Wilder).
class Atr {
public:
    explicit Atr(int period, AtrSeed seed = AtrSeed::SkipFirstBar)
        : m_period(period), m_skipFirst(seed == AtrSeed::SkipFirstBar) {
        assert(period >= 1);
        m_s.smooth = detail::WilderSmoother(period);
    }
    int warmup() const { return m_skipFirst ? m_period : m_period - 1; }
    bool ready() const { return m_s.n > warmup(); }
    void push(double high, double low, double close) {
        m_saved = m_s;
        step(high, low, close);
    }
    void updateLast(double high, double low, double close) {
        m_s = m_saved;
        step(high, low, close);
    }
    double value() const { return ready() ? m_s.smooth.y : kNaN; }
    void step(double high, double low, double close) {
        const double tr = trueRange(high, low, m_s.n == 0 ? kNaN : m_s.prevClose);
        ++m_s.n;
        m_s.prevClose = close;
        const std::int64_t k = m_skipFirst ? m_s.n - 1 : m_s.n;  // true ranges that count so far
        if (k <= 0) return;
        if (k < m_period)
            m_s.seed += tr;
        else if (k == m_period)
            m_s.smooth.seed((m_s.seed + tr) / m_period);
        else
            m_s.smooth.step(tr);
    }
    /// step() over the arrays writing value() to out, unrolled between anchors.
    void run(const double* high, const double* low, const double* close, double* out, std::size_t n);

private:
    /// Four bars per iteration from an anchor; the true ranges two bars per vector (trueRange()'s
    /// operations: std::max's comparisons in its order, a NaN previous close giving high - low).
    template <bool NT>
    void runAnchored(const double* high, const double* low, const double* close, double* out, std::size_t n, std::size_t& i);
    struct State {
        double prevClose = 0, seed = 0;
        detail::WilderSmoother smooth;
        std::int64_t n = 0;
    };
    int m_period;
    bool m_skipFirst;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
struct BandsValue {
    double lower = kNaN, middle = kNaN, upper = kNaN;
};

/// Bollinger bands (population standard deviation).
///
/// The window's sum and sum of squares (of the values minus a reference) advance in pairs of bars,
/// like Sma's: for bars 2k and 2k+1, s(2k) = base + e(2k) and s(2k+1) = base + (e(2k) + e(2k+1)),
/// the next base (e = the entering term minus the leaving one), which halves the serial chain of
/// additions; batch does the same additions.
class Bollinger {
public:
    Bollinger(int period = 20, double k = 2.0)
        : m_period(period), m_k(k), m_inv(1.0 / period), m_ring(static_cast<std::size_t>(period), 0.0) {
        assert(period >= 1);
    }
    int warmup() const { return m_period - 1; }
    bool ready() const { return m_n >= m_period; }
    void push(double x) {
        m_saved = {m_sums, m_ref, m_ring[static_cast<std::size_t>(m_head)]};
        step(x);
    }
    void updateLast(double x) {
        assert(m_n > 0);
        --m_n;
        m_head = m_head == 0 ? m_period - 1 : m_head - 1;
        m_ring[static_cast<std::size_t>(m_head)] = m_saved.overwritten;
        m_sums = m_saved.sums;
        m_ref = m_saved.ref;
        step(x);
    }
    BandsValue value() const {
        if (!ready()) return {};
        const double sd = stddev();
        const double mid = m_ref + m_sums.s1 * m_inv;
        return {mid - m_k * sd, mid, mid + m_k * sd};
    }
    /// Population standard deviation of the window (NaN until ready).
    double stddev() const {
        if (!ready()) return kNaN;
        const double m = m_sums.s1 * m_inv;
        const double var = m_sums.s2 * m_inv - m * m;
        return var > 0 ? std::sqrt(var) : 0.0;
    }
    void step(double x) {
        if (m_n == 0) m_ref = x;  // centre the sums on the data from the start
        double& slot = m_ring[static_cast<std::size_t>(m_head)];
        const double d = x - m_ref;
        if (m_n >= m_period) {
            const double o = slot - m_ref;
            m_sums.add(m_n, d - o, d * d - o * o);
        } else {
            m_sums.add(m_n, d, d * d);
        }
        slot = x;
        m_head = m_head + 1 == m_period ? 0 : m_head + 1;
        ++m_n;
        if ((m_n & (kRecomputeEvery - 1)) == 0 && m_n >= m_period) recompute(x);
    }

    /// The running sums (shared with the batch function, which must add in the same order).
    using Sums = detail::PairSums;

private:
    void recompute(double newRef) {
        m_ref = newRef;
        double s1 = 0, s2 = 0;
        for (int k = 0; k < m_period; ++k) {
            int idx = m_head + k;
            if (idx >= m_period) idx -= m_period;
            const double d = m_ring[static_cast<std::size_t>(idx)] - m_ref;
            s1 += d;
            s2 += d * d;
        }
        m_sums.reset(s1, s2);
    }
    struct Saved {
        Sums sums;
        double ref = 0, overwritten = 0;
    };
    int m_period;
    double m_k;
    double m_inv;
    std::vector<double> m_ring;
    int m_head = 0;
    std::int64_t m_n = 0;
    Sums m_sums;
    double m_ref = 0;
    Saved m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Population standard deviation over N values (Bollinger's width without the multiplier).
class StdDev {
public:
    explicit StdDev(int period) : m_b(period, 1.0) {}
    int warmup() const { return m_b.warmup(); }
    void push(double x) { m_b.push(x); }
    void updateLast(double x) { m_b.updateLast(x); }
    void step(double x) { m_b.step(x); }
    double value() const { return m_b.stddev(); }

private:
    Bollinger m_b;
};

// ---------------------------------------------------------------------------------------------
/// Keltner channel.
class Keltner {
public:
    Keltner(int emaPeriod = 20, int atrPeriod = 10, double multiplier = 2.0)
        : m_ema(emaPeriod), m_atr(atrPeriod), m_mult(multiplier) {}
    int warmup() const { return std::max(m_ema.warmup(), m_atr.warmup()); }
    void push(double high, double low, double close) {
        m_ema.push(close);
        m_atr.push(high, low, close);
    }
    void updateLast(double high, double low, double close) {
        m_ema.updateLast(close);
        m_atr.updateLast(high, low, close);
    }
    void step(double high, double low, double close) {
        m_ema.step(close);
        m_atr.step(high, low, close);
    }
    BandsValue value() const {
        if (!m_ema.ready() || !m_atr.ready()) return {};
        const double mid = m_ema.value(), w = m_mult * m_atr.value();
        return {mid - w, mid, mid + w};
    }

private:
    Ema m_ema;
    Atr m_atr;
    double m_mult;
};

// ---------------------------------------------------------------------------------------------
/// Donchian channel: highest high, lowest low of N bars and their midpoint.
class Donchian {
public:
    explicit Donchian(int period = 20) : m_period(period), m_hl(period) {}
    int warmup() const { return m_period - 1; }
    void push(double high, double low) { m_hl.feed(high, low, false); }
    void updateLast(double high, double low) { m_hl.feed(high, low, true); }
    void step(double high, double low) { m_hl.feed(high, low, false); }
    BandsValue value() const {
        if (m_hl.count() < m_period) return {};
        return {m_hl.low(), m_hl.midpoint(), m_hl.high()};
    }

private:
    int m_period;
    detail::HighLowWindow m_hl;
};
}  // namespace kairos::indicators
