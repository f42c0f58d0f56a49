// Channel messages: templates, the webhook schema and signature (checked with the openssl command,
// independently of our HMAC code), Telegram MarkdownV2 escaping, Discord embeds, e-mails.
#include "alerts/channel.h"

#include "deliverytesthelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::alerts;

TEST(AlertChannel, TemplatePlaceholdersAreFilledFromTheRealFiring) {
    auto [rule, event] = test::realFiring({}, "{symbol} {condition} at {price} on {timeframe} ({time}). {note} {unknown}");
    const std::string text = renderTemplate(rule.messageTemplate, event, rule);
    EXPECT_EQ(text,
              "BINANCE:BTCUSDT crosses above 107000.25 at " + event.price.toString() + " on 1h (" +
                  QDateTime::fromMSecsSinceEpoch(event.timeMs, Qt::UTC).toString("yyyy-MM-dd HH:mm").toStdString() +
                  " UTC). take profit {unknown}");
    EXPECT_EQ(renderTemplate("", event, rule), event.message);
}

TEST(AlertChannel, WebhookBodyFollowsTheDocumentedSchemaAndRoundTrips) {
    auto [rule, event] = test::realFiring({}, std::string(kDefaultTemplate));
    const AlertPayload p = payloadFor(event, rule);
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(toJson(p, 17))).object();
    const QStringList keys = {"event", "delivery_id", "alert_id", "rule",      "symbol", "condition", "side",
                              "price", "bar_time",    "time_ms",  "timeframe", "note",   "message"};
    EXPECT_EQ(o.keys().size(), keys.size());
    for (const QString& k : keys) EXPECT_TRUE(o.contains(k)) << k.toStdString();
    EXPECT_EQ(o["event"].toString(), "alert.fired");
    EXPECT_EQ(o["delivery_id"].toInteger(), 17);
    EXPECT_EQ(o["symbol"].toString(), "BINANCE:BTCUSDT");
    EXPECT_EQ(o["condition"].toString(), "crosses_above");
    EXPECT_EQ(o["side"].toString(), "up");
    EXPECT_EQ(o["price"].toString().toStdString(), event.price.toString());
    EXPECT_EQ(o["bar_time"].toString(), QDateTime::fromMSecsSinceEpoch(event.timeMs, Qt::UTC).toString(Qt::ISODate));
    auto back = payloadFromJson(toJson(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
}

TEST(AlertChannel, SignatureMatchesOpensslHmacSha256) {
    const std::string secret = "whsec_5f0c1d2e3a";
    const std::string body = R"({"event":"alert.fired","symbol":"BINANCE:BTCUSDT","price":"107012.35"})";
    const std::int64_t t = 1'796'640'000;
    const std::string header = webhookSignature(secret, t, body);
    QProcess openssl;
    openssl.start("openssl", {"dgst", "-sha256", "-hmac", QString::fromStdString(secret), "-r"});
    ASSERT_TRUE(openssl.waitForStarted());
    openssl.write(QByteArray::number(static_cast<qint64>(t)) + "." + QByteArray::fromStdString(body));
    openssl.closeWriteChannel();
    ASSERT_TRUE(openssl.waitForFinished());
    const QByteArray hex = openssl.readAllStandardOutput().split(' ').front().trimmed();
    ASSERT_EQ(hex.size(), 64);
    EXPECT_EQ(header, "t=1796640000,v1=" + hex.toStdString());
}

TEST(AlertChannel, MarkdownV2EscapesEveryReservedCharacter) {
    EXPECT_EQ(escapeMarkdownV2("BTC_USDT > 1.5% (x2)!"), "BTC\\_USDT \\> 1\\.5% \\(x2\\)\\!");
    EXPECT_EQ(escapeMarkdownV2("_*[]()~`>#+-=|{}.!\\"), "\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\");
    EXPECT_EQ(escapeMarkdownV2("plain text 123 €"), "plain text 123 €");
}

TEST(AlertChannel, TelegramBodyHasChatIdMarkdownV2AndTheEscapedMessage) {
    auto [rule, event] = test::realFiring({}, "{symbol} > {price}");
    ChannelConfig c;
    c.kind = ChannelKind::Telegram;
    c.chatId = "-1001234567890";
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(telegramBody(c, payloadFor(event, rule)))).object();
    EXPECT_EQ(o["chat_id"].toString(), "-1001234567890");
    EXPECT_EQ(o["parse_mode"].toString(), "MarkdownV2");
    const std::string price = escapeMarkdownV2(event.price.toString());
    EXPECT_EQ(o["text"].toString().toStdString(), "*BINANCE:BTCUSDT*\nBINANCE:BTCUSDT \\> " + price);
}

TEST(AlertChannel, DiscordEmbedColourFollowsTheSide) {
    const auto fired = test::realFiring({});
    const AlertRule& rule = fired.first;
    const AlertEvent& event = fired.second;
    auto colourOf = [&](Condition c) {
        AlertRule r = rule;
        r.condition = c;
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(discordBody(payloadFor(event, r)))).object();
        EXPECT_TRUE(o["allowed_mentions"].toObject()["parse"].toArray().isEmpty());
        return o["embeds"].toArray()[0].toObject()["color"].toInt();
    };
    EXPECT_EQ(colourOf(Condition::CrossesAbove), kDiscordUp);
    EXPECT_EQ(colourOf(Condition::GoesBelow), kDiscordDown);
    EXPECT_EQ(colourOf(Condition::Formula), kDiscordNeutral);
}

TEST(AlertChannel, ValidateNamesTheMissingSetting) {
    ChannelConfig c;
    c.kind = ChannelKind::Webhook;
    c.name = "hook";
    c.webhookUrl = "ftp://example.com/x";
    EXPECT_NE(validate(c).message().find("http(s)"), std::string::npos);
    c.webhookUrl = "https://example.com/hook";
    EXPECT_TRUE(validate(c).ok());
    c.kind = ChannelKind::Telegram;
    EXPECT_NE(validate(c).message().find("chat id"), std::string::npos);
    c.kind = ChannelKind::Email;
    c.smtpHost = "smtp.example.com";
    c.mailFrom = "a@example.com";
    EXPECT_NE(validate(c).message().find("recipient"), std::string::npos);
}
