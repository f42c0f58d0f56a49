#include "chartdrawings.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace kairos::charts {

using storage::Drawing;
using storage::DrawingKind;

namespace {
QString tr(const char* s) { return QCoreApplication::translate("kairos::charts::Drawing", s); }

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    double t = len2 > 0 ? QPointF::dotProduct(p - a, ab) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF c = a + t * ab;
    return std::hypot(p.x() - c.x(), p.y() - c.y());
}

/// The segment from a through b, extended to the rectangle's edge (a ray).
QPointF rayEnd(QPointF a, QPointF b, const QRectF& r) {
    const QPointF d = b - a;
    if (std::abs(d.x()) < 1e-9 && std::abs(d.y()) < 1e-9) return b;
    double t = 1e9;
    if (d.x() > 0) t = std::min(t, (r.right() - a.x()) / d.x());
    if (d.x() < 0) t = std::min(t, (r.left() - a.x()) / d.x());
    if (d.y() > 0) t = std::min(t, (r.bottom() - a.y()) / d.y());
    if (d.y() < 0) t = std::min(t, (r.top() - a.y()) / d.y());
    t = std::max(t, 1.0);
    return a + t * d;
}

/// Line segments a drawing is made of (for painting and hit tests).
std::vector<std::pair<QPointF, QPointF>> segmentsOf(const Drawing& d, const DrawingGeometry& g) {
    std::vector<std::pair<QPointF, QPointF>> s;
    const QRectF& r = g.rect;
    auto px = [&](int i) { return g.pixel(d.anchors[static_cast<std::size_t>(i)]); };
    switch (d.kind) {
    case DrawingKind::TrendLine:
        s.push_back({px(0), px(1)});
        break;
    case DrawingKind::Ray:
        s.push_back({px(0), rayEnd(px(0), px(1), r)});
        break;
    case DrawingKind::HorizontalLine: {
        const double y = px(0).y();
        s.push_back({{r.left(), y}, {r.right(), y}});
        break;
    }
    case DrawingKind::VerticalLine: {
        const double x = px(0).x();
        s.push_back({{x, r.top()}, {x, r.bottom()}});
        break;
    }
    case DrawingKind::Rectangle:
    case DrawingKind::Measure: {
        const QRectF box = QRectF(px(0), px(1)).normalized();
        s.push_back({box.topLeft(), box.topRight()});
        s.push_back({box.topRight(), box.bottomRight()});
        s.push_back({box.bottomRight(), box.bottomLeft()});
        s.push_back({box.bottomLeft(), box.topLeft()});
        break;
    }
    case DrawingKind::FibRetracement: {
        const QPointF a = px(0), b = px(1);
        const double x0 = std::min(a.x(), b.x()), x1 = std::max(a.x(), b.x());
        for (double level : kFibLevels) {
            const double price = d.anchors[1].price + (d.anchors[0].price - d.anchors[1].price) * level;
            const double y = g.yOfPrice(price);
            s.push_back({{x0, y}, {x1, y}});
        }
        s.push_back({a, b});  // the dashed diagonal
        break;
    }
    case DrawingKind::ParallelChannel: {
        const QPointF a = px(0), b = px(1), c = px(2);
        // The parallel passes through c: shift the base line vertically by c's offset from it.
        const double dx = b.x() - a.x();
        const double yOnBase = std::abs(dx) < 1e-9 ? a.y() : a.y() + (b.y() - a.y()) * (c.x() - a.x()) / dx;
        const QPointF off(0, c.y() - yOnBase);
        s.push_back({a, b});
        s.push_back({a + off, b + off});
        break;
    }
    case DrawingKind::Text:
        break;
    }
    return s;
}

QRectF textBox(const Drawing& d, const DrawingGeometry& g, const QFont& font) {
    const QFontMetricsF fm(font);
    const QString text = d.text.empty() ? tr("Note") : QString::fromStdString(d.text);
    const QRectF br = fm.boundingRect(QRectF(0, 0, 400, 1000), Qt::TextWordWrap, text);
    const QPointF at = g.pixel(d.anchors[0]);
    return QRectF(at.x(), at.y() - br.height() - 6, br.width() + 10, br.height() + 6);
}

QFont noteFont(const Drawing& d) {
    QFont f;
    f.setPixelSize(11 + 2 * std::clamp(d.width, 1, 10));
    return f;
}
}  // namespace

QColor drawingColour(const std::string& text) {
    const QString s = QString::fromStdString(text);
    if (!QColor::isValidColorName(s)) return {};
    return QColor::fromString(s);
}

