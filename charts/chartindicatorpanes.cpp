#include "chartindicatorpanes.h"

#include "chartcore.h"
#include "paneticker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace kairos::charts::detail {

ChartIndicatorPanes::ChartIndicatorPanes(ChartCore& chart) : core(chart) {}
ChartIndicatorPanes::~ChartIndicatorPanes() = default;

int ChartIndicatorPanes::add(const IndicatorConfig& config) {
    auto ci = std::make_unique<ChartIndicator>(config);
    ci->id = nextId++;
    ci->values.recompute(core.series);
    build(*ci);
    const int id = ci->id;
    list.push_back(std::move(ci));
    return id;
}

bool ChartIndicatorPanes::update(int id, const IndicatorConfig& config) {
    ChartIndicator* ci = find(id);
    if (ci == nullptr) return false;
    // Rebuild in place, keeping the id and the position among panes.
    std::size_t paneIndex = 0;
    for (std::size_t i = 0; i < core.panes.size(); ++i)
        if (core.panes[i].indicatorId == id) paneIndex = i;
    destroy(*ci);
    ci->values = IndicatorValues(config);
    ci->values.recompute(core.series);
    build(*ci);
    if (paneIndex > 0 && !ci->isOverlay()) {
        // build() appended the pane; move it back where it was.
        auto it = std::find_if(core.panes.begin(), core.panes.end(), [id](const auto& p) { return p.indicatorId == id; });
        auto pane = *it;
        core.panes.erase(it);
        core.panes.insert(core.panes.begin() + static_cast<std::ptrdiff_t>(std::min(paneIndex, core.panes.size())), pane);
        core.relayoutPanes();
    }
    return true;
}

bool ChartIndicatorPanes::remove(int id) {
    auto it = std::find_if(list.begin(), list.end(), [id](const auto& ci) { return ci->id == id; });
    if (it == list.end()) return false;
    destroy(**it);
    list.erase(it);
    return true;
}

void ChartIndicatorPanes::recompute() {
    for (auto& ci : list) ci->values.recompute(core.series);
}

void ChartIndicatorPanes::onLastBar(ChartSeries::Update u) {
    for (auto& ci : list) ci->values.onLastBar(core.series, u);
}

ChartIndicatorPanes::ChartIndicator* ChartIndicatorPanes::find(int id) const {
    for (const auto& i : list)
        if (i->id == id) return i.get();
    return nullptr;
}

