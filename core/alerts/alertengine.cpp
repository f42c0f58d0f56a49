#include "alerts/alertengine.h"

#include "indicators/formula.h"
#include "storage/barhistory.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <optional>
#include <tuple>

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

/// The drawing's price at time t (the anchors' straight line, extended; a horizontal line's price).
std::optional<double> linePrice(const storage::Drawing& d, std::int64_t t) {
    if (d.anchors.empty()) return std::nullopt;
    const auto& a = d.anchors[0];
    if (d.kind == storage::DrawingKind::HorizontalLine || d.anchors.size() < 2) return a.price;
    const auto& b = d.anchors[1];
    if (b.timeMs == a.timeMs) return std::nullopt;
    return a.price + (b.price - a.price) * (static_cast<double>(t - a.timeMs) / static_cast<double>(b.timeMs - a.timeMs));
}
bool isLineDrawing(storage::DrawingKind k) {
    return k == storage::DrawingKind::TrendLine || k == storage::DrawingKind::Ray || k == storage::DrawingKind::HorizontalLine;
}

/// The mean of bid and ask, exact (one more decimal place).
std::optional<Price> midOf(const Price& bid, const Price& ask) {
    const int scale = std::max(bid.scale(), ask.scale());
    auto b = bid.rescaled(scale, RoundingMode::Exact);
    auto a = ask.rescaled(scale, RoundingMode::Exact);
    if (!b || !a || scale >= 18) return std::nullopt;
    return Price::fromRaw((b->raw() + a->raw()) * 5, scale + 1);
}

bool directionHolds(SignalSide side, double change, double threshold) {
    switch (side) {
    case SignalSide::Long:
        return change >= threshold;
    case SignalSide::Short:
        return change <= -threshold;
    case SignalSide::Either:
        return std::fabs(change) >= threshold;
    }
    return false;
}

std::string percentText(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.2f %%", v);
    return buf;
}

bool isBarIndexed(Condition c) { return !isPriceCondition(c); }
}  // namespace

struct AlertEngine::State {
    AlertRule rule;
    State* group = nullptr;                       ///< a watchlist rule's member: the rule itself
    std::vector<std::unique_ptr<State>> members;  ///< a watchlist rule: one state per symbol
    std::optional<Price> prevPrice;               ///< tick rules: the last price this rule saw
    std::int64_t prevTimeMs = 0;                  ///< and its time
    std::int64_t lastBarFired = kNever;           ///< bucket (bar open) of the last firing, for once-per-bar
    std::optional<indicators::Formula> formula;
    std::int64_t lastBarOpen = kNever;                   ///< bar rules: the last bar evaluated
    bool prevHeld = false;                               ///< bar rules: the condition held on the last bar
    std::deque<std::pair<std::int64_t, double>> closes;  ///< move / 24h change: (close time, close) of closed bars
    std::deque<double> volumes;                          ///< volume spike: the last volumeBars + 1 volumes
    std::optional<storage::Drawing> drawing;             ///< drawing rules: the drawing as last read
    std::optional<signal::SignalEngine> signals;         ///< signal rules on aggregated bars: their own engine

    /// Move and volume-spike rules: takes a closed bar; whether the condition holds on it, and
    /// the words saying what happened.
    std::pair<bool, std::string> barStep(std::int64_t closeMs, double close, double volume);
};

