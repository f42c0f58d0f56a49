#include "sync/routes.h"

#include "accounts/routes.h"
#include "http/validate.h"

#include <charconv>
#include <chrono>
#include <memory>
#include <string_view>

namespace kairos::server::sync {

namespace {

constexpr std::string_view kPrefix = "/api/v1/sync";

std::string bearer(const http::RequestContext& ctx) {
    const std::string h = ctx.header("Authorization");
    if (h.size() > 7 && (h.rfind("Bearer ", 0) == 0 || h.rfind("bearer ", 0) == 0)) return h.substr(7);
    return "";
}

/// A query parameter's raw value; nullopt when absent.
std::optional<std::string_view> queryParam(std::string_view query, std::string_view name) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        const auto end = std::min(query.find('&', pos), query.size());
        const std::string_view item = query.substr(pos, end - pos);
        const auto eq = item.find('=');
        if (item.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
        pos = end + 1;
    }
    return std::nullopt;
}

std::optional<std::int64_t> toInt(std::string_view s) {
    std::int64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

http::Response fieldError(const std::string& field, std::string_view code, const std::string& reason,
                          const std::string& message) {
    return http::Response::error(400, code, message, {{"field", field}, {"reason", reason}});
}

}  // namespace

nlohmann::json itemJson(const Item& item) {
    return {{"kind", item.kind},         {"id", item.id},
            {"revision", item.revision}, {"updated_at", item.updatedMs},
            {"deleted", item.deleted},   {"payload", item.deleted ? nlohmann::json() : item.payload}};
}

ParsedPush parsePush(const nlohmann::json& body, const SyncLimits& limits) {
    ParsedPush out;
    if (!body.is_object()) {
        out.error = http::Response::error(400, "invalid_body", "the body is a JSON object {\"changes\": [...]}");
        return out;
    }
    const auto list = body.find("changes");
    if (list == body.end()) {
        out.error = fieldError("changes", "missing_field", "missing", "changes is required");
        return out;
    }
    if (!list->is_array()) {
        out.error = fieldError("changes", "invalid_field", "not_an_array", "changes is a list of changes");
        return out;
    }
    if (list->size() > limits.maxBatch) {
        out.error = fieldError("changes", "invalid_field", "too_many",
                               "changes holds at most " + std::to_string(limits.maxBatch) + " changes per request");
        return out;
    }
    out.changes.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        const nlohmann::json& c = (*list)[i];
        const std::string at = "changes[" + std::to_string(i) + "]";
        if (!c.is_object()) {
            out.error = fieldError(at, "invalid_field", "not_an_object", at + " is an object");
            return out;
        }
        Change ch;
        // kind
        const auto kind = c.find("kind");
        if (kind == c.end()) {
            out.error = fieldError(at + ".kind", "missing_field", "missing", at + ".kind is required");
            return out;
        }
        if (!kind->is_string() || !isValidKind(kind->get<std::string>(), limits)) {
            out.error =
                fieldError(at + ".kind", "invalid_field", "bad_kind",
                           at + ".kind is 1 to " + std::to_string(limits.maxKindLength) + " characters of a-z, 0-9 and _");
            return out;
        }
        ch.kind = kind->get<std::string>();
        // id
        const auto id = c.find("id");
        if (id == c.end()) {
            out.error = fieldError(at + ".id", "missing_field", "missing", at + ".id is required");
            return out;
        }
        if (!id->is_string() || id->get_ref<const std::string&>().empty() ||
            http::utf8Length(id->get_ref<const std::string&>()) > limits.maxIdLength) {
            out.error = fieldError(at + ".id", "invalid_field", "bad_id",
                                   at + ".id is a text of 1 to " + std::to_string(limits.maxIdLength) + " characters");
            return out;
        }
        ch.id = id->get<std::string>();
        // base_revision
        const auto base = c.find("base_revision");
        if (base == c.end()) {
            out.error = fieldError(at + ".base_revision", "missing_field", "missing",
                                   at + ".base_revision is required (0 for an item the client never received)");
            return out;
        }
        if (!base->is_number_integer() || base->get<std::int64_t>() < 0) {
            out.error = fieldError(at + ".base_revision", "invalid_field", "not_a_revision",
                                   at + ".base_revision is a whole number >= 0");
            return out;
        }
        ch.baseRevision = base->get<std::int64_t>();
        // deleted
        if (const auto del = c.find("deleted"); del != c.end() && !del->is_null()) {
            if (!del->is_boolean()) {
                out.error = fieldError(at + ".deleted", "invalid_field", "not_a_boolean", at + ".deleted is true or false");
                return out;
            }
            ch.deleted = del->get<bool>();
        }
        // updated_at
        if (const auto upd = c.find("updated_at"); upd != c.end() && !upd->is_null()) {
            if (!upd->is_number_integer() || upd->get<std::int64_t>() < 0) {
                out.error = fieldError(at + ".updated_at", "invalid_field", "not_a_time",
                                       at + ".updated_at is a time in milliseconds since 1970 (UTC)");
                return out;
            }
            ch.updatedMs = upd->get<std::int64_t>();
        }
        // payload
        if (!ch.deleted) {
            const auto payload = c.find("payload");
            if (payload == c.end() || payload->is_null()) {
                out.error = fieldError(at + ".payload", "missing_field", "missing", at + ".payload is required unless deleted");
                return out;
            }
            const std::size_t size = payload->dump().size();
            if (size > limits.maxPayloadBytes) {
                out.error = http::Response::error(
                    413, "payload_too_large",
                    at + ".payload is " + std::to_string(size) + " bytes; at most " + std::to_string(limits.maxPayloadBytes),
                    {{"field", at + ".payload"}, {"limit", limits.maxPayloadBytes}});
                return out;
            }
            ch.payload = *payload;
        }
        out.changes.push_back(std::move(ch));
    }
    return out;
}

