#pragma once
// Building blocks shared by the streaming indicators (not public API): the constants every
// indicator uses, the pairwise window sums, Wilder's anchored smoothing and the rolling extremes.
// - Window sums are running sums recomputed exactly from the window every kRecomputeEvery updates,
//   so they do not drift on long series.
// - Highest high / lowest low over N bars come from monotonic deques (O(1) amortised, and the last
//   push can be undone for a forming bar); ties go to the most recent bar.

#include <cstdint>
#include <limits>
#include <vector>

namespace kairos::indicators {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Window sums are recomputed exactly every this many updates (a power of two).
inline constexpr std::int64_t kRecomputeEvery = 1024;

}  // namespace kairos::indicators

namespace kairos::indicators::detail {

/// Two running sums (of a window's terms and of their squares, say) advanced in pairs of bars:
/// for bars 2k and 2k+1, s(2k) = base + e(2k) and s(2k+1) = base + (e(2k) + e(2k+1)), the next
/// base (e = the entering term minus the leaving one). That halves the serial chain of additions,
/// which is what limits a moving sum's speed. Bollinger and its batch function add through it.
struct PairSums {
    double s1 = 0, s2 = 0, base1 = 0, base2 = 0, pending1 = 0, pending2 = 0;
    /// Adds the terms of bar number `n` (0-based).
    void add(std::int64_t n, double e1, double e2) {
        if ((n & 1) == 0) {
            s1 = base1 + e1;
            s2 = base2 + e2;
            pending1 = e1;
            pending2 = e2;
        } else {
            s1 = base1 + (pending1 + e1);
            s2 = base2 + (pending2 + e2);
            base1 = s1;
            base2 = s2;
        }
    }
    /// Restarts from exact sums after an even number of bars.
    void reset(double e1, double e2) {
        s1 = base1 = e1;
        s2 = base2 = e2;
    }
};

/// Wilder smoothing (alpha = 1/N) after a seed, with the same every-fourth-step anchor as Ema: the
/// serial chain is four times shorter and streaming and batch stay bitwise equal.
struct WilderSmoother {
    double a = 0, b = 0, b4 = 0;
    double y = 0, anchor = 0;
    double xs[3] = {0, 0, 0};
    int phase = 0;
    explicit WilderSmoother(int period = 1)
        : a(1.0 / period),
          b(1.0 - 1.0 / period),
          b4((1.0 - 1.0 / period) * (1.0 - 1.0 / period) * ((1.0 - 1.0 / period) * (1.0 - 1.0 / period))) {}
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

// ---------------------------------------------------------------------------------------------
/// Highest (IsMax) or lowest value of the last `window` pushes, as a monotonic deque over a fixed
/// ring (no allocation after construction). undo() takes back the last push exactly.
template <bool IsMax>
class RollingExtreme {
public:
    explicit RollingExtreme(int window)
        : m_window(window),
          m_cap(window + 1),
          m_idx(static_cast<std::size_t>(m_cap)),
          m_val(static_cast<std::size_t>(m_cap)),
          m_poppedIdx(static_cast<std::size_t>(m_cap)),
          m_poppedVal(static_cast<std::size_t>(m_cap)) {}
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

}  // namespace kairos::indicators::detail
