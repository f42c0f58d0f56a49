#pragma once
// Everything kairosd needs for accounts, started from its configuration in one call:
//   auto accounts = accounts::AccountsModule::start(config, server);   // before server.start()
//   if (!accounts) { print accounts.message(); return 1; }
// It opens the database (config.database / data_dir), migrates it, reads the signing keys from
// config.jwtKey (jwt_key_file or KAIROSD_JWT_KEY) — or, with SQLite and no key configured, from
// DATA_DIR/jwt.key, which it creates (mode 600, a random 256-bit key) on first start — adds the
// database to GET /ready, puts the account routes, the workspace sync routes and the e-mail link pages (/verify,
// /reset-password) on the router and runs a background thread that sends due e-mail every second
// (over SMTP when smtp_url is set, else as .eml files into mail_dir, default DATA_DIR/mail) and
// purges expired rows hourly. Destroying it stops that thread. It must outlive the serving: stop
// the HttpServer first. Links in e-mails use public_url, else http(s)://BIND:PORT (call
// setListeningPort once the server listens, for port 0).

#include "accounts/accountservice.h"
#include "accounts/mailqueue.h"
#include "config.h"
#include "db/database.h"
#include "httpserver.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace kairos::server::accounts {

class AccountsModule {
public:
    /// Errors name what is missing or wrong (no key file, unreachable database, newer schema).
    static Result<std::unique_ptr<AccountsModule>> start(const ServerConfig& config, HttpServer& server);
    /// The database and account service without a server or background thread (the `kairosd admin`
    /// commands). Same errors as start().
    static Result<std::unique_ptr<AccountsModule>> open(const ServerConfig& config);
    ~AccountsModule();
    AccountsModule(const AccountsModule&) = delete;
    AccountsModule& operator=(const AccountsModule&) = delete;

    AccountService& service() { return *m_service; }
    /// Where e-mails go: "smtp://host:port" or the mail directory.
    const std::string& mailDestination() const { return m_mailDestination; }
    /// Non-empty when start() created a new signing key file (its path; the key is never printed).
    const std::string& generatedKeyFile() const { return m_generatedKeyFile; }
    /// Links in e-mails point at this port when no public_url is configured.
    void setListeningPort(std::uint16_t port);
    /// Sends due e-mail now (the background thread also does every second). Returns how many.
    Result<int> deliverMailNow();
    db::Database& database() { return *m_db; }

private:
    AccountsModule() = default;
    void pump();

    std::unique_ptr<db::Database> m_db;
    std::unique_ptr<AccountService> m_service;
    std::string m_mailDestination;
    std::string m_generatedKeyFile;
    MailSender m_sender;
    ServerConfig m_config;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace kairos::server::accounts
