#include "accounts/routes.h"

#include "http/validate.h"
#include "metrics.h"

#include <charconv>

namespace kairos::server::accounts {

namespace {

int statusOf(ErrorCode code) {
    switch (code) {
    case ErrorCode::InvalidInput:
    case ErrorCode::WeakPassword:
        return 400;
    case ErrorCode::InvalidCredentials:
    case ErrorCode::TotpRequired:
    case ErrorCode::TotpInvalid:
    case ErrorCode::InvalidToken:
    case ErrorCode::TokenReused:
        return 401;
    case ErrorCode::EmailNotVerified:
    case ErrorCode::AccountDisabled:
    case ErrorCode::Forbidden:
        return 403;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::Conflict:
        return 409;
    case ErrorCode::RateLimited:
        return 429;
    case ErrorCode::Internal:
        return 500;
    }
    return 500;
}

RequestMeta metaOf(const http::RequestContext& ctx) { return RequestMeta{ctx.clientIp, ctx.userAgent}; }

std::string bearer(const http::RequestContext& ctx) {
    const std::string h = ctx.header("Authorization");
    if (h.size() > 7 && (h.rfind("Bearer ", 0) == 0 || h.rfind("bearer ", 0) == 0)) return h.substr(7);
    return "";
}

nlohmann::json pairJson(const TokenPair& p) {
    return {{"access_token", p.accessToken},
            {"refresh_token", p.refreshToken},
            {"expires_in", p.expiresInSeconds},
            {"token_type", "Bearer"}};
}

nlohmann::json accountJson(const AccountInfo& a) {
    return {{"id", a.id},
            {"email", a.email},
            {"roles", a.roles},
            {"verified", a.verified},
            {"active", a.active},
            {"two_factor", a.totpEnabled},
            {"created_at", a.createdMs}};
}

/// A query parameter's raw value ("" when absent).
std::string queryParam(const std::string& query, std::string_view name) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        const auto end = std::min(query.find('&', pos), query.size());
        const std::string_view item(query.data() + pos, end - pos);
        const auto eq = item.find('=');
        if (item.substr(0, eq) == name) return eq == std::string_view::npos ? "" : std::string(item.substr(eq + 1));
        pos = end + 1;
    }
    return "";
}

std::string percentDecode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size()) {
            int v = 0;
            const auto r = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
            if (r.ec == std::errc() && r.ptr == s.data() + i + 3) {
                out += static_cast<char>(v);
                i += 2;
            } else {
                out += s[i];
            }
        } else {
            out += s[i];
        }
    }
    return out;
}

std::optional<std::int64_t> toInt(std::string_view s) {
    std::int64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

/// Password fields: any non-empty string up to 1024 bytes; the service judges the rest.
constexpr http::StringRule kPasswordField{1, 1024};
constexpr http::StringRule kTokenField{1, 512};

}  // namespace

http::Response toResponse(const AccountError& error) {
    const int status = statusOf(error.code);
    nlohmann::json details = nlohmann::json::object();
    if (!error.field.empty()) details["field"] = error.field;
    // A database error's text is for the log, not for the client.
    const std::string message = error.code == ErrorCode::Internal ? "internal error" : error.message;
    http::Response r = http::Response::error(status, errorCodeName(error.code), message, details);
    if (error.code == ErrorCode::RateLimited) {
        details["retry_after"] = error.retryAfterSeconds;
        r = http::Response::error(status, errorCodeName(error.code), message, details);
        r.header("Retry-After", std::to_string(error.retryAfterSeconds));
    }
    if (status == 401) r.header("WWW-Authenticate", "Bearer");
    return r;
}

