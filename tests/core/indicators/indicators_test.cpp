// Streaming == batch (bitwise) on real data, forming-bar revisions, conventions and warm-ups,
// drift-free long windows, flat windows.
#include "indicators/batch.h"
#include "indicators/columns.h"
#include "indicators/indicators.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace kairos;
using namespace kairos::indicators;

namespace {
Columns real(const char* file) {
    auto r = marketdata::readBarsCsv(test::realData(file));
    EXPECT_TRUE(r.ok()) << r.message();
    return toColumns(r->bars);
}
Columns btc1h() { return real("candles/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"); }

// Bitwise equality that treats NaN == NaN.
bool same(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0  // NOLINT(bugprone-suspicious-memory-comparison): bitwise is the point
        || (std::isnan(a) && std::isnan(b));
}

std::size_t firstDefined(const std::vector<double>& v) {
    std::size_t i = 0;
    while (i < v.size() && std::isnan(v[i])) ++i;
    return i;
}
}  // namespace

TEST(Indicators, StreamingEqualsBatchBitwiseOnRealData) {
    // 43,803 real BTCUSDT hours (includes the zero-volume flat bars and outage gaps).
    const Columns c = btc1h();
    const std::size_t n = c.size();
    ASSERT_GT(n, 40000u);
    std::vector<double> b1(n), b2(n), b3(n);

    sma(c.close, 30, b1);
    Sma s(30);
    for (std::size_t i = 0; i < n; ++i) {
        s.push(c.close[i]);
        ASSERT_TRUE(same(s.value(), b1[i])) << "sma " << i;
    }
    for (Seed seed : {Seed::Sma, Seed::FirstValue}) {
        ema(c.close, 30, b1, seed);
        Ema e(30, seed);
        for (std::size_t i = 0; i < n; ++i) {
            e.push(c.close[i]);
            ASSERT_TRUE(same(e.value(), b1[i])) << "ema " << i;
        }
    }
    rsi(c.close, 14, b1);
    Rsi r(14);
    for (std::size_t i = 0; i < n; ++i) {
        r.push(c.close[i]);
        ASSERT_TRUE(same(r.value(), b1[i])) << "rsi " << i;
    }
    for (AtrSeed seed : {AtrSeed::SkipFirstBar, AtrSeed::IncludeFirstBar}) {
        atr(c.high, c.low, c.close, 14, b1, seed);
        Atr a(14, seed);
        for (std::size_t i = 0; i < n; ++i) {
            a.push(c.high[i], c.low[i], c.close[i]);
            ASSERT_TRUE(same(a.value(), b1[i])) << "atr " << i;
        }
    }
    for (MacdVariant v : {MacdVariant::Standard, MacdVariant::Tulip}) {
        macd(c.close, 12, 26, 9, b1, b2, b3, v);
        Macd m(12, 26, 9, v);
        for (std::size_t i = 0; i < n; ++i) {
            m.push(c.close[i]);
            const MacdValue x = m.value();
            ASSERT_TRUE(same(x.line, b1[i]) && same(x.signal, b2[i]) && same(x.histogram, b3[i])) << "macd " << i;
        }
    }
    bollinger(c.close, 20, 2.0, b1, b2, b3);
    Bollinger bb(20, 2.0);
    for (std::size_t i = 0; i < n; ++i) {
        bb.push(c.close[i]);
        const BandsValue x = bb.value();
        ASSERT_TRUE(same(x.lower, b1[i]) && same(x.middle, b2[i]) && same(x.upper, b3[i])) << "bbands " << i;
    }
}

