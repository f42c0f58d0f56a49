#include "candlechart.h"

#include "chartcore.h"
#include "chartdrawingscontroller.h"
#include "chartexport.h"
#include "chartindicatorpanes.h"
#include "chartinteraction.h"
#include "chartorderlines.h"
#include "chartoverlay.h"
#include "chartsignalmarkers.h"
#include "formuladialog.h"
#include "indicatordialog.h"
#include "indicatorpicker.h"

#include <QContextMenuEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QTimer>
#include <QToolBar>

#include <algorithm>

namespace kairos::charts {

using detail::ChartCore;
using detail::kAutoScalePadding;
using detail::kLiveFrameMs;
using detail::kMinVisibleBars;
using detail::kRightMarginBars;

QString toString(ChartType type) {
    switch (type) {
    case ChartType::Bars:
        return QStringLiteral("bars");
    case ChartType::Candles:
        return QStringLiteral("candles");
    case ChartType::Line:
        return QStringLiteral("line");
    case ChartType::HeikinAshi:
        return QStringLiteral("heikin-ashi");
    }
    return {};
}

// =============================================================================================
/// The chart's parts, each with one job (see their headers); `core` is the state they share.
struct CandleChart::Private {
    ChartCore core;
    detail::ChartIndicatorPanes indicators{core};
    detail::ChartDrawingsController drawings{core};
    detail::ChartSignalMarkers markers{core};
    detail::ChartOrderLines orderLines{core};
    detail::ChartOverlay overlay{core, indicators, drawings, markers, orderLines};
    detail::ChartInteraction interaction{core, drawings, orderLines, markers, overlay};

    explicit Private(CandleChart* chart) : core(chart) { core.indicators = &indicators; }

    void setupPlot() {
        core.setupPlot();
        overlay.install();
        core.setVolumeVisible(true);
        applyTheme();
    }

    void applyTheme() {
        drawings.styleToolbar();
        core.applyTheme();
    }
};

// =============================================================================================
CandleChart::CandleChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(d->drawings.createToolbar());
    layout->addWidget(d->core.plot, 1);
    setFocusPolicy(Qt::StrongFocus);
    d->core.frameTimer.setSingleShot(true);
    d->core.frameTimer.setTimerType(Qt::PreciseTimer);
    connect(&d->core.frameTimer, &QTimer::timeout, this, [this] { d->core.frame(QCustomPlot::rpQueuedRefresh); });
    d->core.countdownTimer.setInterval(1000);
    connect(&d->core.countdownTimer, &QTimer::timeout, this, [this] { d->core.requestFrame(ChartCore::DirtyOverlay); });
    d->core.countdownTimer.start();
    d->setupPlot();
    resetView();
}

CandleChart::~CandleChart() = default;

void CandleChart::setBars(const std::vector<Bar>& bars) {
    d->core.series.assign(bars);
    d->core.rebuildHeikinAshi();
    d->indicators.recompute();
    d->core.displayValid = false;
    d->core.historyRequested = false;
    resetView();
}

std::size_t CandleChart::prependBars(const std::vector<Bar>& bars) {
    const std::size_t added = d->core.series.prepend(bars);
    d->core.historyRequested = false;
    if (added > 0) {
        d->core.rebuildHeikinAshi();
        d->indicators.recompute();
        d->core.displayValid = false;
        d->core.requestFrame(ChartCore::DirtyFull);
    }
    return added;
}

void CandleChart::updateLastBar(const Bar& bar) {
    const bool follow = d->core.atLatest();
    const auto u = d->core.series.updateLast(bar);
    if (u == ChartSeries::Update::Ignored) return;
    d->core.updateHeikinAshi(u);
    d->indicators.onLastBar(u);
    d->core.patchLast();
    if (u == ChartSeries::Update::Appended && follow) {
        d->core.left += 1;
        d->core.right += 1;
        Q_EMIT visibleRangeChanged(d->core.left, d->core.right);
    }
    d->core.requestFrame(ChartCore::DirtyFull, kLiveFrameMs);
}

