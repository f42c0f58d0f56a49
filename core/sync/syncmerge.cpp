#include "sync/syncmerge.h"

namespace kairos::sync {

namespace {

SyncRecord fromRemote(const RemoteItem& r) {
    SyncRecord s;
    s.kind = r.kind;
    s.id = r.id;
    s.revision = r.revision;
    s.updatedMs = r.updatedMs;
    s.deleted = r.deleted;
    s.payload = r.deleted ? std::string() : r.payload;
    s.dirty = false;
    return s;
}

bool sameContent(const SyncRecord& l, const RemoteItem& r) {
    if (l.deleted || r.deleted) return l.deleted == r.deleted;
    return l.payload == r.payload;
}

}  // namespace

MergeDecision mergeItem(const std::optional<SyncRecord>& local, const RemoteItem& remote) {
    if (!local) return {MergeAction::Adopt, fromRemote(remote)};
    if (remote.revision <= local->revision) return {MergeAction::Ignore, *local};
    if (!local->dirty) {
        // A clean record with the same content only learns the new revision.
        if (sameContent(*local, remote)) return {MergeAction::Ignore, fromRemote(remote)};
        return {MergeAction::Adopt, fromRemote(remote)};
    }
    if (local->updatedMs > remote.updatedMs) {
        // Also with the same content: the server must learn the later time, or an edit made
        // between the two would win against this one elsewhere.
        SyncRecord kept = *local;
        kept.revision = remote.revision;
        return {MergeAction::KeepLocal, kept};
    }
    if (sameContent(*local, remote)) return {MergeAction::Ignore, fromRemote(remote)};
    return {MergeAction::Adopt, fromRemote(remote)};
}

std::vector<SyncRecord> diffSnapshot(const std::string& kind, const std::map<ItemKey, SyncRecord>& records,
                                     const Snapshot& snapshot, std::int64_t nowMs) {
    std::vector<SyncRecord> changed;
    for (const auto& [id, payload] : snapshot) {
        const auto it = records.find(ItemKey{kind, id});
        if (it != records.end() && !it->second.deleted && it->second.payload == payload) continue;
        SyncRecord r;
        if (it != records.end()) {
            r = it->second;
        } else {
            r.kind = kind;
            r.id = id;
        }
        r.deleted = false;
        r.payload = payload;
        r.updatedMs = nowMs;
        r.dirty = true;
        changed.push_back(std::move(r));
    }
    for (auto it = records.lower_bound(ItemKey{kind, std::string()}); it != records.end() && it->first.first == kind; ++it) {
        const SyncRecord& r = it->second;
        if (r.deleted || snapshot.count(r.id) != 0) continue;
        SyncRecord t = r;
        t.deleted = true;
        t.payload.clear();
        t.updatedMs = nowMs;
        t.dirty = true;
        changed.push_back(std::move(t));
    }
    return changed;
}

}  // namespace kairos::sync