double ChartIndicatorPanes::sampleOutput(const IndicatorValues& v, std::size_t output, std::int64_t k) const {
    const std::int64_t a = k * core.bucket;
    for (std::int64_t i = a + core.bucket - 1; i >= a; --i) {
        const double x = v.value(output, i);
        if (!std::isnan(x)) return x;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

QCPGraph* ChartIndicatorPanes::newGraph(QCPAxisRect* r) {
    auto* g = new LinePlottable(core.xAxis(r), core.yAxis(r));
    g->setAntialiased(true);
    g->setAdaptiveSampling(false);  // already one point per display bucket
    return g;
}

QCPGraph* ChartIndicatorPanes::newFillGraph(QCPAxisRect* r) {
    QCPGraph* g = newGraph(r);
    g->setLayer(kFillLayer);
    g->setPen(Qt::NoPen);
    g->setAntialiased(false);
    g->setAntialiasedFill(false);
    return g;
}

void ChartIndicatorPanes::build(ChartIndicator& ci) {
    const IndicatorInfo& info = ci.info();
    const IndicatorConfig& cfg = ci.values.config();
    if (info.placement == IndicatorPlacement::Pane) {
        auto* r = new QCPAxisRect(core.plot, true);
        core.setupRect(r);
        setPaneTicker(core.yAxis(r), new ValueTicker);
        core.yAxis(r)->ticker()->setTickCount(3);
        core.styleRect(r);
        core.panes.push_back(ChartCore::Pane{r, ChartCore::PaneKind::Indicator, 1.3, ci.id});
        ci.rect = r;
        core.relayoutPanes();
    } else {
        ci.rect = core.priceRect();
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
            ci.bindings.push_back(
                {top, nullptr, nullptr, -1, false, [this, values, up](std::int64_t k) { return sampleOutput(*values, up, k); }});
            ci.bindings.push_back({bottom, nullptr, nullptr, -1, false,
                                   [this, values, lo](std::int64_t k) { return sampleOutput(*values, lo, k); }});
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
            ci.bindings.push_back({top, nullptr, nullptr, -1, false, [this, values, up, inSide, nan](std::int64_t k) {
                                       return inSide(k) ? sampleOutput(*values, up, k) : nan;
                                   }});
            ci.bindings.push_back({bottom, nullptr, nullptr, -1, false, [this, values, lo, inSide, nan](std::int64_t k) {
                                       return inSide(k) ? sampleOutput(*values, lo, k) : nan;
                                   }});
        }
    }
    for (std::size_t j = 0; j < info.outputs.size(); ++j) {
        const IndicatorOutput& o = info.outputs[j];
        const QColor colour = j < cfg.colours.size() ? cfg.colours[j] : o.colour;
        auto sample = [this, values, j](std::int64_t k) { return sampleOutput(*values, j, k); };
        if (o.style == PlotStyle::Histogram) {
            auto* pos = new BarsPlottable(core.xAxis(r), core.yAxis(r));
            auto* neg = new BarsPlottable(core.xAxis(r), core.yAxis(r));
            QColor up = core.theme.up, down = core.theme.down;
            up.setAlpha(170);
            down.setAlpha(170);
            pos->setBrush(up);
            neg->setBrush(down);
            for (BarsPlottable* b : {pos, neg}) {
                b->setBackdrop(core.theme.background);
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
        auto* line = new LevelLine(core.plot);
        line->point1->setAxes(core.xAxis(r), core.yAxis(r));
        line->point2->setAxes(core.xAxis(r), core.yAxis(r));
        line->point1->setCoords(0, level);
        line->point2->setCoords(1, level);
        line->setClipAxisRect(r);
        line->setPen(QPen(core.theme.crosshair, 1, Qt::DashLine));
        ci.levels.push_back(line);
    }
}

void ChartIndicatorPanes::destroy(ChartIndicator& ci) {
    for (Binding& b : ci.bindings) {
        if (b.graph != nullptr) core.plot->removePlottable(b.graph);
        if (b.pos != nullptr) core.plot->removePlottable(b.pos);
        if (b.neg != nullptr) core.plot->removePlottable(b.neg);
    }
    ci.bindings.clear();
    for (QCPItemStraightLine* l : ci.levels) core.plot->removeItem(l);
    ci.levels.clear();
    if (!ci.isOverlay() && ci.rect != nullptr) {
        core.panes.erase(std::remove_if(core.panes.begin(), core.panes.end(),
                                        [&](const ChartCore::Pane& p) { return p.indicatorId == ci.id; }),
                         core.panes.end());
        core.plot->plotLayout()->remove(ci.rect);
        ci.rect = nullptr;
        core.relayoutPanes();
    }
}

double ChartIndicatorPanes::bucketKey(std::int64_t k) const {
    return static_cast<double>(k * core.bucket) + (core.bucket - 1) / 2.0;
}

void ChartIndicatorPanes::setBinding(Binding& b, std::int64_t k) {
    const double key = bucketKey(k), v = b.sample(k);
    if (b.graph != nullptr) {
        auto data = b.graph->data();
        auto it = data->findBegin(key, false);
        if (it != data->constEnd() && it->key == key)
            (data->begin() + (it - data->constBegin()))->value = v;
        else if (!std::isnan(v))
            data->add(QCPGraphData(key, v));
    } else {
        b.pos->data()->remove(key);
        b.neg->data()->remove(key);
        if (!std::isnan(v)) (v >= 0 ? b.pos : b.neg)->data()->add(QCPBarsData(key, v));
    }
}

void ChartIndicatorPanes::fill() {
    if (list.empty()) return;
    for (auto& ci : list) {
        const int fwd = core.winTo >= core.series.lastIndex() ? ci->values.maxForwardOffset() : 0;
        const std::int64_t k0 = floorDiv(core.winFrom, core.bucket), k1 = floorDiv(core.winTo + fwd, core.bucket);
        for (Binding& b : ci->bindings) {
            if (b.graph != nullptr) {
                QVector<QCPGraphData> v;
                v.reserve(static_cast<int>(k1 - k0 + 1));
                if (!core.series.empty())
                    for (std::int64_t k = k0; k <= k1; ++k) v.append(QCPGraphData(bucketKey(k), b.sample(k)));
                b.graph->data()->set(v, true);
            } else {
                QVector<QCPBarsData> up, down;
                if (!core.series.empty())
                    for (std::int64_t k = k0; k <= k1; ++k) {
                        const double x = b.sample(k);
                        if (!std::isnan(x)) (x >= 0 ? up : down).append(QCPBarsData(bucketKey(k), x));
                    }
                b.pos->data()->set(up, true);
                b.neg->data()->set(down, true);
                b.pos->setWidth(core.bucket * kCandleWidth);
                b.neg->setWidth(core.bucket * kCandleWidth);
            }
        }
    }
}

void ChartIndicatorPanes::patch() {
    const std::int64_t last = core.series.lastIndex();
    for (auto& ci : list) {
        std::set<std::int64_t> ks;
        for (std::size_t j = 0; j < ci->values.outputCount(); ++j) {
            const std::int64_t k = floorDiv(last + ci->values.offset(j), core.bucket);
            ks.insert({k - 1, k, k + 1});
        }
        for (Binding& b : ci->bindings)
            for (std::int64_t k : ks) setBinding(b, k);
    }
}

void ChartIndicatorPanes::indicatorRange(const ChartIndicator& ci, double& lo, double& hi) const {
    const QCPRange keys(core.left, core.right);
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

void ChartIndicatorPanes::applyRanges() {
    for (const auto& ci : list) {
        if (ci->isOverlay()) continue;
        const IndicatorInfo& info = ci->info();
        QCPAxis* y = core.yAxis(ci->rect);
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

void ChartIndicatorPanes::widenByOverlays(double& lo, double& hi) const {
    for (const auto& ci : list)
        if (ci->isOverlay()) indicatorRange(*ci, lo, hi);
}

}  // namespace kairos::charts::detail
