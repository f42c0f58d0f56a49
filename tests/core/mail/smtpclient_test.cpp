// core/mail against a real SMTP server (tests/support/smtpserver.py, aiosmtpd) with STARTTLS or
// implicit TLS and AUTH, started by the test with a self-signed certificate made for it.
#include "mail/mailmessage.h"
#include "mail/smtpclient.h"

#include "smtpserverprocess.h"

#include <QByteArray>
#include <QJsonArray>

#include <gtest/gtest.h>

namespace kairos::mail {
namespace {

constexpr const char* kUser = "trader@example.com";
constexpr const char* kPassword = "s3cret-Smtp-Pa55";
constexpr std::int64_t kDateMs = 1'796'640'000'000;  // 2026-12-07 10:40:00 UTC

MailMessage sampleMessage() {
    MailMessage m;
    m.from = {"alerts@kairos.test", "Kairos Alerts"};
    m.to = {{"trader@example.com", "Trädér"}};
    m.subject = "BTCUSDT crossed 105 000 € — alert";
    m.textBody = "BINANCE:BTCUSDT crossed above 105000.00 (price 105012.35).\nNote: täke profit";
    m.htmlBody = "<p><b>BINANCE:BTCUSDT</b> crossed above 105000.00</p>";
    return m;
}

/// The decoded body of the MIME part of `type` in `data`.
std::string partBody(const std::string& data, const std::string& type) {
    const std::size_t at = data.find("Content-Type: " + type);
    if (at == std::string::npos) return {};
    const std::size_t start = data.find("\r\n\r\n", at);
    const std::size_t end = data.find("\r\n--", start);
    QByteArray b64 = QByteArray::fromStdString(data.substr(start + 4, end - start - 4));
    b64.replace("\r\n", "");
    return QByteArray::fromBase64(b64).toStdString();
}

TEST(MailMessage, NonAsciiHeadersAreEncodedWordsAndAsciiStaysAsIs) {
    EXPECT_EQ(encodeHeaderValue("BTC alert"), "BTC alert");
    const std::string e = encodeHeaderValue("Prix €");
    EXPECT_EQ(e, "=?UTF-8?B?" + QByteArray("Prix €").toBase64().toStdString() + "?=");
    // A long subject is split into words of whole UTF-8 characters, each <= 75 characters.
    const std::string longSubject(40, 'x');
    const std::string enc = encodeHeaderValue(longSubject + "ééééééééééé");
    std::string decoded;
    std::size_t p = 0;
    while ((p = enc.find("=?UTF-8?B?", p)) != std::string::npos) {
        const std::size_t end = enc.find("?=", p + 10);
        EXPECT_LE(end + 2 - p, 75u);
        const QByteArray word = QByteArray::fromBase64(QByteArray::fromStdString(enc.substr(p + 10, end - p - 10)));
        EXPECT_FALSE(QString::fromUtf8(word).contains(QChar::ReplacementCharacter));
        decoded += word.toStdString();
        p = end;
    }
    EXPECT_EQ(decoded, longSubject + "ééééééééééé");
}

TEST(MailMessage, LineBreaksInHeaderValuesCannotInjectHeaders) {
    MailMessage m = sampleMessage();
    m.subject = "hello\r\nBcc: victim@example.com";
    const std::string mime = buildMime(m, kDateMs, "<1@kairos.test>");
    EXPECT_EQ(mime.find("\r\nBcc:"), std::string::npos);
    EXPECT_NE(mime.find("Subject: helloBcc: victim@example.com\r\n"), std::string::npos);
}

TEST(MailMessage, MultipartAlternativeWithDateAndMessageId) {
    const std::string mime = buildMime(sampleMessage(), kDateMs, "<abc@kairos.test>");
    EXPECT_NE(mime.find("Date: Mon, 07 Dec 2026 10:40:00 +0000\r\n"), std::string::npos);
    EXPECT_NE(mime.find("Message-ID: <abc@kairos.test>\r\n"), std::string::npos);
    EXPECT_NE(mime.find("MIME-Version: 1.0\r\n"), std::string::npos);
    EXPECT_NE(mime.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
    EXPECT_EQ(partBody(mime, "text/plain"), sampleMessage().textBody);
    EXPECT_EQ(partBody(mime, "text/html"), sampleMessage().htmlBody);
}

class SmtpClientTest : public ::testing::Test {
protected:
    SmtpConfig configFor(const test::SmtpServerProcess& server, SmtpSecurity security) {
        SmtpConfig c;
        c.host = "127.0.0.1";
        c.port = server.port();
        c.security = security;
        c.username = kUser;
        c.password = kPassword;
        c.caFile = server.certFile();
        c.heloName = "kairos.test";
        return c;
    }
};

TEST_F(SmtpClientTest, StartTlsAuthDeliversEnvelopeHeadersAndBody) {
    // GIVEN an SMTP server that requires STARTTLS and AUTH
    test::SmtpServerProcess server(kUser, kPassword);
    ASSERT_TRUE(server.error().empty()) << server.error();
    // WHEN a message is sent
    auto receipt = sendMail(configFor(server, SmtpSecurity::StartTls), sampleMessage(), kDateMs, "alert-7-1");
    // THEN the server accepted it over TLS from the authenticated user, with our envelope and content
    ASSERT_TRUE(receipt) << receipt.message();
    EXPECT_EQ(receipt->code, 250);
    EXPECT_EQ(receipt->reply, "250 2.0.0 OK queued as kairos-1");
    EXPECT_EQ(receipt->messageId, "<alert-7-1@kairos.test>");
    ASSERT_EQ(server.messageCount(), 1);
    const QJsonObject got = server.message(1);
    EXPECT_TRUE(got["tls"].toBool());
    EXPECT_EQ(got["auth_user"].toString(), kUser);
    EXPECT_EQ(got["mail_from"].toString(), "alerts@kairos.test");
    EXPECT_EQ(got["rcpt_tos"].toArray(), QJsonArray({"trader@example.com"}));
    const std::string data = got["data"].toString().toStdString();
    EXPECT_NE(data.find("Message-ID: <alert-7-1@kairos.test>"), std::string::npos);
    EXPECT_NE(data.find("Subject: " + encodeHeaderValue(sampleMessage().subject)), std::string::npos);
    EXPECT_NE(data.find("From: \"Kairos Alerts\" <alerts@kairos.test>"), std::string::npos);
    EXPECT_EQ(partBody(data, "text/plain"), sampleMessage().textBody);
    EXPECT_EQ(partBody(data, "text/html"), sampleMessage().htmlBody);
}

TEST_F(SmtpClientTest, ImplicitTlsDelivers) {
    test::SmtpServerProcess server(kUser, kPassword, /*implicitTls=*/true);
    ASSERT_TRUE(server.error().empty()) << server.error();
    auto receipt = sendMail(configFor(server, SmtpSecurity::ImplicitTls), sampleMessage(), kDateMs);
    ASSERT_TRUE(receipt) << receipt.message();
    ASSERT_EQ(server.messageCount(), 1);
    EXPECT_TRUE(server.message(1)["tls"].toBool());
}

TEST_F(SmtpClientTest, WrongPasswordGivesTheServersReplyAndNeverThePassword) {
    test::SmtpServerProcess server(kUser, "the-right-one");
    ASSERT_TRUE(server.error().empty()) << server.error();
    SmtpFailure failure;
    auto receipt = sendMail(configFor(server, SmtpSecurity::StartTls), sampleMessage(), kDateMs, {}, &failure);
    ASSERT_FALSE(receipt);
    EXPECT_NE(receipt.message().find("535"), std::string::npos) << receipt.message();
    EXPECT_EQ(receipt.message().find(kPassword), std::string::npos);
    EXPECT_EQ(failure.code, 535);
    EXPECT_FALSE(failure.transient);
    EXPECT_EQ(server.messageCount(), 0);
}

TEST_F(SmtpClientTest, RefusedRecipientIsAPermanentFailureWithTheReply) {
    test::SmtpServerProcess server(kUser, kPassword, false, "trader@example.com");
    ASSERT_TRUE(server.error().empty()) << server.error();
    SmtpFailure failure;
    auto receipt = sendMail(configFor(server, SmtpSecurity::StartTls), sampleMessage(), kDateMs, {}, &failure);
    ASSERT_FALSE(receipt);
    EXPECT_NE(receipt.message().find("550 5.1.1 No such user here"), std::string::npos) << receipt.message();
    EXPECT_FALSE(failure.transient);
}

TEST_F(SmtpClientTest, UntrustedCertificateIsRefused) {
    test::SmtpServerProcess server(kUser, kPassword);
    ASSERT_TRUE(server.error().empty()) << server.error();
    SmtpConfig c = configFor(server, SmtpSecurity::StartTls);
    c.caFile.clear();  // the system store does not know the test's self-signed certificate
    auto receipt = sendMail(c, sampleMessage(), kDateMs);
    ASSERT_FALSE(receipt);
    EXPECT_EQ(server.messageCount(), 0);
}

TEST_F(SmtpClientTest, NoServerIsATransientFailure) {
    SmtpConfig c;
    c.host = "127.0.0.1";
    c.port = 1;  // nothing listens on port 1
    SmtpFailure failure;
    auto receipt = sendMail(c, sampleMessage(), kDateMs, {}, &failure);
    ASSERT_FALSE(receipt);
    EXPECT_TRUE(failure.transient);
    EXPECT_NE(receipt.message().find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace kairos::mail
