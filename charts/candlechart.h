#pragma once
// CandleChart: the price chart widget, on QCustomPlot.
//
// - x axis by bar index (weekends and outages leave no holes) with UTC time labels at round
//   times; price axis on the right with the last-price marker and a countdown to the bar's close.
// - candles, OHLC bars, line or Heikin-Ashi; a volume pane; y auto-scales to the visible bars.
// - When bars outnumber pixel columns they are drawn as exact OHLC aggregates, one candle per
//   column (ohlcaggregate.h), so a million bars draw as fast as a thousand.
// - Live: updateLastBar() changes only the data; the picture is redrawn at most once per frame
//   (16 ms) however many ticks arrive.
// - Mouse: wheel zooms at the cursor, drag pans, drag on the price axis scales prices, drag on
//   the time axis zooms time, double-click resets (on the price axis: back to auto-scale).
//   Keyboard: see ChartInteraction::handleKey (chartinteraction.cpp) and README ("Chart controls").
//
// Bars are addressed by logical index (chartseries.h): older history loaded later gets negative
// indices, so the view does not jump when it arrives.

#include "chartindicators.h"
#include "charttheme.h"
#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "signals/signalengine.h"
#include "storage/drawingstore.h"

#include <QWidget>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QCPGraph;

namespace kairos::charts {

class ChartSeries;
class IndicatorPicker;

/// A horizontal trading line on the price pane: an order's entry, a position's stop or target.
struct OrderLine {
    enum class Kind : std::uint8_t { Entry = 1, StopLoss, TakeProfit, Order };
    int id = 0;  ///< the caller's key; reported back by orderLineMoved()
    Kind kind = Kind::Entry;
    double price = 0;
    QString label;           ///< shown at the left end ("Long 0.5", "SL", "TP1"); the price is added
    bool draggable = false;  ///< SL/TP of paper orders: the user may drag the line
};

/// How bars are drawn. Alt+1 / Alt+2 / Alt+3 / Alt+4 (MetaTrader's keys, plus Heikin-Ashi).
enum class ChartType : std::uint8_t { Bars = 1, Candles, Line, HeikinAshi };
QString toString(ChartType type);

class CandleChart : public QWidget {
    Q_OBJECT
public:
    explicit CandleChart(QWidget* parent = nullptr);
    ~CandleChart() override;

    // ---- data ------------------------------------------------------------------------------
    /// Replaces the series (bars in increasing open time) and resets the view to the latest bars.
    void setBars(const std::vector<Bar>& bars);
    /// Adds older history in front without moving the view (bars not older than the loaded
    /// ones are skipped). Returns how many bars were added.
    std::size_t prependBars(const std::vector<Bar>& bars);
    /// A live update: the same open time as the last bar revises it in place (the forming bar);
    /// a later open time appends a bar. The data changes at once; the picture on the next frame.
    void updateLastBar(const Bar& bar);
    int barCount() const;
    const ChartSeries& series() const;

    /// What the chart shows (for the legend, the drawings and the countdown to bar close).
    void setInstrument(const InstrumentId& id);
    InstrumentId instrument() const;
    void setTimeframe(Timeframe tf);
    Timeframe timeframe() const;
    void setTitle(const QString& title);

    // ---- look ------------------------------------------------------------------------------
    void setChartType(ChartType type);
    ChartType chartType() const;
    void setTheme(const ChartTheme& theme);
    const ChartTheme& theme() const;
    void setVolumeVisible(bool visible);
    bool isVolumeVisible() const;

