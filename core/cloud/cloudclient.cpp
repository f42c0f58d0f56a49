#include "cloud/cloudclient.h"

#include "alerts/secretstore.h"
#include "util/version.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace kairos::cloud {

namespace {

/// Access tokens are renewed this long before they expire, so a call does not race the expiry.
constexpr qint64 kExpiryMarginMs = 30'000;

CloudError localError(const QString& code, const QString& message) {
    CloudError e;
    e.code = code;
    e.message = message;
    return e;
}

CloudError signedOutError() { return localError(QStringLiteral("signed_out"), QStringLiteral("not signed in")); }

QJsonObject objectOf(const QByteArray& body) { return QJsonDocument::fromJson(body).object(); }

AccountInfo accountOf(const QJsonObject& o) {
    AccountInfo a;
    a.id = o.value(QLatin1String("id")).toInteger();
    a.email = o.value(QLatin1String("email")).toString();
    for (const auto& r : o.value(QLatin1String("roles")).toArray()) a.roles << r.toString();
    a.verified = o.value(QLatin1String("verified")).toBool();
    a.active = o.value(QLatin1String("active")).toBool(true);
    a.twoFactor = o.value(QLatin1String("two_factor")).toBool();
    a.createdMs = o.value(QLatin1String("created_at")).toInteger();
    return a;
}

/// The error of a non-2xx answer, from the API's error body when there is one.
CloudError errorOf(int status, const QByteArray& body) {
    CloudError e;
    e.httpStatus = status;
    const QJsonObject err = objectOf(body).value(QLatin1String("error")).toObject();
    e.code = err.value(QLatin1String("code")).toString();
    e.message = err.value(QLatin1String("message")).toString();
    const QJsonObject details = err.value(QLatin1String("details")).toObject();
    e.field = details.value(QLatin1String("field")).toString();
    e.retryAfterSeconds = details.value(QLatin1String("retry_after")).toInt();
    if (e.code.isEmpty()) e.code = QStringLiteral("http_%1").arg(status);
    if (e.message.isEmpty()) e.message = QStringLiteral("the server answered HTTP %1").arg(status);
    return e;
}

template <class T>
void call(const CloudClient::Callback<T>& done, Outcome<T> result) {
    if (done) done(std::move(result));
}

}  // namespace

QString CloudError::describe() const {
    QString s = message.isEmpty() ? code : message;
    if (!s.isEmpty()) s[0] = s[0].toUpper();
    if (!field.isEmpty()) s += QStringLiteral(" (field: %1)").arg(field);
    if (retryAfterSeconds > 0) s += QStringLiteral("; try again in %1 s").arg(retryAfterSeconds);
    return s;
}

std::optional<double> ServerHealth::metric(const QString& name, const QString& labels) const {
    std::optional<double> sum;
    for (const QByteArray& line : metrics.split('\n')) {
        if (line.startsWith('#') || !line.startsWith(name.toUtf8())) continue;
        const QByteArray rest = line.mid(name.size());
        if (!rest.startsWith(' ') && !rest.startsWith('{')) continue;  // a longer name with this prefix
        if (!labels.isEmpty() && !rest.contains(labels.toUtf8())) continue;
        bool ok = false;
        const double v = line.mid(line.lastIndexOf(' ') + 1).toDouble(&ok);
        if (ok) sum = sum.value_or(0) + v;
    }
    return sum;
}

CloudClient::CloudClient(QUrl serverUrl, alerts::ISecretStore& secrets, QObject* parent)
    : QObject(parent), m_serverUrl(std::move(serverUrl)), m_secrets(secrets), m_net(new QNetworkAccessManager(this)), m_now([] {
          return QDateTime::currentMSecsSinceEpoch();
      }) {}

CloudClient::~CloudClient() { *m_alive = false; }

void CloudClient::setServerUrl(const QUrl& url) {
    if (url == m_serverUrl) return;
    m_serverUrl = url;
    forgetSession(false);
}

void CloudClient::setClock(std::function<qint64()> nowMs) { m_now = std::move(nowMs); }

