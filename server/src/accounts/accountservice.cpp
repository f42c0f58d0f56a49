#include "accounts/accountservice.h"

#include "accounts/mailqueue.h"
#include "accounts/passwordpolicy.h"
#include "accounts/totp.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace kairos::server::accounts {

using db::IConnection;
using db::Param;

namespace {

AccountError err(ErrorCode code, std::string message, std::string field = {}) {
    return AccountError{code, std::move(message), std::move(field), 0};
}

AccountError internal(const Error& e) { return err(ErrorCode::Internal, "database error: " + e.message); }

AccountError wrongCredentials() { return err(ErrorCode::InvalidCredentials, "wrong e-mail or password"); }

Status auditOn(IConnection& c, std::int64_t nowMs, std::optional<std::int64_t> accountId, const std::string& kind,
               const RequestMeta& meta, const std::string& detail) {
    return db::exec(
        c, "INSERT INTO audit_events (at_ms, account_id, kind, ip, user_agent, detail) VALUES (?, ?, ?, ?, ?, ?)",
        {nowMs, accountId ? Param(*accountId) : Param(nullptr), kind, meta.ip, meta.userAgent.substr(0, 512), detail});
}

std::string normaliseRecoveryCode(const std::string& code) {
    std::string out;
    for (unsigned char ch : code)
        if (std::isalnum(ch)) out += static_cast<char>(std::toupper(ch));
    return out;
}

bool isSixDigits(const std::string& code) {
    return code.size() == 6 && std::all_of(code.begin(), code.end(), [](unsigned char ch) { return std::isdigit(ch); });
}

// Addresses are stored in lower case; SQLite's LIKE ignores ASCII case and PostgreSQL's does not,
// so the pattern is lowered to answer alike on both.
std::string lowerAscii(std::string s) {
    for (auto& ch : s)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return s;
}

std::string likeEscape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

}  // namespace

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::InvalidInput:
        return "invalid_input";
    case ErrorCode::WeakPassword:
        return "weak_password";
    case ErrorCode::InvalidCredentials:
        return "invalid_credentials";
    case ErrorCode::EmailNotVerified:
        return "email_not_verified";
    case ErrorCode::AccountDisabled:
        return "account_disabled";
    case ErrorCode::TotpRequired:
        return "totp_required";
    case ErrorCode::TotpInvalid:
        return "totp_invalid";
    case ErrorCode::InvalidToken:
        return "invalid_token";
    case ErrorCode::TokenReused:
        return "token_reused";
    case ErrorCode::RateLimited:
        return "rate_limited";
    case ErrorCode::NotFound:
        return "not_found";
    case ErrorCode::Forbidden:
        return "forbidden";
    case ErrorCode::Conflict:
        return "conflict";
    case ErrorCode::Internal:
        return "internal";
    }
    return "internal";
}

const char* roleName(Role role) {
    switch (role) {
    case Role::User:
        return "user";
    case Role::Provider:
        return "provider";
    case Role::Admin:
        return "admin";
    }
    return "user";
}

std::optional<Role> roleFromName(std::string_view name) {
    if (name == "user") return Role::User;
    if (name == "provider") return Role::Provider;
    if (name == "admin") return Role::Admin;
    return std::nullopt;
}

struct AccountService::AccountRow {
    std::int64_t id = 0;
    std::string email;
    std::string passwordHash;
    bool verified = false;
    bool active = true;
    bool totpEnabled = false;
    std::optional<std::string> totpSecretEnc;
    std::optional<std::string> totpPendingEnc;
    std::int64_t totpLastStep = 0;
    std::int64_t createdMs = 0;
};

namespace {
constexpr const char* kAccountColumns =
    "SELECT id, email, password_hash, verified, active, totp_enabled, totp_secret_enc, totp_pending_enc, totp_last_step, "
    "created_ms FROM accounts ";
}  // namespace

AccountService::AccountService(db::Database& db, KeySet keys, AccountsConfig config, std::function<std::int64_t()> nowMs)
    : m_db(db),
      m_keys(std::move(keys)),
      m_config(std::move(config)),
      m_nowMs(std::move(nowMs)),
      m_box(m_config.secretsKey),
      m_limiter(db, m_nowMs) {
    // The floors of issue 14: access tokens live at most 15 minutes; Argon2id at least OWASP's cost.
    m_config.accessTokenTtlSeconds = std::clamp<std::int64_t>(m_config.accessTokenTtlSeconds, 1, 900);
    m_config.passwordHash.opsLimit = std::max<std::uint64_t>(m_config.passwordHash.opsLimit, 2);
    m_config.passwordHash.memLimitBytes = std::max<std::size_t>(m_config.passwordHash.memLimitBytes, 19ULL * 1024 * 1024);
    // Logins with an unknown e-mail verify against this, so they take as long as real ones.
    auto dummy = hashPassword(randomToken(16), m_config.passwordHash);
    m_dummyHash = dummy ? *dummy : std::string();
}

void AccountService::audit(std::optional<std::int64_t> accountId, const std::string& kind, const RequestMeta& meta,
                           const std::string& detailJson) {
    if (auto c = m_db.acquire()) (void)auditOn(**c, nowMs(), accountId, kind, meta, detailJson);
}

Outcome<Done> AccountService::limited(const std::string& key, const BucketRule& rule) {
    auto wait = m_limiter.take(key, rule);
    if (!wait) return internal(wait.error());
    if (*wait > 0) {
        AccountError e = err(ErrorCode::RateLimited, "too many requests; try again in " + std::to_string(*wait) + " s");
        e.retryAfterSeconds = *wait;
        return e;
    }
    return Done{};
}

Result<std::optional<AccountService::AccountRow>> AccountService::findAccountByEmail(IConnection& c, const std::string& email) {
    auto rows = c.query(std::string(kAccountColumns) + "WHERE email = ?", {email});
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<AccountRow>{};
    const auto& r = rows->front();
    AccountRow a;
    a.id = r.i64(0);
    a.email = r.text(1);
    a.passwordHash = r.text(2);
    a.verified = r.i64(3) != 0;
    a.active = r.i64(4) != 0;
    a.totpEnabled = r.i64(5) != 0;
    a.totpSecretEnc = r.optText(6);
    a.totpPendingEnc = r.optText(7);
    a.totpLastStep = r.i64(8);
    a.createdMs = r.i64(9);
    return std::optional<AccountRow>{std::move(a)};
}

Result<std::optional<AccountService::AccountRow>> AccountService::findAccountById(IConnection& c, std::int64_t id) {
    auto rows = c.query(std::string(kAccountColumns) + "WHERE id = ?", {id});
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<AccountRow>{};
    auto byEmail = findAccountByEmail(c, rows->front().text(1));
    return byEmail;
}

Result<std::vector<std::string>> AccountService::rolesOf(IConnection& c, std::int64_t id) {
    auto rows = c.query("SELECT role FROM account_roles WHERE account_id = ? ORDER BY role", {id});
    if (!rows) return rows.error();
    std::vector<std::string> out;
    for (const auto& r : *rows) out.push_back(r.text(0));
    return out;
}

