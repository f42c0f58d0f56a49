#include "db/database.h"

#include "db/migrations.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

namespace kairos::server::db {

namespace {
const std::string kEmpty;
}  // namespace

const char* backendName(Backend backend) { return backend == Backend::Postgres ? "postgres" : "sqlite"; }

const std::string& Row::text(std::size_t i) const {
    const auto& c = m_columns.at(i);
    return c ? *c : kEmpty;
}

std::int64_t Row::i64(std::size_t i) const {
    const auto& c = m_columns.at(i);
    if (!c) return 0;
    std::int64_t v = 0;
    std::from_chars(c->data(), c->data() + c->size(), v);
    return v;
}

double Row::f64(std::size_t i) const {
    const auto& c = m_columns.at(i);
    if (!c) return 0;
    return std::strtod(c->c_str(), nullptr);
}

Status exec(IConnection& c, std::string_view sql, const std::vector<Param>& params) {
    auto r = c.query(sql, params);
    if (!r) return r.error();
    return {};
}

Result<std::optional<Row>> queryOne(IConnection& c, std::string_view sql, const std::vector<Param>& params) {
    auto r = c.query(sql, params);
    if (!r) return r.error();
    if (r->empty()) return std::optional<Row>{};
    return std::optional<Row>{std::move(r->front())};
}

std::string_view forUpdate(const IConnection& c) { return c.backend() == Backend::Postgres ? " FOR UPDATE" : ""; }

bool isPostgresUrl(std::string_view database) {
    return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
}

PooledConnection::~PooledConnection() {
    if (m_owner && m_c) m_owner->release(std::move(m_c));
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseConfig& config) {
    std::unique_ptr<Database> db(new Database());
    db->m_poolSize = config.poolSize < 1 ? 1 : config.poolSize;
    db->m_busyTimeoutMs = config.busyTimeoutMs;
    if (isPostgresUrl(config.database)) {
        db->m_backend = Backend::Postgres;
        db->m_url = config.database;
    } else if (config.database.empty() || config.database == "sqlite" || config.database.rfind("sqlite:", 0) == 0) {
        std::filesystem::path file;
        if (config.database.size() > 7) {
            file = config.database.substr(7);  // sqlite:FILE
        } else {
            if (config.dataDir.empty()) return makeError("database: no data directory for the SQLite database");
            file = std::filesystem::path(config.dataDir) / "kairosd.sqlite";
        }
        std::error_code ec;
        if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
        if (ec) return makeError("database: cannot create directory " + file.parent_path().string() + ": " + ec.message());
        db->m_sqlitePath = file.string();
    } else {
        return makeError("database: '" + std::string(config.database.substr(0, config.database.find(':'))) +
                         "' is not a known database (use sqlite or a postgresql:// URL)");
    }
    auto first = db->connect();
    if (!first) return first.error();
    if (!db->m_sqlitePath.empty()) {
        // Only the server's user reads its database (SQLite gives -wal/-shm the same mode).
        std::error_code ec;
        std::filesystem::permissions(db->m_sqlitePath, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::replace, ec);
    }
    db->m_open = 1;
    db->m_idle.push_back(std::move(*first));
    return db;
}

Database::~Database() = default;

Result<std::unique_ptr<IConnection>> Database::connect() const {
    if (m_backend == Backend::Postgres) return openPostgres(m_url);
    return openSqlite(m_sqlitePath, m_busyTimeoutMs);
}

Result<PooledConnection> Database::acquire() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        while (!m_idle.empty()) {
            auto c = std::move(m_idle.back());
            m_idle.pop_back();
            if (c->healthy()) return PooledConnection(this, std::move(c));
            --m_open;  // a broken connection (server restarted): drop it and open another
        }
        if (m_open < m_poolSize) {
            ++m_open;
            lock.unlock();
            auto c = connect();
            if (!c) {
                std::lock_guard relock(m_mutex);
                --m_open;
                m_released.notify_one();
                return c.error();
            }
            return PooledConnection(this, std::move(*c));
        }
        m_released.wait(lock);
    }
}

void Database::release(std::unique_ptr<IConnection> c) {
    std::lock_guard lock(m_mutex);
    m_idle.push_back(std::move(c));
    m_released.notify_one();
}

Status Database::begin(IConnection& c) { return c.execScript(m_backend == Backend::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN"); }

Status Database::transact(const std::function<Status(IConnection&)>& work) {
    auto r = transaction<bool>([&](IConnection& c) -> Result<bool> {
        auto st = work(c);
        if (!st) return st.error();
        return true;
    });
    if (!r) return r.error();
    return {};
}

Status Database::migrate() {
    auto c = acquire();
    if (!c) return c.error();
    return applyMigrations(**c);
}

std::string Database::readiness() {
    auto c = acquire();
    if (!c) return "database unreachable: " + c.message();
    auto v = schemaVersion(**c);
    if (!v) return "database unreachable: " + v.message();
    if (*v != latestSchemaVersion())
        return "schema version " + std::to_string(*v) + ", this kairosd needs " + std::to_string(latestSchemaVersion());
    return "";
}

}  // namespace kairos::server::db
