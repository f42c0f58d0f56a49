#pragma once
// The indicators of a CandleChart (candlechart.cpp): overlays on the price pane, the others in a
// pane of their own below; their QCustomPlot plottables, kept in step with what the chart draws
// (one point per display bucket), and their value ranges for auto-scale.
//
// GUI thread only.

#include "chartindicators.h"
#include "chartseries.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

class QCPAxisRect;
class QCPBars;
class QCPGraph;
class QCPItemStraightLine;

namespace kairos::charts::detail {

struct ChartCore;

struct ChartIndicatorPanes {
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

    ChartCore& core;
    std::vector<std::unique_ptr<ChartIndicator>> list;  ///< in the order added
    int nextId = 1;

    explicit ChartIndicatorPanes(ChartCore& chart);
    ~ChartIndicatorPanes();

    /// Adds a valid config (the caller checks it); returns the new id.
    int add(const IndicatorConfig& config);
    /// Rebuilds an indicator with a new (valid) config, keeping its id and pane position.
    bool update(int id, const IndicatorConfig& config);
    bool remove(int id);
    ChartIndicator* find(int id) const;
    /// The values again from the whole series (new bars, older history).
    void recompute();
    /// The series' newest bar was revised or appended.
    void onLastBar(ChartSeries::Update u);

    /// Refills every indicator plottable over the display window.
    void fill();
    /// After the newest bar changed: the buckets whose plotted values may have moved.
    void patch();
    /// Widens [lo, hi] by the overlays' values over the visible bars (price auto-scale).
    void widenByOverlays(double& lo, double& hi) const;
    /// Auto-scales (or fixes, as RSI's 0..100) the value axis of every indicator pane.
    void applyRanges();

private:
    /// The last defined value of an output inside display bucket k.
    double sampleOutput(const IndicatorValues& v, std::size_t output, std::int64_t k) const;
    QCPGraph* newGraph(QCPAxisRect* r);
    /// An invisible edge of a filled area: on the fill layer, filled without antialiasing
    /// (antialiased translucent polygons this size cost milliseconds; the edges are drawn by the
    /// antialiased lines anyway).
    QCPGraph* newFillGraph(QCPAxisRect* r);
    /// Creates the pane (for non-overlays), plottables and level lines of an indicator.
    void build(ChartIndicator& ci);
    void destroy(ChartIndicator& ci);
    double bucketKey(std::int64_t k) const;
    void setBinding(Binding& b, std::int64_t k);
    /// Value range of an indicator's plottables over the visible bars.
    void indicatorRange(const ChartIndicator& ci, double& lo, double& hi) const;
};

}  // namespace kairos::charts::detail
