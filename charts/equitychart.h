#pragma once
// EquityChart: a backtest's equity curve over time, with buy & hold for comparison and the
// drawdown (in % below the running peak) in a pane underneath. Times are UTC ms; the axis shows
// local time. Values are plotted as doubles (display only).

#include "charttheme.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class QCustomPlot;
class QCPGraph;

namespace kairos::charts {

class EquityChart : public QWidget {
    Q_OBJECT
public:
    explicit EquityChart(QWidget* parent = nullptr);

    /// One point per bar: `timesMs` (bar close, UTC ms), the strategy's equity and buy & hold's
    /// (same length, or empty to leave it out). Replaces what was shown.
    void setCurves(const std::vector<std::int64_t>& timesMs, const std::vector<double>& equity,
                   const std::vector<double>& buyHold);
    void clear();
    void setTheme(const ChartTheme& theme);

    QCustomPlot* plot() const { return m_plot; }
    /// Points in the equity curve (tests).
    int pointCount() const;

private:
    void applyTheme();
    QCustomPlot* m_plot;
    QCPGraph* m_equity = nullptr;
    QCPGraph* m_buyHold = nullptr;
    QCPGraph* m_drawdown = nullptr;
    ChartTheme m_theme = ChartTheme::dark();
};

}  // namespace kairos::charts
