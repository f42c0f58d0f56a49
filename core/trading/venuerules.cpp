#include "trading/venuerules.h"

namespace kairos::trading {

namespace {
using detail::Int128;

// num / 10^numScale expressed at targetScale (rounded with mode).
Result<std::int64_t> rescaleWide(Int128 num, int numScale, int targetScale, RoundingMode mode) {
    if (targetScale >= numScale) {
        for (int i = 0; i < targetScale - numScale; ++i) {
            if (num > INT64_MAX || num < INT64_MIN) return makeError("value overflows a 64-bit decimal");
            num *= 10;
        }
        if (num > INT64_MAX || num < INT64_MIN) return makeError("value overflows a 64-bit decimal");
        return static_cast<std::int64_t>(num);
    }
    const int drop = numScale - targetScale;
    if (drop > 36) return makeError("value has too many decimal places");
    Int128 den = 1;
    for (int i = 0; i < drop; ++i) den *= 10;
    return detail::divRound(num, den, mode);
}

// Rounds value (raw at scale s) to a multiple of step (raw at scale s) with mode.
std::int64_t roundToStep(std::int64_t value, std::int64_t step, RoundingMode mode) {
    auto q = detail::divRound(value, step, mode);
    return q ? *q * step : value;
}

std::string priceText(const Price& p) { return p.toTrimmedString(); }
}  // namespace

Result<Money> VenueRules::notional(const Price& price, const Quantity& qty) const {
    return kairos::notional(price, qty, moneyScale, RoundingMode::HalfEven);
}

Result<Money> VenueRules::fee(const Price& price, const Quantity& qty, Liquidity liquidity) const {
    const Bps& bps = liquidity == Liquidity::Maker ? fees.makerBps : fees.takerBps;
    if (bps.isNegative()) return makeError("negative fee rate " + bps.toTrimmedString() + " bp is not supported");
    // price x qty x bps / 10,000, computed in one step so that it is rounded once.
    const Int128 prod = static_cast<Int128>(price.raw()) * qty.raw();  // cannot overflow 128 bits
    // |prod| < 2^126, so multiplying by a rate below 2^30 (any real fee) stays inside 128 bits.
    if (bps.raw() >= (std::int64_t{1} << 30)) return makeError("fee rate " + bps.toTrimmedString() + " bp is out of range");
    const Int128 num = prod * bps.raw();
    auto r = rescaleWide(num, price.scale() + qty.scale() + bps.scale() + 4, moneyScale, RoundingMode::HalfEven);
    if (!r) return makeError("fee of " + price.toTrimmedString() + " x " + qty.toTrimmedString() + ": " + r.message());
    return Money::fromRaw(*r, moneyScale);
}

Result<Price> VenueRules::slipped(const Price& price, Side side, const Instrument& instrument) const {
    if (slippageBps.isZero()) return price;
    // price x (10,000 +/- bps) / 10,000 at a scale fine enough for the tick, then to the tick.
    const int bs = slippageBps.scale();
    Int128 factor = static_cast<Int128>(10000) * detail::pow10(bs);
    factor += side == Side::Buy ? slippageBps.raw() : -static_cast<Int128>(slippageBps.raw());
    const Int128 num = static_cast<Int128>(price.raw()) * factor;
    const int numScale = price.scale() + bs + 4;
    const int target = std::max(price.scale(), instrument.tickSize.scale());
    auto raw = rescaleWide(num, numScale, target, side == Side::Buy ? RoundingMode::Ceiling : RoundingMode::Floor);
    if (!raw) return makeError("slippage on " + priceText(price) + ": " + raw.message());
    return roundToTick(Price::fromRaw(*raw, target), instrument, side == Side::Buy ? RoundingMode::Ceiling : RoundingMode::Floor);
}

Result<Price> roundToTick(const Price& price, const Instrument& instrument, RoundingMode mode) {
    const Price& tick = instrument.tickSize;
    if (tick.isZero() || tick.isNegative()) return price;
    const int s = std::max(price.scale(), tick.scale());
    auto p = price.rescaled(s, RoundingMode::Exact);
    auto t = tick.rescaled(s, RoundingMode::Exact);
    if (!p || !t) return makeError("price " + priceText(price) + " cannot be rounded to the tick " + tick.toTrimmedString());
    const Price out = Price::fromRaw(roundToStep(p->raw(), t->raw(), mode), s);
    // A multiple of the tick is exact at the tick's scale; keep that scale so it prints like the tick.
    auto atTick = out.rescaled(tick.scale(), RoundingMode::Exact);
    return atTick ? *atTick : out;
}

Result<Quantity> floorToLot(const Quantity& qty, const Instrument& instrument) {
    const Quantity& lot = instrument.lotSize;
    if (lot.isZero() || lot.isNegative()) return qty;
    const int s = std::max(qty.scale(), lot.scale());
    auto q = qty.rescaled(s, RoundingMode::Exact);
    auto l = lot.rescaled(s, RoundingMode::Exact);
    if (!q || !l)
        return makeError("quantity " + qty.toTrimmedString() + " cannot be rounded to the lot " + lot.toTrimmedString());
    return Quantity::fromRaw(roundToStep(q->raw(), l->raw(), RoundingMode::Floor), s);
}

Status validateOrder(const OrderRequest& r, const Instrument& inst, std::optional<Price> referencePrice, int moneyScale) {
    const std::string sym = inst.id.symbol;
    if (r.instrument != inst.id)
        return makeError("order for " + r.instrument.toString() + " checked against the rules of " + inst.id.toString());
    if (r.side != Side::Buy && r.side != Side::Sell) return makeError("order side is neither buy nor sell");
    if (r.quantity.isZero() || r.quantity.isNegative())
        return makeError("quantity " + r.quantity.toTrimmedString() + " must be greater than zero");
    if (auto q = inst.checkQuantity(r.quantity); !q) return makeError(q.message() + " (lot size of " + sym + ")");

    const bool needsLimit = r.type == OrderType::Limit || r.type == OrderType::StopLimit;
    const bool needsStop = isStopType(r.type);
    const std::string typeName(toString(r.type));
    if (needsLimit && !r.limitPrice) return makeError("a " + typeName + " order needs a limit price");
    if (!needsLimit && r.limitPrice) return makeError("a " + typeName + " order takes no limit price");
    // A trailing stop's stop price is optional: it is the activation price.
    if (needsStop && !r.stopPrice && !r.trailing) return makeError("a " + typeName + " order needs a stop price");
    if (!needsStop && r.stopPrice) return makeError("a " + typeName + " order takes no stop price");
    if (needsStop && (r.timeInForce == TimeInForce::Ioc || r.timeInForce == TimeInForce::Fok))
        return makeError("a " + typeName + " order cannot be " + std::string(toString(r.timeInForce)) +
                         ": it waits for its stop price; use GTC");
    if (r.timeInForce == TimeInForce::PostOnly && r.type != OrderType::Limit)
        return makeError("post-only (limit maker) applies to limit orders only, not to a " + typeName + " order");
    if (r.trailing) {
        if (!needsStop) return makeError("a trailing distance needs a stop or stop-limit order, not a " + typeName + " order");
        if (r.trailing->kind == TrailingKind::Bips && (r.trailing->bips < 1 || r.trailing->bips > 9999))
            return makeError("trailing delta " + std::to_string(r.trailing->bips) +
                             " bips must be between 1 and 9999 (100 bips = 1 %)");
        if (r.trailing->kind == TrailingKind::Amount) {
            if (r.trailing->amount.isZero() || r.trailing->amount.isNegative())
                return makeError("trailing distance " + priceText(r.trailing->amount) + " must be greater than zero");
            if (auto c = inst.checkPrice(r.trailing->amount); !c)
                return makeError("trailing distance " + priceText(r.trailing->amount) + " is not a multiple of the tick size " +
                                 inst.tickSize.toTrimmedString() + " of " + sym);
        }
    }

    auto checkPx = [&](const std::optional<Price>& p, const char* what) -> Status {
        if (!p) return {};
        if (p->isZero() || p->isNegative())
            return makeError(std::string(what) + " " + priceText(*p) + " must be greater than zero");
        if (auto c = inst.checkPrice(*p); !c)
            return makeError(std::string(what) + " " + priceText(*p) + " is not a multiple of the tick size " +
                             inst.tickSize.toTrimmedString() + " of " + sym);
        return {};
    };
    if (auto s = checkPx(r.limitPrice, "limit price"); !s) return s;
    if (auto s = checkPx(r.stopPrice, "stop price"); !s) return s;
    if (auto s = checkPx(r.bracket.stopLoss, "stop-loss"); !s) return s;
    if (auto s = checkPx(r.bracket.takeProfit, "take-profit"); !s) return s;
    if (!r.bracket.takeProfits.empty()) {
        if (r.bracket.takeProfit)
            return makeError("a bracket takes either one take-profit or a ladder of take-profits, not both");
        if (r.bracket.takeProfits.size() < 2 || r.bracket.takeProfits.size() > 3)
            return makeError("a take-profit ladder has 2 or 3 levels, not " + std::to_string(r.bracket.takeProfits.size()));
        int total = 0;
        for (const TakeProfitLevel& tp : r.bracket.takeProfits) {
            if (auto s = checkPx(tp.price, "take-profit"); !s) return s;
            if (tp.percent < 1 || tp.percent > 100)
                return makeError("take-profit share " + std::to_string(tp.percent) + " % must be between 1 and 100");
            total += tp.percent;
        }
        if (total != 100)
            return makeError("the take-profit shares add up to " + std::to_string(total) + " %; they must add up to 100 %");
    }
    if (r.ocoStop) {
        if (r.type != OrderType::Limit || (r.timeInForce != TimeInForce::Gtc && r.timeInForce != TimeInForce::PostOnly))
            return makeError("a one-cancels-the-other pair is a GTC or post-only limit order with a stop leg, not a " + typeName +
                             " " + std::string(toString(r.timeInForce)) + " order");
        if (!r.bracket.empty()) return makeError("a one-cancels-the-other pair cannot carry a bracket");
        if (auto s = checkPx(r.ocoStop->stopPrice, "OCO stop price"); !s) return s;
        if (auto s = checkPx(r.ocoStop->limitPrice, "OCO stop-limit price"); !s) return s;
        // Binance: a sell has limit > last price > stop, a buy the reverse.
        const bool buy = r.side == Side::Buy;
        const Price& lim = *r.limitPrice;
        const Price& stop = r.ocoStop->stopPrice;
        if (buy ? !(lim < stop) : !(stop < lim))
            return makeError("OCO " + std::string(toString(r.side)) + ": the limit " + priceText(lim) + " must be " +
                             (buy ? "below" : "above") + " the stop " + priceText(stop));
        if (referencePrice &&
            (buy ? !(lim < *referencePrice && *referencePrice < stop) : !(stop < *referencePrice && *referencePrice < lim)))
            return makeError("OCO " + std::string(toString(r.side)) + ": the market price " + priceText(*referencePrice) +
                             " must lie between the limit " + priceText(lim) + " and the stop " + priceText(stop));
    }

    std::optional<Price> entry = r.limitPrice ? r.limitPrice : (r.stopPrice ? r.stopPrice : referencePrice);
    if (entry && !inst.minNotional.isZero()) {
        auto value = kairos::notional(*entry, r.quantity, moneyScale, RoundingMode::HalfEven);
        if (!value) return makeError("order value cannot be computed: " + value.message());
        if (*value < inst.minNotional) {
            const std::string quote = inst.quoteAsset.empty() ? std::string() : " " + inst.quoteAsset;
            return makeError("order value " + value->toTrimmedString() + quote + " (" + r.quantity.toTrimmedString() + " x " +
                             priceText(*entry) + ") is below the minimum of " + inst.minNotional.toTrimmedString() + quote +
                             " for " + sym);
        }
    }
    if (entry) {
        const bool buy = r.side == Side::Buy;
        if (r.bracket.stopLoss && (buy ? *r.bracket.stopLoss >= *entry : *r.bracket.stopLoss <= *entry))
            return makeError("stop-loss " + priceText(*r.bracket.stopLoss) + " must be " + (buy ? "below" : "above") +
                             " the entry price " + priceText(*entry) + " of a " + std::string(toString(r.side)));
        if (r.bracket.takeProfit && (buy ? *r.bracket.takeProfit <= *entry : *r.bracket.takeProfit >= *entry))
            return makeError("take-profit " + priceText(*r.bracket.takeProfit) + " must be " + (buy ? "above" : "below") +
                             " the entry price " + priceText(*entry) + " of a " + std::string(toString(r.side)));
        for (const TakeProfitLevel& tp : r.bracket.takeProfits)
            if (buy ? tp.price <= *entry : tp.price >= *entry)
                return makeError("take-profit " + priceText(tp.price) + " must be " + (buy ? "above" : "below") +
                                 " the entry price " + priceText(*entry) + " of a " + std::string(toString(r.side)));
    } else if (r.bracket.stopLoss && r.bracket.takeProfit) {
        const bool buy = r.side == Side::Buy;
        if (buy ? *r.bracket.stopLoss >= *r.bracket.takeProfit : *r.bracket.stopLoss <= *r.bracket.takeProfit)
            return makeError("stop-loss " + priceText(*r.bracket.stopLoss) + " and take-profit " +
                             priceText(*r.bracket.takeProfit) + " are on the wrong sides for a " + std::string(toString(r.side)));
    }
    return {};
}

}  // namespace kairos::trading
