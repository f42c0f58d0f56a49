#include "storage/database.h"

#include "storage/detail/migrations.h"
#include "storage/detail/sqlite.h"
#include "testdata.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>

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
    auto v = detail::queryInt64(db.handle(), sql);
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
    const QString dir = QString::fromStdString(test::tempDir()) + QStringLiteral("/profile");
    auto db = Database::openProfile(dir);
    ASSERT_TRUE(db.ok()) << db.message();
    EXPECT_EQ((*db)->path(), QDir(dir).filePath(QStringLiteral("kairos.sqlite")));
    EXPECT_EQ((*db)->schemaVersion(), Database::currentSchemaVersion());
    EXPECT_EQ(pragma(**db, "PRAGMA user_version"), Database::currentSchemaVersion());
    EXPECT_EQ(pragma(**db, "PRAGMA foreign_keys"), 1);
    auto mode = detail::queryText((*db)->handle(), "PRAGMA journal_mode");
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
    EXPECT_NE(again.message().find("was written by a newer Kairos (schema " +
                                   std::to_string(Database::currentSchemaVersion() + 5)),
              std::string::npos)
        << again.message();
    EXPECT_NE(again.message().find("left untouched"), std::string::npos);
    EXPECT_EQ(fileHash(path), before);
}

TEST(Database, NotADatabaseIsAClearErrorAndUntouched) {
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    // A real file that is not SQLite: the first kilobytes of a real candle CSV.
    f.write(QByteArray::fromStdString(test::readFile(test::resourcesData("binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv")).substr(0, 8192)));
    f.close();
    const QByteArray before = fileHash(path);
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("file is not a database, or it is damaged"), std::string::npos) << db.message();
    EXPECT_EQ(fileHash(path), before);
}

TEST(Database, ForeignSqliteDatabaseIsRefusedUntouched) {
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/other.sqlite");
    writeRawDatabase(path, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('mine');");
    const QByteArray before = fileHash(path);
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("not a Kairos profile"), std::string::npos) << db.message();
    EXPECT_EQ(fileHash(path), before);
}

TEST(Database, FailingMigrationLeavesTheDatabaseAsItWas) {
    using detail::Migration;
    const QString path = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
    const Migration v1[] = {{1, "first", "CREATE TABLE a (x INTEGER) STRICT;"}};
    {
        auto db = detail::openWithMigrations(path, v1);
        ASSERT_TRUE(db.ok()) << db.message();
        ASSERT_TRUE((*db)->exec("INSERT INTO a VALUES (42)").ok());
    }
    // Step 2 is fine on its own but step 3 fails: both run in one transaction, so neither sticks.
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

TEST(Database, ProfileDirectoryResolution) {
    const QString base = QString::fromStdString(test::tempDir());
    // --profile DIR wins and is created
    auto explicitDir = resolveProfileDir(base + QStringLiteral("/cli/p"));
    ASSERT_TRUE(explicitDir.ok()) << explicitDir.message();
    EXPECT_TRUE(QDir(*explicitDir).exists());
    EXPECT_TRUE(explicitDir->endsWith(QStringLiteral("/cli/p")));
    // then $KAIROS_HOME
    qputenv("KAIROS_HOME", (base + QStringLiteral("/home")).toUtf8());
    auto env = resolveProfileDir();
    qunsetenv("KAIROS_HOME");
    ASSERT_TRUE(env.ok());
    EXPECT_TRUE(env->endsWith(QStringLiteral("/home")));
    EXPECT_TRUE(QDir(*env).exists());
    // and a profile that cannot be created is a clear error
    QFile blocker(base + QStringLiteral("/file"));
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    auto bad = Database::openProfile(base + QStringLiteral("/file/sub"));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("cannot create the profile directory"), std::string::npos) << bad.message();
}
