// The accept loop survives running out of file descriptors: kairosd must go on serving once
// descriptors are free again, not leave the port open with nobody answering.
#include "httpserver.h"

#include "fakeservers.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

/// Takes every free file descriptor of this process (under a soft limit lowered to at most 1024
/// so that it stays cheap) until release() or destruction, which also restore the limit.
class DescriptorHog {
public:
    DescriptorHog() {
        getrlimit(RLIMIT_NOFILE, &m_saved);
        rlimit low = m_saved;
        low.rlim_cur = std::min<rlim_t>(m_saved.rlim_cur, 1024);
        setrlimit(RLIMIT_NOFILE, &low);
        for (;;) {
            const int fd = ::dup(STDERR_FILENO);
            if (fd < 0) {
                m_errno = errno;
                break;
            }
            m_fds.push_back(fd);
        }
    }
    ~DescriptorHog() { release(); }
    DescriptorHog(const DescriptorHog&) = delete;
    DescriptorHog& operator=(const DescriptorHog&) = delete;

    /// errno of the dup() that failed: EMFILE when the process is out of descriptors.
    int lastErrno() const { return m_errno; }
    void release() {
        for (int fd : m_fds) ::close(fd);
        m_fds.clear();
        setrlimit(RLIMIT_NOFILE, &m_saved);
    }

private:
    rlimit m_saved{};
    std::vector<int> m_fds;
    int m_errno = 0;
};

}  // namespace

TEST(HttpServerAccept, KeepsServingAfterRunningOutOfFileDescriptors) {
    // GIVEN a running server (its log captured rather than printed)
    kairos::server::ServerOptions o;
    o.port = 0;
    std::mutex logMutex;
    std::vector<std::string> log;
    o.log = [&](const std::string& line) {
        std::lock_guard lock(logMutex);
        log.push_back(line);
    };
    kairos::server::HttpServer server(o);
    ASSERT_EQ(server.start(), "");

    // WHEN a client connects while the process has no descriptor left for the accepted socket
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.socket().open(tcp::v4());  // the client's own descriptor, taken before the hog
    {
        DescriptorHog hog;
        ASSERT_EQ(hog.lastErrno(), EMFILE);
        // The kernel completes the handshake into the listen queue; accept() then fails.
        stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
        ASSERT_TRUE(kairos::test::waitUntil([&] { return server.acceptFailures() >= 1; }))
            << "the server never tried to accept the pending connection";
    }  // descriptors released here

    // THEN the same connection is accepted after the back-off and answered
    http::request<http::string_body> req{http::verb::get, "/health", 11};
    req.set(http::field::host, "127.0.0.1");
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    beast::error_code ec = boost::asio::error::timed_out;  // stays so if nothing answers
    http::async_write(stream, req, [&](beast::error_code writeEc, std::size_t) {
        if (writeEc) {
            ec = writeEc;
            return;
        }
        http::async_read(stream, buf, res, [&](beast::error_code readEc, std::size_t) { ec = readEc; });
    });
    io.run_for(std::chrono::seconds(20));  // returns as soon as the exchange is done; the bound is for the old bug
    ASSERT_FALSE(ec) << "no answer after the descriptors were freed: " << ec.message();
    EXPECT_EQ(res.result(), http::status::ok);
    server.stop();

    // AND the failure was logged with its reason
    std::lock_guard lock(logMutex);
    ASSERT_FALSE(log.empty());
    EXPECT_NE(log.front().find("cannot accept a connection"), std::string::npos) << log.front();
    EXPECT_NE(log.front().find("retrying"), std::string::npos) << log.front();
}
