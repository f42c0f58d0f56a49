#pragma once
// IVenue: the port every venue implements — the paper venue (trading/papervenue.h), the backtest
// venue (trading/backtestvenue.h) and, later, live exchange venues. A venue holds orders and
// executes them; it knows nothing of cash, positions or storage: those are the Account's
// (trading/account.h), which listens to the venue's events.
//
// Orders reach a venue only through an OrderGateway (trading/ordergateway.h): submit, cancel,
// cancel all, amend and reset are private to the port and callable by the gateway (and, for
// restore/reset, the account) only, so there is no path to a venue around the pre-trade checks.
//
// Asynchronous venues fit the same port: every order carries a client order id assigned before
// submission (OrderGateway does it), the events are past tense (OrderEventKind: accepted,
// rejected, triggered, partially filled, filled, cancelled, amended) and always reach the
// listener, which is the only place that must act on them. The events a call returns are only
// those that happened during the call (a simulated venue: all of them; a network venue: none,
// they come later through the listener); they have already been given to the listener.
//
// Thread: a venue is used from one thread (the GUI thread for paper and live, the worker thread
// for a backtest); it calls its listener on that thread.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/order.h"
#include "trading/venuerules.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace kairos::trading {

class OrderGateway;
class Account;

/// Who hears what a venue does (the Account). Calls arrive in the order things happened.
class IVenueListener {
public:
    virtual ~IVenueListener() = default;
    /// Order events (with their fills), in order.
    virtual void onOrderEvents(const OrderEvents& events) = 0;
    /// A new price of `instrument`; `mark` is the price open positions are valued at, when the venue
    /// has one. Arrives before the orders that this price fills (paper) or after them (bars, marked
    /// at the close).
    virtual void onPrice(const InstrumentId& instrument, const std::optional<Price>& mark) = 0;
};

class IVenue {
public:
    virtual ~IVenue() = default;

    /// The venue's name as orders are confirmed with ("PAPER", "BACKTEST", "BINANCE").
    virtual std::string name() const = 0;
    /// Where events go; null stops them. Not owned; it must outlive the venue or be unset.
    virtual void setListener(IVenueListener* listener) = 0;

    /// Fees, slippage and the money scale the venue applies.
    virtual const VenueRules& rules() const = 0;
    /// The trading rules of `id` (tick, lot, min notional); nullptr when the venue does not know it.
    virtual const Instrument* instrument(const InstrumentId& id) const = 0;
    /// The latest price the venue has for `id` (last trade, else quote mid, else last close).
    virtual std::optional<Price> lastPrice(const InstrumentId& id) const = 0;
    virtual std::optional<Quote> lastQuote(const InstrumentId& id) const = 0;
    virtual std::optional<Trade> lastTrade(const InstrumentId& id) const = 0;

    /// Orders the venue holds that are still working, by id.
    virtual std::vector<Order> openOrders() const = 0;
    /// One order the venue holds (open or final); nullopt when it does not know it.
    virtual std::optional<Order> order(OrderId id) const = 0;

private:
    friend class OrderGateway;
    friend class Account;

    /// Places `request` (its clientOrderId is set). Returns the events of this call (see above).
    virtual OrderEvents submit(const OrderRequest& request) = 0;
    /// Error when the order is unknown or final (nothing was sent).
    virtual Result<OrderEvents> cancel(OrderId id) = 0;
    /// Cancels every open order of `instrument` (all when nullopt), with `reason`.
    virtual OrderEvents cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) = 0;
    /// Moves an open limit/stop order's price. Error when the venue refuses (nothing changed).
    virtual Result<OrderEvents> amend(OrderId id, const Price& price) = 0;
    /// Takes back the open orders of a journal after a restart (ids continue after `nextOrderId`
    /// and `nextFillId`).
    virtual Status restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) = 0;
    /// Simulated venues: forgets every order (an account reset). Live venues refuse.
    virtual Status resetOrders() = 0;
};

}  // namespace kairos::trading
