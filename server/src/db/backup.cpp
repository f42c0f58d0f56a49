#include "db/backup.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <system_error>

namespace kairos::server::db {

namespace {

using SqlitePtr = std::unique_ptr<sqlite3, int (*)(sqlite3*)>;

Result<SqlitePtr> openFile(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    SqlitePtr p(raw, sqlite3_close_v2);
    if (rc != SQLITE_OK) return makeError("cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
    sqlite3_busy_timeout(raw, 5000);
    return p;
}

Status copyAll(sqlite3* from, sqlite3* to, const std::string& what) {
    sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) return makeError(what + ": " + sqlite3_errmsg(to));
    // One step over all pages: a single read transaction on the source, so the copy is one snapshot.
    const int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return makeError(what + ": " + sqlite3_errstr(rc));
    return {};
}

std::string firstText(sqlite3* db, const char* sql) {
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
}

}  // namespace

Status backupSqlite(const std::string& databasePath, const std::string& file) {
    auto src = openFile(databasePath, SQLITE_OPEN_READONLY);
    if (!src) return makeError("backup: " + src.message());
    const std::string tmp = file + ".partial";
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    {
        auto dst = openFile(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (!dst) return makeError("backup: " + dst.message());
        if (auto st = copyAll(src->get(), dst->get(), "backup of " + databasePath); !st) {
            std::filesystem::remove(tmp, ec);
            return st;
        }
    }
    std::filesystem::rename(tmp, file, ec);
    if (ec) return makeError("backup: cannot write " + file + ": " + ec.message());
    return {};
}

Status restoreSqlite(const std::string& file, const std::string& dataDir) {
    auto src = openFile(file, SQLITE_OPEN_READONLY);
    if (!src) return makeError("restore: " + src.message());
    if (const auto check = firstText(src->get(), "PRAGMA integrity_check"); check != "ok")
        return makeError("restore: " + file + " is damaged (integrity check: " + (check.empty() ? "not a database" : check) +
                         ")");
    if (firstText(src->get(), "SELECT version FROM schema_version").empty())
        return makeError("restore: " + file + " is not a kairosd database (no schema version)");
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    if (ec) return makeError("restore: cannot create " + dataDir + ": " + ec.message());
    const auto target = std::filesystem::path(dataDir) / "kairosd.sqlite";
    if (std::filesystem::exists(target))
        return makeError("restore: " + target.string() + " exists; restore into an empty data directory");
    const std::string tmp = target.string() + ".restoring";
    std::filesystem::remove(tmp, ec);
    {
        auto dst = openFile(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (!dst) return makeError("restore: " + dst.message());
        if (auto st = copyAll(src->get(), dst->get(), "restore"); !st) return st;
    }
    std::filesystem::rename(tmp, target, ec);
    if (ec) return makeError("restore: cannot write " + target.string() + ": " + ec.message());
    return {};
}

}  // namespace kairos::server::db
