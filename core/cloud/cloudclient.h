#pragma once
// CloudClient: the terminal's client for kairosd's account API (docs/openapi.yaml) over Qt Network.
//
// - Every call is asynchronous and answers through a callback on the thread that owns the client
//   (the GUI thread); no call blocks. Callbacks never run after the client is destroyed.
// - Signing in gives a short-lived access token (kept in memory) and a refresh token, which is kept
//   in memory and in the OS keychain (alerts::ISecretStore) only: never in kairos.ini, logs or
//   error texts. restoreSession() reads it back at start-up.
// - Authenticated calls refresh the access token on their own: before a call when it has expired
//   (by the client's clock), and once after a 401, then the call is sent once more. Calls made while
//   a refresh is under way wait for that one refresh (rotation would revoke a second one).
// - Offline is a normal state: with no server every call fails with code "unreachable" and the
//   state is SignedOut (no session) or Unreachable (a session that could not be checked).
//
// Thread: GUI thread (or any one thread with an event loop).

#include "cloud/cloudtypes.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QNetworkAccessManager;

namespace kairos::alerts {
class ISecretStore;
}

namespace kairos::cloud {

/// Where the terminal stands with its account server.
enum class CloudState {
    SignedOut = 1,  ///< no session (never signed in, signed out, or the session ended)
    Restoring,      ///< a stored session is being checked with the server
    SignedIn,       ///< account() is valid
    Unreachable,    ///< a stored session exists but the server could not be reached
};

class CloudClient : public QObject {
    Q_OBJECT
public:
    template <class T>
    using Callback = std::function<void(Outcome<T>)>;
    /// Hands out a valid access token (refreshing it first when needed), or the error.
    using TokenCallback = std::function<void(Outcome<QString>)>;
    using TokenProvider = std::function<void(TokenCallback)>;

    /// `serverUrl` e.g. http://127.0.0.1:8787; `secrets` (the keychain) must outlive the client.
    CloudClient(QUrl serverUrl, alerts::ISecretStore& secrets, QObject* parent = nullptr);
    ~CloudClient() override;

    QUrl serverUrl() const { return m_serverUrl; }
    /// Points the client at another server (forgets the in-memory session; the stored one is per server).
    void setServerUrl(const QUrl& url);
    /// The clock deciding access-token expiry, UTC milliseconds (tests advance it).
    void setClock(std::function<qint64()> nowMs);
    /// Per-request transfer timeout (default 15 s).
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    CloudState state() const { return m_state; }
    bool isSignedIn() const { return m_state == CloudState::SignedIn; }
    /// The signed-in account (empty unless SignedIn).
    const std::optional<AccountInfo>& account() const { return m_account; }
    /// The keychain key holding the refresh token for this server.
    QString secretKey() const;

    /// Reads the stored refresh token and, when there is one, refreshes and loads the account.
    void restoreSession(Callback<AccountInfo> done = {});

    // --- without a session
    void registerAccount(const QString& email, const QString& password, Callback<Done> done);
    /// The token from the verification e-mail's link (…/verify?token=…); a whole link is accepted too.
    void verifyEmailToken(const QString& tokenOrLink, Callback<Done> done);
    void verifyEmailCode(const QString& email, const QString& code, Callback<Done> done);
    void resendVerification(const QString& email, Callback<Done> done);
    void requestPasswordReset(const QString& email, Callback<Done> done);
    void resetPassword(const QString& token, const QString& newPassword, const QString& totp, Callback<Done> done);
    /// Signs in (`totp` empty unless the server answered code "totp_required"); then loads the account.
    void signIn(const QString& email, const QString& password, const QString& totp, Callback<AccountInfo> done);
    /// Ends the session on the server (best effort) and forgets it here, keychain included. Always
    /// ends SignedOut; the callback's error only says the server was not told.
    void signOut(Callback<Done> done = {});
    /// GET /health, /ready and /metrics (no session needed).
    void serverHealth(Callback<ServerHealth> done);