std::pair<bool, std::string> AlertEngine::State::barStep(std::int64_t closeMs, double close, double volume) {
    const AlertRule& r = rule;
    bool held = false;
    std::string what;
    if (r.condition == Condition::MovePercent) {
        std::optional<double> ref;
        if (r.windowBars > 0) {
            const auto n = static_cast<std::size_t>(r.windowBars);
            if (closes.size() >= n) ref = closes[closes.size() - n].second;
            while (closes.size() > n) closes.pop_front();
        } else {
            const std::int64_t from = closeMs - r.windowMs;
            while (closes.size() >= 2 && closes[1].first <= from) closes.pop_front();
            if (!closes.empty() && closes.front().first <= from) ref = closes.front().second;
        }
        closes.emplace_back(closeMs, close);
        if (ref && *ref > 0) {
            const double change = (close / *ref - 1) * 100;
            held = directionHolds(r.signalSide, change, r.percent);
            what = "moved " + percentText(change) + " (" + describe(r) + ")";
        }
    } else if (r.condition == Condition::VolumeSpike) {
        const auto n = static_cast<std::size_t>(r.volumeBars);
        if (volumes.size() >= n) {
            double sum = 0;
            for (std::size_t k = volumes.size() - n; k < volumes.size(); ++k) sum += volumes[k];
            const double mean = sum / static_cast<double>(n);
            held = mean > 0 && volume >= r.volumeFactor * mean;
            char buf[96];
            std::snprintf(buf, sizeof buf, "volume %.8g is %.2f x the %d-bar average", volume, mean > 0 ? volume / mean : 0.0,
                          r.volumeBars);
            what = buf;
        }
        volumes.push_back(volume);
        while (volumes.size() > n) volumes.pop_front();
    }
    return {held, what};
}

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
    if (rule.watchlistId > 0) {
        if (rule.enabled) buildMembers(*raw);
        return raw;
    }
    if (rule.enabled) {
        warm(*raw);
        index(raw);
    }
    return raw;
}

void AlertEngine::buildMembers(State& parent) {
    // Keep the state of symbols that stay; new symbols start afresh.
    std::vector<std::unique_ptr<State>> old = std::move(parent.members);
    parent.members.clear();
    for (auto& m : old) unindex(m.get());
    auto it = m_watchlists.find(parent.rule.watchlistId);
    if (it == m_watchlists.end()) return;
    for (const InstrumentId& inst : it->second) {
        auto same = std::find_if(old.begin(), old.end(), [&](const auto& m) { return m && m->rule.instrument == inst; });
        std::unique_ptr<State> m;
        if (same != old.end()) {
            m = std::move(*same);
        } else {
            m = std::make_unique<State>();
            m->rule = parent.rule;
            m->rule.instrument = inst;
            m->lastBarFired = parent.lastBarFired;
            m->group = &parent;
            warm(*m);
        }
        m->rule.enabled = parent.rule.enabled;
        if (parent.rule.enabled) index(m.get());
        parent.members.push_back(std::move(m));
    }
}

void AlertEngine::setWatchlist(std::int64_t watchlistId, const std::vector<InstrumentId>& members) {
    m_watchlists[watchlistId] = members;
    for (auto& [id, s] : m_rules)
        if (s->rule.watchlistId == watchlistId && s->rule.enabled) buildMembers(*s);
}

std::vector<Bar> AlertEngine::historyFor(const AlertRule& r) {
    if (!m_history) return {};
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
    return history;
}

namespace {
indicators::FormulaBar formulaBar(const Bar& b, Timeframe tf) {
    return {b.openTimeMs,
            b.open.toDouble(),
            b.high.toDouble(),
            b.low.toDouble(),
            b.close.toDouble(),
            b.volume.toDouble(),
            nextBucketStart(tf, b.openTimeMs)};
}
}  // namespace