QString CloudClient::secretKey() const {
    return QStringLiteral("cloud/refresh_token/") + m_serverUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

void CloudClient::setState(CloudState state) {
    if (state == m_state) return;
    m_state = state;
    emit stateChanged(state);
}

// --- transport

void CloudClient::send(const QByteArray& verb, const QString& path, const QByteArray& body, const QString& bearer,
                       RawCallback done) {
    QUrl url = m_serverUrl;
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) + path.left(q));
    if (q >= 0) url.setQuery(path.mid(q + 1));
    QNetworkRequest req(url);
    req.setTransferTimeout(m_timeoutMs);
    req.setHeader(QNetworkRequest::UserAgentHeader,
                  QStringLiteral("KairosTerminal/%1").arg(QString::fromStdString(versionString())));
    if (!body.isEmpty()) req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!bearer.isEmpty()) req.setRawHeader("Authorization", "Bearer " + bearer.toUtf8());
    QNetworkReply* reply = m_net->sendCustomRequest(req, verb, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid()) {
            done(localError(QStringLiteral("unreachable"),
                            QStringLiteral("the Kairos server at %1 is unreachable (%2)")
                                .arg(m_serverUrl.toString(QUrl::RemoveUserInfo), reply->errorString())));
            return;
        }
        Raw raw{status.toInt(), reply->readAll()};
        if (raw.status >= 200 && raw.status < 300) {
            done(std::move(raw));
        } else {
            done(errorOf(raw.status, raw.body));
        }
    });
}

void CloudClient::sendJson(const QByteArray& verb, const QString& path, const QJsonObject* body, RawCallback done) {
    send(verb, path, body ? QJsonDocument(*body).toJson(QJsonDocument::Compact) : QByteArray(), {}, std::move(done));
}

void CloudClient::authed(const QByteArray& verb, const QString& path, const QJsonObject* body, RawCallback done, bool retried) {
    const QByteArray payload = body ? QJsonDocument(*body).toJson(QJsonDocument::Compact) : QByteArray();
    accessToken([this, verb, path, payload, done = std::move(done), retried](const Outcome<QString>& token) mutable {
        if (!token) {
            done(token.error());
            return;
        }
        send(verb, path, payload, *token,
             [this, verb, path, payload, done = std::move(done), retried, used = *token](const Outcome<Raw>& r) mutable {
                 if (!r && r.error().httpStatus == 401 && !retried) {
                     // The access token was refused (expired early, keys rotated): renew it once and resend.
                     if (m_accessToken == used) m_accessToken.clear();
                     const QJsonObject again = QJsonDocument::fromJson(payload).object();
                     authed(verb, path, payload.isEmpty() ? nullptr : &again, std::move(done), true);
                     return;
                 }
                 done(r);
             });
    });
}

void CloudClient::doneOnly(const QByteArray& verb, const QString& path, const QJsonObject* body, bool auth, Callback<Done> done) {
    auto finish = [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<Done>(done, r.error());
        call<Done>(done, Done{});
    };
    if (auth) {
        authed(verb, path, body, std::move(finish));
    } else {
        sendJson(verb, path, body, std::move(finish));
    }
}

// --- tokens

void CloudClient::accessToken(TokenCallback done) {
    if (!m_accessToken.isEmpty() && now() + kExpiryMarginMs < m_accessExpiresMs) {
        done(m_accessToken);
        return;
    }
    refreshTokens(std::move(done));
}

CloudClient::TokenProvider CloudClient::tokenProvider() {
    QPointer<CloudClient> self(this);
    return [self](TokenCallback done) {
        if (!self) {
            done(localError(QStringLiteral("signed_out"), QStringLiteral("the account client is gone")));
            return;
        }
        self->accessToken(std::move(done));
    };
}

