#include "storage/watchliststore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <set>

namespace kairos::storage {

using sql::Statement;
using sql::Transaction;

struct WatchlistStore::Impl {
    sqlite3* db;
};

WatchlistStore::WatchlistStore(Database& db) : d(std::make_unique<Impl>(Impl{db.handle()})) {}
WatchlistStore::~WatchlistStore() = default;

namespace {
Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + sql::sqliteMessage(db)); }

Status checkName(const std::string& name) {
    if (name.find_first_not_of(" \t") == std::string::npos) return makeError("a watchlist needs a name");
    if (name.size() > 100) return makeError("a watchlist name may have at most 100 characters");
    return {};
}

Status insertItems(sqlite3* db, std::int64_t id, const std::vector<WatchlistItem>& items) {
    std::set<InstrumentId> seen;
    Statement ins;
    if (auto s = ins.prepare(db,
                             "INSERT INTO watchlist_items (watchlist_id, position, venue, symbol, favourite) "
                             "VALUES (?, ?, ?, ?, ?)");
        !s)
        return s;
    std::int64_t pos = 0;
    for (const auto& it : items) {
        if (!seen.insert(it.instrument).second) return makeError(it.instrument.toString() + " is in the list twice");
        ins.bindInt64(1, id);
        ins.bindInt64(2, pos++);
        ins.bindText(3, it.instrument.venue);
        ins.bindText(4, it.instrument.symbol);
        ins.bindInt64(5, it.favourite ? 1 : 0);
        if (ins.step() != SQLITE_DONE) return sqlError(db, "cannot store " + it.instrument.toString());
        ins.reset();
    }
    return {};
}
}  // namespace

Result<std::vector<Watchlist>> WatchlistStore::all() const {
    Statement lists;
    if (auto s = lists.prepare(d->db, "SELECT watchlist_id, name FROM watchlists ORDER BY watchlist_id"); !s) return s.error();
    std::vector<Watchlist> out;
    int rc = SQLITE_OK;
    while ((rc = lists.step()) == SQLITE_ROW) out.push_back({lists.columnInt64(0), lists.columnText(1), {}});
    if (rc != SQLITE_DONE) return sqlError(d->db, "cannot read watchlists");
    Statement items;
    if (auto s = items.prepare(d->db,
                               "SELECT venue, symbol, favourite FROM watchlist_items WHERE watchlist_id = ? "
                               "ORDER BY position");
        !s)
        return s.error();
    for (auto& w : out) {
        items.bindInt64(1, w.id);
        while ((rc = items.step()) == SQLITE_ROW)
            w.items.push_back({InstrumentId{items.columnText(0), items.columnText(1)}, items.columnInt(2) != 0});
        if (rc != SQLITE_DONE) return sqlError(d->db, "cannot read watchlist items");
        items.reset();
    }
    return out;
}

Result<Watchlist> WatchlistStore::get(std::int64_t id) const {
    auto lists = all();
    if (!lists) return lists.error();
    for (auto& w : *lists)
        if (w.id == id) return w;
    return makeError("no watchlist with id " + std::to_string(id));
}

Result<std::int64_t> WatchlistStore::create(const std::string& name) {
    if (auto s = checkName(name); !s) return s.error();
    Statement st;
    if (auto s = st.prepare(d->db, "INSERT INTO watchlists (name) VALUES (?)"); !s) return s.error();
    st.bindText(1, name);
    if (st.step() != SQLITE_DONE) {
        if ((sqlite3_extended_errcode(d->db) & 0xff) == SQLITE_CONSTRAINT)
            return makeError("a watchlist named \"" + name + "\" exists already");
        return sqlError(d->db, "cannot create the watchlist");
    }
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(d->db));
}

Status WatchlistStore::rename(std::int64_t id, const std::string& name) {
    if (auto s = checkName(name); !s) return s;
    Statement st;
    if (auto s = st.prepare(d->db, "UPDATE watchlists SET name = ? WHERE watchlist_id = ?"); !s) return s;
    st.bindText(1, name);
    st.bindInt64(2, id);
    if (st.step() != SQLITE_DONE) {
        if ((sqlite3_extended_errcode(d->db) & 0xff) == SQLITE_CONSTRAINT)
            return makeError("a watchlist named \"" + name + "\" exists already");
        return sqlError(d->db, "cannot rename the watchlist");
    }
    if (sqlite3_changes(d->db) == 0) return makeError("no watchlist with id " + std::to_string(id));
    return {};
}

Result<std::int64_t> WatchlistStore::duplicate(std::int64_t id, const std::string& newName) {
    auto src = get(id);
    if (!src) return src.error();
    auto tx = Transaction::begin(d->db);
    if (!tx) return tx.error();
    auto created = create(newName);
    if (!created) return created.error();
    if (auto s = insertItems(d->db, *created, src->items); !s) return s.error();
    if (auto s = tx->commit(); !s) return s.error();
    return *created;
}

Status WatchlistStore::remove(std::int64_t id) {
    Statement st;
    if (auto s = st.prepare(d->db, "DELETE FROM watchlists WHERE watchlist_id = ?"); !s) return s;
    st.bindInt64(1, id);
    if (st.step() != SQLITE_DONE) return sqlError(d->db, "cannot delete the watchlist");
    if (sqlite3_changes(d->db) == 0) return makeError("no watchlist with id " + std::to_string(id));
    return {};
}

