#pragma once
// Oscillators and momentum (streaming; the shape and the batch twins are described in
// indicators.h).
//
// Conventions (TA-Lib/backtrader, the defaults; Tulip Indicators' variants by parameter):
// - RSI: Wilder smoothing (alpha = 1/N) of gains and losses, seeded with their simple means over the
//   first N changes; first value at index N. A flat window (no gain, no loss) gives 50; no loss 100.
//   The smoothing is evaluated with an anchor every fourth step (see Ema), like EMA's.
// - MACD: EMA(fast) - EMA(slow) of close (both Seed::Sma), line from index slow-1; the signal is an
//   EMA(signal) of the line seeded the same way (from index slow+signal-2, i.e. 33 for 12/26/9);
//   histogram = line - signal. MacdVariant::Tulip: every EMA seeded with its first input, all three
//   outputs from index slow-1, and Tulip's fixed alphas 0.15/0.075 when fast/slow are 12/26.
// - ROC: percent change over N bars, (x - x[N ago]) / x[N ago] * 100 (RocUnit::Ratio: Tulip's, without
//   the * 100); Momentum: x - x[N ago]; both first at index N.
// - CCI: typical price (h+l+c)/3 minus its SMA(N), over 0.015 times the mean absolute deviation of
//   the window's typical prices from that SMA; from N-1; a flat window gives 0. The mean deviation
//   is O(N) per update by its definition (the window mean moves every bar): summed directly up to
//   period 256, in O(log N) from a sorted window beyond (see Cci).
// - Stochastic (slow, the default 14/3/3): raw %K = 100*(close - LL)/(HH - LL) over K bars, %K =
//   SMA(slowing) of raw %K (from index K+slowing-2), %D = SMA(D) of %K (from K+slowing+D-3); a flat
//   window gives raw %K 50. Williams %R = -100*(HH - close)/(HH - LL), flat -50, from N-1.
// - Stochastic RSI: (RSI - lowest RSI) / (highest RSI - lowest RSI) over the last N RSI values, as a
//   fraction 0..1 (Tulip's scale); from 2N-1; a flat RSI window gives 0.5.

#include "indicators/detail/sortedwindow.h"
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

