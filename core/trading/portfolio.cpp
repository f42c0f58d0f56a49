#include "trading/portfolio.h"

#include "trading/detail/ratio.h"

namespace kairos::trading {

namespace {
using detail::Int128;

Money abs(const Money& m) { return m.isNegative() ? m.negated() : m; }
Quantity abs(const Quantity& q) { return q.isNegative() ? q.negated() : q; }

Money atScale(const Money& m, int scale) {
    auto r = m.rescaled(scale, RoundingMode::HalfEven);
    return r ? *r : m;
}

/// notional(price, quantity, scale, HalfEven), in 64-bit arithmetic when the product fits (real
/// prices and sizes always do): the same value without 128-bit division, for equity(), which a
/// backtest reads on every bar.
Result<Money> markedValue(const Price& price, const Quantity& qty, int scale) {
    const int drop = price.scale() + qty.scale() - scale;
    std::int64_t prod = 0;
    if (drop < 0 || drop > kairos::detail::kMaxScale || __builtin_mul_overflow(price.raw(), qty.raw(), &prod) ||
        prod == INT64_MIN)
        return notional(price, qty, scale, RoundingMode::HalfEven);
    const std::int64_t den = kairos::detail::pow10(drop);
    std::int64_t q = prod / den;
    const std::int64_t r = prod % den;
    if (r != 0) {
        // Half to even, as detail::divRound: |r| < den <= 10^18, so 2|r| fits.
        const std::int64_t twice = (r < 0 ? -r : r) * 2;
        if (twice > den || (twice == den && (q & 1) != 0)) q += prod < 0 ? -1 : 1;
    }
    return Money::fromRaw(q, scale);
}
}  // namespace

Price Position::averageEntry(int scale) const {
    if (quantity.isZero()) return Price::fromRaw(0, scale);
    const Money c = abs(costBasis);
    const Quantity q = abs(quantity);
    auto r = fixedmath::ratioAtScale(c.raw(), c.scale(), q.raw(), q.scale(), scale, RoundingMode::HalfEven);
    return Price::fromRaw(r ? *r : 0, scale);
}

Money Position::unrealizedPnl(int moneyScale) const {
    if (quantity.isZero() || !markPrice) return Money::fromRaw(0, moneyScale);
    // quantity is signed, so price x quantity is too.
    auto value = notional(*markPrice, quantity, moneyScale, RoundingMode::HalfEven);
    if (!value) return Money::fromRaw(0, moneyScale);
    auto r = value->sub(costBasis);
    return r ? atScale(*r, moneyScale) : Money::fromRaw(0, moneyScale);
}

Portfolio::Portfolio(Money startingCash, int moneyScale)
    : m_startingCash(atScale(startingCash, moneyScale)), m_cash(m_startingCash), m_scale(moneyScale) {}

Status Portfolio::applyFill(const Fill& f) {
    if (f.quantity.isZero() || f.quantity.isNegative())
        return makeError("fill " + std::to_string(f.fillId) + " has quantity " + f.quantity.toTrimmedString() +
                         "; it must be > 0");
    if (f.price.isZero() || f.price.isNegative())
        return makeError("fill " + std::to_string(f.fillId) + " has price " + f.price.toTrimmedString() + "; it must be > 0");
    if (f.fee.isNegative())
        return makeError("fill " + std::to_string(f.fillId) + " has a negative fee " + f.fee.toTrimmedString());

    const Money zero = Money::fromRaw(0, m_scale);
    Position p;
    if (auto it = m_positions.find(f.instrument); it != m_positions.end()) {
        p = it->second;
    } else {
        p.instrument = f.instrument;
        p.quantity = Quantity::fromRaw(0, f.quantity.scale());
        p.costBasis = p.realizedPnl = p.feesPaid = zero;
    }
    Money cash = m_cash;
    const bool buy = f.side == Side::Buy;

    auto fail = [&](const std::string& what) { return makeError("fill " + std::to_string(f.fillId) + ": " + what); };
    auto value = [&](const Quantity& q) { return notional(f.price, q, m_scale, RoundingMode::HalfEven); };

    Quantity openPart = f.quantity;  // what increases |position| (after any close)
    const bool reduces = !p.quantity.isZero() && (p.quantity.isNegative() == buy);
    if (reduces) {
        const Quantity posAbs = abs(p.quantity);
        const Quantity closeQty = f.quantity < posAbs ? f.quantity : posAbs;
        Money costPortion = p.costBasis;
        if (closeQty < posAbs) {
            // costBasis x closeQty / |quantity|, half-to-even at the money scale.
            auto r = fixedmath::ratioAtScale(static_cast<Int128>(p.costBasis.raw()) * closeQty.raw(),
                                             p.costBasis.scale() + closeQty.scale(), posAbs.raw(), posAbs.scale(), m_scale,
                                             RoundingMode::HalfEven);
            if (!r) return fail("cost of the closed part: " + r.message());
            costPortion = Money::fromRaw(*r, m_scale);
        }
        auto closeValue = value(closeQty);
        if (!closeValue) return fail(closeValue.message());
        // Long closed by a sell: proceeds - cost. Short closed by a buy: cost (negative) + ... =
        // |cost| - paid. Both are sign(position) x value - costPortion.
        const Money signedValue = p.quantity.isNegative() ? closeValue->negated() : *closeValue;
        auto pnl = signedValue.sub(costPortion);
        auto realized = pnl ? p.realizedPnl.add(*pnl) : pnl;
        auto basis = p.costBasis.sub(costPortion);
        auto qty = p.quantity.add(buy ? closeQty : closeQty.negated());
        auto c = buy ? cash.sub(*closeValue) : cash.add(*closeValue);
        if (!realized || !basis || !qty || !c) return fail("value overflows");
        p.realizedPnl = atScale(*realized, m_scale);
        p.costBasis = atScale(*basis, m_scale);
        p.quantity = *qty;
        cash = *c;
        auto rest = f.quantity.sub(closeQty);
        if (!rest) return fail(rest.message());
        openPart = *rest;
        if (p.quantity.isZero()) p.costBasis = zero;
    }
    if (!openPart.isZero()) {
        auto openValue = value(openPart);
        if (!openValue) return fail(openValue.message());
        auto basis = p.costBasis.add(buy ? *openValue : openValue->negated());
        auto qty = p.quantity.add(buy ? openPart : openPart.negated());
        auto c = buy ? cash.sub(*openValue) : cash.add(*openValue);
        if (!basis || !qty || !c) return fail("value overflows");
        p.costBasis = atScale(*basis, m_scale);
        p.quantity = *qty;
        cash = *c;
    }
    auto fees = p.feesPaid.add(f.fee);
    auto c = cash.sub(f.fee);
    if (!fees || !c) return fail("fee overflows");
    p.feesPaid = atScale(*fees, m_scale);
    p.markPrice = f.price;
    m_cash = atScale(*c, m_scale);
    m_positions[f.instrument] = p;
    m_equity.reset();
    return {};
}

void Portfolio::mark(const InstrumentId& instrument, const Price& price) {
    auto it = m_positions.find(instrument);
    if (it == m_positions.end()) return;
    it->second.markPrice = price;
    m_equity.reset();
}

Money Portfolio::realizedPnl() const {
    Money total = Money::fromRaw(0, m_scale);
    for (const auto& [id, p] : m_positions)
        if (auto r = total.add(p.realizedPnl)) total = *r;
    return total;
}

Money Portfolio::unrealizedPnl() const {
    Money total = Money::fromRaw(0, m_scale);
    for (const auto& [id, p] : m_positions)
        if (auto r = total.add(p.unrealizedPnl(m_scale))) total = *r;
    return total;
}

Money Portfolio::feesPaid() const {
    Money total = Money::fromRaw(0, m_scale);
    for (const auto& [id, p] : m_positions)
        if (auto r = total.add(p.feesPaid)) total = *r;
    return total;
}

Money Portfolio::equity() const {
    if (m_equity) return *m_equity;
    Money total = m_cash;
    for (const auto& [id, p] : m_positions) {
        if (p.isFlat()) continue;
        Money v = p.costBasis;
        if (p.markPrice)
            if (auto n = markedValue(*p.markPrice, p.quantity, m_scale)) v = *n;
        if (auto r = total.add(v)) total = *r;
    }
    m_equity = atScale(total, m_scale);
    return *m_equity;
}

const Position* Portfolio::position(const InstrumentId& instrument) const {
    auto it = m_positions.find(instrument);
    return it == m_positions.end() ? nullptr : &it->second;
}

std::vector<Position> Portfolio::openPositions() const {
    std::vector<Position> out;
    for (const auto& [id, p] : m_positions)
        if (!p.isFlat()) out.push_back(p);
    return out;
}

std::vector<Position> Portfolio::allPositions() const {
    std::vector<Position> out;
    out.reserve(m_positions.size());
    for (const auto& [id, p] : m_positions) out.push_back(p);
    return out;
}

void Portfolio::restore(Money startingCash, Money cash, const std::vector<Position>& positions) {
    m_startingCash = atScale(startingCash, m_scale);
    m_cash = atScale(cash, m_scale);
    m_positions.clear();
    for (const Position& p : positions) m_positions[p.instrument] = p;
    m_equity.reset();
}

}  // namespace kairos::trading