Status WatchlistStore::setItems(std::int64_t id, const std::vector<WatchlistItem>& items) {
    auto tx = Transaction::begin(d->db);
    if (!tx) return tx.error();
    Statement exists;
    if (auto s = exists.prepare(d->db, "SELECT 1 FROM watchlists WHERE watchlist_id = ?"); !s) return s;
    exists.bindInt64(1, id);
    if (exists.step() != SQLITE_ROW) return makeError("no watchlist with id " + std::to_string(id));
    Statement del;
    if (auto s = del.prepare(d->db, "DELETE FROM watchlist_items WHERE watchlist_id = ?"); !s) return s;
    del.bindInt64(1, id);
    if (del.step() != SQLITE_DONE) return sqlError(d->db, "cannot update the watchlist");
    if (auto s = insertItems(d->db, id, items); !s) return s;  // rolls back on the way out
    return tx->commit();
}

Result<std::string> WatchlistStore::uiState(const std::string& key) const {
    Statement st;
    if (auto s = st.prepare(d->db, "SELECT value FROM ui_state WHERE key = ?"); !s) return s.error();
    st.bindText(1, key);
    const int rc = st.step();
    if (rc == SQLITE_ROW) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(st.get(), 0));
        return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 0)));
    }
    if (rc == SQLITE_DONE) return std::string();
    return sqlError(d->db, "cannot read UI state");
}

Status WatchlistStore::setUiState(const std::string& key, const std::string& value) {
    Statement st;
    if (auto s = st.prepare(d->db,
                            "INSERT INTO ui_state (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        !s)
        return s;
    st.bindText(1, key);
    sqlite3_bind_blob(st.get(), 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    if (st.step() != SQLITE_DONE) return sqlError(d->db, "cannot save UI state");
    return {};
}

Result<std::vector<WatchlistItem>> parseWatchlistCsv(const std::string& text) {
    std::vector<WatchlistItem> out;
    std::set<InstrumentId> seen;
    std::size_t pos = 0;
    int line = 0;
    bool header = false;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string row = text.substr(pos, end - pos);
        pos = end + 1;
        ++line;
        if (!row.empty() && row.back() == '\r') row.pop_back();
        if (row.find_first_not_of(" \t") == std::string::npos) continue;
        auto at = [&](const std::string& why) { return makeError("line " + std::to_string(line) + ": " + why); };
        if (!header) {
            if (row != "instrument,favourite" && row != "instrument")
                return at("expected the header \"instrument,favourite\", found \"" + row.substr(0, 60) + "\"");
            header = true;
            continue;
        }
        const auto comma = row.find(',');
        const std::string inst = row.substr(0, comma);
        const std::string fav = comma == std::string::npos ? "0" : row.substr(comma + 1);
        if (fav.find(',') != std::string::npos) return at("expected 2 fields, found more");
        auto id = InstrumentId::parse(inst);
        if (!id) return at(id.message());
        if (fav != "0" && fav != "1" && fav != "true" && fav != "false")
            return at("favourite must be 0, 1, true or false, not \"" + fav + "\"");
        if (!seen.insert(*id).second) return at(id->toString() + " appears twice");
        out.push_back({*id, fav == "1" || fav == "true"});
    }
    if (!header) return makeError("line 1: the file is empty; expected the header \"instrument,favourite\"");
    return out;
}

std::string watchlistToCsv(const std::vector<WatchlistItem>& items) {
    std::string out = "instrument,favourite\n";
    for (const auto& it : items) out += it.instrument.toString() + "," + (it.favourite ? "1" : "0") + "\n";
    return out;
}

Result<Watchlist> parseWatchlistJson(const std::string& text) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &err);
    if (err.error != QJsonParseError::NoError)
        return makeError("not valid JSON at offset " + std::to_string(err.offset) + ": " + err.errorString().toStdString());
    if (!doc.isObject() || !doc.object().value(QStringLiteral("items")).isArray())
        return makeError("expected an object with \"name\" and an \"items\" array");
    Watchlist w;
    w.name = doc.object().value(QStringLiteral("name")).toString().toStdString();
    std::set<InstrumentId> seen;
    const QJsonArray items = doc.object().value(QStringLiteral("items")).toArray();
    for (int i = 0; i < items.size(); ++i) {
        const QJsonObject o = items[i].toObject();
        auto at = [&](const std::string& why) { return makeError("items[" + std::to_string(i) + "]: " + why); };
        if (!o.value(QStringLiteral("instrument")).isString())
            return at("\"instrument\" must be a string like \"BINANCE:BTCUSDT\"");
        auto id = InstrumentId::parse(o.value(QStringLiteral("instrument")).toString().toStdString());
        if (!id) return at(id.message());
        const QJsonValue fav = o.value(QStringLiteral("favourite"));
        if (!fav.isUndefined() && !fav.isBool()) return at("\"favourite\" must be true or false");
        if (!seen.insert(*id).second) return at(id->toString() + " appears twice");
        w.items.push_back({*id, fav.toBool(false)});
    }
    return w;
}

std::string watchlistToJson(const Watchlist& list) {
    QJsonArray items;
    for (const auto& it : list.items)
        items.append(QJsonObject{{QStringLiteral("instrument"), QString::fromStdString(it.instrument.toString())},
                                 {QStringLiteral("favourite"), it.favourite}});
    const QJsonObject o{{QStringLiteral("name"), QString::fromStdString(list.name)}, {QStringLiteral("items"), items}};
    return QJsonDocument(o).toJson(QJsonDocument::Indented).toStdString();
}

}  // namespace kairos::storage
