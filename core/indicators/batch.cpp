#include "indicators/batch.h"

#include "indicators/simd.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <type_traits>
#include <vector>

#if defined(__x86_64__) && defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#define KAIROS_INDICATORS_AVX 1
#include <immintrin.h>
#else
#define KAIROS_INDICATORS_AVX 0
#endif

namespace kairos::indicators {

// Each function runs the streaming class's step() over the array: one code path, so batch and
// streaming cannot disagree. step() is inline and non-virtual; the loops allocate nothing per value.

void sma(std::span<const double> in, int period, std::span<double> out) {
    assert(out.size() >= in.size());
    // Sma::step()'s additions in the same order (bitwise-equal results), with the leaving value
    // read from the input and the steady state unrolled by pairs, free of per-value branches.
    const std::size_t n = in.size();
    const auto p = static_cast<std::size_t>(period);
    const double inv = 1.0 / period;
    double base = 0, pending = 0, sum = 0;
    auto leaving = [&](std::size_t i) { return i >= p ? in[i - p] : 0.0; };
    auto recompute = [&](std::size_t last) {
        double e = 0;
        for (std::size_t k = last + 1 - p; k <= last; ++k) e += in[k];
        sum = base = e;
    };
    std::size_t i = 0;
    // Warm-up (and any odd leftovers): exactly Sma::step().
    auto one = [&](std::size_t j) {
        const double d = in[j] - leaving(j);
        if ((j & 1) == 0) {
            sum = base + d;
            pending = d;
        } else {
            sum = base + (pending + d);
            base = sum;
        }
        if (((j + 1) & (kRecomputeEvery - 1)) == 0 && j + 1 >= p) recompute(j);
        out[j] = j + 1 >= p ? sum * inv : kNaN;
    };
    for (; i < n && (i < p || (i & 1) != 0); ++i) one(i);
    // Steady state: i is even and past the warm-up; pairs (i, i+1).
    auto pairs = [&](auto nt) {
        while (i + 1 < n) {
            const double d0 = in[i] - in[i - p];
            const double d1 = in[i + 1] - in[i + 1 - p];
            const double v0 = (base + d0) * inv;
            base = base + (d0 + d1);
            sum = base;
            if (((i + 2) & (kRecomputeEvery - 1)) == 0) recompute(i + 1);
            simd::put2<decltype(nt)::value>(&out[i], v0, sum * inv);
            i += 2;
        }
        if constexpr (decltype(nt)::value) simd::fence();
    };
    if (simd::canStream(n, i, out.data()))
        pairs(std::true_type{});
    else
        pairs(std::false_type{});
    for (; i < n; ++i) one(i);
}

void ema(std::span<const double> in, int period, std::span<double> out, Seed seed) {
    assert(out.size() >= in.size());
    Ema e(period, seed);
    e.run(in.data(), out.data(), in.size());
}

void rsi(std::span<const double> in, int period, std::span<double> out) {
    assert(out.size() >= in.size());
    Rsi r(period);
    r.run(in.data(), out.data(), in.size());
}

void trueRange(std::span<const double> high, std::span<const double> low, std::span<const double> close, std::span<double> out) {
    for (std::size_t i = 0; i < close.size(); ++i) out[i] = trueRange(high[i], low[i], i == 0 ? kNaN : close[i - 1]);
}

void atr(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
         std::span<double> out, AtrSeed seed) {
    Atr a(period, seed);
    a.run(high.data(), low.data(), close.data(), out.data(), close.size());
}

void macd(std::span<const double> in, int fast, int slow, int signal, std::span<double> line, std::span<double> signalOut,
          std::span<double> histogram, MacdVariant variant) {
    Macd m(fast, slow, signal, variant);
    m.run(in.data(), in.size(), line.data(), signalOut.data(), histogram.data());
}

namespace {
/// Bollinger::value() for one bar from its sums (the same operations).
inline void bandsAt(double s1, double s2, double ref, double inv, double k, double* lower, double* middle, double* upper) {
    const double m = s1 * inv;
    const double var = s2 * inv - m * m;
    const double sd = var > 0 ? std::sqrt(var) : 0.0;
    const double mid = ref + s1 * inv;
    *lower = mid - k * sd;
    *middle = mid;
    *upper = mid + k * sd;
}

/// The bands for bars [from, to) of a block whose sums are s1[j - b0], s2[j - b0] (all around `ref`):
/// two bars per vector, the same operations as bandsAt().
void bandsBlock(const double* s1, const double* s2, std::size_t b0, std::size_t from, std::size_t to, double ref, double inv,
                double k, double* lower, double* middle, double* upper) {
    std::size_t i = from;
#if defined(__SSE2__)
    using simd::v2;
    const v2 vinv = simd::splat(inv), vk = simd::splat(k), vref = simd::splat(ref), zero = simd::splat(0.0);
    for (; i + 2 <= to; i += 2) {
        const v2 a{s1[i - b0], s1[i + 1 - b0]};
        const v2 q{s2[i - b0], s2[i + 1 - b0]};
        const v2 m = a * vinv;
        const v2 var = q * vinv - m * m;
        const v2 sd = var > zero ? v2(_mm_sqrt_pd(var)) : zero;
        const v2 mid = vref + a * vinv;
        const v2 w = vk * sd;
        const v2 lo = mid - w, up = mid + w;
        __builtin_memcpy(lower + i, &lo, sizeof lo);
        __builtin_memcpy(middle + i, &mid, sizeof mid);
        __builtin_memcpy(upper + i, &up, sizeof up);
    }
#endif
    for (; i < to; ++i) bandsAt(s1[i - b0], s2[i - b0], ref, inv, k, lower + i, middle + i, upper + i);
}

#if KAIROS_INDICATORS_AVX
/// bandsBlock() four bars per vector, for CPUs with AVX (whose 4-lane square root has twice the
/// 2-lane one's throughput). Same IEEE operations per lane; no FMA is enabled, so nothing is fused.
__attribute__((target("avx"))) void bandsBlockAvx(const double* s1, const double* s2, std::size_t b0, std::size_t from,
                                                  std::size_t to, double ref, double inv, double k, double* lower, double* middle,
                                                  double* upper) {
    using v4 = double __attribute__((vector_size(32)));
    std::size_t i = from;
    const v4 vinv{inv, inv, inv, inv}, vk{k, k, k, k}, vref{ref, ref, ref, ref}, zero{0, 0, 0, 0};
    for (; i + 4 <= to; i += 4) {
        v4 a, q;
        __builtin_memcpy(&a, s1 + (i - b0), sizeof a);
        __builtin_memcpy(&q, s2 + (i - b0), sizeof q);
        const v4 m = a * vinv;
        const v4 var = q * vinv - m * m;
        const v4 sd = var > zero ? v4(_mm256_sqrt_pd(var)) : zero;
        const v4 mid = vref + a * vinv;
        const v4 w = vk * sd;
        const v4 lo = mid - w, up = mid + w;
        __builtin_memcpy(lower + i, &lo, sizeof lo);
        __builtin_memcpy(middle + i, &mid, sizeof mid);
        __builtin_memcpy(upper + i, &up, sizeof up);
    }
    for (; i < to; ++i) bandsAt(s1[i - b0], s2[i - b0], ref, inv, k, lower + i, middle + i, upper + i);
}
const bool kHaveAvx = __builtin_cpu_supports("avx");
#endif

#if KAIROS_INDICATORS_AVX
/// The batch Bollinger's steady state from bar i (even, past the warm-up) to `end`, four bars per
/// iteration, without the buffers: the sums of two pairs of bars exactly as the pair loop in
/// bollinger() computes them, then their bands exactly as bandsBlockAvx(). Returns where it stopped.
__attribute__((target("avx"))) std::size_t fusedAvx(const double* in, std::size_t p, std::size_t i, std::size_t end, double ref,
                                                    double inv, double k, double& base1, double& base2, double* lower,
                                                    double* middle, double* upper) {
    using simd::v2;
    using v4 = double __attribute__((vector_size(32)));
    const v2 vref = simd::splat(ref);
    const v4 vinv{inv, inv, inv, inv}, vk{k, k, k, k}, vref4{ref, ref, ref, ref}, zero{0, 0, 0, 0};
    v2 base{base1, base2};
    for (; i + 4 <= end; i += 4) {
        v2 sa, sb, sc;
        auto pair = [&](std::size_t j, v2& s) {
            v2 xin, xout;
            __builtin_memcpy(&xin, in + j, sizeof xin);
            __builtin_memcpy(&xout, in + j - p, sizeof xout);
            const v2 d = xin - vref, o = xout - vref;
            const v2 e1 = d - o, e2 = d * d - o * o;
            const v2 first{e1[0], e2[0]}, second{e1[1], e2[1]};
            s = base + first;
            base = base + (first + second);
        };
        pair(i, sa);
        sb = base;
        pair(i + 2, sc);
        const v4 a{sa[0], sb[0], sc[0], base[0]}, q{sa[1], sb[1], sc[1], base[1]};
        const v4 m = a * vinv;
        const v4 var = q * vinv - m * m;
        const v4 sd = var > zero ? v4(_mm256_sqrt_pd(var)) : zero;
        const v4 mid = vref4 + a * vinv;
        const v4 w = vk * sd;
        const v4 lo = mid - w, up = mid + w;
        __builtin_memcpy(lower + i, &lo, sizeof lo);
        __builtin_memcpy(middle + i, &mid, sizeof mid);
        __builtin_memcpy(upper + i, &up, sizeof up);
    }
    base1 = base[0];
    base2 = base[1];
    return i;
}
#endif

void bands(const double* s1, const double* s2, std::size_t b0, std::size_t from, std::size_t to, double ref, double inv, double k,
           double* lower, double* middle, double* upper) {
#if KAIROS_INDICATORS_AVX
    if (kHaveAvx) return bandsBlockAvx(s1, s2, b0, from, to, ref, inv, k, lower, middle, upper);
#endif
    bandsBlock(s1, s2, b0, from, to, ref, inv, k, lower, middle, upper);
}
}  // namespace

void bollinger(std::span<const double> in, int period, double k, std::span<double> lower, std::span<double> middle,
               std::span<double> upper) {
    assert(lower.size() >= in.size() && middle.size() >= in.size() && upper.size() >= in.size());
    // Bollinger::step() and value() over the array, in blocks of kRecomputeEvery bars (the blocks
    // between two exact recomputations, so each has one reference value): first the running sums
    // (the serial part, the same additions as step()), then the bands from them, vectorised.
    const std::size_t n = in.size();
    const auto p = static_cast<std::size_t>(period);
    const double inv = 1.0 / period;
    constexpr auto kBlock = static_cast<std::size_t>(kRecomputeEvery);
    double s1buf[kBlock], s2buf[kBlock];
    double ref = n > 0 ? in[0] : 0.0;
    Bollinger::Sums sums;
    auto one = [&](std::size_t i, std::size_t b0) {
        const double d = in[i] - ref;
        if (i >= p) {
            const double o = in[i - p] - ref;
            sums.add(static_cast<std::int64_t>(i), d - o, d * d - o * o);
        } else {
            sums.add(static_cast<std::int64_t>(i), d, d * d);
        }
        s1buf[i - b0] = sums.s1;
        s2buf[i - b0] = sums.s2;
    };
    for (std::size_t b0 = 0; b0 < n; b0 += kBlock) {
        const std::size_t b1 = std::min(n, b0 + kBlock);
        std::size_t i = b0;
        for (; i < b1 && (i < p || (i & 1) != 0); ++i) one(i, b0);
        // Pairs (i even, past the warm-up): Sums::add() of both bars, with the two bars' terms
        // computed as the lanes of a vector, then the sum and the sum of squares as the lanes of
        // another (the same operations as the scalar code, lane by lane).
        const bool recompute = b1 - b0 == kBlock && b1 >= p;
        // After the block's last bar the sums are recomputed exactly around it, and that bar's
        // value already uses them (as Bollinger::step() then value()).
        const std::size_t to = recompute ? b1 - 1 : b1;
        const std::size_t pairsFrom = i;
        double fusedBase1 = sums.base1, fusedBase2 = sums.base2;
#if KAIROS_INDICATORS_AVX
        // With AVX, most of the block goes through the fused loop (sums and bands in one pass).
        if (kHaveAvx && i < to)
            i = fusedAvx(in.data(), p, i, to, ref, inv, k, fusedBase1, fusedBase2, lower.data(), middle.data(), upper.data());
#endif
        const std::size_t fusedEnd = i;
        using simd::v2;
        const v2 vref = simd::splat(ref);
        v2 base{fusedBase1, fusedBase2};
        for (; i + 2 <= b1; i += 2) {
            v2 xin, xout;
            __builtin_memcpy(&xin, &in[i], sizeof xin);
            __builtin_memcpy(&xout, &in[i - p], sizeof xout);
            const v2 d = xin - vref, o = xout - vref;
            const v2 e1 = d - o, e2 = d * d - o * o;             // lanes: bar i, bar i+1
            const v2 first{e1[0], e2[0]}, second{e1[1], e2[1]};  // lanes: sum, sum of squares
            const v2 s = base + first;
            base = base + (first + second);
            s1buf[i - b0] = s[0];
            s2buf[i - b0] = s[1];
            s1buf[i + 1 - b0] = base[0];
            s2buf[i + 1 - b0] = base[1];
        }
        const double base1 = base[0], base2 = base[1];
        if (i > pairsFrom) {
            // The state after the last pair (pending values are not needed after an odd bar).
            sums.s1 = sums.base1 = base1;
            sums.s2 = sums.base2 = base2;
        }
        for (; i < b1; ++i) one(i, b0);
        const std::size_t from = std::max(b0, p - 1);
        // The bands of the bars the fused loop did not do.
        if (from < std::min(pairsFrom, to))
            bands(s1buf, s2buf, b0, from, std::min(pairsFrom, to), ref, inv, k, lower.data(), middle.data(), upper.data());
        if (std::max(from, fusedEnd) < to)
            bands(s1buf, s2buf, b0, std::max(from, fusedEnd), to, ref, inv, k, lower.data(), middle.data(), upper.data());
        for (std::size_t j = b0; j < std::min(b1, from); ++j) lower[j] = middle[j] = upper[j] = kNaN;
        if (recompute) {
            ref = in[b1 - 1];
            double s1 = 0, s2 = 0;
            for (std::size_t j = b1 - p; j < b1; ++j) {
                const double d = in[j] - ref;
                s1 += d;
                s2 += d * d;
            }
            sums.reset(s1, s2);
            bandsAt(s1, s2, ref, inv, k, &lower[b1 - 1], &middle[b1 - 1], &upper[b1 - 1]);
        }
    }
}

namespace {
template <class Indicator>
void run1(Indicator ind, std::span<const double> in, std::span<double> out) {
    assert(out.size() >= in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        ind.step(in[i]);
        out[i] = ind.value();
    }
}
}  // namespace

void wma(std::span<const double> in, int period, std::span<double> out) { run1(Wma(period), in, out); }
void dema(std::span<const double> in, int period, std::span<double> out, Seed seed) { run1(MultiEma(period, 2, seed), in, out); }
void tema(std::span<const double> in, int period, std::span<double> out, Seed seed) { run1(MultiEma(period, 3, seed), in, out); }
void roc(std::span<const double> in, int period, std::span<double> out, RocUnit unit) {
    run1(Change(period, Change::Kind::Roc, unit), in, out);
}
void momentum(std::span<const double> in, int period, std::span<double> out) {
    run1(Change(period, Change::Kind::Momentum), in, out);
}
void stddev(std::span<const double> in, int period, std::span<double> out) { run1(StdDev(period), in, out); }
void obv(std::span<const double> close, std::span<const double> volume, std::span<double> out) {
    Obv o;
    for (std::size_t i = 0; i < close.size(); ++i) {
        o.step(close[i], volume[i]);
        out[i] = o.value();
    }
}

void hma(std::span<const double> in, int period, std::span<double> out) { run1(Hma(period), in, out); }
void linreg(std::span<const double> in, int period, std::span<double> out) { run1(LinReg(period), in, out); }
void vwma(std::span<const double> close, std::span<const double> volume, int period, std::span<double> out) {
    Vwma v(period);
    for (std::size_t i = 0; i < close.size(); ++i) {
        v.step(close[i], volume[i]);
        out[i] = v.value();
    }
}
void mfi(std::span<const double> high, std::span<const double> low, std::span<const double> close, std::span<const double> volume,
         int period, std::span<double> out) {
    Mfi m(period);
    for (std::size_t i = 0; i < close.size(); ++i) {
        m.step(high[i], low[i], close[i], volume[i]);
        out[i] = m.value();
    }
}

void directionalMovement(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
                         std::span<double> plusDi, std::span<double> minusDi, std::span<double> dx, std::span<double> adx,
                         DmVariant variant) {
    DirectionalMovement d(period, variant);
    for (std::size_t i = 0; i < high.size(); ++i) {
        d.step(high[i], low[i], close[i]);
        const DmValue v = d.value();
        if (!plusDi.empty()) plusDi[i] = v.plusDi;
        if (!minusDi.empty()) minusDi[i] = v.minusDi;
        if (!dx.empty()) dx[i] = v.dx;
        if (!adx.empty()) adx[i] = v.adx;
    }
}

void keltner(std::span<const double> high, std::span<const double> low, std::span<const double> close, int emaPeriod,
             int atrPeriod, double multiplier, std::span<double> lower, std::span<double> middle, std::span<double> upper) {
    Keltner k(emaPeriod, atrPeriod, multiplier);
    for (std::size_t i = 0; i < close.size(); ++i) {
        k.step(high[i], low[i], close[i]);
        const BandsValue v = k.value();
        lower[i] = v.lower;
        middle[i] = v.middle;
        upper[i] = v.upper;
    }
}

void cmf(std::span<const double> high, std::span<const double> low, std::span<const double> close, std::span<const double> volume,
         int period, std::span<double> out) {
    Cmf c(period);
    for (std::size_t i = 0; i < close.size(); ++i) {
        c.step(high[i], low[i], close[i], volume[i]);
        out[i] = c.value();
    }
}

void vwap(std::span<const std::int64_t> timeMs, std::span<const double> high, std::span<const double> low,
          std::span<const double> close, std::span<const double> volume, std::span<double> out, std::int64_t sessionMs) {
    Vwap v(sessionMs);
    for (std::size_t i = 0; i < close.size(); ++i) {
        v.step(timeMs[i], high[i], low[i], close[i], volume[i]);
        out[i] = v.value();
    }
}

void heikinAshi(std::span<const double> open, std::span<const double> high, std::span<const double> low,
                std::span<const double> close, std::span<double> haOpen, std::span<double> haHigh, std::span<double> haLow,
                std::span<double> haClose) {
    HeikinAshi h;
    for (std::size_t i = 0; i < close.size(); ++i) {
        h.step(open[i], high[i], low[i], close[i]);
        const CandleValue v = h.value();
        haOpen[i] = v.open;
        haHigh[i] = v.high;
        haLow[i] = v.low;
        haClose[i] = v.close;
    }
}

void pivots(std::span<const std::int64_t> timeMs, std::span<const double> high, std::span<const double> low,
            std::span<const double> close, PivotKind kind, std::span<double> out[7], std::int64_t sessionMs) {
    Pivots p(kind, sessionMs);
    for (std::size_t i = 0; i < close.size(); ++i) {
        p.step(timeMs[i], high[i], low[i], close[i]);
        const PivotValue v = p.value();
        const double vals[7] = {v.pivot, v.r1, v.r2, v.r3, v.s1, v.s2, v.s3};
        for (int k = 0; k < 7; ++k) out[k][i] = vals[k];
    }
}

void superTrend(std::span<const double> high, std::span<const double> low, std::span<const double> close, int atrPeriod,
                double multiplier, std::span<double> line, std::span<double> direction) {
    SuperTrend st(atrPeriod, multiplier);
    for (std::size_t i = 0; i < close.size(); ++i) {
        st.step(high[i], low[i], close[i]);
        line[i] = st.value().line;
        direction[i] = st.value().direction;
    }
}

void ichimoku(std::span<const double> high, std::span<const double> low, std::span<const double> close, int tenkan, int kijun,
              int senkouB, int displacement, std::span<double> tenkanOut, std::span<double> kijunOut,
              std::span<double> senkouAOut, std::span<double> senkouBOut, std::span<double> chikouOut) {
    Ichimoku ich(tenkan, kijun, senkouB, displacement);
    const auto d = static_cast<std::size_t>(displacement);
    for (std::size_t i = 0; i < close.size(); ++i) {
        ich.step(high[i], low[i], close[i]);
        const IchimokuValue v = ich.value();
        tenkanOut[i] = v.tenkan;
        kijunOut[i] = v.kijun;
        senkouAOut[i] = v.senkouA;
        senkouBOut[i] = v.senkouB;
        chikouOut[i] = kNaN;
        if (i >= d) chikouOut[i - d] = ich.chikou();
    }
}

void psar(std::span<const double> high, std::span<const double> low, double step, double maximum, std::span<double> out) {
    Psar p(step, maximum);
    for (std::size_t i = 0; i < high.size(); ++i) {
        p.step(high[i], low[i]);
        out[i] = p.value();
    }
}

void cci(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
         std::span<double> out) {
    Cci c(period);
    for (std::size_t i = 0; i < close.size(); ++i) {
        c.step(high[i], low[i], close[i]);
        out[i] = c.value();
    }
}

void stochRsi(std::span<const double> in, int period, std::span<double> out) { run1(StochRsi(period), in, out); }

void stochastic(std::span<const double> high, std::span<const double> low, std::span<const double> close, int kPeriod,
                int slowing, int dPeriod, std::span<double> k, std::span<double> d) {
    Stochastic s(kPeriod, slowing, dPeriod);
    for (std::size_t i = 0; i < close.size(); ++i) {
        s.step(high[i], low[i], close[i]);
        const StochValue v = s.value();
        k[i] = v.k;
        d[i] = v.d;
    }
}

void williamsR(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
               std::span<double> out) {
    WilliamsR w(period);
    for (std::size_t i = 0; i < close.size(); ++i) {
        w.step(high[i], low[i], close[i]);
        out[i] = w.value();
    }
}

void aroon(std::span<const double> high, std::span<const double> low, int period, std::span<double> down, std::span<double> up) {
    Aroon a(period);
    for (std::size_t i = 0; i < high.size(); ++i) {
        a.step(high[i], low[i]);
        const AroonValue v = a.value();
        down[i] = v.down;
        up[i] = v.up;
    }
}

void donchian(std::span<const double> high, std::span<const double> low, int period, std::span<double> lower,
              std::span<double> middle, std::span<double> upper) {
    Donchian dc(period);
    for (std::size_t i = 0; i < high.size(); ++i) {
        dc.step(high[i], low[i]);
        const BandsValue v = dc.value();
        lower[i] = v.lower;
        middle[i] = v.middle;
        upper[i] = v.upper;
    }
}

}  // namespace kairos::indicators
