#pragma once
// RestClient: GET requests to one exchange's REST API, one at a time, in order, obeying the
// venue's rate limits. It asks a RateLimitPolicy before each request (e.g. Binance used-weight
// headers: wait for the next window instead of running into a 429) and after each response
// (429/418 + Retry-After, Bybit 403, OKX 50011...). A rejection blocks the whole queue for the
// time the venue asks, because bans are per IP; network errors and 5xx are retried with
// exponential backoff and jitter. Nothing is ever retried in a tight loop.
//
// Thread: lives on one Qt event loop; callbacks run there.

#include "net/backoff.h"
#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace kairos::net {

/// One HTTP response as received.
struct HttpResponse {
    int status = 0;  ///< HTTP status code
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QUrl url;

    /// Header value by case-insensitive name; empty when absent.
    QByteArray header(const QByteArray& name) const;
    /// "HTTP 400 from /api/v3/klines: {"code":-1121,...}" (body cut short), for error messages.
    QString describe() const;
};

/// A venue's rate-limit rules, consulted by RestClient. The default understands HTTP 429 and
/// 418 with Retry-After.
class RateLimitPolicy {
public:
    virtual ~RateLimitPolicy() = default;

    /// A response that says "too many requests": wait this long before sending anything else.
    struct Rejection {
        std::int64_t waitMs = -1;  ///< -1: the venue gave no time; RestClient uses its backoff
        QString reason;            ///< "HTTP 429: too many requests (Retry-After 1 s)"
    };

    /// How long to hold a request costing `weight` before sending it at `nowMs` (0: send now).
    virtual std::int64_t delayBeforeMs(int weight, std::int64_t nowMs);
    /// Every response goes through here first (read used-weight headers).
    virtual void onResponse(const HttpResponse& response, std::int64_t nowMs);
    /// Whether `response` is a rate-limit rejection.
    virtual std::optional<Rejection> rejection(const HttpResponse& response) const;

    /// Retry-After in ms ("1" -> 1000; an HTTP date is also understood), or -1.
    static std::int64_t retryAfterMs(const HttpResponse& response, std::int64_t nowMs);
};

class RestClient : public QObject {
    Q_OBJECT
public:
    struct Options {
        int timeoutMs = 10'000;  ///< per request (Binance times out its side after 10 s)
        int maxAttempts = 6;     ///< per request, counting rate-limit rejections and errors
        Backoff::Policy retry{1000, 60'000, 2.0, 0.5};
        std::int64_t maxWaitMs = 3LL * 24 * 3600 * 1000;  ///< a ban longer than this fails the request
        QByteArray userAgent = "Kairos";
        int minIntervalMs = 0;  ///< at least this long between two requests (Kraken public: 1 s)
    };

    using Callback = std::function<void(Result<HttpResponse>)>;

    /// `baseUrl` is prefixed to every path ("https://api.binance.com").
    RestClient(QUrl baseUrl, std::unique_ptr<RateLimitPolicy> policy, QObject* parent = nullptr);
    RestClient(QUrl baseUrl, std::unique_ptr<RateLimitPolicy> policy, const Options& options, QObject* parent = nullptr);
    ~RestClient() override;

    QUrl baseUrl() const { return m_baseUrl; }
    RateLimitPolicy& policy() { return *m_policy; }

    /// Queues GET baseUrl+path?query costing `weight`. The callback gets the response for any
    /// HTTP status the client does not handle itself (2xx, 4xx other than rate limits), or an
    /// Error after the last attempt (network down, repeated 5xx, ban too long). It is not called
    /// after cancel(). Returns an id for cancel().
    quint64 get(const QString& path, const QUrlQuery& query, int weight, Callback callback);
    /// Drops a queued or running request; its callback is never called.
    void cancel(quint64 id);
    void cancelAll();

    /// Requests queued or in flight.
    int pendingCount() const { return static_cast<int>(m_queue.size()); }
    /// Requests put on the wire so far (retries included).
    int sentCount() const { return m_sent; }
    /// Rate-limit rejections received so far.
    int rejectionCount() const { return m_rejections; }

    /// Clock for the rate-limit policy (tests pin it); defaults to the wall clock in ms.
    void setClock(std::function<std::int64_t()> nowMs) { m_now = std::move(nowMs); }

Q_SIGNALS:
    /// The queue is held for `waitMs` because of a rate limit (a rejection or the venue's
    /// weight budget). `reason` is for the status bar.
    void rateLimited(qint64 waitMs, const QString& reason);

private:
    struct Pending {
        quint64 id = 0;
        QString path;
        QUrlQuery query;
        int weight = 1;
        int attempts = 0;
        Callback callback;
    };

    void pump();
    void send(Pending& p);
    void onFinished(QNetworkReply* reply, quint64 id);
    void holdUntil(std::int64_t untilMs);
    void finishFront(Result<HttpResponse> result);
    std::int64_t now() const { return m_now(); }

    QUrl m_baseUrl;
    std::unique_ptr<RateLimitPolicy> m_policy;
    Options m_options;
    QNetworkAccessManager* m_nam = nullptr;
    std::deque<Pending> m_queue;
    QNetworkReply* m_inFlight = nullptr;
    quint64 m_nextId = 1;
    std::int64_t m_blockedUntilMs = 0;
    QTimer m_wakeTimer;
    Backoff m_retryBackoff;
    std::function<std::int64_t()> m_now;
    int m_sent = 0;
    int m_rejections = 0;
    std::int64_t m_lastSentMs = 0;
};

}  // namespace kairos::net
