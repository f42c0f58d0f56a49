#include "sync/syncservice.h"

#include <algorithm>
#include <utility>

namespace kairos::server::sync {

namespace {

Item itemOf(const db::Row& r) {
    Item it;
    it.kind = r.text(0);
    it.id = r.text(1);
    it.revision = r.i64(2);
    it.updatedMs = r.i64(3);
    it.deleted = r.i64(4) != 0;
    // Written by apply() from a parsed value, so it parses; a damaged row reads as null.
    if (!r.isNull(5)) it.payload = nlohmann::json::parse(r.text(5), nullptr, false);
    if (it.payload.is_discarded()) it.payload = nullptr;
    return it;
}

}  // namespace

bool isValidKind(const std::string& kind, const SyncLimits& limits) {
    if (kind.empty() || kind.size() > limits.maxKindLength) return false;
    return std::all_of(kind.begin(), kind.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

SyncService::SyncService(db::Database& db, std::function<std::int64_t()> nowMs, SyncLimits limits)
    : m_db(db), m_now(std::move(nowMs)), m_limits(limits) {}

Result<std::int64_t> SyncService::headRevision(std::int64_t accountId) const {
    auto c = m_db.acquire();
    if (!c) return c.error();
    auto row = db::queryOne(**c, "SELECT revision FROM sync_heads WHERE account_id = ?", {accountId});
    if (!row) return row.error();
    return *row ? (*row)->i64(0) : 0;
}

Result<ChangePage> SyncService::changes(std::int64_t accountId, std::int64_t since, int limit) const {
    limit = std::clamp(limit, 1, m_limits.maxPage);
    auto c = m_db.acquire();
    if (!c) return c.error();
    auto rows = (*c)->query(
        "SELECT kind, item_id, revision, updated_ms, deleted, payload FROM sync_items "
        "WHERE account_id = ? AND revision > ? ORDER BY revision LIMIT ?",
        {accountId, since, static_cast<std::int64_t>(limit) + 1});
    if (!rows) return rows.error();
    ChangePage page;
    page.next = since;
    for (const auto& r : *rows) {
        if (static_cast<int>(page.items.size()) == limit) {
            page.more = true;
            break;
        }
        page.items.push_back(itemOf(r));
        page.next = page.items.back().revision;
    }
    // Read after the items, so it is never below the last item's revision.
    auto head = db::queryOne(**c, "SELECT revision FROM sync_heads WHERE account_id = ?", {accountId});
    if (!head) return head.error();
    page.revision = std::max(page.next, *head ? (*head)->i64(0) : 0);
    return page;
}

Result<std::vector<ChangeResult>> SyncService::apply(std::int64_t accountId, const std::vector<Change>& changes) {
    const std::int64_t now = m_now();
    return m_db.transaction<std::vector<ChangeResult>>([&](db::IConnection& c) -> Result<std::vector<ChangeResult>> {
        // The account's counter, locked for the transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE
        // already serialises writers), so two pushes of one account never take the same revision.
        if (auto st =
                db::exec(c, "INSERT INTO sync_heads (account_id, revision) VALUES (?, 0) ON CONFLICT (account_id) DO NOTHING",
                         {accountId});
            !st)
            return st.error();
        auto head = db::queryOne(
            c, std::string("SELECT revision FROM sync_heads WHERE account_id = ?") + std::string(db::forUpdate(c)), {accountId});
        if (!head) return head.error();
        std::int64_t revision = *head ? (*head)->i64(0) : 0;
        const std::int64_t before = revision;

        std::vector<ChangeResult> results;
        results.reserve(changes.size());
        for (const auto& ch : changes) {
            ChangeResult res;
            res.kind = ch.kind;
            res.id = ch.id;
            auto cur = db::queryOne(c,
                                    "SELECT kind, item_id, revision, updated_ms, deleted, payload FROM sync_items "
                                    "WHERE account_id = ? AND kind = ? AND item_id = ?",
                                    {accountId, ch.kind, ch.id});
            if (!cur) return cur.error();
            if (*cur && (*cur)->i64(2) != ch.baseRevision) {
                res.status = ChangeResult::Status::Conflict;
                res.current = itemOf(**cur);
                results.push_back(std::move(res));
                continue;
            }
            ++revision;
            const std::int64_t updated = ch.updatedMs > 0 && ch.updatedMs <= now ? ch.updatedMs : now;
            const db::Param payload = ch.deleted ? db::Param(nullptr) : db::Param(ch.payload.dump());
            auto st =
                db::exec(c,
                         "INSERT INTO sync_items (account_id, kind, item_id, revision, updated_ms, deleted, payload) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, kind, item_id) DO UPDATE SET "
                         "revision = excluded.revision, updated_ms = excluded.updated_ms, deleted = excluded.deleted, "
                         "payload = excluded.payload",
                         {accountId, ch.kind, ch.id, revision, updated, static_cast<std::int64_t>(ch.deleted ? 1 : 0), payload});
            if (!st) return st.error();
            res.status = ChangeResult::Status::Applied;
            res.revision = revision;
            results.push_back(std::move(res));
        }
        if (revision != before) {
            if (auto st = db::exec(c, "UPDATE sync_heads SET revision = ? WHERE account_id = ?", {revision, accountId}); !st)
                return st.error();
        }
        return results;
    });
}

}  // namespace kairos::server::sync
