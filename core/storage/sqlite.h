#pragma once
// Thin RAII helpers over the SQLite C API: prepared statements, transactions/savepoints and error
// texts. Public API of the storage module for every module that keeps its tables in the profile db.

#include "util/result.h"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kairos::storage::sql {

/// How sqliteMessage() starts for a full disk.
inline constexpr const char* kDiskFullText = "no space left on the disk";

/// True when an error (extended result code, and the OS errno SQLite saw) means the disk or the
/// user's quota is full: SQLITE_FULL, SQLITE_IOERR_SHMSIZE, or an I/O error with ENOSPC/EDQUOT.
bool isDiskFull(int extendedCode, int systemErrno);
/// "<SQLite's message for db> (<extended error name>)", for error texts; a full disk is said
/// in plain words first ("no space left on the disk ...").
std::string sqliteMessage(sqlite3* db);
/// Same for a result code alone (when there is no usable handle).
std::string sqliteMessage(int rc);

/// A prepared statement, finalized on destruction. Prepared once and reused (reset() between
/// uses) so that hot loops do not parse SQL again.
class Statement {
public:
    Statement() = default;
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// Compiles `sql` on `db` (SQLITE_PREPARE_PERSISTENT); Error carries SQLite's message.
    Status prepare(sqlite3* db, std::string_view sql);
    bool isPrepared() const { return m_stmt != nullptr; }
    sqlite3_stmt* get() const { return m_stmt; }

    // Parameter indexes start at 1, as in SQLite.
    void bindInt64(int index, std::int64_t value) { sqlite3_bind_int64(m_stmt, index, value); }
    /// Binds a copy of `text`.
    void bindText(int index, std::string_view text) {
        sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    /// SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(m_stmt); }
    std::int64_t columnInt64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    int columnInt(int column) const { return sqlite3_column_int(m_stmt, column); }
    std::string columnText(int column) const;
    /// Ready for the next use: resets and clears bindings (so that no bound copy is kept alive).
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

/// Resets a statement when leaving a scope, whatever the path out.
class StatementResetter {
public:
    explicit StatementResetter(Statement& s) : m_s(s) {}
    ~StatementResetter() { m_s.reset(); }
    StatementResetter(const StatementResetter&) = delete;
    StatementResetter& operator=(const StatementResetter&) = delete;

private:
    Statement& m_s;
};

/// A write transaction that rolls back unless committed. Outside any transaction it is
/// BEGIN IMMEDIATE ... COMMIT (the write lock is taken up front, so the busy timeout applies
/// and no deadlock can arise on lock upgrade); inside a caller's transaction it is a SAVEPOINT,
/// so a failure undoes only this unit of work and leaves the caller's transaction usable.
class Transaction {
public:
    /// Starts the transaction; Error when the database is locked past the busy timeout etc.
    static Result<Transaction> begin(sqlite3* db);
    ~Transaction();
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    /// Makes the work durable (or releases the savepoint into the caller's transaction).
    Status commit();
    /// Undoes the work; harmless when SQLite already rolled back by itself (e.g. on SQLITE_FULL).
    void rollback();

private:
    Transaction(sqlite3* db, bool isSavepoint) : m_db(db), m_isSavepoint(isSavepoint) {}
    sqlite3* m_db = nullptr;
    bool m_isSavepoint = false;
    bool m_done = false;
};

/// Runs SQL that returns no rows; Error carries SQLite's message.
Status execSql(sqlite3* db, const char* sql);
/// Runs a query whose first column of the first row is an integer (e.g. "PRAGMA user_version").
Result<std::int64_t> queryInt64(sqlite3* db, const char* sql);
/// Same for a text result (e.g. "PRAGMA journal_mode=WAL").
Result<std::string> queryText(sqlite3* db, const char* sql);

}  // namespace kairos::storage::sql