void AlertEngine::warm(State& s) {
    const AlertRule& r = s.rule;
    s.prevPrice.reset();
    s.prevTimeMs = 0;
    s.lastBarOpen = kNever;
    s.prevHeld = false;
    s.closes.clear();
    s.volumes.clear();
    s.drawing.reset();
    switch (r.condition) {
    case Condition::Formula: {
        auto f = indicators::Formula::parse(r.formula);
        if (!f) return;  // validate() refused it already
        s.formula.emplace(std::move(*f));
        for (const Bar& b : historyFor(r)) {
            if (!b.closed || b.openTimeMs <= s.lastBarOpen) continue;
            s.formula->push(formulaBar(b, r.timeframe));
            s.lastBarOpen = b.openTimeMs;
        }
        const double v = s.formula->value();
        s.prevHeld = std::isfinite(v) && v != 0;
        break;
    }
    case Condition::Signal: {
        if (sourceOf(r.timeframe) != r.timeframe) {
            // Bars aggregated from the base: the rule runs the signal engine on them itself, warmed
            // up on the history; the signal on the last bar is its state, not a new one.
            s.signals.emplace();
            for (const Bar& b : historyFor(r)) {
                if (!b.closed || b.openTimeMs <= s.lastBarOpen) continue;
                s.lastBarOpen = b.openTimeMs;
                if (auto sig = s.signals->onBar(b, nextBucketStart(r.timeframe, b.openTimeMs)))
                    s.prevHeld = signalMatches(r, *sig);
            }
            break;
        }
        s.signals.reset();
        // Bars already signalled before the rule existed do not count as new.
        auto it = m_lastSignal.find({r.instrument, r.timeframe});
        if (it != m_lastSignal.end()) {
            s.lastBarOpen = it->second.barOpenMs;
            s.prevHeld = signalMatches(r, it->second);
        }
        break;
    }
    case Condition::Change24h:
        for (const Bar& b : historyFor(r))
            if (b.closed && b.openTimeMs > s.lastBarOpen) {
                s.lastBarOpen = b.openTimeMs;
                s.closes.emplace_back(nextBucketStart(r.timeframe, b.openTimeMs), b.close.toDouble());
            }
        break;
    case Condition::MovePercent:
    case Condition::VolumeSpike:
        // The warm-up fills the windows; whether it held on the last bar is kept so that a "becomes
        // true" rule does not fire for the state it was created in.
        for (const Bar& b : historyFor(r))
            if (b.closed && b.openTimeMs > s.lastBarOpen) {
                s.lastBarOpen = b.openTimeMs;
                s.prevHeld = s.barStep(nextBucketStart(r.timeframe, b.openTimeMs), b.close.toDouble(), b.volume.toDouble()).first;
            }
        break;
    case Condition::CrossesDrawing:
        if (m_drawings) s.drawing = m_drawings(r.instrument, r.drawingId);
        break;
    default:
        break;
    }
}

void AlertEngine::index(State* s) {
    const AlertRule& r = s->rule;
    if (r.server) return;  // kairosd evaluates it (AlertRule::server); the terminal shows the server's firings
    if (isTickCondition(r.condition)) {
        auto& map = r.priceSource == PriceSource::Last || !isPriceCondition(r.condition) ? m_priceRules : m_quoteRules;
        map[r.instrument].push_back(s);
    }
    if (isBarIndexed(r.condition)) m_barRules[{r.instrument, r.timeframe}].push_back(s);
}

void AlertEngine::unindex(State* s) {
    const AlertRule& r = s->rule;
    for (auto* map : {&m_priceRules, &m_quoteRules}) {
        auto it = map->find(r.instrument);
        if (it == map->end()) continue;
        std::erase(it->second, s);
        if (it->second.empty()) map->erase(it);
    }
    auto it = m_barRules.find({r.instrument, r.timeframe});
    if (it == m_barRules.end()) return;
    std::erase(it->second, s);
    if (it->second.empty()) m_barRules.erase(it);
}

void AlertEngine::removeRule(std::int64_t id) {
    auto it = m_rules.find(id);
    if (it == m_rules.end()) return;
    for (auto& m : it->second->members) unindex(m.get());
    unindex(it->second.get());
    m_rules.erase(it);
}

bool AlertEngine::setEnabled(std::int64_t id, bool enabled) {
    auto it = m_rules.find(id);
    if (it == m_rules.end()) return false;
    State* s = it->second.get();
    if (s->rule.enabled == enabled) return true;
    s->rule.enabled = enabled;
    if (s->rule.watchlistId > 0) {
        if (enabled) {
            // Afresh, as an edit: every symbol starts with a new state.
            for (auto& m : s->members) unindex(m.get());
            s->members.clear();
            buildMembers(*s);
        } else {
            disableGroup(*s, nullptr);
        }
        return true;
    }
    if (enabled) {
        warm(*s);
        index(s);
    } else {
        unindex(s);
    }
    return true;
}

void AlertEngine::disableGroup(State& s, const State* keep) {
    State& parent = s.group ? *s.group : s;
    parent.rule.enabled = false;
    for (auto& m : parent.members) {
        m->rule.enabled = false;
        if (m.get() != keep) unindex(m.get());
    }
}

const AlertRule* AlertEngine::rule(std::int64_t id) const {
    auto it = m_rules.find(id);
    return it == m_rules.end() ? nullptr : &it->second->rule;
}

