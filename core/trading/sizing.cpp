#include "trading/sizing.h"

#include "trading/detail/ratio.h"
#include "trading/venuerules.h"

#include <string>

namespace kairos::trading {

namespace {
using kairos::detail::Int128;

std::string withAsset(const std::string& value, const std::string& asset) { return asset.empty() ? value : value + " " + asset; }

// The largest lot multiple of (num / 10^numScale) / (den / 10^denScale), then the common checks.
Result<Sizing> finish(Int128 num, int numScale, Int128 den, int denScale, const Price& price, const std::string& budget,
                      const Instrument& inst, int moneyScale) {
    const int qScale = std::max(inst.lotSize.scale(), inst.quantityPrecision);
    auto raw = fixedmath::ratioAtScale(num, numScale, den, denScale, qScale, RoundingMode::Floor);
    if (!raw) return makeError(budget + " cannot be converted into a quantity: " + raw.message());
    auto lots = floorToLot(Quantity::fromRaw(*raw, qScale), inst);
    if (!lots) return lots.error();
    const std::string base = inst.baseAsset.empty() ? inst.id.symbol : inst.baseAsset;
    if (lots->isZero() || lots->isNegative())
        return makeError(budget + " buys less than one lot (" + inst.lotSize.toTrimmedString() + " " + base + ") of " +
                         inst.id.symbol);
    Sizing s;
    s.quantity = *lots;
    auto value = kairos::notional(price, *lots, moneyScale, RoundingMode::HalfEven);
    if (!value) return makeError("order value cannot be computed: " + value.message());
    s.notional = *value;
    s.risk = Money::fromRaw(0, moneyScale);
    if (*value < inst.minNotional)
        return makeError(budget + " buys " + lots->toTrimmedString() + " " + base + ", worth " +
                         withAsset(value->toTrimmedString(), inst.quoteAsset) + ", below the minimum order value of " +
                         withAsset(inst.minNotional.toTrimmedString(), inst.quoteAsset) + " for " + inst.id.symbol);
    return s;
}

Status checkPercent(const Percent& p, const char* what) {
    if (p.isZero() || p.isNegative() || Percent::fromRaw(100, 0) < p)
        return makeError(std::string(what) + " " + p.toTrimmedString() + " % must be above 0 and at most 100");
    return {};
}
}  // namespace

Result<Sizing> sizeByRiskAmount(const Money& riskAmount, const Price& entry, const Price& stop, const Instrument& instrument,
                                int moneyScale) {
    if (riskAmount.isZero() || riskAmount.isNegative())
        return makeError("the risk amount " + riskAmount.toTrimmedString() + " must be greater than zero");
    if (entry.isZero() || entry.isNegative() || stop.isZero() || stop.isNegative())
        return makeError("the entry and stop prices must be greater than zero");
    auto distance = entry.sub(stop);
    if (!distance) return distance.error();
    if (distance->isZero())
        return makeError("the stop " + stop.toTrimmedString() + " equals the entry price; the risk per unit would be zero");
    const Price d = distance->isNegative() ? distance->negated() : *distance;
    const std::string budget = "a risk of " + withAsset(riskAmount.toTrimmedString(), instrument.quoteAsset) + " with the stop " +
        d.toTrimmedString() + " away";
    auto s = finish(riskAmount.raw(), riskAmount.scale(), d.raw(), d.scale(), entry, budget, instrument, moneyScale);
    if (!s) return s;
    auto risk = kairos::notional(d, s->quantity, moneyScale, RoundingMode::HalfEven);
    if (risk) s->risk = *risk;
    return s;
}

Result<Sizing> sizeByRisk(const Money& equity, const Percent& riskPercent, const Price& entry, const Price& stop,
                          const Instrument& instrument, int moneyScale) {
    if (auto c = checkPercent(riskPercent, "the risk"); !c) return c.error();
    if (equity.isZero() || equity.isNegative())
        return makeError("equity " + equity.toTrimmedString() + " leaves nothing to risk");
    // equity x percent / 100, exact at the money scale (rounded down: never risk more than asked).
    auto amount = fixedmath::ratioAtScale(static_cast<Int128>(equity.raw()) * riskPercent.raw(),
                                          equity.scale() + riskPercent.scale(), 100, 0, moneyScale, RoundingMode::Floor);
    if (!amount) return makeError("risk amount cannot be computed: " + amount.message());
    return sizeByRiskAmount(Money::fromRaw(*amount, moneyScale), entry, stop, instrument, moneyScale);
}

Result<Sizing> sizeByNotional(const Money& notional, const Price& price, const Instrument& instrument, int moneyScale) {
    if (notional.isZero() || notional.isNegative())
        return makeError("the amount " + notional.toTrimmedString() + " must be greater than zero");
    if (price.isZero() || price.isNegative())
        return makeError("the price " + price.toTrimmedString() + " must be greater than zero");
    const std::string budget = withAsset(notional.toTrimmedString(), instrument.quoteAsset) + " at " + price.toTrimmedString();
    return finish(notional.raw(), notional.scale(), price.raw(), price.scale(), price, budget, instrument, moneyScale);
}

Result<Sizing> sizeByEquityPercent(const Money& equity, const Percent& percent, const Price& price, const Instrument& instrument,
                                   int moneyScale) {
    if (auto c = checkPercent(percent, "the share of equity"); !c) return c.error();
    auto amount = fixedmath::ratioAtScale(static_cast<Int128>(equity.raw()) * percent.raw(), equity.scale() + percent.scale(),
                                          100, 0, moneyScale, RoundingMode::Floor);
    if (!amount) return makeError("amount cannot be computed: " + amount.message());
    return sizeByNotional(Money::fromRaw(*amount, moneyScale), price, instrument, moneyScale);
}

}  // namespace kairos::trading
