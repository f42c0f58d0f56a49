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

// ---- the frame buffer ------------------------------------------------------------------------
/// The one paint buffer of a ChartPlot: opaque, cleared to the plot's background colour (so the
/// widget needs no background fill and the copy to it needs no blending).
class FrameBuffer final : public QCPAbstractPaintBuffer {
public:
    FrameBuffer(ChartPlot* plot, const QSize& size, double devicePixelRatio)
        : QCPAbstractPaintBuffer(size, devicePixelRatio), m_plot(plot) {
        FrameBuffer::reallocateBuffer();
    }

    QCPPainter* startPainting() override {
        m_plot->m_paintingFrame = true;
        return new QCPPainter(&m_image);
    }
    void donePainting() override { m_plot->m_paintingFrame = false; }
    void draw(QCPPainter* painter) const override { painter->drawImage(QPointF(0, 0), m_image); }
    void clear(const QColor&) override { m_image.fill(background()); }

protected:
    void reallocateBuffer() override {
        setInvalidated();
        const QSize pixels = (QSizeF(mSize) * mDevicePixelRatio).toSize().expandedTo(QSize(1, 1));
        m_image = QImage(pixels, QImage::Format_RGB32);
        m_image.setDevicePixelRatio(mDevicePixelRatio);
        m_image.fill(background());
    }

private:
    QColor background() const {
        const QBrush& b = m_plot->mBackgroundBrush;
        return b.style() == Qt::SolidPattern ? b.color() : QColor(Qt::white);
    }

    ChartPlot* m_plot;
    QImage m_image;
};

ChartPlot::ChartPlot(QWidget* parent) : QCustomPlot(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);  // the frame buffer covers the whole widget
    mPaintBuffers.clear();
    mPaintBuffers.append(QSharedPointer<QCPAbstractPaintBuffer>(new FrameBuffer(this, viewport().size(), mBufferDevicePixelRatio)));
}

void ChartPlot::setOverlayPainter(std::function<void(QCPPainter*)> paint) { m_overlay = std::move(paint); }

void ChartPlot::paintEvent(QPaintEvent* event) {
    if (!qFuzzyCompare(mBufferDevicePixelRatio, devicePixelRatioF())) {
        QCustomPlot::paintEvent(event);  // adapts the buffers and queues a replot
        return;
    }
    QCPPainter painter(this);
    if (!painter.isActive()) return;
    const bool opaque = !mPaintBuffers.isEmpty() && dynamic_cast<FrameBuffer*>(mPaintBuffers.first().data()) != nullptr;
    if (!opaque) {
        // Another layer mode made QCustomPlot add its own buffers: compose as it does.
        if (mBackgroundBrush.style() != Qt::NoBrush) painter.fillRect(mViewport, mBackgroundBrush);
        drawBackground(&painter);
    }
    for (int i = 0; i < mPaintBuffers.size(); ++i) {
        painter.setCompositionMode(i == 0 && opaque ? QPainter::CompositionMode_Source : QPainter::CompositionMode_SourceOver);
        mPaintBuffers.at(i)->draw(&painter);
    }
    painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
    if (m_overlay) {
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setClipRect(mViewport);
        m_overlay(&painter);
    }
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
        const QColor c = (k == 0 ? mPenPositive.color() : k == 1 ? mBrushPositive.color() : k == 2 ? mPenNegative.color() : mBrushNegative.color());
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
    const QColor colour = mBrush.color();
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
