#pragma once
// PaperStore: one trading account's orders and fills in the profile database (tables
// trading_accounts, account_orders, account_fills; schema 7 moved the single paper account of
// schema 6 there as account 1). A profile holds several accounts, each with its own ledger and
// history; a store reads and writes one of them. Each record() is one transaction: after a crash the database holds
// either every change of that batch or none. Cash and positions are not stored; they are the
// fills replayed through a Portfolio from the starting cash (see PaperSnapshot::portfolio()).

#include "domain/decimal.h"
#include "trading/accountinfo.h"
#include "trading/journal.h"
#include "trading/order.h"
#include "trading/portfolio.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::trading {

/// The paper journal's snapshot (kept under its old name for callers).
using PaperSnapshot = JournalSnapshot;

class PaperStore final : public IJournal {
public:
    /// Works on account `account.id` of `db`, which must outlive the store (createAccount() uses the
    /// name, kind and venue). Not thread-safe (one per thread, as the db).
    explicit PaperStore(storage::Database& db, AccountInfo account = {});

    /// Every account of the profile, by id.
    static Result<std::vector<AccountInfo>> accounts(storage::Database& db);
    /// Adds an account (`info.id` is ignored; the new id is returned in the result) with
    /// `startingCash`. Error when the name is taken or empty.
    static Result<AccountInfo> addAccount(storage::Database& db, AccountInfo info, const Money& startingCash, std::int64_t nowMs);
    const AccountInfo& account() const;
    ~PaperStore() override;
    PaperStore(const PaperStore&) = delete;
    PaperStore& operator=(const PaperStore&) = delete;

    /// Reads everything. Error when a stored row cannot be understood (the message names the
    /// order or fill and what is wrong); nothing is changed then.
    Result<PaperSnapshot> load() const override;
    /// Creates the account (when none exists) with `startingCash` at its own scale.
    Status createAccount(const Money& startingCash, std::int64_t nowMs) override;
    /// Upserts every order in `events` (the last state of each wins), inserts their fills and
    /// stores the next ids, all in one transaction.
    Status record(const OrderEvents& events, OrderId nextOrderId, std::uint64_t nextFillId) override;
    /// Deletes every order and fill and starts a new account with `startingCash` (one transaction).
    Status reset(const Money& startingCash, std::int64_t nowMs) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace kairos::trading
