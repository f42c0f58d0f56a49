#include "httpserver.h"

#include "accesslog.h"
#include "util/version.h"

// Boost 1.74 asio uses std::exchange without including <utility> (fixed upstream later).
#include <optional>
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace kairos::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

ServerOptions ServerOptions::fromConfig(const ServerConfig& c) {
    ServerOptions o;
    o.bindAddress = c.bind;
    o.port = c.port;
    o.bodyLimitBytes = c.bodyLimitBytes;
    o.headerLimitBytes = c.headerLimitBytes;
    o.requestTimeoutMs = c.requestTimeoutMs;
    o.threads = c.threads;
    o.shutdownDeadlineMs = c.shutdownDeadlineMs;
    o.tlsCert = c.tlsCert;
    o.tlsKey = c.tlsKey;
    o.trustedProxies = c.trustedProxies;
    o.corsOrigins = c.corsOrigins;
    o.logFormat = c.logFormat;
    return o;
}

namespace {

/// What the server keeps of every connection to shut it down.
class Connection {
public:
    virtual ~Connection() = default;
    /// Begin a graceful end (idle: close now; busy: finish the current exchange). Any thread.
    virtual void beginShutdown() = 0;
    /// Close the socket now. Any thread.
    virtual void forceClose() = 0;
};

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

constexpr std::size_t kMaxWebSocketMessageBytes = 64 * 1024;
constexpr std::size_t kMaxWebSocketQueueBytes = 1024 * 1024;

}  // namespace

namespace detail {

/// The server's state shared by the sessions (HttpServer::Impl is this; a named type so that the
/// session templates can refer to it).
struct ServerCore {
    static constexpr int kFirstRetryMs = 10;
    static constexpr int kMaxRetryMs = 1000;

    ServerOptions options;
    http::Router router;
    Metrics metrics;
    std::vector<std::function<std::string()>> readiness;
    WebSocketHandler webSocketHandler;
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> acceptFailures{0};
    std::atomic<std::uint64_t> nextId{1};

    mutable std::mutex connectionsMutex;
    std::condition_variable connectionsDone;
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
    std::unordered_map<std::uint64_t, std::weak_ptr<WebSocketConnection>> webSockets;
    std::mutex logMutex;
    std::optional<asio::ssl::context> ssl;

    // Sessions refer to the members above; the io_context is destroyed first (declared after them),
    // which destroys any session its handlers still hold.
    asio::io_context io;
    tcp::acceptor acceptor{io};
    asio::steady_timer retryTimer{io};
    // Keeps the threads running while sessions are idle and the acceptor is closed (during
    // shutdown, the posted notifications to the sessions still need a thread).
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    int retryMs = 0;  // current back-off; 0 while accepting works. Only touched by the accept chain.

    void log(const std::string& line) const {
        if (options.log)
            options.log(line);
        else
            std::fprintf(stderr, "kairosd: %s\n", line.c_str());
    }

    /// Registers a connection; true when the server is already stopping (the connection must end
    /// after its first exchange).
    bool registerConnection(std::uint64_t id, std::weak_ptr<Connection> c) {
        std::lock_guard lock(connectionsMutex);
        connections.emplace(id, std::move(c));
        return stopping;
    }
    void unregisterConnection(std::uint64_t id) {
        std::lock_guard lock(connectionsMutex);
        connections.erase(id);
        webSockets.erase(id);
        if (connections.empty()) connectionsDone.notify_all();
    }

    void logRequest(const http::Outcome& o, Clock::time_point start) {
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        metrics.observeRequest(o.method, o.routePattern, o.status, seconds);
        RequestLogEntry e;
        e.timeMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        e.requestId = o.requestId;
        e.method = o.method;
        e.route = o.routePattern;
        e.status = o.status;
        e.latencyMs = seconds * 1000.0;
        e.accountId = o.accountId;
        e.clientIp = o.clientIp;
        const std::string line = formatRequestLog(options.logFormat, e);
        if (options.requestLog) return options.requestLog(line);
        std::lock_guard lock(logMutex);
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }

