// DeliveryQueue against local servers that speak the real protocols: a stand-in for
// api.telegram.org and Discord (tests/support/fakechat.h), a webhook receiver whose HMAC is checked
// with the openssl command, and an SMTP server (aiosmtpd, STARTTLS + AUTH). Time is a fake clock
// the test moves (back-off, Retry-After, rate limits); waits are on the event loop, never sleeps.
#include "alerts/deliveryqueue.h"

#include "deliverytesthelpers.h"
#include "fakechat.h"
#include "fakeservers.h"
#include "smtpserverprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <cstdio>

using namespace kairos;
using namespace kairos::alerts;

namespace {

constexpr const char* kBotToken = "7012345678:AAH-kairos-test-bot-token";
constexpr const char* kWebhookSecret = "whsec_kairos_test_5f0c1d";

QJsonObject jsonOf(const QByteArray& body) { return QJsonDocument::fromJson(body).object(); }

class DeliveryQueueTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(server.listen());
        dir = test::tempDir();
        db = test::openDb(dir);
        ASSERT_TRUE(db);
    }

    std::int64_t addChannel(const ChannelConfig& c, const std::string& secret) {
        DeliveryStore store(*db);
        auto id = store.saveChannel(c);
        EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.message());
        secrets.write(secretKey(*id), secret, [](const Status&) {});
        return *id;
    }
    std::int64_t telegram() {
        ChannelConfig c;
        c.kind = ChannelKind::Telegram;
        c.name = "Phone";
        c.telegramApiBase = server.url().toString().toStdString();
        c.chatId = "-1001234567890";
        return addChannel(c, kBotToken);
    }
    std::int64_t webhook() {
        ChannelConfig c;
        c.kind = ChannelKind::Webhook;
        c.name = "Bot";
        c.webhookUrl = server.url().toString().toStdString() + "/hooks/kairos";
        return addChannel(c, kWebhookSecret);
    }
    std::int64_t discord(const std::string& token = "tok-abc") {
        ChannelConfig c;
        c.kind = ChannelKind::Discord;
        c.name = "Trading room";
        return addChannel(c, server.url().toString().toStdString() + "/api/webhooks/123/" + token);
    }

    /// Records `n` firings (one a minute) of the real rule to `channels`; the queue's job ids, oldest first.
    std::vector<std::int64_t> fire(std::vector<std::int64_t> channels, int n = 1, std::string tpl = {}) {
        auto [rule, event] = test::realFiring(std::move(channels), std::move(tpl));
        AlertStore store(*db);
        rule.id = 0;
        rule.id = *store.save(rule);
        for (int i = 0; i < n; ++i) {
            AlertEvent e = event;
            e.ruleId = rule.id;
            e.timeMs += i * 60'000;
            EXPECT_TRUE(store.record({e}, {rule}).ok());
        }
        auto jobs = DeliveryStore(*db).recentJobs();
        std::vector<std::int64_t> ids;
        for (auto it = jobs->rbegin(); it != jobs->rend(); ++it) ids.push_back(it->id);
        return ids;
    }

    DeliveryQueue& startQueue() {
        clock.nowMs = std::max<std::int64_t>(clock.nowMs, QDateTime::currentMSecsSinceEpoch());  // the jobs are due now
        queue = std::make_unique<DeliveryQueue>(*db, secrets);
        queue->setClock(clock.fn());
        queue->setRandom([] { return 0.0; });
        EXPECT_TRUE(queue->start().ok());
        return *queue;
    }
    DeliveryJob job(std::int64_t id) { return *DeliveryStore(*db).job(id); }
    bool waitFor(std::int64_t id, DeliveryStatus s) {
        const bool ok = test::waitUntil([&] { return job(id).status == s; }, 30'000);
        if (!ok) {
            const DeliveryJob j = job(id);
            ADD_FAILURE() << "job " << id << ": " << toString(j.status) << ", " << j.attempts << " attempts, due "
                          << j.nextAttemptMs - clock.nowMs << " ms from now, last error: " << j.lastError;
        }
        return ok;
    }

    test::FakeChatServer server;
    MemorySecretStore secrets;
    test::FakeClock clock;
    std::string dir;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<DeliveryQueue> queue;
};