void CloudClient::refreshTokens(TokenCallback done) {
    m_refreshWaiters.push_back(std::move(done));
    if (m_refreshing) return;  // one refresh for all: a second would present a rotated token
    m_refreshing = true;
    auto withRefreshToken = [this](const QString& refreshToken) {
        if (refreshToken.isEmpty()) {
            finishRefresh(signedOutError());
            return;
        }
        const QJsonObject body{{QStringLiteral("refresh_token"), refreshToken}};
        sendJson("POST", QStringLiteral("/api/v1/auth/refresh"), &body, [this](const Outcome<Raw>& r) {
            if (!r) {
                if (r.error().isUnreachable()) {
                    setState(CloudState::Unreachable);
                    finishRefresh(r.error());
                    return;
                }
                if (r.error().httpStatus == 401 || r.error().httpStatus == 403) {
                    // Rotated elsewhere, revoked, expired or the account disabled: the session is over.
                    CloudError e = r.error();
                    e.message = QStringLiteral("your session has ended (%1); sign in again").arg(r.error().message);
                    forgetSession(true);
                    finishRefresh(e);
                    return;
                }
                finishRefresh(r.error());
                return;
            }
            applyTokens(objectOf(r->body));
            finishRefresh(m_accessToken);
        });
    };
    if (!m_refreshToken.isEmpty()) {
        withRefreshToken(m_refreshToken);
        return;
    }
    std::weak_ptr<bool> alive = m_alive;
    m_secrets.read(secretKey().toStdString(), [this, alive, withRefreshToken](Result<std::string> secret) {
        if (alive.expired()) return;
        if (secret) m_refreshToken = QString::fromStdString(*secret);
        withRefreshToken(m_refreshToken);
    });
}

void CloudClient::finishRefresh(const Outcome<QString>& result) {
    m_refreshing = false;
    std::vector<TokenCallback> waiters;
    waiters.swap(m_refreshWaiters);
    for (auto& w : waiters) w(result);
}

void CloudClient::applyTokens(const QJsonObject& pair) {
    m_accessToken = pair.value(QLatin1String("access_token")).toString();
    m_accessExpiresMs = now() + pair.value(QLatin1String("expires_in")).toInteger() * 1000;
    m_refreshToken = pair.value(QLatin1String("refresh_token")).toString();
    // A failed keychain write leaves the session usable until the terminal quits.
    m_secrets.write(secretKey().toStdString(), m_refreshToken.toStdString(), [](const Status&) {});
}

void CloudClient::forgetSession(bool removeStored) {
    m_accessToken.clear();
    m_accessExpiresMs = 0;
    m_refreshToken.clear();
    if (removeStored) m_secrets.remove(secretKey().toStdString(), [](const Status&) {});
    const bool hadAccount = m_account.has_value();
    m_account.reset();
    setState(CloudState::SignedOut);
    if (hadAccount) emit accountChanged();
}

void CloudClient::loadAccount(Callback<AccountInfo> done) {
    authed("GET", QStringLiteral("/api/v1/me"), nullptr, [this, done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) {
            if (r.error().isUnreachable() && !m_refreshToken.isEmpty()) setState(CloudState::Unreachable);
            return call<AccountInfo>(done, r.error());
        }
        m_account = accountOf(objectOf(r->body));
        setState(CloudState::SignedIn);
        emit accountChanged();
        call<AccountInfo>(done, *m_account);
    });
}

// --- sessions

void CloudClient::restoreSession(Callback<AccountInfo> done) {
    setState(CloudState::Restoring);
    refreshTokens([this, done = std::move(done)](const Outcome<QString>& token) {
        if (!token) {
            if (!token.error().isUnreachable()) setState(CloudState::SignedOut);
            return call<AccountInfo>(done, token.error());
        }
        loadAccount(done);
    });
}

void CloudClient::signIn(const QString& email, const QString& password, const QString& totp, Callback<AccountInfo> done) {
    QJsonObject body{{QStringLiteral("email"), email.trimmed()}, {QStringLiteral("password"), password}};
    if (!totp.trimmed().isEmpty()) body.insert(QStringLiteral("totp"), totp.trimmed());
    sendJson("POST", QStringLiteral("/api/v1/auth/login"), &body, [this, done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<AccountInfo>(done, r.error());
        applyTokens(objectOf(r->body));
        loadAccount(done);
    });
}