    void installBuiltInRoutes();
    void accept();
    void retryLater(const beast::error_code& ec);
    template <class Stream>
    void startSession(tcp::socket socket);
};

}  // namespace detail

struct HttpServer::Impl : detail::ServerCore {};

namespace {

// ---------------------------------------------------------------------------------------------
// WebSocket sessions

template <class Stream>
class WsSession : public Connection, public WebSocketConnection, public std::enable_shared_from_this<WsSession<Stream>> {
public:
    WsSession(detail::ServerCore& server, Stream stream, http::Outcome upgrade)
        : m_server(server), m_ws(std::move(stream)), m_upgrade(std::move(upgrade)), m_id(server.nextId++) {}
    ~WsSession() override {
        if (m_open) m_server.metrics.webSocketClosed();
        m_server.unregisterConnection(m_id);
    }
    WsSession(const WsSession&) = delete;
    WsSession& operator=(const WsSession&) = delete;

    void run(bhttp::request<bhttp::string_body> req, Clock::time_point start) {
        m_stopping = m_server.registerConnection(m_id, this->weak_from_this());
        beast::get_lowest_layer(m_ws).expires_never();  // the WebSocket stream has its own timeouts
        m_ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        m_ws.read_message_max(kMaxWebSocketMessageBytes);
        const std::string requestId = m_upgrade.requestId;
        m_ws.set_option(websocket::stream_base::decorator([requestId](websocket::response_type& res) {
            res.set(bhttp::field::server, "kairosd/" + versionString());
            res.set("X-Request-Id", requestId);
        }));
        m_ws.async_accept(req, [self = this->shared_from_this(), start](beast::error_code ec) {
            http::Outcome logged = self->m_upgrade;
            logged.status = ec ? 400 : 101;
            self->m_server.logRequest(logged, start);
            if (!ec) self->onOpen();
        });
    }

    void send(std::string text) override {
        asio::post(m_ws.get_executor(), [self = this->shared_from_this(), text = std::move(text)]() mutable {
            if (!self->m_open || self->m_closing) return;
            self->m_queuedBytes += text.size();
            if (self->m_queuedBytes > kMaxWebSocketQueueBytes) return self->closeWith(websocket::close_code::policy_error);
            self->m_queue.push_back(std::move(text));
            if (!self->m_writing) self->writeNext();
        });
    }
    void close() override {
        asio::post(m_ws.get_executor(), [self = this->shared_from_this()] { self->closeWith(websocket::close_code::normal); });
    }
    std::uint64_t id() const override { return m_id; }
    const http::Outcome& upgrade() const override { return m_upgrade; }

