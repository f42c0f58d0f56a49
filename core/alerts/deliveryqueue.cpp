#include "alerts/deliveryqueue.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>
#include <limits>

namespace kairos::alerts {

namespace {
constexpr std::int64_t kBackoffBaseMs = 2'000;
constexpr std::int64_t kBackoffCapMs = 15 * 60'000;
constexpr int kBatch = 200;
constexpr int kTotalInFlight = 32;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
}  // namespace

std::int64_t backoffDelayMs(int attempts, double random) {
    const int doublings = std::clamp(attempts - 1, 0, 30);
    const std::int64_t full = std::min(kBackoffCapMs, kBackoffBaseMs << doublings);
    // "Equal jitter": never less than half the step (so retries do spread out), never more than it.
    return full / 2 + static_cast<std::int64_t>(std::clamp(random, 0.0, 1.0) * static_cast<double>(full) / 2);
}

std::int64_t RateWindow::availableAt(std::int64_t nowMs) {
    while (!m_times.empty() && m_times.front() <= nowMs - m_windowMs) m_times.pop_front();
    if (static_cast<int>(m_times.size()) < m_limit) return nowMs;
    return m_times[m_times.size() - static_cast<std::size_t>(m_limit)] + m_windowMs;
}

DeliveryQueue::DeliveryQueue(storage::Database& db, ISecretStore& secrets, QObject* parent)
    : QObject(parent),
      m_store(db),
      m_secrets(secrets),
      m_sender(new ChannelSender(this)),
      m_clock([] { return QDateTime::currentMSecsSinceEpoch(); }),
      m_random([] { return QRandomGenerator::global()->generateDouble(); }) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DeliveryQueue::processDue);
}

DeliveryQueue::~DeliveryQueue() { *m_alive = false; }

void DeliveryQueue::report(const Status& st) {
    if (!st) Q_EMIT errorOccurred(QString::fromStdString(st.message()));
}

Status DeliveryQueue::start() {
    if (!m_store.status()) return m_store.status();
    auto resumed = m_store.resumeInFlight(m_clock());
    if (!resumed) return resumed.error();
    m_started = true;
    wake();
    return {};
}

void DeliveryQueue::wake() {
    if (m_started) m_timer.start(0);
}

int DeliveryQueue::inFlightCap(ChannelKind kind) { return kind == ChannelKind::Webhook ? 8 : 1; }

std::int64_t DeliveryQueue::allowedAt(const ChannelConfig& channel, std::int64_t nowMs) {
    std::int64_t at = nowMs;
    if (auto it = m_blockedUntil.find(channel.id); it != m_blockedUntil.end()) at = std::max(at, it->second);
    if (channel.kind == ChannelKind::Telegram) {
        at = std::max(at, m_telegramAll.availableAt(nowMs));
        at = std::max(at, m_windows.try_emplace(channel.id, 1, 1000).first->second.availableAt(nowMs));
    } else if (channel.kind == ChannelKind::Discord) {
        at = std::max(at, m_windows.try_emplace(channel.id, 5, 2000).first->second.availableAt(nowMs));
    }
    return at;
}

void DeliveryQueue::recordSend(const ChannelConfig& channel, std::int64_t nowMs) {
    if (channel.kind == ChannelKind::Telegram) m_telegramAll.record(nowMs);
    if (auto it = m_windows.find(channel.id); it != m_windows.end()) it->second.record(nowMs);
}

void DeliveryQueue::processDue() {
    if (!m_started) return;
    const std::int64_t now = m_clock();
    auto due = m_store.dueJobs(now, kBatch);
    if (!due) return report(due.error());
    auto channels = m_store.channels();
    if (!channels) return report(channels.error());
    std::int64_t wakeAt = kNever;
    for (const DeliveryJob& job : *due) {
        if (m_inFlightTotal >= kTotalInFlight) break;  // finish() calls us again
        const auto ch =
            std::find_if(channels->begin(), channels->end(), [&](const ChannelConfig& c) { return c.id == job.channelId; });
        if (ch == channels->end()) {
            fail(job, "the channel was deleted");
            continue;
        }
        if (!ch->enabled) {
            fail(job, "the channel " + ch->name + " is switched off");
            continue;
        }
        if (m_inFlight[ch->id] >= inFlightCap(ch->kind)) continue;  // finish() calls us again
        if (const std::int64_t at = allowedAt(*ch, now); at > now) {
            wakeAt = std::min(wakeAt, at);
            continue;
        }
        auto taken = m_store.markInFlight(job.id, now);
        if (!taken) {
            report(taken.error());
            continue;
        }
        if (!*taken) continue;
        recordSend(*ch, now);
        ++m_inFlightTotal;
        ++m_inFlight[ch->id];
        Q_EMIT jobChanged(job.id);
        auto payload = payloadFromJson(job.payloadJson);
        if (!payload) {
            finish(job, *ch, SendOutcome{false, false, 0, payload.message(), {}, {}});
            continue;
        }
        const ChannelConfig channel = *ch;
        std::weak_ptr<bool> alive = m_alive;
        m_secrets.read(secretKey(channel.id), [this, alive, job, channel, p = *payload](Result<std::string> secret) {
            if (alive.expired()) return;
            if (!secret) {
                // No secret is a set-up problem the user fixes in the channel's settings; the
                // keychain being locked or away may pass.
                const bool missing = secret.message().rfind("no secret stored", 0) == 0;
                finish(job, channel,
                       SendOutcome{false,
                                   !missing,
                                   0,
                                   missing ? "no secret (password, token or URL) is stored for the channel " + channel.name
                                           : secret.message(),
                                   {},
                                   {}});
                return;
            }
            m_sender->send(channel, *secret, p, job.id, [this, alive, job, channel](const SendOutcome& o) {
                if (!alive.expired()) finish(job, channel, o);
            });
        });
    }
    schedule(wakeAt);
}

