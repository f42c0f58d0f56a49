#pragma once
// The mouse and keyboard of a CandleChart (candlechart.cpp): wheel zoom, panning, scaling on the
// axes, placing, selecting and dragging drawings, dragging order lines, the crosshair, signal
// tooltips, the chart's keys and its context menu.
//
// GUI thread only.

#include <qcustomplot.h>

#include <QPointF>

#include <cstdint>

class QContextMenuEvent;
class QEvent;
class QKeyEvent;
class QMouseEvent;
class QWheelEvent;

namespace kairos::charts::detail {

struct ChartCore;
struct ChartDrawingsController;
struct ChartOrderLines;
struct ChartSignalMarkers;
class ChartOverlay;

class ChartInteraction {
public:
    /// What a press on the chart started.
    enum class Drag : std::uint8_t { None = 1, Pan, PriceScale, TimeScale, Place, MoveDrawing, MoveAnchor, OrderLine };

    ChartInteraction(ChartCore& core, ChartDrawingsController& drawings, ChartOrderLines& orderLines, ChartSignalMarkers& markers,
                     const ChartOverlay& overlay)
        : m_core(core), m_drawings(drawings), m_orderLines(orderLines), m_markers(markers), m_overlay(overlay) {}

    /// A mouse event on the plot; true when the chart consumed it.
    bool handleMouse(QEvent* event);
    /// ShortcutOverride: true when the chart claims the key (its Alt shortcuts, copy/paste and
    /// delete of drawings) before the window's menus and shortcuts take it.
    bool claimsShortcut(const QKeyEvent* event) const;
    /// The chart's keys (README "Chart controls"); false when the key is not the chart's.
    bool handleKey(const QKeyEvent* event);
    void showContextMenu(const QContextMenuEvent* event);
    /// The order lines were replaced: a drag of one of them ends.
    void cancelOrderLineDrag();

private:
    bool press(const QMouseEvent* e);
    /// A press on the price pane: places a drawing's anchor, grabs an order line or a drawing.
    /// False when it hit none of them (the press then pans).
    bool pressOnPricePane(const QMouseEvent* e);
    void move(const QMouseEvent* e);
    /// Continues a drag; false when no drag is under way.
    bool dragTo(QPointF pos);
    /// No drag: the cursor for what is under it, the tooltip of a signal arrow.
    void hover(const QMouseEvent* e);
    void release(const QMouseEvent* e);
    void doubleClick(const QMouseEvent* e);
    void wheel(const QWheelEvent* e);
    void emitCrosshair();

    ChartCore& m_core;
    ChartDrawingsController& m_drawings;
    ChartOrderLines& m_orderLines;
    ChartSignalMarkers& m_markers;
    const ChartOverlay& m_overlay;
    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    double m_pressLeft = 0, m_pressRight = 0;
    QCPRange m_pressY;
};

}  // namespace kairos::charts::detail
