#pragma once
// The drawings of a CandleChart (candlechart.cpp): the list in z-order, the armed tool and the
// drawing being placed, selection, moving and cloning, the toolbar on the left, persistence in a
// DrawingStore and the properties dialog. How a drawing looks and what a point hits on it is
// chartdrawings.h; which mouse event does what is ChartInteraction.
//
// GUI thread only.

#include "chartdrawings.h"
#include "storage/drawingstore.h"

#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

class QAction;
class QCPPainter;
class QToolBar;

namespace kairos::charts::detail {

struct ChartCore;

struct ChartDrawingsController {
    ChartCore& core;
    std::vector<storage::Drawing> list;      ///< z-order: the last drawn on top
    std::optional<storage::Drawing> copied;  // Ctrl+C
    int cloneOf = -1;                        // Ctrl+drag: the drawing the dragged copy came from
    int selected = -1;
    std::optional<storage::DrawingKind> tool;
    bool magnetOn = false;
    int creating = -1;  // index of the drawing whose anchors are being placed
    int placing = 0;    // its next anchor
    // A drag of the selected drawing: the anchor dragged (-1: the body) and where it started.
    int dragAnchor = -1;
    std::vector<storage::DrawingAnchor> pressAnchors;
    double pressIndex = 0, pressPrice = 0;
    storage::DrawingStore* store = nullptr;
    QStringList problems;  ///< of the last load or save
    QToolBar* toolbar = nullptr;
    std::vector<std::pair<storage::DrawingKind, QAction*>> toolActions;
    QAction* magnetAction = nullptr;

    explicit ChartDrawingsController(ChartCore& chart);

    /// The toolbar with a button per tool and the magnet, owned by the chart widget.
    QToolBar* createToolbar();
    void styleToolbar();
    void setMagnet(bool on);

    DrawingGeometry geometry() const;
    storage::DrawingAnchor anchorAt(QPointF pos, bool useMagnet) const;
    void setTool(std::optional<storage::DrawingKind> k);
    /// Writes the drawings back to the store (ids of new ones come back) and tells listeners.
    /// A drawing still being placed is not written (finishing it writes it).
    void edited();
    /// The drawings of the chart's instrument from the store (none without one).
    void load();
    /// The drawing under a pixel (topmost first) and what of it was hit.
    std::pair<int, DrawingHit> drawingAt(QPointF pos) const;
    /// Paints every drawing on the price pane (handles on the selected one unless exporting).
    void paint(QCPPainter* p);

    // ---- the mouse (ChartInteraction) ---------------------------------------------------------
    /// A click with a tool armed: starts a drawing or places its next anchor.
    void placeAt(QPointF pos);
    /// The anchors not yet placed follow the mouse.
    void followMouse(QPointF pos);
    /// A press on the plot without a tool: selects the drawing under `pos` (a copy of it when
    /// `clone`) and remembers where the drag starts; false (and nothing selected) when none is hit.
    bool grab(QPointF pos, bool clone);
    /// Anchor drag: the grabbed anchor goes to `pos`.
    void moveAnchorTo(QPointF pos);
    /// Body drag: every anchor moves by the same number of bars and the same price difference.
    void moveDrawingBy(QPointF pos);
    /// The end of a drag of the selected drawing: saved when it moved; a clone that did not move
    /// is dropped.
    void release();

    // ---- the chart's API ----------------------------------------------------------------------
    void set(const std::vector<storage::Drawing>& drawings);
    int add(const storage::Drawing& drawing);
    bool update(int index, const storage::Drawing& drawing);
    bool remove(int index);
    void clear();
    void select(int index);
    /// The properties dialog (colour, width, text) of a drawing; the edited drawing when accepted.
    std::optional<storage::Drawing> propertiesDialog(int index);

private:
    /// An existing drawing that is not being placed.
    bool isEditable(int index) const;
    void finishCreation();
};

}  // namespace kairos::charts::detail
