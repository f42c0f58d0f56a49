#include "sync/profilesources.h"

#include "storage/chartlayout.h"
#include "storage/database.h"
#include "storage/drawingstore.h"
#include "storage/layoutstore.h"
#include "storage/sqlite.h"
#include "storage/watchliststore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace kairos::sync {

std::string canonicalJson(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

Result<QJsonObject> parsePayload(std::string_view payload) {
    QJsonParseError err{};
    const auto doc = QJsonDocument::fromJson(QByteArray(payload.data(), static_cast<qsizetype>(payload.size())), &err);
    if (err.error != QJsonParseError::NoError) return makeError("payload: " + err.errorString().toStdString());
    if (!doc.isObject()) return makeError("payload: not a JSON object");
    return doc.object();
}

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

// --- watchlists

Result<Snapshot> WatchlistSource::snapshot() {
    auto lists = m_store.all();
    if (!lists) return lists.error();
    Snapshot out;
    for (const auto& l : *lists) {
        QJsonArray items;
        for (const auto& it : l.items)
            items.append(QJsonObject{{QStringLiteral("instrument"), q(it.instrument.toString())},
                                     {QStringLiteral("favourite"), it.favourite}});
        out[l.name] = canonicalJson({{QStringLiteral("name"), q(l.name)}, {QStringLiteral("items"), items}});
    }
    return out;
}

Status WatchlistSource::apply(const std::string& id, const std::string& payload) {
    auto obj = parsePayload(payload);
    if (!obj) return obj.error();
    std::vector<storage::WatchlistItem> items;
    const QJsonArray arr = obj->value(QStringLiteral("items")).toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QJsonObject o = arr.at(i).toObject();
        auto instrument = InstrumentId::parse(o.value(QStringLiteral("instrument")).toString().toStdString());
        if (!instrument) return makeError("items[" + std::to_string(i) + "].instrument: " + instrument.message());
        items.push_back({*instrument, o.value(QStringLiteral("favourite")).toBool()});
    }
    auto lists = m_store.all();
    if (!lists) return lists.error();
    std::int64_t listId = 0;
    for (const auto& l : *lists)
        if (l.name == id) listId = l.id;
    if (listId == 0) {
        auto created = m_store.create(id);
        if (!created) return created.error();
        listId = *created;
    }
    return m_store.setItems(listId, items);
}

Status WatchlistSource::remove(const std::string& id) {
    auto lists = m_store.all();
    if (!lists) return lists.error();
    for (const auto& l : *lists)
        if (l.name == id) return m_store.remove(l.id);
    return {};
}

// --- chart layouts

Result<Snapshot> ChartLayoutSource::snapshot() {
    auto names = m_store.names();
    if (!names) return names.error();
    Snapshot out;
    for (const auto& name : *names) {
        auto json = m_store.load(name);
        if (!json) continue;
        auto obj = parsePayload(*json);
        if (!obj) continue;  // a damaged layout stays local; the layout dialog reports it
        out[name] = canonicalJson(*obj);
    }
    return out;
}

Status ChartLayoutSource::apply(const std::string& id, const std::string& payload) {
    if (auto layout = storage::parseChartLayout(payload); !layout) return layout.error();
    return m_store.save(id, payload);
}

Status ChartLayoutSource::remove(const std::string& id) {
    auto names = m_store.names();
    if (!names) return names.error();
    if (std::find(names->begin(), names->end(), id) == names->end()) return {};
    return m_store.remove(id);
}

// --- drawings

Result<Snapshot> DrawingSource::snapshot() {
    // The instruments that have drawings (storage keeps them in chart_drawings; DrawingStore reads
    // one instrument at a time).
    storage::sql::Statement s;
    if (auto st = s.prepare(m_db.handle(), "SELECT DISTINCT venue, symbol FROM chart_drawings ORDER BY venue, symbol"); !st)
        return st.error();
    std::vector<InstrumentId> instruments;
    while (s.step() == SQLITE_ROW) instruments.push_back(InstrumentId{s.columnText(0), s.columnText(1)});
    Snapshot out;
    for (const auto& instrument : instruments) {
        auto load = m_store.load(instrument);
        if (!load) return load.error();
        if (load->drawings.empty()) continue;
        QJsonArray drawings;
        for (const auto& d : load->drawings) {
            QJsonArray anchors;
            for (const auto& a : d.anchors) anchors.append(QJsonArray{static_cast<double>(a.timeMs), a.price});
            drawings.append(QJsonObject{{QStringLiteral("kind"), QString::fromUtf8(storage::toString(d.kind))},
                                        {QStringLiteral("anchors"), anchors},
                                        {QStringLiteral("colour"), q(d.colour)},
                                        {QStringLiteral("width"), d.width},
                                        {QStringLiteral("text"), q(d.text)}});
        }
        out[instrument.toString()] = canonicalJson({{QStringLiteral("drawings"), drawings}});
    }
    return out;
}

Status DrawingSource::apply(const std::string& id, const std::string& payload) {
    auto instrument = InstrumentId::parse(id);
    if (!instrument) return makeError("drawings of " + id + ": " + instrument.message());
    auto obj = parsePayload(payload);
    if (!obj) return obj.error();
    std::vector<storage::Drawing> drawings;
    const QJsonArray arr = obj->value(QStringLiteral("drawings")).toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QJsonObject o = arr.at(i).toObject();
        const std::string at = "drawings[" + std::to_string(i) + "]";
        storage::Drawing d;
        const auto kind = storage::drawingKindFromString(o.value(QStringLiteral("kind")).toString().toStdString());
        if (!kind) return makeError(at + ".kind: not a drawing this Kairos knows");
        d.kind = *kind;
        for (const auto& a : o.value(QStringLiteral("anchors")).toArray()) {
            const QJsonArray pair = a.toArray();
            d.anchors.push_back({static_cast<std::int64_t>(pair.at(0).toDouble()), pair.at(1).toDouble()});
        }
        d.colour = o.value(QStringLiteral("colour")).toString().toStdString();
        d.width = o.value(QStringLiteral("width")).toInt();
        d.text = o.value(QStringLiteral("text")).toString().toStdString();
        if (auto st = storage::validate(d); !st) return makeError(at + ": " + st.message());
        drawings.push_back(std::move(d));
    }
    auto r = m_store.replaceAll(*instrument, drawings);
    if (!r) return r.error();
    return {};
}

Status DrawingSource::remove(const std::string& id) {
    auto instrument = InstrumentId::parse(id);
    if (!instrument) return {};
    auto r = m_store.replaceAll(*instrument, {});
    if (!r) return r.error();
    return {};
}

// --- preferences

Result<Snapshot> PreferenceSource::snapshot() {
    Snapshot out;
    for (const auto& key : m_keys) {
        if (!m_settings.contains(key)) continue;
        out[key.toStdString()] = canonicalJson({{QStringLiteral("value"), m_settings.value(key).toString()}});
    }
    return out;
}

Status PreferenceSource::apply(const std::string& id, const std::string& payload) {
    const QString key = q(id);
    if (!m_keys.contains(key)) return makeError("preference " + id + " does not sync");
    auto obj = parsePayload(payload);
    if (!obj) return obj.error();
    const QJsonValue v = obj->value(QStringLiteral("value"));
    if (!v.isString()) return makeError("preference " + id + ": value is not a text");
    m_settings.setValue(key, v.toString());
    return {};
}

Status PreferenceSource::remove(const std::string& id) {
    const QString key = q(id);
    if (m_keys.contains(key)) m_settings.remove(key);
    return {};
}

}  // namespace kairos::sync
