// The server-side alerts API (serveralerts.h), authenticated like the sync routes:
//   GET    /api/v1/alerts/channels                 {"channels": [channel…]} (never a secret; "has_secret")
//   POST   /api/v1/alerts/channels                 {"kind","name","enabled"?,"url"|"chat_id"+"api_base"|"to","secret"?} -> 201 channel
//   PUT    /api/v1/alerts/channels/{id}            same body; a missing secret keeps the stored one -> 200 channel
//   DELETE /api/v1/alerts/channels/{id}            204
//   POST   /api/v1/alerts/channels/{id}/test       sends a sample firing through the channel now (not
//          queued): 200 {"ok": bool, "reply": the channel server's answer or the reason, without the secret}
//   GET    /api/v1/alerts/firings?since_id=N&since=MS&limit=M
//          {"firings": [{"id","rule_id","kind","instrument","time_ms","price","message","created_at",
//                        "deliveries": [{"id","channel_id","channel","kind","status" (pending, in_flight,
//                                        sent, failed),"attempts","next_attempt_ms","error","reply"}…]}…],
//           "next": last id, "more": bool}   oldest first; page on with since_id=next while more.
//          A page may be asked again (since_id of an earlier page) to see its deliveries' progress.
//   GET    /api/v1/alerts/status               {"plan","limit","server_rules","rules_running","last_evaluation_ms",
//                                                 "errors": […], "deliveries": {"pending","sent","failed"}}
// and the plan limit on sync pushes: a push that would leave the account with more alert rules
// marked "server" than its plan allows (and more than it has) is refused whole with 403 plan_limit.

#include "alerts/alertchannels.h"
#include "alerts/serveralerts.h"

#include "accounts/routes.h"
#include "alerts/deliveryqueue.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace kairos::server::alerts {

namespace {

constexpr std::string_view kPrefix = "/api/v1/alerts";

std::string bearer(const http::RequestContext& ctx) {
    const std::string h = ctx.header("Authorization");
    if (h.size() > 7 && (h.rfind("Bearer ", 0) == 0 || h.rfind("bearer ", 0) == 0)) return h.substr(7);
    return "";
}

std::optional<std::int64_t> queryInt(std::string_view query, std::string_view name) {
    const std::string v = http::formValue(query, name);
    if (v.empty()) return std::nullopt;
    std::int64_t out = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
    return out;
}

http::Response internalError() { return http::Response::error(500, "internal_error", "internal error"); }

/// Item ids of the account's alert rules marked "server".
Result<std::set<std::string>> serverRuleIds(db::IConnection& c, std::int64_t accountId) {
    auto rows = c.query("SELECT item_id, payload FROM sync_items WHERE account_id = ? AND kind = 'alert_rule' AND deleted = 0",
                        {accountId});
    if (!rows) return rows.error();
    std::set<std::string> out;
    for (const auto& r : *rows) {
        if (isServerPayload(nlohmann::json::parse(r.text(1), nullptr, false))) out.insert(r.text(0));
    }
    return out;
}

std::string planName(const std::string& plan) { return plan == "pro" ? "Pro" : "Free"; }

}  // namespace

