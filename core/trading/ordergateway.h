#pragma once
// OrderGateway: the single path of orders into a venue. Every order — from the order ticket, a
// chart line, the CLI or a strategy — goes through one gateway in front of its account's venue:
// it gives the order a client order id (before anything is sent, so an asynchronous venue's
// answers and a restart can be matched to it), runs the pre-trade checks (where the risk manager
// sits) and only then hands it to the venue. IVenue's order methods are private to the port and
// open to the gateway only (trading/venue.h), so nothing can reach a venue around it.
//
// A refused order never reaches the venue; it comes back as one Rejected event whose order has id
// 0 and whose reason starts with "Refused: " followed by the check's message. Cancels are never
// checked (taking risk off is always allowed); amends are checked like a new order at the new price.
//
// Thread: the venue's.

#include "trading/clock.h"
#include "trading/order.h"
#include "trading/venue.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kairos::trading {

/// A pre-trade check: ok to let the order through, an Error (with a message a user can act on) to
/// refuse it. Gets the order as it would be sent (client order id set) and the venue it would go
/// to (for its prices and instrument rules).
using PreTradeCheck = std::function<Status(const OrderRequest& request, const IVenue& venue)>;

/// A check that refuses an order whose value (quantity x its limit, else stop, else the venue's last
/// price) is above `limit` (in the quote asset): "order value 1523.40 is above the limit of 1000
/// per order". Orders whose value cannot be told (no price yet) pass; the venue refuses those.
PreTradeCheck maxOrderNotionalCheck(Money limit);

class OrderGateway {
public:
    /// `venue` and `clock` must outlive the gateway. `idPrefix` starts every generated client order
    /// id ("K" gives "K<time>-<n>").
    OrderGateway(IVenue& venue, const IClock& clock, std::string idPrefix = "K");

    /// Adds a check; checks run in the order added and the first refusal wins.
    void addCheck(PreTradeCheck check);
    void clearChecks();

    /// Checks and sends. The returned events are those of this call (IVenue::submit); a refusal
    /// is one Rejected event (see the file comment).
    OrderEvents submit(OrderRequest request);
    Result<OrderEvents> cancel(OrderId id);
    OrderEvents cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason);
    /// Checks the order with its price moved to `price`, then asks the venue to move it.
    Result<OrderEvents> amend(OrderId id, const Price& price);

    /// Orders refused by a check so far.
    std::uint64_t refusedCount() const { return m_refused; }

private:
    Status check(const OrderRequest& request) const;

    IVenue& m_venue;
    const IClock& m_clock;
    std::string m_idPrefix;
    std::vector<PreTradeCheck> m_checks;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_refused = 0;
};

}  // namespace kairos::trading
