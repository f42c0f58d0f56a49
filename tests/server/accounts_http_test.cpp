// The account API over real HTTP (kairosd's router and socket server, in process) on SQLite and
// PostgreSQL: the life cycle of issue 14's routes and their error paths.

#include "accounts_fixture.h"

#include "accounts/accesstoken.h"
#include "accounts/crypto.h"
#include "accounts/routes.h"
#include "serverclient.h"

using kairos::server::testing::AccountsTest;
using kairos::test::HttpResponse;
using kairos::test::jsonBody;
namespace acc = kairos::server::accounts;
namespace bhttp = boost::beast::http;

namespace {

const std::string kPassword = "correct horse battery staple";

class AccountsHttp : public AccountsTest {
protected:
    void SetUp() override {
        AccountsTest::SetUp();
        if (HasFatalFailure()) return;
        m_server = std::make_unique<kairos::test::TestServer>();
        acc::registerAccountRoutes(m_server->server->router(), service(), &m_server->server->metrics());
        ASSERT_EQ(m_server->start(), "");
    }
    void TearDown() override {
        m_server.reset();
        AccountsTest::TearDown();
    }
    HttpResponse post(const std::string& target, const nlohmann::json& body) {
        return kairos::test::httpRequest(m_server->port(), bhttp::verb::post, target, body.dump());
    }
    HttpResponse get(const std::string& target, const std::string& accessToken) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!accessToken.empty()) headers.emplace_back("Authorization", "Bearer " + accessToken);
        return kairos::test::httpRequest(m_server->port(), bhttp::verb::get, target, "", headers);
    }
    /// Registers and verifies over HTTP; returns the login answer's JSON.
    nlohmann::json signedIn(const std::string& email) {
        EXPECT_EQ(post("/api/v1/auth/register", {{"email", email}, {"password", kPassword}}).result_int(), 202);
        EXPECT_EQ(post("/api/v1/auth/verify", {{"token", tokenIn(lastMailTo(email))}}).result_int(), 200);
        auto login = post("/api/v1/auth/login", {{"email", email}, {"password", kPassword}});
        EXPECT_EQ(login.result_int(), 200) << login.body();
        return jsonBody(login);
    }
    static std::string errorCode(const HttpResponse& r) {
        const auto j = jsonBody(r);
        return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
    }
    static std::string errorField(const HttpResponse& r) {
        const auto j = jsonBody(r);
        if (!j.is_object() || !j.contains("error") || !j["error"].contains("details")) return "";
        return j["error"]["details"].value("field", "");
    }

    std::unique_ptr<kairos::test::TestServer> m_server;
};

TEST_P(AccountsHttp, RegisterVerifyLoginMeRefreshReuseLogout) {
    auto first = post("/api/v1/auth/register", {{"email", "alice@example.com"}, {"password", kPassword}});
    EXPECT_EQ(first.result_int(), 202) << first.body();
    auto again = post("/api/v1/auth/register", {{"email", "alice@example.com"}, {"password", kPassword}});
    EXPECT_EQ(again.result_int(), 202);
    EXPECT_EQ(again.body(), first.body()) << "the same answer whether or not the address exists";

    const std::string token = tokenIn(lastMailTo("alice@example.com"));
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(post("/api/v1/auth/verify", {{"token", token}}).result_int(), 200);
    EXPECT_EQ(post("/api/v1/auth/verify", {{"token", token}}).result_int(), 400) << "single use";

    auto login = post("/api/v1/auth/login", {{"email", "alice@example.com"}, {"password", kPassword}});
    ASSERT_EQ(login.result_int(), 200) << login.body();
    const auto pair = jsonBody(login);
    EXPECT_EQ(pair["expires_in"], 900);
    ASSERT_TRUE(pair["access_token"].is_string() && pair["refresh_token"].is_string());

    auto me = get("/api/v1/me", pair["access_token"]);
    ASSERT_EQ(me.result_int(), 200) << me.body();
    const auto meJson = jsonBody(me);
    EXPECT_EQ(meJson["email"], "alice@example.com");
    EXPECT_EQ(meJson["roles"], nlohmann::json::array({"user"}));
    EXPECT_TRUE(meJson["id"].is_number_integer());

    auto refreshed = post("/api/v1/auth/refresh", {{"refresh_token", pair["refresh_token"]}});
    ASSERT_EQ(refreshed.result_int(), 200) << refreshed.body();
    const auto next = jsonBody(refreshed);
    EXPECT_NE(next["refresh_token"], pair["refresh_token"]);
    EXPECT_EQ(get("/api/v1/me", next["access_token"]).result_int(), 200);

    auto reuse = post("/api/v1/auth/refresh", {{"refresh_token", pair["refresh_token"]}});
    EXPECT_EQ(reuse.result_int(), 401);
    EXPECT_EQ(errorCode(reuse), "token_reused");
    EXPECT_EQ(get("/api/v1/me", next["access_token"]).result_int(), 401) << "the whole family is revoked";
    EXPECT_EQ(post("/api/v1/auth/refresh", {{"refresh_token", next["refresh_token"]}}).result_int(), 401);

    const auto other = jsonBody(post("/api/v1/auth/login", {{"email", "alice@example.com"}, {"password", kPassword}}));
    auto out = post("/api/v1/auth/logout", {{"refresh_token", other["refresh_token"]}});
    EXPECT_EQ(out.result_int(), 204) << out.body();
    EXPECT_EQ(get("/api/v1/me", other["access_token"]).result_int(), 401);
}

