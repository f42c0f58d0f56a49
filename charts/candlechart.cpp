#include "candlechart.h"

#include "bartimeticker.h"
#include "chartdrawings.h"
#include "chartplot.h"
#include "chartseries.h"
#include "formuladialog.h"
#include "indicatordialog.h"
#include "indicatorpicker.h"
#include "ohlcaggregate.h"

#include "indicators/indicators.h"

#include <QApplication>
#include <QCheckBox>
#include <QColorDialog>
#include <QContextMenuEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStaticText>
#include <QToolBar>
#include <QToolTip>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QTimer>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace kairos::charts {

QString toString(ChartType type) {
    switch (type) {
    case ChartType::Bars: return QStringLiteral("bars");
    case ChartType::Candles: return QStringLiteral("candles");
    case ChartType::Line: return QStringLiteral("line");
    case ChartType::HeikinAshi: return QStringLiteral("heikin-ashi");
    }
    return {};
}

namespace {

constexpr int kFrameMs = 16;              // at most one replot per 60 Hz frame
constexpr int kLiveFrameMs = 33;          // ticks alone repaint at most 30 times a second
constexpr double kAutoScalePadding = 0.08;
constexpr double kMinVisibleBars = 8;
constexpr double kRightMarginBars = 4;
constexpr double kCandleWidth = 0.72;     // body width as a fraction of the bar slot
const QString kOverlayLayer = QStringLiteral("overlay");
const QString kFillLayer = QStringLiteral("fills");

/// A QCPLayerable that paints through a callback (grid, crosshair, legend, price marker).
class PaintHook : public QCPLayerable {
public:
    PaintHook(QCustomPlot* plot, const QString& layer, std::function<void(QCPPainter*)> paint)
        : QCPLayerable(plot, layer), m_paint(std::move(paint)) {}

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override {
        painter->setRenderHint(QPainter::Antialiasing, false);
    }
    void draw(QCPPainter* painter) override { m_paint(painter); }
    QRect clipRect() const override { return mParentPlot->viewport(); }

private:
    std::function<void(QCPPainter*)> m_paint;
};

/// Volume-style labels: 1.2K, 3.4M, 5.6B.
QString compactNumber(double v) {
    const double a = std::fabs(v);
    if (a >= 1e9) return QString::number(v / 1e9, 'f', 2) + QLatin1Char('B');
    if (a >= 1e6) return QString::number(v / 1e6, 'f', 2) + QLatin1Char('M');
    if (a >= 1e3) return QString::number(v / 1e3, 'f', 2) + QLatin1Char('K');
    return QString::number(v, 'f', a >= 100 ? 0 : 2);
}

/// Value axes of stacked panes: a tick whose label would reach past the pane's top or bottom
/// edge is left out (with its grid line), so that labels of neighbouring panes never overlap.
class PaneTicker : public QCPAxisTicker {
public:
    void setAxis(const QCPAxis* axis) { m_axis = axis; }

    void generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision, QVector<double>& ticks,
                  QVector<double>* subTicks, QVector<QString>* tickLabels) override {
        QCPAxisTicker::generate(range, locale, formatChar, precision, ticks, subTicks, tickLabels);
        if (m_axis == nullptr || m_axis->axisRect() == nullptr || !m_axis->tickLabels()) return;
        const QRect r = m_axis->axisRect()->rect();
        if (r.height() < 20) return;  // before the first layout
        const double half = QFontMetricsF(m_axis->tickLabelFont()).height() / 2;
        QVector<double> keptTicks;
        QVector<QString> keptLabels;
        for (qsizetype i = 0; i < ticks.size(); ++i) {
            const double y = m_axis->coordToPixel(ticks[i]);
            if (y - half < r.top() || y + half > r.bottom() + 1) continue;
            keptTicks.append(ticks[i]);
            if (tickLabels != nullptr && i < tickLabels->size()) keptLabels.append(tickLabels->at(i));
        }
        ticks.swap(keptTicks);
        if (tickLabels != nullptr) tickLabels->swap(keptLabels);
    }

private:
    const QCPAxis* m_axis = nullptr;
};

/// Gives `axis` a pane ticker; the axis owns it (the ticker reads the axis only when asked for ticks).
void setPaneTicker(QCPAxis* axis, PaneTicker* ticker) {
    ticker->setAxis(axis);
    axis->setTicker(QSharedPointer<QCPAxisTicker>(ticker));
}

class CompactTicker : public PaneTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return compactNumber(tick); }
};

/// Indicator panes: plain numbers, large ones compact (OBV in millions).
class ValueTicker : public PaneTicker {
protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override {
        if (std::fabs(tick) >= 1e4) return compactNumber(tick);
        return QCPAxisTicker::getTickLabel(tick, locale, formatChar, precision);
    }
};

QString countdownText(std::int64_t ms) {
    const std::int64_t s = std::max<std::int64_t>(0, ms / 1000);
    const std::int64_t days = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60, sec = s % 60;
    auto two = [](std::int64_t v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    if (days > 0) return QStringLiteral("%1d %2h").arg(days).arg(h);
    if (h > 0) return two(h) + QLatin1Char(':') + two(m) + QLatin1Char(':') + two(sec);
    return two(m) + QLatin1Char(':') + two(sec);
}

}  // namespace

// =============================================================================================
struct CandleChart::Private {
    enum class PaneKind : std::uint8_t { Price = 1, Volume, Indicator };
    struct Pane {
        QCPAxisRect* rect = nullptr;
        PaneKind kind = PaneKind::Price;
        double stretch = 1;
        int indicatorId = 0;
    };
    /// One QCustomPlot plottable fed from an indicator: a graph (line, dots, or an invisible
    /// edge of a filled area) or a pair of bar series (histogram coloured by sign). `sample`
    /// gives its value for display bucket k (bars [k*n, k*n+n)).
    struct Binding {
        QCPGraph* graph = nullptr;
        QCPBars* pos = nullptr;
        QCPBars* neg = nullptr;
        int output = -1;        ///< the output drawn (-1: a fill edge)
        bool autoScale = true;  ///< counts for the pane's auto-scale
        std::function<double(std::int64_t)> sample;
    };
    struct ChartIndicator {
        int id = 0;
        IndicatorValues values;
        QCPAxisRect* rect = nullptr;
        std::vector<Binding> bindings;
        std::vector<QCPItemStraightLine*> levels;
        explicit ChartIndicator(const IndicatorConfig& c) : values(c) {}
        const IndicatorInfo& info() const { return *values.config().info(); }
        bool isOverlay() const { return info().placement == IndicatorPlacement::Overlay; }
    };
    enum Dirty : int { DirtyOverlay = 1, DirtyFull = 2 };
    enum class Drag : std::uint8_t { None = 1, Pan, PriceScale, TimeScale, Place, MoveDrawing, MoveAnchor, OrderLine };
    enum class Zone : std::uint8_t { None = 1, Plot, PriceAxis, TimeAxis };

    CandleChart* q;
    ChartPlot* plot;
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
    PaintHook* overlay = nullptr;
    PaintHook* gridHook = nullptr;
    PaintHook* axisHook = nullptr;
    std::vector<std::unique_ptr<ChartIndicator>> indicators;
    int nextIndicatorId = 1;
    // Legend entries' rectangles from the last paint, for double-click editing.
    std::vector<std::pair<int, QRectF>> legendHits;

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

    // Mouse.
    bool mouseInside = false;
    QPointF mouse;
    std::int64_t syncedCrosshairMs = -1;
    Drag drag = Drag::None;
    QPointF pressPos;
    double pressLeft = 0, pressRight = 0;
    QCPRange pressY;

    explicit Private(CandleChart* chart) : q(chart), plot(new ChartPlot(chart)) {}

    // ---- construction --------------------------------------------------------------------
    void setupPlot() {
        plot->setObjectName(QStringLiteral("ChartPlot"));
        plot->setFocusPolicy(Qt::NoFocus);
        plot->setMouseTracking(true);
        plot->setInteractions({});
        plot->setPlottingHint(QCP::phFastPolylines, true);
        plot->setPlottingHint(QCP::phCacheLabels, true);
        plot->setNoAntialiasingOnDrag(true);
        plot->installEventFilter(q);
        // ChartPlot paints every layer onto the widget; no layer needs a buffer of its own.
        plot->layer(kOverlayLayer)->setMode(QCPLayer::lmLogical);
        // Indicator fills (bands, cloud) go under the candles, as on TradingView.
        plot->addLayer(kFillLayer, plot->layer(QStringLiteral("main")), QCustomPlot::limBelow);

        timeTicker.reset(new BarTimeTicker(&series, &tf));
        // The default axis rect becomes the price pane.
        QCPAxisRect* price = plot->axisRect();
        plot->plotLayout()->setRowSpacing(0);
        marginGroup = new QCPMarginGroup(plot);
        setupRect(price);
        panes.push_back({price, PaneKind::Price, 4});

        candles = new CandlePlottable(price->axis(QCPAxis::atBottom), price->axis(QCPAxis::atRight));
        candles->setChartStyle(QCPFinancial::csCandlestick);
        candles->setTwoColored(true);
        candles->setAntialiased(false);
        candles->setWidthType(QCPFinancial::wtPlotCoords);
        line = new QCPGraph(price->axis(QCPAxis::atBottom), price->axis(QCPAxis::atRight));
        line->setAntialiased(true);
        line->setVisible(false);
        timeTicker->setAxis(price->axis(QCPAxis::atBottom));

        overlay = new PaintHook(plot, kOverlayLayer, [this](QCPPainter* p) { drawOverlay(p); });
        gridHook = new PaintHook(plot, QStringLiteral("grid"), [this](QCPPainter* p) { drawGrid(p); });
        axisHook = new PaintHook(plot, QStringLiteral("axes"), [this](QCPPainter* p) { drawAxisLines(p); });

        setVolumeVisible(true);
        applyTheme();
    }

    void setupRect(QCPAxisRect* r) {
        r->setMarginGroup(QCP::msRight, marginGroup);
        r->setAutoMargins(QCP::msRight | QCP::msBottom);
        r->setMinimumMargins(QMargins(0, 0, 0, 0));
        r->setMargins(QMargins(0, 0, 0, 0));
        r->axis(QCPAxis::atLeft)->setVisible(false);
        r->axis(QCPAxis::atLeft)->grid()->setVisible(false);
        r->axis(QCPAxis::atRight)->setVisible(true);
        // Grid lines come from drawGrid() (1 px fills instead of a stroked line per tick).
        r->axis(QCPAxis::atRight)->grid()->setVisible(false);
        r->axis(QCPAxis::atBottom)->grid()->setVisible(false);
        r->axis(QCPAxis::atRight)->setPadding(6);
        r->axis(QCPAxis::atRight)->setTickLength(0, 4);
        r->axis(QCPAxis::atRight)->setSubTicks(false);
        setPaneTicker(r->axis(QCPAxis::atRight), new PaneTicker);
        r->axis(QCPAxis::atBottom)->setTicker(timeTicker);
        r->axis(QCPAxis::atBottom)->setSubTicks(false);
        r->axis(QCPAxis::atBottom)->setTickLength(0, 4);
        r->axis(QCPAxis::atTop)->setTicks(false);
        r->axis(QCPAxis::atTop)->setTickLabels(false);
        r->setRangeDrag({});
        r->setRangeZoom({});
    }

    QCPAxisRect* priceRect() const { return panes.front().rect; }
    QCPAxis* xAxis(const QCPAxisRect* r) const { return r->axis(QCPAxis::atBottom); }
    QCPAxis* yAxis(const QCPAxisRect* r) const { return r->axis(QCPAxis::atRight); }
    QCPAxisRect* volumeRect() const {
        for (const Pane& p : panes)
            if (p.kind == PaneKind::Volume) return p.rect;
        return nullptr;
    }

    void setVolumeVisible(bool on) {
        volumeVisible = on;
        QCPAxisRect* existing = volumeRect();
        if (on && existing == nullptr) {
            auto* r = new QCPAxisRect(plot, true);
            setupRect(r);
            setPaneTicker(yAxis(r), new CompactTicker);
            yAxis(r)->ticker()->setTickCount(3);
            volUp = new BarsPlottable(xAxis(r), yAxis(r));
            volDown = new BarsPlottable(xAxis(r), yAxis(r));
            for (QCPBars* b : {volUp, volDown}) {
                b->setAntialiased(false);
                b->setWidthType(QCPBars::wtPlotCoords);
            }
            panes.insert(panes.begin() + 1, Pane{r, PaneKind::Volume, 1});
        } else if (!on && existing != nullptr) {
            plot->removePlottable(volUp);
            plot->removePlottable(volDown);
            volUp = volDown = nullptr;
            panes.erase(std::remove_if(panes.begin(), panes.end(), [](const Pane& p) { return p.kind == PaneKind::Volume; }),
                        panes.end());
            plot->plotLayout()->remove(existing);
        }
        relayoutPanes();
        applyTheme();
        displayValid = false;
    }

