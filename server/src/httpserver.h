#pragma once
// The companion server's front door (Boost.Beast/Asio): HTTP/1.1 and WebSocket on one port,
// optionally TLS (OpenSSL), with body and header limits, per-connection timeouts, an accept loop
// that survives running out of file descriptors, and a graceful shutdown. What a request means is
// the router's business (http/router.h); this class moves bytes, logs and counts.
//
// Built-in routes: GET /health (liveness), GET /ready (readiness checks), GET /metrics (Prometheus
// text), GET /api/v1/ws (WebSocket; echoes text messages unless a handler is set).

#include "config.h"
#include "http/router.h"
#include "metrics.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kairos::server {

struct ServerOptions {
    std::string bindAddress = "127.0.0.1";
    std::uint16_t port = 8787;                ///< 0 picks a free port (tests)
    std::size_t bodyLimitBytes = 64 * 1024;   ///< larger bodies get 413
    std::size_t headerLimitBytes = 8 * 1024;  ///< larger request lines + headers get 431
    int requestTimeoutMs = 15000;             ///< to receive one request, or to send one answer
    int threads = 1;                          ///< I/O threads running the handlers
    int shutdownDeadlineMs = 10000;           ///< how long stop() lets in-flight requests finish
    std::string tlsCert;                      ///< PEM files; both set: https only
    std::string tlsKey;
    std::vector<std::string> trustedProxies;  ///< see http::Policy
    std::vector<std::string> corsOrigins;
    LogFormat logFormat = LogFormat::Json;
    /// Where operational messages go (accept failures and recovery, shutdown); one line each, no
    /// newline. Empty: "kairosd: ..." on stderr. Called on a server thread.
    std::function<void(const std::string&)> log;
    /// Where request log lines go (accesslog.h; one per request, no newline). Empty: stdout.
    /// Called on an I/O thread.
    std::function<void(const std::string&)> requestLog;

    /// The server part of a configuration.
    static ServerOptions fromConfig(const ServerConfig& config);
};

/// A WebSocket connection as its handler sees it. Shared between the server and the handler;
/// send() and close() may be called from any thread, also after the connection ended (no effect).
class WebSocketConnection {
public:
    virtual ~WebSocketConnection() = default;
    /// Queues a text message. A peer that does not read (over 1 MiB queued) is closed with
    /// "policy violation" rather than letting the queue grow.
    virtual void send(std::string text) = 0;
    /// Sends a close frame (normal closure).
    virtual void close() = 0;
    /// A number unique within the process.
    virtual std::uint64_t id() const = 0;
    /// The upgrade request's context (account id from the auth middleware, client IP, request id).
    virtual const http::Outcome& upgrade() const = 0;
};

/// Callbacks of the WebSocket endpoint, on the connection's I/O thread.
struct WebSocketHandler {
    std::function<void(const std::shared_ptr<WebSocketConnection>&)> onOpen;
    std::function<void(const std::shared_ptr<WebSocketConnection>&, const std::string& text)> onMessage;
    std::function<void(const std::shared_ptr<WebSocketConnection>&)> onClose;
};

class HttpServer {
public:
    explicit HttpServer(ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// The router, with the built-in routes; add routes and middlewares before start().
    http::Router& router();
    /// The metrics registry (also served at /metrics). Any thread.
    Metrics& metrics();
    /// Adds a readiness check for GET /ready: it returns "" when ready, else the reason (sent in
    /// the 503). Called on an I/O thread per /ready request; must be quick. Before start().
    void addReadinessCheck(std::function<std::string()> check);
    /// Replaces the /api/v1/ws echo handler. Before start().
    void setWebSocketHandler(WebSocketHandler handler);
    /// Sends `text` to every open WebSocket connection. Any thread.
    void broadcast(const std::string& text);
    /// WebSocket connections open now. Any thread.
    std::size_t webSocketCount() const;

    /// Binds and starts serving on background threads. Returns an error text, or "" on success.
    std::string start();
    /// The bound port (after start()).
    std::uint16_t port() const;
    /// Graceful stop: closes the listening socket, closes idle keep-alive connections, lets requests
    /// in flight finish (their answers say Connection: close), sends WebSocket close frames (going
    /// away), waits up to `deadline` for every connection to end, then cuts what is left and joins
    /// the threads. Returns how many connections were cut at the deadline (0 = clean). Not from an
    /// I/O thread.
    std::size_t shutdown(std::chrono::milliseconds deadline);
    /// shutdown() with the options' deadline (no-op when not running).
    void stop();
    /// How many times accepting a connection has failed so far (out of file descriptors, a
    /// connection aborted before it was accepted, ...). The server logs each failure, waits
    /// (10 ms, doubling up to 1 s) and goes on accepting. Any thread.
    std::uint64_t acceptFailures() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace kairos::server
