// Fuzz target: kairosd's request pipeline (server/src/http/router.h), the whole HTTP layer above the
// sockets, on the server's real router (built-in /health, /ready, /metrics, /api/v1/ws) plus a route
// that validates every kind of field. Input: "METHOD TARGET\n", header lines "Name: value\n", an
// empty line, then the body. Whatever comes in, the answer must be complete and well-formed: a
// status in 100..599 and never 500, an X-Request-Id (101 only for an accepted WebSocket upgrade), no body on HEAD, and for every error the one
// error body {"error": {"code": string, "message": string, "details": object}}.
#include "http/router.h"
#include "http/validate.h"
#include "httpserver.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace kairos::server;

http::Router& router() {
    static HttpServer* server = [] {
        ServerOptions o;
        o.trustedProxies = {"10.0.0.1"};
        o.corsOrigins = {"https://app.example"};
        o.bodyLimitBytes = 4096;
        auto* s = new HttpServer(o);  // never started: only its router is used
        s->router().add("POST", "/api/v1/fuzz/{id}", [](http::RequestContext& ctx) {
            http::Fields f(ctx.body);
            const std::string email = f.email("email");
            const std::string password = f.string("password", {.minLength = 8, .maxLength = 64});
            const auto count = f.optionalInteger("count", 0, 100);
            const auto flag = f.optionalBoolean("flag");
            const auto note = f.optionalString("note", {.minLength = 0, .maxLength = 16});
            if (!f.ok()) return f.error();
            return http::Response::withJson(200,
                                            {{"id", ctx.param("id")},
                                             {"email", email},
                                             {"n", password.size()},
                                             {"count", count.value_or(-1)},
                                             {"flag", flag.value_or(false)},
                                             {"note", note.value_or("")}});
        });
        return s;
    }();
    return server->router();
}

bool hasHeader(const http::Outcome& o, std::string_view name) {
    for (const auto& [n, v] : o.headers)
        if (n == name && !v.empty()) return true;
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    http::Request req;
    req.peerAddress = "10.0.0.1";
    req.isTls = size % 2 == 1;
    std::size_t pos = in.find('\n');
    const std::string_view first = in.substr(0, pos);
    const auto space = first.find(' ');
    req.method = std::string(first.substr(0, space));
    req.target = space == std::string_view::npos ? std::string() : std::string(first.substr(space + 1));
    while (pos != std::string_view::npos) {
        const std::size_t start = pos + 1;
        pos = in.find('\n', start);
        const std::string_view line = in.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
        if (line.empty()) {
            if (pos != std::string_view::npos) req.body = std::string(in.substr(pos + 1));
            break;
        }
        const auto colon = line.find(':');
        std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        req.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }

    const http::Outcome o = router().handle(req);
    if (o.status < 100 || o.status > 599 || o.status == 500) std::abort();
    // An accepted upgrade is answered by the WebSocket handshake, which sets its own headers.
    if (o.webSocketUpgrade != (o.status == 101)) std::abort();
    if (!o.webSocketUpgrade && (!hasHeader(o, "X-Request-Id") || !hasHeader(o, "X-Content-Type-Options"))) std::abort();
    if (req.method == "HEAD" && !o.body.empty()) std::abort();
    if (o.status >= 400 && req.method != "HEAD") {
        const auto j = nlohmann::json::parse(o.body, nullptr, false);
        if (!j.is_object() || !j.contains("error")) std::abort();
        const auto& e = j["error"];
        if (!e.is_object() || !e["code"].is_string() || !e["message"].is_string() || !e["details"].is_object()) std::abort();
    }
    return 0;
}