Result<std::string> AccountService::issueEmailToken(IConnection& c, std::int64_t accountId, const std::string& purpose,
                                                    std::int64_t ttlSeconds, const std::string& newEmail, std::string* code) {
    const std::int64_t now = nowMs();
    // A new link replaces the older ones of the same purpose.
    if (auto st = db::exec(c, "UPDATE email_tokens SET used_ms = ? WHERE account_id = ? AND purpose = ? AND used_ms IS NULL",
                           {now, accountId, purpose});
        !st)
        return st.error();
    const std::string token = randomToken(32);
    const std::string tokenHash = sha256Hex(token);
    Param codeHash = nullptr;
    if (code) {
        *code = randomDigits(6);
        codeHash = sha256Hex(tokenHash + ":" + *code);  // salted by the token's hash
    }
    if (auto st = db::exec(c,
                           "INSERT INTO email_tokens (account_id, purpose, token_hash, code_hash, new_email, created_ms, "
                           "expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           {accountId, purpose, tokenHash, codeHash, newEmail.empty() ? Param(nullptr) : Param(newEmail), now,
                            now + ttlSeconds * 1000});
        !st)
        return st.error();
    return token;
}

Status AccountService::enqueueVerification(IConnection& c, std::int64_t accountId, const std::string& to) {
    std::string code;
    auto token = issueEmailToken(c, accountId, "verify", m_config.verifyTtlSeconds, "", &code);
    if (!token) return token.error();
    const std::string link = publicUrl() + "/verify?token=" + *token;
    OutgoingMail mail{to, "Verify your e-mail address for Kairos",
                      "Welcome to Kairos.\n\nConfirm your e-mail address by opening this link:\n" + link +
                          "\n\nor enter this code in the terminal: " + code +
                          "\n\nThe link and the code expire in 24 hours. If you did not sign up, ignore this message.\n",
                      "<p>Welcome to Kairos.</p><p><a href=\"" + link +
                          "\">Confirm your e-mail address</a></p><p>or enter this code: <b>" + code +
                          "</b></p><p>The link and the code expire in 24 hours.</p>"};
    return enqueueMail(c, m_box, mail, nowMs());
}

Outcome<TokenPair> AccountService::issueTokens(IConnection& c, std::int64_t accountId, std::int64_t sessionId) {
    auto roles = rolesOf(c, accountId);
    if (!roles) return internal(roles.error());
    const std::int64_t now = nowMs();
    AccessClaims claims;
    claims.accountId = accountId;
    claims.sessionId = sessionId;
    claims.roles = *roles;
    claims.issuedAt = now / 1000;
    claims.expiresAt = now / 1000 + m_config.accessTokenTtlSeconds;
    auto access = signAccessToken(claims, m_keys, m_config.issuer);
    if (!access) return err(ErrorCode::Internal, access.message());
    TokenPair pair;
    pair.accessToken = std::move(*access);
    pair.refreshToken = randomToken(32);  // 256 bits
    pair.expiresInSeconds = m_config.accessTokenTtlSeconds;
    pair.sessionId = sessionId;
    if (auto st = db::exec(c, "INSERT INTO refresh_tokens (token_hash, session_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)",
                           {sha256Hex(pair.refreshToken), sessionId, now, now + m_config.refreshTokenTtlSeconds * 1000});
        !st)
        return internal(st.error());
    return pair;
}

// ---------------------------------------------------------------------------------------------
// sign-up and verification

Outcome<Done> AccountService::registerAccount(const std::string& email, const std::string& password, const RequestMeta& meta) {
    if (auto l = limited("register:ip:" + meta.ip, m_config.registerPerIp); !l) return l;
    const auto norm = normaliseEmail(email);
    if (!norm) return err(ErrorCode::InvalidInput, "not a valid e-mail address", "email");
    if (const auto problem = checkPassword(password)) return err(ErrorCode::WeakPassword, describe(*problem), "password");
    // Hashed whether or not the address is taken, so both answers take as long.
    auto hash = hashPassword(password, m_config.passwordHash);
    if (!hash) return internal(hash.error());
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Done>([&](IConnection& c) -> Result<Done> {
        auto existing = findAccountByEmail(c, *norm);
        if (!existing) return existing.error();
        if (*existing) {
            const auto& a = **existing;
            if (!a.verified) {
                if (auto st = enqueueVerification(c, a.id, a.email); !st) return st.error();
            } else {
                OutgoingMail notice{a.email, "Someone tried to sign up with your e-mail address",
                                    "Someone tried to create a Kairos account with this address, which already has one.\n"
                                    "If it was you, sign in or reset your password. Otherwise ignore this message.\n",
                                    "<p>Someone tried to create a Kairos account with this address, which already has one.</p>"
                                    "<p>If it was you, sign in or reset your password.</p>"};
                if (auto st = enqueueMail(c, m_box, notice, now); !st) return st.error();
            }
            if (auto st = auditOn(c, now, a.id, "register_existing", meta, "{}"); !st) return st.error();
            return Done{};
        }
        auto id = db::queryOne(c, "INSERT INTO accounts (email, password_hash, created_ms) VALUES (?, ?, ?) RETURNING id",
                               {*norm, *hash, now});
        if (!id) return id.error();
        const std::int64_t accountId = (*id)->i64(0);
        if (auto st = db::exec(c, "INSERT INTO account_roles (account_id, role) VALUES (?, 'user')", {accountId}); !st)
            return st.error();
        if (auto st = enqueueVerification(c, accountId, *norm); !st) return st.error();
        if (auto st = auditOn(c, now, accountId, "register", meta, "{}"); !st) return st.error();
        return Done{};
    });
    if (!r) return internal(r.error());
    return Done{};
}