    void relayoutPanes() {
        QCPLayoutGrid* grid = plot->plotLayout();
        for (const Pane& p : panes)
            if (p.rect->layout() == grid) grid->take(p.rect);
        grid->simplify();
        for (std::size_t i = 0; i < panes.size(); ++i) {
            QCPAxisRect* r = panes[i].rect;
            grid->addElement(static_cast<int>(i), 0, r);
            grid->setRowStretchFactor(static_cast<int>(i), panes[i].stretch);
            const bool bottom = i + 1 == panes.size();
            r->setAutoMargins(bottom ? QCP::msRight | QCP::msBottom : QCP::msRight);
            r->setMargins(QMargins(0, 0, 0, 0));
            xAxis(r)->setTickLabels(bottom);
            xAxis(r)->setTicks(true);
            xAxis(r)->setTickLength(0, bottom ? 4 : 0);
            // The top axis line of lower panes is the separator between panes.
            r->axis(QCPAxis::atTop)->setVisible(i > 0);
        }
        grid->simplify();
    }

    void styleRect(QCPAxisRect* r) const {
        for (auto type : {QCPAxis::atBottom, QCPAxis::atRight, QCPAxis::atTop}) {
            QCPAxis* a = r->axis(type);
            // Axis lines and ticks (theme.paneSeparator) come from drawAxisLines().
            a->setBasePen(Qt::NoPen);
            a->setTickPen(Qt::NoPen);
            a->setSubTickPen(Qt::NoPen);
            a->setTickLabelColor(theme.text);
            a->setLabelColor(theme.text);
            a->grid()->setPen(QPen(theme.grid, 1));
            a->grid()->setZeroLinePen(Qt::NoPen);
        }
    }

    void applyTheme() {
        plot->setBackground(theme.background);
        if (toolbar != nullptr)
            toolbar->setStyleSheet(QStringLiteral("QToolBar { background: %1; border: none; border-right: 1px solid %2; }"
                                                  "QToolButton { color: %3; min-width: 22px; }"
                                                  "QToolButton:checked { background: %4; color: white; }")
                                       .arg(theme.background.name(), theme.paneSeparator.name(), theme.text.name(), theme.selection.name()));
        for (const Pane& p : panes) styleRect(p.rect);
        candles->setBrushPositive(theme.up);
        candles->setBrushNegative(theme.down);
        candles->setPenPositive(QPen(theme.up, 1));
        candles->setPenNegative(QPen(theme.down, 1));
        line->setPen(QPen(theme.line, 2));
        if (volUp != nullptr) {
            volUp->setBrush(theme.volumeUp);
            volUp->setPen(Qt::NoPen);
            volDown->setBrush(theme.volumeDown);
            volDown->setPen(Qt::NoPen);
            for (BarsPlottable* b : {volUp, volDown}) b->setBackdrop(theme.background);
        }
        requestFrame(DirtyFull);
    }

    // ---- frames ---------------------------------------------------------------------------
    /// Schedules one frame for everything dirty so far, `minIntervalMs` after the previous one at
    /// the earliest. Interaction uses a 60 Hz frame; live ticks 30 Hz, which halves the GUI
    /// thread's drawing under a heavy feed while a price still moves smoothly to the eye.
    void requestFrame(int what, int minIntervalMs = kFrameMs) {
        dirty |= what;
        const qint64 since = sinceFrame.isValid() ? sinceFrame.elapsed() : minIntervalMs;
        const int wait = static_cast<int>(std::max<qint64>(0, minIntervalMs - since));
        if (frameTimer.isActive() && frameTimer.remainingTime() <= wait) return;
        frameTimer.start(wait);
    }

    void frame(QCustomPlot::RefreshPriority refresh) {
        frameTimer.stop();
        if (dirty == 0) return;
        if ((dirty & DirtyFull) != 0) {
            syncDisplay();
            applyRanges();
        }
        // ChartPlot draws the whole picture in its paint event (no buffers to replot into).
        if (refresh == QCustomPlot::rpImmediateRefresh) plot->repaint();
        else plot->update();
        dirty = 0;
        sinceFrame.restart();
        ++frames;
        Q_EMIT q->frameRendered();
    }

    // ---- data -> what is drawn ------------------------------------------------------------
    double plotWidthPx() const {
        const int w = priceRect()->width();
        if (w >= 20) return w;
        return std::max(100, plot->width() - 70);  // before the first layout pass
    }

    OhlcColumns columns() const {
        const bool ha = type == ChartType::HeikinAshi && haValid;
        OhlcColumns c;
        c.origin = series.firstIndex();
        c.open = ha ? std::span<const double>(haOpen) : std::span<const double>(series.open());
        c.high = ha ? std::span<const double>(haHigh) : std::span<const double>(series.high());
        c.low = ha ? std::span<const double>(haLow) : std::span<const double>(series.low());
        c.close = ha ? std::span<const double>(haClose) : std::span<const double>(series.close());
        c.volume = series.volume();
        return c;
    }

