#pragma once
// ChannelSender: makes one request to one channel and says what the server answered. HTTP (Telegram
// Bot API sendMessage, Discord webhook, generic webhook) through QNetworkAccessManager on the
// caller's event loop; e-mail through core/mail on a worker thread of the sender's own pool.
//
// Outcomes: sent (2xx; SMTP 250), a transient failure (429 with its Retry-After / Telegram's
// parameters.retry_after / Discord's retry_after; 408; 5xx; connection refused, dropped, timed
// out; SMTP 4xx) or a permanent one (other 4xx: wrong token, unknown chat, bad URL; SMTP 5xx).
// Every text it returns has the channel's secret removed.
//
// Thread: create and call on one thread with an event loop; callbacks come back on it. The
// destructor waits for e-mails in progress (at most the SMTP time-out).

#include "alerts/channel.h"

#include <QObject>
#include <QThreadPool>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

class QNetworkAccessManager;

namespace kairos::alerts {

struct SendOutcome {
    bool ok = false;
    bool transient = false;                    ///< a failure that may pass when tried again
    int code = 0;                              ///< HTTP status or SMTP reply code; 0 = no answer
    std::string reply;                         ///< the server's answer or the reason, short, without secrets
    std::optional<std::int64_t> retryAfterMs;  ///< the server asked us to wait this long
    /// Discord's X-RateLimit-Remaining reached 0: no request before this many ms (X-RateLimit-Reset-After).
    std::optional<std::int64_t> rateLimitResetMs;
};

class ChannelSender : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(SendOutcome)>;
    explicit ChannelSender(QObject* parent = nullptr);
    ~ChannelSender() override;

    /// Sends `payload` to `channel` with its `secret`. `deliveryId` (> 0) goes into the webhook body
    /// and X-Kairos-Delivery header and the e-mail's Message-ID, so receivers can drop a resent copy.
    void send(const ChannelConfig& channel, const std::string& secret, const AlertPayload& payload, std::int64_t deliveryId,
              Done done);
    /// Request time-out (HTTP transfer, SMTP), ms.
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    /// The webhook signature's timestamp (unix seconds); default: the wall clock.
    void setUnixClock(std::function<std::int64_t()> unixNow) { m_unixNow = std::move(unixNow); }

private:
    void sendHttp(const ChannelConfig& channel, const std::string& secret, const AlertPayload& payload, std::int64_t deliveryId,
                  Done done);
    void sendMail(const ChannelConfig& channel, const std::string& secret, const AlertPayload& payload, std::int64_t deliveryId,
                  Done done);

    QNetworkAccessManager* m_net;
    QThreadPool m_mailPool;
    int m_timeoutMs = 20'000;
    std::function<std::int64_t()> m_unixNow;
};

}  // namespace kairos::alerts
