// The kairosd binary as an operator runs it: accounts served out of the box (a signing key created
// in the data directory), e-mail written to the mail folder or sent over SMTP (STARTTLS + AUTH,
// Debian's python3-aiosmtpd), the links in the e-mails working in a browser's way (GET shows a form,
// POST does it), `kairosd admin create`, `kairosd backup` / `restore`, two kairosd sharing one
// PostgreSQL database, and kill -9 under wrk load without losing an accepted write.
#include "db_fixture.h"
#include "serverclient.h"
#include "smtpserverprocess.h"
#include "testdata.h"

#include "accounts/totp.h"
#include "db/database.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

namespace {

namespace fs = std::filesystem;
using kairos::test::httpRequest;
using kairos::test::HttpResponse;
using kairos::test::startKairosd;
using nlohmann::json;
namespace bhttp = boost::beast::http;

constexpr const char* kPassword = "correct horse battery staple";

/// Polls `done` until it holds or 30 s pass (another process writes what it waits for).
template <class F>
bool eventually(F done) {
    QDeadlineTimer deadline(30'000);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        QThread::msleep(20);
    }
    return true;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The newest .eml in `dir` addressed to `to` ("" when none yet).
std::string mailTo(const std::string& dir, const std::string& to) {
    std::string newest;
    long newestId = -1;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".eml") continue;
        const std::string text = readFile(e.path().string());
        const long id = std::stol(e.path().stem().string());
        if (text.find("To: " + to + "\r\n") != std::string::npos && id > newestId) {
            newestId = id;
            newest = text;
        }
    }
    return newest;
}

/// The path and query of the first link to `path` ("/verify?token=…") in a message.
std::string linkIn(const std::string& message, const std::string& base, const std::string& path) {
    const std::regex re(base + path + R"((\?token=[A-Za-z0-9_\-]+))");
    std::smatch m;
    if (!std::regex_search(message, m, re)) return "";
    return path + m[1].str();
}

HttpResponse postJson(std::uint16_t port, const std::string& target, const json& body, const std::string& bearer = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    return httpRequest(port, bhttp::verb::post, target, body.dump(), headers);
}

HttpResponse getWith(std::uint16_t port, const std::string& target, const std::string& bearer) {
    return httpRequest(port, bhttp::verb::get, target, {}, {{"Authorization", "Bearer " + bearer}});
}

