#include "storage/database.h"

#include "storage/detail/migrations.h"
#include "storage/sqlite.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

#include <sqlite3.h>

#include <cstdio>
#include <map>
#include <mutex>

namespace kairos::storage {

namespace {

// "KAIR" in the SQLite header's application_id field: marks a file as a Kairos profile database
// (`file kairos.sqlite` shows it too), so that another program's SQLite file is never migrated.
constexpr std::int64_t kApplicationId = 0x4B414952;
constexpr int kBusyTimeoutMs = 5000;
constexpr const char* kProfileDatabaseName = "kairos.sqlite";
// Up to this size the full integrity_check runs at open (it also cross-checks every index
// against its table); above it, quick_check (every page and record, no index cross-check), which
// still finds damaged pages before anything is written on top of them.
constexpr qint64 kFullIntegrityCheckMaxBytes = 64LL * 1024 * 1024;

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
                     std::to_string(latest) +
                     "); it was left untouched. Use a newer Kairos, or another profile "
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
            return makeError(where + ": schema migration " + std::to_string(step.version) + " (" + step.name + ") failed: " +
                             s.message() + "; the database was left as it was (schema " + std::to_string(*version) + ")");
    }
    const std::string stamp =
        "PRAGMA user_version = " + std::to_string(latest) + "; PRAGMA application_id = " + std::to_string(kApplicationId) + ";";
    if (auto s = sql::execSql(db, stamp.c_str()); !s)
        return makeError(where + ": cannot record the schema version: " + s.message());
    if (auto s = tx->commit(); !s) return makeError(where + ": cannot commit the schema migration: " + s.message());
    return latest;
}

/// What SQLite's integrity check says about the open file: "" when it is sound, otherwise its
/// first findings. An Error only when the check itself could not run for another reason.
Result<std::string> damageFound(sqlite3* db, qint64 fileBytes) {
    const char* sql = fileBytes <= kFullIntegrityCheckMaxBytes ? "PRAGMA integrity_check(3)" : "PRAGMA quick_check(3)";
    sql::Statement st;
    if (auto s = st.prepare(db, sql); !s) {
        const int code = sqlite3_extended_errcode(db) & 0xff;
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return sql::sqliteMessage(db);
        return s.error();
    }
    std::string findings;
    int rc = SQLITE_ROW;
    while ((rc = st.step()) == SQLITE_ROW) {
        const std::string line = st.columnText(0);
        if (line == "ok") continue;
        if (!findings.empty()) findings += "; ";
        findings += line;
    }
    if (rc != SQLITE_DONE) {
        const int code = sqlite3_extended_errcode(db) & 0xff;
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return sql::sqliteMessage(db);
        return makeError("cannot check the file's integrity: " + sql::sqliteMessage(db));
    }
    return findings;
}

std::string damagedAdvice(const QString& path) {
    const QString name = QFileInfo(path).fileName();
    return "Restore " + name.toStdString() + " from a backup, or move it (with " + name.toStdString() + "-wal and " +
        name.toStdString() + "-shm beside it, if any) out of " +
        quotedPath(QDir::toNativeSeparators(QFileInfo(path).absolutePath())) +
        " to start an empty profile. Commands that only read (e.g. kairos-cli bars) may still work.";
}

/// "file:" URI for sqlite3_open_v2(SQLITE_OPEN_URI) with `query` appended.
QByteArray fileUri(const QString& path, const char* query) {
    return QByteArrayLiteral("file:") + QUrl::toPercentEncoding(QFileInfo(path).absoluteFilePath(), "/") + "?" + query;
}

}  // namespace

namespace {
// Files the integrity check found sound that are still open in this process, with their number of
// connections. The terminal opens one profile on several threads (GUI, import, recorder, chart
// history, backtests); only the first connection pays for the check. Once the last one closes, the
// next open checks again, so a file damaged while nothing had it open is still caught.
std::mutex g_soundMutex;
std::map<QString, int> g_soundOpen;

bool isOpenAndSound(const QString& file) {
    const std::lock_guard lock(g_soundMutex);
    return g_soundOpen.count(file) > 0;
}
void holdSound(const QString& file) {
    const std::lock_guard lock(g_soundMutex);
    ++g_soundOpen[file];
}
void releaseSound(const QString& file) {
    const std::lock_guard lock(g_soundMutex);
    if (auto it = g_soundOpen.find(file); it != g_soundOpen.end() && --it->second == 0) g_soundOpen.erase(it);
}
}  // namespace