    // ---- indicators ------------------------------------------------------------------------
    /// Adds an indicator: overlays draw on the price pane, the others in a pane of their own
    /// below (sharing the time axis and the crosshair). Returns its id (> 0), or 0 when the
    /// name is unknown. Parameters are clamped to their ranges.
    int addIndicator(const IndicatorConfig& config);
    /// New parameters/colours for an indicator; false when there is no such id.
    bool updateIndicator(int id, const IndicatorConfig& config);
    bool removeIndicator(int id);
    void clearIndicators();
    /// Ids in the order added.
    std::vector<int> indicatorIds() const;
    IndicatorConfig indicatorConfig(int id) const;
    /// The values behind an indicator (nullptr when there is no such id).
    const IndicatorValues* indicatorValues(int id) const;
    /// The pane an indicator draws in (the price pane for overlays), or nullptr.
    QCPAxisRect* indicatorRect(int id) const;
    /// The graph drawing output `output` of an indicator (nullptr for histograms or no such id).
    QCPGraph* indicatorGraph(int id, int output) const;
    /// Opens the searchable indicator menu (key '/'); what is chosen there is added with its
    /// defaults. The menu deletes itself when closed.
    IndicatorPicker* openIndicatorPicker();
    /// Opens the "Custom formula…" dialog and adds what the user typed (a pane of its own, or the
    /// price pane when `overlay`); returns the new id, 0 when cancelled. Formula configs can also
    /// go straight to addIndicator(IndicatorConfig::fromFormula(...)), which refuses (0) a formula
    /// that does not parse.
    int addFormulaIndicator(bool overlay = false);
    /// Opens the parameter/colour dialog of an indicator (double-click on its legend entry);
    /// returns whether the user accepted.
    bool editIndicator(int id);

    // ---- drawings --------------------------------------------------------------------------
    // Anchors are (bar open time UTC ms, price): drawings stay put across timeframe changes.
    // The user draws with the toolbar on the left, the Alt shortcuts (T trend line, H horizontal,
    // V vertical, F Fibonacci) or Shift+click (measure); clicks select, drags move a drawing or
    // one anchor, Ctrl+drag clones, Ctrl+C / Ctrl+V copy and paste the selected drawing, Delete
    // removes, double-click or the context menu edits colour, width and text.
    /// Arms a tool (the next clicks on the price pane place its anchors); nullopt disarms.
    void setDrawingTool(std::optional<storage::DrawingKind> kind);
    std::optional<storage::DrawingKind> drawingTool() const;
    /// Magnet: anchors placed or dragged snap to the nearest open/high/low/close of the bar under
    /// the cursor (in pixels).
    void setMagnet(bool on);
    bool magnet() const;
    /// The drawings, in z-order (the last drawn on top). Indices below are into this list.
    const std::vector<storage::Drawing>& drawings() const;
    /// Replaces all drawings (e.g. loaded by the caller); invalid ones are skipped.
    void setDrawings(const std::vector<storage::Drawing>& drawings);
    /// Adds a drawing; returns its index, or -1 when it does not validate (storage::validate).
    int addDrawing(const storage::Drawing& drawing);
    bool updateDrawing(int index, const storage::Drawing& drawing);
    bool removeDrawing(int index);
    void clearDrawings();
    /// Selected drawing index, or -1.
    int selectedDrawing() const;
    void selectDrawing(int index);
    /// Opens the properties dialog (colour, width, text) of a drawing; whether it was accepted.
    bool editDrawing(int index);
    /// Pixel (in plot() coordinates) of an anchor in the current view.
    QPointF anchorToPixel(const storage::DrawingAnchor& anchor) const;
    /// The anchor a click at `pixel` (plot() coordinates) places, with the magnet if it is on.
    storage::DrawingAnchor pixelToAnchor(QPointF pixel) const;
    /// Persistence: with a store, the drawings of the instrument are loaded by setInstrument()
    /// and every change by the user (or the calls above) is written back at once. The store
    /// must outlive the chart or be unset first. nullptr: drawings live in memory only.
    void setDrawingStore(storage::DrawingStore* store);
    /// Problems of the last load or save (rows skipped, write errors), for the status bar/log.
    QStringList drawingProblems() const;
    /// Shows or hides the drawing toolbar on the left (shown by default).
    void setDrawingToolbarVisible(bool visible);

    // ---- markers -----------------------------------------------------------------------------
    /// Signal arrows: LONG below the bar's low (up arrow), SHORT above its high (down arrow), HOLD
    /// not drawn; hovering shows side, confidence, levels and reasons. Replaces earlier ones.
    void setSignals(const std::vector<signal::Signal>& list);
    const std::vector<signal::Signal>& signalMarkers() const;
    /// The text of the tooltip for a signal (also used by tests).
    static QString signalTooltip(const signal::Signal& s, int priceDecimals);
    /// Order/position lines; replaces earlier ones. Draggable lines report orderLineMoved() when
    /// the user releases them.
    void setOrderLines(const std::vector<OrderLine>& lines);
    const std::vector<OrderLine>& orderLines() const;