void DeliveryQueue::schedule(std::int64_t wakeAtMs) {
    const std::int64_t now = m_clock();
    if (auto next = m_store.nextDueAfter(now)) wakeAtMs = std::min(wakeAtMs, *next);
    if (wakeAtMs == kNever) return;
    m_timer.start(static_cast<int>(std::clamp<std::int64_t>(wakeAtMs - now, 0, 60'000)));
}

void DeliveryQueue::fail(const DeliveryJob& job, const std::string& reason) {
    report(m_store.markFailed(job.id, reason, m_clock()));
    Q_EMIT jobChanged(job.id);
}

void DeliveryQueue::finish(const DeliveryJob& job, const ChannelConfig& channel, const SendOutcome& o) {
    --m_inFlightTotal;
    --m_inFlight[channel.id];
    const std::int64_t now = m_clock();
    if (o.rateLimitResetMs) m_blockedUntil[channel.id] = std::max(m_blockedUntil[channel.id], now + *o.rateLimitResetMs);
    if (o.code == 429 && o.retryAfterMs) m_blockedUntil[channel.id] = std::max(m_blockedUntil[channel.id], now + *o.retryAfterMs);
    const int attempts = job.attempts + 1;  // markInFlight counted this one
    if (o.ok) {
        report(m_store.markSent(job.id, o.reply, now));
    } else if (o.transient && attempts < kMaxAttempts) {
        const std::int64_t delay = o.retryAfterMs ? *o.retryAfterMs : backoffDelayMs(attempts, m_random());
        report(m_store.markRetry(job.id, now + delay, o.reply, now));
    } else {
        report(m_store.markFailed(
            job.id, o.transient ? o.reply + " (gave up after " + std::to_string(attempts) + " attempts)" : o.reply, now));
    }
    Q_EMIT jobChanged(job.id);
    wake();
}

AlertPayload DeliveryQueue::testPayload(const ChannelConfig& channel, std::int64_t nowMs) {
    AlertPayload p;
    p.rule = "test message";
    p.symbol = "KAIROS:TEST";
    p.condition = "test";
    p.price = "1.00";
    p.timeMs = nowMs;
    p.message =
        "Test message from Kairos for the channel \"" + channel.name + "\": if you read this, alerts will reach you here.";
    return p;
}

void DeliveryQueue::sendTest(const ChannelConfig& channel, const std::string& secret, std::function<void(SendOutcome)> done) {
    if (auto st = validate(channel); !st) return done(SendOutcome{false, false, 0, st.message(), {}, {}});
    m_sender->send(channel, secret, testPayload(channel, m_clock()), 0, std::move(done));
}

void DeliveryQueue::sendTest(std::int64_t channelId) {
    auto channel = m_store.channel(channelId);
    if (!channel) {
        Q_EMIT testFinished(channelId, false, QString::fromStdString(channel.message()));
        return;
    }
    std::weak_ptr<bool> alive = m_alive;
    m_secrets.read(secretKey(channelId), [this, alive, channelId, ch = *channel](Result<std::string> secret) {
        if (alive.expired()) return;
        if (!secret) {
            Q_EMIT testFinished(channelId, false, QString::fromStdString(secret.message()));
            return;
        }
        sendTest(ch, *secret, [this, alive, channelId](const SendOutcome& o) {
            if (!alive.expired()) Q_EMIT testFinished(channelId, o.ok, QString::fromStdString(o.reply));
        });
    });
}

}  // namespace kairos::alerts
