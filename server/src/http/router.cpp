#include "http/router.h"

// Boost 1.74 asio uses std::exchange without including <utility> (fixed upstream later).
#include <utility>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <array>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace kairos::server::http {

namespace {

constexpr int kMaxJsonDepth = 64;
constexpr std::array<std::string_view, 7> kKnownMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool icontainsToken(std::string_view list, std::string_view token) {
    std::size_t start = 0;
    while (start <= list.size()) {
        auto end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        std::string_view item = list.substr(start, end - start);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (iequals(item, token)) return true;
        start = end + 1;
    }
    return false;
}

std::string findHeader(const Headers& headers, std::string_view name) {
    for (const auto& [n, v] : headers)
        if (iequals(n, name)) return v;
    return {};
}

std::vector<std::string> splitPath(std::string_view path) {
    std::vector<std::string> segments;
    std::size_t start = 1;  // after the leading '/'
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        segments.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percentDecode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        const int hi = hexValue(s[i + 1]);
        const int lo = hexValue(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        const char c = static_cast<char>(hi * 16 + lo);
        if (c == '\0') return std::nullopt;
        out += c;
        i += 2;
    }
    return out;
}

bool isValidIp(std::string_view text) {
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(std::string(text), ec);
    return !ec;
}

bool isWellFormedRequestId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

/// The deepest nesting of arrays/objects in `text`, stopping early past `limit` (strings skipped).
int jsonDepth(std::string_view text, int limit) {
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

std::string joinMethods(const std::vector<std::string>& methods) {
    std::string s;
    for (const auto& m : methods) s += (s.empty() ? "" : ", ") + m;
    return s;
}

}  // namespace

struct Router::Route {
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for parameters
    struct Method {
        std::string method;
        Handler handler;
        RouteOptions options;
    };
    std::vector<Method> methods;
    bool isWebSocket = false;

