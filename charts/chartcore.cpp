#include "chartcore.h"

#include "chartindicatorpanes.h"
#include "paneticker.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kairos::charts::detail {

void drawAxisLabel(QCPPainter* p, const QRectF& box, const QString& text, const QColor& bg, const QColor& fg) {
    p->setPen(Qt::NoPen);
    p->setBrush(bg);
    p->drawRect(box);
    p->setPen(fg);
    p->drawText(box, Qt::AlignCenter, text);
}

// ---- construction ----------------------------------------------------------------------------
void ChartCore::setupPlot() {
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
}

void ChartCore::setupRect(QCPAxisRect* r) {
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

QCPAxisRect* ChartCore::volumeRect() const {
    for (const Pane& p : panes)
        if (p.kind == PaneKind::Volume) return p.rect;
    return nullptr;
}

void ChartCore::setVolumeVisible(bool on) {
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

void ChartCore::relayoutPanes() {
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

void ChartCore::styleRect(QCPAxisRect* r) const {
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

void ChartCore::applyTheme() {
    plot->setBackground(theme.background);
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

// ---- frames --------------------------------------------------------------------------------
void ChartCore::requestFrame(int what, int minIntervalMs) {
    dirty |= what;
    const qint64 since = sinceFrame.isValid() ? sinceFrame.elapsed() : minIntervalMs;
    const int wait = static_cast<int>(std::max<qint64>(0, minIntervalMs - since));
    if (frameTimer.isActive() && frameTimer.remainingTime() <= wait) return;
    frameTimer.start(wait);
}

void ChartCore::frame(QCustomPlot::RefreshPriority refresh) {
    frameTimer.stop();
    if (dirty == 0) return;
    if ((dirty & DirtyFull) != 0) {
        syncDisplay();
        applyRanges();
    }
    // ChartPlot draws the whole picture in its paint event (no buffers to replot into).
    if (refresh == QCustomPlot::rpImmediateRefresh)
        plot->repaint();
    else
        plot->update();
    dirty = 0;
    sinceFrame.restart();
    ++frames;
    Q_EMIT q->frameRendered();
}

// ---- data -> what is drawn -------------------------------------------------------------------
double ChartCore::plotWidthPx() const {
    const int w = priceRect()->width();
    if (w >= 20) return w;
    return std::max(100, plot->width() - 70);  // before the first layout pass
}

OhlcColumns ChartCore::columns() const {
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

void ChartCore::rebuildHeikinAshi() {
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

void ChartCore::updateHeikinAshi(ChartSeries::Update u) {
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

double ChartCore::keyOf(const OhlcBucket& b) const {
    const std::int64_t start = floorDiv(b.firstIndex, bucket) * bucket;
    return static_cast<double>(start) + (bucket - 1) / 2.0;
}

void ChartCore::syncDisplay() {
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

void ChartCore::fillPlottables() {
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
    indicators->fill();
}

void ChartCore::patchLast() {
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
        if (!data->isEmpty() && (data->end() - 1)->key == key)
            (data->end() - 1)->value = b.close;
        else
            data->add(QCPGraphData(key, b.close));
    }
    if (volUp != nullptr) {
        volUp->data()->remove(key);
        volDown->data()->remove(key);
        (b.close >= b.open ? volUp : volDown)->data()->add(QCPBarsData(key, b.volume));
    }
    indicators->patch();
}

std::pair<std::size_t, std::size_t> ChartCore::visibleDisplay() const {
    const auto a = static_cast<std::int64_t>(std::ceil(left)), b = static_cast<std::int64_t>(std::floor(right));
    auto lo = std::lower_bound(display.begin(), display.end(), a,
                               [](const OhlcBucket& x, std::int64_t v) { return x.firstIndex + x.count - 1 < v; });
    auto hi = std::upper_bound(lo, display.end(), b, [](std::int64_t v, const OhlcBucket& x) { return v < x.firstIndex; });
    return {static_cast<std::size_t>(lo - display.begin()), static_cast<std::size_t>(hi - display.begin())};
}

void ChartCore::applyRanges() {
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
    indicators->widenByOverlays(lo, hi);
    indicators->applyRanges();
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

// ---- view ----------------------------------------------------------------------------------
void ChartCore::clampView() {
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

void ChartCore::viewChanged() {
    clampView();
    requestFrame(DirtyFull);
    Q_EMIT q->visibleRangeChanged(left, right);
    if (!series.empty() && left < static_cast<double>(series.firstIndex()) && !historyRequested) {
        historyRequested = true;
        Q_EMIT q->historyNeeded(series.time().front());
    }
}

int ChartCore::paneAt(const QPointF& pos, bool includeAxis) const {
    for (std::size_t i = 0; i < panes.size(); ++i) {
        const QRect r = panes[i].rect->rect();
        const bool inY = pos.y() >= r.top() && pos.y() <= r.bottom();
        if (inY && (r.contains(pos.toPoint()) || (includeAxis && pos.x() > r.right()))) return static_cast<int>(i);
    }
    return -1;
}

ChartCore::Zone ChartCore::zoneAt(const QPointF& pos) const {
    for (const Pane& p : panes) {
        const QRect r = p.rect->rect();
        if (r.contains(pos.toPoint())) return Zone::Plot;
        if (pos.y() >= r.top() && pos.y() <= r.bottom() && pos.x() > r.right()) return Zone::PriceAxis;
    }
    if (!panes.empty() && pos.y() > panes.back().rect->rect().bottom()) return Zone::TimeAxis;
    return Zone::None;
}

const OhlcBucket* ChartCore::displayAt(double x) const {
    const auto i = static_cast<std::int64_t>(std::llround(x));
    auto it =
        std::upper_bound(display.begin(), display.end(), i, [](std::int64_t v, const OhlcBucket& b) { return v < b.firstIndex; });
    if (it == display.begin()) return nullptr;
    --it;
    return i < it->firstIndex + it->count ? &*it : nullptr;
}

double ChartCore::snappedX(double x) const {
    const auto i = static_cast<std::int64_t>(std::llround(x));
    if (bucket <= 1) return static_cast<double>(i);
    return static_cast<double>(floorDiv(i, bucket) * bucket) + (bucket - 1) / 2.0;
}

}  // namespace kairos::charts::detail
