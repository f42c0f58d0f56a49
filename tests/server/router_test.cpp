// The request pipeline as a pure function (http::Router::handle): routing, the error body, HEAD,
// OPTIONS/CORS, JSON bodies, middlewares, request ids, client addresses, security headers.
#include "http/router.h"
#include "http/validate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <stdexcept>

using kairos::server::http::Outcome;
using kairos::server::http::Request;
using kairos::server::http::RequestContext;
using kairos::server::http::Response;
using kairos::server::http::Router;

namespace {

std::string header(const Outcome& o, std::string_view name) {
    for (const auto& [n, v] : o.headers)
        if (n == name) return v;
    return {};
}

Request req(std::string method, std::string target, std::string body = {}, kairos::server::http::Headers headers = {}) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = std::move(headers);
    if (!r.body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    r.peerAddress = "10.0.0.9";
    return r;
}

kairos::server::http::Policy proxies(std::vector<std::string> trusted) {
    kairos::server::http::Policy p;
    p.trustedProxies = std::move(trusted);
    return p;
}

/// Asserts the one error shape and returns error.code.
std::string errorCode(const Outcome& o) {
    const auto j = nlohmann::json::parse(o.body, nullptr, false);
    EXPECT_TRUE(j.is_object()) << o.body;
    if (!j.is_object() || !j.contains("error")) return "(no error object)";
    const auto& e = j["error"];
    EXPECT_TRUE(e["code"].is_string()) << o.body;
    EXPECT_TRUE(e["message"].is_string()) << o.body;
    EXPECT_TRUE(e["details"].is_object()) << o.body;
    return e["code"].get<std::string>();
}

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        router.add("GET", "/api/v1/admin/accounts/{id}", [](RequestContext& ctx) {
            return Response::withJson(200, {{"id", ctx.param("id")}, {"route", ctx.routePattern}});
        });
        router.add("GET", "/api/v1/admin/accounts/search", [](RequestContext&) {
            return Response::withJson(200, {{"search", true}});
        });
        router.add("DELETE", "/api/v1/admin/accounts/{id}", [](RequestContext&) { return Response::withJson(204, nullptr); });
        router.add("POST", "/api/v1/echo", [](RequestContext& ctx) {
            kairos::server::http::Fields f(ctx.body);
            const std::string email = f.email("email");
            if (!f.ok()) return f.error();
            return Response::withJson(200, {{"email", email}, {"ip", ctx.clientIp}, {"agent", ctx.userAgent}});
        });
        router.add("GET", "/api/v1/boom", [](RequestContext&) -> Response { throw std::runtime_error("database on fire"); });
    }
    Router router;
};

}  // namespace

TEST_F(RouterTest, PathParametersAndTheMostSpecificPatternWin) {
    Outcome o = router.handle(req("GET", "/api/v1/admin/accounts/42"));
    EXPECT_EQ(o.status, 200);
    EXPECT_EQ(nlohmann::json::parse(o.body)["id"], "42");
    EXPECT_EQ(o.routePattern, "/api/v1/admin/accounts/{id}");
    // A literal segment beats a parameter, whatever the registration order
    o = router.handle(req("GET", "/api/v1/admin/accounts/search?q=x"));
    EXPECT_EQ(nlohmann::json::parse(o.body)["search"], true);
    // Parameters are percent-decoded; a broken escape is a 400 naming the parameter
    EXPECT_EQ(nlohmann::json::parse(router.handle(req("GET", "/api/v1/admin/accounts/a%20b")).body)["id"], "a b");
    o = router.handle(req("GET", "/api/v1/admin/accounts/%zz"));
    EXPECT_EQ(o.status, 400);
    EXPECT_EQ(errorCode(o), "bad_target");
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
    Outcome o = router.handle(req("GET", "/api/v2/nothing"));
    EXPECT_EQ(o.status, 404);
    EXPECT_EQ(errorCode(o), "not_found");
    EXPECT_EQ(o.routePattern, "-");
    o = router.handle(req("PUT", "/api/v1/admin/accounts/7"));
    EXPECT_EQ(o.status, 405);
    EXPECT_EQ(errorCode(o), "method_not_allowed");
    EXPECT_EQ(header(o, "Allow"), "GET, HEAD, DELETE");
    o = router.handle(req("BREW", "/api/v1/echo"));
    EXPECT_EQ(o.status, 405);
    EXPECT_EQ(o.method, "OTHER");  // unknown methods never become a metrics label of their own
    EXPECT_EQ(router.handle(req("GET", "no-slash")).status, 400);
}

