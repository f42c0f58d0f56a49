#include "indicators/registry.h"

#include "indicators/batch.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace kairos::indicators {

namespace {
using Out = std::vector<std::vector<double>>;
int I(double v) { return static_cast<int>(v); }

std::vector<IndicatorSpec> build() {
    std::vector<IndicatorSpec> v = {
        {"adx",
         "Average Directional Movement Index",
         {"high", "low", "close"},
         {{"period", 14}},
         {"adx"},
         "Wilder: DX averaged over N, then Wilder-smoothed; from 2N-1 (TA-Lib)",
         [](const Columns& c, std::span<const double> o, Out& out) {
             directionalMovement(c.high, c.low, c.close, I(o[0]), {}, {}, {}, out[0]);
         }},
        {"di",
         "Directional Indicator",
         {"high", "low", "close"},
         {{"period", 14}},
         {"plus_di", "minus_di"},
         "Wilder sums of +DM/-DM over the Wilder sum of true range; from index N",
         [](const Columns& c, std::span<const double> o, Out& out) {
             directionalMovement(c.high, c.low, c.close, I(o[0]), out[0], out[1], {}, {});
         }},
        {"dx",
         "Directional Movement Index",
         {"high", "low", "close"},
         {{"period", 14}},
         {"dx"},
         "100*|+DI - -DI|/(+DI + -DI); from index N",
         [](const Columns& c, std::span<const double> o, Out& out) {
             directionalMovement(c.high, c.low, c.close, I(o[0]), {}, {}, out[0], {});
         }},
        {"aroon",
         "Aroon",
         {"high", "low"},
         {{"period", 25}},
         {"aroon_down", "aroon_up"},
         "100*(N - bars since the extreme of the last N+1 bars)/N; from index N",
         [](const Columns& c, std::span<const double> o, Out& out) { aroon(c.high, c.low, I(o[0]), out[0], out[1]); }},
        {"donchian",
         "Donchian Channel",
         {"high", "low"},
         {{"period", 20}},
         {"donchian_lower", "donchian_middle", "donchian_upper"},
         "lowest low, midpoint, highest high of N bars",
         [](const Columns& c, std::span<const double> o, Out& out) { donchian(c.high, c.low, I(o[0]), out[0], out[1], out[2]); }},
        {"stochrsi",
         "Stochastic RSI",
         {"close"},
         {{"period", 14}},
         {"stochrsi"},
         "(RSI - min RSI)/(max RSI - min RSI) over N, 0..1; from 2N-1",
         [](const Columns& c, std::span<const double> o, Out& out) { stochRsi(c.close, I(o[0]), out[0]); }},
        {"stoch",
         "Stochastic Oscillator",
         {"high", "low", "close"},
         {{"k_period", 14}, {"k_slowing", 3}, {"d_period", 3}},
         {"stoch_k", "stoch_d"},
         "slow: %K = SMA(slowing) of raw %K, %D = SMA(D) of %K; flat window raw %K 50",
         [](const Columns& c, std::span<const double> o, Out& out) {
             stochastic(c.high, c.low, c.close, I(o[0]), I(o[1]), I(o[2]), out[0], out[1]);
         }},
        {"willr",
         "Williams %R",
         {"high", "low", "close"},
         {{"period", 14}},
         {"willr"},
         "-100*(HH - close)/(HH - LL); flat -50",
         [](const Columns& c, std::span<const double> o, Out& out) { williamsR(c.high, c.low, c.close, I(o[0]), out[0]); }},
        {"hma",
         "Hull Moving Average",
         {"close"},
         {{"period", 20}},
         {"hma"},
         "WMA(2*WMA(N/2) - WMA(N), floor(sqrt N))",
         [](const Columns& c, std::span<const double> o, Out& out) { hma(c.close, I(o[0]), out[0]); }},
        {"linreg",
         "Linear Regression",
         {"close"},
         {{"period", 14}},
         {"linreg"},
         "end point of the least-squares line over N",
         [](const Columns& c, std::span<const double> o, Out& out) { linreg(c.close, I(o[0]), out[0]); }},
        {"mfi",
         "Money Flow Index",
         {"high", "low", "close", "volume"},
         {{"period", 14}},
         {"mfi"},
         "100*positive/(positive+negative) typical-price money flow over N; from index N",
         [](const Columns& c, std::span<const double> o, Out& out) { mfi(c.high, c.low, c.close, c.volume, I(o[0]), out[0]); }},
        {"vwma",
         "Volume Weighted Moving Average",
         {"close", "volume"},
         {{"period", 20}},
         {"vwma"},
         "sum(close*volume)/sum(volume)",
         [](const Columns& c, std::span<const double> o, Out& out) { vwma(c.close, c.volume, I(o[0]), out[0]); }},
        {"atr",
         "Average True Range",
         {"high", "low", "close"},
         {{"period", 14}},
         {"atr"},
         "Wilder smoothing seeded with the mean of true ranges 1..N (TA-Lib); first value at N",
         [](const Columns& c, std::span<const double> o, Out& out) { atr(c.high, c.low, c.close, I(o[0]), out[0]); }},
        {"bbands",
         "Bollinger Bands",
         {"close"},
         {{"period", 20}, {"stddev", 2, false}},
         {"bbands_lower", "bbands_middle", "bbands_upper"},
         "SMA +/- k population standard deviations",
         [](const Columns& c, std::span<const double> o, Out& out) {
             bollinger(c.close, I(o[0]), o[1], out[0], out[1], out[2]);
         }},
        {"cmf",
         "Chaikin Money Flow",
         {"high", "low", "close", "volume"},
         {{"period", 20}},
         {"cmf"},
         "sum of money-flow volume over sum of volume, N bars",
         [](const Columns& c, std::span<const double> o, Out& out) { cmf(c.high, c.low, c.close, c.volume, I(o[0]), out[0]); }},
        {"ha",
         "Heikin-Ashi Candles",
         {"open", "high", "low", "close"},
         {},
         {"ha_open", "ha_high", "ha_low", "ha_close"},
         "close=(o+h+l+c)/4, open=(prev HA open+prev HA close)/2",
         [](const Columns& c, std::span<const double>, Out& out) {
             heikinAshi(c.open, c.high, c.low, c.close, out[0], out[1], out[2], out[3]);
         }},
        {"ichimoku",
         "Ichimoku Kinko Hyo",
         {"high", "low", "close"},
         {{"tenkan_period", 9}, {"kijun_period", 26}, {"senkou_b_period", 52}, {"displacement", 26}},
         {"tenkan", "kijun", "senkou_a", "senkou_b", "chikou"},
         "midpoints of 9/26/52-bar ranges; senkou spans plotted 26 bars ahead, chikou 26 bars back",
         [](const Columns& c, std::span<const double> o, Out& out) {
             ichimoku(c.high, c.low, c.close, I(o[0]), I(o[1]), I(o[2]), I(o[3]), out[0], out[1], out[2], out[3], out[4]);
         }},
        {"keltner",
         "Keltner Channel",
         {"high", "low", "close"},
         {{"ema_period", 20}, {"atr_period", 10}, {"multiplier", 2, false}},
         {"keltner_lower", "keltner_middle", "keltner_upper"},
         "EMA(close) +/- multiplier * ATR",
         [](const Columns& c, std::span<const double> o, Out& out) {
             keltner(c.high, c.low, c.close, I(o[0]), I(o[1]), o[2], out[0], out[1], out[2]);
         }},
        {"pivots",
         "Pivot Points (classic)",
         {"high", "low", "close"},
         {},
         {"pivot", "r1", "r2", "r3", "s1", "s2", "s3"},
         "from the previous UTC day's high, low and close",
         [](const Columns& c, std::span<const double>, Out& out) {
             std::span<double> o7[7] = {out[0], out[1], out[2], out[3], out[4], out[5], out[6]};
             pivots(c.timeMs, c.high, c.low, c.close, PivotKind::Classic, o7);
         }},
        {"pivots_camarilla",
         "Pivot Points (Camarilla)",
         {"high", "low", "close"},
         {},
         {"pivot", "r1", "r2", "r3", "s1", "s2", "s3"},
         "previous UTC day's close +/- range*1.1/12, /6, /4",
         [](const Columns& c, std::span<const double>, Out& out) {
             std::span<double> o7[7] = {out[0], out[1], out[2], out[3], out[4], out[5], out[6]};
             pivots(c.timeMs, c.high, c.low, c.close, PivotKind::Camarilla, o7);
         }},
        {"pivots_fib",
         "Pivot Points (Fibonacci)",
         {"high", "low", "close"},
         {},
         {"pivot", "r1", "r2", "r3", "s1", "s2", "s3"},
         "previous UTC day's pivot +/- 0.382, 0.618, 1.0 x range",
         [](const Columns& c, std::span<const double>, Out& out) {
             std::span<double> o7[7] = {out[0], out[1], out[2], out[3], out[4], out[5], out[6]};
             pivots(c.timeMs, c.high, c.low, c.close, PivotKind::Fibonacci, o7);
         }},
        {"vwap",
         "Volume Weighted Average Price",
         {"high", "low", "close", "volume"},
         {},
         {"vwap"},
         "cumulative typical price*volume / volume since the UTC day's start",
         [](const Columns& c, std::span<const double>, Out& out) { vwap(c.timeMs, c.high, c.low, c.close, c.volume, out[0]); }},
        {"cci",
         "Commodity Channel Index",
         {"high", "low", "close"},
         {{"period", 20}},
         {"cci"},
         "(TP - SMA(TP)) / (0.015 * mean absolute deviation from the window mean); from N-1",
         [](const Columns& c, std::span<const double> o, Out& out) { cci(c.high, c.low, c.close, I(o[0]), out[0]); }},
        {"dema",
         "Double Exponential Moving Average",
         {"close"},
         {{"period", 20}},
         {"dema"},
         "2*EMA - EMA(EMA), EMAs seeded with simple means; first value at 2N-2",
         [](const Columns& c, std::span<const double> o, Out& out) { dema(c.close, I(o[0]), out[0]); }},
        {"ema",
         "Exponential Moving Average",
         {"close"},
         {{"period", 20}},
         {"ema"},
         "alpha 2/(N+1), seeded with the mean of the first N inputs; first value at N-1",
         [](const Columns& c, std::span<const double> o, Out& out) { ema(c.close, I(o[0]), out[0]); }},
        {"macd",
         "Moving Average Convergence/Divergence",
         {"close"},
         {{"short_period", 12}, {"long_period", 26}, {"signal_period", 9}},
         {"macd", "macd_signal", "macd_histogram"},
         "EMA(short) - EMA(long), signal EMA of the line; line from long-1, signal/histogram from long+signal-2",
         [](const Columns& c, std::span<const double> o, Out& out) {
             macd(c.close, I(o[0]), I(o[1]), I(o[2]), out[0], out[1], out[2]);
         }},
        {"mom",
         "Momentum",
         {"close"},
         {{"period", 10}},
         {"mom"},
         "close - close N bars ago",
         [](const Columns& c, std::span<const double> o, Out& out) { momentum(c.close, I(o[0]), out[0]); }},
        {"obv",
         "On Balance Volume",
         {"close", "volume"},
         {},
         {"obv"},
         "cumulative signed volume, 0 at the first bar",
         [](const Columns& c, std::span<const double>, Out& out) { obv(c.close, c.volume, out[0]); }},
        {"psar",
         "Parabolic SAR",
         {"high", "low"},
         {{"acceleration_factor_step", 0.02, false}, {"acceleration_factor_maximum", 0.2, false}},
         {"psar"},
         "Wilder; starts long when bar 1's high+low >= bar 0's; from index 1",
         [](const Columns& c, std::span<const double> o, Out& out) { psar(c.high, c.low, o[0], o[1], out[0]); }},
        {"roc",
         "Rate of Change",
         {"close"},
         {{"period", 10}},
         {"roc"},
         "percent change over N bars",
         [](const Columns& c, std::span<const double> o, Out& out) { roc(c.close, I(o[0]), out[0]); }},
        {"rsi",
         "Relative Strength Index",
         {"close"},
         {{"period", 14}},
         {"rsi"},
         "Wilder smoothing seeded with simple means; first value at N; flat window 50",
         [](const Columns& c, std::span<const double> o, Out& out) { rsi(c.close, I(o[0]), out[0]); }},
        {"sma",
         "Simple Moving Average",
         {"close"},
         {{"period", 20}},
         {"sma"},
         "arithmetic mean of the last N",
         [](const Columns& c, std::span<const double> o, Out& out) { sma(c.close, I(o[0]), out[0]); }},
        {"stddev",
         "Standard Deviation Over Period",
         {"close"},
         {{"period", 20}},
         {"stddev"},
         "population standard deviation",
         [](const Columns& c, std::span<const double> o, Out& out) { stddev(c.close, I(o[0]), out[0]); }},
        {"supertrend",
         "SuperTrend",
         {"high", "low", "close"},
         {{"atr_period", 10}, {"multiplier", 3, false}},
         {"supertrend", "supertrend_direction"},
         "(high+low)/2 +/- multiplier*ATR with ratcheting bands; direction +1/-1",
         [](const Columns& c, std::span<const double> o, Out& out) {
             superTrend(c.high, c.low, c.close, I(o[0]), o[1], out[0], out[1]);
         }},
        {"tema",
         "Triple Exponential Moving Average",
         {"close"},
         {{"period", 20}},
         {"tema"},
         "3*EMA - 3*EMA(EMA) + EMA(EMA(EMA)), seeded with simple means; first value at 3N-3",
         [](const Columns& c, std::span<const double> o, Out& out) { tema(c.close, I(o[0]), out[0]); }},
        {"tr",
         "True Range",
         {"high", "low", "close"},
         {},
         {"tr"},
         "max(high-low, |high-prev close|, |low-prev close|)",
         [](const Columns& c, std::span<const double>, Out& out) { trueRange(c.high, c.low, c.close, out[0]); }},
        {"wma",
         "Weighted Moving Average",
         {"close"},
         {{"period", 20}},
         {"wma"},
         "linear weights 1..N",
         [](const Columns& c, std::span<const double> o, Out& out) { wma(c.close, I(o[0]), out[0]); }},
    };
    std::sort(v.begin(), v.end(), [](const IndicatorSpec& a, const IndicatorSpec& b) { return a.name < b.name; });
    return v;
}
}  // namespace

