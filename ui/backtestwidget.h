#pragma once
// BacktestWidget: the "Backtest" dock. A form (instrument, timeframe, dates, capital, fee,
// slippage, size, take-profit level, rules: default or a JSON file), Run / Cancel with a progress
// bar and an ETA, and the results: metrics table, equity curve (with buy & hold and drawdown) and
// the trades table.
//
// A run reads its bars from the profile database through its own connection and runs the
// core backtest engine (core/backtest) on Qt's thread pool; the GUI thread only shows progress
// and the result. Cancel stops the run at the next bar; the partial result is shown, marked so.

#include "backtest/backtestengine.h"
#include "backtest/signalstrategy.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QAbstractItemView;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace kairos::charts {
class EquityChart;
struct ChartTheme;
}  // namespace kairos::charts

namespace kairos::ui {

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

/// What a run needs, taken from the form on the GUI thread.
struct BacktestRequest {
    InstrumentId id;
    Timeframe tf = Timeframe::H1;
    std::int64_t fromMs = 0;               ///< open times from (inclusive)
    std::int64_t toMs = 0;                 ///< to (exclusive)
    backtest::BacktestSettings settings;   ///< instrument: `instrument`, else filled in from the bars by the worker
    std::optional<Instrument> instrument;  ///< the venue's rules (tick, lot, min notional) when known
    backtest::SignalStrategySettings strategy;
};

class BacktestWidget : public QWidget {
    Q_OBJECT
public:
    /// `databasePath`: the profile database holding the candles (read on a worker thread).
    explicit BacktestWidget(QString databasePath, QWidget* parent = nullptr);
    /// Cancels a running backtest and waits for it.
    ~BacktestWidget() override;

    /// The instruments offered in the form.
    void setInstruments(const std::vector<InstrumentId>& ids);
    /// Where a run finds an instrument's trading rules (tick, lot, min notional), e.g. the venue
    /// lists; without them, or when it gives nothing, the tick comes from the bars and the lot is 10^-8.
    void setInstrumentLookup(std::function<std::optional<Instrument>(const InstrumentId&)> lookup);
    /// Chooses `id` in the form and starts a run with the form's other settings.
    void runFor(const InstrumentId& id);
    /// Starts a run with the form as it is (an invalid form shows why and runs nothing).
    void run();
    /// Asks a running backtest to stop at the next bar.
    void cancel();
    bool isRunning() const;
    void setChartTheme(const charts::ChartTheme& theme);

    /// The form as a request; Error says which field is wrong.
    Result<BacktestRequest> request() const;
    /// The last run's result (cancelled ones too); nullptr before the first or after an error.
    const backtest::BacktestResult* lastResult() const { return m_result.get(); }
    QString lastError() const { return m_lastError; }
    QTableWidget* metricsTable() const { return m_metrics; }
    BacktestTradesModel* tradesModel() const { return m_trades; }
    charts::EquityChart* equityChart() const { return m_chart; }
    QProgressBar* progressBar() const { return m_progress; }
    /// Ctrl+C on the metrics or trades table: the selected rows as tab-separated text with exact,
    /// machine-readable values (metric keys, UTC times, unrounded decimals), not the display text.
    QString selectedAsText(const QAbstractItemView* view) const;

Q_SIGNALS:
    void runStarted();
    /// Progress of the running backtest (bars done of total), on the GUI thread.
    void progressed(qint64 done, qint64 total);
    /// A run ended: `ok` false on an error (lastError() says it), `cancelled` when stopped early.
    void runFinished(bool ok, bool cancelled);

private:
    struct Outcome;
    void onFinished();
    void onProgress(qint64 done, qint64 total);
    void showResult(const Outcome& outcome);
    void setRunning(bool running);
    void browseRules();

    QString m_dbPath;
    QComboBox* m_instrument;
    QComboBox* m_timeframe;
    QCheckBox* m_allDates;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QLineEdit* m_capital;
    QDoubleSpinBox* m_fee;
    QDoubleSpinBox* m_slippage;
    QDoubleSpinBox* m_fraction;
    QComboBox* m_tp;
    QCheckBox* m_longOnly;
    QComboBox* m_rulesMode;
    QLineEdit* m_rulesPath;
    QPushButton* m_browse;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_eta;
    QLabel* m_status;
    QTabWidget* m_tabs;
    QTableWidget* m_metrics;
    charts::EquityChart* m_chart;
    BacktestTradesModel* m_trades;
    QTableView* m_tradesView;

    std::stop_source m_stop;
    QFutureWatcher<std::shared_ptr<Outcome>> m_watcher;
    QElapsedTimer m_clock;
    std::unique_ptr<backtest::BacktestResult> m_result;
    QString m_lastError;
    QString m_runLabel;
    std::function<std::optional<Instrument>(const InstrumentId&)> m_lookup;
};

}  // namespace kairos::ui
