#pragma once
// Streaming indicators: one bar at a time, O(1) per update, no allocation after construction.
//
// Every class has the same shape:
//   push(...)        a new bar;
//   updateLast(...)  revise the last bar (the forming bar), as often as it changes;
//   value()          the current value, NaN until warmup() bars have been pushed beyond the first;
//   warmup()         index (0-based) of the first bar that has a value.
// The batch functions in batch.h run exactly these computations over arrays, so streaming and
// batch results are bitwise identical (tests/core/indicators check it on real data).
//
// Conventions (TA-Lib/backtrader, the defaults; Tulip Indicators' variants by parameter):
// - SMA: arithmetic mean of the last N values. Window sums are running sums recomputed exactly from
//   the window every kRecomputeEvery updates, so they do not drift on long series.
// - EMA: alpha = 2/(N+1); seeded with the simple mean of the first N inputs, first value at index
//   N-1 (Seed::Sma). Seed::FirstValue is Tulip's: seeded with the first input, first value at 0.
// - RSI: Wilder smoothing (alpha = 1/N) of gains and losses, seeded with their simple means over the
//   first N changes; first value at index N. A flat window (no gain, no loss) gives 50; no loss 100.
//   The smoothing is evaluated with an anchor every fourth step (see Ema), like EMA's.
// - True range: max(high-low, |high-prevClose|, |low-prevClose|); the first bar's is high-low.
// - ATR: Wilder smoothing of the true range seeded with the mean of the first N true ranges that
//   have a previous close (bars 1..N), first value at index N (TA-Lib). AtrSeed::IncludeFirstBar is
//   Tulip's: bars 0..N-1 (bar 0's true range is high-low), first value at index N-1.
// - MACD: EMA(fast) - EMA(slow) of close (both Seed::Sma), line from index slow-1; the signal is an
//   EMA(signal) of the line seeded the same way (from index slow+signal-2, i.e. 33 for 12/26/9);
//   histogram = line - signal. MacdVariant::Tulip: every EMA seeded with its first input, all three
//   outputs from index slow-1, and Tulip's fixed alphas 0.15/0.075 when fast/slow are 12/26.
// - WMA: weights 1..N (newest heaviest), first value at N-1; running sums recomputed like SMA's.
// - DEMA = 2*EMA - EMA(EMA), TEMA = 3*EMA - 3*EMA(EMA) + EMA(EMA(EMA)), each EMA seeded as Seed says
//   (the inner EMAs start when the outer one has its first value); first values at 2N-2 and 3N-3.
// - ROC: percent change over N bars, (x - x[N ago]) / x[N ago] * 100 (RocUnit::Ratio: Tulip's, without
//   the * 100); Momentum: x - x[N ago]; both first at index N.
// - Standard deviation: population, over N values (as Bollinger's), first at N-1.
// - OBV: cumulative volume, added on an up close and subtracted on a down close; 0 at the first bar.
// - HMA(N) = WMA(2*WMA(N/2) - WMA(N), floor(sqrt(N))), first value at N-1 + floor(sqrt(N))-1.
// - VWMA: sum(close*volume)/sum(volume) over N, from N-1. MFI: typical price (h+l+c)/3 times volume,
//   positive on a higher typical price, negative on a lower; 100*pos/(pos+neg) over N, from index N
//   (no flow at all: 50).
// - Linear regression: least-squares line through the last N values (x = 1..N), its value at x = N;
//   from N-1.
// - Directional movement (Wilder): +DM/-DM and true range from bar 1, Wilder sums (first the plain
//   sum of N-1 values, then S = S*(N-1)/N + x); +DI/-DI = 100*S(+DM)/S(TR), DX = 100*|+DI - -DI| /
//   (+DI + -DI), ADX = mean of the first N DX then Wilder-averaged. Standard (TA-Lib): DI/DX from
//   index N, ADX from 2N-1. DmVariant::Tulip also outputs the unsmoothed first sums at index N-1,
//   so DX starts at N-1 and ADX at 2N-2. No movement at all gives DI and DX 0.
// - Parabolic SAR (Wilder; step 0.02, maximum 0.2): the trend starts long when bar 1's high+low is at
//   least bar 0's; the SAR never enters the previous two bars' range; a bar crossing it reverses the
//   trend with the SAR at the extreme point. First value at index 1.
// - CCI: typical price (h+l+c)/3 minus its SMA(N), over 0.015 times the mean absolute deviation of
//   the window's typical prices from that SMA; from N-1; a flat window gives 0. The mean deviation
//   is O(N) per update by its definition (the window mean moves every bar).
// - Stochastic RSI: (RSI - lowest RSI) / (highest RSI - lowest RSI) over the last N RSI values, as a
//   fraction 0..1 (Tulip's scale); from 2N-1; a flat RSI window gives 0.5.
// - Keltner channel: EMA(20) of close +/- 2 * ATR(10) (Chester Keltner as revised by Linda Raschke,
//   the TradingView/StockCharts default); from the later of the two warm-ups.
// - Chaikin money flow: sum over N of ((close-low)-(high-close))/(high-low) * volume, over the sum of
//   volume; a bar with high == low contributes 0; from N-1; no volume in the window gives 0.
// - VWAP: cumulative typical price * volume over cumulative volume since the session start (the UTC
//   day by default); a session without volume so far gives its typical price.
// - Heikin-Ashi: close = (o+h+l+c)/4, open = (previous HA open + previous HA close)/2 (the first bar's
//   (o+c)/2), high/low = the extremes of the bar's high/low and the HA open/close.
// - Pivot points from the previous session's (UTC day's) high, low and close: classic (P, R1-3, S1-3),
//   Fibonacci (P +/- 0.382, 0.618, 1.0 range) and Camarilla (close +/- range*1.1/12, /6, /4); from the
//   first bar of the second session.
// - SuperTrend(10, 3): bands at (high+low)/2 +/- 3*ATR(10) (Wilder ATR as above); the final upper
//   band only falls (or resets when the close was above it), the final lower band only rises (or
//   resets when the close was below it); the line follows the upper band in a downtrend until a
//   close above it, the lower band in an uptrend until a close below it. Starts in a downtrend at the
//   ATR's first value. Outputs the line and the direction (+1 up, -1 down).
// - Ichimoku (9, 26, 52): tenkan = midpoint of the 9-bar high/low, kijun = of 26 bars; senkou A =
//   (tenkan+kijun)/2 and senkou B = the 52-bar midpoint, both computed at a bar and plotted 26 bars
//   later (so a bar's senkou values were computed 26 bars before it); chikou = the close, plotted 26
//   bars back (the batch output puts close[i] at i-26; streaming gives the latest close, which
//   belongs 26 bars back, through chikouForBarsAgo()).
// - Highest high / lowest low over N bars come from monotonic deques (O(1) amortised, and the last
//   push can be undone for a forming bar); ties go to the most recent bar.
// - Stochastic (slow, the default 14/3/3): raw %K = 100*(close - LL)/(HH - LL) over K bars, %K =
//   SMA(slowing) of raw %K (from index K+slowing-2), %D = SMA(D) of %K (from K+slowing+D-3); a flat
//   window gives raw %K 50. Williams %R = -100*(HH - close)/(HH - LL), flat -50, from N-1.
// - Aroon over N: up = 100*(N - bars since the highest high of the last N+1 bars)/N, down likewise
//   with the lowest low; from index N. Donchian: HH and LL of N bars and their midpoint, from N-1.
// - Bollinger bands: SMA(N) +/- k * population standard deviation over the same N values; a flat
//   window gives zero width. Sums are kept around a reference value (recentred at each exact
//   recomputation) so that the variance does not cancel catastrophically at high prices.

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "indicators/simd.h"

