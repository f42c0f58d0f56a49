// kairosd under HTTP load: wrk (Debian package `wrk`) against a kairosd started here on loopback,
// one scenario at a time, each for a few seconds (KAIROS_BENCH_SECONDS, default 5).
// Prints, per scenario:
//   BENCH server.<name>.requests_per_s <n> req/s
//   BENCH server.<name>.p99_latency_ms <ms> ms
// Scenarios: health (GET /health, the bare pipeline). Further scenarios (an authenticated
// GET /api/v1/me) go in the list in main() so that their ratio to health is printed side by side.
// Setting: wrk -t2 -c64 (2 threads, 64 connections), kairosd --threads 2, request log to /dev/null.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {

struct WrkResult {
    double requestsPerSecond = 0;
    double p99Ms = 0;
};

/// wrk's latency figure ("1.23ms", "456.00us", "1.02s") in milliseconds.
double toMs(const QString& value, const QString& unit) {
    const double v = value.toDouble();
    if (unit == "us") return v / 1000.0;
    if (unit == "s") return v * 1000.0;
    return v;  // ms
}

std::optional<WrkResult> runWrk(const QString& url, const QStringList& headers, int seconds) {
    QStringList args = {"-t2", "-c64", QStringLiteral("-d%1s").arg(seconds), "--latency"};
    for (const QString& h : headers) args << "-H" << h;
    args << url;
    QProcess wrk;
    wrk.start(QStringLiteral("wrk"), args);
    if (!wrk.waitForFinished((seconds + 30) * 1000) || wrk.exitCode() != 0) {
        std::fprintf(stderr, "wrk failed: %s\n", wrk.readAllStandardError().constData());
        return std::nullopt;
    }
    const QString out = QString::fromUtf8(wrk.readAllStandardOutput());
    std::fprintf(stderr, "%s\n", out.toUtf8().constData());
    const auto rps = QRegularExpression(QStringLiteral("Requests/sec:\\s+([0-9.]+)")).match(out);
    const auto p99 = QRegularExpression(QStringLiteral("\\s99%\\s+([0-9.]+)(us|ms|s)")).match(out);
    if (!rps.hasMatch() || !p99.hasMatch()) return std::nullopt;
    if (out.contains(QStringLiteral("Non-2xx or 3xx responses"))) {
        std::fprintf(stderr, "wrk saw error responses\n");
        return std::nullopt;
    }
    return WrkResult{rps.captured(1).toDouble(), toMs(p99.captured(1), p99.captured(2))};
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (QStandardPaths::findExecutable(QStringLiteral("wrk")).isEmpty()) {
        std::fprintf(stderr, "bench_server_http: wrk not found (apt-get install wrk)\n");
        return 1;
    }
    const int seconds =
        qEnvironmentVariableIsSet("KAIROS_BENCH_SECONDS") ? qEnvironmentVariableIntValue("KAIROS_BENCH_SECONDS") : 5;
    // A free port: bind one, release it, give it to kairosd (its stdout, the request log, is discarded).
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    QProcess kairosd;
    kairosd.setStandardOutputFile(QProcess::nullDevice());
    kairosd.start(QStringLiteral(KAIROSD_PATH), {"--port", QString::number(port), "--threads", "2"});
    if (!kairosd.waitForStarted()) return 1;
    QElapsedTimer up;
    up.start();
    for (;;) {  // until it accepts connections
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (s.waitForConnected(200)) break;
        if (up.elapsed() > 30'000 || kairosd.state() == QProcess::NotRunning) {
            std::fprintf(stderr, "kairosd did not come up: %s\n", kairosd.readAllStandardError().constData());
            return 1;
        }
        QThread::msleep(20);
    }

    struct Scenario {
        const char* name;
        QString path;
        QStringList headers;
    };
    const std::vector<Scenario> scenarios = {{"health", QStringLiteral("/health"), {}}};
    int status = 0;
    for (const Scenario& s : scenarios) {
        const auto r = runWrk(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(s.path), s.headers, seconds);
        if (!r) {
            status = 1;
            continue;
        }
        std::printf("BENCH server.%s.requests_per_s %.0f req/s\n", s.name, r->requestsPerSecond);
        std::printf("BENCH server.%s.p99_latency_ms %.2f ms\n", s.name, r->p99Ms);
        std::fflush(stdout);
    }
    kairosd.terminate();
    kairosd.waitForFinished(30'000);
    if (kairosd.exitCode() != 0) status = 1;
    return status;
}