int CandleChart::barCount() const { return static_cast<int>(d->core.series.size()); }
const ChartSeries& CandleChart::series() const { return d->core.series; }

void CandleChart::setInstrument(const InstrumentId& id) {
    const bool changed = !(d->core.instrument == id);
    d->core.instrument = id;
    if (changed) d->drawings.load();
    d->core.requestFrame(ChartCore::DirtyOverlay);
}
InstrumentId CandleChart::instrument() const { return d->core.instrument; }
void CandleChart::setTimeframe(Timeframe tf) {
    d->core.tf = tf;
    d->core.requestFrame(ChartCore::DirtyFull);
}
Timeframe CandleChart::timeframe() const { return d->core.tf; }
void CandleChart::setTitle(const QString& title) {
    d->core.title = title;
    setWindowTitle(title);
    d->core.requestFrame(ChartCore::DirtyOverlay);
}

void CandleChart::setChartType(ChartType type) {
    if (d->core.type == type) return;
    d->core.type = type;
    d->core.rebuildHeikinAshi();
    d->core.displayValid = false;
    d->core.requestFrame(ChartCore::DirtyFull);
    Q_EMIT chartTypeChanged(type);
}
ChartType CandleChart::chartType() const { return d->core.type; }

void CandleChart::setTheme(const ChartTheme& theme) {
    d->core.theme = theme;
    d->applyTheme();
    // Histogram and level colours come from the theme.
    const std::vector<int> ids = indicatorIds();
    for (int id : ids) updateIndicator(id, indicatorConfig(id));
}
const ChartTheme& CandleChart::theme() const { return d->core.theme; }

void CandleChart::setVolumeVisible(bool visible) {
    if (visible == d->core.volumeVisible) return;
    d->core.setVolumeVisible(visible);
}
bool CandleChart::isVolumeVisible() const { return d->core.volumeVisible; }

// ---- indicators ------------------------------------------------------------------------------
int CandleChart::addIndicator(const IndicatorConfig& config) {
    if (config.info() == nullptr) return 0;
    if (isFormulaIndicator(config.name) && !formulaError(config.formula).isEmpty()) return 0;
    const int id = d->indicators.add(config);
    d->core.displayValid = false;
    d->core.requestFrame(ChartCore::DirtyFull);
    Q_EMIT indicatorsChanged();
    return id;
}

bool CandleChart::updateIndicator(int id, const IndicatorConfig& config) {
    if (d->indicators.find(id) == nullptr || config.info() == nullptr) return false;
    if (isFormulaIndicator(config.name) && !formulaError(config.formula).isEmpty()) return false;
    d->indicators.update(id, config);
    d->core.displayValid = false;
    d->core.requestFrame(ChartCore::DirtyFull);
    Q_EMIT indicatorsChanged();
    return true;
}

bool CandleChart::removeIndicator(int id) {
    if (!d->indicators.remove(id)) return false;
    d->core.requestFrame(ChartCore::DirtyFull);
    Q_EMIT indicatorsChanged();
    return true;
}

void CandleChart::clearIndicators() {
    for (int id : indicatorIds()) removeIndicator(id);
}

std::vector<int> CandleChart::indicatorIds() const {
    std::vector<int> ids;
    for (const auto& ci : d->indicators.list) ids.push_back(ci->id);
    return ids;
}

IndicatorConfig CandleChart::indicatorConfig(int id) const {
    const detail::ChartIndicatorPanes::ChartIndicator* ci = d->indicators.find(id);
    return ci != nullptr ? ci->values.config() : IndicatorConfig{};
}

const IndicatorValues* CandleChart::indicatorValues(int id) const {
    const detail::ChartIndicatorPanes::ChartIndicator* ci = d->indicators.find(id);
    return ci != nullptr ? &ci->values : nullptr;
}