namespace kairos::indicators {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Window sums are recomputed exactly every this many updates (a power of two).
inline constexpr std::int64_t kRecomputeEvery = 1024;

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
    explicit Ema(int period, Seed seed = Seed::Sma)
        : Ema(period, 2.0 / (period + 1.0), seed) {}
    /// With an explicit smoothing factor (Tulip's MACD 12/26 uses 0.15 and 0.075) and optionally
    /// the input index anchors are counted from (-1: the seed's).
    Ema(int period, double alpha, Seed seed, std::int64_t origin = -1)
        : m_period(period), m_a(alpha), m_b(1.0 - alpha), m_b4((1.0 - alpha) * (1.0 - alpha) * ((1.0 - alpha) * (1.0 - alpha))),
          m_seedMode(seed), m_origin(origin < 0 ? warmup() : origin) {
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
    void run(const double* x, double* y, std::size_t n) {
        std::size_t i = 0;
        for (; i < n && !atAnchor(); ++i) {
            step(x[i]);
            y[i] = value();
        }
        if (simd::canStream(n, i, y)) runAnchored<true>(x, y, n, i);
        else runAnchored<false>(x, y, n, i);
        for (; i < n; ++i) {
            step(x[i]);
            y[i] = value();
        }
    }

private:
    friend class Macd;
    template <bool NT>
    void runAnchored(const double* x, double* y, std::size_t n, std::size_t& i) {
        const double a = m_a, b = m_b, b4 = m_b4;
        double anchor = m_s.anchor;
        const std::size_t start = i;
        for (; i + 4 <= n; i += 4) {
            const double x1 = x[i], x2 = x[i + 1], x3 = x[i + 2], x4 = x[i + 3];
            const double y1 = b * anchor + a * x1;
            const double y2 = b * y1 + a * x2;
            const double y3 = b * y2 + a * x3;
            anchor = b4 * anchor + a * (x4 + b * (x3 + b * (x2 + b * x1)));
            simd::put2<NT>(y + i, y1, y2);
            simd::put2<NT>(y + i + 2, y3, anchor);
        }
        if constexpr (NT) simd::fence();
        // The unrolled loop consumed whole groups of four: the state is at an anchor again.
        skipAnchored(i - start, anchor);
    }
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
/// Wilder smoothing (alpha = 1/N) after a seed, with the same every-fourth-step anchor as Ema: the
/// serial chain is four times shorter and streaming and batch stay bitwise equal.
struct WilderSmoother {
    double a = 0, b = 0, b4 = 0;
    double y = 0, anchor = 0;
    double xs[3] = {0, 0, 0};
    int phase = 0;
    explicit WilderSmoother(int period = 1)
        : a(1.0 / period), b(1.0 - 1.0 / period), b4((1.0 - 1.0 / period) * (1.0 - 1.0 / period) * ((1.0 - 1.0 / period) * (1.0 - 1.0 / period))) {}
    void seed(double v) {
        y = anchor = v;
        phase = 0;
    }
    void step(double x) {
        if (phase == 3) {
            y = anchor = b4 * anchor + a * (x + b * (xs[2] + b * (xs[1] + b * xs[0])));
            phase = 0;
        } else {
            y = b * y + a * x;
            xs[phase++] = x;
        }
    }
};

/// Relative strength index (Wilder).
class Rsi {
public:
    explicit Rsi(int period) : m_period(period) {
        assert(period >= 1);
        m_s.gain = WilderSmoother(period);
        m_s.loss = WilderSmoother(period);
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
    void run(const double* x, double* y, std::size_t n) {
        std::size_t i = 0;
        for (; i < n && (!ready() || m_s.gain.phase != 0); ++i) {
            step(x[i]);
            y[i] = value();
        }
        if (simd::canStream(n, i, y)) runAnchored<true>(x, y, n, i);
        else runAnchored<false>(x, y, n, i);
        for (; i < n; ++i) {
            step(x[i]);
            y[i] = value();
        }
    }

private:
    static double rsiOf(double g, double l) {
        const double sum = g + l;
        return sum > 0 ? 100.0 * g / sum : 50.0;
    }
    /// Four bars per iteration from an anchor: gain and loss smoothed as the two lanes of a vector
    /// (the same operations as WilderSmoother::step()), rsiOf() two bars at a time.
    template <bool NT>
    void runAnchored(const double* x, double* y, std::size_t n, std::size_t& i) {
        using simd::v2;
        WilderSmoother& G = m_s.gain;
        WilderSmoother& L = m_s.loss;
        const v2 a = simd::splat(G.a), b = simd::splat(G.b), b4 = simd::splat(G.b4);
        const v2 zero = simd::splat(0.0), fifty = simd::splat(50.0), hundred = simd::splat(100.0);
        v2 anchor{G.anchor, L.anchor};
        double prev = m_s.prev;
        auto moves = [zero](double c) {
            const v2 v{c, -c};
            return v > zero ? v : zero;  // {gain, loss}: c > 0 ? c : 0 and c < 0 ? -c : 0
        };
        auto rsi2 = [&](v2 p, v2 q) {  // rsiOf(p[0], p[1]) and rsiOf(q[0], q[1])
            const v2 g{p[0], q[0]};
            const v2 sum = g + v2{p[1], q[1]};
            const v2 r = hundred * g / sum;
            return sum > zero ? r : fifty;
        };
        const std::size_t start = i;
        for (; i + 4 <= n; i += 4) {
            const v2 e0 = moves(x[i] - prev), e1 = moves(x[i + 1] - x[i]), e2 = moves(x[i + 2] - x[i + 1]),
                     e3 = moves(x[i + 3] - x[i + 2]);
            prev = x[i + 3];
            const v2 y1 = b * anchor + a * e0;
            const v2 y2 = b * y1 + a * e1;
            const v2 y3 = b * y2 + a * e2;
            anchor = b4 * anchor + a * (e3 + b * (e2 + b * (e1 + b * e0)));
            simd::put2<NT>(y + i, rsi2(y1, y2));
            simd::put2<NT>(y + i + 2, rsi2(y3, anchor));
        }
        if constexpr (NT) simd::fence();
        if (i > start) {
            m_s.n += static_cast<std::int64_t>(i - start);
            m_s.prev = prev;
            G.y = G.anchor = anchor[0];
            L.y = L.anchor = anchor[1];
            G.phase = L.phase = 0;
        }
    }
    struct State {
        double prev = 0, seedGain = 0, seedLoss = 0;
        WilderSmoother gain, loss;
        std::int64_t n = 0;
    };
    int m_period;
    State m_s, m_saved;
};

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
        m_s.smooth = WilderSmoother(period);
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
        if (k < m_period) m_s.seed += tr;
        else if (k == m_period) m_s.smooth.seed((m_s.seed + tr) / m_period);
        else m_s.smooth.step(tr);
    }
    /// step() over the arrays writing value() to out, unrolled between anchors.
    void run(const double* high, const double* low, const double* close, double* out, std::size_t n) {
        std::size_t i = 0;
        for (; i < n && (!ready() || m_s.smooth.phase != 0); ++i) {
            step(high[i], low[i], close[i]);
            out[i] = value();
        }
        WilderSmoother& S = m_s.smooth;
        const double a = S.a, b = S.b, b4 = S.b4;
        double anchor = S.anchor, prev = m_s.prevClose;
        const std::size_t start = i;
        for (; i + 4 <= n; i += 4) {
            double tr[4];
            for (std::size_t k = 0; k < 4; ++k) {
                tr[k] = trueRange(high[i + k], low[i + k], prev);
                prev = close[i + k];
            }
            const double y1 = b * anchor + a * tr[0];
            const double y2 = b * y1 + a * tr[1];
            const double y3 = b * y2 + a * tr[2];
            anchor = b4 * anchor + a * (tr[3] + b * (tr[2] + b * (tr[1] + b * tr[0])));
            out[i] = y1;
            out[i + 1] = y2;
            out[i + 2] = y3;
            out[i + 3] = anchor;
        }
        if (i > start) {
            m_s.n += static_cast<std::int64_t>(i - start);
            m_s.prevClose = prev;
            S.y = S.anchor = anchor;
            S.phase = 0;
        }
        for (; i < n; ++i) {
            step(high[i], low[i], close[i]);
            out[i] = value();
        }
    }

private:
    struct State {
        double prevClose = 0, seed = 0;
        WilderSmoother smooth;
        std::int64_t n = 0;
    };
    int m_period;
    bool m_skipFirst;
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
        : m_slow(slow), m_signalPeriod(signal), m_tulip(variant == MacdVariant::Tulip),
          m_fast(fast, m_tulip && fast == 12 && slow == 26 ? 0.15 : 2.0 / (fast + 1.0), m_tulip ? Seed::FirstValue : Seed::Sma,
                 signalSeedIndex(slow, signal, m_tulip)),
          m_slowEma(slow, m_tulip && fast == 12 && slow == 26 ? 0.075 : 2.0 / (slow + 1.0), m_tulip ? Seed::FirstValue : Seed::Sma,
                    signalSeedIndex(slow, signal, m_tulip)),
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
    void run(const double* x, std::size_t n, double* line, double* signal, double* hist) {
        assert(m_n == 0);
        std::size_t i = 0;
        auto one = [&](std::size_t j) {
            step(x[j]);
            const MacdValue v = value();
            line[j] = v.line;
            signal[j] = v.signal;
            hist[j] = v.histogram;
        };
        for (; i < n && !(m_n > warmup() && m_fast.atAnchor() && m_slowEma.atAnchor() && m_signal.atAnchor()); ++i) one(i);
        if (simd::canStream(n, i, line, signal, hist)) runFused<true>(x, n, line, signal, hist, i);
        else runFused<false>(x, n, line, signal, hist, i);
        for (; i < n; ++i) one(i);
    }
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
    void runFused(const double* x, std::size_t n, double* line, double* signal, double* hist, std::size_t& i) {
        using simd::v2;
        const v2 a{m_fast.m_a, m_slowEma.m_a}, b{m_fast.m_b, m_slowEma.m_b}, b4{m_fast.m_b4, m_slowEma.m_b4};
        const double sa = m_signal.m_a, sb = m_signal.m_b, sb4 = m_signal.m_b4;
        v2 anchor{m_fast.m_s.anchor, m_slowEma.m_s.anchor};
        double sAnchor = m_signal.m_s.anchor;
        const std::size_t start = i;
        for (; i + 4 <= n; i += 4) {
            const v2 x1 = simd::splat(x[i]), x2 = simd::splat(x[i + 1]), x3 = simd::splat(x[i + 2]), x4 = simd::splat(x[i + 3]);
            const v2 y1 = b * anchor + a * x1;
            const v2 y2 = b * y1 + a * x2;
            const v2 y3 = b * y2 + a * x3;
            anchor = b4 * anchor + a * (x4 + b * (x3 + b * (x2 + b * x1)));
            const double l1 = y1[0] - y1[1], l2 = y2[0] - y2[1], l3 = y3[0] - y3[1], l4 = anchor[0] - anchor[1];
            const double s1 = sb * sAnchor + sa * l1;
            const double s2 = sb * s1 + sa * l2;
            const double s3 = sb * s2 + sa * l3;
            sAnchor = sb4 * sAnchor + sa * (l4 + sb * (l3 + sb * (l2 + sb * l1)));
            simd::put2<NT>(line + i, l1, l2);
            simd::put2<NT>(line + i + 2, l3, l4);
            simd::put2<NT>(signal + i, s1, s2);
            simd::put2<NT>(signal + i + 2, s3, sAnchor);
            simd::put2<NT>(hist + i, l1 - s1, l2 - s2);
            simd::put2<NT>(hist + i + 2, l3 - s3, l4 - sAnchor);
        }
        if constexpr (NT) simd::fence();
        const std::size_t count = i - start;
        m_fast.skipAnchored(count, anchor[0]);
        m_slowEma.skipAnchored(count, anchor[1]);
        m_signal.skipAnchored(count, sAnchor);
        m_n += static_cast<std::int64_t>(count);
    }
    int m_slow;
    int m_signalPeriod;
    bool m_tulip;
    Ema m_fast;
    Ema m_slowEma;
    Ema m_signal;
    std::int64_t m_n = 0, m_savedN = 0;
};

// ---------------------------------------------------------------------------------------------
struct BandsValue {
    double lower = kNaN, middle = kNaN, upper = kNaN;
};

/// Bollinger bands (population standard deviation).
class Bollinger {
public:
    Bollinger(int period = 20, double k = 2.0)
        : m_period(period), m_k(k), m_inv(1.0 / period), m_ring(static_cast<std::size_t>(period), 0.0) {
        assert(period >= 1);
    }
    int warmup() const { return m_period - 1; }
    bool ready() const { return m_n >= m_period; }
    void push(double x) {
        m_saved = {m_s1, m_s2, m_ref, m_ring[static_cast<std::size_t>(m_head)]};
        step(x);
    }
    void updateLast(double x) {
        assert(m_n > 0);
        --m_n;
        m_head = m_head == 0 ? m_period - 1 : m_head - 1;
        m_ring[static_cast<std::size_t>(m_head)] = m_saved.overwritten;
        m_s1 = m_saved.s1;
        m_s2 = m_saved.s2;
        m_ref = m_saved.ref;
        step(x);
    }
    BandsValue value() const {
        if (!ready()) return {};
        const double sd = stddev();
        const double mid = m_ref + m_s1 * m_inv;
        return {mid - m_k * sd, mid, mid + m_k * sd};
    }
    /// Population standard deviation of the window (NaN until ready).
    double stddev() const {
        if (!ready()) return kNaN;
        const double m = m_s1 * m_inv;
        const double var = m_s2 * m_inv - m * m;
        return var > 0 ? std::sqrt(var) : 0.0;
    }
    void step(double x) {
        if (m_n == 0) m_ref = x;  // centre the sums on the data from the start
        double& slot = m_ring[static_cast<std::size_t>(m_head)];
        const double d = x - m_ref;
        if (m_n >= m_period) {
            const double o = slot - m_ref;
            m_s1 += d - o;
            m_s2 += d * d - o * o;
        } else {
            m_s1 += d;
            m_s2 += d * d;
        }
        slot = x;
        m_head = m_head + 1 == m_period ? 0 : m_head + 1;
        ++m_n;
        if ((m_n & (kRecomputeEvery - 1)) == 0 && m_n >= m_period) recompute(x);
    }

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
        m_s1 = s1;
        m_s2 = s2;
    }
    struct Saved {
        double s1 = 0, s2 = 0, ref = 0, overwritten = 0;
    };
    int m_period;
    double m_k;
    double m_inv;
    std::vector<double> m_ring;
    int m_head = 0;
    std::int64_t m_n = 0;
    double m_s1 = 0, m_s2 = 0, m_ref = 0;
    Saved m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Weighted moving average (linear weights 1..N).
class Wma {
public:
    explicit Wma(int period)
        : m_period(period), m_div(period * (period + 1) / 2.0), m_ring(static_cast<std::size_t>(period), 0.0) {
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
            if (revise) e.updateLast(v);
            else e.push(v);
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
/// On-balance volume.
class Obv {
public:
    int warmup() const { return 0; }
    void push(double close, double volume) {
        m_saved = m_s;
        step(close, volume);
    }
    void updateLast(double close, double volume) {
        m_s = m_saved;
        step(close, volume);
    }
    void step(double close, double volume) {
        if (m_s.n > 0) {
            if (close > m_s.prev) m_s.obv += volume;
            else if (close < m_s.prev) m_s.obv -= volume;
        }
        m_s.prev = close;
        ++m_s.n;
    }
    double value() const { return m_s.n > 0 ? m_s.obv : kNaN; }

private:
    struct State {
        double obv = 0, prev = 0;
        std::int64_t n = 0;
    };
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Hull moving average.
class Hma {
public:
    explicit Hma(int period)
        : m_period(period), m_half(std::max(1, period / 2)), m_full(period),
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
        if (revise) m_final.updateLast(diff);
        else m_final.push(diff);
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
/// Money flow index.
class Mfi {
public:
    explicit Mfi(int period) : m_period(period), m_pos(period), m_neg(period) {}
    int warmup() const { return m_period; }
    void push(double high, double low, double close, double volume) { feed(high, low, close, volume, false); }
    void updateLast(double high, double low, double close, double volume) { feed(high, low, close, volume, true); }
    void step(double high, double low, double close, double volume) { feed(high, low, close, volume, false); }
    double value() const {
        if (!m_pos.ready()) return kNaN;
        const double p = m_pos.value(), n = m_neg.value();
        return p + n > 0 ? 100.0 * p / (p + n) : 50.0;
    }

private:
    void feed(double high, double low, double close, double volume, bool revise) {
        if (revise) {
            m_n = m_savedN;
            m_prevTp = m_savedPrevTp;
        }
        m_savedN = m_n;
        m_savedPrevTp = m_prevTp;
        const double tp = (high + low + close) / 3.0;
        if (m_n > 0) {
            const double flow = tp * volume;
            const double pos = tp > m_prevTp ? flow : 0.0;
            const double neg = tp < m_prevTp ? flow : 0.0;
            if (revise) {
                m_pos.updateLast(pos);
                m_neg.updateLast(neg);
            } else {
                m_pos.push(pos);
                m_neg.push(neg);
            }
        }
        m_prevTp = tp;
        ++m_n;
    }
    int m_period;
    Sma m_pos, m_neg;
    double m_prevTp = 0, m_savedPrevTp = 0;
    std::int64_t m_n = 0, m_savedN = 0;
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
/// Chaikin money flow.
class Cmf {
public:
    explicit Cmf(int period = 20) : m_mfv(period), m_vol(period) {}
    int warmup() const { return m_mfv.warmup(); }
    void push(double high, double low, double close, double volume) {
        m_mfv.push(flow(high, low, close, volume));
        m_vol.push(volume);
    }
    void updateLast(double high, double low, double close, double volume) {
        m_mfv.updateLast(flow(high, low, close, volume));
        m_vol.updateLast(volume);
    }
    void step(double high, double low, double close, double volume) {
        m_mfv.step(flow(high, low, close, volume));
        m_vol.step(volume);
    }
    double value() const {
        if (!m_vol.ready()) return kNaN;
        const double v = m_vol.value();
        return v > 0 ? m_mfv.value() / v : 0.0;
    }

private:
    static double flow(double high, double low, double close, double volume) {
        const double range = high - low;
        return range > 0 ? ((close - low) - (high - close)) / range * volume : 0.0;
    }
    Sma m_mfv, m_vol;
};

// ---------------------------------------------------------------------------------------------
/// Volume-weighted average price, anchored to a session (the UTC day by default).
class Vwap {
public:
    /// `sessionMs`: session length from the epoch in ms (86,400,000 = UTC days).
    explicit Vwap(std::int64_t sessionMs = 86400000) : m_sessionMs(sessionMs) {}
    int warmup() const { return 0; }
    void push(std::int64_t timeMs, double high, double low, double close, double volume) {
        m_saved = m_s;
        step(timeMs, high, low, close, volume);
    }
    void updateLast(std::int64_t timeMs, double high, double low, double close, double volume) {
        m_s = m_saved;
        step(timeMs, high, low, close, volume);
    }
    void step(std::int64_t timeMs, double high, double low, double close, double volume) {
        const std::int64_t session = timeMs >= 0 ? timeMs / m_sessionMs : (timeMs - m_sessionMs + 1) / m_sessionMs;
        if (!m_s.started || session != m_s.session) {
            m_s = {};
            m_s.started = true;
            m_s.session = session;
        }
        const double tp = (high + low + close) / 3.0;
        m_s.pv += tp * volume;
        m_s.v += volume;
        m_s.value = m_s.v > 0 ? m_s.pv / m_s.v : tp;
    }
    double value() const { return m_s.started ? m_s.value : kNaN; }

private:
    struct State {
        bool started = false;
        std::int64_t session = 0;
        double pv = 0, v = 0, value = 0;
    };
    std::int64_t m_sessionMs;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
struct CandleValue {
    double open = kNaN, high = kNaN, low = kNaN, close = kNaN;
};

/// Heikin-Ashi candles.
class HeikinAshi {
public:
    int warmup() const { return 0; }
    void push(double o, double h, double l, double c) {
        m_saved = m_s;
        step(o, h, l, c);
    }
    void updateLast(double o, double h, double l, double c) {
        m_s = m_saved;
        step(o, h, l, c);
    }
    void step(double o, double h, double l, double c) {
        CandleValue v;
        v.close = (o + h + l + c) / 4.0;
        v.open = m_s.n == 0 ? (o + c) / 2.0 : (m_s.last.open + m_s.last.close) / 2.0;
        v.high = std::max({h, v.open, v.close});
        v.low = std::min({l, v.open, v.close});
        m_s.last = v;
        ++m_s.n;
    }
    CandleValue value() const { return m_s.n > 0 ? m_s.last : CandleValue{}; }

private:
    struct State {
        CandleValue last;
        std::int64_t n = 0;
    };
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
enum class PivotKind : std::uint8_t { Classic = 1, Fibonacci, Camarilla };
struct PivotValue {
    double pivot = kNaN, r1 = kNaN, r2 = kNaN, r3 = kNaN, s1 = kNaN, s2 = kNaN, s3 = kNaN;
};

/// Pivot points from the previous session's high, low and close.
class Pivots {
public:
    explicit Pivots(PivotKind kind = PivotKind::Classic, std::int64_t sessionMs = 86400000) : m_kind(kind), m_sessionMs(sessionMs) {}
    void push(std::int64_t timeMs, double high, double low, double close) {
        m_saved = m_s;
        step(timeMs, high, low, close);
    }
    void updateLast(std::int64_t timeMs, double high, double low, double close) {
        m_s = m_saved;
        step(timeMs, high, low, close);
    }
    void step(std::int64_t timeMs, double high, double low, double close) {
        const std::int64_t session = timeMs >= 0 ? timeMs / m_sessionMs : (timeMs - m_sessionMs + 1) / m_sessionMs;
        if (m_s.started && session != m_s.session) {
            m_s.levels = levels(m_s.high, m_s.low, m_s.close);
            m_s.started = false;
        }
        if (!m_s.started) {
            m_s.started = true;
            m_s.session = session;
            m_s.high = high;
            m_s.low = low;
        }
        m_s.high = std::max(m_s.high, high);
        m_s.low = std::min(m_s.low, low);
        m_s.close = close;
    }
    PivotValue value() const { return m_s.levels; }

private:
    PivotValue levels(double h, double l, double c) const {
        PivotValue v;
        const double range = h - l;
        v.pivot = (h + l + c) / 3.0;
        switch (m_kind) {
        case PivotKind::Classic:
            v.r1 = 2 * v.pivot - l;
            v.s1 = 2 * v.pivot - h;
            v.r2 = v.pivot + range;
            v.s2 = v.pivot - range;
            v.r3 = h + 2 * (v.pivot - l);
            v.s3 = l - 2 * (h - v.pivot);
            break;
        case PivotKind::Fibonacci:
            v.r1 = v.pivot + 0.382 * range;
            v.s1 = v.pivot - 0.382 * range;
            v.r2 = v.pivot + 0.618 * range;
            v.s2 = v.pivot - 0.618 * range;
            v.r3 = v.pivot + range;
            v.s3 = v.pivot - range;
            break;
        case PivotKind::Camarilla:
            v.r1 = c + range * 1.1 / 12;
            v.s1 = c - range * 1.1 / 12;
            v.r2 = c + range * 1.1 / 6;
            v.s2 = c - range * 1.1 / 6;
            v.r3 = c + range * 1.1 / 4;
            v.s3 = c - range * 1.1 / 4;
            break;
        }
        return v;
    }
    struct State {
        bool started = false;
        std::int64_t session = 0;
        double high = 0, low = 0, close = 0;
        PivotValue levels;
    };
    PivotKind m_kind;
    std::int64_t m_sessionMs;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Parabolic stop and reverse.
class Psar {
public:
    explicit Psar(double step = 0.02, double maximum = 0.2) : m_step(step), m_max(maximum) {}
    int warmup() const { return 1; }
    void push(double high, double low) {
        m_saved = m_s;
        step(high, low);
    }
    void updateLast(double high, double low) {
        m_s = m_saved;
        step(high, low);
    }
    double value() const { return m_s.n >= 2 ? m_s.sar : kNaN; }
    /// True while the trend is up (valid once value() is).
    bool isLong() const { return m_s.lng; }
    void step(double high, double low) {
        State& s = m_s;
        ++s.n;
        if (s.n == 1) {
            s.h1 = high;
            s.l1 = low;
            return;
        }
        if (s.n == 2) {
            s.lng = s.h1 + s.l1 <= high + low;
            s.extreme = s.lng ? s.h1 : s.l1;
            s.sar = s.lng ? s.l1 : s.h1;
            s.accel = m_step;
        }
        s.sar = (s.extreme - s.sar) * s.accel + s.sar;
        if (s.lng) {
            if (s.n >= 3 && s.sar > s.l2) s.sar = s.l2;
            if (s.sar > s.l1) s.sar = s.l1;
            if (s.accel < m_max && high > s.extreme) s.accel = std::min(m_max, s.accel + m_step);
            if (high > s.extreme) s.extreme = high;
        } else {
            if (s.n >= 3 && s.sar < s.h2) s.sar = s.h2;
            if (s.sar < s.h1) s.sar = s.h1;
            if (s.accel < m_max && low < s.extreme) s.accel = std::min(m_max, s.accel + m_step);
            if (low < s.extreme) s.extreme = low;
        }
        if ((s.lng && low < s.sar) || (!s.lng && high > s.sar)) {
            s.accel = m_step;
            s.sar = s.extreme;
            s.lng = !s.lng;
            s.extreme = s.lng ? high : low;
        }
        s.h2 = s.h1;
        s.l2 = s.l1;
        s.h1 = high;
        s.l1 = low;
    }

private:
    struct State {
        double sar = 0, extreme = 0, accel = 0, h1 = 0, l1 = 0, h2 = 0, l2 = 0;
        bool lng = true;
        std::int64_t n = 0;
    };
    double m_step, m_max;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Commodity channel index.
class Cci {
public:
    explicit Cci(int period = 20) : m_period(period), m_tp(period), m_ring(static_cast<std::size_t>(period), 0.0) {}
    int warmup() const { return m_period - 1; }
    void push(double high, double low, double close) { feed(high, low, close, false); }
    void updateLast(double high, double low, double close) { feed(high, low, close, true); }
    void step(double high, double low, double close) { feed(high, low, close, false); }
    double value() const {
        if (!m_tp.ready()) return kNaN;
        const double mean = m_tp.value();
        double dev = 0;
        for (double v : m_ring) dev += std::fabs(v - mean);
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
        }
        m_ring[static_cast<std::size_t>(m_head)] = tp;
        m_head = m_head + 1 == m_period ? 0 : m_head + 1;
        m_last = tp;
    }
    int m_period;
    Sma m_tp;
    std::vector<double> m_ring;  // the window's typical prices (order does not matter)
    int m_head = 0;
    double m_last = 0;
};

// ---------------------------------------------------------------------------------------------
struct SuperTrendValue {
    double line = kNaN, direction = kNaN;
};

/// SuperTrend.
class SuperTrend {
public:
    SuperTrend(int atrPeriod = 10, double multiplier = 3.0) : m_atr(atrPeriod), m_mult(multiplier) {}
    int warmup() const { return m_atr.warmup(); }
    void push(double high, double low, double close) {
        m_saved = m_s;
        m_atr.push(high, low, close);
        update(high, low, close);
    }
    void updateLast(double high, double low, double close) {
        m_s = m_saved;
        m_atr.updateLast(high, low, close);
        update(high, low, close);
    }
    void step(double high, double low, double close) {
        m_atr.step(high, low, close);
        update(high, low, close);
    }
    SuperTrendValue value() const { return m_s.value; }

private:
    void update(double high, double low, double close) {
        State& s = m_s;
        if (!m_atr.ready()) {
            s.prevClose = close;
            return;
        }
        const double mid = (high + low) / 2.0, w = m_mult * m_atr.value();
        double upper = mid + w, lower = mid - w;
        if (s.started) {
            if (!(upper < s.upper || s.prevClose > s.upper)) upper = s.upper;
            if (!(lower > s.lower || s.prevClose < s.lower)) lower = s.lower;
            if (s.up) s.up = close >= lower;
            else s.up = close > upper;
        } else {
            s.up = false;
            s.started = true;
        }
        s.upper = upper;
        s.lower = lower;
        s.prevClose = close;
        s.value = {s.up ? lower : upper, s.up ? 1.0 : -1.0};
    }
    struct State {
        bool started = false, up = false;
        double upper = 0, lower = 0, prevClose = 0;
        SuperTrendValue value;
    };
    Atr m_atr;
    double m_mult;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
struct DmValue {
    double plusDi = kNaN, minusDi = kNaN, dx = kNaN, adx = kNaN;
};
enum class DmVariant : std::uint8_t { Standard = 1, Tulip };

/// Directional movement system: +DI, -DI, DX and ADX.
class DirectionalMovement {
public:
    explicit DirectionalMovement(int period = 14, DmVariant variant = DmVariant::Standard)
        : m_period(period), m_per((period - 1.0) / period), m_tulip(variant == DmVariant::Tulip) {}
    int warmupDi() const { return m_tulip ? m_period - 1 : m_period; }
    int warmup() const { return warmupDi() + m_period - 1; }  // ADX
    void push(double high, double low, double close) {
        m_saved = m_s;
        step(high, low, close);
    }
    void updateLast(double high, double low, double close) {
        m_s = m_saved;
        step(high, low, close);
    }
    DmValue value() const { return m_s.out; }
    void step(double high, double low, double close) {
        State& s = m_s;
        ++s.n;
        if (s.n == 1) {
            s.prevH = high;
            s.prevL = low;
            s.prevC = close;
            return;
        }
        const double up = high - s.prevH, down = s.prevL - low;
        const double dp = up > down && up > 0 ? up : 0.0;
        const double dm = down > up && down > 0 ? down : 0.0;
        const double tr = trueRange(high, low, s.prevC);
        s.prevH = high;
        s.prevL = low;
        s.prevC = close;
        const std::int64_t k = s.n - 1;  // movements so far
        if (k < m_period) {
            s.plus += dp;
            s.minus += dm;
            s.tr += tr;
        } else {
            s.plus = s.plus * m_per + dp;
            s.minus = s.minus * m_per + dm;
            s.tr = s.tr * m_per + tr;
        }
        if (k < m_period - (m_tulip ? 1 : 0)) return;
        DmValue& o = s.out;
        o.plusDi = s.tr > 0 ? 100.0 * s.plus / s.tr : 0.0;
        o.minusDi = s.tr > 0 ? 100.0 * s.minus / s.tr : 0.0;
        const double sum = s.plus + s.minus;
        o.dx = sum > 0 ? 100.0 * std::fabs(s.plus - s.minus) / sum : 0.0;
        ++s.dxCount;
        if (s.dxCount < m_period) {
            s.adx += o.dx;
        } else if (s.dxCount == m_period) {
            s.adx = (s.adx + o.dx) / m_period;
            o.adx = s.adx;
        } else {
            s.adx = (s.adx * (m_period - 1) + o.dx) / m_period;
            o.adx = s.adx;
        }
    }

private:
    struct State {
        double prevH = 0, prevL = 0, prevC = 0, plus = 0, minus = 0, tr = 0, adx = 0;
        std::int64_t n = 0, dxCount = 0;
        DmValue out;
    };
    int m_period;
    double m_per;
    bool m_tulip;
    State m_s, m_saved;
};

// ---------------------------------------------------------------------------------------------
/// Highest (IsMax) or lowest value of the last `window` pushes, as a monotonic deque over a fixed
/// ring (no allocation after construction). undo() takes back the last push exactly.
template <bool IsMax>
class RollingExtreme {
public:
    explicit RollingExtreme(int window)
        : m_window(window), m_cap(window + 1), m_idx(static_cast<std::size_t>(m_cap)), m_val(static_cast<std::size_t>(m_cap)),
          m_poppedIdx(static_cast<std::size_t>(m_cap)), m_poppedVal(static_cast<std::size_t>(m_cap)) {}
    void push(double x) {
        const std::int64_t i = m_next++;
        m_undo = {};
        if (m_size > 0 && m_idx[static_cast<std::size_t>(m_front)] <= i - m_window) {
            m_undo.expired = true;
            m_undo.expiredIdx = m_idx[static_cast<std::size_t>(m_front)];
            m_undo.expiredVal = m_val[static_cast<std::size_t>(m_front)];
            m_front = (m_front + 1) % m_cap;
            --m_size;
        }
        while (m_size > 0 && dominated(back(), x)) {
            m_poppedIdx[static_cast<std::size_t>(m_undo.popped)] = m_idx[static_cast<std::size_t>(backPos())];
            m_poppedVal[static_cast<std::size_t>(m_undo.popped)] = back();
            ++m_undo.popped;
            --m_size;
        }
        const int pos = (m_front + m_size) % m_cap;
        m_idx[static_cast<std::size_t>(pos)] = i;
        m_val[static_cast<std::size_t>(pos)] = x;
        ++m_size;
    }
    void undo() {
        --m_size;  // the pushed value
        for (int k = m_undo.popped - 1; k >= 0; --k) {
            const int pos = (m_front + m_size) % m_cap;
            m_idx[static_cast<std::size_t>(pos)] = m_poppedIdx[static_cast<std::size_t>(k)];
            m_val[static_cast<std::size_t>(pos)] = m_poppedVal[static_cast<std::size_t>(k)];
            ++m_size;
        }
        if (m_undo.expired) {
            m_front = (m_front - 1 + m_cap) % m_cap;
            m_idx[static_cast<std::size_t>(m_front)] = m_undo.expiredIdx;
            m_val[static_cast<std::size_t>(m_front)] = m_undo.expiredVal;
            ++m_size;
        }
        --m_next;
    }
    double value() const { return m_val[static_cast<std::size_t>(m_front)]; }
    /// Pushes since the extreme was pushed (0: the last push).
    std::int64_t age() const { return m_next - 1 - m_idx[static_cast<std::size_t>(m_front)]; }
    std::int64_t count() const { return m_next; }

private:
    static bool dominated(double old, double x) { return IsMax ? old <= x : old >= x; }
    int backPos() const { return (m_front + m_size - 1) % m_cap; }
    double back() const { return m_val[static_cast<std::size_t>(backPos())]; }
    struct Undo {
        bool expired = false;
        std::int64_t expiredIdx = 0;
        double expiredVal = 0;
        int popped = 0;
    };
    int m_window, m_cap;
    std::vector<std::int64_t> m_idx;
    std::vector<double> m_val;
    std::vector<std::int64_t> m_poppedIdx;
    std::vector<double> m_poppedVal;
    int m_front = 0, m_size = 0;
    std::int64_t m_next = 0;
    Undo m_undo;
};

// ---------------------------------------------------------------------------------------------
/// Highest high and lowest low of the last N bars; feed(..., revise = true) replaces the last bar.
class HighLowWindow {
public:
    explicit HighLowWindow(int bars) : m_hi(bars), m_lo(bars) {}
    void feed(double high, double low, bool revise) {
        if (revise) {
            m_hi.undo();
            m_lo.undo();
        }
        m_hi.push(high);
        m_lo.push(low);
    }
    double high() const { return m_hi.value(); }
    double low() const { return m_lo.value(); }
    double midpoint() const { return (m_hi.value() + m_lo.value()) / 2.0; }
    /// Bars since the highest high / lowest low (0: the last bar).
    std::int64_t highAge() const { return m_hi.age(); }
    std::int64_t lowAge() const { return m_lo.age(); }
    std::int64_t count() const { return m_hi.count(); }

private:
    RollingExtreme<true> m_hi;
    RollingExtreme<false> m_lo;
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
        if (revise) m_k.updateLast(raw);
        else m_k.push(raw);
        if (!m_k.ready()) return;
        if (revise) m_d.updateLast(m_k.value());
        else m_d.push(m_k.value());
    }
    int m_kPeriod;
    HighLowWindow m_hl;
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
    RollingExtreme<true> m_hi;
    RollingExtreme<false> m_lo;
    bool m_pushedLast = false;
    double m_value = kNaN;
};

// ---------------------------------------------------------------------------------------------
struct IchimokuValue {
    double tenkan = kNaN, kijun = kNaN, senkouA = kNaN, senkouB = kNaN;
};

/// Ichimoku Kinko Hyo. value() holds the lines that belong to the latest bar (senkou spans as
/// computed `displacement` bars earlier); leadingA()/leadingB() are the spans computed now.
class Ichimoku {
public:
    Ichimoku(int tenkan = 9, int kijun = 26, int senkouB = 52, int displacement = 26)
        : m_tHl(tenkan), m_kHl(kijun), m_bHl(senkouB), m_t(tenkan), m_k(kijun), m_b(senkouB), m_disp(displacement),
          m_leadA(static_cast<std::size_t>(displacement) + 1, kNaN), m_leadB(static_cast<std::size_t>(displacement) + 1, kNaN) {}
    int displacement() const { return m_disp; }
    void push(double high, double low, double close) { feed(high, low, close, false); }
    void updateLast(double high, double low, double close) { feed(high, low, close, true); }
    void step(double high, double low, double close) { feed(high, low, close, false); }
    IchimokuValue value() const {
        IchimokuValue v = m_lines;
        // The spans computed `displacement` bars ago (the ring keeps displacement+1 entries).
        const std::size_t oldest = static_cast<std::size_t>((m_head + 1) % (m_disp + 1));
        v.senkouA = m_n > m_disp ? m_leadA[oldest] : kNaN;
        v.senkouB = m_n > m_disp ? m_leadB[oldest] : kNaN;
        return v;
    }
    double leadingA() const { return m_leadA[static_cast<std::size_t>(m_head)]; }
    double leadingB() const { return m_leadB[static_cast<std::size_t>(m_head)]; }
    /// The chikou span value of the bar `displacement` bars back (the latest close).
    double chikou() const { return m_close; }

private:
    void feed(double high, double low, double close, bool revise) {
        if (revise) {
            --m_n;
            m_head = m_head == 0 ? m_disp : m_head - 1;
        }
        m_tHl.feed(high, low, revise);
        m_kHl.feed(high, low, revise);
        m_bHl.feed(high, low, revise);
        ++m_n;
        m_head = m_head == m_disp ? 0 : m_head + 1;
        m_close = close;
        m_lines.tenkan = m_n >= m_t ? m_tHl.midpoint() : kNaN;
        m_lines.kijun = m_n >= m_k ? m_kHl.midpoint() : kNaN;
        m_leadA[static_cast<std::size_t>(m_head)] = m_n >= std::max(m_t, m_k) ? (m_lines.tenkan + m_lines.kijun) / 2.0 : kNaN;
        m_leadB[static_cast<std::size_t>(m_head)] = m_n >= m_b ? m_bHl.midpoint() : kNaN;
    }
    HighLowWindow m_tHl, m_kHl, m_bHl;
    int m_t, m_k, m_b, m_disp;
    std::vector<double> m_leadA, m_leadB;  // spans computed at the last displacement+1 bars
    int m_head = 0;
    std::int64_t m_n = 0;
    double m_close = kNaN;
    IchimokuValue m_lines;
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
    HighLowWindow m_hl;
    double m_close = 0;
};

// ---------------------------------------------------------------------------------------------
struct AroonValue {
    double down = kNaN, up = kNaN;
};

/// Aroon up/down over N bars (the extremes of the last N+1 bars).
class Aroon {
public:
    explicit Aroon(int period = 25) : m_period(period), m_hl(period + 1) {}
    int warmup() const { return m_period; }
    void push(double high, double low) { m_hl.feed(high, low, false); }
    void updateLast(double high, double low) { m_hl.feed(high, low, true); }
    void step(double high, double low) { m_hl.feed(high, low, false); }
    AroonValue value() const {
        if (m_hl.count() <= m_period) return {};
        const double n = m_period;
        return {100.0 * (n - static_cast<double>(m_hl.lowAge())) / n, 100.0 * (n - static_cast<double>(m_hl.highAge())) / n};
    }

private:
    int m_period;
    HighLowWindow m_hl;
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
    HighLowWindow m_hl;
};

}  // namespace kairos::indicators
