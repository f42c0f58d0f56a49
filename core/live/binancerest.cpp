#include "live/binancerest.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

#include <curl/curl.h>

#include <QMetaObject>
#include <QThreadPool>

#include <memory>
#include <mutex>

namespace kairos::live {

struct BinanceRest::Request {
    QByteArray method;
    QString path;
    Params params;
    int weight = 1;
    bool isSigned = false;
    bool isOrder = false;
    bool resentAfterClockSync = false;
    Callback callback;
};

namespace {

std::size_t appendBody(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<QByteArray*>(out)->append(data, static_cast<qsizetype>(size) * static_cast<qsizetype>(n));
    return size * n;
}

std::size_t appendHeader(char* data, std::size_t size, std::size_t n, void* out) {
    const QByteArray line = QByteArray(data, static_cast<qsizetype>(size) * static_cast<qsizetype>(n)).trimmed();
    const auto colon = line.indexOf(':');
    if (colon > 0)
        static_cast<QList<QPair<QByteArray, QByteArray>>*>(out)->append(
            {line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    return size * n;
}

}  // namespace

BinanceRest::Answer BinanceRest::curlPerform(const QByteArray& method, const QByteArray& target,
                                             const QList<QPair<QByteArray, QByteArray>>& headers, int timeoutMs) {
    Answer a;
    CURL* curl = curl_easy_init();
    if (!curl) {
        a.transportError = QStringLiteral("libcurl could not start a request");
        return a;
    }
    curl_slist* list = nullptr;
    for (const auto& [name, value] : headers) list = curl_slist_append(list, QByteArray(name + ": " + value).constData());
    list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, target.constData());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.constData());
    if (method == "POST" || method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);  // never a reused connection: curl resends only on those
    curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeoutMs));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);  // libcurl's default since 7.50.2; the request is one small write
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, appendHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a.headers);
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        a.status = static_cast<int>(status);
    } else {
        a.transportError = QString::fromUtf8(curl_easy_strerror(rc));
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return a;
}

