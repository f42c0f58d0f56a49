#pragma once
// The account service: everything about accounts as C++ calls with typed results, over the
// data-access layer (SQLite or PostgreSQL). The HTTP routes are thin wrappers around it.
//
// Rules it keeps (issue 14):
// - No enumeration: register, resend, reset and login answer alike whether or not an e-mail is
//   registered (login with an unknown e-mail still verifies a password against a dummy hash).
// - Secrets are never stored in clear: passwords as Argon2id hashes, tokens and codes as SHA-256
//   hashes, TOTP secrets and queued e-mail bodies sealed (SecretBox). Error messages never echo
//   a secret.
// - Refresh tokens rotate within a family (= a session); presenting one that was already rotated
//   revokes the whole family and is audited.
// - State lives in the database only (sessions, rate limits, lock-outs, the mail queue), so
//   several kairosd on one PostgreSQL behave as one.
//
// Thread contract: one AccountService is shared by all server threads; every call borrows its own
// connection. The clock is injected (milliseconds since the epoch) so expiry is tested without sleeps.

#include "accounts/accesstoken.h"
#include "accounts/crypto.h"
#include "accounts/mailqueue.h"
#include "accounts/ratelimiter.h"
#include "db/database.h"

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kairos::server::accounts {

/// What went wrong, as a code a client can act on (the HTTP layer maps each to a status).
enum class ErrorCode {
    InvalidInput = 1,    ///< a field is malformed (`field` names it): 400
    WeakPassword,        ///< too short/long or common: 400 (field "password")
    InvalidCredentials,  ///< wrong e-mail or password, the same for both: 401
    EmailNotVerified,    ///< 403
    AccountDisabled,     ///< 403
    TotpRequired,        ///< the account has 2FA: send the code: 401
    TotpInvalid,         ///< wrong or replayed code: 401
    InvalidToken,        ///< unknown, used, expired or forged token/code: 401 (400 for e-mail links)
    TokenReused,         ///< a rotated refresh token came back: family revoked: 401
    RateLimited,         ///< 429 with retryAfterSeconds
    NotFound,            ///< 404
    Forbidden,           ///< 403 (not an admin)
    Conflict,            ///< 409 (e.g. e-mail taken on change, 2FA already on)
    Internal,            ///< 500: a database error (the message is for the log, not the client)
};
const char* errorCodeName(ErrorCode code);

struct AccountError {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  ///< for the user; never holds a secret
    std::string field;    ///< the request field at fault, if any
    std::int64_t retryAfterSeconds = 0;
};

/// A value or an AccountError.
template <class T>
class Outcome {
public:
    Outcome(T value) : m_v(std::move(value)) {}             // NOLINT(google-explicit-constructor)
    Outcome(AccountError error) : m_v(std::move(error)) {}  // NOLINT(google-explicit-constructor)
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<0>(m_v); }
    T& value() { return std::get<0>(m_v); }
    const T* operator->() const { return &value(); }
    const T& operator*() const { return value(); }
    const AccountError& error() const { return std::get<1>(m_v); }
    ErrorCode code() const { return error().code; }

private:
    std::variant<T, AccountError> m_v;
};

struct Done {};

/// Who is asking (from the HTTP request context); stored with sessions and audit events.
struct RequestMeta {
    std::string ip;
    std::string userAgent;
};

enum class Role { User = 1, Provider, Admin };
const char* roleName(Role role);
std::optional<Role> roleFromName(std::string_view name);

struct AccountsConfig {
    PasswordHashParams passwordHash;           ///< Argon2id cost (floor: m = 19 MiB, t = 2)
    std::int64_t accessTokenTtlSeconds = 900;  ///< ≤ 15 minutes
    std::int64_t refreshTokenTtlSeconds = 30LL * 24 * 3600;
    std::int64_t verifyTtlSeconds = 24LL * 3600;  ///< e-mail verification link and code
    std::int64_t resetTtlSeconds = 3600;          ///< password reset link
    std::string issuer = "kairosd";
    std::string publicUrl = "http://127.0.0.1:8787";  ///< base of links in e-mails
    std::string mailFrom = "Kairos <no-reply@localhost>";
    std::string totpIssuer = "Kairos";
    /// Seals TOTP secrets and queued e-mail bodies. Must stay the same across restarts.
    std::array<unsigned char, SecretBox::kKeyBytes> secretsKey{};
    BucketRule loginPerIp{20, 20.0 / 60};       ///< 20 burst, 20 a minute
    BucketRule registerPerIp{10, 10.0 / 3600};  ///< 10 burst, 10 an hour
    BucketRule mailPerAccount{5, 5.0 / 3600};   ///< resend/reset e-mails per address
    BucketRule codePerAccount{10, 10.0 / 900};  ///< verification/TOTP codes, password re-entry (change, delete)
};

