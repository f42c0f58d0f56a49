#pragma once
// DeliveryStore: the delivery channels, each rule's channels and template, and the delivery jobs,
// in the profile database. The tables belong to core/alerts (created here, IF NOT EXISTS, in one
// transaction, the first time a store opens the profile); like every table of the profile they
// hold no secrets:
//   alert_channels        channel_id, kind, name, enabled, settings (JSON of ChannelConfig, no secret)
//   alert_rule_delivery   alert_id, channel_ids ("3,7"), message_template
//   alert_deliveries      one job per (firing, channel): alert_id, event_id (alert_history), event_time,
//                         channel_id, status, attempts, next_attempt_at, last_error, last_reply,
//                         payload (AlertPayload JSON), created_at, updated_at; UNIQUE (event_id, channel_id)
// Jobs are written in the transaction that records the firing (AlertStore::record calls
// insertJobs), so a firing and its deliveries are stored together or not at all.
//
// Status: pending (waiting for next_attempt_at) -> in_flight (a request is out) -> sent | pending
// (retry) | failed. Not thread-safe: one thread (the queue's).

#include "alerts/alertrule.h"
#include "alerts/channel.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace kairos::storage {
class Database;
}

namespace kairos::alerts {

enum class DeliveryStatus : std::uint8_t { Pending = 1, InFlight, Sent, Failed };
std::string_view toString(DeliveryStatus s);  ///< "pending", "in_flight", "sent", "failed"
std::optional<DeliveryStatus> deliveryStatusFromString(std::string_view text);

/// One delivery of one firing to one channel.
struct DeliveryJob {
    std::int64_t id = 0;
    std::int64_t alertId = 0;
    std::int64_t eventId = 0;      ///< alert_history.event_id
    std::int64_t eventTimeMs = 0;  ///< the firing's market time
    std::int64_t channelId = 0;
    DeliveryStatus status = DeliveryStatus::Pending;
    int attempts = 0;                ///< requests made so far
    std::int64_t nextAttemptMs = 0;  ///< UTC ms (wall clock) of the next try (pending)
    std::string lastError;           ///< the last failure: the server's reason or the transport's
    std::string lastReply;           ///< the server's answer when it was sent
    std::string payloadJson;         ///< AlertPayload JSON
};

class DeliveryStore {
public:
    /// Works on `db`, which must outlive the store; creates the tables when missing. Check ok().
    explicit DeliveryStore(storage::Database& db);
    /// Empty when the tables are usable; else why not.
    const Status& status() const { return m_status; }

    // Channels
    Result<std::vector<ChannelConfig>> channels() const;
    Result<ChannelConfig> channel(std::int64_t id) const;
    /// Inserts (id 0) or updates a channel; its id. Error when it does not validate.
    Result<std::int64_t> saveChannel(const ChannelConfig& channel);
    /// Deletes a channel; its pending jobs fail ("channel deleted").
    Status removeChannel(std::int64_t id);

    // Jobs
    /// Pending jobs due at `nowMs`, oldest due first.
    Result<std::vector<DeliveryJob>> dueJobs(std::int64_t nowMs, int limit) const;
    /// The earliest next_attempt_at after `afterMs` of pending jobs, if any.
    std::optional<std::int64_t> nextDueAfter(std::int64_t afterMs) const;
    /// Marks a pending job in flight and counts the attempt; false when it was not pending (taken already).
    Result<bool> markInFlight(std::int64_t jobId, std::int64_t nowMs);
    Status markSent(std::int64_t jobId, const std::string& reply, std::int64_t nowMs);
    Status markRetry(std::int64_t jobId, std::int64_t nextAttemptMs, const std::string& error, std::int64_t nowMs);
    Status markFailed(std::int64_t jobId, const std::string& error, std::int64_t nowMs);
    /// After a restart: jobs left in flight (the process died during the request) become pending,
    /// due at once. Returns how many.
    Result<int> resumeInFlight(std::int64_t nowMs);
    /// The newest `limit` jobs, newest first (the Alerts log).
    Result<std::vector<DeliveryJob>> recentJobs(int limit = 1000) const;
    Result<DeliveryJob> job(std::int64_t jobId) const;

    /// Creates the tables when missing (AlertStore calls it too).
    static Status ensureSchema(sqlite3* db);
    /// Reads/writes a rule's channels and template (inside the caller's transaction).
    static Status saveRuleDelivery(sqlite3* db, const AlertRule& rule);
    static Status loadRuleDelivery(sqlite3* db, AlertRule& rule);
    /// Inserts one pending job per channel of `rule` for the firing `eventId` (inside the caller's
    /// transaction), due at `nowMs`.
    static Status insertJobs(sqlite3* db, std::int64_t eventId, const AlertEvent& event, const AlertRule& rule,
                             std::int64_t nowMs);

private:
    sqlite3* m_db;
    Status m_status;
};

}  // namespace kairos::alerts
