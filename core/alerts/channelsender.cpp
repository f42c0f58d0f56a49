#include "alerts/channelsender.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QUrlQuery>

#include <cmath>

namespace kairos::alerts {

namespace {
std::string withoutSecret(std::string text, const std::string& secret) {
    if (secret.size() >= 4)
        for (std::size_t p = 0; (p = text.find(secret)) != std::string::npos;) text.replace(p, secret.size(), "***");
    return text;
}

/// The secret and, for a URL secret (Discord), its token: the last path segment, which servers echo.
std::string withoutSecrets(std::string text, const std::string& secret, ChannelKind kind) {
    text = withoutSecret(std::move(text), secret);
    if (kind == ChannelKind::Discord) {
        const QString path = QUrl(QString::fromStdString(secret)).path();
        text = withoutSecret(std::move(text), path.section('/', -1).toStdString());
    }
    return text;
}

std::string shortened(const QByteArray& body) {
    QString s = QString::fromUtf8(body).simplified();
    if (s.size() > 300) s = s.left(300) + "…";
    return s.toStdString();
}

/// Retry-After as seconds or an HTTP date.
std::optional<std::int64_t> retryAfterHeader(const QNetworkReply& r) {
    const QByteArray v = r.rawHeader("Retry-After").trimmed();
    if (v.isEmpty()) return std::nullopt;
    bool ok = false;
    const double seconds = v.toDouble(&ok);
    if (ok && seconds >= 0) return static_cast<std::int64_t>(std::ceil(seconds * 1000));
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (at.isValid()) return std::max<std::int64_t>(0, at.toMSecsSinceEpoch() - QDateTime::currentMSecsSinceEpoch());
    return std::nullopt;
}
}  // namespace

ChannelSender::ChannelSender(QObject* parent)
    : QObject(parent), m_net(new QNetworkAccessManager(this)), m_unixNow([] { return QDateTime::currentSecsSinceEpoch(); }) {
    m_mailPool.setMaxThreadCount(2);
}

ChannelSender::~ChannelSender() { m_mailPool.waitForDone(); }

void ChannelSender::send(const ChannelConfig& channel, const std::string& secret, const AlertPayload& payload,
                         std::int64_t deliveryId, Done done) {
    if (channel.kind == ChannelKind::Email)
        sendMail(channel, secret, payload, deliveryId, std::move(done));
    else
        sendHttp(channel, secret, payload, deliveryId, std::move(done));
}

void ChannelSender::sendHttp(const ChannelConfig& channel, const std::string& secret, const AlertPayload& payload,
                             std::int64_t deliveryId, Done done) {
    QUrl url;
    std::string body;
    QNetworkRequest request;
    switch (channel.kind) {
    case ChannelKind::Telegram:
        url = QUrl(QString::fromStdString(channel.telegramApiBase + "/bot" + secret + "/sendMessage"));
        body = telegramBody(channel, payload);
        break;
    case ChannelKind::Discord: {
        url = QUrl(QString::fromStdString(secret));
        QUrlQuery query(url);
        query.addQueryItem("wait", "true");  // answer with the message, so a success is a real one
        url.setQuery(query);
        body = discordBody(payload);
        break;
    }
    case ChannelKind::Webhook: {
        url = QUrl(QString::fromStdString(channel.webhookUrl));
        body = toJson(payload, deliveryId);
        request.setRawHeader("X-Kairos-Signature", QByteArray::fromStdString(webhookSignature(secret, m_unixNow(), body)));
        if (deliveryId > 0) request.setRawHeader("X-Kairos-Delivery", QByteArray::number(static_cast<qint64>(deliveryId)));
        break;
    }
    case ChannelKind::Email:
        break;
    }
    if (!url.isValid() || (url.scheme() != "http" && url.scheme() != "https")) {
        SendOutcome o;
        o.reply = channel.kind == ChannelKind::Discord ? "the Discord webhook URL is not set or not an http(s) URL"
                                                       : "the URL is not an http(s) URL";
        return done(o);
    }
    request.setUrl(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, "Kairos-Alerts/1");
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_net->post(request, QByteArray::fromStdString(body));
    const ChannelKind kind = channel.kind;
    connect(reply, &QNetworkReply::finished, this, [reply, kind, secret, done = std::move(done)] {
        reply->deleteLater();
        SendOutcome o;
        const QByteArray answer = reply->readAll();
        o.code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(answer).object();
        if (kind == ChannelKind::Discord && reply->rawHeader("X-RateLimit-Remaining").trimmed() == "0") {
            bool ok = false;
            const double resetAfter = reply->rawHeader("X-RateLimit-Reset-After").toDouble(&ok);
            if (ok) o.rateLimitResetMs = static_cast<std::int64_t>(std::ceil(resetAfter * 1000));
        }
        if (o.code == 0) {
            // No HTTP answer: refused, dropped, timed out, TLS. Qt's text may hold the URL (and a
            // Telegram token or Discord webhook token in it): the secret is cut out.
            o.transient = true;
            o.reply = withoutSecrets(reply->errorString().toStdString(), secret, kind);
            return done(o);
        }
        if (o.code >= 200 && o.code < 300) {
            o.ok = true;
            if (kind == ChannelKind::Telegram && json.contains("result"))
                o.reply = "HTTP " + std::to_string(o.code) + ": message " +
                    std::to_string(json["result"].toObject()["message_id"].toInteger());
            else if (kind == ChannelKind::Discord && json.contains("id"))
                o.reply = "HTTP " + std::to_string(o.code) + ": message " + json["id"].toString().toStdString();
            else
                o.reply = "HTTP " + std::to_string(o.code) + (answer.isEmpty() ? "" : ": " + shortened(answer));
            o.reply = withoutSecrets(o.reply, secret, kind);
            return done(o);
        }
        o.transient = o.code == 429 || o.code == 408 || o.code >= 500;
        o.retryAfterMs = retryAfterHeader(*reply);
        if (json["parameters"].toObject().contains("retry_after"))  // Telegram
            o.retryAfterMs = static_cast<std::int64_t>(json["parameters"].toObject()["retry_after"].toDouble() * 1000);
        else if (kind == ChannelKind::Discord && json.contains("retry_after"))  // Discord: seconds, fractional
            o.retryAfterMs = static_cast<std::int64_t>(std::ceil(json["retry_after"].toDouble() * 1000));
        const std::string reason = json.contains("description") ? json["description"].toString().toStdString()  // Telegram
            : json.contains("message")                          ? json["message"].toString().toStdString()      // Discord
                                                                : shortened(answer);
        o.reply = withoutSecrets("HTTP " + std::to_string(o.code) + (reason.empty() ? "" : ": " + reason), secret, kind);
        done(o);
    });
}

void ChannelSender::sendMail(const ChannelConfig& channel, const std::string& secret, const AlertPayload& payload,
                             std::int64_t deliveryId, Done done) {
    mail::SmtpConfig config;
    config.host = channel.smtpHost;
    config.port = channel.smtpPort;
    config.security = channel.smtpSecurity;
    config.username = channel.smtpUser;
    config.password = secret;
    config.caFile = channel.caFile;
    config.heloName = "kairos.localhost";
    config.timeoutMs = m_timeoutMs;
    const mail::MailMessage message = mailFor(channel, payload);
    const std::string idLocal = deliveryId > 0 ? "alert-delivery-" + std::to_string(deliveryId) : std::string();
    const std::int64_t nowMs = QDateTime::currentMSecsSinceEpoch();
    QPointer<ChannelSender> self(this);
    m_mailPool.start([self, config, message, idLocal, nowMs, done = std::move(done)] {
        mail::SmtpFailure failure;
        auto receipt = mail::sendMail(config, message, nowMs, idLocal, &failure);
        SendOutcome o;
        if (receipt) {
            o.ok = true;
            o.code = receipt->code;
            o.reply = receipt->reply;
        } else {
            o.transient = failure.transient;
            o.code = failure.code;
            o.reply = withoutSecret(failure.message, config.password);
        }
        // The destructor waits for this task, so the sender is alive until it returns.
        QMetaObject::invokeMethod(
            self.data(), [done, o] { done(o); }, Qt::QueuedConnection);
    });
}

}  // namespace kairos::alerts
