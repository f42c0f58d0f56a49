#pragma once
// Moving averages (streaming; the shape and the batch twins are described in indicators.h).
//
// Conventions (TA-Lib/backtrader, the defaults; Tulip Indicators' variants by parameter):
// - SMA: arithmetic mean of the last N values. Window sums are running sums recomputed exactly from
//   the window every kRecomputeEvery updates, so they do not drift on long series.
// - EMA: alpha = 2/(N+1); seeded with the simple mean of the first N inputs, first value at index
//   N-1 (Seed::Sma). Seed::FirstValue is Tulip's: seeded with the first input, first value at 0.
// - WMA: weights 1..N (newest heaviest), first value at N-1; running sums recomputed like SMA's.
// - DEMA = 2*EMA - EMA(EMA), TEMA = 3*EMA - 3*EMA(EMA) + EMA(EMA(EMA)), each EMA seeded as Seed says
//   (the inner EMAs start when the outer one has its first value); first values at 2N-2 and 3N-3.
// - HMA(N) = WMA(2*WMA(N/2) - WMA(N), floor(sqrt(N))), first value at N-1 + floor(sqrt(N))-1.
// - VWMA: sum(close*volume)/sum(volume) over N, from N-1.
// - Linear regression: least-squares line through the last N values (x = 1..N), its value at x = N;
//   from N-1.

#include "indicators/detail/window.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kairos::indicators {

// ---------------------------------------------------------------------------------------------
/// Simple moving average.
///
/// The running sum advances in pairs of values: for the k-th pair (values 2k and 2k+1 since the
/// start) sum(2k) = base + d(2k) and sum(2k+1) = base + (d(2k) + d(2k+1)), which becomes the next
/// base (d = entering value - leaving value). That halves the chain of dependent additions, which
/// is what limits a moving sum's speed; the batch function does exactly the same additions.
class Sma {
public:
    explicit Sma(int period) : m_period(period), m_inv(1.0 / period), m_ring(static_cast<std::size_t>(period), 0.0) {
        assert(period >= 1);
    }
    int warmup() const { return m_period - 1; }
    bool ready() const { return m_n >= m_period; }
    void push(double x) {
        m_saved = {m_base, m_pending, m_sum, m_ring[static_cast<std::size_t>(m_head)]};
        step(x);
    }
    void updateLast(double x) {
        assert(m_n > 0);
        --m_n;
        m_head = m_head == 0 ? m_period - 1 : m_head - 1;
        m_ring[static_cast<std::size_t>(m_head)] = m_saved.overwritten;
        m_base = m_saved.base;
        m_pending = m_saved.pending;
        m_sum = m_saved.sum;
        step(x);
    }
    double value() const { return ready() ? m_sum * m_inv : kNaN; }
    /// Advances without keeping what updateLast() needs (the batch path).
    void step(double x) {
        double& slot = m_ring[static_cast<std::size_t>(m_head)];
        const double d = x - (m_n >= m_period ? slot : 0.0);
        slot = x;
        m_head = m_head + 1 == m_period ? 0 : m_head + 1;
        if ((m_n & 1) == 0) {
            m_sum = m_base + d;
            m_pending = d;
        } else {
            m_sum = m_base + (m_pending + d);
            m_base = m_sum;
        }
        ++m_n;
        if ((m_n & (kRecomputeEvery - 1)) == 0 && m_n >= m_period) recompute();
    }

private:
    void recompute() {
        // Oldest to newest: after a step, m_head points at the oldest value. m_n is even here, so
        // the recomputed sum is also the next pair's base.
        double s = 0;
        for (int k = 0; k < m_period; ++k) {
            int idx = m_head + k;
            if (idx >= m_period) idx -= m_period;
            s += m_ring[static_cast<std::size_t>(idx)];
        }
        m_sum = s;
        m_base = s;
    }
    struct Saved {
        double base = 0, pending = 0, sum = 0, overwritten = 0;
    };
    int m_period;
    double m_inv;
    std::vector<double> m_ring;
    int m_head = 0;
    std::int64_t m_n = 0;
    double m_base = 0, m_pending = 0, m_sum = 0;
    Saved m_saved;
};