void CloudClient::signOut(Callback<Done> done) {
    const QString refreshToken = m_refreshToken;
    forgetSession(true);
    if (refreshToken.isEmpty()) return call<Done>(done, Done{});
    const QJsonObject body{{QStringLiteral("refresh_token"), refreshToken}};
    sendJson("POST", QStringLiteral("/api/v1/auth/logout"), &body, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<Done>(done, r.error());
        call<Done>(done, Done{});
    });
}

void CloudClient::registerAccount(const QString& email, const QString& password, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("email"), email.trimmed()}, {QStringLiteral("password"), password}};
    doneOnly("POST", QStringLiteral("/api/v1/auth/register"), &body, false, std::move(done));
}

void CloudClient::verifyEmailToken(const QString& tokenOrLink, Callback<Done> done) {
    QString token = tokenOrLink.trimmed();
    if (token.contains(QLatin1String("token="))) token = QUrlQuery(QUrl(token).query()).queryItemValue(QStringLiteral("token"));
    const QJsonObject body{{QStringLiteral("token"), token}};
    doneOnly("POST", QStringLiteral("/api/v1/auth/verify"), &body, false, std::move(done));
}

void CloudClient::verifyEmailCode(const QString& email, const QString& code, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("email"), email.trimmed()}, {QStringLiteral("code"), code.trimmed()}};
    doneOnly("POST", QStringLiteral("/api/v1/auth/verify-code"), &body, false, std::move(done));
}

void CloudClient::resendVerification(const QString& email, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("email"), email.trimmed()}};
    doneOnly("POST", QStringLiteral("/api/v1/auth/resend"), &body, false, std::move(done));
}

void CloudClient::requestPasswordReset(const QString& email, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("email"), email.trimmed()}};
    doneOnly("POST", QStringLiteral("/api/v1/auth/password/forgot"), &body, false, std::move(done));
}

void CloudClient::resetPassword(const QString& token, const QString& newPassword, const QString& totp, Callback<Done> done) {
    QJsonObject body{{QStringLiteral("token"), token.trimmed()}, {QStringLiteral("password"), newPassword}};
    if (!totp.trimmed().isEmpty()) body.insert(QStringLiteral("totp"), totp.trimmed());
    doneOnly("POST", QStringLiteral("/api/v1/auth/password/reset"), &body, false, std::move(done));
}

void CloudClient::serverHealth(Callback<ServerHealth> done) {
    auto health = std::make_shared<ServerHealth>();
    sendJson("GET", QStringLiteral("/health"), nullptr, [this, health, done = std::move(done)](const Outcome<Raw>& live) {
        if (!live) return call<ServerHealth>(done, live.error());
        health->live = true;
        health->version = objectOf(live->body).value(QLatin1String("version")).toString();
        sendJson("GET", QStringLiteral("/ready"), nullptr, [this, health, done](const Outcome<Raw>& ready) {
            health->ready = ready.ok();
            if (!ready) health->notReadyReason = ready.error().message;
            sendJson("GET", QStringLiteral("/metrics"), nullptr, [health, done](const Outcome<Raw>& metrics) {
                if (metrics) health->metrics = metrics->body;
                call<ServerHealth>(done, *health);
            });
        });
    });
}

// --- the account

void CloudClient::reloadAccount(Callback<AccountInfo> done) { loadAccount(std::move(done)); }

void CloudClient::exportData(Callback<QByteArray> done) {
    authed("GET", QStringLiteral("/api/v1/me/export"), nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<QByteArray>(done, r.error());
        call<QByteArray>(done, r->body);
    });
}

void CloudClient::deleteAccount(const QString& password, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("password"), password}};
    authed("DELETE", QStringLiteral("/api/v1/me"), &body, [this, done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<Done>(done, r.error());
        forgetSession(true);
        call<Done>(done, Done{});
    });
}

void CloudClient::changePassword(const QString& current, const QString& next, bool endOtherSessions, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("password"), current},
                           {QStringLiteral("new_password"), next},
                           {QStringLiteral("end_other_sessions"), endOtherSessions}};
    doneOnly("POST", QStringLiteral("/api/v1/me/password"), &body, true, std::move(done));
}

