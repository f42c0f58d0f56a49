// kairosd under HTTP load: wrk (Debian package `wrk`) against a kairosd started here on loopback,
// one scenario at a time, each for a few seconds (KAIROS_BENCH_SECONDS, default 5).
// Prints, per scenario:
//   BENCH server.<name>.requests_per_s <n> req/s
//   BENCH server.<name>.p99_latency_ms <ms> ms
//   BENCH server.<name>.ratio_to_health <x> x        (for the /api/v1/me scenarios)
// Scenarios: health (GET /health, the bare pipeline) and me_sqlite (GET /api/v1/me with a bearer
// token: the JWT verified, the account and its roles read from SQLite) on one kairosd with a fresh
// data directory; then me_postgres, the same request on a kairosd using a throw-away PostgreSQL 15
// cluster (scripts/pg-cluster.sh). The signed-in account is made with `kairosd admin create`.
// Setting: wrk -t2 -c64 (2 threads, 64 connections), kairosd --threads 2, request log to /dev/null.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
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

/// A free loopback port (bound, then released for kairosd).
quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

/// Starts kairosd with `args` on a free port and waits until it accepts connections.
quint16 startKairosd(QProcess& kairosd, QStringList args) {
    const quint16 port = freePort();
    args << "--port" << QString::number(port) << "--threads"
         << "2";
    kairosd.setStandardOutputFile(QProcess::nullDevice());  // the request log
    kairosd.start(QStringLiteral(KAIROSD_PATH), args);
    if (!kairosd.waitForStarted()) return 0;
    QElapsedTimer up;
    up.start();
    for (;;) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (s.waitForConnected(200)) return port;
        if (up.elapsed() > 30'000 || kairosd.state() == QProcess::NotRunning) {
            std::fprintf(stderr, "kairosd did not come up: %s\n", kairosd.readAllStandardError().constData());
            return 0;
        }
        QThread::msleep(20);
    }
}

/// One HTTP/1.1 request on a fresh connection; the body of the answer ("" on failure).
QByteArray httpPost(quint16 port, const QByteArray& path, const QByteArray& json) {
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(5000)) return {};
    s.write("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n" +
            "Content-Length: " + QByteArray::number(json.size()) + "\r\n\r\n" + json);
    QByteArray all;
    while (s.waitForReadyRead(10'000)) all += s.readAll();
    all += s.readAll();
    const auto split = all.indexOf("\r\n\r\n");
    return split < 0 ? QByteArray() : all.mid(split + 4);
}

/// Creates an admin with `kairosd <dbArgs> admin create` and signs it in on `port`; its access token.
QString accessToken(const QStringList& dbArgs, quint16 port, const QString& email) {
    const QByteArray password = "bench passphrase 1";
    QProcess create;
    create.start(QStringLiteral(KAIROSD_PATH),
                 QStringList(dbArgs) << "admin"
                                     << "create" << email);
    create.write(password + "\n");
    create.closeWriteChannel();
    if (!create.waitForFinished(60'000) || create.exitCode() != 0) {
        std::fprintf(stderr, "admin create failed: %s\n", create.readAllStandardError().constData());
        return {};
    }
    const QByteArray body =
        httpPost(port, "/api/v1/auth/login", R"({"email":")" + email.toUtf8() + R"(","password":")" + password + R"("})");
    return QJsonDocument::fromJson(body).object().value(QStringLiteral("access_token")).toString();
}

struct Scenario {
    const char* name;
    QString path;
    QStringList headers;
};

/// Runs each scenario against `port` and prints its BENCH lines; false when one failed.
bool runScenarios(quint16 port, const std::vector<Scenario>& scenarios, int seconds, double* firstRps = nullptr) {
    bool ok = true;
    for (const Scenario& s : scenarios) {
        const auto r = runWrk(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(s.path), s.headers, seconds);
        if (!r) {
            ok = false;
            continue;
        }
        std::printf("BENCH server.%s.requests_per_s %.0f req/s\n", s.name, r->requestsPerSecond);
        std::printf("BENCH server.%s.p99_latency_ms %.2f ms\n", s.name, r->p99Ms);
        if (firstRps && *firstRps > 0)
            std::printf("BENCH server.%s.ratio_to_health %.2f x\n", s.name, r->requestsPerSecond / *firstRps);
        else if (firstRps)
            *firstRps = r->requestsPerSecond;
        std::fflush(stdout);
    }
    return ok;
}

bool stop(QProcess& kairosd) {
    kairosd.terminate();
    kairosd.waitForFinished(30'000);
    return kairosd.exitStatus() == QProcess::NormalExit && kairosd.exitCode() == 0;
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
    int status = 0;

    // SQLite (the default): /health, then the authenticated /api/v1/me (JWT verified, account read).
    QTemporaryDir sqliteDir;
    const QStringList sqliteArgs = {"--data-dir", sqliteDir.path()};
    QProcess kairosd;
    const quint16 port = startKairosd(kairosd, sqliteArgs);
    if (port == 0) return 1;
    const QString token = accessToken(sqliteArgs, port, QStringLiteral("bench@example.com"));
    if (token.isEmpty()) {
        std::fprintf(stderr, "could not sign in\n");
        status = 1;
    }
    double healthRps = 0;
    if (!runScenarios(port,
                      {{"health", QStringLiteral("/health"), {}},
                       {"me_sqlite", QStringLiteral("/api/v1/me"), {QStringLiteral("Authorization: Bearer ") + token}}},
                      seconds, &healthRps))
        status = 1;
    if (!stop(kairosd)) status = 1;

    // PostgreSQL: a throw-away cluster (scripts/pg-cluster.sh), the same /api/v1/me.
    QTemporaryDir pgDir;
    // As root the cluster runs as `nobody`, who must be able to enter the folder.
    QFile::setPermissions(pgDir.path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                              QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther);
    QProcess cluster;
    cluster.start(QStringLiteral(KAIROS_SOURCE_DIR "/scripts/pg-cluster.sh"), {"start", pgDir.path() + "/pg"});
    if (!cluster.waitForFinished(120'000) || cluster.exitCode() != 0) {
        std::fprintf(stderr, "no PostgreSQL cluster: %s\n", cluster.readAllStandardError().constData());
        return 1;
    }
    const QString url = QString::fromUtf8(cluster.readAllStandardOutput()).trimmed().split('\n').last();
    QTemporaryDir mailDir;
    const QStringList pgArgs = {"--database", url, "--mail-dir", mailDir.path()};
    // With PostgreSQL the signing key is configured (instances share it); children inherit it.
    qputenv("KAIROSD_JWT_KEY", "bench-1 " + QByteArray(48, 'b'));
    QProcess pgServer;
    const quint16 pgPort = startKairosd(pgServer, pgArgs);
    if (pgPort == 0) {
        status = 1;
    } else {
        const QString pgToken = accessToken(pgArgs, pgPort, QStringLiteral("bench-pg@example.com"));
        if (pgToken.isEmpty()) status = 1;
        double none = healthRps;
        if (!runScenarios(pgPort,
                          {{"me_postgres", QStringLiteral("/api/v1/me"), {QStringLiteral("Authorization: Bearer ") + pgToken}}},
                          seconds, &none))
            status = 1;
        if (!stop(pgServer)) status = 1;
    }
    QProcess clusterStop;
    clusterStop.start(QStringLiteral(KAIROS_SOURCE_DIR "/scripts/pg-cluster.sh"), {"stop", pgDir.path() + "/pg"});
    clusterStop.waitForFinished(60'000);
    return status;
}