    void rebuildHeikinAshi() {
        haValid = false;
        haOpen.clear();
        haHigh.clear();
        haLow.clear();
        haClose.clear();
        if (type != ChartType::HeikinAshi) return;
        haStream = indicators::HeikinAshi();
        const std::size_t n = series.size();
        for (auto* v : {&haOpen, &haHigh, &haLow, &haClose}) v->reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            haStream.push(series.open()[i], series.high()[i], series.low()[i], series.close()[i]);
            const auto v = haStream.value();
            haOpen.push_back(v.open);
            haHigh.push_back(v.high);
            haLow.push_back(v.low);
            haClose.push_back(v.close);
        }
        haValid = true;
    }

    void updateHeikinAshi(ChartSeries::Update u) {
        if (type != ChartType::HeikinAshi || !haValid) return;
        const std::size_t i = series.size() - 1;
        const double o = series.open()[i], h = series.high()[i], l = series.low()[i], c = series.close()[i];
        if (u == ChartSeries::Update::Appended) {
            haStream.push(o, h, l, c);
            const auto v = haStream.value();
            haOpen.push_back(v.open);
            haHigh.push_back(v.high);
            haLow.push_back(v.low);
            haClose.push_back(v.close);
        } else {
            haStream.updateLast(o, h, l, c);
            const auto v = haStream.value();
            haOpen.back() = v.open;
            haHigh.back() = v.high;
            haLow.back() = v.low;
            haClose.back() = v.close;
        }
    }

    double keyOf(const OhlcBucket& b) const {
        const std::int64_t start = floorDiv(b.firstIndex, bucket) * bucket;
        return static_cast<double>(start) + (bucket - 1) / 2.0;
    }

    void syncDisplay() {
        if (series.empty()) {
            display.clear();
            fillPlottables();
            displayValid = true;
            return;
        }
        const std::int32_t n = bucketBarsFor(right - left, plotWidthPx());
        const std::int64_t needL = std::max(static_cast<std::int64_t>(std::floor(left)), series.firstIndex());
        const std::int64_t needR = std::min(static_cast<std::int64_t>(std::ceil(right)), series.lastIndex());
        if (displayValid && n == bucket && needL >= winFrom && needR <= winTo) return;
        bucket = n;
        const double span = right - left;
        const auto from = static_cast<std::int64_t>(std::floor(left - span));
        const auto to = static_cast<std::int64_t>(std::ceil(right + span));
        display.clear();
        aggregateOhlc(columns(), from, to, n, display);
        winFrom = std::max(series.firstIndex(), floorDiv(from, n) * n);
        winTo = std::min(series.lastIndex(), floorDiv(to, n) * n + n - 1);
        fillPlottables();
        displayValid = true;
    }

    void fillPlottables() {
        const double width = bucket * kCandleWidth;
        const bool ohlc = type != ChartType::Line;
        candles->setVisible(ohlc);
        line->setVisible(!ohlc);
        candles->setChartStyle(type == ChartType::Bars ? QCPFinancial::csOhlc : QCPFinancial::csCandlestick);
        candles->setWidth(width);
        if (ohlc) {
            QVector<QCPFinancialData> v;
            v.reserve(static_cast<int>(display.size()));
            for (const OhlcBucket& b : display) v.append(QCPFinancialData(keyOf(b), b.open, b.high, b.low, b.close));
            candles->data()->set(v, true);
            line->data()->clear();
        } else {
            QVector<QCPGraphData> v;
            v.reserve(static_cast<int>(display.size()));
            for (const OhlcBucket& b : display) v.append(QCPGraphData(keyOf(b), b.close));
            line->data()->set(v, true);
            candles->data()->clear();
        }
        if (volUp != nullptr) {
            QVector<QCPBarsData> up, down;
            for (const OhlcBucket& b : display) (b.close >= b.open ? up : down).append(QCPBarsData(keyOf(b), b.volume));
            volUp->data()->set(up, true);
            volDown->data()->set(down, true);
            volUp->setWidth(width);
            volDown->setWidth(width);
        }
        fillIndicators();
    }

    /// The newest bar changed (revised or appended): patch what is drawn without a rebuild.
    void patchLast() {
        if (!displayValid || series.empty()) return;
        const std::int64_t last = series.lastIndex();
        if (winTo < last - 1 || display.empty()) return;  // the window does not reach the data's end
        const OhlcBucket b = aggregateBucketAt(columns(), last, bucket);
        const double key = keyOf(b);
        if (display.back().firstIndex == b.firstIndex) {
            display.back() = b;
        } else {
            display.push_back(b);
        }
        winTo = last;
        if (type != ChartType::Line) {
            auto data = candles->data();
            if (!data->isEmpty() && (data->end() - 1)->key == key) {
                auto it = data->end() - 1;
                it->open = b.open;
                it->high = b.high;
                it->low = b.low;
                it->close = b.close;
            } else {
                data->add(QCPFinancialData(key, b.open, b.high, b.low, b.close));
            }
        } else {
            auto data = line->data();
            if (!data->isEmpty() && (data->end() - 1)->key == key) (data->end() - 1)->value = b.close;
            else data->add(QCPGraphData(key, b.close));
        }
        if (volUp != nullptr) {
            volUp->data()->remove(key);
            volDown->data()->remove(key);
            (b.close >= b.open ? volUp : volDown)->data()->add(QCPBarsData(key, b.volume));
        }
        patchIndicators();
    }


    // ---- indicators -----------------------------------------------------------------------
    ChartIndicator* findIndicator(int id) const {
        for (const auto& i : indicators)
            if (i->id == id) return i.get();
        return nullptr;
    }

    /// The last defined value of an output inside display bucket k.
    double sampleOutput(const IndicatorValues& v, std::size_t output, std::int64_t k) const {
        const std::int64_t a = k * bucket;
        for (std::int64_t i = a + bucket - 1; i >= a; --i) {
            const double x = v.value(output, i);
            if (!std::isnan(x)) return x;
        }
        return std::numeric_limits<double>::quiet_NaN();
    }

    QCPGraph* newGraph(QCPAxisRect* r) {
        auto* g = new LinePlottable(xAxis(r), yAxis(r));
        g->setAntialiased(true);
        g->setAdaptiveSampling(false);  // already one point per display bucket
        return g;
    }

    /// An invisible edge of a filled area: on the fill layer, filled without antialiasing
    /// (antialiased translucent polygons this size cost milliseconds; the edges are drawn by the
    /// antialiased lines anyway).
    QCPGraph* newFillGraph(QCPAxisRect* r) {
        QCPGraph* g = newGraph(r);
        g->setLayer(kFillLayer);
        g->setPen(Qt::NoPen);
        g->setAntialiased(false);
        g->setAntialiasedFill(false);
        return g;
    }

    /// Creates the pane (for non-overlays), plottables and level lines of an indicator.
    void buildIndicator(ChartIndicator& ci) {
        const IndicatorInfo& info = ci.info();
        const IndicatorConfig& cfg = ci.values.config();
        if (info.placement == IndicatorPlacement::Pane) {
            auto* r = new QCPAxisRect(plot, true);
            setupRect(r);
            setPaneTicker(yAxis(r), new ValueTicker);
            yAxis(r)->ticker()->setTickCount(3);
            styleRect(r);
            panes.push_back(Pane{r, PaneKind::Indicator, 1.3, ci.id});
            ci.rect = r;
            relayoutPanes();
        } else {
            ci.rect = priceRect();
        }
        QCPAxisRect* r = ci.rect;
        const IndicatorValues* values = &ci.values;
        // Filled areas first, so that the lines draw over them.
        for (const IndicatorFill& f : info.fills) {
            const auto up = static_cast<std::size_t>(f.upper), lo = static_cast<std::size_t>(f.lower);
            if (!f.colourBelow.isValid()) {
                QCPGraph* top = newFillGraph(r);
                QCPGraph* bottom = newFillGraph(r);
                top->setBrush(f.colour);
                top->setChannelFillGraph(bottom);
                ci.bindings.push_back({top, nullptr, nullptr, -1, false, [this, values, up](std::int64_t k) { return sampleOutput(*values, up, k); }});
                ci.bindings.push_back({bottom, nullptr, nullptr, -1, false, [this, values, lo](std::int64_t k) { return sampleOutput(*values, lo, k); }});
                continue;
            }
            // Two tones: the area where upper >= lower in one colour, the rest in the other;
            // each side reaches one bucket past a crossing so that the two meet.
            for (bool above : {true, false}) {
                auto side = [this, values, up, lo, above](std::int64_t k) {
                    const double a = sampleOutput(*values, up, k), b = sampleOutput(*values, lo, k);
                    return !std::isnan(a) && !std::isnan(b) && (a >= b) == above;
                };
                auto inSide = [side](std::int64_t k) { return side(k) || side(k - 1) || side(k + 1); };
                QCPGraph* top = newFillGraph(r);
                QCPGraph* bottom = newFillGraph(r);
                top->setBrush(above ? f.colour : f.colourBelow);
                top->setChannelFillGraph(bottom);
                const double nan = std::numeric_limits<double>::quiet_NaN();
                ci.bindings.push_back({top, nullptr, nullptr, -1, false,
                                       [this, values, up, inSide, nan](std::int64_t k) { return inSide(k) ? sampleOutput(*values, up, k) : nan; }});
                ci.bindings.push_back({bottom, nullptr, nullptr, -1, false,
                                       [this, values, lo, inSide, nan](std::int64_t k) { return inSide(k) ? sampleOutput(*values, lo, k) : nan; }});
            }
        }
        for (std::size_t j = 0; j < info.outputs.size(); ++j) {
            const IndicatorOutput& o = info.outputs[j];
            const QColor colour = j < cfg.colours.size() ? cfg.colours[j] : o.colour;
            auto sample = [this, values, j](std::int64_t k) { return sampleOutput(*values, j, k); };
            if (o.style == PlotStyle::Histogram) {
                auto* pos = new BarsPlottable(xAxis(r), yAxis(r));
                auto* neg = new BarsPlottable(xAxis(r), yAxis(r));
                QColor up = theme.up, down = theme.down;
                up.setAlpha(170);
                down.setAlpha(170);
                pos->setBrush(up);
                neg->setBrush(down);
                for (BarsPlottable* b : {pos, neg}) {
                    b->setBackdrop(theme.background);
                    b->setPen(Qt::NoPen);
                    b->setAntialiased(false);
                    b->setWidthType(QCPBars::wtPlotCoords);
                }
                ci.bindings.push_back({nullptr, pos, neg, static_cast<int>(j), true, sample});
                continue;
            }
            QCPGraph* g = newGraph(r);
            if (o.style == PlotStyle::Dots) {
                g->setLineStyle(QCPGraph::lsNone);
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 3));
                g->setPen(QPen(colour));
            } else {
                g->setPen(QPen(colour, cfg.lineWidth));
            }
            ci.bindings.push_back({g, nullptr, nullptr, static_cast<int>(j), true, sample});
        }
        for (double level : info.levels) {
            auto* line = new LevelLine(plot);
            line->point1->setAxes(xAxis(r), yAxis(r));
            line->point2->setAxes(xAxis(r), yAxis(r));
            line->point1->setCoords(0, level);
            line->point2->setCoords(1, level);
            line->setClipAxisRect(r);
            line->setPen(QPen(theme.crosshair, 1, Qt::DashLine));
            ci.levels.push_back(line);
        }
    }

    void destroyIndicator(ChartIndicator& ci) {
        for (Binding& b : ci.bindings) {
            if (b.graph != nullptr) plot->removePlottable(b.graph);
            if (b.pos != nullptr) plot->removePlottable(b.pos);
            if (b.neg != nullptr) plot->removePlottable(b.neg);
        }
        ci.bindings.clear();
        for (QCPItemStraightLine* l : ci.levels) plot->removeItem(l);
        ci.levels.clear();
        if (!ci.isOverlay() && ci.rect != nullptr) {
            panes.erase(std::remove_if(panes.begin(), panes.end(), [&](const Pane& p) { return p.indicatorId == ci.id; }), panes.end());
            plot->plotLayout()->remove(ci.rect);
            ci.rect = nullptr;
            relayoutPanes();
        }
    }

    double bucketKey(std::int64_t k) const { return static_cast<double>(k * bucket) + (bucket - 1) / 2.0; }

    void setBinding(Binding& b, std::int64_t k) {
        const double key = bucketKey(k), v = b.sample(k);
        if (b.graph != nullptr) {
            auto data = b.graph->data();
            auto it = data->findBegin(key, false);
            if (it != data->constEnd() && it->key == key) (data->begin() + (it - data->constBegin()))->value = v;
            else if (!std::isnan(v)) data->add(QCPGraphData(key, v));
        } else {
            b.pos->data()->remove(key);
            b.neg->data()->remove(key);
            if (!std::isnan(v)) (v >= 0 ? b.pos : b.neg)->data()->add(QCPBarsData(key, v));
        }
    }

    /// Refills every indicator plottable over the display window.
    void fillIndicators() {
        if (indicators.empty()) return;
        for (auto& ci : indicators) {
            const int fwd = winTo >= series.lastIndex() ? ci->values.maxForwardOffset() : 0;
            const std::int64_t k0 = floorDiv(winFrom, bucket), k1 = floorDiv(winTo + fwd, bucket);
            for (Binding& b : ci->bindings) {
                if (b.graph != nullptr) {
                    QVector<QCPGraphData> v;
                    v.reserve(static_cast<int>(k1 - k0 + 1));
                    if (!series.empty())
                        for (std::int64_t k = k0; k <= k1; ++k) v.append(QCPGraphData(bucketKey(k), b.sample(k)));
                    b.graph->data()->set(v, true);
                } else {
                    QVector<QCPBarsData> up, down;
                    if (!series.empty())
                        for (std::int64_t k = k0; k <= k1; ++k) {
                            const double x = b.sample(k);
                            if (!std::isnan(x)) (x >= 0 ? up : down).append(QCPBarsData(bucketKey(k), x));
                        }
                    b.pos->data()->set(up, true);
                    b.neg->data()->set(down, true);
                    b.pos->setWidth(bucket * kCandleWidth);
                    b.neg->setWidth(bucket * kCandleWidth);
                }
            }
        }
    }

    /// After the newest bar changed: the buckets whose plotted values may have moved.
    void patchIndicators() {
        const std::int64_t last = series.lastIndex();
        for (auto& ci : indicators) {
            std::set<std::int64_t> ks;
            for (std::size_t j = 0; j < ci->values.outputCount(); ++j) {
                const std::int64_t k = floorDiv(last + ci->values.offset(j), bucket);
                ks.insert({k - 1, k, k + 1});
            }
            for (Binding& b : ci->bindings)
                for (std::int64_t k : ks) setBinding(b, k);
        }
    }

    /// Value range of an indicator's plottables over the visible bars.
    void indicatorRange(const ChartIndicator& ci, double& lo, double& hi) const {
        const QCPRange keys(left, right);
        for (const Binding& b : ci.bindings) {
            if (!b.autoScale) continue;
            bool found = false;
            for (QCPAbstractPlottable* p : {static_cast<QCPAbstractPlottable*>(b.graph), static_cast<QCPAbstractPlottable*>(b.pos),
                                            static_cast<QCPAbstractPlottable*>(b.neg)}) {
                if (p == nullptr) continue;
                const QCPRange r = p->getValueRange(found, QCP::sdBoth, keys);
                if (found) {
                    lo = std::min(lo, r.lower);
                    hi = std::max(hi, r.upper);
                }
            }
        }
    }

    void applyIndicatorRanges() {
        for (const auto& ci : indicators) {
            if (ci->isOverlay()) continue;
            const IndicatorInfo& info = ci->info();
            QCPAxis* y = yAxis(ci->rect);
            if (!std::isnan(info.rangeMin)) {
                const double pad = (info.rangeMax - info.rangeMin) * 0.05;
                y->setRange(info.rangeMin - pad, info.rangeMax + pad);
                continue;
            }
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            indicatorRange(*ci, lo, hi);
            for (double l : info.levels) {
                lo = std::min(lo, l);
                hi = std::max(hi, l);
            }
            if (lo > hi) continue;
            double pad = (hi - lo) * kAutoScalePadding;
            if (pad <= 0) pad = std::max(std::fabs(hi) * 0.01, 1e-8);
            y->setRange(lo - pad, hi + pad);
        }
    }

    /// Display entries that intersect the visible bars [ceil(left), floor(right)].
    std::pair<std::size_t, std::size_t> visibleDisplay() const {
        const auto a = static_cast<std::int64_t>(std::ceil(left)), b = static_cast<std::int64_t>(std::floor(right));
        auto lo = std::lower_bound(display.begin(), display.end(), a,
                                   [](const OhlcBucket& x, std::int64_t v) { return x.firstIndex + x.count - 1 < v; });
        auto hi = std::upper_bound(lo, display.end(), b, [](std::int64_t v, const OhlcBucket& x) { return v < x.firstIndex; });
        return {static_cast<std::size_t>(lo - display.begin()), static_cast<std::size_t>(hi - display.begin())};
    }

    void applyRanges() {
        for (const Pane& p : panes) xAxis(p.rect)->setRange(left, right);
        const auto [from, to] = visibleDisplay();
        double lo = std::numeric_limits<double>::infinity(), hi = -lo, vmax = 0;
        for (std::size_t i = from; i < to; ++i) {
            const OhlcBucket& b = display[i];
            if (type == ChartType::Line) {
                lo = std::min(lo, b.close);
                hi = std::max(hi, b.close);
            } else {
                lo = std::min(lo, b.low);
                hi = std::max(hi, b.high);
            }
            vmax = std::max(vmax, b.volume);
        }
        for (const auto& ci : indicators)
            if (ci->isOverlay()) indicatorRange(*ci, lo, hi);
        applyIndicatorRanges();
        QCPAxis* py = yAxis(priceRect());
        py->setNumberFormat(QStringLiteral("f"));
        py->setNumberPrecision(series.priceDecimals());
        if (autoScale && lo <= hi) {
            double pad = (hi - lo) * kAutoScalePadding;
            if (pad <= 0) pad = std::max(std::fabs(hi) * 0.01, 1e-8);
            py->setRange(lo - pad, hi + pad);
        }
        if (QCPAxisRect* v = volumeRect()) yAxis(v)->setRange(0, vmax > 0 ? vmax * 1.15 : 1);
    }

    // ---- view -----------------------------------------------------------------------------
    void clampView() {
        double span = right - left;
        const double total = std::max<double>(static_cast<double>(series.size()), 50);
        span = std::clamp(span, kMinVisibleBars, total * 1.25 + kRightMarginBars);
        if (right - left != span) {
            const double mid = (left + right) / 2;
            left = mid - span / 2;
            right = mid + span / 2;
        }
        if (!series.empty()) {
            // Keep at least a few bars in view on either side.
            const double first = static_cast<double>(series.firstIndex()), last = static_cast<double>(series.lastIndex());
            const double keep = std::min(span * 0.2, 5.0);
            if (right < first + keep) {
                right = first + keep;
                left = right - span;
            }
            if (left > last - keep) {
                left = last - keep;
                right = left + span;
            }
        }
    }

    void viewChanged() {
        clampView();
        requestFrame(DirtyFull);
        Q_EMIT q->visibleRangeChanged(left, right);
        if (!series.empty() && left < static_cast<double>(series.firstIndex()) && !historyRequested) {
            historyRequested = true;
            Q_EMIT q->historyNeeded(series.time().front());
        }
    }

    bool atLatest() const { return right >= static_cast<double>(series.lastIndex()) + 0.5; }

    // ---- drawings, markers ----------------------------------------------------------------
    std::vector<storage::Drawing> drawings;
    std::optional<storage::Drawing> copied;  // Ctrl+C
    int cloneOf = -1;                        // Ctrl+drag: the drawing the dragged copy came from
    int selected = -1;
    std::optional<storage::DrawingKind> tool;
    bool magnetOn = false;
    int creating = -1;  // index of the drawing whose anchors are being placed
    int placing = 0;    // its next anchor
    int dragAnchor = -1;
    std::vector<storage::DrawingAnchor> pressAnchors;
    double pressIndex = 0, pressPrice = 0;
    storage::DrawingStore* store = nullptr;
    QStringList drawingProblems;
    QToolBar* toolbar = nullptr;
    std::vector<std::pair<storage::DrawingKind, QAction*>> toolActions;
    QAction* magnetAction = nullptr;
    std::vector<signal::Signal> signalList;
    std::vector<OrderLine> orderLines;
    int draggedLine = -1;  // index into orderLines
    bool exporting = false;

    DrawingGeometry geometry() const {
        DrawingGeometry g;
        const QCPAxisRect* r = priceRect();
        g.rect = QRectF(r->rect());
        const QCPAxis* xa = xAxis(r);
        const QCPAxis* ya = yAxis(r);
        g.xOfTime = [this, xa](std::int64_t t) { return xa->coordToPixel(series.indexOfTime(t, tf)); };
        g.yOfPrice = [ya](double price) { return ya->coordToPixel(price); };
        g.barsBetween = [this](std::int64_t a, std::int64_t b) { return series.indexOfTime(b, tf) - series.indexOfTime(a, tf); };
        g.formatPrice = [this](double v) { return formatPrice(v); };
        g.textColour = theme.text;
        g.background = theme.background;
        g.selection = theme.selection;
        g.up = theme.up;
        g.down = theme.down;
        return g;
    }

    storage::DrawingAnchor anchorAt(QPointF pos, bool useMagnet) const {
        const auto idx = static_cast<std::int64_t>(std::llround(indexAtPixel(pos.x())));
        const QCPAxis* ya = yAxis(priceRect());
        storage::DrawingAnchor a{series.empty() ? 0 : series.timeOfIndex(idx, tf), ya->pixelToCoord(pos.y())};
        if (useMagnet && series.contains(idx)) {
            const std::size_t s = series.slot(idx);
            double best = std::numeric_limits<double>::infinity();
            for (double v : {series.open()[s], series.high()[s], series.low()[s], series.close()[s]}) {
                const double dist = std::abs(ya->coordToPixel(v) - pos.y());
                if (dist < best) {
                    best = dist;
                    a.price = v;
                }
            }
        }
        return a;
    }

    void setTool(std::optional<storage::DrawingKind> k) {
        if (creating >= 0) {  // an unfinished drawing is dropped
            drawings.erase(drawings.begin() + creating);
            creating = -1;
        }
        tool = k;
        for (auto& [kind, action] : toolActions) action->setChecked(k && *k == kind);
        if (k) selected = -1;
        requestFrame(DirtyOverlay);
        Q_EMIT q->drawingToolChanged(k);
    }

    /// Writes the drawings back to the store (ids of new ones come back) and tells listeners.
    /// A drawing still being placed is not written (finishing it writes it).
    void drawingsEdited() {
        if (store != nullptr && !instrument.symbol.empty()) {
            std::vector<storage::Drawing> done;
            for (std::size_t i = 0; i < drawings.size(); ++i)
                if (static_cast<int>(i) != creating) done.push_back(drawings[i]);
            auto r = store->replaceAll(instrument, done);
            if (r) {
                for (std::size_t i = 0, k = 0; i < drawings.size(); ++i)
                    if (static_cast<int>(i) != creating) drawings[i].id = (*r)[k++].id;
            } else {
                drawingProblems << QString::fromStdString(r.message());
                qWarning("chart drawings of %s not saved: %s", instrument.toString().c_str(), r.message().c_str());
            }
        }
        requestFrame(DirtyOverlay);
        Q_EMIT q->drawingsChanged();
    }

    void loadDrawings() {
        drawings.clear();
        selected = -1;
        creating = -1;
        drawingProblems.clear();
        if (store == nullptr || instrument.symbol.empty()) return;
        auto r = store->load(instrument);
        if (!r) {
            drawingProblems << QString::fromStdString(r.message());
            qWarning("chart drawings of %s not loaded: %s", instrument.toString().c_str(), r.message().c_str());
            return;
        }
        drawings = std::move(r->drawings);
        for (const auto& pr : r->problems) {
            drawingProblems << QString::fromStdString(pr);
            qWarning("chart drawings: %s", pr.c_str());
        }
        requestFrame(DirtyOverlay);
    }

    void finishCreation() {
        const int done = creating;
        creating = -1;
        const auto kind = drawings[static_cast<std::size_t>(done)].kind;
        setTool(std::nullopt);
        selected = done;
        drawingsEdited();
        if (kind == storage::DrawingKind::Text)
            QTimer::singleShot(0, q, [this, done] { q->editDrawing(done); });
    }

    /// The drawing under a pixel (topmost first) and what of it was hit.
    std::pair<int, DrawingHit> drawingAt(QPointF pos) const {
        if (drawings.empty()) return {-1, {}};
        const DrawingGeometry g = geometry();
        // The selected one first: its handles must win over drawings above it.
        if (selected >= 0 && selected < static_cast<int>(drawings.size())) {
            const DrawingHit h = hitTestDrawing(drawings[static_cast<std::size_t>(selected)], g, pos);
            if (h.hit) return {selected, h};
        }
        for (int i = static_cast<int>(drawings.size()) - 1; i >= 0; --i) {
            const DrawingHit h = hitTestDrawing(drawings[static_cast<std::size_t>(i)], g, pos);
            if (h.hit) return {i, h};
        }
        return {-1, {}};
    }

    int orderLineAt(QPointF pos) const {
        const QCPAxis* ya = yAxis(priceRect());
        for (std::size_t i = 0; i < orderLines.size(); ++i)
            if (orderLines[i].draggable && std::abs(ya->coordToPixel(orderLines[i].price) - pos.y()) <= 4) return static_cast<int>(i);
        return -1;
    }

    /// The signal whose arrow is under a pixel, or nullptr.
    const signal::Signal* signalAt(QPointF pos) const {
        for (const auto& s : signalList) {
            QRectF box;
            if (signalArrow(s, box) && box.adjusted(-3, -3, 3, 3).contains(pos)) return &s;
        }
        return nullptr;
    }

    /// The arrow's box for a signal in the current view; false when it is not drawn.
    bool signalArrow(const signal::Signal& s, QRectF& box) const {
        if (s.side == signal::Direction::Hold || series.empty()) return false;
        const std::int64_t idx = series.indexAtOrBefore(s.barOpenMs);
        if (!series.contains(idx) || series.time()[series.slot(idx)] != s.barOpenMs) return false;
        const QCPAxisRect* r = priceRect();
        const double x = xAxis(r)->coordToPixel(static_cast<double>(idx));
        if (x < r->rect().left() - 10 || x > r->rect().right() + 10) return false;
        const std::size_t sl = series.slot(idx);
        const double size = std::clamp(xAxis(r)->coordToPixel(1) - xAxis(r)->coordToPixel(0), 10.0, 16.0);
        if (s.side == signal::Direction::Long) {
            const double y = yAxis(r)->coordToPixel(series.low()[sl]) + 4;
            box = QRectF(x - size / 2, y, size, size * 1.3);
        } else {
            const double y = yAxis(r)->coordToPixel(series.high()[sl]) - 4;
            box = QRectF(x - size / 2, y - size * 1.3, size, size * 1.3);
        }
        return true;
    }

    void drawDrawings(QCPPainter* p) {
        if (drawings.empty()) return;
        p->save();
        p->setClipRect(priceRect()->rect());
        const DrawingGeometry g = geometry();
        for (std::size_t i = 0; i < drawings.size(); ++i)
            paintDrawing(p, drawings[i], g, !exporting && static_cast<int>(i) == selected);
        p->restore();
    }

    void drawMarkers(QCPPainter* p, const QFontMetricsF& fm) {
        const QCPAxisRect* r = priceRect();
        const QRect inner = r->rect();
        p->save();
        p->setClipRect(inner);
        p->setRenderHint(QPainter::Antialiasing, true);
        for (const auto& s : signalList) {
            QRectF box;
            if (!signalArrow(s, box)) continue;
            const bool up = s.side == signal::Direction::Long;
            QPolygonF arrow;
            const double cx = box.center().x(), w = box.width();
            if (up) {
                arrow << QPointF(cx, box.top()) << QPointF(box.right(), box.top() + w * 0.6) << QPointF(cx + w * 0.2, box.top() + w * 0.6)
                      << QPointF(cx + w * 0.2, box.bottom()) << QPointF(cx - w * 0.2, box.bottom()) << QPointF(cx - w * 0.2, box.top() + w * 0.6)
                      << QPointF(box.left(), box.top() + w * 0.6);
            } else {
                arrow << QPointF(cx, box.bottom()) << QPointF(box.right(), box.bottom() - w * 0.6) << QPointF(cx + w * 0.2, box.bottom() - w * 0.6)
                      << QPointF(cx + w * 0.2, box.top()) << QPointF(cx - w * 0.2, box.top()) << QPointF(cx - w * 0.2, box.bottom() - w * 0.6)
                      << QPointF(box.left(), box.bottom() - w * 0.6);
            }
            p->setPen(Qt::NoPen);
            p->setBrush(up ? theme.up : theme.down);
            p->drawPolygon(arrow);
        }
        p->setRenderHint(QPainter::Antialiasing, false);
        p->setClipping(false);
        const double th = fm.height() + 4;
        for (const OrderLine& l : orderLines) {
            const double y = std::round(yAxis(r)->coordToPixel(l.price)) + 0.5;
            if (y < inner.top() || y > inner.bottom()) continue;
            const QColor c = l.kind == OrderLine::Kind::StopLoss     ? theme.down
                             : l.kind == OrderLine::Kind::TakeProfit ? theme.up
                                                                     : theme.selection;
            p->setPen(QPen(c, 1, l.kind == OrderLine::Kind::Entry ? Qt::SolidLine : Qt::DashLine));
            p->drawLine(QPointF(inner.left(), y), QPointF(inner.right(), y));
            const QString text = (l.label.isEmpty() ? QString() : l.label + QStringLiteral("  ")) + formatPrice(l.price);
            const double tw = fm.horizontalAdvance(text) + 12;
            drawAxisLabel(p, QRectF(inner.left() + 60, y - th / 2, tw, th), text, c, Qt::white);
            drawAxisLabel(p, QRectF(inner.right() + 1, y - th / 2, r->outerRect().right() - inner.right(), th), formatPrice(l.price), c, Qt::white);
        }
        p->restore();
    }

    /// A click with a tool armed: starts a drawing or places its next anchor.
    void placeAt(QPointF pos) {
        const auto a = anchorAt(pos, magnetOn);
        if (creating < 0) {
            storage::Drawing dr;
            dr.kind = *tool;
            dr.colour = dr.kind == storage::DrawingKind::Text ? drawingColourString(theme.text) : drawingColourString(theme.selection);
            dr.width = 2;
            dr.anchors.assign(static_cast<std::size_t>(storage::anchorCount(dr.kind)), a);
            drawings.push_back(dr);
            creating = static_cast<int>(drawings.size()) - 1;
            placing = 1;
            selected = -1;
        } else {
            auto& dr = drawings[static_cast<std::size_t>(creating)];
            for (std::size_t k = static_cast<std::size_t>(placing); k < dr.anchors.size(); ++k) dr.anchors[k] = a;
            ++placing;
        }
        if (placing >= storage::anchorCount(drawings[static_cast<std::size_t>(creating)].kind)) finishCreation();
        requestFrame(DirtyOverlay);
    }

    /// Body drag: every anchor moves by the same number of bars and the same price difference.
    void moveDrawingBy(QPointF pos) {
        auto& dr = drawings[static_cast<std::size_t>(selected)];
        const auto dBars = std::llround(indexAtPixel(pos.x()) - pressIndex);
        const double dPrice = yAxis(priceRect())->pixelToCoord(pos.y()) - pressPrice;
        for (std::size_t k = 0; k < dr.anchors.size(); ++k) {
            const auto& from = pressAnchors[k];
            const auto idx = std::llround(series.indexOfTime(from.timeMs, tf));
            dr.anchors[k].timeMs = dBars == 0 ? from.timeMs : series.timeOfIndex(idx + dBars, tf);
            dr.anchors[k].price = from.price + dPrice;
        }
    }

    // ---- mouse ----------------------------------------------------------------------------
    int paneAt(const QPointF& pos, bool includeAxis) const {
        for (std::size_t i = 0; i < panes.size(); ++i) {
            const QRect r = panes[i].rect->rect();
            const bool inY = pos.y() >= r.top() && pos.y() <= r.bottom();
            if (inY && (r.contains(pos.toPoint()) || (includeAxis && pos.x() > r.right()))) return static_cast<int>(i);
        }
        return -1;
    }

    Zone zoneAt(const QPointF& pos) const {
        for (const Pane& p : panes) {
            const QRect r = p.rect->rect();
            if (r.contains(pos.toPoint())) return Zone::Plot;
            if (pos.y() >= r.top() && pos.y() <= r.bottom() && pos.x() > r.right()) return Zone::PriceAxis;
        }
        if (!panes.empty() && pos.y() > panes.back().rect->rect().bottom()) return Zone::TimeAxis;
        return Zone::None;
    }

    double indexAtPixel(double x) const { return xAxis(priceRect())->pixelToCoord(x); }
    double barsPerPixel() const { return (right - left) / plotWidthPx(); }

    /// The drawn candle under logical index x (a bucket when aggregated), or nullptr.
    const OhlcBucket* displayAt(double x) const {
        const auto i = static_cast<std::int64_t>(std::llround(x));
        auto it = std::upper_bound(display.begin(), display.end(), i,
                                   [](std::int64_t v, const OhlcBucket& b) { return v < b.firstIndex; });
        if (it == display.begin()) return nullptr;
        --it;
        return i < it->firstIndex + it->count ? &*it : nullptr;
    }

    bool handleMouse(QEvent* event) {
        switch (event->type()) {
        case QEvent::MouseButtonPress: {
            auto* e = static_cast<QMouseEvent*>(event);
            q->setFocus(Qt::MouseFocusReason);
            if (e->button() != Qt::LeftButton) return false;
            pressPos = e->position();
            pressLeft = left;
            pressRight = right;
            const Zone z = zoneAt(pressPos);
            const int pane = paneAt(pressPos, true);
            if (z == Zone::Plot && pane == 0 && !series.empty()) {
                if (!tool && (e->modifiers() & Qt::ShiftModifier) != 0) setTool(storage::DrawingKind::Measure);
                if (tool) {
                    drag = Drag::Place;
                    placeAt(pressPos);
                    return true;
                }
                if (const int li = orderLineAt(pressPos); li >= 0) {
                    drag = Drag::OrderLine;
                    draggedLine = li;
                    return true;
                }
                auto [i, hit] = drawingAt(pressPos);
                if (i >= 0 && hit.anchor < 0 && (e->modifiers() & Qt::ControlModifier) != 0) {
                    // Ctrl+drag clones: the copy is what moves (TradingView).
                    storage::Drawing copy = drawings[static_cast<std::size_t>(i)];
                    copy.id = 0;
                    drawings.push_back(copy);
                    cloneOf = i;
                    i = static_cast<int>(drawings.size()) - 1;
                }
                if (i >= 0) {
                    selected = i;
                    dragAnchor = hit.anchor;
                    pressAnchors = drawings[static_cast<std::size_t>(i)].anchors;
                    pressIndex = indexAtPixel(pressPos.x());
                    pressPrice = yAxis(priceRect())->pixelToCoord(pressPos.y());
                    drag = hit.anchor >= 0 ? Drag::MoveAnchor : Drag::MoveDrawing;
                    plot->setCursor(Qt::SizeAllCursor);
                    requestFrame(DirtyOverlay);
                    return true;
                }
                if (selected >= 0) {
                    selected = -1;
                    requestFrame(DirtyOverlay);
                }
            }
            if (z == Zone::PriceAxis && pane == 0) {
                drag = Drag::PriceScale;
                pressY = yAxis(priceRect())->range();
            } else if (z == Zone::TimeAxis) {
                drag = Drag::TimeScale;
            } else if (z == Zone::Plot) {
                drag = Drag::Pan;
                pressY = yAxis(priceRect())->range();
                plot->setCursor(Qt::ClosedHandCursor);
            }
            return true;
        }
        case QEvent::MouseMove: {
            auto* e = static_cast<QMouseEvent*>(event);
            const QPointF pos = e->position();
            mouse = pos;
            mouseInside = zoneAt(pos) == Zone::Plot;
            if (creating >= 0) {
                auto& dr = drawings[static_cast<std::size_t>(creating)];
                const auto a = anchorAt(pos, magnetOn);
                for (std::size_t k = static_cast<std::size_t>(placing); k < dr.anchors.size(); ++k) dr.anchors[k] = a;
            } else if (drag == Drag::MoveAnchor && selected >= 0) {
                drawings[static_cast<std::size_t>(selected)].anchors[static_cast<std::size_t>(dragAnchor)] = anchorAt(pos, magnetOn);
            } else if (drag == Drag::MoveDrawing && selected >= 0) {
                moveDrawingBy(pos);
            } else if (drag == Drag::OrderLine && draggedLine >= 0) {
                orderLines[static_cast<std::size_t>(draggedLine)].price = yAxis(priceRect())->pixelToCoord(pos.y());
            } else if (drag == Drag::Pan) {
                const double dx = pos.x() - pressPos.x();
                const double shift = dx * (pressRight - pressLeft) / plotWidthPx();
                left = pressLeft - shift;
                right = pressRight - shift;
                if (!autoScale) {
                    QCPAxis* py = yAxis(priceRect());
                    const double perPx = pressY.size() / std::max(1, priceRect()->height());
                    const double dy = (pos.y() - pressPos.y()) * perPx;
                    py->setRange(pressY.lower + dy, pressY.upper + dy);
                }
                viewChanged();
            } else if (drag == Drag::PriceScale) {
                const double factor = std::exp((pos.y() - pressPos.y()) * 0.006);
                const double mid = pressY.center(), half = pressY.size() / 2 * factor;
                autoScale = false;
                yAxis(priceRect())->setRange(mid - half, mid + half);
                requestFrame(DirtyFull);
            } else if (drag == Drag::TimeScale) {
                const double factor = std::exp(-(pos.x() - pressPos.x()) * 0.006);
                const double span = (pressRight - pressLeft) * factor;
                right = pressRight;
                left = pressRight - span;
                viewChanged();
            } else if (drag == Drag::None && zoneAt(pos) == Zone::Plot && paneAt(pos, false) == 0 && !tool &&
                       (orderLineAt(pos) >= 0 || drawingAt(pos).first >= 0)) {
                plot->setCursor(orderLineAt(pos) >= 0 ? Qt::SizeVerCursor : Qt::PointingHandCursor);
            } else {
                const Zone z = zoneAt(pos);
                if (const signal::Signal* sig = drag == Drag::None ? signalAt(pos) : nullptr)
                    QToolTip::showText(e->globalPosition().toPoint(), CandleChart::signalTooltip(*sig, series.priceDecimals()), plot);
                plot->setCursor(z == Zone::PriceAxis ? Qt::SizeVerCursor
                                : z == Zone::TimeAxis ? Qt::SizeHorCursor
                                : z == Zone::Plot     ? Qt::CrossCursor
                                                      : Qt::ArrowCursor);
            }
            syncedCrosshairMs = -1;
            requestFrame(DirtyOverlay);
            emitCrosshair();
            return true;
        }
        case QEvent::MouseButtonRelease: {
            auto* e = static_cast<QMouseEvent*>(event);
            const Drag was = drag;
            drag = Drag::None;
            if (was == Drag::Place && creating >= 0) {
                // press-drag-release places the next anchor where the button went up; a plain
                // click leaves it following the mouse until the next click (TradingView's two ways).
                const QPointF d = e->position() - pressPos;
                if (std::hypot(d.x(), d.y()) > 4) placeAt(e->position());
            } else if ((was == Drag::MoveAnchor || was == Drag::MoveDrawing) && selected >= 0) {
                const bool moved = drawings[static_cast<std::size_t>(selected)].anchors != pressAnchors;
                if (cloneOf >= 0 && !moved) {  // Ctrl+click without a drag: no copy
                    drawings.erase(drawings.begin() + selected);
                    selected = cloneOf;
                    requestFrame(DirtyOverlay);
                } else if (moved) {
                    drawingsEdited();
                }
                cloneOf = -1;
            } else if (was == Drag::OrderLine && draggedLine >= 0) {
                const OrderLine& l = orderLines[static_cast<std::size_t>(draggedLine)];
                draggedLine = -1;
                Q_EMIT q->orderLineMoved(l.id, l.price);
            }
            if (was != Drag::None) plot->setCursor(Qt::CrossCursor);
            return true;
        }
        case QEvent::MouseButtonDblClick: {
            auto* e = static_cast<QMouseEvent*>(event);
            for (const auto& [id, rect] : legendHits)
                if (rect.contains(e->position())) {
                    const int which = id;
                    QTimer::singleShot(0, q, [this, which] { q->editIndicator(which); });
                    return true;
                }
            if (tool && zoneAt(e->position()) == Zone::Plot && paneAt(e->position(), false) == 0) {
                // A quick second click while placing arrives as a double-click: it places too.
                drag = Drag::Place;
                pressPos = e->position();
                placeAt(pressPos);
                return true;
            }
            if (const int i = drawingAt(e->position()).first; i >= 0 && !tool) {
                QTimer::singleShot(0, q, [this, i] { q->editDrawing(i); });
                return true;
            }
            const Zone z = zoneAt(e->position());
            if (z == Zone::PriceAxis) {
                autoScale = true;
                requestFrame(DirtyFull);
            } else if (z == Zone::Plot || z == Zone::TimeAxis) {
                q->resetView();
            }
            return true;
        }
        case QEvent::Wheel: {
            auto* e = static_cast<QWheelEvent*>(event);
            const QPoint delta = e->angleDelta();
            if (std::abs(delta.x()) > std::abs(delta.y())) {
                q->scrollBars(-delta.x() / 120.0 * std::max(1.0, (right - left) / 20));
            } else if (delta.y() != 0) {
                const double factor = std::pow(0.88, delta.y() / 120.0);
                q->zoomTime(factor, indexAtPixel(e->position().x()));
            }
            return true;
        }
        case QEvent::Leave:
            mouseInside = false;
            requestFrame(DirtyOverlay);
            Q_EMIT q->crosshairMoved(-1, 0);
            return false;
        default:
            return false;
        }
    }

    void emitCrosshair() {
        if (!mouseInside || series.empty()) {
            Q_EMIT q->crosshairMoved(-1, 0);
            return;
        }
        const auto idx = static_cast<std::int64_t>(std::llround(indexAtPixel(mouse.x())));
        Q_EMIT q->crosshairMoved(series.timeOfIndex(idx, tf), yAxis(priceRect())->pixelToCoord(mouse.y()));
    }

    // ---- painting (overlay layer: crosshair, legend, last-price marker) -------------------
    QString formatPrice(double v) const { return QString::number(v, 'f', series.priceDecimals()); }

    /// Grid lines of every pane at its axes' ticks, as QCPGrid draws them (1 px, at the rounded
    /// tick pixel, inside the pane), with one rectangle fill each.
    void drawGrid(QCPPainter* p) const {
        QVector<QRect> lines;
        for (const Pane& pane : panes) {
            const QCPAxisRect* r = pane.rect;
            const QRect inner = r->rect();
            const QCPAxis* y = yAxis(r);
            if (y->visible())
                for (double t : y->tickVector()) {
                    const int py = qRound(y->coordToPixel(t));
                    if (py >= inner.top() && py <= inner.bottom()) lines.append(QRect(inner.left(), py, inner.width(), 1));
                }
            const QCPAxis* x = xAxis(r);
            if (x->visible())
                for (double t : x->tickVector()) {
                    const int px = qRound(x->coordToPixel(t));
                    if (px >= inner.left() && px <= inner.right()) lines.append(QRect(px, inner.top(), 1, inner.height()));
                }
        }
        if (theme.grid.alpha() == 255) {
            fillRects(p, lines, theme.grid);
        } else {
            QVector<QRect> sliced;
            for (const QRect& l : lines) appendSerialRects(sliced, l, false);
            fillRects(p, sliced, theme.grid);
        }
    }

    /// The axis lines (pane separators) and tick marks at the pixels QCPAxis draws them
    /// (QCPAxisPainterPrivate::draw: bottom at rect bottom + offset, right one right of the rect,
    /// top one above it; ticks from length-in inside to length-out outside), as 1 px fills.
    void drawAxisLines(QCPPainter* p) const {
        QVector<QRect> rects;
        for (const Pane& pane : panes) {
            const QRect ar = pane.rect->rect();
            for (auto type : {QCPAxis::atBottom, QCPAxis::atRight, QCPAxis::atTop}) {
                const QCPAxis* a = pane.rect->axis(type);
                if (!a->visible()) continue;
                const int in = a->tickLengthIn(), out = a->tickLengthOut();
                const bool ticks = a->ticks() && in + out > 0;
                if (type == QCPAxis::atBottom) {
                    const int y = ar.bottom() + a->offset();
                    rects.append(QRect(ar.left(), y, ar.width() + 1, 1));
                    if (ticks)
                        for (double t : a->tickVector()) rects.append(QRect(qRound(a->coordToPixel(t)), y - in, 1, in + out + 1));
                } else if (type == QCPAxis::atRight) {
                    const int x = ar.right() + a->offset() + 1;
                    rects.append(QRect(x, ar.bottom() - ar.height(), 1, ar.height() + 1));
                    if (ticks)
                        for (double t : a->tickVector()) rects.append(QRect(x - in, qRound(a->coordToPixel(t)), in + out + 1, 1));
                } else {
                    const int y = ar.top() - a->offset() - 1;
                    rects.append(QRect(ar.left(), y, ar.width() + 1, 1));
                    if (ticks)
                        for (double t : a->tickVector()) rects.append(QRect(qRound(a->coordToPixel(t)), y - out, 1, in + out + 1));
                }
            }
        }
        fillRects(p, rects, theme.paneSeparator);
    }

    void drawAxisLabel(QCPPainter* p, const QRectF& box, const QString& text, const QColor& bg, const QColor& fg) const {
        p->setPen(Qt::NoPen);
        p->setBrush(bg);
        p->drawRect(box);
        p->setPen(fg);
        p->drawText(box, Qt::AlignCenter, text);
    }

    void drawOverlay(QCPPainter* p) {
        if (panes.empty()) return;
        p->save();
        QFont font = q->font();
        p->setFont(font);
        const QFontMetricsF fm(font);
        drawDrawings(p);
        drawMarkers(p, fm);
        drawPriceMarker(p, fm);
        if (!exporting) drawCrosshair(p, fm);
        drawLegend(p, fm);
        p->restore();
    }

    void drawPriceMarker(QCPPainter* p, const QFontMetricsF& fm) const {
        if (series.empty()) return;
        const QCPAxisRect* r = priceRect();
        const QRect inner = r->rect();
        const std::size_t last = series.size() - 1;
        const bool ha = type == ChartType::HeikinAshi && haValid;
        const double close = series.close()[last];
        const double open = ha ? haOpen[last] : series.open()[last];
        const double refClose = ha ? haClose[last] : close;
        const QColor colour = refClose >= open ? theme.up : theme.down;
        const double y = yAxis(r)->coordToPixel(close);
        if (y >= inner.top() && y <= inner.bottom()) {
            QPen pen(colour, 1, Qt::DotLine);
            p->setPen(pen);
            p->drawLine(QPointF(inner.left(), y), QPointF(inner.right(), y));
        }
        // Label on the price axis; with a countdown under the price while the bar forms.
        const std::int64_t closesAt = nextBucketStart(tf, series.time().back());
        const std::int64_t remaining = closesAt - clock();
        const bool countdown = remaining > 0 && remaining <= nominalDurationMs(tf);
        const double h = fm.height() + 4;
        const double boxH = countdown ? 2 * h - 2 : h;
        const double x0 = inner.right() + 1, w = r->outerRect().right() - inner.right();
        const double yc = std::clamp(y, static_cast<double>(inner.top()) + boxH / 2, static_cast<double>(inner.bottom()) - boxH / 2);
        const QRectF box(x0, yc - h / 2, w, boxH);
        p->setPen(Qt::NoPen);
        p->setBrush(colour);
        p->drawRect(box);
        p->setPen(Qt::white);
        p->drawText(QRectF(x0, yc - h / 2, w, h), Qt::AlignCenter, formatPrice(close));
        if (countdown) p->drawText(QRectF(x0, yc + h / 2 - 2, w, h - 2), Qt::AlignCenter, countdownText(remaining));
    }

    void drawCrosshair(QCPPainter* p, const QFontMetricsF& fm) const {
        double x = std::numeric_limits<double>::quiet_NaN();
        if (mouseInside) {
            x = snappedX(indexAtPixel(mouse.x()));
        } else if (syncedCrosshairMs >= 0 && !series.empty()) {
            x = snappedX(static_cast<double>(series.indexAtOrBefore(syncedCrosshairMs)));
        }
        if (std::isnan(x)) return;
        const QCPAxis* px = xAxis(priceRect());
        const double xp = std::round(px->coordToPixel(x)) + 0.5;
        const QRect top = priceRect()->rect(), bottom = panes.back().rect->rect();
        QPen pen(theme.crosshair, 1, Qt::DashLine);
        p->setPen(pen);
        p->drawLine(QPointF(xp, top.top()), QPointF(xp, bottom.bottom()));
        // Time label on the time axis.
        const auto idx = static_cast<std::int64_t>(std::llround(x));
        const QString t = formatBarTime(series.timeOfIndex(idx, tf), tf);
        const double tw = fm.horizontalAdvance(t) + 12, th = fm.height() + 4;
        drawAxisLabel(p, QRectF(xp - tw / 2, bottom.bottom() + 1, tw, th), t, theme.crosshairLabel, theme.crosshairLabelText);
        if (!mouseInside) return;
        const int pane = paneAt(mouse, false);
        if (pane < 0) return;
        const QCPAxisRect* r = panes[static_cast<std::size_t>(pane)].rect;
        const double yp = std::round(mouse.y()) + 0.5;
        p->setPen(pen);
        p->drawLine(QPointF(r->rect().left(), yp), QPointF(r->rect().right(), yp));
        const double value = yAxis(r)->pixelToCoord(mouse.y());
        const QString text = pane == 0 ? formatPrice(value) : compactNumber(value);
        const double w = r->outerRect().right() - r->rect().right();
        drawAxisLabel(p, QRectF(r->rect().right() + 1, yp - th / 2, w, th), text, theme.crosshairLabel, theme.crosshairLabelText);
    }

    double snappedX(double x) const {
        const auto i = static_cast<std::int64_t>(std::llround(x));
        if (bucket <= 1) return static_cast<double>(i);
        return static_cast<double>(floorDiv(i, bucket) * bucket) + (bucket - 1) / 2.0;
    }

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
    QFont textCacheFont;
    QHash<QString, TextRun> textCache[2];  // regular, bold

    const TextRun& textRun(const QString& s, const QFont& font, bool bold) {
        if (font != textCacheFont) {
            textCache[0].clear();
            textCache[1].clear();
            textCacheFont = font;
        }
        QHash<QString, TextRun>& cache = textCache[bold ? 1 : 0];
        auto it = cache.find(s);
        if (it != cache.end()) return *it;
        if (cache.size() > 512) cache.clear();  // values under a moving crosshair: bounded
        QFont f = font;
        f.setBold(bold);
        TextRun run;
        run.text = QStaticText(s);
        run.text.setTextFormat(Qt::PlainText);
        run.text.setPerformanceHint(QStaticText::AggressiveCaching);
        run.text.prepare(QTransform(), f);
        run.advance = QFontMetricsF(f).horizontalAdvance(s);
        return *cache.insert(s, std::move(run));
    }

    /// Draws the segments from `at`, going on at `at.x()` one `lineHeight` lower where the next
    /// segment (with those glued to it) would pass `maxX` (narrow charts and panes: the legend
    /// wraps instead of running under the price axis). Returns the box drawn over.
    QRectF drawSegments(QCPPainter* p, QPointF at, const std::vector<Segment>& segs, double maxX, double lineHeight) {
        const QFont base = p->font();
        QFont bold = base;
        bold.setBold(true);
        bool isBold = false;
        const double startX = at.x(), startY = at.y();
        double right = startX;
        for (std::size_t i = 0; i < segs.size(); ++i) {
            const Segment& s = segs[i];
            if (!s.glued && at.x() > startX) {
                double width = textRun(s.text, base, s.bold).advance;
                for (std::size_t k = i + 1; k < segs.size() && segs[k].glued; ++k) width += textRun(segs[k].text, base, segs[k].bold).advance;
                if (at.x() + width > maxX) {
                    at = QPointF(startX, at.y() + lineHeight);
                }
            }
            const TextRun& run = textRun(s.text, base, s.bold);
            if (s.bold != isBold) {
                p->setFont(s.bold ? bold : base);
                isBold = s.bold;
            }
            p->setPen(s.colour);
            p->drawStaticText(at, run.text);  // top-left at `at`: the baseline one ascent below
            at.rx() += run.advance;
            right = std::max(right, at.x());
        }
        if (isBold) p->setFont(base);
        return QRectF(startX, startY, right - startX, at.y() + lineHeight - startY);
    }

    /// The bar the legend describes: under the mouse, at the synchronised crosshair, else the last.
    std::int64_t legendIndex() const {
        if (mouseInside) return static_cast<std::int64_t>(std::llround(indexAtPixel(mouse.x())));
        if (syncedCrosshairMs >= 0) return series.indexAtOrBefore(syncedCrosshairMs);
        return series.lastIndex();
    }

    static QString formatValue(double v) {
        if (std::isnan(v)) return QStringLiteral("—");
        if (std::fabs(v) >= 1e5) return compactNumber(v);
        return QString::number(v, 'f', std::fabs(v) < 10 ? 4 : 2);
    }

    /// "EMA 20  2345.67" for one indicator at the legend's bar, wrapped at `maxX`; records where it
    /// was drawn and returns the y below it.
    double drawIndicatorLegend(QCPPainter* p, QPointF at, const ChartIndicator& ci, std::int64_t idx, double maxX, double lineHeight) {
        const IndicatorConfig& cfg = ci.values.config();
        const IndicatorInfo& info = ci.info();
        std::vector<Segment> segs{{cfg.label() + QStringLiteral("  "), theme.text, false}};
        for (std::size_t j = 0; j < info.outputs.size(); ++j) {
            const double v = ci.values.value(j, idx);
            if (std::isnan(v) && info.outputs.size() > 1) continue;  // e.g. the inactive SuperTrend side
            const QColor colour = j < cfg.colours.size() ? cfg.colours[j] : info.outputs[j].colour;
            segs.push_back({(ci.isOverlay() ? (std::isnan(v) ? QStringLiteral("—") : formatPrice(v)) : formatValue(v)) + QStringLiteral("  "),
                            info.outputs[j].style == PlotStyle::Histogram ? (v >= 0 ? theme.up : theme.down) : colour, false});
        }
        const QRectF box = drawSegments(p, at, segs, maxX, lineHeight);
        legendHits.push_back({ci.id, box});
        return box.bottom();
    }

    void drawLegend(QCPPainter* p, const QFontMetricsF& fm) {
        legendHits.clear();
        const QRect inner = priceRect()->rect();
        QPointF at(inner.left() + 8, inner.top() + 6);
        std::vector<Segment> head;
        const QString sym = instrument.symbol.empty() ? title : QString::fromStdString(instrument.symbol);
        head.push_back({sym + QStringLiteral(" · ") + QString::fromStdString(toString(tf)) +
                            (instrument.venue.empty() ? QString() : QStringLiteral(" · ") + QString::fromStdString(instrument.venue)) +
                            QStringLiteral("   "),
                        theme.text, true});
        if (!series.empty() && !display.empty()) {
            const OhlcBucket* b = nullptr;
            if (mouseInside) b = displayAt(indexAtPixel(mouse.x()));
            else if (syncedCrosshairMs >= 0) b = displayAt(static_cast<double>(series.indexAtOrBefore(syncedCrosshairMs)));
            OhlcBucket lastBucket;
            if (b == nullptr) {
                lastBucket = aggregateBucketAt(columns(), series.lastIndex(), 1);
                b = &lastBucket;
            }
            const QColor c = b->close >= b->open ? theme.up : theme.down;
            const double prevClose = b->firstIndex > series.firstIndex() ? columns().close[series.slot(b->firstIndex - 1)] : b->open;
            const double change = prevClose != 0 ? (b->close - prevClose) / prevClose * 100 : 0;
            auto add = [&](const QString& k, const QString& v) {
                head.push_back({k, theme.mutedText});
                head.push_back({v + QStringLiteral("  "), c, false, true});
            };
            add(QStringLiteral("O "), formatPrice(b->open));
            add(QStringLiteral("H "), formatPrice(b->high));
            add(QStringLiteral("L "), formatPrice(b->low));
            add(QStringLiteral("C "), formatPrice(b->close));
            head.push_back({(change >= 0 ? QStringLiteral("+") : QStringLiteral("−")) + QString::number(std::fabs(change), 'f', 2) +
                                QStringLiteral("%  "),
                            c});
            add(QStringLiteral("Vol "), compactNumber(b->volume));
            if (b->count > 1) head.push_back({QStringLiteral("(%1 bars)").arg(b->count), theme.mutedText});
        }
        const double lineH = fm.height() + 2;
        at.setY(drawSegments(p, at, head, inner.right() - 8, lineH).bottom());
        if (series.empty()) return;
        const std::int64_t idx = legendIndex();
        for (const auto& ci : indicators) {
            if (ci->isOverlay()) {
                at.setY(drawIndicatorLegend(p, at, *ci, idx, inner.right() - 8, lineH));
            } else if (ci->rect != nullptr) {
                const QRect pane = ci->rect->rect();
                drawIndicatorLegend(p, QPointF(pane.left() + 8, pane.top() + 4), *ci, idx, pane.right() - 8, lineH);
            }
        }
    }
};

