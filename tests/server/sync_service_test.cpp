// SyncService (server/src/sync/syncservice.h) under concurrent pushes of one account, on SQLite and
// PostgreSQL: revisions stay unique and gap-free, and of two writers racing on the same base
// revision of an item exactly one wins.

#include "accounts_fixture.h"

#include "sync/syncservice.h"

#include <set>
#include <thread>

using kairos::server::testing::AccountsTest;
namespace ksync = kairos::server::sync;

namespace {

class SyncServiceTest : public AccountsTest {
protected:
    std::int64_t account(const std::string& email) {
        auto id = service().createAdmin(email, "correct horse battery staple");
        EXPECT_TRUE(id.ok());
        return id.ok() ? id.value() : 0;
    }
    ksync::SyncService sync() {
        return ksync::SyncService(database(), [this] { return m_now.load(); });
    }
    static ksync::Change change(const std::string& id, std::int64_t base, int value) {
        return {"watchlist", id, base, 0, false, nlohmann::json{{"v", value}}};
    }
};

TEST_P(SyncServiceTest, ConcurrentPushesTakeUniqueGapFreeRevisions) {
    const std::int64_t acc = account("racer@example.com");
    auto svc = sync();
    constexpr int kThreads = 4, kPushes = 10;
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    std::vector<std::vector<std::int64_t>> got(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPushes; ++i) {
                auto r = svc.apply(acc, {change("t" + std::to_string(t) + "-" + std::to_string(i), 0, i)});
                if (r.ok() && r->size() == 1 && (*r)[0].status == ksync::ChangeResult::Status::Applied)
                    got[t].push_back((*r)[0].revision);
            }
        });
    }
    for (auto& th : threads) th.join();
    std::set<std::int64_t> all;
    for (const auto& v : got) all.insert(v.begin(), v.end());
    ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPushes)) << "every push applied once, no revision shared";
    EXPECT_EQ(*all.begin(), 1);
    EXPECT_EQ(*all.rbegin(), kThreads * kPushes);
    EXPECT_EQ(svc.headRevision(acc).value(), kThreads * kPushes);
}

TEST_P(SyncServiceTest, OfTwoWritersOnTheSameBaseRevisionExactlyOneWins) {
    const std::int64_t acc = account("pair@example.com");
    auto svc = sync();
    ASSERT_TRUE(svc.apply(acc, {change("Shared", 0, 0)}).ok());
    for (int round = 0; round < 10; ++round) {
        const std::int64_t base = svc.headRevision(acc).value();
        std::atomic<int> applied{0}, conflicts{0};
        std::vector<std::thread> writers;
        writers.reserve(2);
        for (int w = 0; w < 2; ++w) {
            writers.emplace_back([&, w] {
                auto r = svc.apply(acc, {change("Shared", base, w)});
                if (!r.ok() || r->size() != 1) return;
                ((*r)[0].status == ksync::ChangeResult::Status::Applied ? applied : conflicts)++;
            });
        }
        for (auto& th : writers) th.join();
        EXPECT_EQ(applied.load(), 1) << "round " << round;
        EXPECT_EQ(conflicts.load(), 1) << "round " << round;
    }
}

KAIROS_INSTANTIATE_BACKENDS(server_sync_service, SyncServiceTest);

}  // namespace
