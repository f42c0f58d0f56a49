#pragma once
// WatchlistProxy: sorting and filtering for the watchlist without re-sorting on every tick.
// dynamicSortFilter is off; the proxy re-sorts on a timer (default once a second) or on demand,
// and persistent indexes keep the selection on the same instruments across re-sorts.

#include "marketdata/tickerboard.h"

#include <QSortFilterProxyModel>
#include <QTimer>

#include <set>

namespace kairos::ui {

class WatchlistProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit WatchlistProxy(QObject* parent = nullptr);

    /// Only rows whose symbol or venue contains `text` (case-insensitive); empty: all.
    void setTextFilter(const QString& text);
    /// Only rows with one of these signal sides; empty: all.
    void setSignalFilter(std::set<marketdata::SignalSide> sides);
    /// Re-sorts and re-filters now with the current data.
    void refresh();
    void setRefreshIntervalMs(int ms);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    std::set<marketdata::SignalSide> m_sides;
    QTimer m_refresh;
};

}  // namespace kairos::ui
