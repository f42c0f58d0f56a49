#include "net/restclient.h"

#include <QDateTime>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace kairos::net {

QByteArray HttpResponse::header(const QByteArray& name) const {
    for (const auto& h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
    return {};
}

QString HttpResponse::describe() const {
    QString b = QString::fromUtf8(body.left(200)).simplified();
    if (body.size() > 200) b += QStringLiteral("...");
    return QStringLiteral("HTTP %1 from %2: %3").arg(status).arg(url.path(), b);
}

std::int64_t RateLimitPolicy::delayBeforeMs(int, std::int64_t) { return 0; }

void RateLimitPolicy::onResponse(const HttpResponse&, std::int64_t) {}

std::optional<RateLimitPolicy::Rejection> RateLimitPolicy::rejection(const HttpResponse& r) const {
    if (r.status != 429 && r.status != 418) return std::nullopt;
    Rejection rej;
    rej.waitMs = retryAfterMs(r, QDateTime::currentMSecsSinceEpoch());
    rej.reason = r.status == 429 ? QStringLiteral("HTTP 429: too many requests") : QStringLiteral("HTTP 418: IP banned");
    if (rej.waitMs >= 0) rej.reason += QStringLiteral(" (Retry-After %1 s)").arg((rej.waitMs + 999) / 1000);
    return rej;
}

std::int64_t RateLimitPolicy::retryAfterMs(const HttpResponse& r, std::int64_t nowMs) {
    const QByteArray v = r.header("Retry-After").trimmed();
    if (v.isEmpty()) return -1;
    bool ok = false;
    const qint64 secs = v.toLongLong(&ok);
    if (ok) return secs < 0 ? -1 : secs * 1000;
    // HTTP-date form.
    const QDateTime when = QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid()) return -1;
    QDateTime utc = when;
    utc.setTimeSpec(Qt::UTC);
    return std::max<std::int64_t>(0, utc.toMSecsSinceEpoch() - nowMs);
}

RestClient::RestClient(QUrl baseUrl, std::unique_ptr<RateLimitPolicy> policy, QObject* parent)
    : RestClient(std::move(baseUrl), std::move(policy), Options{}, parent) {}

RestClient::RestClient(QUrl baseUrl, std::unique_ptr<RateLimitPolicy> policy, const Options& options, QObject* parent)
    : QObject(parent),
      m_baseUrl(std::move(baseUrl)),
      m_policy(policy ? std::move(policy) : std::make_unique<RateLimitPolicy>()),
      m_options(options),
      m_nam(new QNetworkAccessManager(this)),
      m_retryBackoff(options.retry),
      m_now([] { return QDateTime::currentMSecsSinceEpoch(); }) {
    m_wakeTimer.setSingleShot(true);
    connect(&m_wakeTimer, &QTimer::timeout, this, &RestClient::pump);
}

RestClient::~RestClient() {
    if (m_inFlight) {
        m_inFlight->disconnect(this);
        m_inFlight->abort();
    }
}

quint64 RestClient::get(const QString& path, const QUrlQuery& query, int weight, Callback callback) {
    Pending p;
    p.id = m_nextId++;
    p.path = path;
    p.query = query;
    p.weight = weight;
    p.callback = std::move(callback);
    m_queue.push_back(std::move(p));
    const quint64 id = m_queue.back().id;
    // Deferred so that a caller queueing several requests sees them go out in order, and so
    // that callbacks never run inside get().
    QMetaObject::invokeMethod(this, &RestClient::pump, Qt::QueuedConnection);
    return id;
}

void RestClient::cancel(quint64 id) {
    for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
        if (it->id != id) continue;
        if (it == m_queue.begin() && m_inFlight) {
            QNetworkReply* r = m_inFlight;
            m_inFlight = nullptr;
            r->disconnect(this);
            r->abort();
            r->deleteLater();
        }
        m_queue.erase(it);
        QMetaObject::invokeMethod(this, &RestClient::pump, Qt::QueuedConnection);
        return;
    }
}

