// Fault injection, server (issue 12): kairosd SIGKILLed while a client holds a connection to it,
// then started again on the same port at once, serves /health again: the dead process's sockets
// (still bound to the port, FIN_WAIT on the server side) do not keep the port (SO_REUSEADDR).
// kairosd has no writes yet (GET /health only), so "no accepted write lost" is not testable here.
#include "serverclient.h"

#include <QByteArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>

#include <gtest/gtest.h>

#include <memory>

namespace {

using kairos::test::startKairosd;

/// GET /health on a kept-alive connection; the raw response.
QByteArray health(QTcpSocket& s) {
    s.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray response;
    while (!response.contains("\"status\":\"ok\"") && s.waitForReadyRead(10'000)) response += s.readAll();
    return response;
}

}  // namespace

TEST(KairosdRestart, KilledWithSigkillItServesAgainOnTheSamePortAtOnce) {
    // GIVEN kairosd serving a client that keeps its connection open
    QProcess first;
    std::string error;
    const quint16 port = startKairosd(first, {QStringLiteral("--port"), QStringLiteral("0")}, error);
    ASSERT_NE(port, 0) << error;
    QTcpSocket client;
    client.connectToHost(QStringLiteral("127.0.0.1"), port);
    ASSERT_TRUE(client.waitForConnected(10'000));
    ASSERT_TRUE(health(client).startsWith("HTTP/1.1 200")) << "kairosd did not answer /health";
    // WHEN it is killed with SIGKILL (no shutdown, the kernel closes its sockets)
    first.kill();
    ASSERT_TRUE(first.waitForFinished(10'000));
    EXPECT_EQ(first.exitStatus(), QProcess::CrashExit);
    // THEN a new kairosd on the same port comes up at once and answers, while the old connection's
    // server side still holds the port
    QProcess second;
    ASSERT_EQ(startKairosd(second, {QStringLiteral("--port"), QString::number(port)}, error), port) << error;
    QTcpSocket again;
    again.connectToHost(QStringLiteral("127.0.0.1"), port);
    ASSERT_TRUE(again.waitForConnected(10'000));
    const QByteArray response = health(again);
    EXPECT_TRUE(response.startsWith("HTTP/1.1 200")) << response.toStdString();
    EXPECT_TRUE(response.contains("\"status\":\"ok\"")) << response.toStdString();
    client.abort();
    second.terminate();
    ASSERT_TRUE(second.waitForFinished(10'000));
    EXPECT_EQ(second.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(second.exitCode(), 0);
}
