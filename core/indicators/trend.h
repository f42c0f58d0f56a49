#pragma once
// Trend indicators (streaming; the shape and the batch twins are described in indicators.h).
//
// Conventions (TA-Lib/backtrader, the defaults; Tulip Indicators' variants by parameter):
// - Directional movement (Wilder): +DM/-DM and true range from bar 1, Wilder sums (first the plain
//   sum of N-1 values, then S = S*(N-1)/N + x); +DI/-DI = 100*S(+DM)/S(TR), DX = 100*|+DI - -DI| /
//   (+DI + -DI), ADX = mean of the first N DX then Wilder-averaged. Standard (TA-Lib): DI/DX from
//   index N, ADX from 2N-1. DmVariant::Tulip also outputs the unsmoothed first sums at index N-1,
//   so DX starts at N-1 and ADX at 2N-2. No movement at all gives DI and DX 0.
// - Parabolic SAR (Wilder; step 0.02, maximum 0.2): the trend starts long when bar 1's high+low is at
//   least bar 0's; the SAR never enters the previous two bars' range; a bar crossing it reverses the
//   trend with the SAR at the extreme point. First value at index 1.
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
// - Aroon over N: up = 100*(N - bars since the highest high of the last N+1 bars)/N, down likewise
//   with the lowest low; from index N.

#include "indicators/detail/window.h"
#include "indicators/volatility.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kairos::indicators {

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
            if (s.up)
                s.up = close >= lower;
            else
                s.up = close > upper;
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
struct IchimokuValue {
    double tenkan = kNaN, kijun = kNaN, senkouA = kNaN, senkouB = kNaN;
};

/// Ichimoku Kinko Hyo. value() holds the lines that belong to the latest bar (senkou spans as
/// computed `displacement` bars earlier); leadingA()/leadingB() are the spans computed now.
class Ichimoku {
public:
    Ichimoku(int tenkan = 9, int kijun = 26, int senkouB = 52, int displacement = 26)
        : m_tHl(tenkan),
          m_kHl(kijun),
          m_bHl(senkouB),
          m_t(tenkan),
          m_k(kijun),
          m_b(senkouB),
          m_disp(displacement),
          m_leadA(static_cast<std::size_t>(displacement) + 1, kNaN),
          m_leadB(static_cast<std::size_t>(displacement) + 1, kNaN) {}
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
    detail::HighLowWindow m_tHl, m_kHl, m_bHl;
    int m_t, m_k, m_b, m_disp;
    std::vector<double> m_leadA, m_leadB;  // spans computed at the last displacement+1 bars
    int m_head = 0;
    std::int64_t m_n = 0;
    double m_close = kNaN;
    IchimokuValue m_lines;
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
    detail::HighLowWindow m_hl;
};

}  // namespace kairos::indicators
