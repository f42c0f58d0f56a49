#include "trading/ordergateway.h"

namespace kairos::trading {

PreTradeCheck maxOrderNotionalCheck(Money limit) {
    return [limit](const OrderRequest& r, const IVenue& venue) -> Status {
        std::optional<Price> price = r.limitPrice ? r.limitPrice : r.stopPrice;
        if (!price) price = venue.lastPrice(r.instrument);
        if (!price) return {};
        auto value = venue.rules().notional(*price, r.quantity);
        if (!value) return makeError("the order's value cannot be computed: " + value.message());
        if (*value > limit)
            return makeError("order value " + value->toTrimmedString() + " is above the limit of " + limit.toTrimmedString() +
                             " per order");
        return {};
    };
}

OrderGateway::OrderGateway(IVenue& venue, const IClock& clock, std::string idPrefix)
    : m_venue(venue), m_clock(clock), m_idPrefix(std::move(idPrefix)) {}

void OrderGateway::addCheck(PreTradeCheck check) { m_checks.push_back(std::move(check)); }

void OrderGateway::clearChecks() { m_checks.clear(); }

Status OrderGateway::check(const OrderRequest& request) const {
    for (const PreTradeCheck& c : m_checks)
        if (auto st = c(request, m_venue); !st) return st;
    return {};
}

OrderEvents OrderGateway::submit(OrderRequest request) {
    const std::int64_t now = m_clock.nowMs();
    // The id exists before the order leaves the terminal (an asynchronous venue answers by it).
    if (request.clientOrderId.empty())
        request.clientOrderId = m_idPrefix + std::to_string(now) + "-" + std::to_string(++m_sequence);
    if (auto st = check(request); !st) {
        ++m_refused;
        Order o;
        o.request = std::move(request);
        o.status = OrderStatus::Rejected;
        o.rejectReason = "Refused: " + st.message();
        o.createdMs = o.updatedMs = now;
        return {OrderEvent{OrderEventKind::Rejected, std::move(o), std::nullopt}};
    }
    return m_venue.submit(request);
}

Result<OrderEvents> OrderGateway::cancel(OrderId id) { return m_venue.cancel(id); }

OrderEvents OrderGateway::cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) {
    return m_venue.cancelAll(instrument, reason);
}

Result<OrderEvents> OrderGateway::amend(OrderId id, const Price& price) {
    if (auto o = m_venue.order(id)) {
        OrderRequest moved = o->request;
        if (moved.type == OrderType::Limit) moved.limitPrice = price;
        if (moved.type == OrderType::Stop) moved.stopPrice = price;
        if (auto st = check(moved); !st) {
            ++m_refused;
            return makeError("Refused: " + st.message());
        }
    }
    return m_venue.amend(id, price);
}

}  // namespace kairos::trading