TEST(Indicators, LongSeriesBatchPathsEqualStreamingBitwise) {
    // The batch loops that matter for throughput (four bars per iteration, two-lane vectors, and
    // non-temporal stores for outputs of 2^18 values or more) against the streaming classes, on
    // real closes tiled past that size to an odd length, with parameters whose EMAs start their
    // anchor chains at different offsets, and with an output starting at an odd index.
    const Columns c = btc1h();
    const std::size_t n = simd::kStreamingStoreMin + 1001;
    std::vector<double> in(n), hi(n), lo(n);
    for (std::size_t i = 0; i < n; ++i) {
        in[i] = c.close[i % c.size()];
        hi[i] = c.high[i % c.size()];
        lo[i] = c.low[i % c.size()];
    }
    std::vector<double> b1(n + 1), b2(n), b3(n);
    for (int period : {14, 30}) {
        ema(in, period, b1);
        Ema e(period);
        for (std::size_t i = 0; i < n; ++i) {
            e.push(in[i]);
            ASSERT_TRUE(same(e.value(), b1[i])) << "ema " << i;
        }
        rsi(in, period, b1);
        Rsi r(period);
        for (std::size_t i = 0; i < n; ++i) {
            r.push(in[i]);
            ASSERT_TRUE(same(r.value(), b1[i])) << "rsi " << i;
        }
        atr(hi, lo, in, period, b1);
        Atr a(period);
        for (std::size_t i = 0; i < n; ++i) {
            a.push(hi[i], lo[i], in[i]);
            ASSERT_TRUE(same(a.value(), b1[i])) << "atr " << i;
        }
        // A missing (NaN) close: the next bar's true range is high - low, in both paths.
        std::vector<double> holed = in;
        holed[100'001] = kNaN;
        atr(hi, lo, holed, period, b1);
        Atr ah(period);
        for (std::size_t i = 0; i < n; ++i) {
            ah.push(hi[i], lo[i], holed[i]);
            ASSERT_TRUE(same(ah.value(), b1[i])) << "atr with a NaN close " << i;
        }
        ASSERT_FALSE(std::isnan(b1[n - 1]));
        // An output not 16-byte aligned takes the plain-store path.
        rsi(in, period, std::span<double>(b1).subspan(1));
        Rsi r2(period);
        for (std::size_t i = 0; i < n; ++i) {
            r2.push(in[i]);
            ASSERT_TRUE(same(r2.value(), b1[i + 1])) << "rsi unaligned " << i;
        }
    }
    struct P {
        int fast, slow, signal;
        MacdVariant v;
    };
    for (P p : {P{12, 26, 9, MacdVariant::Standard}, P{12, 26, 9, MacdVariant::Tulip}, P{5, 35, 5, MacdVariant::Standard},
                P{3, 10, 16, MacdVariant::Standard}, P{8, 17, 4, MacdVariant::Tulip}}) {
        macd(in, p.fast, p.slow, p.signal, b1, b2, b3, p.v);
        Macd m(p.fast, p.slow, p.signal, p.v);
        for (std::size_t i = 0; i < n; ++i) {
            m.push(in[i]);
            const MacdValue x = m.value();
            ASSERT_TRUE(same(x.line, b1[i]) && same(x.signal, b2[i]) && same(x.histogram, b3[i]))
                << "macd " << p.fast << "/" << p.slow << "/" << p.signal << " at " << i;
        }
    }
    for (int period : {20, 5, 1, 1024, 1500}) {
        bollinger(in, period, 2.0, b1, b2, b3);
        Bollinger bb(period, 2.0);
        for (std::size_t i = 0; i < n; ++i) {
            bb.push(in[i]);
            const BandsValue x = bb.value();
            ASSERT_TRUE(same(x.lower, b1[i]) && same(x.middle, b2[i]) && same(x.upper, b3[i]))
                << "bbands " << period << " at " << i;
        }
    }
}

TEST(Indicators, MoreIndicatorsStreamingEqualsBatchWithRevisions) {
    // Real BTCUSDT hours; each bar is first seen at its open and revised to its close.
    const Columns c = btc1h();
    const std::size_t n = 20000;
    std::span<const double> close(c.close.data(), n), open(c.open.data(), n), vol(c.volume.data(), n);
    std::vector<double> ref(n);
    auto check = [&](auto ind, auto batchFn, const char* name) {
        batchFn(ref);
        for (std::size_t i = 0; i < n; ++i) {
            ind.push(open[i]);
            ind.updateLast(close[i]);
            ASSERT_TRUE(same(ind.value(), ref[i])) << name << " " << i;
        }
    };
    check(
        Wma(20), [&](std::span<double> o) { wma(close, 20, o); }, "wma");
    check(
        MultiEma(10, 2), [&](std::span<double> o) { dema(close, 10, o); }, "dema");
    check(
        MultiEma(10, 3), [&](std::span<double> o) { tema(close, 10, o); }, "tema");
    check(
        MultiEma(10, 3, Seed::FirstValue), [&](std::span<double> o) { tema(close, 10, o, Seed::FirstValue); }, "tema tulip");
    check(
        Change(12, Change::Kind::Roc), [&](std::span<double> o) { roc(close, 12, o); }, "roc");
    check(
        Change(10, Change::Kind::Momentum), [&](std::span<double> o) { momentum(close, 10, o); }, "mom");
    check(
        StdDev(20), [&](std::span<double> o) { stddev(close, 20, o); }, "stddev");
    check(
        Hma(16), [&](std::span<double> o) { hma(close, 16, o); }, "hma");
    check(
        LinReg(14), [&](std::span<double> o) { linreg(close, 14, o); }, "linreg");
    {
        std::span<const double> hi(c.high.data(), n), lo(c.low.data(), n);
        vwma(close, vol, 20, ref);
        Vwma vw(20);
        for (std::size_t i = 0; i < n; ++i) {
            vw.push(open[i], vol[i] / 2);
            vw.updateLast(close[i], vol[i]);
            ASSERT_TRUE(same(vw.value(), ref[i])) << "vwma " << i;
        }
        mfi(hi, lo, close, vol, 14, ref);
        Mfi mf(14);
        for (std::size_t i = 0; i < n; ++i) {
            mf.push(open[i], open[i], open[i], 0);
            mf.updateLast(hi[i], lo[i], close[i], vol[i]);
            ASSERT_TRUE(same(mf.value(), ref[i])) << "mfi " << i;
        }
        EXPECT_EQ(firstDefined(ref), 14u);
    }
    obv(close, vol, ref);
    Obv o;
    for (std::size_t i = 0; i < n; ++i) {
        o.push(open[i], 0);
        o.updateLast(close[i], vol[i]);
        ASSERT_TRUE(same(o.value(), ref[i])) << "obv " << i;
    }
    // Warm-ups
    wma(close, 20, ref);
    EXPECT_EQ(firstDefined(ref), 19u);
    dema(close, 10, ref);
    EXPECT_EQ(firstDefined(ref), 18u);
    tema(close, 10, ref);
    EXPECT_EQ(firstDefined(ref), 27u);
    roc(close, 12, ref);
    EXPECT_EQ(firstDefined(ref), 12u);
    EXPECT_DOUBLE_EQ(ref[12], (close[12] - close[0]) / close[0] * 100);
}

TEST(Indicators, RollingExtremesStreamingEqualsBatchWithRevisions) {
    // Real BTCUSDT hours; each bar is first seen as a flat bar at its open, then revised.
    const Columns c = btc1h();
    const std::size_t n = 20000;
    std::span<const double> h(c.high.data(), n), l(c.low.data(), n), cl(c.close.data(), n);
    std::vector<double> a(n), b(n), m(n);
    stochastic(h, l, cl, 14, 3, 3, a, b);
    Stochastic st(14, 3, 3);
    for (std::size_t i = 0; i < n; ++i) {
        st.push(c.open[i], c.open[i], c.open[i]);
        st.updateLast(h[i], l[i], cl[i]);
        ASSERT_TRUE(same(st.value().k, a[i]) && same(st.value().d, b[i])) << "stoch " << i;
    }
    EXPECT_EQ(firstDefined(a), 15u);  // %K from K+slowing-2
    EXPECT_EQ(firstDefined(b), 17u);  // %D from K+slowing+D-3
    williamsR(h, l, cl, 14, a);
    WilliamsR w(14);
    for (std::size_t i = 0; i < n; ++i) {
        w.push(c.open[i], c.open[i], c.open[i]);
        w.updateLast(h[i], l[i], cl[i]);
        ASSERT_TRUE(same(w.value(), a[i])) << "willr " << i;
    }
    aroon(h, l, 25, a, b);
    Aroon ar(25);
    for (std::size_t i = 0; i < n; ++i) {
        ar.push(c.open[i], c.open[i]);
        ar.updateLast(h[i], l[i]);
        ASSERT_TRUE(same(ar.value().down, a[i]) && same(ar.value().up, b[i])) << "aroon " << i;
    }
    {
        std::vector<double> pdi(n), mdi(n), dx(n), adx(n);
        directionalMovement(h, l, cl, 14, pdi, mdi, dx, adx);
        DirectionalMovement dm(14);
        for (std::size_t i = 0; i < n; ++i) {
            dm.push(c.open[i], c.open[i], c.open[i]);
            dm.updateLast(h[i], l[i], cl[i]);
            const DmValue v = dm.value();
            ASSERT_TRUE(same(v.plusDi, pdi[i]) && same(v.minusDi, mdi[i]) && same(v.dx, dx[i]) && same(v.adx, adx[i]))
                << "dm " << i;
        }
        EXPECT_EQ(firstDefined(pdi), 14u);  // TA-Lib: DI and DX from index N
        EXPECT_EQ(firstDefined(adx), 27u);  // ADX from 2N-1
        for (std::size_t i = 27; i < n; i += 1009) {
            EXPECT_GE(adx[i], 0.0);
            EXPECT_LE(adx[i], 100.0);
        }
    }
    psar(h, l, 0.02, 0.2, a);
    Psar ps;
    for (std::size_t i = 0; i < n; ++i) {
        ps.push(c.open[i], c.open[i]);
        ps.updateLast(h[i], l[i]);
        ASSERT_TRUE(same(ps.value(), a[i])) << "psar " << i;
        // The SAR is below the bar in an uptrend and above it in a downtrend.
        if (i > 0) {
            ASSERT_TRUE(ps.isLong() ? a[i] <= l[i] : a[i] >= h[i]) << "psar side " << i;
        }
    }
    cci(h, l, cl, 20, a);
    Cci cc(20);
    for (std::size_t i = 0; i < n; ++i) {
        cc.push(c.open[i], c.open[i], c.open[i]);
        cc.updateLast(h[i], l[i], cl[i]);
        ASSERT_TRUE(same(cc.value(), a[i])) << "cci " << i;
    }
    EXPECT_EQ(firstDefined(a), 19u);
    stochRsi(cl, 14, a);
    StochRsi sr(14);
    for (std::size_t i = 0; i < n; ++i) {
        sr.push(c.open[i]);
        sr.updateLast(cl[i]);
        ASSERT_TRUE(same(sr.value(), a[i])) << "stochrsi " << i;
    }
    EXPECT_EQ(firstDefined(a), 27u);
    donchian(h, l, 20, a, m, b);
    Donchian dc(20);
    for (std::size_t i = 0; i < n; ++i) {
        dc.push(c.open[i], c.open[i]);
        dc.updateLast(h[i], l[i]);
        ASSERT_TRUE(same(dc.value().lower, a[i]) && same(dc.value().upper, b[i])) << "donchian " << i;
    }
    // Donchian's bands are the window's true extremes (checked by brute force).
    for (std::size_t i = 19; i < n; i += 997) {
        double hi = h[i], lo = l[i];
        for (std::size_t k = i - 19; k <= i; ++k) {
            hi = std::max(hi, h[k]);
            lo = std::min(lo, l[k]);
        }
        EXPECT_EQ(b[i], hi);
        EXPECT_EQ(a[i], lo);
    }
}

TEST(Indicators, ChannelsSessionsAndCandlesMatchTheirDefinitions) {
    // Real BTCUSDT hours; each check recomputes the textbook definition by brute force.
    const Columns c = btc1h();
    const std::size_t n = 5000;
    std::span<const double> o(c.open.data(), n), h(c.high.data(), n), l(c.low.data(), n), cl(c.close.data(), n),
        v(c.volume.data(), n);
    std::span<const std::int64_t> t(c.timeMs.data(), n);
    std::vector<double> a(n), b(n), m(n), d(n);
    // Keltner = EMA(20) +/- 2 ATR(10), and streaming with revisions equals batch
    keltner(h, l, cl, 20, 10, 2.0, a, m, b);
    std::vector<double> e(n), at(n);
    ema(cl, 20, e);
    atr(h, l, cl, 10, at);
    EXPECT_EQ(firstDefined(m), 19u);
    for (std::size_t i = 19; i < n; i += 97) {
        EXPECT_EQ(m[i], e[i]);
        EXPECT_EQ(b[i], e[i] + 2.0 * at[i]);
    }
    Keltner kc;
    for (std::size_t i = 0; i < n; ++i) {
        kc.push(o[i], o[i], o[i]);
        kc.updateLast(h[i], l[i], cl[i]);
        ASSERT_TRUE(same(kc.value().upper, b[i]) && same(kc.value().lower, a[i])) << "keltner " << i;
    }
    // Chaikin money flow over 20 bars
    cmf(h, l, cl, v, 20, a);
    for (std::size_t i = 19; i < n; i += 101) {
        double mfv = 0, vol = 0;
        for (std::size_t k = i - 19; k <= i; ++k) {
            const double r = h[k] - l[k];
            mfv += r > 0 ? ((cl[k] - l[k]) - (h[k] - cl[k])) / r * v[k] : 0.0;
            vol += v[k];
        }
        EXPECT_NEAR(a[i], mfv / vol, 1e-9);
    }
    Cmf cf(20);
    for (std::size_t i = 0; i < n; ++i) {
        cf.push(o[i], o[i], o[i], v[i] / 3);
        cf.updateLast(h[i], l[i], cl[i], v[i]);
        ASSERT_TRUE(same(cf.value(), a[i])) << "cmf " << i;
    }
    // VWAP anchored to the UTC day
    vwap(t, h, l, cl, v, a);
    for (std::size_t i = 0; i < n; i += 53) {
        const std::int64_t day = t[i] / 86400000;
        double pv = 0, vol = 0;
        for (std::size_t k = 0; k <= i; ++k)
            if (t[k] / 86400000 == day) {
                pv += (h[k] + l[k] + cl[k]) / 3.0 * v[k];
                vol += v[k];
            }
        EXPECT_NEAR(a[i], vol > 0 ? pv / vol : (h[i] + l[i] + cl[i]) / 3.0, 1e-9 * a[i]) << i;
    }
    Vwap vw;
    for (std::size_t i = 0; i < n; ++i) {
        vw.push(t[i], o[i], o[i], o[i], 0);
        vw.updateLast(t[i], h[i], l[i], cl[i], v[i]);
        ASSERT_TRUE(same(vw.value(), a[i])) << "vwap " << i;
    }
    // Heikin-Ashi
    heikinAshi(o, h, l, cl, a, b, m, d);
    double haO = (o[0] + cl[0]) / 2, haC = (o[0] + h[0] + l[0] + cl[0]) / 4;
    EXPECT_EQ(a[0], haO);
    for (std::size_t i = 1; i < n; ++i) {
        const double nextO = (haO + haC) / 2;
        haC = (o[i] + h[i] + l[i] + cl[i]) / 4;
        haO = nextO;
        ASSERT_EQ(a[i], haO) << i;
        ASSERT_EQ(d[i], haC) << i;
        ASSERT_EQ(b[i], std::max({h[i], haO, haC})) << i;
        ASSERT_EQ(m[i], std::min({l[i], haO, haC})) << i;
    }
    // Classic pivots: levels from the previous UTC day's high, low, close
    std::vector<std::vector<double>> pv(7, std::vector<double>(n));
    std::span<double> outs[7] = {pv[0], pv[1], pv[2], pv[3], pv[4], pv[5], pv[6]};
    pivots(t, h, l, cl, PivotKind::Classic, outs);
    for (std::size_t i = 0; i < n; i += 61) {
        const std::int64_t day = t[i] / 86400000;
        double H = -1, L = 1e300, C = 0;
        bool any = false;
        for (std::size_t k = 0; k < i; ++k)
            if (t[k] / 86400000 == day - 1) {
                H = std::max(H, h[k]);
                L = std::min(L, l[k]);
                C = cl[k];
                any = true;
            }
        if (!any || t[0] / 86400000 == day) continue;  // no complete previous day (or a missing one)
        const double P = (H + L + C) / 3;
        EXPECT_DOUBLE_EQ(pv[0][i], P) << i;
        EXPECT_DOUBLE_EQ(pv[1][i], 2 * P - L) << i;
        EXPECT_DOUBLE_EQ(pv[4][i], 2 * P - H) << i;
        EXPECT_DOUBLE_EQ(pv[2][i], P + (H - L)) << i;
    }
}

TEST(Indicators, IchimokuAndSuperTrendOnRealBars) {
    const Columns c = btc1h();
    const std::size_t n = 5000;
    std::span<const double> o(c.open.data(), n), h(c.high.data(), n), l(c.low.data(), n), cl(c.close.data(), n);
    std::vector<double> tk(n), kj(n), sa(n), sb(n), ch(n);
    ichimoku(h, l, cl, 9, 26, 52, 26, tk, kj, sa, sb, ch);
    auto midpoint = [&](std::size_t end, std::size_t len) {
        double hi = h[end], lo = l[end];
        for (std::size_t k = end + 1 - len; k <= end; ++k) {
            hi = std::max(hi, h[k]);
            lo = std::min(lo, l[k]);
        }
        return (hi + lo) / 2;
    };
    EXPECT_EQ(firstDefined(tk), 8u);
    EXPECT_EQ(firstDefined(kj), 25u);
    EXPECT_EQ(firstDefined(sa), 25u + 26u);
    EXPECT_EQ(firstDefined(sb), 51u + 26u);
    for (std::size_t i = 100; i < n - 26; i += 89) {
        EXPECT_EQ(tk[i], midpoint(i, 9));
        EXPECT_EQ(kj[i], midpoint(i, 26));
        EXPECT_EQ(sa[i], (midpoint(i - 26, 9) + midpoint(i - 26, 26)) / 2);
        EXPECT_EQ(sb[i], midpoint(i - 26, 52));
        EXPECT_EQ(ch[i], cl[i + 26]);
    }
    EXPECT_TRUE(std::isnan(ch[n - 1]));
    Ichimoku ich;
    for (std::size_t i = 0; i < n; ++i) {
        ich.push(o[i], o[i], o[i]);
        ich.updateLast(h[i], l[i], cl[i]);
        const IchimokuValue v = ich.value();
        ASSERT_TRUE(same(v.tenkan, tk[i]) && same(v.kijun, kj[i]) && same(v.senkouA, sa[i]) && same(v.senkouB, sb[i])) << i;
        if (i >= 26) {
            ASSERT_EQ(ich.chikou(), ch[i - 26]) << i;
        }
    }
    std::vector<double> line(n), dir(n);
    superTrend(h, l, cl, 10, 3.0, line, dir);
    EXPECT_EQ(firstDefined(line), 10u);
    int flips = 0;
    for (std::size_t i = 10; i < n; ++i) {
        // In an uptrend the line is at or below the close, in a downtrend at or above it.
        ASSERT_TRUE(dir[i] > 0 ? line[i] <= cl[i] : line[i] >= cl[i]) << i;
        if (i > 10 && dir[i] != dir[i - 1]) ++flips;
    }
    EXPECT_GT(flips, 10);  // 5,000 real hours of BTC trend both ways
    SuperTrend st;
    for (std::size_t i = 0; i < n; ++i) {
        st.push(o[i], o[i], o[i]);
        st.updateLast(h[i], l[i], cl[i]);
        ASSERT_TRUE(same(st.value().line, line[i]) && same(st.value().direction, dir[i])) << "supertrend " << i;
    }
}

TEST(Indicators, FormingBarRevisionsEndWhereTheClosedBarWould) {
    // GIVEN real 1m bars whose last bar is revised several times before it closes
    const Columns c = real("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    Sma s(30);
    Rsi r(14);
    Atr a(14);
    Macd m;
    Bollinger b;
    Ema e(9);
    std::vector<double> sRef(c.size()), rRef(c.size()), aRef(c.size()), eRef(c.size());
    sma(c.close, 30, sRef);
    rsi(c.close, 14, rRef);
    atr(c.high, c.low, c.close, 14, aRef);
    ema(c.close, 9, eRef);
    std::vector<double> l(c.size()), sig(c.size()), h(c.size()), lo(c.size()), mid(c.size()), up(c.size());
    macd(c.close, 12, 26, 9, l, sig, h);
    bollinger(c.close, 20, 2.0, lo, mid, up);
    for (std::size_t i = 0; i < 3000; ++i) {
        // The forming bar is first seen at its open, then at its low and high, then closes.
        s.push(c.open[i]);
        r.push(c.open[i]);
        a.push(c.open[i], c.open[i], c.open[i]);
        m.push(c.open[i]);
        b.push(c.open[i]);
        e.push(c.open[i]);
        for (double p : {c.low[i], c.high[i], c.close[i]}) {
            s.updateLast(p);
            r.updateLast(p);
            a.updateLast(c.high[i], std::min(p, c.low[i]), p);
            m.updateLast(p);
            b.updateLast(p);
            e.updateLast(p);
        }
        a.updateLast(c.high[i], c.low[i], c.close[i]);
        // THEN after the last revision every value equals the closed-bar computation, bitwise
        ASSERT_TRUE(same(s.value(), sRef[i])) << i;
        ASSERT_TRUE(same(r.value(), rRef[i])) << i;
        ASSERT_TRUE(same(a.value(), aRef[i])) << i;
        ASSERT_TRUE(same(e.value(), eRef[i])) << i;
        ASSERT_TRUE(same(m.value().line, l[i]) && same(m.value().signal, sig[i])) << i;
        ASSERT_TRUE(same(b.value().upper, up[i]) && same(b.value().lower, lo[i])) << i;
    }
}

TEST(Indicators, ConventionsAndWarmups) {
    const Columns c = btc1h();
    const std::size_t n = 500;
    std::span<const double> close(c.close.data(), n), high(c.high.data(), n), low(c.low.data(), n);
    std::vector<double> o(n), o2(n), o3(n);
    sma(close, 30, o);
    EXPECT_EQ(firstDefined(o), 29u);
    // EMA(30) seeded with the simple mean of the first 30 closes, first value at index 29
    ema(close, 30, o);
    EXPECT_EQ(firstDefined(o), 29u);
    double mean = 0;
    for (int i = 0; i < 30; ++i) mean += close[static_cast<std::size_t>(i)];
    EXPECT_DOUBLE_EQ(o[29], mean / 30);
    EXPECT_NEAR(o[30], (close[30] - o[29]) * (2.0 / 31) + o[29], 1e-12 * o[29]);
    rsi(close, 14, o);
    EXPECT_EQ(firstDefined(o), 14u);  // the first change needs a previous close
    atr(high, low, close, 14, o);
    EXPECT_EQ(firstDefined(o), 14u);
    // ATR seed: mean of true ranges 1..14, each with its previous close
    double tr = 0;
    for (std::size_t i = 1; i <= 14; ++i)
        tr += std::max({high[i] - low[i], std::fabs(high[i] - close[i - 1]), std::fabs(low[i] - close[i - 1])});
    EXPECT_DOUBLE_EQ(o[14], tr / 14);
    macd(close, 12, 26, 9, o, o2, o3);
    EXPECT_EQ(firstDefined(o), 25u);   // line
    EXPECT_EQ(firstDefined(o2), 33u);  // signal
    EXPECT_EQ(firstDefined(o3), 33u);  // histogram
    bollinger(close, 20, 2.0, o, o2, o3);
    EXPECT_EQ(firstDefined(o2), 19u);
    // Population standard deviation of the first 20 closes
    double m = 0, v = 0;
    for (int i = 0; i < 20; ++i) m += close[static_cast<std::size_t>(i)];
    m /= 20;
    for (int i = 0; i < 20; ++i) v += (close[static_cast<std::size_t>(i)] - m) * (close[static_cast<std::size_t>(i)] - m);
    EXPECT_NEAR(o2[19], m, 1e-9);
    EXPECT_NEAR(o3[19] - o2[19], 2 * std::sqrt(v / 20), 1e-6);
    EXPECT_EQ(Sma(30).warmup(), 29);
    EXPECT_EQ(Rsi(14).warmup(), 14);
    EXPECT_EQ(Atr(14).warmup(), 14);
    EXPECT_EQ(Macd().warmup(), 33);
}

TEST(Indicators, MillionBarSmaDoesNotDrift) {
    // 1,000,000 real closes (the BTCUSDT hours tiled): the last SMA(30) equals the exact mean of
    // its window to 1e-12 relative, where a plain running sum has drifted.
    const Columns c = btc1h();
    std::vector<double> in(1'000'000);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = c.close[i % c.size()];
    std::vector<double> out(in.size());
    sma(in, 30, out);
    for (std::size_t end : {std::size_t{999'999}, std::size_t{654'321}}) {
        long double exact = 0;
        for (std::size_t i = end - 29; i <= end; ++i) exact += in[i];
        exact /= 30;
        EXPECT_LE(std::fabs(static_cast<double>(out[end] - exact)) / static_cast<double>(exact), 1e-12) << end;
    }
    // Bollinger's middle band on the same series stays exact too, and its width non-negative.
    std::vector<double> lo(in.size()), mid(in.size()), up(in.size());
    bollinger(in, 20, 2.0, lo, mid, up);
    long double exact = 0;
    for (std::size_t i = in.size() - 20; i < in.size(); ++i) exact += in[i];
    exact /= 20;
    EXPECT_LE(std::fabs(static_cast<double>(mid.back() - exact)) / static_cast<double>(exact), 1e-12);
    for (std::size_t i = 19; i < in.size(); i += 9973) EXPECT_GE(up[i], lo[i]);
}

TEST(Indicators, SyntheticFlatWindowsHaveDefinedValues) {
    // Edge case, synthetic: a flat price (like Binance's zero-volume maintenance bars).
    const std::vector<double> flat(100, 42.5);
    std::vector<double> o(100), o2(100), o3(100);
    rsi(flat, 14, o);
    EXPECT_EQ(o[14], 50.0);
    EXPECT_EQ(o[99], 50.0);
    atr(flat, flat, flat, 14, o);
    EXPECT_EQ(o[99], 0.0);
    bollinger(flat, 20, 2.0, o, o2, o3);
    EXPECT_EQ(o[99], 42.5);
    EXPECT_EQ(o3[99], 42.5);
    std::vector<double> rising(100);
    for (std::size_t i = 0; i < rising.size(); ++i) rising[i] = 100 + static_cast<double>(i);
    rsi(rising, 14, o);
    EXPECT_EQ(o[99], 100.0);  // no losses
}

namespace {
/// CCI by its definition, summed in long double: typical price minus the window mean, over 0.015
/// times the mean absolute deviation from that mean.
double cciByDefinition(const Columns& c, std::size_t end, int period) {
    const std::size_t n = static_cast<std::size_t>(period);
    std::vector<long double> tp(n);
    long double sum = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = end + 1 - n + k;
        tp[k] = (static_cast<long double>(c.high[i]) + c.low[i] + c.close[i]) / 3;
        sum += tp[k];
    }
    const long double mean = sum / period;
    long double dev = 0;
    for (long double v : tp) dev += std::fabs(v - mean);
    dev /= period;
    return dev > 0 ? static_cast<double>((tp.back() - mean) / (0.015L * dev)) : 0.0;
}
}  // namespace

TEST(Indicators, LongCciMatchesItsDefinitionAndStreamsBitwiseWithRevisions) {
    // Periods above Cci::kDirectMaxPeriod take the mean deviation from a sorted window (O(log N)
    // per bar instead of O(N)); on 43,803 real hours it still agrees with the definition and
    // streaming with forming-bar revisions still equals batch bitwise.
    const Columns c = btc1h();
    const std::size_t n = c.size();
    for (int period : {Cci::kDirectMaxPeriod, Cci::kDirectMaxPeriod + 1, 2000}) {
        SCOPED_TRACE(period);
        std::vector<double> a(n);
        cci(c.high, c.low, c.close, period, a);
        EXPECT_EQ(firstDefined(a), static_cast<std::size_t>(period - 1));
        Cci cc(period);
        for (std::size_t i = 0; i < n; ++i) {
            cc.push(c.open[i], c.open[i], c.open[i]);
            cc.updateLast(c.high[i], c.low[i], c.close[i]);
            ASSERT_TRUE(same(cc.value(), a[i])) << "cci " << i;
        }
        for (std::size_t i = static_cast<std::size_t>(period - 1); i < n; i += 97) {
            const double want = cciByDefinition(c, i, period);
            ASSERT_NEAR(a[i], want, 1e-9 * std::max(1.0, std::fabs(want))) << i;
        }
    }
}

TEST(Indicators, SyntheticLongCciOfFlatAndRepeatedPricesIsDefined) {
    // Edge case, synthetic: a flat window gives 0 on the sorted-window path too, and many equal
    // typical prices (ties in the sorted window) come and go correctly.
    const int period = Cci::kDirectMaxPeriod * 2;
    Cci flat(period);
    for (int i = 0; i < 3 * period; ++i) flat.push(42.5, 42.5, 42.5);
    EXPECT_EQ(flat.value(), 0.0);
    Columns c;
    for (int i = 0; i < 4 * period; ++i) {
        const int step = i / period;                             // a step each window
        const double p = 100 + (i % 7 == 0 ? 3.0 : 0.0) + step;  // repeats
        c.high.push_back(p);
        c.low.push_back(p);
        c.close.push_back(p);
    }
    std::vector<double> a(c.close.size());
    cci(c.high, c.low, c.close, period, a);
    for (std::size_t i = static_cast<std::size_t>(period - 1); i < a.size(); i += 13) {
        const double want = cciByDefinition(c, i, period);
        ASSERT_NEAR(a[i], want, 1e-9 * std::max(1.0, std::fabs(want))) << i;
    }
}