    // --- with a session (GET/POST/DELETE /api/v1/me…)
    void reloadAccount(Callback<AccountInfo> done);
    void exportData(Callback<QByteArray> done);
    /// Deletes the account (password required); the client is then signed out.
    void deleteAccount(const QString& password, Callback<Done> done);
    void changePassword(const QString& current, const QString& next, bool endOtherSessions, Callback<Done> done);
    /// Starts an address change: the new address gets a verification e-mail.
    void changeEmail(const QString& password, const QString& newEmail, Callback<Done> done);
    void listSessions(Callback<std::vector<SessionInfo>> done);
    void revokeSession(qint64 sessionId, Callback<Done> done);
    void revokeOtherSessions(Callback<Done> done);
    void beginTotp(Callback<TotpEnrolment> done);
    /// Confirms enrolment with a code of the authenticator; the answer is the ten recovery codes.
    void confirmTotp(const QString& code, Callback<QStringList> done);
    void disableTotp(const QString& password, const QString& code, Callback<Done> done);

    // --- server-side alerts (GET /api/v1/alerts/…)
    /// Firings of the account's server-side rules with an id above `sinceId`, at most `limit` (1..500).
    void serverAlertFirings(qint64 sinceId, int limit, Callback<ServerFiringPage> done);
    /// The plan limit and the evaluation status of the account's server-side rules.
    void serverAlertStatus(Callback<ServerAlertStatus> done);
    /// The account's channels on kairosd (never their secrets).
    void serverAlertChannels(Callback<std::vector<ServerChannelInfo>> done);
    /// Stores a channel (id 0: a new one); `secret` empty keeps the stored one. The answer is the
    /// channel as stored.
    void saveServerAlertChannel(const ServerChannelInfo& channel, const QString& secret, Callback<ServerChannelInfo> done);
    void removeServerAlertChannel(qint64 id, Callback<Done> done);
    /// kairosd sends a sample firing through the channel now and says what its server answered.
    void testServerAlertChannel(qint64 id, Callback<ServerChannelTest> done);

    // --- admin role (403 otherwise)
    void adminListAccounts(const QString& query, int limit, int offset, Callback<std::vector<AccountInfo>> done);
    void adminSetActive(qint64 accountId, bool active, Callback<Done> done);
    void adminEndSessions(qint64 accountId, Callback<Done> done);
    /// Recent audit events, newest first; `accountId` 0 for all accounts.
    void adminAudit(qint64 accountId, int limit, Callback<std::vector<AuditEvent>> done);

    /// A valid access token for other code (e.g. workspace sync), refreshed when needed.
    void accessToken(TokenCallback done);
    /// accessToken() as a function object that stays safe after the client is gone (it then fails).
    TokenProvider tokenProvider();

signals:
    void stateChanged(kairos::cloud::CloudState state);
    /// The account changed (signed in, reloaded, signed out: then account() is empty).
    void accountChanged();

private:
    struct Raw {
        int status = 0;
        QByteArray body;
    };
    using RawCallback = std::function<void(Outcome<Raw>)>;

    void send(const QByteArray& verb, const QString& path, const QByteArray& body, const QString& bearer, RawCallback done);
    void sendJson(const QByteArray& verb, const QString& path, const QJsonObject* body, RawCallback done);
    void authed(const QByteArray& verb, const QString& path, const QJsonObject* body, RawCallback done, bool retried = false);
    void doneOnly(const QByteArray& verb, const QString& path, const QJsonObject* body, bool auth, Callback<Done> done);
    void refreshTokens(TokenCallback done);
    void finishRefresh(const Outcome<QString>& result);
    void applyTokens(const QJsonObject& pair);
    void forgetSession(bool removeStored);
    void loadAccount(Callback<AccountInfo> done);
    void setState(CloudState state);
    qint64 now() const { return m_now(); }

    QUrl m_serverUrl;
    alerts::ISecretStore& m_secrets;
    QNetworkAccessManager* m_net;
    std::function<qint64()> m_now;
    int m_timeoutMs = 15000;
    CloudState m_state = CloudState::SignedOut;
    std::optional<AccountInfo> m_account;
    QString m_accessToken;
    qint64 m_accessExpiresMs = 0;
    QString m_refreshToken;  // the keychain's copy, in memory; never printed
    bool m_refreshing = false;
    std::vector<TokenCallback> m_refreshWaiters;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);  // keychain callbacks may outlive us
};

}  // namespace kairos::cloud
