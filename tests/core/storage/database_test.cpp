#include "storage/database.h"

#include "storage/detail/migrations.h"
#include "storage/sqlite.h"
#include "testdata.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <gtest/gtest.h>

#include <sqlite3.h>

using namespace kairos;
using namespace kairos::storage;

namespace {
QByteArray fileHash(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

std::int64_t pragma(Database& db, const char* sql) {
    auto v = sql::queryInt64(db.handle(), sql);
    return v ? *v : -1;
}

/// Writes a raw SQLite file with the given schema version, bypassing Kairos.
void writeRawDatabase(const QString& path, const char* sql) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.toUtf8().constData(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
}
}  // namespace

TEST(Database, NewProfileIsWalWithCurrentSchema) {
    // GIVEN a profile folder that does not exist yet
    const QString dir = QString::fromStdString(test::tempDir()) + QStringLiteral("/profile");
    // WHEN its database is opened
    auto db = Database::openProfile(dir);
    // THEN it is created in WAL mode, with foreign keys on and every migration applied
    ASSERT_TRUE(db.ok()) << db.message();
    EXPECT_EQ((*db)->path(), QDir(dir).filePath(QStringLiteral("kairos.sqlite")));
    EXPECT_EQ((*db)->schemaVersion(), Database::currentSchemaVersion());
    EXPECT_EQ(pragma(**db, "PRAGMA user_version"), Database::currentSchemaVersion());
    EXPECT_EQ(pragma(**db, "PRAGMA foreign_keys"), 1);
    auto mode = sql::queryText((*db)->handle(), "PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    EXPECT_EQ(*mode, "wal");
    // Every migration's tables exist.
    EXPECT_EQ(pragma(**db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('candles','candle_series','watchlists')"), 3);
}

TEST(Database, NewerSchemaIsRefusedAndLeftUntouched) {
    // GIVEN a Kairos database whose schema is newer than this build knows
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db.ok()) << db.message();
        ASSERT_TRUE((*db)->exec(("PRAGMA user_version = " + std::to_string(Database::currentSchemaVersion() + 5)).c_str()).ok());
    }
    const QByteArray before = fileHash(path);
    // WHEN this build opens it THEN it refuses with a clear message and the bytes are unchanged
    auto again = Database::open(path);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(
        again.message().find("was written by a newer Kairos (schema " + std::to_string(Database::currentSchemaVersion() + 5)),
        std::string::npos)
        << again.message();
    EXPECT_NE(again.message().find("left untouched"), std::string::npos);
    EXPECT_EQ(fileHash(path), before);
}

TEST(Database, NotADatabaseIsAClearErrorAndUntouched) {
    // GIVEN a profile database file that is not SQLite at all
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    // A real file that is not SQLite: the first kilobytes of a real candle CSV.
    f.write(QByteArray::fromStdString(
        test::readFile(test::resourcesData("binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv")).substr(0, 8192)));
    f.close();
    const QByteArray before = fileHash(path);
    // WHEN it is opened THEN the error says what is wrong and the file is not touched
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("file is not a database, or it is damaged"), std::string::npos) << db.message();
    EXPECT_EQ(fileHash(path), before);
}

TEST(Database, ForeignSqliteDatabaseIsRefusedUntouched) {
    // GIVEN another program's SQLite file
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/other.sqlite");
    writeRawDatabase(path, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('mine');");
    const QByteArray before = fileHash(path);
    // WHEN it is opened as a profile THEN it is refused and not migrated
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("not a Kairos profile"), std::string::npos) << db.message();
    EXPECT_EQ(fileHash(path), before);
}

TEST(Database, FailingMigrationLeavesTheDatabaseAsItWas) {
    // GIVEN a database at schema 1 with a row in it
    using detail::Migration;
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
    const Migration v1[] = {{1, "first", "CREATE TABLE a (x INTEGER) STRICT;"}};
    {
        auto db = detail::openWithMigrations(path, v1);
        ASSERT_TRUE(db.ok()) << db.message();
        ASSERT_TRUE((*db)->exec("INSERT INTO a VALUES (42)").ok());
    }
    // WHEN a build with steps 2 and 3 opens it, and step 3 fails
    // THEN step 2 (fine on its own) is undone too: all pending steps are one transaction
    const Migration v3[] = {{1, "first", "CREATE TABLE a (x INTEGER) STRICT;"},
                            {2, "second", "CREATE TABLE b (y INTEGER) STRICT; INSERT INTO a VALUES (7);"},
                            {3, "broken", "CREATE TABLE c (z NOT_A_TYPE) STRICT;"}};
    auto failed = detail::openWithMigrations(path, v3);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.message().find("schema migration 3 (broken) failed"), std::string::npos) << failed.message();
    EXPECT_NE(failed.message().find("left as it was (schema 1)"), std::string::npos) << failed.message();
    auto db = detail::openWithMigrations(path, v1);
    ASSERT_TRUE(db.ok()) << db.message();
    EXPECT_EQ(pragma(**db, "PRAGMA user_version"), 1);
    EXPECT_EQ(pragma(**db, "SELECT count(*) FROM sqlite_schema WHERE name = 'b'"), 0);
    EXPECT_EQ(pragma(**db, "SELECT count(*) FROM a"), 1);
}

