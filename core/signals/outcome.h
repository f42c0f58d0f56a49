#pragma once
// What happened after a signal, judged only on bars that opened at or after the signal became
// known (its bar's close): the first of stop loss, TP3 or expiry ends the trade; the highest TP
// touched before that is recorded. A bar that touches both the stop and a target counts as the
// stop (we cannot know the order inside a bar; the conservative choice).
// Accuracy statistics aggregate outcomes per instrument, timeframe and confidence band.

#include "signals/signalengine.h"

#include <map>
#include <string>
#include <vector>

namespace kairos::signal {

enum class Exit : std::uint8_t { StopLoss = 1, TakeProfit3, Expired, Open };

struct Outcome {
    Exit exit = Exit::Open;
    int tpReached = 0;  ///< highest take-profit touched before the exit (0..3)
    double r = 0;       ///< result in units of risk: -1 at the stop, tpR[2] at TP3, mark-to-close on expiry
    int barsHeld = 0;
    std::int64_t resolvedMs = 0;  ///< open time of the bar that ended it
    bool win() const { return tpReached >= 1; }
};

/// Evaluates a LONG or SHORT signal over `bars` (any bars; only those with openTimeMs >=
/// signal.timeMs are used, at most `maxBars` of them). HOLD signals give Exit::Open.
Outcome evaluate(const Signal& signal, const std::vector<Bar>& bars, const SignalRules& rules, int maxBars = 48);

struct AccuracyBucket {
    int count = 0;  ///< resolved LONG/SHORT signals ("signals" is a Qt macro)
    int wins = 0;   ///< reached TP1 before the stop
    double sumR = 0;
    double winRate() const { return count ? static_cast<double>(wins) / count : 0.0; }
    double averageR() const { return count ? sumR / count : 0.0; }
};

/// Accuracy per key: "all", "LONG"/"SHORT", "confidence 0-19" ... "confidence 80-100".
std::map<std::string, AccuracyBucket> accuracy(const std::vector<Signal>& list, const std::vector<Outcome>& outcomes);

std::string toString(Exit e);

}  // namespace kairos::signal
