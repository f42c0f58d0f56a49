#pragma once
// kairosd's configuration: one struct read from a file, the environment and the command line, in
// that order of precedence (a flag wins over KAIROSD_*, which wins over the file, which wins over
// the defaults). Every value is validated when read; an error names where the value came from.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::server {

/// How request log lines are written (one line per request on stdout).
enum class LogFormat { Json = 1, Logfmt };

/// The effective configuration of one kairosd process. Plain data; read-only once the server runs
/// (any thread may read it then). Paths are as given (relative to the working directory).
struct ServerConfig {
    // --- listening
    std::string bind = "127.0.0.1";  ///< `bind`, --bind, KAIROSD_BIND: an IPv4/IPv6 address
    std::uint16_t port = 8787;       ///< `port`, --port, KAIROSD_PORT: 0 picks a free port
    int threads = 2;                 ///< `threads`: I/O threads, 1..64
    std::string tlsCert;             ///< `tls_cert`, --tls-cert: PEM chain; TLS only when this and tlsKey are set
    std::string tlsKey;              ///< `tls_key`, --tls-key: PEM private key (must not be world-readable)
    // --- limits and timeouts
    std::size_t bodyLimitBytes = 64 * 1024;   ///< `body_limit_bytes`: larger bodies get 413
    std::size_t headerLimitBytes = 8 * 1024;  ///< `header_limit_bytes`: larger request heads get 431
    int requestTimeoutMs = 15000;             ///< `request_timeout_ms`: to receive one request
    int shutdownDeadlineMs = 10000;           ///< `shutdown_deadline_ms`: in-flight requests get this long on SIGTERM
    // --- HTTP policy
    std::vector<std::string> trustedProxies;  ///< `trusted_proxy`: peer addresses whose X-Forwarded-For is believed
    std::vector<std::string> corsOrigins;     ///< `cors_origins`: origins allowed cross-origin ("*" for any)
    LogFormat logFormat = LogFormat::Json;    ///< `log_format`: json or logfmt
    // --- storage and accounts (read by the database and account code)
    std::string dataDir = "kairosd-data";  ///< `data_dir`, --data-dir: where the SQLite database lives
    std::string database = "sqlite";       ///< `database`, --database: "sqlite", "sqlite:FILE" or "postgresql://…"
    std::string mailDir;                   ///< `mail_dir`, --mail-dir: write e-mails as .eml files here when no SMTP
    std::string smtpUrl;                   ///< `smtp_url`: smtp://host:587 (STARTTLS) or smtps://host:465
    std::string smtpUser;                  ///< `smtp_user`
    std::string smtpPasswordFile;          ///< `smtp_password_file`: file holding the SMTP password (mode 0600)
    std::string jwtKeyFile;                ///< `jwt_key_file`: file holding the token signing key(s) (mode 0600)
    std::string smtpCaFile;                ///< `smtp_ca_file`: extra CA bundle (PEM) trusted for the SMTP server
    std::string mailFrom = "Kairos <no-reply@localhost>";  ///< `mail_from`: From of outgoing e-mail
    std::string publicUrl;                                 ///< `public_url`: base of links in e-mails; "" = http(s)://BIND:PORT
    // --- server-side alerts (server/src/alerts)
    std::string alertsBinanceUrl = "https://api.binance.com";  ///< `alerts_binance_url`: Binance spot REST base (klines)
    std::string alertsBybitUrl = "https://api.bybit.com";      ///< `alerts_bybit_url`: Bybit v5 REST base (spot klines)
    int alertsPollMs = 15000;                                  ///< `alerts_poll_ms`: how often rules are evaluated
    std::string
        alertsSecretKeyFile;  ///< `alerts_secret_key_file`: 64 hex digits (32-byte key) sealing channel secrets (mode 600)
    int planFreeAlerts = 5;   ///< `plan_free_alerts`: server-side alert rules of a Free account
    int planProAlerts = 100;  ///< `plan_pro_alerts`: server-side alert rules of a Pro account
    // --- secrets, never printed or logged; read from the files above or from the environment only
    std::string smtpPassword;  ///< contents of smtp_password_file (trailing newline dropped) or KAIROSD_SMTP_PASSWORD
    std::string jwtKey;        ///< contents of jwt_key_file or KAIROSD_JWT_KEY
    /// The alerts secret key as 64 lower-case hex digits: contents of alerts_secret_key_file or
    /// KAIROSD_ALERTS_SECRET_KEY; "" = none (channel secrets are then refused).
    std::string alertsSecretKey;

    /// True when both TLS files are configured (the server then speaks https only).
    bool hasTls() const { return !tlsCert.empty() && !tlsKey.empty(); }
    /// True when `database` selects PostgreSQL.
    bool isPostgres() const;
    /// The SQLite database file: "sqlite:FILE" gives FILE, "sqlite" gives DATA_DIR/kairosd.sqlite.
    std::string sqlitePath() const;
};

/// What loadConfig() was asked to do besides configuring the server.
enum class ConfigAction { Serve = 1, CheckConfig, Help, Version };

/// The result of reading the configuration: either a config or an error a user can act on.
struct ConfigLoad {
    ServerConfig config;
    ConfigAction action = ConfigAction::Serve;
    std::string error;                   ///< "" when the configuration is valid
    std::vector<std::string> arguments;  ///< positional arguments (sub-commands for later issues)
    bool ok() const { return error.empty(); }
};

/// Looks up an environment variable (nullopt when unset). Tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
/// The process environment.
EnvLookup processEnvironment();

/// Reads defaults, then the file named by --config (or KAIROSD_CONFIG), then KAIROSD_* variables,
/// then the flags in `args` (argv without the program name), then validates the whole and reads
/// the secret files. Errors name the source: `--port: "abc" is not a port number …`,
/// `kairosd.conf:3: unknown key "prot"`, `KAIROSD_THREADS: …`. Never throws.
ConfigLoad loadConfig(const std::vector<std::string>& args, const EnvLookup& env);

/// The effective configuration as `key = value` lines (the config file format), secrets masked:
/// the SMTP and JWT secrets are "(set, N bytes)" or "(not set)", a password in a URL becomes "***".
std::string describeConfig(const ServerConfig& config);

/// The command-line help (flags, keys, environment variables).
std::string configHelp();

/// A port number as given on the command line or in KAIROSD_PORT: decimal digits only, 0..65535.
/// nullopt for anything else ("abc", "-1", "70000", "", "80x").
std::optional<std::uint16_t> parsePort(std::string_view text);

/// Reads a secret file: refused (error set) when it is missing, not a regular file, or readable by
/// its group or by others (chmod 600 it); a trailing newline is dropped. `key` names the setting in
/// the error.
std::string readSecretFile(const std::string& key, const std::string& path, std::string& error);

/// `url` with the password of its user-info replaced by "***" (smtp://u:p@h → smtp://u:***@h).
std::string maskUrlPassword(const std::string& url);

}  // namespace kairos::server
