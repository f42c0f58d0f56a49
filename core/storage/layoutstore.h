#pragma once
// LayoutStore: named chart layouts (and the last one in use) as JSON text in the profile's
// ui_state table, under keys "chartLayout/named/<name>" and "chartLayout/last".

#include "util/result.h"

#include <string>
#include <vector>

namespace kairos::storage {

class Database;

class LayoutStore {
public:
    /// Works on `db`, which must outlive it; same thread rules as Database.
    explicit LayoutStore(Database& db) : m_db(db) {}

    /// Names of the saved layouts, sorted.
    Result<std::vector<std::string>> names() const;
    /// The layout's JSON; Error when there is no layout with that name.
    Result<std::string> load(const std::string& name) const;
    /// Saves (replacing a layout of the same name). Errors: an empty or over-long name.
    Status save(const std::string& name, const std::string& json);
    /// Error when there is no layout with that name.
    Status remove(const std::string& name);

    /// The layout in use when the terminal last closed ("" when none was saved).
    Result<std::string> last() const;
    Status setLast(const std::string& json);

private:
    Result<std::string> get(const std::string& key) const;
    Status put(const std::string& key, const std::string& value);
    Database& m_db;
};

}  // namespace kairos::storage