    // ---- export ------------------------------------------------------------------------------
    /// Writes the chart as it is now (all panes, axes, drawings and markers, no crosshair) as a
    /// PNG of the plot's size. False (with a log line) when the file cannot be written.
    bool exportPng(const QString& path);

    // ---- view ------------------------------------------------------------------------------
    /// Shows logical bar indices [left, right] (fractions allowed); clamped to sensible limits.
    void setVisibleRange(double left, double right);
    double visibleLeft() const;
    double visibleRight() const;
    /// The latest `defaultVisibleBars()` bars with a small right margin, prices auto-scaled.
    void resetView();
    int defaultVisibleBars() const;
    void setDefaultVisibleBars(int bars);
    /// Moves the view by `bars` (positive: towards newer bars).
    void scrollBars(double bars);
    /// Zooms time by `factor` (< 1 zooms in) keeping logical index `anchor` at its pixel.
    void zoomTime(double factor, double anchor);
    /// Zooms around the view's right edge (keyboard +/-).
    void zoomTime(double factor);
    /// Auto-scale prices to the visible bars (on by default; a drag on the price axis turns it off).
    void setAutoScale(bool on);
    bool autoScale() const;
    /// Fraction of the visible price span added above and below by auto-scale.
    static double autoScalePadding();
    /// Bars per drawn candle in the current view (1 unless zoomed out past one bar per pixel).
    int barsPerCandle() const;

    /// Replaces the clock used for the countdown to bar close (UTC ms); default: the wall clock.
    /// The replay feed's clock goes here when replaying.
    void setClock(std::function<std::int64_t()> nowMs);

    // ---- rendering -------------------------------------------------------------------------
    /// Does the pending frame now (data sync, auto-scale, an immediate repaint of the plot).
    /// Normal use never needs it; tests and benchmarks do.
    void renderNow();
    /// Frames drawn so far (each is one repaint of the plot, which draws every layer: see
    /// chartplot.h).
    int frameCount() const;

    // ---- access for tests, benchmarks and integrators --------------------------------------
    QCustomPlot* plot() const;
    QCPAxisRect* priceRect() const;
    QCPAxis* priceAxis() const;       ///< the right axis of the price pane
    QCPAxis* timeAxis() const;        ///< the bottom axis of the price pane (shares every pane's range)
    QCPAxisRect* volumeRect() const;  ///< nullptr while the volume pane is hidden

Q_SIGNALS:
    /// A frame was drawn.
    void frameRendered();
    /// The visible bar range changed (by the user or programmatically).
    void visibleRangeChanged(double left, double right);
    /// The view reached past the oldest loaded bar: load history older than `oldestOpenMs`.
    void historyNeeded(std::int64_t oldestOpenMs);
    /// The crosshair moved to a bar (UTC open time) and price; timeMs < 0 when it left the chart.
    void crosshairMoved(std::int64_t timeMs, double price);
    void chartTypeChanged(kairos::charts::ChartType type);
    /// Indicators were added, removed or edited.
    void indicatorsChanged();
    /// Drawings were added, moved, edited or removed (by the user or the API).
    void drawingsChanged();
    /// The armed drawing tool changed (nullopt: none).
    void drawingToolChanged(std::optional<kairos::storage::DrawingKind> kind);
    /// The user dragged a draggable order line to `price` and released it.
    void orderLineMoved(int id, double price);

public Q_SLOTS:
    /// Shows the crosshair at a bar time (synchronised crosshairs in multi-chart layouts);
    /// timeMs < 0 hides it.
    void showCrosshairAt(std::int64_t timeMs);

protected:
    /// Claims the chart's Alt shortcuts (Alt+T/H/V/F drawing tools, Alt+1..4, Alt+R) while the
    /// chart has focus, before the window's menu mnemonics (&Trade, &Help, &View, &File) take them.
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace kairos::charts
