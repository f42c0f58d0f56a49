#include "httpserver.h"

#include "util/version.h"

// Boost 1.74 asio uses std::exchange without including <utility> (fixed upstream later).
#include <optional>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace kairos::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

http::response<http::string_body> handle(const http::request<http::string_body>& req) {
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::server, "kairosd/" + versionString());
    res.set(http::field::content_type, "application/json");
    if (req.target() == "/health") {
        if (req.method() != http::verb::get && req.method() != http::verb::head) {
            res.result(http::status::method_not_allowed);
            res.set(http::field::allow, "GET, HEAD");  // RFC 9110 15.5.6: a 405 lists what is allowed
            res.body() = R"({"error":"use GET /health"})";
        } else {
            res.result(http::status::ok);
            res.body() = R"({"status":"ok","version":")" + versionString() + R"("})";
        }
    } else {
        res.result(http::status::not_found);
        res.body() = R"({"error":"no such endpoint"})";
    }
    res.prepare_payload();
    if (req.method() == http::verb::head) {
        // The headers of the GET answer, without its body: a body here would be read as the
        // start of the next response on a kept-alive or pipelined connection.
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return res;
}

/// The answer to a request that could not be parsed; the connection closes after it.
http::response<http::string_body> parseError(http::status status, const char* what) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "kairosd/" + versionString());
    res.set(http::field::content_type, "application/json");
    res.body() = std::string(R"({"error":")") + what + R"("})";
    res.keep_alive(false);
    res.prepare_payload();
    return res;
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, const ServerOptions& o) : m_stream(std::move(socket)), m_options(o) {}
    void run() { read(); }

private:
    void read() {
        m_parser.emplace();
        m_parser->body_limit(m_options.bodyLimitBytes);
        m_parser->header_limit(static_cast<std::uint32_t>(m_options.headerLimitBytes));
        m_stream.expires_after(std::chrono::milliseconds(m_options.requestTimeoutMs));
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
    }
    void onRead(beast::error_code ec) {
        if (!ec) return write(handle(m_parser->get()));
        // The peer went away, timed out or the socket failed: nobody to answer.
        static const auto& httpErrors = http::make_error_code(http::error::bad_target).category();
        if (ec.category() != httpErrors || ec == http::error::end_of_stream || ec == http::error::partial_message) return close();
        // A request we cannot parse gets a status that says why, then the connection closes (the
        // rest of the stream cannot be framed).
        if (ec == http::error::body_limit) return write(parseError(http::status::payload_too_large, "request body too large"));
        if (ec == http::error::header_limit)
            return write(parseError(http::status::request_header_fields_too_large, "request header too large"));
        write(parseError(http::status::bad_request, "malformed request"));
    }
    void write(http::response<http::string_body> res) {
        auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
        http::async_write(m_stream, *sp, [self = shared_from_this(), sp](beast::error_code ec, std::size_t) {
            if (ec || !sp->keep_alive()) return self->close();
            self->read();
        });
    }
    void close() {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        // Closing with unread request bytes makes the kernel send a reset, which can destroy the
        // answer before the client reads it (a 413/431/400 the client never sees). Read and drop
        // what the client still sends, up to a bound, until it closes its side.
        drain();
    }
    void drain() {
        if (m_drainedBytes > kMaxDrainBytes) return;
        m_stream.expires_after(std::chrono::milliseconds(std::min(m_options.requestTimeoutMs, 2000)));
        m_stream.async_read_some(asio::buffer(m_drainBuffer), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->m_drainedBytes += n;
            if (!ec) self->drain();
        });
    }

    static constexpr std::size_t kMaxDrainBytes = 1024 * 1024;
    beast::tcp_stream m_stream;
    std::array<char, 4096> m_drainBuffer{};
    std::size_t m_drainedBytes = 0;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    const ServerOptions& m_options;
};

}  // namespace

struct HttpServer::Impl {
    static constexpr int kFirstRetryMs = 10;
    static constexpr int kMaxRetryMs = 1000;

    ServerOptions options;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    asio::steady_timer retryTimer{io};
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> acceptFailures{0};
    int retryMs = 0;  // current back-off; 0 while accepting works. Only touched by the accept chain.

    void log(const std::string& line) const {
        if (options.log)
            options.log(line);
        else
            std::fprintf(stderr, "kairosd: %s\n", line.c_str());
    }

    // One accept is outstanding at a time, so the chain below never runs concurrently with itself.
    void accept() {
        acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket s) {
            if (stopping || ec == asio::error::operation_aborted) return;  // acceptor closed
            if (ec) return retryLater(ec);
            if (retryMs != 0) {
                log("accepting connections again");
                retryMs = 0;
            }
            std::make_shared<Session>(std::move(s), options)->run();
            accept();
        });
    }

    // A failed accept is almost always transient (EMFILE/ENFILE until connections close,
    // ECONNABORTED, ENOBUFS/ENOMEM): ending the chain here would leave the port open with nobody
    // answering. The pending connection stays in the listen queue, so retrying at once would spin
    // on the same error: back off instead.
    void retryLater(const beast::error_code& ec) {
        ++acceptFailures;
        retryMs = retryMs == 0 ? kFirstRetryMs : std::min(retryMs * 2, kMaxRetryMs);
        log("cannot accept a connection: " + ec.message() + " (" + std::to_string(ec.value()) + "); retrying in " +
            std::to_string(retryMs) + " ms");
        retryTimer.expires_after(std::chrono::milliseconds(retryMs));
        retryTimer.async_wait([this](beast::error_code waitEc) {
            if (stopping || waitEc) return;
            accept();
        });
    }
};

std::optional<std::uint16_t> parsePort(std::string_view text) {
    if (text.empty() || text.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

HttpServer::HttpServer(ServerOptions options) : d(std::make_unique<Impl>()) { d->options = std::move(options); }
HttpServer::~HttpServer() { stop(); }

std::string HttpServer::start() {
    beast::error_code ec;
    const auto addr = asio::ip::make_address(d->options.bindAddress, ec);
    if (ec) return "invalid bind address \"" + d->options.bindAddress + "\": " + ec.message();
    const tcp::endpoint ep{addr, d->options.port};
    d->acceptor.open(ep.protocol(), ec);
    if (!ec) d->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) d->acceptor.bind(ep, ec);
    if (!ec) d->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return "cannot listen on " + d->options.bindAddress + ":" + std::to_string(d->options.port) + ": " + ec.message();
    d->port = d->acceptor.local_endpoint().port();
    d->accept();
    for (int i = 0; i < std::max(1, d->options.threads); ++i) d->threads.emplace_back([this] { d->io.run(); });
    return {};
}

std::uint16_t HttpServer::port() const { return d->port; }
std::uint64_t HttpServer::acceptFailures() const { return d->acceptFailures; }

void HttpServer::stop() {
    if (d->threads.empty()) return;
    d->stopping = true;
    asio::post(d->io, [this] {
        beast::error_code ignored;
        d->acceptor.close(ignored);
        d->retryTimer.cancel();
    });
    d->io.stop();
    for (auto& t : d->threads) t.join();
    d->threads.clear();
}

}  // namespace kairos::server
