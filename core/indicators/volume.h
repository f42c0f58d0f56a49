#pragma once
// Volume indicators (streaming; the shape and the batch twins are described in indicators.h).
//
// Conventions (TA-Lib/backtrader, the defaults):
// - OBV: cumulative volume, added on an up close and subtracted on a down close; 0 at the first bar.
// - MFI: typical price (h+l+c)/3 times volume, positive on a higher typical price, negative on a
//   lower; 100*pos/(pos+neg) over N, from index N (no flow at all: 50).
// - Chaikin money flow: sum over N of ((close-low)-(high-close))/(high-low) * volume, over the sum of
//   volume; a bar with high == low contributes 0; from N-1; no volume in the window gives 0.
// - VWAP: cumulative typical price * volume over cumulative volume since the session start (the UTC
//   day by default); a session without volume so far gives its typical price.

#include "indicators/detail/window.h"
#include "indicators/movingaverages.h"

#include <cstdint>

namespace kairos::indicators {

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
            if (close > m_s.prev)
                m_s.obv += volume;
            else if (close < m_s.prev)
                m_s.obv -= volume;
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

}  // namespace kairos::indicators
