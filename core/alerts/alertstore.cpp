#include "alerts/alertstore.h"

#include "alerts/deliverystore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <QDateTime>

#include <algorithm>
#include <optional>

namespace kairos::alerts {

using storage::sql::Statement;
using storage::sql::Transaction;

namespace {
Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + storage::sql::sqliteMessage(db)); }

constexpr const char* kColumns =
    "venue, symbol, condition_kind, level_raw, level_scale, formula, timeframe, signal_side, min_confidence, trigger_mode, "
    "cooldown_ms, expires_at, enabled, note, created_at, last_fired_at, fire_count";

// The fields of the newer conditions (channel, move, volume spike, drawing, price source,
// watchlist) live in core/alerts' own table, one row per rule, so that no profile migration is
// needed and an older Kairos still reads alert_rules as it knows it.
constexpr const char* kConditionSchema =
    "CREATE TABLE IF NOT EXISTS alert_rule_conditions ("
    " alert_id INTEGER PRIMARY KEY, level2_raw INTEGER, level2_scale INTEGER, price_source TEXT NOT NULL DEFAULT 'last',"
    " percent REAL NOT NULL DEFAULT 5, window_bars INTEGER NOT NULL DEFAULT 0, window_ms INTEGER NOT NULL DEFAULT 0,"
    " volume_factor REAL NOT NULL DEFAULT 3, volume_bars INTEGER NOT NULL DEFAULT 20, drawing_id INTEGER NOT NULL DEFAULT 0,"
    " watchlist_id INTEGER NOT NULL DEFAULT 0)";

Status saveConditionRow(sqlite3* db, const AlertRule& r) {
    Statement st;
    if (auto s =
            st.prepare(db,
                       "INSERT OR REPLACE INTO alert_rule_conditions (alert_id, level2_raw, level2_scale, price_source, percent,"
                       " window_bars, window_ms, volume_factor, volume_bars, drawing_id, watchlist_id)"
                       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
        !s)
        return s;
    st.bindInt64(1, r.id);
    if (isChannelCondition(r.condition)) {
        st.bindInt64(2, r.level2.raw());
        st.bindInt64(3, r.level2.scale());
    } else {
        sqlite3_bind_null(st.get(), 2);
        sqlite3_bind_null(st.get(), 3);
    }
    st.bindText(4, toString(r.priceSource));
    sqlite3_bind_double(st.get(), 5, r.percent);
    st.bindInt64(6, r.windowBars);
    st.bindInt64(7, r.windowMs);
    sqlite3_bind_double(st.get(), 8, r.volumeFactor);
    st.bindInt64(9, r.volumeBars);
    st.bindInt64(10, r.drawingId);
    st.bindInt64(11, r.watchlistId);
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot store the condition of alert " + std::to_string(r.id));
    return {};
}

/// Fills the newer fields from alert_rule_conditions (a rule without a row keeps the defaults).
/// Error text when the row is damaged.
std::optional<std::string> loadConditionRow(sqlite3* db, AlertRule& r) {
    Statement q;
    if (auto s = q.prepare(db,
                           "SELECT level2_raw, level2_scale, price_source, percent, window_bars, window_ms, volume_factor,"
                           " volume_bars, drawing_id, watchlist_id FROM alert_rule_conditions WHERE alert_id = ?1");
        !s)
        return s.message();
    q.bindInt64(1, r.id);
    if (q.step() != SQLITE_ROW) return std::nullopt;
    sqlite3_stmt* raw = q.get();
    if (isChannelCondition(r.condition)) {
        if (sqlite3_column_type(raw, 0) != SQLITE_INTEGER || sqlite3_column_type(raw, 1) != SQLITE_INTEGER)
            return "damaged channel level (missing)";
        auto level2 =
            Price::fromRawChecked(q.columnInt64(0), static_cast<int>(std::clamp<std::int64_t>(q.columnInt64(1), -1, 99)));
        if (!level2) return "damaged channel level: " + level2.message();
        r.level2 = *level2;
    }
    const std::string source = q.columnText(2);
    auto ps = priceSourceFromString(source);
    if (!ps) return "unknown price source \"" + source + "\" (made by a newer Kairos?)";
    r.priceSource = *ps;
    r.percent = sqlite3_column_double(raw, 3);
    r.windowBars = static_cast<int>(std::clamp<std::int64_t>(q.columnInt64(4), -1, 1'000'000));
    r.windowMs = q.columnInt64(5);
    r.volumeFactor = sqlite3_column_double(raw, 6);
    r.volumeBars = static_cast<int>(std::clamp<std::int64_t>(q.columnInt64(7), -1, 1'000'000));
    r.drawingId = q.columnInt64(8);
    r.watchlistId = q.columnInt64(9);
    return std::nullopt;
}

/// The "keep running on the server" flag (profile migration 11, table alert_rule_server).
Status saveServerFlag(sqlite3* db, const AlertRule& r) {
    Statement st;
    const char* sql = r.server ? "INSERT OR IGNORE INTO alert_rule_server (rule_id, marked_at) VALUES (?1, ?2)"
                               : "DELETE FROM alert_rule_server WHERE rule_id = ?1";
    if (auto s = st.prepare(db, sql); !s) return s;
    st.bindInt64(1, r.id);
    if (r.server) st.bindInt64(2, QDateTime::currentMSecsSinceEpoch());
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot store where alert " + std::to_string(r.id) + " runs");
    return {};
}

bool loadServerFlag(sqlite3* db, std::int64_t id) {
    Statement q;
    if (!q.prepare(db, "SELECT 1 FROM alert_rule_server WHERE rule_id = ?1")) return false;
    q.bindInt64(1, id);
    return q.step() == SQLITE_ROW;
}

void bindRule(Statement& st, const AlertRule& r) {
    sqlite3_stmt* raw = st.get();
    st.bindText(1, r.instrument.venue);
    st.bindText(2, r.instrument.symbol);
    st.bindText(3, toString(r.condition));
    if (isPriceCondition(r.condition)) {
        st.bindInt64(4, r.level.raw());
        st.bindInt64(5, r.level.scale());
    } else {
        sqlite3_bind_null(raw, 4);
        sqlite3_bind_null(raw, 5);
    }
    st.bindText(6, r.formula);
    st.bindText(7, toString(r.timeframe));
    st.bindText(8, toString(r.signalSide));
    st.bindInt64(9, r.minConfidence);
    st.bindText(10, toString(r.trigger));
    st.bindInt64(11, r.cooldownMs);
    if (r.expiresAtMs > 0)
        st.bindInt64(12, r.expiresAtMs);
    else
        sqlite3_bind_null(raw, 12);
    st.bindInt64(13, r.enabled ? 1 : 0);
    st.bindText(14, r.note);
    st.bindInt64(15, r.createdAtMs);
    if (r.lastFiredMs != 0)
        st.bindInt64(16, r.lastFiredMs);
    else
        sqlite3_bind_null(raw, 16);
    st.bindInt64(17, r.fireCount);
}
}  // namespace

