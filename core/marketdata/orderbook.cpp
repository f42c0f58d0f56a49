#include "marketdata/orderbook.h"

namespace kairos::marketdata {

void OrderBook::clear() {
    m_bids.clear();
    m_asks.clear();
    m_updateId = 0;
}

void OrderBook::setSnapshot(const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks, std::int64_t updateId) {
    m_bids.clear();
    m_asks.clear();
    apply(bids, asks);
    m_updateId = updateId;
}

void OrderBook::setBid(const Price& price, const Quantity& qty) {
    if (qty.isZero())
        m_bids.erase(price);
    else
        m_bids.insert_or_assign(price, qty);
}

void OrderBook::setAsk(const Price& price, const Quantity& qty) {
    if (qty.isZero())
        m_asks.erase(price);
    else
        m_asks.insert_or_assign(price, qty);
}

void OrderBook::apply(const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks) {
    for (const auto& l : bids) setBid(l.price, l.quantity);
    for (const auto& l : asks) setAsk(l.price, l.quantity);
}

void OrderBook::truncate(std::size_t depth) {
    while (m_bids.size() > depth) m_bids.erase(std::prev(m_bids.end()));
    while (m_asks.size() > depth) m_asks.erase(std::prev(m_asks.end()));
}

std::optional<BookLevel> OrderBook::bestBid() const {
    if (m_bids.empty()) return std::nullopt;
    return BookLevel{m_bids.begin()->first, m_bids.begin()->second};
}

std::optional<BookLevel> OrderBook::bestAsk() const {
    if (m_asks.empty()) return std::nullopt;
    return BookLevel{m_asks.begin()->first, m_asks.begin()->second};
}

bool OrderBook::isCrossed() const {
    if (m_bids.empty() || m_asks.empty()) return false;
    return !(m_bids.begin()->first < m_asks.begin()->first);
}

BookTop OrderBook::top(std::size_t depth, std::int64_t timeMs) const {
    BookTop t;
    t.timeMs = timeMs;
    t.updateId = m_updateId;
    t.bids.reserve(std::min(depth, m_bids.size()));
    t.asks.reserve(std::min(depth, m_asks.size()));
    for (auto it = m_bids.begin(); it != m_bids.end() && t.bids.size() < depth; ++it) t.bids.push_back({it->first, it->second});
    for (auto it = m_asks.begin(); it != m_asks.end() && t.asks.size() < depth; ++it) t.asks.push_back({it->first, it->second});
    return t;
}

}  // namespace kairos::marketdata