BinanceRest::BinanceRest(Options options, BinanceCredentials credentials, QObject* parent)
    : QObject(parent),
      m_options(std::move(options)),
      m_credentials(std::move(credentials)),
      m_nam(new QNetworkAccessManager(this)),
      m_now([] { return QDateTime::currentMSecsSinceEpoch(); }),
      m_guard(std::make_shared<Guard>()) {
    m_guard->owner = this;
    static std::once_flag curlReady;
    std::call_once(curlReady, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

BinanceRest::~BinanceRest() {
    std::lock_guard lock(m_guard->mutex);
    m_guard->owner = nullptr;
}

void BinanceRest::syncTime(std::function<void(const QString&)> done) {
    const std::int64_t sentAt = m_now();
    publicGet(QStringLiteral("/api/v3/time"), {}, 1, [this, sentAt, done = std::move(done)](const Reply& r) {
        if (r.outcome != Outcome::Done) return done(QStringLiteral("could not read Binance's time: %1").arg(r.failure));
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        const std::int64_t server = o.value(QLatin1String("serverTime")).toInteger(-1);
        if (server <= 0) return done(QStringLiteral("could not read Binance's time: the answer has no serverTime"));
        const std::int64_t receivedAt = m_now();
        m_offsetMs = server - (sentAt + receivedAt) / 2;
        done(QString());
    });
}

void BinanceRest::publicGet(const QString& path, const Params& params, int weight, Callback callback) {
    auto r = std::make_shared<Request>();
    r->method = "GET";
    r->path = path;
    r->params = params;
    r->weight = weight;
    r->callback = std::move(callback);
    send(r);
}

void BinanceRest::signedRequest(const QByteArray& method, const QString& path, const Params& params, int weight,
                                Callback callback) {
    auto r = std::make_shared<Request>();
    r->method = method;
    r->path = path;
    r->params = params;
    r->weight = weight;
    r->isSigned = true;
    r->isOrder = method == "POST" && path.startsWith(QLatin1String("/api/v3/order"));
    r->callback = std::move(callback);
    send(r);
}

std::int64_t BinanceRest::holdMs(const Request& r) const {
    const std::int64_t server = serverNowMs();
    std::int64_t wait = 0;
    if (m_weightWindow == server / 60'000 && m_usedWeight + r.weight > m_options.weightLimit1m)
        wait = (server / 60'000 + 1) * 60'000 - server;
    if (r.isOrder && m_orderWindow == server / 10'000 && m_orderCount10s + 1 > m_options.orderLimit10s)
        wait = std::max(wait, (server / 10'000 + 1) * 10'000 - server);
    return wait;
}

QString BinanceRest::budgetText() const {
    return QStringLiteral("weight %1 of %2 this minute, %3 of %4 orders in 10 s")
        .arg(m_usedWeight)
        .arg(m_options.weightLimit1m)
        .arg(m_orderCount10s)
        .arg(m_options.orderLimit10s);
}

void BinanceRest::send(const std::shared_ptr<Request>& r) {
    if (const std::int64_t blocked = blockedUntilMs(); blocked > 0) {
        Reply reply;
        reply.outcome = Outcome::RateLimited;
        reply.failure = QStringLiteral("Binance asked Kairos to wait %1 s before sending more requests")
                            .arg((blocked - m_now() + 999) / 1000);
        return finish(r, reply);
    }
    if (const std::int64_t wait = holdMs(*r); wait > 0) {
        if (r->isOrder) {
            // An order is never sent late: a market order held for the next window would reach
            // Binance up to a minute after the user (or strategy) decided, at another price, while
            // the terminal showed nothing. It is refused now, in words, and nothing is sent.
            Reply reply;
            reply.outcome = Outcome::RateLimited;
            reply.failure = QStringLiteral("not sent: Binance's request budget is used up (%1); the next window opens in %2 s")
                                .arg(budgetText(), QString::number((wait + 999) / 1000));
            Q_EMIT rateLimited(wait, reply.failure);
            return finish(r, reply);
        }
        Q_EMIT rateLimited(wait,
                           QStringLiteral("Binance's request budget is used up (%1); waiting %2 ms for the next window")
                               .arg(budgetText(), QString::number(wait)));
        QPointer<BinanceRest> self(this);
        QTimer::singleShot(static_cast<int>(wait), this, [self, r] {
            if (self) self->send(r);
        });
        return;
    }

    Params params = r->params;
    std::string encoded;
    if (r->isSigned) {
        params.emplace_back("recvWindow", std::to_string(m_options.recvWindowMs));
        params.emplace_back("timestamp", std::to_string(serverNowMs()));
        encoded = encodeParams(params);
        encoded += "&signature=" + hmacSha256Hex(m_credentials.secret, encoded);
    } else {
        encoded = encodeParams(params);
    }
    QByteArray target = m_options.baseUrl.toEncoded() + r->path.toUtf8();
    if (!encoded.empty()) target += '?' + QByteArray::fromStdString(encoded);
    QList<QPair<QByteArray, QByteArray>> headers{{"User-Agent", "Kairos"}};
    if (r->isSigned) headers.append({"X-MBX-APIKEY", QByteArray::fromStdString(m_credentials.apiKey)});
    ++m_sent;
    if (r->method == "GET") {
        // Reads are idempotent: Qt's HTTP stack with its kept-alive connections is fine for them.
        QNetworkRequest req(QUrl::fromEncoded(target, QUrl::StrictMode));
        req.setTransferTimeout(m_options.timeoutMs);
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        for (const auto& [name, value] : headers) req.setRawHeader(name, value);
        QNetworkReply* reply = m_nam->get(req);
        connect(reply, &QNetworkReply::finished, this, [this, reply, r] {
            reply->deleteLater();
            Answer a;
            a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            a.body = reply->readAll();
            for (const auto& h : reply->rawHeaderPairs()) a.headers.append(h);
            if (a.status == 0) a.transportError = reply->errorString();
            onAnswer(r, a);
        });
        return;
    }
    // Orders and cancels: Qt 6.4's HTTP stack sends a request again by itself when the connection
    // closes before the answer (QHttpNetworkConnectionChannel's reconnect attempts) — for an order,
    // a second order. They go through libcurl on a fresh connection, which never resends; an answer
    // that does not come is Outcome::Unknown and the caller looks the order up.
    const int timeoutMs = m_options.timeoutMs;
    auto guard = m_guard;
    QThreadPool::globalInstance()->start([guard, r, target, headers, timeoutMs] {
        Answer a = curlPerform(r->method, target, headers, timeoutMs);
        std::lock_guard lock(guard->mutex);
        if (!guard->owner) return;
        BinanceRest* owner = guard->owner;
        QMetaObject::invokeMethod(
            owner, [owner, r, a] { owner->onAnswer(r, a); }, Qt::QueuedConnection);
    });
}

void BinanceRest::onAnswer(const std::shared_ptr<Request>& r, const Answer& a) {
    Reply out;
    out.httpStatus = a.status;
    out.body = a.body;
    const bool transportFailed = a.status == 0;
    out.error = parseApiError(out.httpStatus, out.body.toStdString());
    out.outcome = classify(out.httpStatus, out.error, transportFailed);
    auto header = [&a](const QByteArray& name) {
        for (const auto& [n, v] : a.headers)
            if (n.compare(name, Qt::CaseInsensitive) == 0) return v;
        return QByteArray();
    };

    const std::int64_t server = serverNowMs();
    if (const QByteArray w = header("X-MBX-USED-WEIGHT-1M"); !w.isEmpty()) {
        m_usedWeight = w.toInt();
        m_weightWindow = server / 60'000;
    }
    if (const QByteArray c = header("X-MBX-ORDER-COUNT-10S"); !c.isEmpty()) {
        m_orderCount10s = c.toInt();
        m_orderWindow = server / 10'000;
    }
    if (out.outcome == Outcome::RateLimited) {
        bool ok = false;
        const int seconds = header("Retry-After").toInt(&ok);
        const std::int64_t waitMs = ok && seconds > 0 ? seconds * 1000LL : 60'000;
        m_blockedUntil = m_now() + waitMs;
        Q_EMIT rateLimited(waitMs,
                           QStringLiteral("Binance answered HTTP %1: waiting %2 s").arg(out.httpStatus).arg(waitMs / 1000));
    }
    if (out.error && out.error->code == -1021 && r->isSigned && !r->resentAfterClockSync) {
        // The clock drifted: the request never reached the matching engine. Re-sync and send once more.
        r->resentAfterClockSync = true;
        QPointer<BinanceRest> self(this);
        syncTime([self, r](const QString&) {
            if (self) self->send(r);
        });
        return;
    }
    if (transportFailed)
        out.failure =
            QStringLiteral("no answer from Binance for %1 %2: %3").arg(QString::fromLatin1(r->method), r->path, a.transportError);
    else if (out.error)
        out.failure = QString::fromStdString(describeRejection(*out.error));
    else if (out.outcome != Outcome::Done)
        out.failure =
            QStringLiteral("Binance answered HTTP %1 to %2 %3").arg(out.httpStatus).arg(QString::fromLatin1(r->method), r->path);
    finish(r, out);
}

void BinanceRest::finish(const std::shared_ptr<Request>& r, const Reply& reply) {
    if (r->callback) r->callback(reply);
}

}  // namespace kairos::live
