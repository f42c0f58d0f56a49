#pragma once
// The companion server's HTTP front door (Boost.Beast): one port, body limits, per-connection
// timeouts. First endpoint: GET /health. Accounts, signals, payments come with their issues.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kairos::server {

struct ServerOptions {
    std::string bindAddress = "127.0.0.1";
    std::uint16_t port = 8787;                ///< 0 picks a free port (tests)
    std::size_t bodyLimitBytes = 64 * 1024;   ///< larger bodies get 413
    std::size_t headerLimitBytes = 8 * 1024;  ///< larger request lines + headers get 431
    int requestTimeoutMs = 15000;
    int threads = 1;
    /// Where operational messages go (accept failures and recovery); one line each, no newline.
    /// Empty: "kairosd: ..." on stderr. Called on a server thread.
    std::function<void(const std::string&)> log;
};

/// A port number as given on the command line or in KAIROSD_PORT: decimal digits only, 0..65535.
/// nullopt for anything else ("abc", "-1", "70000", "", "80x").
std::optional<std::uint16_t> parsePort(std::string_view text);

class HttpServer {
public:
    explicit HttpServer(ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and starts serving on background threads. Returns an error text, or "" on success.
    std::string start();
    /// The bound port (after start()).
    std::uint16_t port() const;
    /// Stops accepting, closes connections and joins the threads.
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
