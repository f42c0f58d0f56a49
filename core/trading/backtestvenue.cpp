#include "trading/backtestvenue.h"

namespace kairos::trading {

BacktestVenue::BacktestVenue(SimulatorConfig config, const IClock& clock) : m_clock(clock), m_sim(config) {}

void BacktestVenue::deliver(const OrderEvents& events) {
    if (m_listener && !events.empty()) m_listener->onOrderEvents(events);
}

void BacktestVenue::onBar(const InstrumentId& id, const Bar& bar) {
    deliver(m_sim.onBar(id, bar));
    m_closes[id] = bar.close;
    if (m_listener) m_listener->onPrice(id, bar.close);
}

std::optional<Price> BacktestVenue::lastPrice(const InstrumentId& id) const {
    auto it = m_closes.find(id);
    if (it == m_closes.end()) return std::nullopt;
    return it->second;
}

OrderEvents BacktestVenue::submit(const OrderRequest& request) {
    OrderEvents events = m_sim.submit(request, m_clock.nowMs());
    deliver(events);
    return events;
}

Result<OrderEvents> BacktestVenue::cancel(OrderId id) {
    auto r = m_sim.cancel(id, m_clock.nowMs());
    if (r) deliver(*r);
    return r;
}

OrderEvents BacktestVenue::cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) {
    OrderEvents events = m_sim.cancelAll(instrument, m_clock.nowMs(), reason);
    deliver(events);
    return events;
}

Result<OrderEvents> BacktestVenue::amend(OrderId id, const Price& price) {
    auto r = m_sim.amend(id, price, m_clock.nowMs());
    if (r) deliver(*r);
    return r;
}

Status BacktestVenue::restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) {
    return m_sim.restore(openOrders, nextOrderId, nextFillId);
}

Status BacktestVenue::resetOrders() { return makeError("a backtest venue cannot be reset while it runs"); }

}  // namespace kairos::trading
