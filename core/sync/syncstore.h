#pragma once
// SyncStore: the sync engine's own state in the profile database (its tables are created on first
// use, `CREATE TABLE IF NOT EXISTS`, like core/alerts' delivery tables): one row per synced item
// (sync_records: revision seen, edit time, tombstone, canonical payload, dirty) and the change
// feed's cursor (sync_meta). Every write is one transaction. Same thread rules as storage::Database.

#include "sync/syncmerge.h"
#include "util/result.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::sync {

class SyncStore {
public:
    /// Works on `db`, which must outlive the store. Creates the tables when missing.
    static Result<SyncStore> open(storage::Database& db);

    /// Every record, by (kind, id).
    Result<std::map<ItemKey, SyncRecord>> records() const;
    /// Inserts or replaces these records in one transaction.
    Status put(const std::vector<SyncRecord>& records);
    /// The change feed position (the last server revision pulled; 0 at first).
    Result<std::int64_t> cursor() const;
    Status setCursor(std::int64_t revision);
    /// The account the records belong to ("" before the first sync).
    Result<std::string> account() const;
    /// Forgets every record and the cursor and binds the state to `account` (a different account
    /// signed in: its items are pulled afresh and the profile's items are offered to it as new).
    Status resetForAccount(const std::string& account);

private:
    explicit SyncStore(storage::Database& db) : m_db(&db) {}
    Result<std::string> meta(const char* key) const;
    Status setMeta(const char* key, const std::string& value);
    storage::Database* m_db;
};

}  // namespace kairos::sync
