#include "bots/botstrategy.h"

#include "backtest/builtins.h"

#include <algorithm>

namespace kairos::bots {

/// The context the wrapped strategy sees: the runner's, with the bot's position, its adopted
/// orders, its client order ids, and the warm-up and pause rules.
class BotStrategy::Ctx final : public backtest::StrategyContext {
public:
    Ctx(BotStrategy& bot, backtest::StrategyContext& runner) : m_bot(bot), m_runner(runner) {}
    const Instrument& instrument() const override { return m_runner.instrument(); }
    std::int64_t nowMs() const override { return m_runner.nowMs(); }
    Quantity position() const override { return m_bot.ownPosition(instrument().id); }
    Money equity() const override { return m_runner.equity(); }
    std::vector<trading::Order> openOrders() const override {
        if (m_bot.m_warmUp) return {};
        std::vector<trading::Order> out = m_runner.openOrders();
        // Its own orders from before a restart (the runner only knows what it sent itself).
        for (const auto& o : m_bot.m_account.openOrders()) {
            const bool known = std::any_of(out.begin(), out.end(), [&](const trading::Order& x) { return x.id == o.id; });
            if (!known && o.request.instrument == instrument().id && m_bot.isOwn(o)) out.push_back(o);
        }
        return out;
    }
    Result<trading::OrderId> submit(const trading::OrderRequest& request) override {
        if (m_bot.m_warmUp) return makeError("warming up: no orders");
        BotEvent e;
        e.timeMs = nowMs();
        e.instrument = request.instrument;
        e.side = request.side;
        e.quantity = request.quantity;
        e.type = request.type;
        e.reason = request.clientOrderId;
        if (m_bot.m_paused && !reducesPosition(request)) {
            e.kind = BotEvent::Kind::Skipped;
            m_bot.notify(e);
            return makeError("paused: no new entries");
        }
        trading::OrderRequest r = request;
        r.clientOrderId = m_bot.m_tag + "-" + std::to_string(nowMs() / 1000) + "-" + std::to_string(++m_bot.m_sequence);
        e.clientOrderId = r.clientOrderId;
        e.kind = BotEvent::Kind::Decision;
        m_bot.notify(e);
        m_bot.m_submitting = true;
        auto id = m_runner.submit(r);
        m_bot.m_submitting = false;
        // A live venue answers later: the order is in the journal (sending), not refused.
        const auto orders = m_bot.m_account.orders();
        const bool sent = !id && std::any_of(orders.begin(), orders.end(), [&](const trading::Order& o) {
            return o.request.clientOrderId == r.clientOrderId && o.status != trading::OrderStatus::Rejected;
        });
        if (sent) {
            e.kind = BotEvent::Kind::Sent;
            m_bot.notify(e);
        } else if (!id) {
            e.kind = BotEvent::Kind::Rejected;
            e.reason = id.message();
            m_bot.notify(e);
        }
        return id;
    }
    Status cancel(trading::OrderId id) override {
        if (m_bot.m_warmUp) return makeError("warming up: no orders");
        return m_runner.cancel(id);
    }

private:
    bool reducesPosition(const trading::OrderRequest& r) const {
        const Quantity pos = position();
        if (pos.isZero()) return false;
        if (pos.isNegative()) return r.side == Side::Buy && r.quantity <= pos.negated();
        return r.side == Side::Sell && r.quantity <= pos;
    }

    BotStrategy& m_bot;
    backtest::StrategyContext& m_runner;
};

BotStrategy::BotStrategy(std::unique_ptr<backtest::Strategy> inner, trading::Account& account, std::string tag, Sink sink)
    : m_inner(std::move(inner)), m_account(account), m_tag(std::move(tag)), m_sink(std::move(sink)) {}

void BotStrategy::onStart(backtest::StrategyContext& ctx) {
    if (!m_active || !m_inner) return;
    Ctx c(*this, ctx);
    m_inner->onStart(c);
}

void BotStrategy::onBar(const Bar& bar, std::int64_t closeTimeMs, backtest::StrategyContext& ctx) {
    if (!m_active || !m_inner) return;
    Ctx c(*this, ctx);
    m_inner->onBar(bar, closeTimeMs, c);
}

void BotStrategy::onOrderUpdate(const trading::Order& order, backtest::StrategyContext& ctx) {
    if (!m_active || !m_inner) return;
    Ctx c(*this, ctx);
    m_inner->onOrderUpdate(order, c);
}

Quantity BotStrategy::ownPosition(const InstrumentId& instrument) const {
    return bots::ownPosition(m_account, m_tag, instrument);
}

Quantity ownPosition(const trading::Account& account, const std::string& tag, const InstrumentId& instrument) {
    const std::string prefix = tag + "-";
    Quantity own{};
    for (const trading::Fill& f : account.fills()) {
        if (f.instrument != instrument || !f.clientOrderId.starts_with(prefix)) continue;
        auto next = f.side == Side::Buy ? own.add(f.quantity) : own.sub(f.quantity);
        if (next) own = *next;
    }
    const trading::Position* p = account.portfolio().position(instrument);
    const Quantity held = p ? p->quantity : Quantity{};
    // Binance may have taken its commission in the asset bought: the account then holds a little less.
    if (!own.isNegative() && held < own) return held.isNegative() ? Quantity{} : held;
    if (own.isNegative() && held > own) return held.isNegative() ? held : Quantity{};
    return own;
}

std::vector<trading::Order> BotStrategy::ownOpenOrders() const {
    std::vector<trading::Order> out;
    for (trading::Order& o : m_account.openOrders())
        if (isOwn(o)) out.push_back(std::move(o));
    return out;
}

void BotStrategy::flatten(backtest::StrategyContext& runner) {
    const bool warm = m_warmUp, paused = m_paused;
    m_warmUp = false;
    m_paused = false;  // a stop may close what a paused bot holds
    Ctx c(*this, runner);
    for (const trading::Order& o : c.openOrders()) (void)c.cancel(o.id);
    backtest::closePositionAtMarket(c);
    m_warmUp = warm;
    m_paused = paused;
}

}  // namespace kairos::bots
