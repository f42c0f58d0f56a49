#include "indicators/batch.h"

#include <cassert>

namespace kairos::indicators {

// Each function runs the streaming class's step() over the array: one code path, so batch and
// streaming cannot disagree. step() is inline and non-virtual; the loops allocate nothing per value.

void sma(std::span<const double> in, int period, std::span<double> out) {
    assert(out.size() >= in.size());
    Sma s(period);
    for (std::size_t i = 0; i < in.size(); ++i) {
        s.step(in[i]);
        out[i] = s.value();
    }
}

void ema(std::span<const double> in, int period, std::span<double> out, Seed seed) {
    assert(out.size() >= in.size());
    Ema e(period, seed);
    for (std::size_t i = 0; i < in.size(); ++i) {
        e.step(in[i]);
        out[i] = e.value();
    }
}

void rsi(std::span<const double> in, int period, std::span<double> out) {
    assert(out.size() >= in.size());
    Rsi r(period);
    for (std::size_t i = 0; i < in.size(); ++i) {
        r.step(in[i]);
        out[i] = r.value();
    }
}

void trueRange(std::span<const double> high, std::span<const double> low, std::span<const double> close,
               std::span<double> out) {
    for (std::size_t i = 0; i < close.size(); ++i) out[i] = trueRange(high[i], low[i], i == 0 ? kNaN : close[i - 1]);
}

void atr(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
         std::span<double> out, AtrSeed seed) {
    Atr a(period, seed);
    for (std::size_t i = 0; i < close.size(); ++i) {
        a.step(high[i], low[i], close[i]);
        out[i] = a.value();
    }
}

void macd(std::span<const double> in, int fast, int slow, int signal, std::span<double> line, std::span<double> signalOut,
          std::span<double> histogram, MacdVariant variant) {
    Macd m(fast, slow, signal, variant);
    for (std::size_t i = 0; i < in.size(); ++i) {
        m.step(in[i]);
        const MacdValue v = m.value();
        line[i] = v.line;
        signalOut[i] = v.signal;
        histogram[i] = v.histogram;
    }
}

void bollinger(std::span<const double> in, int period, double k, std::span<double> lower, std::span<double> middle,
               std::span<double> upper) {
    Bollinger b(period, k);
    for (std::size_t i = 0; i < in.size(); ++i) {
        b.step(in[i]);
        const BandsValue v = b.value();
        lower[i] = v.lower;
        middle[i] = v.middle;
        upper[i] = v.upper;
    }
}

}  // namespace kairos::indicators
