// The e-mail queue over real SMTP (Debian's python3-aiosmtpd with STARTTLS and AUTH), on both
// database backends: a down SMTP server delays mail but never loses it; a recipient the server
// refuses for good stops being retried; a message claimed by one sender is not sent by another.
#include "accounts_fixture.h"
#include "smtpserverprocess.h"

#include "accounts/mailqueue.h"

#include <gtest/gtest.h>

namespace kairos::server::testing {
namespace {

class MailOverSmtp : public AccountsTest {
protected:
    mail::SmtpConfig smtpConfig(const kairos::test::SmtpServerProcess& smtp) const {
        mail::SmtpConfig c;
        EXPECT_TRUE(acc::parseSmtpUrl("smtp://127.0.0.1:" + std::to_string(smtp.port()), c).ok());
        c.username = "mailer";
        c.password = "smtp-Secret-7";
        c.caFile = smtp.certFile();
        c.timeoutMs = 20'000;
        return c;
    }
    std::string lastError() {
        auto c = database().acquire();
        auto row = db::queryOne(**c, "SELECT last_error FROM mail_queue ORDER BY id DESC LIMIT 1");
        return row.ok() && row->has_value() ? (*row)->text(0) : "";
    }
};

TEST_P(MailOverSmtp, DownServerDelaysMailThenDeliversItOnce) {
    kairos::test::SmtpServerProcess smtp("mailer", "smtp-Secret-7");
    ASSERT_TRUE(smtp.error().empty()) << smtp.error();
    const mail::SmtpConfig config = smtpConfig(smtp);
    const int port = smtp.port();
    const std::string dir = smtp.dir();
    smtp.stop();  // the port now refuses connections

    const auto sender = acc::smtpSender(config, "Kairos <accounts@kairos.test>");
    ASSERT_TRUE(service().registerAccount("queued@example.com", "correct horse battery staple", m_meta).ok());
    auto first = service().deliverMail(sender);
    ASSERT_TRUE(first.ok()) << first.message();
    EXPECT_EQ(*first, 0);
    EXPECT_EQ(countRows("SELECT count(*) FROM mail_queue WHERE sent_ms IS NULL AND failed_ms IS NULL AND attempts = 1"), 1);
    const std::string why = lastError();
    EXPECT_NE(why.find("127.0.0.1"), std::string::npos) << why;
    EXPECT_EQ(why.find("smtp-Secret-7"), std::string::npos);
    // Not due again before its back-off (1 minute).
    advanceSeconds(30);
    auto early = service().deliverMail(sender);
    ASSERT_TRUE(early.ok());
    EXPECT_EQ(*early, 0);
    EXPECT_EQ(countRows("SELECT attempts FROM mail_queue"), 1);

    kairos::test::SmtpServerProcess back("mailer", "smtp-Secret-7", false, {}, port, dir);
    ASSERT_TRUE(back.error().empty()) << back.error();
    advanceSeconds(31);
    auto sent = service().deliverMail(sender);
    ASSERT_TRUE(sent.ok()) << sent.message();
    EXPECT_EQ(*sent, 1);
    ASSERT_EQ(back.messageCount(), 1);
    const QJsonObject m = back.message(1);
    EXPECT_EQ(m["rcpt_tos"].toArray().first().toString(), "queued@example.com");
    EXPECT_TRUE(m["tls"].toBool());
    EXPECT_EQ(m["auth_user"].toString(), "mailer");
    EXPECT_NE(m["data"].toString().indexOf("Subject: "), -1);
    EXPECT_EQ(countRows("SELECT count(*) FROM mail_queue WHERE sent_ms IS NOT NULL AND attempts = 2"), 1);
    // Delivered once: nothing due any more.
    advanceSeconds(3600);
    auto none = service().deliverMail(sender);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0);
    EXPECT_EQ(back.messageCount(), 1);
}

TEST_P(MailOverSmtp, RefusedRecipientIsMarkedFailedAndNotRetried) {
    kairos::test::SmtpServerProcess smtp("mailer", "smtp-Secret-7", false, "nobody@example.com");
    ASSERT_TRUE(smtp.error().empty()) << smtp.error();
    const auto sender = acc::smtpSender(smtpConfig(smtp), "Kairos <accounts@kairos.test>");
    ASSERT_TRUE(service().registerAccount("nobody@example.com", "correct horse battery staple", m_meta).ok());
    auto r = service().deliverMail(sender);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(*r, 0);
    EXPECT_EQ(countRows("SELECT count(*) FROM mail_queue WHERE failed_ms IS NOT NULL"), 1);
    EXPECT_NE(lastError().find("550"), std::string::npos) << lastError();
    advanceSeconds(24 * 3600);
    auto again = service().deliverMail(sender);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(countRows("SELECT attempts FROM mail_queue"), 1);
    auto queued = acc::queuedMailCount(database());
    ASSERT_TRUE(queued.ok());
    EXPECT_EQ(*queued, 0);
}

TEST_P(MailOverSmtp, AMessageClaimedByAnotherSenderIsNotSentTwice) {
    ASSERT_TRUE(service().registerAccount("claimed@example.com", "correct horse battery staple", m_meta).ok());
    int calls = 0;
    // While the first sender sends, a second one (another kairosd) looks at the queue: it finds the
    // message claimed and leaves it alone.
    acc::MailSender second = [&](std::int64_t, const acc::OutgoingMail&, std::int64_t) {
        ++calls;
        return acc::MailSendResult{true, {}, false};
    };
    acc::MailSender first = [&](std::int64_t, const acc::OutgoingMail&, std::int64_t) {
        auto inner = service().deliverMail(second);
        EXPECT_TRUE(inner.ok());
        EXPECT_EQ(*inner, 0);
        return acc::MailSendResult{true, {}, false};
    };
    auto r = service().deliverMail(first);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(*r, 1);
    EXPECT_EQ(calls, 0);
}

TEST(SmtpUrl, ParsesSchemesPortsAndRefusesNonsense) {
    mail::SmtpConfig c;
    ASSERT_TRUE(acc::parseSmtpUrl("smtp://mail.example.com", c).ok());
    EXPECT_EQ(c.host, "mail.example.com");
    EXPECT_EQ(c.port, 587);
    EXPECT_EQ(c.security, mail::SmtpSecurity::StartTls);
    ASSERT_TRUE(acc::parseSmtpUrl("smtps://user:pw@mail.example.com:2465/", c).ok());
    EXPECT_EQ(c.host, "mail.example.com");
    EXPECT_EQ(c.port, 2465);
    EXPECT_EQ(c.security, mail::SmtpSecurity::ImplicitTls);
    EXPECT_FALSE(acc::parseSmtpUrl("http://mail.example.com", c).ok());
    EXPECT_FALSE(acc::parseSmtpUrl("smtp://mail.example.com:99999", c).ok());
    EXPECT_FALSE(acc::parseSmtpUrl("smtp://:25", c).ok());
    const auto bad = acc::parseSmtpUrl("smtp://host:abc", c);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("\"abc\" is not a port"), std::string::npos) << bad.message();
}

KAIROS_INSTANTIATE_BACKENDS(Backends, MailOverSmtp);

}  // namespace
}  // namespace kairos::server::testing