const std::vector<IndicatorSpec>& catalogue() {
    static const std::vector<IndicatorSpec> all = build();
    return all;
}

const IndicatorSpec* findIndicator(const std::string& name) {
    std::string lower = name;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const auto& s : catalogue())
        if (s.name == lower) return &s;
    return nullptr;
}

Status validateOptions(const IndicatorSpec& spec, std::span<const double> values) {
    if (values.size() != spec.options.size())
        return makeError(spec.name + " takes " + std::to_string(spec.options.size()) + " option(s), got " +
                         std::to_string(values.size()));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const OptionSpec& o = spec.options[i];
        const double v = values[i];
        if (!std::isfinite(v)) return makeError(spec.name + ": " + o.name + " must be a number");
        if (o.integer && (v != std::floor(v) || v < 1 || v > 100000))
            return makeError(spec.name + ": " + o.name + " must be a whole number from 1 to 100000, not " + std::to_string(v));
    }
    if (spec.name == "macd" && values[0] >= values[1]) return makeError("macd: short_period must be smaller than long_period");
    return {};
}

Result<std::vector<std::vector<double>>> compute(const IndicatorSpec& spec, const Columns& cols, std::span<const double> values) {
    if (auto s = validateOptions(spec, values); !s) return s.error();
    std::vector<std::vector<double>> out(spec.outputs.size(), std::vector<double>(cols.size()));
    spec.compute(cols, values, out);
    return out;
}

}  // namespace kairos::indicators
