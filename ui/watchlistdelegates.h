#pragma once
// Painting for the watchlist: the sparkline cell of the table and the cards of the card view.

#include <QStyledItemDelegate>

namespace kairos::ui {

/// Draws WatchlistModel::SparklineRole as a small line, green when it ends above its start.
class SparklineDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

/// One card per symbol: symbol and venue, last price, 24h change, signal with confidence and
/// the sparkline. Stale symbols are greyed; a price change outlines the card in its colour.
class WatchlistCardDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    static QSize cardSize() { return {230, 118}; }
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

/// Draws `values` as a polyline inside `rect`.
void paintSparkline(QPainter* painter, const QRectF& rect, const QVariantList& values);

}  // namespace kairos::ui
