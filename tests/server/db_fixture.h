#pragma once
// A GoogleTest fixture parameterised by the database backend: every test written against it runs
// once on SQLite (a fresh data directory) and once on PostgreSQL (a fresh schema in the throw-away
// cluster that the CTest fixture pg_cluster starts, scripts/pg-cluster.sh). PostgreSQL is never
// skipped: without the cluster the test fails with the reason.

#include "db/database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace kairos::server::testing {

inline std::string randomSuffix() {
    std::random_device rd;
    std::uniform_int_distribution<unsigned long long> dist;
    return std::to_string(dist(rd) % 1000000000000ULL);
}

/// The URL of the test cluster, or "" with the reason in `why`.
inline std::string testClusterUrl(std::string& why) {
    if (const char* env = std::getenv("KAIROS_TEST_PG_URL"); env && *env) return env;
#ifdef KAIROS_TEST_PG_URL_FILE
    std::ifstream in(KAIROS_TEST_PG_URL_FILE);
    std::string url;
    if (in && std::getline(in, url) && !url.empty()) return url;
    why = std::string("no PostgreSQL test cluster: ") + KAIROS_TEST_PG_URL_FILE +
        " is missing (run the tests through ctest, whose fixture server_pg_cluster_start runs "
        "scripts/pg-cluster.sh, or set KAIROS_TEST_PG_URL; see that test's output for why the cluster did not start)";
#else
    why = "no PostgreSQL test cluster configured";
#endif
    return "";
}

class BackendTest : public ::testing::TestWithParam<db::Backend> {
protected:
    void SetUp() override {
        m_config.dataDir = (std::filesystem::temp_directory_path() / ("kairos-db-test-" + randomSuffix())).string();
        if (GetParam() == db::Backend::Postgres) {
            std::string why;
            const std::string url = testClusterUrl(why);
            if (url.empty()) GTEST_FAIL() << why;
            auto admin = db::openPostgres(url);
            if (!admin) GTEST_FAIL() << "PostgreSQL test cluster unreachable: " << admin.message();
            m_schema = "t_" + randomSuffix();
            if (auto st = (*admin)->execScript("CREATE SCHEMA " + m_schema); !st) GTEST_FAIL() << st.message();
            m_pgUrl = url;
            m_config.database = url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + m_schema;
        }
    }
    void TearDown() override {
        m_db.reset();
        if (!m_schema.empty()) {
            if (auto admin = db::openPostgres(m_pgUrl)) (void)(*admin)->execScript("DROP SCHEMA " + m_schema + " CASCADE");
        }
        std::error_code ec;
        std::filesystem::remove_all(m_config.dataDir, ec);
    }

    /// Opens and migrates the test database (kept in m_db).
    db::Database& database() {
        if (!m_db) {
            auto d = db::Database::open(m_config);
            EXPECT_TRUE(d.ok()) << (d ? "" : d.message());
            if (!d) throw std::runtime_error("database: " + d.message());
            m_db = std::move(*d);
            auto st = m_db->migrate();
            EXPECT_TRUE(st.ok()) << (st ? "" : st.message());
        }
        return *m_db;
    }

    db::DatabaseConfig m_config;
    std::unique_ptr<db::Database> m_db;
    std::string m_schema;
    std::string m_pgUrl;
};

inline std::string backendParamName(const ::testing::TestParamInfo<db::Backend>& info) { return db::backendName(info.param); }

}  // namespace kairos::server::testing

#define KAIROS_INSTANTIATE_BACKENDS(prefix, suite)                                                                              \
    INSTANTIATE_TEST_SUITE_P(prefix, suite,                                                                                     \
                             ::testing::Values(::kairos::server::db::Backend::Sqlite, ::kairos::server::db::Backend::Postgres), \
                             ::kairos::server::testing::backendParamName)

namespace kairos::server::db {
/// Test names and failure messages print the backend by name.
inline void PrintTo(Backend b, std::ostream* os) { *os << backendName(b); }
}  // namespace kairos::server::db
