#include "accounts/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace kairos::server::accounts {

using db::IConnection;
using db::Param;

Result<std::int64_t> RateLimiter::take(const std::string& key, const BucketRule& rule) {
    const std::int64_t now = m_nowMs();
    return m_db.transaction<std::int64_t>([&](IConnection& c) -> Result<std::int64_t> {
        if (auto st = db::exec(c,
                               "INSERT INTO rate_buckets (bucket_key, tokens, updated_ms) VALUES (?, ?, ?) "
                               "ON CONFLICT (bucket_key) DO NOTHING",
                               {key, rule.capacity, now});
            !st)
            return st.error();
        auto row = db::queryOne(
            c, "SELECT tokens, updated_ms FROM rate_buckets WHERE bucket_key = ?" + std::string(db::forUpdate(c)), {key});
        if (!row) return row.error();
        double tokens = rule.capacity;
        std::int64_t updated = now;
        if (*row) {
            tokens = (*row)->f64(0);
            updated = (*row)->i64(1);
        }
        const double elapsedS = std::max<std::int64_t>(0, now - updated) / 1000.0;
        tokens = std::min(rule.capacity, tokens + elapsedS * rule.refillPerSecond);
        std::int64_t wait = 0;
        if (tokens >= 1.0) {
            tokens -= 1.0;
        } else {
            wait = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - tokens) / rule.refillPerSecond)));
        }
        if (auto st = db::exec(c, "UPDATE rate_buckets SET tokens = ?, updated_ms = ? WHERE bucket_key = ?",
                               {tokens, std::max(now, updated), key});
            !st)
            return st.error();
        return wait;
    });
}

Result<std::int64_t> RateLimiter::lockedFor(const std::string& key) {
    auto c = m_db.acquire();
    if (!c) return c.error();
    auto row = db::queryOne(**c, "SELECT locked_until_ms FROM login_failures WHERE fail_key = ?", {key});
    if (!row) return row.error();
    if (!*row) return std::int64_t{0};
    const std::int64_t remainingMs = (*row)->i64(0) - m_nowMs();
    return remainingMs <= 0 ? std::int64_t{0} : (remainingMs + 999) / 1000;
}

Result<std::int64_t> RateLimiter::recordFailure(const std::string& key) {
    const std::int64_t now = m_nowMs();
    return m_db.transaction<std::int64_t>([&](IConnection& c) -> Result<std::int64_t> {
        auto row = db::queryOne(c,
                                "INSERT INTO login_failures (fail_key, failures, locked_until_ms, updated_ms) "
                                "VALUES (?, 1, 0, ?) ON CONFLICT (fail_key) DO UPDATE SET "
                                "failures = login_failures.failures + 1, updated_ms = excluded.updated_ms "
                                "RETURNING failures",
                                {key, now});
        if (!row) return row.error();
        const std::int64_t failures = *row ? (*row)->i64(0) : 1;
        if (failures <= kFreeFailures) return std::int64_t{0};
        const std::int64_t doublings = std::min<std::int64_t>(failures - kFreeFailures - 1, 20);
        const std::int64_t lock = std::min(kMaxLockSeconds, kFirstLockSeconds << doublings);
        if (auto st = db::exec(c, "UPDATE login_failures SET locked_until_ms = ? WHERE fail_key = ?", {now + lock * 1000, key});
            !st)
            return st.error();
        return lock;
    });
}

Status RateLimiter::clearFailures(const std::string& key) {
    auto c = m_db.acquire();
    if (!c) return c.error();
    return db::exec(**c, "DELETE FROM login_failures WHERE fail_key = ?", {key});
}

}  // namespace kairos::server::accounts
