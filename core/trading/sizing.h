#pragma once
// Sizing helpers for the order ticket and strategies: the quantity of an order from a risk budget
// and the stop distance, from a notional (a fixed amount of the quote asset), or from a share of
// equity. Every result is rounded down to the instrument's lot size and checked against its
// minimum order value; when no valid quantity exists the error says why in plain words. Pure
// functions, exact decimals, any thread.

#include "domain/decimal.h"
#include "domain/instrument.h"
#include "util/result.h"

namespace kairos::trading {

struct PercentTag {};
/// A percentage as an exact decimal: 1.5 % is Percent::parse("1.5").
using Percent = Fixed<PercentTag>;

/// A quantity and what it is worth at the price it was sized for.
struct Sizing {
    Quantity quantity;  ///< > 0, a multiple of the lot size
    Money notional;     ///< quantity x price at the money scale
    Money risk;         ///< quantity x |entry - stop| (zero when sized without a stop)
};

/// Risks `riskPercent` of `equity` (0 < percent <= 100) between `entry` and `stop`: quantity =
/// equity x percent / 100 / |entry - stop|, rounded down to the lot. Error when the stop equals
/// the entry, the budget buys less than one lot, or the order is worth less than the minimum.
Result<Sizing> sizeByRisk(const Money& equity, const Percent& riskPercent, const Price& entry, const Price& stop,
                          const Instrument& instrument, int moneyScale = 8);
/// Risks a fixed `riskAmount` (quote asset) between `entry` and `stop`; as sizeByRisk.
Result<Sizing> sizeByRiskAmount(const Money& riskAmount, const Price& entry, const Price& stop, const Instrument& instrument,
                                int moneyScale = 8);
/// Spends `notional` (quote asset) at `price`: quantity = notional / price, rounded down to the lot.
Result<Sizing> sizeByNotional(const Money& notional, const Price& price, const Instrument& instrument, int moneyScale = 8);
/// Spends `percent` of `equity` at `price` (0 < percent <= 100).
Result<Sizing> sizeByEquityPercent(const Money& equity, const Percent& percent, const Price& price, const Instrument& instrument,
                                   int moneyScale = 8);

}  // namespace kairos::trading
