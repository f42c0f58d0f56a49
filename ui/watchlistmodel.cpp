#include "watchlistmodel.h"

#include "domain/timeframe.h"

#include <QColor>
#include <QDataStream>
#include <QIODevice>
#include <QLocale>
#include <QMimeData>

#include <algorithm>
#include <cmath>
#include <set>

namespace kairos::ui {

namespace {
const QColor kUp(0x26, 0xa6, 0x9a);
const QColor kDown(0xef, 0x53, 0x50);
const QColor kNeutral(0x90, 0x90, 0x90);
const char* kRowsMime = "application/x-kairos-watchlist-rows";

QString signedPct(std::optional<double> v) {
    if (!v) return QStringLiteral("—");
    const QString num = QLocale().toString(std::abs(*v), 'f', 2);
    if (*v > 0) return QStringLiteral("+") + num + QStringLiteral("%");
    if (*v < 0) return QString(QChar(0x2212)) + num + QStringLiteral("%");
    return num + QStringLiteral("%");
}

QString compact(const Quantity& q) {
    const double v = q.toDouble();
    const QLocale l;
    if (v >= 1e9) return l.toString(v / 1e9, 'f', 2) + QStringLiteral("B");
    if (v >= 1e6) return l.toString(v / 1e6, 'f', 2) + QStringLiteral("M");
    if (v >= 1e3) return l.toString(v / 1e3, 'f', 2) + QStringLiteral("K");
    return l.toString(v, 'f', 2);
}

QString sideName(marketdata::SignalSide s) {
    switch (s) {
    case marketdata::SignalSide::Long:
        return QStringLiteral("LONG");
    case marketdata::SignalSide::Short:
        return QStringLiteral("SHORT");
    case marketdata::SignalSide::Hold:
        return QStringLiteral("HOLD");
    case marketdata::SignalSide::None:
        break;
    }
    return QStringLiteral("—");
}
}  // namespace

WatchlistModel::WatchlistModel(QObject* parent) : QAbstractTableModel(parent) {
    m_elapsed.start();
    m_now = [this] { return static_cast<std::int64_t>(m_elapsed.elapsed()); };
    m_flush.setSingleShot(true);
    m_flush.setInterval(16);  // one frame
    connect(&m_flush, &QTimer::timeout, this, &WatchlistModel::flush);
    m_housekeeping.setInterval(100);
    connect(&m_housekeeping, &QTimer::timeout, this, &WatchlistModel::flush);
    m_housekeeping.start();
}

QString WatchlistModel::columnName(int column) {
    switch (column) {
    case Favourite:
        return tr("★");
    case Symbol:
        return tr("Symbol");
    case Venue:
        return tr("Venue");
    case Last:
        return tr("Last");
    case Change24h:
        return tr("Chg 24h");
    case Change24hPct:
        return tr("Chg% 24h");
    case ChangeSessionPct:
        return tr("Chg% session");
    case High24h:
        return tr("High 24h");
    case Low24h:
        return tr("Low 24h");
    case Volume24h:
        return tr("Volume");
    case QuoteVolume24h:
        return tr("Quote vol");
    case Bid:
        return tr("Bid");
    case Ask:
        return tr("Ask");
    case Spread:
        return tr("Spread");
    case Signal:
        return tr("Signal");
    case Confidence:
        return tr("Conf.");
    case Sparkline:
        return tr("Trend");
    case Updated:
        return tr("Updated (UTC)");
    default:
        return {};
    }
}

void WatchlistModel::setNote(const InstrumentId& id, const QString& note) {
    const auto it = m_notes.find(id);
    if (note.isEmpty() ? it == m_notes.end() : (it != m_notes.end() && it->second == note)) return;
    if (note.isEmpty())
        m_notes.erase(it);
    else
        m_notes[id] = note;
    if (const int row = rowOf(id); row >= 0) Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

QString WatchlistModel::note(const InstrumentId& id) const {
    const auto it = m_notes.find(id);
    return it == m_notes.end() ? QString() : it->second;
}

void WatchlistModel::setInstruments(const std::vector<InstrumentId>& ids) {
    beginResetModel();
    m_board.clear();
    m_rows.clear();
    for (const auto& id : ids) {
        if (m_board.indexOf(id) >= 0) continue;
        m_board.add(id);
        m_rows.emplace_back();
    }
    endResetModel();
}

void WatchlistModel::addInstrument(const InstrumentId& id) {
    if (m_board.indexOf(id) >= 0) return;
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_board.add(id);
    m_rows.emplace_back();
    endInsertRows();
    Q_EMIT listEdited();
}

void WatchlistModel::removeRows(const std::vector<int>& rows) {
    std::vector<int> sorted(rows);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (int r : sorted) {
        if (r < 0 || r >= rowCount()) continue;
        beginRemoveRows({}, r, r);
        m_board.remove(instrumentAt(r));
        m_rows.erase(m_rows.begin() + r);
        endRemoveRows();
    }
    if (!sorted.empty()) Q_EMIT listEdited();
}

bool WatchlistModel::moveRow(int from, int to) {
    if (from < 0 || from >= rowCount() || to < 0 || to >= rowCount() || from == to) return false;
    // Qt's destination index counts positions before the move.
    if (!beginMoveRows({}, from, from, {}, to > from ? to + 1 : to)) return false;
    m_board.move(static_cast<std::size_t>(from), static_cast<std::size_t>(to));
    auto& v = m_rows;
    if (from < to)
        std::rotate(v.begin() + from, v.begin() + from + 1, v.begin() + to + 1);
    else
        std::rotate(v.begin() + to, v.begin() + from, v.begin() + from + 1);
    endMoveRows();
    Q_EMIT listEdited();
    return true;
}

std::vector<InstrumentId> WatchlistModel::instruments() const {
    std::vector<InstrumentId> out;
    for (std::size_t i = 0; i < m_board.size(); ++i) out.push_back(m_board.at(i).id);
    return out;
}

void WatchlistModel::setFavourite(int row, bool on) {
    if (row < 0 || row >= rowCount() || m_rows[static_cast<std::size_t>(row)].favourite == on) return;
    m_rows[static_cast<std::size_t>(row)].favourite = on;
    Q_EMIT dataChanged(index(row, Favourite), index(row, Favourite));
    Q_EMIT listEdited();
}

void WatchlistModel::afterUpdate() {
    if (!m_flush.isActive()) m_flush.start();
}

void WatchlistModel::onTrade(const InstrumentId& id, const Trade& t) {
    m_board.onTrade(id, t);
    afterUpdate();
}
void WatchlistModel::onQuote(const InstrumentId& id, const Quote& q) {
    m_board.onQuote(id, q);
    afterUpdate();
}
void WatchlistModel::onBar(const InstrumentId& id, Timeframe tf, const Bar& b) {
    m_board.onBar(id, tf, b);
    afterUpdate();
}
void WatchlistModel::onStats24h(const InstrumentId& id, const marketdata::Stats24h& s, std::int64_t timeMs) {
    m_board.onStats24h(id, s, timeMs);
    afterUpdate();
}
void WatchlistModel::onSignal(const InstrumentId& id, const marketdata::TickerSignal& s) {
    m_board.onSignal(id, s);
    afterUpdate();
}

void WatchlistModel::flush() {
    const std::int64_t now = m_now();
    std::set<int> dirty;
    for (std::size_t r : m_board.takeChanged()) {
        RowState& st = m_rows[r];
        const auto& t = m_board.at(r);
        st.receivedMs = now;
        st.stale = false;
        if (t.last && st.lastSeen && !(*t.last == *st.lastSeen)) {
            st.flashDir = *st.lastSeen < *t.last ? 1 : -1;
            st.flashUntilMs = now + m_flashMs;
        }
        st.lastSeen = t.last;
        dirty.insert(static_cast<int>(r));
    }
    for (int r = 0; r < rowCount(); ++r) {
        RowState& st = m_rows[static_cast<std::size_t>(r)];
        if (st.flashDir != 0 && now >= st.flashUntilMs) {
            st.flashDir = 0;
            dirty.insert(r);
        }
        if (!st.stale && st.receivedMs != 0 && now - st.receivedMs > m_staleMs) {
            st.stale = true;
            dirty.insert(r);
        }
    }
    // One dataChanged per run of consecutive rows.
    auto it = dirty.begin();
    while (it != dirty.end()) {
        const int first = *it;
        int last = first;
        while (++it != dirty.end() && *it == last + 1) last = *it;
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    }
}

int WatchlistModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_board.size()); }
int WatchlistModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString WatchlistModel::formatPrice(const std::optional<Price>& p) const {
    return p ? QString::fromStdString(p->toString()) : QStringLiteral("—");
}

