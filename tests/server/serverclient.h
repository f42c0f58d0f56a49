#pragma once
// Test helpers for kairosd: a blocking HTTP client over a real socket, an in-process server with
// its request log captured, and the kairosd binary started as a process. Header-only; used by the
// tests in tests/server/ (also the database and account tests).

#include "httpserver.h"
#include "testdata.h"

// Boost 1.74 asio uses std::exchange without including <utility> (fixed upstream later).
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <QByteArray>
#include <QProcess>
#include <QRegularExpression>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kairos::test {

namespace beast = boost::beast;
namespace bhttp = beast::http;

using HttpResponse = bhttp::response<bhttp::string_body>;

/// One request on a new connection to 127.0.0.1:`port`; the answer (a HEAD answer's body is empty).
inline HttpResponse httpRequest(std::uint16_t port, bhttp::verb verb, const std::string& target, const std::string& body = {},
                                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [n, v] : headers) req.set(n, v);
    if (!body.empty() && req[bhttp::field::content_type].empty()) req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (verb == bhttp::verb::head) parser.skip(true);
    bhttp::read(stream, buf, parser);
    return parser.release();
}

/// The JSON body of `res` (discarded value when it is not JSON).
inline nlohmann::json jsonBody(const HttpResponse& res) { return nlohmann::json::parse(res.body(), nullptr, false); }

/// An in-process server on a free port whose request log and operational log are kept.
class TestServer {
public:
    explicit TestServer(kairos::server::ServerOptions o = {}) {
        o.port = 0;
        o.requestLog = [this](const std::string& line) {
            std::lock_guard lock(m_mutex);
            m_requestLog.push_back(line);
        };
        o.log = [this](const std::string& line) {
            std::lock_guard lock(m_mutex);
            m_log.push_back(line);
        };
        server = std::make_unique<kairos::server::HttpServer>(std::move(o));
    }
    /// The server (and its threads, which log into the members below) goes first.
    ~TestServer() { server.reset(); }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;
    /// Starts it; "" or the error.
    std::string start() { return server->start(); }
    std::uint16_t port() const { return server->port(); }
    std::vector<std::string> requestLog() const {
        std::lock_guard lock(m_mutex);
        return m_requestLog;
    }
    std::vector<std::string> log() const {
        std::lock_guard lock(m_mutex);
        return m_log;
    }

    std::unique_ptr<kairos::server::HttpServer> server;

private:
    mutable std::mutex m_mutex;
    std::vector<std::string> m_requestLog;
    std::vector<std::string> m_log;
};

/// Starts the kairosd binary with `args` and waits for its "listening on" line; returns the port
/// (0 when it did not come up, with its output in `error`). Without --data-dir in `args` the
/// server gets a fresh temporary data directory (its database, signing key and mail folder).
/// `startup` (optional) receives what it printed up to that line and any more read with it.
inline quint16 startKairosd(QProcess& p, const QStringList& args, std::string& error, std::string* startup = nullptr) {
    QStringList all = args;
    if (!all.contains(QStringLiteral("--data-dir"))) all << QStringLiteral("--data-dir") << QString::fromStdString(tempDir());
    p.start(QStringLiteral(KAIROSD_PATH), all);
    if (!p.waitForStarted()) return 0;
    QByteArray out;
    const QRegularExpression listening(QStringLiteral("listening on https?://[^:]+:(\\d+)"));
    while (!listening.match(QString::fromUtf8(out)).hasMatch() && p.waitForReadyRead(30'000)) out += p.readAllStandardOutput();
    const auto m = listening.match(QString::fromUtf8(out));
    if (startup) *startup = out.toStdString();
    if (!m.hasMatch()) {
        p.waitForFinished(5'000);
        error = out.toStdString() + p.readAllStandardError().toStdString();
        return 0;
    }
    return static_cast<quint16>(m.captured(1).toUInt());
}

}  // namespace kairos::test