// =============================================================================================
CandleChart::CandleChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    // The drawing toolbar on the left, as on TradingView.
    d->toolbar = new QToolBar(this);
    d->toolbar->setObjectName(QStringLiteral("DrawingToolbar"));
    d->toolbar->setOrientation(Qt::Vertical);
    d->toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    const std::pair<storage::DrawingKind, const char*> glyphs[] = {
        {storage::DrawingKind::TrendLine, "\u2571"},       {storage::DrawingKind::Ray, "\u2197"},
        {storage::DrawingKind::HorizontalLine, "\u2500"},  {storage::DrawingKind::VerticalLine, "\u2502"},
        {storage::DrawingKind::Rectangle, "\u25ad"},       {storage::DrawingKind::FibRetracement, "F"},
        {storage::DrawingKind::ParallelChannel, "\u2225"}, {storage::DrawingKind::Text, "T"},
        {storage::DrawingKind::Measure, "\u21d5"}};
    for (const auto& [kind, glyph] : glyphs) {
        const QString shortcut = drawingKindShortcut(kind);
        QAction* a = d->toolbar->addAction(QString::fromUtf8(glyph));
        a->setObjectName(QStringLiteral("DrawingTool_") + QString::fromLatin1(storage::toString(kind).data()));
        a->setToolTip(drawingKindLabel(kind) + (shortcut.isEmpty() ? QString() : QStringLiteral(" (") + shortcut + QLatin1Char(')')));
        a->setCheckable(true);
        connect(a, &QAction::triggered, this, [this, k = kind](bool on) {
            setDrawingTool(on ? std::optional<storage::DrawingKind>(k) : std::nullopt);
        });
        d->toolActions.push_back({kind, a});
    }
    d->toolbar->addSeparator();
    d->magnetAction = d->toolbar->addAction(QString::fromUtf8("\u2229"));
    d->magnetAction->setObjectName(QStringLiteral("DrawingMagnet"));
    d->magnetAction->setToolTip(tr("Magnet: snap anchors to the bar's open/high/low/close"));
    d->magnetAction->setCheckable(true);
    connect(d->magnetAction, &QAction::toggled, this, [this](bool on) { d->magnetOn = on; });
    layout->addWidget(d->toolbar);
    layout->addWidget(d->plot, 1);
    setFocusPolicy(Qt::StrongFocus);
    d->frameTimer.setSingleShot(true);
    d->frameTimer.setTimerType(Qt::PreciseTimer);
    connect(&d->frameTimer, &QTimer::timeout, this, [this] { d->frame(QCustomPlot::rpQueuedRefresh); });
    d->countdownTimer.setInterval(1000);
    connect(&d->countdownTimer, &QTimer::timeout, this, [this] { d->requestFrame(Private::DirtyOverlay); });
    d->countdownTimer.start();
    d->setupPlot();
    resetView();
}