TEST_F(DeliveryQueueTest, TelegramSendMessageReachesTheBotApi) {
    // GIVEN a rule with a Telegram channel that fired on real bars
    const auto ids = fire({telegram()}, 1, "{symbol} crossed {price} (note: {note})");
    // WHEN the queue runs
    startQueue();
    // THEN Bot API sendMessage got the chat id and the MarkdownV2-escaped message; the job is sent
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Sent));
    ASSERT_EQ(server.requestCount(), 1);
    const test::ChatRequest& r = server.requests()[0];
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, QString("/bot") + kBotToken + "/sendMessage");
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    const QJsonObject body = jsonOf(r.body);
    EXPECT_EQ(body["chat_id"].toString(), "-1001234567890");
    EXPECT_EQ(body["parse_mode"].toString(), "MarkdownV2");
    EXPECT_TRUE(body["text"].toString().startsWith("*BINANCE:BTCUSDT*\nBINANCE:BTCUSDT crossed 10"));
    EXPECT_TRUE(body["text"].toString().endsWith("\\(note: take profit\\)"));
    EXPECT_EQ(job(ids[0]).lastReply, "HTTP 200: message 1");
    EXPECT_EQ(job(ids[0]).attempts, 1);
}

TEST_F(DeliveryQueueTest, Telegram429RetryAfterIsHonoured) {
    const auto ids = fire({telegram()});
    server.queue(test::ChatReply::json(
        429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})"));
    startQueue();
    ASSERT_TRUE(test::waitUntil([&] { return job(ids[0]).attempts == 1 && job(ids[0]).status == DeliveryStatus::Pending; }));
    EXPECT_EQ(job(ids[0]).nextAttemptMs, clock.nowMs + 7'000);
    EXPECT_EQ(job(ids[0]).lastError, "HTTP 429: Too Many Requests: retry after 7");
    // Not before the server said: nothing is sent 1 ms early ...
    clock.nowMs += 6'999;
    queue->processDue();
    EXPECT_EQ(job(ids[0]).status, DeliveryStatus::Pending);
    // ... and it goes out when the time has come.
    clock.nowMs += 1;
    queue->processDue();
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Sent));
    EXPECT_EQ(server.requestCount(), 2);
    EXPECT_EQ(job(ids[0]).attempts, 2);
}

TEST_F(DeliveryQueueTest, RetriesAfterA500WithExponentialBackoff) {
    const auto ids = fire({webhook()});
    server.queue(test::ChatReply::json(500, "upstream exploded"));
    server.queue(test::ChatReply::json(503, "still down"));
    startQueue();
    ASSERT_TRUE(test::waitUntil([&] { return job(ids[0]).attempts == 1 && job(ids[0]).status == DeliveryStatus::Pending; }));
    EXPECT_EQ(job(ids[0]).lastError, "HTTP 500: upstream exploded");
    EXPECT_EQ(job(ids[0]).nextAttemptMs, clock.nowMs + backoffDelayMs(1, 0.0));
    clock.nowMs = job(ids[0]).nextAttemptMs;
    queue->processDue();
    ASSERT_TRUE(test::waitUntil([&] { return job(ids[0]).attempts == 2 && job(ids[0]).status == DeliveryStatus::Pending; }));
    EXPECT_EQ(job(ids[0]).nextAttemptMs, clock.nowMs + backoffDelayMs(2, 0.0));
    clock.nowMs = job(ids[0]).nextAttemptMs;
    queue->processDue();
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Sent));
    EXPECT_EQ(server.requestCount(), 3);
}