std::optional<bool> AlertEngine::heldOnLastBar(std::int64_t id) const {
    auto it = m_rules.find(id);
    if (it == m_rules.end()) return std::nullopt;
    const State& s = *it->second;
    const Condition c = s.rule.condition;
    if (s.rule.watchlistId > 0 || s.lastBarOpen == kNever ||
        (c != Condition::Formula && c != Condition::MovePercent && c != Condition::VolumeSpike))
        return std::nullopt;
    return s.prevHeld;
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
    if (s.group) disableGroup(s, &s);
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
    if (s.group) {
        s.group->rule.lastFiredMs = timeMs;
        ++s.group->rule.fireCount;
        if (disable) disableGroup(s, &s);
    }
    std::string message = r.instrument.toString() + " " + what;
    if (!r.note.empty()) message.append(" — ").append(r.note);
    out.push_back({r.id, r.instrument, EventKind::Fired, timeMs, price, std::move(message), disable});
    return true;
}

bool AlertEngine::evaluateTick(State& s, std::int64_t timeMs, const Price& price, std::vector<AlertEvent>& out) {
    AlertRule& r = s.rule;
    if (expireIfDue(s, timeMs, price, out)) return true;
    const std::optional<Price> prev = s.prevPrice;
    const std::int64_t prevTime = s.prevTimeMs;
    s.prevPrice = price;
    s.prevTimeMs = timeMs;
    bool hit = false;
    const char* verb = "";
    std::string detail;
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
    case Condition::EntersChannel:
    case Condition::LeavesChannel: {
        const Price& lo = r.level < r.level2 ? r.level : r.level2;
        const Price& hi = r.level < r.level2 ? r.level2 : r.level;
        const auto inside = [&](const Price& p) { return p >= lo && p <= hi; };
        if (r.condition == Condition::EntersChannel) {
            hit = prev && !inside(*prev) && inside(price);
            verb = "entered the channel ";
        } else {
            hit = prev && inside(*prev) && !inside(price);
            verb = "left the channel ";
        }
        if (hit) detail = lo.toString() + " .. " + hi.toString();
        break;
    }
    case Condition::Change24h: {
        // The reference: the last close at or before 24 h ago; older ones are no longer needed.
        const std::int64_t from = timeMs - 86'400'000;
        while (s.closes.size() >= 2 && s.closes[1].first <= from) s.closes.pop_front();
        if (s.closes.empty() || s.closes.front().first > from || s.closes.front().second <= 0) break;
        const double change = (price.toDouble() / s.closes.front().second - 1) * 100;
        hit = directionHolds(r.signalSide, change, r.percent);
        verb = "changed ";
        if (hit) detail = percentText(change) + " in 24h";
        break;
    }
    case Condition::CrossesDrawing: {
        if (!s.drawing || !prev) break;
        const auto now = linePrice(*s.drawing, bucketStart(r.timeframe, timeMs));
        const auto before = linePrice(*s.drawing, bucketStart(r.timeframe, prevTime));
        if (!now || !before) break;
        const double p = price.toDouble(), q = prev->toDouble();
        const bool up = q < *before && p >= *now;
        const bool down = q > *before && p <= *now;
        hit = r.signalSide == SignalSide::Long ? up : r.signalSide == SignalSide::Short ? down : up || down;
        verb = up ? "crossed above the drawn line " : "crossed below the drawn line ";
        if (hit) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.8g", *now);
            detail = std::string("at ") + buf;
        }
        break;
    }
    default:
        break;
    }
    // The trigger mode first: a level held for hours must not format a message per tick.
    if (!hit || !mayFire(s, timeMs, bucketStart(r.timeframe, timeMs))) return false;
    std::string what(verb);
    what.append(detail.empty() ? r.level.toString() : detail).append(" (");
    what.append(r.priceSource == PriceSource::Last || !isPriceCondition(r.condition)
                    ? "last price "
                    : std::string(toString(r.priceSource)) + " ");
    what.append(price.toString()).append(" at ").append(minuteUtc(timeMs)).append(")");
    return fire(s, timeMs, bucketStart(r.timeframe, timeMs), price, what, out) && !r.enabled;
}

