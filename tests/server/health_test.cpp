#include "httpserver.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <gtest/gtest.h>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {
http::response<http::string_body> request(std::uint16_t port, http::verb verb, const std::string& target,
                                          const std::string& body = {}) {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return res;
}
}  // namespace

TEST(HttpServer, HealthAnswersOkWithVersion) {
    kairos::server::ServerOptions o;
    o.port = 0;
    kairos::server::HttpServer server(o);
    ASSERT_EQ(server.start(), "");
    auto res = request(server.port(), http::verb::get, "/health");
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_NE(res.body().find(R"("status":"ok")"), std::string::npos) << res.body();
    EXPECT_EQ(request(server.port(), http::verb::get, "/nope").result(), http::status::not_found);
    EXPECT_EQ(request(server.port(), http::verb::post, "/health").result(), http::status::method_not_allowed);
    server.stop();
}

TEST(HttpServer, BodyOverLimitIsRefused) {
    kairos::server::ServerOptions o;
    o.port = 0;
    o.bodyLimitBytes = 1024;
    kairos::server::HttpServer server(o);
    ASSERT_EQ(server.start(), "");
    auto res = request(server.port(), http::verb::post, "/health", std::string(4096, 'x'));
    EXPECT_EQ(res.result(), http::status::payload_too_large);
    server.stop();
}

TEST(HttpServer, BusyPortIsAClearError) {
    kairos::server::ServerOptions o;
    o.port = 0;
    kairos::server::HttpServer first(o);
    ASSERT_EQ(first.start(), "");
    o.port = first.port();
    kairos::server::HttpServer second(o);
    // SO_REUSEADDR does not allow two listeners on Linux; the message says which address.
    const std::string err = second.start();
    EXPECT_NE(err.find("cannot listen on 127.0.0.1:" + std::to_string(o.port)), std::string::npos) << err;
}