CandleChart::~CandleChart() = default;

void CandleChart::setBars(const std::vector<Bar>& bars) {
    d->series.assign(bars);
    d->rebuildHeikinAshi();
    for (auto& ci : d->indicators) ci->values.recompute(d->series);
    d->displayValid = false;
    d->historyRequested = false;
    resetView();
}

std::size_t CandleChart::prependBars(const std::vector<Bar>& bars) {
    const std::size_t added = d->series.prepend(bars);
    d->historyRequested = false;
    if (added > 0) {
        d->rebuildHeikinAshi();
        for (auto& ci : d->indicators) ci->values.recompute(d->series);
        d->displayValid = false;
        d->requestFrame(Private::DirtyFull);
    }
    return added;
}

void CandleChart::updateLastBar(const Bar& bar) {
    const bool follow = d->atLatest();
    const auto u = d->series.updateLast(bar);
    if (u == ChartSeries::Update::Ignored) return;
    d->updateHeikinAshi(u);
    for (auto& ci : d->indicators) ci->values.onLastBar(d->series, u);
    d->patchLast();
    if (u == ChartSeries::Update::Appended && follow) {
        d->left += 1;
        d->right += 1;
        Q_EMIT visibleRangeChanged(d->left, d->right);
    }
    d->requestFrame(Private::DirtyFull, kLiveFrameMs);
}

