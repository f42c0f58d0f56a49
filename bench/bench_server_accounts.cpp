// Benchmark of kairosd's account service on SQLite (a temporary data directory): sign-in throughput
// with the Argon2id cost in use (m = 19 MiB, t = 2, p = 1) and access-token authentication (JWT
// HS256 verification + session lookup), the work behind GET /api/v1/me. Prints BENCH lines.
#include "accounts/accountservice.h"
#include "db/database.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

namespace acc = kairos::server::accounts;
namespace db = kairos::server::db;

int main() {
    const auto dir = std::filesystem::temp_directory_path() / ("kairos-bench-accounts-" + std::to_string(std::random_device{}()));
    db::DatabaseConfig config;
    config.dataDir = dir.string();
    auto database = db::Database::open(config);
    if (!database || !(*database)->migrate()) {
        std::fprintf(stderr, "bench_server_accounts: cannot open a database in %s\n", dir.c_str());
        return 1;
    }
    const auto now = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
    acc::AccountsConfig ac;
    ac.loginPerIp = {1e9, 1e9};  // measure the work, not the limiter's refusals
    acc::AccountService service(**database, acc::KeySet::single("k1", std::string(32, 'K')), ac, now);
    const std::string password = "correct horse battery staple";
    if (!service.createAdmin("bench@example.com", password)) return 1;
    const acc::RequestMeta meta{"127.0.0.1", "bench"};

    using Clock = std::chrono::steady_clock;
    constexpr int kLogins = 20;
    std::string access;
    const auto t0 = Clock::now();
    for (int i = 0; i < kLogins; ++i) {
        auto pair = service.login("bench@example.com", password, "", meta);
        if (!pair) return 1;
        access = pair->accessToken;
    }
    const double loginS = std::chrono::duration<double>(Clock::now() - t0).count() / kLogins;

    constexpr int kAuth = 5000;
    const auto t1 = Clock::now();
    for (int i = 0; i < kAuth; ++i)
        if (!service.authenticate(access) || !service.me(1)) return 1;
    const double authS = std::chrono::duration<double>(Clock::now() - t1).count() / kAuth;

    std::printf("BENCH server_accounts_login_ms %.1f ms\n", loginS * 1000);
    std::printf("BENCH server_accounts_logins_per_s_one_thread %.1f 1/s\n", 1 / loginS);
    std::printf("BENCH server_accounts_authenticate_and_me_us %.1f us\n", authS * 1e6);
    std::printf("BENCH server_accounts_authenticate_and_me_per_s_one_thread %.0f 1/s\n", 1 / authS);
    database->reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}
