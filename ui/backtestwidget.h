#pragma once
// BacktestWidget: the "Backtest" dock.
//
// Layout (it must work in the short default bottom dock): one bar on top with the strategy picker,
// instrument, timeframe and the actions (Run, Optimise, Walk-forward, Monte Carlo, Cancel, Paper
// trade this, Export), a thin line under it with the progress bar, ETA and status; below, on the
// left, the form in tabs (Strategy: the parameter form of backtestparamform.h; Settings: dates,
// capital, fees, sizing, fills; Search: optimiser, walk-forward and Monte Carlo settings), each
// scrolling on its own, and on the right the result tabs (Summary, Equity, Trades, Monthly,
// Optimisation with its heatmap, Walk-forward, Monte Carlo). The actions never scroll away.
//
// Every job reads its bars from the profile database through its own connection and runs the core
// code (core/backtest: BacktestEngine, Optimizer, runWalkForward, runMonteCarlo) on Qt's thread
// pool; the GUI thread only shows progress and the results. Cancel asks the job to stop (a run
// keeps its partial result, marked so; an optimisation keeps the finished trials).

#include "backtestparamform.h"
#include "backtesttradelink.h"
#include "backtestviews.h"

#include "backtest/backtestengine.h"
#include "backtest/montecarlo.h"
#include "backtest/optimizer.h"
#include "backtest/walkforward.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "backtest/signalstrategy.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QVariantMap>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

class QAbstractItemView;
class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;
class QTabWidget;
class QToolButton;

namespace kairos::charts {
class EquityChart;
struct ChartTheme;
}  // namespace kairos::charts

namespace kairos::ui {

/// The strategy of a job: a built-in with its parameters, or a formula strategy.
struct BacktestStrategyChoice {
    QString name;  ///< built-in name, or the formula strategy's name ("formula" when unsaved)
    bool isFormula = false;
    backtest::ParamValues params;                    ///< built-in: every parameter
    backtest::FormulaStrategySettings formula;       ///< formula: the formulas (and sizing)
    std::optional<signal::SignalRules> signalRules;  ///< built-in "signal" with a rules file
    backtest::OrderSizing sizing;
};

/// What a job needs, taken from the form on the GUI thread.
struct BacktestRequest {
    InstrumentId id;
    Timeframe tf = Timeframe::H1;
    std::int64_t fromMs = 0;               ///< open times from (inclusive)
    std::int64_t toMs = 0;                 ///< to (exclusive)
    backtest::BacktestSettings settings;   ///< instrument: `instrument`, else filled in from the bars by the worker
    std::optional<Instrument> instrument;  ///< the venue's rules (tick, lot, min notional) when known
    BacktestStrategyChoice strategy;
    backtest::OptimizerSpec search;  ///< Optimise and Walk-forward: axes from the form's ranges
    backtest::WalkForwardSettings walkForward;
    backtest::MonteCarloSettings monteCarlo;
};

/// A fresh strategy for a combination of `choice` (the combination's values over the form's).
backtest::StrategyFactory backtestStrategyFactory(const BacktestStrategyChoice& choice);
/// Whether a built-in accepts a combination (over the form's other values).
backtest::ParamCheck backtestParamCheck(const BacktestStrategyChoice& choice);

class BacktestWidget : public QWidget {
    Q_OBJECT
public:
    enum class Job : std::uint8_t { Run = 1, Optimise, WalkForward, MonteCarlo };

    /// `databasePath`: the profile database holding the candles (read on a worker thread). Saved
    /// formula strategies are kept in kairos.ini next to it.
    explicit BacktestWidget(QString databasePath, QWidget* parent = nullptr);
    /// Cancels a running job and waits for it.
    ~BacktestWidget() override;

