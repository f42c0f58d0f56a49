#include "backtest/strategyrunner.h"

namespace kairos::backtest {

StrategyRunner::StrategyRunner(Strategy& strategy, trading::Account& account, Instrument instrument)
    : m_strategy(strategy), m_account(account), m_instrument(std::move(instrument)), m_equity(account.portfolio().equity()) {
    m_account.addObserver([this](const trading::OrderEvent& e) {
        // What the venue says during our own submit is about our order.
        if (m_submitting && e.order.role == trading::OrderRole::Entry) {
            m_mine.insert(e.order.id);
            recordOrigin(e.order);
        }
        if (e.kind == trading::OrderEventKind::Accepted || !isMine(e.order)) return;
        m_strategy.onOrderUpdate(e.order, *this);
    });
}

void StrategyRunner::setOriginRecorder(OriginRecorder recorder, std::string origin) {
    m_recordOrigin = std::move(recorder);
    m_origin = origin.empty() ? "strategy " + m_strategy.name() : std::move(origin);
}

void StrategyRunner::recordOrigin(const trading::Order& o) {
    if (!m_recordOrigin || o.id == 0 || !m_recorded.insert(o.id).second) return;
    m_recordOrigin(o, m_origin);
}

bool StrategyRunner::isMine(const trading::Order& o) const {
    return m_mine.count(o.id) != 0 || (o.parentId != 0 && m_mine.count(o.parentId) != 0);
}

void StrategyRunner::start(std::int64_t nowMs) {
    m_nowMs = nowMs;
    m_equity = m_account.portfolio().equity();
    m_strategy.onStart(*this);
}

void StrategyRunner::onBar(const Bar& bar, std::int64_t closeTimeMs) {
    m_nowMs = closeTimeMs;
    m_equity = m_account.portfolio().equity();
    m_strategy.onBar(bar, closeTimeMs, *this);
}

Quantity StrategyRunner::position() const {
    const trading::Position* p = m_account.portfolio().position(m_instrument.id);
    return p ? p->quantity : Quantity{};
}

std::vector<trading::Order> StrategyRunner::openOrders() const {
    std::vector<trading::Order> out;
    for (trading::Order& o : m_account.openOrders())
        if (isMine(o)) out.push_back(std::move(o));
    return out;
}

Result<trading::OrderId> StrategyRunner::submit(const trading::OrderRequest& request) {
    m_submitting = true;
    const trading::OrderEvents ev = m_account.submit(request);
    m_submitting = false;
    if (ev.empty()) return makeError("the venue gave no answer");
    const trading::Order& o = ev.front().order;
    if (o.id != 0) m_mine.insert(o.id);
    recordOrigin(o);
    if (o.status == trading::OrderStatus::Rejected) {
        ++m_rejected;
        return makeError(o.rejectReason);
    }
    return o.id;
}

Status StrategyRunner::cancel(trading::OrderId id) {
    auto ev = m_account.cancel(id);
    if (!ev) return ev.error();
    return {};
}

}  // namespace kairos::backtest
