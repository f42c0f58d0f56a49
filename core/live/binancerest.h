#pragma once
// BinanceRest: signed requests to Binance's spot REST API for one account.
//
// - Signing as Binance documents it: parameters percent-encoded, `timestamp` (Binance's time:
//   the local clock corrected by the offset measured with GET /api/v3/time) and `recvWindow`
//   appended, HMAC-SHA256 of exactly the bytes sent, `X-MBX-APIKEY` header.
// - Rate limits: `X-MBX-USED-WEIGHT-1M` and `X-MBX-ORDER-COUNT-10S` are read from every answer;
//   a read or cancel that would exceed the budget waits for the next window (rateLimited() says
//   so); an order (POST order, order list, cancel-replace) that would exceed it is never held: it
//   fails at once as RateLimited, unsent, saying which budget and when the window opens — an order
//   sent up to a minute after it was decided is a different order. 429/418 block every request
//   for the `Retry-After` time (requests during a block fail at once as RateLimited, they are
//   never queued behind a ban).
// - A -1021 (clock drift) answer re-syncs the time and sends the request once more (it never
//   reached the matching engine). Nothing else is retried here: an order whose outcome is unknown
//   (5xx, -1006/-1007, timeout, dropped connection) is reported as Outcome::Unknown and the caller
//   looks it up by its client order id.
// - The API secret stays in this object's memory; no URL, query, header or secret appears in an
//   error message or log line.
//
// Thread: lives on one Qt event loop; callbacks run there.

#include "live/binanceapi.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

class QNetworkAccessManager;

namespace kairos::live {

struct BinanceCredentials {
    std::string apiKey;
    std::string secret;
};

class BinanceRest : public QObject {
    Q_OBJECT
public:
    struct Options {
        QUrl baseUrl;              ///< "https://api.binance.com" or "https://testnet.binance.vision"
        int recvWindowMs = 5000;   ///< Binance advises ≤ 5000
        int timeoutMs = 10'000;    ///< Binance's own backend gives up after 10 s
        int weightLimit1m = 6000;  ///< REQUEST_WEIGHT per minute (exchangeInfo.rateLimits)
        int orderLimit10s = 50;    ///< ORDERS per 10 s
    };

    struct Reply {
        int httpStatus = 0;
        QByteArray body;
        Outcome outcome = Outcome::Unknown;
        std::optional<ApiError> error;
        QString failure;  ///< why it failed, in words, without secrets ("" when Done)
    };
    using Callback = std::function<void(const Reply&)>;

    BinanceRest(Options options, BinanceCredentials credentials, QObject* parent = nullptr);
    ~BinanceRest() override;

    /// Measures the offset to Binance's clock (GET /api/v3/time, half the round trip assumed
    /// each way). Callback: "" or why it failed.
    void syncTime(std::function<void(const QString&)> done);
    /// Binance's time now, by the local clock and the measured offset.
    std::int64_t serverNowMs() const { return m_now() + m_offsetMs; }
    std::int64_t clockOffsetMs() const { return m_offsetMs; }

    /// GET without a signature (exchangeInfo, time).
    void publicGet(const QString& path, const Params& params, int weight, Callback callback);
    /// A signed request (`method` GET, POST, DELETE, PUT); timestamp, recvWindow and signature are
    /// added when it is sent.
    void signedRequest(const QByteArray& method, const QString& path, const Params& params, int weight, Callback callback);

    /// Last used weight (1 minute) and order count (10 s) Binance reported.
    int usedWeight1m() const { return m_usedWeight; }
    int orderCount10s() const { return m_orderCount10s; }
    /// Until when (local ms) a 429/418 blocks requests; 0 when not blocked.
    std::int64_t blockedUntilMs() const { return m_blockedUntil > m_now() ? m_blockedUntil : 0; }
    /// Requests put on the wire so far.
    int sentCount() const { return m_sent; }

    /// Local clock in ms (tests pin it); defaults to the wall clock.
    void setClock(std::function<std::int64_t()> nowMs) { m_now = std::move(nowMs); }

Q_SIGNALS:
    /// Binance asked to slow down: requests are held or refused for `waitMs`.
    void rateLimited(qint64 waitMs, const QString& reason);

private:
    struct Request;
    /// What came back for one request, from either HTTP stack.
    struct Answer {
        int status = 0;  ///< 0: no answer (transportError says why)
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QString transportError;
    };
    /// Lets worker threads reach this object only while it exists.
    struct Guard {
        std::mutex mutex;
        BinanceRest* owner = nullptr;
    };
    static Answer curlPerform(const QByteArray& method, const QByteArray& target,
                              const QList<QPair<QByteArray, QByteArray>>& headers, int timeoutMs);
    void send(const std::shared_ptr<Request>& r);
    void onAnswer(const std::shared_ptr<Request>& r, const Answer& a);
    void finish(const std::shared_ptr<Request>& r, const Reply& reply);
    std::int64_t holdMs(const Request& r) const;
    /// "weight 5990 of 6000 this minute, 3 of 50 orders in 10 s" (for messages).
    QString budgetText() const;

    Options m_options;
    BinanceCredentials m_credentials;
    QNetworkAccessManager* m_nam = nullptr;
    std::function<std::int64_t()> m_now;
    std::int64_t m_offsetMs = 0;
    std::int64_t m_blockedUntil = 0;
    std::int64_t m_weightWindow = 0;  ///< minute (server time) the used weight belongs to
    std::int64_t m_orderWindow = 0;   ///< 10 s window the order count belongs to
    int m_usedWeight = 0;
    int m_orderCount10s = 0;
    int m_sent = 0;
    std::shared_ptr<Guard> m_guard;
};

}  // namespace kairos::live
