#include "accounts/accountsmodule.h"

#include "accounts/routes.h"

#include <chrono>

namespace kairos::server::accounts {

Result<std::unique_ptr<AccountsModule>> AccountsModule::start(const ServerConfig& config, HttpServer& server) {
    if (config.jwtKey.empty())
        return makeError("accounts: no token signing key (set jwt_key_file or KAIROSD_JWT_KEY; one 'KID SECRET' per line)");
    auto keys = KeySet::parse(config.jwtKey);
    if (!keys) return makeError("accounts: the signing keys: " + keys.message());
    db::DatabaseConfig dbConfig;
    dbConfig.dataDir = config.dataDir;
    dbConfig.database = config.database;
    dbConfig.poolSize = config.threads + 2;
    auto database = db::Database::open(dbConfig);
    if (!database) return makeError("accounts: " + database.message());
    if (auto st = (*database)->migrate(); !st) return makeError("accounts: " + st.message());

    std::unique_ptr<AccountsModule> m(new AccountsModule());
    m->m_db = std::move(*database);
    AccountsConfig ac;
    // Sealed data (TOTP secrets, queued mail) uses a key derived from the first (oldest) signing
    // key of the file, which therefore stays in the file when newer keys are added after it.
    ac.secretsKey = deriveKey(keys->oldest().secret, "kairosd sealing key v1");
    ac.publicUrl = std::string(config.hasTls() ? "https://" : "http://") + config.bind + ":" + std::to_string(config.port);
    m->m_service = std::make_unique<AccountService>(*m->m_db, std::move(*keys), ac, [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    });
    db::Database* dbPtr = m->m_db.get();
    server.addReadinessCheck([dbPtr] { return dbPtr->readiness(); });
    registerAccountRoutes(server.router(), *m->m_service, &server.metrics());
    m->m_mailDir = config.mailDir;
    m->m_thread = std::thread([raw = m.get()] { raw->pump(); });
    return m;
}

AccountsModule::~AccountsModule() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void AccountsModule::pump() {
    auto lastPurge = std::chrono::steady_clock::now();
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        if (!m_mailDir.empty()) (void)m_service->deliverMailToDir(m_mailDir);
        if (std::chrono::steady_clock::now() - lastPurge > std::chrono::hours(1)) {
            (void)m_service->purgeExpired();
            lastPurge = std::chrono::steady_clock::now();
        }
        lock.lock();
        m_wake.wait_for(lock, std::chrono::seconds(2), [this] { return m_stopping; });
    }
}

}  // namespace kairos::server::accounts