struct TokenPair {
    std::string accessToken;
    std::string refreshToken;
    std::int64_t expiresInSeconds = 0;
    std::int64_t sessionId = 0;
};

struct AccountInfo {
    std::int64_t id = 0;
    std::string email;
    std::vector<std::string> roles;
    bool verified = false;
    bool active = true;
    bool totpEnabled = false;
    std::int64_t createdMs = 0;
};

struct SessionInfo {
    std::int64_t id = 0;
    std::string userAgent;
    std::string ip;
    std::int64_t createdMs = 0;
    std::int64_t lastUsedMs = 0;
    bool current = false;
};

struct TotpEnrolment {
    std::string secretBase32;  ///< to type in by hand
    std::string otpauthUri;    ///< for the QR code
};

struct AuditEvent {
    std::int64_t id = 0;
    std::int64_t atMs = 0;
    std::optional<std::int64_t> accountId;
    std::string kind;
    std::string ip;
    std::string userAgent;
    std::string detail;  ///< JSON object
};

class AccountService {
public:
    AccountService(db::Database& db, KeySet keys, AccountsConfig config, std::function<std::int64_t()> nowMs);

    // --- sign-up and e-mail verification
    /// Registers, or (when the address is taken) e-mails its owner instead; the answer is the same.
    Outcome<Done> registerAccount(const std::string& email, const std::string& password, const RequestMeta& meta);
    /// Verifies with the token of the e-mailed link (also confirms a change of e-mail).
    Outcome<Done> verifyEmail(const std::string& token, const RequestMeta& meta);
    /// Verifies with the 6-digit code of the e-mail.
    Outcome<Done> verifyEmailCode(const std::string& email, const std::string& code, const RequestMeta& meta);
    /// Sends a new link and code to an unverified account; the answer is the same for any address.
    Outcome<Done> resendVerification(const std::string& email, const RequestMeta& meta);

    // --- sign-in and tokens
    /// `totpCode`: a TOTP code or a recovery code when the account has 2FA.
    Outcome<TokenPair> login(const std::string& email, const std::string& password, const std::string& totpCode,
                             const RequestMeta& meta);
    Outcome<TokenPair> refresh(const std::string& refreshToken, const RequestMeta& meta);
    /// Ends the session the refresh token belongs to.
    Outcome<Done> logout(const std::string& refreshToken, const RequestMeta& meta);
    /// Verifies an access token (signature, expiry) and that its session is still live.
    Outcome<AccessClaims> authenticate(const std::string& accessToken);
    Outcome<AccountInfo> me(std::int64_t accountId);

    // --- sessions
    Outcome<std::vector<SessionInfo>> listSessions(std::int64_t accountId, std::int64_t currentSessionId);
    Outcome<Done> revokeSession(std::int64_t accountId, std::int64_t sessionId, const RequestMeta& meta);
    /// Ends every session of the account except `keepSessionId` (0: all).
    Outcome<Done> revokeAllSessions(std::int64_t accountId, std::int64_t keepSessionId, const RequestMeta& meta);

    // --- two-factor authentication (TOTP, RFC 6238)
    Outcome<TotpEnrolment> beginTotp(std::int64_t accountId, const RequestMeta& meta);
    /// Turns 2FA on with a code from the app; returns the ten single-use recovery codes (shown once).
    Outcome<std::vector<std::string>> confirmTotp(std::int64_t accountId, const std::string& code, const RequestMeta& meta);
    Outcome<Done> disableTotp(std::int64_t accountId, const std::string& password, const std::string& code,
                              const RequestMeta& meta);

