#include "trading/riskmanager.h"

#include <algorithm>
#include <cstdio>

namespace kairos::trading {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

std::string percent(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

}  // namespace

RiskManager::RiskManager(const Account& account, RiskLimits limits) : m_account(account), m_limits(std::move(limits)) {}

PreTradeCheck RiskManager::asCheck() {
    return [this](const OrderRequest& r, const IVenue& venue) { return check(r, venue); };
}

void RiskManager::rollDay() {
    const std::int64_t day = m_account.clock().nowMs() / kDayMs;
    if (day != m_day) {
        m_day = day;
        m_dayStartEquity = m_account.portfolio().equity();
    }
}

Money RiskManager::dailyLoss() {
    rollDay();
    auto loss = m_dayStartEquity.sub(m_account.portfolio().equity());
    return loss ? *loss : Money{};
}

bool RiskManager::entriesBlocked() { return m_limits.maxDailyLoss && dailyLoss() >= *m_limits.maxDailyLoss; }

void RiskManager::resetDailyLoss() {
    m_day = m_account.clock().nowMs() / kDayMs;
    m_dayStartEquity = m_account.portfolio().equity();
}

Status RiskManager::check(const OrderRequest& r, const IVenue& venue) {
    const std::int64_t now = m_account.clock().nowMs();
    const Instrument* inst = venue.instrument(r.instrument);
    const std::string quote = inst && !inst->quoteAsset.empty() ? " " + inst->quoteAsset : "";
    const std::string base = inst && !inst->baseAsset.empty() ? " " + inst->baseAsset : "";

    // The position before and after the order, signed.
    const Position* pos = m_account.portfolio().position(r.instrument);
    const Quantity before = pos ? pos->quantity : Quantity{};
    const Quantity delta = r.side == Side::Buy ? r.quantity : r.quantity.negated();
    auto afterR = before.add(delta);
    if (!afterR) return makeError("risk: the position after this order cannot be computed: " + afterR.message());
    const Quantity after = *afterR;
    const auto abs = [](const Quantity& q) { return q.isNegative() ? q.negated() : q; };
    const bool sameSign = before.isZero() || after.isZero() || (before.isNegative() == after.isNegative());
    const bool reducing = !before.isZero() && sameSign && abs(after) < abs(before);

    // An order that only reduces the position passes every rule (the kill switch, a stop-loss or a
    // manual close must always be able to flatten); it still counts for the orders-per-minute window.
    while (!m_recentOrders.empty() && m_recentOrders.front() <= now - 60'000) m_recentOrders.pop_front();
    if (reducing) {
        m_recentOrders.push_back(now);
        return {};
    }

    if (!m_limits.allowedSymbols.empty() &&
        std::find(m_limits.allowedSymbols.begin(), m_limits.allowedSymbols.end(), r.instrument.symbol) ==
            m_limits.allowedSymbols.end()) {
        std::string list;
        for (const auto& s : m_limits.allowedSymbols) list += (list.empty() ? "" : ", ") + s;
        return makeError("risk rule 'allowed instruments': " + r.instrument.symbol +
                         " is not one of this account's instruments (" + list + ")");
    }

    if (m_limits.maxOrdersPerMinute && static_cast<int>(m_recentOrders.size()) >= *m_limits.maxOrdersPerMinute)
        return makeError("risk rule 'max orders per minute': " + std::to_string(m_recentOrders.size()) +
                         " orders in the last minute reached the limit of " + std::to_string(*m_limits.maxOrdersPerMinute));

    std::optional<Price> price = r.limitPrice ? r.limitPrice : r.stopPrice;
    if (!price) price = venue.lastPrice(r.instrument);

    if (m_limits.maxOrderValue && price) {
        auto value = venue.rules().notional(*price, r.quantity);
        if (!value) return makeError("risk: the order's value cannot be computed: " + value.message());
        if (*value > *m_limits.maxOrderValue)
            return makeError("risk rule 'max order value': the order is worth " + value->toTrimmedString() + quote +
                             ", above the limit of " + m_limits.maxOrderValue->toTrimmedString() + quote);
    }

    if (m_limits.maxDailyLoss) {
        const Money loss = dailyLoss();
        if (loss >= *m_limits.maxDailyLoss)
            return makeError("risk rule 'max daily loss': the day's loss of " + loss.toTrimmedString() + quote +
                             " reached the limit of " + m_limits.maxDailyLoss->toTrimmedString() + quote +
                             "; new entries are blocked until 00:00 UTC or a manual reset");
    }
    if (m_limits.maxPositionQuantity && abs(after) > *m_limits.maxPositionQuantity)
        return makeError("risk rule 'max position': the position would be " + abs(after).toTrimmedString() + base +
                         ", above the limit of " + m_limits.maxPositionQuantity->toTrimmedString() + base);
    if (m_limits.maxPositionPercent && price) {
        auto value = venue.rules().notional(*price, abs(after));
        const Money equity = m_account.portfolio().equity();
        if (!value) return makeError("risk: the position's value cannot be computed: " + value.message());
        const double pct = equity.isNegative() || equity.isZero() ? 1e9 : value->toDouble() * 100.0 / equity.toDouble();
        if (pct > *m_limits.maxPositionPercent)
            return makeError("risk rule 'max position % of equity': the position would be worth " + value->toTrimmedString() +
                             quote + ", " + percent(pct) + "% of the equity of " + equity.toTrimmedString() + quote +
                             ", above the limit of " + std::to_string(*m_limits.maxPositionPercent) + "%");
    }
    if (m_limits.maxOpenPositions && before.isZero()) {
        const int open = static_cast<int>(m_account.portfolio().openPositions().size());
        if (open >= *m_limits.maxOpenPositions)
            return makeError("risk rule 'max open positions': " + std::to_string(open) + " positions are open, the limit is " +
                             std::to_string(*m_limits.maxOpenPositions));
    }
    m_recentOrders.push_back(now);
    return {};
}

}  // namespace kairos::trading
