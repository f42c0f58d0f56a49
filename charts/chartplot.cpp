#include "chartplot.h"

#include <algorithm>
#include <cmath>

namespace kairos::charts {

namespace {
// Qt 6 splits a fill of 96 rows or more over its GUI thread pool (QT_THREAD_PARALLEL_FILLS).
constexpr int kSerialRows = 64;

bool isNanPoint(const QPointF& p) { return std::isnan(p.x()) || std::isnan(p.y()); }
}  // namespace

void appendSerialRects(QVector<QRect>& out, const QRect& rect, bool opaque) {
    if (rect.isEmpty()) return;
    if (opaque || rect.height() <= kSerialRows) {
        out.append(rect);
        return;
    }
    for (int y = rect.top(); y <= rect.bottom(); y += kSerialRows)
        out.append(QRect(rect.left(), y, rect.width(), std::min(kSerialRows, rect.bottom() - y + 1)));
}

void fillRects(QPainter* painter, const QVector<QRect>& rects, const QColor& colour) {
    if (rects.isEmpty()) return;
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawRects(rects.constData(), static_cast<int>(rects.size()));
}

// ---- the plot --------------------------------------------------------------------------------
/// What QCustomPlot::replot() draws into: one pixel (replot() is not how ChartPlot shows frames).
class StandInBuffer final : public QCPAbstractPaintBuffer {
public:
    StandInBuffer() : QCPAbstractPaintBuffer(QSize(1, 1), 1.0), m_image(1, 1, QImage::Format_RGB32) {}
    QCPPainter* startPainting() override { return new QCPPainter(&m_image); }
    void draw(QCPPainter*) const override {}
    void clear(const QColor&) override {}

protected:
    void reallocateBuffer() override {}  // stays one pixel whatever size QCustomPlot sets

private:
    QImage m_image;
};

ChartPlot::ChartPlot(QWidget* parent) : QCustomPlot(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);  // paintEvent covers every pixel
    mPaintBuffers.clear();
    mPaintBuffers.append(QSharedPointer<QCPAbstractPaintBuffer>(new StandInBuffer));
}

void ChartPlot::paintEvent(QPaintEvent*) {
    const double dpr = devicePixelRatioF();
    if (!qFuzzyCompare(mBufferDevicePixelRatio, dpr)) setBufferDevicePixelRatio(dpr);  // axis label cache resolution
    QCPPainter painter(this);
    if (!painter.isActive()) return;
    painter.fillRect(rect(), mBackgroundBrush.style() == Qt::NoBrush ? QBrush(Qt::white) : mBackgroundBrush);
    draw(&painter);  // layout, background pixmap, every layer in order
}