/// Relative strength index (Wilder).
class Rsi {
public:
    explicit Rsi(int period) : m_period(period) {
        assert(period >= 1);
        m_s.gain = detail::WilderSmoother(period);
        m_s.loss = detail::WilderSmoother(period);
    }
    int warmup() const { return m_period; }
    bool ready() const { return m_s.n > m_period; }
    void push(double x) {
        m_saved = m_s;
        step(x);
    }
    void updateLast(double x) {
        m_s = m_saved;
        step(x);
    }
    double value() const { return ready() ? rsiOf(m_s.gain.y, m_s.loss.y) : kNaN; }
    void step(double x) {
        ++m_s.n;
        if (m_s.n == 1) {
            m_s.prev = x;
            return;
        }
        const double change = x - m_s.prev;
        m_s.prev = x;
        const double gain = change > 0 ? change : 0.0;
        const double loss = change < 0 ? -change : 0.0;
        const std::int64_t k = m_s.n - 1;  // number of changes so far
        if (k < m_period) {
            m_s.seedGain += gain;
            m_s.seedLoss += loss;
        } else if (k == m_period) {
            m_s.gain.seed((m_s.seedGain + gain) / m_period);
            m_s.loss.seed((m_s.seedLoss + loss) / m_period);
        } else {
            m_s.gain.step(gain);
            m_s.loss.step(loss);
        }
    }
    /// step() over x[0..n) writing value() to y[0..n), unrolled between anchors.
    void run(const double* x, double* y, std::size_t n);

private:
    static double rsiOf(double g, double l) {
        const double sum = g + l;
        return sum > 0 ? 100.0 * g / sum : 50.0;
    }
    /// Four bars per iteration from an anchor: gain and loss smoothed as the two lanes of a vector
    /// (the same operations as WilderSmoother::step()), rsiOf() two bars at a time.
    template <bool NT>
    void runAnchored(const double* x, double* y, std::size_t n, std::size_t& i);
    struct State {
        double prev = 0, seedGain = 0, seedLoss = 0;
        detail::WilderSmoother gain, loss;
        std::int64_t n = 0;
    };
    int m_period;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
struct MacdValue {
    double line = kNaN, signal = kNaN, histogram = kNaN;
};

enum class MacdVariant : std::uint8_t { Standard = 1, Tulip };

/// Moving average convergence/divergence.
class Macd {
public:
    Macd(int fast = 12, int slow = 26, int signal = 9, MacdVariant variant = MacdVariant::Standard)
        : m_slow(slow),
          m_signalPeriod(signal),
          m_tulip(variant == MacdVariant::Tulip),
          m_fast(fast, m_tulip && fast == 12 && slow == 26 ? 0.15 : 2.0 / (fast + 1.0), m_tulip ? Seed::FirstValue : Seed::Sma,
                 signalSeedIndex(slow, signal, m_tulip)),
          m_slowEma(slow, m_tulip && fast == 12 && slow == 26 ? 0.075 : 2.0 / (slow + 1.0),
                    m_tulip ? Seed::FirstValue : Seed::Sma, signalSeedIndex(slow, signal, m_tulip)),
          m_signal(signal, 2.0 / (signal + 1.0), m_tulip ? Seed::FirstValue : Seed::Sma) {}
    int warmupLine() const { return m_slow - 1; }
    int warmup() const { return m_tulip ? m_slow - 1 : m_slow + m_signalPeriod - 2; }
    void push(double x) {
        m_savedN = m_n;
        m_fast.push(x);
        m_slowEma.push(x);
        ++m_n;
        if (m_n > m_slow - 1) m_signal.push(m_fast.value() - m_slowEma.value());
    }
    void updateLast(double x) {
        m_n = m_savedN;
        m_fast.updateLast(x);
        m_slowEma.updateLast(x);
        ++m_n;
        if (m_n > m_slow - 1) {
            // The signal EMA's last input is this bar's line: revise it (it was pushed in push()).
            m_signal.updateLast(m_fast.value() - m_slowEma.value());
        }
    }
    void step(double x) {
        m_fast.step(x);
        m_slowEma.step(x);
        ++m_n;
        if (m_n > m_slow - 1) m_signal.step(m_fast.value() - m_slowEma.value());
    }
    /// The batch path (only for a fresh object): step() until the three EMAs are at a common
    /// anchor, then one pass computing the fast and slow EMAs as the two lanes of a vector and the
    /// signal EMA beside them, four bars per iteration (same operations as step(), bitwise).
    void run(const double* x, std::size_t n, double* line, double* signal, double* hist);
    MacdValue value() const {
        MacdValue v;
        if (m_n <= m_slow - 1) return v;
        const double line = m_fast.value() - m_slowEma.value();
        v.line = line;
        if (m_signal.ready() && m_n > warmup()) {
            v.signal = m_signal.value();
            v.histogram = line - v.signal;
        }
        return v;
    }

private:
    /// Input index of the signal EMA's seed: the common origin of the three EMAs' anchors.
    static std::int64_t signalSeedIndex(int slow, int signal, bool tulip) { return slow - 1 + (tulip ? 0 : signal - 1); }
    template <bool NT>
    void runFused(const double* x, std::size_t n, double* line, double* signal, double* hist, std::size_t& i);
    int m_slow;
    int m_signalPeriod;
    bool m_tulip;
    Ema m_fast;
    Ema m_slowEma;
    Ema m_signal;
    std::int64_t m_n = 0, m_savedN = 0;
};

// ---------------------------------------------------------------------------------------------
enum class RocUnit : std::uint8_t { Percent = 1, Ratio };

/// Rate of change and momentum over N bars (Kind chooses which).
class Change {
public:
    enum class Kind : std::uint8_t { Roc = 1, Momentum };
    Change(int period, Kind kind, RocUnit unit = RocUnit::Percent)
        : m_period(period), m_kind(kind), m_unit(unit), m_ring(static_cast<std::size_t>(period) + 1, 0.0) {
        assert(period >= 1);
    }
    int warmup() const { return m_period; }
    bool ready() const { return m_n > m_period; }
    void push(double x) {
        m_savedSlot = m_ring[static_cast<std::size_t>(m_head)];
        step(x);
    }
    void updateLast(double x) {
        --m_n;
        m_head = m_head == 0 ? m_period : m_head - 1;
        m_ring[static_cast<std::size_t>(m_head)] = m_savedSlot;
        step(x);
    }
    void step(double x) {
        m_ring[static_cast<std::size_t>(m_head)] = x;
        m_last = x;
        m_head = m_head == m_period ? 0 : m_head + 1;
        ++m_n;
    }
    double value() const {
        if (!ready()) return kNaN;
        const double then = m_ring[static_cast<std::size_t>(m_head)];  // oldest of the N+1 kept
        if (m_kind == Kind::Momentum) return m_last - then;
        const double r = (m_last - then) / then;
        return m_unit == RocUnit::Percent ? r * 100.0 : r;
    }

private:
    int m_period;
    Kind m_kind;
    RocUnit m_unit;
    std::vector<double> m_ring;
    int m_head = 0;
    std::int64_t m_n = 0;
    double m_last = 0, m_savedSlot = 0;
};

// ---------------------------------------------------------------------------------------------
/// Commodity channel index.
///
/// The mean deviation is O(N) per update by its definition (the window mean moves every bar, so
/// no running sum of |x - mean| exists). Up to kDirectMaxPeriod it is summed directly; longer
/// windows keep their typical prices sorted with subtree sums (detail::SortedWindow), which gives
/// the same sum in O(log N) per update, rounded differently (a relative difference of about
/// 1e-15 times price / mean deviation), still bitwise the same in streaming and batch.
class Cci {
public:
    /// The longest period whose mean deviation is summed directly over the window.
    static constexpr int kDirectMaxPeriod = 256;