    /// The instruments offered in the form.
    void setInstruments(const std::vector<InstrumentId>& ids);
    /// Where a run finds an instrument's trading rules (tick, lot, min notional), e.g. the venue
    /// lists; without them, or when it gives nothing, the tick comes from the bars and the lot is 10^-8.
    void setInstrumentLookup(std::function<std::optional<Instrument>(const InstrumentId&)> lookup);
    /// Chooses `id` in the form and starts a run with the form's other settings.
    void runFor(const InstrumentId& id);
    /// Starts a backtest with the form as it is (an invalid form shows why and runs nothing).
    void run();
    /// Optimises the parameters that have a range (at least one) with the Search tab's method.
    void optimise();
    /// Walk-forward over the ranged parameters with the Search tab's windows.
    void walkForward();
    /// Monte Carlo over the last run's trades.
    void monteCarlo();
    /// Asks a running job to stop.
    void cancel();
    bool isRunning() const;
    void setChartTheme(const charts::ChartTheme& theme);

    // ---- the form, for callers and tests ------------------------------------------------------
    /// Picks a built-in ("sma_cross") or a saved formula strategy by name; false when unknown.
    bool setStrategy(const QString& name);
    QString strategyName() const;
    BacktestParamForm* paramForm() const { return m_form; }
    void setTimeframe(Timeframe tf);
    void setInstrument(const InstrumentId& id);
    /// The names offered by the picker (built-ins, then saved formula strategies).
    QStringList strategyNames() const;
    /// The form as a request; Error says which field is wrong.
    Result<BacktestRequest> request() const;

    // ---- results ------------------------------------------------------------------------------
    /// The last run's result (cancelled ones too); nullptr before the first or after an error.
    const backtest::BacktestResult* lastResult() const { return m_result.get(); }
    const backtest::OptimizerResult* lastOptimisation() const { return m_optimisation.get(); }
    const backtest::WalkForwardResult* lastWalkForward() const { return m_walkForward.get(); }
    const backtest::MonteCarloResult* lastMonteCarlo() const { return m_monteCarlo.get(); }
    QString lastError() const { return m_lastError; }
    QTableWidget* metricsTable() const { return m_metrics; }
    BacktestTradesModel* tradesModel() const { return m_trades; }
    BacktestTrialsModel* trialsModel() const { return m_trials; }
    QTableWidget* heatmap() const { return m_heatmap; }
    charts::EquityChart* equityChart() const { return m_chart; }
    QProgressBar* progressBar() const { return m_progress; }
    QTabWidget* resultTabs() const { return m_tabs; }
    /// Runs the combination behind a heatmap cell (after an optimisation); false when none ran there.
    bool runHeatmapCell(int row, int column);
    /// Ctrl+C on the summary or trades table: the selected rows as tab-separated text with exact,
    /// machine-readable values (metric keys, UTC times, unrounded decimals), not the display text.
    QString selectedAsText(const QAbstractItemView* view) const;
    /// Writes the HTML report of the last run (with the optimisation heatmap, walk-forward and
    /// Monte Carlo sections when there are results for them).
    Status exportHtml(const QString& path) const;
    /// Writes the last run's trades as CSV (the CLI's --trades columns).
    Status exportTradesCsv(const QString& path) const;
    /// Writes the optimisation table as CSV.
    Status exportOptimisationCsv(const QString& path) const;

Q_SIGNALS:
    void runStarted();
    /// Progress of the running job (units done of total: bars, trials or windows), on the GUI thread.
    void progressed(qint64 done, qint64 total);
    /// A run ended: `ok` false on an error (lastError() says it), `cancelled` when stopped early.
    /// Emitted for every job (Run, Optimise, Walk-forward, Monte Carlo).
    void runFinished(bool ok, bool cancelled);
    /// "Paper trade this": the strategy and parameters of the last result, for a paper bot.
    /// `params`: a built-in's parameters by name (double), or a formula strategy's
    /// "entry"/"exit"/"stop"/"target" (string) and "short" (bool); `symbol` "VENUE:SYMBOL".
    void paperTradeRequested(const QString& strategyName, const QVariantMap& params, const QString& symbol,
                             const QString& timeframe);
    /// A trade was double-clicked: show it on the chart (showBacktestTrade).
    void tradeActivated(const kairos::ui::BacktestTradeMark& mark);

private:
    struct Outcome;
    void start(Job job);
    void onFinished();
    void onProgress(qint64 done, qint64 total);
    void showRun(const Outcome& outcome);
    void showOptimisation(const Outcome& outcome);
    void showWalkForward(const Outcome& outcome);
    void showMonteCarlo(const Outcome& outcome);
    void refreshHeatmap();
    void setRunning(bool running);
    void browseRules();
    void reloadStrategies(const QString& select);
    void onStrategyPicked();
    void saveFormulaFromForm();
    void deleteFormulaFromForm();
    void requestPaperTrade();
    void exportWithDialog(int what);
    void activateTrade(int row);
    QWidget* buildSettingsPage();
    QWidget* buildSearchPage();