namespace {
/// Sets (or unsets, for a null value) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const QByteArray& value)
        : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name)) {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }
    ~ScopedEnv() {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    bool m_had;
    QByteArray m_old;
};
}  // namespace

TEST(Database, ProfileDirectoryResolution) {
    // GIVEN both --profile and KAIROS_HOME
    const QString base = QString::fromStdString(test::tempDir());
    {
        ScopedEnv home("KAIROS_HOME", (base + QStringLiteral("/home")).toUtf8());
        // WHEN --profile DIR is given THEN it wins, and it is created
        auto explicitDir = resolveProfileDir(base + QStringLiteral("/cli/p"));
        ASSERT_TRUE(explicitDir.ok()) << explicitDir.message();
        EXPECT_EQ(*explicitDir, base + QStringLiteral("/cli/p"));
        EXPECT_TRUE(QDir(*explicitDir).exists());
        // WHEN it is not THEN $KAIROS_HOME is used
        auto env = resolveProfileDir();
        ASSERT_TRUE(env.ok()) << env.message();
        EXPECT_EQ(*env, base + QStringLiteral("/home"));
        EXPECT_TRUE(QDir(*env).exists());
    }
    {
        // WHEN neither is set THEN the system's application data folder is used (pointed at a
        // temporary folder here through XDG_DATA_HOME, which Qt reads on Linux)
        ScopedEnv home("KAIROS_HOME", QByteArray());
        ScopedEnv xdg("XDG_DATA_HOME", (base + QStringLiteral("/xdg")).toUtf8());
        auto fallback = resolveProfileDir();
        ASSERT_TRUE(fallback.ok()) << fallback.message();
        EXPECT_EQ(*fallback, QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
        EXPECT_TRUE(QDir(*fallback).exists());
#ifdef Q_OS_LINUX
        EXPECT_TRUE(fallback->startsWith(base + QStringLiteral("/xdg/"))) << fallback->toStdString();
#endif
    }
    // AND a profile that cannot be created is a clear error
    QFile blocker(base + QStringLiteral("/file"));
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    auto bad = Database::openProfile(base + QStringLiteral("/file/sub"));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("cannot create the profile directory"), std::string::npos) << bad.message();
    auto notDir = resolveProfileDir(base + QStringLiteral("/file"));
    ASSERT_FALSE(notDir.ok());
    EXPECT_NE(notDir.message().find("(from --profile) exists but is not a directory"), std::string::npos) << notDir.message();
}

TEST(Database, DamagedDatabaseIsAClearErrorAndUntouched) {
    // GIVEN a Kairos profile database whose first page (the schema) was overwritten
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db.ok()) << db.message();
    }
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadWrite));
    ASSERT_TRUE(f.seek(100));  // just past the 100-byte file header
    f.write(QByteArray(4000, '\xA5'));
    f.close();
    const QByteArray before = fileHash(path);
    // WHEN it is opened THEN the error says so plainly and the file is not touched
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("file is not a database, or it is damaged"), std::string::npos) << db.message();
    EXPECT_NE(db.message().find("restore it from a backup"), std::string::npos) << db.message();
    EXPECT_EQ(fileHash(path), before);
}

TEST(Database, MigrationStepsAreNumberedWithoutHoles) {
    // The list is append-only and versions are 1, 2, 3, ...: a hole or a repeat would make some
    // databases skip or re-run a step.
    const auto steps = detail::migrations();
    ASSERT_FALSE(steps.empty());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        EXPECT_EQ(steps[i].version, static_cast<int>(i + 1));
        EXPECT_NE(std::string(steps[i].name), "");
    }
    EXPECT_EQ(Database::currentSchemaVersion(), steps.back().version);
}

TEST(Database, SecondConnectionOpensAnUpToDateProfile) {
    // GIVEN a profile open in one connection (the terminal)
    const QString dir = QString::fromStdString(test::tempDir());
    auto first = Database::openProfile(dir);
    ASSERT_TRUE(first.ok()) << first.message();
    // WHEN another one (kairos-cli) opens it at the same time
    auto second = Database::openProfile(dir);
    // THEN it opens at the same version without migrating again
    ASSERT_TRUE(second.ok()) << second.message();
    EXPECT_EQ((*second)->schemaVersion(), Database::currentSchemaVersion());
    EXPECT_EQ(pragma(**second, "SELECT count(*) FROM sqlite_schema WHERE name = 'candles'"), 1);
}