    explicit Cci(int period = 20)
        : m_period(period),
          m_direct(period <= kDirectMaxPeriod),
          m_tp(period),
          m_ring(m_direct ? static_cast<std::size_t>(period) : 0, 0.0),
          m_sorted(m_direct ? 0 : period) {}
    int warmup() const { return m_period - 1; }
    void push(double high, double low, double close) { feed(high, low, close, false); }
    void updateLast(double high, double low, double close) { feed(high, low, close, true); }
    void step(double high, double low, double close) { feed(high, low, close, false); }
    double value() const {
        if (!m_tp.ready()) return kNaN;
        const double mean = m_tp.value();
        double dev = 0;
        if (m_direct) {
            for (double v : m_ring) dev += std::fabs(v - mean);
        } else {
            dev = m_sorted.absDeviationSum(mean);
        }
        dev /= m_period;
        return dev > 0 ? (m_last - mean) / (0.015 * dev) : 0.0;
    }

private:
    void feed(double high, double low, double close, bool revise) {
        const double tp = (high + low + close) / 3.0;
        if (revise) {
            m_tp.updateLast(tp);
            m_head = m_head == 0 ? m_period - 1 : m_head - 1;
        } else {
            m_tp.push(tp);
            ++m_n;
        }
        if (m_direct)
            m_ring[static_cast<std::size_t>(m_head)] = tp;
        else
            m_sorted.put(m_head, tp, m_n - 1);
        m_head = m_head + 1 == m_period ? 0 : m_head + 1;
        m_last = tp;
    }
    int m_period;
    bool m_direct;
    Sma m_tp;
    std::vector<double> m_ring;     // direct: the window's typical prices (order does not matter)
    detail::SortedWindow m_sorted;  // longer periods: the same, sorted
    int m_head = 0;
    std::int64_t m_n = 0;  // bars pushed (the newest bar's sequence number is m_n - 1)
    double m_last = 0;
};

// ---------------------------------------------------------------------------------------------
struct StochValue {
    double k = kNaN, d = kNaN;
};

/// Stochastic oscillator (slow by default: K 14, slowing 3, D 3; slowing 1 is the fast stochastic).
class Stochastic {
public:
    Stochastic(int kPeriod = 14, int slowing = 3, int dPeriod = 3)
        : m_kPeriod(kPeriod), m_hl(kPeriod), m_k(slowing), m_d(dPeriod) {}
    int warmupK() const { return m_kPeriod + m_k.warmup() - 1; }
    int warmup() const { return warmupK() + m_d.warmup(); }
    void push(double high, double low, double close) { feed(high, low, close, false); }
    void updateLast(double high, double low, double close) { feed(high, low, close, true); }
    void step(double high, double low, double close) { feed(high, low, close, false); }
    StochValue value() const { return {m_k.value(), m_d.value()}; }

private:
    void feed(double high, double low, double close, bool revise) {
        m_hl.feed(high, low, revise);
        if (m_hl.count() < m_kPeriod) return;
        const double range = m_hl.high() - m_hl.low();
        const double raw = range > 0 ? 100.0 * (close - m_hl.low()) / range : 50.0;
        if (revise)
            m_k.updateLast(raw);
        else
            m_k.push(raw);
        if (!m_k.ready()) return;
        if (revise)
            m_d.updateLast(m_k.value());
        else
            m_d.push(m_k.value());
    }
    int m_kPeriod;
    detail::HighLowWindow m_hl;
    Sma m_k, m_d;
};

// ---------------------------------------------------------------------------------------------
/// Stochastic RSI (0..1).
class StochRsi {
public:
    explicit StochRsi(int period = 14) : m_period(period), m_rsi(period), m_hi(period), m_lo(period) {}
    int warmup() const { return 2 * m_period - 1; }
    void push(double x) { feed(x, false); }
    void updateLast(double x) { feed(x, true); }
    void step(double x) { feed(x, false); }
    double value() const { return m_value; }

private:
    void feed(double x, bool revise) {
        if (revise) {
            m_rsi.updateLast(x);
            if (m_pushedLast) {
                m_hi.undo();
                m_lo.undo();
            }
        } else {
            m_rsi.push(x);
        }
        m_pushedLast = m_rsi.ready();
        m_value = kNaN;
        if (!m_pushedLast) return;
        const double r = m_rsi.value();
        m_hi.push(r);
        m_lo.push(r);
        if (m_hi.count() < m_period) return;
        const double range = m_hi.value() - m_lo.value();
        m_value = range > 0 ? (r - m_lo.value()) / range : 0.5;
    }
    int m_period;
    Rsi m_rsi;
    detail::RollingExtreme<true> m_hi;
    detail::RollingExtreme<false> m_lo;
    bool m_pushedLast = false;
    double m_value = kNaN;
};

// ---------------------------------------------------------------------------------------------
/// Williams %R.
class WilliamsR {
public:
    explicit WilliamsR(int period = 14) : m_period(period), m_hl(period) {}
    int warmup() const { return m_period - 1; }
    void push(double high, double low, double close) { feed(high, low, close, false); }
    void updateLast(double high, double low, double close) { feed(high, low, close, true); }
    void step(double high, double low, double close) { feed(high, low, close, false); }
    double value() const {
        if (m_hl.count() < m_period) return kNaN;
        const double range = m_hl.high() - m_hl.low();
        return range > 0 ? -100.0 * (m_hl.high() - m_close) / range : -50.0;
    }

private:
    void feed(double high, double low, double close, bool revise) {
        m_hl.feed(high, low, revise);
        m_close = close;
    }
    int m_period;
    detail::HighLowWindow m_hl;
    double m_close = 0;
};

}  // namespace kairos::indicators
