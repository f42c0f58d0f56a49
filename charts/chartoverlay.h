#pragma once
// What a CandleChart paints itself (candlechart.cpp) rather than through QCustomPlot
// plottables: the grid and axis lines of every pane as 1 px fills, and the overlay layer with
// the drawings, signal arrows, order lines, the last-price marker with its countdown, the
// crosshair and the legend.
//
// GUI thread only.

#include "chartindicatorpanes.h"

#include <QColor>
#include <QFont>
#include <QHash>
#include <QRectF>
#include <QStaticText>
#include <QString>

#include <cstdint>
#include <utility>
#include <vector>

class QCPPainter;
class QFontMetricsF;

namespace kairos::charts::detail {

struct ChartCore;
struct ChartDrawingsController;
struct ChartOrderLines;
struct ChartSignalMarkers;

class ChartOverlay {
public:
    ChartOverlay(ChartCore& core, ChartIndicatorPanes& indicators, ChartDrawingsController& drawings, ChartSignalMarkers& markers,
                 ChartOrderLines& orderLines)
        : m_core(core), m_indicators(indicators), m_drawings(drawings), m_markers(markers), m_orderLines(orderLines) {}

    /// Adds the layerables that paint the grid, the axis lines and the overlay to the plot (which
    /// owns them). Call once, before the volume pane exists, so that they draw in the same order.
    void install();
    /// The indicator whose legend entry was drawn at `pos` in the last frame, or 0.
    int legendIndicatorAt(QPointF pos) const;

private:
    /// Segments of text drawn left to right in their colours.
    struct Segment {
        QString text;
        QColor colour;
        bool bold = false;
        bool glued = false;  ///< stays on the line of the segment before (a value after its key)
    };
    /// A laid-out text: shaping once per distinct string instead of once per frame (the legend
    /// is redrawn on every frame and mouse move, and its strings rarely change).
    struct TextRun {
        QStaticText text;
        double advance = 0;
    };

    /// Grid lines of every pane at its axes' ticks, as QCPGrid draws them (1 px, at the rounded
    /// tick pixel, inside the pane), with one rectangle fill each.
    void drawGrid(QCPPainter* p) const;
    /// The axis lines (pane separators) and tick marks at the pixels QCPAxis draws them
    /// (QCPAxisPainterPrivate::draw: bottom at rect bottom + offset, right one right of the rect,
    /// top one above it; ticks from length-in inside to length-out outside), as 1 px fills.
    void drawAxisLines(QCPPainter* p) const;
    /// The overlay layer: drawings, markers, order lines, price marker, crosshair, legend.
    void paint(QCPPainter* p);
    void drawPriceMarker(QCPPainter* p, const QFontMetricsF& fm) const;
    void drawCrosshair(QCPPainter* p, const QFontMetricsF& fm) const;
    const TextRun& textRun(const QString& s, const QFont& font, bool bold);
    /// Draws the segments from `at`, going on at `at.x()` one `lineHeight` lower where the next
    /// segment (with those glued to it) would pass `maxX` (narrow charts and panes: the legend
    /// wraps instead of running under the price axis). Returns the box drawn over.
    QRectF drawSegments(QCPPainter* p, QPointF at, const std::vector<Segment>& segs, double maxX, double lineHeight);
    /// The bar the legend describes: under the mouse, at the synchronised crosshair, else the last.
    std::int64_t legendIndex() const;
    /// "EMA 20  2345.67" for one indicator at the legend's bar, wrapped at `maxX`; records where it
    /// was drawn and returns the y below it.
    double drawIndicatorLegend(QCPPainter* p, QPointF at, const ChartIndicatorPanes::ChartIndicator& ci, std::int64_t idx,
                               double maxX, double lineHeight);
    void drawLegend(QCPPainter* p, const QFontMetricsF& fm);

    ChartCore& m_core;
    ChartIndicatorPanes& m_indicators;
    ChartDrawingsController& m_drawings;
    ChartSignalMarkers& m_markers;
    ChartOrderLines& m_orderLines;
    // Legend entries' rectangles from the last paint, for double-click editing.
    std::vector<std::pair<int, QRectF>> m_legendHits;
    QFont m_textCacheFont;
    QHash<QString, TextRun> m_textCache[2];  // regular, bold
};

}  // namespace kairos::charts::detail