struct AlertStore::Impl {
    sqlite3* db;
};

AlertStore::AlertStore(storage::Database& db) : d(std::make_unique<Impl>(Impl{db.handle()})) {
    // The delivery tables (channels of a rule, delivery jobs) are core/alerts' own; a failure shows
    // in the statements that use them.
    (void)DeliveryStore::ensureSchema(d->db);
    (void)storage::sql::execSql(d->db, kConditionSchema);
}
AlertStore::~AlertStore() = default;

Result<AlertLoad> AlertStore::load() const {
    Statement q;
    if (auto s =
            q.prepare(d->db, std::string("SELECT alert_id, ").append(kColumns).append(" FROM alert_rules ORDER BY alert_id"));
        !s)
        return s.error();
    AlertLoad out;
    int rc = SQLITE_OK;
    while ((rc = q.step()) == SQLITE_ROW) {
        sqlite3_stmt* raw = q.get();
        AlertRule r;
        r.id = q.columnInt64(0);
        r.instrument = {q.columnText(1), q.columnText(2)};
        const std::string where = "alert " + std::to_string(r.id) + " on " + r.instrument.toString();
        const std::string condition = q.columnText(3);
        const std::string trigger = q.columnText(10);
        const std::string side = q.columnText(8);
        const std::string tf = q.columnText(7);
        auto c = conditionFromString(condition);
        auto t = triggerFromString(trigger);
        auto sd = signalSideFromString(side);
        auto parsedTf = parseTimeframe(tf);
        if (!c || !t || !sd) {
            const std::string what = !c ? "condition \"" + condition + "\""
                : !t                    ? "trigger mode \"" + trigger + "\""
                                        : "signal side \"" + side + "\"";
            out.problems.push_back(where + ": unknown " + what + " (made by a newer Kairos?); left in the profile, not run");
            continue;
        }
        if (!parsedTf) {
            out.problems.push_back(where + ": damaged timeframe \"" + tf + "\"; left in the profile, not run");
            continue;
        }
        r.condition = *c;
        r.trigger = *t;
        r.signalSide = *sd;
        r.timeframe = *parsedTf;
        if (isPriceCondition(r.condition)) {
            if (sqlite3_column_type(raw, 4) != SQLITE_INTEGER || sqlite3_column_type(raw, 5) != SQLITE_INTEGER) {
                out.problems.push_back(where + ": damaged price level (missing); left in the profile, not run");
                continue;
            }
            auto level =
                Price::fromRawChecked(q.columnInt64(4), static_cast<int>(std::clamp<std::int64_t>(q.columnInt64(5), -1, 99)));
            if (!level) {
                out.problems.push_back(where + ": damaged price level: " + level.message() + "; left in the profile, not run");
                continue;
            }
            r.level = *level;
        }
        r.formula = q.columnText(6);
        r.minConfidence = static_cast<int>(std::clamp<std::int64_t>(q.columnInt64(9), -1, 101));
        r.cooldownMs = q.columnInt64(11);
        r.expiresAtMs = sqlite3_column_type(raw, 12) == SQLITE_NULL ? 0 : q.columnInt64(12);
        r.enabled = q.columnInt64(13) != 0;
        r.note = q.columnText(14);
        r.createdAtMs = q.columnInt64(15);
        r.lastFiredMs = sqlite3_column_type(raw, 16) == SQLITE_NULL ? 0 : q.columnInt64(16);
        r.fireCount = q.columnInt64(17);
        if (auto problem = loadConditionRow(d->db, r)) {
            out.problems.push_back(where + ": " + *problem + "; left in the profile, not run");
            continue;
        }
        r.server = loadServerFlag(d->db, r.id);
        if (auto st = DeliveryStore::loadRuleDelivery(d->db, r); !st) {
            out.problems.push_back(where + ": " + st.message() + "; runs without its channels");
            r.channelIds.clear();
        }
        if (auto st = validate(r); !st) {
            out.problems.push_back(where + ": " + st.message() + "; left in the profile, not run");
            continue;
        }
        out.rules.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return sqlError(d->db, "cannot read the alerts");
    return out;
}

Result<std::int64_t> AlertStore::save(const AlertRule& rule) {
    if (auto st = validate(rule); !st) return st.error();
    auto tx = Transaction::begin(d->db);
    if (!tx) return tx.error();
    auto id = saveRow(rule);
    if (!id) return id;
    AlertRule stored = rule;
    stored.id = *id;
    if (auto st = DeliveryStore::saveRuleDelivery(d->db, stored); !st) return st.error();
    if (auto st = saveConditionRow(d->db, stored); !st) return st.error();
    if (auto st = saveServerFlag(d->db, stored); !st) return st.error();
    if (auto st = tx->commit(); !st) return st.error();
    return id;
}

Result<std::int64_t> AlertStore::saveRow(const AlertRule& rule) {
    Statement st;
    if (rule.id == 0) {
        if (auto s = st.prepare(d->db,
                                std::string("INSERT INTO alert_rules (")
                                    .append(kColumns)
                                    .append(") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"));
            !s)
            return s.error();
        bindRule(st, rule);
        if (rule.createdAtMs == 0) st.bindInt64(15, QDateTime::currentMSecsSinceEpoch());
        if (st.step() != SQLITE_DONE) return sqlError(d->db, "cannot store the alert on " + rule.instrument.toString());
        return static_cast<std::int64_t>(sqlite3_last_insert_rowid(d->db));
    }
    if (auto s = st.prepare(
            d->db,
            "UPDATE alert_rules SET venue = ?1, symbol = ?2, condition_kind = ?3, level_raw = ?4, level_scale = ?5, "
            "formula = ?6, timeframe = ?7, signal_side = ?8, min_confidence = ?9, trigger_mode = ?10, cooldown_ms = ?11, "
            "expires_at = ?12, enabled = ?13, note = ?14, created_at = ?15, last_fired_at = ?16, fire_count = ?17 "
            "WHERE alert_id = ?18");
        !s)
        return s.error();
    bindRule(st, rule);
    st.bindInt64(18, rule.id);
    if (st.step() != SQLITE_DONE) return sqlError(d->db, "cannot update alert " + std::to_string(rule.id));
    if (sqlite3_changes(d->db) == 0) return makeError("there is no alert " + std::to_string(rule.id) + " (deleted meanwhile?)");
    return rule.id;
}

Status AlertStore::remove(std::int64_t id) {
    Statement st;
    if (auto s = st.prepare(d->db, "DELETE FROM alert_rules WHERE alert_id = ?1"); !s) return s;
    st.bindInt64(1, id);
    if (st.step() != SQLITE_DONE) return sqlError(d->db, "cannot delete alert " + std::to_string(id));
    if (sqlite3_changes(d->db) == 0) return makeError("there is no alert " + std::to_string(id));
    Statement del;
    if (auto s = del.prepare(d->db, "DELETE FROM alert_rule_delivery WHERE alert_id = ?1"); !s) return s;
    del.bindInt64(1, id);
    if (del.step() != SQLITE_DONE) return sqlError(d->db, "cannot delete the channels of alert " + std::to_string(id));
    Statement delCondition;
    if (auto s = delCondition.prepare(d->db, "DELETE FROM alert_rule_conditions WHERE alert_id = ?1"); !s) return s;
    delCondition.bindInt64(1, id);
    if (delCondition.step() != SQLITE_DONE) return sqlError(d->db, "cannot delete the condition of alert " + std::to_string(id));
    AlertRule gone;
    gone.id = id;
    return saveServerFlag(d->db, gone);
}

Status AlertStore::record(const std::vector<AlertEvent>& events, const std::vector<AlertRule>& changed) {
    if (events.empty() && changed.empty()) return {};
    auto tx = Transaction::begin(d->db);
    if (!tx) return tx.error();
    Statement ins;
    if (auto s = ins.prepare(d->db,
                             "INSERT INTO alert_history (alert_id, venue, symbol, kind, time, price_raw, price_scale, message, "
                             "recorded_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
        !s)
        return s;
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    for (const AlertEvent& e : events) {
        ins.bindInt64(1, e.ruleId);
        ins.bindText(2, e.instrument.venue);
        ins.bindText(3, e.instrument.symbol);
        ins.bindText(4, toString(e.kind));
        ins.bindInt64(5, e.timeMs);
        ins.bindInt64(6, e.price.raw());
        ins.bindInt64(7, e.price.scale());
        ins.bindText(8, e.message);
        ins.bindInt64(9, now);
        if (ins.step() != SQLITE_DONE) return sqlError(d->db, "cannot record the alert history; nothing was recorded");
        ins.reset();
        // The firing's deliveries, in the same transaction: a firing is never stored without them.
        if (e.kind != EventKind::Fired) continue;
        const auto rule = std::find_if(changed.begin(), changed.end(), [&](const AlertRule& r) { return r.id == e.ruleId; });
        if (rule == changed.end()) continue;
        if (auto st = DeliveryStore::insertJobs(d->db, sqlite3_last_insert_rowid(d->db), e, *rule, now); !st)
            return makeError(st.message() + "; nothing was recorded");
    }
    Statement up;
    if (auto s =
            up.prepare(d->db, "UPDATE alert_rules SET enabled = ?1, last_fired_at = ?2, fire_count = ?3 WHERE alert_id = ?4");
        !s)
        return s;
    for (const AlertRule& r : changed) {
        up.bindInt64(1, r.enabled ? 1 : 0);
        if (r.lastFiredMs != 0)
            up.bindInt64(2, r.lastFiredMs);
        else
            sqlite3_bind_null(up.get(), 2);
        up.bindInt64(3, r.fireCount);
        up.bindInt64(4, r.id);
        if (up.step() != SQLITE_DONE)
            return sqlError(d->db, "cannot update alert " + std::to_string(r.id) + "; nothing was recorded");
        up.reset();
    }
    return tx->commit();
}

Result<std::vector<AlertEvent>> AlertStore::history(int limit) const {
    Statement q;
    if (auto s = q.prepare(d->db,
                           "SELECT alert_id, venue, symbol, kind, time, price_raw, price_scale, message FROM alert_history "
                           "ORDER BY time DESC, event_id DESC LIMIT ?1");
        !s)
        return s.error();
    q.bindInt64(1, limit);
    std::vector<AlertEvent> out;
    int rc = SQLITE_OK;
    while ((rc = q.step()) == SQLITE_ROW) {
        AlertEvent e;
        e.ruleId = q.columnInt64(0);
        e.instrument = {q.columnText(1), q.columnText(2)};
        auto kind = eventKindFromString(q.columnText(3));
        auto price =
            Price::fromRawChecked(q.columnInt64(5), static_cast<int>(std::clamp<std::int64_t>(q.columnInt64(6), -1, 99)));
        if (!kind || !price) continue;  // a newer Kairos' kind of event, or damaged: not shown, kept
        e.kind = *kind;
        e.timeMs = q.columnInt64(4);
        e.price = *price;
        e.message = q.columnText(7);
        e.ruleDisabled = false;
        out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return sqlError(d->db, "cannot read the alert history");
    return out;
}

Status AlertStore::clearHistory() {
    auto tx = Transaction::begin(d->db);
    if (!tx) return tx.error();
    if (auto s = storage::sql::execSql(d->db, "DELETE FROM alert_history"); !s) return s;
    return tx->commit();
}

}  // namespace kairos::alerts
