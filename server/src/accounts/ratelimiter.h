#pragma once
// Rate limits kept in the database, so several kairosd on one PostgreSQL share them:
// - token buckets (capacity, refill per second) per key such as "login:ip:1.2.3.4";
// - growing lock-outs after repeated failures per key such as "login:account:a@b.c": the first
//   kFreeFailures failures cost nothing, then each further one locks the key for 30 s doubling up to
//   one hour. A success clears the count.
// Every call is its own short transaction (the row is locked on PostgreSQL).

#include "db/database.h"

#include <cstdint>
#include <functional>
#include <string>

namespace kairos::server::accounts {

struct BucketRule {
    double capacity = 10;        ///< burst
    double refillPerSecond = 1;  ///< sustained rate
};

class RateLimiter {
public:
    static constexpr int kFreeFailures = 5;
    static constexpr std::int64_t kFirstLockSeconds = 30;
    static constexpr std::int64_t kMaxLockSeconds = 3600;

    /// `nowMs`: the clock (milliseconds since the epoch), injected so tests need no sleeps.
    RateLimiter(db::Database& db, std::function<std::int64_t()> nowMs) : m_db(db), m_nowMs(std::move(nowMs)) {}

    /// Takes one token from `key`'s bucket: 0 when allowed, otherwise the seconds to wait (≥ 1).
    /// A database error is returned as an error (callers refuse the request: fail closed).
    Result<std::int64_t> take(const std::string& key, const BucketRule& rule);
    /// Seconds `key` is still locked out (0 when not).
    Result<std::int64_t> lockedFor(const std::string& key);
    /// Counts a failure; returns the lock-out it starts (0 while under kFreeFailures).
    Result<std::int64_t> recordFailure(const std::string& key);
    Status clearFailures(const std::string& key);

private:
    db::Database& m_db;
    std::function<std::int64_t()> m_nowMs;
};

}  // namespace kairos::server::accounts
