#include "signals/outcome.h"

#include <algorithm>
#include <cmath>

namespace kairos::signal {

std::string toString(Exit e) {
    switch (e) {
    case Exit::StopLoss:
        return "stop";
    case Exit::TakeProfit3:
        return "tp3";
    case Exit::Expired:
        return "expired";
    case Exit::Open:
        return "open";
    }
    return "?";
}

Outcome evaluate(const Signal& s, const std::vector<Bar>& bars, const SignalRules& rules, int maxBars) {
    Outcome o;
    if (s.side == Direction::Hold) return o;
    const double dir = s.side == Direction::Long ? 1.0 : -1.0;
    const double risk = std::fabs(s.entry - s.stopLoss);
    if (!(risk > 0)) return o;
    // First bar that opened after the signal was known.
    auto it = std::lower_bound(bars.begin(), bars.end(), s.timeMs, [](const Bar& b, std::int64_t t) { return b.openTimeMs < t; });
    double lastClose = s.entry;
    for (; it != bars.end() && o.barsHeld < maxBars; ++it) {
        ++o.barsHeld;
        const double hi = it->high.toDouble(), lo = it->low.toDouble();
        lastClose = it->close.toDouble();
        const double favourable = dir > 0 ? hi : lo;
        const double adverse = dir > 0 ? lo : hi;
        if ((adverse - s.stopLoss) * dir <= 0) {  // stop touched (checked first: conservative)
            o.exit = Exit::StopLoss;
            o.r = -1.0;
            o.resolvedMs = it->openTimeMs;
            return o;
        }
        for (int k = 2; k >= 0; --k) {
            if ((favourable - s.takeProfits[static_cast<std::size_t>(k)]) * dir >= 0) {
                o.tpReached = std::max(o.tpReached, k + 1);
                break;
            }
        }
        if (o.tpReached == 3) {
            o.exit = Exit::TakeProfit3;
            o.r = rules.tpR[2];
            o.resolvedMs = it->openTimeMs;
            return o;
        }
    }
    if (o.barsHeld < maxBars) return o;  // not enough later bars yet: still open
    o.exit = Exit::Expired;
    o.r = (lastClose - s.entry) * dir / risk;
    return o;
}

std::map<std::string, AccuracyBucket> accuracy(const std::vector<Signal>& list, const std::vector<Outcome>& outcomes) {
    std::map<std::string, AccuracyBucket> out;
    for (std::size_t i = 0; i < list.size() && i < outcomes.size(); ++i) {
        const Outcome& o = outcomes[i];
        if (list[i].side == Direction::Hold || o.exit == Exit::Open) continue;
        const int band = std::min(list[i].confidence / 20, 4);
        const std::string bandKey =
            "confidence " + std::to_string(band * 20) + "-" + (band == 4 ? "100" : std::to_string(band * 20 + 19));
        for (const std::string& key : {std::string("all"), toString(list[i].side), bandKey}) {
            AccuracyBucket& b = out[key];
            ++b.count;
            b.wins += o.win() ? 1 : 0;
            b.sumR += o.r;
        }
    }
    return out;
}

}  // namespace kairos::signal
