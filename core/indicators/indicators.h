#pragma once
// Streaming indicators: one bar at a time, O(1) per update (CCI's mean deviation: O(N) up to period
// 256, O(log N) beyond; see oscillators.h), no allocation after construction.
//
// Every class has the same shape:
//   push(...)        a new bar;
//   updateLast(...)  revise the last bar (the forming bar), as often as it changes;
//   value()          the current value, NaN until warmup() bars have been pushed beyond the first;
//   warmup()         index (0-based) of the first bar that has a value.
// The batch functions in batch.h run exactly these computations over arrays, so streaming and
// batch results are bitwise identical (tests/core/indicators check it on real data).
//
// This header is the umbrella of the families; each family header states its conventions
// (TA-Lib/backtrader by default, Tulip Indicators' variants by parameter):
// - movingaverages.h   SMA, EMA, WMA, DEMA/TEMA, HMA, VWMA, linear regression;
// - oscillators.h      RSI, MACD, ROC/momentum, CCI, stochastic, stochastic RSI, Williams %R;
// - volatility.h       true range, ATR, Bollinger bands, standard deviation, Keltner, Donchian;
// - volume.h           OBV, MFI, Chaikin money flow, VWAP;
// - trend.h            directional movement (DI/DX/ADX), parabolic SAR, SuperTrend, Ichimoku, Aroon;
// - pricetransforms.h  Heikin-Ashi candles, pivot points.
// Shared building blocks (window sums, Wilder smoothing, rolling extremes) are in detail/window.h.

#include "indicators/detail/window.h"
#include "indicators/movingaverages.h"
#include "indicators/oscillators.h"
#include "indicators/pricetransforms.h"
#include "indicators/simd.h"
#include "indicators/trend.h"
#include "indicators/volatility.h"
#include "indicators/volume.h"