TEST(DeliveryBackoff, GrowsExponentiallyWithJitterAndACap) {
    EXPECT_EQ(backoffDelayMs(1, 0.0), 1'000);
    EXPECT_EQ(backoffDelayMs(1, 0.999999), 1'999);
    EXPECT_EQ(backoffDelayMs(2, 0.0), 2'000);
    EXPECT_EQ(backoffDelayMs(5, 0.0), 16'000);
    EXPECT_EQ(backoffDelayMs(30, 0.0), 450'000);  // capped at 15 min, jittered down to half of it at most
    EXPECT_LE(backoffDelayMs(30, 1.0), 900'000);
}

TEST_F(DeliveryQueueTest, RetriesAfterADroppedConnection) {
    const auto ids = fire({webhook()});
    // Qt sends a request once more by itself when a connection drops before the answer; the
    // second drop reaches the queue.
    server.queue(test::ChatReply::drop());
    server.queue(test::ChatReply::drop());
    startQueue();
    ASSERT_TRUE(test::waitUntil([&] { return job(ids[0]).attempts == 1 && job(ids[0]).status == DeliveryStatus::Pending; }))
        << toString(job(ids[0]).status) << " " << job(ids[0]).attempts << " " << server.requestCount();
    EXPECT_FALSE(job(ids[0]).lastError.empty());
    clock.nowMs = job(ids[0]).nextAttemptMs;
    queue->processDue();
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Sent));
    EXPECT_EQ(server.requestCount(), 3);
    EXPECT_EQ(job(ids[0]).attempts, 2);
}

TEST_F(DeliveryQueueTest, PermanentFailureKeepsTheServersReason) {
    const auto ids = fire({telegram()});
    server.queue(test::ChatReply::json(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"));
    startQueue();
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Failed));
    EXPECT_EQ(job(ids[0]).lastError, "HTTP 400: Bad Request: chat not found");
    EXPECT_EQ(job(ids[0]).attempts, 1);
}

TEST_F(DeliveryQueueTest, WebhookIsSignedAndTheSignatureVerifiesWithOpenssl) {
    const auto ids = fire({webhook()}, 1, std::string(kDefaultTemplate));
    startQueue();
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Sent));
    ASSERT_EQ(server.requestCount(), 1);
    const test::ChatRequest& r = server.requests()[0];
    EXPECT_EQ(r.path, "/hooks/kairos");
    EXPECT_EQ(r.header("X-Kairos-Delivery"), QByteArray::number(static_cast<qint64>(ids[0])));
    const QJsonObject body = jsonOf(r.body);
    EXPECT_EQ(body["delivery_id"].toInteger(), ids[0]);
    EXPECT_EQ(body["symbol"].toString(), "BINANCE:BTCUSDT");
    EXPECT_EQ(body["condition"].toString(), "crosses_above");
    // The receiver's side, independent of our HMAC code: openssl over "t.body".
    const QByteArray sig = r.header("X-Kairos-Signature");
    ASSERT_TRUE(sig.startsWith("t=")) << sig.toStdString();
    const QByteArray t = sig.mid(2, sig.indexOf(',') - 2);
    const QByteArray v1 = sig.mid(sig.indexOf(",v1=") + 4);
    QProcess openssl;
    openssl.start("openssl", {"dgst", "-sha256", "-hmac", kWebhookSecret, "-r"});
    ASSERT_TRUE(openssl.waitForStarted());
    openssl.write(t + "." + r.body);
    openssl.closeWriteChannel();
    ASSERT_TRUE(openssl.waitForFinished());
    EXPECT_EQ(openssl.readAllStandardOutput().split(' ').front().trimmed(), v1);
    EXPECT_LE(std::abs(t.toLongLong() - QDateTime::currentSecsSinceEpoch()), 300);  // a fresh timestamp, not 0
}

TEST_F(DeliveryQueueTest, DiscordEmbedAndItsRateLimitHeadersAreHonoured) {
    const auto ids = fire({discord()}, 2);
    server.queue(
        test::ChatReply::json(200, R"({"id":"991"})", {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset-After", "2.5"}}));
    startQueue();
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Sent));
    const test::ChatRequest& r = server.requests()[0];
    EXPECT_EQ(r.path, "/api/webhooks/123/tok-abc");
    EXPECT_EQ(r.query.queryItemValue("wait"), "true");
    const QJsonObject embed = jsonOf(r.body)["embeds"].toArray()[0].toObject();
    EXPECT_EQ(embed["color"].toInt(), kDiscordUp);
    EXPECT_TRUE(embed["title"].toString().startsWith("BINANCE:BTCUSDT: crosses above 107000.25"));
    EXPECT_EQ(job(ids[0]).lastReply, "HTTP 200: message 991");
    // The bucket is empty: the second firing waits for X-RateLimit-Reset-After.
    queue->processDue();
    EXPECT_EQ(job(ids[1]).status, DeliveryStatus::Pending);
    clock.nowMs += 2'499;
    queue->processDue();
    EXPECT_EQ(job(ids[1]).status, DeliveryStatus::Pending);
    clock.nowMs += 1;
    queue->processDue();
    ASSERT_TRUE(waitFor(ids[1], DeliveryStatus::Sent));
    EXPECT_EQ(server.requestCount(), 2);
}

TEST_F(DeliveryQueueTest, ABurstToOneTelegramChatIsQueuedAtOneMessagePerSecond) {
    const auto ids = fire({telegram()}, 5);
    ASSERT_EQ(ids.size(), 5u);
    startQueue();
    for (int k = 0; k < 5; ++k) {
        ASSERT_TRUE(waitFor(ids[static_cast<std::size_t>(k)], DeliveryStatus::Sent)) << k;
        queue->processDue();
        // Only the messages of the seconds so far went out; the rest wait, none is dropped.
        EXPECT_EQ(server.requestCount(), k + 1);
        for (std::size_t j = static_cast<std::size_t>(k) + 1; j < ids.size(); ++j)
            EXPECT_EQ(job(ids[j]).status, DeliveryStatus::Pending);
        clock.nowMs += 1'000;
        queue->processDue();
    }
    EXPECT_EQ(server.requestCount(), 5);
}

TEST(DeliveryRateWindow, TelegramsThirtyPerSecond) {
    RateWindow w(30, 1000);
    for (int i = 0; i < 30; ++i) {
        EXPECT_EQ(w.availableAt(5'000), 5'000);
        w.record(5'000);
    }
    EXPECT_EQ(w.availableAt(5'000), 6'000);
    EXPECT_EQ(w.availableAt(6'000), 6'000);
}

TEST_F(DeliveryQueueTest, EmailGoesThroughSmtpWithStartTlsAndAuth) {
    test::SmtpServerProcess smtp("trader@example.com", "smtp-pa55-kairos");
    ASSERT_TRUE(smtp.error().empty()) << smtp.error();
    ChannelConfig c;
    c.kind = ChannelKind::Email;
    c.name = "Mail";
    c.smtpHost = "127.0.0.1";
    c.smtpPort = smtp.port();
    c.smtpUser = "trader@example.com";
    c.mailFrom = "alerts@kairos.test";
    c.mailTo = "trader@example.com";
    c.caFile = smtp.certFile();
    const auto ids = fire({addChannel(c, "smtp-pa55-kairos")}, 1, "{symbol} at {price}");
    startQueue();
    ASSERT_TRUE(waitFor(ids[0], DeliveryStatus::Sent)) << job(ids[0]).lastError;
    ASSERT_EQ(smtp.messageCount(), 1);
    const QJsonObject m = smtp.message(1);
    EXPECT_TRUE(m["tls"].toBool());
    EXPECT_EQ(m["auth_user"].toString(), "trader@example.com");
    EXPECT_EQ(m["rcpt_tos"].toArray(), QJsonArray({"trader@example.com"}));
    const QString data = m["data"].toString();
    EXPECT_TRUE(data.contains(QString("Message-ID: <alert-delivery-%1@").arg(ids[0])));
    EXPECT_TRUE(data.contains("Subject: [Kairos] BINANCE:BTCUSDT: crosses above 107000.25"));
    EXPECT_EQ(job(ids[0]).lastReply, "250 2.0.0 OK queued as kairos-1");
}

TEST_F(DeliveryQueueTest, SendTestReportsTheServersAnswer) {
    const std::int64_t ch = telegram();
    startQueue();
    QSignalSpy spy(queue.get(), &DeliveryQueue::testFinished);
    queue->sendTest(ch);
    ASSERT_TRUE(spy.wait(30'000));
    EXPECT_EQ(spy[0][0].toLongLong(), ch);
    EXPECT_TRUE(spy[0][1].toBool());
    EXPECT_EQ(spy[0][2].toString(), "HTTP 200: message 1");
    EXPECT_TRUE(jsonOf(server.requests()[0].body)["text"].toString().contains("Test message from Kairos"));
    server.queue(test::ChatReply::json(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
    queue->sendTest(ch);
    ASSERT_TRUE(spy.wait(30'000));
    EXPECT_FALSE(spy[1][1].toBool());
    EXPECT_EQ(spy[1][2].toString(), "HTTP 401: Unauthorized");
}

TEST_F(DeliveryQueueTest, SecretsNeverReachTheDatabaseOrTheErrors) {
    // GIVEN channels of every kind with secrets, and servers that fail in ways that echo the URL
    const std::string discordToken = "discord-token-Zq9wX3";
    const auto ids = fire({telegram(), discord(discordToken), webhook()});
    ChannelConfig mailChannel;
    mailChannel.kind = ChannelKind::Email;
    mailChannel.name = "Mail";
    mailChannel.smtpHost = "127.0.0.1";
    mailChannel.smtpPort = 1;  // refused
    mailChannel.smtpUser = "me";
    mailChannel.mailFrom = "a@kairos.test";
    mailChannel.mailTo = "b@kairos.test";
    const std::string smtpPassword = "smtp-secret-Pw-77";
    const std::int64_t mailId = addChannel(mailChannel, smtpPassword);
    const auto mailJobs = fire({mailId});
    server.handler = [](const test::ChatRequest& r) {
        // Servers that echo what they got: the path (with the token) and the signature's secret.
        if (r.path.startsWith("/bot"))
            return test::ChatReply::json(404, "{\"ok\":false,\"description\":\"Not Found: " + r.path.toUtf8() + "\"}");
        if (r.path.startsWith("/api/webhooks"))
            return test::ChatReply::json(404, "{\"message\":\"Unknown Webhook " + r.path.toUtf8() + "\",\"code\":10015}");
        return test::ChatReply::json(401, QByteArray("bad signature, secret was ") + kWebhookSecret);
    };
    startQueue();
    for (std::int64_t id : {ids[0], ids[1], ids[2], mailJobs[0]})
        ASSERT_TRUE(test::waitUntil([&] { return !job(id).lastError.empty() && job(id).status != DeliveryStatus::InFlight; }))
            << "job " << id << ": " << toString(job(id).status) << " " << job(id).lastReply;
    // THEN no error, no reply and no byte of the database holds a secret
    const std::vector<std::string> all = {kBotToken, kWebhookSecret, discordToken, smtpPassword};
    for (std::int64_t id : {ids[0], ids[1], ids[2], mailJobs[0]})
        for (const std::string& s : all) {
            EXPECT_EQ(job(id).lastError.find(s), std::string::npos) << job(id).lastError;
            EXPECT_EQ(job(id).lastReply.find(s), std::string::npos);
        }
    EXPECT_NE(job(ids[0]).lastError.find("Not Found: /bot***"), std::string::npos) << job(ids[0]).lastError;
    queue.reset();
    db.reset();
    for (const QString& f : QDir(QString::fromStdString(dir)).entryList(QDir::Files)) {
        QFile file(QString::fromStdString(dir) + "/" + f);
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        for (const std::string& s : all) EXPECT_FALSE(bytes.contains(QByteArray::fromStdString(s))) << f.toStdString();
    }
}

// --- kill -9: a helper process (this binary, DeliveryCrashHelper.Run) queues or sends and is killed.

/// Runs only as the helper (KAIROS_DELIVERY_HELPER=queue|send): opens the profile, adds a webhook
/// channel and records a firing ("queue": prints QUEUED and waits to be killed; "send": starts the
/// queue, whose request the test's server never answers, and waits to be killed).
TEST(DeliveryCrashHelper, Run) {
    const QByteArray mode = qgetenv("KAIROS_DELIVERY_HELPER");
    if (mode.isEmpty()) GTEST_SKIP() << "runs only as the helper process of the kill -9 tests";
    auto db = test::openDb(qEnvironmentVariable("KAIROS_HELPER_DIR").toStdString());
    ASSERT_TRUE(db);
    MemorySecretStore secrets;
    ChannelConfig c;
    c.kind = ChannelKind::Webhook;
    c.name = "Bot";
    c.webhookUrl = qEnvironmentVariable("KAIROS_HELPER_URL").toStdString();
    const std::int64_t ch = *DeliveryStore(*db).saveChannel(c);
    secrets.write(secretKey(ch), kWebhookSecret, [](const Status&) {});
    test::recordFiring(*db, test::realFiring({ch}).first, test::realFiring({ch}).second);
    std::printf("QUEUED\n");
    std::fflush(stdout);
    DeliveryQueue queue(*db, secrets);
    if (mode == "send") {
        ASSERT_TRUE(queue.start().ok());
    }
    QEventLoop loop;
    loop.exec();  // until killed
}

class DeliveryCrashTest : public DeliveryQueueTest {
protected:
    /// Runs the helper in `mode` and kills it (SIGKILL) when `killWhen` holds.
    void runAndKill(const char* mode, const std::function<bool(QProcess&)>& killWhen) {
        db.reset();  // the helper writes the profile; we open it again after the kill
        QProcess helper;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KAIROS_DELIVERY_HELPER", mode);
        env.insert("KAIROS_HELPER_DIR", QString::fromStdString(dir));
        env.insert("KAIROS_HELPER_URL", server.url().toString() + "/hooks/kairos");
        helper.setProcessEnvironment(env);
        helper.start(QCoreApplication::applicationFilePath(), {"--gtest_filter=DeliveryCrashHelper.Run"});
        ASSERT_TRUE(helper.waitForStarted());
        ASSERT_TRUE(test::waitUntil([&] { return killWhen(helper); }, 60'000)) << helper.readAllStandardOutput().toStdString();
        helper.kill();  // SIGKILL: no destructor, no clean close of the database
        ASSERT_TRUE(helper.waitForFinished());
        EXPECT_EQ(helper.exitStatus(), QProcess::CrashExit);
        db = test::openDb(dir);
        ASSERT_TRUE(db);
        secrets.write(secretKey(1), kWebhookSecret, [](const Status&) {});
    }
};

TEST_F(DeliveryCrashTest, AQueuedDeliverySurvivesKill9AndIsDeliveredOnceAfterRestart) {
    QByteArray output;
    runAndKill("queue", [&](QProcess& p) {
        output += p.readAllStandardOutput();
        return output.contains("QUEUED");
    });
    auto jobs = DeliveryStore(*db).recentJobs();
    ASSERT_EQ(jobs->size(), 1u);
    EXPECT_EQ(jobs->front().status, DeliveryStatus::Pending);
    startQueue();
    ASSERT_TRUE(waitFor(jobs->front().id, DeliveryStatus::Sent));
    queue->processDue();
    EXPECT_EQ(server.requestCount(), 1);
    EXPECT_EQ(job(jobs->front().id).attempts, 1);
}

TEST_F(DeliveryCrashTest, KilledDuringTheRequestItIsSentAgainOnceWithTheSameDeliveryId) {
    server.queue(test::ChatReply::hold());  // the helper's request never gets an answer
    runAndKill("send", [&](QProcess&) { return server.requestCount() == 1; });
    auto jobs = DeliveryStore(*db).recentJobs();
    ASSERT_EQ(jobs->size(), 1u);
    EXPECT_EQ(jobs->front().status, DeliveryStatus::InFlight);
    startQueue();  // at least once: the interrupted request is made again
    ASSERT_TRUE(waitFor(jobs->front().id, DeliveryStatus::Sent));
    queue->processDue();
    ASSERT_EQ(server.requestCount(), 2);
    EXPECT_EQ(server.requests()[0].header("X-Kairos-Delivery"), server.requests()[1].header("X-Kairos-Delivery"));
    EXPECT_EQ(job(jobs->front().id).attempts, 2);
}

}  // namespace
