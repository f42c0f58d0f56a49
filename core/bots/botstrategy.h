#pragma once
// BotStrategy: a Strategy as a bot runs it on a real account (paper, testnet or live), between the
// strategy and its StrategyRunner. It gives every order the bot's client order id
// ("<tag>-<bar close s>-<n>", tag = botTag()), so that a restart finds the bot's orders and fills;
// it counts as the bot's position only the net of its own fills (never more than the account holds:
// an exchange account's ledger mirrors every asset the exchange holds, and the trader may trade by
// hand); it adopts its own open orders from before a restart; while warming up it decides but sends
// nothing; while paused it sends only orders that reduce its own position (and cancels). Every
// decision, sending, rejection, fill and cancellation is reported as a BotEvent.
//
// Thread: the account's.

#include "backtest/strategy.h"
#include "trading/account.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kairos::bots {

/// Something a bot did or saw.
struct BotEvent {
    enum class Kind : std::uint8_t {
        Decision = 1,  ///< the strategy sends an order (reason: the strategy's own id, e.g. "entry-long")
        Sent,          ///< a network venue has it; its answer comes later
        Rejected,      ///< refused (reason)
        Skipped,       ///< paused: an entry not sent
        Fill,
        Cancelled,
    };
    Kind kind = Kind::Decision;
    std::int64_t timeMs = 0;  ///< the bar's close (decisions) or the fill's time
    InstrumentId instrument;
    Side side = Side::Buy;
    Quantity quantity;
    trading::OrderType type = trading::OrderType::Market;
    Price price;  ///< Fill
    Money fee;    ///< Fill
    std::string reason;
    std::string clientOrderId;
};

/// The position of the bot whose client order ids start with "<tag>-" in `instrument`: the net of
/// its own fills, never more than `account` holds on that side (and zero when it holds the other side).
Quantity ownPosition(const trading::Account& account, const std::string& tag, const InstrumentId& instrument);

class BotStrategy final : public backtest::Strategy {
public:
    using Sink = std::function<void(const BotEvent&)>;
    /// `account` must outlive this; `inner` may be replaced with setInner() between runs.
    BotStrategy(std::unique_ptr<backtest::Strategy> inner, trading::Account& account, std::string tag, Sink sink);

    std::string name() const override { return m_inner ? m_inner->name() : std::string("bot"); }
    void onStart(backtest::StrategyContext& ctx) override;
    void onBar(const Bar& bar, std::int64_t closeTimeMs, backtest::StrategyContext& ctx) override;
    void onOrderUpdate(const trading::Order& order, backtest::StrategyContext& ctx) override;

    /// A fresh strategy for the next run (a restart, an edited bot).
    void setInner(std::unique_ptr<backtest::Strategy> inner) { m_inner = std::move(inner); }
    void setSink(Sink sink) { m_sink = std::move(sink); }
    /// Inactive: the strategy hears nothing (a stopped bot whose runner lives on with the account).
    void setActive(bool on) { m_active = on; }
    bool isActive() const { return m_active; }
    void setWarmUp(bool on) { m_warmUp = on; }
    void setPaused(bool on) { m_paused = on; }
    bool isPaused() const { return m_paused; }
    /// True while its own submit runs (the account announces the answer inside it).
    bool isSubmitting() const { return m_submitting; }
    /// Reports an event of one of its orders that the account announced (fills, cancels).
    void report(const BotEvent& e) const { notify(e); }
    const std::string& tag() const { return m_tag; }

    /// True for an order the bot sent (its client order id starts with "<tag>-"; children too).
    bool isOwn(const trading::Order& o) const { return isOwnId(o.request.clientOrderId); }
    bool isOwnId(const std::string& clientOrderId) const { return clientOrderId.starts_with(m_tag + "-"); }
    /// The bot's own position in `instrument` (see the top of this file).
    Quantity ownPosition(const InstrumentId& instrument) const;
    /// Its own open orders on the account.
    std::vector<trading::Order> ownOpenOrders() const;
    /// Cancels its own open orders and closes its own position at market (through `runner`).
    void flatten(backtest::StrategyContext& runner);

private:
    class Ctx;
    void notify(const BotEvent& e) const {
        if (m_sink) m_sink(e);
    }

    std::unique_ptr<backtest::Strategy> m_inner;
    trading::Account& m_account;
    std::string m_tag;
    Sink m_sink;
    bool m_active = true;
    bool m_warmUp = false;
    bool m_paused = false;
    bool m_submitting = false;
    std::uint64_t m_sequence = 0;
};

}  // namespace kairos::bots
