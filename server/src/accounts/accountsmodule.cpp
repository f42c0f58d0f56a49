#include "accounts/accountsmodule.h"

#include "accounts/pages.h"
#include "accounts/routes.h"
#include "sync/routes.h"

#include <sodium.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace kairos::server::accounts {

namespace {

std::int64_t wallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// DATA_DIR/jwt.key: read it, or create it with one random key ("k<date> <64 hex>") readable by
/// this user only. `created` tells which.
Result<std::string> localSigningKey(const std::string& dataDir, std::string& path, bool& created) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dataDir, ec);
    if (ec) return makeError("cannot create the data directory " + dataDir + ": " + ec.message());
    path = (fs::path(dataDir) / "jwt.key").string();
    created = false;
    if (!fs::exists(path, ec)) {
        if (sodium_init() < 0) return makeError("libsodium could not be initialised");
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        char hex[2 * sizeof raw + 1];
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
        sodium_memzero(raw, sizeof raw);
        const std::string line = "k" + std::to_string(wallMs() / 1000) + " " + hex + "\n";
        sodium_memzero(hex, sizeof hex);
        const std::string tmp = path + ".tmp";
        const mode_t old = ::umask(077);
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << line;
            out.close();
            if (!out) {
                ::umask(old);
                return makeError("cannot write " + tmp);
            }
        }
        ::umask(old);
        ::chmod(tmp.c_str(), 0600);
        fs::rename(tmp, path, ec);
        if (ec) return makeError("cannot create " + path + ": " + ec.message());
        created = true;
    }
    std::string error;
    std::string key = readSecretFile("jwt_key_file", path, error);
    if (!error.empty()) return makeError(error);
    return key;
}

}  // namespace

Result<std::unique_ptr<AccountsModule>> AccountsModule::start(const ServerConfig& config, HttpServer& server) {
    auto m = open(config);
    if (!m) return m;
    AccountsModule* raw = m->get();
    db::Database* dbPtr = raw->m_db.get();
    server.addReadinessCheck([dbPtr] { return dbPtr->readiness(); });
    registerAccountRoutes(server.router(), *raw->m_service, &server.metrics());
    registerAccountPages(server.router(), *raw->m_service);
    sync::addRoutes(server.router(), *raw->m_db, *raw->m_service);
    raw->m_thread = std::thread([raw] { raw->pump(); });
    return m;
}

Result<std::unique_ptr<AccountsModule>> AccountsModule::open(const ServerConfig& config) {
    std::string keyText = config.jwtKey;
    std::string keyFile;
    bool created = false;
    if (keyText.empty()) {
        if (config.isPostgres())
            return makeError(
                "accounts: no token signing key. Every kairosd sharing a PostgreSQL database needs the same key: set "
                "jwt_key_file or KAIROSD_JWT_KEY ('KID SECRET' per line)");
        auto local = localSigningKey(config.dataDir, keyFile, created);
        if (!local) return makeError("accounts: " + local.message());
        keyText = *local;
    }
    auto keys = KeySet::parse(keyText);
    if (!keys) return makeError("accounts: the signing keys: " + keys.message());

    std::unique_ptr<AccountsModule> m(new AccountsModule());
    m->m_config = config;
    if (!config.smtpUrl.empty()) {
        mail::SmtpConfig smtp;
        if (auto st = parseSmtpUrl(config.smtpUrl, smtp); !st) return makeError("accounts: " + st.message());
        smtp.username = config.smtpUser;
        smtp.password = config.smtpPassword;
        smtp.caFile = config.smtpCaFile;
        m->m_sender = smtpSender(smtp, config.mailFrom);
        m->m_mailDestination = std::string(smtp.security == mail::SmtpSecurity::ImplicitTls ? "smtps://" : "smtp://") +
            smtp.host + ":" + std::to_string(smtp.port);
    } else {
        const std::string dir =
            config.mailDir.empty() ? (std::filesystem::path(config.dataDir) / "mail").string() : config.mailDir;
        m->m_sender = mailDirSender(dir, config.mailFrom);
        m->m_mailDestination = dir;
    }

    db::DatabaseConfig dbConfig;
    dbConfig.dataDir = config.dataDir;
    dbConfig.database = config.database;
    dbConfig.poolSize = config.threads + 2;
    auto database = db::Database::open(dbConfig);
    if (!database) return makeError("accounts: " + database.message());
    if (auto st = (*database)->migrate(); !st) return makeError("accounts: " + st.message());

    m->m_db = std::move(*database);
    if (created) m->m_generatedKeyFile = keyFile;
    AccountsConfig ac;
    // Sealed data (TOTP secrets, queued mail) uses a key derived from the first (oldest) signing
    // key of the file, which therefore stays in the file when newer keys are added after it.
    ac.secretsKey = deriveKey(keys->oldest().secret, "kairosd sealing key v1");
    ac.publicUrl = !config.publicUrl.empty()
        ? config.publicUrl
        : std::string(config.hasTls() ? "https://" : "http://") + config.bind + ":" + std::to_string(config.port);
    ac.mailFrom = config.mailFrom;
    m->m_service = std::make_unique<AccountService>(*m->m_db, std::move(*keys), ac, wallMs);
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

void AccountsModule::setListeningPort(std::uint16_t port) {
    if (!m_config.publicUrl.empty()) return;
    const std::string host = m_config.bind == "0.0.0.0" || m_config.bind == "::" ? "127.0.0.1" : m_config.bind;
    m_service->setPublicUrl(std::string(m_config.hasTls() ? "https://" : "http://") +
                            (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port));
}

Result<int> AccountsModule::deliverMailNow() { return m_service->deliverMail(m_sender); }

void AccountsModule::pump() {
    auto lastPurge = std::chrono::steady_clock::now();
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        (void)deliverMailNow();
        if (std::chrono::steady_clock::now() - lastPurge > std::chrono::hours(1)) {
            (void)m_service->purgeExpired();
            lastPurge = std::chrono::steady_clock::now();
        }
        lock.lock();
        m_wake.wait_for(lock, std::chrono::seconds(1), [this] { return m_stopping; });
    }
}

}  // namespace kairos::server::accounts