    // --- password and e-mail
    /// E-mails a reset link when the address has an account; the answer is the same for any address.
    Outcome<Done> requestPasswordReset(const std::string& email, const RequestMeta& meta);
    /// Sets a new password with a reset token. With 2FA on, `totpCode` is required too. Ends all sessions.
    Outcome<Done> resetPassword(const std::string& token, const std::string& newPassword, const std::string& totpCode,
                                const RequestMeta& meta);
    Outcome<Done> changePassword(std::int64_t accountId, const std::string& currentPassword, const std::string& newPassword,
                                 bool endOtherSessions, std::int64_t currentSessionId, const RequestMeta& meta);
    /// Sends a verification link to `newEmail` and a notice to the old address; the address
    /// changes when the link is used (verifyEmail).
    Outcome<Done> changeEmail(std::int64_t accountId, const std::string& password, const std::string& newEmail,
                              const RequestMeta& meta);

    // --- deletion and export
    Outcome<Done> deleteAccount(std::int64_t accountId, const std::string& password, const RequestMeta& meta);
    /// The account's own data as a JSON document (profile, roles, sessions, audit events).
    Outcome<std::string> exportData(std::int64_t accountId);

    // --- administration (the caller must have the admin role)
    /// Creates a verified admin account (`kairosd admin create EMAIL`), or adds the role to an existing one.
    Outcome<std::int64_t> createAdmin(const std::string& email, const std::string& password);
    Outcome<std::vector<AccountInfo>> listAccounts(std::int64_t adminId, const std::string& search, int limit, int offset);
    Outcome<Done> setActive(std::int64_t adminId, std::int64_t accountId, bool active, const RequestMeta& meta);
    Outcome<Done> setRoles(std::int64_t adminId, std::int64_t accountId, const std::vector<Role>& roles, const RequestMeta& meta);
    Outcome<Done> adminEndSessions(std::int64_t adminId, std::int64_t accountId, const RequestMeta& meta);
    /// Newest first; `accountId` 0 for all accounts.
    Outcome<std::vector<AuditEvent>> readAudit(std::int64_t adminId, std::int64_t accountId, int limit);

    // --- e-mail delivery: due queued mail as .eml files into a directory, or through any sender
    Result<int> deliverMailToDir(const std::string& dir);
    /// Sends due queued e-mail with `sender` (SMTP or a mail directory); how many were sent.
    Result<int> deliverMail(const MailSender& sender);

    /// Deletes what has served its time, so tables do not grow without bound (run it hourly):
    /// expired e-mail links, expired refresh tokens, sessions ended over 30 days ago, rate buckets
    /// and failure counts idle for a day, e-mail sent over 7 days ago. Returns the rows deleted.
    /// The audit log is kept. Any thread.
    Result<std::int64_t> purgeExpired();

    /// Records a security event (also used by the HTTP layer).
    void audit(std::optional<std::int64_t> accountId, const std::string& kind, const RequestMeta& meta,
               const std::string& detailJson = "{}");

    const AccountsConfig& config() const { return m_config; }
    const KeySet& keys() const { return m_keys; }
    RateLimiter& rateLimiter() { return m_limiter; }

    /// Changes the base of links in e-mails (kairosd sets it once the port is known). Thread-safe.
    void setPublicUrl(std::string url);
    /// The base of links in e-mails.
    std::string publicUrl() const;

private:
    struct AccountRow;
    Result<std::optional<AccountRow>> findAccountByEmail(db::IConnection& c, const std::string& email);
    Result<std::optional<AccountRow>> findAccountById(db::IConnection& c, std::int64_t id);
    Result<std::vector<std::string>> rolesOf(db::IConnection& c, std::int64_t id);
    Result<std::string> issueEmailToken(db::IConnection& c, std::int64_t accountId, const std::string& purpose,
                                        std::int64_t ttlSeconds, const std::string& newEmail, std::string* code);
    Status enqueueVerification(db::IConnection& c, std::int64_t accountId, const std::string& to);
    Outcome<TokenPair> issueTokens(db::IConnection& c, std::int64_t accountId, std::int64_t sessionId);
    Outcome<Done> requireAdmin(std::int64_t adminId);
    /// Checks a TOTP code (once per time step) or a recovery code (once) for the account.
    Result<bool> checkSecondFactor(db::IConnection& c, const AccountRow& account, const std::string& code);
    Outcome<Done> limited(const std::string& key, const BucketRule& rule);
    std::int64_t nowMs() const { return m_nowMs(); }

    db::Database& m_db;
    KeySet m_keys;
    AccountsConfig m_config;
    mutable std::mutex m_publicUrlMutex;  ///< guards m_config.publicUrl
    std::function<std::int64_t()> m_nowMs;
    SecretBox m_box;
    RateLimiter m_limiter;
    std::string m_dummyHash;
};

}  // namespace kairos::server::accounts
