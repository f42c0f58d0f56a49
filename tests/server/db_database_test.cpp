// The data-access layer on both backends: migrations, readiness, parameterised statements,
// transactions and the connection pool under several threads.

#include "db_fixture.h"

#include "db/migrations.h"

#include <limits>
#include <thread>
#include <vector>

using kairos::server::db::Backend;
using kairos::server::db::Database;
using kairos::server::db::exec;
using kairos::server::db::IConnection;
using kairos::server::db::queryOne;
using kairos::server::testing::BackendTest;

namespace {

class DatabaseTest : public BackendTest {};

TEST_P(DatabaseTest, MigratesAnEmptyDatabaseAndThenIsReady) {
    // GIVEN a database that was never migrated
    auto opened = Database::open(m_config);
    ASSERT_TRUE(opened.ok()) << (opened ? "" : opened.message());
    Database& db = **opened;
    EXPECT_EQ(db.backend(), GetParam());
    // THEN it is not ready, and says why
    EXPECT_NE(db.readiness().find("schema version 0"), std::string::npos) << db.readiness();
    // WHEN migrated (twice: the second run changes nothing)
    ASSERT_TRUE(db.migrate().ok());
    ASSERT_TRUE(db.migrate().ok());
    // THEN it is ready at the newest version, with the tables there
    EXPECT_EQ(db.readiness(), "");
    auto c = db.acquire();
    ASSERT_TRUE(c.ok());
    auto v = kairos::server::db::schemaVersion(**c);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, kairos::server::db::latestSchemaVersion());
    auto n = queryOne(**c, "SELECT count(*) FROM accounts");
    ASSERT_TRUE(n.ok()) << n.message();
    EXPECT_EQ((*n)->i64(0), 0);
}

TEST_P(DatabaseTest, RefusesADatabaseFromANewerKairosd) {
    Database& db = database();
    {
        auto c = db.acquire();
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(exec(**c, "UPDATE schema_version SET version = ?", {std::int64_t{999}}).ok());
    }
    auto st = db.migrate();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("newer than this kairosd"), std::string::npos) << st.message();
    EXPECT_NE(db.readiness().find("schema version 999"), std::string::npos) << db.readiness();
}

TEST_P(DatabaseTest, ParametersRoundTripAndNeverBecomeSql) {
    Database& db = database();
    auto c = db.acquire();
    ASSERT_TRUE(c.ok());
    // A value that would be an injection if it were pasted into the SQL text.
    const std::string evil = "x'); DROP TABLE accounts; -- ? $1 \"q\" \xc3\xa9";
    auto ins = queryOne(**c,
                        "INSERT INTO audit_events (at_ms, account_id, kind, ip, user_agent, detail) "
                        "VALUES (?, ?, ?, ?, ?, '?literal') RETURNING id",
                        {std::numeric_limits<std::int64_t>::max(), nullptr, evil, std::string("127.0.0.1"), std::string()});
    ASSERT_TRUE(ins.ok()) << ins.message();
    ASSERT_TRUE(ins->has_value());
    auto row =
        queryOne(**c, "SELECT at_ms, account_id, kind, detail, user_agent FROM audit_events WHERE id = ?", {(*ins)->i64(0)});
    ASSERT_TRUE(row.ok() && row->has_value());
    EXPECT_EQ((*row)->i64(0), std::numeric_limits<std::int64_t>::max());
    EXPECT_TRUE((*row)->isNull(1));
    EXPECT_EQ((*row)->text(2), evil);
    EXPECT_EQ((*row)->text(3), "?literal");  // a ? inside a string literal is not a placeholder
    EXPECT_EQ((*row)->text(4), "");
    auto still = queryOne(**c, "SELECT count(*) FROM accounts");
    EXPECT_TRUE(still.ok());
}

