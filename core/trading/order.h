#pragma once
// The one order model used by the backtest, paper and (later) live venues (shared/DESIGN.md
// "Trading"). Prices and quantities are exact decimals (domain/decimal.h), never double.

#include "domain/bar.h"
#include "domain/decimal.h"
#include "domain/instrument.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::trading {

/// Identifier the simulator/venue gives an order; 0 means "none".
using OrderId = std::uint64_t;

enum class OrderType : std::uint8_t {
    Market = 1,  ///< fills at the next available price (taker)
    Limit,       ///< buy at or below / sell at or above limitPrice
    Stop,        ///< becomes a market order when the price reaches stopPrice
    StopLimit,   ///< becomes a limit order at limitPrice when the price reaches stopPrice
};

enum class TimeInForce : std::uint8_t {
    Gtc = 1,   ///< good till cancelled
    Ioc,       ///< immediate or cancel: what does not fill at the first chance is cancelled
    Fok,       ///< fill or kill: the whole quantity fills at the first chance, else nothing fills and it is cancelled
    PostOnly,  ///< limit orders only (Binance LIMIT_MAKER): rejected when it would take liquidity on arrival
};

/// Lifecycle: New -> Accepted -> (PartiallyFilled ->)* Filled, or -> Cancelled at any open
/// stage, or New -> Rejected (with a reason). Filled, Cancelled and Rejected are final.
enum class OrderStatus : std::uint8_t {
    New = 1,
    Accepted,
    PartiallyFilled,
    Filled,
    Cancelled,
    Rejected,
};

/// What part an order plays: a plain order, or a bracket's protective child.
enum class OrderRole : std::uint8_t {
    Entry = 1,   ///< placed by the user or a strategy
    StopLoss,    ///< bracket child: a Stop order on the opposite side
    TakeProfit,  ///< bracket child: a Limit order on the opposite side
};

enum class Liquidity : std::uint8_t { Maker = 1, Taker };

/// One take-profit of a bracket that closes the position in parts.
struct TakeProfitLevel {
    Price price;
    int percent = 0;  ///< share of the entry's filled quantity, 1..100 (the levels' shares add up to 100)

    friend bool operator==(const TakeProfitLevel&, const TakeProfitLevel&) = default;
};

/// Optional protective prices attached to an entry. When the entry fills, a stop-loss (Stop) and
/// a take-profit (Limit) order are placed on the opposite side for the filled quantity; they are
/// linked one-cancels-the-other. With `takeProfits` (2 or 3 levels, instead of `takeProfit`) each
/// level gets its share of the filled quantity rounded down to the lot (the last level takes the
/// rest), and the stop-loss's quantity follows the remaining position after each take-profit fill.
struct Bracket {
    std::optional<Price> stopLoss;
    std::optional<Price> takeProfit;
    std::vector<TakeProfitLevel> takeProfits;  ///< ladder of take-profits; empty when `takeProfit` is used

    bool empty() const { return !stopLoss && !takeProfit && takeProfits.empty(); }
    friend bool operator==(const Bracket&, const Bracket&) = default;
};

enum class TrailingKind : std::uint8_t {
    Bips = 1,  ///< Binance's trailingDelta: basis points of the best price (100 = 1 %)
    Amount,    ///< a fixed price distance
};

/// A trailing stop's distance. The stop follows the best price since activation (a sell stop the
/// highest, a buy stop the lowest) at this distance, rounded to the tick away from the market
/// (sell: down, buy: up), and triggers when the price retraces to it.
struct Trailing {
    TrailingKind kind = TrailingKind::Bips;
    int bips = 0;  ///< Bips: 1..9999
    Price amount;  ///< Amount: > 0, a multiple of the tick size

    friend bool operator==(const Trailing&, const Trailing&) = default;
};

/// The stop leg of a one-cancels-the-other pair (Binance order list OCO): a Stop (no limit) or a
/// StopLimit order for the same side and quantity as the limit leg that carries it.
struct OcoStopLeg {
    Price stopPrice;
    std::optional<Price> limitPrice;

    friend bool operator==(const OcoStopLeg&, const OcoStopLeg&) = default;
};

