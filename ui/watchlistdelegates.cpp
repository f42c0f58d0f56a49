#include "watchlistdelegates.h"

#include "watchlistmodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace kairos::ui {

namespace {
const QColor kUp(0x26, 0xa6, 0x9a);
const QColor kDown(0xef, 0x53, 0x50);
const QColor kNeutral(0x90, 0x90, 0x90);
}  // namespace

void paintSparkline(QPainter* p, const QRectF& r, const QVariantList& values) {
    if (values.size() < 2) return;
    double lo = values[0].toDouble(), hi = lo;
    for (const auto& v : values) {
        lo = std::min(lo, v.toDouble());
        hi = std::max(hi, v.toDouble());
    }
    const double span = hi > lo ? hi - lo : 1.0;
    QPainterPath path;
    for (int i = 0; i < values.size(); ++i) {
        const double x = r.left() + r.width() * i / (values.size() - 1);
        const double y = r.bottom() - (values[i].toDouble() - lo) / span * r.height();
        if (i == 0)
            path.moveTo(x, y);
        else
            path.lineTo(x, y);
    }
    const bool up = values.back().toDouble() >= values.front().toDouble();
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    p->setPen(QPen(up ? kUp : kDown, 1.3));
    p->setBrush(Qt::NoBrush);
    p->drawPath(path);
    p->restore();
}

void SparklineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    QApplication::style()->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, opt.widget);
    paintSparkline(painter, QRectF(option.rect).adjusted(4, 4, -4, -4), index.data(WatchlistModel::SparklineRole).toList());
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const { return {90, 22}; }

QSize WatchlistCardDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const { return cardSize(); }

void WatchlistCardDelegate::paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    const QAbstractItemModel* m = index.model();
    auto cell = [&](int column, int role = Qt::DisplayRole) { return m->index(index.row(), column).data(role); };
    const bool stale = cell(0, WatchlistModel::StaleRole).toBool();
    const int flash = cell(0, WatchlistModel::FlashRole).toInt();
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette& pal = option.palette;
    const QRectF card = QRectF(option.rect).adjusted(4, 4, -4, -4);

    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    QColor border = selected ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid);
    if (flash > 0) border = kUp;
    if (flash < 0) border = kDown;
    p->setPen(QPen(border, selected || flash ? 2 : 1));
    p->setBrush(pal.color(QPalette::Base));
    p->drawRoundedRect(card, 6, 6);

    const QColor text = stale ? kNeutral : pal.color(QPalette::Text);
    QFont f = option.font;
    const QRectF inner = card.adjusted(10, 6, -10, -6);
    // Symbol and venue
    f.setBold(true);
    p->setFont(f);
    p->setPen(text);
    p->drawText(QRectF(inner.left(), inner.top(), inner.width() * 0.6, 20), Qt::AlignLeft | Qt::AlignVCenter,
                cell(WatchlistModel::Symbol).toString() +
                    (cell(WatchlistModel::Favourite).toString() == QStringLiteral("★") ? QStringLiteral(" ★") : QString()));
    f.setBold(false);
    f.setPointSizeF(option.font.pointSizeF() * 0.85);
    p->setFont(f);
    p->setPen(kNeutral);
    p->drawText(QRectF(inner.left() + inner.width() * 0.6, inner.top(), inner.width() * 0.4, 20),
                Qt::AlignRight | Qt::AlignVCenter, cell(WatchlistModel::Venue).toString());
    // Last price and change
    f.setPointSizeF(option.font.pointSizeF() * 1.35);
    f.setBold(true);
    p->setFont(f);
    p->setPen(text);
    p->drawText(QRectF(inner.left(), inner.top() + 22, inner.width() * 0.62, 28), Qt::AlignLeft | Qt::AlignVCenter,
                cell(WatchlistModel::Last).toString());
    f.setPointSizeF(option.font.pointSizeF());
    f.setBold(false);
    p->setFont(f);
    const QVariant changeColour = cell(WatchlistModel::Change24hPct, Qt::ForegroundRole);
    p->setPen(changeColour.isValid() ? changeColour.value<QColor>() : text);
    p->drawText(QRectF(inner.left() + inner.width() * 0.62, inner.top() + 22, inner.width() * 0.38, 28),
                Qt::AlignRight | Qt::AlignVCenter, cell(WatchlistModel::Change24hPct).toString());
    // Signal badge
    const QString side = cell(WatchlistModel::Signal).toString();
    const QVariant sideColour = cell(WatchlistModel::Signal, Qt::ForegroundRole);
    const QRectF badge(inner.left(), inner.top() + 56, 92, 20);
    QColor bc = sideColour.isValid() ? sideColour.value<QColor>() : kNeutral;
    p->setPen(Qt::NoPen);
    bc.setAlpha(side == QStringLiteral("—") ? 40 : 200);
    p->setBrush(bc);
    p->drawRoundedRect(badge, 4, 4);
    p->setPen(side == QStringLiteral("—") ? text : QColor(Qt::white));
    const QString conf = cell(WatchlistModel::Confidence).toString();
    p->drawText(badge, Qt::AlignCenter,
                side == QStringLiteral("—") ? tr("no signal") : side + QStringLiteral(" ") + conf + QStringLiteral("%"));
    // Sparkline
    paintSparkline(p, QRectF(inner.left() + 100, inner.top() + 54, inner.width() - 100, 24),
                   cell(0, WatchlistModel::SparklineRole).toList());
    // Updated / stale line
    f.setPointSizeF(option.font.pointSizeF() * 0.8);
    p->setFont(f);
    p->setPen(kNeutral);
    p->drawText(QRectF(inner.left(), inner.bottom() - 16, inner.width(), 16), Qt::AlignLeft | Qt::AlignVCenter,
                stale ? tr("stale — no recent update") : tr("updated %1 UTC").arg(cell(WatchlistModel::Updated).toString()));
    p->restore();
}

}  // namespace kairos::ui
