#pragma once
// The state every part of CandleChart works on (candlechart.cpp): the plot and its panes, the
// series and what of it is drawn (aggregated candles over a window around the view), the view in
// logical bar indices, and the frame scheduler that redraws at most once per frame. The other
// parts (indicator panes, drawings, order lines, overlay, interaction) hold a reference to it.
//
// GUI thread only.

#include "bartimeticker.h"
#include "candlechart.h"
#include "chartplot.h"
#include "chartseries.h"
#include "ohlcaggregate.h"

#include "indicators/indicators.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace kairos::charts::detail {

inline constexpr int kFrameMs = 16;      // at most one replot per 60 Hz frame
inline constexpr int kLiveFrameMs = 33;  // ticks alone repaint at most 30 times a second
inline constexpr double kAutoScalePadding = 0.08;
inline constexpr double kMinVisibleBars = 8;
inline constexpr double kRightMarginBars = 4;
inline constexpr double kCandleWidth = 0.72;  // body width as a fraction of the bar slot
inline const QString kOverlayLayer = QStringLiteral("overlay");
inline const QString kFillLayer = QStringLiteral("fills");

struct ChartIndicatorPanes;

/// A label box on an axis (price, time, order line): filled with `bg`, text centred in `fg`.
void drawAxisLabel(QCPPainter* p, const QRectF& box, const QString& text, const QColor& bg, const QColor& fg);

struct ChartCore {
    enum class PaneKind : std::uint8_t { Price = 1, Volume, Indicator };
    struct Pane {
        QCPAxisRect* rect = nullptr;
        PaneKind kind = PaneKind::Price;
        double stretch = 1;
        int indicatorId = 0;
    };
    enum Dirty : int { DirtyOverlay = 1, DirtyFull = 2 };
    enum class Zone : std::uint8_t { None = 1, Plot, PriceAxis, TimeAxis };

    CandleChart* q;
    ChartPlot* plot;
    ChartIndicatorPanes* indicators = nullptr;  ///< set by the chart; fed on every display change
    ChartSeries series;
    // Heikin-Ashi columns (kept in step with the series while the type is Heikin-Ashi).
    std::vector<double> haOpen, haHigh, haLow, haClose;
    indicators::HeikinAshi haStream;
    bool haValid = false;

    ChartType type = ChartType::Candles;
    ChartTheme theme = ChartTheme::dark();
    Timeframe tf = Timeframe::H1;
    InstrumentId instrument;
    QString title;
    bool volumeVisible = true;

    // View, in logical bar indices.
    double left = -1, right = 120;
    bool autoScale = true;
    int defaultVisible = 120;
    bool historyRequested = false;

    std::vector<Pane> panes;  // panes[0] is the price pane
    QCPMarginGroup* marginGroup = nullptr;
    QSharedPointer<BarTimeTicker> timeTicker;
    QCPFinancial* candles = nullptr;
    QCPGraph* line = nullptr;
    BarsPlottable* volUp = nullptr;
    BarsPlottable* volDown = nullptr;

    // What is drawn: aggregated (or 1:1) candles over the window [winFrom, winTo].
    std::vector<OhlcBucket> display;
    std::int32_t bucket = 1;
    std::int64_t winFrom = 0, winTo = -1;
    bool displayValid = false;

    // Frames.
    QTimer frameTimer;
    QElapsedTimer sinceFrame;
    int dirty = 0;
    int frames = 0;
    QTimer countdownTimer;
    std::function<std::int64_t()> clock = [] { return QDateTime::currentMSecsSinceEpoch(); };
    bool exporting = false;  ///< a frame for exportPng(): no crosshair, no selection handles

    // The crosshair: the mouse over the plot, or a time from a synchronised chart.
    bool mouseInside = false;
    QPointF mouse;
    std::int64_t syncedCrosshairMs = -1;

    explicit ChartCore(CandleChart* chart) : q(chart), plot(new ChartPlot(chart)) {}

    // ---- construction --------------------------------------------------------------------
    /// The price pane with its candles and line; the volume pane comes with setVolumeVisible().
    void setupPlot();
    void setupRect(QCPAxisRect* r);
    QCPAxisRect* priceRect() const { return panes.front().rect; }
    QCPAxis* xAxis(const QCPAxisRect* r) const { return r->axis(QCPAxis::atBottom); }
    QCPAxis* yAxis(const QCPAxisRect* r) const { return r->axis(QCPAxis::atRight); }
    QCPAxisRect* volumeRect() const;
    void setVolumeVisible(bool on);
    void relayoutPanes();
    void styleRect(QCPAxisRect* r) const;
    /// The plot's colours (the drawing toolbar has its own: ChartDrawingsController).
    void applyTheme();

    // ---- frames ---------------------------------------------------------------------------
    /// Schedules one frame for everything dirty so far, `minIntervalMs` after the previous one at
    /// the earliest. Interaction uses a 60 Hz frame; live ticks 30 Hz, which halves the GUI
    /// thread's drawing under a heavy feed while a price still moves smoothly to the eye.
    void requestFrame(int what, int minIntervalMs = kFrameMs);
    void frame(QCustomPlot::RefreshPriority refresh);

    // ---- data -> what is drawn ------------------------------------------------------------
    double plotWidthPx() const;
    OhlcColumns columns() const;
    void rebuildHeikinAshi();
    void updateHeikinAshi(ChartSeries::Update u);
    double keyOf(const OhlcBucket& b) const;
    void syncDisplay();
    void fillPlottables();
    /// The newest bar changed (revised or appended): patch what is drawn without a rebuild.
    void patchLast();
    /// Display entries that intersect the visible bars [ceil(left), floor(right)].
    std::pair<std::size_t, std::size_t> visibleDisplay() const;
    void applyRanges();

    // ---- view -----------------------------------------------------------------------------
    void clampView();
    void viewChanged();
    bool atLatest() const { return right >= static_cast<double>(series.lastIndex()) + 0.5; }
    int paneAt(const QPointF& pos, bool includeAxis) const;
    Zone zoneAt(const QPointF& pos) const;
    double indexAtPixel(double x) const { return xAxis(priceRect())->pixelToCoord(x); }
    /// The drawn candle under logical index x (a bucket when aggregated), or nullptr.
    const OhlcBucket* displayAt(double x) const;
    /// The centre of the drawn candle at logical index x.
    double snappedX(double x) const;
    QString formatPrice(double v) const { return QString::number(v, 'f', series.priceDecimals()); }
};

}  // namespace kairos::charts::detail