void CloudClient::changeEmail(const QString& password, const QString& newEmail, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("password"), password}, {QStringLiteral("new_email"), newEmail.trimmed()}};
    doneOnly("POST", QStringLiteral("/api/v1/me/email"), &body, true, std::move(done));
}

void CloudClient::listSessions(Callback<std::vector<SessionInfo>> done) {
    authed("GET", QStringLiteral("/api/v1/me/sessions"), nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<std::vector<SessionInfo>>(done, r.error());
        std::vector<SessionInfo> out;
        for (const auto& v : objectOf(r->body).value(QLatin1String("sessions")).toArray()) {
            const QJsonObject o = v.toObject();
            out.push_back({o.value(QLatin1String("id")).toInteger(), o.value(QLatin1String("user_agent")).toString(),
                           o.value(QLatin1String("ip")).toString(), o.value(QLatin1String("created_at")).toInteger(),
                           o.value(QLatin1String("last_used_at")).toInteger(), o.value(QLatin1String("current")).toBool()});
        }
        call<std::vector<SessionInfo>>(done, std::move(out));
    });
}

void CloudClient::serverAlertFirings(qint64 sinceId, int limit, Callback<ServerFiringPage> done) {
    const QString path = QStringLiteral("/api/v1/alerts/firings?since_id=%1&limit=%2").arg(sinceId).arg(limit);
    authed("GET", path, nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<ServerFiringPage>(done, r.error());
        const QJsonObject page = objectOf(r->body);
        ServerFiringPage out;
        for (const auto& v : page.value(QLatin1String("firings")).toArray()) {
            const QJsonObject o = v.toObject();
            out.firings.push_back({o.value(QLatin1String("id")).toInteger(),
                                   o.value(QLatin1String("rule_id")).toString(),
                                   o.value(QLatin1String("kind")).toString(),
                                   o.value(QLatin1String("instrument")).toString(),
                                   o.value(QLatin1String("time_ms")).toInteger(),
                                   o.value(QLatin1String("price")).toString(),
                                   o.value(QLatin1String("message")).toString(),
                                   o.value(QLatin1String("created_at")).toInteger(),
                                   {}});
            for (const auto& dv : o.value(QLatin1String("deliveries")).toArray()) {
                const QJsonObject d = dv.toObject();
                out.firings.back().deliveries.push_back(
                    {d.value(QLatin1String("id")).toInteger(), d.value(QLatin1String("channel_id")).toInteger(),
                     d.value(QLatin1String("channel")).toString(), d.value(QLatin1String("kind")).toString(),
                     d.value(QLatin1String("status")).toString(), d.value(QLatin1String("attempts")).toInt(),
                     d.value(QLatin1String("next_attempt_ms")).toInteger(), d.value(QLatin1String("error")).toString(),
                     d.value(QLatin1String("reply")).toString()});
            }
        }
        out.next = page.value(QLatin1String("next")).toInteger();
        out.more = page.value(QLatin1String("more")).toBool();
        call<ServerFiringPage>(done, std::move(out));
    });
}

void CloudClient::serverAlertStatus(Callback<ServerAlertStatus> done) {
    authed("GET", QStringLiteral("/api/v1/alerts/status"), nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<ServerAlertStatus>(done, r.error());
        const QJsonObject o = objectOf(r->body);
        ServerAlertStatus out;
        out.plan = o.value(QLatin1String("plan")).toString();
        out.limit = o.value(QLatin1String("limit")).toInt();
        out.serverRules = o.value(QLatin1String("server_rules")).toInt();
        out.rulesRunning = o.value(QLatin1String("rules_running")).toInt();
        out.lastEvaluationMs = o.value(QLatin1String("last_evaluation_ms")).toInteger();
        for (const auto& e : o.value(QLatin1String("errors")).toArray()) out.errors.push_back(e.toString());
        call<ServerAlertStatus>(done, std::move(out));
    });
}