    QString m_dbPath;
    QString m_iniPath;
    // top bar
    QComboBox* m_strategy = nullptr;
    QComboBox* m_instrument = nullptr;
    QComboBox* m_timeframe = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_optimise = nullptr;
    QPushButton* m_walk = nullptr;
    QPushButton* m_mc = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_paper = nullptr;
    QToolButton* m_export = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_eta = nullptr;
    QLabel* m_status = nullptr;
    // form
    BacktestParamForm* m_form = nullptr;
    QCheckBox* m_allDates = nullptr;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QLineEdit* m_capital = nullptr;
    QDoubleSpinBox* m_fee = nullptr;
    QDoubleSpinBox* m_slippage = nullptr;
    QComboBox* m_sizingKind = nullptr;
    QLineEdit* m_sizingValue = nullptr;
    QComboBox* m_fillAt = nullptr;
    QComboBox* m_atEnd = nullptr;
    QComboBox* m_rulesMode = nullptr;
    QLineEdit* m_rulesPath = nullptr;
    QPushButton* m_browse = nullptr;
    QWidget* m_rulesBox = nullptr;
    QComboBox* m_method = nullptr;
    QComboBox* m_objective = nullptr;
    QSpinBox* m_samples = nullptr;
    QSpinBox* m_generations = nullptr;
    QSpinBox* m_population = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_minTrades = nullptr;
    QSpinBox* m_threads = nullptr;
    QLineEdit* m_inSample = nullptr;
    QLineEdit* m_outOfSample = nullptr;
    QCheckBox* m_anchored = nullptr;
    QComboBox* m_mcMethod = nullptr;
    QSpinBox* m_mcRuns = nullptr;
    QDoubleSpinBox* m_mcRuin = nullptr;
    // results
    QTabWidget* m_tabs = nullptr;
    QTableWidget* m_metrics = nullptr;
    charts::EquityChart* m_chart = nullptr;
    BacktestTradesModel* m_trades = nullptr;
    QTableView* m_tradesView = nullptr;
    QTableWidget* m_monthly = nullptr;
    BacktestTrialsModel* m_trials = nullptr;
    QTableView* m_trialsView = nullptr;
    QComboBox* m_heatX = nullptr;
    QComboBox* m_heatY = nullptr;
    QTableWidget* m_heatmap = nullptr;
    QTableWidget* m_wfTable = nullptr;
    QLabel* m_wfSummary = nullptr;
    charts::EquityChart* m_wfChart = nullptr;
    QCustomPlot* m_mcPlot = nullptr;
    QLabel* m_mcSummary = nullptr;

    Job m_job = Job::Run;
    std::stop_source m_stop;
    QFutureWatcher<std::shared_ptr<Outcome>> m_watcher;
    QElapsedTimer m_clock;
    std::unique_ptr<backtest::BacktestResult> m_result;
    std::shared_ptr<const std::vector<Bar>> m_resultBars;  ///< the bars of the last run (report's buy & hold)
    std::optional<BacktestRequest> m_resultRequest;        ///< what the last run was asked
    std::unique_ptr<backtest::OptimizerResult> m_optimisation;
    std::optional<BacktestRequest> m_optimisationRequest;
    std::unique_ptr<backtest::WalkForwardResult> m_walkForward;
    std::unique_ptr<backtest::MonteCarloResult> m_monteCarlo;
    QString m_lastError;
    QString m_runLabel;
    std::function<std::optional<Instrument>(const InstrumentId&)> m_lookup;
};

}  // namespace kairos::ui

Q_DECLARE_METATYPE(kairos::ui::BacktestTradeMark)