std::string drawingColourString(const QColor& colour) {
    return colour.name(colour.alpha() == 255 ? QColor::HexRgb : QColor::HexArgb).toStdString();
}

QString drawingKindLabel(DrawingKind kind) {
    switch (kind) {
    case DrawingKind::TrendLine:
        return tr("Trend line");
    case DrawingKind::Ray:
        return tr("Ray");
    case DrawingKind::HorizontalLine:
        return tr("Horizontal line");
    case DrawingKind::VerticalLine:
        return tr("Vertical line");
    case DrawingKind::Rectangle:
        return tr("Rectangle");
    case DrawingKind::FibRetracement:
        return tr("Fib retracement");
    case DrawingKind::ParallelChannel:
        return tr("Parallel channel");
    case DrawingKind::Text:
        return tr("Text note");
    case DrawingKind::Measure:
        return tr("Measure");
    }
    return {};
}

QString drawingKindShortcut(DrawingKind kind) {
    switch (kind) {
    case DrawingKind::TrendLine:
        return QStringLiteral("Alt+T");
    case DrawingKind::HorizontalLine:
        return QStringLiteral("Alt+H");
    case DrawingKind::VerticalLine:
        return QStringLiteral("Alt+V");
    case DrawingKind::FibRetracement:
        return QStringLiteral("Alt+F");
    case DrawingKind::Measure:
        return QStringLiteral("Shift+click");
    default:
        return {};
    }
}

QString measureText(const Drawing& d, const DrawingGeometry& g) {
    const double p0 = d.anchors[0].price, p1 = d.anchors[1].price;
    const double diff = p1 - p0;
    const double pct = p0 != 0 ? diff / p0 * 100 : 0;
    const double bars = g.barsBetween(d.anchors[0].timeMs, d.anchors[1].timeMs);
    const QString sign = diff >= 0 ? QStringLiteral("+") : QString(QChar(0x2212));
    return sign + g.formatPrice(std::abs(diff)) + QStringLiteral(" (") + sign + QLocale().toString(std::abs(pct), 'f', 2) +
        QStringLiteral("%)  ") + (std::llabs(std::llround(bars)) == 1 ? tr("%1 bar") : tr("%1 bars")).arg(std::llround(bars));
}