    void beginShutdown() override {
        asio::post(m_ws.get_executor(), [self = this->shared_from_this()] {
            self->m_stopping = true;
            if (self->m_open) self->closeWith(websocket::close_code::going_away);
        });
    }
    void forceClose() override {
        asio::post(m_ws.get_executor(), [self = this->shared_from_this()] {
            beast::error_code ignored;
            beast::get_lowest_layer(self->m_ws).socket().close(ignored);
        });
    }

private:
    void onOpen() {
        m_open = true;
        m_server.metrics.webSocketOpened();
        {
            std::lock_guard lock(m_server.connectionsMutex);
            m_server.webSockets.emplace(m_id, std::weak_ptr<WebSocketConnection>(this->shared_from_this()));
        }
        if (m_server.webSocketHandler.onOpen) m_server.webSocketHandler.onOpen(this->shared_from_this());
        if (m_stopping) closeWith(websocket::close_code::going_away);
        read();
    }
    void read() {
        m_ws.async_read(m_readBuffer, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->finished();
            std::string text = beast::buffers_to_string(self->m_readBuffer.data());
            self->m_readBuffer.consume(self->m_readBuffer.size());
            if (self->m_server.webSocketHandler.onMessage)
                self->m_server.webSocketHandler.onMessage(self->shared_from_this(), text);
            else
                self->send(std::move(text));  // the default endpoint echoes
            self->read();
        });
    }
    void writeNext() {
        m_writing = true;
        m_ws.text(true);
        m_ws.async_write(asio::buffer(m_queue.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->m_writing = false;
            self->m_queuedBytes -= self->m_queue.front().size();
            self->m_queue.pop_front();
            if (ec) return;
            if (self->m_closeCode) return self->closeWith(*self->m_closeCode);
            if (!self->m_queue.empty()) self->writeNext();
        });
    }
    /// Sends a close frame once; after a pending write when one is under way (one write at a time).
    void closeWith(websocket::close_code code) {
        if (m_closing || !m_open) return;
        if (m_writing) {
            m_closeCode = code;
            return;
        }
        m_closing = true;
        m_queue.clear();
        m_queuedBytes = 0;
        m_ws.async_close(code, [self = this->shared_from_this()](beast::error_code) {});
    }
    void finished() {
        if (!m_open) return;
        m_open = false;
        m_server.metrics.webSocketClosed();
        {
            std::lock_guard lock(m_server.connectionsMutex);
            m_server.webSockets.erase(m_id);
        }
        if (m_server.webSocketHandler.onClose) m_server.webSocketHandler.onClose(this->shared_from_this());
    }

    detail::ServerCore& m_server;
    websocket::stream<Stream> m_ws;
    http::Outcome m_upgrade;
    std::uint64_t m_id;
    beast::flat_buffer m_readBuffer;
    std::deque<std::string> m_queue;
    std::size_t m_queuedBytes = 0;
    bool m_open = false;
    bool m_writing = false;
    bool m_closing = false;
    bool m_stopping = false;
    std::optional<websocket::close_code> m_closeCode;
};

// ---------------------------------------------------------------------------------------------
// HTTP sessions

template <class Stream>
class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession<Stream>> {
public:
    HttpSession(detail::ServerCore& server, Stream stream, std::string peer)
        : m_server(server), m_stream(std::move(stream)), m_peer(std::move(peer)), m_id(server.nextId++) {}
    ~HttpSession() override { m_server.unregisterConnection(m_id); }
    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

    void run() {
        m_stopping = m_server.registerConnection(m_id, this->weak_from_this());
        if constexpr (kIsTls<Stream>) {
            lowest().expires_after(std::chrono::milliseconds(m_server.options.requestTimeoutMs));
            m_stream.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
                if (ec) return self->closeNow();  // not TLS, or a failed handshake: nobody to answer
                self->read();
            });
        } else {
            read();
        }
    }

    void beginShutdown() override {
        asio::post(m_stream.get_executor(), [self = this->shared_from_this()] {
            self->m_stopping = true;
            // Idle between requests: nothing in flight, so close now instead of at the deadline. A
            // request already (partly) received is finished; its answer says Connection: close.
            beast::error_code ec;
            if (self->m_waitingForRequest && !self->m_parser->got_some() && self->m_buffer.size() == 0 &&
                self->lowest().socket().available(ec) == 0)
                self->closeNow();
        });
    }
    void forceClose() override {
        asio::post(m_stream.get_executor(), [self = this->shared_from_this()] { self->closeNow(); });
    }