void RestClient::cancelAll() {
    if (m_inFlight) {
        QNetworkReply* r = m_inFlight;
        m_inFlight = nullptr;
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
    m_queue.clear();
}

void RestClient::holdUntil(std::int64_t untilMs) { m_blockedUntilMs = std::max(m_blockedUntilMs, untilMs); }

void RestClient::pump() {
    if (m_inFlight || m_queue.empty()) return;
    const std::int64_t t = now();
    if (t < m_blockedUntilMs) {
        m_wakeTimer.start(static_cast<int>(std::min<std::int64_t>(m_blockedUntilMs - t, INT32_MAX)));
        return;
    }
    if (m_options.minIntervalMs > 0 && m_lastSentMs > 0 && t < m_lastSentMs + m_options.minIntervalMs) {
        m_wakeTimer.start(static_cast<int>(m_lastSentMs + m_options.minIntervalMs - t));
        return;
    }
    const std::int64_t d = m_policy->delayBeforeMs(m_queue.front().weight, t);
    if (d > 0) {
        holdUntil(t + d);
        Q_EMIT rateLimited(d, QStringLiteral("request weight budget used up; waiting for the next window"));
        m_wakeTimer.start(static_cast<int>(std::min<std::int64_t>(d, INT32_MAX)));
        return;
    }
    send(m_queue.front());
}

void RestClient::send(Pending& p) {
    QUrl url = m_baseUrl;
    QString base = url.path();
    if (base.endsWith(QLatin1Char('/'))) base.chop(1);
    url.setPath(base + p.path);
    if (!p.query.isEmpty()) url.setQuery(p.query);
    QNetworkRequest req(url);
    req.setTransferTimeout(m_options.timeoutMs);
    req.setHeader(QNetworkRequest::UserAgentHeader, m_options.userAgent);
    req.setRawHeader("Accept", "application/json");
    ++p.attempts;
    ++m_sent;
    m_lastSentMs = now();
    QNetworkReply* reply = m_nam->get(req);
    m_inFlight = reply;
    const quint64 id = p.id;
    connect(reply, &QNetworkReply::finished, this, [this, reply, id] { onFinished(reply, id); });
}

void RestClient::finishFront(Result<HttpResponse> result) {
    Pending p = std::move(m_queue.front());
    m_queue.pop_front();
    QPointer<RestClient> self(this);
    if (p.callback) p.callback(std::move(result));
    if (self) QMetaObject::invokeMethod(this, &RestClient::pump, Qt::QueuedConnection);
}

void RestClient::onFinished(QNetworkReply* reply, quint64 id) {
    reply->deleteLater();
    if (reply != m_inFlight) return;  // cancelled
    m_inFlight = nullptr;
    if (m_queue.empty() || m_queue.front().id != id) {
        pump();
        return;
    }
    Pending& p = m_queue.front();
    HttpResponse r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.url = reply->url();
    for (const auto& h : reply->rawHeaderPairs()) r.headers.append(h);
    const std::int64_t t = now();

    auto retryOrFail = [&](const QString& why) {
        if (p.attempts >= m_options.maxAttempts) {
            finishFront(makeError(why.toStdString() + " (gave up after " + std::to_string(p.attempts) + " attempts)"));
            return;
        }
        holdUntil(t + m_retryBackoff.nextDelayMs());
        pump();
    };

    if (r.status == 0) {
        retryOrFail(QStringLiteral("cannot reach %1: %2").arg(m_baseUrl.host(), reply->errorString()));
        return;
    }
    m_policy->onResponse(r, t);
    if (auto rej = m_policy->rejection(r)) {
        ++m_rejections;
        const std::int64_t wait = rej->waitMs >= 0 ? rej->waitMs : m_retryBackoff.nextDelayMs();
        if (wait > m_options.maxWaitMs) {
            finishFront(makeError(rej->reason.toStdString() + "; the venue asks to wait " + std::to_string(wait / 1000) +
                                  " s, longer than this client waits"));
            return;
        }
        if (p.attempts >= m_options.maxAttempts) {
            finishFront(makeError(rej->reason.toStdString() + " (gave up after " + std::to_string(p.attempts) + " attempts)"));
            return;
        }
        // Every later request waits too: bans are per IP, not per request.
        holdUntil(t + std::max<std::int64_t>(wait, 1));
        Q_EMIT rateLimited(wait, rej->reason);
        pump();
        return;
    }
    if (r.status >= 500) {
        retryOrFail(r.describe());
        return;
    }
    m_retryBackoff.reset();
    finishFront(std::move(r));
}

}  // namespace kairos::net