void paintDrawing(QPainter* p, const Drawing& d, const DrawingGeometry& g, bool selected) {
    if (static_cast<int>(d.anchors.size()) != storage::anchorCount(d.kind)) return;
    p->save();
    p->setRenderHint(QPainter::Antialiasing, true);
    QColor colour = drawingColour(d.colour);
    if (!colour.isValid()) colour = g.textColour;
    QPen pen(colour, d.width);
    pen.setCapStyle(Qt::FlatCap);
    QColor fill = colour;
    fill.setAlphaF(std::min<float>(0.2f, colour.alphaF()));
    const auto segs = segmentsOf(d, g);
    auto px = [&](int i) { return g.pixel(d.anchors[static_cast<std::size_t>(i)]); };

    switch (d.kind) {
    case DrawingKind::Rectangle: {
        p->setPen(pen);
        p->setBrush(fill);
        p->drawRect(QRectF(px(0), px(1)).normalized());
        break;
    }
    case DrawingKind::Measure: {
        const bool up = d.anchors[1].price >= d.anchors[0].price;
        QColor c = up ? g.up : g.down;
        QColor f = c;
        f.setAlphaF(0.18f);
        p->setPen(QPen(c, 1));
        p->setBrush(f);
        const QRectF box = QRectF(px(0), px(1)).normalized();
        p->drawRect(box);
        const QString text = measureText(d, g);
        const QFontMetricsF fm(p->font());
        const double w = fm.horizontalAdvance(text) + 12, h = fm.height() + 6;
        const double y = up ? box.top() - h - 2 : box.bottom() + 2;
        const QRectF label(box.center().x() - w / 2, y, w, h);
        p->setPen(Qt::NoPen);
        p->setBrush(c);
        p->drawRoundedRect(label, 3, 3);
        p->setPen(Qt::white);
        p->drawText(label, Qt::AlignCenter, text);
        break;
    }
    case DrawingKind::FibRetracement: {
        const QPointF a = px(0), b = px(1);
        const double x0 = std::min(a.x(), b.x());
        p->setBrush(Qt::NoBrush);
        for (std::size_t i = 0; i < std::size(kFibLevels); ++i) {
            const auto& [s0, s1] = segs[i];
            p->setPen(pen);
            p->drawLine(s0, s1);
            const double price = d.anchors[1].price + (d.anchors[0].price - d.anchors[1].price) * kFibLevels[i];
            p->setPen(colour);
            p->drawText(QPointF(x0 + 4, s0.y() - 3),
                        QString::number(kFibLevels[i], 'g', 4) + QStringLiteral(" (") + g.formatPrice(price) + QLatin1Char(')'));
        }
        QPen dash(colour, 1, Qt::DashLine);
        p->setPen(dash);
        p->drawLine(a, b);
        break;
    }
    case DrawingKind::ParallelChannel: {
        const auto& [a0, a1] = segs[0];
        const auto& [b0, b1] = segs[1];
        QPainterPath path;
        path.moveTo(a0);
        path.lineTo(a1);
        path.lineTo(b1);
        path.lineTo(b0);
        path.closeSubpath();
        p->fillPath(path, fill);
        p->setPen(pen);
        p->drawLine(a0, a1);
        p->drawLine(b0, b1);
        QPen mid(colour, 1, Qt::DashLine);
        p->setPen(mid);
        p->drawLine((a0 + b0) / 2, (a1 + b1) / 2);
        break;
    }
    case DrawingKind::Text: {
        const QFont f = noteFont(d);
        p->setFont(f);
        const QRectF box = textBox(d, g, f);
        QColor bg = g.background;
        bg.setAlphaF(0.75f);
        p->setPen(Qt::NoPen);
        p->setBrush(bg);
        p->drawRoundedRect(box, 3, 3);
        p->setPen(colour);
        p->drawText(box.adjusted(5, 3, -5, -3), Qt::TextWordWrap, d.text.empty() ? tr("Note") : QString::fromStdString(d.text));
        break;
    }
    case DrawingKind::HorizontalLine: {
        p->setPen(pen);
        p->drawLine(segs[0].first, segs[0].second);
        const QString t = g.formatPrice(d.anchors[0].price);
        const QFontMetricsF fm(p->font());
        p->setPen(colour);
        p->drawText(QPointF(g.rect.right() - fm.horizontalAdvance(t) - 6, segs[0].first.y() - 3), t);
        break;
    }
    default:
        p->setPen(pen);
        for (const auto& [a, b] : segs) p->drawLine(a, b);
        break;
    }
    if (!d.text.empty() && d.kind != DrawingKind::Text && !segs.empty()) {
        p->setPen(colour);
        p->drawText(segs[0].first + QPointF(4, -4), QString::fromStdString(d.text));
    }
    if (selected) {
        p->setPen(QPen(g.selection, 1.5));
        p->setBrush(g.background);
        for (std::size_t i = 0; i < d.anchors.size(); ++i) {
            QPointF at = px(static_cast<int>(i));
            if (d.kind == DrawingKind::HorizontalLine) at.setX(g.rect.center().x());
            if (d.kind == DrawingKind::VerticalLine) at.setY(g.rect.center().y());
            p->drawEllipse(at, 4.5, 4.5);
        }
    }
    p->restore();
}

DrawingHit hitTestDrawing(const Drawing& d, const DrawingGeometry& g, QPointF pos, double tolerancePx) {
    if (static_cast<int>(d.anchors.size()) != storage::anchorCount(d.kind)) return {};
    for (std::size_t i = 0; i < d.anchors.size(); ++i) {
        QPointF at = g.pixel(d.anchors[i]);
        if (d.kind == DrawingKind::HorizontalLine) at.setX(pos.x());
        if (d.kind == DrawingKind::VerticalLine) at.setY(pos.y());
        if (d.kind == DrawingKind::HorizontalLine || d.kind == DrawingKind::VerticalLine) break;  // body = handle
        if (std::hypot(pos.x() - at.x(), pos.y() - at.y()) <= tolerancePx + 2) return {true, static_cast<int>(i)};
    }
    if (d.kind == DrawingKind::Text) {
        if (textBox(d, g, noteFont(d)).adjusted(-2, -2, 2, 2).contains(pos)) return {true, -1};
        return {};
    }
    if (d.kind == DrawingKind::Rectangle || d.kind == DrawingKind::Measure) {
        if (QRectF(g.pixel(d.anchors[0]), g.pixel(d.anchors[1])).normalized().contains(pos)) return {true, -1};
    }
    for (const auto& [a, b] : segmentsOf(d, g))
        if (distanceToSegment(pos, a, b) <= tolerancePx) return {true, -1};
    return {};
}

}  // namespace kairos::charts