QCPAxisRect* CandleChart::indicatorRect(int id) const {
    const detail::ChartIndicatorPanes::ChartIndicator* ci = d->indicators.find(id);
    return ci != nullptr ? ci->rect : nullptr;
}

QCPGraph* CandleChart::indicatorGraph(int id, int output) const {
    const detail::ChartIndicatorPanes::ChartIndicator* ci = d->indicators.find(id);
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
    const detail::ChartIndicatorPanes::ChartIndicator* ci = d->indicators.find(id);
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
    d->core.left = left;
    d->core.right = right;
    d->core.viewChanged();
}
double CandleChart::visibleLeft() const { return d->core.left; }
double CandleChart::visibleRight() const { return d->core.right; }

void CandleChart::resetView() {
    d->core.autoScale = true;
    const double right =
        d->core.series.empty() ? d->core.defaultVisible : static_cast<double>(d->core.series.lastIndex()) + kRightMarginBars;
    d->core.right = right;
    d->core.left = right - d->core.defaultVisible - kRightMarginBars;
    d->core.viewChanged();
}
int CandleChart::defaultVisibleBars() const { return d->core.defaultVisible; }
void CandleChart::setDefaultVisibleBars(int bars) { d->core.defaultVisible = std::max(static_cast<int>(kMinVisibleBars), bars); }

void CandleChart::scrollBars(double bars) {
    d->core.left += bars;
    d->core.right += bars;
    d->core.viewChanged();
}

void CandleChart::zoomTime(double factor, double anchor) {
    const double l = anchor - (anchor - d->core.left) * factor, r = anchor + (d->core.right - anchor) * factor;
    d->core.left = l;
    d->core.right = r;
    d->core.viewChanged();
}
void CandleChart::zoomTime(double factor) { zoomTime(factor, d->core.right); }

void CandleChart::setAutoScale(bool on) {
    d->core.autoScale = on;
    d->core.requestFrame(ChartCore::DirtyFull);
}
bool CandleChart::autoScale() const { return d->core.autoScale; }
double CandleChart::autoScalePadding() { return kAutoScalePadding; }
int CandleChart::barsPerCandle() const { return d->core.bucket; }

void CandleChart::setClock(std::function<std::int64_t()> nowMs) {
    d->core.clock = std::move(nowMs);
    d->core.requestFrame(ChartCore::DirtyOverlay);
}

void CandleChart::renderNow() {
    d->core.dirty |= ChartCore::DirtyFull;
    d->core.frame(QCustomPlot::rpImmediateRefresh);
}
int CandleChart::frameCount() const { return d->core.frames; }

QCustomPlot* CandleChart::plot() const { return d->core.plot; }
QCPAxisRect* CandleChart::priceRect() const { return d->core.priceRect(); }
QCPAxis* CandleChart::priceAxis() const { return d->core.yAxis(d->core.priceRect()); }
QCPAxis* CandleChart::timeAxis() const { return d->core.xAxis(d->core.priceRect()); }
QCPAxisRect* CandleChart::volumeRect() const { return d->core.volumeRect(); }

void CandleChart::showCrosshairAt(std::int64_t timeMs) {
    if (d->core.mouseInside) return;  // the user's own mouse wins
    d->core.syncedCrosshairMs = timeMs;
    d->core.requestFrame(ChartCore::DirtyOverlay);
}

bool CandleChart::event(QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride && d->interaction.claimsShortcut(static_cast<QKeyEvent*>(event))) {
        event->accept();
        return true;
    }
    return QWidget::event(event);
}

void CandleChart::keyPressEvent(QKeyEvent* event) {
    if (!d->interaction.handleKey(event)) return QWidget::keyPressEvent(event);
    event->accept();
}

void CandleChart::contextMenuEvent(QContextMenuEvent* event) { d->interaction.showContextMenu(event); }

