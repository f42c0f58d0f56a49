// core/cloud against a real kairosd (started as a process, SQLite and e-mail files in a temporary
// directory): the account life cycle, refresh rotation and reuse, two-factor sign-in, automatic
// renewal of the access token, errors, and the terminal without a server.
#include "localkairosd.h"

#include "alerts/secretstore.h"
#include "cloud/cloudclient.h"

#include <QDateTime>
#include <QTcpServer>

#include <gtest/gtest.h>

namespace kairos::cloud {
namespace {

using test::LocalKairosd;
using test::waitUntilTrue;

const QString kPassword = QStringLiteral("correct horse battery staple 42");

/// Runs `start(callback)` and waits for the callback's outcome.
template <class T, class F>
Outcome<T> await(F&& start) {
    std::optional<Outcome<T>> result;
    start([&](Outcome<T> r) { result.emplace(std::move(r)); });
    if (!waitUntilTrue([&] { return result.has_value(); })) {
        CloudError e;
        e.code = QStringLiteral("test_timeout");
        e.message = QStringLiteral("no answer within 30 s");
        return e;
    }
    return std::move(*result);
}

/// The keychain of the tests: in memory, counting writes (each refresh rotation writes once).
class CountingSecretStore : public alerts::ISecretStore {
public:
    void read(const std::string& key, ReadCallback done) override { m_inner.read(key, std::move(done)); }
    void write(const std::string& key, const std::string& secret, WriteCallback done) override {
        ++writes;
        m_inner.write(key, secret, std::move(done));
    }
    void remove(const std::string& key, WriteCallback done) override { m_inner.remove(key, std::move(done)); }
    /// The stored secret, or "" when there is none.
    std::string stored(const std::string& key) {
        std::string out;
        m_inner.read(key, [&](Result<std::string> r) { out = r ? *r : ""; });
        return out;
    }
    int writes = 0;

private:
    alerts::MemorySecretStore m_inner;
};

class CloudClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        const QString error = server.start();
        ASSERT_TRUE(error.isEmpty()) << error.toStdString();
        client = std::make_unique<CloudClient>(server.url(), keychain);
        client->setClock([this] { return QDateTime::currentMSecsSinceEpoch() + m_clockOffsetMs; });
    }
    std::string storedRefreshToken() { return keychain.stored(client->secretKey().toStdString()); }
    void advanceClockSeconds(qint64 s) { m_clockOffsetMs += s * 1000; }

    /// Registers `email` and verifies it with the link token of the e-mail the server wrote.
    void signUpAndVerify(const QString& email) {
        auto reg = await<Done>([&](auto cb) { client->registerAccount(email, kPassword, cb); });
        ASSERT_TRUE(reg.ok()) << reg.error().describe().toStdString();
        const QString mail = server.waitForMail(email, QStringLiteral("Verify your e-mail"));
        ASSERT_FALSE(mail.isEmpty()) << "no verification e-mail in " << server.mailDir().toStdString();
        const QString link = LocalKairosd::linkIn(mail);
        ASSERT_FALSE(link.isEmpty());
        auto ver = await<Done>([&](auto cb) { client->verifyEmailToken(link, cb); });  // the whole link, as pasted
        ASSERT_TRUE(ver.ok()) << ver.error().describe().toStdString();
    }

    LocalKairosd server;
    CountingSecretStore keychain;
    std::unique_ptr<CloudClient> client;

private:
    qint64 m_clockOffsetMs = 0;
};

