#pragma once
// kairosd's metrics, exposed at GET /metrics in the Prometheus text format (prometheus-cpp).
// Every method is thread-safe and cheap enough to call per request.

#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace kairos::server {

/// The server's metric registry. Names (all prefixed kairosd_):
/// - http_requests_total{method, route, status}: requests answered (route is the pattern, "-" when none matched)
/// - http_request_duration_seconds{route}: latency histogram, from the request read to the answer written
/// - websocket_connections: WebSocket connections open now
/// - logins_total{result="ok"|"failed"}, emails_queued_total: incremented by the account code
/// Further metrics are added through registry() (prometheus-cpp's BuildCounter()… on it).
class Metrics {
public:
    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    /// One answered HTTP request. `seconds` is its latency.
    void observeRequest(std::string_view method, std::string_view route, int status, double seconds);
    /// A WebSocket connection opened / closed.
    void webSocketOpened();
    void webSocketClosed();
    /// A login attempt's result (the accounts code).
    void loginSucceeded();
    void loginFailed();
    /// An e-mail put on the outgoing queue (the accounts code).
    void emailQueued();

    /// The registry, to add metrics of other parts of the server.
    prometheus::Registry& registry();
    /// Everything in the Prometheus text exposition format 0.0.4.
    std::string render() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace kairos::server
