#pragma once
// Signal arrows on the price pane of a CandleChart (candlechart.cpp): LONG below the bar's low,
// SHORT above its high, HOLD not drawn; and which arrow is under the mouse (for its tooltip).
//
// GUI thread only.

#include "signals/signalengine.h"

#include <QPointF>
#include <QRectF>

#include <vector>

class QCPPainter;

namespace kairos::charts::detail {

struct ChartCore;

struct ChartSignalMarkers {
    ChartCore& core;
    std::vector<signal::Signal> list;

    explicit ChartSignalMarkers(ChartCore& chart) : core(chart) {}

    /// The signal whose arrow is under a pixel, or nullptr.
    const signal::Signal* signalAt(QPointF pos) const;
    /// The arrow's box for a signal in the current view; false when it is not drawn.
    bool arrowBox(const signal::Signal& s, QRectF& box) const;
    void paint(QCPPainter* p) const;
};

}  // namespace kairos::charts::detail
