#include "alerts/alertengine.h"

#include "indicators/formula.h"
#include "storage/barhistory.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

namespace kairos::alerts {

namespace {
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

std::string minuteUtc(std::int64_t ms) { return formatUtc(ms).substr(0, 16).append(" UTC"); }

/// A signal's entry (a double) as a Price: its shortest round-trip decimal, at most 8 places.
Price priceOf(double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    if (r.ec != std::errc()) return {};
    auto p = Price::parse(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
    if (!p) return {};
    if (p->scale() <= 8) return *p;
    return p->rescaled(8, RoundingMode::HalfEven).valueOr(Price{});
}

bool signalMatches(const AlertRule& r, const signal::Signal& s) {
    if (s.confidence < r.minConfidence) return false;
    switch (r.signalSide) {
    case SignalSide::Long:
        return s.side == signal::Direction::Long;
    case SignalSide::Short:
        return s.side == signal::Direction::Short;
    case SignalSide::Either:
        return s.side == signal::Direction::Long || s.side == signal::Direction::Short;
    }
    return false;
}
}  // namespace

struct AlertEngine::State {
    AlertRule rule;
    std::optional<Price> prevPrice;      ///< price rules: the last price this rule saw
    std::int64_t lastBarFired = kNever;  ///< bucket (bar open) of the last firing, for once-per-bar
    std::optional<indicators::Formula> formula;
    std::int64_t lastBarOpen = kNever;  ///< bar rules: the last bar evaluated
    bool prevHeld = false;              ///< bar rules: the condition held on the last bar
};

AlertEngine::AlertEngine(HistoryProvider history) : m_history(std::move(history)) {}
AlertEngine::~AlertEngine() = default;

Status AlertEngine::setRule(const AlertRule& rule) {
    if (rule.id <= 0) return makeError("an alert needs an id before it can run (save it first)");
    if (auto st = validate(rule); !st) return st;
    removeRule(rule.id);
    add(rule);
    return {};
}

AlertEngine::State* AlertEngine::add(const AlertRule& rule) {
    auto s = std::make_unique<State>();
    s->rule = rule;
    if (rule.lastFiredMs != 0) s->lastBarFired = bucketStart(rule.timeframe, rule.lastFiredMs);
    State* raw = s.get();
    m_rules[rule.id] = std::move(s);
    if (rule.enabled) {
        warm(*raw);
        index(raw);
    }
    return raw;
}

void AlertEngine::warm(State& s) {
    const AlertRule& r = s.rule;
    s.prevPrice.reset();
    s.lastBarOpen = kNever;
    s.prevHeld = false;
    if (r.condition == Condition::Formula) {
        auto f = indicators::Formula::parse(r.formula);
        if (!f) return;  // validate() refused it already
        s.formula.emplace(std::move(*f));
        if (!m_history) return;
        const Timeframe src = sourceOf(r.timeframe);
        std::vector<Bar> history = m_history(r.instrument, src);
        if (src != r.timeframe) {
            // Aggregate; the last bucket may still be forming: it seeds the live aggregation.
            const std::int64_t sourceEnd = history.empty() ? 0 : nextBucketStart(src, history.back().openTimeMs);
            auto agg = storage::aggregateBars(history, r.timeframe);
            history = agg ? std::move(*agg) : std::vector<Bar>{};
            m_partial.erase({r.instrument, r.timeframe});
            if (!history.empty() && nextBucketStart(r.timeframe, history.back().openTimeMs) > sourceEnd) {
                history.back().closed = false;
                m_partial.insert_or_assign({r.instrument, r.timeframe}, history.back());
                history.pop_back();
            }
        }
        for (const Bar& b : history) {
            if (!b.closed || b.openTimeMs <= s.lastBarOpen) continue;
            s.formula->push(
                {b.openTimeMs, b.open.toDouble(), b.high.toDouble(), b.low.toDouble(), b.close.toDouble(), b.volume.toDouble()});
            s.lastBarOpen = b.openTimeMs;
        }
        const double v = s.formula->value();
        s.prevHeld = std::isfinite(v) && v != 0;
    } else if (r.condition == Condition::Signal) {
        // Bars already signalled before the rule existed do not count as new.
        auto it = m_lastSignal.find({r.instrument, r.timeframe});
        if (it != m_lastSignal.end()) {
            s.lastBarOpen = it->second.barOpenMs;
            s.prevHeld = signalMatches(r, it->second);
        }
    }
}

void AlertEngine::index(State* s) {
    if (isPriceCondition(s->rule.condition))
        m_priceRules[s->rule.instrument].push_back(s);
    else
        m_barRules[{s->rule.instrument, s->rule.timeframe}].push_back(s);
}

void AlertEngine::unindex(State* s) {
    if (isPriceCondition(s->rule.condition)) {
        auto it = m_priceRules.find(s->rule.instrument);
        if (it == m_priceRules.end()) return;
        std::erase(it->second, s);
        if (it->second.empty()) m_priceRules.erase(it);
    } else {
        auto it = m_barRules.find({s->rule.instrument, s->rule.timeframe});
        if (it == m_barRules.end()) return;
        std::erase(it->second, s);
        if (it->second.empty()) m_barRules.erase(it);
    }
}

void AlertEngine::removeRule(std::int64_t id) {
    auto it = m_rules.find(id);
    if (it == m_rules.end()) return;
    unindex(it->second.get());
    m_rules.erase(it);
}

bool AlertEngine::setEnabled(std::int64_t id, bool enabled) {
    auto it = m_rules.find(id);
    if (it == m_rules.end()) return false;
    State* s = it->second.get();
    if (s->rule.enabled == enabled) return true;
    s->rule.enabled = enabled;
    if (enabled) {
        warm(*s);
        index(s);
    } else {
        unindex(s);
    }
    return true;
}

const AlertRule* AlertEngine::rule(std::int64_t id) const {
    auto it = m_rules.find(id);
    return it == m_rules.end() ? nullptr : &it->second->rule;
}

std::vector<AlertRule> AlertEngine::rules() const {
    std::vector<AlertRule> out;
    out.reserve(m_rules.size());
    for (const auto& [id, s] : m_rules) out.push_back(s->rule);
    return out;
}

bool AlertEngine::expireIfDue(State& s, std::int64_t timeMs, const Price& price, std::vector<AlertEvent>& out) {
    AlertRule& r = s.rule;
    if (r.expiresAtMs <= 0 || timeMs < r.expiresAtMs) return false;
    r.enabled = false;
    out.push_back({r.id, r.instrument, EventKind::Expired, timeMs, price,
                   r.instrument.toString() + ": the alert \"" + describe(r) + "\" expired at " + minuteUtc(r.expiresAtMs) +
                       "; it is now disabled",
                   true});
    return true;
}

bool AlertEngine::mayFire(const State& s, std::int64_t timeMs, std::int64_t barMs) {
    switch (s.rule.trigger) {
    case Trigger::Once:
        return true;
    case Trigger::OncePerBar:
        return barMs != s.lastBarFired;
    case Trigger::EveryTime:
        return s.rule.lastFiredMs == 0 || timeMs - s.rule.lastFiredMs >= s.rule.cooldownMs;
    }
    return false;
}

bool AlertEngine::fire(State& s, std::int64_t timeMs, std::int64_t barMs, const Price& price, const std::string& what,
                       std::vector<AlertEvent>& out) {
    AlertRule& r = s.rule;
    if (!mayFire(s, timeMs, barMs)) return false;
    s.lastBarFired = barMs;
    r.lastFiredMs = timeMs;
    ++r.fireCount;
    const bool disable = r.trigger == Trigger::Once;
    if (disable) r.enabled = false;
    std::string message = r.instrument.toString() + " " + what;
    if (!r.note.empty()) message.append(" — ").append(r.note);
    out.push_back({r.id, r.instrument, EventKind::Fired, timeMs, price, std::move(message), disable});
    return true;
}

std::vector<AlertEvent> AlertEngine::onPrice(const InstrumentId& id, std::int64_t timeMs, const Price& price) {
    std::vector<AlertEvent> out;
    auto it = m_priceRules.find(id);
    if (it == m_priceRules.end()) return out;
    bool disabled = false;
    for (State* s : it->second) {
        AlertRule& r = s->rule;
        if (expireIfDue(*s, timeMs, price, out)) {
            disabled = true;
            continue;
        }
        const std::optional<Price> prev = s->prevPrice;
        s->prevPrice = price;
        bool hit = false;
        const char* verb = "";
        switch (r.condition) {
        case Condition::CrossesAbove:
            hit = prev && *prev < r.level && price >= r.level;
            verb = "crossed above ";
            break;
        case Condition::CrossesBelow:
            hit = prev && *prev > r.level && price <= r.level;
            verb = "crossed below ";
            break;
        case Condition::GoesAbove:
            hit = price > r.level;
            verb = "is above ";
            break;
        case Condition::GoesBelow:
            hit = price < r.level;
            verb = "is below ";
            break;
        case Condition::Formula:
        case Condition::Signal:
            break;
        }
        // The trigger mode first: a level held for hours must not format a message per tick.
        if (!hit || !mayFire(*s, timeMs, bucketStart(r.timeframe, timeMs))) continue;
        std::string what =
            std::string(verb).append(r.level.toString()).append(" (last price ").append(price.toString()).append(" at ");
        what.append(minuteUtc(timeMs)).append(")");
        if (fire(*s, timeMs, bucketStart(r.timeframe, timeMs), price, what, out) && !r.enabled) disabled = true;
    }
    if (disabled) {
        std::erase_if(it->second, [](const State* s) { return !s->rule.enabled; });
        if (it->second.empty()) m_priceRules.erase(it);
    }
    return out;
}

Timeframe AlertEngine::sourceOf(Timeframe tf) const {
    return m_base && tf != *m_base && storage::tilesInto(*m_base, tf) ? *m_base : tf;
}

std::vector<AlertEvent> AlertEngine::onBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    std::vector<AlertEvent> out;
    if (!bar.closed) return out;
    evaluateBar(id, tf, bar, out);
    if (!m_base || tf != *m_base) return out;
    // Coarser series of this instrument with rules: aggregate (the keys first: evaluation may
    // drop a series whose last rule got disabled).
    std::vector<Timeframe> coarser;
    for (auto it = m_barRules.lower_bound({id, Timeframe::S1}); it != m_barRules.end() && it->first.first == id; ++it)
        if (it->first.second != tf && storage::tilesInto(tf, it->first.second)) coarser.push_back(it->first.second);
    for (Timeframe htf : coarser) {
        const std::int64_t bucket = bucketStart(htf, bar.openTimeMs);
        auto p = m_partial.find({id, htf});
        if (p != m_partial.end() && p->second.openTimeMs != bucket) {
            // The previous bucket's last bars never came: evaluate what it had.
            Bar done = p->second;
            done.closed = true;
            m_partial.erase(p);
            evaluateBar(id, htf, done, out);
            p = m_partial.end();
        }
        if (p == m_partial.end()) {
            Bar first = bar;
            first.openTimeMs = bucket;
            p = m_partial.insert_or_assign({id, htf}, first).first;
        } else if (auto merged = storage::mergeBar(p->second, bar); merged) {
            p->second = *merged;
        }
        if (nextBucketStart(tf, bar.openTimeMs) >= nextBucketStart(htf, bucket)) {
            Bar done = p->second;
            done.closed = true;
            m_partial.erase(p);
            evaluateBar(id, htf, done, out);
        }
    }
    return out;
}

void AlertEngine::evaluateBar(const InstrumentId& id, Timeframe tf, const Bar& bar, std::vector<AlertEvent>& out) {
    auto it = m_barRules.find({id, tf});
    if (it == m_barRules.end()) return;
    const std::int64_t closeMs = nextBucketStart(tf, bar.openTimeMs);
    const indicators::FormulaBar fb{bar.openTimeMs,     bar.open.toDouble(),  bar.high.toDouble(),
                                    bar.low.toDouble(), bar.close.toDouble(), bar.volume.toDouble()};
    bool disabled = false;
    for (State* s : it->second) {
        if (s->rule.condition != Condition::Formula || !s->formula || bar.openTimeMs <= s->lastBarOpen) continue;
        s->formula->push(fb);
        s->lastBarOpen = bar.openTimeMs;
        if (expireIfDue(*s, closeMs, bar.close, out)) {
            disabled = true;
            continue;
        }
        const double v = s->formula->value();
        const bool held = std::isfinite(v) && v != 0;
        const bool wasHeld = s->prevHeld;
        s->prevHeld = held;
        if (!held || (s->rule.trigger != Trigger::OncePerBar && wasHeld)) continue;
        std::string what = "formula " + s->rule.formula + " became true";
        if (s->rule.trigger == Trigger::OncePerBar) what = "formula " + s->rule.formula + " holds";
        what.append(" on the ").append(toString(tf)).append(" bar closing ").append(minuteUtc(closeMs));
        what.append(" (close ").append(bar.close.toString()).append(")");
        if (fire(*s, closeMs, bar.openTimeMs, bar.close, what, out) && !s->rule.enabled) disabled = true;
    }
    if (disabled) {
        std::erase_if(it->second, [](const State* s) { return !s->rule.enabled; });
        if (it->second.empty()) m_barRules.erase(it);
    }
}

std::vector<AlertEvent> AlertEngine::onSignal(const InstrumentId& id, Timeframe tf, const signal::Signal& sig) {
    std::vector<AlertEvent> out;
    m_lastSignal.insert_or_assign({id, tf}, sig);
    auto it = m_barRules.find({id, tf});
    if (it == m_barRules.end()) return out;
    const Price entry = priceOf(sig.entry);
    bool disabled = false;
    for (State* s : it->second) {
        if (s->rule.condition != Condition::Signal || sig.barOpenMs <= s->lastBarOpen) continue;
        s->lastBarOpen = sig.barOpenMs;
        if (expireIfDue(*s, sig.timeMs, entry, out)) {
            disabled = true;
            continue;
        }
        const bool held = signalMatches(s->rule, sig);
        const bool wasHeld = s->prevHeld;
        s->prevHeld = held;
        if (!held || (s->rule.trigger != Trigger::OncePerBar && wasHeld)) continue;
        std::string what = signal::toString(sig.side) + " signal, confidence " + std::to_string(sig.confidence) + ", on the ";
        what.append(toString(tf))
            .append(" bar closing ")
            .append(minuteUtc(sig.timeMs))
            .append(" (entry ")
            .append(entry.toTrimmedString());
        if (!sig.reasons.empty()) {
            what.append("; ");
            for (std::size_t i = 0; i < sig.reasons.size() && i < 3; ++i) what.append(i ? ", " : "").append(sig.reasons[i]);
        }
        what.append(")");
        if (fire(*s, sig.timeMs, sig.barOpenMs, entry, what, out) && !s->rule.enabled) disabled = true;
    }
    if (disabled) {
        std::erase_if(it->second, [](const State* s) { return !s->rule.enabled; });
        if (it->second.empty()) m_barRules.erase(it);
    }
    return out;
}

std::vector<AlertEvent> AlertEngine::expireUntil(std::int64_t nowMs) {
    return expireDue([nowMs](const InstrumentId&) { return nowMs; });
}

std::vector<AlertEvent> AlertEngine::expireDue(const std::function<std::int64_t(const InstrumentId&)>& nowOf) {
    std::vector<AlertEvent> out;
    for (auto& [id, s] : m_rules) {
        if (!s->rule.enabled || s->rule.expiresAtMs <= 0) continue;
        if (expireIfDue(*s, nowOf(s->rule.instrument), s->prevPrice.value_or(Price{}), out)) unindex(s.get());
    }
    return out;
}

}  // namespace kairos::alerts
