// Graceful shutdown: kairosd stops on SIGTERM with exit 0, every time; requests in flight when the
// signal arrives are answered completely; idle connections and WebSockets are closed, the latter
// with a close frame.
#include "serverclient.h"

#include "fakeservers.h"

#include <boost/beast/websocket.hpp>

#include <QTcpSocket>

#include <gtest/gtest.h>

#include <csignal>

namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {

/// Reads from `s` until the peer closes or 10 s pass without data; everything read.
QByteArray readUntilClosed(QTcpSocket& s) {
    QByteArray all;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(10'000)) all += s.readAll();
    return all + s.readAll();
}

/// Waits until kairosd wrote `text` on stderr; everything it wrote there.
QByteArray waitForStderr(QProcess& p, const QByteArray& text) {
    QByteArray err;
    p.setReadChannel(QProcess::StandardError);
    while (!err.contains(text) && p.waitForReadyRead(10'000)) err += p.readAllStandardError();
    return err;
}

}  // namespace

TEST(KairosdShutdown, StartsAndStopsTwentyTimesWithExitCodeZero) {
    for (int round = 0; round < 20; ++round) {
        QProcess p;
        std::string error;
        const quint16 port = kairos::test::startKairosd(p, {"--port", "0"}, error);
        ASSERT_NE(port, 0) << "round " << round << ": " << error;
        EXPECT_EQ(kairos::test::httpRequest(port, bhttp::verb::get, "/health").result(), bhttp::status::ok);
        p.terminate();  // SIGTERM
        ASSERT_TRUE(p.waitForFinished(30'000)) << "round " << round << ": kairosd did not stop on SIGTERM";
        ASSERT_EQ(p.exitStatus(), QProcess::NormalExit) << "round " << round;
        const std::string err = p.readAllStandardError().toStdString();
        ASSERT_EQ(p.exitCode(), 0) << "round " << round << ": " << err;
        // Idle connections end at once; none waits for the deadline
        EXPECT_NE(err.find("stopped: every connection finished"), std::string::npos) << "round " << round << ": " << err;
    }
}

TEST(KairosdShutdown, SigintStopsItToo) {
    QProcess p;
    std::string error;
    ASSERT_NE(kairos::test::startKairosd(p, {"--port", "0"}, error), 0) << error;
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    ASSERT_TRUE(p.waitForFinished(30'000));
    EXPECT_EQ(p.exitCode(), 0);
    EXPECT_TRUE(p.readAllStandardError().contains("SIGINT received"));
}

TEST(KairosdShutdown, RequestsInFlightAtSigtermAreAnsweredCompletely) {
    // GIVEN kairosd with ten requests in flight (headers and half the body sent) and one idle
    // kept-alive connection
    QProcess p;
    std::string error;
    const quint16 port = kairos::test::startKairosd(p, {"--port", "0", "--shutdown-deadline-ms", "30000"}, error);
    ASSERT_NE(port, 0) << error;
    const std::string body = R"({"padding":")" + std::string(2000, 'x') + R"("})";
    const std::string head = "POST /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n";
    std::vector<std::unique_ptr<QTcpSocket>> inFlight;
    for (int i = 0; i < 10; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QStringLiteral("127.0.0.1"), port);
        ASSERT_TRUE(s->waitForConnected(10'000));
        s->write(QByteArray::fromStdString(head + body.substr(0, body.size() / 2)));
        ASSERT_TRUE(s->waitForBytesWritten(10'000));
        inFlight.push_back(std::move(s));
    }
    QTcpSocket idle;
    idle.connectToHost(QStringLiteral("127.0.0.1"), port);
    ASSERT_TRUE(idle.waitForConnected(10'000));
    idle.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray first;
    while (!first.contains("\"status\":\"ok\"") && idle.waitForReadyRead(10'000)) first += idle.readAll();
    ASSERT_TRUE(first.startsWith("HTTP/1.1 200")) << first.toStdString();
    // The server has read the in-flight requests' first halves when it answers a request sent after them.
    ASSERT_EQ(kairos::test::httpRequest(port, bhttp::verb::get, "/health").result(), bhttp::status::ok);

    // WHEN it gets SIGTERM
    p.terminate();
    const QByteArray err = waitForStderr(p, "stopped accepting");
    ASSERT_TRUE(err.contains("stopped accepting")) << err.toStdString();

    // THEN it accepts no new connection, closes the idle one at once, and still answers every
    // request in flight completely (with Connection: close) once its body arrives
    QTcpSocket late;
    late.connectToHost(QStringLiteral("127.0.0.1"), port);
    EXPECT_FALSE(late.waitForConnected(10'000) && late.write("GET /health HTTP/1.1\r\n\r\n") > 0 && late.waitForReadyRead(10'000))
        << "a connection made after SIGTERM was served";
    EXPECT_TRUE(readUntilClosed(idle).isEmpty());
    EXPECT_EQ(idle.state(), QAbstractSocket::UnconnectedState);
    for (auto& s : inFlight) {
        s->write(QByteArray::fromStdString(body.substr(body.size() / 2)));
        const QByteArray answer = readUntilClosed(*s);
        ASSERT_TRUE(answer.startsWith("HTTP/1.1 405")) << answer.toStdString();  // /api/v1/ws is GET only
        const auto split = answer.indexOf("\r\n\r\n");
        ASSERT_GT(split, 0);
        const QByteArray headers = answer.left(split).toLower();
        const QByteArray content = answer.mid(split + 4);
        EXPECT_TRUE(headers.contains("connection: close")) << headers.toStdString();
        const auto lengthAt = headers.indexOf("content-length: ");
        ASSERT_GE(lengthAt, 0);
        const int length = headers.mid(lengthAt + 16, headers.indexOf("\r\n", lengthAt) - lengthAt - 16).toInt();
        EXPECT_EQ(content.size(), length) << "the answer was cut: " << answer.toStdString();
        EXPECT_TRUE(content.endsWith("}}")) << content.toStdString();
    }
    ASSERT_TRUE(p.waitForFinished(30'000));
    EXPECT_EQ(p.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(p.exitCode(), 0);
    EXPECT_TRUE(p.readAllStandardError().contains("every connection finished"));
}

TEST(HttpServerShutdown, WebSocketsGetACloseFrameAndTheDeadlineCutsStragglers) {
    // GIVEN a server with one open WebSocket and one connection that sent half a request
    kairos::test::TestServer server;
    ASSERT_EQ(server.start(), "");
    boost::asio::io_context io;
    websocket::stream<boost::beast::tcp_stream> ws(io);
    boost::beast::get_lowest_layer(ws).connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    ws.handshake("127.0.0.1", "/api/v1/ws");
    ASSERT_TRUE(kairos::test::waitUntil([&] { return server.server->webSocketCount() == 1; }));
    boost::beast::tcp_stream stuck(io);
    stuck.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    boost::asio::write(stuck.socket(), boost::asio::buffer(std::string("GET /health HTTP/1.1\r\nHost: x\r\n")));
    ASSERT_EQ(kairos::test::httpRequest(server.port(), bhttp::verb::get, "/health").result(), bhttp::status::ok);

    // WHEN it shuts down with a short deadline, the WebSocket client answering the close frame
    std::size_t cut = 99;
    std::thread stopper([&] { cut = server.server->shutdown(std::chrono::milliseconds(2000)); });
    boost::beast::flat_buffer buf;
    boost::beast::error_code ec;
    ws.read(buf, ec);
    stopper.join();

    // THEN the WebSocket got "going away", and the half request was cut at the deadline
    EXPECT_EQ(ec, websocket::error::closed) << ec.message();
    EXPECT_EQ(ws.reason().code, websocket::close_code::going_away);
    EXPECT_EQ(cut, 1U);
    EXPECT_EQ(server.server->webSocketCount(), 0U);
}
