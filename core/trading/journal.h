#pragma once
// IJournal: where an Account writes its order history durably before it announces it (the paper
// account: PaperStore in the profile's SQLite; a backtest keeps none, its account lives in memory).

#include "domain/decimal.h"
#include "trading/order.h"
#include "trading/portfolio.h"
#include "util/result.h"

#include <cstdint>
#include <vector>

namespace kairos::trading {

/// What a journal holds for one account.
struct JournalSnapshot {
    bool exists = false;  ///< false: no account stored yet (fields below are empty)
    Money startingCash;
    OrderId nextOrderId = 1;
    std::uint64_t nextFillId = 1;
    std::vector<Order> orders;  ///< every stored order, by id
    std::vector<Fill> fills;    ///< every stored fill, by fill id

    std::vector<Order> openOrders() const;
    /// The ledger these fills give from the starting cash. Error names the fill that does not book.
    Result<Portfolio> portfolio() const;
};

class IJournal {
public:
    virtual ~IJournal() = default;
    /// Reads everything. Error when a stored row cannot be understood; nothing is changed then.
    virtual Result<JournalSnapshot> load() const = 0;
    /// Creates the account (when none exists) with `startingCash` at its own scale.
    virtual Status createAccount(const Money& startingCash, std::int64_t nowMs) = 0;
    /// Stores every order in `events` (the last state of each wins), their fills and the next ids,
    /// all or nothing.
    virtual Status record(const OrderEvents& events, OrderId nextOrderId, std::uint64_t nextFillId) = 0;
    /// Deletes every order and fill and starts again with `startingCash` (all or nothing).
    virtual Status reset(const Money& startingCash, std::int64_t nowMs) = 0;
};

}  // namespace kairos::trading
