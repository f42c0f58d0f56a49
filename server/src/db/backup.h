#pragma once
// Backup and restore of the SQLite database (`kairosd backup FILE`, `kairosd restore FILE`).
// PostgreSQL is backed up with its own tools (README: pg_dump -Fc / pg_restore).

#include "util/result.h"

#include <string>

namespace kairos::server::db {

/// Copies the live SQLite database at `databasePath` into `file` (replaced if it exists) with
/// SQLite's online backup API while the server keeps serving: the copy is one consistent snapshot
/// (one read transaction; WAL lets writers go on meanwhile). Any thread.
Status backupSqlite(const std::string& databasePath, const std::string& file);

/// Restores a backup into `dataDir` (created if missing) as its kairosd.sqlite. The backup must
/// pass SQLite's integrity check and hold a kairosd schema. Refuses when `dataDir` already has a
/// database (restore into a stopped server's fresh data directory, or move the old one away).
Status restoreSqlite(const std::string& file, const std::string& dataDir);

}  // namespace kairos::server::db
