#include "trading/backtestvenue.h"

namespace kairos::trading {

BacktestVenue::BacktestVenue(SimulatorConfig config, const IClock& clock) : m_clock(clock), m_sim(config) {}

void BacktestVenue::deliver(const OrderEvents& events) {
    if (m_listener && !events.empty()) m_listener->onOrderEvents(events);
}

BacktestVenue::Market& BacktestVenue::market(const InstrumentId& id) {
    if (m_lastMarket < m_markets.size() && m_markets[m_lastMarket].id == id) return m_markets[m_lastMarket];
    for (std::size_t i = 0; i < m_markets.size(); ++i)
        if (m_markets[i].id == id) {
            m_lastMarket = i;
            return m_markets[i];
        }
    m_markets.push_back(Market{id, Price{}, false, 0, Price{}});
    m_lastMarket = m_markets.size() - 1;
    return m_markets.back();
}

const BacktestVenue::Market* BacktestVenue::findMarket(const InstrumentId& id) const {
    for (const Market& m : m_markets)
        if (m.id == id) return &m;
    return nullptr;
}

void BacktestVenue::flush() {
    if (!m_hasPending) return;
    m_hasPending = false;
    for (Market& m : m_markets) {
        if (!m.hasPending) continue;
        m.hasPending = false;
        // No order was open since these bars arrived, so the simulator only notes the bar's open
        // time and close.
        Bar bar;
        bar.openTimeMs = m.pendingOpenMs;
        bar.open = bar.high = bar.low = bar.close = m.pendingClose;
        deliver(m_sim.onBar(m.id, bar));
    }
}

void BacktestVenue::defer(Market& m, const Bar& bar) {
    // The simulator ignores a bar not newer than the last it saw, so the newest one is all it needs.
    if (!m.hasPending || m.pendingOpenMs < bar.openTimeMs) {
        m.hasPending = true;
        m.pendingOpenMs = bar.openTimeMs;
        m.pendingClose = bar.close;
    }
    m_hasPending = true;
}

void BacktestVenue::onBar(const InstrumentId& id, const Bar& bar) {
    Market& m = market(id);
    if (!m_sim.hasOpenOrders()) {
        defer(m, bar);
    } else {
        flush();
        deliver(m_sim.onBar(id, bar));
    }
    m.close = bar.close;
    if (m_listener) m_listener->onPrice(id, bar.close);
}

void BacktestVenue::onQuietBar(const InstrumentId& id, const Bar& bar) {
    if (m_sim.hasOpenOrders()) {
        onBar(id, bar);
        return;
    }
    Market& m = market(id);
    defer(m, bar);
    m.close = bar.close;
}

std::optional<Price> BacktestVenue::lastPrice(const InstrumentId& id) const {
    const Market* m = findMarket(id);
    if (!m) return std::nullopt;
    return m->close;
}

OrderEvents BacktestVenue::submit(const OrderRequest& request) {
    flush();
    OrderEvents events = m_sim.submit(request, m_clock.nowMs());
    deliver(events);
    return events;
}

Result<OrderEvents> BacktestVenue::cancel(OrderId id) {
    flush();
    auto r = m_sim.cancel(id, m_clock.nowMs());
    if (r) deliver(*r);
    return r;
}

OrderEvents BacktestVenue::cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) {
    flush();
    OrderEvents events = m_sim.cancelAll(instrument, m_clock.nowMs(), reason);
    deliver(events);
    return events;
}

Result<OrderEvents> BacktestVenue::amend(OrderId id, const Price& price) {
    flush();
    auto r = m_sim.amend(id, price, m_clock.nowMs());
    if (r) deliver(*r);
    return r;
}

Status BacktestVenue::restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) {
    flush();
    return m_sim.restore(openOrders, nextOrderId, nextFillId);
}

Status BacktestVenue::resetOrders() { return makeError("a backtest venue cannot be reset while it runs"); }

}  // namespace kairos::trading
