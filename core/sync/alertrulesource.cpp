#include "sync/alertrulesource.h"

#include "alerts/alertstore.h"
#include "storage/database.h"
#include "storage/sqlite.h"
#include "storage/watchliststore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUuid>

#include <map>
#include <set>

namespace kairos::sync {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sync_local_ids (
    kind     TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    item_id  TEXT NOT NULL,
    PRIMARY KEY (kind, local_id),
    UNIQUE (kind, item_id)
);
)sql";

constexpr const char* kKind = "alert_rule";

QString q(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
std::string str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString().toStdString(); }

QJsonObject payloadOf(const alerts::AlertRule& r) {
    const bool channel = alerts::isChannelCondition(r.condition);
    return {{QStringLiteral("instrument"), q(r.instrument.toString())},
            {QStringLiteral("condition"), q(alerts::toString(r.condition))},
            {QStringLiteral("level"), alerts::isPriceCondition(r.condition) ? q(r.level.toString()) : QString()},
            {QStringLiteral("level2"), channel ? q(r.level2.toString()) : QString()},
            {QStringLiteral("price_source"), q(alerts::toString(r.priceSource))},
            {QStringLiteral("percent"), r.percent},
            {QStringLiteral("window_bars"), r.windowBars},
            {QStringLiteral("window_ms"), static_cast<qint64>(r.windowMs)},
            {QStringLiteral("volume_factor"), r.volumeFactor},
            {QStringLiteral("volume_bars"), r.volumeBars},
            {QStringLiteral("drawing_id"), static_cast<qint64>(r.drawingId)},
            {QStringLiteral("watchlist_id"), static_cast<qint64>(r.watchlistId)},
            {QStringLiteral("formula"), q(r.formula)},
            {QStringLiteral("timeframe"), q(toString(r.timeframe))},
            {QStringLiteral("signal_side"), q(alerts::toString(r.signalSide))},
            {QStringLiteral("min_confidence"), r.minConfidence},
            {QStringLiteral("trigger"), q(alerts::toString(r.trigger))},
            {QStringLiteral("cooldown_ms"), static_cast<qint64>(r.cooldownMs)},
            {QStringLiteral("expires_at"), static_cast<qint64>(r.expiresAtMs)},
            {QStringLiteral("enabled"), r.enabled},
            {QStringLiteral("note"), q(r.note)},
            {QStringLiteral("message_template"), q(r.messageTemplate)},
            {QStringLiteral("created_at"), static_cast<qint64>(r.createdAtMs)},
            {QStringLiteral("server"), r.server}};
}

/// A key's value, or `fallback` when the payload lacks it (written by an older Kairos).
QJsonValue valueOr(const QJsonObject& o, const char* key, const QJsonValue& fallback) {
    const auto it = o.constFind(QLatin1String(key));
    return it == o.constEnd() || it->isNull() ? fallback : *it;
}

/// Fills the definition fields of `r` from a payload; the first bad field is named. Keys added
/// after the first version (level2, price_source, percent, window_*, volume_*, drawing_id,
/// watchlist_id, server) keep the rule's defaults when absent.
Status readPayload(const QJsonObject& o, alerts::AlertRule& r) {
    const alerts::AlertRule defaults;
    const std::int64_t watchlist = valueOr(o, "watchlist_id", static_cast<qint64>(defaults.watchlistId)).toInteger();
    auto instrument = InstrumentId::parse(str(o, "instrument"));
    if (instrument)
        r.instrument = *instrument;
    else if (watchlist > 0)
        r.instrument = {};  // a watchlist rule has no instrument of its own
    else
        return makeError("instrument: " + instrument.message());
    const auto condition = alerts::conditionFromString(str(o, "condition"));
    if (!condition) return makeError("condition: not a condition this Kairos knows");
    r.condition = *condition;
    if (alerts::isPriceCondition(r.condition)) {
        auto level = Price::parse(str(o, "level"));
        if (!level) return makeError("level: " + level.message());
        r.level = *level;
    }
    if (alerts::isChannelCondition(r.condition)) {
        auto level2 = Price::parse(str(o, "level2"));
        if (!level2) return makeError("level2: " + level2.message());
        r.level2 = *level2;
    }
    const auto source = alerts::priceSourceFromString(
        valueOr(o, "price_source", q(alerts::toString(defaults.priceSource))).toString().toStdString());
    if (!source) return makeError("price_source: not last, bid, ask or mid");
    r.priceSource = *source;
    r.percent = valueOr(o, "percent", defaults.percent).toDouble();
    r.windowBars = valueOr(o, "window_bars", defaults.windowBars).toInt();
    r.windowMs = valueOr(o, "window_ms", static_cast<qint64>(defaults.windowMs)).toInteger();
    r.volumeFactor = valueOr(o, "volume_factor", defaults.volumeFactor).toDouble();
    r.volumeBars = valueOr(o, "volume_bars", defaults.volumeBars).toInt();
    r.drawingId = valueOr(o, "drawing_id", static_cast<qint64>(defaults.drawingId)).toInteger();
    r.watchlistId = watchlist;
    r.formula = str(o, "formula");
    auto timeframe = parseTimeframe(str(o, "timeframe"));
    if (!timeframe) return makeError("timeframe: " + timeframe.message());
    r.timeframe = *timeframe;
    const auto side = alerts::signalSideFromString(str(o, "signal_side"));
    if (!side) return makeError("signal_side: not long, short or either");
    r.signalSide = *side;
    r.minConfidence = o.value(QStringLiteral("min_confidence")).toInt();
    const auto trigger = alerts::triggerFromString(str(o, "trigger"));
    if (!trigger) return makeError("trigger: not a trigger this Kairos knows");
    r.trigger = *trigger;
    r.cooldownMs = o.value(QStringLiteral("cooldown_ms")).toInteger();
    r.expiresAtMs = o.value(QStringLiteral("expires_at")).toInteger();
    r.enabled = o.value(QStringLiteral("enabled")).toBool();
    r.note = str(o, "note");
    r.messageTemplate = str(o, "message_template");
    r.createdAtMs = o.value(QStringLiteral("created_at")).toInteger();
    r.server = valueOr(o, "server", false).toBool();
    return alerts::validate(r);
}

}  // namespace