TEST_F(CloudClientTest, SignUpVerifySignInRefreshRotatesAndAReusedRefreshTokenEndsTheSession) {
    // GIVEN a verified account
    const QString email = QStringLiteral("ada@example.org");
    ASSERT_NO_FATAL_FAILURE(signUpAndVerify(email));
    // WHEN it signs in
    std::vector<CloudState> states;
    QObject::connect(client.get(), &CloudClient::stateChanged, [&](CloudState s) { states.push_back(s); });
    auto in = await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); });
    ASSERT_TRUE(in.ok()) << in.error().describe().toStdString();
    // THEN the account is loaded (GET /me) and the refresh token is in the keychain only
    EXPECT_EQ(in->email, email);
    EXPECT_TRUE(in->verified);
    EXPECT_TRUE(in->roles.contains(QStringLiteral("user")));
    EXPECT_TRUE(client->isSignedIn());
    ASSERT_FALSE(states.empty());
    EXPECT_EQ(states.back(), CloudState::SignedIn);
    const std::string first = storedRefreshToken();
    ASSERT_GE(first.size(), 32u);

    // WHEN the access token has expired (15 min on the client's clock) and the account is read again
    advanceClockSeconds(16 * 60);
    auto me = await<AccountInfo>([&](auto cb) { client->reloadAccount(cb); });
    ASSERT_TRUE(me.ok()) << me.error().describe().toStdString();
    // THEN the client refreshed first: a new (rotated) refresh token is stored
    const std::string second = storedRefreshToken();
    EXPECT_FALSE(second.empty());
    EXPECT_NE(second, first);

    // WHEN another client presents the already-rotated token
    CountingSecretStore otherKeychain;
    CloudClient stale(server.url(), otherKeychain);
    otherKeychain.write(stale.secretKey().toStdString(), first, [](const Status&) {});
    auto reused = await<AccountInfo>([&](auto cb) { stale.restoreSession(cb); });
    // THEN it is refused, and the whole token family is revoked: the first client's next refresh fails too
    ASSERT_FALSE(reused.ok());
    EXPECT_EQ(reused.error().httpStatus, 401);
    EXPECT_EQ(stale.state(), CloudState::SignedOut);
    EXPECT_TRUE(otherKeychain.stored(stale.secretKey().toStdString()).empty());
    advanceClockSeconds(16 * 60);
    auto after = await<AccountInfo>([&](auto cb) { client->reloadAccount(cb); });
    ASSERT_FALSE(after.ok());
    EXPECT_EQ(after.error().httpStatus, 401);
    EXPECT_TRUE(after.error().describe().contains(QStringLiteral("sign in again"))) << after.error().describe().toStdString();
    EXPECT_EQ(client->state(), CloudState::SignedOut);
    EXPECT_FALSE(client->account().has_value());
    EXPECT_TRUE(storedRefreshToken().empty());
}

TEST_F(CloudClientTest, SignOutEndsTheSessionOnTheServerAndForgetsTheStoredToken) {
    const QString email = QStringLiteral("grace@example.org");
    ASSERT_NO_FATAL_FAILURE(signUpAndVerify(email));
    auto in = await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); });
    ASSERT_TRUE(in.ok()) << in.error().describe().toStdString();
    const std::string token = storedRefreshToken();
    ASSERT_FALSE(token.empty());

    auto out = await<Done>([&](auto cb) { client->signOut(cb); });
    ASSERT_TRUE(out.ok()) << out.error().describe().toStdString();
    EXPECT_EQ(client->state(), CloudState::SignedOut);
    EXPECT_TRUE(storedRefreshToken().empty());

    // The refresh token of the ended session no longer works anywhere.
    CountingSecretStore otherKeychain;
    CloudClient other(server.url(), otherKeychain);
    otherKeychain.write(other.secretKey().toStdString(), token, [](const Status&) {});
    auto restored = await<AccountInfo>([&](auto cb) { other.restoreSession(cb); });
    ASSERT_FALSE(restored.ok());
    EXPECT_EQ(restored.error().httpStatus, 401);
}

TEST_F(CloudClientTest, ARestartedTerminalRestoresItsSessionFromTheKeychain) {
    const QString email = QStringLiteral("restore@example.org");
    ASSERT_NO_FATAL_FAILURE(signUpAndVerify(email));
    ASSERT_TRUE(await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); }).ok());
    client.reset();  // the terminal quits; the keychain keeps the refresh token

    CloudClient next(server.url(), keychain);
    auto restored = await<AccountInfo>([&](auto cb) { next.restoreSession(cb); });
    ASSERT_TRUE(restored.ok()) << restored.error().describe().toStdString();
    EXPECT_EQ(restored->email, email);
    EXPECT_EQ(next.state(), CloudState::SignedIn);
}