int CandleChart::barCount() const { return static_cast<int>(d->series.size()); }
const ChartSeries& CandleChart::series() const { return d->series; }

void CandleChart::setInstrument(const InstrumentId& id) {
    const bool changed = !(d->instrument == id);
    d->instrument = id;
    if (changed) d->loadDrawings();
    d->requestFrame(Private::DirtyOverlay);
}
InstrumentId CandleChart::instrument() const { return d->instrument; }
void CandleChart::setTimeframe(Timeframe tf) {
    d->tf = tf;
    d->requestFrame(Private::DirtyFull);
}
Timeframe CandleChart::timeframe() const { return d->tf; }
void CandleChart::setTitle(const QString& title) {
    d->title = title;
    setWindowTitle(title);
    d->requestFrame(Private::DirtyOverlay);
}

void CandleChart::setChartType(ChartType type) {
    if (d->type == type) return;
    d->type = type;
    d->rebuildHeikinAshi();
    d->displayValid = false;
    d->requestFrame(Private::DirtyFull);
    Q_EMIT chartTypeChanged(type);
}
ChartType CandleChart::chartType() const { return d->type; }

void CandleChart::setTheme(const ChartTheme& theme) {
    d->theme = theme;
    d->applyTheme();
    // Histogram and level colours come from the theme.
    const std::vector<int> ids = indicatorIds();
    for (int id : ids) updateIndicator(id, indicatorConfig(id));
}
const ChartTheme& CandleChart::theme() const { return d->theme; }

