#include "alerts/alertchannels.h"

#include "alerts/curlhttp.h"

#include <algorithm>

namespace kairos::server::alerts {

namespace core = ::kairos::alerts;

namespace {

std::string shortText(std::string s, const std::string& secret) {
    if (!secret.empty())
        for (auto pos = s.find(secret); pos != std::string::npos; pos = s.find(secret, pos)) s.replace(pos, secret.size(), "***");
    if (s.size() > 300) s = s.substr(0, 300) + "…";
    return s;
}

bool isHttpUrl(const std::string& u) { return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0; }

/// Telegram's parameters.retry_after or Discord's retry_after (seconds) in a 429 body.
std::optional<std::int64_t> retryAfterInBody(const std::string& body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    if (auto p = j.find("parameters"); p != j.end() && p->is_object())
        if (auto r = p->find("retry_after"); r != p->end() && r->is_number())
            return static_cast<std::int64_t>(r->get<double>() * 1000);
    if (auto r = j.find("retry_after"); r != j.end() && r->is_number()) return static_cast<std::int64_t>(r->get<double>() * 1000);
    return std::nullopt;
}

DeliveryOutcome classify(const CurlResponse& r, const std::string& secret) {
    DeliveryOutcome o;
    if (r.status == 0) {
        o.transient = true;
        o.reply = "no answer: " + shortText(r.error, secret);
        return o;
    }
    o.reply = "HTTP " + std::to_string(r.status) + (r.body.empty() ? "" : ": " + shortText(r.body, secret));
    if (r.status >= 200 && r.status < 300) {
        o.ok = true;
        return o;
    }
    o.transient = r.status == 429 || r.status == 408 || r.status >= 500;
    if (r.status == 429)
        o.retryAfterMs = r.retryAfterMs ? r.retryAfterMs : retryAfterInBody(r.body);
    else
        o.retryAfterMs = r.retryAfterMs;
    return o;
}

}  // namespace

bool isServerPayload(const nlohmann::json& payload) {
    if (!payload.is_object()) return false;
    const auto it = payload.find("server");
    return it != payload.end() && it->is_boolean() && it->get<bool>();
}

bool needsSecret(core::ChannelKind kind) { return kind != core::ChannelKind::Email; }

/// The kind's own settings (no secret), as stored in the settings column and shown by the API.
nlohmann::json settings(const ServerChannel& c) {
    nlohmann::json j = nlohmann::json::object();
    switch (c.kind) {
    case core::ChannelKind::Webhook:
        j["url"] = c.url;
        break;
    case core::ChannelKind::Telegram:
        j["chat_id"] = c.chatId;
        j["api_base"] = c.apiBase;
        break;
    case core::ChannelKind::Email:
        j["to"] = c.mailTo;
        break;
    case core::ChannelKind::Discord:
        break;
    }
    return j;
}

std::string settingsJson(const ServerChannel& c) { return settings(c).dump(); }

void readSettings(const std::string& json, ServerChannel& c) {
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object()) return;
    c.url = j.value("url", "");
    c.chatId = j.value("chat_id", "");
    c.apiBase = j.value("api_base", "https://api.telegram.org");
    c.mailTo = j.value("to", "");
}

nlohmann::json channelJson(const ServerChannel& c) {
    nlohmann::json j = settings(c);
    j.update(
        {{"id", c.id}, {"kind", core::toString(c.kind)}, {"name", c.name}, {"enabled", c.enabled}, {"has_secret", c.hasSecret}});
    return j;
}