TEST_F(CloudClientTest, ConcurrentCallsWithAnExpiredAccessTokenShareOneRefresh) {
    const QString email = QStringLiteral("many@example.org");
    ASSERT_NO_FATAL_FAILURE(signUpAndVerify(email));
    ASSERT_TRUE(await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); }).ok());
    const int writesBefore = keychain.writes;
    advanceClockSeconds(16 * 60);
    // WHEN three calls and the sync engine's token provider start together
    std::optional<Outcome<AccountInfo>> me;
    std::optional<Outcome<std::vector<SessionInfo>>> sessions;
    std::optional<Outcome<QByteArray>> exported;
    std::optional<Outcome<QString>> token;
    client->reloadAccount([&](Outcome<AccountInfo> r) { me.emplace(std::move(r)); });
    client->listSessions([&](Outcome<std::vector<SessionInfo>> r) { sessions.emplace(std::move(r)); });
    client->exportData([&](Outcome<QByteArray> r) { exported.emplace(std::move(r)); });
    client->tokenProvider()([&](Outcome<QString> r) { token.emplace(std::move(r)); });
    ASSERT_TRUE(waitUntilTrue([&] { return me && sessions && exported && token; }));
    // THEN all succeed on one rotation (a second refresh would have presented a rotated token)
    ASSERT_TRUE(me->ok()) << me->error().describe().toStdString();
    ASSERT_TRUE(sessions->ok()) << sessions->error().describe().toStdString();
    ASSERT_TRUE(exported->ok()) << exported->error().describe().toStdString();
    ASSERT_TRUE(token->ok());
    EXPECT_FALSE(token->value().isEmpty());
    EXPECT_EQ(keychain.writes, writesBefore + 1);
    ASSERT_EQ(sessions->value().size(), 1u);
    EXPECT_TRUE(sessions->value().front().current);
    EXPECT_TRUE(exported->value().contains(email.toUtf8()));
}

TEST_F(CloudClientTest, ARefusedAccessTokenIsRenewedOnceAndTheCallSentAgain) {
    const auto keyLine = [](const char* kid, char fill) -> QString {
        return QString::fromLatin1(kid) + QLatin1Char(' ') +
            QString::fromLatin1(QByteArray(32, fill).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    // GIVEN a session whose access token the server's first key signed
    server.stop();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KAIROSD_JWT_KEY"), keyLine("k1", 'a'));
    ASSERT_TRUE(server.start(env).isEmpty());
    const QString email = QStringLiteral("rotate@example.org");
    ASSERT_NO_FATAL_FAILURE(signUpAndVerify(email));
    ASSERT_TRUE(await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); }).ok());
    const std::string before = storedRefreshToken();
    const int writesBefore = keychain.writes;
    // WHEN the server restarts (same port and database) knowing only a new key, so that access token,
    // unexpired by the client's clock, is refused with 401
    server.stop();
    env.insert(QStringLiteral("KAIROSD_JWT_KEY"), keyLine("k2", 'b'));
    const QString restarted = server.start(env);
    ASSERT_TRUE(restarted.isEmpty()) << restarted.toStdString();
    ASSERT_EQ(server.url(), client->serverUrl());
    auto me = await<AccountInfo>([&](auto cb) { client->reloadAccount(cb); });
    // THEN the client refreshed once and sent the call again
    ASSERT_TRUE(me.ok()) << me.error().describe().toStdString();
    EXPECT_EQ(me->email, email);
    EXPECT_EQ(keychain.writes, writesBefore + 1);
    EXPECT_NE(storedRefreshToken(), before);
}

