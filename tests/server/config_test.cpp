// kairosd's configuration: file < environment < flags, every value validated with its source named,
// secret files refused when others can read them, --check-config masks secrets.
#include "config.h"

#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <map>

using kairos::server::ConfigAction;
using kairos::server::ConfigLoad;
using kairos::server::loadConfig;

namespace {

kairos::server::EnvLookup envOf(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& content, mode_t mode = 0600) {
    std::string path = dir.path().toStdString() + "/" + name;
    std::ofstream(path) << content;
    ::chmod(path.c_str(), mode);
    return path;
}

}  // namespace

TEST(ServerConfig, FlagsBeatEnvironmentWhichBeatsTheFile) {
    QTemporaryDir dir;
    const std::string file = writeFile(dir, "kairosd.conf",
                                       "# comment\n\nport = 9001\nthreads = 3\nlog_format = logfmt\n"
                                       "cors_origins = https://a.example, https://b.example:8443\n",
                                       0644);
    ConfigLoad l = loadConfig({"--config", file}, envOf({}));
    ASSERT_TRUE(l.ok()) << l.error;
    EXPECT_EQ(l.config.port, 9001);
    EXPECT_EQ(l.config.threads, 3);
    EXPECT_EQ(l.config.logFormat, kairos::server::LogFormat::Logfmt);
    EXPECT_EQ(l.config.corsOrigins, (std::vector<std::string>{"https://a.example", "https://b.example:8443"}));

    l = loadConfig({"--config", file}, envOf({{"KAIROSD_PORT", "9002"}}));
    ASSERT_TRUE(l.ok()) << l.error;
    EXPECT_EQ(l.config.port, 9002);
    EXPECT_EQ(l.config.threads, 3);  // still from the file

    l = loadConfig({"--port", "9003", "--config=" + file}, envOf({{"KAIROSD_PORT", "9002"}}));
    ASSERT_TRUE(l.ok()) << l.error;
    EXPECT_EQ(l.config.port, 9003);
    // KAIROSD_CONFIG names the file when --config is absent
    l = loadConfig({}, envOf({{"KAIROSD_CONFIG", file}}));
    ASSERT_TRUE(l.ok()) << l.error;
    EXPECT_EQ(l.config.port, 9001);
}

TEST(ServerConfig, EveryBadValueIsAnErrorNamingItsSource) {
    QTemporaryDir dir;
    const std::string typo = writeFile(dir, "typo.conf", "prot = 80\n", 0644);
    EXPECT_EQ(loadConfig({"--config", typo}, envOf({})).error, typo + ":1: unknown key \"prot\" (see kairosd --help)");
    const std::string badLine = writeFile(dir, "bad.conf", "port 80\n", 0644);
    EXPECT_NE(loadConfig({"--config", badLine}, envOf({})).error.find(":1: expected \"key = value\""), std::string::npos);
    EXPECT_NE(loadConfig({"--config", dir.path().toStdString() + "/missing.conf"}, envOf({})).error.find("no such file"),
              std::string::npos);

    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--port", "70000"}, "--port: \"70000\" is not a port number"},
        {{"--threads", "0"}, "--threads: \"0\" is not a whole number of threads in 1..64"},
        {{"--shutdown-deadline-ms", "soon"}, "--shutdown-deadline-ms: \"soon\" is not a whole number"},
        {{"--bind", "localhost:80"}, "--bind: \"localhost:80\" is not an IP address"},
        {{"--log-format", "xml"}, "--log-format: \"xml\" is not a log format"},
        {{"--database", "mysql://root:hunter2@db/x"}, "--database: \"mysql://root:***@db/x\" is not a database"},
        {{"--cors-origins", "https://a.example/path"}, "--cors-origins: \"https://a.example/path\" is not an origin"},
        {{"--trusted-proxy", "proxy.local"}, "--trusted-proxy: \"proxy.local\" is not an IP address"},
        {{"--tls-cert", "/x.pem"}, "tls_cert and tls_key go together"},
        {{"--data-dir", "/etc/hostname"}, "data_dir: /etc/hostname: exists and is not a directory"},
        {{"--smtp-url", "http://mail"}, "--smtp-url: \"http://mail\" is not an SMTP URL"},
        {{"--port"}, "--port needs a value"},
        {{"--frobnicate", "1"}, "unknown argument \"--frobnicate\""},
    };
    for (const auto& [args, expected] : cases) {
        const ConfigLoad l = loadConfig(args, envOf({}));
        EXPECT_NE(l.error.find(expected), std::string::npos) << "args " << args.front() << " gave: " << l.error;
        EXPECT_EQ(l.error.find("hunter2"), std::string::npos) << l.error;
    }
    EXPECT_NE(loadConfig({}, envOf({{"KAIROSD_REQUEST_TIMEOUT_MS", "-5"}})).error.find("KAIROSD_REQUEST_TIMEOUT_MS: \"-5\""),
              std::string::npos);
}

