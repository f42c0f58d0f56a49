#pragma once
// kairosd's HTTP router and request pipeline.
//
// Routes are registered once, before the server starts, and then read concurrently by every I/O
// thread (the router is not changed while serving):
//
//     router.add("POST", "/api/v1/auth/login", [&](http::RequestContext& ctx) {
//         http::Fields f(ctx.body);                 // validation helpers: http/validate.h
//         const std::string email = f.email("email");
//         const std::string password = f.string("password", {.minLength = 1, .maxLength = 1024});
//         if (!f.ok()) return f.error();            // 400 naming the field
//         return http::Response::withJson(200, {{"access_token", "…"}});
//     });
//     router.add("GET", "/api/v1/admin/accounts/{id}", [](http::RequestContext& ctx) {
//         return http::Response::withJson(200, {{"id", ctx.param("id")}});
//     });
//
// Router::handle() is the whole HTTP layer above the sockets as one pure function of (method,
// target, headers, body, peer address): routing, 404/405 (+ Allow), HEAD without a body, OPTIONS and
// CORS preflight, JSON body parsing (400 malformed_json, 415 for a non-JSON body), middlewares,
// handler exceptions as 500, the request id, security headers. The socket code (httpserver.cpp)
// and the fuzz target (tests/fuzz/fuzz_server_request.cpp) both call it.

#include "http/response.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::server::http {

/// One request as received, before routing. Plain value.
struct Request {
    std::string method;  ///< "GET", "POST", … as sent (case-sensitive, RFC 9110)
    std::string target;  ///< origin-form: "/api/v1/x?y=1"
    Headers headers;     ///< as received; looked up case-insensitively
    std::string body;
    std::string peerAddress;  ///< the TCP peer's IP ("" when unknown)
    bool isTls = false;       ///< the connection is https (adds Strict-Transport-Security)
};

/// What a handler sees. Created by Router::handle() for one request; handlers and middlewares run
/// on the I/O thread that received the request and may read and write it freely.
struct RequestContext {
    std::string requestId;     ///< echoed in X-Request-Id; the client's when it sent a well-formed one
    std::string method;        ///< "HEAD" is routed to GET handlers; this still says "HEAD"
    std::string path;          ///< the target without its query, percent-encoded as sent
    std::string query;         ///< the raw query string after '?' (never logged)
    std::string routePattern;  ///< the matched pattern, e.g. "/api/v1/admin/accounts/{id}" (logs, metrics)
    std::map<std::string, std::string, std::less<>> params;  ///< path parameters, percent-decoded
    std::string clientIp;              ///< the peer, or X-Forwarded-For's last hop when the peer is a trusted proxy
    std::string userAgent;             ///< User-Agent ("" when absent)
    nlohmann::json body;               ///< the parsed JSON body (null when the body is empty or the route takes raw bodies)
    const Request* request = nullptr;  ///< the raw request (headers, raw body); valid during the call

    /// Filled by an authentication middleware (Router::use); read by handlers and the request log.
    std::optional<std::int64_t> accountId;
    std::vector<std::string> roles;  ///< the authenticated account's roles, same source

    /// A path parameter ("" when the pattern has no such parameter).
    std::string param(std::string_view name) const;
    /// A request header's value ("" when absent; the first one when repeated). Case-insensitive.
    std::string header(std::string_view name) const;
};

/// A route handler. Runs on an I/O thread; must be thread-safe against other requests. An exception
/// becomes a 500 internal_error (the message is logged, not sent).
using Handler = std::function<Response(RequestContext&)>;
/// Runs after routing, before the handler, in the order added. Returns a Response to answer now
/// (e.g. 401) or nullopt to go on. May fill ctx.accountId/roles.
using Middleware = std::function<std::optional<Response>(RequestContext&)>;

/// Per-route choices.
struct RouteOptions {
    /// Parse the body as JSON into ctx.body: a body must then be `application/json` (else 415) and
    /// valid JSON nested at most 64 levels (else 400 malformed_json). false: the handler reads
    /// ctx.request->body itself (e.g. a signed webhook whose exact bytes matter).
    bool jsonBody = true;
};

/// How the pipeline treats every request (from ServerConfig).
struct Policy {
    std::vector<std::string> trustedProxies;  ///< peers whose X-Forwarded-For is believed
    std::vector<std::string> corsOrigins;     ///< allowed origins; "*" allows any
    std::size_t bodyLimitBytes = 64 * 1024;   ///< bodies above get 413 (the socket layer enforces it first)
};

/// The final answer on the wire, plus what the request log and the metrics need.
struct Outcome {
    int status = 200;
    Headers headers;   ///< every header to send except Content-Length/Server/Connection
    std::string body;  ///< empty for HEAD (then contentLength is the GET body's)
    std::size_t contentLength = 0;
    std::string requestId;
    std::string method;        ///< as sent, or "OTHER" when not a known method (metrics label)
    std::string routePattern;  ///< matched pattern, "-" when no route matched
    std::optional<std::int64_t> accountId;
    std::string clientIp;
    bool webSocketUpgrade = false;  ///< the route is a WebSocket endpoint and the request asks to upgrade
    std::string internalError;      ///< a handler's exception text (for the server log, never sent)
};

class Router {
public:
    explicit Router(Policy policy = {});
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    /// Registers `handler` for `method` ("GET", "POST", "PUT", "PATCH", "DELETE") on `pattern`.
    /// A pattern is absolute, '/'-separated; a segment `{name}` matches one non-empty segment and
    /// is passed as ctx.param("name"). Where two patterns match, the one with a literal segment
    /// earlier wins (`/accounts/search` before `/accounts/{id}`). A GET route answers HEAD too.
    /// Throws std::invalid_argument on a malformed pattern or a duplicate (method, pattern): a
    /// programming error found at start-up. Not thread-safe: register before serving.
    void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
    /// Marks `pattern` as a WebSocket endpoint (GET + Upgrade: websocket). A plain GET on it gets 426.
    void addWebSocket(std::string pattern);
    /// Adds a middleware run for every routed request (after routing, before the handler).
    void use(Middleware middleware);
    /// Replaces the policy (before serving).
    void setPolicy(Policy policy);
    const Policy& policy() const;

    /// The pipeline: never throws, always returns a complete answer.
    Outcome handle(const Request& request) const;

    /// An error answer outside routing (the socket layer's 400/413/431/503) with the same body,
    /// request id and security headers as every other answer.
    Outcome errorOutcome(int status, std::string_view code, std::string_view message, bool isTls) const;

private:
    struct Route;
    std::vector<std::unique_ptr<Route>> m_routes;
    std::vector<Middleware> m_middlewares;
    Policy m_policy;
};

/// A new random request id (16 hex digits). Any thread.
std::string newRequestId();

/// The value of `name` in a query string or an application/x-www-form-urlencoded body ('+' is a
/// space, %XX decoded); "" when absent or malformed.
std::string formValue(std::string_view encoded, std::string_view name);

}  // namespace kairos::server::http
