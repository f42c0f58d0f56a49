#include "alerts/alertrule.h"

#include "indicators/formula.h"
#include "storage/barhistory.h"

#include <cstdio>
#include <utility>

namespace kairos::alerts {

namespace {
constexpr std::pair<Condition, std::string_view> kConditionNames[] = {
    {Condition::CrossesAbove, "crosses_above"},
    {Condition::CrossesBelow, "crosses_below"},
    {Condition::GoesAbove, "goes_above"},
    {Condition::GoesBelow, "goes_below"},
    {Condition::Formula, "formula"},
    {Condition::Signal, "signal"},
    {Condition::EntersChannel, "enters_channel"},
    {Condition::LeavesChannel, "leaves_channel"},
    {Condition::MovePercent, "move_percent"},
    {Condition::VolumeSpike, "volume_surge"},
    {Condition::Change24h, "change_24h"},
    {Condition::CrossesDrawing, "crosses_drawing"},
};
constexpr std::pair<PriceSource, std::string_view> kSourceNames[] = {
    {PriceSource::Last, "last"}, {PriceSource::Bid, "bid"}, {PriceSource::Ask, "ask"}, {PriceSource::Mid, "mid"}};
constexpr std::pair<Trigger, std::string_view> kTriggerNames[] = {
    {Trigger::Once, "once"}, {Trigger::OncePerBar, "once_per_bar"}, {Trigger::EveryTime, "every_time"}};
constexpr std::pair<SignalSide, std::string_view> kSideNames[] = {
    {SignalSide::Long, "long"}, {SignalSide::Short, "short"}, {SignalSide::Either, "either"}};
constexpr std::pair<EventKind, std::string_view> kEventNames[] = {
    {EventKind::Fired, "fired"}, {EventKind::Expired, "expired"}, {EventKind::Disabled, "disabled"}};

template <class E, std::size_t N>
std::string_view nameOf(const std::pair<E, std::string_view> (&table)[N], E value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "unknown";
}
template <class E, std::size_t N>
std::optional<E> valueOf(const std::pair<E, std::string_view> (&table)[N], std::string_view text) {
    for (const auto& [v, name] : table)
        if (name == text) return v;
    return std::nullopt;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
}  // namespace

std::string_view toString(Condition c) { return nameOf(kConditionNames, c); }
std::optional<Condition> conditionFromString(std::string_view text) { return valueOf(kConditionNames, text); }
std::string_view toString(Trigger t) { return nameOf(kTriggerNames, t); }
std::optional<Trigger> triggerFromString(std::string_view text) { return valueOf(kTriggerNames, text); }
std::string_view toString(SignalSide s) { return nameOf(kSideNames, s); }
std::optional<SignalSide> signalSideFromString(std::string_view text) { return valueOf(kSideNames, text); }
std::string_view toString(EventKind k) { return nameOf(kEventNames, k); }
std::optional<EventKind> eventKindFromString(std::string_view text) { return valueOf(kEventNames, text); }
std::string_view toString(PriceSource s) { return nameOf(kSourceNames, s); }
std::optional<PriceSource> priceSourceFromString(std::string_view text) { return valueOf(kSourceNames, text); }

bool isPriceCondition(Condition c) {
    return c == Condition::CrossesAbove || c == Condition::CrossesBelow || c == Condition::GoesAbove ||
        c == Condition::GoesBelow || isChannelCondition(c);
}
bool isChannelCondition(Condition c) { return c == Condition::EntersChannel || c == Condition::LeavesChannel; }
bool isTickCondition(Condition c) { return isPriceCondition(c) || c == Condition::Change24h || c == Condition::CrossesDrawing; }

Status validate(const AlertRule& rule) {
    if (rule.watchlistId < 0) return makeError("unknown watchlist");
    if (rule.watchlistId == 0 && (rule.instrument.venue.empty() || rule.instrument.symbol.empty()))
        return makeError("the alert has no instrument");
    if (!conditionFromString(toString(rule.condition))) return makeError("unknown alert condition");
    if (!triggerFromString(toString(rule.trigger))) return makeError("unknown trigger mode");
    if (isPriceCondition(rule.condition) && rule.level.raw() <= 0)
        return makeError("the price level must be above zero (got " + rule.level.toTrimmedString() + ")");
    if (isChannelCondition(rule.condition)) {
        if (rule.level2.raw() <= 0)
            return makeError("the channel's second level must be above zero (got " + rule.level2.toTrimmedString() + ")");
        if (rule.level2 == rule.level) return makeError("the channel's two levels are equal");
    }
    if (isPriceCondition(rule.condition) && !priceSourceFromString(toString(rule.priceSource)))
        return makeError("unknown price source");
    if ((rule.condition == Condition::MovePercent || rule.condition == Condition::Change24h) &&
        !(rule.percent > 0 && rule.percent <= 10000))
        return makeError("the move must be above 0 % and at most 10000 %");
    if (rule.condition == Condition::MovePercent) {
        if (rule.windowBars < 0 || rule.windowBars > 10000) return makeError("the window must be 1..10000 bars");
        if (rule.windowBars == 0 && (rule.windowMs <= 0 || rule.windowMs > 366LL * 86'400'000))
            return makeError("the window needs a number of bars or a time up to a year");
    }
    if (rule.condition == Condition::VolumeSpike) {
        if (!(rule.volumeFactor > 0 && rule.volumeFactor <= 1000))
            return makeError("the volume factor must be above 0 and at most 1000");
        if (rule.volumeBars < 1 || rule.volumeBars > 10000) return makeError("the volume average must cover 1..10000 bars");
    }
    if (rule.condition == Condition::CrossesDrawing && rule.drawingId <= 0) return makeError("the alert has no drawing");
    if (rule.condition == Condition::CrossesDrawing && rule.watchlistId != 0)
        return makeError("a drawing alert belongs to one chart, not to a watchlist");
    if (rule.condition == Condition::Formula) {
        if (trimmed(rule.formula).empty()) return makeError("the formula is empty");
        auto f = indicators::Formula::parse(rule.formula);
        if (!f) return makeError("formula: " + f.message());
        for (Timeframe tf : f->timeframes())
            if (!storage::tilesInto(rule.timeframe, tf))
                return makeError("formula: @" + toString(tf) + " cannot be built from the alert's " + toString(rule.timeframe) +
                                 " bars (choose a timeframe that divides it)");
    }
    if (rule.condition == Condition::Signal || rule.condition == Condition::MovePercent ||
        rule.condition == Condition::Change24h || rule.condition == Condition::CrossesDrawing)
        if (!signalSideFromString(toString(rule.signalSide))) return makeError("unknown direction");
    if (rule.condition == Condition::Signal) {
        if (!signalSideFromString(toString(rule.signalSide))) return makeError("unknown signal side");
        if (rule.minConfidence < 0 || rule.minConfidence > 100)
            return makeError("the minimum confidence must be 0..100 (got " + std::to_string(rule.minConfidence) + ")");
    }
    if (rule.cooldownMs < 0) return makeError("the cooldown cannot be negative");
    if (rule.note.size() > 1000) return makeError("the message may have at most 1,000 characters");
    if (rule.messageTemplate.size() > 2000) return makeError("the message template may have at most 2,000 characters");
    return {};
}

Result<Price> parseLevel(std::string_view text, int precision) {
    const std::string_view t = trimmed(text);
    if (t.empty()) return makeError("enter a price level");
    auto p = Price::parse(t);
    if (!p) return p.error();
    if (p->raw() <= 0) return makeError("the price level must be above zero");
    auto at = p->rescaled(precision, RoundingMode::Exact);
    if (!at)
        return makeError("the price " + std::string(t) + " has more decimal places than the instrument's precision (" +
                         std::to_string(precision) + ")");
    return *at;
}

namespace {
std::string percentText(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
std::string directionWord(SignalSide s, const char* up, const char* down, const char* either) {
    return s == SignalSide::Long ? up : s == SignalSide::Short ? down : either;
}
std::string sourceSuffix(const AlertRule& r) {
    switch (r.priceSource) {
    case PriceSource::Bid:
        return " (bid)";
    case PriceSource::Ask:
        return " (ask)";
    case PriceSource::Mid:
        return " (bid/ask mid)";
    case PriceSource::Last:
        break;
    }
    return {};
}
}  // namespace

std::string describe(const AlertRule& r) {
    std::string d = describeCondition(r);
    if (isPriceCondition(r.condition)) d += sourceSuffix(r);
    return d;
}

std::string describeCondition(const AlertRule& r) {
    const std::string tf = toString(r.timeframe);
    switch (r.condition) {
    case Condition::EntersChannel:
    case Condition::LeavesChannel: {
        const Price& lo = r.level < r.level2 ? r.level : r.level2;
        const Price& hi = r.level < r.level2 ? r.level2 : r.level;
        return std::string(r.condition == Condition::EntersChannel ? "enters" : "leaves") + " the channel " + lo.toString() +
            " .. " + hi.toString();
    }
    case Condition::MovePercent: {
        std::string window = r.windowBars > 0 ? std::to_string(r.windowBars) + " " + tf + " bars"
                                              : std::to_string(r.windowMs / 60'000) + " min (" + tf + " bars)";
        return directionWord(r.signalSide, "rises", "falls", "moves") + " " + percentText(r.percent) + " % within " + window;
    }
    case Condition::VolumeSpike:
        return "volume >= " + percentText(r.volumeFactor) + " x the average of the previous " + std::to_string(r.volumeBars) +
            " " + tf + " bars";
    case Condition::Change24h:
        return std::string("24h change ") + directionWord(r.signalSide, ">= +", "<= -", "beyond +/-") + percentText(r.percent) +
            " %";
    case Condition::CrossesDrawing:
        return "crosses " + directionWord(r.signalSide, "above ", "below ", "") + "drawing " + std::to_string(r.drawingId);
    case Condition::CrossesAbove:
        return "crosses above " + r.level.toString();
    case Condition::CrossesBelow:
        return "crosses below " + r.level.toString();
    case Condition::GoesAbove:
        return "goes above " + r.level.toString();
    case Condition::GoesBelow:
        return "goes below " + r.level.toString();
    case Condition::Formula:
        return "formula " + r.formula + " on " + tf + " bars";
    case Condition::Signal: {
        const std::string side = r.signalSide == SignalSide::Long ? "LONG"
            : r.signalSide == SignalSide::Short                   ? "SHORT"
                                                                  : "LONG or SHORT";
        return side + " signal with confidence >= " + std::to_string(r.minConfidence) + " on " + tf + " bars";
    }
    }
    return "unknown condition";
}

}  // namespace kairos::alerts