std::vector<AlertEvent> AlertEngine::onPrice(const InstrumentId& id, std::int64_t timeMs, const Price& price) {
    std::vector<AlertEvent> out;
    auto it = m_priceRules.find(id);
    if (it == m_priceRules.end()) return out;
    bool disabled = false;
    for (State* s : it->second)
        if (evaluateTick(*s, timeMs, price, out)) disabled = true;
    if (disabled) {
        std::erase_if(it->second, [](const State* s) { return !s->rule.enabled; });
        if (it->second.empty()) m_priceRules.erase(it);
        // A disabled 24h-change or drawing rule is in the bar index too.
        for (auto b = m_barRules.begin(); b != m_barRules.end();) {
            std::erase_if(b->second, [](const State* s) { return !s->rule.enabled; });
            b = b->second.empty() ? m_barRules.erase(b) : std::next(b);
        }
    }
    return out;
}

std::vector<AlertEvent> AlertEngine::onQuote(const InstrumentId& id, const Quote& q) {
    std::vector<AlertEvent> out;
    auto it = m_quoteRules.find(id);
    if (it == m_quoteRules.end()) return out;
    const bool hasBid = q.bid.raw() > 0, hasAsk = q.ask.raw() > 0;
    const std::optional<Price> mid = hasBid && hasAsk ? midOf(q.bid, q.ask) : std::nullopt;
    bool disabled = false;
    for (State* s : it->second) {
        std::optional<Price> p;
        switch (s->rule.priceSource) {
        case PriceSource::Bid:
            if (hasBid) p = q.bid;
            break;
        case PriceSource::Ask:
            if (hasAsk) p = q.ask;
            break;
        case PriceSource::Mid:
            p = mid;
            break;
        case PriceSource::Last:
            break;
        }
        if (p && evaluateTick(*s, q.timeMs, *p, out)) disabled = true;
    }
    if (disabled) {
        std::erase_if(it->second, [](const State* s) { return !s->rule.enabled; });
        if (it->second.empty()) m_quoteRules.erase(it);
    }
    return out;
}