// ---- candles ---------------------------------------------------------------------------------
void CandlePlottable::draw(QCPPainter* painter) {
    QCPAxis* keyAxis = mKeyAxis.data();
    QCPAxis* valueAxis = mValueAxis.data();
    if (keyAxis == nullptr || valueAxis == nullptr) return;
    applyDefaultAntialiasingHint(painter);
    if (mChartStyle != csCandlestick || !mTwoColored || keyAxis->orientation() != Qt::Horizontal || !mSelection.isEmpty() ||
        painter->modes().testFlag(QCPPainter::pmVectorized) || painter->testRenderHint(QPainter::Antialiasing) ||
        mBrushPositive.style() != Qt::SolidPattern || mBrushNegative.style() != Qt::SolidPattern) {
        QCPFinancial::draw(painter);
        return;
    }
    QCPFinancialDataContainer::const_iterator begin, end;
    getVisibleDataBounds(begin, end);
    // Rectangles per colour, filled with one call each: [rising pen, rising brush, falling ...].
    QVector<QRect> rects[4];
    for (auto& r : rects) r.reserve(static_cast<qsizetype>(2 * (end - begin)));
    for (auto it = begin; it != end; ++it) {
        const bool rising = it->close >= it->open;
        const QPen& pen = rising ? mPenPositive : mPenNegative;
        const bool penShown = pen.style() != Qt::NoPen;
        const bool penIsFill = penShown && pen.color() == (rising ? mBrushPositive : mBrushNegative).color();
        QVector<QRect>& penRects = rects[rising ? 0 : 2];
        QVector<QRect>& fillRects = rects[rising ? 1 : 3];
        const double x = keyAxis->coordToPixel(it->key);
        const double yBodyTop = valueAxis->coordToPixel(std::max(it->open, it->close));
        const double yBodyBottom = valueAxis->coordToPixel(std::min(it->open, it->close));
        const int kx = qRound(x);
        // QCustomPlot's two 1 px wicks (high to the body, body to the low) as one column.
        if (penShown) {
            const int yHigh = qRound(valueAxis->coordToPixel(it->high)), yLow = qRound(valueAxis->coordToPixel(it->low));
            penRects.append(QRect(kx, std::min(yHigh, yLow), 1, std::abs(yLow - yHigh) + 1));
        }
        // The body: the brush inside the rounded corners, the 1 px pen on them.
        const double half = std::fabs(getPixelWidth(it->key, x));
        const int x1 = qRound(x - half), x2 = qRound(x + half);
        const int y1 = qRound(std::min(yBodyTop, yBodyBottom)), y2 = qRound(std::max(yBodyTop, yBodyBottom));
        if (!penShown) {
            fillRects.append(QRect(QPoint(x1, y1), QPoint(x2 - 1, y2 - 1)));
        } else if (penIsFill) {
            penRects.append(QRect(QPoint(x1, y1), QPoint(x2, y2)));
        } else {
            fillRects.append(QRect(QPoint(x1, y1), QPoint(x2 - 1, y2 - 1)));
            penRects.append(QRect(x1, y1, x2 - x1 + 1, 1));
            penRects.append(QRect(x1, y2, x2 - x1 + 1, 1));
            penRects.append(QRect(x1, y1, 1, y2 - y1 + 1));
            penRects.append(QRect(x2, y1, 1, y2 - y1 + 1));
        }
    }
    // Wicks under bodies, as QCustomPlot draws them. Opaque colours fill without threads; keep
    // translucent ones in slices too.
    for (int k : {0, 1, 2, 3}) {
        const QColor c = (k == 0       ? mPenPositive.color()
                              : k == 1 ? mBrushPositive.color()
                              : k == 2 ? mPenNegative.color()
                                       : mBrushNegative.color());
        if (c.alpha() == 255) {
            fillRects(painter, rects[k], c);
        } else {
            QVector<QRect> sliced;
            for (const QRect& r : rects[k]) appendSerialRects(sliced, r, false);
            fillRects(painter, sliced, c);
        }
    }
}

// ---- bars ------------------------------------------------------------------------------------
void BarsPlottable::draw(QCPPainter* painter) {
    QCPAxis* keyAxis = mKeyAxis.data();
    if (keyAxis == nullptr || mValueAxis.isNull() || mDataContainer->isEmpty()) return;
    applyDefaultAntialiasingHint(painter);
    if (mBarsGroup != nullptr || !mBarBelow.isNull() || !mBarAbove.isNull() || mPen.style() != Qt::NoPen ||
        mBrush.style() != Qt::SolidPattern || keyAxis->orientation() != Qt::Horizontal || !mSelection.isEmpty() ||
        painter->modes().testFlag(QCPPainter::pmVectorized) || painter->testRenderHint(QPainter::Antialiasing)) {
        QCPBars::draw(painter);
        return;
    }
    QCPBarsDataContainer::const_iterator begin, end;
    getVisibleDataBounds(begin, end);
    QColor colour = mBrush.color();
    if (colour.alpha() < 255 && m_backdrop.isValid() && m_backdrop.alpha() == 255) {
        const double a = colour.alphaF();
        auto mix = [a](double over, double under) { return over * a + under * (1 - a); };
        colour = QColor::fromRgbF(static_cast<float>(mix(colour.redF(), m_backdrop.redF())),
                                  static_cast<float>(mix(colour.greenF(), m_backdrop.greenF())),
                                  static_cast<float>(mix(colour.blueF(), m_backdrop.blueF())));
    }
    QVector<QRect> rects;
    rects.reserve(static_cast<qsizetype>(end - begin) * 2);
    for (auto it = begin; it != end; ++it) {
        const QRectF r = getBarRect(it->key, it->value);
        // The pixels a non-antialiased polygon of r covers (centres inside).
        const QRect px(QPoint(qRound(r.left()), qRound(r.top())), QPoint(qRound(r.right()) - 1, qRound(r.bottom()) - 1));
        appendSerialRects(rects, px, colour.alpha() == 255);
    }
    fillRects(painter, rects, colour);
}