struct Database::Impl {
    sqlite3* db = nullptr;
    QString path;
    int schemaVersion = 0;
    bool readOnly = false;
    std::string damage;
    QString soundFile;  ///< canonical path held in the sound-files registry, if any

    ~Impl() {
        // close_v2 defers the close until statements still held elsewhere are finalized.
        if (db != nullptr) sqlite3_close_v2(db);
        if (!soundFile.isEmpty()) releaseSound(soundFile);
    }
};

Database::Database() : d(std::make_unique<Impl>()) {}
Database::~Database() = default;

int Database::currentSchemaVersion() { return detail::migrations().back().version; }
int Database::busyTimeoutMs() { return kBusyTimeoutMs; }

QString Database::path() const { return d->path; }
int Database::schemaVersion() const { return d->schemaVersion; }
sqlite3* Database::handle() const { return d->db; }
bool Database::isReadOnly() const { return d->readOnly; }
const std::string& Database::damage() const { return d->damage; }

Status Database::exec(const char* sql) { return sql::execSql(d->db, sql); }

Result<std::unique_ptr<Database>> Database::open(const QString& path, OpenMode mode) {
    const QString wal = path + QStringLiteral("-wal"), shm = path + QStringLiteral("-shm");
    const bool hadWal = QFileInfo::exists(wal), hadShm = QFileInfo::exists(shm);
    auto db = detail::openWithMigrations(path, detail::migrations(), mode);
    // On a full disk SQLite leaves the -wal (empty) and -shm (a few bytes) it just created beside
    // the file. Nothing is in them, and no other connection can be using them (they would not be
    // new otherwise): remove them so a full disk leaves the profile folder as it was.
    if (!db && db.message().find(sql::kDiskFullText) != std::string::npos && !hadWal && !hadShm && QFileInfo(wal).exists() &&
        QFileInfo(wal).size() == 0) {
        QFile::remove(wal);
        QFile::remove(shm);
    }
    return db;
}

Result<std::unique_ptr<Database>> Database::openProfile(const QString& profileDir, OpenMode mode) {
    if (profileDir.isEmpty()) return makeError("no profile directory given");
    const QString file = QDir(profileDir).filePath(QString::fromLatin1(kProfileDatabaseName));
    if (mode == OpenMode::ReadOnly && QFileInfo(file).isFile()) return open(file, mode);
    if (!QDir().mkpath(profileDir))
        return makeError("cannot create the profile directory " + quotedPath(profileDir) +
                         "; check that its parent exists and is writable");
    return open(file, mode);
}

