#pragma once
// RiskManager: the pre-trade risk rules of one account, run by its OrderGateway before any order
// reaches the venue (paper, backtest or live alike). Each refusal names the rule and the numbers:
// "risk rule 'max daily loss': the day's loss of 512.3 USDT reached the limit of 500 USDT; new
// entries are blocked until 00:00 UTC or a manual reset".
//
// Rules (each off when unset): allowed instruments, max orders per minute, max order value, max
// position (absolute quantity and % of equity, per instrument), max open positions, and max daily
// loss (equity now against equity at the first check of the UTC day, so unrealised losses count;
// it blocks new entries and increases). An order that only reduces a position passes every rule,
// instrument list, order rate and order value included, so a trader, a stop-loss or the kill switch
// can always get out; it still counts in the orders-per-minute window.
//
// Thread: the account's.

#include "trading/account.h"
#include "trading/ordergateway.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace kairos::trading {

struct RiskLimits {
    std::vector<std::string> allowedSymbols;  ///< empty: every instrument
    std::optional<int> maxOrdersPerMinute;
    std::optional<Money> maxOrderValue;           ///< in the quote asset
    std::optional<Quantity> maxPositionQuantity;  ///< per instrument, absolute
    std::optional<int> maxPositionPercent;        ///< per instrument: position value / equity, in %
    std::optional<int> maxOpenPositions;
    std::optional<Money> maxDailyLoss;  ///< in the account's money

    friend bool operator==(const RiskLimits&, const RiskLimits&) = default;
};

class RiskManager {
public:
    /// `account` must outlive the manager; its clock decides minutes and UTC days.
    RiskManager(const Account& account, RiskLimits limits);

    void setLimits(RiskLimits limits) { m_limits = std::move(limits); }
    const RiskLimits& limits() const { return m_limits; }

    /// Runs every rule; the first refusal wins. An order that passes is counted for the
    /// orders-per-minute rule.
    Status check(const OrderRequest& request, const IVenue& venue);
    /// `check` as a gateway check (this manager must outlive the gateway's use of it).
    PreTradeCheck asCheck();

    /// The day's loss so far (equity at the day's start minus equity now; negative is a gain).
    Money dailyLoss();
    /// Whether the daily-loss rule blocks new entries now.
    bool entriesBlocked();
    /// The manual reset: the day's loss counts from now.
    void resetDailyLoss();

private:
    void rollDay();

    const Account& m_account;
    RiskLimits m_limits;
    std::deque<std::int64_t> m_recentOrders;
    std::int64_t m_day = -1;
    Money m_dayStartEquity;
};

}  // namespace kairos::trading
