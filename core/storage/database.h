#pragma once
// One SQLite database per profile (shared/DESIGN.md "Storage"): WAL mode, versioned migrations
// applied in one transaction at start-up; a database written by a newer Kairos is refused, not
// modified.

#include "util/result.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct sqlite3;

namespace kairos::storage {

class Database;

/// How a command uses the profile database.
enum class OpenMode : std::uint8_t {
    ReadWrite = 1,  ///< creates and migrates as needed; refuses a damaged file
    /// Opens with SQLite's read-only flag: works on a read-only profile (file, folder or disk)
    /// and on a damaged file (what can still be read is read; see Database::damage()). A file
    /// that does not exist yet or needs a schema migration is opened read-write instead.
    ReadOnly,
};

namespace detail {
struct Migration;
/// Database::open with an explicit migration list (tests of the migration runner).
Result<std::unique_ptr<Database>> openWithMigrations(const QString& path, std::span<const Migration> steps,
                                                     OpenMode mode = OpenMode::ReadWrite);
}  // namespace detail

/// Resolves the profile directory: `cliDir` (--profile DIR) when given, else $KAIROS_HOME,
/// else QStandardPaths::AppDataLocation. The directory is created when missing. Returns an
/// absolute path. Errors: the path exists but is not a directory, or it cannot be created (the
/// message says which of the three sources the path came from).
Result<QString> resolveProfileDir(const QString& cliDir = {});

/// An open profile database. Not thread-safe: use one Database per thread.
class Database {
public:
    /// The schema version this build writes.
    static int currentSchemaVersion();

    /// Opens (creating if needed) `path`, enables WAL and foreign keys, applies pending
    /// migrations in one transaction. Before anything is written the file's integrity is checked
    /// (PRAGMA integrity_check up to 64 MiB, quick_check above). Errors: unreadable/corrupt file
    /// ("file is not a database", "is damaged"), a schema newer than this build ("was written by
    /// a newer Kairos (schema N > M)"), a SQLite file of another application, a full disk ("no
    /// space left"). A refused file is left byte-for-byte unchanged. Waits up to busyTimeoutMs()
    /// for another process that holds the write lock. See OpenMode for ReadOnly.
    static Result<std::unique_ptr<Database>> open(const QString& path, OpenMode mode = OpenMode::ReadWrite);
    /// open(<profileDir>/kairos.sqlite); creates profileDir when missing (ReadWrite only).
    static Result<std::unique_ptr<Database>> openProfile(const QString& profileDir, OpenMode mode = OpenMode::ReadWrite);
    /// How long a statement waits for a lock held by another connection before failing (ms).
    static int busyTimeoutMs();

    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    QString path() const;
    int schemaVersion() const;
    /// True when opened with SQLite's read-only flag (every write fails).
    bool isReadOnly() const;
    /// Empty, or (ReadOnly opens only) what the integrity check found wrong with the file, with
    /// what to do about it: a user-facing warning to show before reading.
    const std::string& damage() const;
    /// The raw handle, for the storage module's own statements.
    sqlite3* handle() const;

    /// Runs SQL with no result rows; Error carries SQLite's message.
    Status exec(const char* sql);

private:
    friend Result<std::unique_ptr<Database>> detail::openWithMigrations(const QString& path,
                                                                        std::span<const detail::Migration> steps, OpenMode mode);
    Database();
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace kairos::storage
