#pragma once
// Workspace sync for kairosd: each account keeps a set of items (a watchlist, a chart layout, the
// drawings of an instrument, an alert rule, a preference…), each one
//   {kind, id, revision, updated_at, deleted, payload}
// where `revision` is assigned by the server from a per-account counter (every accepted change
// takes the next number, so revisions are unique and increasing per account and the change feed
// is "everything with a revision above N", in order), `updated_at` is when the writing client made
// the edit (UTC ms, never later than the server's clock) and a deletion stays as a tombstone
// (deleted, payload null) so that other terminals learn of it.
//
// A change carries the revision of the item its client saw last (`base_revision`, 0 for "never saw
// it"). When the server's copy still has that revision the change is applied; otherwise it is a
// conflict and the server's copy is returned for that item only: the client decides per item (last
// writer wins, core/sync/merge.h) and sends it again on top of the server's revision. The other
// changes of the batch are applied regardless, so a conflict never drops a whole list.
//
// Free of HTTP (routes.h puts it on the router); every method runs in one database transaction and
// may be called from any thread.

#include "db/database.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kairos::server::sync {

/// Limits of one account's sync data.
struct SyncLimits {
    std::size_t maxPayloadBytes = 32 * 1024;  ///< one item's payload as JSON text
    std::size_t maxBatch = 200;               ///< changes per push
    int maxPage = 500;                        ///< items per page of the change feed
    std::size_t maxKindLength = 32;           ///< [a-z0-9_], non-empty
    std::size_t maxIdLength = 256;            ///< any non-empty UTF-8 text
};

/// One item as the server holds it.
struct Item {
    std::string kind;
    std::string id;
    std::int64_t revision = 0;
    std::int64_t updatedMs = 0;
    bool deleted = false;
    nlohmann::json payload;  ///< null for a tombstone
};

/// One change sent by a client.
struct Change {
    std::string kind;
    std::string id;
    std::int64_t baseRevision = 0;  ///< the item's revision the client saw; 0: none
    std::int64_t updatedMs = 0;     ///< the edit's time on the client (UTC ms); clamped to the server's now
    bool deleted = false;
    nlohmann::json payload;  ///< ignored (stored as null) when deleted
};

/// What became of one change.
struct ChangeResult {
    enum class Status { Applied = 1, Conflict };
    Status status = Status::Applied;
    std::string kind;
    std::string id;
    std::int64_t revision = 0;  ///< Applied: the item's new revision
    Item current;               ///< Conflict: the server's copy
};

/// One page of the change feed.
struct ChangePage {
    std::vector<Item> items;    ///< revision ascending
    std::int64_t next = 0;      ///< pass as `since` for the next page (the last item's revision, or since)
    bool more = false;          ///< another page follows
    std::int64_t revision = 0;  ///< the account's latest revision
};

class SyncService {
public:
    /// `db` (migrated) must outlive the service; `nowMs` is the clock (UTC ms).
    SyncService(db::Database& db, std::function<std::int64_t()> nowMs, SyncLimits limits = {});

    const SyncLimits& limits() const { return m_limits; }

    /// The account's items with a revision above `since`, at most `limit` (clamped to 1..maxPage).
    Result<ChangePage> changes(std::int64_t accountId, std::int64_t since, int limit) const;
    /// Applies a validated batch in one transaction: one result per change, in order. Within one
    /// batch a later change of the same item sees the earlier one's revision.
    Result<std::vector<ChangeResult>> apply(std::int64_t accountId, const std::vector<Change>& changes);
    /// The account's latest revision (0 before its first change).
    Result<std::int64_t> headRevision(std::int64_t accountId) const;

private:
    db::Database& m_db;
    std::function<std::int64_t()> m_now;
    SyncLimits m_limits;
};

/// True for a kind the server accepts: 1..maxKindLength of [a-z0-9_].
bool isValidKind(const std::string& kind, const SyncLimits& limits);

}  // namespace kairos::server::sync
