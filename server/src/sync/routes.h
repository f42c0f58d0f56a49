#pragma once
// The workspace sync API on kairosd's router (http/router.h), over SyncService (syncservice.h).
// Both routes need `Authorization: Bearer <access token>` (401 with WWW-Authenticate otherwise):
//
//   GET  /api/v1/sync/changes?since=N&limit=M
//        200 {"items": [{"kind","id","revision","updated_at","deleted","payload"}…], "next": N', "more": bool,
//             "revision": latest}   items above revision N in revision order; page on with since=next while more
//   POST /api/v1/sync/changes {"changes": [{"kind","id","base_revision","deleted"?,"payload"?,"updated_at"?}…]}
//        200 {"results": [{"kind","id","status":"applied","revision"} | {"kind","id","status":"conflict",
//             "current": item}…], "revision": latest}
//
// A bad body is refused whole with 400 naming the field ("changes[2].kind"); a payload over the
// limit is 413 payload_too_large naming it. Conflicts are per item (the others are applied).

#include "accounts/accountservice.h"
#include "db/database.h"
#include "http/router.h"
#include "sync/syncservice.h"

#include <cstdint>
#include <functional>

namespace kairos::server::sync {

struct RouteOptions {
    SyncLimits limits;
    /// The clock (UTC ms); empty: the system clock.
    std::function<std::int64_t()> nowMs;
    /// Called after a push that created revisions (account, its latest revision), on the I/O thread
    /// (e.g. to tell the account's WebSocket clients to pull). May be empty.
    std::function<void(std::int64_t accountId, std::int64_t revision)> onRevision;
};

/// Adds the sync routes and their bearer-token middleware to `router` (before the server starts).
/// `database` (migrated) and `accounts` must outlive the router. This is the one call kairosd makes.
void addRoutes(http::Router& router, db::Database& database, accounts::AccountService& accounts, RouteOptions options = {});

/// Parses a push body ({"changes": […]}) field by field; on failure the 400/413 answer.
/// Exposed for the tests and the fuzz target.
struct ParsedPush {
    std::vector<Change> changes;
    std::optional<http::Response> error;
};
ParsedPush parsePush(const nlohmann::json& body, const SyncLimits& limits);

/// The JSON of one item as the API sends it.
nlohmann::json itemJson(const Item& item);

}  // namespace kairos::server::sync