TEST_F(RouterTest, HeadHasTheGetHeadersAndLengthButNoBody) {
    const Outcome get = router.handle(req("GET", "/api/v1/admin/accounts/42"));
    const Outcome head = router.handle(req("HEAD", "/api/v1/admin/accounts/42"));
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.contentLength, get.body.size());
    EXPECT_EQ(header(head, "Content-Type"), "application/json");
}

TEST_F(RouterTest, BadBodiesAre400Or415NeverAHandlerCall) {
    Outcome o = router.handle(req("POST", "/api/v1/echo", "{\"email\": "));
    EXPECT_EQ(o.status, 400);
    EXPECT_EQ(errorCode(o), "malformed_json");
    o = router.handle(req("POST", "/api/v1/echo", std::string(100, '[') + std::string(100, ']')));
    EXPECT_EQ(o.status, 400);
    EXPECT_EQ(errorCode(o), "malformed_json");
    o = router.handle(req("POST", "/api/v1/echo", "{\"email\": 5}"));
    EXPECT_EQ(o.status, 400);
    EXPECT_EQ(errorCode(o), "invalid_field");
    EXPECT_EQ(nlohmann::json::parse(o.body)["error"]["details"]["field"], "email");
    o = router.handle(req("POST", "/api/v1/echo"));
    EXPECT_EQ(o.status, 400);
    EXPECT_EQ(errorCode(o), "invalid_body");
    Request form = req("POST", "/api/v1/echo");
    form.body = "email=a@b.c";
    form.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    o = router.handle(form);
    EXPECT_EQ(o.status, 415);
    EXPECT_EQ(errorCode(o), "unsupported_media_type");
    o = router.handle(req("POST", "/api/v1/echo", R"({"email":"Ann@Example.COM"})"));
    EXPECT_EQ(o.status, 200);
    EXPECT_EQ(nlohmann::json::parse(o.body)["email"], "Ann@example.com");
}

TEST_F(RouterTest, AHandlerExceptionIsA500WithoutItsText) {
    const Outcome o = router.handle(req("GET", "/api/v1/boom"));
    EXPECT_EQ(o.status, 500);
    EXPECT_EQ(errorCode(o), "internal_error");
    EXPECT_EQ(o.body.find("fire"), std::string::npos) << o.body;
    EXPECT_EQ(o.internalError, "database on fire");  // for the server log
}

TEST_F(RouterTest, EveryAnswerHasARequestIdAndSecurityHeaders) {
    const Outcome a = router.handle(req("GET", "/api/v1/admin/accounts/1"));
    const Outcome b = router.handle(req("GET", "/nope"));
    EXPECT_EQ(header(a, "X-Request-Id").size(), 16U);
    EXPECT_NE(header(a, "X-Request-Id"), header(b, "X-Request-Id"));
    for (const Outcome* o : {&a, &b}) {
        EXPECT_EQ(header(*o, "X-Content-Type-Options"), "nosniff");
        EXPECT_EQ(header(*o, "X-Frame-Options"), "DENY");
        EXPECT_EQ(header(*o, "Cache-Control"), "no-store");
        EXPECT_NE(header(*o, "Content-Security-Policy").find("default-src 'none'"), std::string::npos);
        EXPECT_EQ(header(*o, "Strict-Transport-Security"), "");  // not over plain HTTP
    }
    Request tls = req("GET", "/api/v1/admin/accounts/1");
    tls.isTls = true;
    EXPECT_EQ(header(router.handle(tls), "Strict-Transport-Security"), "max-age=31536000");
    // A well-formed client id is kept (a proxy's), a hostile one replaced
    EXPECT_EQ(router.handle(req("GET", "/nope", {}, {{"X-Request-Id", "abc-123"}})).requestId, "abc-123");
    EXPECT_NE(router.handle(req("GET", "/nope", {}, {{"X-Request-Id", "a\"b c"}})).requestId, "a\"b c");
}

