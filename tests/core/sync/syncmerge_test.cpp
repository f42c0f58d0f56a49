// The pure merge rules of workspace sync (core/sync/syncmerge.h): hand-worked cases, then
// properties over random edits of several replicas against a model of kairosd's rule (a change is
// applied when its base revision is the item's current one, else the server copy comes back).

#include "sync/syncmerge.h"

#include <gtest/gtest.h>

#include <random>

using namespace kairos::sync;

namespace {

RemoteItem remote(std::int64_t revision, std::int64_t updatedMs, std::string payload, bool deleted = false) {
    return {"watchlist", "Crypto", revision, updatedMs, deleted, deleted ? "" : std::move(payload)};
}
SyncRecord record(std::int64_t revision, std::int64_t updatedMs, std::string payload, bool dirty) {
    return {"watchlist", "Crypto", revision, updatedMs, false, std::move(payload), dirty};
}

TEST(SyncMerge, ANewItemIsAdopted) {
    const auto d = mergeItem(std::nullopt, remote(3, 100, "{\"a\":1}"));
    EXPECT_EQ(d.action, MergeAction::Adopt);
    EXPECT_EQ(d.record.revision, 3);
    EXPECT_FALSE(d.record.dirty);
    EXPECT_EQ(d.record.payload, "{\"a\":1}");
}

TEST(SyncMerge, OldNewsIsIgnored) {
    const auto local = record(5, 100, "{\"a\":2}", false);
    const auto d = mergeItem(local, remote(5, 200, "{\"a\":1}"));
    EXPECT_EQ(d.action, MergeAction::Ignore);
    EXPECT_EQ(d.record, local);
}

TEST(SyncMerge, ACleanRecordTakesTheRemoteCopyEvenWhenItsTimeIsEarlier) {
    const auto d = mergeItem(record(2, 500, "{\"a\":1}", false), remote(4, 100, "{\"a\":9}"));
    EXPECT_EQ(d.action, MergeAction::Adopt);
    EXPECT_EQ(d.record.payload, "{\"a\":9}");
}

TEST(SyncMerge, ALaterLocalEditWinsAndIsSentAgainOnTopOfTheRemoteRevision) {
    const auto d = mergeItem(record(2, 300, "{\"mine\":1}", true), remote(7, 200, "{\"theirs\":1}"));
    EXPECT_EQ(d.action, MergeAction::KeepLocal);
    EXPECT_TRUE(d.record.dirty);
    EXPECT_EQ(d.record.revision, 7);
    EXPECT_EQ(d.record.payload, "{\"mine\":1}");
}

TEST(SyncMerge, ALaterRemoteEditWinsOverALocalOneAndATieGoesToTheServer) {
    for (const std::int64_t remoteTime : {400, 300}) {
        const auto d = mergeItem(record(2, 300, "{\"mine\":1}", true), remote(7, remoteTime, "{\"theirs\":1}"));
        EXPECT_EQ(d.action, MergeAction::Adopt) << remoteTime;
        EXPECT_FALSE(d.record.dirty);
        EXPECT_EQ(d.record.payload, "{\"theirs\":1}");
    }
}

TEST(SyncMerge, TheSameContentIsNoConflictUnlessTheLocalEditIsLater) {
    const auto d = mergeItem(record(2, 100, "{\"a\":1}", true), remote(7, 300, "{\"a\":1}"));
    EXPECT_EQ(d.action, MergeAction::Ignore);
    EXPECT_FALSE(d.record.dirty);
    EXPECT_EQ(d.record.revision, 7);
    // two deletions: the later one is sent, so that an edit made between them loses everywhere
    SyncRecord tomb = record(2, 500, "", true);
    tomb.deleted = true;
    const auto later = mergeItem(tomb, remote(7, 300, "", true));
    EXPECT_EQ(later.action, MergeAction::KeepLocal);
    EXPECT_TRUE(later.record.dirty);
    EXPECT_EQ(later.record.updatedMs, 500);
}

TEST(SyncMerge, ADeletionAndAnEditAreComparedLikeTwoEdits) {
    const auto lost = mergeItem(record(2, 300, "{\"a\":1}", true), remote(7, 400, "", true));
    EXPECT_EQ(lost.action, MergeAction::Adopt);
    EXPECT_TRUE(lost.record.deleted);
    const auto kept = mergeItem(record(2, 500, "{\"a\":1}", true), remote(7, 400, "", true));
    EXPECT_EQ(kept.action, MergeAction::KeepLocal);
    EXPECT_FALSE(kept.record.deleted);
}

TEST(SyncMerge, DiffFindsNewChangedAndVanishedItemsOfItsKindOnly) {
    std::map<ItemKey, SyncRecord> records;
    records[{"watchlist", "Same"}] = {"watchlist", "Same", 1, 10, false, "{\"s\":1}", false};
    records[{"watchlist", "Changed"}] = {"watchlist", "Changed", 2, 10, false, "{\"c\":1}", false};
    records[{"watchlist", "Gone"}] = {"watchlist", "Gone", 3, 10, false, "{\"g\":1}", false};
    records[{"watchlist", "AlreadyGone"}] = {"watchlist", "AlreadyGone", 4, 10, true, "", false};
    records[{"preference", "ui/theme"}] = {"preference", "ui/theme", 5, 10, false, "{\"value\":\"dark\"}", false};
    const Snapshot snap = {{"Same", "{\"s\":1}"}, {"Changed", "{\"c\":2}"}, {"New", "{\"n\":1}"}};
    auto changed = diffSnapshot("watchlist", records, snap, 99);
    ASSERT_EQ(changed.size(), 3u);
    std::map<std::string, SyncRecord> byId;
    for (const auto& r : changed) byId[r.id] = r;
    EXPECT_EQ(byId["Changed"].payload, "{\"c\":2}");
    EXPECT_EQ(byId["Changed"].revision, 2) << "the base the server must still have";
    EXPECT_EQ(byId["New"].revision, 0);
    EXPECT_TRUE(byId["Gone"].deleted);
    for (const auto& r : changed) {
        EXPECT_TRUE(r.dirty);
        EXPECT_EQ(r.updatedMs, 99);
    }
}

// --- properties over random histories (Synthetic)

/// kairosd's rule, in memory.
struct ModelServer {
    std::map<ItemKey, RemoteItem> items;
    std::int64_t head = 0;
    /// Applied: the new revision; conflict: nullopt and the current copy.
    std::optional<std::int64_t> apply(const SyncRecord& r, RemoteItem& current) {
        const auto it = items.find({r.kind, r.id});
        if (it != items.end() && it->second.revision != r.revision) {
            current = it->second;
            return std::nullopt;
        }
        items[{r.kind, r.id}] = {r.kind, r.id, ++head, r.updatedMs, r.deleted, r.deleted ? "" : r.payload};
        return head;
    }
};

/// One terminal: its profile (id -> payload) and its records.
struct Replica {
    Snapshot profile;
    std::map<ItemKey, SyncRecord> records;
    std::int64_t cursor = 0;