void registerAccountRoutes(http::Router& router, AccountService& service, Metrics* metrics) {
    AccountService* s = &service;

    // Bearer tokens for /api/v1/me… and /api/v1/admin/…: the account and its roles go into the context.
    router.use([s](http::RequestContext& ctx) -> std::optional<http::Response> {
        const std::string& p = ctx.routePattern;
        if (p.rfind("/api/v1/me", 0) != 0 && p.rfind("/api/v1/admin/", 0) != 0) return std::nullopt;
        const std::string token = bearer(ctx);
        if (token.empty())
            return toResponse({ErrorCode::InvalidToken, "sign in first (Authorization: Bearer <access token>)", "", 0});
        auto claims = s->authenticate(token);
        if (!claims) return toResponse(claims.error());
        ctx.accountId = claims->accountId;
        ctx.roles = claims->roles;
        return std::nullopt;
    });
    // The session of the request's access token (the middleware has accepted it).
    const auto sessionOf = [s](const http::RequestContext& ctx) -> std::int64_t {
        auto claims = s->authenticate(bearer(ctx));
        return claims ? claims->sessionId : 0;
    };

    router.add("POST", "/api/v1/auth/register", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string email = f.string("email", {1, 254});
        const std::string password = f.string("password", kPasswordField);
        if (!f.ok()) return f.error();
        auto r = s->registerAccount(email, password, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(
            202, {{"status", "accepted"}, {"message", "if the address can be registered, a verification e-mail is on its way"}});
    });
    router.add("POST", "/api/v1/auth/verify", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string token = f.string("token", kTokenField);
        if (!f.ok()) return f.error();
        auto r = s->verifyEmail(token, metaOf(ctx));
        if (!r) {
            AccountError e = r.error();
            if (e.code == ErrorCode::InvalidToken)
                return http::Response::error(400, "invalid_token", e.message, {{"field", "token"}});
            return toResponse(e);
        }
        return http::Response::withJson(200, {{"status", "verified"}});
    });
    router.add("POST", "/api/v1/auth/verify-code", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string email = f.string("email", {1, 254});
        const std::string code = f.string("code", {6, 6});
        if (!f.ok()) return f.error();
        auto r = s->verifyEmailCode(email, code, metaOf(ctx));
        if (!r) {
            if (r.code() == ErrorCode::InvalidToken)
                return http::Response::error(400, "invalid_code", r.error().message, {{"field", "code"}});
            return toResponse(r.error());
        }
        return http::Response::withJson(200, {{"status", "verified"}});
    });
    router.add("POST", "/api/v1/auth/resend", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string email = f.string("email", {1, 254});
        if (!f.ok()) return f.error();
        auto r = s->resendVerification(email, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(202, {{"status", "accepted"}});
    });
    router.add("POST", "/api/v1/auth/login", [s, metrics](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string email = f.string("email", {1, 254});
        const std::string password = f.string("password", kPasswordField);
        const auto totp = f.optionalString("totp", {1, 32});
        if (!f.ok()) return f.error();
        auto r = s->login(email, password, totp.value_or(""), metaOf(ctx));
        if (metrics) r ? metrics->loginSucceeded() : metrics->loginFailed();
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, pairJson(*r));
    });
    router.add("POST", "/api/v1/auth/refresh", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string token = f.string("refresh_token", kTokenField);
        if (!f.ok()) return f.error();
        auto r = s->refresh(token, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, pairJson(*r));
    });
    router.add("POST", "/api/v1/auth/logout", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string token = f.string("refresh_token", kTokenField);
        if (!f.ok()) return f.error();
        auto r = s->logout(token, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(204, nullptr);
    });
    router.add("POST", "/api/v1/auth/password/forgot", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string email = f.string("email", {1, 254});
        if (!f.ok()) return f.error();
        auto r = s->requestPasswordReset(email, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(202, {{"status", "accepted"}});
    });
    router.add("POST", "/api/v1/auth/password/reset", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string token = f.string("token", kTokenField);
        const std::string password = f.string("password", kPasswordField);
        const auto totp = f.optionalString("totp", {1, 32});
        if (!f.ok()) return f.error();
        auto r = s->resetPassword(token, password, totp.value_or(""), metaOf(ctx));
        if (!r) {
            if (r.code() == ErrorCode::InvalidToken)
                return http::Response::error(400, "invalid_token", r.error().message, {{"field", "token"}});
            return toResponse(r.error());
        }
        return http::Response::withJson(200, {{"status", "password_changed"}});
    });

    router.add("GET", "/api/v1/me", [s](http::RequestContext& ctx) {
        auto r = s->me(*ctx.accountId);
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, accountJson(*r));
    });
    router.add("DELETE", "/api/v1/me", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string password = f.string("password", kPasswordField);
        if (!f.ok()) return f.error();
        auto r = s->deleteAccount(*ctx.accountId, password, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(204, nullptr);
    });
    router.add("GET", "/api/v1/me/export", [s](http::RequestContext& ctx) {
        auto r = s->exportData(*ctx.accountId);
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, nlohmann::json::parse(*r));
    });
    router.add("POST", "/api/v1/me/password", [s, sessionOf](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string password = f.string("password", kPasswordField);
        const std::string next = f.string("new_password", kPasswordField);
        const auto endOthers = f.optionalBoolean("end_other_sessions");
        if (!f.ok()) return f.error();
        auto r = s->changePassword(*ctx.accountId, password, next, endOthers.value_or(false), sessionOf(ctx), metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, {{"status", "password_changed"}});
    });
    router.add("POST", "/api/v1/me/email", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string password = f.string("password", kPasswordField);
        const std::string email = f.string("new_email", {1, 254});
        if (!f.ok()) return f.error();
        auto r = s->changeEmail(*ctx.accountId, password, email, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(202, {{"status", "accepted"}});
    });
    router.add("GET", "/api/v1/me/sessions", [s, sessionOf](http::RequestContext& ctx) {
        auto r = s->listSessions(*ctx.accountId, sessionOf(ctx));
        if (!r) return toResponse(r.error());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& x : *r)
            list.push_back({{"id", x.id},
                            {"user_agent", x.userAgent},
                            {"ip", x.ip},
                            {"created_at", x.createdMs},
                            {"last_used_at", x.lastUsedMs},
                            {"current", x.current}});
        return http::Response::withJson(200, {{"sessions", list}});
    });
    router.add("DELETE", "/api/v1/me/sessions/{id}", [s](http::RequestContext& ctx) {
        const auto id = toInt(ctx.param("id"));
        if (!id) return http::Response::error(400, "invalid_field", "the session id is a number", {{"field", "id"}});
        auto r = s->revokeSession(*ctx.accountId, *id, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(204, nullptr);
    });
    router.add("DELETE", "/api/v1/me/sessions", [s, sessionOf](http::RequestContext& ctx) {
        auto r = s->revokeAllSessions(*ctx.accountId, sessionOf(ctx), metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(204, nullptr);
    });
    router.add("POST", "/api/v1/me/2fa/totp", [s](http::RequestContext& ctx) {
        auto r = s->beginTotp(*ctx.accountId, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, {{"secret", r->secretBase32}, {"otpauth_uri", r->otpauthUri}});
    });
    router.add("POST", "/api/v1/me/2fa/totp/confirm", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string code = f.string("code", {6, 6});
        if (!f.ok()) return f.error();
        auto r = s->confirmTotp(*ctx.accountId, code, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, {{"recovery_codes", *r}});
    });
    router.add("POST", "/api/v1/me/2fa/totp/disable", [s](http::RequestContext& ctx) {
        http::Fields f(ctx.body);
        const std::string password = f.string("password", kPasswordField);
        const std::string code = f.string("code", {1, 32});
        if (!f.ok()) return f.error();
        auto r = s->disableTotp(*ctx.accountId, password, code, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, {{"status", "two_factor_off"}});
    });

    router.add("GET", "/api/v1/admin/accounts", [s](http::RequestContext& ctx) {
        const auto limit = toInt(queryParam(ctx.query, "limit"));
        const auto offset = toInt(queryParam(ctx.query, "offset"));
        auto r =
            s->listAccounts(*ctx.accountId, percentDecode(queryParam(ctx.query, "q")), limit.value_or(50), offset.value_or(0));
        if (!r) return toResponse(r.error());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& a : *r) list.push_back(accountJson(a));
        return http::Response::withJson(200, {{"accounts", list}});
    });
    for (const char* action : {"deactivate", "reactivate"}) {
        const bool active = std::string_view(action) == "reactivate";
        router.add("POST", std::string("/api/v1/admin/accounts/{id}/") + action, [s, active](http::RequestContext& ctx) {
            const auto id = toInt(ctx.param("id"));
            if (!id) return http::Response::error(400, "invalid_field", "the account id is a number", {{"field", "id"}});
            auto r = s->setActive(*ctx.accountId, *id, active, metaOf(ctx));
            if (!r) return toResponse(r.error());
            return http::Response::withJson(200, {{"id", *id}, {"active", active}});
        });
    }
    router.add("PUT", "/api/v1/admin/accounts/{id}/roles", [s](http::RequestContext& ctx) {
        const auto id = toInt(ctx.param("id"));
        if (!id) return http::Response::error(400, "invalid_field", "the account id is a number", {{"field", "id"}});
        if (!ctx.body.is_object() || !ctx.body.contains("roles") || !ctx.body["roles"].is_array())
            return http::Response::error(400, "invalid_field", "roles is a list of user, provider, admin", {{"field", "roles"}});
        std::vector<Role> roles;
        for (const auto& r : ctx.body["roles"]) {
            const auto role = r.is_string() ? roleFromName(r.get<std::string>()) : std::nullopt;
            if (!role)
                return http::Response::error(400, "invalid_field", "roles is a list of user, provider, admin",
                                             {{"field", "roles"}});
            roles.push_back(*role);
        }
        auto r = s->setRoles(*ctx.accountId, *id, roles, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(200, {{"id", *id}});
    });
    router.add("DELETE", "/api/v1/admin/accounts/{id}/sessions", [s](http::RequestContext& ctx) {
        const auto id = toInt(ctx.param("id"));
        if (!id) return http::Response::error(400, "invalid_field", "the account id is a number", {{"field", "id"}});
        auto r = s->adminEndSessions(*ctx.accountId, *id, metaOf(ctx));
        if (!r) return toResponse(r.error());
        return http::Response::withJson(204, nullptr);
    });
    router.add("GET", "/api/v1/admin/audit", [s](http::RequestContext& ctx) {
        const auto account = toInt(queryParam(ctx.query, "account"));
        const auto limit = toInt(queryParam(ctx.query, "limit"));
        auto r = s->readAudit(*ctx.accountId, account.value_or(0), static_cast<int>(limit.value_or(100)));
        if (!r) return toResponse(r.error());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : *r)
            list.push_back({{"id", e.id},
                            {"at", e.atMs},
                            {"account_id", e.accountId ? nlohmann::json(*e.accountId) : nlohmann::json(nullptr)},
                            {"kind", e.kind},
                            {"ip", e.ip},
                            {"user_agent", e.userAgent},
                            {"detail", nlohmann::json::parse(e.detail, nullptr, false)}});
        return http::Response::withJson(200, {{"events", list}});
    });
}

}  // namespace kairos::server::accounts