std::string alertRulePayload(const alerts::AlertRule& rule) { return canonicalJson(payloadOf(rule)); }

std::string alertRulePayload(const alerts::AlertRule& rule, const AlertRuleContext& context) {
    QJsonObject o = payloadOf(rule);
    if (context.drawing) {
        QJsonArray anchors;
        for (const auto& a : context.drawing->anchors) anchors.append(QJsonArray{static_cast<qint64>(a.timeMs), a.price});
        o.insert(QStringLiteral("drawing"),
                 QJsonObject{{QStringLiteral("kind"), q(storage::toString(context.drawing->kind))},
                             {QStringLiteral("anchors"), anchors}});
    }
    if (context.hasWatchlist) {
        QJsonArray symbols;
        for (const auto& id : context.watchlistSymbols) symbols.append(q(id.toString()));
        o.insert(QStringLiteral("watchlist"),
                 QJsonObject{{QStringLiteral("name"), q(context.watchlistName)}, {QStringLiteral("symbols"), symbols}});
    }
    return canonicalJson(o);
}

Result<AlertRuleContext> alertRuleContextFromPayload(std::string_view payload) {
    auto obj = parsePayload(payload);
    if (!obj) return obj.error();
    AlertRuleContext out;
    if (const QJsonValue d = obj->value(QStringLiteral("drawing")); d.isObject()) {
        const QJsonObject o = d.toObject();
        storage::Drawing drawing;
        const auto kind = storage::drawingKindFromString(str(o, "kind"));
        if (!kind) return makeError("drawing.kind: not a drawing this Kairos knows");
        drawing.kind = *kind;
        for (const auto& v : o.value(QStringLiteral("anchors")).toArray()) {
            const QJsonArray pair = v.toArray();
            if (pair.size() != 2 || !pair.at(0).isDouble() || !pair.at(1).isDouble())
                return makeError("drawing.anchors: each anchor is [time ms, price]");
            drawing.anchors.push_back({pair.at(0).toInteger(), pair.at(1).toDouble()});
        }
        if (auto st = storage::validate(drawing); !st) return makeError("drawing: " + st.message());
        out.drawing = std::move(drawing);
    }
    if (const QJsonValue w = obj->value(QStringLiteral("watchlist")); w.isObject()) {
        const QJsonObject o = w.toObject();
        out.hasWatchlist = true;
        out.watchlistName = str(o, "name");
        for (const auto& v : o.value(QStringLiteral("symbols")).toArray()) {
            auto id = InstrumentId::parse(v.toString().toStdString());
            if (!id) return makeError("watchlist.symbols: " + id.message());
            out.watchlistSymbols.push_back(*id);
        }
    }
    return out;
}

AlertRuleSource::AlertRuleSource(storage::Database& db, alerts::AlertStore& store)
    : m_db(db),
      m_store(store),
      m_drawings(std::make_unique<storage::DrawingStore>(db)),
      m_watchlists(std::make_unique<storage::WatchlistStore>(db)) {}

AlertRuleSource::~AlertRuleSource() = default;

AlertRuleContext AlertRuleSource::contextOf(const alerts::AlertRule& rule) const {
    AlertRuleContext out;
    if (!rule.server) return out;
    if (rule.condition == alerts::Condition::CrossesDrawing && rule.drawingId > 0) {
        if (auto load = m_drawings->load(rule.instrument))
            for (const auto& d : load->drawings)
                if (d.id == rule.drawingId) {
                    out.drawing = storage::Drawing{};
                    out.drawing->kind = d.kind;
                    out.drawing->anchors = d.anchors;
                }
    }
    if (rule.watchlistId > 0) {
        if (auto list = m_watchlists->get(rule.watchlistId)) {
            out.hasWatchlist = true;
            out.watchlistName = list->name;
            for (const auto& item : list->items) out.watchlistSymbols.push_back(item.instrument);
        }
    }
    return out;
}