std::string parseChannelBody(const nlohmann::json& body, ServerChannel& c, std::optional<std::string>& secret) {
    if (!body.is_object()) return "the body is a JSON object {\"kind\", \"name\", ...}";
    auto text = [&](const char* key, std::string& out) -> std::string {
        const auto it = body.find(key);
        if (it == body.end() || it->is_null()) return {};
        if (!it->is_string()) return std::string(key) + " is a text";
        out = it->get<std::string>();
        return {};
    };
    std::string kind = std::string(core::toString(c.kind));
    if (auto e = text("kind", kind); !e.empty()) return e;
    const auto k = core::channelKindFromString(kind);
    if (!k) return "kind is email, telegram, discord or webhook";
    c.kind = *k;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"name", &c.name},
                            {"url", &c.url},
                            {"chat_id", &c.chatId},
                            {"api_base", &c.apiBase},
                            {"to", &c.mailTo}})
        if (auto e = text(key, *out); !e.empty()) return e;
    if (const auto it = body.find("enabled"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) return "enabled is true or false";
        c.enabled = it->get<bool>();
    }
    if (const auto it = body.find("secret"); it != body.end() && !it->is_null()) {
        if (!it->is_string() || it->get_ref<const std::string&>().empty() || it->get_ref<const std::string&>().size() > 1024)
            return "secret is a text of 1 to 1024 characters";
        secret = it->get<std::string>();
    }
    if (c.name.empty() || c.name.size() > 100) return "name is a text of 1 to 100 characters";
    switch (c.kind) {
    case core::ChannelKind::Webhook:
        if (!isHttpUrl(c.url)) return "url is the webhook's http(s) URL";
        break;
    case core::ChannelKind::Telegram:
        if (c.chatId.empty()) return "chat_id is the Telegram chat (\"-100…\" or \"@channel\")";
        if (!isHttpUrl(c.apiBase)) return "api_base is an http(s) URL";
        break;
    case core::ChannelKind::Email:
        if (c.mailTo.find('@') == std::string::npos) return "to is the recipient's e-mail address";
        break;
    case core::ChannelKind::Discord:
        if (secret && !isHttpUrl(*secret)) return "secret is the Discord webhook's http(s) URL";
        break;
    }
    return {};
}

DeliveryOutcome sendThrough(const ServerChannel& channel, const std::string& secret, const core::AlertPayload& payload,
                            std::int64_t deliveryId, std::int64_t unixSeconds, const accounts::MailSender& mail,
                            std::int64_t nowMs, int timeoutMs) {
    switch (channel.kind) {
    case core::ChannelKind::Webhook: {
        const std::string body = core::toJson(payload, deliveryId);
        const std::vector<std::string> headers = {"X-Kairos-Signature: " + core::webhookSignature(secret, unixSeconds, body),
                                                  "X-Kairos-Delivery: " + std::to_string(deliveryId)};
        return classify(curlRequest(channel.url, body, headers, timeoutMs), secret);
    }
    case core::ChannelKind::Telegram: {
        core::ChannelConfig cfg;
        cfg.kind = channel.kind;
        cfg.chatId = channel.chatId;
        return classify(
            curlRequest(channel.apiBase + "/bot" + secret + "/sendMessage", core::telegramBody(cfg, payload), {}, timeoutMs),
            secret);
    }
    case core::ChannelKind::Discord:
        return classify(curlRequest(secret, core::discordBody(payload), {}, timeoutMs), secret);
    case core::ChannelKind::Email: {
        DeliveryOutcome o;
        if (!mail) {
            o.reply = "kairosd has no e-mail configured (smtp_url or mail_dir)";
            return o;
        }
        core::ChannelConfig cfg;
        cfg.kind = channel.kind;
        cfg.mailTo = channel.mailTo;
        cfg.mailFrom = "Kairos";
        const auto m = core::mailFor(cfg, payload);
        accounts::OutgoingMail out{channel.mailTo, m.subject, m.textBody, m.htmlBody};
        const auto r = mail(deliveryId, out, nowMs);
        o.ok = r.sent;
        o.transient = !r.sent && !r.permanent;
        o.reply = r.sent ? "sent to " + channel.mailTo : shortText(r.error, secret);
        return o;
    }
    }
    return {};
}

}  // namespace kairos::server::alerts