TEST_P(DatabaseTest, AFailedTransactionLeavesNothingBehind) {
    Database& db = database();
    auto st = db.transact([](IConnection& c) -> kairos::Status {
        if (auto s = exec(c, "INSERT INTO rate_buckets (bucket_key, tokens, updated_ms) VALUES (?, ?, ?)",
                          {std::string("k"), 1.5, std::int64_t{1}});
            !s)
            return s;
        return kairos::makeError("stop here");
    });
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message(), "stop here");
    auto c = db.acquire();
    ASSERT_TRUE(c.ok());
    auto n = queryOne(**c, "SELECT count(*) FROM rate_buckets");
    ASSERT_TRUE(n.ok());
    EXPECT_EQ((*n)->i64(0), 0);
    // A statement error inside a transaction is returned with the database's reason.
    auto bad = db.transact([](IConnection& c) { return exec(c, "INSERT INTO no_such_table VALUES (1)"); });
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("no_such_table"), std::string::npos) << bad.message();
}

TEST_P(DatabaseTest, AStatementRunManyTimesStillSeesASchemaChangedUnderIt) {
    // Statements are prepared once per connection (both backends cache them). Another kairosd's
    // migration can change a table under a prepared "SELECT *": the same statement must then give
    // the new columns, not an error, outside a transaction, and inside one after the caller's retry.
    Database& db = database();
    const char* select = "SELECT * FROM probe WHERE id = ?";
    {
        auto c = db.acquire();
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(exec(**c, "CREATE TABLE probe (id BIGINT PRIMARY KEY, a TEXT)").ok());
        ASSERT_TRUE(exec(**c, "INSERT INTO probe (id, a) VALUES (?, ?)", {std::int64_t{1}, std::string("one")}).ok());
        for (int i = 0; i < 3; ++i) {
            auto row = queryOne(**c, select, {std::int64_t{1}});
            ASSERT_TRUE(row.ok() && row->has_value()) << (row.ok() ? "no row" : row.message());
            EXPECT_EQ((*row)->size(), 2U);
        }
        ASSERT_TRUE((*c)->execScript("ALTER TABLE probe ADD COLUMN b TEXT NOT NULL DEFAULT 'two'").ok());
        auto after = queryOne(**c, select, {std::int64_t{1}});
        ASSERT_TRUE(after.ok()) << after.message();
        ASSERT_TRUE(after->has_value());
        ASSERT_EQ((*after)->size(), 3U);
        EXPECT_EQ((*after)->text(2), "two");
        // Inside a transaction: the change may cost the caller one failed attempt, never a wrong row.
        ASSERT_TRUE((*c)->execScript("ALTER TABLE probe ADD COLUMN x BIGINT NOT NULL DEFAULT 7").ok());
    }
    std::size_t columns = 0;
    for (int attempt = 0; attempt < 2 && columns == 0; ++attempt) {
        auto st = db.transact([&](IConnection& tc) -> kairos::Status {
            auto row = queryOne(tc, select, {std::int64_t{1}});
            if (!row.ok()) return row.error();
            columns = (*row)->size();
            return {};
        });
        if (!st.ok()) {
            EXPECT_EQ(attempt, 0) << st.message();
        }
    }
    EXPECT_EQ(columns, 4U);
}

