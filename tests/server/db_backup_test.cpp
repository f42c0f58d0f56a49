// SQLite online backup while another thread keeps writing, and restore into a new data directory.

#include "db/backup.h"
#include "db/database.h"
#include "db_fixture.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace db = kairos::server::db;

namespace {

std::vector<std::pair<std::int64_t, std::string>> rowsOf(db::Database& d) {
    auto c = d.acquire();
    EXPECT_TRUE(c.ok());
    auto rows = (*c)->query("SELECT id, detail FROM audit_events ORDER BY id", {});
    EXPECT_TRUE(rows.ok());
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto& r : *rows) out.emplace_back(r.i64(0), r.text(1));
    return out;
}

TEST(server_db_backup, BackupUnderWriteLoadRestoresToTheSnapshot) {
    const auto root = std::filesystem::temp_directory_path() / ("kairos-backup-test-" + kairos::server::testing::randomSuffix());
    db::DatabaseConfig config;
    config.dataDir = (root / "live").string();
    auto live = db::Database::open(config);
    ASSERT_TRUE(live.ok()) << live.message();
    ASSERT_TRUE((*live)->migrate().ok());

    // GIVEN a writer inserting numbered rows, one transaction each, as fast as it can
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> written{0};
    std::atomic<bool> writerFailed{false};
    std::thread writer([&] {
        for (std::int64_t i = 1; !stop; ++i) {
            auto st = (*live)->transact([&](db::IConnection& c) {
                return db::exec(
                    c, "INSERT INTO audit_events (id, at_ms, kind, ip, user_agent, detail) VALUES (?, ?, 'load', '', '', ?)",
                    {i, i, "row " + std::to_string(i)});
            });
            if (!st) {
                writerFailed = true;
                return;
            }
            written = i;
        }
    });
    while (written < 200 && !writerFailed) std::this_thread::yield();
    if (writerFailed) {
        writer.join();
        FAIL() << "the writer failed";
    }

    // WHEN it is backed up while the writer goes on
    const std::string file = (root / "backup.sqlite").string();
    const std::int64_t before = written;
    ASSERT_TRUE(db::backupSqlite((*live)->sqlitePath(), file).ok());
    const std::int64_t after = written;
    while (written < after + 100 && !writerFailed) std::this_thread::yield();  // the writer was not blocked for good
    stop = true;
    writer.join();
    ASSERT_FALSE(writerFailed) << "the writer failed during the backup";

    // THEN the backup is one consistent snapshot: rows 1..N with no gap, N within the backup's window
    db::DatabaseConfig backupConfig;
    backupConfig.dataDir = (root / "restored").string();
    ASSERT_TRUE(db::restoreSqlite(file, backupConfig.dataDir).ok());
    auto restored = db::Database::open(backupConfig);
    ASSERT_TRUE(restored.ok());
    EXPECT_EQ((*restored)->readiness(), "") << "the restored schema is current";
    const auto rows = rowsOf(**restored);
    ASSERT_GE(static_cast<std::int64_t>(rows.size()), before);
    ASSERT_LE(static_cast<std::int64_t>(rows.size()), after + 1);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        ASSERT_EQ(rows[i].first, static_cast<std::int64_t>(i + 1));
        ASSERT_EQ(rows[i].second, "row " + std::to_string(i + 1));
    }
    // and equal to the live database's first N rows (the live one went on past them)
    const auto liveRows = rowsOf(**live);
    ASSERT_GT(liveRows.size(), rows.size());
    EXPECT_TRUE(std::equal(rows.begin(), rows.end(), liveRows.begin()));

    // a restore never overwrites a database, and a damaged file is refused
    auto again = db::restoreSqlite(file, backupConfig.dataDir);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.message().find("exists"), std::string::npos) << again.message();
    const std::string junk = (root / "junk.sqlite").string();
    std::ofstream(junk) << "this is not a database";
    auto bad = db::restoreSqlite(junk, (root / "other").string());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("junk.sqlite"), std::string::npos) << bad.message();
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
}

}  // namespace
