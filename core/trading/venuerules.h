#pragma once
// A venue's trading rules apart from its connection (shared/STYLE.md, after LEAN's brokerage
// model): fees, slippage and order validation against the instrument's filters. The fill
// simulator (backtest and paper) and, later, live order checks use the same code.

#include "domain/decimal.h"
#include "domain/instrument.h"
#include "trading/order.h"
#include "util/result.h"

#include <optional>

namespace kairos::trading {

struct BpsTag {};
/// Basis points (1 bp = 0.01 %) as an exact decimal: 7.5 bp is Bps::parse("7.5").
using Bps = Fixed<BpsTag>;

/// Maker and taker fees in basis points of the fill's notional. Defaults: Binance spot's base
/// rate, 0.1 % both sides (10 bp).
struct FeeSchedule {
    Bps makerBps = Bps::fromRaw(10, 0);
    Bps takerBps = Bps::fromRaw(10, 0);
};

struct VenueRules {
    FeeSchedule fees;
    /// Adverse price move applied to taker fills (market orders, triggered stops, marketable
    /// limits at the gap price), in basis points of the price; the slipped price is rounded
    /// away from the trader to the tick. Zero by default.
    Bps slippageBps;
    /// Decimal places of every Money value (notional, fees, cash, P&L). 8 keeps price x
    /// quantity exact for Binance spot symbols (e.g. 2 price + 5 quantity decimals for BTCUSDT);
    /// anything finer is rounded half-to-even.
    int moneyScale = 8;

    /// price x quantity at moneyScale (HalfEven).
    Result<Money> notional(const Price& price, const Quantity& qty) const;
    /// Fee of one fill: notional x bps / 10,000 at moneyScale, rounded half-to-even.
    Result<Money> fee(const Price& price, const Quantity& qty, Liquidity liquidity) const;
    /// `price` moved against a trader on `side` by slippageBps: buy up, sell down, then rounded
    /// to the instrument's tick away from the trader (buy: ceiling, sell: floor).
    Result<Price> slipped(const Price& price, Side side, const Instrument& instrument) const;
};

/// Rounds `price` to a multiple of the instrument's tick size (tick zero: unchanged) with `mode`.
Result<Price> roundToTick(const Price& price, const Instrument& instrument, RoundingMode mode);
/// Rounds `qty` down to a multiple of the lot size (lot zero: unchanged).
Result<Quantity> floorToLot(const Quantity& qty, const Instrument& instrument);

/// Checks an order against the instrument's filters before it reaches any venue:
/// - symbol matches the instrument, quantity > 0 and a multiple of the lot size;
/// - the prices the type needs are present, > 0 and multiples of the tick size; prices the type
///   does not use are refused (a limit price on a market order is a mistake, not noise);
/// - order value (price x quantity) >= min notional, using the limit price, else the stop price,
///   else `referencePrice` (last/ask for market orders); a market order with no reference price
///   skips this check (nothing to value it at);
/// - bracket prices on the right side: for a buy entry stop-loss < entry price < take-profit,
///   for a sell the reverse (entry price = limit, else stop, else reference);
/// - an IOC or FOK stop or stop-limit is refused (IOC/FOK mean "now"; a stop waits); post-only is
///   for limit orders only;
/// - a trailing distance only on stop and stop-limit orders (bips 1..9999, or an amount that is a
///   multiple of the tick); the stop price is then optional (activation price);
/// - a take-profit ladder has 2 or 3 levels on the right side of the entry, shares adding up to 100;
/// - an OCO is a GTC or post-only limit without a bracket; a sell needs limit > stop (and, with
///   `referencePrice`, limit > reference > stop), a buy the reverse.
/// The error message is the rejection reason shown to the user.
Status validateOrder(const OrderRequest& request, const Instrument& instrument,
                     std::optional<Price> referencePrice = std::nullopt, int moneyScale = 8);

}  // namespace kairos::trading
