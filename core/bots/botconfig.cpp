#include "bots/botconfig.h"

#include <QByteArray>
#include <QCryptographicHash>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

namespace kairos::bots {

std::string_view toString(BotState state) {
    switch (state) {
    case BotState::Stopped:
        return "stopped";
    case BotState::Running:
        return "running";
    case BotState::Paused:
        return "paused";
    case BotState::Error:
        return "error";
    }
    return "stopped";
}

std::optional<BotState> botStateFromString(std::string_view text) {
    for (BotState s : {BotState::Stopped, BotState::Running, BotState::Paused, BotState::Error})
        if (toString(s) == text) return s;
    return std::nullopt;
}

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
    return std::string(s);
}

std::string number(double v) {
    if (std::floor(v) == v && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    std::ostringstream o;
    o.precision(15);
    o << v;
    return o.str();
}

Result<double> parseNumber(std::string_view text) {
    const std::string t = trim(text);
    double v = 0;
    const auto* end = t.data() + t.size();
    auto [p, ec] = std::from_chars(t.data(), end, v);
    if (t.empty() || ec != std::errc() || p != end || !std::isfinite(v)) return makeError("\"" + t + "\" is not a number");
    return v;
}

backtest::FormulaStrategySettings formulaSettings(const BotConfig& c) {
    backtest::FormulaStrategySettings s;
    s.entry = c.formula.entry;
    s.exit = c.formula.exit;
    s.stop = c.formula.stop;
    s.target = c.formula.target;
    s.shortEntries = c.formula.shortEntries;
    s.sizing = c.sizing;
    return s;
}

}  // namespace

std::string formatParams(const backtest::ParamValues& params) {
    std::string out;
    for (const auto& [k, v] : params) {  // std::map: sorted
        if (!out.empty()) out += ';';
        out += k + "=" + number(v);
    }
    return out;
}

Result<backtest::ParamValues> parseParams(std::string_view text) {
    backtest::ParamValues out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t semi = std::min(text.find(';', pos), text.size());
        const std::string piece = trim(text.substr(pos, semi - pos));
        pos = semi + 1;
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        if (eq == std::string::npos || eq == 0) return makeError("parameter \"" + piece + "\" is not KEY=NUMBER");
        auto v = parseNumber(std::string_view(piece).substr(eq + 1));
        if (!v) return makeError("parameter " + trim(piece.substr(0, eq)) + ": " + v.message());
        out[trim(piece.substr(0, eq))] = *v;
    }
    return out;
}

std::pair<std::string, std::string> formatSizing(const backtest::OrderSizing& s) {
    using K = backtest::OrderSizing::Kind;
    switch (s.kind) {
    case K::Quantity:
        return {"quantity", s.quantity.toTrimmedString()};
    case K::Notional:
        return {"notional", s.notional.toTrimmedString()};
    case K::PercentEquity:
        return {"percent_equity", number(s.percent)};
    case K::RiskPerTrade:
        return {"risk_per_trade", number(s.riskPercent)};
    }
    return {"percent_equity", number(s.percent)};
}

Result<backtest::OrderSizing> parseSizing(std::string_view kind, std::string_view value) {
    using K = backtest::OrderSizing::Kind;
    backtest::OrderSizing s;
    const std::string v(value);
    if (kind == "quantity") {
        auto q = Quantity::parse(v);
        if (!q) return makeError("sizing quantity \"" + v + "\": " + q.message());
        s.kind = K::Quantity;
        s.quantity = *q;
    } else if (kind == "notional") {
        auto m = Money::parse(v);
        if (!m) return makeError("sizing notional \"" + v + "\": " + m.message());
        s.kind = K::Notional;
        s.notional = *m;
    } else if (kind == "percent_equity" || kind == "risk_per_trade") {
        auto d = parseNumber(v);
        if (!d) return makeError("sizing " + std::string(kind) + ": " + d.message());
        s.kind = kind == "percent_equity" ? K::PercentEquity : K::RiskPerTrade;
        (kind == "percent_equity" ? s.percent : s.riskPercent) = *d;
    } else {
        return makeError("unknown sizing kind \"" + std::string(kind) + "\"");
    }
    if (auto st = backtest::validate(s); !st) return st.error();
    return s;
}

Status validate(const BotConfig& c) {
    const std::string name = trim(c.name);
    if (name.empty()) return makeError("a bot needs a name");
    if (name.size() > 80) return makeError("the bot's name is longer than 80 characters");
    if (c.symbols.empty()) return makeError("bot " + name + ": it needs at least one symbol");
    for (const std::string& s : c.symbols)
        if (trim(s).empty() || s.find(',') != std::string::npos)
            return makeError("bot " + name + ": \"" + s + "\" is not a symbol");
    if (c.accountId <= 0) return makeError("bot " + name + ": it needs a trading account");
    if (auto st = backtest::validate(c.sizing); !st) return makeError("bot " + name + ": " + st.message());
    if (auto made = makeStrategy(c); !made) return makeError("bot " + name + ": " + made.message());
    return {};
}

Result<std::unique_ptr<backtest::Strategy>> makeStrategy(const BotConfig& c) {
    if (c.strategyKind == StrategyKind::Formula) {
        auto f = backtest::FormulaStrategy::create(formulaSettings(c));
        if (!f) return f.error();
        return std::unique_ptr<backtest::Strategy>(std::move(*f));
    }
    const backtest::StrategyInfo* info = backtest::findBuiltin(c.strategy);
    if (!info) return makeError("unknown strategy \"" + c.strategy + "\" (built-ins: " + backtest::builtinNames() + ")");
    std::vector<std::pair<std::string, std::string>> given;
    for (const auto& [k, v] : c.params) given.emplace_back(k, number(v));
    auto values = backtest::resolveParams(*info, given);
    if (!values) return values.error();
    return backtest::makeBuiltin(info->name, *values, c.sizing);
}

std::string strategyLabel(const BotConfig& c) {
    if (c.strategyKind == StrategyKind::Formula) return "formula(entry=" + c.formula.entry + ")";
    const std::string p = formatParams(c.params);
    std::string commas = p;
    std::replace(commas.begin(), commas.end(), ';', ',');
    return c.strategy + "(" + commas + ")";
}

Result<InstrumentId> instrumentFor(std::string_view symbol, const trading::AccountInfo& account) {
    std::string t = trim(symbol);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (t.empty()) return makeError("a symbol is needed (e.g. BTCUSDT)");
    if (t.find(':') != std::string::npos) return InstrumentId::parse(t);
    const bool exchange = account.kind == trading::AccountKind::Testnet || account.kind == trading::AccountKind::Live;
    return InstrumentId{exchange && !account.venue.empty() ? account.venue : std::string("BINANCE"), t};
}

std::string botTag(std::int64_t botId, std::int64_t accountId, const InstrumentId& instrument) {
    const std::string identity = "bot/" + std::to_string(botId) + '/' + std::to_string(accountId) + '/' + instrument.toString();
    return "kb" +
        QCryptographicHash::hash(QByteArray::fromStdString(identity), QCryptographicHash::Sha256).toHex().left(6).toStdString();
}

}  // namespace kairos::bots