// ---------------------------------------------------------------------------------------------
enum class Seed : std::uint8_t { Sma = 1, FirstValue };

/// Exponential moving average.
///
/// After the seed the recursion y = b*y + a*x (a = alpha, b = 1 - alpha) is evaluated in a fixed
/// order: every 4th input (by index, counted from an origin, by default the seed's index) is an
/// anchor computed from the anchor 4 inputs before it, y = b^4*anchor + a*(x + b*(x[-1] + b*(x[-2] +
/// b*x[-3]))); the inputs between use the one-step form (as does an anchor position less than 4
/// inputs after the seed, which then starts the anchor chain). It equals the textbook recursion up
/// to a few ulps, shortens the serial chain of dependent operations four-fold (which is what limits
/// an EMA's speed), and is the same in streaming and batch, so their results stay bitwise equal.
/// MACD gives its three EMAs one common origin so that their anchors fall on the same bars and the
/// batch path can run them in one pass. (Technique from the indicators prototype of this project's
/// indicator work.)
class Ema {
public:
    explicit Ema(int period, Seed seed = Seed::Sma) : Ema(period, 2.0 / (period + 1.0), seed) {}
    /// With an explicit smoothing factor (Tulip's MACD 12/26 uses 0.15 and 0.075) and optionally
    /// the input index anchors are counted from (-1: the seed's).
    Ema(int period, double alpha, Seed seed, std::int64_t origin = -1)
        : m_period(period),
          m_a(alpha),
          m_b(1.0 - alpha),
          m_b4((1.0 - alpha) * (1.0 - alpha) * ((1.0 - alpha) * (1.0 - alpha))),
          m_seedMode(seed),
          m_origin(origin < 0 ? warmup() : origin) {
        assert(period >= 1);
    }
    int warmup() const { return m_seedMode == Seed::Sma ? m_period - 1 : 0; }
    bool ready() const { return m_s.n > warmup(); }
    void push(double x) {
        m_saved = m_s;
        step(x);
    }
    void updateLast(double x) {
        m_s = m_saved;
        step(x);
    }
    double value() const { return ready() ? m_s.ema : kNaN; }
    void step(double x) {
        State& s = m_s;
        ++s.n;
        const std::int64_t seedAt = m_seedMode == Seed::FirstValue ? 1 : m_period;
        if (s.n < seedAt) {
            s.seed += x;
        } else if (s.n == seedAt) {
            s.ema = m_seedMode == Seed::FirstValue ? x : (s.seed + x) / m_period;
            s.anchor = s.ema;
            s.anchored = ((s.n - 1 - m_origin) & 3) == 0;
            s.pos = static_cast<int>((s.n - m_origin) & 3);
        } else if (s.pos == 0) {
            if (s.anchored) {
                s.ema = m_b4 * s.anchor + m_a * (x + m_b * (s.xs[2] + m_b * (s.xs[1] + m_b * s.xs[0])));
            } else {
                s.ema = m_b * s.ema + m_a * x;
                s.anchored = true;
            }
            s.anchor = s.ema;
            s.pos = 1;
        } else {
            s.ema = m_b * s.ema + m_a * x;
            s.xs[s.pos - 1] = x;
            s.pos = (s.pos + 1) & 3;
        }
    }
    /// Whether the last input was an anchor of the chain (the unrolled loops start there).
    bool atAnchor() const { return ready() && m_s.anchored && m_s.pos == 1; }
    /// step() over x[0..n) writing value() to y[0..n), with the steps between anchors unrolled.
    void run(const double* x, double* y, std::size_t n);

private:
    friend class Macd;
    template <bool NT>
    void runAnchored(const double* x, double* y, std::size_t n, std::size_t& i);
    /// Advances the state by `count` inputs (a multiple of 4) computed outside, ending at `anchor`.
    void skipAnchored(std::size_t count, double anchor) {
        if (count == 0) return;
        m_s.n += static_cast<std::int64_t>(count);
        m_s.anchor = anchor;
        m_s.ema = anchor;
        m_s.pos = 1;
    }
    struct State {
        double ema = 0, seed = 0, anchor = 0;
        double xs[3] = {0, 0, 0};
        int pos = 0;  // index of the next input minus the origin, modulo 4 (0: an anchor)
        bool anchored = false;
        std::int64_t n = 0;
    };
    int m_period;
    double m_a, m_b, m_b4;
    Seed m_seedMode;
    std::int64_t m_origin;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Weighted moving average (linear weights 1..N).
class Wma {
public:
    explicit Wma(int period)
        : m_period(period),
          m_div(static_cast<double>(period) * (period + 1) / 2.0),
          m_ring(static_cast<std::size_t>(period), 0.0) {
        assert(period >= 1);
    }
    int warmup() const { return m_period - 1; }
    bool ready() const { return m_n >= m_period; }
    void push(double x) {
        m_saved = {m_sum, m_weighted, m_ring[static_cast<std::size_t>(m_head)]};
        step(x);
    }
    void updateLast(double x) {
        assert(m_n > 0);
        --m_n;
        m_head = m_head == 0 ? m_period - 1 : m_head - 1;
        m_ring[static_cast<std::size_t>(m_head)] = m_saved.overwritten;
        m_sum = m_saved.sum;
        m_weighted = m_saved.weighted;
        step(x);
    }
    double value() const { return ready() ? m_weighted / m_div : kNaN; }
    /// Sum of the window and sum of k*value (k = 1 for the oldest); linear regression uses them.
    double windowSum() const { return m_sum; }
    double weightedSum() const { return m_weighted; }
    void step(double x) {
        double& slot = m_ring[static_cast<std::size_t>(m_head)];
        if (m_n >= m_period) {
            // Every weight drops by one (minus the window sum), the new value enters with weight N.
            m_weighted += m_period * x - m_sum;
            m_sum += x - slot;
        } else {
            m_weighted += static_cast<double>(m_n + 1) * x;
            m_sum += x;
        }
        slot = x;
        m_head = m_head + 1 == m_period ? 0 : m_head + 1;
        ++m_n;
        if ((m_n & (kRecomputeEvery - 1)) == 0 && m_n >= m_period) recompute();
    }

private:
    void recompute() {
        double s = 0, w = 0;
        for (int k = 0; k < m_period; ++k) {
            int idx = m_head + k;
            if (idx >= m_period) idx -= m_period;
            s += m_ring[static_cast<std::size_t>(idx)];
            w += (k + 1) * m_ring[static_cast<std::size_t>(idx)];
        }
        m_sum = s;
        m_weighted = w;
    }
    struct Saved {
        double sum = 0, weighted = 0, overwritten = 0;
    };
    int m_period;
    double m_div;
    std::vector<double> m_ring;
    int m_head = 0;
    std::int64_t m_n = 0;
    double m_sum = 0, m_weighted = 0;
    Saved m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Double and triple exponential moving averages (depth 2 or 3 of chained EMAs).
class MultiEma {
public:
    MultiEma(int period, int depth, Seed seed = Seed::Sma)
        : m_period(period), m_depth(depth), m_e{Ema(period, seed), Ema(period, seed), Ema(period, seed)} {
        assert(depth == 2 || depth == 3);
    }
    int warmup() const { return (m_period - 1) * m_depth; }
    bool ready() const { return m_e[static_cast<std::size_t>(m_depth - 1)].ready() && m_n > warmup(); }
    void push(double x) { feed(x, false); }
    void updateLast(double x) { feed(x, true); }
    void step(double x) { feed(x, false); }
    double value() const {
        if (!ready()) return kNaN;
        const double e1 = m_e[0].value(), e2 = m_e[1].value();
        return m_depth == 2 ? 2 * e1 - e2 : 3 * e1 - 3 * e2 + m_e[2].value();
    }

private:
    // Each inner EMA starts once the EMA before it has a value (Tulip does the same).
    void feed(double x, bool revise) {
        if (revise) m_n = m_savedN;
        m_savedN = m_n;
        ++m_n;
        double v = x;
        for (int k = 0; k < m_depth; ++k) {
            Ema& e = m_e[static_cast<std::size_t>(k)];
            const std::int64_t startsAt = static_cast<std::int64_t>(m_period - 1) * k;  // index of its first input
            if (m_n - 1 < startsAt) break;
            if (revise)
                e.updateLast(v);
            else
                e.push(v);
            if (!e.ready()) break;
            v = e.value();
        }
    }
    int m_period;
    int m_depth;
    Ema m_e[3];
    std::int64_t m_n = 0, m_savedN = 0;
};

// ---------------------------------------------------------------------------------------------
/// Hull moving average.
class Hma {
public:
    explicit Hma(int period)
        : m_period(period),
          m_half(std::max(1, period / 2)),
          m_full(period),
          m_final(std::max(1, static_cast<int>(std::sqrt(static_cast<double>(period))))) {}
    int warmup() const { return m_period - 1 + m_final.warmup(); }
    void push(double x) { feed(x, false); }
    void updateLast(double x) { feed(x, true); }
    void step(double x) { feed(x, false); }
    double value() const { return m_final.value(); }

private:
    void feed(double x, bool revise) {
        if (revise) {
            m_half.updateLast(x);
            m_full.updateLast(x);
        } else {
            m_half.push(x);
            m_full.push(x);
        }
        if (!m_full.ready()) return;
        const double diff = 2 * m_half.value() - m_full.value();
        if (revise)
            m_final.updateLast(diff);
        else
            m_final.push(diff);
    }
    int m_period;
    Wma m_half, m_full, m_final;
};

// ---------------------------------------------------------------------------------------------
/// Volume-weighted moving average.
class Vwma {
public:
    explicit Vwma(int period) : m_pv(period), m_v(period) {}
    int warmup() const { return m_pv.warmup(); }
    void push(double close, double volume) {
        m_pv.push(close * volume);
        m_v.push(volume);
    }
    void updateLast(double close, double volume) {
        m_pv.updateLast(close * volume);
        m_v.updateLast(volume);
    }
    void step(double close, double volume) {
        m_pv.step(close * volume);
        m_v.step(volume);
    }
    double value() const {
        if (!m_v.ready()) return kNaN;
        const double v = m_v.value();
        return v > 0 ? m_pv.value() / v : kNaN;  // no volume in the window: undefined
    }

private:
    Sma m_pv, m_v;
};

// ---------------------------------------------------------------------------------------------
/// Linear regression value (end point of the least-squares line over N values).
class LinReg {
public:
    explicit LinReg(int period) : m_period(period), m_w(period) {
        const double n = period;
        m_sumX = n * (n + 1) / 2;
        m_denom = n * (n * (n + 1) * (2 * n + 1) / 6) - m_sumX * m_sumX;
    }
    int warmup() const { return m_period - 1; }
    void push(double x) { m_w.push(x); }
    void updateLast(double x) { m_w.updateLast(x); }
    void step(double x) { m_w.step(x); }
    double value() const {
        if (!m_w.ready()) return kNaN;
        const double n = m_period;
        if (m_period == 1) return m_w.windowSum();
        const double slope = (n * m_w.weightedSum() - m_sumX * m_w.windowSum()) / m_denom;
        const double intercept = (m_w.windowSum() - slope * m_sumX) / n;
        return intercept + slope * n;
    }

private:
    int m_period;
    Wma m_w;
    double m_sumX = 0, m_denom = 0;
};

}  // namespace kairos::indicators
