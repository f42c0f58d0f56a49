#include "bots/botstore.h"

#include "storage/sqlite.h"

#include <algorithm>

namespace kairos::bots {

using storage::sql::Statement;

std::string_view toString(BotLogKind kind) {
    switch (kind) {
    case BotLogKind::Decision:
        return "decision";
    case BotLogKind::Sent:
        return "sent";
    case BotLogKind::Rejected:
        return "rejected";
    case BotLogKind::Fill:
        return "fill";
    case BotLogKind::Cancelled:
        return "cancelled";
    case BotLogKind::Skipped:
        return "skipped";
    case BotLogKind::State:
        return "state";
    case BotLogKind::Error:
        return "error";
    }
    return "state";
}

std::optional<BotLogKind> botLogKindFromString(std::string_view text) {
    for (int k = 1; k <= static_cast<int>(BotLogKind::Error); ++k)
        if (toString(static_cast<BotLogKind>(k)) == text) return static_cast<BotLogKind>(k);
    return std::nullopt;
}

namespace {

Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + storage::sql::sqliteMessage(db)); }

constexpr const char* kColumns =
    "id, name, strategy_kind, strategy, params, formula_entry, formula_exit, formula_stop, formula_target, formula_short, "
    "symbols, timeframe, account_id, sizing_kind, sizing_value, flatten_on_stop, state, last_error, last_bar_ms";

std::vector<std::string> splitSymbols(const std::string& text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t comma = std::min(text.find(',', pos), text.size());
        if (comma > pos) out.push_back(text.substr(pos, comma - pos));
        pos = comma + 1;
    }
    return out;
}

std::string joinSymbols(const std::vector<std::string>& symbols) {
    std::string out;
    for (const auto& s : symbols) out += (out.empty() ? "" : ",") + s;
    return out;
}

/// One row as a config; Error "bot N (name): field: why".
Result<BotConfig> readRow(const Statement& st) {
    BotConfig c;
    c.id = st.columnInt64(0);
    c.name = st.columnText(1);
    const std::string who = "bot " + std::to_string(c.id) + " (" + c.name + ")";
    auto bad = [&](const std::string& field, const std::string& why) { return makeError(who + ": " + field + ": " + why); };
    const std::string kind = st.columnText(2);
    if (kind == "builtin")
        c.strategyKind = StrategyKind::Builtin;
    else if (kind == "formula")
        c.strategyKind = StrategyKind::Formula;
    else
        return bad("strategy_kind", "\"" + kind + "\" is not builtin or formula");
    c.strategy = st.columnText(3);
    auto params = parseParams(st.columnText(4));
    if (!params) return bad("params", params.message());
    c.params = *params;
    c.formula.entry = st.columnText(5);
    c.formula.exit = st.columnText(6);
    c.formula.stop = st.columnText(7);
    c.formula.target = st.columnText(8);
    c.formula.shortEntries = st.columnInt64(9) != 0;
    c.symbols = splitSymbols(st.columnText(10));
    auto tf = parseTimeframe(st.columnText(11));
    if (!tf) return bad("timeframe", tf.message());
    c.timeframe = *tf;
    c.accountId = st.columnInt64(12);
    auto sizing = parseSizing(st.columnText(13), st.columnText(14));
    if (!sizing) return bad("sizing", sizing.message());
    c.sizing = *sizing;
    c.flattenOnStop = st.columnInt64(15) != 0;
    auto state = botStateFromString(st.columnText(16));
    if (!state) return bad("state", "\"" + st.columnText(16) + "\" is not a bot state");
    c.state = *state;
    c.lastError = st.columnText(17);
    if (sqlite3_column_type(st.get(), 18) != SQLITE_NULL) c.lastBarMs = st.columnInt64(18);
    if (auto v = validate(c); !v) return makeError(who + " is invalid: " + v.message());
    return c;
}

}  // namespace

Result<std::vector<BotConfig>> BotStore::list() const {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db, std::string("SELECT ") + kColumns + " FROM bots ORDER BY name, id"); !s) return s.error();
    std::vector<BotConfig> out;
    int rc = 0;
    while ((rc = st.step()) == SQLITE_ROW) {
        auto c = readRow(st);
        if (!c) return c.error();
        out.push_back(std::move(*c));
    }
    if (rc != SQLITE_DONE) return sqlError(db, "cannot read the bots");
    return out;
}

Result<std::optional<BotConfig>> BotStore::get(std::int64_t id) const {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db, std::string("SELECT ") + kColumns + " FROM bots WHERE id = ?1"); !s) return s.error();
    st.bindInt64(1, id);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<BotConfig>();
    if (rc != SQLITE_ROW) return sqlError(db, "cannot read bot " + std::to_string(id));
    auto c = readRow(st);
    if (!c) return c.error();
    return std::optional<BotConfig>(std::move(*c));
}

Result<std::optional<BotConfig>> BotStore::findByName(const std::string& name) const {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db, "SELECT id FROM bots WHERE name = ?1"); !s) return s.error();
    st.bindText(1, name);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<BotConfig>();
    if (rc != SQLITE_ROW) return sqlError(db, "cannot read bot " + name);
    return get(st.columnInt64(0));
}