/// A command: what the user or strategy asks for.
struct OrderRequest {
    InstrumentId instrument;
    Side side = Side::Buy;
    OrderType type = OrderType::Market;
    Quantity quantity;                ///< > 0, a multiple of the instrument's lot size
    std::optional<Price> limitPrice;  ///< Limit and StopLimit
    std::optional<Price> stopPrice;   ///< Stop and StopLimit; with `trailing`: the optional activation price
    TimeInForce timeInForce = TimeInForce::Gtc;
    Bracket bracket;
    /// Stop and StopLimit: trail at this distance. Without a stop price the trailing starts at
    /// the first price after submission; with one it starts once the price reaches it (a sell
    /// when the price rises to it, a buy when it falls to it: Binance's TAKE_PROFIT + trailingDelta).
    std::optional<Trailing> trailing;
    /// Limit (GTC or post-only): also place this stop leg as a one-cancels-the-other pair. A fill
    /// of either leg, even a partial one, or the stop leg's trigger cancels the other; cancelling
    /// one leg cancels both (Binance's order list semantics).
    std::optional<OcoStopLeg> ocoStop;
    std::string clientOrderId;  ///< caller's id; generated ("K-<id>") when empty

    friend bool operator==(const OrderRequest&, const OrderRequest&) = default;
};

/// An order as the venue holds it. Plain value; the venue sends a copy with every event.
struct Order {
    OrderId id = 0;
    OrderRequest request;
    OrderStatus status = OrderStatus::New;
    OrderRole role = OrderRole::Entry;
    OrderId parentId = 0;                  ///< bracket children: the entry order
    OrderId ocoSiblingId = 0;              ///< bracket children: the other child (0 when alone); OCO legs: the other leg
    bool triggered = false;                ///< Stop/StopLimit: the stop price was reached
    std::optional<Price> trailingExtreme;  ///< trailing stop: best price since activation (empty: not active yet)
    std::optional<Price> trailingStop;     ///< trailing stop: the current trigger price (empty: not active yet)
    Quantity filledQuantity;               ///< at the quantity's scale
    Money filledNotional;                  ///< sum of fill price x fill quantity (exact)
    Money feesPaid;
    std::string rejectReason;  ///< Rejected: why; Cancelled: why when not by request
    std::int64_t createdMs = 0;
    std::int64_t updatedMs = 0;

    bool isOpen() const {
        return status == OrderStatus::New || status == OrderStatus::Accepted || status == OrderStatus::PartiallyFilled;
    }
    /// quantity - filledQuantity.
    Quantity remaining() const;
    /// filledNotional / filledQuantity at `scale` (HalfEven); zero when nothing filled.
    Price averageFillPrice(int scale) const;

    friend bool operator==(const Order&, const Order&) = default;
};

/// One execution.
struct Fill {
    OrderId orderId = 0;
    std::string clientOrderId;
    InstrumentId instrument;
    Side side = Side::Buy;
    Price price;
    Quantity quantity;
    Money fee;  ///< in the quote asset, >= 0
    Liquidity liquidity = Liquidity::Taker;
    std::int64_t timeMs = 0;
    std::uint64_t fillId = 0;  ///< sequence number given by the simulator (unique per simulator)

    friend bool operator==(const Fill&, const Fill&) = default;
};

/// What happened to an order (past tense events, shared/STYLE.md).
enum class OrderEventKind : std::uint8_t {
    Accepted = 1,
    Rejected,
    Triggered,  ///< a Stop/StopLimit reached its stop price
    PartiallyFilled,
    Filled,
    Cancelled,
    Amended,  ///< an open order's limit or stop price was moved (a dragged chart line)
};

struct OrderEvent {
    OrderEventKind kind = OrderEventKind::Accepted;
    Order order;               ///< the order after the event
    std::optional<Fill> fill;  ///< PartiallyFilled / Filled
};
using OrderEvents = std::vector<OrderEvent>;

std::string_view toString(OrderType);
std::string_view toString(TimeInForce);
std::string_view toString(OrderStatus);
std::string_view toString(OrderRole);
std::string_view toString(Liquidity);
std::string_view toString(OrderEventKind);
std::string_view toString(Side);
std::string_view toString(TrailingKind);
/// Inverse of toString (exact spelling); nullopt for anything else (e.g. data read back from disk).
std::optional<OrderType> orderTypeFromString(std::string_view);
std::optional<TimeInForce> timeInForceFromString(std::string_view);
std::optional<OrderStatus> orderStatusFromString(std::string_view);
std::optional<OrderRole> orderRoleFromString(std::string_view);
std::optional<Liquidity> liquidityFromString(std::string_view);
std::optional<Side> sideFromString(std::string_view);

Side opposite(Side);

/// True for the stop and stop-limit types (the order waits for a stop price or a trailing trigger).
inline bool isStopType(OrderType t) { return t == OrderType::Stop || t == OrderType::StopLimit; }
/// True for a leg of a one-cancels-the-other pair placed by the user (not a bracket child).
inline bool isOcoLeg(const Order& o) { return o.role == OrderRole::Entry && o.ocoSiblingId != 0; }

}  // namespace kairos::trading
