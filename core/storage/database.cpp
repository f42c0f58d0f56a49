#include "storage/database.h"

#include "storage/detail/migrations.h"
#include "storage/sqlite.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <sqlite3.h>

#include <cstdio>

namespace kairos::storage {

namespace {

// "KAIR" in the SQLite header's application_id field: marks a file as a Kairos profile database
// (`file kairos.sqlite` shows it too), so that another program's SQLite file is never migrated.
constexpr std::int64_t kApplicationId = 0x4B414952;
constexpr int kBusyTimeoutMs = 5000;
constexpr const char* kProfileDatabaseName = "kairos.sqlite";

std::string quotedPath(const QString& path) {
    // Appends rather than operator+ chains: GCC 12 at -O3 warns falsely (-Wrestrict) on the latter.
    std::string out(1, '"');
    out.append(QDir::toNativeSeparators(path).toStdString());
    out.push_back('"');
    return out;
}

std::string hex(std::int64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%08llX", static_cast<unsigned long long>(v));
    return buf;
}

Error newerSchemaError(const std::string& where, std::int64_t version, int latest) {
    return makeError(where + " was written by a newer Kairos (schema " + std::to_string(version) + " > " +
                     std::to_string(latest) + "); it was left untouched. Use a newer Kairos, or another profile "
                     "(--profile DIR or KAIROS_HOME).");
}

/// Applies the steps above `fromVersion` in one transaction. The version is read again inside
/// the transaction: another process may have migrated between our first read and our lock.
Result<int> migrate(sqlite3* db, std::span<const detail::Migration> steps, const std::string& where) {
    const int latest = steps.empty() ? 0 : steps.back().version;
    auto tx = sql::Transaction::begin(db);
    if (!tx) return makeError(where + ": " + tx.message());
    auto version = sql::queryInt64(db, "PRAGMA user_version");
    if (!version) return makeError(where + ": cannot read the schema version: " + version.message());
    if (*version > latest) return newerSchemaError(where, *version, latest);
    if (*version == latest) {
        tx->rollback();  // nothing to do; release the write lock at once
        return static_cast<int>(*version);
    }
    for (const auto& step : steps) {
        if (step.version <= *version) continue;
        if (auto s = sql::execSql(db, step.sql); !s)
            return makeError(where + ": schema migration " + std::to_string(step.version) + " (" + step.name +
                             ") failed: " + s.message() + "; the database was left as it was (schema " +
                             std::to_string(*version) + ")");
    }
    const std::string stamp = "PRAGMA user_version = " + std::to_string(latest) +
                              "; PRAGMA application_id = " + std::to_string(kApplicationId) + ";";
    if (auto s = sql::execSql(db, stamp.c_str()); !s)
        return makeError(where + ": cannot record the schema version: " + s.message());
    if (auto s = tx->commit(); !s) return makeError(where + ": cannot commit the schema migration: " + s.message());
    return latest;
}

}  // namespace

struct Database::Impl {
    sqlite3* db = nullptr;
    QString path;
    int schemaVersion = 0;

