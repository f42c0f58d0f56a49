#include "backtest/builtins.h"

#include "backtest/signalstrategy.h"
#include "indicators/indicators.h"
#include "trading/venuerules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace kairos::backtest {

namespace {

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sizing

Status validate(const OrderSizing& s) {
    switch (s.kind) {
    case OrderSizing::Kind::Quantity:
        if (s.quantity.isZero() || s.quantity.isNegative())
            return makeError("--size must be above 0 (is " + s.quantity.toTrimmedString() + ")");
        break;
    case OrderSizing::Kind::Notional:
        if (s.notional.isZero() || s.notional.isNegative())
            return makeError("--notional must be above 0 (is " + s.notional.toTrimmedString() + ")");
        break;
    case OrderSizing::Kind::PercentEquity:
        if (!(s.percent > 0 && s.percent <= 100))
            return makeError("--percent-equity must be above 0 and at most 100 (is " + num(s.percent) + ")");
        break;
    case OrderSizing::Kind::RiskPerTrade:
        if (!(s.riskPercent > 0 && s.riskPercent <= 100))
            return makeError("--risk-per-trade must be above 0 and at most 100 (is " + num(s.riskPercent) + ")");
        break;
    }
    return {};
}

Status requireStopForRiskSizing(const OrderSizing& sizing, const std::string& strategy) {
    if (sizing.kind != OrderSizing::Kind::RiskPerTrade) return {};
    return makeError("--risk-per-trade sizes by the distance to the strategy's stop, and " + strategy +
                     " sets no stop (use --strategy formula with --stop FORMULA, or --strategy signal; or size with "
                     "--size, --notional or --percent-equity)");
}

std::optional<Quantity> entryQuantity(const OrderSizing& s, const Price& price, const Money& equity, const Instrument& inst,
                                      const std::optional<Price>& stop) {
    if (s.kind != OrderSizing::Kind::RiskPerTrade) return entryQuantity(s, price, equity, inst);
    if (!stop) return std::nullopt;
    // The money at risk over the distance to the stop, as a notional at `price`, at most the equity.
    const double distance = std::abs(price.toDouble() - stop->toDouble());
    if (!(distance > 0)) return std::nullopt;
    const double e = equity.toDouble();
    const double px = price.toDouble();
    const double notional = std::min(e * s.riskPercent / 100.0 / distance * px, e);
    OrderSizing asPercent;
    asPercent.kind = OrderSizing::Kind::PercentEquity;
    asPercent.percent = e > 0 ? notional / e * 100.0 : 0;
    return entryQuantity(asPercent, price, equity, inst);
}

std::optional<Quantity> entryQuantity(const OrderSizing& s, const Price& price, const Money& equity, const Instrument& inst) {
    if (s.kind == OrderSizing::Kind::RiskPerTrade) return std::nullopt;  // needs the stop (the overload above)
    Quantity q;
    if (s.kind == OrderSizing::Kind::Quantity) {
        q = s.quantity;
    } else {
        // Sizing is a decision, not accounting: double is fine here; the quantity itself is exact.
        const double notional =
            s.kind == OrderSizing::Kind::Notional ? s.notional.toDouble() : equity.toDouble() * s.percent / 100.0;
        const double px = price.toDouble();
        if (!(notional > 0) || !(px > 0)) return std::nullopt;
        const int scale = std::max(inst.quantityPrecision, inst.lotSize.scale());
        const double raw = std::floor(notional / px * static_cast<double>(kairos::detail::pow10(scale)));
        if (!(raw >= 1) || raw >= 9.2e18) return std::nullopt;
        q = Quantity::fromRaw(static_cast<std::int64_t>(raw), scale);
    }
    auto lots = trading::floorToLot(q, inst);
    if (!lots || lots->isZero() || lots->isNegative()) return std::nullopt;
    return *lots;
}

std::string describe(const OrderSizing& s) {
    switch (s.kind) {
    case OrderSizing::Kind::Quantity:
        return "size " + s.quantity.toTrimmedString();
    case OrderSizing::Kind::Notional:
        return "notional " + s.notional.toTrimmedString();
    case OrderSizing::Kind::PercentEquity:
        return num(s.percent) + " % of equity";
    case OrderSizing::Kind::RiskPerTrade:
        return "risk " + num(s.riskPercent) + " % of equity a trade";
    }
    return "?";
}

RuleStrategy::RuleStrategy(std::string name, OrderSizing sizing, bool allowShort)
    : m_name(std::move(name)), m_sizing(sizing), m_allowShort(allowShort) {}

bool RuleStrategy::enter(Side side, const Bar& bar, StrategyContext& ctx) {
    auto qty = entryQuantity(m_sizing, bar.close, ctx.equity(), ctx.instrument());
    if (!qty) return false;
    trading::OrderRequest r;
    r.instrument = ctx.instrument().id;
    r.side = side;
    r.type = trading::OrderType::Market;
    r.quantity = *qty;
    r.clientOrderId = side == Side::Buy ? "entry-long" : "entry-short";
    return ctx.submit(r).ok();
}

void closePositionAtMarket(StrategyContext& ctx) {
    for (const trading::Order& o : ctx.openOrders())
        if (o.role != trading::OrderRole::Entry) (void)ctx.cancel(o.id);
    const Quantity pos = ctx.position();
    if (pos.isZero()) return;
    trading::OrderRequest r;
    r.instrument = ctx.instrument().id;
    r.side = pos.isNegative() ? Side::Buy : Side::Sell;
    r.type = trading::OrderType::Market;
    r.quantity = pos.isNegative() ? pos.negated() : pos;
    r.clientOrderId = "exit";
    (void)ctx.submit(r);
}

// ---------------------------------------------------------------------------------------------
// Rule strategies

void RuleStrategy::closePosition(StrategyContext& ctx) { closePositionAtMarket(ctx); }

void RuleStrategy::onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) {
    const Decision d = decide(bar, closeTimeMs);
    // Nothing wanted: whatever the position and the working orders, nothing below would act (and
    // most bars of a backtest end here, so the account is not asked).
    if (!d.enterLong && !d.exitLong && !d.enterShort && !d.exitShort) return;
    // An entry still waiting for its fill (submitted on this bar by an earlier call) blocks another.
    for (const trading::Order& o : ctx.openOrders())
        if (o.role == trading::OrderRole::Entry) return;
    const Quantity pos = ctx.position();
    if (pos.isZero()) {
        if (d.enterLong)
            (void)enter(Side::Buy, bar, ctx);
        else if (d.enterShort && m_allowShort)
            (void)enter(Side::Sell, bar, ctx);
    } else if (!pos.isNegative()) {
        if (!d.exitLong) return;
        closePosition(ctx);
        if (d.enterShort && m_allowShort) (void)enter(Side::Sell, bar, ctx);
    } else {
        if (!d.exitShort) return;
        closePosition(ctx);
        if (d.enterLong) (void)enter(Side::Buy, bar, ctx);
    }
}

