#pragma once
// Price transforms: other views of the bars themselves (streaming; the shape and the batch twins
// are described in indicators.h).
//
// Conventions:
// - Heikin-Ashi: close = (o+h+l+c)/4, open = (previous HA open + previous HA close)/2 (the first bar's
//   (o+c)/2), high/low = the extremes of the bar's high/low and the HA open/close.
// - Pivot points from the previous session's (UTC day's) high, low and close: classic (P, R1-3, S1-3),
//   Fibonacci (P +/- 0.382, 0.618, 1.0 range) and Camarilla (close +/- range*1.1/12, /6, /4); from the
//   first bar of the second session.

#include "indicators/detail/window.h"

#include <algorithm>
#include <cstdint>

namespace kairos::indicators {

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
    explicit Pivots(PivotKind kind = PivotKind::Classic, std::int64_t sessionMs = 86400000)
        : m_kind(kind), m_sessionMs(sessionMs) {}
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
    PivotValue levels(double h, double l, double c) const;
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

}  // namespace kairos::indicators
