#include "backtest/formulastrategy.h"

#include "trading/venuerules.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

namespace kairos::backtest {

namespace {

bool holds(double v) { return !std::isnan(v) && v != 0; }

/// A formula price at the bar's price scale (or the tick's, when finer), rounded with `mode` and
/// then to the tick; nullopt when undefined or not positive.
std::optional<Price> toPrice(double v, const Bar& bar, const Instrument& instrument, RoundingMode mode) {
    if (!std::isfinite(v) || v <= 0) return std::nullopt;
    const int scale = std::max(bar.close.scale(), instrument.tickSize.scale());
    const double scaled = v * static_cast<double>(kairos::detail::pow10(scale));
    if (scaled >= 9.2e18) return std::nullopt;
    const double r = mode == RoundingMode::Floor ? std::floor(scaled) : std::ceil(scaled);
    auto p = trading::roundToTick(Price::fromRaw(static_cast<std::int64_t>(r), scale), instrument, mode);
    if (!p || p->isZero() || p->isNegative()) return std::nullopt;
    return *p;
}

Result<std::optional<indicators::Formula>> parseOptional(const std::string& what, const std::string& text) {
    if (text.empty()) return std::optional<indicators::Formula>{};
    auto f = indicators::Formula::parse(text);
    if (!f) return makeError(what + ": " + f.message());
    return std::optional<indicators::Formula>(std::move(*f));
}

}  // namespace

namespace {

bool nameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool nameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

/// Walks the placeholders of `text`: `onText(piece)` for the text between them, `onName(name)` for
/// each; Error at a '{' that opens none.
template <class OnText, class OnName>
Status walkPlaceholders(std::string_view text, OnText onText, OnName onName) {
    std::size_t from = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') continue;
        std::size_t j = i + 1;
        if (j < text.size() && nameStart(text[j]))
            while (j < text.size() && nameChar(text[j])) ++j;
        if (j == i + 1 || j >= text.size() || text[j] != '}')
            return makeError("column " + std::to_string(i + 1) +
                             ": '{' opens no parameter placeholder (write {NAME}, NAME a letter or _ then letters, digits or _)");
        onText(text.substr(from, i - from));
        onName(std::string(text.substr(i + 1, j - i - 1)));
        from = j + 1;
        i = j;
    }
    onText(text.substr(from));
    return {};
}

}  // namespace

Result<std::vector<std::string>> formulaPlaceholders(std::string_view text) {
    std::vector<std::string> names;
    auto st = walkPlaceholders(
        text, [](std::string_view) {},
        [&](const std::string& n) {
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
        });
    if (!st) return st.error();
    return names;
}

Result<std::vector<std::string>> formulaPlaceholders(const FormulaStrategySettings& s) {
    std::vector<std::string> names;
    for (const auto& [what, text] :
         {std::pair{"entry", &s.entry}, std::pair{"exit", &s.exit}, std::pair{"stop", &s.stop}, std::pair{"target", &s.target}}) {
        auto found = formulaPlaceholders(*text);
        if (!found) return makeError(std::string(what) + ": " + found.message());
        for (std::string& n : *found)
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
    }
    return names;
}

Result<std::string> fillPlaceholders(std::string_view text, const ParamValues& values) {
    std::string out;
    std::vector<std::string> missing;
    auto st = walkPlaceholders(
        text, [&](std::string_view piece) { out += piece; },
        [&](const std::string& n) {
            const auto it = values.find(n);
            if (it == values.end()) {
                if (std::find(missing.begin(), missing.end(), n) == missing.end()) missing.push_back(n);
                return;
            }
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.10g", it->second);
            out += buf;
        });
    if (!st) return st.error();
    if (!missing.empty()) {
        std::string list;
        for (const std::string& n : missing) list += (list.empty() ? "{" : ", {") + n + "}";
        return makeError("no value for the placeholder" + std::string(missing.size() > 1 ? "s " : " ") + list);
    }
    return out;
}

Result<FormulaStrategySettings> fillPlaceholders(const FormulaStrategySettings& s, const ParamValues& values) {
    FormulaStrategySettings out = s;
    for (const auto& [what, text] : {std::pair{"entry", &out.entry}, std::pair{"exit", &out.exit}, std::pair{"stop", &out.stop},
                                     std::pair{"target", &out.target}}) {
        auto filled = fillPlaceholders(*text, values);
        if (!filled) return makeError(std::string(what) + ": " + filled.message());
        *text = std::move(*filled);
    }
    if (const auto it = values.find("short"); it != values.end()) {
        if (it->second != 0 && it->second != 1) return makeError("short takes 0 or 1");
        out.shortEntries = it->second == 1;
    }
    return out;
}