Outcome<Done> AccountService::verifyEmail(const std::string& token, const RequestMeta& meta) {
    if (token.empty() || token.size() > 256) return err(ErrorCode::InvalidInput, "the token is missing or malformed", "token");
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto row = db::queryOne(c,
                                "SELECT id, account_id, purpose, new_email, expires_ms, used_ms FROM email_tokens "
                                "WHERE token_hash = ?" +
                                    std::string(db::forUpdate(c)),
                                {sha256Hex(token)});
        if (!row) return row.error();
        if (!*row || (*row)->text(2) == "reset" || !(*row)->isNull(5) || (*row)->i64(4) <= now)
            return Outcome<Done>(err(ErrorCode::InvalidToken, "this link is invalid, used or expired", "token"));
        const std::int64_t tokenId = (*row)->i64(0);
        const std::int64_t accountId = (*row)->i64(1);
        if (auto st = db::exec(c, "UPDATE email_tokens SET used_ms = ? WHERE id = ?", {now, tokenId}); !st) return st.error();
        if ((*row)->text(2) == "change_email") {
            const std::string newEmail = (*row)->text(3);
            auto account = findAccountById(c, accountId);
            if (!account) return account.error();
            if (!*account) return Outcome<Done>(err(ErrorCode::InvalidToken, "this link is invalid, used or expired", "token"));
            auto taken = findAccountByEmail(c, newEmail);
            if (!taken) return taken.error();
            if (*taken) return Outcome<Done>(err(ErrorCode::Conflict, "that e-mail address now belongs to another account"));
            if (auto st = db::exec(c, "UPDATE accounts SET email = ?, verified = 1 WHERE id = ?", {newEmail, accountId}); !st)
                return st.error();
            OutgoingMail notice{(*account)->email, "Your Kairos e-mail address was changed",
                                "The e-mail address of your Kairos account was changed to " + newEmail +
                                    ".\nIf you did not do this, contact support at once.\n",
                                "<p>The e-mail address of your Kairos account was changed to " + newEmail + ".</p>"};
            if (auto st = enqueueMail(c, m_box, notice, now); !st) return st.error();
            if (auto st = auditOn(c, now, accountId, "email_changed", meta, "{}"); !st) return st.error();
        } else {
            if (auto st = db::exec(c, "UPDATE accounts SET verified = 1 WHERE id = ?", {accountId}); !st) return st.error();
            if (auto st = auditOn(c, now, accountId, "email_verified", meta, "{}"); !st) return st.error();
        }
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<Done> AccountService::verifyEmailCode(const std::string& email, const std::string& code, const RequestMeta& meta) {
    const auto norm = normaliseEmail(email);
    if (!norm) return err(ErrorCode::InvalidInput, "not a valid e-mail address", "email");
    if (!isSixDigits(code)) return err(ErrorCode::InvalidInput, "the code has 6 digits", "code");
    if (auto l = limited("code:" + *norm, m_config.codePerAccount); !l) return l;
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        const Outcome<Done> wrong = err(ErrorCode::InvalidToken, "the code is wrong or expired", "code");
        auto account = findAccountByEmail(c, *norm);
        if (!account) return account.error();
        if (!*account) return wrong;
        auto row = db::queryOne(c,
                                "SELECT id, token_hash, code_hash, expires_ms FROM email_tokens WHERE account_id = ? AND "
                                "purpose = 'verify' AND used_ms IS NULL ORDER BY id DESC LIMIT 1",
                                {(*account)->id});
        if (!row) return row.error();
        if (!*row || (*row)->i64(3) <= now || !constantTimeEquals(sha256Hex((*row)->text(1) + ":" + code), (*row)->text(2)))
            return wrong;
        if (auto st = db::exec(c, "UPDATE email_tokens SET used_ms = ? WHERE id = ?", {now, (*row)->i64(0)}); !st)
            return st.error();
        if (auto st = db::exec(c, "UPDATE accounts SET verified = 1 WHERE id = ?", {(*account)->id}); !st) return st.error();
        if (auto st = auditOn(c, now, (*account)->id, "email_verified", meta, R"({"by":"code"})"); !st) return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<Done> AccountService::resendVerification(const std::string& email, const RequestMeta& /*meta*/) {
    const auto norm = normaliseEmail(email);
    if (!norm) return err(ErrorCode::InvalidInput, "not a valid e-mail address", "email");
    if (auto l = limited("mail:" + *norm, m_config.mailPerAccount); !l) return l;
    auto st = m_db.transact([&](IConnection& c) -> Status {
        auto account = findAccountByEmail(c, *norm);
        if (!account) return account.error();
        if (*account && !(*account)->verified) return enqueueVerification(c, (*account)->id, (*account)->email);
        return {};
    });
    if (!st) return internal(st.error());
    return Done{};
}

// ---------------------------------------------------------------------------------------------
// sign-in and tokens

Result<bool> AccountService::checkSecondFactor(IConnection& c, const AccountRow& account, const std::string& code) {
    const std::int64_t now = nowMs();
    if (isSixDigits(code) && account.totpSecretEnc) {
        auto secret = m_box.open(*account.totpSecretEnc);
        if (!secret) return secret.error();
        const auto current = static_cast<std::int64_t>(totpStep(now / 1000));
        for (std::int64_t step = current - 1; step <= current + 1; ++step) {
            if (step <= account.totpLastStep) continue;  // each code is accepted once
            if (!constantTimeEquals(totp(*secret, step * 30), code)) continue;
            auto won = c.query("UPDATE accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ? RETURNING id",
                               {step, account.id, step});
            if (!won) return won.error();
            return !won->empty();
        }
        return false;
    }
    const std::string normal = normaliseRecoveryCode(code);
    if (normal.size() != 10) return false;
    auto used = c.query(
        "UPDATE recovery_codes SET used_ms = ? WHERE account_id = ? AND code_hash = ? AND used_ms IS NULL "
        "RETURNING id",
        {now, account.id, sha256Hex(normal)});
    if (!used) return used.error();
    return !used->empty();
}

Outcome<TokenPair> AccountService::login(const std::string& email, const std::string& password, const std::string& totpCode,
                                         const RequestMeta& meta) {
    if (auto l = limited("login:ip:" + meta.ip, m_config.loginPerIp); !l) return l.error();
    const auto norm = normaliseEmail(email);
    if (!norm) return err(ErrorCode::InvalidInput, "not a valid e-mail address", "email");
    const std::string failKey = "login:account:" + *norm;
    auto locked = m_limiter.lockedFor(failKey);
    if (!locked) return internal(locked.error());
    if (*locked > 0) {
        AccountError e = err(ErrorCode::RateLimited, "too many failed sign-ins; try again in " + std::to_string(*locked) + " s");
        e.retryAfterSeconds = *locked;
        return e;
    }
    std::optional<AccountRow> account;
    {
        auto c = m_db.acquire();
        if (!c) return internal(c.error());
        auto found = findAccountByEmail(**c, *norm);
        if (!found) return internal(found.error());
        account = std::move(*found);
    }
    // An unknown address costs one hash verification too, and answers like a wrong password.
    const bool passwordOk = verifyPassword(password, account ? account->passwordHash : m_dummyHash) && account.has_value();
    if (!passwordOk) {
        (void)m_limiter.recordFailure(failKey);
        audit(account ? std::optional<std::int64_t>(account->id) : std::nullopt, "login_failed", meta,
              account ? R"({"reason":"password"})" : R"({"reason":"unknown_email"})");
        return wrongCredentials();
    }
    if (!account->active) return err(ErrorCode::AccountDisabled, "this account is deactivated");
    if (!account->verified) return err(ErrorCode::EmailNotVerified, "confirm your e-mail address first (see the e-mail we sent)");
    if (account->totpEnabled && totpCode.empty())
        return err(ErrorCode::TotpRequired, "enter the code from your authenticator app", "totp");
    std::optional<std::string> rehash;
    if (passwordNeedsRehash(account->passwordHash, m_config.passwordHash)) {
        if (auto h = hashPassword(password, m_config.passwordHash)) rehash = *h;
    }
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<TokenPair>>([&](IConnection& c) -> Result<Outcome<TokenPair>> {
        if (account->totpEnabled) {
            auto ok = checkSecondFactor(c, *account, totpCode);
            if (!ok) return ok.error();
            if (!*ok) return Outcome<TokenPair>(err(ErrorCode::TotpInvalid, "the code is wrong or was used already", "totp"));
        }
        if (rehash) {
            if (auto st = db::exec(c, "UPDATE accounts SET password_hash = ? WHERE id = ?", {*rehash, account->id}); !st)
                return st.error();
        }
        auto sid =
            db::queryOne(c,
                         "INSERT INTO sessions (account_id, created_ms, last_used_ms, ip, user_agent) VALUES (?, ?, ?, ?, ?) "
                         "RETURNING id",
                         {account->id, now, now, meta.ip, meta.userAgent.substr(0, 512)});
        if (!sid) return sid.error();
        auto pair = issueTokens(c, account->id, (*sid)->i64(0));
        if (!pair) return pair;  // rolled back below? no: an Internal error is returned and committed harmlessly
        if (auto st = auditOn(c, now, account->id, "login_ok", meta, rehash ? R"({"rehashed":true})" : "{}"); !st)
            return st.error();
        OutgoingMail notice{account->email, "New sign-in to your Kairos account",
                            "Your Kairos account was signed in to from " + meta.ip + " (" + meta.userAgent.substr(0, 120) +
                                ").\nIf this was not you, change your password and end your other sessions.\n",
                            "<p>Your Kairos account was signed in to from " + meta.ip + ".</p>"};
        if (auto st = enqueueMail(c, m_box, notice, now); !st) return st.error();
        return pair;
    });
    if (!r) return internal(r.error());
    if (!*r && r->code() == ErrorCode::TotpInvalid) {
        (void)m_limiter.recordFailure(failKey);
        audit(account->id, "totp_failed", meta);
        return r->error();
    }
    if (*r) (void)m_limiter.clearFailures(failKey);
    return *r;
}

Outcome<TokenPair> AccountService::refresh(const std::string& refreshToken, const RequestMeta& meta) {
    if (refreshToken.empty() || refreshToken.size() > 256)
        return err(ErrorCode::InvalidToken, "invalid refresh token", "refresh_token");
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<TokenPair>>([&](IConnection& c) -> Result<Outcome<TokenPair>> {
        const Outcome<TokenPair> invalid = err(ErrorCode::InvalidToken, "invalid or expired refresh token", "refresh_token");
        const std::string hash = sha256Hex(refreshToken);
        auto row = db::queryOne(c,
                                "SELECT rt.session_id, rt.expires_ms, rt.rotated_ms, s.account_id, s.revoked_ms, a.active "
                                "FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN accounts a ON "
                                "a.id = s.account_id WHERE rt.token_hash = ?" +
                                    std::string(db::forUpdate(c)),
                                {hash});
        if (!row) return row.error();
        if (!*row) return invalid;
        const std::int64_t sessionId = (*row)->i64(0);
        const std::int64_t accountId = (*row)->i64(3);
        if (!(*row)->isNull(2)) {
            // A rotated token came back: someone holds a copy. End the whole family.
            if ((*row)->isNull(4)) {
                if (auto st =
                        db::exec(c, "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'refresh_token_reuse' WHERE id = ?",
                                 {now, sessionId});
                    !st)
                    return st.error();
            }
            if (auto st =
                    auditOn(c, now, accountId, "refresh_token_reuse", meta, R"({"session":)" + std::to_string(sessionId) + "}");
                !st)
                return st.error();
            return Outcome<TokenPair>(
                err(ErrorCode::TokenReused, "this refresh token was already used; the session has been ended", "refresh_token"));
        }
        if (!(*row)->isNull(4) || (*row)->i64(1) <= now) return invalid;
        if ((*row)->i64(5) == 0) return Outcome<TokenPair>(err(ErrorCode::AccountDisabled, "this account is deactivated"));
        auto rotated =
            c.query("UPDATE refresh_tokens SET rotated_ms = ? WHERE token_hash = ? AND rotated_ms IS NULL RETURNING session_id",
                    {now, hash});
        if (!rotated) return rotated.error();
        if (rotated->empty()) return invalid;
        if (auto st = db::exec(c, "UPDATE sessions SET last_used_ms = ?, ip = ?, user_agent = ? WHERE id = ?",
                               {now, meta.ip, meta.userAgent.substr(0, 512), sessionId});
            !st)
            return st.error();
        return issueTokens(c, accountId, sessionId);
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<Done> AccountService::logout(const std::string& refreshToken, const RequestMeta& meta) {
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto row = db::queryOne(c,
                                "SELECT s.id, s.account_id FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id "
                                "WHERE rt.token_hash = ?",
                                {sha256Hex(refreshToken)});
        if (!row) return row.error();
        if (!*row) return Outcome<Done>(err(ErrorCode::InvalidToken, "invalid refresh token", "refresh_token"));
        if (auto st =
                db::exec(c, "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'logout' WHERE id = ? AND revoked_ms IS NULL",
                         {now, (*row)->i64(0)});
            !st)
            return st.error();
        if (auto st = auditOn(c, now, (*row)->i64(1), "logout", meta, "{}"); !st) return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<AccessClaims> AccountService::authenticate(const std::string& accessToken) {
    auto verified = verifyAccessToken(accessToken, m_keys, m_config.issuer, nowMs() / 1000);
    if (const auto* e = std::get_if<TokenError>(&verified))
        return err(ErrorCode::InvalidToken, std::string("invalid access token (") + tokenErrorName(*e) + ")");
    const auto& claims = std::get<AccessClaims>(verified);
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto row = db::queryOne(**c,
                            "SELECT s.revoked_ms, a.active FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id = ? "
                            "AND s.account_id = ?",
                            {claims.sessionId, claims.accountId});
    if (!row) return internal(row.error());
    if (!*row || !(*row)->isNull(0)) return err(ErrorCode::InvalidToken, "invalid access token (session ended)");
    if ((*row)->i64(1) == 0) return err(ErrorCode::AccountDisabled, "this account is deactivated");
    return claims;
}

Outcome<AccountInfo> AccountService::me(std::int64_t accountId) {
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto a = findAccountById(**c, accountId);
    if (!a) return internal(a.error());
    if (!*a) return err(ErrorCode::NotFound, "no such account");
    auto roles = rolesOf(**c, accountId);
    if (!roles) return internal(roles.error());
    AccountInfo info;
    info.id = (*a)->id;
    info.email = (*a)->email;
    info.roles = *roles;
    info.verified = (*a)->verified;
    info.active = (*a)->active;
    info.totpEnabled = (*a)->totpEnabled;
    info.createdMs = (*a)->createdMs;
    return info;
}

// ---------------------------------------------------------------------------------------------
// sessions

Outcome<std::vector<SessionInfo>> AccountService::listSessions(std::int64_t accountId, std::int64_t currentSessionId) {
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto rows = (*c)->query(
        "SELECT id, user_agent, ip, created_ms, last_used_ms FROM sessions WHERE account_id = ? AND "
        "revoked_ms IS NULL ORDER BY last_used_ms DESC, id DESC",
        {accountId});
    if (!rows) return internal(rows.error());
    std::vector<SessionInfo> out;
    for (const auto& r : *rows) out.push_back({r.i64(0), r.text(1), r.text(2), r.i64(3), r.i64(4), r.i64(0) == currentSessionId});
    return out;
}

Outcome<Done> AccountService::revokeSession(std::int64_t accountId, std::int64_t sessionId, const RequestMeta& meta) {
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto rows = (*c)->query(
        "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'user' WHERE id = ? AND account_id = ? AND "
        "revoked_ms IS NULL RETURNING id",
        {nowMs(), sessionId, accountId});
    if (!rows) return internal(rows.error());
    if (rows->empty()) return err(ErrorCode::NotFound, "no such session");
    (void)auditOn(**c, nowMs(), accountId, "session_revoked", meta, R"({"session":)" + std::to_string(sessionId) + "}");
    return Done{};
}

Outcome<Done> AccountService::revokeAllSessions(std::int64_t accountId, std::int64_t keepSessionId, const RequestMeta& meta) {
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    if (auto st = db::exec(**c,
                           "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'user' WHERE account_id = ? AND id <> ? AND "
                           "revoked_ms IS NULL",
                           {nowMs(), accountId, keepSessionId});
        !st)
        return internal(st.error());
    (void)auditOn(**c, nowMs(), accountId, "sessions_revoked", meta, "{}");
    return Done{};
}

// ---------------------------------------------------------------------------------------------
// TOTP

Outcome<TotpEnrolment> AccountService::beginTotp(std::int64_t accountId, const RequestMeta& meta) {
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto a = findAccountById(**c, accountId);
    if (!a) return internal(a.error());
    if (!*a) return err(ErrorCode::NotFound, "no such account");
    if ((*a)->totpEnabled) return err(ErrorCode::Conflict, "two-factor authentication is already on");
    std::string secret(20, '\0');
    {
        const std::string random = randomToken(20);
        auto raw = base64UrlDecode(random);
        if (!raw) return err(ErrorCode::Internal, "cannot make a secret");
        secret = *raw;
    }
    if (auto st = db::exec(**c, "UPDATE accounts SET totp_pending_enc = ? WHERE id = ?", {m_box.seal(secret), accountId}); !st)
        return internal(st.error());
    (void)auditOn(**c, nowMs(), accountId, "totp_enrolment_started", meta, "{}");
    return TotpEnrolment{base32Encode(secret), otpauthUri(m_config.totpIssuer, (*a)->email, secret)};
}

Outcome<std::vector<std::string>> AccountService::confirmTotp(std::int64_t accountId, const std::string& code,
                                                              const RequestMeta& meta) {
    if (!isSixDigits(code)) return err(ErrorCode::InvalidInput, "the code has 6 digits", "code");
    if (auto l = limited("code:account:" + std::to_string(accountId), m_config.codePerAccount); !l) return l.error();
    const std::int64_t now = nowMs();
    using Codes = std::vector<std::string>;
    auto r = m_db.transaction<Outcome<Codes>>([&](IConnection& c) -> Result<Outcome<Codes>> {
        auto a = findAccountById(c, accountId);
        if (!a) return a.error();
        if (!*a) return Outcome<Codes>(err(ErrorCode::NotFound, "no such account"));
        if ((*a)->totpEnabled) return Outcome<Codes>(err(ErrorCode::Conflict, "two-factor authentication is already on"));
        if (!(*a)->totpPendingEnc) return Outcome<Codes>(err(ErrorCode::Conflict, "start the enrolment first"));
        auto secret = m_box.open(*(*a)->totpPendingEnc);
        if (!secret) return secret.error();
        const auto current = static_cast<std::int64_t>(totpStep(now / 1000));
        std::int64_t matched = -1;
        for (std::int64_t step = current - 1; step <= current + 1; ++step)
            if (step > (*a)->totpLastStep && constantTimeEquals(totp(*secret, step * 30), code)) matched = step;
        if (matched < 0) return Outcome<Codes>(err(ErrorCode::TotpInvalid, "the code is wrong", "code"));
        if (auto st = db::exec(c,
                               "UPDATE accounts SET totp_enabled = 1, totp_secret_enc = totp_pending_enc, totp_pending_enc = "
                               "NULL, totp_last_step = ? WHERE id = ?",
                               {matched, accountId});
            !st)
            return st.error();
        if (auto st = db::exec(c, "DELETE FROM recovery_codes WHERE account_id = ?", {accountId}); !st) return st.error();
        Codes codes;
        for (int i = 0; i < 10; ++i) {
            auto raw = base64UrlDecode(randomToken(7));  // 56 random bits → 10 base32 characters (50 bits)
            const std::string plain = base32Encode(raw ? *raw : std::string()).substr(0, 10);
            if (auto st = db::exec(c, "INSERT INTO recovery_codes (account_id, code_hash) VALUES (?, ?)",
                                   {accountId, sha256Hex(plain)});
                !st)
                return st.error();
            codes.push_back(plain.substr(0, 5) + "-" + plain.substr(5));
        }
        if (auto st = auditOn(c, now, accountId, "totp_enabled", meta, "{}"); !st) return st.error();
        OutgoingMail notice{(*a)->email, "Two-factor authentication is on",
                            "Two-factor authentication was turned on for your Kairos account.\n",
                            "<p>Two-factor authentication was turned on for your Kairos account.</p>"};
        if (auto st = enqueueMail(c, m_box, notice, now); !st) return st.error();
        return Outcome<Codes>(std::move(codes));
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<Done> AccountService::disableTotp(std::int64_t accountId, const std::string& password, const std::string& code,
                                          const RequestMeta& meta) {
    if (auto l = limited("code:account:" + std::to_string(accountId), m_config.codePerAccount); !l) return l;
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto a = findAccountById(c, accountId);
        if (!a) return a.error();
        if (!*a) return Outcome<Done>(err(ErrorCode::NotFound, "no such account"));
        if (!verifyPassword(password, (*a)->passwordHash))
            return Outcome<Done>(err(ErrorCode::InvalidCredentials, "wrong password", "password"));
        if (!(*a)->totpEnabled) return Outcome<Done>(err(ErrorCode::Conflict, "two-factor authentication is off"));
        auto ok = checkSecondFactor(c, **a, code);
        if (!ok) return ok.error();
        if (!*ok) return Outcome<Done>(err(ErrorCode::TotpInvalid, "the code is wrong or was used already", "code"));
        if (auto st = db::exec(c,
                               "UPDATE accounts SET totp_enabled = 0, totp_secret_enc = NULL, totp_pending_enc = NULL, "
                               "totp_last_step = 0 WHERE id = ?",
                               {accountId});
            !st)
            return st.error();
        if (auto st = db::exec(c, "DELETE FROM recovery_codes WHERE account_id = ?", {accountId}); !st) return st.error();
        if (auto st = auditOn(c, now, accountId, "totp_disabled", meta, "{}"); !st) return st.error();
        OutgoingMail notice{(*a)->email, "Two-factor authentication is off",
                            "Two-factor authentication was turned off for your Kairos account.\nIf this was not you, "
                            "change your password at once.\n",
                            "<p>Two-factor authentication was turned off for your Kairos account.</p>"};
        if (auto st = enqueueMail(c, m_box, notice, now); !st) return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

// ---------------------------------------------------------------------------------------------
// password and e-mail

Outcome<Done> AccountService::requestPasswordReset(const std::string& email, const RequestMeta& meta) {
    const auto norm = normaliseEmail(email);
    if (!norm) return err(ErrorCode::InvalidInput, "not a valid e-mail address", "email");
    if (auto l = limited("mail:" + *norm, m_config.mailPerAccount); !l) return l;
    const std::int64_t now = nowMs();
    auto st = m_db.transact([&](IConnection& c) -> Status {
        auto a = findAccountByEmail(c, *norm);
        if (!a) return a.error();
        if (!*a || !(*a)->active) return {};
        auto token = issueEmailToken(c, (*a)->id, "reset", m_config.resetTtlSeconds, "", nullptr);
        if (!token) return token.error();
        const std::string link = publicUrl() + "/reset-password?token=" + *token;
        OutgoingMail mail{(*a)->email, "Reset your Kairos password",
                          "Open this link to choose a new password:\n" + link +
                              "\n\nThe link expires in one hour. If you did not ask for it, ignore this message.\n",
                          "<p><a href=\"" + link + "\">Choose a new password</a></p><p>The link expires in one hour.</p>"};
        if (auto s = enqueueMail(c, m_box, mail, now); !s) return s;
        return auditOn(c, now, (*a)->id, "password_reset_requested", meta, "{}");
    });
    if (!st) return internal(st.error());
    return Done{};
}

Outcome<Done> AccountService::resetPassword(const std::string& token, const std::string& newPassword, const std::string& totpCode,
                                            const RequestMeta& meta) {
    if (token.empty() || token.size() > 256) return err(ErrorCode::InvalidInput, "the token is missing or malformed", "token");
    if (const auto problem = checkPassword(newPassword)) return err(ErrorCode::WeakPassword, describe(*problem), "password");
    // A reset link does not give unlimited guesses at the second factor.
    if (!totpCode.empty()) {
        if (auto l = limited("code:reset:" + sha256Hex(token).substr(0, 32), m_config.codePerAccount); !l) return l;
    }
    auto hash = hashPassword(newPassword, m_config.passwordHash);
    if (!hash) return internal(hash.error());
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto row = db::queryOne(c,
                                "SELECT id, account_id, expires_ms, used_ms FROM email_tokens WHERE token_hash = ? AND "
                                "purpose = 'reset'" +
                                    std::string(db::forUpdate(c)),
                                {sha256Hex(token)});
        if (!row) return row.error();
        if (!*row || !(*row)->isNull(3) || (*row)->i64(2) <= now)
            return Outcome<Done>(err(ErrorCode::InvalidToken, "this link is invalid, used or expired", "token"));
        auto a = findAccountById(c, (*row)->i64(1));
        if (!a) return a.error();
        if (!*a) return Outcome<Done>(err(ErrorCode::InvalidToken, "this link is invalid, used or expired", "token"));
        // A reset proves control of the mailbox only: with 2FA on, the second factor is needed too.
        if ((*a)->totpEnabled) {
            if (totpCode.empty())
                return Outcome<Done>(err(ErrorCode::TotpRequired, "enter the code from your authenticator app", "totp"));
            auto ok = checkSecondFactor(c, **a, totpCode);
            if (!ok) return ok.error();
            if (!*ok) return Outcome<Done>(err(ErrorCode::TotpInvalid, "the code is wrong or was used already", "totp"));
        }
        if (auto st = db::exec(c, "UPDATE email_tokens SET used_ms = ? WHERE id = ?", {now, (*row)->i64(0)}); !st)
            return st.error();
        if (auto st = db::exec(c, "UPDATE accounts SET password_hash = ? WHERE id = ?", {*hash, (*a)->id}); !st)
            return st.error();
        if (auto st = db::exec(c,
                               "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'password_reset' WHERE account_id = ? AND "
                               "revoked_ms IS NULL",
                               {now, (*a)->id});
            !st)
            return st.error();
        if (auto st = auditOn(c, now, (*a)->id, "password_reset", meta, "{}"); !st) return st.error();
        OutgoingMail notice{(*a)->email, "Your Kairos password was changed",
                            "The password of your Kairos account was reset and all sessions were ended.\n",
                            "<p>The password of your Kairos account was reset and all sessions were ended.</p>"};
        if (auto st = enqueueMail(c, m_box, notice, now); !st) return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<Done> AccountService::changePassword(std::int64_t accountId, const std::string& currentPassword,
                                             const std::string& newPassword, bool endOtherSessions, std::int64_t currentSessionId,
                                             const RequestMeta& meta) {
    if (const auto problem = checkPassword(newPassword)) return err(ErrorCode::WeakPassword, describe(*problem), "new_password");
    if (auto l = limited("password:account:" + std::to_string(accountId), m_config.codePerAccount); !l) return l;
    std::optional<AccountRow> a;
    {
        auto c = m_db.acquire();
        if (!c) return internal(c.error());
        auto found = findAccountById(**c, accountId);
        if (!found) return internal(found.error());
        a = std::move(*found);
    }
    if (!a) return err(ErrorCode::NotFound, "no such account");
    if (!verifyPassword(currentPassword, a->passwordHash)) {
        audit(accountId, "password_change_failed", meta);
        return err(ErrorCode::InvalidCredentials, "wrong password", "password");
    }
    auto hash = hashPassword(newPassword, m_config.passwordHash);
    if (!hash) return internal(hash.error());
    const std::int64_t now = nowMs();
    auto st = m_db.transact([&](IConnection& c) -> Status {
        if (auto s = db::exec(c, "UPDATE accounts SET password_hash = ? WHERE id = ?", {*hash, accountId}); !s) return s;
        if (endOtherSessions) {
            if (auto s = db::exec(c,
                                  "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'password_changed' WHERE account_id = ? "
                                  "AND id <> ? AND revoked_ms IS NULL",
                                  {now, accountId, currentSessionId});
                !s)
                return s;
        }
        OutgoingMail notice{a->email, "Your Kairos password was changed", "The password of your Kairos account was changed.\n",
                            "<p>The password of your Kairos account was changed.</p>"};
        if (auto s = enqueueMail(c, m_box, notice, now); !s) return s;
        return auditOn(c, now, accountId, "password_changed", meta, endOtherSessions ? R"({"ended_other_sessions":true})" : "{}");
    });
    if (!st) return internal(st.error());
    return Done{};
}

Outcome<Done> AccountService::changeEmail(std::int64_t accountId, const std::string& password, const std::string& newEmail,
                                          const RequestMeta& meta) {
    const auto norm = normaliseEmail(newEmail);
    if (!norm) return err(ErrorCode::InvalidInput, "not a valid e-mail address", "new_email");
    if (auto l = limited("password:account:" + std::to_string(accountId), m_config.codePerAccount); !l) return l;
    if (auto l = limited("mail:" + *norm, m_config.mailPerAccount); !l) return l;
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto a = findAccountById(c, accountId);
        if (!a) return a.error();
        if (!*a) return Outcome<Done>(err(ErrorCode::NotFound, "no such account"));
        if (!verifyPassword(password, (*a)->passwordHash))
            return Outcome<Done>(err(ErrorCode::InvalidCredentials, "wrong password", "password"));
        auto taken = findAccountByEmail(c, *norm);
        if (!taken) return taken.error();
        // A taken address gets no link (and the answer does not say it is taken).
        if (!*taken) {
            auto token = issueEmailToken(c, accountId, "change_email", m_config.verifyTtlSeconds, *norm, nullptr);
            if (!token) return token.error();
            const std::string link = publicUrl() + "/verify?token=" + *token;
            OutgoingMail confirm{*norm, "Confirm your new e-mail address for Kairos",
                                 "Open this link to make this the e-mail address of your Kairos account:\n" + link + "\n",
                                 "<p><a href=\"" + link + "\">Confirm your new e-mail address</a></p>"};
            if (auto st = enqueueMail(c, m_box, confirm, now); !st) return st.error();
        }
        OutgoingMail notice{(*a)->email, "A change of your Kairos e-mail address was requested",
                            "Someone signed in to your account asked to change its e-mail address to " + *norm +
                                ".\nIf this was not you, change your password now.\n",
                            "<p>A change of your e-mail address to " + *norm + " was requested.</p>"};
        if (auto st = enqueueMail(c, m_box, notice, now); !st) return st.error();
        if (auto st = auditOn(c, now, accountId, "email_change_requested", meta, "{}"); !st) return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

// ---------------------------------------------------------------------------------------------
// deletion and export

Outcome<Done> AccountService::deleteAccount(std::int64_t accountId, const std::string& password, const RequestMeta& meta) {
    if (auto l = limited("password:account:" + std::to_string(accountId), m_config.codePerAccount); !l) return l;
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto a = findAccountById(c, accountId);
        if (!a) return a.error();
        if (!*a) return Outcome<Done>(err(ErrorCode::NotFound, "no such account"));
        if (!verifyPassword(password, (*a)->passwordHash))
            return Outcome<Done>(err(ErrorCode::InvalidCredentials, "wrong password", "password"));
        if (auto st = db::exec(c, "DELETE FROM accounts WHERE id = ?", {accountId}); !st) return st.error();
        // The audit trail keeps the number of the deleted account, not its address.
        if (auto st = auditOn(c, now, accountId, "account_deleted", meta, "{}"); !st) return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<std::string> AccountService::exportData(std::int64_t accountId) {
    auto info = me(accountId);
    if (!info) return info.error();
    auto sessions = listSessions(accountId, 0);
    if (!sessions) return sessions.error();
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto events =
        (*c)->query("SELECT at_ms, kind, ip, user_agent FROM audit_events WHERE account_id = ? ORDER BY id", {accountId});
    if (!events) return internal(events.error());
    nlohmann::json out;
    out["account"] = {{"id", info->id},
                      {"email", info->email},
                      {"roles", info->roles},
                      {"verified", info->verified},
                      {"two_factor", info->totpEnabled},
                      {"created_ms", info->createdMs}};
    out["sessions"] = nlohmann::json::array();
    for (const auto& s : *sessions)
        out["sessions"].push_back({{"id", s.id},
                                   {"user_agent", s.userAgent},
                                   {"ip", s.ip},
                                   {"created_ms", s.createdMs},
                                   {"last_used_ms", s.lastUsedMs}});
    out["security_events"] = nlohmann::json::array();
    for (const auto& e : *events)
        out["security_events"].push_back(
            {{"at_ms", e.i64(0)}, {"kind", e.text(1)}, {"ip", e.text(2)}, {"user_agent", e.text(3)}});
    return out.dump(2);
}

// ---------------------------------------------------------------------------------------------
// administration

Outcome<Done> AccountService::requireAdmin(std::int64_t adminId) {
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto row = db::queryOne(**c,
                            "SELECT a.active FROM accounts a JOIN account_roles r ON r.account_id = a.id WHERE a.id = ? AND "
                            "r.role = 'admin'",
                            {adminId});
    if (!row) return internal(row.error());
    if (!*row || (*row)->i64(0) == 0) return err(ErrorCode::Forbidden, "this needs the admin role");
    return Done{};
}

Outcome<std::int64_t> AccountService::createAdmin(const std::string& email, const std::string& password) {
    const auto norm = normaliseEmail(email);
    if (!norm) return err(ErrorCode::InvalidInput, "not a valid e-mail address", "email");
    if (const auto problem = checkPassword(password)) return err(ErrorCode::WeakPassword, describe(*problem), "password");
    auto hash = hashPassword(password, m_config.passwordHash);
    if (!hash) return internal(hash.error());
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<std::int64_t>([&](IConnection& c) -> Result<std::int64_t> {
        auto a = findAccountByEmail(c, *norm);
        if (!a) return a.error();
        std::int64_t id = 0;
        if (*a) {
            id = (*a)->id;
            if (auto st = db::exec(c, "UPDATE accounts SET verified = 1, active = 1 WHERE id = ?", {id}); !st) return st.error();
        } else {
            auto row = db::queryOne(c,
                                    "INSERT INTO accounts (email, password_hash, verified, created_ms) VALUES (?, ?, 1, ?) "
                                    "RETURNING id",
                                    {*norm, *hash, now});
            if (!row) return row.error();
            id = (*row)->i64(0);
        }
        for (const char* role : {"user", "admin"}) {
            if (auto st = db::exec(c, "INSERT INTO account_roles (account_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                   {id, std::string(role)});
                !st)
                return st.error();
        }
        if (auto st = auditOn(c, now, id, "admin_created", RequestMeta{"local", "kairosd admin create"}, "{}"); !st)
            return st.error();
        return id;
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<std::vector<AccountInfo>> AccountService::listAccounts(std::int64_t adminId, const std::string& search, int limit,
                                                               int offset) {
    if (auto ok = requireAdmin(adminId); !ok) return ok.error();
    limit = std::clamp(limit, 1, 500);
    offset = std::max(offset, 0);
    std::vector<std::int64_t> ids;
    {
        auto c = m_db.acquire();  // given back before me() borrows one
        if (!c) return internal(c.error());
        auto rows = (*c)->query("SELECT id FROM accounts WHERE email LIKE ? ESCAPE '\\' ORDER BY id LIMIT ? OFFSET ?",
                                {"%" + likeEscape(lowerAscii(search)) + "%", std::int64_t{limit}, std::int64_t{offset}});
        if (!rows) return internal(rows.error());
        for (const auto& r : *rows) ids.push_back(r.i64(0));
    }
    std::vector<AccountInfo> out;
    for (auto id : ids) {
        auto info = me(id);
        if (info) out.push_back(*info);
    }
    return out;
}

Outcome<Done> AccountService::setActive(std::int64_t adminId, std::int64_t accountId, bool active, const RequestMeta& meta) {
    if (auto ok = requireAdmin(adminId); !ok) return ok;
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto rows =
            c.query("UPDATE accounts SET active = ? WHERE id = ? RETURNING id", {std::int64_t{active ? 1 : 0}, accountId});
        if (!rows) return rows.error();
        if (rows->empty()) return Outcome<Done>(err(ErrorCode::NotFound, "no such account"));
        if (!active) {
            if (auto st = db::exec(c,
                                   "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'deactivated' WHERE account_id = ? AND "
                                   "revoked_ms IS NULL",
                                   {now, accountId});
                !st)
                return st.error();
        }
        if (auto st = auditOn(c, now, accountId, active ? "admin_reactivated" : "admin_deactivated", meta,
                              R"({"by":)" + std::to_string(adminId) + "}");
            !st)
            return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<Done> AccountService::setRoles(std::int64_t adminId, std::int64_t accountId, const std::vector<Role>& roles,
                                       const RequestMeta& meta) {
    if (auto ok = requireAdmin(adminId); !ok) return ok;
    const std::int64_t now = nowMs();
    auto r = m_db.transaction<Outcome<Done>>([&](IConnection& c) -> Result<Outcome<Done>> {
        auto a = findAccountById(c, accountId);
        if (!a) return a.error();
        if (!*a) return Outcome<Done>(err(ErrorCode::NotFound, "no such account"));
        if (auto st = db::exec(c, "DELETE FROM account_roles WHERE account_id = ?", {accountId}); !st) return st.error();
        nlohmann::json names = nlohmann::json::array();
        for (Role role : roles) {
            if (auto st = db::exec(c, "INSERT INTO account_roles (account_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                   {accountId, std::string(roleName(role))});
                !st)
                return st.error();
            names.push_back(roleName(role));
        }
        const nlohmann::json detail = {{"by", adminId}, {"roles", names}};
        if (auto st = auditOn(c, now, accountId, "admin_set_roles", meta, detail.dump()); !st) return st.error();
        return Outcome<Done>(Done{});
    });
    if (!r) return internal(r.error());
    return *r;
}

Outcome<Done> AccountService::adminEndSessions(std::int64_t adminId, std::int64_t accountId, const RequestMeta& meta) {
    if (auto ok = requireAdmin(adminId); !ok) return ok;
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    if (auto st = db::exec(
            **c, "UPDATE sessions SET revoked_ms = ?, revoke_reason = 'admin' WHERE account_id = ? AND revoked_ms IS NULL",
            {nowMs(), accountId});
        !st)
        return internal(st.error());
    (void)auditOn(**c, nowMs(), accountId, "admin_ended_sessions", meta, R"({"by":)" + std::to_string(adminId) + "}");
    return Done{};
}

Outcome<std::vector<AuditEvent>> AccountService::readAudit(std::int64_t adminId, std::int64_t accountId, int limit) {
    if (auto ok = requireAdmin(adminId); !ok) return ok.error();
    limit = std::clamp(limit, 1, 1000);
    auto c = m_db.acquire();
    if (!c) return internal(c.error());
    auto rows = accountId != 0 ? (*c)->query(
                                     "SELECT id, at_ms, account_id, kind, ip, user_agent, detail FROM audit_events WHERE "
                                     "account_id = ? ORDER BY id DESC LIMIT ?",
                                     {accountId, std::int64_t{limit}})
                               : (*c)->query(
                                     "SELECT id, at_ms, account_id, kind, ip, user_agent, detail FROM audit_events "
                                     "ORDER BY id DESC LIMIT ?",
                                     {std::int64_t{limit}});
    if (!rows) return internal(rows.error());
    std::vector<AuditEvent> out;
    for (const auto& r : *rows) {
        AuditEvent e;
        e.id = r.i64(0);
        e.atMs = r.i64(1);
        if (!r.isNull(2)) e.accountId = r.i64(2);
        e.kind = r.text(3);
        e.ip = r.text(4);
        e.userAgent = r.text(5);
        e.detail = r.text(6);
        out.push_back(std::move(e));
    }
    return out;
}

Result<std::int64_t> AccountService::purgeExpired() {
    constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
    const std::int64_t now = nowMs();
    auto c = m_db.acquire();
    if (!c) return c.error();
    const std::pair<const char*, std::int64_t> steps[] = {
        {"DELETE FROM email_tokens WHERE expires_ms < ? RETURNING id", now - kDayMs},
        {"DELETE FROM refresh_tokens WHERE expires_ms < ? RETURNING session_id", now},
        {"DELETE FROM sessions WHERE revoked_ms IS NOT NULL AND revoked_ms < ? RETURNING id", now - 30 * kDayMs},
        {"DELETE FROM rate_buckets WHERE updated_ms < ? RETURNING updated_ms", now - kDayMs},
        {"DELETE FROM mail_queue WHERE sent_ms IS NOT NULL AND sent_ms < ? RETURNING id", now - 7 * kDayMs},
    };
    std::int64_t deleted = 0;
    for (const auto& [sql, before] : steps) {
        auto rows = (*c)->query(sql, {before});
        if (!rows) return rows.error();
        deleted += static_cast<std::int64_t>(rows->size());
    }
    auto failures = (*c)->query("DELETE FROM login_failures WHERE updated_ms < ? AND locked_until_ms < ? RETURNING fail_key",
                                {now - kDayMs, now});
    if (!failures) return failures.error();
    return deleted + static_cast<std::int64_t>(failures->size());
}

void AccountService::setPublicUrl(std::string url) {
    std::lock_guard lock(m_publicUrlMutex);
    m_config.publicUrl = std::move(url);
}

std::string AccountService::publicUrl() const {
    std::lock_guard lock(m_publicUrlMutex);
    return m_config.publicUrl;
}

Result<int> AccountService::deliverMail(const MailSender& sender) { return deliverDueMail(m_db, m_box, sender, nowMs()); }

Result<int> AccountService::deliverMailToDir(const std::string& dir) {
    return deliverDueMailToDir(m_db, m_box, dir, m_config.mailFrom, nowMs());
}

}  // namespace kairos::server::accounts
