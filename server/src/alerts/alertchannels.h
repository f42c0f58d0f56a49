#pragma once
// Server alert channels: their API/stored JSON and the one request that delivers a firing through
// each kind (message bodies from core's alerts/channel.h). Internal to server/src/alerts.

#include "accounts/mailqueue.h"
#include "alerts/channel.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace kairos::server::alerts {

/// Whether an `alert_rule` sync payload is marked "keep running on the server" ("server": true).
bool isServerPayload(const nlohmann::json& payload);

/// A stored server channel, without its secret.
struct ServerChannel {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    ::kairos::alerts::ChannelKind kind = ::kairos::alerts::ChannelKind::Webhook;
    std::string name;
    bool enabled = true;
    std::string url;                                   ///< webhook: where to POST
    std::string chatId;                                ///< telegram
    std::string apiBase = "https://api.telegram.org";  ///< telegram
    std::string mailTo;                                ///< e-mail: recipient(s)
    bool hasSecret = false;
};

/// The settings column (JSON) of a channel and back.
std::string settingsJson(const ServerChannel& c);
void readSettings(const std::string& json, ServerChannel& c);
/// The channel as the API returns it (never a secret).
nlohmann::json channelJson(const ServerChannel& c);

/// Reads a PUT/POST body into `c` (kind, name, enabled, url, chat_id, api_base, to) and the secret
/// (nullopt when the body has none); the error text names the field.
std::string parseChannelBody(const nlohmann::json& body, ServerChannel& c, std::optional<std::string>& secret);
/// Whether the kind needs a secret: webhook (signing secret), telegram (bot token), discord (webhook URL).
bool needsSecret(::kairos::alerts::ChannelKind kind);

/// The outcome of one delivery request.
struct DeliveryOutcome {
    bool ok = false;
    bool transient = false;
    std::string reply;  ///< the server's answer or the reason, short, without the secret
    std::optional<std::int64_t> retryAfterMs;
};

/// Sends `payload` through `channel` (with its opened `secret`) once. `deliveryId` goes into the
/// webhook body and X-Kairos-Delivery; `unixSeconds` into the signature.
DeliveryOutcome sendThrough(const ServerChannel& channel, const std::string& secret,
                            const ::kairos::alerts::AlertPayload& payload, std::int64_t deliveryId, std::int64_t unixSeconds,
                            const accounts::MailSender& mail, std::int64_t nowMs, int timeoutMs);

}  // namespace kairos::server::alerts