    ~Impl() {
        // close_v2 defers the close until statements still held elsewhere are finalized.
        if (db != nullptr) sqlite3_close_v2(db);
    }
};

Database::Database() : d(std::make_unique<Impl>()) {}
Database::~Database() = default;

int Database::currentSchemaVersion() { return detail::migrations().back().version; }
int Database::busyTimeoutMs() { return kBusyTimeoutMs; }

QString Database::path() const { return d->path; }
int Database::schemaVersion() const { return d->schemaVersion; }
sqlite3* Database::handle() const { return d->db; }

Status Database::exec(const char* sql) { return sql::execSql(d->db, sql); }

Result<std::unique_ptr<Database>> Database::open(const QString& path) {
    return detail::openWithMigrations(path, detail::migrations());
}

Result<std::unique_ptr<Database>> Database::openProfile(const QString& profileDir) {
    if (profileDir.isEmpty()) return makeError("no profile directory given");
    if (!QDir().mkpath(profileDir))
        return makeError("cannot create the profile directory " + quotedPath(profileDir) +
                         "; check that its parent exists and is writable");
    return open(QDir(profileDir).filePath(QString::fromLatin1(kProfileDatabaseName)));
}

Result<std::unique_ptr<Database>> detail::openWithMigrations(const QString& path, std::span<const Migration> steps) {
    const std::string where = "profile database " + quotedPath(path);
    if (path.isEmpty()) return makeError("no database path given");
    if (QFileInfo(path).isDir()) return makeError(where + " is a directory, not a database file");

    std::unique_ptr<Database> self(new Database());
    self->d->path = path;
    // SQLite takes UTF-8 file names on every platform.
    const QByteArray utf8 = path.toUtf8();
    const int rc = sqlite3_open_v2(utf8.constData(), &self->d->db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite3* db = self->d->db;
    if (rc != SQLITE_OK)
        return makeError("cannot open " + where + ": " +
                         (db != nullptr ? sql::sqliteMessage(db) : sql::sqliteMessage(rc)) +
                         "; check that the folder exists and is writable");
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);

    // Read-only checks first: nothing is written to a file we are going to refuse. These header
    // reads are also where a non-SQLite or damaged file shows up (SQLITE_NOTADB).
    auto appId = sql::queryInt64(db, "PRAGMA application_id");
    auto version = appId ? sql::queryInt64(db, "PRAGMA user_version") : Result<std::int64_t>(appId.error());
    auto objects = version ? sql::queryInt64(db, "SELECT count(*) FROM sqlite_schema")
                           : Result<std::int64_t>(version.error());
    if (!objects) {
        const int code = sqlite3_extended_errcode(db);
        if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT)
            return makeError("cannot open " + where + ": file is not a database, or it is damaged (" +
                             objects.message() + "). Move the file aside to start an empty profile, or restore "
                             "it from a backup.");
        return makeError("cannot open " + where + ": " + objects.message());
    }
    const int latest = steps.empty() ? 0 : steps.back().version;
    if (*appId != 0 && *appId != kApplicationId)
        return makeError(where + " is a SQLite database of another application (application_id " + hex(*appId) +
                         "), not a Kairos profile; it was left untouched");
    if (*appId == 0 && *version == 0 && *objects > 0)
        return makeError(where + " is a SQLite database with tables but no Kairos schema version, not a Kairos "
                         "profile; it was left untouched");
    if (*version > latest) return newerSchemaError(where, *version, latest);

    if (*objects == 0) {
        // A new database: larger pages mean fewer B-tree pages and WAL frames per bar written.
        // page_size only takes effect before the first table is created (and before WAL).
        if (auto s = sql::execSql(db, "PRAGMA page_size = 8192"); !s)
            return makeError("cannot set up " + where + ": " + s.message());
    }
    // WAL: readers never block the writer, and a commit is one append to the -wal file. In WAL
    // mode synchronous=NORMAL keeps the database consistent after a crash or power loss (the last
    // commits before a power loss may be lost, never half-applied).
    auto mode = sql::queryText(db, "PRAGMA journal_mode = WAL");
    if (!mode) return makeError("cannot set up " + where + ": " + mode.message());
    if (mode.value() != "wal")
        return makeError("cannot set up " + where + ": the file system does not support SQLite's WAL mode (journal "
                         "mode stays \"" + mode.value() + "\"); put the profile on a local disk");
    if (auto s = sql::execSql(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                                         // Chart history reads go through 100k-bar ranges: a 64 MiB page
                                         // cache and memory-mapped reads keep them from re-reading pages.
                                         "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;"); !s)
        return makeError("cannot set up " + where + ": " + s.message());

    auto migrated = migrate(db, steps, where);
    if (!migrated) return migrated.error();
    self->d->schemaVersion = *migrated;
    return self;
}

Result<QString> resolveProfileDir(const QString& cliDir) {
    QString dir = cliDir;
    QString source = QStringLiteral("--profile");
    if (dir.isEmpty()) {
        dir = qEnvironmentVariable("KAIROS_HOME");
        source = QStringLiteral("KAIROS_HOME");
    }
    if (dir.isEmpty()) {
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        source = QStringLiteral("the system's application data folder");
        if (dir.isEmpty())
            return makeError("cannot find a folder for the profile on this system; set KAIROS_HOME or pass "
                             "--profile DIR");
    }
    const QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        return makeError("profile folder " + quotedPath(dir) + " (from " + source.toStdString() +
                         ") exists but is not a directory");
    if (!QDir().mkpath(dir))
        return makeError("cannot create profile folder " + quotedPath(dir) + " (from " + source.toStdString() +
                         "); check permissions, or choose another with --profile DIR or KAIROS_HOME");
    return QDir::cleanPath(QDir(dir).absolutePath());
}

}  // namespace kairos::storage
