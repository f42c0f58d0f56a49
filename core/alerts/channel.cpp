#include "alerts/channel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QUrl>

#include <array>

namespace kairos::alerts {

namespace {
constexpr std::array<std::string_view, 4> kKindNames = {"email", "telegram", "discord", "webhook"};
constexpr std::array<std::string_view, 4> kKindDisplay = {"E-mail", "Telegram", "Discord", "Webhook"};

QString q(const std::string& s) { return QString::fromStdString(s); }

std::string htmlEscape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\n':
            out += "<br>";
            break;
        default:
            out += c;
        }
    }
    return out;
}
}  // namespace

std::string_view toString(ChannelKind k) { return kKindNames.at(static_cast<std::size_t>(k) - 1); }

std::optional<ChannelKind> channelKindFromString(std::string_view text) {
    for (std::size_t i = 0; i < kKindNames.size(); ++i)
        if (kKindNames.at(i) == text) return static_cast<ChannelKind>(i + 1);
    return std::nullopt;
}

std::string_view displayName(ChannelKind k) { return kKindDisplay.at(static_cast<std::size_t>(k) - 1); }

Status validate(const ChannelConfig& c) {
    if (c.name.empty()) return makeError("the channel needs a name");
    auto httpUrl = [](const std::string& url) {
        const QUrl u(q(url), QUrl::StrictMode);
        return u.isValid() && (u.scheme() == "http" || u.scheme() == "https") && !u.host().isEmpty();
    };
    switch (c.kind) {
    case ChannelKind::Email:
        if (c.smtpHost.empty()) return makeError(c.name + ": no SMTP server");
        if (c.smtpPort < 1 || c.smtpPort > 65535) return makeError(c.name + ": SMTP port must be 1..65535");
        if (c.mailFrom.find('@') == std::string::npos) return makeError(c.name + ": the sender address needs an @");
        if (c.mailTo.find('@') == std::string::npos) return makeError(c.name + ": the recipient address needs an @");
        break;
    case ChannelKind::Telegram:
        if (c.chatId.empty()) return makeError(c.name + ": no chat id");
        if (!httpUrl(c.telegramApiBase)) return makeError(c.name + ": the Bot API address must be an http(s) URL");
        break;
    case ChannelKind::Webhook:
        if (!httpUrl(c.webhookUrl)) return makeError(c.name + ": the webhook URL must be an http(s) URL");
        break;
    case ChannelKind::Discord:
        break;  // its URL is the secret, checked when it is entered
    }
    return {};
}

std::string secretKey(std::int64_t channelId) { return "alert-channel-" + std::to_string(channelId); }

std::string isoUtc(std::int64_t utcMs) {
    return QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC).toString(Qt::ISODate).toStdString();
}

std::string renderTemplate(std::string_view tpl, const AlertEvent& event, const AlertRule& rule) {
    if (tpl.empty()) return event.message;
    const std::string time =
        QDateTime::fromMSecsSinceEpoch(event.timeMs, Qt::UTC).toString("yyyy-MM-dd HH:mm 'UTC'").toStdString();
    const std::array<std::pair<std::string_view, std::string>, 6> values = {{
        {"{symbol}", event.instrument.toString()},
        {"{price}", event.price.toString()},
        {"{condition}", describe(rule)},
        {"{time}", time},
        {"{note}", rule.note},
        {"{timeframe}", std::string(toString(rule.timeframe))},
    }};
    std::string out;
    std::size_t i = 0;
    while (i < tpl.size()) {
        bool replaced = false;
        if (tpl[i] == '{')
            for (const auto& [key, value] : values)
                if (tpl.substr(i, key.size()) == key) {
                    out += value;
                    i += key.size();
                    replaced = true;
                    break;
                }
        if (!replaced) out += tpl[i++];
    }
    return out;
}

AlertPayload payloadFor(const AlertEvent& event, const AlertRule& rule) {
    AlertPayload p;
    p.alertId = event.ruleId;
    p.rule = describe(rule);
    p.symbol = event.instrument.toString();
    p.condition = std::string(toString(rule.condition));
    switch (rule.condition) {
    case Condition::CrossesAbove:
    case Condition::GoesAbove:
        p.side = "up";
        break;
    case Condition::CrossesBelow:
    case Condition::GoesBelow:
        p.side = "down";
        break;
    case Condition::Signal:
    case Condition::MovePercent:
    case Condition::Change24h:
    case Condition::CrossesDrawing:
        p.side = rule.signalSide == SignalSide::Long ? "up" : rule.signalSide == SignalSide::Short ? "down" : "";
        break;
    case Condition::Formula:
    case Condition::EntersChannel:
    case Condition::LeavesChannel:
    case Condition::VolumeSpike:
        break;
    }
    p.price = event.price.toString();
    p.timeMs = event.timeMs;
    p.timeframe = std::string(toString(rule.timeframe));
    p.note = rule.note;
    p.message = renderTemplate(rule.messageTemplate, event, rule);
    return p;
}

