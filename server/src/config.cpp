#include "config.h"

// Boost 1.74 asio uses std::exchange without including <utility> (fixed upstream later).
#include <utility>

#include <boost/asio/ip/address.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace kairos::server {

namespace {

namespace fs = std::filesystem;

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> splitList(const std::string& value) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(value);
    while (std::getline(in, item, ',')) {
        item = trim(item);
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

/// One configuration key: its name in files, its flag (or "" when only in files/env) and its setter,
/// which returns an error text ("" when the value is valid).
struct Key {
    const char* name;
    const char* flag;
    const char* help;
    std::string (*set)(ServerConfig&, const std::string&);
};

std::string quoted(const std::string& v) { return "\"" + v + "\""; }

template <typename Int>
std::string setInt(Int& out, const std::string& v, long long min, long long max, const char* unit) {
    long long value = 0;
    const char* end = v.data() + v.size();
    const auto [ptr, ec] = std::from_chars(v.data(), end, value);
    if (v.empty() || ec != std::errc() || ptr != end || value < min || value > max)
        return quoted(v) + " is not a whole number of " + unit + " in " + std::to_string(min) + ".." + std::to_string(max);
    out = static_cast<Int>(value);
    return {};
}

std::string setAddress(std::string& out, const std::string& v) {
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(v, ec);
    if (ec) return quoted(v) + " is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::1)";
    out = v;
    return {};
}

std::string setPath(std::string& out, const std::string& v) {
    if (v.find('\0') != std::string::npos || v.find('\n') != std::string::npos) return "the path contains a control character";
    out = v;
    return {};
}

std::string setOrigins(ServerConfig& c, const std::string& v) {
    std::vector<std::string> origins = splitList(v);
    for (const std::string& o : origins) {
        if (o == "*") continue;
        const auto scheme = o.find("://");
        const bool schemeOk = o.rfind("http://", 0) == 0 || o.rfind("https://", 0) == 0;
        if (!schemeOk || scheme + 3 >= o.size() || o.find('/', scheme + 3) != std::string::npos)
            return quoted(o) + " is not an origin (scheme://host[:port] without a path, or *)";
    }
    c.corsOrigins = std::move(origins);
    return {};
}

std::string setProxies(ServerConfig& c, const std::string& v) {
    std::vector<std::string> proxies = splitList(v);
    for (const std::string& p : proxies) {
        boost::system::error_code ec;
        (void)boost::asio::ip::make_address(p, ec);
        if (ec) return quoted(p) + " is not an IP address (trusted_proxy lists the proxies' addresses, comma-separated)";
    }
    c.trustedProxies = std::move(proxies);
    return {};
}

const std::vector<Key>& keys() {
    static const std::vector<Key> k = {
        {"bind", "--bind", "address to listen on (default 127.0.0.1)",
         [](ServerConfig& c, const std::string& v) { return setAddress(c.bind, v); }},
        {"port", "--port", "port, 0 = any free port (default 8787)",
         [](ServerConfig& c, const std::string& v) -> std::string {
             const auto p = parsePort(v);
             if (!p) return quoted(v) + " is not a port number (0-65535, 0 = any free port); see --help";
             c.port = *p;
             return {};
         }},
        {"threads", "--threads", "I/O threads, 1-64 (default 2)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.threads, v, 1, 64, "threads"); }},
        {"tls_cert", "--tls-cert", "PEM certificate chain; with tls_key the server speaks https only",
         [](ServerConfig& c, const std::string& v) { return setPath(c.tlsCert, v); }},
        {"tls_key", "--tls-key", "PEM private key (not world-readable)",
         [](ServerConfig& c, const std::string& v) { return setPath(c.tlsKey, v); }},
        {"body_limit_bytes", "", "largest request body; larger gets 413 (default 65536)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.bodyLimitBytes, v, 1024, 64LL * 1024 * 1024, "bytes"); }},
        {"header_limit_bytes", "", "largest request line + headers; larger gets 431 (default 8192)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.headerLimitBytes, v, 1024, 1024 * 1024, "bytes"); }},
        {"request_timeout_ms", "", "time to receive one request (default 15000)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.requestTimeoutMs, v, 100, 3600000, "milliseconds"); }},
        {"shutdown_deadline_ms", "--shutdown-deadline-ms", "time in-flight requests get after SIGTERM (default 10000)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.shutdownDeadlineMs, v, 0, 600000, "milliseconds"); }},
        {"trusted_proxy", "--trusted-proxy", "comma-separated proxy addresses whose X-Forwarded-For is believed", setProxies},
        {"cors_origins", "--cors-origins", "comma-separated origins allowed cross-origin (e.g. https://app.example), or *",
         setOrigins},
        {"log_format", "--log-format", "request log lines: json (default) or logfmt",
         [](ServerConfig& c, const std::string& v) -> std::string {
             if (v == "json")
                 c.logFormat = LogFormat::Json;
             else if (v == "logfmt")
                 c.logFormat = LogFormat::Logfmt;
             else
                 return quoted(v) + " is not a log format (json or logfmt)";
             return {};
         }},
        {"data_dir", "--data-dir", "directory of the SQLite database (default kairosd-data)",
         [](ServerConfig& c, const std::string& v) { return v.empty() ? "must not be empty" : setPath(c.dataDir, v); }},
        {"database", "--database", "sqlite (default), sqlite:FILE or postgresql://user@host/db",
         [](ServerConfig& c, const std::string& v) -> std::string {
             const bool ok = v == "sqlite" || (v.rfind("sqlite:", 0) == 0 && v.size() > 7) || v.rfind("postgresql://", 0) == 0 ||
                 v.rfind("postgres://", 0) == 0;
             if (!ok) return "\"" + maskUrlPassword(v) + "\" is not a database (sqlite, sqlite:FILE or postgresql://…)";
             c.database = v;
             return {};
         }},
        {"mail_dir", "--mail-dir", "without SMTP, write each outgoing e-mail as an .eml file here",
         [](ServerConfig& c, const std::string& v) { return setPath(c.mailDir, v); }},
        {"smtp_url", "--smtp-url", "smtp://host:587 (STARTTLS) or smtps://host:465 (implicit TLS)",
         [](ServerConfig& c, const std::string& v) -> std::string {
             if (!v.empty() && v.rfind("smtp://", 0) != 0 && v.rfind("smtps://", 0) != 0)
                 return "\"" + maskUrlPassword(v) + "\" is not an SMTP URL (smtp://host:port or smtps://host:port)";
             c.smtpUrl = v;
             return {};
         }},
        {"smtp_user", "--smtp-user", "SMTP user name",
         [](ServerConfig& c, const std::string& v) {
             c.smtpUser = v;
             return std::string();
         }},
        {"smtp_password_file", "--smtp-password-file", "file holding the SMTP password (mode 600)",
         [](ServerConfig& c, const std::string& v) { return setPath(c.smtpPasswordFile, v); }},
        {"jwt_key_file", "--jwt-key-file", "file holding the token signing key(s), 'KID SECRET' per line (mode 600)",
         [](ServerConfig& c, const std::string& v) { return setPath(c.jwtKeyFile, v); }},
        {"smtp_ca_file", "--smtp-ca-file", "extra CA bundle (PEM) to trust for the SMTP server's certificate",
         [](ServerConfig& c, const std::string& v) { return setPath(c.smtpCaFile, v); }},
        {"mail_from", "--mail-from", "From of outgoing e-mail (default \"Kairos <no-reply@localhost>\")",
         [](ServerConfig& c, const std::string& v) -> std::string {
             if (v.empty() || v.find('@') == std::string::npos) return quoted(v) + " is not an address (Name <user@host>)";
             c.mailFrom = v;
             return {};
         }},
        {"alerts_binance_url", "--alerts-binance-url", "Binance spot REST base URL the server-side alerts read klines from",
         [](ServerConfig& c, const std::string& v) -> std::string {
             if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) return quoted(v) + " is not an http(s) URL";
             c.alertsBinanceUrl = v.back() == '/' ? v.substr(0, v.size() - 1) : v;
             return {};
         }},
        {"alerts_bybit_url", "--alerts-bybit-url", "Bybit v5 REST base URL the server-side alerts read spot klines from",
         [](ServerConfig& c, const std::string& v) -> std::string {
             if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) return quoted(v) + " is not an http(s) URL";
             c.alertsBybitUrl = v.back() == '/' ? v.substr(0, v.size() - 1) : v;
             return {};
         }},
        {"alerts_poll_ms", "--alerts-poll-ms", "how often server-side alerts are evaluated, ms (default 15000)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.alertsPollMs, v, 10, 3600000, "milliseconds"); }},
        {"alerts_secret_key_file", "--alerts-secret-key-file",
         "file holding the key (64 hex digits, mode 600) that encrypts alert channel secrets",
         [](ServerConfig& c, const std::string& v) { return setPath(c.alertsSecretKeyFile, v); }},
        {"plan_free_alerts", "", "server-side alerts of a Free account (default 5)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.planFreeAlerts, v, 0, 1000000, "alerts"); }},
        {"plan_pro_alerts", "", "server-side alerts of a Pro account (default 100)",
         [](ServerConfig& c, const std::string& v) { return setInt(c.planProAlerts, v, 0, 1000000, "alerts"); }},
        {"public_url", "--public-url", "base URL of the links in e-mails, e.g. https://kairos.example (default http://BIND:PORT)",
         [](ServerConfig& c, const std::string& v) -> std::string {
             if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) return quoted(v) + " is not an http(s) URL";
             c.publicUrl = v.back() == '/' ? v.substr(0, v.size() - 1) : v;
             return {};
         }},
    };
    return k;
}

const Key* findKey(std::string_view name) {
    for (const Key& k : keys())
        if (name == k.name) return &k;
    return nullptr;
}

std::string envName(std::string_view key) {
    std::string n = "KAIROSD_";
    for (char c : key) n += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return n;
}

/// Reads `key = value` lines; '#' starts a comment line; blank lines are skipped.
std::string applyFile(ServerConfig& c, const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return path + ": no such file (--config)";
    if (fs::is_directory(path, ec)) return path + ": is a directory, not a config file (--config)";
    std::ifstream in(path);
    if (!in) return path + ": cannot read it (" + std::strerror(errno) + ")";
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string where = path + ":" + std::to_string(number);
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const auto eq = t.find('=');
        if (eq == std::string::npos) return where + ": expected \"key = value\"";
        const std::string name = trim(t.substr(0, eq));
        const Key* k = findKey(name);
        if (!k) return where + ": unknown key \"" + name + "\" (see kairosd --help)";
        if (std::string err = k->set(c, trim(t.substr(eq + 1))); !err.empty()) return where + ": " + name + ": " + err;
    }
    return {};
}

std::string checkReadableFile(const std::string& key, const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return key + ": " + path + ": no such file";
    if (!fs::is_regular_file(path, ec)) return key + ": " + path + ": not a regular file";
    std::ifstream in(path);
    if (!in) return key + ": " + path + ": cannot read it (" + std::strerror(errno) + ")";
    return {};
}

std::string checkDirectory(const std::string& key, const std::string& path) {
    std::error_code ec;
    if (fs::exists(path, ec) && !fs::is_directory(path, ec)) return key + ": " + path + ": exists and is not a directory";
    return {};
}

/// The alerts secret key must be exactly 32 bytes written as 64 hex digits; lower-cases it.
std::string normaliseAlertsKey(std::string& key) {
    key = trim(key);
    bool hex = key.size() == 64;
    for (char& ch : key) {
        if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) hex = false;
    }
    if (!hex)
        return "the alerts secret key must be 64 hex digits (a 32-byte key; make one with: head -c 32 /dev/urandom | od -An -tx1 "
               "| tr -d ' \\n'), got " +
            std::to_string(key.size()) + " characters";
    return {};
}

/// Whole-config rules that no single value can check.
std::string validate(ServerConfig& c, const EnvLookup& env) {
    if (c.tlsCert.empty() != c.tlsKey.empty()) return "tls_cert and tls_key go together: set both for https, or neither";
    if (c.hasTls()) {
        if (std::string err = checkReadableFile("tls_cert", c.tlsCert); !err.empty()) return err;
        if (std::string err = checkReadableFile("tls_key", c.tlsKey); !err.empty()) return err;
        struct stat st {};
        if (::stat(c.tlsKey.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0)
            return "tls_key: " + c.tlsKey + " is readable by every user; chmod o-r it (or 600)";
    }
    for (const auto& [key, path] : {std::pair<const char*, const std::string*>{"data_dir", &c.dataDir}, {"mail_dir", &c.mailDir}})
        if (!path->empty())
            if (std::string err = checkDirectory(key, *path); !err.empty()) return err;
    if (c.database.rfind("sqlite:", 0) == 0) {
        std::error_code ec;
        const fs::path parent = fs::path(c.sqlitePath()).parent_path();
        if (!parent.empty() && !fs::is_directory(parent, ec))
            return "database: the folder of " + c.sqlitePath() + " does not exist";
    }
    if (!c.smtpCaFile.empty())
        if (std::string err = checkReadableFile("smtp_ca_file", c.smtpCaFile); !err.empty()) return err;
    std::string error;
    if (!c.smtpPasswordFile.empty()) {
        c.smtpPassword = readSecretFile("smtp_password_file", c.smtpPasswordFile, error);
        if (!error.empty()) return error;
    } else if (auto p = env("KAIROSD_SMTP_PASSWORD")) {
        c.smtpPassword = *p;
    }
    if (!c.jwtKeyFile.empty()) {
        c.jwtKey = readSecretFile("jwt_key_file", c.jwtKeyFile, error);
        if (!error.empty()) return error;
    } else if (auto k = env("KAIROSD_JWT_KEY")) {
        c.jwtKey = *k;
    }
    std::string alertsKey;
    std::string alertsKeySource;
    if (!c.alertsSecretKeyFile.empty()) {
        alertsKey = readSecretFile("alerts_secret_key_file", c.alertsSecretKeyFile, error);
        if (!error.empty()) return error;
        alertsKeySource = "alerts_secret_key_file: " + c.alertsSecretKeyFile;
    } else if (auto k = env("KAIROSD_ALERTS_SECRET_KEY")) {
        alertsKey = trim(*k);
        alertsKeySource = "KAIROSD_ALERTS_SECRET_KEY";
    }
    if (!alertsKey.empty() || !alertsKeySource.empty()) {
        if (std::string err = normaliseAlertsKey(alertsKey); !err.empty()) return alertsKeySource + ": " + err;
        c.alertsSecretKey = alertsKey;
    }
    return {};
}

}  // namespace

bool ServerConfig::isPostgres() const { return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0; }

std::string ServerConfig::sqlitePath() const {
    if (database.rfind("sqlite:", 0) == 0) return database.substr(7);
    return (fs::path(dataDir) / "kairosd.sqlite").string();
}

EnvLookup processEnvironment() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* v = std::getenv(name.c_str())) return std::string(v);
        return std::nullopt;
    };
}

std::optional<std::uint16_t> parsePort(std::string_view text) {
    if (text.empty() || text.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

std::string maskUrlPassword(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const auto hostStart = scheme + 3;
    const auto at = url.find('@', hostStart);
    const auto slash = url.find('/', hostStart);
    if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
    const auto colon = url.find(':', hostStart);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string readSecretFile(const std::string& key, const std::string& path, std::string& error) {
    error.clear();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        error = key + ": " + path + ": " + std::strerror(errno);
        return {};
    }
    if (!S_ISREG(st.st_mode)) {
        error = key + ": " + path + ": not a regular file";
        return {};
    }
    if ((st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
        error = key + ": " + path + " is readable or writable by other users (mode " +
            [&] {
                char mode[8];
                std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
                return std::string(mode);
            }() +
            "); a secret file must be readable by the server's user only: chmod 600 " + path;
        return {};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = key + ": " + path + ": cannot read it (" + std::strerror(errno) + ")";
        return {};
    }
    std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
    if (content.empty()) error = key + ": " + path + " is empty";
    return content;
}

ConfigLoad loadConfig(const std::vector<std::string>& args, const EnvLookup& env) {
    ConfigLoad r;
    // First pass: the actions and --config, so that the file is applied before the environment.
    std::string configFile = env("KAIROSD_CONFIG").value_or("");
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") r.action = ConfigAction::Help;
        if (a == "--version") r.action = ConfigAction::Version;
        if (a == "--check-config" && r.action == ConfigAction::Serve) r.action = ConfigAction::CheckConfig;
        if (a == "--config") {
            if (i + 1 >= args.size()) {
                r.error = "--config needs a file name (see --help)";
                return r;
            }
            configFile = args[++i];
        } else if (a.rfind("--config=", 0) == 0) {
            configFile = a.substr(9);
        }
    }
    if (r.action == ConfigAction::Help || r.action == ConfigAction::Version) return r;
    if (!configFile.empty())
        if (std::string err = applyFile(r.config, configFile); !err.empty()) {
            r.error = err;
            return r;
        }
    for (const Key& k : keys()) {
        const std::string name = envName(k.name);
        if (auto v = env(name))
            if (std::string err = k.set(r.config, *v); !err.empty()) {
                r.error = name + ": " + err;
                return r;
            }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--check-config") continue;
        if (a == "--config") {
            ++i;
            continue;
        }
        if (a.rfind("--config=", 0) == 0) continue;
        if (a.rfind("--", 0) != 0) {
            r.arguments.push_back(a);
            continue;
        }
        const auto eq = a.find('=');
        const std::string flag = a.substr(0, eq);
        const Key* key = nullptr;
        for (const Key& k : keys())
            if (*k.flag != '\0' && flag == k.flag) key = &k;
        if (!key) {
            r.error = "unknown argument \"" + a + "\" (see --help)";
            return r;
        }
        std::string value;
        if (eq != std::string::npos) {
            value = a.substr(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            r.error = flag + " needs a value (see --help)";
            return r;
        }
        if (std::string err = key->set(r.config, value); !err.empty()) {
            r.error = flag + ": " + err;
            return r;
        }
    }
    r.error = validate(r.config, env);
    return r;
}

std::string describeConfig(const ServerConfig& c) {
    std::ostringstream out;
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
        return s;
    };
    auto secret = [](const std::string& s) {
        return s.empty() ? std::string("(not set)") : "(set, " + std::to_string(s.size()) + " bytes)";
    };
    out << "bind = " << c.bind << "\n"
        << "port = " << c.port << "\n"
        << "threads = " << c.threads << "\n"
        << "tls_cert = " << c.tlsCert << "\n"
        << "tls_key = " << c.tlsKey << "\n"
        << "body_limit_bytes = " << c.bodyLimitBytes << "\n"
        << "header_limit_bytes = " << c.headerLimitBytes << "\n"
        << "request_timeout_ms = " << c.requestTimeoutMs << "\n"
        << "shutdown_deadline_ms = " << c.shutdownDeadlineMs << "\n"
        << "trusted_proxy = " << join(c.trustedProxies) << "\n"
        << "cors_origins = " << join(c.corsOrigins) << "\n"
        << "log_format = " << (c.logFormat == LogFormat::Json ? "json" : "logfmt") << "\n"
        << "data_dir = " << c.dataDir << "\n"
        << "database = " << maskUrlPassword(c.database) << "\n"
        << "mail_dir = " << c.mailDir << "\n"
        << "smtp_url = " << maskUrlPassword(c.smtpUrl) << "\n"
        << "smtp_user = " << c.smtpUser << "\n"
        << "smtp_password_file = " << c.smtpPasswordFile << "\n"
        << "jwt_key_file = " << c.jwtKeyFile << "\n"
        << "smtp_ca_file = " << c.smtpCaFile << "\n"
        << "mail_from = " << c.mailFrom << "\n"
        << "public_url = " << c.publicUrl << "\n"
        << "alerts_binance_url = " << c.alertsBinanceUrl << "\n"
        << "alerts_bybit_url = " << c.alertsBybitUrl << "\n"
        << "alerts_poll_ms = " << c.alertsPollMs << "\n"
        << "alerts_secret_key_file = " << c.alertsSecretKeyFile << "\n"
        << "plan_free_alerts = " << c.planFreeAlerts << "\n"
        << "plan_pro_alerts = " << c.planProAlerts << "\n"
        << "# smtp password: " << secret(c.smtpPassword) << "\n"
        << "# jwt key: " << secret(c.jwtKey) << "\n"
        << "# alerts secret key: " << secret(c.alertsSecretKey) << "\n";
    return out.str();
}

std::string configHelp() {
    std::ostringstream out;
    out << "Usage: kairosd [--config FILE] [--check-config] [flags]          serve\n"
           "       kairosd [flags] backup FILE      copy the SQLite database (online, while a server runs)\n"
           "       kairosd [flags] restore FILE     restore a backup into an empty data directory\n"
           "       kairosd [flags] admin create EMAIL   create an admin (password read from stdin)\n"
           "  --config FILE    read `key = value` lines from FILE (env KAIROSD_CONFIG)\n"
           "  --check-config   print the effective configuration (secrets masked) and exit 0, or 1 if invalid\n"
           "  --version, --help\n"
           "Settings (precedence: flag > environment KAIROSD_<KEY> > config file > default):\n";
    for (const Key& k : keys()) {
        std::string left = std::string("  ") + k.name;
        if (*k.flag != '\0') left += std::string(" (") + k.flag + ")";
        out << left << (left.size() < 40 ? std::string(40 - left.size(), ' ') : std::string(" ")) << k.help << "\n";
    }
    out << "Secrets come from files readable by the server's user only (smtp_password_file, jwt_key_file) or from\n"
           "the environment (KAIROSD_SMTP_PASSWORD, KAIROSD_JWT_KEY, KAIROSD_ALERTS_SECRET_KEY); never from flags.\n"
           "Endpoints: GET /health, GET /ready, GET /metrics, GET /api/v1/ws (WebSocket)\n";
    return out.str();
}

}  // namespace kairos::server
