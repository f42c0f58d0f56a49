#pragma once
// Everything kairosd needs for accounts, started from its configuration in one call:
//   auto accounts = accounts::AccountsModule::start(config, server);   // before server.start()
//   if (!accounts) { print accounts.message(); return 1; }
// It opens the database (config.database / data_dir), migrates it, reads the signing keys from
// config.jwtKey (jwt_key_file or KAIROSD_JWT_KEY), adds the database to GET /ready, puts the account
// routes on the router and runs a background thread that writes due e-mail into config.mailDir
// (when set) every 2 s and purges expired rows hourly. Destroying it stops that thread. It must
// outlive the serving: stop the HttpServer first. Links in e-mails use http(s)://BIND:PORT.

#include "accounts/accountservice.h"
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
    ~AccountsModule();
    AccountsModule(const AccountsModule&) = delete;
    AccountsModule& operator=(const AccountsModule&) = delete;

    AccountService& service() { return *m_service; }
    db::Database& database() { return *m_db; }

private:
    AccountsModule() = default;
    void pump();

    std::unique_ptr<db::Database> m_db;
    std::unique_ptr<AccountService> m_service;
    std::string m_mailDir;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace kairos::server::accounts