TEST(ServerConfig, SecretFilesMustBeReadableByTheOwnerOnly) {
    QTemporaryDir dir;
    const std::string open = writeFile(dir, "jwt-open.key", "k3y-material\n", 0644);
    const std::string group = writeFile(dir, "smtp-group.pw", "pa55word\n", 0640);
    const std::string good = writeFile(dir, "jwt.key", "k3y-material\n", 0600);
    ConfigLoad l = loadConfig({"--jwt-key-file", open}, envOf({}));
    EXPECT_NE(l.error.find("jwt_key_file: " + open + " is readable or writable by other users (mode 644)"), std::string::npos)
        << l.error;
    EXPECT_NE(l.error.find("chmod 600"), std::string::npos) << l.error;
    l = loadConfig({"--smtp-password-file", group}, envOf({}));
    EXPECT_NE(l.error.find("smtp_password_file: " + group + " is readable or writable by other users (mode 640)"),
              std::string::npos)
        << l.error;
    l = loadConfig({"--jwt-key-file", good}, envOf({{"KAIROSD_SMTP_PASSWORD", "from-env"}}));
    ASSERT_TRUE(l.ok()) << l.error;
    EXPECT_EQ(l.config.jwtKey, "k3y-material");
    EXPECT_EQ(l.config.smtpPassword, "from-env");
}

TEST(ServerConfig, DescribeMasksSecrets) {
    QTemporaryDir dir;
    const std::string key = writeFile(dir, "jwt.key", "super-secret-signing-key", 0600);
    const ConfigLoad l = loadConfig({"--jwt-key-file", key, "--database", "postgresql://kairos:hunter2@db.local/kairos",
                                     "--smtp-url", "smtps://mailer:pw123@smtp.example:465"},
                                    envOf({{"KAIROSD_SMTP_PASSWORD", "smtp-secret"}}));
    ASSERT_TRUE(l.ok()) << l.error;
    EXPECT_TRUE(l.config.isPostgres());
    const std::string text = kairos::server::describeConfig(l.config);
    for (const char* secret : {"super-secret-signing-key", "hunter2", "pw123", "smtp-secret"})
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
    EXPECT_NE(text.find("database = postgresql://kairos:***@db.local/kairos"), std::string::npos) << text;
    EXPECT_NE(text.find("# jwt key: (set, 24 bytes)"), std::string::npos) << text;
}

TEST(KairosdCheckConfig, PrintsTheEffectiveConfigOrExits1) {
    QTemporaryDir dir;
    const std::string good = writeFile(dir, "jwt.key", "signing-key-bytes", 0600);
    const std::string leaky = writeFile(dir, "leaky.key", "signing-key-bytes", 0604);
    QProcess ok;
    ok.start(QStringLiteral(KAIROSD_PATH), {"--check-config", "--port", "9100", "--jwt-key-file", QString::fromStdString(good)});
    ASSERT_TRUE(ok.waitForFinished(30'000));
    const std::string out = ok.readAllStandardOutput().toStdString();
    EXPECT_EQ(ok.exitCode(), 0) << ok.readAllStandardError().toStdString();
    EXPECT_NE(out.find("port = 9100"), std::string::npos) << out;
    EXPECT_NE(out.find("# configuration OK"), std::string::npos) << out;
    EXPECT_EQ(out.find("signing-key-bytes"), std::string::npos) << out;

    QProcess bad;
    bad.start(QStringLiteral(KAIROSD_PATH), {"--check-config", "--jwt-key-file", QString::fromStdString(leaky)});
    ASSERT_TRUE(bad.waitForFinished(30'000));
    EXPECT_EQ(bad.exitCode(), 1);
    const std::string err = bad.readAllStandardError().toStdString();
    EXPECT_NE(err.find("invalid configuration: jwt_key_file: " + leaky + " is readable or writable by other users"),
              std::string::npos)
        << err;
    EXPECT_EQ(err.find("signing-key-bytes"), std::string::npos) << err;
}
