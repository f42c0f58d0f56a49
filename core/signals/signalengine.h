#pragma once
// The signal engine: confluence rules over indicators turn each closed bar into a Signal —
// LONG, SHORT or HOLD with a confidence 0-100, the reasons that contributed, an entry, an
// ATR-based stop loss, three take-profit levels and the reward:risk ratio.
//
// Rules (each votes for or against, with a weight; SignalRules holds every parameter):
// - trend: EMA(fast) vs EMA(slow) vs EMA(trend) alignment (weight 2), counted double when ADX says
//   the market trends (ADX >= adxTrending);
// - momentum: RSI beyond its oversold/overbought levels (1), MACD histogram sign and slope (1),
//   slow Stochastic %K crossing %D in an extreme zone (1);
// - volatility: close outside the Bollinger bands (1, mean-reverting);
// - volume: MFI beyond 20/80 (1), OBV above/below its own SMA confirming the trend vote (1).
// - formula rules (FormulaRule): a user condition over OHLCV and indicators (core/indicators/
//   formula.h), e.g. "rsi(close, 14) < 30", evaluated streaming on each closed bar; when it holds
//   (non-zero; NaN during its warm-up counts as not holding) it votes for its side with its weight.
// The net score over the maximum possible gives the confidence; |score| >= minScore gives LONG or
// SHORT, otherwise HOLD. The engine only ever sees bars up to the one it signals (no lookahead).
// The namespace is kairos::signal, not ::signals: Qt's `signals` keyword macro would break it in
// every file that includes Qt (keywords stay on because QCustomPlot's header needs them).

#include "domain/bar.h"
#include "domain/timeframe.h"
#include "indicators/formula.h"
#include "indicators/indicators.h"
#include "util/result.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kairos::signal {

enum class Direction : std::uint8_t { Long = 1, Short, Hold };

struct Signal {
    std::int64_t barOpenMs = 0;  ///< the closed bar the signal was computed on
    std::int64_t timeMs = 0;     ///< when it became known: that bar's close time
    Direction side = Direction::Hold;
    int confidence = 0;  ///< 0..100
    int score = 0;       ///< net votes (positive: long)
    std::vector<std::string> reasons;
    double entry = 0;                     ///< the bar's close
    double stopLoss = 0;                  ///< entry -/+ atrStop * ATR (LONG/SHORT; for HOLD, the long stop)
    std::array<double, 3> takeProfits{};  ///< entry +/- tpR[k] * risk
    double rewardRisk = 0;                ///< of TP2: tpR[1]
};

/// A user condition that votes for a side when it holds on a closed bar.
struct FormulaRule {
    std::string formula;               ///< e.g. "rsi(close, 14) < 30" (formula.h's grammar)
    Direction side = Direction::Long;  ///< Long or Short
    int weight = 1;                    ///< >= 1
    std::string reason;                ///< shown when it fires (default: "formula <text>")
};

struct SignalRules {
    int emaFast = 9, emaSlow = 21, emaTrend = 50;
    int adxPeriod = 14;
    double adxTrending = 20;
    int rsiPeriod = 14;
    double rsiOversold = 30, rsiOverbought = 70;
    int macdFast = 12, macdSlow = 26, macdSignal = 9;
    int stochK = 14, stochSlowing = 3, stochD = 3;
    int bbPeriod = 20;
    double bbK = 2;
    int mfiPeriod = 14;
    int obvSmaPeriod = 20;
    int atrPeriod = 14;
    double atrStop = 1.5;
    std::array<double, 3> tpR = {1.0, 2.0, 3.0};
    int minScore = 3;
    std::vector<FormulaRule> formulas;
};

/// Checks a rule set (periods >= 1, weights >= 1, sides, formulas parse); the error names the
/// first problem, for a formula "formulas[i] \"text\": column N: what was expected".
Status validate(const SignalRules& rules);

/// Streaming engine for one instrument and timeframe.
class SignalEngine {
public:
    explicit SignalEngine(const SignalRules& rules = {});
    /// Bars needed before the first signal.
    int warmup() const;
    /// Feeds a closed bar (closeTimeMs = its bucket end); the signal once warmed up.
    std::optional<Signal> onBar(const Bar& bar, std::int64_t closeTimeMs);
    const SignalRules& rules() const { return m_rules; }

private:
    struct CompiledFormula {
        indicators::Formula formula;
        std::size_t rule;  ///< index in m_rules.formulas
    };
    SignalRules m_rules;
    indicators::Ema m_fast, m_slow, m_trend;
    indicators::DirectionalMovement m_dm;
    indicators::Rsi m_rsi;
    indicators::Macd m_macd;
    indicators::Stochastic m_stoch;
    indicators::Bollinger m_bb;
    indicators::Mfi m_mfi;
    indicators::Obv m_obv;
    indicators::Sma m_obvSma;
    indicators::Atr m_atr;
    double m_prevHist = indicators::kNaN;
    double m_prevK = indicators::kNaN, m_prevD = indicators::kNaN;
    std::vector<CompiledFormula> m_formulas;  ///< those of m_rules.formulas that parse (validate() reports the rest)
    std::int64_t m_bars = 0;
};

/// Signals for a whole series (one per bar after the warm-up), in order.
std::vector<Signal> generateSignals(const std::vector<Bar>& bars, Timeframe tf, const SignalRules& rules = {});

std::string toString(Direction d);

}  // namespace kairos::signal
