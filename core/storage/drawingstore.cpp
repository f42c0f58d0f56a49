#include "storage/drawingstore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <QDateTime>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace kairos::storage {

using sql::Statement;
using sql::Transaction;

namespace {
constexpr std::pair<DrawingKind, std::string_view> kKindNames[] = {
    {DrawingKind::TrendLine, "trend_line"},
    {DrawingKind::Ray, "ray"},
    {DrawingKind::HorizontalLine, "horizontal_line"},
    {DrawingKind::VerticalLine, "vertical_line"},
    {DrawingKind::Rectangle, "rectangle"},
    {DrawingKind::FibRetracement, "fib_retracement"},
    {DrawingKind::ParallelChannel, "parallel_channel"},
    {DrawingKind::Text, "text"},
    {DrawingKind::Measure, "measure"},
};

Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + sql::sqliteMessage(db)); }

bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

Status checkColour(const std::string& colour) {
    const bool ok =
        (colour.size() == 7 || colour.size() == 9) && colour[0] == '#' && std::all_of(colour.begin() + 1, colour.end(), isHex);
    if (!ok) return makeError("colour \"" + colour + "\" is not #rrggbb or #aarrggbb");
    return {};
}
}  // namespace

std::string_view toString(DrawingKind kind) {
    for (const auto& [k, name] : kKindNames)
        if (k == kind) return name;
    return "unknown";
}

std::optional<DrawingKind> drawingKindFromString(std::string_view text) {
    for (const auto& [k, name] : kKindNames)
        if (name == text) return k;
    return std::nullopt;
}

int anchorCount(DrawingKind kind) {
    switch (kind) {
    case DrawingKind::HorizontalLine:
    case DrawingKind::VerticalLine:
    case DrawingKind::Text:
        return 1;
    case DrawingKind::ParallelChannel:
        return 3;
    default:
        return 2;
    }
}

Status validate(const Drawing& drawing) {
    if (!drawingKindFromString(toString(drawing.kind))) return makeError("unknown drawing kind");
    const int want = anchorCount(drawing.kind);
    if (static_cast<int>(drawing.anchors.size()) != want)
        return makeError(std::string(toString(drawing.kind)) + " needs " + std::to_string(want) + " anchor(s), got " +
                         std::to_string(drawing.anchors.size()));
    for (const auto& a : drawing.anchors)
        if (!std::isfinite(a.price)) return makeError("an anchor price is not a finite number");
    if (auto s = checkColour(drawing.colour); !s) return s;
    if (drawing.width < 1 || drawing.width > 10)
        return makeError("line width " + std::to_string(drawing.width) + " is outside 1..10");
    if (drawing.text.size() > 10000) return makeError("the text of a drawing may have at most 10,000 characters");
    return {};
}

std::string formatAnchors(const std::vector<DrawingAnchor>& anchors) {
    std::string out;
    char buf[64];
    for (const auto& a : anchors) {
        if (!out.empty()) out.push_back(';');
        out.append(std::to_string(a.timeMs));
        out.push_back(' ');
        auto r = std::to_chars(buf, buf + sizeof buf, a.price);  // shortest round-trip form
        out.append(buf, r.ptr);
    }
    return out;
}

Result<std::vector<DrawingAnchor>> parseAnchors(std::string_view text) {
    std::vector<DrawingAnchor> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(';', pos), text.size());
        const std::string_view part = text.substr(pos, end - pos);
        const std::size_t space = part.find(' ');
        if (space == std::string_view::npos) return makeError("anchor \"" + std::string(part) + "\" is not \"time price\"");
        DrawingAnchor a;
        const char* tb = part.data();
        const char* te = part.data() + space;
        auto rt = std::from_chars(tb, te, a.timeMs);
        const char* pb = te + 1;
        const char* pe = part.data() + part.size();
        auto rp = std::from_chars(pb, pe, a.price);
        if (rt.ec != std::errc() || rt.ptr != te || rp.ec != std::errc() || rp.ptr != pe || !std::isfinite(a.price))
            return makeError("anchor \"" + std::string(part) + "\" is not \"time price\"");
        out.push_back(a);
        pos = end + 1;
    }
    return out;
}

struct DrawingStore::Impl {
    sqlite3* db;

    Result<std::int64_t> insert(const InstrumentId& instrument, const Drawing& d) {
        Statement ins;
        if (auto s = ins.prepare(db,
                                 "INSERT INTO chart_drawings (venue, symbol, kind, points, colour, width, text, "
                                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            !s)
            return s.error();
        ins.bindText(1, instrument.venue);
        ins.bindText(2, instrument.symbol);
        ins.bindText(3, toString(d.kind));
        ins.bindText(4, formatAnchors(d.anchors));
        ins.bindText(5, d.colour);
        ins.bindInt64(6, d.width);
        ins.bindText(7, d.text);
        ins.bindInt64(8, QDateTime::currentMSecsSinceEpoch());
        if (ins.step() != SQLITE_DONE) return sqlError(db, "cannot store the drawing");
        return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db));
    }

    Status update(const InstrumentId& instrument, const Drawing& d) {
        Statement up;
        if (auto s = up.prepare(db,
                                "UPDATE chart_drawings SET kind = ?, points = ?, colour = ?, width = ?, text = ? "
                                "WHERE drawing_id = ? AND venue = ? AND symbol = ?");
            !s)
            return s;
        up.bindText(1, toString(d.kind));
        up.bindText(2, formatAnchors(d.anchors));
        up.bindText(3, d.colour);
        up.bindInt64(4, d.width);
        up.bindText(5, d.text);
        up.bindInt64(6, d.id);
        up.bindText(7, instrument.venue);
        up.bindText(8, instrument.symbol);
        if (up.step() != SQLITE_DONE) return sqlError(db, "cannot update drawing " + std::to_string(d.id));
        if (sqlite3_changes(db) == 0)
            return makeError("there is no drawing " + std::to_string(d.id) + " on " + instrument.toString());
        return {};
    }
};

