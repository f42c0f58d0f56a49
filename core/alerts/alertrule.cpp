#include "alerts/alertrule.h"

#include "indicators/formula.h"

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
};
constexpr std::pair<Trigger, std::string_view> kTriggerNames[] = {
    {Trigger::Once, "once"}, {Trigger::OncePerBar, "once_per_bar"}, {Trigger::EveryTime, "every_time"}};
constexpr std::pair<SignalSide, std::string_view> kSideNames[] = {
    {SignalSide::Long, "long"}, {SignalSide::Short, "short"}, {SignalSide::Either, "either"}};
constexpr std::pair<EventKind, std::string_view> kEventNames[] = {{EventKind::Fired, "fired"}, {EventKind::Expired, "expired"}};

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

bool isPriceCondition(Condition c) {
    return c == Condition::CrossesAbove || c == Condition::CrossesBelow || c == Condition::GoesAbove || c == Condition::GoesBelow;
}

Status validate(const AlertRule& rule) {
    if (rule.instrument.venue.empty() || rule.instrument.symbol.empty()) return makeError("the alert has no instrument");
    if (!conditionFromString(toString(rule.condition))) return makeError("unknown alert condition");
    if (!triggerFromString(toString(rule.trigger))) return makeError("unknown trigger mode");
    if (isPriceCondition(rule.condition) && rule.level.raw() <= 0)
        return makeError("the price level must be above zero (got " + rule.level.toTrimmedString() + ")");
    if (rule.condition == Condition::Formula) {
        if (trimmed(rule.formula).empty()) return makeError("the formula is empty");
        if (auto f = indicators::Formula::parse(rule.formula); !f) return makeError("formula: " + f.message());
    }
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

std::string describe(const AlertRule& r) {
    const std::string tf = toString(r.timeframe);
    switch (r.condition) {
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
