#include "alerts/conditionnow.h"

#include "alerts/alertengine.h"

#include <cmath>
#include <cstdio>

namespace kairos::alerts {

namespace {
using State = ConditionNow::State;

ConditionNow unknown(std::string why) { return {State::Unknown, std::move(why)}; }
ConditionNow verdict(bool holds, const std::string& what) {
    return {holds ? State::Holds : State::DoesNotHold, (holds ? "holds now: " : "does not hold now: ") + what};
}
std::string fixed(double v, const char* format = "%.2f") {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::optional<Price> priceOf(const AlertRule& r, const MarketSnapshot& now) {
    switch (isPriceCondition(r.condition) ? r.priceSource : PriceSource::Last) {
    case PriceSource::Last:
        return now.last;
    case PriceSource::Bid:
        return now.bid;
    case PriceSource::Ask:
        return now.ask;
    case PriceSource::Mid:
        if (!now.bid || !now.ask) return std::nullopt;
        return Price::parse(fixed((now.bid->toDouble() + now.ask->toDouble()) / 2, "%.10g")).valueOr(Price{});
    }
    return std::nullopt;
}
}  // namespace

ConditionNow evaluateNow(const AlertRule& rule, const MarketSnapshot& now) {
    if (auto st = validate(rule); !st) return unknown("not valid yet: " + st.message());
    const AlertRule& r = rule;
    const std::string source = isPriceCondition(r.condition) && r.priceSource != PriceSource::Last
        ? std::string(toString(r.priceSource))
        : std::string("price");
    if (isTickCondition(r.condition)) {
        const std::optional<Price> p = priceOf(r, now);
        if (!p)
            return unknown(r.priceSource == PriceSource::Last ? "no price yet"
                                                              : "no " + source + " yet (this feed may have no quotes)");
        const std::string at = source + " " + p->toString();
        switch (r.condition) {
        case Condition::CrossesAbove:
            return verdict(*p >= r.level,
                           at + (*p >= r.level ? " is at or above " : " is below ") + r.level.toString() +
                               (*p >= r.level ? "" : " (fires when it reaches it)"));
        case Condition::CrossesBelow:
            return verdict(*p <= r.level,
                           at + (*p <= r.level ? " is at or below " : " is above ") + r.level.toString() +
                               (*p <= r.level ? "" : " (fires when it reaches it)"));
        case Condition::GoesAbove:
            return verdict(*p > r.level, at + (*p > r.level ? " is above " : " is not above ") + r.level.toString());
        case Condition::GoesBelow:
            return verdict(*p < r.level, at + (*p < r.level ? " is below " : " is not below ") + r.level.toString());
        case Condition::EntersChannel:
        case Condition::LeavesChannel: {
            const Price& lo = r.level < r.level2 ? r.level : r.level2;
            const Price& hi = r.level < r.level2 ? r.level2 : r.level;
            const bool inside = *p >= lo && *p <= hi;
            const std::string where = at + (inside ? " is inside " : " is outside ") + lo.toString() + " .. " + hi.toString();
            return verdict(r.condition == Condition::EntersChannel ? inside : !inside, where);
        }
        case Condition::Change24h: {
            // The reference: the last close at or before 24 h before the price.
            std::optional<double> ref;
            for (const Bar& b : now.bars)
                if (b.closed && nextBucketStart(now.barsTimeframe, b.openTimeMs) <= now.timeMs - 86'400'000)
                    ref = b.close.toDouble();
            if (!ref || *ref <= 0) return unknown("fewer than 24 h of bars");
            const double change = (p->toDouble() / *ref - 1) * 100;
            const bool holds = r.signalSide == SignalSide::Long ? change >= r.percent
                : r.signalSide == SignalSide::Short             ? change <= -r.percent
                                                                : std::fabs(change) >= r.percent;
            return verdict(holds, "24h change " + fixed(change, "%+.2f") + " %");
        }
        case Condition::CrossesDrawing: {
            if (!now.drawing || now.drawing->anchors.empty()) return unknown("the drawing is not on the chart");
            const auto& d = *now.drawing;
            const std::int64_t t = bucketStart(r.timeframe, now.timeMs);
            double line = d.anchors[0].price;
            if (d.kind != storage::DrawingKind::HorizontalLine && d.anchors.size() >= 2 &&
                d.anchors[1].timeMs != d.anchors[0].timeMs)
                line += (d.anchors[1].price - d.anchors[0].price) * static_cast<double>(t - d.anchors[0].timeMs) /
                    static_cast<double>(d.anchors[1].timeMs - d.anchors[0].timeMs);
            const bool above = p->toDouble() >= line;
            const bool holds = r.signalSide == SignalSide::Short ? !above : above;
            return verdict(holds,
                           at + (above ? " is above" : " is below") + " the line (" + fixed(line, "%.8g") + " at this bar)");
        }
        default:
            break;
        }
        return unknown("");
    }
    if (r.condition == Condition::Signal) return unknown("signals come from the signal engine as bars close");
    // Bar conditions: a throw-away engine warmed on the bars, exactly as a new rule would be.
    AlertRule probe = r;
    probe.id = 1;
    probe.watchlistId = 0;
    probe.enabled = true;
    probe.expiresAtMs = 0;
    const std::vector<Bar>* bars = &now.bars;
    const Timeframe barsTf = now.barsTimeframe;
    AlertEngine engine([bars, barsTf](const InstrumentId&, Timeframe tf) { return tf == barsTf ? *bars : std::vector<Bar>{}; });
    engine.setBaseTimeframe(barsTf);
    if (auto st = engine.setRule(probe); !st) return unknown(st.message());
    const auto held = engine.heldOnLastBar(1);
    if (!held) return unknown("no " + toString(r.timeframe) + " bars to evaluate it on");
    return verdict(*held, "on the last closed " + toString(r.timeframe) + " bar");
}

}  // namespace kairos::alerts
