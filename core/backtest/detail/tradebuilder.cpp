#include "backtest/detail/tradebuilder.h"

#include <algorithm>
#include <cmath>

namespace kairos::backtest::detail {

namespace {
using kairos::detail::Int128;

Status addTo(Money& sum, const Money& v) {
    auto r = sum.add(v);
    if (!r) return r.error();
    sum = *r;
    return {};
}
Status addTo(Quantity& sum, const Quantity& v) {
    auto r = sum.add(v);
    if (!r) return r.error();
    sum = *r;
    return {};
}

/// fee x part / whole (quantities), half-even at the fee's scale.
Result<Money> share(const Money& fee, const Quantity& part, const Quantity& whole) {
    const int s = std::max(part.scale(), whole.scale());
    const Int128 p = static_cast<Int128>(part.raw()) * kairos::detail::pow10(s - part.scale());
    const Int128 w = static_cast<Int128>(whole.raw()) * kairos::detail::pow10(s - whole.scale());
    if (w == 0) return fee;
    auto r = kairos::detail::divRound(static_cast<Int128>(fee.raw()) * p, w, RoundingMode::HalfEven);
    if (!r) return r.error();
    return Money::fromRaw(*r, fee.scale());
}

ExitReason reasonOf(std::optional<trading::OrderRole> role) {
    if (!role) return ExitReason::EndOfData;
    switch (*role) {
    case trading::OrderRole::StopLoss:
        return ExitReason::StopLoss;
    case trading::OrderRole::TakeProfit:
        return ExitReason::TakeProfit;
    case trading::OrderRole::Entry:
        return ExitReason::Signal;
    }
    return ExitReason::Signal;
}
}  // namespace

void TradeBuilder::ExactSum::add(const Price& p, const Quantity& q) {
    Int128 term = static_cast<Int128>(p.raw()) * q.raw();
    const int ts = p.scale() + q.scale();
    if (ts > scale) {
        for (int i = scale; i < ts; ++i) value *= 10;
        scale = ts;
    } else {
        for (int i = ts; i < scale; ++i) term *= 10;
    }
    value += term;
}

Price TradeBuilder::ExactSum::average(const Quantity& qty, int out) const {
    if (qty.isZero()) return Price::fromRaw(0, out);
    // value / 10^scale / (qty.raw / 10^qs), as raw at `out`: value * 10^(qs + out - scale) / qty.raw
    const int exp = qty.scale() + out - scale;
    Int128 num = value;
    Int128 den = qty.raw();
    for (int i = 0; i < exp; ++i) num *= 10;
    for (int i = 0; i < -exp; ++i) den *= 10;
    auto r = kairos::detail::divRound(num, den, RoundingMode::HalfEven);
    return Price::fromRaw(r ? *r : 0, out);
}

void TradeBuilder::noteStop(const Price& stop) {
    if (m_open && !m_open->stop) m_open->stop = stop;
}

std::optional<OpenPosition> TradeBuilder::openPosition() const {
    if (!m_open) return std::nullopt;
    OpenPosition p;
    p.side = m_open->side;
    p.quantity = m_open->qty;
    p.entryTimeMs = m_open->entryTimeMs;
    p.entryPrice = m_open->entryExact.average(m_open->entryQty, std::min(m_open->entryPriceScale + 4, 18));
    return p;
}

Status TradeBuilder::open(const trading::Fill& fill, const Quantity& qty, const Money& fee, std::size_t barIndex) {
    Open o;
    o.side = fill.side == Side::Buy ? PositionSide::Long : PositionSide::Short;
    o.entryTimeMs = fill.timeMs;
    o.entryBar = barIndex;
    o.qty = qty;
    o.entryQty = qty;
    auto n = notional(fill.price, qty, m_scale, RoundingMode::HalfEven);
    if (!n) return n.error();
    o.entryNotional = *n;
    o.entryExact.add(fill.price, qty);
    o.entryPriceScale = fill.price.scale();
    o.exitQty = Quantity::fromRaw(0, qty.scale());
    o.exitNotional = Money::fromRaw(0, m_scale);
    o.fees = fee;
    m_open = o;
    return {};
}

Status TradeBuilder::finish(const trading::Fill& fill, std::size_t barIndex, ExitReason reason) {
    const Open& o = *m_open;
    TradeRecord t;
    t.side = o.side;
    t.entryTimeMs = o.entryTimeMs;
    t.exitTimeMs = fill.timeMs;
    // Averages of several fills get 4 more decimals than the prices (102 and 103 average to 102.5).
    const int ps = std::min(fill.price.scale() + 4, 18);
    t.entryPrice = o.entryExact.average(o.entryQty, ps);
    t.exitPrice = o.exitExact.average(o.exitQty, ps);
    t.quantity = o.entryQty;
    auto gross = o.side == PositionSide::Long ? o.exitNotional.sub(o.entryNotional) : o.entryNotional.sub(o.exitNotional);
    if (!gross) return gross.error();
    t.grossPnl = *gross;
    t.fees = o.fees;
    auto net = t.grossPnl.sub(t.fees);
    if (!net) return net.error();
    t.netPnl = *net;
    t.exitReason = reason;
    t.barsHeld = static_cast<int>(barIndex - o.entryBar);
    if (o.stop) t.initialRisk = std::abs(t.entryPrice.toDouble() - o.stop->toDouble()) * t.quantity.toDouble();
    m_done.push_back(t);
    m_open.reset();
    return {};
}

Status TradeBuilder::onFill(const trading::Fill& fill, std::optional<trading::OrderRole> role, std::size_t barIndex,
                            std::optional<ExitReason> reason) {
    if (fill.quantity.isZero()) return {};
    const PositionSide side = fill.side == Side::Buy ? PositionSide::Long : PositionSide::Short;
    if (!m_open) return open(fill, fill.quantity, fill.fee, barIndex);
    Open& o = *m_open;
    if (side == o.side) {  // adds to the position
        auto n = notional(fill.price, fill.quantity, m_scale, RoundingMode::HalfEven);
        if (!n) return n.error();
        if (auto st = addTo(o.entryNotional, *n); !st) return st;
        o.entryExact.add(fill.price, fill.quantity);
        if (auto st = addTo(o.entryQty, fill.quantity); !st) return st;
        if (auto st = addTo(o.qty, fill.quantity); !st) return st;
        return addTo(o.fees, fill.fee);
    }
    // Reduces, closes, or closes and reverses.
    const Quantity closing = std::min(fill.quantity, o.qty);
    auto rest = fill.quantity.sub(closing);
    if (!rest) return rest.error();
    Money closingFee = fill.fee;
    if (!rest->isZero()) {
        auto f = share(fill.fee, closing, fill.quantity);
        if (!f) return f.error();
        closingFee = *f;
    }
    auto n = notional(fill.price, closing, m_scale, RoundingMode::HalfEven);
    if (!n) return n.error();
    if (auto st = addTo(o.exitNotional, *n); !st) return st;
    o.exitExact.add(fill.price, closing);
    if (auto st = addTo(o.exitQty, closing); !st) return st;
    if (auto st = addTo(o.fees, closingFee); !st) return st;
    auto left = o.qty.sub(closing);
    if (!left) return left.error();
    o.qty = *left;
    if (!o.qty.isZero()) return {};
    if (auto st = finish(fill, barIndex, reason ? *reason : reasonOf(role)); !st) return st;
    if (rest->isZero()) return {};
    auto restFee = fill.fee.sub(closingFee);
    if (!restFee) return restFee.error();
    return open(fill, *rest, *restFee, barIndex);
}

}  // namespace kairos::backtest::detail