Result<alerts::AlertRule> alertRuleFromPayload(std::string_view payload) {
    auto obj = parsePayload(payload);
    if (!obj) return obj.error();
    alerts::AlertRule rule;
    if (auto st = readPayload(*obj, rule); !st) return st.error();
    return rule;
}

Result<std::unique_ptr<AlertRuleSource>> AlertRuleSource::create(storage::Database& db, alerts::AlertStore& store) {
    if (auto st = storage::sql::execSql(db.handle(), kSchema); !st) return makeError("sync ids: " + st.message());
    return std::unique_ptr<AlertRuleSource>(new AlertRuleSource(db, store));
}

Result<std::int64_t> AlertRuleSource::localId(const std::string& syncId) const {
    storage::sql::Statement s;
    if (auto st = s.prepare(m_db.handle(), "SELECT local_id FROM sync_local_ids WHERE kind = ? AND item_id = ?"); !st)
        return st.error();
    s.bindText(1, kKind);
    s.bindText(2, syncId);
    const int rc = s.step();
    if (rc == SQLITE_ROW) return s.columnInt64(0);
    if (rc == SQLITE_DONE) return std::int64_t{0};
    return makeError("sync ids: " + storage::sql::sqliteMessage(m_db.handle()));
}

Status AlertRuleSource::link(std::int64_t local, const std::string& syncId) {
    storage::sql::Statement s;
    if (auto st = s.prepare(m_db.handle(), "INSERT OR REPLACE INTO sync_local_ids (kind, local_id, item_id) VALUES (?, ?, ?)");
        !st)
        return st;
    s.bindText(1, kKind);
    s.bindInt64(2, local);
    s.bindText(3, syncId);
    if (s.step() != SQLITE_DONE) return makeError("sync ids: " + storage::sql::sqliteMessage(m_db.handle()));
    return {};
}

Status AlertRuleSource::unlink(std::int64_t local) {
    storage::sql::Statement s;
    if (auto st = s.prepare(m_db.handle(), "DELETE FROM sync_local_ids WHERE kind = ? AND local_id = ?"); !st) return st;
    s.bindText(1, kKind);
    s.bindInt64(2, local);
    if (s.step() != SQLITE_DONE) return makeError("sync ids: " + storage::sql::sqliteMessage(m_db.handle()));
    return {};
}

Result<Snapshot> AlertRuleSource::snapshot() {
    auto load = m_store.load();
    if (!load) return load.error();
    std::map<std::int64_t, std::string> ids;
    {
        storage::sql::Statement s;
        if (auto st = s.prepare(m_db.handle(), "SELECT local_id, item_id FROM sync_local_ids WHERE kind = ?"); !st)
            return st.error();
        s.bindText(1, kKind);
        while (s.step() == SQLITE_ROW) ids[s.columnInt64(0)] = s.columnText(1);
    }
    Snapshot out;
    std::set<std::int64_t> present;
    for (const auto& rule : load->rules) {
        present.insert(rule.id);
        auto it = ids.find(rule.id);
        if (it == ids.end()) {
            const std::string fresh = QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
            if (auto st = link(rule.id, fresh); !st) return st.error();
            it = ids.emplace(rule.id, fresh).first;
        }
        out[it->second] = alertRulePayload(rule, contextOf(rule));
    }
    // Ids of deleted rules go (their items become tombstones through the engine's diff).
    for (const auto& [local, syncId] : ids)
        if (present.count(local) == 0) (void)unlink(local);
    return out;
}

Status AlertRuleSource::apply(const std::string& id, const std::string& payload) {
    auto obj = parsePayload(payload);
    if (!obj) return obj.error();
    auto local = localId(id);
    if (!local) return local.error();
    alerts::AlertRule rule;
    if (*local != 0) {
        auto load = m_store.load();
        if (!load) return load.error();
        for (const auto& r : load->rules)
            if (r.id == *local) rule = r;  // keeps its channels and firing state
    }
    if (auto st = readPayload(*obj, rule); !st) return st;
    auto saved = m_store.save(rule);
    if (!saved) return saved.error();
    if (*saved != *local) return link(*saved, id);
    return {};
}

Status AlertRuleSource::remove(const std::string& id) {
    auto local = localId(id);
    if (!local) return local.error();
    if (*local == 0) return {};
    auto load = m_store.load();
    if (!load) return load.error();
    for (const auto& r : load->rules) {
        if (r.id != *local) continue;
        if (auto st = m_store.remove(r.id); !st) return st;
        break;
    }
    return unlink(*local);
}

}  // namespace kairos::sync
