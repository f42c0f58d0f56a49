#include "trading/order.h"

#include "trading/detail/ratio.h"

#include <array>
#include <utility>

namespace kairos::trading {

Quantity Order::remaining() const {
    auto r = request.quantity.sub(filledQuantity);
    return r ? *r : Quantity::fromRaw(0, request.quantity.scale());
}

Price Order::averageFillPrice(int scale) const {
    if (filledQuantity.isZero()) return Price::fromRaw(0, scale);
    auto r = fixedmath::ratioAtScale(filledNotional.raw(), filledNotional.scale(), filledQuantity.raw(), filledQuantity.scale(),
                                     scale, RoundingMode::HalfEven);
    return Price::fromRaw(r ? *r : 0, scale);
}

namespace {
template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
    for (const auto& [e, name] : table)
        if (name == s) return e;
    return std::nullopt;
}
template <class E, std::size_t N>
std::string_view name(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
    for (const auto& [v, n] : table)
        if (v == e) return n;
    return "?";
}

constexpr std::array<std::pair<OrderType, std::string_view>, 4> kTypes{{{OrderType::Market, "market"},
                                                                        {OrderType::Limit, "limit"},
                                                                        {OrderType::Stop, "stop"},
                                                                        {OrderType::StopLimit, "stop-limit"}}};
constexpr std::array<std::pair<TimeInForce, std::string_view>, 4> kTifs{
    {{TimeInForce::Gtc, "GTC"}, {TimeInForce::Ioc, "IOC"}, {TimeInForce::Fok, "FOK"}, {TimeInForce::PostOnly, "post-only"}}};
constexpr std::array<std::pair<TrailingKind, std::string_view>, 2> kTrailing{
    {{TrailingKind::Bips, "bips"}, {TrailingKind::Amount, "amount"}}};
constexpr std::array<std::pair<OrderStatus, std::string_view>, 6> kStatuses{{{OrderStatus::New, "new"},
                                                                             {OrderStatus::Accepted, "accepted"},
                                                                             {OrderStatus::PartiallyFilled, "partially filled"},
                                                                             {OrderStatus::Filled, "filled"},
                                                                             {OrderStatus::Cancelled, "cancelled"},
                                                                             {OrderStatus::Rejected, "rejected"}}};
constexpr std::array<std::pair<OrderRole, std::string_view>, 3> kRoles{
    {{OrderRole::Entry, "entry"}, {OrderRole::StopLoss, "stop-loss"}, {OrderRole::TakeProfit, "take-profit"}}};
constexpr std::array<std::pair<Liquidity, std::string_view>, 2> kLiquidity{
    {{Liquidity::Maker, "maker"}, {Liquidity::Taker, "taker"}}};
constexpr std::array<std::pair<OrderEventKind, std::string_view>, 7> kEvents{
    {{OrderEventKind::Accepted, "accepted"},
     {OrderEventKind::Rejected, "rejected"},
     {OrderEventKind::Triggered, "triggered"},
     {OrderEventKind::PartiallyFilled, "partially filled"},
     {OrderEventKind::Filled, "filled"},
     {OrderEventKind::Cancelled, "cancelled"},
     {OrderEventKind::Amended, "amended"}}};
constexpr std::array<std::pair<Side, std::string_view>, 2> kSides{{{Side::Buy, "buy"}, {Side::Sell, "sell"}}};
}  // namespace

std::string_view toString(OrderType v) { return name(kTypes, v); }
std::string_view toString(TimeInForce v) { return name(kTifs, v); }
std::string_view toString(OrderStatus v) { return name(kStatuses, v); }
std::string_view toString(OrderRole v) { return name(kRoles, v); }
std::string_view toString(Liquidity v) { return name(kLiquidity, v); }
std::string_view toString(OrderEventKind v) { return name(kEvents, v); }
std::string_view toString(Side v) { return name(kSides, v); }
std::string_view toString(TrailingKind v) { return name(kTrailing, v); }
std::optional<OrderType> orderTypeFromString(std::string_view s) { return lookup(kTypes, s); }
std::optional<TimeInForce> timeInForceFromString(std::string_view s) { return lookup(kTifs, s); }
std::optional<OrderStatus> orderStatusFromString(std::string_view s) { return lookup(kStatuses, s); }
std::optional<OrderRole> orderRoleFromString(std::string_view s) { return lookup(kRoles, s); }
std::optional<Liquidity> liquidityFromString(std::string_view s) { return lookup(kLiquidity, s); }
std::optional<Side> sideFromString(std::string_view s) { return lookup(kSides, s); }

Side opposite(Side s) { return s == Side::Buy ? Side::Sell : Side::Buy; }

}  // namespace kairos::trading