namespace {
ServerChannelInfo channelOf(const QJsonObject& o) {
    ServerChannelInfo c;
    c.id = o.value(QLatin1String("id")).toInteger();
    c.kind = o.value(QLatin1String("kind")).toString();
    c.name = o.value(QLatin1String("name")).toString();
    c.enabled = o.value(QLatin1String("enabled")).toBool(true);
    c.url = o.value(QLatin1String("url")).toString();
    c.chatId = o.value(QLatin1String("chat_id")).toString();
    c.apiBase = o.value(QLatin1String("api_base")).toString();
    c.mailTo = o.value(QLatin1String("to")).toString();
    c.hasSecret = o.value(QLatin1String("has_secret")).toBool();
    return c;
}
}  // namespace

void CloudClient::serverAlertChannels(Callback<std::vector<ServerChannelInfo>> done) {
    authed("GET", QStringLiteral("/api/v1/alerts/channels"), nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<std::vector<ServerChannelInfo>>(done, r.error());
        std::vector<ServerChannelInfo> out;
        for (const auto& v : objectOf(r->body).value(QLatin1String("channels")).toArray()) out.push_back(channelOf(v.toObject()));
        call<std::vector<ServerChannelInfo>>(done, std::move(out));
    });
}

void CloudClient::saveServerAlertChannel(const ServerChannelInfo& channel, const QString& secret,
                                         Callback<ServerChannelInfo> done) {
    QJsonObject body{{QStringLiteral("kind"), channel.kind},
                     {QStringLiteral("name"), channel.name},
                     {QStringLiteral("enabled"), channel.enabled}};
    if (channel.kind == QLatin1String("webhook")) body.insert(QStringLiteral("url"), channel.url);
    if (channel.kind == QLatin1String("telegram")) {
        body.insert(QStringLiteral("chat_id"), channel.chatId);
        if (!channel.apiBase.isEmpty()) body.insert(QStringLiteral("api_base"), channel.apiBase);
    }
    if (channel.kind == QLatin1String("email")) body.insert(QStringLiteral("to"), channel.mailTo);
    if (!secret.isEmpty()) body.insert(QStringLiteral("secret"), secret);  // sent once; never read back
    const QByteArray verb = channel.id > 0 ? "PUT" : "POST";
    const QString path =
        channel.id > 0 ? QStringLiteral("/api/v1/alerts/channels/%1").arg(channel.id) : QStringLiteral("/api/v1/alerts/channels");
    authed(verb, path, &body, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<ServerChannelInfo>(done, r.error());
        call<ServerChannelInfo>(done, channelOf(objectOf(r->body)));
    });
}

void CloudClient::removeServerAlertChannel(qint64 id, Callback<Done> done) {
    doneOnly("DELETE", QStringLiteral("/api/v1/alerts/channels/%1").arg(id), nullptr, true, std::move(done));
}

void CloudClient::testServerAlertChannel(qint64 id, Callback<ServerChannelTest> done) {
    authed("POST", QStringLiteral("/api/v1/alerts/channels/%1/test").arg(id), nullptr,
           [done = std::move(done)](const Outcome<Raw>& r) {
               if (!r) return call<ServerChannelTest>(done, r.error());
               const QJsonObject o = objectOf(r->body);
               call<ServerChannelTest>(
                   done, ServerChannelTest{o.value(QLatin1String("ok")).toBool(), o.value(QLatin1String("reply")).toString()});
           });
}

void CloudClient::revokeSession(qint64 sessionId, Callback<Done> done) {
    doneOnly("DELETE", QStringLiteral("/api/v1/me/sessions/%1").arg(sessionId), nullptr, true, std::move(done));
}

void CloudClient::revokeOtherSessions(Callback<Done> done) {
    doneOnly("DELETE", QStringLiteral("/api/v1/me/sessions"), nullptr, true, std::move(done));
}

void CloudClient::beginTotp(Callback<TotpEnrolment> done) {
    authed("POST", QStringLiteral("/api/v1/me/2fa/totp"), nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<TotpEnrolment>(done, r.error());
        const QJsonObject o = objectOf(r->body);
        call<TotpEnrolment>(
            done, TotpEnrolment{o.value(QLatin1String("secret")).toString(), o.value(QLatin1String("otpauth_uri")).toString()});
    });
}

