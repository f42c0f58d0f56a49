// What kairosd tells its operators: one log line per request (no secrets in it), /metrics in the
// Prometheus format, /ready driven by readiness checks.
#include "serverclient.h"

#include "http/validate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace bhttp = boost::beast::http;
using kairos::server::http::RequestContext;
using kairos::server::http::Response;

namespace {

/// A server with a login-like route that reads a password, and a middleware that authenticates
/// "Bearer t0ken-secret" as account 42.
class Observed : public ::testing::Test {
protected:
    void start(kairos::server::LogFormat format = kairos::server::LogFormat::Json) {
        kairos::server::ServerOptions o;
        o.logFormat = format;
        server = std::make_unique<kairos::test::TestServer>(o);
        auto& router = server->server->router();
        router.add("POST", "/api/v1/auth/login", [](RequestContext& ctx) {
            kairos::server::http::Fields f(ctx.body);
            (void)f.email("email");
            (void)f.string("password", {.minLength = 8, .maxLength = 128});
            if (!f.ok()) return f.error();
            return Response::error(401, "invalid_credentials", "wrong e-mail or password");
        });
        router.add("GET", "/api/v1/accounts/{id}", [](RequestContext& ctx) {
            return Response::withJson(200, {{"id", ctx.param("id")}});
        });
        router.use([](RequestContext& ctx) -> std::optional<Response> {
            if (ctx.header("Authorization") == "Bearer t0ken-secret") ctx.accountId = 42;
            return std::nullopt;
        });
        ASSERT_EQ(server->start(), "");
    }
    void TearDown() override {
        if (server) server->server->stop();
    }
    std::unique_ptr<kairos::test::TestServer> server;
};

}  // namespace

TEST_F(Observed, OneJsonLinePerRequestWithThePatternAndNoSecrets) {
    start();
    const auto res = kairos::test::httpRequest(server->port(), bhttp::verb::post, "/api/v1/auth/login?code=qu3ry-secret",
                                               R"({"email":"ann@example.com","password":"hunter2-hunter2"})",
                                               {{"Authorization", "Bearer t0ken-secret"}, {"Cookie", "session=c00kie-secret"}});
    ASSERT_EQ(res.result(), bhttp::status::unauthorized);
    const auto get = kairos::test::httpRequest(server->port(), bhttp::verb::get, "/api/v1/accounts/7741");
    ASSERT_EQ(get.result(), bhttp::status::ok);
    server->server->stop();  // every line is written once its answer is

    const auto lines = server->requestLog();
    ASSERT_EQ(lines.size(), 2U);
    for (const auto& line : lines)
        for (const char* secret : {"hunter2", "t0ken-secret", "c00kie-secret", "qu3ry-secret", "Bearer", "password", "7741"})
            EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in the log line " << line;
    const auto login = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(login["msg"], "request");
    EXPECT_EQ(login["method"], "POST");
    EXPECT_EQ(login["route"], "/api/v1/auth/login");
    EXPECT_EQ(login["status"], 401);
    EXPECT_EQ(login["account_id"], 42);
    EXPECT_EQ(login["ip"], "127.0.0.1");
    EXPECT_EQ(login["request_id"], std::string(res["X-Request-Id"]));
    EXPECT_TRUE(login["latency_ms"].is_number());
    EXPECT_TRUE(login["ts"].get<std::string>().ends_with("Z"));
    const auto account = nlohmann::json::parse(lines[1]);
    EXPECT_EQ(account["route"], "/api/v1/accounts/{id}");  // the pattern, not the id
    EXPECT_FALSE(account.contains("account_id"));
}

TEST_F(Observed, LogfmtLines) {
    start(kairos::server::LogFormat::Logfmt);
    ASSERT_EQ(kairos::test::httpRequest(server->port(), bhttp::verb::get, "/nope").result(), bhttp::status::not_found);
    server->server->stop();
    const auto lines = server->requestLog();
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines[0].find(" level=info msg=request request_id="), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(" method=GET route=- status=404 latency_ms="), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(" ip=127.0.0.1"), std::string::npos) << lines[0];
}

TEST_F(Observed, MetricsCountRequestsByRouteAndStatus) {
    start();
    for (int i = 0; i < 3; ++i)
        (void)kairos::test::httpRequest(server->port(), bhttp::verb::get, "/api/v1/accounts/" + std::to_string(i));
    (void)kairos::test::httpRequest(server->port(), bhttp::verb::delete_, "/health");
    server->server->metrics().loginFailed();
    server->server->metrics().emailQueued();
    const auto res = kairos::test::httpRequest(server->port(), bhttp::verb::get, "/metrics");
    ASSERT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(res[bhttp::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = res.body();
    EXPECT_NE(text.find(R"(kairosd_http_requests_total{method="GET",route="/api/v1/accounts/{id}",status="200"} 3)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(kairosd_http_requests_total{method="DELETE",route="/health",status="405"} 1)"), std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(kairosd_http_request_duration_seconds_count{route="/api/v1/accounts/{id}"} 3)"), std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(kairosd_logins_total{result="failed"} 1)"), std::string::npos) << text;
    EXPECT_NE(text.find("kairosd_emails_queued_total 1"), std::string::npos) << text;
    EXPECT_NE(text.find("kairosd_websocket_connections 0"), std::string::npos) << text;
}

TEST(HttpServerReady, ReadyFollowsItsChecks) {
    kairos::test::TestServer server;
    std::atomic<bool> databaseUp{false};
    server.server->addReadinessCheck([&] { return databaseUp ? std::string() : std::string("database unreachable"); });
    ASSERT_EQ(server.start(), "");
    auto res = kairos::test::httpRequest(server.port(), bhttp::verb::get, "/ready");
    EXPECT_EQ(res.result(), bhttp::status::service_unavailable);
    const auto body = kairos::test::jsonBody(res);
    EXPECT_EQ(body["error"]["code"], "not_ready");
    EXPECT_EQ(body["error"]["message"], "database unreachable");
    EXPECT_EQ(kairos::test::httpRequest(server.port(), bhttp::verb::get, "/health").result(), bhttp::status::ok);  // alive anyway
    databaseUp = true;
    res = kairos::test::httpRequest(server.port(), bhttp::verb::get, "/ready");
    EXPECT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(kairos::test::jsonBody(res)["status"], "ready");
    server.server->stop();
}

TEST(HttpServerErrors, SocketLayerErrorsHaveTheOneErrorBody) {
    kairos::server::ServerOptions o;
    o.bodyLimitBytes = 1024;
    kairos::test::TestServer server(o);
    ASSERT_EQ(server.start(), "");
    const auto tooBig = kairos::test::httpRequest(server.port(), bhttp::verb::post, "/health", std::string(4096, 'x'));
    EXPECT_EQ(tooBig.result(), bhttp::status::payload_too_large);
    EXPECT_EQ(kairos::test::jsonBody(tooBig)["error"]["code"], "body_too_large");
    EXPECT_FALSE(tooBig["X-Request-Id"].empty());
    const auto notFound = kairos::test::httpRequest(server.port(), bhttp::verb::get, "/api/v1/nothing");
    EXPECT_EQ(kairos::test::jsonBody(notFound)["error"]["code"], "not_found");
    EXPECT_EQ(notFound[bhttp::field::cache_control], "no-store");
    server.server->stop();
}