std::string FormulaStrategy::label(const FormulaStrategySettings& s) {
    std::string out = "formula: entry \"" + s.entry + "\"";
    if (!s.exit.empty()) out += ", exit \"" + s.exit + "\"";
    if (!s.stop.empty()) out += ", stop \"" + s.stop + "\"";
    if (!s.target.empty()) out += ", target \"" + s.target + "\"";
    return out + ", " + describe(s.sizing) + (s.shortEntries ? ", short entries" : ", long only");
}

Result<std::unique_ptr<FormulaStrategy>> FormulaStrategy::create(const FormulaStrategySettings& s) {
    if (s.entry.empty()) return makeError("entry: a formula strategy needs an entry condition");
    auto entry = indicators::Formula::parse(s.entry);
    if (!entry) return makeError("entry: " + entry.message());
    auto exit = parseOptional("exit", s.exit);
    if (!exit) return exit.error();
    auto stop = parseOptional("stop", s.stop);
    if (!stop) return stop.error();
    auto target = parseOptional("target", s.target);
    if (!target) return target.error();
    if (auto st = validate(s.sizing); !st) return st.error();
    if (!*stop)
        if (auto st = requireStopForRiskSizing(s.sizing, "this formula strategy (no --stop)"); !st) return st.error();
    return std::make_unique<FormulaStrategy>(s, std::move(*entry), std::move(*exit), std::move(*stop), std::move(*target));
}

FormulaStrategy::FormulaStrategy(const FormulaStrategySettings& s, indicators::Formula entry,
                                 std::optional<indicators::Formula> exit, std::optional<indicators::Formula> stop,
                                 std::optional<indicators::Formula> target)
    : RuleStrategy(label(s), s.sizing, s.shortEntries),
      m_short(s.shortEntries),
      m_entry(std::move(entry)),
      m_exit(std::move(exit)),
      m_stop(std::move(stop)),
      m_target(std::move(target)) {}

Decision FormulaStrategy::decide(const Bar& bar, std::int64_t closeTimeMs) {
    const indicators::FormulaBar fb{bar.openTimeMs,       bar.open.toDouble(),   bar.high.toDouble(), bar.low.toDouble(),
                                    bar.close.toDouble(), bar.volume.toDouble(), closeTimeMs};
    m_entry.push(fb);
    Decision d;
    const bool in = holds(m_entry.value());
    bool out = false;
    if (m_exit) {
        m_exit->push(fb);
        out = holds(m_exit->value());
    }
    if (m_stop) {
        m_stop->push(fb);
        m_stopValue = m_stop->value();
    }
    if (m_target) {
        m_target->push(fb);
        m_targetValue = m_target->value();
    }
    if (m_short) {
        d.enterShort = in;
        d.exitShort = out;
    } else {
        d.enterLong = in;
        d.exitLong = out;
    }
    return d;
}

bool FormulaStrategy::enter(Side side, const Bar& bar, StrategyContext& ctx) {
    const bool isLong = side == Side::Buy;
    const Instrument& inst = ctx.instrument();
    trading::OrderRequest r;
    // Stops and targets are rounded away from the entry.
    if (m_stop) r.bracket.stopLoss = toPrice(m_stopValue, bar, inst, isLong ? RoundingMode::Floor : RoundingMode::Ceiling);
    if (m_target) r.bracket.takeProfit = toPrice(m_targetValue, bar, inst, isLong ? RoundingMode::Ceiling : RoundingMode::Floor);
    auto qty = entryQuantity(sizing(), bar.close, ctx.equity(), inst, r.bracket.stopLoss);
    if (!qty) return false;
    r.instrument = inst.id;
    r.side = side;
    r.type = trading::OrderType::Market;
    r.quantity = *qty;
    r.clientOrderId = isLong ? "entry-long" : "entry-short";
    return ctx.submit(r).ok();  // rejected (e.g. a stop on the wrong side of the price): no trade
}

}  // namespace kairos::backtest
