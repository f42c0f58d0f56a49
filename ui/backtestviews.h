#pragma once
// The Backtest dock's result views: the trades and optimisation tables (models), and the fillers
// of the summary, monthly returns, heatmap and walk-forward tables and the Monte Carlo bands.
// Numbers are shown localised and rounded; each cell also holds its exact, machine-readable value
// under Qt::UserRole (what Ctrl+C and the CSV export give).
//
// GUI thread only; pure functions of the core results.

#include "backtest/backtestengine.h"
#include "backtest/montecarlo.h"
#include "backtest/optimizer.h"
#include "backtest/walkforward.h"

#include <QAbstractTableModel>
#include <QString>

#include <string>
#include <vector>

class QCustomPlot;
class QTableWidget;

namespace kairos::ui {

/// Where a summary row keeps its metric key ("net_profit", "trades", ...), as the CLI's summary JSON.
inline constexpr int kMetricKeyRole = Qt::UserRole + 1;

/// The closed trades of a run, one row each (newest last).
class BacktestTradesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        EntryTime,
        ExitTime,
        SideCol,
        Quantity,
        EntryPrice,
        ExitPrice,
        NetPnl,
        Fees,
        ExitReasonCol,
        BarsHeld,
        ColumnCount
    };
    using QAbstractTableModel::QAbstractTableModel;
    void setTrades(std::vector<backtest::TradeRecord> trades);
    const backtest::TradeRecord& at(int row) const { return m_trades[static_cast<std::size_t>(row)]; }
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<backtest::TradeRecord> m_trades;
};

/// An optimisation's trials, ranked best first: a column per parameter, the objective, then key
/// metrics.
class BacktestTrialsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    void setResult(std::vector<std::string> axisNames, std::string objective, std::vector<backtest::Trial> trials);
    const backtest::Trial& at(int row) const { return m_trials[static_cast<std::size_t>(row)]; }
    const std::vector<backtest::Trial>& trials() const { return m_trials; }
    const std::vector<std::string>& axisNames() const { return m_axes; }
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<std::string> m_axes;
    std::string m_objective;
    std::vector<backtest::Trial> m_trials;
};

/// Every metric of a run, one row each (key under kMetricKeyRole, exact value under UserRole).
void fillSummary(QTableWidget* table, const backtest::BacktestResult& r);
/// One row per year, a column per month and the year's return, heat-coloured.
void fillMonthly(QTableWidget* table, const backtest::Metrics& m);

/// A two-parameter heatmap of an optimisation: columns are `xAxis`'s values, rows `yAxis`'s; each
/// cell the best objective among the trials with those two values (the trial's index in
/// `trials` under UserRole, -1 where none ran). Colours: better green, worse red.
void fillHeatmap(QTableWidget* table, const std::vector<backtest::ParamAxis>& axes, const std::vector<backtest::Trial>& trials,
                 std::size_t xAxis, std::size_t yAxis, bool minimise);
/// One row per walk-forward window.
void fillWalkForward(QTableWidget* table, const backtest::WalkForwardResult& r, const std::vector<std::string>& axisNames);
/// The 5 / 50 / 95 % bands of a Monte Carlo analysis over trade number.
void plotMonteCarlo(QCustomPlot* plot, const backtest::MonteCarloResult& r, double capital);

/// An optimisation's table as CSV: a column per parameter, the objective, then the metrics.
std::string trialsCsv(const BacktestTrialsModel& model);

QString localTime(std::int64_t ms);
QString localDate(std::int64_t ms);
/// "+2.31 %", "−0.45 %".
QString signedPercent(double v);

}  // namespace kairos::ui
