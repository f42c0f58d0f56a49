// "Expect: 100-continue" (curl sends it for bodies over 1 KiB): the server answers 100 before the
// body is sent, so the client does not stall; a body over the limit is refused at once instead.
#include "serverclient.h"

#include <gtest/gtest.h>

namespace bhttp = boost::beast::http;

namespace {
std::string readSome(boost::beast::tcp_stream& s) {
    std::array<char, 4096> buf{};
    const auto n = s.read_some(boost::asio::buffer(buf));
    return std::string(buf.data(), n);
}
}  // namespace

TEST(HttpContinue, TheServerAsksForTheBodyBeforeTheClientSendsIt) {
    kairos::server::ServerOptions o;
    o.bodyLimitBytes = 2048;
    kairos::test::TestServer server(o);
    ASSERT_EQ(server.start(), "");
    boost::asio::io_context io;
    boost::beast::tcp_stream s(io);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    // GIVEN a request that waits for 100 Continue before its body
    const std::string body = R"({"padding":")" + std::string(1500, 'x') + R"("})";
    boost::asio::write(s.socket(),
                       boost::asio::buffer("POST /health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Expect: 100-continue\r\nContent-Length: " +
                                           std::to_string(body.size()) + "\r\n\r\n"));
    // WHEN the server reads the header THEN it answers 100 Continue, and after the body the real answer
    EXPECT_EQ(readSome(s), "HTTP/1.1 100 Continue\r\n\r\n");
    boost::asio::write(s.socket(), boost::asio::buffer(body));
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buf, res);
    EXPECT_EQ(res.result(), bhttp::status::method_not_allowed);  // /health is GET only; the point is the exchange

    // A body announced over the limit is refused without waiting for it
    boost::beast::tcp_stream big(io);
    big.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    boost::asio::write(big.socket(),
                       boost::asio::buffer(std::string("POST /health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                                                       "Content-Length: 999999\r\n\r\n")));
    bhttp::response<bhttp::string_body> refused;
    bhttp::read(big, buf, refused);
    EXPECT_EQ(refused.result(), bhttp::status::payload_too_large);
    server.server->stop();
}