void addRoutes(http::Router& router, db::Database& database, accounts::AccountService& accountService, RouteOptions options) {
    if (!options.nowMs) {
        options.nowMs = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
    }
    // Shared by the handlers (copies of the lambdas live in the router).
    auto service = std::make_shared<SyncService>(database, options.nowMs, options.limits);
    accounts::AccountService* auth = &accountService;

    router.use([auth](http::RequestContext& ctx) -> std::optional<http::Response> {
        if (ctx.routePattern.rfind(kPrefix, 0) != 0) return std::nullopt;
        const std::string token = bearer(ctx);
        if (token.empty())
            return accounts::toResponse(
                {accounts::ErrorCode::InvalidToken, "sign in first (Authorization: Bearer <access token>)", "", 0});
        auto claims = auth->authenticate(token);
        if (!claims) return accounts::toResponse(claims.error());
        ctx.accountId = claims->accountId;
        ctx.roles = claims->roles;
        return std::nullopt;
    });

    router.add("GET", "/api/v1/sync/changes", [service](http::RequestContext& ctx) {
        std::int64_t since = 0;
        if (const auto s = queryParam(ctx.query, "since")) {
            const auto v = toInt(*s);
            if (!v || *v < 0) return fieldError("since", "invalid_field", "not_a_revision", "since is a whole number >= 0");
            since = *v;
        }
        int limit = service->limits().maxPage;
        if (const auto l = queryParam(ctx.query, "limit")) {
            const auto v = toInt(*l);
            if (!v || *v < 1 || *v > service->limits().maxPage)
                return fieldError("limit", "invalid_field", "out_of_range",
                                  "limit is a whole number from 1 to " + std::to_string(service->limits().maxPage));
            limit = static_cast<int>(*v);
        }
        auto page = service->changes(*ctx.accountId, since, limit);
        if (!page) return http::Response::error(500, "internal_error", "internal error");
        nlohmann::json items = nlohmann::json::array();
        for (const auto& it : page->items) items.push_back(itemJson(it));
        return http::Response::withJson(
            200, {{"items", std::move(items)}, {"next", page->next}, {"more", page->more}, {"revision", page->revision}});
    });

    auto push = [service, notify = options.onRevision](http::RequestContext& ctx) {
        auto parsed = parsePush(ctx.body, service->limits());
        if (parsed.error) return *parsed.error;
        auto results = service->apply(*ctx.accountId, parsed.changes);
        if (!results) return http::Response::error(500, "internal_error", "internal error");
        nlohmann::json out = nlohmann::json::array();
        bool applied = false;
        for (const auto& r : *results) {
            if (r.status == ChangeResult::Status::Applied) {
                applied = true;
                out.push_back({{"kind", r.kind}, {"id", r.id}, {"status", "applied"}, {"revision", r.revision}});
            } else {
                out.push_back({{"kind", r.kind}, {"id", r.id}, {"status", "conflict"}, {"current", itemJson(r.current)}});
            }
        }
        auto head = service->headRevision(*ctx.accountId);
        const std::int64_t revision = head ? *head : 0;
        if (applied && notify) notify(*ctx.accountId, revision);
        return http::Response::withJson(200, {{"results", std::move(out)}, {"revision", revision}});
    };
    router.add("POST", "/api/v1/sync/changes", push);
    router.add("PUT", "/api/v1/sync/changes", push);
}

}  // namespace kairos::server::sync