Status BotStore::write(const BotConfig& c, std::int64_t nowMs, bool insert, std::int64_t* newId) {
    if (auto v = validate(c); !v) return v;
    sqlite3* db = m_db.handle();
    Statement st;
    const char* sql = insert
        ? "INSERT INTO bots (name, strategy_kind, strategy, params, formula_entry, formula_exit, formula_stop, formula_target, "
          "formula_short, symbols, timeframe, account_id, sizing_kind, sizing_value, flatten_on_stop, created_ms, updated_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)"
        : "UPDATE bots SET name = ?1, strategy_kind = ?2, strategy = ?3, params = ?4, formula_entry = ?5, formula_exit = ?6, "
          "formula_stop = ?7, formula_target = ?8, formula_short = ?9, symbols = ?10, timeframe = ?11, account_id = ?12, "
          "sizing_kind = ?13, sizing_value = ?14, flatten_on_stop = ?15, updated_ms = ?16 WHERE id = ?17";
    if (auto s = st.prepare(db, sql); !s) return s;
    const auto [sizingKind, sizingValue] = formatSizing(c.sizing);
    std::string name = c.name;
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    st.bindText(1, name);
    st.bindText(2, c.strategyKind == StrategyKind::Formula ? "formula" : "builtin");
    st.bindText(3, c.strategyKind == StrategyKind::Formula ? std::string("formula") : c.strategy);
    st.bindText(4, formatParams(c.params));
    st.bindText(5, c.formula.entry);
    st.bindText(6, c.formula.exit);
    st.bindText(7, c.formula.stop);
    st.bindText(8, c.formula.target);
    st.bindInt64(9, c.formula.shortEntries ? 1 : 0);
    st.bindText(10, joinSymbols(c.symbols));
    st.bindText(11, toString(c.timeframe));
    st.bindInt64(12, c.accountId);
    st.bindText(13, sizingKind);
    st.bindText(14, sizingValue);
    st.bindInt64(15, c.flattenOnStop ? 1 : 0);
    st.bindInt64(16, nowMs);
    if (!insert) st.bindInt64(17, c.id);
    if (st.step() != SQLITE_DONE) {
        if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
            return makeError("there is already a bot named \"" + name + "\"");
        return sqlError(db, "cannot save bot " + name);
    }
    if (!insert && sqlite3_changes(db) == 0) return makeError("there is no bot " + std::to_string(c.id));
    if (newId) *newId = sqlite3_last_insert_rowid(db);
    return {};
}

Result<std::int64_t> BotStore::create(const BotConfig& config, std::int64_t nowMs) {
    std::int64_t id = 0;
    if (auto s = write(config, nowMs, true, &id); !s) return s.error();
    return id;
}

Status BotStore::update(const BotConfig& config, std::int64_t nowMs) { return write(config, nowMs, false, nullptr); }

Status BotStore::remove(std::int64_t id) {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db, "DELETE FROM bots WHERE id = ?1"); !s) return s;
    st.bindInt64(1, id);
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot delete bot " + std::to_string(id));
    return {};
}

Status BotStore::setState(std::int64_t id, BotState state, const std::string& lastError, std::int64_t nowMs) {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db, "UPDATE bots SET state = ?1, last_error = ?2, updated_ms = ?3 WHERE id = ?4"); !s) return s;
    st.bindText(1, toString(state));
    st.bindText(2, lastError);
    st.bindInt64(3, nowMs);
    st.bindInt64(4, id);
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot save the state of bot " + std::to_string(id));
    return {};
}

Status BotStore::setLastBar(std::int64_t id, std::int64_t closeMs) {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db, "UPDATE bots SET last_bar_ms = ?1 WHERE id = ?2"); !s) return s;
    st.bindInt64(1, closeMs);
    st.bindInt64(2, id);
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot save the last bar of bot " + std::to_string(id));
    return {};
}

Result<std::int64_t> BotStore::appendLog(const BotLogEntry& e) {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db,
                            "INSERT INTO bot_log (bot_id, time_ms, bar_ms, kind, symbol, text, client_order_id) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        !s)
        return s.error();
    st.bindInt64(1, e.botId);
    st.bindInt64(2, e.timeMs);
    if (e.barMs)
        st.bindInt64(3, *e.barMs);
    else
        sqlite3_bind_null(st.get(), 3);
    st.bindText(4, toString(e.kind));
    st.bindText(5, e.symbol);
    st.bindText(6, e.text);
    st.bindText(7, e.clientOrderId);
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot write the log of bot " + std::to_string(e.botId));
    return sqlite3_last_insert_rowid(db);
}

Result<std::vector<BotLogEntry>> BotStore::log(std::int64_t botId, int limit, std::optional<BotLogKind> kind) const {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db,
                            "SELECT seq, time_ms, bar_ms, kind, symbol, text, client_order_id FROM bot_log "
                            "WHERE bot_id = ?1 AND (?3 IS NULL OR kind = ?3) ORDER BY seq DESC LIMIT ?2");
        !s)
        return s.error();
    st.bindInt64(1, botId);
    st.bindInt64(2, limit);
    if (kind)
        st.bindText(3, toString(*kind));
    else
        sqlite3_bind_null(st.get(), 3);
    std::vector<BotLogEntry> out;
    int rc = 0;
    while ((rc = st.step()) == SQLITE_ROW) {
        BotLogEntry e;
        e.seq = st.columnInt64(0);
        e.botId = botId;
        e.timeMs = st.columnInt64(1);
        if (sqlite3_column_type(st.get(), 2) != SQLITE_NULL) e.barMs = st.columnInt64(2);
        auto k = botLogKindFromString(st.columnText(3));
        if (!k)
            return makeError("bot " + std::to_string(botId) + " log line " + std::to_string(e.seq) + ": unknown kind \"" +
                             st.columnText(3) + "\"");
        e.kind = *k;
        e.symbol = st.columnText(4);
        e.text = st.columnText(5);
        e.clientOrderId = st.columnText(6);
        out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return sqlError(db, "cannot read the log of bot " + std::to_string(botId));
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace kairos::bots
