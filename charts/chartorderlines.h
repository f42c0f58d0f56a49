#pragma once
// The order and position lines of a CandleChart (candlechart.cpp): painting them on the price
// pane with their labels, and dragging the draggable ones (SL/TP of paper orders), which reports
// CandleChart::orderLineMoved() on release.
//
// GUI thread only.

#include "candlechart.h"

#include <QPointF>

#include <vector>

class QCPPainter;
class QFontMetricsF;

namespace kairos::charts::detail {

struct ChartCore;

struct ChartOrderLines {
    ChartCore& core;
    std::vector<OrderLine> lines;
    int dragged = -1;  ///< index into lines

    explicit ChartOrderLines(ChartCore& chart) : core(chart) {}

    /// Replaces the lines; a drag in progress ends without a report.
    void set(const std::vector<OrderLine>& list);
    /// The draggable line within 4 px of `pos` vertically, or -1.
    int lineAt(QPointF pos) const;
    /// Starts dragging line `index` (from lineAt()).
    void beginDrag(int index) { dragged = index; }
    bool isDragging() const { return dragged >= 0; }
    /// The dragged line follows the mouse.
    void dragTo(QPointF pos);
    /// The button went up: reports the dragged line's new price.
    void endDrag();
    /// Lines across the price pane, a label with the price at the left end and on the price axis.
    void paint(QCPPainter* p, const QFontMetricsF& fm) const;
};

}  // namespace kairos::charts::detail
