#pragma once
// Values of the account API as the terminal sees them, and the error of a call that failed.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace kairos::cloud {

/// Why a call failed: the server's error body {"error":{"code","message","details"}}, or no answer.
struct CloudError {
    int httpStatus = 0;  ///< 0 when the server gave no HTTP answer
    /// The server's code ("invalid_credentials", "totp_required", "token_reused", "rate_limited", …) or a
    /// local one: "unreachable" (no answer), "bad_response" (not the API's JSON), "signed_out" (no session).
    QString code;
    QString message;            ///< the server's words for a person (never a token or password)
    QString field;              ///< details.field when the server named the field at fault
    int retryAfterSeconds = 0;  ///< for "rate_limited"
    bool isUnreachable() const { return code == QLatin1String("unreachable"); }
    /// One sentence for a user: the message, the field and the wait, e.g. "the password is too common (field: password)".
    QString describe() const;
};

/// The empty success of a call that returns nothing.
struct Done {};

/// A value or a CloudError.
template <class T>
class [[nodiscard]] Outcome {
public:
    Outcome(T value) : m_v(std::in_place_index<0>, std::move(value)) {}           // NOLINT(google-explicit-constructor)
    Outcome(CloudError error) : m_v(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<0>(m_v); }
    T& value() { return std::get<0>(m_v); }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }
    const CloudError& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, CloudError> m_v;
};

/// GET /api/v1/me (and the admin's account list).
struct AccountInfo {
    qint64 id = 0;
    QString email;
    QStringList roles;  ///< "user", "provider", "admin"
    bool verified = false;
    bool active = true;
    bool twoFactor = false;
    qint64 createdMs = 0;  ///< UTC milliseconds
    bool isAdmin() const { return roles.contains(QStringLiteral("admin")); }
};

/// One session (signed-in device) of the account.
struct SessionInfo {
    qint64 id = 0;
    QString userAgent;
    QString ip;
    qint64 createdMs = 0;
    qint64 lastUsedMs = 0;
    bool current = false;  ///< the session this client uses
};

/// One channel's delivery of a server firing.
struct ServerDelivery {
    qint64 id = 0;
    qint64 channelId = 0;
    QString channel;  ///< the channel's name ("" when it was deleted)
    QString kind;     ///< "webhook", "telegram", "discord", "email"
    QString status;   ///< "pending" (retrying at nextAttemptMs), "in_flight", "sent", "failed"
    int attempts = 0;
    qint64 nextAttemptMs = 0;
    QString error;  ///< the last failure: the channel server's answer or the reason
    QString reply;  ///< the answer of the send that succeeded
};

/// A firing of an alert rule that kairosd runs ("keep running on the server"), as the terminal
/// shows it in its Alerts log (GET /api/v1/alerts/firings).
struct ServerFiring {
    qint64 id = 0;                           ///< increasing per account; the next page starts after the last one
    QString ruleId;                          ///< the rule's sync id (kind alert_rule)
    QString kind;                            ///< "fired", "expired", "disabled"
    QString instrument;                      ///< "BINANCE:BTCUSDT"
    qint64 timeMs = 0;                       ///< market time of the event (UTC ms)
    QString price;                           ///< exact decimal text
    QString message;                         ///< the engine's text, as the terminal would have written it
    qint64 createdMs = 0;                    ///< when kairosd stored it
    std::vector<ServerDelivery> deliveries;  ///< one per server channel the firing went to
};

/// A delivery channel stored on kairosd (GET /api/v1/alerts/channels); its secret (bot token,
/// Discord webhook URL, webhook signing secret) is sent once and never shown back.
struct ServerChannelInfo {
    qint64 id = 0;  ///< 0: not stored yet
    QString kind;   ///< "webhook", "telegram", "discord", "email"
    QString name;
    bool enabled = true;
    QString url;      ///< webhook
    QString chatId;   ///< telegram
    QString apiBase;  ///< telegram ("" : the server's default)
    QString mailTo;   ///< email
    bool hasSecret = false;
};

/// The answer of a channel's "Send test" on kairosd.
struct ServerChannelTest {
    bool ok = false;
    QString reply;  ///< the channel server's answer or the reason
};

/// One page of server firings.
struct ServerFiringPage {
    std::vector<ServerFiring> firings;  ///< oldest first
    qint64 next = 0;                    ///< pass as sinceId for the next page
    bool more = false;
};

/// What kairosd says about the account's server-side alerts (GET /api/v1/alerts/status).
struct ServerAlertStatus {
    QString plan;          ///< "free" or "pro"
    int limit = 0;         ///< server-side rules the plan allows
    int serverRules = 0;   ///< rules marked "keep running on the server"
    int rulesRunning = 0;  ///< of them, running at the last evaluation
    qint64 lastEvaluationMs = 0;
    QStringList errors;  ///< rules the server cannot run and why, market-data errors
};

/// The start of TOTP enrolment: show otpauthUri as a QR code (or the secret for typing in).
struct TotpEnrolment {
    QString secretBase32;
    QString otpauthUri;
};

/// One audit-log entry (admin).
struct AuditEvent {
    qint64 id = 0;
    qint64 atMs = 0;
    std::optional<qint64> accountId;
    QString kind;  ///< "login_ok", "login_failed", "token_reused", …
    QString ip;
    QString userAgent;
    QString detail;  ///< compact JSON
};

/// The server's health as GET /health, /ready and /metrics tell it.
struct ServerHealth {
    bool live = false;
    QString version;
    bool ready = false;
    QString notReadyReason;
    QByteArray metrics;  ///< Prometheus text format
    /// The sum of the samples of `name` whose labels contain `labels` (e.g. result="ok"; empty: all), or nullopt.
    std::optional<double> metric(const QString& name, const QString& labels = {}) const;
};

}  // namespace kairos::cloud