std::string toJson(const AlertPayload& p, std::int64_t deliveryId) {
    QJsonObject o;
    o["event"] = "alert.fired";
    if (deliveryId > 0) o["delivery_id"] = static_cast<qint64>(deliveryId);
    o["alert_id"] = static_cast<qint64>(p.alertId);
    o["rule"] = q(p.rule);
    o["symbol"] = q(p.symbol);
    o["condition"] = q(p.condition);
    o["side"] = q(p.side);
    o["price"] = q(p.price);
    o["bar_time"] = q(isoUtc(p.timeMs));
    o["time_ms"] = static_cast<qint64>(p.timeMs);
    o["timeframe"] = q(p.timeframe);
    o["note"] = q(p.note);
    o["message"] = q(p.message);
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

Result<AlertPayload> payloadFromJson(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())), &err);
    if (!doc.isObject()) return makeError("damaged delivery payload: " + err.errorString().toStdString());
    const QJsonObject o = doc.object();
    AlertPayload p;
    p.alertId = o["alert_id"].toInteger();
    p.rule = o["rule"].toString().toStdString();
    p.symbol = o["symbol"].toString().toStdString();
    p.condition = o["condition"].toString().toStdString();
    p.side = o["side"].toString().toStdString();
    p.price = o["price"].toString().toStdString();
    p.timeMs = o["time_ms"].toInteger();
    p.timeframe = o["timeframe"].toString().toStdString();
    p.note = o["note"].toString().toStdString();
    p.message = o["message"].toString().toStdString();
    if (p.symbol.empty()) return makeError("damaged delivery payload: no symbol");
    return p;
}

std::string escapeMarkdownV2(std::string_view text) {
    static constexpr std::string_view kSpecial = "_*[]()~`>#+-=|{}.!\\";
    std::string out;
    out.reserve(text.size() * 2);
    for (char c : text) {
        if (kSpecial.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::string telegramBody(const ChannelConfig& channel, const AlertPayload& p) {
    QJsonObject o;
    o["chat_id"] = q(channel.chatId);
    o["text"] = q("*" + escapeMarkdownV2(p.symbol) + "*\n" + escapeMarkdownV2(p.message));
    o["parse_mode"] = "MarkdownV2";
    o["disable_web_page_preview"] = true;
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

std::string discordBody(const AlertPayload& p) {
    QJsonObject embed;
    embed["title"] = q(p.symbol + ": " + p.rule).left(256);
    embed["description"] = q(p.message).left(4096);
    embed["color"] = p.side == "up" ? kDiscordUp : p.side == "down" ? kDiscordDown : kDiscordNeutral;
    embed["timestamp"] = q(isoUtc(p.timeMs));
    QJsonArray fields;
    auto field = [&](const char* name, const std::string& value) {
        if (!value.empty()) fields.append(QJsonObject{{"name", name}, {"value", q(value).left(1024)}, {"inline", true}});
    };
    field("Price", p.price);
    field("Condition", p.condition);
    field("Timeframe", p.timeframe);
    embed["fields"] = fields;
    QJsonObject o;
    o["username"] = "Kairos";
    o["embeds"] = QJsonArray{embed};
    o["allowed_mentions"] = QJsonObject{{"parse", QJsonArray{}}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

mail::MailMessage mailFor(const ChannelConfig& channel, const AlertPayload& p) {
    mail::MailMessage m;
    m.from = {channel.mailFrom, "Kairos"};
    for (const QString& a : q(channel.mailTo).split(',', Qt::SkipEmptyParts)) m.to.push_back({a.trimmed().toStdString(), {}});
    m.subject = "[Kairos] " + p.symbol + ": " + p.rule;
    const std::string details = "Symbol: " + p.symbol + "\nCondition: " + p.rule + "\nPrice: " + p.price +
        "\nBar time: " + isoUtc(p.timeMs) + (p.timeframe.empty() ? "" : "\nTimeframe: " + p.timeframe) +
        (p.note.empty() ? "" : "\nNote: " + p.note);
    m.textBody = p.message + "\n\n" + details + "\n";
    m.htmlBody = "<html><body><p><b>" + htmlEscape(p.message) + "</b></p><p>" + htmlEscape(details) + "</p></body></html>";
    return m;
}

std::string webhookSignature(std::string_view secret, std::int64_t unixSeconds, std::string_view body) {
    const QByteArray key(secret.data(), static_cast<qsizetype>(secret.size()));
    QByteArray message = QByteArray::number(static_cast<qint64>(unixSeconds)) + '.';
    message.append(body.data(), static_cast<qsizetype>(body.size()));
    const QByteArray mac = QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256).toHex();
    return "t=" + std::to_string(unixSeconds) + ",v1=" + mac.toStdString();
}

}  // namespace kairos::alerts
