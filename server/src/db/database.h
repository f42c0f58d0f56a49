#pragma once
// The server's data-access layer: one interface, two backends.
//
// - SQLite (the default): a file `kairosd.sqlite` in the data directory, WAL journal, busy timeout,
//   foreign keys on. Several connections to the same file (one per pool slot).
// - PostgreSQL through libpq, chosen by a `postgresql://…` (or `postgres://…`) URL, so several
//   kairosd processes can share one database.
//
// SQL is written once with `?` placeholders; the PostgreSQL backend rewrites them to `$1…$n`.
// Statements are always parameterised: values never enter the SQL text. Both dialects accept
// `INSERT … RETURNING`, `ON CONFLICT … DO UPDATE/NOTHING`; where they differ (DDL, row locks) the
// caller asks `Connection::backend()` or uses the helpers below.
//
// Threads: a `Database` is shared by all server threads; `Database::acquire()` hands out one
// connection from a small pool (blocking while all are in use) that only the calling thread uses
// until the `PooledConnection` is destroyed.

#include "util/result.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kairos::server::db {

enum class Backend { Sqlite = 1, Postgres };

/// "sqlite" / "postgres" (test names, logs).
const char* backendName(Backend backend);

/// One statement parameter: SQL NULL, a 64-bit integer, a double or text (UTF-8).
using Param = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

/// One result row; each column is its text form (integers in decimal) or nullopt for NULL.
class Row {
public:
    explicit Row(std::vector<std::optional<std::string>> columns) : m_columns(std::move(columns)) {}
    std::size_t size() const { return m_columns.size(); }
    bool isNull(std::size_t i) const { return !m_columns.at(i).has_value(); }
    /// The column as text ("" for NULL).
    const std::string& text(std::size_t i) const;
    /// The column as an integer (0 for NULL or non-numeric text).
    std::int64_t i64(std::size_t i) const;
    /// The column as a double (0 for NULL).
    double f64(std::size_t i) const;
    std::optional<std::string> optText(std::size_t i) const { return m_columns.at(i); }

private:
    std::vector<std::optional<std::string>> m_columns;
};

using Rows = std::vector<Row>;

/// One database session. Not thread-safe: one thread at a time (the pool guarantees it).
class IConnection {
public:
    virtual ~IConnection() = default;
    virtual Backend backend() const = 0;
    /// Runs one parameterised statement and returns its rows (none for statements without a
    /// result). Errors carry the database's message (never the parameter values).
    virtual Result<Rows> query(std::string_view sql, const std::vector<Param>& params) = 0;
    /// Runs SQL text without parameters, possibly several statements (migrations, BEGIN/COMMIT).
    virtual Status execScript(std::string_view sql) = 0;
    /// True when the session is usable (the pool drops broken PostgreSQL connections).
    virtual bool healthy() = 0;
};

/// Convenience wrappers around IConnection::query.
Status exec(IConnection& c, std::string_view sql, const std::vector<Param>& params = {});
/// The first row, nullopt when there is none.
Result<std::optional<Row>> queryOne(IConnection& c, std::string_view sql, const std::vector<Param>& params = {});

/// " FOR UPDATE" on PostgreSQL (row lock inside a transaction), "" on SQLite (whose write
/// transactions are serialised by BEGIN IMMEDIATE already).
std::string_view forUpdate(const IConnection& c);

/// Where the database is: the SQLite file in `dataDir`, or the PostgreSQL URL in `database`.
struct DatabaseConfig {
    std::string dataDir;   ///< SQLite: the directory holding kairosd.sqlite (created if missing)
    std::string database;  ///< "" or "sqlite": DATA_DIR/kairosd.sqlite; "sqlite:FILE"; a postgresql:// URL
    int poolSize = 4;      ///< connections at most (each opened on first need)
    int busyTimeoutMs = 5000;
};

class Database;

/// A connection borrowed from the pool; returned on destruction.
class PooledConnection {
public:
    PooledConnection(Database* owner, std::unique_ptr<IConnection> c) : m_owner(owner), m_c(std::move(c)) {}
    PooledConnection(PooledConnection&& o) noexcept = default;
    PooledConnection& operator=(PooledConnection&&) = delete;
    PooledConnection(const PooledConnection&) = delete;
    PooledConnection& operator=(const PooledConnection&) = delete;
    ~PooledConnection();
    IConnection& operator*() const { return *m_c; }
    IConnection* operator->() const { return m_c.get(); }

private:
    Database* m_owner;
    std::unique_ptr<IConnection> m_c;
};

/// The database of one kairosd: a pool of connections plus the schema's migrations.
class Database {
public:
    /// Opens (creating the SQLite file if needed) and checks that one connection works. Does not
    /// migrate: call migrate().
    static Result<std::unique_ptr<Database>> open(const DatabaseConfig& config);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Backend backend() const { return m_backend; }
    /// The SQLite file (empty for PostgreSQL).
    const std::string& sqlitePath() const { return m_sqlitePath; }

    /// Borrows a connection (blocks while all poolSize connections are in use). Errors when a new
    /// connection cannot be opened.
    Result<PooledConnection> acquire();

    /// Runs `work` in one transaction on a pooled connection: committed when it returns ok, rolled
    /// back otherwise (its error is returned). SQLite: BEGIN IMMEDIATE (no lock upgrades, so no
    /// deadlocks between writers).
    template <class T>
    Result<T> transaction(const std::function<Result<T>(IConnection&)>& work);
    Status transact(const std::function<Status(IConnection&)>& work);

    /// Brings the schema to the newest version (db/migrations.h). Refuses a database whose version
    /// is newer than this build knows. Safe to run from several processes at once.
    Status migrate();
    /// "" when the database answers and its schema is current; otherwise the reason ("database
    /// unreachable: …", "schema version 3, this kairosd needs 5").
    std::string readiness();

private:
    friend class PooledConnection;
    Database() = default;
    Result<std::unique_ptr<IConnection>> connect() const;
    void release(std::unique_ptr<IConnection> c);
    Status begin(IConnection& c);

    Backend m_backend = Backend::Sqlite;
    std::string m_sqlitePath;
    std::string m_url;
    int m_busyTimeoutMs = 5000;
    int m_poolSize = 4;
    std::mutex m_mutex;
    std::condition_variable m_released;
    std::vector<std::unique_ptr<IConnection>> m_idle;
    int m_open = 0;
};

template <class T>
Result<T> Database::transaction(const std::function<Result<T>(IConnection&)>& work) {
    auto c = acquire();
    if (!c) return c.error();
    IConnection& conn = **c;
    if (auto st = begin(conn); !st) return st.error();
    Result<T> r = work(conn);
    if (!r) {
        (void)conn.execScript("ROLLBACK");
        return r;
    }
    if (auto st = conn.execScript("COMMIT"); !st) {
        (void)conn.execScript("ROLLBACK");
        return st.error();
    }
    return r;
}

/// Opens one SQLite connection (WAL, busy timeout, foreign keys).
Result<std::unique_ptr<IConnection>> openSqlite(const std::string& path, int busyTimeoutMs);
/// Opens one PostgreSQL connection from a libpq URL.
Result<std::unique_ptr<IConnection>> openPostgres(const std::string& url);
/// True for postgresql:// and postgres:// URLs.
bool isPostgresUrl(std::string_view database);

}  // namespace kairos::server::db
