#include "sync/syncstore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <charconv>

namespace kairos::sync {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sync_records (
    kind       TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted    INTEGER NOT NULL,
    payload    TEXT NOT NULL,
    dirty      INTEGER NOT NULL,
    PRIMARY KEY (kind, item_id)
);
CREATE TABLE IF NOT EXISTS sync_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql";

}  // namespace

Result<SyncStore> SyncStore::open(storage::Database& db) {
    if (auto st = storage::sql::execSql(db.handle(), kSchema); !st) return makeError("sync state: " + st.message());
    return SyncStore(db);
}

Result<std::map<ItemKey, SyncRecord>> SyncStore::records() const {
    storage::sql::Statement s;
    if (auto st =
            s.prepare(m_db->handle(), "SELECT kind, item_id, revision, updated_ms, deleted, payload, dirty FROM sync_records");
        !st)
        return st.error();
    std::map<ItemKey, SyncRecord> out;
    int rc = 0;
    while ((rc = s.step()) == SQLITE_ROW) {
        SyncRecord r;
        r.kind = s.columnText(0);
        r.id = s.columnText(1);
        r.revision = s.columnInt64(2);
        r.updatedMs = s.columnInt64(3);
        r.deleted = s.columnInt(4) != 0;
        r.payload = s.columnText(5);
        r.dirty = s.columnInt(6) != 0;
        out.emplace(ItemKey{r.kind, r.id}, std::move(r));
    }
    if (rc != SQLITE_DONE) return makeError("sync state: " + storage::sql::sqliteMessage(m_db->handle()));
    return out;
}

Status SyncStore::put(const std::vector<SyncRecord>& records) {
    if (records.empty()) return {};
    auto tx = storage::sql::Transaction::begin(m_db->handle());
    if (!tx) return tx.error();
    storage::sql::Statement s;
    if (auto st = s.prepare(m_db->handle(),
                            "INSERT OR REPLACE INTO sync_records (kind, item_id, revision, updated_ms, deleted, payload, dirty) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)");
        !st)
        return st;
    for (const auto& r : records) {
        storage::sql::StatementResetter reset(s);
        s.bindText(1, r.kind);
        s.bindText(2, r.id);
        s.bindInt64(3, r.revision);
        s.bindInt64(4, r.updatedMs);
        s.bindInt64(5, r.deleted ? 1 : 0);
        s.bindText(6, r.payload);
        s.bindInt64(7, r.dirty ? 1 : 0);
        if (s.step() != SQLITE_DONE) return makeError("sync state: " + storage::sql::sqliteMessage(m_db->handle()));
    }
    return tx->commit();
}

Result<std::string> SyncStore::meta(const char* key) const {
    storage::sql::Statement s;
    if (auto st = s.prepare(m_db->handle(), "SELECT value FROM sync_meta WHERE key = ?"); !st) return st.error();
    s.bindText(1, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW) return s.columnText(0);
    if (rc == SQLITE_DONE) return std::string();
    return makeError("sync state: " + storage::sql::sqliteMessage(m_db->handle()));
}

Status SyncStore::setMeta(const char* key, const std::string& value) {
    storage::sql::Statement s;
    if (auto st = s.prepare(m_db->handle(), "INSERT OR REPLACE INTO sync_meta (key, value) VALUES (?, ?)"); !st) return st;
    s.bindText(1, key);
    s.bindText(2, value);
    if (s.step() != SQLITE_DONE) return makeError("sync state: " + storage::sql::sqliteMessage(m_db->handle()));
    return {};
}

Result<std::int64_t> SyncStore::cursor() const {
    auto v = meta("cursor");
    if (!v) return v.error();
    std::int64_t n = 0;
    std::from_chars(v->data(), v->data() + v->size(), n);
    return n;
}

Status SyncStore::setCursor(std::int64_t revision) { return setMeta("cursor", std::to_string(revision)); }

Result<std::string> SyncStore::account() const { return meta("account"); }

Status SyncStore::resetForAccount(const std::string& account) {
    auto tx = storage::sql::Transaction::begin(m_db->handle());
    if (!tx) return tx.error();
    if (auto st = storage::sql::execSql(m_db->handle(), "DELETE FROM sync_records; DELETE FROM sync_meta;"); !st) return st;
    if (auto st = setMeta("account", account); !st) return st;
    return tx->commit();
}

}  // namespace kairos::sync
