#include "indicators/volatility.h"

#include "indicators/simd.h"

namespace kairos::indicators {

// Atr's batch loop: out of line (it runs once per array); the streaming path stays in the header.
void Atr::run(const double* high, const double* low, const double* close, double* out, std::size_t n) {
    std::size_t i = 0;
    for (; i < n && (!ready() || m_s.smooth.phase != 0); ++i) {
        step(high[i], low[i], close[i]);
        out[i] = value();
    }
    if (simd::canStream(n, i, out))
        runAnchored<true>(high, low, close, out, n, i);
    else
        runAnchored<false>(high, low, close, out, n, i);
    for (; i < n; ++i) {
        step(high[i], low[i], close[i]);
        out[i] = value();
    }
}

template <bool NT>
void Atr::runAnchored(const double* high, const double* low, const double* close, double* out, std::size_t n, std::size_t& i) {
    using simd::v2;
    using m2 = std::int64_t __attribute__((vector_size(16)));
    const m2 noSign{0x7fffffffffffffff, 0x7fffffffffffffff};
    auto tr2 = [&](std::size_t j, v2 pc) {  // bars j and j+1, previous closes pc
        v2 h, l;
        __builtin_memcpy(&h, high + j, sizeof h);
        __builtin_memcpy(&l, low + j, sizeof l);
        const v2 hl = h - l;
        const v2 up = v2(m2(h - pc) & noSign), down = v2(m2(l - pc) & noSign);
        v2 m = hl < up ? up : hl;
        m = m < down ? down : m;
        return pc != pc ? hl : m;
    };
    detail::WilderSmoother& S = m_s.smooth;
    const double a = S.a, b = S.b, b4 = S.b4;
    double anchor = S.anchor, prev = m_s.prevClose;
    const std::size_t start = i;
    for (; i + 4 <= n; i += 4) {
        const v2 t01 = tr2(i, v2{prev, close[i]});
        const v2 t23 = tr2(i + 2, v2{close[i + 1], close[i + 2]});
        prev = close[i + 3];
        const double tr0 = t01[0], tr1 = t01[1], tr2v = t23[0], tr3 = t23[1];
        const double y1 = b * anchor + a * tr0;
        const double y2 = b * y1 + a * tr1;
        const double y3 = b * y2 + a * tr2v;
        anchor = b4 * anchor + a * (tr3 + b * (tr2v + b * (tr1 + b * tr0)));
        simd::put2<NT>(out + i, y1, y2);
        simd::put2<NT>(out + i + 2, y3, anchor);
    }
    if constexpr (NT) simd::fence();
    if (i > start) {
        m_s.n += static_cast<std::int64_t>(i - start);
        m_s.prevClose = prev;
        S.y = S.anchor = anchor;
        S.phase = 0;
    }
}

}  // namespace kairos::indicators
