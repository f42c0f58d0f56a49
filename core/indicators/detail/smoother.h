#pragma once
// The exponential smoother behind EMA (alpha = 2/(N+1)) and Wilder's smoothing (alpha = 1/N):
// y_i = b*y_{i-1} + a*x_i with a = alpha, b = 1 - alpha.
//
// Evaluation order (fixed, so that streaming and batch agree bit for bit): counting steps from
// the seed (step 0 = the seed value), every 4th step is an "anchor" computed from the previous
// anchor as y = b^4*y_anchor + a*(x + b*(x_{-1} + b*(x_{-2} + b*x_{-3}))); the three steps in
// between use the one-step form. Both equal the textbook recursion up to rounding (a few ulps);
// the anchor form shortens the serial dependency chain four-fold, which is what makes the batch
// kernels faster than a plain recursion.

#include "indicators/detail/window.h"

namespace kairos::indicators::detail {

struct SmootherCoefficients {
    double a = 1.0;   ///< alpha
    double b = 0.0;   ///< 1 - alpha
    double b2 = 0.0;  ///< b*b
    double b4 = 0.0;  ///< b2*b2

    static SmootherCoefficients fromAlpha(double alpha) {
        SmootherCoefficients c;
        c.a = alpha;
        c.b = 1.0 - alpha;
        c.b2 = c.b * c.b;
        c.b4 = c.b2 * c.b2;
        return c;
    }
};

/// One smoothed series after its seed. The caller decides the seed (e.g. the mean of the first N
/// inputs) and passes every later input to step().
class Smoother {
public:
    Smoother() = default;
    explicit Smoother(const SmootherCoefficients& c) : m_c(c) {}

    const SmootherCoefficients& coefficients() const { return m_c; }

    void seed(double y) {
        m_y = y;
        m_anchor = y;
        m_phase = 0;
    }

    template <bool kCommit>
    double step(double x) {
        const int phase = m_phase + 1;
        double y;
        if (phase == 4) {
            y = m_c.b4 * m_anchor + m_c.a * (x + m_c.b * (m_x[2] + m_c.b * (m_x[1] + m_c.b * m_x[0])));
            if constexpr (kCommit) {
                m_anchor = y;
                m_phase = 0;
            }
        } else {
            y = m_c.b * m_y + m_c.a * x;
            if constexpr (kCommit) {
                m_x[phase - 1] = x;
                m_phase = phase;
            }
        }
        if constexpr (kCommit) m_y = y;
        return y;
    }

    double value() const { return m_y; }

private:
    SmootherCoefficients m_c;
    double m_y = kNaN;
    double m_anchor = kNaN;
    double m_x[3] = {0.0, 0.0, 0.0};  // inputs since the last anchor, oldest first
    int m_phase = 0;
};

}  // namespace kairos::indicators::detail

namespace kairos::indicators::detail {

/// A smoother with its seed: the first defined value is (sum of the first `seedCount` inputs) /
/// `divisor`, produced at input index seedCount-1; every later input goes through Smoother.
/// EMA: (N, N, 2/(N+1)); Wilder: (N, N, 1/N); seeding with the first value: (1, 1, alpha).
class SeededSmoother {
public:
    SeededSmoother() = default;
    SeededSmoother(int seedCount, double divisor, double alpha)
        : m_smoother(SmootherCoefficients::fromAlpha(alpha)), m_seedCount(seedCount < 1 ? 1 : seedCount), m_divisor(divisor) {}

    /// Input index of the first defined value.
    int warmup() const { return m_seedCount - 1; }

    template <bool kCommit>
    double step(double x) {
        double y;
        if (m_count >= m_seedCount) {
            y = m_smoother.step<kCommit>(x);
        } else {
            const double sum = m_seedSum + x;
            if (m_count == m_seedCount - 1) {
                y = sum / m_divisor;
                if constexpr (kCommit) m_smoother.seed(y);
            } else {
                y = kNaN;
            }
            if constexpr (kCommit) m_seedSum = sum;
        }
        if constexpr (kCommit) ++m_count;
        return y;
    }
    /// Last committed value (NaN before the seed).
    double value() const { return m_count >= m_seedCount ? m_smoother.value() : kNaN; }
    std::int64_t count() const { return m_count; }
    const SmootherCoefficients& coefficients() const { return m_smoother.coefficients(); }
    void reset() {
        *this = SeededSmoother(m_seedCount, m_divisor, m_smoother.coefficients().a);
    }

private:
    Smoother m_smoother;
    int m_seedCount = 1;
    double m_divisor = 1.0;
    double m_seedSum = 0.0;
    std::int64_t m_count = 0;
};

}  // namespace kairos::indicators::detail
