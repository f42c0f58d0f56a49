#include "storage/sqlite.h"

#include <cerrno>
#include <utility>

namespace kairos::storage::sql {

bool isDiskFull(int extendedCode, int systemErrno) {
    if ((extendedCode & 0xff) == SQLITE_FULL) return true;
    // Growing the -shm file is the first write of a WAL connection; on a full disk its fallocate
    // fails and SQLite reports only "disk I/O error (code 4874)".
    if (extendedCode == SQLITE_IOERR_SHMSIZE) return true;
    return (extendedCode & 0xff) == SQLITE_IOERR && (systemErrno == ENOSPC || systemErrno == EDQUOT);
}

std::string sqliteMessage(sqlite3* db) {
    if (db == nullptr) return "out of memory opening SQLite";
    const int code = sqlite3_extended_errcode(db);
    std::string detail = std::string(sqlite3_errmsg(db)) + " (" + sqlite3_errstr(code) + ", code " + std::to_string(code) + ")";
    if (isDiskFull(code, sqlite3_system_errno(db)))
        return std::string(kDiskFullText) + " (or the disk quota is used up); free some space and try again [" + detail + "]";
    return detail;
}

std::string sqliteMessage(int rc) {
    std::string detail = std::string(sqlite3_errstr(rc)) + " (code " + std::to_string(rc) + ")";
    if (isDiskFull(rc, 0))
        return std::string(kDiskFullText) + " (or the disk quota is used up); free some space and try again [" + detail + "]";
    return detail;
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement::Statement(Statement&& other) noexcept : m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

Status Statement::prepare(sqlite3* db, std::string_view sql) {
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        return makeError("cannot prepare SQL: " + sqliteMessage(db));
    }
    return {};
}

std::string Statement::columnText(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

Result<Transaction> Transaction::begin(sqlite3* db) {
    const bool nested = sqlite3_get_autocommit(db) == 0;
    // One fixed savepoint name is enough: ROLLBACK TO/RELEASE act on the innermost one with it.
    if (auto s = execSql(db, nested ? "SAVEPOINT kairos_unit" : "BEGIN IMMEDIATE"); !s)
        return makeError("cannot start a transaction: " + s.message());
    return Transaction(db, nested);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_isSavepoint(other.m_isSavepoint), m_done(std::exchange(other.m_done, true)) {}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
    if (m_done || m_db == nullptr) return makeError("transaction already finished");
    if (auto s = execSql(m_db, m_isSavepoint ? "RELEASE kairos_unit" : "COMMIT"); !s) {
        rollback();
        return makeError("cannot commit: " + s.message());
    }
    m_done = true;
    return {};
}

void Transaction::rollback() {
    if (m_done || m_db == nullptr) return;
    m_done = true;
    if (m_isSavepoint) {
        // ROLLBACK TO keeps the savepoint open; RELEASE then removes it (with nothing to keep).
        if (sqlite3_get_autocommit(m_db) == 0) {
            sqlite3_exec(m_db, "ROLLBACK TO kairos_unit", nullptr, nullptr, nullptr);
            sqlite3_exec(m_db, "RELEASE kairos_unit", nullptr, nullptr, nullptr);
        }
        return;
    }
    // Some errors (SQLITE_FULL, IOERR, NOMEM) make SQLite roll back by itself; then autocommit is
    // back on and there is nothing left to undo.
    if (sqlite3_get_autocommit(m_db) == 0) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status execSql(sqlite3* db, const char* sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string message = err != nullptr ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        const int code = sqlite3_extended_errcode(db);
        message += " (" + std::string(sqlite3_errstr(rc)) + ", code " + std::to_string(code) + ")";
        if (isDiskFull(code, sqlite3_system_errno(db)))
            return makeError(std::string(kDiskFullText) + " (or the disk quota is used up); free some space and try again [" +
                             message + "]");
        return makeError(message);
    }
    return {};
}

Result<std::int64_t> queryInt64(sqlite3* db, const char* sql) {
    Statement st;
    if (auto s = st.prepare(db, sql); !s) return s.error();
    const int rc = st.step();
    if (rc == SQLITE_ROW) return st.columnInt64(0);
    if (rc == SQLITE_DONE) return makeError(std::string("no result from \"") + sql + "\"");
    return makeError(sqliteMessage(db));
}

Result<std::string> queryText(sqlite3* db, const char* sql) {
    Statement st;
    if (auto s = st.prepare(db, sql); !s) return s.error();
    const int rc = st.step();
    if (rc == SQLITE_ROW) return st.columnText(0);
    if (rc == SQLITE_DONE) return makeError(std::string("no result from \"") + sql + "\"");
    return makeError(sqliteMessage(db));
}

}  // namespace kairos::storage::sql
