#include "chartorderlines.h"

#include "chartcore.h"

#include <cmath>

namespace kairos::charts::detail {

void ChartOrderLines::set(const std::vector<OrderLine>& list) {
    lines = list;
    dragged = -1;
    core.requestFrame(ChartCore::DirtyOverlay);
}

int ChartOrderLines::lineAt(QPointF pos) const {
    const QCPAxis* ya = core.yAxis(core.priceRect());
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].draggable && std::abs(ya->coordToPixel(lines[i].price) - pos.y()) <= 4) return static_cast<int>(i);
    return -1;
}

void ChartOrderLines::dragTo(QPointF pos) {
    if (dragged < 0) return;
    lines[static_cast<std::size_t>(dragged)].price = core.yAxis(core.priceRect())->pixelToCoord(pos.y());
}

void ChartOrderLines::endDrag() {
    if (dragged < 0) return;
    const OrderLine& l = lines[static_cast<std::size_t>(dragged)];
    dragged = -1;
    Q_EMIT core.q->orderLineMoved(l.id, l.price);
}

void ChartOrderLines::paint(QCPPainter* p, const QFontMetricsF& fm) const {
    const QCPAxisRect* r = core.priceRect();
    const QRect inner = r->rect();
    p->save();
    p->setRenderHint(QPainter::Antialiasing, false);
    p->setClipping(false);
    const double th = fm.height() + 4;
    for (const OrderLine& l : lines) {
        const double y = std::round(core.yAxis(r)->coordToPixel(l.price)) + 0.5;
        if (y < inner.top() || y > inner.bottom()) continue;
        const QColor c = l.kind == OrderLine::Kind::StopLoss ? core.theme.down
            : l.kind == OrderLine::Kind::TakeProfit          ? core.theme.up
                                                             : core.theme.selection;
        p->setPen(QPen(c, 1, l.kind == OrderLine::Kind::Entry ? Qt::SolidLine : Qt::DashLine));
        p->drawLine(QPointF(inner.left(), y), QPointF(inner.right(), y));
        const QString text = (l.label.isEmpty() ? QString() : l.label + QStringLiteral("  ")) + core.formatPrice(l.price);
        const double tw = fm.horizontalAdvance(text) + 12;
        drawAxisLabel(p, QRectF(inner.left() + 60, y - th / 2, tw, th), text, c, Qt::white);
        drawAxisLabel(p, QRectF(inner.right() + 1, y - th / 2, r->outerRect().right() - inner.right(), th),
                      core.formatPrice(l.price), c, Qt::white);
    }
    p->restore();
}

}  // namespace kairos::charts::detail