int CrossDetector::update(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return 0;
    const int sign = a > b ? 1 : (a < b ? -1 : 0);
    if (sign == 0) return 0;
    const int before = m_lastSign;
    m_lastSign = sign;
    if (before == 0 || before == sign) return 0;
    return sign;
}

namespace {

Decision fromCross(int cross) {
    Decision d;
    if (cross > 0) d.enterLong = d.exitShort = true;
    if (cross < 0) d.exitLong = d.enterShort = true;
    return d;
}

std::string shortText(bool s) { return s ? "long and short" : "long only"; }

template <class Ma>
class MaCross final : public RuleStrategy {
public:
    MaCross(const char* kind, int fast, int slow, OrderSizing sizing, bool allowShort)
        : RuleStrategy(std::string(kind) + " " + std::to_string(fast) + "/" + std::to_string(slow) + ", " + describe(sizing) +
                           ", " + shortText(allowShort),
                       sizing, allowShort),
          m_fast(fast),
          m_slow(slow) {}

protected:
    Decision decide(const Bar& bar, std::int64_t) override {
        const double c = bar.close.toDouble();
        m_fast.push(c);
        m_slow.push(c);
        return fromCross(m_cross.update(m_fast.value(), m_slow.value()));
    }

private:
    Ma m_fast, m_slow;
    CrossDetector m_cross;
};

class MacdCross final : public RuleStrategy {
public:
    MacdCross(int fast, int slow, int signal, OrderSizing sizing, bool allowShort)
        : RuleStrategy("MACD cross " + std::to_string(fast) + "/" + std::to_string(slow) + "/" + std::to_string(signal) + ", " +
                           describe(sizing) + ", " + shortText(allowShort),
                       sizing, allowShort),
          m_macd(fast, slow, signal) {}

protected:
    Decision decide(const Bar& bar, std::int64_t) override {
        m_macd.push(bar.close.toDouble());
        const auto v = m_macd.value();
        return fromCross(m_cross.update(v.line, v.signal));
    }

private:
    indicators::Macd m_macd;
    CrossDetector m_cross;
};

class RsiReversion final : public RuleStrategy {
public:
    RsiReversion(const std::string& label, int period, double lower, double upper, OrderSizing sizing, bool allowShort)
        : RuleStrategy(label + " " + std::to_string(period) + " (" + num(lower) + "/" + num(upper) + "), " + describe(sizing) +
                           ", " + shortText(allowShort),
                       sizing, allowShort),
          m_rsi(period),
          m_lower(lower),
          m_upper(upper) {}

protected:
    Decision decide(const Bar& bar, std::int64_t) override {
        m_rsi.push(bar.close.toDouble());
        const double r = m_rsi.value();
        Decision d;
        if (std::isnan(r)) return d;
        d.enterLong = d.exitShort = r < m_lower;
        d.exitLong = d.enterShort = r > m_upper;
        return d;
    }

private:
    indicators::Rsi m_rsi;
    double m_lower, m_upper;
};

class BollingerBreakout final : public RuleStrategy {
public:
    BollingerBreakout(int period, double k, OrderSizing sizing, bool allowShort)
        : RuleStrategy("Bollinger breakout " + std::to_string(period) + " x " + num(k) + ", " + describe(sizing) + ", " +
                           shortText(allowShort),
                       sizing, allowShort),
          m_bands(period, k) {}

protected:
    Decision decide(const Bar& bar, std::int64_t) override {
        const double c = bar.close.toDouble();
        m_bands.push(c);
        const auto b = m_bands.value();
        Decision d;
        if (std::isnan(b.middle)) return d;
        d.enterLong = c > b.upper;
        d.exitLong = c < b.middle;
        d.enterShort = c < b.lower;
        d.exitShort = c > b.middle;
        return d;
    }

private:
    indicators::Bollinger m_bands;
};

class DonchianBreakout final : public RuleStrategy {
public:
    DonchianBreakout(int entry, int exit, OrderSizing sizing, bool allowShort)
        : RuleStrategy("Donchian breakout " + std::to_string(entry) + "/" + std::to_string(exit) + ", " + describe(sizing) +
                           ", " + shortText(allowShort),
                       sizing, allowShort),
          m_entry(entry),
          m_exit(exit) {}

protected:
    Decision decide(const Bar& bar, std::int64_t) override {
        // The channels of the bars BEFORE this one, then this bar joins them.
        const auto e = m_entry.value();
        const auto x = m_exit.value();
        const double c = bar.close.toDouble();
        Decision d;
        if (!std::isnan(e.upper)) {
            d.enterLong = c > e.upper;
            d.enterShort = c < e.lower;
        }
        if (!std::isnan(x.upper)) {
            d.exitLong = c < x.lower;
            d.exitShort = c > x.upper;
        }
        m_entry.push(bar.high.toDouble(), bar.low.toDouble());
        m_exit.push(bar.high.toDouble(), bar.low.toDouble());
        return d;
    }

private:
    indicators::Donchian m_entry, m_exit;
};

ParamSpec shortParam() { return {"short", 0, 0, 1, true, "1: also trade short (the exit signal reverses)"}; }

using Factory = std::function<Result<std::unique_ptr<Strategy>>(const ParamValues&, const OrderSizing&)>;

struct Builtin {
    StrategyInfo info;
    Factory make;
    /// Rules between parameters; Error naming them.
    std::function<Status(const ParamValues&)> check;
};

int iv(const ParamValues& p, const char* k) { return static_cast<int>(p.at(k)); }

Status fastBelowSlow(const ParamValues& p) {
    if (p.at("fast") >= p.at("slow"))
        return makeError("parameter fast (" + num(p.at("fast")) + ") must be below slow (" + num(p.at("slow")) + ")");
    return {};
}
Status lowerBelowUpper(const ParamValues& p) {
    if (p.at("lower") >= p.at("upper"))
        return makeError("parameter lower (" + num(p.at("lower")) + ") must be below upper (" + num(p.at("upper")) + ")");
    return {};
}

Result<std::unique_ptr<Strategy>> rsiStrategy(const std::string& label, int period, const ParamValues& p, const OrderSizing& s) {
    return std::unique_ptr<Strategy>(
        std::make_unique<RsiReversion>(label, period, p.at("lower"), p.at("upper"), s, p.at("short") != 0));
}

const std::vector<Builtin>& registry() {
    static const std::vector<Builtin> all = {
        {{"sma_cross",
          "long when SMA(fast) of the close crosses above SMA(slow), out when it crosses below",
          {{"fast", 10, 1, 1000, true, "bars of the fast SMA"},
           {"slow", 30, 2, 5000, true, "bars of the slow SMA"},
           shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) -> Result<std::unique_ptr<Strategy>> {
             return std::unique_ptr<Strategy>(
                 std::make_unique<MaCross<indicators::Sma>>("SMA cross", iv(p, "fast"), iv(p, "slow"), s, p.at("short") != 0));
         },
         fastBelowSlow},
        {{"ema_cross",
          "long when EMA(fast) of the close crosses above EMA(slow), out when it crosses below",
          {{"fast", 12, 1, 1000, true, "bars of the fast EMA"},
           {"slow", 26, 2, 5000, true, "bars of the slow EMA"},
           shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) -> Result<std::unique_ptr<Strategy>> {
             return std::unique_ptr<Strategy>(
                 std::make_unique<MaCross<indicators::Ema>>("EMA cross", iv(p, "fast"), iv(p, "slow"), s, p.at("short") != 0));
         },
         fastBelowSlow},
        {{"macd_cross",
          "long when the MACD line crosses above its signal line, out when it crosses below",
          {{"fast", 12, 1, 1000, true, "bars of the fast EMA"},
           {"slow", 26, 2, 5000, true, "bars of the slow EMA"},
           {"signal", 9, 1, 1000, true, "bars of the signal EMA"},
           shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) -> Result<std::unique_ptr<Strategy>> {
             return std::unique_ptr<Strategy>(
                 std::make_unique<MacdCross>(iv(p, "fast"), iv(p, "slow"), iv(p, "signal"), s, p.at("short") != 0));
         },
         fastBelowSlow},
        {{"rsi_reversion",
          "long when RSI(period) < lower, out when RSI > upper",
          {{"period", 14, 2, 1000, true, "bars of the RSI"},
           {"lower", 30, 0, 100, false, "oversold level"},
           {"upper", 70, 0, 100, false, "overbought level"},
           shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) { return rsiStrategy("RSI reversion", iv(p, "period"), p, s); },
         lowerBelowUpper},
        {{"rsi3",
          "rsi_reversion over a 3-bar RSI: long when RSI(3) < lower, out when RSI(3) > upper",
          {{"lower", 20, 0, 100, false, "oversold level"}, {"upper", 80, 0, 100, false, "overbought level"}, shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) { return rsiStrategy("RSI3", 3, p, s); },
         lowerBelowUpper},
        {{"rsi7",
          "rsi_reversion over a 7-bar RSI: long when RSI(7) < lower, out when RSI(7) > upper",
          {{"lower", 30, 0, 100, false, "oversold level"}, {"upper", 70, 0, 100, false, "overbought level"}, shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) { return rsiStrategy("RSI7", 7, p, s); },
         lowerBelowUpper},
        {{"bollinger_breakout",
          "long when the close is above the upper Bollinger band, out when below the middle band",
          {{"period", 20, 2, 1000, true, "bars of the bands"},
           {"k", 2, 0.1, 10, false, "band width in population standard deviations"},
           shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) -> Result<std::unique_ptr<Strategy>> {
             return std::unique_ptr<Strategy>(
                 std::make_unique<BollingerBreakout>(iv(p, "period"), p.at("k"), s, p.at("short") != 0));
         },
         nullptr},
        {{"donchian_breakout",
          "long when the close is above the highest high of the previous `entry` bars, out when below the lowest low of "
          "the previous `exit` bars",
          {{"entry", 20, 1, 1000, true, "bars of the entry channel"},
           {"exit", 10, 1, 1000, true, "bars of the exit channel"},
           shortParam()}},
         [](const ParamValues& p, const OrderSizing& s) -> Result<std::unique_ptr<Strategy>> {
             return std::unique_ptr<Strategy>(
                 std::make_unique<DonchianBreakout>(iv(p, "entry"), iv(p, "exit"), s, p.at("short") != 0));
         },
         nullptr},
        {{"signal",
          "the signal engine's LONG/SHORT signals with its stop loss and take-profit as a bracket",
          {{"tp", 2, 1, 3, true, "which take-profit of the signal is the target"},
           {"short", 1, 0, 1, true, "0: SHORT signals only close longs"}}},
         [](const ParamValues& p, const OrderSizing& s) -> Result<std::unique_ptr<Strategy>> {
             SignalStrategySettings ss;
             ss.takeProfitLevel = iv(p, "tp");
             ss.allowShort = p.at("short") != 0;
             if (s.kind == OrderSizing::Kind::Quantity) {
                 ss.sizing.kind = Sizing::Kind::FixedQuantity;
                 ss.sizing.quantity = s.quantity;
             } else if (s.kind == OrderSizing::Kind::PercentEquity) {
                 ss.sizing.fraction = s.percent / 100.0;
             } else if (s.kind == OrderSizing::Kind::RiskPerTrade) {
                 ss.sizing.kind = Sizing::Kind::RiskOfEquity;
                 ss.sizing.riskPercent = s.riskPercent;
             } else {
                 return makeError("the signal strategy sizes by --size, --percent-equity or --risk-per-trade, not --notional");
             }
             if (auto st = validate(ss); !st) return st.error();
             return std::unique_ptr<Strategy>(std::make_unique<SignalStrategy>(ss));
         },
         nullptr},
    };
    return all;
}

const Builtin* find(std::string_view name) {
    for (const Builtin& b : registry())
        if (b.info.name == name) return &b;
    return nullptr;
}

Status checkValue(const ParamSpec& p, double v) {
    if (!std::isfinite(v) || v < p.min || v > p.max || (p.integer && v != std::floor(v)))
        return makeError("parameter " + p.name + " = " + num(v) + " is out of range: " + describe(p));
    return {};
}

}  // namespace

const std::vector<StrategyInfo>& builtinStrategies() {
    static const std::vector<StrategyInfo> infos = [] {
        std::vector<StrategyInfo> v;
        for (const Builtin& b : registry()) v.push_back(b.info);
        return v;
    }();
    return infos;
}

const StrategyInfo* findBuiltin(std::string_view name) {
    const Builtin* b = find(name);
    return b ? &b->info : nullptr;
}

std::string builtinNames() {
    std::string out;
    for (const Builtin& b : registry()) out += (out.empty() ? "" : ", ") + b.info.name;
    return out;
}

std::string describe(const ParamSpec& p) {
    return p.name + " " + (p.integer ? "a whole number " : "") + num(p.min) + ".." + num(p.max) + " (default " +
        num(p.defaultValue) + ")";
}

Result<ParamValues> resolveParams(const StrategyInfo& info, const std::vector<std::pair<std::string, std::string>>& given) {
    ParamValues out;
    for (const ParamSpec& p : info.params) out[p.name] = p.defaultValue;
    for (const auto& [key, text] : given) {
        const ParamSpec* spec = nullptr;
        for (const ParamSpec& p : info.params)
            if (p.name == key) spec = &p;
        if (!spec) {
            std::string known;
            for (const ParamSpec& p : info.params) known += (known.empty() ? "" : "; ") + describe(p);
            return makeError("unknown parameter \"" + key + "\" for " + info.name + " (it takes: " + known + ")");
        }
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size())
            return makeError("parameter " + key + " takes a number, not \"" + text + "\": " + describe(*spec));
        if (auto st = checkValue(*spec, v); !st) return st.error();
        out[key] = v;
    }
    if (const Builtin* b = find(info.name); b && b->check)
        if (auto st = b->check(out); !st) return st.error();
    return out;
}

Result<std::unique_ptr<Strategy>> makeBuiltin(std::string_view name, const ParamValues& params, const OrderSizing& sizing) {
    const Builtin* b = find(name);
    if (!b) return makeError("unknown strategy \"" + std::string(name) + "\" (built-ins: " + builtinNames() + ")");
    ParamValues p;
    for (const ParamSpec& spec : b->info.params) {
        auto it = params.find(spec.name);
        p[spec.name] = it == params.end() ? spec.defaultValue : it->second;
        if (auto st = checkValue(spec, p[spec.name]); !st) return st.error();
    }
    for (const auto& [k, v] : params)
        if (!p.count(k)) return makeError("unknown parameter \"" + k + "\" for " + b->info.name);
    if (b->check)
        if (auto st = b->check(p); !st) return st.error();
    if (auto st = validate(sizing); !st) return st.error();
    if (name != "signal")  // the signal strategy's entries carry the signal's stop loss
        if (auto st = requireStopForRiskSizing(sizing, b->info.name); !st) return st.error();
    return b->make(p, sizing);
}

}  // namespace kairos::backtest