// ---- lines -----------------------------------------------------------------------------------
void LinePlottable::drawLinePlot(QCPPainter* painter, const QVector<QPointF>& lines) const {
    if (painter->pen().style() == Qt::NoPen || painter->pen().color().alpha() == 0) return;
    applyDefaultAntialiasingHint(painter);
    if (!painter->modes().testFlag(QCPPainter::pmVectorized) && qFuzzyCompare(painter->pen().widthF(), 1.0)) {
        QPen cosmetic = painter->pen();  // as QCustomPlot does: same look, the fast stroker
        cosmetic.setWidth(0);
        painter->setPen(cosmetic);
    }
    const qsizetype n = lines.size();
    qsizetype i = 0;
    while (i < n) {
        while (i < n && isNanPoint(lines[i])) ++i;
        qsizetype j = i;
        while (j < n && !isNanPoint(lines[j])) ++j;
        if (j - i >= 2) painter->drawPolyline(lines.constData() + i, static_cast<int>(j - i));
        i = j;
    }
}

// ---- levels ----------------------------------------------------------------------------------
void LevelLine::draw(QCPPainter* painter) {
    const QPointF a = point1->pixelPosition(), b = point2->pixelPosition();
    const QPen pen = mainPen();
    const bool dashed = pen.style() == Qt::DashLine || pen.style() == Qt::DotLine || pen.style() == Qt::DashDotLine ||
        pen.style() == Qt::DashDotDotLine || pen.style() == Qt::CustomDashLine;
    if (std::fabs(a.y() - b.y()) > 1e-9 || (pen.style() != Qt::SolidLine && !dashed) || pen.widthF() > 1.0 ||
        painter->modes().testFlag(QCPPainter::pmVectorized)) {
        QCPItemStraightLine::draw(painter);
        return;
    }
    const QRect clip = clipRect();
    const int y = qRound(a.y());
    if (y < clip.top() || y > clip.bottom()) return;
    const QColor colour = pen.color();
    if (!dashed) {
        painter->fillRect(QRect(clip.left(), y, clip.width(), 1), colour);
        return;
    }
    if (m_tile.isNull() || m_tilePen != pen) {
        // One period of the pattern (on, off, ... in pen widths: 1 px here) as a texture.
        const QVector<qreal> pattern = pen.dashPattern();
        double period = 0;
        for (qreal v : pattern) period += v;
        if (pattern.size() < 2 || period < 1 || period > 1000) {
            QCPItemStraightLine::draw(painter);
            return;
        }
        // Many periods wide: Qt blends a texture one tile width at a time.
        const int periodPx = qRound(period);
        m_tile = QImage(periodPx * std::max(1, 2048 / periodPx), 1, QImage::Format_ARGB32_Premultiplied);
        m_tile.fill(Qt::transparent);
        const QRgb on = qPremultiply(colour.rgba());
        auto* row = reinterpret_cast<QRgb*>(m_tile.scanLine(0));
        for (int start = 0; start < m_tile.width(); start += periodPx) {
            double x = start;
            for (qsizetype k = 0; k + 1 < pattern.size(); k += 2) {
                for (int i = qRound(x); i < std::min(m_tile.width(), qRound(x + pattern[k])); ++i) row[i] = on;
                x += pattern[k] + pattern[k + 1];
            }
        }
        m_tilePen = pen;
    }
    painter->setBrushOrigin(QPointF(clip.left(), y));
    painter->fillRect(QRect(clip.left(), y, clip.width(), 1), QBrush(m_tile));
}

}  // namespace kairos::charts
