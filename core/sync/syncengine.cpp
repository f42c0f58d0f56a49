#include "sync/syncengine.h"

#include "storage/database.h"

#include <QDateTime>
#include <QTimer>

#include <iterator>

namespace kairos::sync {

Result<std::unique_ptr<SyncEngine>> SyncEngine::create(storage::Database& db, SyncClient& client,
                                                       std::function<std::int64_t()> nowMs) {
    auto store = SyncStore::open(db);
    if (!store) return store.error();
    if (!nowMs) nowMs = [] { return QDateTime::currentMSecsSinceEpoch(); };
    return std::unique_ptr<SyncEngine>(new SyncEngine(*store, client, std::move(nowMs)));
}

SyncEngine::SyncEngine(SyncStore store, SyncClient& client, std::function<std::int64_t()> nowMs)
    : m_store(store), m_client(client), m_now(std::move(nowMs)) {}

void SyncEngine::addSource(ISyncSource* source) { m_sources.push_back(source); }

Status SyncEngine::setAccount(const std::string& account) {
    auto current = m_store.account();
    if (!current) return current.error();
    if (*current == account) return {};
    m_loaded = false;
    m_records.clear();
    return m_store.resetForAccount(account);
}

std::size_t SyncEngine::pendingChanges() const {
    std::size_t n = 0;
    for (const auto& [key, r] : m_records)
        if (r.dirty) ++n;
    return n;
}

ISyncSource* SyncEngine::sourceFor(const std::string& kind) const {
    for (auto* s : m_sources)
        if (s->kind() == kind) return s;
    return nullptr;
}

Status SyncEngine::load() {
    if (m_loaded) return {};
    auto records = m_store.records();
    if (!records) return records.error();
    m_records = std::move(*records);
    m_loaded = true;
    return {};
}

Status SyncEngine::scanNow() {
    if (auto st = load(); !st) return st;
    auto cursor = m_store.cursor();
    if (!cursor) return cursor.error();
    scan(*cursor == 0);
    return {};
}

void SyncEngine::syncNow() {
    if (m_running) {
        m_again = true;
        return;
    }
    m_running = true;
    m_problems.clear();
    m_oversized.clear();
    if (auto st = scanNow(); !st) {
        finish(false, st.message());
        return;
    }
    auto cursor = m_store.cursor();
    if (!cursor) {
        finish(false, cursor.message());
        return;
    }
    pullFrom(*cursor);
}

void SyncEngine::scan(bool firstPull) {
    // Before the account's first round the terminal's items have no known edit time: the
    // account's copy wins where both have an item.
    const bool joining = firstPull && m_records.empty();
    const std::int64_t now = joining ? 0 : m_now();
    std::vector<SyncRecord> changed;
    for (auto* source : m_sources) {
        auto snap = source->snapshot();
        if (!snap) {
            m_problems << QString::fromStdString(source->kind() + ": " + snap.message());
            continue;
        }
        auto diff = diffSnapshot(source->kind(), m_records, *snap, now);
        changed.insert(changed.end(), std::make_move_iterator(diff.begin()), std::make_move_iterator(diff.end()));
    }
    for (const auto& r : changed) m_records[ItemKey{r.kind, r.id}] = r;
    if (auto st = m_store.put(changed); !st) m_problems << QString::fromStdString(st.message());
}

void SyncEngine::merge(const RemoteItem& remote) {
    const ItemKey key{remote.kind, remote.id};
    const auto it = m_records.find(key);
    const std::optional<SyncRecord> local = it != m_records.end() ? std::optional<SyncRecord>(it->second) : std::nullopt;
    MergeDecision d = mergeItem(local, remote);
    if (d.action == MergeAction::Adopt) {
        if (ISyncSource* source = sourceFor(remote.kind)) {
            const Status st = remote.deleted ? source->remove(remote.id) : source->apply(remote.id, remote.payload);
            if (!st) {
                m_problems << QString::fromStdString(remote.kind + " " + remote.id + ": " + st.message());
                // The profile keeps its copy; the record only learns the revision, so the next local
                // edit is sent on top of the server's and nothing is deleted by mistake.
                if (!local) return;
                d.record = *local;
                d.record.revision = remote.revision;
            }
        }
    }
    m_records[key] = d.record;
    if (auto st = m_store.put({d.record}); !st) m_problems << QString::fromStdString(st.message());
}

void SyncEngine::pullFrom(std::int64_t since) {
    m_client.pull(since, [this](Result<FeedPage> page) {
        if (!page) {
            finish(false, page.message());
            return;
        }
        for (const auto& item : page->items) merge(item);
        if (auto st = m_store.setCursor(page->next); !st) {
            finish(false, st.message());
            return;
        }
        if (page->more) {
            pullFrom(page->next);
            return;
        }
        pushRound(0);
    });
}

void SyncEngine::pushRound(int stuckRounds) {
    // A batch stays under the server's body limit; an item over the payload limit is never sent
    // (the server would refuse the whole batch with it) and is reported instead.
    std::vector<SyncRecord> dirty;
    std::size_t bytes = 0;
    for (const auto& [key, r] : m_records) {
        if (!r.dirty) continue;
        if (r.payload.size() > kMaxPayloadBytes) {
            if (stuckRounds == 0 && m_oversized.insert(key).second)
                m_problems << QString::fromStdString(r.kind + " " + r.id + ": too large to sync (" +
                                                     std::to_string(r.payload.size()) + " bytes; at most " +
                                                     std::to_string(kMaxPayloadBytes) + ")");
            continue;
        }
        if (!dirty.empty() && (dirty.size() == kPushBatch || bytes + r.payload.size() > kPushBodyBudgetBytes)) break;
        bytes += r.payload.size() + r.kind.size() + r.id.size() + 96;  // the change's other fields
        dirty.push_back(r);
    }
    if (dirty.empty()) {
        finish(true, {});
        return;
    }
    if (stuckRounds >= kMaxPushRounds) {
        finish(false, "sync: " + std::to_string(dirty.size()) + " changes are still not accepted; they are sent next time");
        return;
    }
    m_client.push(dirty, [this, dirty, stuckRounds](Result<std::vector<PushOutcome>> outcomes) {
        if (!outcomes) {
            finish(false, outcomes.message());
            return;
        }
        std::vector<SyncRecord> accepted;
        for (std::size_t i = 0; i < outcomes->size(); ++i) {
            const PushOutcome& o = (*outcomes)[i];
            if (o.applied) {
                // An edit scanned while the push was under way stays dirty, now on top of the new revision.
                SyncRecord& r = m_records[ItemKey{dirty[i].kind, dirty[i].id}];
                const bool unchanged = r.deleted == dirty[i].deleted && r.payload == dirty[i].payload;
                if (unchanged) r = dirty[i];
                r.revision = o.revision;
                r.dirty = !unchanged;
                accepted.push_back(r);
            } else {
                merge(o.current);
            }
        }
        if (auto st = m_store.put(accepted); !st) {
            finish(false, st.message());
            return;
        }
        // Rounds that get nothing accepted (each item lost a race again) are limited.
        pushRound(accepted.empty() ? stuckRounds + 1 : 0);
    });
}

void SyncEngine::finish(bool ok, const std::string& error) {
    m_running = false;
    emit finished(ok, QString::fromStdString(error));
    if (m_again) {
        m_again = false;
        QTimer::singleShot(0, this, &SyncEngine::syncNow);
    }
}

}  // namespace kairos::sync