QVariant WatchlistModel::data(const QModelIndex& idx, int role) const {
    if (!idx.isValid() || idx.row() >= rowCount() || idx.column() >= ColumnCount) return {};
    const auto& t = m_board.at(static_cast<std::size_t>(idx.row()));
    const RowState& st = m_rows[static_cast<std::size_t>(idx.row())];
    const int c = idx.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (c) {
        case Favourite:
            return st.favourite ? QStringLiteral("★") : QStringLiteral("☆");
        case Symbol:
            return QString::fromStdString(t.id.symbol);
        case Venue:
            return QString::fromStdString(t.id.venue);
        case Last:
            return formatPrice(t.last);
        case Change24h:
            if (!t.last || !t.open24h) return QStringLiteral("—");
            return QString::fromStdString(t.last->sub(*t.open24h).valueOr(Price()).toString());
        case Change24hPct:
            return signedPct(t.change24hPct());
        case ChangeSessionPct:
            return signedPct(t.changeSessionPct());
        case High24h:
            return formatPrice(t.high24h);
        case Low24h:
            return formatPrice(t.low24h);
        case Volume24h:
            return t.open24h ? compact(t.volume24h) : QStringLiteral("—");
        case QuoteVolume24h:
            return t.open24h && !t.quoteVolume24h.isZero() ? compact(t.quoteVolume24h) : QStringLiteral("—");
        case Bid:
            return formatPrice(t.bid);
        case Ask:
            return formatPrice(t.ask);
        case Spread:
            return t.spread() ? QLocale().toString(*t.spread(), 'g', 6) : QStringLiteral("—");
        case Signal:
            return sideName(t.signal.side);
        case Confidence:
            return t.signal.side == marketdata::SignalSide::None ? QStringLiteral("—") : QString::number(t.signal.confidence);
        case Sparkline:
            return {};
        case Updated:
            return t.updatedMs
                ? QString::fromStdString(formatUtc(t.updatedMs)).mid(5, 14).replace(QLatin1Char('T'), QLatin1Char(' '))
                : QStringLiteral("—");
        }
        return {};
    case Qt::TextAlignmentRole:
        if (c == Symbol || c == Venue || c == Signal || c == Sparkline || c == Favourite)
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
        if (st.stale || m_notes.count(t.id)) return kNeutral;
        auto colourOf = [](std::optional<double> v) -> QVariant {
            if (!v || *v == 0) return {};
            return *v > 0 ? kUp : kDown;
        };
        if (c == Change24h || c == Change24hPct) return colourOf(t.change24hPct());
        if (c == ChangeSessionPct) return colourOf(t.changeSessionPct());
        if (c == Signal) {
            if (t.signal.side == marketdata::SignalSide::Long) return kUp;
            if (t.signal.side == marketdata::SignalSide::Short) return kDown;
            return kNeutral;
        }
        if (c == Favourite && st.favourite) return QColor(0xf5, 0xb0, 0x41);
        return {};
    }
    case Qt::BackgroundRole:
        if (st.flashDir != 0 && (c == Last || c == Change24hPct)) {
            QColor col = st.flashDir > 0 ? kUp : kDown;
            col.setAlpha(70);
            return col;
        }
        return {};
    case Qt::ToolTipRole:
        if (auto n = m_notes.find(t.id); n != m_notes.end()) return n->second;
        if (st.stale)
            return tr("Stale: no update for %1 s (last market time %2 UTC)")
                .arg((m_now() - st.receivedMs) / 1000)
                .arg(t.updatedMs ? QString::fromStdString(formatUtc(t.updatedMs)) : tr("never"));
        if (c == Signal && t.signal.side != marketdata::SignalSide::None)
            return tr("%1, confidence %2%").arg(sideName(t.signal.side)).arg(t.signal.confidence);
        return {};
    case SparklineRole: {
        QVariantList l;
        l.reserve(static_cast<int>(t.sparkline.size()));
        for (double v : t.sparkline) l.append(v);
        return l;
    }
    case SignalSideRole:
        return static_cast<int>(t.signal.side);
    case StaleRole:
        return st.stale || m_notes.count(t.id) > 0;
    case FlashRole:
        return st.flashDir;
    case InstrumentRole:
        return QString::fromStdString(t.id.toString());
    case SortRole:
        switch (c) {
        case Favourite:
            return st.favourite ? 1 : 0;
        case Symbol:
            return QString::fromStdString(t.id.symbol);
        case Venue:
            return QString::fromStdString(t.id.venue);
        case Last:
            return t.last ? t.last->toDouble() : -1e300;
        case Change24h:
            return t.last && t.open24h ? t.last->toDouble() - t.open24h->toDouble() : -1e300;
        case Change24hPct:
            return t.change24hPct().value_or(-1e300);
        case ChangeSessionPct:
            return t.changeSessionPct().value_or(-1e300);
        case High24h:
            return t.high24h ? t.high24h->toDouble() : -1e300;
        case Low24h:
            return t.low24h ? t.low24h->toDouble() : -1e300;
        case Volume24h:
            return t.volume24h.toDouble();
        case QuoteVolume24h:
            return t.quoteVolume24h.toDouble();
        case Bid:
            return t.bid ? t.bid->toDouble() : -1e300;
        case Ask:
            return t.ask ? t.ask->toDouble() : -1e300;
        case Spread:
            return t.spread().value_or(-1e300);
        case Signal:
            return static_cast<int>(t.signal.side);
        case Confidence:
            return t.signal.confidence;
        case Sparkline:
            return t.change24hPct().value_or(-1e300);
        case Updated:
            return static_cast<qlonglong>(t.updatedMs);
        }
        return {};
    default:
        return {};
    }
}

