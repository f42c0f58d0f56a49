// The account service on SQLite and PostgreSQL: sign-up, verification, sign-in, tokens and
// sessions, 2FA, password and e-mail changes, administration, deletion and export, audit, rate
// limits, the mail queue and a sweep for secrets stored in clear.

#include "accounts_fixture.h"

#include "accounts/crypto.h"
#include "accounts/mailqueue.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <thread>

using kairos::server::accounts::ErrorCode;
using kairos::server::testing::AccountsTest;
namespace acc = kairos::server::accounts;
namespace db = kairos::server::db;

namespace {

const std::string kPassword = "correct horse battery staple";

class AccountLifecycle : public AccountsTest {};

TEST_P(AccountLifecycle, RegisterVerifyLoginRefreshMeLogout) {
    // GIVEN a new address WHEN it registers THEN a verification e-mail with a link and a code is queued
    auto reg = service().registerAccount("  Alice@Example.COM ", kPassword, m_meta);
    ASSERT_TRUE(reg.ok()) << reg.error().message;
    const std::string mail = lastMailTo("alice@example.com");
    ASSERT_NE(mail.find("Subject: Verify your e-mail address"), std::string::npos) << mail;
    const std::string token = tokenIn(mail);
    EXPECT_EQ(token.size(), 43u);  // 256 bits, base64url
    EXPECT_EQ(codeIn(mail).size(), 6u);

    // an unverified account cannot sign in
    auto early = service().login("alice@example.com", kPassword, "", m_meta);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.code(), ErrorCode::EmailNotVerified);

    ASSERT_TRUE(service().verifyEmail(token, m_meta).ok());
    EXPECT_EQ(service().verifyEmail(token, m_meta).code(), ErrorCode::InvalidToken) << "a link works once";

