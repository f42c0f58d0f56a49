// HTTP details a client relies on: HEAD has no body, 405 says what is allowed, unparseable
// requests get 400/431 instead of a dropped connection, and bad --port values are usage errors.
#include "httpserver.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <QProcess>

#include <gtest/gtest.h>

#include <string>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

class HttpProtocol : public ::testing::Test {
protected:
    void SetUp() override {
        kairos::server::ServerOptions o;
        o.port = 0;
        o.headerLimitBytes = 4096;
        server = std::make_unique<kairos::server::HttpServer>(o);
        ASSERT_EQ(server->start(), "");
    }
    void TearDown() override { server->stop(); }

    /// A connection with `raw` bytes already sent.
    std::unique_ptr<beast::tcp_stream> send(const std::string& raw) {
        auto s = std::make_unique<beast::tcp_stream>(io);
        s->connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server->port()));
        boost::asio::write(s->socket(), boost::asio::buffer(raw));
        return s;
    }

    boost::asio::io_context io;
    std::unique_ptr<kairos::server::HttpServer> server;
};

}  // namespace

TEST_F(HttpProtocol, HeadHasTheHeadersOfGetButNoBodyEvenWhenPipelined) {
    // GIVEN a HEAD and a GET pipelined on one connection
    auto s = send(
        "HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    beast::flat_buffer buf;
    // WHEN both answers are read
    http::response_parser<http::string_body> head;
    head.skip(true);  // a HEAD answer's Content-Length describes a body that is not sent
    http::read(*s, buf, head);
    http::response<http::string_body> get;
    beast::error_code ec;
    http::read(*s, buf, get, ec);
    // THEN the HEAD answer announces the GET body's length, and the GET answer is intact after it
    EXPECT_EQ(head.get().result(), http::status::ok);
    ASSERT_FALSE(ec) << "the HEAD answer carried a body that spilled into the next answer: " << ec.message();
    EXPECT_EQ(get.result(), http::status::ok);
    EXPECT_NE(get.body().find(R"("status":"ok")"), std::string::npos) << get.body();
    EXPECT_EQ(head.get()[http::field::content_length], std::to_string(get.body().size()));
}

TEST_F(HttpProtocol, MethodNotAllowedListsTheAllowedMethods) {
    auto s = send("DELETE /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(*s, buf, res);
    EXPECT_EQ(res.result(), http::status::method_not_allowed);
    EXPECT_EQ(res[http::field::allow], "GET, HEAD");
}

TEST_F(HttpProtocol, MalformedRequestGets400AndAnOversizedHeader431) {
    {
        auto s = send("THIS IS NOT HTTP\r\n\r\n");
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        beast::error_code ec;
        http::read(*s, buf, res, ec);
        ASSERT_FALSE(ec) << "connection closed without an answer: " << ec.message();
        EXPECT_EQ(res.result(), http::status::bad_request);
        EXPECT_FALSE(res.keep_alive());
    }
    {
        auto s = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(8192, 'a') + "\r\n\r\n");
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        beast::error_code ec;
        http::read(*s, buf, res, ec);
        ASSERT_FALSE(ec) << "connection closed without an answer: " << ec.message();
        EXPECT_EQ(res.result(), http::status::request_header_fields_too_large);
    }
}

TEST(KairosdPort, OnlyDecimalPortsInRangeAreAccepted) {
    using kairos::server::parsePort;
    EXPECT_EQ(parsePort("0"), 0);
    EXPECT_EQ(parsePort("8787"), 8787);
    EXPECT_EQ(parsePort("65535"), 65535);
    for (const char* bad : {"abc", "70000", "65536", "-1", "", "80x", " 80", "+80", "123456"})
        EXPECT_FALSE(parsePort(bad).has_value()) << bad;
}

TEST(KairosdPort, BadPortIsAUsageErrorNamingTheFlag) {
    for (const char* bad : {"abc", "70000", "-1"}) {
        QProcess p;
        p.start(QStringLiteral(KAIROSD_PATH), {QStringLiteral("--port"), QString::fromLatin1(bad)});
        ASSERT_TRUE(p.waitForFinished(30000)) << "kairosd kept running with --port " << bad;
        EXPECT_EQ(p.exitStatus(), QProcess::NormalExit);
        EXPECT_EQ(p.exitCode(), 2) << bad;
        const std::string err = p.readAllStandardError().toStdString();
        EXPECT_NE(err.find(std::string("--port: \"") + bad + "\" is not a port number"), std::string::npos) << err;
    }
    QProcess env;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("KAIROSD_PORT"), QStringLiteral("http"));
    env.setProcessEnvironment(e);
    env.start(QStringLiteral(KAIROSD_PATH), {});
    ASSERT_TRUE(env.waitForFinished(30000));
    EXPECT_EQ(env.exitCode(), 2);
    EXPECT_NE(env.readAllStandardError().toStdString().find("KAIROSD_PORT: \"http\""), std::string::npos);
}
