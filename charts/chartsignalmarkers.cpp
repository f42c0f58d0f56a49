#include "chartsignalmarkers.h"

#include "chartcore.h"

#include <algorithm>

namespace kairos::charts::detail {

const signal::Signal* ChartSignalMarkers::signalAt(QPointF pos) const {
    for (const auto& s : list) {
        QRectF box;
        if (arrowBox(s, box) && box.adjusted(-3, -3, 3, 3).contains(pos)) return &s;
    }
    return nullptr;
}

bool ChartSignalMarkers::arrowBox(const signal::Signal& s, QRectF& box) const {
    if (s.side == signal::Direction::Hold || core.series.empty()) return false;
    const std::int64_t idx = core.series.indexAtOrBefore(s.barOpenMs);
    if (!core.series.contains(idx) || core.series.time()[core.series.slot(idx)] != s.barOpenMs) return false;
    const QCPAxisRect* r = core.priceRect();
    const double x = core.xAxis(r)->coordToPixel(static_cast<double>(idx));
    if (x < r->rect().left() - 10 || x > r->rect().right() + 10) return false;
    const std::size_t sl = core.series.slot(idx);
    const double size = std::clamp(core.xAxis(r)->coordToPixel(1) - core.xAxis(r)->coordToPixel(0), 10.0, 16.0);
    if (s.side == signal::Direction::Long) {
        const double y = core.yAxis(r)->coordToPixel(core.series.low()[sl]) + 4;
        box = QRectF(x - size / 2, y, size, size * 1.3);
    } else {
        const double y = core.yAxis(r)->coordToPixel(core.series.high()[sl]) - 4;
        box = QRectF(x - size / 2, y - size * 1.3, size, size * 1.3);
    }
    return true;
}

void ChartSignalMarkers::paint(QCPPainter* p) const {
    const QCPAxisRect* r = core.priceRect();
    const QRect inner = r->rect();
    p->save();
    p->setClipRect(inner);
    p->setRenderHint(QPainter::Antialiasing, true);
    for (const auto& s : list) {
        QRectF box;
        if (!arrowBox(s, box)) continue;
        const bool up = s.side == signal::Direction::Long;
        QPolygonF arrow;
        const double cx = box.center().x(), w = box.width();
        if (up) {
            arrow << QPointF(cx, box.top()) << QPointF(box.right(), box.top() + w * 0.6)
                  << QPointF(cx + w * 0.2, box.top() + w * 0.6) << QPointF(cx + w * 0.2, box.bottom())
                  << QPointF(cx - w * 0.2, box.bottom()) << QPointF(cx - w * 0.2, box.top() + w * 0.6)
                  << QPointF(box.left(), box.top() + w * 0.6);
        } else {
            arrow << QPointF(cx, box.bottom()) << QPointF(box.right(), box.bottom() - w * 0.6)
                  << QPointF(cx + w * 0.2, box.bottom() - w * 0.6) << QPointF(cx + w * 0.2, box.top())
                  << QPointF(cx - w * 0.2, box.top()) << QPointF(cx - w * 0.2, box.bottom() - w * 0.6)
                  << QPointF(box.left(), box.bottom() - w * 0.6);
        }
        p->setPen(Qt::NoPen);
        p->setBrush(up ? core.theme.up : core.theme.down);
        p->drawPolygon(arrow);
    }
    p->setRenderHint(QPainter::Antialiasing, false);
    p->restore();
}

}  // namespace kairos::charts::detail