    auto login = service().login("ALICE@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_EQ(login->expiresInSeconds, 900);
    auto claims = service().authenticate(login->accessToken);
    ASSERT_TRUE(claims.ok()) << claims.error().message;
    auto me = service().me(claims->accountId);
    ASSERT_TRUE(me.ok());
    EXPECT_EQ(me->email, "alice@example.com");
    EXPECT_EQ(me->roles, std::vector<std::string>{"user"});
    EXPECT_TRUE(me->verified);

    auto next = service().refresh(login->refreshToken, m_meta);
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_NE(next->refreshToken, login->refreshToken);
    EXPECT_EQ(next->sessionId, login->sessionId);
    ASSERT_TRUE(service().authenticate(next->accessToken).ok());

    ASSERT_TRUE(service().logout(next->refreshToken, m_meta).ok());
    EXPECT_EQ(service().authenticate(next->accessToken).code(), ErrorCode::InvalidToken) << "logout ends the session";
    EXPECT_EQ(service().refresh(next->refreshToken, m_meta).code(), ErrorCode::InvalidToken);
}

TEST_P(AccountLifecycle, VerificationByCodeAndExpiry) {
    ASSERT_TRUE(service().registerAccount("bob@example.com", kPassword, m_meta).ok());
    const std::string code = codeIn(lastMailTo("bob@example.com"));
    const std::string wrong = code == "000000" ? "111111" : "000000";
    EXPECT_EQ(service().verifyEmailCode("bob@example.com", wrong, m_meta).code(), ErrorCode::InvalidToken);
    ASSERT_TRUE(service().verifyEmailCode("bob@example.com", code, m_meta).ok());

    // A link older than 24 h is refused; resend gives a fresh one that works.
    ASSERT_TRUE(service().registerAccount("carol@example.com", kPassword, m_meta).ok());
    const std::string old = tokenIn(lastMailTo("carol@example.com"));
    advanceSeconds(24 * 3600 + 1);
    EXPECT_EQ(service().verifyEmail(old, m_meta).code(), ErrorCode::InvalidToken);
    ASSERT_TRUE(service().resendVerification("carol@example.com", m_meta).ok());
    const std::string fresh = tokenIn(lastMailTo("carol@example.com"));
    ASSERT_NE(fresh, old);
    EXPECT_TRUE(service().verifyEmail(fresh, m_meta).ok());
}

TEST_P(AccountLifecycle, RegisterAndResendAnswerAlikeForKnownAndUnknownAddresses) {
    registerVerified("dave@example.com", kPassword);
    auto again = service().registerAccount("dave@example.com", "another long passphrase", m_meta);
    auto fresh = service().registerAccount("erin@example.com", "another long passphrase", m_meta);
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(countRows("SELECT count(*) FROM accounts WHERE email = ?", {std::string("dave@example.com")}), 1);
    // the owner of the known address is told instead
    EXPECT_NE(lastMailTo("dave@example.com").find("Someone tried to sign up"), std::string::npos);
    EXPECT_TRUE(service().resendVerification("nobody@example.com", m_meta).ok());
    EXPECT_TRUE(service().requestPasswordReset("nobody@example.com", m_meta).ok());
    EXPECT_EQ(lastMailTo("nobody@example.com"), "");
}

TEST_P(AccountLifecycle, PasswordRulesAndInputErrorsNameTheField) {
    auto shortPw = service().registerAccount("f@example.com", "ééééééé", m_meta);  // 7 code points, 14 bytes
    EXPECT_EQ(shortPw.code(), ErrorCode::WeakPassword);
    EXPECT_EQ(shortPw.error().field, "password");
    EXPECT_TRUE(service().registerAccount("f@example.com", "éééééééé", m_meta).ok());  // 8 code points
    EXPECT_EQ(service().registerAccount("g@example.com", std::string(129, 'x'), m_meta).code(), ErrorCode::WeakPassword);
    EXPECT_TRUE(service().registerAccount("g@example.com", std::string(128, 'x'), m_meta).ok());
    auto common = service().registerAccount("h@example.com", "Password1", m_meta);
    EXPECT_EQ(common.code(), ErrorCode::WeakPassword);
    EXPECT_NE(common.error().message.find("most common"), std::string::npos);
    EXPECT_EQ(common.error().message.find("Password1"), std::string::npos) << "errors never echo the password";
    auto badEmail = service().registerAccount("not-an-address", kPassword, m_meta);
    EXPECT_EQ(badEmail.code(), ErrorCode::InvalidInput);
    EXPECT_EQ(badEmail.error().field, "email");
}

TEST_P(AccountLifecycle, WrongPasswordAndUnknownAddressGetTheSameAnswer) {
    registerVerified("ivan@example.com", kPassword);
    auto wrong = service().login("ivan@example.com", "not the password", "", m_meta);
    auto unknown = service().login("nobody@example.com", "not the password", "", m_meta);
    ASSERT_FALSE(wrong.ok());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(wrong.code(), ErrorCode::InvalidCredentials);
    EXPECT_EQ(unknown.code(), wrong.code());
    EXPECT_EQ(unknown.error().message, wrong.error().message);
    EXPECT_EQ(unknown.error().field, wrong.error().field);
    EXPECT_EQ(countRows("SELECT count(*) FROM audit_events WHERE kind = 'login_failed'"), 2);
}

TEST_P(AccountLifecycle, ReusingARotatedRefreshTokenRevokesTheFamilyAndIsAudited) {
    registerVerified("judy@example.com", kPassword);
    auto first = service().login("judy@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(first.ok());
    auto second = service().refresh(first->refreshToken, m_meta);
    ASSERT_TRUE(second.ok());
    // WHEN the rotated token comes back (a thief's copy)
    auto reuse = service().refresh(first->refreshToken, m_meta);
    EXPECT_EQ(reuse.code(), ErrorCode::TokenReused);
    // THEN the whole family is dead, the current pair too
    EXPECT_EQ(service().refresh(second->refreshToken, m_meta).code(), ErrorCode::InvalidToken);
    EXPECT_EQ(service().authenticate(second->accessToken).code(), ErrorCode::InvalidToken);
    EXPECT_EQ(countRows("SELECT count(*) FROM audit_events WHERE kind = 'refresh_token_reuse'"), 1);
    EXPECT_EQ(countRows("SELECT count(*) FROM sessions WHERE revoke_reason = 'refresh_token_reuse'"), 1);
    // an unrelated session of the same account lives on
    auto other = service().login("judy@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(other.ok());
    EXPECT_TRUE(service().refresh(other->refreshToken, m_meta).ok());
}

TEST_P(AccountLifecycle, AccessAndRefreshTokensExpire) {
    registerVerified("ken@example.com", kPassword);
    auto pair = service().login("ken@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(pair.ok());
    advanceSeconds(900);
    auto expired = service().authenticate(pair->accessToken);
    EXPECT_EQ(expired.code(), ErrorCode::InvalidToken);
    EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
    advanceSeconds(30LL * 24 * 3600);
    EXPECT_EQ(service().refresh(pair->refreshToken, m_meta).code(), ErrorCode::InvalidToken);
}

TEST_P(AccountLifecycle, SessionsAreListedAndRevoked) {
    registerVerified("lena@example.com", kPassword);
    auto laptop = service().login("lena@example.com", kPassword, "", {"198.51.100.1", "Laptop"});
    auto phone = service().login("lena@example.com", kPassword, "", {"198.51.100.2", "Phone"});
    ASSERT_TRUE(laptop.ok() && phone.ok());
    const auto id = service().authenticate(laptop->accessToken)->accountId;
    auto list = service().listSessions(id, laptop->sessionId);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    int current = 0;
    for (const auto& s : *list) {
        EXPECT_TRUE(s.userAgent == "Laptop" || s.userAgent == "Phone");
        EXPECT_EQ(s.createdMs, kStartMs);
        current += s.current ? 1 : 0;
    }
    EXPECT_EQ(current, 1);
    ASSERT_TRUE(service().revokeSession(id, phone->sessionId, m_meta).ok());
    EXPECT_EQ(service().revokeSession(id, phone->sessionId, m_meta).code(), ErrorCode::NotFound);
    EXPECT_EQ(service().authenticate(phone->accessToken).code(), ErrorCode::InvalidToken);
    EXPECT_EQ(service().listSessions(id, 0)->size(), 1u);
    ASSERT_TRUE(service().revokeAllSessions(id, 0, m_meta).ok());
    EXPECT_EQ(service().authenticate(laptop->accessToken).code(), ErrorCode::InvalidToken);
}

TEST_P(AccountLifecycle, LoginRehashesWhenTheCostWasRaised) {
    registerVerified("mia@example.com", kPassword);
    const auto hashOf = [&] {
        auto c = database().acquire();
        return (*db::queryOne(**c, "SELECT password_hash FROM accounts WHERE email = 'mia@example.com'"))->text(0);
    };
    const std::string before = hashOf();
    EXPECT_EQ(before.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << before;
    // WHEN the server's cost is raised (t = 3) and the user signs in
    auto raised = accountsConfig();
    raised.passwordHash.opsLimit = 3;
    acc::AccountService stronger(database(), testKeys(), raised, clock());
    ASSERT_TRUE(stronger.login("mia@example.com", kPassword, "", m_meta).ok());
    // THEN the stored hash uses the new cost and still verifies
    const std::string after = hashOf();
    EXPECT_EQ(after.rfind("$argon2id$v=19$m=19456,t=3,p=1$", 0), 0u) << after;
    EXPECT_TRUE(stronger.login("mia@example.com", kPassword, "", m_meta).ok());
}

TEST_P(AccountLifecycle, RepeatedFailuresLockTheAccountForGrowingDelays) {
    registerVerified("nick@example.com", kPassword);
    for (int i = 0; i < acc::RateLimiter::kFreeFailures; ++i)
        EXPECT_EQ(service().login("nick@example.com", "wrong password!", "", m_meta).code(), ErrorCode::InvalidCredentials);
    EXPECT_EQ(service().login("nick@example.com", "wrong password!", "", m_meta).code(), ErrorCode::InvalidCredentials);
    auto locked = service().login("nick@example.com", kPassword, "", m_meta);
    ASSERT_EQ(locked.code(), ErrorCode::RateLimited);
    EXPECT_EQ(locked.error().retryAfterSeconds, 30);
    advanceSeconds(30);
    EXPECT_EQ(service().login("nick@example.com", "wrong password!", "", m_meta).code(), ErrorCode::InvalidCredentials);
    EXPECT_EQ(service().login("nick@example.com", kPassword, "", m_meta).error().retryAfterSeconds, 60) << "the delay doubles";
    advanceSeconds(60);
    ASSERT_TRUE(service().login("nick@example.com", kPassword, "", m_meta).ok());
    // a success clears the count
    EXPECT_EQ(service().login("nick@example.com", "wrong password!", "", m_meta).code(), ErrorCode::InvalidCredentials);
    EXPECT_EQ(service().login("nick@example.com", kPassword, "", m_meta).ok(), true);
}

TEST_P(AccountLifecycle, LoginsPerIpAreRateLimitedWithRetryAfter) {
    const acc::RequestMeta meta{"203.0.113.9", "bot"};
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(service().login("u" + std::to_string(i) + "@example.com", kPassword, "", meta).code(),
                  ErrorCode::InvalidCredentials);
    auto limited = service().login("u99@example.com", kPassword, "", meta);
    ASSERT_EQ(limited.code(), ErrorCode::RateLimited);
    EXPECT_EQ(limited.error().retryAfterSeconds, 3);  // 20 a minute: one token every 3 s
    // another IP is not affected
    EXPECT_EQ(service().login("u99@example.com", kPassword, "", m_meta).code(), ErrorCode::InvalidCredentials);
    advanceSeconds(3);
    EXPECT_EQ(service().login("u99@example.com", kPassword, "", meta).code(), ErrorCode::InvalidCredentials);
}

TEST_P(AccountLifecycle, TwoFactorEnrolLoginReplayRecoveryAndDisable) {
    registerVerified("olga@example.com", kPassword);
    const auto id = service().authenticate(service().login("olga@example.com", kPassword, "", m_meta)->accessToken)->accountId;
    auto enrol = service().beginTotp(id, m_meta);
    ASSERT_TRUE(enrol.ok());
    EXPECT_EQ(enrol->otpauthUri.rfind("otpauth://totp/Kairos:olga@example.com?secret=" + enrol->secretBase32, 0), 0u)
        << enrol->otpauthUri;
    const std::string secret = *acc::base32Decode(enrol->secretBase32);
    const auto codeNow = [&] { return acc::totp(secret, m_now.load() / 1000); };
    EXPECT_EQ(service().confirmTotp(id, codeNow() == "000000" ? "000001" : "000000", m_meta).code(), ErrorCode::TotpInvalid);
    auto codes = service().confirmTotp(id, codeNow(), m_meta);
    ASSERT_TRUE(codes.ok()) << codes.error().message;
    ASSERT_EQ(codes->size(), 10u);
    EXPECT_EQ((*codes)[0].size(), 11u);  // XXXXX-XXXXX

    // sign-in now needs the second factor; the code used for enrolment is spent
    EXPECT_EQ(service().login("olga@example.com", kPassword, "", m_meta).code(), ErrorCode::TotpRequired);
    EXPECT_EQ(service().login("olga@example.com", kPassword, codeNow(), m_meta).code(), ErrorCode::TotpInvalid);
    advanceSeconds(30);
    const std::string code = codeNow();
    ASSERT_TRUE(service().login("olga@example.com", kPassword, code, m_meta).ok());
    EXPECT_EQ(service().login("olga@example.com", kPassword, code, m_meta).code(), ErrorCode::TotpInvalid) << "replay";
    // a recovery code works once
    ASSERT_TRUE(service().login("olga@example.com", kPassword, (*codes)[3], m_meta).ok());
    EXPECT_EQ(service().login("olga@example.com", kPassword, (*codes)[3], m_meta).code(), ErrorCode::TotpInvalid);
    // disabling needs the password and a code
    advanceSeconds(30);
    EXPECT_EQ(service().disableTotp(id, "wrong password!", codeNow(), m_meta).code(), ErrorCode::InvalidCredentials);
    EXPECT_EQ(service().disableTotp(id, kPassword, "123", m_meta).code(), ErrorCode::TotpInvalid);
    ASSERT_TRUE(service().disableTotp(id, kPassword, codeNow(), m_meta).ok());
    EXPECT_TRUE(service().login("olga@example.com", kPassword, "", m_meta).ok());
    EXPECT_EQ(countRows("SELECT count(*) FROM audit_events WHERE kind IN ('totp_enabled', 'totp_disabled', 'totp_failed')"), 5)
        << "enabled, disabled, and three refused codes at sign-in";
}

TEST_P(AccountLifecycle, PasswordResetIsSingleUseExpiresEndsSessionsAndKeepsTwoFactor) {
    registerVerified("pat@example.com", kPassword);
    auto session = service().login("pat@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(service().requestPasswordReset("pat@example.com", m_meta).ok());
    const std::string token = tokenIn(lastMailTo("pat@example.com"));
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(service().verifyEmail(token, m_meta).code(), ErrorCode::InvalidToken) << "a reset link does not verify";
    EXPECT_EQ(service().resetPassword(token, "short", "", m_meta).code(), ErrorCode::WeakPassword);
    ASSERT_TRUE(service().resetPassword(token, "a brand new passphrase", "", m_meta).ok());
    EXPECT_EQ(service().resetPassword(token, "yet another passphrase", "", m_meta).code(), ErrorCode::InvalidToken);
    EXPECT_EQ(service().authenticate(session->accessToken).code(), ErrorCode::InvalidToken) << "sessions end";
    EXPECT_EQ(service().login("pat@example.com", kPassword, "", m_meta).code(), ErrorCode::InvalidCredentials);
    ASSERT_TRUE(service().login("pat@example.com", "a brand new passphrase", "", m_meta).ok());

    // expired link
    ASSERT_TRUE(service().requestPasswordReset("pat@example.com", m_meta).ok());
    const std::string late = tokenIn(lastMailTo("pat@example.com"));
    advanceSeconds(3601);
    EXPECT_EQ(service().resetPassword(late, "yet another passphrase", "", m_meta).code(), ErrorCode::InvalidToken);

    // with 2FA on, the reset needs the code as well
    const auto id =
        service().authenticate(service().login("pat@example.com", "a brand new passphrase", "", m_meta)->accessToken)->accountId;
    const std::string secret = *acc::base32Decode(service().beginTotp(id, m_meta)->secretBase32);
    ASSERT_TRUE(service().confirmTotp(id, acc::totp(secret, m_now.load() / 1000), m_meta).ok());
    advanceSeconds(60);
    ASSERT_TRUE(service().requestPasswordReset("pat@example.com", m_meta).ok());
    const std::string withTwoFactor = tokenIn(lastMailTo("pat@example.com"));
    EXPECT_EQ(service().resetPassword(withTwoFactor, "yet another passphrase", "", m_meta).code(), ErrorCode::TotpRequired);
    ASSERT_TRUE(
        service().resetPassword(withTwoFactor, "yet another passphrase", acc::totp(secret, m_now.load() / 1000), m_meta).ok());
}

TEST_P(AccountLifecycle, ChangePasswordAndChangeEmail) {
    registerVerified("quinn@example.com", kPassword);
    auto a = service().login("quinn@example.com", kPassword, "", m_meta);
    auto b = service().login("quinn@example.com", kPassword, "", m_meta);
    const auto id = service().authenticate(a->accessToken)->accountId;
    EXPECT_EQ(service().changePassword(id, "wrong password!", "a new passphrase", true, a->sessionId, m_meta).code(),
              ErrorCode::InvalidCredentials);
    ASSERT_TRUE(service().changePassword(id, kPassword, "a new passphrase", true, a->sessionId, m_meta).ok());
    EXPECT_TRUE(service().authenticate(a->accessToken).ok()) << "the current session stays";
    EXPECT_EQ(service().authenticate(b->accessToken).code(), ErrorCode::InvalidToken) << "the others end";

    ASSERT_TRUE(service().changeEmail(id, "a new passphrase", "Quinn.New@Example.com", m_meta).ok());
    EXPECT_NE(lastMailTo("quinn@example.com").find("A change of your Kairos e-mail address was requested"), std::string::npos);
    const std::string link = tokenIn(lastMailTo("quinn.new@example.com"));
    ASSERT_FALSE(link.empty());
    EXPECT_EQ(service().me(id)->email, "quinn@example.com") << "nothing changes before the new address is confirmed";
    ASSERT_TRUE(service().verifyEmail(link, m_meta).ok());
    EXPECT_EQ(service().me(id)->email, "quinn.new@example.com");
    EXPECT_NE(lastMailTo("quinn@example.com").find("was changed to quinn.new@example.com"), std::string::npos);
    EXPECT_TRUE(service().login("quinn.new@example.com", "a new passphrase", "", m_meta).ok());
}

TEST_P(AccountLifecycle, AdminListsDeactivatesSetsRolesAndReadsTheAudit) {
    auto admin = service().createAdmin("root@example.com", "admin passphrase 1");
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    registerVerified("rita@example.com", kPassword);
    registerVerified("sam@example.com", kPassword);
    const auto rita = service().authenticate(service().login("rita@example.com", kPassword, "", m_meta)->accessToken)->accountId;
    auto session = service().login("rita@example.com", kPassword, "", m_meta);

    EXPECT_EQ(service().listAccounts(rita, "", 10, 0).code(), ErrorCode::Forbidden);
    auto all = service().listAccounts(*admin, "", 10, 0);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 3u);
    auto found = service().listAccounts(*admin, "RITA", 10, 0);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1u) << "search ignores case on both backends";
    EXPECT_EQ(found->front().email, "rita@example.com");
    EXPECT_EQ(service().listAccounts(*admin, "%", 10, 0)->size(), 0u) << "LIKE wildcards are literal";

    ASSERT_TRUE(service().setActive(*admin, rita, false, m_meta).ok());
    EXPECT_EQ(service().login("rita@example.com", kPassword, "", m_meta).code(), ErrorCode::AccountDisabled);
    EXPECT_EQ(service().authenticate(session->accessToken).code(), ErrorCode::InvalidToken);
    ASSERT_TRUE(service().setActive(*admin, rita, true, m_meta).ok());
    ASSERT_TRUE(service().setRoles(*admin, rita, {acc::Role::User, acc::Role::Provider}, m_meta).ok());
    EXPECT_EQ(service().me(rita)->roles, (std::vector<std::string>{"provider", "user"}));
    auto fresh = service().login("rita@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(service().adminEndSessions(*admin, rita, m_meta).ok());
    EXPECT_EQ(service().authenticate(fresh->accessToken).code(), ErrorCode::InvalidToken);

    auto events = service().readAudit(*admin, rita, 100);
    ASSERT_TRUE(events.ok());
    std::vector<std::string> kinds;
    for (const auto& e : *events) kinds.push_back(e.kind);
    for (const char* k : {"admin_deactivated", "admin_reactivated", "admin_set_roles", "admin_ended_sessions", "login_ok"})
        EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << k;
    EXPECT_EQ(events->front().ip, m_meta.ip);
    EXPECT_EQ(events->front().userAgent, m_meta.userAgent);
    EXPECT_EQ(service().readAudit(rita, 0, 10).code(), ErrorCode::Forbidden);
}

TEST_P(AccountLifecycle, ExportAndDeletion) {
    registerVerified("tom@example.com", kPassword);
    const auto id = service().authenticate(service().login("tom@example.com", kPassword, "", m_meta)->accessToken)->accountId;
    auto exported = service().exportData(id);
    ASSERT_TRUE(exported.ok());
    const auto doc = nlohmann::json::parse(*exported);
    EXPECT_EQ(doc["account"]["email"], "tom@example.com");
    EXPECT_EQ(doc["sessions"].size(), 1u);
    EXPECT_GE(doc["security_events"].size(), 2u);
    EXPECT_EQ(exported->find("argon2"), std::string::npos) << "no password hash in the export";

    EXPECT_EQ(service().deleteAccount(id, "wrong password!", m_meta).code(), ErrorCode::InvalidCredentials);
    ASSERT_TRUE(service().deleteAccount(id, kPassword, m_meta).ok());
    EXPECT_EQ(service().me(id).code(), ErrorCode::NotFound);
    EXPECT_EQ(countRows("SELECT count(*) FROM sessions WHERE account_id = ?", {id}), 0);
    EXPECT_EQ(service().login("tom@example.com", kPassword, "", m_meta).code(), ErrorCode::InvalidCredentials);
    EXPECT_EQ(countRows("SELECT count(*) FROM audit_events WHERE kind = 'account_deleted' AND account_id = ?", {id}), 1);
}

TEST_P(AccountLifecycle, TwoServersOnOneDatabaseShareSessions) {
    // Two kairosd on one database: a session made on one is refreshed and revoked on the other.
    registerVerified("uma@example.com", kPassword);
    auto second = db::Database::open(m_config);
    ASSERT_TRUE(second.ok());
    acc::AccountService other(**second, testKeys(), accountsConfig(), clock());
    auto pair = service().login("uma@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(pair.ok());
    auto rotated = other.refresh(pair->refreshToken, m_meta);
    ASSERT_TRUE(rotated.ok()) << rotated.error().message;
    ASSERT_TRUE(other.logout(rotated->refreshToken, m_meta).ok());
    EXPECT_EQ(service().authenticate(rotated->accessToken).code(), ErrorCode::InvalidToken);
    EXPECT_EQ(service().refresh(pair->refreshToken, m_meta).code(), ErrorCode::TokenReused);
}

TEST_P(AccountLifecycle, UndeliverableMailStaysQueuedWithBackOff) {
    ASSERT_TRUE(service().registerAccount("vic@example.com", kPassword, m_meta).ok());
    // a file where the mail directory should be: delivery fails
    const std::string blocked = m_config.dataDir + "/blocked";
    std::filesystem::create_directories(m_config.dataDir);
    std::ofstream(blocked) << "x";
    auto n = service().deliverMailToDir(blocked);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0);
    EXPECT_EQ(countRows("SELECT attempts FROM mail_queue"), 1);
    EXPECT_EQ(countRows("SELECT count(*) FROM mail_queue WHERE last_error IS NOT NULL AND sent_ms IS NULL"), 1);
    EXPECT_EQ(*acc::queuedMailCount(database()), 1);
    // not due again before the back-off
    EXPECT_EQ(*service().deliverMailToDir(m_mailDir), 0);
    advanceSeconds(60);
    EXPECT_EQ(*service().deliverMailToDir(m_mailDir), 1);
    EXPECT_EQ(*acc::queuedMailCount(database()), 0);
}

TEST_P(AccountLifecycle, NoSecretIsStoredInClear) {
    // GIVEN a life cycle that handles every kind of secret
    registerVerified("wes@example.com", kPassword);
    ASSERT_TRUE(service().registerAccount("xena@example.com", kPassword, m_meta).ok());
    const std::string verifyMail = lastMailTo("xena@example.com");
    auto pair = service().login("wes@example.com", kPassword, "", m_meta);
    auto rotated = service().refresh(pair->refreshToken, m_meta);
    const auto id = service().authenticate(rotated->accessToken)->accountId;
    auto enrol = service().beginTotp(id, m_meta);
    const std::string secret = *acc::base32Decode(enrol->secretBase32);
    auto codes = service().confirmTotp(id, acc::totp(secret, m_now.load() / 1000), m_meta);
    ASSERT_TRUE(codes.ok());
    ASSERT_TRUE(service().requestPasswordReset("wes@example.com", m_meta).ok());
    const std::string resetToken = tokenIn(lastMailTo("wes@example.com"));
    std::vector<std::string> secrets = {kPassword,
                                        pair->refreshToken,
                                        pair->accessToken,
                                        rotated->refreshToken,
                                        rotated->accessToken,
                                        enrol->secretBase32,
                                        tokenIn(verifyMail),
                                        codeIn(verifyMail),
                                        resetToken};
    for (const auto& c : *codes) {
        secrets.push_back(c);
        secrets.push_back(c.substr(0, 5) + c.substr(6));
    }
    // WHEN every column of every table is read as text
    auto c = database().acquire();
    const bool pg = GetParam() == db::Backend::Postgres;
    auto tables = (*c)->query(pg ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                                 : "SELECT name FROM sqlite_master WHERE type = 'table'",
                              {});
    ASSERT_TRUE(tables.ok());
    ASSERT_GE(tables->size(), 10u);
    std::size_t cells = 0;
    for (const auto& t : *tables) {
        auto rows = (*c)->query("SELECT * FROM " + t.text(0), {});
        ASSERT_TRUE(rows.ok()) << rows.message();
        for (const auto& r : *rows)
            for (std::size_t i = 0; i < r.size(); ++i) {
                ++cells;
                // THEN no secret appears in any cell
                for (const auto& s : secrets)
                    EXPECT_EQ(r.text(i).find(s), std::string::npos)
                        << "table " << t.text(0) << " column " << i << " holds a secret";
            }
    }
    EXPECT_GT(cells, 50u);
}

TEST_P(AccountLifecycle, ConcurrentRefreshesOfOneTokenRotateItOnce) {
    registerVerified("yara@example.com", kPassword);
    auto pair = service().login("yara@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(pair.ok());
    // GIVEN two requests presenting the same refresh token at once
    std::optional<acc::Outcome<acc::TokenPair>> a;
    std::optional<acc::Outcome<acc::TokenPair>> b;
    std::thread ta([&] { a = service().refresh(pair->refreshToken, m_meta); });
    std::thread tb([&] { b = service().refresh(pair->refreshToken, m_meta); });
    ta.join();
    tb.join();
    // THEN exactly one rotates it; the other is a reuse, which ends the family
    EXPECT_NE(a->ok(), b->ok());
    const auto& loser = a->ok() ? *b : *a;
    EXPECT_EQ(loser.code(), ErrorCode::TokenReused);
    EXPECT_EQ(countRows("SELECT count(*) FROM refresh_tokens WHERE rotated_ms IS NULL"), 1);
    EXPECT_EQ(countRows("SELECT count(*) FROM audit_events WHERE kind = 'refresh_token_reuse'"), 1);
}

TEST_P(AccountLifecycle, PurgeDeletesWhatHasServedItsTime) {
    registerVerified("zoe@example.com", kPassword);
    auto pair = service().login("zoe@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(service().logout(pair->refreshToken, m_meta).ok());
    auto live = service().login("zoe@example.com", kPassword, "", m_meta);
    (void)service().login("zoe@example.com", "wrong password!", "", m_meta);
    ASSERT_GT(*service().deliverMailToDir(m_mailDir), 0);
    EXPECT_EQ(*service().purgeExpired(), 0) << "nothing is old yet";
    const auto audit = countRows("SELECT count(*) FROM audit_events");
    // WHEN 31 days pass
    advanceSeconds(31LL * 24 * 3600);
    ASSERT_TRUE(service().purgeExpired().ok());
    // THEN the ended session, expired tokens and links, idle buckets and sent mail are gone; the audit log stays
    EXPECT_EQ(countRows("SELECT count(*) FROM sessions"), 1) << "the live session's row stays";
    EXPECT_EQ(countRows("SELECT count(*) FROM refresh_tokens"), 0);
    EXPECT_EQ(countRows("SELECT count(*) FROM email_tokens"), 0);
    EXPECT_EQ(countRows("SELECT count(*) FROM rate_buckets"), 0);
    EXPECT_EQ(countRows("SELECT count(*) FROM login_failures"), 0);
    EXPECT_EQ(countRows("SELECT count(*) FROM mail_queue"), 0);
    EXPECT_EQ(countRows("SELECT count(*) FROM audit_events"), audit);
    EXPECT_TRUE(live.ok());
}

TEST_P(AccountLifecycle, GuessingAPasswordOrCodeWhileSignedInIsLimited) {
    registerVerified("ada@example.com", kPassword);
    const auto id = service().authenticate(service().login("ada@example.com", kPassword, "", m_meta)->accessToken)->accountId;
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(service().deleteAccount(id, "guess " + std::to_string(i) + " wrong", m_meta).code(),
                  ErrorCode::InvalidCredentials);
    auto limited = service().changePassword(id, kPassword, "a new passphrase", false, 0, m_meta);
    ASSERT_EQ(limited.code(), ErrorCode::RateLimited);
    EXPECT_EQ(limited.error().retryAfterSeconds, 90);  // 10 per 15 minutes: one every 90 s
    advanceSeconds(90);
    EXPECT_TRUE(service().changePassword(id, kPassword, "a new passphrase", false, 0, m_meta).ok());
}

KAIROS_INSTANTIATE_BACKENDS(server_accounts, AccountLifecycle);

}  // namespace