TEST_F(CloudClientTest, TwoFactorEnrolConfirmSignInWithACodeAndDisableWithARecoveryCode) {
    const QString email = QStringLiteral("totp@example.org");
    ASSERT_NO_FATAL_FAILURE(signUpAndVerify(email));
    ASSERT_TRUE(await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); }).ok());

    auto enrol = await<TotpEnrolment>([&](auto cb) { client->beginTotp(cb); });
    ASSERT_TRUE(enrol.ok()) << enrol.error().describe().toStdString();
    EXPECT_TRUE(enrol->otpauthUri.startsWith(QStringLiteral("otpauth://totp/")));
    EXPECT_TRUE(enrol->otpauthUri.contains(QStringLiteral("secret=") + enrol->secretBase32));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    auto wrong = await<QStringList>([&](auto cb) {
        client->confirmTotp(QStringLiteral("000000") == test::totpCode(enrol->secretBase32, now) ? QStringLiteral("111111")
                                                                                                 : QStringLiteral("000000"),
                            cb);
    });
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, QStringLiteral("totp_invalid"));
    auto codes = await<QStringList>([&](auto cb) { client->confirmTotp(test::totpCode(enrol->secretBase32, now), cb); });
    ASSERT_TRUE(codes.ok()) << codes.error().describe().toStdString();
    EXPECT_EQ(codes->size(), 10);
    ASSERT_TRUE(client->account().has_value());
    EXPECT_TRUE(client->account()->twoFactor);

    ASSERT_TRUE(await<Done>([&](auto cb) { client->signOut(cb); }).ok());
    auto noCode = await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); });
    ASSERT_FALSE(noCode.ok());
    EXPECT_EQ(noCode.error().code, QStringLiteral("totp_required"));
    EXPECT_FALSE(noCode.error().describe().isEmpty());
    const QString next = test::totpCode(enrol->secretBase32, now + 30);  // the next step: the confirm's code is spent
    auto in = await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, next, cb); });
    ASSERT_TRUE(in.ok()) << in.error().describe().toStdString();
    EXPECT_TRUE(in->twoFactor);
    // A code is accepted once.
    CloudClient second(server.url(), keychain);
    auto replay = await<AccountInfo>([&](auto cb) { second.signIn(email, kPassword, next, cb); });
    ASSERT_FALSE(replay.ok());
    EXPECT_EQ(replay.error().code, QStringLiteral("totp_invalid"));

    auto off = await<Done>([&](auto cb) { client->disableTotp(kPassword, codes->front(), cb); });
    ASSERT_TRUE(off.ok()) << off.error().describe().toStdString();
    EXPECT_FALSE(client->account()->twoFactor);
    auto reloaded = await<AccountInfo>([&](auto cb) { client->reloadAccount(cb); });
    ASSERT_TRUE(reloaded.ok());
    EXPECT_FALSE(reloaded->twoFactor);
}

TEST_F(CloudClientTest, ErrorsCarryTheServersCodeMessageAndField) {
    auto weak = await<Done>(
        [&](auto cb) { client->registerAccount(QStringLiteral("weak@example.org"), QStringLiteral("password"), cb); });
    ASSERT_FALSE(weak.ok());
    EXPECT_EQ(weak.error().httpStatus, 400);
    EXPECT_EQ(weak.error().code, QStringLiteral("weak_password"));
    EXPECT_EQ(weak.error().field, QStringLiteral("password"));
    EXPECT_TRUE(weak.error().describe().contains(QStringLiteral("(field: password)"))) << weak.error().describe().toStdString();

    const QString email = QStringLiteral("unverified@example.org");
    ASSERT_TRUE(await<Done>([&](auto cb) { client->registerAccount(email, kPassword, cb); }).ok());
    auto unverified = await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); });
    ASSERT_FALSE(unverified.ok());
    EXPECT_EQ(unverified.error().code, QStringLiteral("email_not_verified"));

    auto wrong = await<AccountInfo>([&](auto cb) { client->signIn(email, QStringLiteral("not the password at all"), {}, cb); });
    auto unknown = await<AccountInfo>([&](auto cb) { client->signIn(QStringLiteral("nobody@example.org"), kPassword, {}, cb); });
    ASSERT_FALSE(wrong.ok());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(wrong.error().code, QStringLiteral("invalid_credentials"));
    EXPECT_EQ(wrong.error().describe(), unknown.error().describe());  // no enumeration

    auto badCode = await<Done>([&](auto cb) { client->verifyEmailCode(email, QStringLiteral("12345"), cb); });
    ASSERT_FALSE(badCode.ok());
    EXPECT_EQ(badCode.error().field, QStringLiteral("code"));

    auto noSession = await<std::vector<SessionInfo>>([&](auto cb) { client->listSessions(cb); });
    ASSERT_FALSE(noSession.ok());
    EXPECT_EQ(noSession.error().code, QStringLiteral("signed_out"));
    EXPECT_EQ(client->state(), CloudState::SignedOut);
}

