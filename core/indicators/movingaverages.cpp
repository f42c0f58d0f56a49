#include "indicators/movingaverages.h"

#include "indicators/simd.h"

namespace kairos::indicators {

// Ema's batch loop lives here: it runs once per array, so being out of line costs nothing, while
// push()/updateLast()/value() stay inline in the header for the streaming path.
void Ema::run(const double* x, double* y, std::size_t n) {
    std::size_t i = 0;
    for (; i < n && !atAnchor(); ++i) {
        step(x[i]);
        y[i] = value();
    }
    if (simd::canStream(n, i, y))
        runAnchored<true>(x, y, n, i);
    else
        runAnchored<false>(x, y, n, i);
    for (; i < n; ++i) {
        step(x[i]);
        y[i] = value();
    }
}

template <bool NT>
void Ema::runAnchored(const double* x, double* y, std::size_t n, std::size_t& i) {
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

}  // namespace kairos::indicators
