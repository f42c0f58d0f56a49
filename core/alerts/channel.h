#pragma once
// Delivery channels: where a firing goes besides the terminal (e-mail, Telegram, Discord, a
// generic webhook), and the pure functions that turn a firing into each channel's message.
//
// A channel's settings (ChannelConfig) live in the profile database; its secret (SMTP password,
// Telegram bot token, Discord webhook URL, which holds the webhook's token, webhook signing secret)
// lives only in the OS keychain (secretstore.h), under secretKey(id). Nothing here logs.
//
// The firing a channel sends is an AlertPayload, written when the firing is recorded (so a rule
// edited or deleted later does not change what is delivered). Its JSON form is the generic
// webhook's body (README "Webhook schema"):
//   {"event": "alert.fired", "delivery_id": 17, "alert_id": 3, "rule": "crosses above 105000.00",
//    "symbol": "BINANCE:BTCUSDT", "condition": "crosses_above", "side": "up", "price": "105012.35",
//    "bar_time": "2026-12-07T10:40:00Z", "time_ms": 1796640000000, "timeframe": "1h",
//    "note": "take profit", "message": "BTCUSDT crossed 105000.00 at 105012.35"}

#include "alerts/alertrule.h"
#include "mail/smtpclient.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kairos::alerts {

/// The stored spelling is toString()'s; never renumber or rename.
enum class ChannelKind : std::uint8_t { Email = 1, Telegram, Discord, Webhook };

std::string_view toString(ChannelKind k);  ///< "email", "telegram", "discord", "webhook"
std::optional<ChannelKind> channelKindFromString(std::string_view text);
/// "E-mail", "Telegram", "Discord", "Webhook".
std::string_view displayName(ChannelKind k);

/// A channel's settings, without its secret.
struct ChannelConfig {
    std::int64_t id = 0;  ///< 0 until stored
    ChannelKind kind = ChannelKind::Webhook;
    std::string name;  ///< the user's label ("My phone")
    bool enabled = true;
    // E-mail: the SMTP server, the account (its password is the secret), sender and recipient.
    std::string smtpHost;
    int smtpPort = 587;
    mail::SmtpSecurity smtpSecurity = mail::SmtpSecurity::StartTls;
    std::string smtpUser;
    std::string mailFrom;
    std::string mailTo;  ///< one address or several separated by commas
    std::string caFile;  ///< extra CA certificate (PEM) to trust; empty = the system's
    // Telegram: the bot token is the secret.
    std::string telegramApiBase = "https://api.telegram.org";
    std::string chatId;  ///< "-1001234567890" or "@channelname"
    // Webhook: the URL (the signing secret is the secret). Discord: the webhook URL is the secret.
    std::string webhookUrl;

    friend bool operator==(const ChannelConfig&, const ChannelConfig&) = default;
};

/// The first problem that keeps a channel from sending: no name, no SMTP host or recipient, a port
/// outside 1..65535, no chat id, a webhook URL that is not http(s).
Status validate(const ChannelConfig& channel);

/// The keychain key of a channel's secret.
std::string secretKey(std::int64_t channelId);

/// What a channel delivers for one firing.
struct AlertPayload {
    std::int64_t alertId = 0;
    std::string rule;       ///< describe(rule): "crosses above 105000.00"
    std::string symbol;     ///< "BINANCE:BTCUSDT"
    std::string condition;  ///< toString(Condition): "crosses_above"
    std::string side;       ///< "up", "down" or "" (formula, signal)
    std::string price;      ///< exact decimal at the instrument's precision
    std::int64_t timeMs = 0;
    std::string timeframe;  ///< "1h"
    std::string note;
    std::string message;  ///< the rule's template rendered, or the firing's own text

    friend bool operator==(const AlertPayload&, const AlertPayload&) = default;
};

/// The default message template.
inline constexpr std::string_view kDefaultTemplate = "{symbol} {condition} (price {price}, {time})";

/// `tpl` with {symbol} {price} {condition} {time} {note} {timeframe} replaced; other braces stay as
/// they are. An empty template gives `event.message`.
std::string renderTemplate(std::string_view tpl, const AlertEvent& event, const AlertRule& rule);
/// The payload of a firing of `rule`.
AlertPayload payloadFor(const AlertEvent& event, const AlertRule& rule);
/// "2026-12-07T10:40:00Z".
std::string isoUtc(std::int64_t utcMs);

/// JSON of a payload (the webhook schema above; `deliveryId` 0 leaves "delivery_id" out) and back.
std::string toJson(const AlertPayload& p, std::int64_t deliveryId = 0);
Result<AlertPayload> payloadFromJson(std::string_view json);

/// Telegram MarkdownV2: every character of _*[]()~`>#+-=|{}.! and the backslash preceded by a
/// backslash (core.telegram.org/bots/api#markdownv2-style), so any text shows literally.
std::string escapeMarkdownV2(std::string_view text);
/// The sendMessage body: {"chat_id", "text" (MarkdownV2: bold symbol, then the message),
/// "parse_mode": "MarkdownV2", "disable_web_page_preview": true}.
std::string telegramBody(const ChannelConfig& channel, const AlertPayload& p);
/// The Discord webhook body: one embed (title: symbol and rule; description: message; colour green
/// for "up", red for "down", blue otherwise; price, condition and timeframe fields; bar time), no
/// mentions allowed.
std::string discordBody(const AlertPayload& p);
inline constexpr int kDiscordUp = 0x2ECC71;
inline constexpr int kDiscordDown = 0xE74C3C;
inline constexpr int kDiscordNeutral = 0x3498DB;
/// The e-mail: subject "[Kairos] <symbol>: <rule>", text and HTML bodies with the message and details.
mail::MailMessage mailFor(const ChannelConfig& channel, const AlertPayload& p);

/// The X-Kairos-Signature header value: "t=<unixSeconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
std::string webhookSignature(std::string_view secret, std::int64_t unixSeconds, std::string_view body);

}  // namespace kairos::alerts