private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(m_stream); }

    void read() {
        m_parser.emplace();
        m_parser->body_limit(m_server.options.bodyLimitBytes);
        m_parser->header_limit(static_cast<std::uint32_t>(m_server.options.headerLimitBytes));
        lowest().expires_after(std::chrono::milliseconds(m_server.options.requestTimeoutMs));
        m_waitingForRequest = true;
        bhttp::async_read_header(m_stream, m_buffer, *m_parser,
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
    }

    // A client that sent "Expect: 100-continue" waits for a 100 before sending the body (curl
    // does for bodies over 1 KiB, else it stalls a second); a body over the limit was refused with
    // the header already.
    void onHeader(beast::error_code ec) {
        if (ec || m_parser->is_done()) return onRead(ec);
        auto readBody = [self = this->shared_from_this()] {
            bhttp::async_read(self->m_stream, self->m_buffer, *self->m_parser,
                              [self](beast::error_code readEc, std::size_t) { self->onRead(readEc); });
        };
        if (!beast::iequals(m_parser->get()[bhttp::field::expect], "100-continue")) return readBody();
        auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
        bhttp::async_write(m_stream, *cont,
                           [self = this->shared_from_this(), cont, readBody](beast::error_code writeEc, std::size_t) {
                               if (writeEc) return self->close();
                               readBody();
                           });
    }

    void onRead(beast::error_code ec) {
        m_waitingForRequest = false;
        const auto start = Clock::now();
        if (!ec) return dispatch(start);
        // The peer went away, timed out or the socket failed: nobody to answer.
        static const auto& httpErrors = bhttp::make_error_code(bhttp::error::bad_target).category();
        if (ec.category() != httpErrors || ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message)
            return close();
        // A request we cannot parse gets a status that says why, then the connection closes (the
        // rest of the stream cannot be framed).
        http::Outcome o;
        if (ec == bhttp::error::body_limit)
            o = m_server.router.errorOutcome(413, "body_too_large", "the request body is larger than the server accepts",
                                             kIsTls<Stream>);
        else if (ec == bhttp::error::header_limit)
            o = m_server.router.errorOutcome(431, "header_too_large",
                                             "the request line and headers are larger than the server accepts", kIsTls<Stream>);
        else
            o = m_server.router.errorOutcome(400, "malformed_request", "the request is not valid HTTP/1.1", kIsTls<Stream>);
        o.clientIp = m_peer;
        write(std::move(o), false, false, 11, start);
    }

    void dispatch(Clock::time_point start) {
        auto& req = m_parser->get();
        http::Request r;
        r.method = std::string(req.method_string());
        r.target = std::string(req.target());
        for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        r.body = req.body();
        r.peerAddress = m_peer;
        r.isTls = kIsTls<Stream>;
        http::Outcome o = m_server.router.handle(r);
        if (!o.internalError.empty())
            m_server.log("request " + o.requestId + " (" + o.method + " " + o.routePattern + ") failed: " + o.internalError);
        if (o.webSocketUpgrade && websocket::is_upgrade(req)) {
            auto ws = std::make_shared<WsSession<Stream>>(m_server, std::move(m_stream), std::move(o));
            ws->run(m_parser->release(), start);
            return;  // this session ends here; the WebSocket session owns the connection
        }
        if (o.webSocketUpgrade)  // Upgrade headers Beast does not accept as a handshake (e.g. HTTP/1.0)
            o = m_server.router.errorOutcome(400, "malformed_request", "not a valid WebSocket handshake", kIsTls<Stream>);
        write(std::move(o), req.keep_alive() && !m_stopping, req.method() == bhttp::verb::head, req.version(), start);
    }

    void write(http::Outcome o, bool keepAlive, bool isHead, unsigned version, Clock::time_point start) {
        auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
        res->version(version);
        res->result(static_cast<unsigned>(o.status));
        res->set(bhttp::field::server, "kairosd/" + versionString());
        for (const auto& [name, value] : o.headers) res->insert(name, value);
        res->keep_alive(keepAlive);
        const bool noBody = o.status < 200 || o.status == 204 || o.status == 304;
        if (isHead) {
            // The headers of the GET answer, without its body: a body here would be read as the
            // start of the next response on a kept-alive or pipelined connection.
            if (!noBody) res->content_length(o.contentLength);
        } else if (!noBody) {
            res->body() = std::move(o.body);
            res->prepare_payload();
        }
        o.body.clear();
        lowest().expires_after(std::chrono::milliseconds(m_server.options.requestTimeoutMs));
        bhttp::async_write(m_stream, *res,
                           [self = this->shared_from_this(), res, o = std::move(o), start](beast::error_code ec, std::size_t) {
                               self->m_server.logRequest(o, start);
                               if (ec || !res->keep_alive() || self->m_stopping) return self->close();
                               self->read();
                           });
    }

    /// Ends the connection politely: TLS close_notify, or for plain TCP a half-close and a bounded
    /// drain of what the client still sends.
    void close() {
        if constexpr (kIsTls<Stream>) {
            lowest().expires_after(std::chrono::milliseconds(std::min(m_server.options.requestTimeoutMs, 2000)));
            m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->closeNow(); });
        } else {
            beast::error_code ignored;
            m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            // Closing with unread request bytes makes the kernel send a reset, which can destroy the
            // answer before the client reads it (a 413/431/400 the client never sees). Read and drop
            // what the client still sends, up to a bound, until it closes its side.
            drain();
        }
    }
    void drain() {
        if (m_drainedBytes > kMaxDrainBytes) return;
        lowest().expires_after(std::chrono::milliseconds(std::min(m_server.options.requestTimeoutMs, 2000)));
        lowest().async_read_some(asio::buffer(m_drainBuffer),
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                     self->m_drainedBytes += n;
                                     if (!ec) self->drain();
                                 });
    }
    void closeNow() {
        beast::error_code ignored;
        lowest().socket().close(ignored);
    }

    static constexpr std::size_t kMaxDrainBytes = 1024 * 1024;
    detail::ServerCore& m_server;
    Stream m_stream;
    std::string m_peer;
    std::uint64_t m_id;
    std::array<char, 4096> m_drainBuffer{};
    std::size_t m_drainedBytes = 0;
    beast::flat_buffer m_buffer;
    std::optional<bhttp::request_parser<bhttp::string_body>> m_parser;
    bool m_waitingForRequest = false;
    bool m_stopping = false;
};

}  // namespace

