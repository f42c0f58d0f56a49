#pragma once
// Strategy: trading logic that sees closed bars and its own orders and position, and emits orders
// (shared/DESIGN.md "Strategies"). It never knows whether it runs in a backtest, on paper or live:
// everything it may see or do goes through StrategyContext, which the backtest engine implements
// over the fill simulator and portfolio (core/trading), and paper/live runners over their venue.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/order.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kairos::backtest {

/// The account as one strategy sees it, for one instrument. Called only from the thread that
/// drives the strategy.
class StrategyContext {
public:
    virtual ~StrategyContext() = default;
    virtual const Instrument& instrument() const = 0;
    /// Time of the event being handled (a bar's close time, UTC ms).
    virtual std::int64_t nowMs() const = 0;
    /// Signed position in the base asset: positive long, negative short, zero flat.
    virtual Quantity position() const = 0;
    /// Cash plus the position marked at the last close, in the quote asset.
    virtual Money equity() const = 0;
    /// The strategy's orders that are still working (accepted, not filled or cancelled).
    virtual std::vector<trading::Order> openOrders() const = 0;
    /// Sends an order. Decided on a closed bar, it can fill from the next bar on. Error: the
    /// order was rejected (the message says why).
    virtual Result<trading::OrderId> submit(const trading::OrderRequest& request) = 0;
    /// Cancels a working order; Error when it is unknown or already final.
    virtual Status cancel(trading::OrderId id) = 0;
};

class Strategy {
public:
    virtual ~Strategy() = default;
    /// Short description for reports ("signals: default rules, TP2, 95 % of equity").
    virtual std::string name() const = 0;
    /// Before the first bar.
    virtual void onStart(StrategyContext& ctx) { (void)ctx; }
    /// A bar closed (`closeTimeMs` = the end of its bucket). The only market data it gets.
    virtual void onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) = 0;
    /// One of its orders changed (filled, partly filled, cancelled, rejected).
    virtual void onOrderUpdate(const trading::Order& order, StrategyContext& ctx) {
        (void)order;
        (void)ctx;
    }
};

}  // namespace kairos::backtest