void CandleChart::setVolumeVisible(bool visible) {
    if (visible == d->volumeVisible) return;
    d->setVolumeVisible(visible);
}
bool CandleChart::isVolumeVisible() const { return d->volumeVisible; }


// ---- indicators ------------------------------------------------------------------------------
int CandleChart::addIndicator(const IndicatorConfig& config) {
    if (config.info() == nullptr) return 0;
    if (isFormulaIndicator(config.name) && !formulaError(config.formula).isEmpty()) return 0;
    auto ci = std::make_unique<Private::ChartIndicator>(config);
    ci->id = d->nextIndicatorId++;
    ci->values.recompute(d->series);
    d->buildIndicator(*ci);
    const int id = ci->id;
    d->indicators.push_back(std::move(ci));
    d->displayValid = false;
    d->requestFrame(Private::DirtyFull);
    Q_EMIT indicatorsChanged();
    return id;
}

bool CandleChart::updateIndicator(int id, const IndicatorConfig& config) {
    Private::ChartIndicator* ci = d->findIndicator(id);
    if (ci == nullptr || config.info() == nullptr) return false;
    if (isFormulaIndicator(config.name) && !formulaError(config.formula).isEmpty()) return false;
    // Rebuild in place, keeping the id and the position among panes.
    std::size_t paneIndex = 0;
    for (std::size_t i = 0; i < d->panes.size(); ++i)
        if (d->panes[i].indicatorId == id) paneIndex = i;
    d->destroyIndicator(*ci);
    ci->values = IndicatorValues(config);
    ci->values.recompute(d->series);
    d->buildIndicator(*ci);
    if (paneIndex > 0 && !ci->isOverlay()) {
        // buildIndicator appended the pane; move it back where it was.
        auto it = std::find_if(d->panes.begin(), d->panes.end(), [id](const auto& p) { return p.indicatorId == id; });
        auto pane = *it;
        d->panes.erase(it);
        d->panes.insert(d->panes.begin() + static_cast<std::ptrdiff_t>(std::min(paneIndex, d->panes.size())), pane);
        d->relayoutPanes();
    }
    d->displayValid = false;
    d->requestFrame(Private::DirtyFull);
    Q_EMIT indicatorsChanged();
    return true;
}

bool CandleChart::removeIndicator(int id) {
    auto it = std::find_if(d->indicators.begin(), d->indicators.end(), [id](const auto& ci) { return ci->id == id; });
    if (it == d->indicators.end()) return false;
    d->destroyIndicator(**it);
    d->indicators.erase(it);
    d->requestFrame(Private::DirtyFull);
    Q_EMIT indicatorsChanged();
    return true;
}

void CandleChart::clearIndicators() {
    for (int id : indicatorIds()) removeIndicator(id);
}

std::vector<int> CandleChart::indicatorIds() const {
    std::vector<int> ids;
    for (const auto& ci : d->indicators) ids.push_back(ci->id);
    return ids;
}

IndicatorConfig CandleChart::indicatorConfig(int id) const {
    const Private::ChartIndicator* ci = d->findIndicator(id);
    return ci != nullptr ? ci->values.config() : IndicatorConfig{};
}

const IndicatorValues* CandleChart::indicatorValues(int id) const {
    const Private::ChartIndicator* ci = d->findIndicator(id);
    return ci != nullptr ? &ci->values : nullptr;
}

QCPAxisRect* CandleChart::indicatorRect(int id) const {
    const Private::ChartIndicator* ci = d->findIndicator(id);
    return ci != nullptr ? ci->rect : nullptr;
}

QCPGraph* CandleChart::indicatorGraph(int id, int output) const {
    const Private::ChartIndicator* ci = d->findIndicator(id);
    if (ci == nullptr) return nullptr;
    for (const auto& b : ci->bindings)
        if (b.output == output) return b.graph;
    return nullptr;
}

int CandleChart::addFormulaIndicator(bool overlay) {
    FormulaDialog dialog(IndicatorConfig::fromFormula(QString(), overlay), this);
    if (dialog.exec() != QDialog::Accepted) return 0;
    return addIndicator(dialog.config());
}

IndicatorPicker* CandleChart::openIndicatorPicker() {
    auto* picker = new IndicatorPicker(this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    connect(picker, &IndicatorPicker::indicatorChosen, this, [this](const QString& name) {
        if (name == IndicatorPicker::volumeName()) {
            setVolumeVisible(true);
        } else if (isFormulaIndicator(name)) {
            // Asked for after the picker's own event has been handled (the dialog is modal).
            QTimer::singleShot(0, this, [this, name] { addFormulaIndicator(name == formulaOverlayName()); });
        } else {
            addIndicator(IndicatorConfig::defaults(name));
        }
    });
    picker->show();
    picker->raise();
    picker->activateWindow();
    return picker;
}

bool CandleChart::editIndicator(int id) {
    const Private::ChartIndicator* ci = d->findIndicator(id);
    if (ci == nullptr) return false;
    if (isFormulaIndicator(ci->values.config().name)) {
        FormulaDialog dialog(ci->values.config(), this);
        if (dialog.exec() != QDialog::Accepted) return false;
        return updateIndicator(id, dialog.config());
    }
    IndicatorDialog dialog(ci->values.config(), this);
    if (dialog.exec() != QDialog::Accepted) return false;
    if (dialog.removeRequested()) return removeIndicator(id);
    return updateIndicator(id, dialog.config());
}

void CandleChart::setVisibleRange(double left, double right) {
    if (right <= left) return;
    d->left = left;
    d->right = right;
    d->viewChanged();
}
double CandleChart::visibleLeft() const { return d->left; }
double CandleChart::visibleRight() const { return d->right; }

void CandleChart::resetView() {
    d->autoScale = true;
    const double right = d->series.empty() ? d->defaultVisible : static_cast<double>(d->series.lastIndex()) + kRightMarginBars;
    d->right = right;
    d->left = right - d->defaultVisible - kRightMarginBars;
    d->viewChanged();
}
int CandleChart::defaultVisibleBars() const { return d->defaultVisible; }
void CandleChart::setDefaultVisibleBars(int bars) { d->defaultVisible = std::max(static_cast<int>(kMinVisibleBars), bars); }

void CandleChart::scrollBars(double bars) {
    d->left += bars;
    d->right += bars;
    d->viewChanged();
}

void CandleChart::zoomTime(double factor, double anchor) {
    const double l = anchor - (anchor - d->left) * factor, r = anchor + (d->right - anchor) * factor;
    d->left = l;
    d->right = r;
    d->viewChanged();
}
void CandleChart::zoomTime(double factor) { zoomTime(factor, d->right); }

void CandleChart::setAutoScale(bool on) {
    d->autoScale = on;
    d->requestFrame(Private::DirtyFull);
}
bool CandleChart::autoScale() const { return d->autoScale; }
double CandleChart::autoScalePadding() { return kAutoScalePadding; }
int CandleChart::barsPerCandle() const { return d->bucket; }

void CandleChart::setClock(std::function<std::int64_t()> nowMs) {
    d->clock = std::move(nowMs);
    d->requestFrame(Private::DirtyOverlay);
}

void CandleChart::renderNow() {
    d->dirty |= Private::DirtyFull;
    d->frame(QCustomPlot::rpImmediateRefresh);
}
int CandleChart::frameCount() const { return d->frames; }

QCustomPlot* CandleChart::plot() const { return d->plot; }
QCPAxisRect* CandleChart::priceRect() const { return d->priceRect(); }
QCPAxis* CandleChart::priceAxis() const { return d->yAxis(d->priceRect()); }
QCPAxis* CandleChart::timeAxis() const { return d->xAxis(d->priceRect()); }
QCPAxisRect* CandleChart::volumeRect() const { return d->volumeRect(); }

void CandleChart::showCrosshairAt(std::int64_t timeMs) {
    if (d->mouseInside) return;  // the user's own mouse wins
    d->syncedCrosshairMs = timeMs;
    d->requestFrame(Private::DirtyOverlay);
}

bool CandleChart::event(QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride) {
        auto* e = static_cast<QKeyEvent*>(event);
        const Qt::KeyboardModifiers mods = e->modifiers() & ~Qt::KeypadModifier;
        static const int kAltKeys[] = {Qt::Key_T, Qt::Key_H, Qt::Key_V, Qt::Key_F, Qt::Key_R,
                                       Qt::Key_1, Qt::Key_2, Qt::Key_3, Qt::Key_4};
        if (mods == Qt::AltModifier && std::find(std::begin(kAltKeys), std::end(kAltKeys), e->key()) != std::end(kAltKeys)) {
            event->accept();
            return true;
        }
        const bool copyPaste = mods == Qt::ControlModifier && ((e->key() == Qt::Key_C && d->selected >= 0) ||
                                                               (e->key() == Qt::Key_V && d->copied.has_value()));
        if (copyPaste) {
            event->accept();
            return true;
        }
        if (mods == Qt::NoModifier && (e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) && d->selected >= 0) {
            event->accept();
            return true;
        }
    }
    return QWidget::event(event);
}