DrawingStore::DrawingStore(Database& db) : d(std::make_unique<Impl>(Impl{db.handle()})) {}
DrawingStore::~DrawingStore() = default;

Result<DrawingLoad> DrawingStore::load(const InstrumentId& instrument) const {
    Statement q;
    if (auto s = q.prepare(d->db,
                           "SELECT drawing_id, kind, points, colour, width, text FROM chart_drawings "
                           "WHERE venue = ? AND symbol = ? ORDER BY drawing_id");
        !s)
        return s.error();
    q.bindText(1, instrument.venue);
    q.bindText(2, instrument.symbol);
    DrawingLoad out;
    int rc = SQLITE_OK;
    while ((rc = q.step()) == SQLITE_ROW) {
        Drawing dr;
        dr.id = q.columnInt64(0);
        const std::string where = "drawing " + std::to_string(dr.id) + " on " + instrument.toString();
        const std::string kind = q.columnText(1);
        auto k = drawingKindFromString(kind);
        if (!k) {
            out.problems.push_back(where + ": unknown kind \"" + kind + "\" (made by a newer Kairos?); left in the profile");
            continue;
        }
        dr.kind = *k;
        auto anchors = parseAnchors(q.columnText(2));
        if (!anchors) {
            out.problems.push_back(where + ": damaged anchors: " + anchors.message());
            continue;
        }
        dr.anchors = std::move(*anchors);
        dr.colour = q.columnText(3);
        const std::int64_t width = q.columnInt64(4);
        dr.width = static_cast<int>(std::clamp<std::int64_t>(width, 0, 1000));
        dr.text = q.columnText(5);
        if (auto s = validate(dr); !s) {
            out.problems.push_back(where + ": " + s.message());
            continue;
        }
        out.drawings.push_back(std::move(dr));
    }
    if (rc != SQLITE_DONE) return sqlError(d->db, "cannot read the drawings of " + instrument.toString());
    return out;
}

Result<std::int64_t> DrawingStore::save(const InstrumentId& instrument, const Drawing& drawing) {
    if (auto s = validate(drawing); !s) return makeError("cannot store the drawing: " + s.message());
    if (drawing.id == 0) return d->insert(instrument, drawing);
    if (auto s = d->update(instrument, drawing); !s) return s.error();
    return drawing.id;
}

Result<std::vector<Drawing>> DrawingStore::replaceAll(const InstrumentId& instrument, const std::vector<Drawing>& drawings) {
    for (std::size_t i = 0; i < drawings.size(); ++i)
        if (auto s = validate(drawings[i]); !s)
            return makeError("cannot store drawing " + std::to_string(i + 1) + ": " + s.message());
    auto current = load(instrument);
    if (!current) return current.error();
    auto tx = Transaction::begin(d->db);
    if (!tx) return tx.error();
    std::set<std::int64_t> kept;
    std::vector<Drawing> out = drawings;
    std::set<std::int64_t> existing;
    for (const auto& dr : current->drawings) existing.insert(dr.id);
    for (auto& dr : out) {
        if (dr.id != 0 && existing.count(dr.id) != 0 && kept.count(dr.id) == 0) {
            if (auto s = d->update(instrument, dr); !s) return s.error();
        } else {
            auto id = d->insert(instrument, dr);
            if (!id) return id.error();
            dr.id = *id;
        }
        kept.insert(dr.id);
    }
    Statement del;
    if (auto s = del.prepare(d->db, "DELETE FROM chart_drawings WHERE drawing_id = ?"); !s) return s.error();
    for (std::int64_t id : existing) {
        if (kept.count(id) != 0) continue;
        del.bindInt64(1, id);
        if (del.step() != SQLITE_DONE) return sqlError(d->db, "cannot delete drawing " + std::to_string(id));
        del.reset();
    }
    if (auto s = tx->commit(); !s) return s.error();
    return out;
}

Status DrawingStore::remove(std::int64_t id) {
    Statement del;
    if (auto s = del.prepare(d->db, "DELETE FROM chart_drawings WHERE drawing_id = ?"); !s) return s;
    del.bindInt64(1, id);
    if (del.step() != SQLITE_DONE) return sqlError(d->db, "cannot delete drawing " + std::to_string(id));
    return {};
}

}  // namespace kairos::storage
