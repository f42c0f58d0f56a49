#include "backtest/signalstrategy.h"

#include "backtest/builtins.h"
#include "trading/venuerules.h"

#include <cmath>
#include <cstdio>

namespace kairos::backtest {

namespace {

/// A price the signal engine computed in double, at the scale of the bar's prices (or the tick's,
/// when finer), rounded with `mode` and then to the instrument's tick. Rounding is chosen by the
/// caller so that stops and targets move away from the entry, never onto it.
std::optional<Price> toPrice(double v, const Bar& bar, const Instrument& instrument, RoundingMode mode) {
    if (!std::isfinite(v) || v <= 0) return std::nullopt;
    const int scale = std::max(bar.close.scale(), instrument.tickSize.scale());
    const double scaled = v * static_cast<double>(detail::pow10(scale));
    if (scaled >= 9.2e18) return std::nullopt;
    double r = scaled;
    switch (mode) {
    case RoundingMode::Floor:
        r = std::floor(scaled);
        break;
    case RoundingMode::Ceiling:
        r = std::ceil(scaled);
        break;
    default:
        r = std::nearbyint(scaled);
        break;
    }
    auto p = trading::roundToTick(Price::fromRaw(static_cast<std::int64_t>(r), scale), instrument, mode);
    if (!p || p->isZero() || p->isNegative()) return std::nullopt;
    return *p;
}

}  // namespace

Status validate(const SignalStrategySettings& s) {
    if (auto st = signal::validate(s.rules); !st) return st;
    if (s.takeProfitLevel < 1 || s.takeProfitLevel > 3)
        return makeError("take-profit level must be 1, 2 or 3 (is " + std::to_string(s.takeProfitLevel) + ")");
    if (s.sizing.kind == Sizing::Kind::FractionOfEquity) {
        if (!(s.sizing.fraction > 0 && s.sizing.fraction <= 1))
            return makeError("fraction of equity must be above 0 and at most 1 (is " + std::to_string(s.sizing.fraction) + ")");
    } else if (s.sizing.kind == Sizing::Kind::RiskOfEquity) {
        if (!(s.sizing.riskPercent > 0 && s.sizing.riskPercent <= 100))
            return makeError("risk per trade must be above 0 and at most 100 % (is " + std::to_string(s.sizing.riskPercent) +
                             ")");
    } else if (s.sizing.quantity.isZero() || s.sizing.quantity.isNegative()) {
        return makeError("fixed quantity must be above 0 (is " + s.sizing.quantity.toTrimmedString() + ")");
    }
    return {};
}

SignalStrategy::SignalStrategy(SignalStrategySettings settings) : m_settings(std::move(settings)), m_engine(m_settings.rules) {}

std::string SignalStrategy::name() const {
    std::string size;
    if (m_settings.sizing.kind == Sizing::Kind::FractionOfEquity) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g %% of equity", m_settings.sizing.fraction * 100.0);
        size = buf;
    } else if (m_settings.sizing.kind == Sizing::Kind::RiskOfEquity) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "risk %g %% of equity a trade", m_settings.sizing.riskPercent);
        size = buf;
    } else {
        size = "fixed quantity " + m_settings.sizing.quantity.toTrimmedString();
    }
    std::string out = "signals: TP";
    out.append(std::to_string(m_settings.takeProfitLevel))
        .append(", ")
        .append(size)
        .append(m_settings.allowShort ? ", long and short" : ", long only")
        .append(m_settings.rules.formulas.empty() ? "" : ", with formula rules");
    return out;
}

std::optional<Quantity> SignalStrategy::entryQuantity(const Bar& bar, StrategyContext& ctx,
                                                      const std::optional<Price>& stop) const {
    const Instrument& inst = ctx.instrument();
    if (m_settings.sizing.kind == Sizing::Kind::RiskOfEquity) {
        OrderSizing risk;
        risk.kind = OrderSizing::Kind::RiskPerTrade;
        risk.riskPercent = m_settings.sizing.riskPercent;
        return backtest::entryQuantity(risk, bar.close, ctx.equity(), inst, stop);
    }
    Quantity q;
    if (m_settings.sizing.kind == Sizing::Kind::FixedQuantity) {
        q = m_settings.sizing.quantity;
    } else {
        // Sizing is a decision, not accounting: double is fine here; the quantity itself is exact.
        const double notional = ctx.equity().toDouble() * m_settings.sizing.fraction;
        const double price = bar.close.toDouble();
        if (!(notional > 0) || !(price > 0)) return std::nullopt;
        const int scale = std::max(inst.quantityPrecision, inst.lotSize.scale());
        const double raw = std::floor(notional / price * static_cast<double>(detail::pow10(scale)));
        if (!(raw >= 1) || raw >= 9.2e18) return std::nullopt;
        q = Quantity::fromRaw(static_cast<std::int64_t>(raw), scale);
    }
    auto lots = trading::floorToLot(q, inst);
    if (!lots || lots->isZero()) return std::nullopt;
    return *lots;
}

void SignalStrategy::enter(const signal::Signal& sig, const Bar& bar, StrategyContext& ctx) {
    const bool isLong = sig.side == signal::Direction::Long;
    const Instrument& inst = ctx.instrument();
    // Stops and targets are rounded away from the entry.
    auto stop = toPrice(sig.stopLoss, bar, inst, isLong ? RoundingMode::Floor : RoundingMode::Ceiling);
    auto target = toPrice(sig.takeProfits[static_cast<std::size_t>(m_settings.takeProfitLevel - 1)], bar, inst,
                          isLong ? RoundingMode::Ceiling : RoundingMode::Floor);
    auto qty = entryQuantity(bar, ctx, stop);
    if (!qty) return;
    trading::OrderRequest r;
    r.instrument = inst.id;
    r.side = isLong ? Side::Buy : Side::Sell;
    r.type = trading::OrderType::Market;
    r.quantity = *qty;
    r.bracket.stopLoss = stop;
    r.bracket.takeProfit = target;
    r.clientOrderId = isLong ? "entry-long" : "entry-short";
    (void)ctx.submit(r);  // rejected (e.g. below min notional, or a stop on the entry): no trade
}

void SignalStrategy::onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) {
    const auto sig = m_engine.onBar(bar, closeTimeMs);
    if (!sig || sig->side == signal::Direction::Hold) return;
    ++m_directional;
    const Quantity pos = ctx.position();
    const bool wantLong = sig->side == signal::Direction::Long;
    const bool held = !pos.isZero() && (pos.isNegative() != wantLong);  // already on the signal's side
    if (held) return;
    // An entry still waiting for its fill counts as being on its side.
    for (const trading::Order& o : ctx.openOrders())
        if (o.role == trading::OrderRole::Entry && (o.request.side == Side::Buy) == wantLong) return;
    if (!pos.isZero()) closePositionAtMarket(ctx);
    if (wantLong || m_settings.allowShort) enter(*sig, bar, ctx);
}

}  // namespace kairos::backtest
