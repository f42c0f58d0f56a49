// The SQLite backend of db::IConnection.

#include "db/database.h"

#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

namespace kairos::server::db {

namespace {

class SqliteConnection final : public IConnection {
public:
    explicit SqliteConnection(sqlite3* db) : m_db(db) {}
    ~SqliteConnection() override {
        for (auto& [sql, stmt] : m_statements) sqlite3_finalize(stmt);
        sqlite3_close_v2(m_db);
    }
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    Backend backend() const override { return Backend::Sqlite; }
    bool healthy() override { return true; }

    Result<Rows> query(std::string_view sql, const std::vector<Param>& params) override {
        // Prepared statements are kept per connection (the same few queries run on every request);
        // each use ends with a reset, so a kept statement holds no lock or binding.
        sqlite3_stmt* raw = nullptr;
        auto cached = m_statements.find(sql);
        if (cached != m_statements.end()) {
            raw = cached->second;
        } else {
            if (sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
                return makeError(std::string("sqlite: ") + sqlite3_errmsg(m_db));
            if (m_statements.size() < kMaxStatements) {
                m_statements.emplace(std::string(sql), raw);
            } else {
                m_uncached.reset(raw);
            }
        }
        struct Reset {
            sqlite3_stmt* s;
            ~Reset() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } reset{raw};
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int idx = static_cast<int>(i + 1);
            const Param& p = params[i];
            int rc = SQLITE_OK;
            if (std::holds_alternative<std::nullptr_t>(p)) {
                rc = sqlite3_bind_null(raw, idx);
            } else if (const auto* n = std::get_if<std::int64_t>(&p)) {
                rc = sqlite3_bind_int64(raw, idx, *n);
            } else if (const auto* d = std::get_if<double>(&p)) {
                rc = sqlite3_bind_double(raw, idx, *d);
            } else {
                const auto& s = std::get<std::string>(p);
                rc = sqlite3_bind_text(raw, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
            }
            if (rc != SQLITE_OK) return makeError(std::string("sqlite: ") + sqlite3_errmsg(m_db));
        }
        Rows rows;
        for (;;) {
            const int rc = sqlite3_step(raw);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return makeError(std::string("sqlite: ") + sqlite3_errmsg(m_db));
            const int n = sqlite3_column_count(raw);
            std::vector<std::optional<std::string>> cols;
            cols.reserve(static_cast<std::size_t>(n));
            for (int i = 0; i < n; ++i) {
                if (sqlite3_column_type(raw, i) == SQLITE_NULL) {
                    cols.emplace_back(std::nullopt);
                } else {
                    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
                    cols.emplace_back(std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(raw, i))));
                }
            }
            rows.emplace_back(std::move(cols));
        }
        return rows;
    }

    Status execScript(std::string_view sql) override {
        char* err = nullptr;
        const std::string text(sql);
        if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = std::string("sqlite: ") + (err ? err : sqlite3_errmsg(m_db));
            sqlite3_free(err);
            return makeError(msg);
        }
        return {};
    }

private:
    static constexpr std::size_t kMaxStatements = 128;
    sqlite3* m_db;
    std::map<std::string, sqlite3_stmt*, std::less<>> m_statements;
    /// A statement beyond the cache's size, finalized when the next one replaces it or at close.
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> m_uncached{nullptr, sqlite3_finalize};
};

}  // namespace

Result<std::unique_ptr<IConnection>> openSqlite(const std::string& path, int busyTimeoutMs) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
        sqlite3_close_v2(raw);
        return makeError("sqlite: cannot open " + path + ": " + msg);
    }
    auto c = std::make_unique<SqliteConnection>(raw);
    sqlite3_busy_timeout(raw, busyTimeoutMs);
    if (auto st = c->execScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !st)
        return makeError("sqlite: cannot set up " + path + ": " + st.message());
    return std::unique_ptr<IConnection>(std::move(c));
}

}  // namespace kairos::server::db