/// Registers `email`, opens the link of the verification e-mail that kairosd wrote into `mailDir`
/// (GET shows the form, POST verifies), and signs in. Returns the login answer's JSON.
json signUpAndIn(std::uint16_t port, const std::string& mailDir, const std::string& email) {
    const auto reg = postJson(port, "/api/v1/auth/register", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(reg.result_int(), 202) << reg.body();
    std::string mail;
    EXPECT_TRUE(eventually([&] { return !(mail = mailTo(mailDir, email)).empty(); })) << "no verification e-mail in " << mailDir;
    const std::string link = linkIn(mail, "http://127\\.0\\.0\\.1:" + std::to_string(port), "/verify");
    EXPECT_FALSE(link.empty()) << mail;
    const auto form = httpRequest(port, bhttp::verb::get, link);
    EXPECT_EQ(form.result_int(), 200);
    EXPECT_NE(form.body().find("<form method=\"post\" action=\"/verify\">"), std::string::npos) << form.body();
    const std::string token = link.substr(link.find("token=") + 6);
    const auto done = httpRequest(port, bhttp::verb::post, "/verify", "token=" + token,
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(done.result_int(), 200) << done.body();
    EXPECT_NE(done.body().find("E-mail address verified"), std::string::npos) << done.body();
    const auto login = postJson(port, "/api/v1/auth/login", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(login.result_int(), 200) << login.body();
    return json::parse(login.body(), nullptr, false);
}

void stopGracefully(QProcess& p) {
    p.terminate();
    EXPECT_TRUE(p.waitForFinished(30'000));
    EXPECT_EQ(p.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
}

/// Runs kairosd with `args` to completion (a sub-command), `input` on its stdin.
int runKairosd(const QStringList& args, std::string& output, const std::string& input = {}) {
    QProcess p;
    p.start(QStringLiteral(KAIROSD_PATH), args);
    if (!p.waitForStarted()) return -1;
    if (!input.empty()) p.write(input.data(), static_cast<qint64>(input.size()));
    p.closeWriteChannel();
    if (!p.waitForFinished(120'000)) return -1;
    output = p.readAllStandardOutput().toStdString() + p.readAllStandardError().toStdString();
    return p.exitCode();
}

TEST(KairosdDaemon, ServesAccountsWithAKeyItCreatesAndKeepsAcrossRestarts) {
    const std::string dataDir = kairos::test::tempDir();
    QProcess first;
    std::string error;
    std::string startup;
    const quint16 port = startKairosd(first, {"--port", "0", "--data-dir", QString::fromStdString(dataDir)}, error, &startup);
    ASSERT_NE(port, 0) << error;

    const std::string keyFile = dataDir + "/jwt.key";
    struct stat st {};
    ASSERT_EQ(::stat(keyFile.c_str(), &st), 0) << "no signing key created in the data directory";
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const std::string key = readFile(keyFile);
    const std::string secret = key.substr(key.find(' ') + 1, 64);
    ASSERT_EQ(secret.size(), 64u);

    const json login = signUpAndIn(port, dataDir + "/mail", "trader@example.com");
    const std::string access = login.value("access_token", "");
    ASSERT_FALSE(access.empty());
    const auto me = getWith(port, "/api/v1/me", access);
    ASSERT_EQ(me.result_int(), 200) << me.body();
    EXPECT_EQ(json::parse(me.body())["email"], "trader@example.com");

    stopGracefully(first);
    const std::string output = startup + first.readAllStandardOutput().toStdString();
    EXPECT_NE(output.find("created a token signing key in " + keyFile), std::string::npos) << output;
    EXPECT_EQ(output.find(secret), std::string::npos) << "the key was printed";

    // The same data directory: the same key, so the token signed before the restart still works.
    QProcess second;
    const quint16 again = startKairosd(second, {"--port", "0", "--data-dir", QString::fromStdString(dataDir)}, error, &startup);
    ASSERT_NE(again, 0) << error;
    EXPECT_EQ(getWith(again, "/api/v1/me", access).result_int(), 200);
    EXPECT_EQ(readFile(keyFile), key);
    stopGracefully(second);
    EXPECT_EQ((startup + second.readAllStandardOutput().toStdString()).find("created a token signing key"), std::string::npos);
}

TEST(KairosdDaemon, ResetLinkOpensAFormThatSetsTheNewPassword) {
    const std::string dataDir = kairos::test::tempDir();
    QProcess server;
    std::string error;
    const quint16 port = startKairosd(server, {"--port", "0", "--data-dir", QString::fromStdString(dataDir)}, error);
    ASSERT_NE(port, 0) << error;
    const std::string mailDir = dataDir + "/mail";
    signUpAndIn(port, mailDir, "reset@example.com");

    ASSERT_EQ(postJson(port, "/api/v1/auth/password/forgot", {{"email", "reset@example.com"}}).result_int(), 202);
    std::string link;
    ASSERT_TRUE(eventually([&] {
        link = linkIn(mailTo(mailDir, "reset@example.com"), "http://127\\.0\\.0\\.1:" + std::to_string(port), "/reset-password");
        return !link.empty();
    }));
    const auto form = httpRequest(port, bhttp::verb::get, link);
    ASSERT_EQ(form.result_int(), 200);
    EXPECT_NE(form.body().find("name=\"password\""), std::string::npos);
    EXPECT_EQ(std::string(form["Cache-Control"]), "no-store");
    EXPECT_EQ(std::string(form["Referrer-Policy"]), "no-referrer");

    const std::string token = link.substr(link.find("token=") + 6);
    const auto weak = httpRequest(port, bhttp::verb::post, "/reset-password", "token=" + token + "&password=short",
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(weak.result_int(), 400);
    EXPECT_NE(weak.body().find("Password not changed"), std::string::npos);
    const auto done =
        httpRequest(port, bhttp::verb::post, "/reset-password", "token=" + token + "&password=a+much+longer+new+passphrase&totp=",
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(done.result_int(), 200) << done.body();
    EXPECT_EQ(postJson(port, "/api/v1/auth/login", {{"email", "reset@example.com"}, {"password", kPassword}}).result_int(), 401);
    EXPECT_EQ(postJson(port, "/api/v1/auth/login", {{"email", "reset@example.com"}, {"password", "a much longer new passphrase"}})
                  .result_int(),
              200);
    // The link is single-use.
    const auto reused =
        httpRequest(port, bhttp::verb::post, "/reset-password", "token=" + token + "&password=yet+another+passphrase+here",
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(reused.result_int(), 400);
    stopGracefully(server);
}

TEST(KairosdDaemon, SendsItsMailOverSmtpWithStartTlsAndAuth) {
    kairos::test::SmtpServerProcess smtp("kairosd-mailer", "smtp-pass-Secret-42");
    ASSERT_TRUE(smtp.error().empty()) << smtp.error();
    const std::string dataDir = kairos::test::tempDir();
    const std::string passwordFile = dataDir + "-smtp-password";
    { std::ofstream(passwordFile) << "smtp-pass-Secret-42\n"; }
    ::chmod(passwordFile.c_str(), 0600);
    QProcess server;
    std::string error;
    std::string startup;
    const quint16 port = startKairosd(server,
                                      {"--port", "0", "--data-dir", QString::fromStdString(dataDir), "--smtp-url",
                                       QString("smtp://127.0.0.1:%1").arg(smtp.port()), "--smtp-user", "kairosd-mailer",
                                       "--smtp-password-file", QString::fromStdString(passwordFile), "--smtp-ca-file",
                                       QString::fromStdString(smtp.certFile()), "--mail-from", "Kairos <accounts@kairos.test>"},
                                      error, &startup);
    ASSERT_NE(port, 0) << error;
    ASSERT_EQ(postJson(port, "/api/v1/auth/register", {{"email", "smtp-user@example.com"}, {"password", kPassword}}).result_int(),
              202);
    ASSERT_TRUE(eventually([&] { return smtp.messageCount() >= 1; })) << "no message reached the SMTP server";
    const QJsonObject m = smtp.message(1);
    EXPECT_EQ(m["mail_from"].toString(), "accounts@kairos.test");
    EXPECT_EQ(m["rcpt_tos"].toArray().first().toString(), "smtp-user@example.com");
    EXPECT_TRUE(m["tls"].toBool());
    EXPECT_EQ(m["auth_user"].toString(), "kairosd-mailer");
    const std::string data = m["data"].toString().toStdString();
    EXPECT_NE(data.find("To: <smtp-user@example.com>"), std::string::npos) << data;
    EXPECT_NE(data.find("Message-ID: <kairosd."), std::string::npos) << data;
    // The body is base64 (kairos_mail); the decoded text carries the link, which works.
    std::string text;
    const std::regex part(
        "Content-Type: text/plain; charset=UTF-8\r?\nContent-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)");
    std::smatch pm;
    ASSERT_TRUE(std::regex_search(data, pm, part)) << data;
    text = QByteArray::fromBase64(QByteArray::fromStdString(pm[1].str())).toStdString();
    const std::string link = linkIn(text, "http://127\\.0\\.0\\.1:" + std::to_string(port), "/verify");
    ASSERT_FALSE(link.empty()) << text;
    const auto done = httpRequest(port, bhttp::verb::post, "/verify", "token=" + link.substr(link.find("token=") + 6),
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(done.result_int(), 200);
    stopGracefully(server);
    const std::string output =
        startup + server.readAllStandardOutput().toStdString() + server.readAllStandardError().toStdString();
    EXPECT_NE(output.find("e-mail to smtp://127.0.0.1:" + std::to_string(smtp.port())), std::string::npos) << output;
    EXPECT_EQ(output.find("smtp-pass-Secret-42"), std::string::npos);
    fs::remove(passwordFile);
}

TEST(KairosdDaemon, AdminCreateMakesAnAccountThatCanUseTheAdminApi) {
    const std::string dataDir = kairos::test::tempDir();
    std::string output;
    ASSERT_EQ(runKairosd({"--data-dir", QString::fromStdString(dataDir), "admin", "create", "root@example.com"}, output,
                         "an admin passphrase 1\n"),
              0)
        << output;
    EXPECT_NE(output.find("root@example.com is an admin"), std::string::npos) << output;
    EXPECT_EQ(output.find("an admin passphrase 1"), std::string::npos);
    // A weak password is refused with the reason.
    EXPECT_EQ(runKairosd({"--data-dir", QString::fromStdString(dataDir), "admin", "create", "weak@example.com"}, output, "123\n"),
              1);
    EXPECT_NE(output.find("password"), std::string::npos) << output;

    QProcess server;
    std::string error;
    const quint16 port = startKairosd(server, {"--port", "0", "--data-dir", QString::fromStdString(dataDir)}, error);
    ASSERT_NE(port, 0) << error;
    const auto login =
        postJson(port, "/api/v1/auth/login", {{"email", "root@example.com"}, {"password", "an admin passphrase 1"}});
    ASSERT_EQ(login.result_int(), 200) << login.body();
    const std::string access = json::parse(login.body())["access_token"];
    const auto list = getWith(port, "/api/v1/admin/accounts", access);
    ASSERT_EQ(list.result_int(), 200) << list.body();
    EXPECT_NE(list.body().find("root@example.com"), std::string::npos);
    stopGracefully(server);
}

TEST(KairosdDaemon, UnknownCommandsAndPostgresBackupsAreRefusedClearly) {
    std::string output;
    EXPECT_EQ(runKairosd({"frobnicate"}, output), 2);
    EXPECT_NE(output.find("unknown command \"frobnicate\""), std::string::npos) << output;
    EXPECT_EQ(runKairosd({"--database", "postgresql://u@127.0.0.1/db", "backup", "/tmp/x"}, output), 2);
    EXPECT_NE(output.find("pg_dump"), std::string::npos) << output;
    EXPECT_EQ(runKairosd({"--data-dir", QString::fromStdString(kairos::test::tempDir()), "restore", "/nonexistent/backup.sqlite"},
                         output),
              1);
    EXPECT_NE(output.find("restore failed"), std::string::npos) << output;
}

// `kairosd backup` while writes go on, then `kairosd restore` into a new data directory: the
// restored server knows every account whose sign-up finished before the backup began.
TEST(KairosdDaemon, BackupUnderWriteLoadRestoresIntoAWorkingServer) {
    const std::string dataDir = kairos::test::tempDir();
    QProcess server;
    std::string error;
    const quint16 port = startKairosd(server, {"--port", "0", "--data-dir", QString::fromStdString(dataDir)}, error);
    ASSERT_NE(port, 0) << error;
    const json first = signUpAndIn(port, dataDir + "/mail", "before-backup@example.com");
    ASSERT_TRUE(first.contains("access_token"));

    std::atomic<bool> stop{false};
    std::atomic<int> written{0};
    std::thread writer([&] {
        for (int i = 0; !stop; ++i) {
            const auto r = postJson(port, "/api/v1/auth/register",
                                    {{"email", "load" + std::to_string(i) + "@example.com"}, {"password", kPassword}});
            if (r.result_int() == 202) ++written;
        }
    });
    ASSERT_TRUE(eventually([&] { return written >= 3; }));
    const std::string backup = kairos::test::tempDir() + "/kairosd-backup.sqlite";
    std::string output;
    const int backupExit =
        runKairosd({"--data-dir", QString::fromStdString(dataDir), "backup", QString::fromStdString(backup)}, output);
    // Writers are never blocked by a backup (WAL): one more sign-up completes afterwards. One, not
    // several: each sign-up hashes a password with Argon2id, which takes seconds under ASan on a
    // loaded 2-core machine (three of them once did not fit the 30 s bound).
    const int writtenAtBackup = written;
    ASSERT_TRUE(eventually([&] { return written >= writtenAtBackup + 1; })) << "writes stopped during the backup";
    stop = true;
    writer.join();
    ASSERT_EQ(backupExit, 0) << output;
    stopGracefully(server);

    const std::string restored = kairos::test::tempDir() + "/restored";
    ASSERT_EQ(runKairosd({"--data-dir", QString::fromStdString(restored), "restore", QString::fromStdString(backup)}, output), 0)
        << output;
    // The signing key is not in the database: an operator copies jwt.key with the backup.
    fs::copy_file(dataDir + "/jwt.key", restored + "/jwt.key");
    QProcess again;
    const quint16 port2 = startKairosd(again, {"--port", "0", "--data-dir", QString::fromStdString(restored)}, error);
    ASSERT_NE(port2, 0) << error;
    EXPECT_EQ(getWith(port2, "/api/v1/me", first["access_token"]).result_int(), 200);
    const auto login = postJson(port2, "/api/v1/auth/login", {{"email", "before-backup@example.com"}, {"password", kPassword}});
    EXPECT_EQ(login.result_int(), 200) << login.body();
    stopGracefully(again);
}

// Several kairosd behind a load balancer share one PostgreSQL: a session made on one is refreshed on
// the other, and revoking it there ends it everywhere.
TEST(KairosdDaemon, TwoServersOnOnePostgresShareSessions) {
    std::string why;
    const std::string url = kairos::server::testing::testClusterUrl(why);
    ASSERT_FALSE(url.empty()) << why;
    auto admin = kairos::server::db::openPostgres(url);
    ASSERT_TRUE(admin.ok()) << (admin ? "" : admin.message());
    const std::string schema = "t_" + kairos::server::testing::randomSuffix();
    ASSERT_TRUE((*admin)->execScript("CREATE SCHEMA " + schema).ok());
    const std::string database = url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
    const std::string mailDir = kairos::test::tempDir();

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("KAIROSD_JWT_KEY", "shared-1 " + QString(48, QChar('s')));
    QProcess a;
    QProcess b;
    a.setProcessEnvironment(env);
    b.setProcessEnvironment(env);
    std::string error;
    const QStringList common = {
        "--port", "0", "--database", QString::fromStdString(database), "--mail-dir", QString::fromStdString(mailDir)};
    const quint16 portA = startKairosd(a, common, error);
    ASSERT_NE(portA, 0) << error;
    const quint16 portB = startKairosd(b, common, error);
    ASSERT_NE(portB, 0) << error;

    // Sign up on A; the verification mail may be sent by either server (one shared queue, claimed once).
    const json login = signUpAndIn(portA, mailDir, "shared@example.com");
    const std::string refresh = login.value("refresh_token", "");
    ASSERT_FALSE(refresh.empty());
    EXPECT_EQ(QDir(QString::fromStdString(mailDir)).entryList({"*.eml"}, QDir::Files).size(), 1) << "a message was sent twice";

    // The access token from A is good on B; the refresh happens on B.
    EXPECT_EQ(getWith(portB, "/api/v1/me", login["access_token"]).result_int(), 200);
    const auto refreshed = postJson(portB, "/api/v1/auth/refresh", {{"refresh_token", refresh}});
    ASSERT_EQ(refreshed.result_int(), 200) << refreshed.body();
    const json pair = json::parse(refreshed.body());
    // The rotated token is known as used on A too: presenting it there revokes the family.
    EXPECT_EQ(postJson(portA, "/api/v1/auth/refresh", {{"refresh_token", refresh}}).result_int(), 401);
    EXPECT_EQ(postJson(portB, "/api/v1/auth/refresh", {{"refresh_token", pair["refresh_token"]}}).result_int(), 401);

    // A new session on A, signed out on B, is gone on A.
    const auto login2 = postJson(portA, "/api/v1/auth/login", {{"email", "shared@example.com"}, {"password", kPassword}});
    ASSERT_EQ(login2.result_int(), 200);
    const json s2 = json::parse(login2.body());
    ASSERT_EQ(postJson(portB, "/api/v1/auth/logout", {{"refresh_token", s2["refresh_token"]}}).result_int(), 204);
    EXPECT_EQ(postJson(portA, "/api/v1/auth/refresh", {{"refresh_token", s2["refresh_token"]}}).result_int(), 401);

    stopGracefully(a);
    stopGracefully(b);
    (void)(*admin)->execScript("DROP SCHEMA " + schema + " CASCADE");
}

// Issue 12's server fault: kairosd under wrk load (sign-ups from many client addresses behind a
// trusted proxy) is killed with -9 in the middle and restarted on the same data directory. Every
// sign-up it answered 202 before dying is in the database; the restarted server serves.
TEST(KairosdDaemon, KillNineUnderWrkLoadLosesNoAcceptedWrite) {
    const QString wrk = QStandardPaths::findExecutable("wrk");
    ASSERT_FALSE(wrk.isEmpty()) << "wrk is not installed (scripts/deps-debian.txt lists it; scripts/test.sh installs it)";
    const std::string dataDir = kairos::test::tempDir();
    const std::string script = dataDir + "-register.lua";
    {
        std::ofstream lua(script);
        lua << "counter = 0\n"
               "math.randomseed(os.time())\n"
               "request = function()\n"
               "  counter = counter + 1\n"
               "  local id = math.random(1, 1000000000) .. '-' .. counter\n"
               "  local body = '{\"email\":\"wrk' .. id .. '@example.com\",\"password\":\"correct horse battery staple\"}'\n"
               "  local ip = '10.' .. math.random(0, 250) .. '.' .. math.random(0, 250) .. '.' .. math.random(1, 250)\n"
               "  return wrk.format('POST', '/api/v1/auth/register', {['Content-Type'] = 'application/json', "
               "['X-Forwarded-For'] = ip}, body)\n"
               "end\n";
    }
    QProcess server;
    std::string error;
    const QStringList args = {"--port", "0", "--data-dir", QString::fromStdString(dataDir), "--trusted-proxy", "127.0.0.1"};
    const quint16 port = startKairosd(server, args, error);
    ASSERT_NE(port, 0) << error;

    QProcess load;
    load.start(wrk, {"-t1", "-c2", "-d120s", "-s", QString::fromStdString(script), QString("http://127.0.0.1:%1/").arg(port)});
    ASSERT_TRUE(load.waitForStarted());

    // Our own writer beside wrk's load: it remembers every sign-up the server accepted.
    std::vector<std::string> accepted;
    std::mutex acceptedMutex;
    std::atomic<bool> serverGone{false};
    std::thread writer([&] {
        for (int i = 0; !serverGone; ++i) {
            const std::string email = "kept" + std::to_string(i) + "@example.com";
            try {
                const auto r = httpRequest(port, bhttp::verb::post, "/api/v1/auth/register",
                                           json{{"email", email}, {"password", kPassword}}.dump(),
                                           {{"X-Forwarded-For", "192.0.2." + std::to_string(1 + i % 250)}});
                if (r.result_int() == 202) {
                    std::lock_guard lock(acceptedMutex);
                    accepted.push_back(email);
                }
            } catch (const std::exception&) {
                serverGone = true;  // refused or cut off: the server is dead
            }
        }
    });
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(acceptedMutex);
        return accepted.size() >= 15;
    }));
    server.kill();  // SIGKILL, mid-load
    server.waitForFinished(10'000);
    writer.join();
    load.kill();
    load.waitForFinished(10'000);
    EXPECT_EQ(server.exitStatus(), QProcess::CrashExit);

    QProcess restarted;
    const quint16 port2 = startKairosd(restarted, args, error);
    ASSERT_NE(port2, 0) << error;
    EXPECT_EQ(httpRequest(port2, bhttp::verb::get, "/health").result_int(), 200);
    stopGracefully(restarted);

    kairos::server::db::DatabaseConfig config;
    config.dataDir = dataDir;
    auto db = kairos::server::db::Database::open(config);
    ASSERT_TRUE(db.ok()) << (db ? "" : db.message());
    auto c = (*db)->acquire();
    ASSERT_TRUE(c.ok());
    std::size_t found = 0;
    for (const auto& email : accepted) {
        auto row = kairos::server::db::queryOne(**c, "SELECT count(*) FROM accounts WHERE email = ?", {email});
        ASSERT_TRUE(row.ok());
        if (row->has_value() && (*row)->i64(0) == 1)
            ++found;
        else
            ADD_FAILURE() << email << " was accepted (202) but is not in the database after kill -9";
    }
    EXPECT_EQ(found, accepted.size());
    auto total = kairos::server::db::queryOne(**c, "SELECT count(*) FROM accounts");
    ASSERT_TRUE(total.ok());
    EXPECT_GE((*total)->i64(0), static_cast<std::int64_t>(accepted.size()));
    fs::remove(script);
}

// The secrets sweep over a running kairosd: after a life cycle that handles every kind of secret
// (password, verification token and code, access and refresh tokens, TOTP secret and codes,
// recovery codes, reset token, the new password) and its error paths, none of them is in the
// server's output (request log and messages), in an error answer, or in the database files.
TEST(KairosdDaemon, NoSecretInItsLogsErrorAnswersOrDatabaseFiles) {
    namespace acc = kairos::server::accounts;
    const std::string dataDir = kairos::test::tempDir();
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    std::string error;
    std::string startup;
    const quint16 port = startKairosd(server, {"--port", "0", "--data-dir", QString::fromStdString(dataDir)}, error, &startup);
    ASSERT_NE(port, 0) << error;
    const std::string mailDir = dataDir + "/mail";
    const std::string email = "sweep@example.com";
    std::vector<std::string> secrets = {kPassword};
    std::vector<std::string> errorBodies;
    auto expectError = [&](const HttpResponse& r) {
        EXPECT_GE(r.result_int(), 400);
        errorBodies.push_back(r.body());
    };

    ASSERT_EQ(postJson(port, "/api/v1/auth/register", {{"email", email}, {"password", kPassword}}).result_int(), 202);
    std::string mail;
    ASSERT_TRUE(eventually([&] { return !(mail = mailTo(mailDir, email)).empty(); }));
    const std::string verifyLink = linkIn(mail, "http://127\\.0\\.0\\.1:" + std::to_string(port), "/verify");
    const std::string verifyToken = verifyLink.substr(verifyLink.find("token=") + 6);
    std::smatch code;
    ASSERT_TRUE(std::regex_search(mail, code, std::regex("code in the terminal: ([0-9]{6})")));
    secrets.push_back(verifyToken);
    secrets.push_back(code[1].str());
    expectError(postJson(port, "/api/v1/auth/login", {{"email", email}, {"password", kPassword}}));  // not verified
    ASSERT_EQ(postJson(port, "/api/v1/auth/verify", {{"token", verifyToken}}).result_int(), 200);
    expectError(postJson(port, "/api/v1/auth/verify", {{"token", verifyToken}}));  // used
    expectError(postJson(port, "/api/v1/auth/login", {{"email", email}, {"password", "wrong " + std::string(kPassword)}}));

    auto login = json::parse(postJson(port, "/api/v1/auth/login", {{"email", email}, {"password", kPassword}}).body());
    const std::string access = login["access_token"];
    const std::string refresh = login["refresh_token"];
    secrets.push_back(access);
    secrets.push_back(refresh);
    auto rotated = json::parse(postJson(port, "/api/v1/auth/refresh", {{"refresh_token", refresh}}).body());
    secrets.push_back(rotated["access_token"]);
    secrets.push_back(rotated["refresh_token"]);
    const std::string bearer = rotated["access_token"];

    auto enrol = json::parse(postJson(port, "/api/v1/me/2fa/totp", json::object(), bearer).body());
    const std::string totpSecret = enrol.value("secret", "");
    ASSERT_FALSE(totpSecret.empty());
    secrets.push_back(totpSecret);
    const std::string key = *acc::base32Decode(totpSecret);
    const auto now = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
    // Codes from successive 30-second steps (each code is accepted once, later steps only).
    const std::string confirmCode = acc::totp(key, now() - 30);
    expectError(postJson(port, "/api/v1/me/2fa/totp/confirm", {{"code", "000000"}}, bearer));
    auto confirmed = postJson(port, "/api/v1/me/2fa/totp/confirm", {{"code", confirmCode}}, bearer);
    ASSERT_EQ(confirmed.result_int(), 200) << confirmed.body();
    const json codes = json::parse(confirmed.body()).value("recovery_codes", json::array());
    EXPECT_EQ(codes.size(), 10u) << confirmed.body();
    for (const auto& c : codes) secrets.push_back(c.get<std::string>());
    const std::string loginCode = acc::totp(key, now());
    auto login2 = postJson(port, "/api/v1/auth/login", {{"email", email}, {"password", kPassword}, {"totp", loginCode}});
    ASSERT_EQ(login2.result_int(), 200) << login2.body();
    secrets.push_back(json::parse(login2.body())["refresh_token"]);
    expectError(
        postJson(port, "/api/v1/auth/login", {{"email", email}, {"password", kPassword}, {"totp", loginCode}}));  // replay

    ASSERT_EQ(postJson(port, "/api/v1/auth/password/forgot", {{"email", email}}).result_int(), 202);
    std::string resetLink;
    ASSERT_TRUE(eventually([&] {
        resetLink = linkIn(mailTo(mailDir, email), "http://127\\.0\\.0\\.1:" + std::to_string(port), "/reset-password");
        return !resetLink.empty();
    }));
    const std::string resetToken = resetLink.substr(resetLink.find("token=") + 6);
    const std::string newPassword = "a brand new passphrase 9";
    secrets.push_back(resetToken);
    secrets.push_back(newPassword);
    expectError(
        postJson(port, "/api/v1/auth/password/reset", {{"token", resetToken}, {"password", newPassword}}));  // no 2FA code
    const auto reset = postJson(port, "/api/v1/auth/password/reset",
                                {{"token", resetToken}, {"password", newPassword}, {"totp", acc::totp(key, now() + 30)}});
    ASSERT_EQ(reset.result_int(), 200) << reset.body();
    expectError(postJson(port, "/api/v1/auth/refresh", {{"refresh_token", refresh}}));  // reused
    expectError(getWith(port, "/api/v1/me", access + "x"));                             // tampered

    stopGracefully(server);
    const std::string output = startup + server.readAll().toStdString();
    ASSERT_NE(output.find("\"route\":\"/api/v1/auth/login\""), std::string::npos) << "the request log is missing";
    std::string files;
    for (const char* name : {"/kairosd.sqlite", "/kairosd.sqlite-wal"}) files += readFile(dataDir + name);
    ASSERT_GT(files.size(), 10'000u);
    ASSERT_GE(secrets.size(), 20u);
    for (const auto& secret : secrets) {
        ASSERT_GE(secret.size(), 6u);
        EXPECT_EQ(output.find(secret), std::string::npos) << "kairosd printed a secret";
        EXPECT_EQ(files.find(secret), std::string::npos) << "the database files hold a secret in clear";
        for (const auto& body : errorBodies)
            EXPECT_EQ(body.find(secret), std::string::npos) << "an error answer holds a secret: " << body;
    }
}

}  // namespace