// ---- drawings ---------------------------------------------------------------------------
void CandleChart::setDrawingTool(std::optional<storage::DrawingKind> kind) { d->drawings.setTool(kind); }
std::optional<storage::DrawingKind> CandleChart::drawingTool() const { return d->drawings.tool; }
void CandleChart::setMagnet(bool on) { d->drawings.setMagnet(on); }
bool CandleChart::magnet() const { return d->drawings.magnetOn; }
const std::vector<storage::Drawing>& CandleChart::drawings() const { return d->drawings.list; }
void CandleChart::setDrawings(const std::vector<storage::Drawing>& drawings) { d->drawings.set(drawings); }
int CandleChart::addDrawing(const storage::Drawing& drawing) { return d->drawings.add(drawing); }
bool CandleChart::updateDrawing(int index, const storage::Drawing& drawing) { return d->drawings.update(index, drawing); }
bool CandleChart::removeDrawing(int index) { return d->drawings.remove(index); }
void CandleChart::clearDrawings() { d->drawings.clear(); }
int CandleChart::selectedDrawing() const { return d->drawings.selected; }
void CandleChart::selectDrawing(int index) { d->drawings.select(index); }

bool CandleChart::editDrawing(int index) {
    const std::optional<storage::Drawing> edited = d->drawings.propertiesDialog(index);
    return edited && updateDrawing(index, *edited);
}

QPointF CandleChart::anchorToPixel(const storage::DrawingAnchor& anchor) const { return d->drawings.geometry().pixel(anchor); }
storage::DrawingAnchor CandleChart::pixelToAnchor(QPointF pixel) const {
    return d->drawings.anchorAt(pixel, d->drawings.magnetOn);
}

void CandleChart::setDrawingStore(storage::DrawingStore* store) {
    d->drawings.store = store;
    d->drawings.load();
}
QStringList CandleChart::drawingProblems() const { return d->drawings.problems; }
void CandleChart::setDrawingToolbarVisible(bool visible) { d->drawings.toolbar->setVisible(visible); }

// ---- markers ----------------------------------------------------------------------------
void CandleChart::setSignals(const std::vector<signal::Signal>& list) {
    d->markers.list = list;
    d->core.requestFrame(ChartCore::DirtyOverlay);
}
const std::vector<signal::Signal>& CandleChart::signalMarkers() const { return d->markers.list; }

QString CandleChart::signalTooltip(const signal::Signal& s, int priceDecimals) {
    auto price = [priceDecimals](double v) { return QString::number(v, 'f', priceDecimals); };
    const QString side = s.side == signal::Direction::Long ? tr("LONG")
        : s.side == signal::Direction::Short               ? tr("SHORT")
                                                           : tr("HOLD");
    QString t = tr("%1 · confidence %2%").arg(side).arg(s.confidence);
    t += QLatin1Char('\n') + tr("entry %1  stop %2").arg(price(s.entry), price(s.stopLoss));
    t += QLatin1Char('\n') +
        tr("targets %1 / %2 / %3  (R:R %4)")
            .arg(price(s.takeProfits[0]), price(s.takeProfits[1]), price(s.takeProfits[2]))
            .arg(s.rewardRisk, 0, 'f', 1);
    for (const auto& r : s.reasons) t += QStringLiteral("\n• ") + QString::fromStdString(r);
    return t;
}

void CandleChart::setOrderLines(const std::vector<OrderLine>& lines) {
    d->orderLines.set(lines);
    d->interaction.cancelOrderLineDrag();
}
const std::vector<OrderLine>& CandleChart::orderLines() const { return d->orderLines.lines; }

// ---- export -----------------------------------------------------------------------------
bool CandleChart::exportPng(const QString& path) { return detail::exportPng(d->core, path); }

bool CandleChart::eventFilter(QObject* watched, QEvent* event) {
    if (watched == d->core.plot) {
        if (event->type() == QEvent::Resize) d->core.requestFrame(ChartCore::DirtyFull);
        if (d->interaction.handleMouse(event)) return true;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace kairos::charts