TEST_P(DatabaseTest, SeveralThreadsWriteThroughThePool) {
    m_config.poolSize = 3;
    Database& db = database();
    constexpr int kThreads = 4;
    constexpr int kEach = 40;
    {
        // The shared row exists first: a row lock can only serialise a row that is there.
        auto c = db.acquire();
        ASSERT_TRUE(exec(**c, "INSERT INTO rate_buckets (bucket_key, tokens, updated_ms) VALUES ('shared', 0, 0)").ok());
    }
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto st = db.transact([&](IConnection& c) {
                    // read-modify-write of one shared row plus an insert: lost updates would show
                    auto row = queryOne(c,
                                        std::string("SELECT tokens FROM rate_buckets WHERE bucket_key = 'shared'") +
                                            std::string(kairos::server::db::forUpdate(c)));
                    if (!row) return kairos::Status(row.error());
                    const double v = *row ? (*row)->f64(0) : 0.0;
                    if (auto s = exec(c,
                                      "INSERT INTO rate_buckets (bucket_key, tokens, updated_ms) VALUES ('shared', ?, 0) "
                                      "ON CONFLICT (bucket_key) DO UPDATE SET tokens = excluded.tokens",
                                      {v + 1});
                        !s)
                        return s;
                    return exec(c, "INSERT INTO rate_buckets (bucket_key, tokens, updated_ms) VALUES (?, 0, 0)",
                                {"t" + std::to_string(t) + "-" + std::to_string(i)});
                });
                if (!st) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    auto c = db.acquire();
    ASSERT_TRUE(c.ok());
    auto n = queryOne(**c, "SELECT count(*) FROM rate_buckets WHERE bucket_key <> 'shared'");
    ASSERT_TRUE(n.ok());
    EXPECT_EQ((*n)->i64(0), kThreads * kEach);
    auto shared = queryOne(**c, "SELECT tokens FROM rate_buckets WHERE bucket_key = 'shared'");
    ASSERT_TRUE(shared.ok() && shared->has_value());
    EXPECT_EQ((*shared)->f64(0), double(kThreads * kEach));
}

TEST_P(DatabaseTest, TwoServersMigratingAtOnceBothSucceed) {
    // GIVEN two kairosd starting on one empty database at the same moment
    auto a = Database::open(m_config);
    auto b = Database::open(m_config);
    ASSERT_TRUE(a.ok() && b.ok());
    kairos::Status sa;
    kairos::Status sb;
    std::thread ta([&] { sa = (*a)->migrate(); });
    std::thread tb([&] { sb = (*b)->migrate(); });
    ta.join();
    tb.join();
    // THEN both succeed and the schema is migrated once
    EXPECT_TRUE(sa.ok()) << (sa ? "" : sa.message());
    EXPECT_TRUE(sb.ok()) << (sb ? "" : sb.message());
    EXPECT_EQ((*a)->readiness(), "");
    auto c = (*a)->acquire();
    ASSERT_TRUE(c.ok());
    auto rows = queryOne(**c, "SELECT count(*) FROM schema_version");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)->i64(0), 1);
}

KAIROS_INSTANTIATE_BACKENDS(server_db, DatabaseTest);

TEST(server_db, AnUnreachablePostgresIsReportedWithTheReason) {
    kairos::server::db::DatabaseConfig config;
    config.database = "postgresql://kairos@127.0.0.1:1/kairos?connect_timeout=2";
    auto db = Database::open(config);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("cannot connect to the database"), std::string::npos) << db.message();
}

TEST(server_db, AnUnknownDatabaseKindIsRefused) {
    kairos::server::db::DatabaseConfig config;
    config.database = "mysql://root:secret@host/db";
    auto db = Database::open(config);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.message().find("secret"), std::string::npos) << "the URL's password must not be echoed";
    EXPECT_NE(db.message().find("'mysql' is not a known database"), std::string::npos) << db.message();
}

}  // namespace

namespace {

TEST(server_db, SqliteFileIsOnlyForTheServersUserAndCanBeNamed) {
    const auto dir = std::filesystem::temp_directory_path() / ("kairos-db-file-" + kairos::server::testing::randomSuffix());
    kairos::server::db::DatabaseConfig config;
    config.database = "sqlite:" + (dir / "sub" / "named.sqlite").string();
    auto db = Database::open(config);
    ASSERT_TRUE(db.ok()) << db.message();
    EXPECT_EQ((*db)->sqlitePath(), (dir / "sub" / "named.sqlite").string());
    const auto perms = std::filesystem::status((*db)->sqlitePath()).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all), std::filesystem::perms::none);
    db->reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
