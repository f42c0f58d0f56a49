#pragma once
// DeliveryQueue: sends the delivery jobs of the profile (deliverystore.h) through their channels,
// durably. Jobs are written with the firing (AlertStore::record); the queue takes the due ones,
// marks each in flight (one transaction per change), reads the channel's secret from the keychain,
// sends it (ChannelSender) and records the outcome:
//   sent                        -> status sent, the server's answer kept (last_reply);
//   transient failure           -> pending again, next attempt after an exponential back-off with
//                                  jitter (backoffDelayMs: 2 s, 4 s, 8 s ... capped at 15 min, each
//                                  between half and all of that), or exactly after the server's
//                                  Retry-After / Telegram's parameters.retry_after / Discord's
//                                  retry_after; after kMaxAttempts tries: failed;
//   permanent failure           -> failed, with the server's reason.
//
// Rate limits (per channel kind, from the services' documentation), so that a burst is queued and
// not dropped: Telegram 30 messages/s over all Telegram channels (one bot) and 1 message/s per chat;
// a Discord webhook 5 requests per 2 s, and no request while its X-RateLimit-Remaining is 0 until
// X-RateLimit-Reset-After has passed; a 429 holds the whole channel until its retry-after. At most
// one request in flight per Telegram/Discord/e-mail channel (messages arrive in order), eight per webhook.
//
// Delivery guarantee: AT LEAST ONCE. A job is marked in flight before its request goes out and
// sent after the answer. When Kairos dies in between, start() finds it in flight and sends it
// again: a lost alert is worse for a trader than a duplicate, and a crash inside that window is rare.
// Receivers can drop the duplicate: the webhook carries the job id as "delivery_id" and the
// X-Kairos-Delivery header, and the e-mail a Message-ID made from it (mail clients merge copies).
// Telegram and Discord have no idempotency key, so there a crash during the request may show the
// message twice. A job that is pending (not yet sent) when the process dies is sent once after restart.
//
// Time: `clock` (UTC ms) drives due times, back-off and rate limits, so tests inject theirs and
// call processDue(); the queue's timer calls processDue() when the next job is due by that clock.
// Thread: one thread with an event loop (the GUI thread in the terminal); signals on it.

#include "alerts/channelsender.h"
#include "alerts/deliverystore.h"
#include "alerts/secretstore.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace kairos::storage {
class Database;
}

namespace kairos::alerts {

/// The back-off before attempt `attempts + 1` after `attempts` failed ones (>= 1), with `random` in
/// [0, 1): between half and all of min(15 min, 2 s * 2^(attempts - 1)).
std::int64_t backoffDelayMs(int attempts, double random);

/// A sliding-window limit: at most `limit` events per `windowMs`.
class RateWindow {
public:
    RateWindow(int limit, std::int64_t windowMs) : m_limit(limit), m_windowMs(windowMs) {}
    /// When the next event may happen (nowMs when it may now).
    std::int64_t availableAt(std::int64_t nowMs);
    void record(std::int64_t nowMs) { m_times.push_back(nowMs); }

private:
    int m_limit;
    std::int64_t m_windowMs;
    std::deque<std::int64_t> m_times;
};

class DeliveryQueue : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxAttempts = 8;
    using Clock = std::function<std::int64_t()>;

    /// Works on `db` and `secrets`, which must outlive the queue. Call start() to begin sending.
    DeliveryQueue(storage::Database& db, ISecretStore& secrets, QObject* parent = nullptr);
    ~DeliveryQueue() override;

    /// UTC ms; default: the wall clock. Set before start().
    void setClock(Clock clock) { m_clock = std::move(clock); }
    /// Jitter source in [0, 1); default: QRandomGenerator.
    void setRandom(std::function<double()> random) { m_random = std::move(random); }

    /// Resumes: jobs left in flight by a process that died are pending again (at least once), then
    /// sends what is due. Error when the tables cannot be used.
    Status start();
    /// Sends every due job the limits allow now. Called by the timer, by wake() and by tests.
    void processDue();
    /// New jobs were queued (a firing was recorded): process them soon (from the event loop).
    void wake();

    DeliveryStore& store() { return m_store; }
    ChannelSender& sender() { return *m_sender; }
    ISecretStore& secrets() { return m_secrets; }
    /// Requests out now.
    int inFlight() const { return m_inFlightTotal; }

    /// Sends a test message through channel `channelId` now (not queued) and emits testFinished
    /// with the server's answer.
    void sendTest(std::int64_t channelId);
    /// The same for settings not stored yet (the channel dialog), with the secret typed in it.
    void sendTest(const ChannelConfig& channel, const std::string& secret, std::function<void(SendOutcome)> done);
    /// The sample firing of a test message.
    static AlertPayload testPayload(const ChannelConfig& channel, std::int64_t nowMs);

Q_SIGNALS:
    /// A job changed status (in flight, sent, retrying, failed); DeliveryStore::job() has it.
    void jobChanged(qint64 jobId);
    /// The answer to sendTest(channelId).
    void testFinished(qint64 channelId, bool ok, const QString& reply);
    /// Something could not be stored; the message says what.
    void errorOccurred(const QString& message);

private:
    void finish(const DeliveryJob& job, const ChannelConfig& channel, const SendOutcome& outcome);
    void fail(const DeliveryJob& job, const std::string& reason);
    void schedule(std::int64_t wakeAtMs);
    /// The request limits of `channel` at `nowMs`: when it may send next.
    std::int64_t allowedAt(const ChannelConfig& channel, std::int64_t nowMs);
    void recordSend(const ChannelConfig& channel, std::int64_t nowMs);
    static int inFlightCap(ChannelKind kind);
    void report(const Status& st);

    DeliveryStore m_store;
    ISecretStore& m_secrets;
    ChannelSender* m_sender;
    Clock m_clock;
    std::function<double()> m_random;
    QTimer m_timer;
    bool m_started = false;
    int m_inFlightTotal = 0;
    std::map<std::int64_t, int> m_inFlight;               ///< per channel
    std::map<std::int64_t, std::int64_t> m_blockedUntil;  ///< per channel: 429, Discord's bucket empty
    RateWindow m_telegramAll{30, 1000};
    std::map<std::int64_t, RateWindow> m_windows;  ///< per channel (Telegram chat, Discord webhook)
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

}  // namespace kairos::alerts
