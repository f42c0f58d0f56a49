#include "watchlistproxy.h"

#include "watchlistmodel.h"

namespace kairos::ui {

WatchlistProxy::WatchlistProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setDynamicSortFilter(false);
    setSortRole(WatchlistModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    m_refresh.setInterval(1000);
    connect(&m_refresh, &QTimer::timeout, this, &WatchlistProxy::refresh);
    m_refresh.start();
}

void WatchlistProxy::setTextFilter(const QString& text) {
    m_text = text.trimmed();
    invalidateFilter();
}

void WatchlistProxy::setSignalFilter(std::set<marketdata::SignalSide> sides) {
    m_sides = std::move(sides);
    invalidateFilter();
}

void WatchlistProxy::setRefreshIntervalMs(int ms) { m_refresh.setInterval(ms); }

void WatchlistProxy::refresh() {
    // Filters on signal change with the data; sorting follows the values of the moment.
    if (!m_sides.empty()) invalidateFilter();
    if (sortColumn() >= 0) sort(sortColumn(), sortOrder());
}

bool WatchlistProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_sides.empty()) {
        const auto side = static_cast<marketdata::SignalSide>(i.data(WatchlistModel::SignalSideRole).toInt());
        if (!m_sides.count(side)) return false;
    }
    if (!m_text.isEmpty() && !i.data(WatchlistModel::InstrumentRole).toString().contains(m_text, Qt::CaseInsensitive))
        return false;
    return true;
}

}  // namespace kairos::ui