TEST_P(AccountsHttp, WrongPasswordAndUnknownAddressGetTheSameStatusAndBody) {
    signedIn("bob@example.com");
    auto wrong = post("/api/v1/auth/login", {{"email", "bob@example.com"}, {"password", "not the password"}});
    auto unknown = post("/api/v1/auth/login", {{"email", "nobody@example.com"}, {"password", "not the password"}});
    EXPECT_EQ(wrong.result_int(), 401);
    EXPECT_EQ(unknown.result_int(), wrong.result_int());
    EXPECT_EQ(unknown.body(), wrong.body());
    EXPECT_EQ(post("/api/v1/auth/password/forgot", {{"email", "bob@example.com"}}).body(),
              post("/api/v1/auth/password/forgot", {{"email", "nobody@example.com"}}).body());
}

TEST_P(AccountsHttp, MissingExpiredForgedAndAlgNoneTokensGet401) {
    const auto pair = signedIn("carol@example.com");
    auto none = get("/api/v1/me", "");
    EXPECT_EQ(none.result_int(), 401);
    EXPECT_EQ(none[bhttp::field::www_authenticate], "Bearer");
    EXPECT_EQ(get("/api/v1/me", "garbage").result_int(), 401);
    const std::string access = pair["access_token"];
    const auto dot1 = access.find('.');
    const auto dot2 = access.find('.', dot1 + 1);
    const std::string algNone =
        acc::base64UrlEncode(R"({"alg":"none","typ":"JWT","kid":"k1"})") + access.substr(dot1, dot2 - dot1) + ".";
    EXPECT_EQ(get("/api/v1/me", algNone).result_int(), 401);
    acc::AccessClaims claims;
    claims.accountId = 1;
    claims.sessionId = 1;
    claims.roles = {"admin"};
    claims.issuedAt = m_now / 1000;
    claims.expiresAt = m_now / 1000 + 900;
    const auto forged = acc::signAccessToken(claims, acc::KeySet::single("k1", std::string(32, 'X')), "kairosd");
    EXPECT_EQ(get("/api/v1/me", *forged).result_int(), 401);
    std::string tampered = access;
    tampered[dot2 + 3] = tampered[dot2 + 3] == 'A' ? 'B' : 'A';
    EXPECT_EQ(get("/api/v1/me", tampered).result_int(), 401);
    EXPECT_EQ(get("/api/v1/me", access).result_int(), 200);
    advanceSeconds(900);
    auto expired = get("/api/v1/me", access);
    EXPECT_EQ(expired.result_int(), 401);
    EXPECT_EQ(errorCode(expired), "invalid_token");
}

TEST_P(AccountsHttp, BadBodiesGet400NamingTheField) {
    auto types = post("/api/v1/auth/login", {{"email", 5}, {"password", kPassword}});
    EXPECT_EQ(types.result_int(), 400);
    EXPECT_EQ(errorField(types), "email");
    auto missing = post("/api/v1/auth/register", {{"email", "dan@example.com"}});
    EXPECT_EQ(missing.result_int(), 400);
    EXPECT_EQ(errorField(missing), "password");
    auto weak = post("/api/v1/auth/register", {{"email", "dan@example.com"}, {"password", "password1"}});
    EXPECT_EQ(weak.result_int(), 400);
    EXPECT_EQ(errorCode(weak), "weak_password");
    EXPECT_EQ(errorField(weak), "password");
    EXPECT_EQ(weak.body().find("password1"), std::string::npos) << "the password is not echoed";
    auto malformed = kairos::test::httpRequest(m_server->port(), bhttp::verb::post, "/api/v1/auth/login", "{\"email\":");
    EXPECT_EQ(malformed.result_int(), 400);
}

TEST_P(AccountsHttp, LoginRateLimitAnswers429WithRetryAfter) {
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(post("/api/v1/auth/login", {{"email", "u" + std::to_string(i) + "@example.com"}, {"password", kPassword}})
                      .result_int(),
                  401);
    auto limited = post("/api/v1/auth/login", {{"email", "x@example.com"}, {"password", kPassword}});
    EXPECT_EQ(limited.result_int(), 429);
    EXPECT_EQ(limited[bhttp::field::retry_after], "3");
    EXPECT_EQ(errorCode(limited), "rate_limited");
}

TEST_P(AccountsHttp, SessionsAndAdminRoutesNeedTheRightAccount) {
    const auto pair = signedIn("erin@example.com");
    auto sessions = get("/api/v1/me/sessions", pair["access_token"]);
    ASSERT_EQ(sessions.result_int(), 200);
    EXPECT_EQ(jsonBody(sessions)["sessions"].size(), 1u);
    EXPECT_EQ(get("/api/v1/admin/accounts", pair["access_token"]).result_int(), 403);
    ASSERT_TRUE(service().createAdmin("root@example.com", "admin passphrase 1").ok());
    const auto admin = jsonBody(post("/api/v1/auth/login", {{"email", "root@example.com"}, {"password", "admin passphrase 1"}}));
    auto list = get("/api/v1/admin/accounts?q=erin", admin["access_token"]);
    ASSERT_EQ(list.result_int(), 200) << list.body();
    ASSERT_EQ(jsonBody(list)["accounts"].size(), 1u);
    auto audit = get("/api/v1/admin/audit?limit=5", admin["access_token"]);
    ASSERT_EQ(audit.result_int(), 200);
    EXPECT_FALSE(jsonBody(audit)["events"].empty());
}

KAIROS_INSTANTIATE_BACKENDS(server_accounts_http, AccountsHttp);

}  // namespace