QVariant WatchlistModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::DisplayRole) return columnName(section);
    if (role == Qt::ToolTipRole && section == ChangeSessionPct) return tr("Change since the open of the current UTC day");
    return {};
}

Qt::ItemFlags WatchlistModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
}

QStringList WatchlistModel::mimeTypes() const { return {QString::fromLatin1(kRowsMime)}; }

QMimeData* WatchlistModel::mimeData(const QModelIndexList& indexes) const {
    std::set<int> rows;
    for (const auto& i : indexes) rows.insert(i.row());
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    for (int r : rows) out << r;
    auto* m = new QMimeData;
    m->setData(QString::fromLatin1(kRowsMime), bytes);
    return m;
}

bool WatchlistModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int, const QModelIndex& parent) {
    if (action != Qt::MoveAction || !data->hasFormat(QString::fromLatin1(kRowsMime))) return false;
    int target = row >= 0 ? row : (parent.isValid() ? parent.row() : rowCount());
    QDataStream in(data->data(QString::fromLatin1(kRowsMime)));
    int from = -1;
    in >> from;
    if (from < 0 || from >= rowCount()) return false;
    if (target > from) --target;  // the dragged row no longer counts before the drop position
    target = std::clamp(target, 0, rowCount() - 1);
    moveRow(from, target);
    return false;  // we moved the row ourselves; the view must not remove the source
}

}  // namespace kairos::ui