    void scan(std::int64_t now) {
        for (auto& r : diffSnapshot("watchlist", records, profile, now)) records[{r.kind, r.id}] = r;
    }
    void take(const RemoteItem& item) {
        const auto it = records.find({item.kind, item.id});
        const auto d = mergeItem(it != records.end() ? std::optional<SyncRecord>(it->second) : std::nullopt, item);
        if (d.action == MergeAction::Adopt) {
            if (item.deleted)
                profile.erase(item.id);
            else
                profile[item.id] = item.payload;
        }
        records[{item.kind, item.id}] = d.record;
    }
    void sync(ModelServer& server) {
        std::vector<RemoteItem> feed;
        for (const auto& [k, it] : server.items)
            if (it.revision > cursor) feed.push_back(it);
        std::sort(feed.begin(), feed.end(), [](const auto& a, const auto& b) { return a.revision < b.revision; });
        for (const auto& it : feed) take(it);
        cursor = server.head;
        for (int round = 0; round < 4; ++round) {
            bool any = false;
            for (auto& [k, r] : records) {
                if (!r.dirty) continue;
                any = true;
                RemoteItem current;
                if (auto rev = server.apply(r, current)) {
                    r.revision = *rev;
                    r.dirty = false;
                } else {
                    take(current);
                }
            }
            if (!any) break;
        }
    }
};

TEST(SyncMerge, SyntheticRandomOfflineEditsConvergeToTheLastWriterPerItem) {
    for (unsigned seed = 1; seed <= 200; ++seed) {
        std::mt19937 rng(seed);
        ModelServer server;
        std::vector<Replica> replicas(3);
        std::map<std::string, std::optional<std::string>> lastWrite;  // id -> latest edit (nullopt: deleted)
        std::int64_t clock = 1000;
        const std::vector<std::string> ids = {"A", "B", "C", "D"};
        for (int step = 0; step < 60; ++step) {
            Replica& r = replicas[rng() % replicas.size()];
            const std::string& id = ids[rng() % ids.size()];
            const int op = static_cast<int>(rng() % 10);
            ++clock;
            if (op < 6) {
                const std::string payload = "{\"v\":" + std::to_string(clock) + "}";
                r.profile[id] = payload;
                r.scan(clock);
                lastWrite[id] = payload;
            } else if (op < 8) {
                if (r.profile.erase(id) != 0) {
                    r.scan(clock);
                    lastWrite[id] = std::nullopt;
                }
            } else {
                r.sync(server);
            }
        }
        // every terminal comes back online, twice
        for (int pass = 0; pass < 2; ++pass)
            for (auto& r : replicas) r.sync(server);

        for (std::size_t i = 0; i < replicas.size(); ++i) {
            EXPECT_EQ(replicas[i].profile, replicas[0].profile) << "seed " << seed << " replica " << i;
            for (const auto& [k, rec] : replicas[i].records) EXPECT_FALSE(rec.dirty) << "seed " << seed;
        }
        for (const auto& [id, value] : lastWrite) {
            const auto it = replicas[0].profile.find(id);
            if (value)
                EXPECT_TRUE(it != replicas[0].profile.end() && it->second == *value) << "seed " << seed << " item " << id;
            else
                EXPECT_TRUE(it == replicas[0].profile.end()) << "seed " << seed << " item " << id << " was deleted last";
        }
    }
}

TEST(SyncMerge, SyntheticMergingTheSameRemoteTwiceChangesNothingMore) {
    std::mt19937 rng(7);
    for (int n = 0; n < 500; ++n) {
        const bool hasLocal = rng() % 4 != 0;
        std::optional<SyncRecord> local;
        if (hasLocal)
            local = SyncRecord{"k",
                               "i",
                               static_cast<std::int64_t>(rng() % 5),
                               static_cast<std::int64_t>(rng() % 5),
                               rng() % 3 == 0,
                               "{\"x\":" + std::to_string(rng() % 3) + "}",
                               rng() % 2 == 0};
        const RemoteItem rem{"k",
                             "i",
                             static_cast<std::int64_t>(rng() % 6 + 1),
                             static_cast<std::int64_t>(rng() % 5),
                             rng() % 3 == 0,
                             "{\"x\":" + std::to_string(rng() % 3) + "}"};
        const auto once = mergeItem(local, rem);
        const auto twice = mergeItem(once.record, rem);
        EXPECT_EQ(twice.action, MergeAction::Ignore) << n;
        EXPECT_EQ(twice.record, once.record) << n;
        EXPECT_GE(once.record.revision, rem.revision) << "a record never stays below a revision it has seen";
    }
}

}  // namespace