std::vector<AlertEvent> AlertEngine::drawingChanged(const InstrumentId& id, std::int64_t drawingId) {
    std::vector<AlertEvent> out;
    std::vector<State*> hit;
    for (auto& [rid, s] : m_rules)
        if (s->rule.enabled && s->rule.condition == Condition::CrossesDrawing && s->rule.drawingId == drawingId &&
            s->rule.instrument == id)
            hit.push_back(s.get());
    for (State* s : hit) {
        s->drawing = m_drawings ? m_drawings(id, drawingId) : std::nullopt;
        if (s->drawing && isLineDrawing(s->drawing->kind)) continue;
        AlertRule& r = s->rule;
        r.enabled = false;
        unindex(s);
        out.push_back({r.id, r.instrument, EventKind::Disabled, s->prevTimeMs, s->prevPrice.value_or(Price{}),
                       r.instrument.toString() + ": the alert \"" + describe(r) +
                           "\" is now disabled: its drawing was deleted or is no longer a line",
                       true});
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
    const indicators::FormulaBar fb = formulaBar(bar, tf);
    const double close = bar.close.toDouble();
    const double volume = bar.volume.toDouble();
    bool disabled = false;
    std::vector<State*> gone;  // drawing rules whose drawing disappeared
    for (State* s : it->second) {
        const Condition c = s->rule.condition;
        if ((c == Condition::Signal && !s->signals) || bar.openTimeMs <= s->lastBarOpen) continue;
        if (c == Condition::Signal) {
            // Its own engine (aggregated bars); the signal is judged as the service's are.
            auto sig = s->signals->onBar(bar, closeMs);
            if (!sig)
                s->lastBarOpen = bar.openTimeMs;  // still warming up
            else if (signalStep(*s, tf, *sig, out) && !s->rule.enabled)
                disabled = true;
            continue;
        }
        s->lastBarOpen = bar.openTimeMs;
        if (c == Condition::Change24h) {
            s->closes.emplace_back(closeMs, close);
            continue;
        }
        if (c == Condition::CrossesDrawing) {
            // Follow the drawing: it may have been moved or deleted since the last bar.
            if (m_drawings) s->drawing = m_drawings(s->rule.instrument, s->rule.drawingId);
            if (!s->drawing || !isLineDrawing(s->drawing->kind)) gone.push_back(s);
            continue;
        }
        if (c == Condition::Formula && !s->formula) continue;
        if (c == Condition::Formula) s->formula->push(fb);
        if (expireIfDue(*s, closeMs, bar.close, out)) {
            disabled = true;
            continue;
        }
        bool held = false;
        std::string what;
        if (c == Condition::Formula) {
            const double v = s->formula->value();
            held = std::isfinite(v) && v != 0;
            what = "formula " + s->rule.formula + (s->rule.trigger == Trigger::OncePerBar ? " holds" : " became true");
        } else {
            std::tie(held, what) = s->barStep(closeMs, close, volume);
        }
        const bool wasHeld = s->prevHeld;
        s->prevHeld = held;
        if (!held || (s->rule.trigger != Trigger::OncePerBar && wasHeld)) continue;
        what.append(" on the ").append(toString(tf)).append(" bar closing ").append(minuteUtc(closeMs));
        what.append(" (close ").append(bar.close.toString()).append(")");
        if (fire(*s, closeMs, bar.openTimeMs, bar.close, what, out) && !s->rule.enabled) disabled = true;
    }
    for (State* s : gone) {
        AlertRule& r = s->rule;
        r.enabled = false;
        out.push_back({r.id, r.instrument, EventKind::Disabled, closeMs, bar.close,
                       r.instrument.toString() + ": the alert \"" + describe(r) +
                           "\" is now disabled: its drawing was deleted or is no longer a line",
                       true});
        disabled = true;
    }
    if (disabled) {
        std::vector<State*> off;
        for (State* s : it->second)
            if (!s->rule.enabled) off.push_back(s);
        std::erase_if(it->second, [](const State* s) { return !s->rule.enabled; });
        if (it->second.empty()) m_barRules.erase(it);
        for (State* s : off) unindex(s);  // tick indexes (24h change, drawing)
    }
}

std::vector<AlertEvent> AlertEngine::onSignal(const InstrumentId& id, Timeframe tf, const signal::Signal& sig) {
    std::vector<AlertEvent> out;
    m_lastSignal.insert_or_assign({id, tf}, sig);
    auto it = m_barRules.find({id, tf});
    if (it == m_barRules.end()) return out;
    bool disabled = false;
    for (State* s : it->second)
        if (s->rule.condition == Condition::Signal && !s->signals && signalStep(*s, tf, sig, out) && !s->rule.enabled)
            disabled = true;
    if (disabled) {
        std::erase_if(it->second, [](const State* s) { return !s->rule.enabled; });
        if (it->second.empty()) m_barRules.erase(it);
    }
    return out;
}

bool AlertEngine::signalStep(State& s, Timeframe tf, const signal::Signal& sig, std::vector<AlertEvent>& out) {
    if (sig.barOpenMs <= s.lastBarOpen) return false;
    s.lastBarOpen = sig.barOpenMs;
    const Price entry = priceOf(sig.entry);
    if (expireIfDue(s, sig.timeMs, entry, out)) return true;
    const bool held = signalMatches(s.rule, sig);
    const bool wasHeld = s.prevHeld;
    s.prevHeld = held;
    if (!held || (s.rule.trigger != Trigger::OncePerBar && wasHeld)) return false;
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
    return fire(s, sig.timeMs, sig.barOpenMs, entry, what, out);
}

std::vector<AlertEvent> AlertEngine::expireUntil(std::int64_t nowMs) {
    return expireDue([nowMs](const InstrumentId&) { return nowMs; });
}

std::vector<AlertEvent> AlertEngine::expireDue(const std::function<std::int64_t(const InstrumentId&)>& nowOf) {
    std::vector<AlertEvent> out;
    for (auto& [id, s] : m_rules) {
        if (!s->rule.enabled || s->rule.server || s->rule.expiresAtMs <= 0) continue;
        if (s->rule.watchlistId > 0) {
            // One Expired event for the rule, on the first symbol whose clock reached the expiry.
            for (auto& m : s->members)
                if (expireIfDue(*m, nowOf(m->rule.instrument), m->prevPrice.value_or(Price{}), out)) {
                    unindex(m.get());
                    break;
                }
            continue;
        }
        if (expireIfDue(*s, nowOf(s->rule.instrument), s->prevPrice.value_or(Price{}), out)) unindex(s.get());
    }
    return out;
}

}  // namespace kairos::alerts
