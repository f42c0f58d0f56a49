#pragma once
// Showing a backtest trade on the chart: the Backtest dock's trades table (double-click) asks for
// it with a BacktestTradeMark; showBacktestTrade() opens the instrument and timeframe in the
// active chart pane, loads older history pages until the trade's bars are in, frames the trade
// and draws its entry and exit markers (triangles at the fill prices and a dashed line between
// them, green for a winner, red for a loser) on a transparent overlay over the chart. The overlay
// is not a drawing: nothing is stored, and it goes when another trade is shown or the pane
// changes series.
//
// GUI thread only.

#include "domain/instrument.h"
#include "domain/timeframe.h"

#include <QWidget>

#include <cstdint>

namespace kairos::charts {
class CandleChart;
}

namespace kairos::ui {

class ChartWorkspace;

/// A closed trade to show: where and when it entered and left.
struct BacktestTradeMark {
    InstrumentId id;
    Timeframe tf = Timeframe::H1;
    std::int64_t entryMs = 0;  ///< entry fill's bar open time (UTC ms)
    std::int64_t exitMs = 0;   ///< exit fill's bar open time
    double entryPrice = 0;
    double exitPrice = 0;
    bool isLong = true;
    bool isWin = true;
};

/// The entry/exit markers over a chart (child of its plot; transparent to the mouse).
class BacktestTradeMarkers : public QWidget {
    Q_OBJECT
public:
    explicit BacktestTradeMarkers(charts::CandleChart* chart);
    void setMark(const BacktestTradeMark& mark);
    const BacktestTradeMark& mark() const { return m_mark; }
    /// The markers are drawn (the chart holds the trade's instrument and timeframe).
    bool isShowing() const;
    /// The markers of `chart`, nullptr when none was ever set.
    static BacktestTradeMarkers* of(const charts::CandleChart* chart);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    charts::CandleChart* m_chart;
    BacktestTradeMark m_mark;
    bool m_set = false;
};

/// Opens the trade's series in the workspace's active pane, frames the trade once its bars are
/// loaded (paging back through older history when needed) and shows its markers.
void showBacktestTrade(ChartWorkspace& workspace, const BacktestTradeMark& mark);

}  // namespace kairos::ui