void CloudClient::confirmTotp(const QString& code, Callback<QStringList> done) {
    const QJsonObject body{{QStringLiteral("code"), code.trimmed()}};
    authed("POST", QStringLiteral("/api/v1/me/2fa/totp/confirm"), &body, [this, done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<QStringList>(done, r.error());
        QStringList codes;
        for (const auto& c : objectOf(r->body).value(QLatin1String("recovery_codes")).toArray()) codes << c.toString();
        if (m_account) {
            m_account->twoFactor = true;
            emit accountChanged();
        }
        call<QStringList>(done, codes);
    });
}

void CloudClient::disableTotp(const QString& password, const QString& code, Callback<Done> done) {
    const QJsonObject body{{QStringLiteral("password"), password}, {QStringLiteral("code"), code.trimmed()}};
    authed("POST", QStringLiteral("/api/v1/me/2fa/totp/disable"), &body, [this, done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<Done>(done, r.error());
        if (m_account) {
            m_account->twoFactor = false;
            emit accountChanged();
        }
        call<Done>(done, Done{});
    });
}

// --- admin

void CloudClient::adminListAccounts(const QString& query, int limit, int offset, Callback<std::vector<AccountInfo>> done) {
    // Percent-encoded by hand: QUrlQuery leaves '+' alone, which the server reads as a space.
    QString path = QStringLiteral("/api/v1/admin/accounts?limit=%1&offset=%2").arg(limit).arg(offset);
    if (!query.isEmpty()) path += QStringLiteral("&q=") + QString::fromLatin1(QUrl::toPercentEncoding(query));
    authed("GET", path, nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<std::vector<AccountInfo>>(done, r.error());
        std::vector<AccountInfo> out;
        for (const auto& v : objectOf(r->body).value(QLatin1String("accounts")).toArray()) out.push_back(accountOf(v.toObject()));
        call<std::vector<AccountInfo>>(done, std::move(out));
    });
}

void CloudClient::adminSetActive(qint64 accountId, bool active, Callback<Done> done) {
    doneOnly("POST",
             QStringLiteral("/api/v1/admin/accounts/%1/%2")
                 .arg(accountId)
                 .arg(active ? QStringLiteral("reactivate") : QStringLiteral("deactivate")),
             nullptr, true, std::move(done));
}

void CloudClient::adminEndSessions(qint64 accountId, Callback<Done> done) {
    doneOnly("DELETE", QStringLiteral("/api/v1/admin/accounts/%1/sessions").arg(accountId), nullptr, true, std::move(done));
}

void CloudClient::adminAudit(qint64 accountId, int limit, Callback<std::vector<AuditEvent>> done) {
    QString path = QStringLiteral("/api/v1/admin/audit?limit=%1").arg(limit);
    if (accountId > 0) path += QStringLiteral("&account=%1").arg(accountId);
    authed("GET", path, nullptr, [done = std::move(done)](const Outcome<Raw>& r) {
        if (!r) return call<std::vector<AuditEvent>>(done, r.error());
        std::vector<AuditEvent> out;
        for (const auto& v : objectOf(r->body).value(QLatin1String("events")).toArray()) {
            const QJsonObject o = v.toObject();
            AuditEvent e;
            e.id = o.value(QLatin1String("id")).toInteger();
            e.atMs = o.value(QLatin1String("at")).toInteger();
            if (o.value(QLatin1String("account_id")).isDouble()) e.accountId = o.value(QLatin1String("account_id")).toInteger();
            e.kind = o.value(QLatin1String("kind")).toString();
            e.ip = o.value(QLatin1String("ip")).toString();
            e.userAgent = o.value(QLatin1String("user_agent")).toString();
            const QJsonValue d = o.value(QLatin1String("detail"));
            e.detail = d.isObject() ? QString::fromUtf8(QJsonDocument(d.toObject()).toJson(QJsonDocument::Compact)) : QString();
            out.push_back(std::move(e));
        }
        call<std::vector<AuditEvent>>(done, std::move(out));
    });
}

}  // namespace kairos::cloud