template <class Stream>
void detail::ServerCore::startSession(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    std::string address = ec ? std::string() : peer.address().to_string();
    if constexpr (kIsTls<Stream>)
        std::make_shared<HttpSession<Stream>>(*this, Stream(std::move(socket), *ssl), std::move(address))->run();
    else
        std::make_shared<HttpSession<Stream>>(*this, Stream(std::move(socket)), std::move(address))->run();
}

// One accept is outstanding at a time, so the chain below never runs concurrently with itself.
void detail::ServerCore::accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket s) {
        if (stopping || ec == asio::error::operation_aborted) return;  // acceptor closed
        if (ec) return retryLater(ec);
        if (retryMs != 0) {
            log("accepting connections again");
            retryMs = 0;
        }
        if (ssl)
            startSession<beast::ssl_stream<beast::tcp_stream>>(std::move(s));
        else
            startSession<beast::tcp_stream>(std::move(s));
        accept();
    });
}

// A failed accept is almost always transient (EMFILE/ENFILE until connections close,
// ECONNABORTED, ENOBUFS/ENOMEM): ending the chain here would leave the port open with nobody
// answering. The pending connection stays in the listen queue, so retrying at once would spin
// on the same error: back off instead.
void detail::ServerCore::retryLater(const beast::error_code& ec) {
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

void detail::ServerCore::installBuiltInRoutes() {
    router.add("GET", "/health", [](http::RequestContext&) {
        return http::Response::withJson(200, {{"status", "ok"}, {"version", versionString()}});
    });
    router.add("GET", "/ready", [this](http::RequestContext&) {
        if (stopping) return http::Response::error(503, "not_ready", "the server is shutting down");
        for (const auto& check : readiness)
            if (std::string reason = check(); !reason.empty()) return http::Response::error(503, "not_ready", reason);
        return http::Response::withJson(200, {{"status", "ready"}});
    });
    router.add("GET", "/metrics", [this](http::RequestContext&) {
        return http::Response::withText(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    router.addWebSocket("/api/v1/ws");
}

HttpServer::HttpServer(ServerOptions options) : d(std::make_unique<Impl>()) {
    d->options = std::move(options);
    d->router.setPolicy({d->options.trustedProxies, d->options.corsOrigins, d->options.bodyLimitBytes});
    d->installBuiltInRoutes();
}

HttpServer::~HttpServer() { stop(); }

http::Router& HttpServer::router() { return d->router; }
Metrics& HttpServer::metrics() { return d->metrics; }
void HttpServer::addReadinessCheck(std::function<std::string()> check) { d->readiness.push_back(std::move(check)); }
void HttpServer::setWebSocketHandler(WebSocketHandler handler) { d->webSocketHandler = std::move(handler); }

void HttpServer::broadcast(const std::string& text) {
    std::vector<std::shared_ptr<WebSocketConnection>> targets;
    {
        std::lock_guard lock(d->connectionsMutex);
        for (auto& [id, weak] : d->webSockets)
            if (auto c = weak.lock()) targets.push_back(std::move(c));
    }
    for (auto& c : targets) c->send(text);
}

std::size_t HttpServer::webSocketCount() const {
    std::lock_guard lock(d->connectionsMutex);
    return d->webSockets.size();
}

std::string HttpServer::start() {
    beast::error_code ec;
    if (!d->options.tlsCert.empty() || !d->options.tlsKey.empty()) {
        d->ssl.emplace(asio::ssl::context::tls_server);
        d->ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                                asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                                asio::ssl::context::single_dh_use,
                            ec);
        d->ssl->use_certificate_chain_file(d->options.tlsCert, ec);
        if (ec) return "cannot load the TLS certificate " + d->options.tlsCert + ": " + ec.message();
        d->ssl->use_private_key_file(d->options.tlsKey, asio::ssl::context::pem, ec);
        if (ec) return "cannot load the TLS key " + d->options.tlsKey + ": " + ec.message();
    }
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
    d->work.emplace(asio::make_work_guard(d->io));
    for (int i = 0; i < std::max(1, d->options.threads); ++i) d->threads.emplace_back([this] { d->io.run(); });
    return {};
}

std::uint16_t HttpServer::port() const { return d->port; }
std::uint64_t HttpServer::acceptFailures() const { return d->acceptFailures; }

std::size_t HttpServer::shutdown(std::chrono::milliseconds deadline) {
    if (d->threads.empty()) return 0;
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(d->connectionsMutex);
        d->stopping = true;
        for (auto& [id, weak] : d->connections)
            if (auto c = weak.lock()) open.push_back(std::move(c));
    }
    // Stop accepting first, and wait for it, so that no connection arrives after the snapshot.
    std::promise<void> closed;
    asio::post(d->io, [this, &closed] {
        beast::error_code ignored;
        d->acceptor.close(ignored);
        d->retryTimer.cancel();
        closed.set_value();
    });
    closed.get_future().wait();
    for (auto& c : open) c->beginShutdown();
    d->log("shutting down: stopped accepting; " + std::to_string(open.size()) + " connection(s) open, up to " +
           std::to_string(deadline.count()) + " ms to finish");
    open.clear();  // a session must be able to end while we wait
    std::size_t cut = 0;
    {
        std::unique_lock lock(d->connectionsMutex);
        if (!d->connectionsDone.wait_for(lock, deadline, [this] { return d->connections.empty(); })) {
            for (auto& [id, weak] : d->connections)
                if (auto c = weak.lock()) open.push_back(std::move(c));
            cut = d->connections.size();
        }
    }
    for (auto& c : open) c->forceClose();
    open.clear();
    d->work.reset();
    d->io.stop();
    for (auto& t : d->threads) t.join();
    d->threads.clear();
    d->log(cut == 0 ? std::string("stopped: every connection finished")
                    : "stopped: deadline passed, " + std::to_string(cut) + " connection(s) cut");
    return cut;
}

void HttpServer::stop() { shutdown(std::chrono::milliseconds(d->options.shutdownDeadlineMs)); }

}  // namespace kairos::server
