#pragma once
// The QCustomPlot pieces CandleChart draws with, made cheap for a 60 Hz chart (issue 4):
//
// - ChartPlot: paints every layer straight onto the widget in its paint event. QCustomPlot draws
//   the layers into full-size translucent pixmaps (one per buffered layer) and then blends them
//   over a background fill: at 1600x900 that is ~6 MB cleared, drawn and blended per buffer per
//   frame, more than the chart itself costs now. Its replot() still works (into a 1x1 stand-in
//   buffer) but frames don't need it; toPixmap()/savePng() draw every layer as before.
// - CandlePlottable, BarsPlottable, LinePlottable, LevelLine: QCustomPlot's own types (so tests
//   and callers keep reading their data) whose draw() paints the same pixels with rectangle
//   fills and one polyline per run instead of a QPainter call per line segment.
// - appendSerialRects()/fillRects(): rectangles in one colour with one QPainter call; translucent
//   ones in slices of at most 64 rows, as Qt 6 hands a fill of 96 rows or more to its GUI thread
//   pool, which for a volume bar costs far more than it saves.
//
// GUI thread only.

#include <qcustomplot.h>

#include <functional>

namespace kairos::charts {

/// Appends `rect` to `out`, in slices of rows that Qt fills on the calling thread unless `opaque`.
void appendSerialRects(QVector<QRect>& out, const QRect& rect, bool opaque);
/// Fills rectangles in one colour with one QPainter call (sets the painter's pen and brush).
void fillRects(QPainter* painter, const QVector<QRect>& rects, const QColor& colour);

class ChartPlot : public QCustomPlot {
public:
    explicit ChartPlot(QWidget* parent = nullptr);

protected:
    /// Draws every layer straight onto the widget (QCustomPlot::draw): no frame buffer to clear,
    /// fill and copy. A frame is therefore a repaint(), not a replot().
    void paintEvent(QPaintEvent* event) override;
};

/// Candlesticks as two rectangle fills each (wick, body) in the pen colours. Other styles and
/// single-coloured candles draw as QCPFinancial does.
class CandlePlottable : public QCPFinancial {
public:
    using QCPFinancial::QCPFinancial;

protected:
    void draw(QCPPainter* painter) override;
};

/// Bars without a pen, stacking or groups drawn as rectangle fills (volume, histograms).
class BarsPlottable : public QCPBars {
public:
    using QCPBars::QCPBars;

    /// The opaque colour under the bars (the pane's background). When valid, a translucent brush
    /// is blended over it once and the bars are filled opaque: Qt fills an opaque rectangle a row
    /// at a time with a memset, a translucent one span by span, several times slower. A grid line
    /// under a bar then shows the bar over the background rather than over the grid line, a
    /// difference of a few levels of 255. Invalid (the default): blended as drawn.
    void setBackdrop(const QColor& colour) { m_backdrop = colour; }

protected:
    void draw(QCPPainter* painter) override;

private:
    QColor m_backdrop;
};

/// A graph whose line is one polyline per run of defined points (QCustomPlot draws every
/// segment with its own QPainter call), with 1 px pens cosmetic as QCustomPlot makes them.
class LinePlottable : public QCPGraph {
public:
    using QCPGraph::QCPGraph;

protected:
    void drawLinePlot(QCPPainter* painter, const QVector<QPointF>& lines) const override;
};

/// A horizontal level (RSI 30/70): dashes as 1 px rectangle fills, in the pen's colour and its
/// dash pattern, instead of a dashed pen through the stroker.
class LevelLine : public QCPItemStraightLine {
public:
    using QCPItemStraightLine::QCPItemStraightLine;

protected:
    void draw(QCPPainter* painter) override;

private:
    QImage m_tile;  ///< one period of the dash pattern, as a texture
    QPen m_tilePen;
};

}  // namespace kairos::charts