TEST_F(RouterTest, ClientIpComesFromXForwardedForOnlyBehindATrustedProxy) {
    const std::string body = R"({"email":"a@b.co"})";
    Request r = req("POST", "/api/v1/echo", body, {{"X-Forwarded-For", "203.0.113.7, 198.51.100.2"}, {"User-Agent", "kairos/1"}});
    // GIVEN no trusted proxy: the peer is the client whatever the header says
    EXPECT_EQ(nlohmann::json::parse(router.handle(r).body)["ip"], "10.0.0.9");
    // GIVEN the peer is the trusted proxy: the last hop it appended
    router.setPolicy(proxies({"10.0.0.9"}));
    auto j = nlohmann::json::parse(router.handle(r).body);
    EXPECT_EQ(j["ip"], "198.51.100.2");
    EXPECT_EQ(j["agent"], "kairos/1");
    // GIVEN two proxies in a chain, both trusted: the address before them
    router.setPolicy(proxies({"10.0.0.9", "198.51.100.2"}));
    EXPECT_EQ(nlohmann::json::parse(router.handle(r).body)["ip"], "203.0.113.7");
    // A garbage hop is not believed
    router.setPolicy(proxies({"10.0.0.9"}));
    r.headers = {{"Content-Type", "application/json"}, {"X-Forwarded-For", "not-an-ip"}};
    EXPECT_EQ(nlohmann::json::parse(router.handle(r).body)["ip"], "10.0.0.9");
}

TEST_F(RouterTest, CorsPreflightAndHeadersOnlyForConfiguredOrigins) {
    kairos::server::http::Policy cors;
    cors.corsOrigins = {"https://app.example"};
    router.setPolicy(cors);
    const kairos::server::http::Headers preflight = {{"Origin", "https://app.example"},
                                                     {"Access-Control-Request-Method", "DELETE"}};
    Outcome o = router.handle(req("OPTIONS", "/api/v1/admin/accounts/3", {}, preflight));
    EXPECT_EQ(o.status, 204);
    EXPECT_TRUE(o.body.empty());
    EXPECT_EQ(header(o, "Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_EQ(header(o, "Access-Control-Allow-Methods"), "GET, HEAD, DELETE");
    EXPECT_NE(header(o, "Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
    o = router.handle(req("OPTIONS", "/api/v1/admin/accounts/3", {},
                          {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "DELETE"}}));
    EXPECT_EQ(o.status, 403);
    EXPECT_EQ(errorCode(o), "cors_origin_not_allowed");
    EXPECT_EQ(header(o, "Access-Control-Allow-Origin"), "");
    o = router.handle(req("GET", "/api/v1/admin/accounts/3", {}, {{"Origin", "https://app.example"}}));
    EXPECT_EQ(header(o, "Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_EQ(header(o, "Vary"), "Origin");
    EXPECT_EQ(header(router.handle(req("GET", "/api/v1/admin/accounts/3", {}, {{"Origin", "https://evil.example"}})),
                     "Access-Control-Allow-Origin"),
              "");
}

TEST_F(RouterTest, MiddlewareCanAnswerFirstOrFillTheAccount) {
    router.use([](RequestContext& ctx) -> std::optional<Response> {
        if (ctx.routePattern.rfind("/api/v1/admin/", 0) != 0) return std::nullopt;
        if (ctx.header("authorization") != "Bearer good") return Response::error(401, "unauthorized", "sign in first");
        ctx.accountId = 77;
        return std::nullopt;
    });
    Outcome o = router.handle(req("GET", "/api/v1/admin/accounts/1"));
    EXPECT_EQ(o.status, 401);
    EXPECT_EQ(errorCode(o), "unauthorized");
    o = router.handle(req("GET", "/api/v1/admin/accounts/1", {}, {{"Authorization", "Bearer good"}}));
    EXPECT_EQ(o.status, 200);
    EXPECT_EQ(o.accountId, 77);
}

TEST(RouterRegistration, MalformedOrDuplicateRoutesAreRefused) {
    Router r;
    auto ok = [](RequestContext&) { return Response::withJson(200, nullptr); };
    r.add("GET", "/a/{id}", ok);
    EXPECT_THROW(r.add("GET", "/a/{id}", ok), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/a/{other}", ok), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "relative", ok), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/a/{broken", ok), std::invalid_argument);
    EXPECT_THROW(r.add("HEAD", "/b", ok), std::invalid_argument);
    EXPECT_NO_THROW(r.add("POST", "/a/{id}", ok));
}