void AlertsModule::addRoutes(http::Router& router) {
    accounts::AccountService* auth = &m_accounts;
    db::Database* database = &m_db;
    AlertsModule* self = this;

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

    // The plan limit, checked on the sync push before it is applied (the sync middleware has
    // authenticated it already; without an account there is nothing to check).
    router.use([database, self](http::RequestContext& ctx) -> std::optional<http::Response> {
        if (ctx.routePattern != "/api/v1/sync/changes" || (ctx.method != "POST" && ctx.method != "PUT") || !ctx.accountId)
            return std::nullopt;
        const auto changes = ctx.body.find("changes");
        if (!ctx.body.is_object() || changes == ctx.body.end() || !changes->is_array()) return std::nullopt;  // sync says why
        auto c = database->acquire();
        if (!c) return internalError();
        auto ids = serverRuleIds(**c, *ctx.accountId);
        auto plan = planOf(**c, *ctx.accountId);
        if (!ids || !plan) return internalError();
        const std::size_t before = ids->size();
        for (const auto& ch : *changes) {
            if (!ch.is_object()) continue;
            const auto kind = ch.find("kind");
            const auto idIt = ch.find("id");
            if (kind == ch.end() || *kind != "alert_rule" || idIt == ch.end() || !idIt->is_string()) continue;
            const std::string id = idIt->get<std::string>();
            const auto del = ch.find("deleted");
            const bool deleted = del != ch.end() && del->is_boolean() && del->get<bool>();
            const auto payload = ch.find("payload");
            const bool server = !deleted && payload != ch.end() && isServerPayload(*payload);
            if (server)
                ids->insert(id);
            else
                ids->erase(id);
        }
        const int limit = *plan == "pro" ? self->m_options.proAlerts : self->m_options.freeAlerts;
        if (ids->size() <= static_cast<std::size_t>(limit) || ids->size() <= before) return std::nullopt;
        return http::Response::error(403, "plan_limit",
                                     "Your " + planName(*plan) + " plan runs at most " + std::to_string(limit) +
                                         " alerts on the server; this change would make it " + std::to_string(ids->size()) +
                                         ". Turn off \"Keep running on the server\" on some alerts" +
                                         (*plan == "pro" ? "." : ", or upgrade to Pro."),
                                     {{"plan", *plan}, {"limit", limit}, {"requested", ids->size()}});
    });

    router.add("GET", "/api/v1/alerts/channels", [database](http::RequestContext& ctx) {
        auto c = database->acquire();
        if (!c) return internalError();
        auto rows = (*c)->query(
            "SELECT id, kind, name, enabled, settings, secret_enc FROM alert_channels WHERE account_id = ? "
            "ORDER BY id",
            {*ctx.accountId});
        if (!rows) return internalError();
        nlohmann::json list = nlohmann::json::array();
        for (const auto& r : *rows) {
            ServerChannel ch;
            ch.id = r.i64(0);
            ch.kind = ::kairos::alerts::channelKindFromString(r.text(1)).value_or(::kairos::alerts::ChannelKind::Webhook);
            ch.name = r.text(2);
            ch.enabled = r.i64(3) != 0;
            readSettings(r.text(4), ch);
            ch.hasSecret = !r.isNull(5);
            list.push_back(channelJson(ch));
        }
        return http::Response::withJson(200, {{"channels", std::move(list)}});
    });

    auto save = [database, self](http::RequestContext& ctx, std::int64_t id) {
        ServerChannel ch;
        std::optional<std::string> secret;
        const auto c = database->acquire();
        if (!c) return internalError();
        std::optional<std::string> storedSecret;
        if (id > 0) {
            auto row = db::queryOne(
                **c, "SELECT kind, name, enabled, settings, secret_enc FROM alert_channels WHERE id = ? AND account_id = ?",
                {id, *ctx.accountId});
            if (!row) return internalError();
            if (!*row) return http::Response::error(404, "not_found", "there is no such channel");
            ch.kind = ::kairos::alerts::channelKindFromString((*row)->text(0)).value_or(::kairos::alerts::ChannelKind::Webhook);
            ch.name = (*row)->text(1);
            ch.enabled = (*row)->i64(2) != 0;
            readSettings((*row)->text(3), ch);
            storedSecret = (*row)->optText(4);
        }
        if (std::string err = parseChannelBody(ctx.body, ch, secret); !err.empty())
            return http::Response::error(400, "invalid_field", err);
        if (secret && !self->m_box)
            return http::Response::error(
                409, "secret_key_missing",
                "kairosd cannot store channel secrets: it has no alerts secret key. The operator sets alerts_secret_key_file (a "
                "file holding 64 hex digits, mode 600) or KAIROSD_ALERTS_SECRET_KEY and restarts kairosd; secrets are never "
                "stored unencrypted");
        std::optional<std::string> sealed = secret ? std::optional<std::string>(self->m_box->seal(*secret)) : storedSecret;
        if (needsSecret(ch.kind) && !sealed)
            return http::Response::error(400, "invalid_field",
                                         std::string("secret is required for a ") +
                                             std::string(::kairos::alerts::displayName(ch.kind)) +
                                             " channel (webhook: the signing secret; Telegram: the bot token; Discord: the "
                                             "webhook URL)");
        const std::int64_t nowMs = self->now();
        const db::Param secretParam = sealed ? db::Param(*sealed) : db::Param(nullptr);
        if (id > 0) {
            if (auto st = db::exec(
                    **c,
                    "UPDATE alert_channels SET kind = ?, name = ?, enabled = ?, settings = ?, secret_enc = ?, "
                    "updated_ms = ? WHERE id = ? AND account_id = ?",
                    {std::string(::kairos::alerts::toString(ch.kind)), ch.name, static_cast<std::int64_t>(ch.enabled ? 1 : 0),
                     settingsJson(ch), secretParam, nowMs, id, *ctx.accountId});
                !st)
                return internalError();
            ch.id = id;
        } else {
            auto row =
                db::queryOne(**c,
                             "INSERT INTO alert_channels (account_id, kind, name, enabled, settings, secret_enc, created_ms, "
                             "updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                             {*ctx.accountId, std::string(::kairos::alerts::toString(ch.kind)), ch.name,
                              static_cast<std::int64_t>(ch.enabled ? 1 : 0), settingsJson(ch), secretParam, nowMs, nowMs});
            if (!row || !*row) return internalError();
            ch.id = (*row)->i64(0);
        }
        ch.hasSecret = sealed.has_value();
        return http::Response::withJson(id > 0 ? 200 : 201, channelJson(ch));
    };
    router.add("POST", "/api/v1/alerts/channels", [save](http::RequestContext& ctx) { return save(ctx, 0); });
    router.add("PUT", "/api/v1/alerts/channels/{id}", [save](http::RequestContext& ctx) {
        std::int64_t id = 0;
        const std::string text = ctx.param("id");
        const auto r = std::from_chars(text.data(), text.data() + text.size(), id);
        if (r.ec != std::errc() || id <= 0) return http::Response::error(404, "not_found", "there is no such channel");
        return save(ctx, id);
    });
    router.add("DELETE", "/api/v1/alerts/channels/{id}", [database](http::RequestContext& ctx) {
        std::int64_t id = 0;
        const std::string text = ctx.param("id");
        const auto r = std::from_chars(text.data(), text.data() + text.size(), id);
        if (r.ec != std::errc() || id <= 0) return http::Response::error(404, "not_found", "there is no such channel");
        auto c = database->acquire();
        if (!c) return internalError();
        auto gone = (*c)->query("DELETE FROM alert_channels WHERE id = ? AND account_id = ? RETURNING id", {id, *ctx.accountId});
        if (!gone) return internalError();
        if (gone->empty()) return http::Response::error(404, "not_found", "there is no such channel");
        return http::Response::withText(204, "", "text/plain");
    });

    router.add("POST", "/api/v1/alerts/channels/{id}/test", [database, self](http::RequestContext& ctx) {
        std::int64_t id = 0;
        const std::string text = ctx.param("id");
        const auto r = std::from_chars(text.data(), text.data() + text.size(), id);
        if (r.ec != std::errc() || id <= 0) return http::Response::error(404, "not_found", "there is no such channel");
        ServerChannel ch;
        std::optional<std::string> sealed;
        {
            auto c = database->acquire();
            if (!c) return internalError();
            auto row = db::queryOne(
                **c, "SELECT kind, name, enabled, settings, secret_enc FROM alert_channels WHERE id = ? AND account_id = ?",
                {id, *ctx.accountId});
            if (!row) return internalError();
            if (!*row) return http::Response::error(404, "not_found", "there is no such channel");
            ch.id = id;
            ch.kind = ::kairos::alerts::channelKindFromString((*row)->text(0)).value_or(::kairos::alerts::ChannelKind::Webhook);
            ch.name = (*row)->text(1);
            ch.enabled = (*row)->i64(2) != 0;
            readSettings((*row)->text(3), ch);
            sealed = (*row)->optText(4);
        }
        std::string secret;
        if (sealed) {
            auto open = self->m_box ? self->m_box->open(*sealed) : Result<std::string>(makeError("no key"));
            if (!open)
                return http::Response::withJson(
                    200,
                    {{"ok", false},
                     {"reply",
                      "kairosd cannot decrypt the channel's secret (its alerts secret key is missing or not the one "
                      "it was stored with); store the secret again"}});
            secret = *open;
        }
        const std::int64_t nowMs = self->now();
        ::kairos::alerts::ChannelConfig cfg;
        cfg.id = ch.id;
        cfg.kind = ch.kind;
        cfg.name = ch.name;
        const auto payload = ::kairos::alerts::DeliveryQueue::testPayload(cfg, nowMs);
        const DeliveryOutcome out =
            sendThrough(ch, secret, payload, 0, nowMs / 1000, self->m_options.mail, nowMs, self->m_options.httpTimeoutMs);
        return http::Response::withJson(200, {{"ok", out.ok}, {"reply", out.reply}});
    });

    router.add("GET", "/api/v1/alerts/firings", [database](http::RequestContext& ctx) {
        const auto sinceId = queryInt(ctx.query, "since_id").value_or(0);
        const auto sinceMs = queryInt(ctx.query, "since").value_or(0);
        const auto limit = queryInt(ctx.query, "limit").value_or(100);
        if (sinceId < 0 || sinceMs < 0 || limit < 1 || limit > 500)
            return http::Response::error(400, "invalid_field", "since_id and since are >= 0, limit is 1 to 500");
        auto c = database->acquire();
        if (!c) return internalError();
        auto rows = (*c)->query(
            "SELECT id, rule_id, kind, instrument, time_ms, price, message, created_ms FROM alert_firings "
            "WHERE account_id = ? AND id > ? AND time_ms >= ? ORDER BY id LIMIT ?",
            {*ctx.accountId, sinceId, sinceMs, limit + 1});
        if (!rows) return internalError();
        nlohmann::json list = nlohmann::json::array();
        std::int64_t next = sinceId;
        const bool more = static_cast<std::int64_t>(rows->size()) > limit;
        // Each firing's deliveries, per channel (a deleted channel keeps its job, unnamed).
        std::map<std::int64_t, nlohmann::json> deliveries;
        if (!rows->empty()) {
            const std::int64_t last = (*rows)[std::min<std::size_t>(rows->size(), static_cast<std::size_t>(limit)) - 1].i64(0);
            auto d = (*c)->query(
                "SELECT d.firing_id, d.id, d.channel_id, ch.name, ch.kind, d.status, d.attempts, d.next_attempt_ms, "
                "d.last_error, "
                "d.last_reply FROM alert_deliveries d JOIN alert_firings f ON f.id = d.firing_id LEFT JOIN alert_channels ch ON "
                "ch.id = d.channel_id WHERE f.account_id = ? AND f.id > ? AND f.id <= ? ORDER BY d.id",
                {*ctx.accountId, sinceId, last});
            if (!d) return internalError();
            for (const auto& r : *d)
                deliveries[r.i64(0)].push_back({{"id", r.i64(1)},
                                                {"channel_id", r.isNull(2) ? 0 : r.i64(2)},
                                                {"channel", r.isNull(3) ? std::string() : r.text(3)},
                                                {"kind", r.isNull(4) ? std::string() : r.text(4)},
                                                {"status", r.text(5)},
                                                {"attempts", r.i64(6)},
                                                {"next_attempt_ms", r.i64(7)},
                                                {"error", r.isNull(8) ? std::string() : r.text(8)},
                                                {"reply", r.isNull(9) ? std::string() : r.text(9)}});
        }
        for (std::size_t i = 0; i < rows->size() && static_cast<std::int64_t>(i) < limit; ++i) {
            const auto& r = (*rows)[i];
            list.push_back({{"id", r.i64(0)},
                            {"rule_id", r.text(1)},
                            {"kind", r.text(2)},
                            {"instrument", r.text(3)},
                            {"time_ms", r.i64(4)},
                            {"price", r.text(5)},
                            {"message", r.text(6)},
                            {"created_at", r.i64(7)},
                            {"deliveries", deliveries.count(r.i64(0)) ? deliveries[r.i64(0)] : nlohmann::json::array()}});
            next = r.i64(0);
        }
        return http::Response::withJson(200, {{"firings", std::move(list)}, {"next", next}, {"more", more}});
    });

    router.add("GET", "/api/v1/alerts/status", [database, self](http::RequestContext& ctx) {
        auto c = database->acquire();
        if (!c) return internalError();
        auto plan = planOf(**c, *ctx.accountId);
        auto ids = serverRuleIds(**c, *ctx.accountId);
        auto status = db::queryOne(**c, "SELECT rules_running, last_eval_ms, errors FROM alert_status WHERE account_id = ?",
                                   {*ctx.accountId});
        auto deliveries = (*c)->query(
            "SELECT d.status, count(*) FROM alert_deliveries d JOIN alert_firings f ON f.id = d.firing_id "
            "WHERE f.account_id = ? GROUP BY d.status",
            {*ctx.accountId});
        if (!plan || !ids || !status || !deliveries) return internalError();
        nlohmann::json counts = {{"pending", 0}, {"in_flight", 0}, {"sent", 0}, {"failed", 0}};
        for (const auto& r : *deliveries) counts[r.text(0)] = r.i64(1);
        nlohmann::json errors = nlohmann::json::array();
        if (*status) {
            auto parsed = nlohmann::json::parse((*status)->text(2), nullptr, false);
            if (parsed.is_array()) errors = parsed;
        }
        return http::Response::withJson(200,
                                        {{"plan", *plan},
                                         {"limit", *plan == "pro" ? self->m_options.proAlerts : self->m_options.freeAlerts},
                                         {"server_rules", ids->size()},
                                         {"rules_running", *status ? (*status)->i64(0) : 0},
                                         {"last_evaluation_ms", *status ? (*status)->i64(1) : 0},
                                         {"errors", std::move(errors)},
                                         {"deliveries", std::move(counts)},
                                         {"secret_key", self->m_box != nullptr}});
    });
}

}  // namespace kairos::server::alerts