void CandleChart::keyPressEvent(QKeyEvent* event) {
    const Qt::KeyboardModifiers mods = event->modifiers();
    const bool ctrl = (mods & Qt::ControlModifier) != 0, alt = (mods & Qt::AltModifier) != 0;
    const double span = d->right - d->left;
    switch (event->key()) {
    case Qt::Key_Left: scrollBars(ctrl ? -std::max(1.0, span / 4) : -1); break;
    case Qt::Key_Right: scrollBars(ctrl ? std::max(1.0, span / 4) : 1); break;
    case Qt::Key_Up: zoomTime(1 / 1.25); break;
    case Qt::Key_Down: zoomTime(1.25); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomTime(1 / 1.25); break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore: zoomTime(1.25); break;
    case Qt::Key_Home:
        if (!d->series.empty()) setVisibleRange(d->series.firstIndex() - 1.0, d->series.firstIndex() - 1.0 + span);
        break;
    case Qt::Key_End:
        if (!d->series.empty()) {
            const double r = static_cast<double>(d->series.lastIndex()) + kRightMarginBars;
            setVisibleRange(r - span, r);
        }
        break;
    case Qt::Key_1:
        if (!alt) return QWidget::keyPressEvent(event);
        setChartType(ChartType::Bars);
        break;
    case Qt::Key_2:
        if (!alt) return QWidget::keyPressEvent(event);
        setChartType(ChartType::Candles);
        break;
    case Qt::Key_3:
        if (!alt) return QWidget::keyPressEvent(event);
        setChartType(ChartType::Line);
        break;
    case Qt::Key_4:
        if (!alt) return QWidget::keyPressEvent(event);
        setChartType(ChartType::HeikinAshi);
        break;
    case Qt::Key_R:
        if (!alt) return QWidget::keyPressEvent(event);
        resetView();
        break;
    case Qt::Key_Slash: openIndicatorPicker(); break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (d->selected < 0) return QWidget::keyPressEvent(event);
        removeDrawing(d->selected);
        break;
    case Qt::Key_C:
        if (!ctrl || d->selected < 0) return QWidget::keyPressEvent(event);
        d->copied = d->drawings[static_cast<std::size_t>(d->selected)];
        break;
    case Qt::Key_V:
        if (ctrl && d->copied) {
            storage::Drawing copy = *d->copied;
            copy.id = 0;
            selectDrawing(addDrawing(copy));
            break;
        }
        if (!alt) return QWidget::keyPressEvent(event);
        setDrawingTool(storage::DrawingKind::VerticalLine);
        break;
    case Qt::Key_Escape:
        setDrawingTool(std::nullopt);
        selectDrawing(-1);
        break;
    case Qt::Key_T:
    case Qt::Key_H:
    case Qt::Key_F: {
        if (!alt) return QWidget::keyPressEvent(event);
        const int k = event->key();
        setDrawingTool(k == Qt::Key_T   ? storage::DrawingKind::TrendLine
                       : k == Qt::Key_H ? storage::DrawingKind::HorizontalLine
                                        : storage::DrawingKind::FibRetracement);
        break;
    }
    default: return QWidget::keyPressEvent(event);
    }
    event->accept();
}

void CandleChart::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    const QPointF at = d->plot->mapFrom(this, event->pos());
    if (const int i = d->drawingAt(at).first; i >= 0) {
        selectDrawing(i);
        const QString name = drawingKindLabel(d->drawings[static_cast<std::size_t>(i)].kind);
        menu.addAction(tr("%1: properties…").arg(name), this, [this, i] { editDrawing(i); });
        menu.addAction(tr("Delete %1\tDel").arg(name), this, [this, i] { removeDrawing(i); });
        menu.addSeparator();
    }
    menu.addAction(tr("Indicators…\t/"), this, [this] { openIndicatorPicker(); });
    QMenu* tools = menu.addMenu(tr("Drawing tools"));
    for (storage::DrawingKind k : storage::kAllDrawingKinds) {
        const QString sc = drawingKindShortcut(k);
        tools->addAction(drawingKindLabel(k) + (sc.isEmpty() ? QString() : QLatin1Char('\t') + sc), this,
                         [this, k] { setDrawingTool(k); });
    }
    tools->addSeparator();
    QAction* mag = tools->addAction(tr("Magnet"), this, [this](bool on) { setMagnet(on); });
    mag->setCheckable(true);
    mag->setChecked(magnet());
    QAction* clear = tools->addAction(tr("Remove all drawings"), this, [this] { clearDrawings(); });
    clear->setEnabled(!d->drawings.empty());
    for (int id : indicatorIds()) {
        QMenu* sub = menu.addMenu(indicatorConfig(id).label());
        sub->addAction(tr("Settings…"), this, [this, id] { editIndicator(id); });
        sub->addAction(tr("Remove"), this, [this, id] { removeIndicator(id); });
    }
    menu.addSeparator();
    QMenu* types = menu.addMenu(tr("Chart type"));
    const std::pair<ChartType, QString> kinds[] = {{ChartType::Bars, tr("Bars\tAlt+1")},
                                                   {ChartType::Candles, tr("Candles\tAlt+2")},
                                                   {ChartType::Line, tr("Line\tAlt+3")},
                                                   {ChartType::HeikinAshi, tr("Heikin-Ashi\tAlt+4")}};
    for (const auto& [type, text] : kinds) {
        QAction* a = types->addAction(text, this, [this, t = type] { setChartType(t); });
        a->setCheckable(true);
        a->setChecked(chartType() == type);
    }
    QAction* vol = menu.addAction(tr("Volume pane"), this, [this](bool on) { setVolumeVisible(on); });
    vol->setCheckable(true);
    vol->setChecked(isVolumeVisible());
    QAction* autoY = menu.addAction(tr("Auto-scale prices"), this, [this](bool on) { setAutoScale(on); });
    autoY->setCheckable(true);
    autoY->setChecked(autoScale());
    menu.addAction(tr("Reset view\tAlt+R"), this, [this] { resetView(); });
    menu.addSeparator();
    menu.addAction(tr("Save image…"), this, [this] {
        const QString sym = d->instrument.symbol.empty() ? QStringLiteral("chart") : QString::fromStdString(d->instrument.symbol);
        const QString path = QFileDialog::getSaveFileName(this, tr("Save chart image"),
                                                          sym + QLatin1Char('_') + QString::fromStdString(toString(d->tf)) + QStringLiteral(".png"),
                                                          tr("PNG images (*.png)"));
        if (!path.isEmpty() && !exportPng(path))
            QToolTip::showText(QCursor::pos(), tr("Could not write %1; check the folder exists and is writable.").arg(path), this);
    });
    menu.exec(event->globalPos());
}

// ---- drawings ---------------------------------------------------------------------------
void CandleChart::setDrawingTool(std::optional<storage::DrawingKind> kind) { d->setTool(kind); }
std::optional<storage::DrawingKind> CandleChart::drawingTool() const { return d->tool; }
void CandleChart::setMagnet(bool on) {
    d->magnetOn = on;
    const QSignalBlocker block(d->magnetAction);
    d->magnetAction->setChecked(on);
}
bool CandleChart::magnet() const { return d->magnetOn; }
const std::vector<storage::Drawing>& CandleChart::drawings() const { return d->drawings; }

void CandleChart::setDrawings(const std::vector<storage::Drawing>& drawings) {
    d->setTool(std::nullopt);
    d->drawings.clear();
    for (const auto& dr : drawings)
        if (storage::validate(dr)) d->drawings.push_back(dr);
    d->selected = -1;
    d->drawingsEdited();
}

int CandleChart::addDrawing(const storage::Drawing& drawing) {
    if (!storage::validate(drawing)) return -1;
    d->setTool(std::nullopt);
    d->drawings.push_back(drawing);
    d->drawingsEdited();
    return static_cast<int>(d->drawings.size()) - 1;
}

bool CandleChart::updateDrawing(int index, const storage::Drawing& drawing) {
    if (index < 0 || index >= static_cast<int>(d->drawings.size()) || index == d->creating || !storage::validate(drawing)) return false;
    const std::int64_t id = d->drawings[static_cast<std::size_t>(index)].id;
    d->drawings[static_cast<std::size_t>(index)] = drawing;
    d->drawings[static_cast<std::size_t>(index)].id = id;
    d->drawingsEdited();
    return true;
}

bool CandleChart::removeDrawing(int index) {
    if (index < 0 || index >= static_cast<int>(d->drawings.size()) || index == d->creating) return false;
    d->drawings.erase(d->drawings.begin() + index);
    if (d->selected == index) d->selected = -1;
    else if (d->selected > index) --d->selected;
    if (d->creating > index) --d->creating;
    d->drawingsEdited();
    return true;
}

void CandleChart::clearDrawings() {
    d->setTool(std::nullopt);
    d->drawings.clear();
    d->selected = -1;
    d->drawingsEdited();
}

int CandleChart::selectedDrawing() const { return d->selected; }
void CandleChart::selectDrawing(int index) {
    d->selected = index >= 0 && index < static_cast<int>(d->drawings.size()) ? index : -1;
    d->requestFrame(Private::DirtyOverlay);
}

bool CandleChart::editDrawing(int index) {
    if (index < 0 || index >= static_cast<int>(d->drawings.size()) || index == d->creating) return false;
    storage::Drawing dr = d->drawings[static_cast<std::size_t>(index)];
    QDialog dlg(this);
    dlg.setObjectName(QStringLiteral("DrawingDialog"));
    dlg.setWindowTitle(drawingKindLabel(dr.kind));
    auto* form = new QFormLayout(&dlg);
    QColor colour = drawingColour(dr.colour);
    auto* colourButton = new QPushButton(&dlg);
    colourButton->setObjectName(QStringLiteral("colour"));
    auto showColour = [colourButton, &colour] {
        colourButton->setText(colour.name(colour.alpha() == 255 ? QColor::HexRgb : QColor::HexArgb));
        colourButton->setStyleSheet(QStringLiteral("background-color: %1; color: %2").arg(colour.name(), colour.lightness() > 128 ? QStringLiteral("black") : QStringLiteral("white")));
    };
    showColour();
    connect(colourButton, &QPushButton::clicked, &dlg, [&] {
        const QColor c = QColorDialog::getColor(colour, &dlg, tr("Drawing colour"), QColorDialog::ShowAlphaChannel);
        if (c.isValid()) {
            colour = c;
            showColour();
        }
    });
    auto* width = new QSpinBox(&dlg);
    width->setObjectName(QStringLiteral("width"));
    width->setRange(1, 10);
    width->setValue(dr.width);
    width->setSuffix(QStringLiteral(" px"));
    auto* text = new QLineEdit(QString::fromStdString(dr.text), &dlg);
    text->setObjectName(QStringLiteral("text"));
    text->setPlaceholderText(dr.kind == storage::DrawingKind::Text ? tr("Note") : tr("optional label"));
    form->addRow(tr("Colour"), colourButton);
    form->addRow(dr.kind == storage::DrawingKind::Text ? tr("Size") : tr("Width"), width);
    form->addRow(tr("Text"), text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dlg);
    connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    form->addRow(buttons);
    if (dlg.exec() != QDialog::Accepted) return false;
    dr.colour = drawingColourString(colour);
    dr.width = width->value();
    dr.text = text->text().toStdString();
    return updateDrawing(index, dr);
}

QPointF CandleChart::anchorToPixel(const storage::DrawingAnchor& anchor) const { return d->geometry().pixel(anchor); }
storage::DrawingAnchor CandleChart::pixelToAnchor(QPointF pixel) const { return d->anchorAt(pixel, d->magnetOn); }

void CandleChart::setDrawingStore(storage::DrawingStore* store) {
    d->store = store;
    d->loadDrawings();
}
QStringList CandleChart::drawingProblems() const { return d->drawingProblems; }
void CandleChart::setDrawingToolbarVisible(bool visible) { d->toolbar->setVisible(visible); }

// ---- markers ----------------------------------------------------------------------------
void CandleChart::setSignals(const std::vector<signal::Signal>& list) {
    d->signalList = list;
    d->requestFrame(Private::DirtyOverlay);
}
const std::vector<signal::Signal>& CandleChart::signalMarkers() const { return d->signalList; }

QString CandleChart::signalTooltip(const signal::Signal& s, int priceDecimals) {
    auto price = [priceDecimals](double v) { return QString::number(v, 'f', priceDecimals); };
    const QString side = s.side == signal::Direction::Long ? tr("LONG") : s.side == signal::Direction::Short ? tr("SHORT") : tr("HOLD");
    QString t = tr("%1 · confidence %2%").arg(side).arg(s.confidence);
    t += QLatin1Char('\n') + tr("entry %1  stop %2").arg(price(s.entry), price(s.stopLoss));
    t += QLatin1Char('\n') + tr("targets %1 / %2 / %3  (R:R %4)")
                                 .arg(price(s.takeProfits[0]), price(s.takeProfits[1]), price(s.takeProfits[2]))
                                 .arg(s.rewardRisk, 0, 'f', 1);
    for (const auto& r : s.reasons) t += QStringLiteral("\n• ") + QString::fromStdString(r);
    return t;
}

void CandleChart::setOrderLines(const std::vector<OrderLine>& lines) {
    d->orderLines = lines;
    d->draggedLine = -1;
    if (d->drag == Private::Drag::OrderLine) d->drag = Private::Drag::None;
    d->requestFrame(Private::DirtyOverlay);
}
const std::vector<OrderLine>& CandleChart::orderLines() const { return d->orderLines; }

// ---- export -----------------------------------------------------------------------------
bool CandleChart::exportPng(const QString& path) {
    // A frame without the crosshair and selection handles, then QCustomPlot's own PNG writer.
    d->exporting = true;
    renderNow();
    const bool ok = d->plot->savePng(path, 0, 0, 1.0, -1);
    d->exporting = false;
    d->requestFrame(Private::DirtyOverlay);
    if (!ok) qWarning("chart image not written to %s", qPrintable(QDir::toNativeSeparators(path)));
    return ok;
}

bool CandleChart::eventFilter(QObject* watched, QEvent* event) {
    if (watched == d->plot) {
        if (event->type() == QEvent::Resize) d->requestFrame(Private::DirtyFull);
        if (d->handleMouse(event)) return true;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace kairos::charts