TEST_F(CloudClientTest, VerificationByCodeAndTheAdminCallsNeedTheAdminRole) {
    const QString email = QStringLiteral("code@example.org");
    ASSERT_TRUE(await<Done>([&](auto cb) { client->registerAccount(email, kPassword, cb); }).ok());
    const QString code = LocalKairosd::codeIn(server.waitForMail(email, QStringLiteral("Verify your e-mail")));
    ASSERT_EQ(code.size(), 6);
    auto ver = await<Done>([&](auto cb) { client->verifyEmailCode(email, code, cb); });
    ASSERT_TRUE(ver.ok()) << ver.error().describe().toStdString();
    ASSERT_TRUE(await<AccountInfo>([&](auto cb) { client->signIn(email, kPassword, {}, cb); }).ok());
    EXPECT_FALSE(client->account()->isAdmin());
    auto list = await<std::vector<AccountInfo>>([&](auto cb) { client->adminListAccounts({}, 50, 0, cb); });
    ASSERT_FALSE(list.ok());
    EXPECT_EQ(list.error().httpStatus, 403);

    auto health = await<ServerHealth>([&](auto cb) { client->serverHealth(cb); });
    ASSERT_TRUE(health.ok()) << health.error().describe().toStdString();
    EXPECT_TRUE(health->live);
    EXPECT_TRUE(health->ready) << health->notReadyReason.toStdString();
    EXPECT_FALSE(health->version.isEmpty());
    // One successful sign-in so far (this test's).
    EXPECT_EQ(health->metric(QStringLiteral("kairosd_logins_total"), QStringLiteral("result=\"ok\"")), 1.0);
    EXPECT_GE(health->metric(QStringLiteral("kairosd_http_requests_total")).value_or(0), 4.0);
}

TEST(CloudClientOffline, WithoutAServerCallsFailAsUnreachableAndAStoredSessionIsKept) {
    // A port nobody listens on: bind one, note it, close it.
    QTcpServer probe;
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    alerts::MemorySecretStore keychain;
    CloudClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), keychain);

    auto reg = await<Done>([&](auto cb) { client.registerAccount(QStringLiteral("a@example.org"), kPassword, cb); });
    ASSERT_FALSE(reg.ok());
    EXPECT_TRUE(reg.error().isUnreachable());
    EXPECT_EQ(reg.error().httpStatus, 0);
    EXPECT_TRUE(reg.error().describe().contains(QStringLiteral("127.0.0.1:%1").arg(port)))
        << reg.error().describe().toStdString();

    auto none = await<AccountInfo>([&](auto cb) { client.restoreSession(cb); });
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(client.state(), CloudState::SignedOut);  // nothing stored: simply signed out

    keychain.write(client.secretKey().toStdString(), "a-stored-refresh-token", [](const Status&) {});
    auto stored = await<AccountInfo>([&](auto cb) { client.restoreSession(cb); });
    ASSERT_FALSE(stored.ok());
    EXPECT_TRUE(stored.error().isUnreachable());
    EXPECT_EQ(client.state(), CloudState::Unreachable);
    std::string kept;
    keychain.read(client.secretKey().toStdString(), [&](Result<std::string> r) { kept = r ? *r : ""; });
    EXPECT_EQ(kept, "a-stored-refresh-token");
}

}  // namespace
}  // namespace kairos::cloud
