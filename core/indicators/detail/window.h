#pragma once
// Building blocks shared by the indicators: a fixed ring buffer, a drift-free window sum, a
// weighted window sum and a sliding max/min. Every class offers a read-only "what if" step
// (kCommit = false) used by the indicators' preview() to update a still-forming bar.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace kairos::indicators::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The last `capacity` values; slots not yet written read as `fill`.
template <class T>
class Ring {
public:
    explicit Ring(int capacity = 1, T fill = T{}) : m_values(static_cast<std::size_t>(capacity < 1 ? 1 : capacity), fill), m_fill(fill) {}

    int capacity() const { return static_cast<int>(m_values.size()); }
    /// The value that the next push() overwrites (the one written `capacity` pushes ago).
    const T& oldest() const { return m_values[m_pos]; }
    /// ago = 0 is the newest value, ago = capacity-1 the oldest.
    const T& back(int ago = 0) const {
        int i = static_cast<int>(m_pos) - 1 - ago;
        if (i < 0) i += capacity();
        return m_values[static_cast<std::size_t>(i)];
    }
    /// Position of the next write, 0..capacity-1.
    int position() const { return static_cast<int>(m_pos); }
    void push(const T& v) {
        m_values[m_pos] = v;
        if (++m_pos == m_values.size()) m_pos = 0;
    }
    void reset() {
        for (auto& v : m_values) v = m_fill;
        m_pos = 0;
    }

private:
    std::vector<T> m_values;
    std::size_t m_pos = 0;
    T m_fill;
};

/// Sum of the last N values without drift: the running sum (s += x - x_old) is replaced every N
/// values by a fresh sum of exactly the N values in the window, accumulated alongside from 0.
/// The reset happens when the value at ring position N-1 is added, i.e. at absolute indexes
/// N-1, 2N-1, 3N-1, ... which is what lets the batch kernels process blocks independently and
/// still agree bit for bit. Error stays bounded by ~2N ulps of the window's magnitudes.
/// Before N values have been added the sum is the sum of all values so far.
class WindowSum {
public:
    explicit WindowSum(int n = 1) : m_ring(n, 0.0) {}
    int period() const { return m_ring.capacity(); }

    template <bool kCommit>
    double step(double x) {
        const double fresh = m_fresh + x;
        double sum;
        if (m_ring.position() == m_ring.capacity() - 1) {
            sum = fresh;
            if constexpr (kCommit) m_fresh = 0.0;
        } else {
            sum = m_sum + (x - m_ring.oldest());
            if constexpr (kCommit) m_fresh = fresh;
        }
        if constexpr (kCommit) {
            m_sum = sum;
            m_ring.push(x);
        }
        return sum;
    }
    double sum() const { return m_sum; }
    /// The value `ago` steps back (0 = newest).
    double back(int ago = 0) const { return m_ring.back(ago); }
    /// The value leaving the window at the next step.
    double oldest() const { return m_ring.oldest(); }
    void reset() {
        m_ring.reset();
        m_sum = 0.0;
        m_fresh = 0.0;
    }

private:
    Ring<double> m_ring;
    double m_sum = 0.0;
    double m_fresh = 0.0;
};

/// Plain and linearly weighted sums of the last N values: S = sum x, W = sum_{k=1..N} k * x_k
/// with weight N on the newest value. Drift-free in the same way as WindowSum (fresh sums every
/// N values). Used by WMA, HMA and linear regression.
class WeightedWindowSum {
public:
    explicit WeightedWindowSum(int n = 1) : m_ring(n, 0.0), m_n(static_cast<double>(n)) {}
    int period() const { return m_ring.capacity(); }

    struct Sums {
        double plain;
        double weighted;
    };

    template <bool kCommit>
    Sums step(double x) {
        const int pos = m_ring.position();
        // Weight of x inside the block being accumulated from scratch: 1 for the first value.
        const double freshS = m_freshS + x;
        const double freshW = m_freshW + static_cast<double>(pos + 1) * x;
        Sums s;
        if (pos == m_ring.capacity() - 1) {
            s = {freshS, freshW};
            if constexpr (kCommit) {
                m_freshS = 0.0;
                m_freshW = 0.0;
            }
        } else {
            // W_i = W_{i-1} + N x_i - S_{i-1};  S_i = S_{i-1} + x_i - x_{i-N}
            s.weighted = m_w + (m_n * x - m_s);
            s.plain = m_s + (x - m_ring.oldest());
            if constexpr (kCommit) {
                m_freshS = freshS;
                m_freshW = freshW;
            }
        }
        if constexpr (kCommit) {
            m_s = s.plain;
            m_w = s.weighted;
            m_ring.push(x);
        }
        return s;
    }
    void reset() {
        m_ring.reset();
        m_s = m_w = m_freshS = m_freshW = 0.0;
    }

private:
    Ring<double> m_ring;
    double m_n;
    double m_s = 0.0, m_w = 0.0, m_freshS = 0.0, m_freshW = 0.0;
};

/// Maximum (kMax = true) or minimum of the last N values, with the index (count of values added
/// before it) of the most recent extreme on ties. Amortised O(1): a monotonic deque kept over
/// the last N-1 committed values, so that a forming value can be compared with it read-only.
template <bool kMax>
class SlidingExtreme {
public:
    explicit SlidingExtreme(int n = 1) : m_n(n < 1 ? 1 : n), m_vals(static_cast<std::size_t>(m_n)), m_idx(static_cast<std::size_t>(m_n)) {}
    int period() const { return m_n; }

    struct Extreme {
        double value;
        std::int64_t index;  ///< absolute index of the extreme (most recent one on ties)
    };

    /// Extreme of the window ending with `x` (the last N values including x).
    template <bool kCommit>
    Extreme step(double x) {
        const std::int64_t i = m_count;
        Extreme e{x, i};
        if (m_size > 0) {
            const double f = m_vals[m_head];
            // The deque front is the extreme of the last N-1 values; ties favour x (more recent).
            if (kMax ? f > x : f < x) e = {f, m_idx[m_head]};
        }
        if constexpr (kCommit) {
            // Drop values that x dominates (ties too: the newer one wins).
            while (m_size > 0) {
                const std::size_t last = wrap(m_head + m_size - 1);
                if (kMax ? m_vals[last] <= x : m_vals[last] >= x) --m_size;
                else break;
            }
            const std::size_t slot = wrap(m_head + m_size);
            m_vals[slot] = x;
            m_idx[slot] = i;
            ++m_size;
            ++m_count;
            // Keep only the last N-1 values for the next window.
            const std::int64_t firstKept = m_count - (m_n - 1);
            while (m_size > 0 && m_idx[m_head] < firstKept) {
                m_head = wrap(m_head + 1);
                --m_size;
            }
        }
        return e;
    }
    std::int64_t count() const { return m_count; }
    void reset() {
        m_head = 0;
        m_size = 0;
        m_count = 0;
    }

private:
    std::size_t wrap(std::size_t i) const { return i >= static_cast<std::size_t>(m_n) ? i - static_cast<std::size_t>(m_n) : i; }
    int m_n;
    std::vector<double> m_vals;
    std::vector<std::int64_t> m_idx;
    std::size_t m_head = 0;
    std::size_t m_size = 0;
    std::int64_t m_count = 0;
};

}  // namespace kairos::indicators::detail
