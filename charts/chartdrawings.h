#pragma once
// Painting and hit-testing of chart drawings (storage/drawingstore.h holds the model: kind,
// anchors in (bar open time ms, price), colour string, width, text). The chart owns the
// interaction (chartinteraction.cpp, chartdrawingscontroller.cpp); this file knows only how a
// drawing looks at a given mapping from anchors to pixels, so it is testable and shared by the
// export.

#include "storage/drawingstore.h"

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <functional>

class QPainter;

namespace kairos::charts {

/// Where the price pane is and how anchors map to pixels (plot widget coordinates).
struct DrawingGeometry {
    QRectF rect;                                                        ///< the price pane's inner rectangle
    std::function<double(std::int64_t timeMs)> xOfTime;                 ///< pixel x of a bar open time
    std::function<double(double price)> yOfPrice;                       ///< pixel y of a price
    std::function<double(std::int64_t a, std::int64_t b)> barsBetween;  ///< bars from a to b (signed)
    std::function<QString(double price)> formatPrice;
    QColor textColour;  ///< labels
    QColor background;  ///< behind text notes
    QColor selection;   ///< handles of the selected drawing
    QColor up, down;    ///< measure colours

    QPointF pixel(const storage::DrawingAnchor& a) const { return {xOfTime(a.timeMs), yOfPrice(a.price)}; }
};

/// Levels of a Fibonacci retracement, from the second anchor (0) to the first (1).
inline constexpr double kFibLevels[] = {0, 0.236, 0.382, 0.5, 0.618, 0.786, 1};

/// "#rrggbb" / "#aarrggbb" <-> QColor (invalid strings give an invalid colour).
QColor drawingColour(const std::string& text);
std::string drawingColourString(const QColor& colour);

/// Translated tool name ("Trend line", "Fib retracement"...) and its TradingView shortcut ("Alt+T"
/// or empty).
QString drawingKindLabel(storage::DrawingKind kind);
QString drawingKindShortcut(storage::DrawingKind kind);

/// Text of a measure: "+1,234.50 (+2.31%) 14 bars".
QString measureText(const storage::Drawing& d, const DrawingGeometry& g);

/// Paints one drawing (antialiased, clipped to g.rect by the caller). `selected` adds handles.
void paintDrawing(QPainter* p, const storage::Drawing& d, const DrawingGeometry& g, bool selected);

/// What a point hits on a drawing: an anchor handle (anchor >= 0), the body, or nothing.
struct DrawingHit {
    bool hit = false;
    int anchor = -1;
};
/// `tolerancePx` around lines; handles win over the body.
DrawingHit hitTestDrawing(const storage::Drawing& d, const DrawingGeometry& g, QPointF pos, double tolerancePx = 6);

}  // namespace kairos::charts
