#pragma once
// Batch indicators over arrays of doubles. Each output array has the input's length, NaN before
// the first defined value (see indicators.h for conventions and warm-ups). The results are
// bitwise identical to the streaming classes' values fed the same inputs one by one.

#include "indicators/indicators.h"

#include <span>

namespace kairos::indicators {

void sma(std::span<const double> in, int period, std::span<double> out);
void ema(std::span<const double> in, int period, std::span<double> out, Seed seed = Seed::Sma);
void rsi(std::span<const double> in, int period, std::span<double> out);
void trueRange(std::span<const double> high, std::span<const double> low, std::span<const double> close, std::span<double> out);
void atr(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
         std::span<double> out, AtrSeed seed = AtrSeed::SkipFirstBar);
void macd(std::span<const double> in, int fast, int slow, int signal, std::span<double> line, std::span<double> signalOut,
          std::span<double> histogram, MacdVariant variant = MacdVariant::Standard);
void bollinger(std::span<const double> in, int period, double k, std::span<double> lower, std::span<double> middle,
               std::span<double> upper);

void wma(std::span<const double> in, int period, std::span<double> out);
void dema(std::span<const double> in, int period, std::span<double> out, Seed seed = Seed::Sma);
void tema(std::span<const double> in, int period, std::span<double> out, Seed seed = Seed::Sma);
void roc(std::span<const double> in, int period, std::span<double> out, RocUnit unit = RocUnit::Percent);
void momentum(std::span<const double> in, int period, std::span<double> out);
void stddev(std::span<const double> in, int period, std::span<double> out);
void obv(std::span<const double> close, std::span<const double> volume, std::span<double> out);

void hma(std::span<const double> in, int period, std::span<double> out);
void vwma(std::span<const double> close, std::span<const double> volume, int period, std::span<double> out);
void mfi(std::span<const double> high, std::span<const double> low, std::span<const double> close, std::span<const double> volume,
         int period, std::span<double> out);
void linreg(std::span<const double> in, int period, std::span<double> out);
/// +DI, -DI, DX and ADX (any output span may be empty to skip it).
void directionalMovement(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
                         std::span<double> plusDi, std::span<double> minusDi, std::span<double> dx, std::span<double> adx,
                         DmVariant variant = DmVariant::Standard);
void keltner(std::span<const double> high, std::span<const double> low, std::span<const double> close, int emaPeriod,
             int atrPeriod, double multiplier, std::span<double> lower, std::span<double> middle, std::span<double> upper);
void cmf(std::span<const double> high, std::span<const double> low, std::span<const double> close, std::span<const double> volume,
         int period, std::span<double> out);
void vwap(std::span<const std::int64_t> timeMs, std::span<const double> high, std::span<const double> low,
          std::span<const double> close, std::span<const double> volume, std::span<double> out,
          std::int64_t sessionMs = 86400000);
void heikinAshi(std::span<const double> open, std::span<const double> high, std::span<const double> low,
                std::span<const double> close, std::span<double> haOpen, std::span<double> haHigh, std::span<double> haLow,
                std::span<double> haClose);
/// Seven outputs: pivot, r1, r2, r3, s1, s2, s3.
void pivots(std::span<const std::int64_t> timeMs, std::span<const double> high, std::span<const double> low,
            std::span<const double> close, PivotKind kind, std::span<double> out[7], std::int64_t sessionMs = 86400000);
void superTrend(std::span<const double> high, std::span<const double> low, std::span<const double> close, int atrPeriod,
                double multiplier, std::span<double> line, std::span<double> direction);
/// Outputs aligned to the bars they are plotted at: senkou spans computed `displacement` bars
/// earlier; chikou[i] = close[i + displacement] (NaN for the last `displacement` bars).
void ichimoku(std::span<const double> high, std::span<const double> low, std::span<const double> close, int tenkan, int kijun,
              int senkouB, int displacement, std::span<double> tenkanOut, std::span<double> kijunOut,
              std::span<double> senkouAOut, std::span<double> senkouBOut, std::span<double> chikouOut);
void psar(std::span<const double> high, std::span<const double> low, double step, double maximum, std::span<double> out);
void cci(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
         std::span<double> out);
void stochRsi(std::span<const double> in, int period, std::span<double> out);
void stochastic(std::span<const double> high, std::span<const double> low, std::span<const double> close, int kPeriod,
                int slowing, int dPeriod, std::span<double> k, std::span<double> d);
void williamsR(std::span<const double> high, std::span<const double> low, std::span<const double> close, int period,
               std::span<double> out);
void aroon(std::span<const double> high, std::span<const double> low, int period, std::span<double> down, std::span<double> up);
void donchian(std::span<const double> high, std::span<const double> low, int period, std::span<double> lower,
              std::span<double> middle, std::span<double> upper);

}  // namespace kairos::indicators