Result<std::unique_ptr<Database>> detail::openWithMigrations(const QString& path, std::span<const Migration> steps,
                                                             OpenMode mode) {
    const std::string where = "profile database " + quotedPath(path);
    if (path.isEmpty()) return makeError("no database path given");
    const QFileInfo info(path);
    if (info.isDir()) return makeError(where + " is a directory, not a database file");
    // Nothing to read yet: a read-only open would fail, and the read-write one creates the file.
    if (mode == OpenMode::ReadOnly && !info.exists()) mode = OpenMode::ReadWrite;
    const bool readOnly = mode == OpenMode::ReadOnly;

    std::unique_ptr<Database> self(new Database());
    self->d->path = path;
    self->d->readOnly = readOnly;
    // SQLite takes UTF-8 file names on every platform.
    const QByteArray utf8 = path.toUtf8();
    const int flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(utf8.constData(), &self->d->db, flags, nullptr);
    sqlite3* db = self->d->db;
    if (rc != SQLITE_OK)
        return makeError("cannot open " + where + ": " + (db != nullptr ? sql::sqliteMessage(db) : sql::sqliteMessage(rc)) +
                         "; check that the folder exists and is writable");
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    if (!readOnly && sqlite3_db_readonly(db, "main") == 1)
        return makeError(where +
                         " is read-only (check the permissions of the file and of its folder, and that "
                         "the disk is not mounted read-only); it was left untouched. Commands that only read, "
                         "e.g. kairos-cli bars, still work.");

    // Read-only checks first: nothing is written to a file we are going to refuse. These header
    // reads are also where a non-SQLite or damaged file shows up (SQLITE_NOTADB).
    auto appId = sql::queryInt64(db, "PRAGMA application_id");
    const int openCode = sqlite3_extended_errcode(db) & 0xff;
    if (!appId && readOnly && (openCode == SQLITE_CANTOPEN || openCode == SQLITE_READONLY) &&
        QFileInfo(path + QStringLiteral("-wal")).size() == 0) {
        // A WAL database in a folder we cannot write: SQLite cannot create the -shm file
        // (SQLITE_READONLY_DIRECTORY, or CANTOPEN). With no -wal content to read, the file alone
        // is the whole database: read it as immutable.
        sqlite3_close_v2(db);
        self->d->db = nullptr;
        const int rc2 = sqlite3_open_v2(fileUri(path, "immutable=1").constData(), &self->d->db,
                                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
        db = self->d->db;
        if (rc2 != SQLITE_OK)
            return makeError("cannot open " + where +
                             " for reading: " + (db != nullptr ? sql::sqliteMessage(db) : sql::sqliteMessage(rc2)));
        sqlite3_extended_result_codes(db, 1);
        appId = sql::queryInt64(db, "PRAGMA application_id");
    }
    auto version = appId ? sql::queryInt64(db, "PRAGMA user_version") : Result<std::int64_t>(appId.error());
    auto objects = version ? sql::queryInt64(db, "SELECT count(*) FROM sqlite_schema") : Result<std::int64_t>(version.error());
    if (!objects) {
        const int code = sqlite3_extended_errcode(db);
        if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT)
            return makeError("cannot open " + where + ": file is not a database, or it is damaged (" + objects.message() +
                             "). Move the file aside to start an empty profile, or restore "
                             "it from a backup.");
        return makeError("cannot open " + where + ": " + objects.message());
    }
    const int latest = steps.empty() ? 0 : steps.back().version;
    if (*appId != 0 && *appId != kApplicationId)
        return makeError(where + " is a SQLite database of another application (application_id " + hex(*appId) +
                         "), not a Kairos profile; it was left untouched");
    if (*appId == 0 && *version == 0 && *objects > 0)
        return makeError(where +
                         " is a SQLite database with tables but no Kairos schema version, not a Kairos "
                         "profile; it was left untouched");
    if (*version > latest) return newerSchemaError(where, *version, latest);
    // A read-only connection cannot migrate: an older schema is opened read-write (which fails
    // with a clear message when the file cannot be written).
    if (readOnly && *version < latest) {
        self.reset();
        return openWithMigrations(path, steps, OpenMode::ReadWrite);
    }

    // Damaged pages past the header: writing on top of them (the WAL switch, a migration, an
    // import) can spread the damage, so a damaged file is never written. Read-only opens go on
    // with a warning and read what SQLite still can.
    if (*objects > 0) {
        const QString file = info.canonicalFilePath();
        if (!isOpenAndSound(file)) {
            auto damage = damageFound(db, info.size());
            if (!damage) return makeError("cannot open " + where + ": " + damage.message());
            if (!damage->empty()) {
                const std::string what = where + " is damaged (SQLite's integrity check: " + *damage + ").";
                if (!readOnly) return makeError(what + " It was left untouched. " + damagedAdvice(path));
                self->d->damage = what + " " + damagedAdvice(path);
            }
        }
        if (self->d->damage.empty()) {
            holdSound(file);
            self->d->soundFile = file;
        }
    }

    if (readOnly) {
        if (auto s = sql::execSql(db,
                                  "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; "
                                  "PRAGMA mmap_size = 268435456;");
            !s)
            return makeError("cannot set up " + where + ": " + s.message());
        self->d->schemaVersion = static_cast<int>(*version);
        return self;
    }

    if (*objects == 0) {
        // A new database: larger pages mean fewer B-tree pages and WAL frames per bar written.
        // page_size only takes effect before the first table is created (and before WAL).
        if (auto s = sql::execSql(db, "PRAGMA page_size = 8192"); !s)
            return makeError("cannot set up " + where + ": " + s.message());
    }
    // WAL: readers never block the writer, and a commit is one append to the -wal file. In WAL
    // mode synchronous=NORMAL keeps the database consistent after a crash or power loss (the last
    // commits before a power loss may be lost, never half-applied).
    auto journal = sql::queryText(db, "PRAGMA journal_mode = WAL");
    if (!journal) return makeError("cannot set up " + where + ": " + journal.message());
    if (journal.value() != "wal")
        return makeError("cannot set up " + where +
                         ": the file system does not support SQLite's WAL mode (journal "
                         "mode stays \"" +
                         journal.value() + "\"); put the profile on a local disk");
    if (auto s = sql::execSql(db,
                              "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                              // Chart history reads go through 100k-bar ranges: a 64 MiB page
                              // cache and memory-mapped reads keep them from re-reading pages.
                              "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;");
        !s)
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
            return makeError(
                "cannot find a folder for the profile on this system; set KAIROS_HOME or pass "
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
