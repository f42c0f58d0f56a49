#include "storage/layoutstore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

namespace kairos::storage {

using sql::Statement;

namespace {
const std::string kNamedPrefix = "chartLayout/named/";
const std::string kLastKey = "chartLayout/last";

Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + sql::sqliteMessage(db)); }

Status checkName(const std::string& name) {
    if (name.find_first_not_of(" \t") == std::string::npos) return makeError("a layout needs a name");
    if (name.size() > 100) return makeError("a layout name may have at most 100 characters");
    return {};
}
}  // namespace

Result<std::string> LayoutStore::get(const std::string& key) const {
    Statement st;
    if (auto s = st.prepare(m_db.handle(), "SELECT value FROM ui_state WHERE key = ?"); !s) return s.error();
    st.bindText(1, key);
    const int rc = st.step();
    if (rc == SQLITE_ROW) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(st.get(), 0));
        return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 0)));
    }
    if (rc == SQLITE_DONE) return makeError("no such key");
    return sqlError(m_db.handle(), "cannot read the chart layout");
}

Status LayoutStore::put(const std::string& key, const std::string& value) {
    Statement st;
    if (auto s = st.prepare(m_db.handle(),
                            "INSERT INTO ui_state (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        !s)
        return s;
    st.bindText(1, key);
    sqlite3_bind_blob(st.get(), 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    if (st.step() != SQLITE_DONE) return sqlError(m_db.handle(), "cannot save the chart layout");
    return {};
}

Result<std::vector<std::string>> LayoutStore::names() const {
    Statement st;
    // Range scan on the primary key: every key starting with the prefix ('0' follows '/').
    if (auto s = st.prepare(m_db.handle(), "SELECT key FROM ui_state WHERE key >= ? AND key < ? ORDER BY key"); !s)
        return s.error();
    st.bindText(1, kNamedPrefix);
    st.bindText(2, kNamedPrefix.substr(0, kNamedPrefix.size() - 1) + "0");
    std::vector<std::string> out;
    int rc = SQLITE_OK;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.columnText(0).substr(kNamedPrefix.size()));
    if (rc != SQLITE_DONE) return sqlError(m_db.handle(), "cannot list the chart layouts");
    return out;
}

Result<std::string> LayoutStore::load(const std::string& name) const {
    auto v = get(kNamedPrefix + name);
    if (!v && v.message() == "no such key") return makeError("no chart layout named \"" + name + "\"");
    return v;
}

Status LayoutStore::save(const std::string& name, const std::string& json) {
    if (auto s = checkName(name); !s) return s;
    return put(kNamedPrefix + name, json);
}

Status LayoutStore::remove(const std::string& name) {
    Statement st;
    if (auto s = st.prepare(m_db.handle(), "DELETE FROM ui_state WHERE key = ?"); !s) return s;
    st.bindText(1, kNamedPrefix + name);
    if (st.step() != SQLITE_DONE) return sqlError(m_db.handle(), "cannot delete the chart layout");
    if (sqlite3_changes(m_db.handle()) == 0) return makeError("no chart layout named \"" + name + "\"");
    return {};
}

Result<std::string> LayoutStore::last() const {
    auto v = get(kLastKey);
    if (!v && v.message() == "no such key") return std::string();
    return v;
}

Status LayoutStore::setLast(const std::string& json) { return put(kLastKey, json); }

}  // namespace kairos::storage
