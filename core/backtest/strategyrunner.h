#pragma once
// StrategyRunner: runs any Strategy (backtest/strategy.h), unchanged, on a trading Account — a
// backtest account (BacktestEngine uses it), a paper account fed by the replay or a live feed, or
// later a live one. It is the strategy's StrategyContext: its orders go through the account's
// OrderGateway (so pre-trade checks apply to them as to the ticket's), its position and equity are
// the account's ledger, and it tells the strategy of its orders' events as the account announces them.
//
// The driver calls onBar() for every closed bar of the instrument, after the venue has matched the
// bar (so a decision on bar t's close can only fill from bar t+1 on, as in a backtest).
//
// Origins: with setOriginRecorder() the runner tells, once per order it submits, what opened it
// ("strategy sma_cross(fast=10,slow=30)"), so that the trade journal (order_origins) names the strategy
// as it names "signal #id" for the ticket. A backtest sets none.
//
// Thread: the account's.

#include "backtest/strategy.h"
#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/account.h"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>

namespace kairos::backtest {

class StrategyRunner final : public StrategyContext {
public:
    /// Registers with `account` (both must outlive the runner's use; the account outlives it).
    StrategyRunner(Strategy& strategy, trading::Account& account, Instrument instrument);

    /// Strategy::onStart, at `nowMs`.
    void start(std::int64_t nowMs);
    /// A closed bar of the instrument whose bucket ends at `closeTimeMs`.
    void onBar(const Bar& bar, std::int64_t closeTimeMs);
    /// Orders the venue or a pre-trade check rejected.
    int rejected() const { return m_rejected; }

    /// Called once for each order the runner submits (its entries, with their id and creation time),
    /// with the origin text: `origin`, or "strategy <Strategy::name()>" when empty.
    using OriginRecorder = std::function<void(const trading::Order& order, const std::string& origin)>;
    void setOriginRecorder(OriginRecorder recorder, std::string origin = {});
    const std::string& origin() const { return m_origin; }

    // StrategyContext
    const Instrument& instrument() const override { return m_instrument; }
    std::int64_t nowMs() const override { return m_nowMs; }
    Quantity position() const override;
    Money equity() const override { return m_equity; }
    std::vector<trading::Order> openOrders() const override;
    Result<trading::OrderId> submit(const trading::OrderRequest& request) override;
    Status cancel(trading::OrderId id) override;

private:
    bool isMine(const trading::Order& o) const;
    void recordOrigin(const trading::Order& o);

    Strategy& m_strategy;
    trading::Account& m_account;
    Instrument m_instrument;
    std::unordered_set<trading::OrderId> m_mine;  // entries this runner placed (children follow their parent)
    bool m_submitting = false;
    std::int64_t m_nowMs = 0;
    Money m_equity;
    int m_rejected = 0;
    OriginRecorder m_recordOrigin;
    std::string m_origin;
    std::unordered_set<trading::OrderId> m_recorded;
};

}  // namespace kairos::backtest
