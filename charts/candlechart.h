#pragma once
// CandleChart: candlesticks on QCustomPlot with the x axis by bar index, so weekends and
// exchange outages leave no holes. First version: candles and a price axis on the right;
// volume, overlays, panes and drawing tools come with the charts issue.

#include "domain/bar.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPFinancial;

namespace kairos::charts {

class CandleChart : public QWidget {
    Q_OBJECT
public:
    explicit CandleChart(QWidget* parent = nullptr);

    /// Replaces the series; the view shows the last `visibleBars` bars.
    void setBars(const std::vector<Bar>& bars);
    /// Updates the last bar in place when it has the same open time, else appends it.
    void updateLastBar(const Bar& bar);
    void setTitle(const QString& title);
    int barCount() const { return static_cast<int>(m_times.size()); }
    QCustomPlot* plot() const { return m_plot; }

private:
    void fitVisible();

    QCustomPlot* m_plot = nullptr;
    QCPFinancial* m_candles = nullptr;
    std::vector<std::int64_t> m_times;
    int m_visibleBars = 120;
};

}  // namespace kairos::charts
