#pragma once
// SyncEngine: keeps the profile's syncable items (ISyncSource kinds) and the account's items on
// kairosd in step. One round (syncNow):
//   1. scan   every source's snapshot against the records (SyncStore): new or changed items become
//             dirty edits, vanished ones dirty tombstones (diffSnapshot);
//   2. pull   the change feed from the stored cursor, page by page; each item is merged into its
//             record (mergeItem: last writer wins per item) and, when the remote copy wins, applied
//             to the profile through its source;
//   3. push   the dirty records in batches (under the server's limits); a conflict returns the
//             server copy, which is merged the same way (a local edit that wins is sent again on top of it; at most kMaxPushRounds).
// Edits made while offline stay dirty and are merged on the next round; a failed round changes
// nothing that the next one cannot redo. The first round for an account treats the terminal's
// existing items as older than the account's (edit time 0): a terminal that joins takes the
// account's copy of an item both have, and offers the ones only it has.
//
// Threads: one thread (the one owning the profile stores and the client); results and the
// `finished` signal come on its event loop. Items of kinds without a source are kept as records
// (never applied, never deleted), so a newer terminal's kinds survive an older one.

#include "sync/syncclient.h"
#include "sync/syncsource.h"
#include "sync/syncstore.h"

#include <QObject>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::sync {

class SyncEngine : public QObject {
    Q_OBJECT
public:
    /// Push rounds in a row in which no change is accepted before a round gives up.
    static constexpr int kMaxPushRounds = 4;
    /// Changes per push at most.
    static constexpr std::size_t kPushBatch = 100;
    /// Bytes of changes per push at most (kairosd's default body limit is 64 KiB).
    static constexpr std::size_t kPushBodyBudgetBytes = 48 * 1024;
    /// An item's payload at most (kairosd's limit is 32 KiB of JSON); larger ones stay local and
    /// are reported in problems().
    static constexpr std::size_t kMaxPayloadBytes = 30 * 1024;

    /// `db` (the profile database) and `client` must outlive the engine. `nowMs`: the clock for edit
    /// times (UTC ms); empty: the wall clock. Error when the sync tables cannot be created.
    static Result<std::unique_ptr<SyncEngine>> create(storage::Database& db, SyncClient& client,
                                                      std::function<std::int64_t()> nowMs = {});

    /// Adds a kind (not owned; must outlive the engine). Before the first syncNow().
    void addSource(ISyncSource* source);
    /// Binds the sync state to the signed-in account (e.g. its id); a different account than the
    /// last one forgets the records and cursor first. Not during a round.
    Status setAccount(const std::string& account);

    /// Records the profile's edits since the last scan with the current time, without the network
    /// (step 1 of a round). The terminal calls it when the profile changes (or on a timer), so an
    /// offline edit keeps the time it was made, which decides its conflicts later.
    Status scanNow();
    /// Starts a round; while one runs, another is started when it ends.
    void syncNow();
    bool isRunning() const { return m_running; }
    /// Edits recorded by the last scan that the server has not accepted yet (what an offline
    /// terminal has pending).
    std::size_t pendingChanges() const;
    /// What the last round could not apply or read ("watchlist Crypto: items[0].instrument: …").
    const QStringList& problems() const { return m_problems; }

signals:
    /// A round ended: ok, or the error that stopped it (offline, signed out, server error).
    void finished(bool ok, const QString& error);

private:
    SyncEngine(SyncStore store, SyncClient& client, std::function<std::int64_t()> nowMs);
    Status load();
    void scan(bool firstPull);
    void pullFrom(std::int64_t since);
    void pushRound(int stuckRounds);
    /// Merges a remote copy into its record; applies it to the profile when it wins.
    void merge(const RemoteItem& remote);
    void finish(bool ok, const std::string& error);
    ISyncSource* sourceFor(const std::string& kind) const;

    SyncStore m_store;
    SyncClient& m_client;
    std::function<std::int64_t()> m_now;
    std::vector<ISyncSource*> m_sources;
    std::map<ItemKey, SyncRecord> m_records;
    std::set<ItemKey> m_oversized;  ///< reported this round
    QStringList m_problems;
    bool m_loaded = false;
    bool m_running = false;
    bool m_again = false;
};

}  // namespace kairos::sync