    /// Methods for Allow: as registered, HEAD after GET.
    std::vector<std::string> allowed() const {
        std::vector<std::string> out;
        if (isWebSocket) out.emplace_back("GET");
        for (const auto& m : methods) {
            out.push_back(m.method);
            if (m.method == "GET") out.emplace_back("HEAD");
        }
        return out;
    }
    const Method* find(std::string_view method) const {
        const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
        for (const auto& m : methods)
            if (m.method == wanted) return &m;
        return nullptr;
    }
    std::string shape() const {
        std::string s;
        for (const auto& seg : segments) s += "/" + (seg.front() == '{' ? std::string("{}") : seg);
        return s;
    }
};

std::string RequestContext::param(std::string_view name) const {
    const auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

std::string RequestContext::header(std::string_view name) const {
    return request ? findHeader(request->headers, name) : std::string();
}

Router::Router(Policy policy) : m_policy(std::move(policy)) {}
Router::~Router() = default;

void Router::setPolicy(Policy policy) { m_policy = std::move(policy); }
const Policy& Router::policy() const { return m_policy; }
void Router::use(Middleware middleware) { m_middlewares.push_back(std::move(middleware)); }

namespace {
std::vector<std::string> patternSegments(const std::string& pattern) {
    if (pattern.empty() || pattern[0] != '/' || pattern.find_first_of("?#% ") != std::string::npos)
        throw std::invalid_argument("route pattern must be an absolute path without ?, #, % or spaces: " + pattern);
    std::vector<std::string> segments = pattern == "/" ? std::vector<std::string>{""} : splitPath(pattern);
    for (const auto& s : segments) {
        const bool isParam = !s.empty() && s.front() == '{';
        if (isParam && (s.size() < 3 || s.back() != '}' || s.find_first_of("{}/", 1) != s.size() - 1))
            throw std::invalid_argument("malformed parameter segment \"" + s + "\" in route " + pattern);
        if (!isParam && s.find_first_of("{}") != std::string::npos)
            throw std::invalid_argument("braces outside a whole segment in route " + pattern);
        if (s.empty() && pattern != "/") throw std::invalid_argument("empty segment in route " + pattern);
    }
    return segments;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
    if (method == "HEAD" || method == "OPTIONS" ||
        std::find(kKnownMethods.begin(), kKnownMethods.end(), method) == kKnownMethods.end())
        throw std::invalid_argument("cannot register method " + method + " (GET answers HEAD; OPTIONS is automatic)");
    auto route = std::make_unique<Route>();
    route->segments = patternSegments(pattern);
    route->pattern = std::move(pattern);
    for (auto& existing : m_routes) {
        if (existing->shape() != route->shape()) continue;
        if (existing->pattern != route->pattern)
            throw std::invalid_argument("route " + route->pattern + " has the shape of " + existing->pattern +
                                        " with other names");
        if (existing->find(method) || (existing->isWebSocket && method == "GET"))
            throw std::invalid_argument("route " + method + " " + route->pattern + " registered twice");
        existing->methods.push_back({std::move(method), std::move(handler), options});
        return;
    }
    route->methods.push_back({std::move(method), std::move(handler), options});
    m_routes.push_back(std::move(route));
}

void Router::addWebSocket(std::string pattern) {
    auto route = std::make_unique<Route>();
    route->segments = patternSegments(pattern);
    route->pattern = std::move(pattern);
    route->isWebSocket = true;
    for (auto& existing : m_routes)
        if (existing->shape() == route->shape()) throw std::invalid_argument("route " + route->pattern + " registered twice");
    m_routes.push_back(std::move(route));
}

std::string newRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

namespace {

Headers securityHeaders(bool isTls) {
    Headers h = {
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Cache-Control", "no-store"},
        {"Referrer-Policy", "no-referrer"},
        {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
    };
    if (isTls) h.emplace_back("Strict-Transport-Security", "max-age=31536000");
    return h;
}

bool originAllowed(const Policy& p, std::string_view origin) {
    if (origin.empty()) return false;
    return std::any_of(p.corsOrigins.begin(), p.corsOrigins.end(), [&](const std::string& o) { return o == "*" || o == origin; });
}

std::string clientIpOf(const Policy& p, const Request& r) {
    auto trusted = [&](std::string_view ip) {
        return std::find(p.trustedProxies.begin(), p.trustedProxies.end(), ip) != p.trustedProxies.end();
    };
    if (!trusted(r.peerAddress)) return r.peerAddress;
    // The right-most address not of a trusted proxy is the one the first trusted proxy saw.
    std::string xff;
    for (const auto& [n, v] : r.headers)
        if (iequals(n, "X-Forwarded-For")) xff += (xff.empty() ? "" : ",") + v;
    std::string_view rest = xff;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        std::string_view hop = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
        while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
        if (!isValidIp(hop)) break;
        if (!trusted(hop)) return std::string(hop);
    }
    return r.peerAddress;
}

}  // namespace

Outcome Router::errorOutcome(int status, std::string_view code, std::string_view message, bool isTls) const {
    Outcome o;
    o.status = status;
    o.requestId = newRequestId();
    o.method = "OTHER";
    o.routePattern = "-";
    o.headers = securityHeaders(isTls);
    o.headers.emplace_back("X-Request-Id", o.requestId);
    o.headers.emplace_back("Content-Type", "application/json");
    o.body = dumpJson(Response::error(status, code, message).json);
    o.contentLength = o.body.size();
    return o;
}

Outcome Router::handle(const Request& request) const {
    Outcome out;
    const std::string clientId = findHeader(request.headers, "X-Request-Id");
    out.requestId = isWellFormedRequestId(clientId) ? clientId : newRequestId();
    const bool known = std::find(kKnownMethods.begin(), kKnownMethods.end(), request.method) != kKnownMethods.end();
    out.method = known ? request.method : "OTHER";
    out.routePattern = "-";
    out.clientIp = clientIpOf(m_policy, request);
    const bool isHead = request.method == "HEAD";
    const std::string origin = findHeader(request.headers, "Origin");
    const bool corsOk = originAllowed(m_policy, origin);

    Headers extra;
    auto finish = [&](Response r) {
        out.status = r.status;
        out.headers = securityHeaders(request.isTls);
        out.headers.emplace_back("X-Request-Id", out.requestId);
        if (!m_policy.corsOrigins.empty()) out.headers.emplace_back("Vary", "Origin");
        if (corsOk) {
            out.headers.emplace_back("Access-Control-Allow-Origin", origin);
            out.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
        }
        for (auto& h : extra) out.headers.push_back(std::move(h));
        for (auto& h : r.headers) out.headers.push_back(std::move(h));
        if (!r.contentType.empty()) {
            out.headers.emplace_back("Content-Type", r.contentType);
            out.body = std::move(r.text);
        } else if (!r.json.is_null()) {
            out.headers.emplace_back("Content-Type", "application/json");
            out.body = dumpJson(r.json);
        }
        if (r.status == 204 || r.status == 304 || r.status < 200) out.body.clear();
        out.contentLength = out.body.size();
        if (isHead) out.body.clear();  // the headers of the GET answer only (RFC 9110 9.3.2)
        return out;
    };

    const std::string& target = request.target;
    if (target.empty() || target[0] != '/')
        return finish(Response::error(400, "bad_target", "the request target must be an absolute path such as /health"));
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    if (request.body.size() > m_policy.bodyLimitBytes)
        return finish(Response::error(413, "body_too_large", "the request body is larger than the server accepts",
                                      {{"limit_bytes", m_policy.bodyLimitBytes}}));

    // Routing: the most specific matching pattern.
    const std::vector<std::string> segments = path == "/" ? std::vector<std::string>{""} : splitPath(path);
    const Route* best = nullptr;
    std::vector<bool> bestShape;
    for (const auto& r : m_routes) {
        if (r->segments.size() != segments.size()) continue;
        std::vector<bool> shape;
        bool match = true;
        for (std::size_t i = 0; i < segments.size() && match; ++i) {
            const bool isParam = r->segments[i].front() == '{';
            match = isParam ? !segments[i].empty() : r->segments[i] == segments[i];
            shape.push_back(!isParam);
        }
        if (match && (!best || shape > bestShape)) {
            best = r.get();
            bestShape = std::move(shape);
        }
    }
    if (!best) return finish(Response::error(404, "not_found", "no such endpoint"));
    out.routePattern = best->pattern;
    const std::string allow = joinMethods(best->allowed());

    RequestContext ctx;
    ctx.request = &request;
    ctx.requestId = out.requestId;
    ctx.method = request.method;
    ctx.path = path;
    ctx.query = q == std::string::npos ? std::string() : target.substr(q + 1);
    ctx.routePattern = best->pattern;
    ctx.clientIp = out.clientIp;
    ctx.userAgent = findHeader(request.headers, "User-Agent");
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (best->segments[i].front() != '{') continue;
        auto value = percentDecode(segments[i]);
        if (!value)
            return finish(Response::error(400, "bad_target", "a path segment has a malformed percent escape",
                                          {{"parameter", best->segments[i].substr(1, best->segments[i].size() - 2)}}));
        ctx.params.emplace(best->segments[i].substr(1, best->segments[i].size() - 2), std::move(*value));
    }

    if (request.method == "OPTIONS") {
        const std::string wanted = findHeader(request.headers, "Access-Control-Request-Method");
        if (origin.empty() || wanted.empty()) {
            extra.emplace_back("Allow", allow);
            return finish(Response::withJson(204, nullptr));
        }
        if (!corsOk) return finish(Response::error(403, "cors_origin_not_allowed", "this origin may not call the API"));
        if (!icontainsToken(allow, wanted))
            return finish(Response::error(403, "cors_method_not_allowed", "the endpoint does not accept this method",
                                          {{"allowed", allow}}));
        extra.emplace_back("Access-Control-Allow-Methods", allow);
        extra.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
        extra.emplace_back("Access-Control-Max-Age", "600");
        return finish(Response::withJson(204, nullptr));
    }

    auto runMiddlewares = [&]() -> std::optional<Response> {
        for (const auto& m : m_middlewares)
            if (auto r = m(ctx)) return r;
        return std::nullopt;
    };
    auto guarded = [&](auto&& f) -> Response {
        try {
            return f();
        } catch (const std::exception& e) {
            out.internalError = e.what();
        } catch (...) {
            out.internalError = "unknown exception";
        }
        return Response::error(500, "internal_error", "the server failed to answer; the request id identifies it in the log");
    };

    if (best->isWebSocket) {
        if (request.method != "GET" && request.method != "HEAD") {
            extra.emplace_back("Allow", allow);
            return finish(Response::error(405, "method_not_allowed", "this endpoint does not accept the method; see Allow",
                                          {{"allowed", allow}}));
        }
        const bool upgrade = icontainsToken(findHeader(request.headers, "Connection"), "upgrade") &&
            iequals(findHeader(request.headers, "Upgrade"), "websocket");
        if (!upgrade) {
            extra.emplace_back("Upgrade", "websocket");
            return finish(Response::error(426, "upgrade_required", "this endpoint speaks WebSocket only"));
        }
        Response r = guarded([&]() -> Response {
            if (auto stop = runMiddlewares()) return *stop;
            return Response::withJson(101, nullptr);
        });
        out.accountId = ctx.accountId;
        if (r.status == 101) {
            out.webSocketUpgrade = true;
            out.status = 101;
            return out;
        }
        return finish(std::move(r));
    }

    const Route::Method* m = best->find(request.method);
    if (!m) {
        extra.emplace_back("Allow", allow);
        return finish(Response::error(405, "method_not_allowed", "this endpoint does not accept the method; see Allow",
                                      {{"allowed", allow}}));
    }
    if (m->options.jsonBody && !request.body.empty()) {
        const std::string type = findHeader(request.headers, "Content-Type");
        const std::string mediaType = type.substr(0, type.find(';'));
        if (!iequals(std::string_view(mediaType).substr(0, mediaType.find_last_not_of(' ') + 1), "application/json"))
            return finish(
                Response::error(415, "unsupported_media_type", "the request body must be JSON (Content-Type: application/json)"));
        if (jsonDepth(request.body, kMaxJsonDepth) > kMaxJsonDepth)
            return finish(
                Response::error(400, "malformed_json", "the JSON body is nested too deeply", {{"max_depth", kMaxJsonDepth}}));
        ctx.body = nlohmann::json::parse(request.body, nullptr, false);
        if (ctx.body.is_discarded()) {
            ctx.body = nullptr;
            return finish(Response::error(400, "malformed_json", "the request body is not valid JSON"));
        }
    }
    Response r = guarded([&]() -> Response {
        if (auto stop = runMiddlewares()) return *stop;
        return m->handler(ctx);
    });
    out.accountId = ctx.accountId;
    return finish(std::move(r));
}

std::string formValue(std::string_view encoded, std::string_view name) {
    std::size_t pos = 0;
    while (pos <= encoded.size()) {
        const auto end = std::min(encoded.find('&', pos), encoded.size());
        const std::string_view item = encoded.substr(pos, end - pos);
        const auto eq = item.find('=');
        if (item.substr(0, eq) == name) {
            std::string raw(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
            for (char& c : raw)
                if (c == '+') c = ' ';
            return percentDecode(raw).value_or("");
        }
        pos = end + 1;
    }
    return {};
}

}  // namespace kairos::server::http
