#include "indicators/oscillators.h"

#include "indicators/simd.h"

namespace kairos::indicators {

// The batch loops of Rsi and Macd: out of line (each runs once per array); the streaming path
// (push/updateLast/value) stays inline in the header.
void Rsi::run(const double* x, double* y, std::size_t n) {
    std::size_t i = 0;
    for (; i < n && (!ready() || m_s.gain.phase != 0); ++i) {
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
void Rsi::runAnchored(const double* x, double* y, std::size_t n, std::size_t& i) {
    using simd::v2;
    detail::WilderSmoother& G = m_s.gain;
    detail::WilderSmoother& L = m_s.loss;
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

void Macd::run(const double* x, std::size_t n, double* line, double* signal, double* hist) {
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
    // Plain stores: with three output streams, non-temporal stores measured slower here.
    runFused<false>(x, n, line, signal, hist, i);
    for (; i < n; ++i) one(i);
}

template <bool NT>
void Macd::runFused(const double* x, std::size_t n, double* line, double* signal, double* hist, std::size_t& i) {
    using simd::v2;
    const v2 a{m_fast.m_a, m_slowEma.m_a}, b{m_fast.m_b, m_slowEma.m_b}, b4{m_fast.m_b4, m_slowEma.m_b4};
    const double sa = m_signal.m_a, sb = m_signal.m_b, sb4 = m_signal.m_b4;
    const v2 sa2 = simd::splat(sa);
    v2 anchor{m_fast.m_s.anchor, m_slowEma.m_s.anchor};
    double sAnchor = m_signal.m_s.anchor;
    const std::size_t start = i;
    for (; i + 4 <= n; i += 4) {
        const v2 x1 = simd::splat(x[i]), x2 = simd::splat(x[i + 1]), x3 = simd::splat(x[i + 2]), x4 = simd::splat(x[i + 3]);
        const v2 y1 = b * anchor + a * x1;
        const v2 y2 = b * y1 + a * x2;
        const v2 y3 = b * y2 + a * x3;
        anchor = b4 * anchor + a * (x4 + b * (x3 + b * (x2 + b * x1)));
        // Lines two bars at a time (fast lane minus slow lane), then the signal EMA.
        const v2 l12 = v2{y1[0], y2[0]} - v2{y1[1], y2[1]};
        const v2 l34 = v2{y3[0], anchor[0]} - v2{y3[1], anchor[1]};
        const v2 al12 = sa2 * l12, al34 = sa2 * l34;
        const double l1 = l12[0], l2 = l12[1], l3 = l34[0], l4 = l34[1];
        const double s1 = sb * sAnchor + al12[0];
        const double s2 = sb * s1 + al12[1];
        const double s3 = sb * s2 + al34[0];
        sAnchor = sb4 * sAnchor + sa * (l4 + sb * (l3 + sb * (l2 + sb * l1)));
        const v2 s12{s1, s2}, s34{s3, sAnchor};
        simd::put2<NT>(line + i, l12);
        simd::put2<NT>(line + i + 2, l34);
        simd::put2<NT>(signal + i, s12);
        simd::put2<NT>(signal + i + 2, s34);
        simd::put2<NT>(hist + i, l12 - s12);
        simd::put2<NT>(hist + i + 2, l34 - s34);
    }
    if constexpr (NT) simd::fence();
    const std::size_t count = i - start;
    m_fast.skipAnchored(count, anchor[0]);
    m_slowEma.skipAnchored(count, anchor[1]);
    m_signal.skipAnchored(count, sAnchor);
    m_n += static_cast<std::int64_t>(count);
}

}  // namespace kairos::indicators
