#include "backtestwidget.h"

#include "equitychart.h"

#include "backtest/report.h"
#include "backtest/signalstrategy.h"
#include "signals/rulesfile.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <qcustomplot.h>
#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kairos::ui {

namespace {
constexpr const char* kBuiltinPrefix = "b:";
constexpr const char* kFormulaPrefix = "f:";

/// A picker item's data: "b:sma_cross", "f:my formula".
QString itemKey(const char* prefix, const QString& name) { return QString::fromLatin1(prefix) + name; }

QScrollArea* scrolling(QWidget* page) {
    auto* s = new QScrollArea;
    s->setWidget(page);
    s->setWidgetResizable(true);
    s->setFrameShape(QFrame::NoFrame);
    s->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return s;
}

QTableWidget* resultTable(const char* object) {
    auto* t = new QTableWidget;
    t->setObjectName(QString::fromLatin1(object));
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setWordWrap(false);
    return t;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Widget

BacktestWidget::BacktestWidget(QString databasePath, QWidget* parent)
    : QWidget(parent),
      m_dbPath(std::move(databasePath)),
      m_iniPath(QFileInfo(m_dbPath).dir().filePath(QStringLiteral("kairos.ini"))) {
    // ---- top bar: what to test and the actions (never scrolls away) ----
    m_strategy = new QComboBox;
    m_strategy->setObjectName(QStringLiteral("BacktestStrategy"));
    m_strategy->setToolTip(tr("Built-in strategies, then your saved formula strategies"));
    m_strategy->setMinimumContentsLength(14);
    m_instrument = new QComboBox;
    m_instrument->setObjectName(QStringLiteral("BacktestInstrument"));
    m_instrument->setEditable(true);
    m_instrument->setInsertPolicy(QComboBox::NoInsert);
    m_instrument->setMinimumContentsLength(15);
    m_instrument->setToolTip(tr("VENUE:SYMBOL; the bars stored for it in the profile are used"));
    m_timeframe = new QComboBox;
    m_timeframe->setObjectName(QStringLiteral("BacktestTimeframe"));
    for (Timeframe tf : kAllTimeframes) m_timeframe->addItem(QString::fromStdString(toString(tf)), static_cast<int>(tf));
    m_timeframe->setCurrentText(QStringLiteral("1h"));
    auto button = [](const QString& text, const char* object, const QString& tip) {
        auto* b = new QPushButton(text);
        b->setObjectName(QString::fromLatin1(object));
        b->setToolTip(tip);
        b->setAutoDefault(false);
        return b;
    };
    m_run = button(tr("Run"), "BacktestRun", tr("Backtest the strategy with these parameters"));
    m_run->setDefault(true);
    m_optimise = button(tr("Optimise"), "BacktestOptimise",
                        tr("Try every combination of the parameters with a range (Search tab: method and objective)"));
    m_walk = button(tr("Walk-forward"), "BacktestWalkForward",
                    tr("Optimise in-sample, trade the best out-of-sample, window after window (Search tab)"));
    m_mc = button(tr("Monte Carlo"), "BacktestMonteCarlo", tr("Reshuffle the last run's trades (Search tab: runs, method)"));
    m_mc->setEnabled(false);
    m_cancel = button(tr("Cancel"), "BacktestCancel", tr("Stop the running job"));
    m_cancel->setEnabled(false);
    m_paper =
        button(tr("Paper trade this"), "BacktestPaperTrade", tr("Start this strategy with these parameters on a paper account"));
    m_paper->setEnabled(false);
    m_export = new QToolButton;
    m_export->setObjectName(QStringLiteral("BacktestExport"));
    m_export->setText(tr("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("HTML report…"), this, [this] { exportWithDialog(0); });
    exportMenu->addAction(tr("Trades CSV…"), this, [this] { exportWithDialog(1); });
    exportMenu->addAction(tr("Optimisation CSV…"), this, [this] { exportWithDialog(2); });
    m_export->setMenu(exportMenu);
    m_export->setEnabled(false);
    connect(m_run, &QPushButton::clicked, this, &BacktestWidget::run);
    connect(m_optimise, &QPushButton::clicked, this, &BacktestWidget::optimise);
    connect(m_walk, &QPushButton::clicked, this, &BacktestWidget::walkForward);
    connect(m_mc, &QPushButton::clicked, this, &BacktestWidget::monteCarlo);
    connect(m_cancel, &QPushButton::clicked, this, &BacktestWidget::cancel);
    connect(m_paper, &QPushButton::clicked, this, &BacktestWidget::requestPaperTrade);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 4, 4, 0);
    bar->addWidget(m_strategy);
    bar->addWidget(m_instrument);
    bar->addWidget(m_timeframe);
    bar->addSpacing(6);
    for (QWidget* w : std::initializer_list<QWidget*>{m_run, m_optimise, m_walk, m_mc, m_cancel}) bar->addWidget(w);
    bar->addStretch(1);
    bar->addWidget(m_paper);
    bar->addWidget(m_export);

    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("BacktestProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_progress->setFixedWidth(140);
    m_progress->setMaximumHeight(16);
    m_eta = new QLabel;
    m_eta->setObjectName(QStringLiteral("BacktestEta"));
    m_status = new QLabel(tr("Pick a strategy and an instrument and press Run. Orders fill on the bar after the decision."));
    m_status->setObjectName(QStringLiteral("BacktestStatus"));
    // One line whatever its length (the full text is the tooltip): the dock stays short.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* line = new QHBoxLayout;
    line->setContentsMargins(4, 0, 4, 0);
    line->addWidget(m_progress);
    line->addWidget(m_eta);
    line->addWidget(m_status, 1);

    // ---- the form, in tabs on the left, each page scrolling on its own ----
    m_form = new BacktestParamForm;
    m_form->setObjectName(QStringLiteral("BacktestParams"));
    connect(m_form, &BacktestParamForm::saveFormulaRequested, this, &BacktestWidget::saveFormulaFromForm);
    connect(m_form, &BacktestParamForm::deleteFormulaRequested, this, &BacktestWidget::deleteFormulaFromForm);
    m_rulesMode = new QComboBox;
    m_rulesMode->setObjectName(QStringLiteral("BacktestRulesMode"));
    m_rulesMode->addItems({tr("Default signal rules"), tr("Rules file (JSON)")});
    m_rulesPath = new QLineEdit;
    m_rulesPath->setObjectName(QStringLiteral("BacktestRulesPath"));
    m_rulesPath->setPlaceholderText(tr("rules.json"));
    m_browse = new QPushButton(tr("…"));
    m_browse->setToolTip(tr("Choose a rules file"));
    auto syncRules = [this] {
        const bool file = m_rulesMode->currentIndex() == 1;
        m_rulesPath->setEnabled(file);
        m_browse->setEnabled(file);
    };
    connect(m_rulesMode, qOverload<int>(&QComboBox::currentIndexChanged), this, syncRules);
    syncRules();
    connect(m_browse, &QPushButton::clicked, this, &BacktestWidget::browseRules);
    auto* strategyPage = new QWidget;
    auto* sp = new QVBoxLayout(strategyPage);
    sp->setContentsMargins(4, 4, 4, 4);
    sp->addWidget(m_form);
    auto* rules = new QHBoxLayout;
    rules->addWidget(m_rulesMode);
    rules->addWidget(m_rulesPath, 1);
    rules->addWidget(m_browse);
    m_rulesBox = new QWidget;
    m_rulesBox->setObjectName(QStringLiteral("BacktestSignalRules"));
    m_rulesBox->setLayout(rules);
    rules->setContentsMargins(0, 0, 0, 0);
    sp->addWidget(m_rulesBox);
    sp->addStretch(1);
    auto* formTabs = new QTabWidget;
    formTabs->setObjectName(QStringLiteral("BacktestFormTabs"));
    formTabs->setDocumentMode(true);
    formTabs->addTab(scrolling(strategyPage), tr("Strategy"));
    formTabs->addTab(scrolling(buildSettingsPage()), tr("Settings"));
    formTabs->addTab(scrolling(buildSearchPage()), tr("Search"));
    formTabs->setMinimumWidth(300);
    formTabs->setMaximumWidth(460);
    connect(m_strategy, qOverload<int>(&QComboBox::currentIndexChanged), this, &BacktestWidget::onStrategyPicked);

    // ---- results ----
    m_metrics = resultTable("BacktestMetrics");
    m_metrics->setColumnCount(2);
    m_metrics->setHorizontalHeaderLabels({tr("Metric"), tr("Value")});
    m_metrics->verticalHeader()->setVisible(false);
    m_metrics->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_metrics->horizontalHeader()->setStretchLastSection(true);
    m_metrics->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_chart = new charts::EquityChart;
    m_chart->setObjectName(QStringLiteral("BacktestEquity"));
    m_chart->setMinimumHeight(60);  // the bottom dock may be short: the chart drops its drawdown pane there
    m_trades = new BacktestTradesModel(this);
    m_tradesView = new QTableView;
    m_tradesView->setObjectName(QStringLiteral("BacktestTrades"));
    m_tradesView->setModel(m_trades);
    m_tradesView->verticalHeader()->setVisible(false);
    m_tradesView->horizontalHeader()->setStretchLastSection(true);
    m_tradesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tradesView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_tradesView, &QTableView::doubleClicked, this, [this](const QModelIndex& i) { activateTrade(i.row()); });
    m_monthly = resultTable("BacktestMonthly");

    m_trials = new BacktestTrialsModel(this);
    m_trialsView = new QTableView;
    m_trialsView->setObjectName(QStringLiteral("BacktestTrials"));
    m_trialsView->setModel(m_trials);
    m_trialsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_trialsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_trialsView->setToolTip(tr("Ranked best first; double-click a row to run it"));
    connect(m_trialsView, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
        if (!i.isValid()) return;
        for (const auto& [k, v] : m_trials->at(i.row()).params) m_form->setValue(QString::fromStdString(k), v);
        run();
    });
    m_heatX = new QComboBox;
    m_heatX->setObjectName(QStringLiteral("BacktestHeatX"));
    m_heatY = new QComboBox;
    m_heatY->setObjectName(QStringLiteral("BacktestHeatY"));
    connect(m_heatX, qOverload<int>(&QComboBox::activated), this, &BacktestWidget::refreshHeatmap);
    connect(m_heatY, qOverload<int>(&QComboBox::activated), this, &BacktestWidget::refreshHeatmap);
    m_heatmap = resultTable("BacktestHeatmap");
    m_heatmap->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_heatmap, &QTableWidget::cellClicked, this, [this](int row, int col) { runHeatmapCell(row, col); });
    auto* heatBox = new QWidget;
    auto* hl = new QVBoxLayout(heatBox);
    hl->setContentsMargins(0, 0, 0, 0);
    auto* heatAxes = new QHBoxLayout;
    heatAxes->addWidget(new QLabel(tr("Columns")));
    heatAxes->addWidget(m_heatX);
    heatAxes->addWidget(new QLabel(tr("Rows")));
    heatAxes->addWidget(m_heatY);
    heatAxes->addStretch(1);
    hl->addLayout(heatAxes);
    hl->addWidget(m_heatmap, 1);
    auto* optSplit = new QSplitter(Qt::Horizontal);
    optSplit->addWidget(m_trialsView);
    optSplit->addWidget(heatBox);

    m_wfTable = resultTable("BacktestWalkForwardWindows");
    m_wfSummary = new QLabel;
    m_wfSummary->setObjectName(QStringLiteral("BacktestWalkForwardSummary"));
    m_wfChart = new charts::EquityChart;
    m_wfChart->setMinimumHeight(60);
    auto* wfLeft = new QWidget;
    auto* wl = new QVBoxLayout(wfLeft);
    wl->setContentsMargins(0, 0, 0, 0);
    wl->addWidget(m_wfSummary);
    wl->addWidget(m_wfTable, 1);
    auto* wfSplit = new QSplitter(Qt::Horizontal);
    wfSplit->addWidget(wfLeft);
    wfSplit->addWidget(m_wfChart);

    m_mcPlot = new QCustomPlot;
    m_mcPlot->setObjectName(QStringLiteral("BacktestMonteCarloPlot"));
    m_mcPlot->setMinimumHeight(60);
    m_mcSummary = new QLabel;
    m_mcSummary->setObjectName(QStringLiteral("BacktestMonteCarloSummary"));
    m_mcSummary->setWordWrap(true);
    m_mcSummary->setMaximumWidth(280);
    m_mcSummary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* mcBox = new QWidget;
    auto* ml = new QHBoxLayout(mcBox);
    ml->setContentsMargins(0, 0, 0, 0);
    ml->addWidget(m_mcSummary);
    ml->addWidget(m_mcPlot, 1);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("BacktestResults"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_metrics, tr("Summary"));
    m_tabs->addTab(m_chart, tr("Equity"));
    m_tabs->addTab(m_tradesView, tr("Trades"));
    m_tabs->addTab(m_monthly, tr("Monthly"));
    m_tabs->addTab(optSplit, tr("Optimisation"));
    m_tabs->addTab(wfSplit, tr("Walk-forward"));
    m_tabs->addTab(mcBox, tr("Monte Carlo"));

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(formTabs);
    split->addWidget(m_tabs);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    root->setSpacing(2);
    root->addLayout(bar);
    root->addLayout(line);
    root->addWidget(split, 1);

    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, &BacktestWidget::onFinished);
    for (QAbstractItemView* view : std::initializer_list<QAbstractItemView*>{m_metrics, m_tradesView}) {
        auto* copy = new QAction(tr("Copy"), view);
        copy->setShortcut(QKeySequence::Copy);
        copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(copy, &QAction::triggered, this, [this, view] { QGuiApplication::clipboard()->setText(selectedAsText(view)); });
        view->addAction(copy);
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
    reloadStrategies(QStringLiteral("signal"));
}

QWidget* BacktestWidget::buildSettingsPage() {
    m_allDates = new QCheckBox(tr("All stored bars"));
    m_allDates->setObjectName(QStringLiteral("BacktestAllDates"));
    m_allDates->setChecked(true);
    m_from = new QDateEdit(QDate(2020, 1, 1));
    m_to = new QDateEdit(QDate::currentDate());
    for (QDateEdit* d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setEnabled(false);
        d->setToolTip(tr("UTC date; the range includes both days"));
    }
    connect(m_allDates, &QCheckBox::toggled, this, [this](bool all) {
        m_from->setEnabled(!all);
        m_to->setEnabled(!all);
    });
    m_capital = new QLineEdit(QStringLiteral("10000"));
    m_capital->setObjectName(QStringLiteral("BacktestCapital"));
    m_capital->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,12}(\\.[0-9]{0,8})?")), m_capital));
    m_capital->setToolTip(tr("Starting cash in the quote asset"));
    m_fee = new QDoubleSpinBox;
    m_fee->setObjectName(QStringLiteral("BacktestFee"));
    m_fee->setRange(0, 500);
    m_fee->setDecimals(2);
    m_fee->setValue(10);
    m_fee->setSuffix(tr(" bp"));
    m_fee->setToolTip(tr("Fee per fill in basis points of its value (10 bp = 0.1 %, Binance spot's base rate)"));
    m_slippage = new QDoubleSpinBox;
    m_slippage->setObjectName(QStringLiteral("BacktestSlippage"));
    m_slippage->setRange(0, 500);
    m_slippage->setDecimals(2);
    m_slippage->setSuffix(tr(" bp"));
    m_slippage->setToolTip(tr("Price moved against you on market and stop fills"));
    m_sizingKind = new QComboBox;
    m_sizingKind->setObjectName(QStringLiteral("BacktestSizingKind"));
    m_sizingKind->addItems({tr("% of equity"), tr("Quantity"), tr("Notional"), tr("Risk % per trade")});
    m_sizingValue = new QLineEdit(QStringLiteral("95"));
    m_sizingValue->setObjectName(QStringLiteral("BacktestSizingValue"));
    m_sizingValue->setToolTip(
        tr("% of equity at the decision close; a fixed quantity; a fixed amount of the quote asset; "
           "or the % of equity lost if the stop is hit (strategies with a stop)"));
    m_fillAt = new QComboBox;
    m_fillAt->setObjectName(QStringLiteral("BacktestFillAt"));
    m_fillAt->addItems({tr("Next bar's open"), tr("This bar's close")});
    m_atEnd = new QComboBox;
    m_atEnd->setObjectName(QStringLiteral("BacktestAtEnd"));
    m_atEnd->addItems({tr("Close at the last close"), tr("Keep open, marked")});

    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    form->setContentsMargins(4, 4, 4, 4);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Dates"), m_allDates);
    auto* dates = new QHBoxLayout;
    dates->addWidget(m_from);
    dates->addWidget(new QLabel(QStringLiteral("–")));
    dates->addWidget(m_to);
    form->addRow(QString(), dates);
    form->addRow(tr("Capital"), m_capital);
    form->addRow(tr("Fee"), m_fee);
    form->addRow(tr("Slippage"), m_slippage);
    auto* sizing = new QHBoxLayout;
    sizing->addWidget(m_sizingKind);
    sizing->addWidget(m_sizingValue, 1);
    form->addRow(tr("Size"), sizing);
    form->addRow(tr("Fill at"), m_fillAt);
    form->addRow(tr("At the end"), m_atEnd);
    return page;
}

QWidget* BacktestWidget::buildSearchPage() {
    auto spin = [](const char* object, int min, int max, int value, const QString& tip) {
        auto* s = new QSpinBox;
        s->setObjectName(QString::fromLatin1(object));
        s->setRange(min, max);
        s->setValue(value);
        s->setToolTip(tip);
        return s;
    };
    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("BacktestMethod"));
    m_method->addItem(tr("Grid (every combination)"), static_cast<int>(backtest::SearchMethod::Grid));
    m_method->addItem(tr("Random"), static_cast<int>(backtest::SearchMethod::Random));
    m_method->addItem(tr("Genetic"), static_cast<int>(backtest::SearchMethod::Genetic));
    m_objective = new QComboBox;
    m_objective->setObjectName(QStringLiteral("BacktestObjective"));
    for (const backtest::Objective& o : backtest::objectives())
        m_objective->addItem(QString::fromStdString(o.key) + (o.minimise ? tr(" (lowest)") : QString()),
                             QString::fromStdString(o.key));
    m_objective->setCurrentIndex(m_objective->findData(QStringLiteral("sharpe")));
    m_samples = spin("BacktestSamples", 1, 1000000, 100, tr("Random: combinations to draw"));
    m_generations = spin("BacktestGenerations", 1, 10000, 10, tr("Genetic: generations"));
    m_population = spin("BacktestPopulation", 2, 10000, 20, tr("Genetic: combinations per generation"));
    m_seed = spin("BacktestSeed", 0, std::numeric_limits<int>::max(), 1, tr("Random, genetic and Monte Carlo draws"));
    m_minTrades = spin("BacktestMinTrades", 0, 1000000, 0, tr("Combinations with fewer closed trades rank last"));
    m_threads = spin("BacktestThreads", 0, 256, 0, tr("Worker threads; 0 = every core"));
    m_threads->setSpecialValueText(tr("every core"));
    m_inSample = new QLineEdit(QStringLiteral("6m"));
    m_inSample->setObjectName(QStringLiteral("BacktestInSample"));
    m_inSample->setToolTip(tr("In-sample window: 2y, 6m, 3w or 90d"));
    m_outOfSample = new QLineEdit(QStringLiteral("2m"));
    m_outOfSample->setObjectName(QStringLiteral("BacktestOutOfSample"));
    m_outOfSample->setToolTip(tr("Out-of-sample window, and the step between windows"));
    m_anchored = new QCheckBox(tr("Anchored (in-sample grows from the start)"));
    m_anchored->setObjectName(QStringLiteral("BacktestAnchored"));
    m_mcMethod = new QComboBox;
    m_mcMethod->setObjectName(QStringLiteral("BacktestMonteCarloMethod"));
    m_mcMethod->addItem(tr("Shuffle trade order"), static_cast<int>(backtest::MonteCarloMethod::Shuffle));
    m_mcMethod->addItem(tr("Bootstrap (with replacement)"), static_cast<int>(backtest::MonteCarloMethod::Bootstrap));
    m_mcRuns = spin("BacktestMonteCarloRuns", 1, 1000000, 1000, tr("Monte Carlo runs"));
    m_mcRuin = new QDoubleSpinBox;
    m_mcRuin->setObjectName(QStringLiteral("BacktestMonteCarloRuin"));
    m_mcRuin->setRange(0.1, 100);
    m_mcRuin->setValue(50);
    m_mcRuin->setSuffix(QStringLiteral(" %"));
    m_mcRuin->setToolTip(tr("A run whose drawdown reaches this counts as ruined"));

    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    form->setContentsMargins(4, 4, 4, 4);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Method"), m_method);
    form->addRow(tr("Objective"), m_objective);
    form->addRow(tr("Min. trades"), m_minTrades);
    form->addRow(tr("Samples"), m_samples);
    auto* genetic = new QHBoxLayout;
    genetic->addWidget(m_generations);
    genetic->addWidget(new QLabel(QStringLiteral("×")));
    genetic->addWidget(m_population);
    form->addRow(tr("Generations × pop."), genetic);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Threads"), m_threads);
    auto* wf = new QHBoxLayout;
    wf->addWidget(m_inSample);
    wf->addWidget(new QLabel(tr("then")));
    wf->addWidget(m_outOfSample);
    form->addRow(tr("Walk-forward"), wf);
    form->addRow(QString(), m_anchored);
    form->addRow(tr("Monte Carlo"), m_mcMethod);
    auto* mc = new QHBoxLayout;
    mc->addWidget(m_mcRuns);
    mc->addWidget(new QLabel(tr("runs, ruin at")));
    mc->addWidget(m_mcRuin);
    form->addRow(QString(), mc);
    return page;
}

QString BacktestWidget::selectedAsText(const QAbstractItemView* view) const {
    const QAbstractItemModel* model = view->model();
    std::vector<int> rows;
    for (const QModelIndex& i : view->selectionModel()->selectedRows()) rows.push_back(i.row());
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    if (view == m_metrics) {
        for (int r : rows)
            lines << m_metrics->item(r, 0)->data(kMetricKeyRole).toString() + QLatin1Char('\t') +
                    m_metrics->item(r, 1)->data(Qt::UserRole).toString();
    } else {
        QStringList header;
        for (int c = 0; c < model->columnCount(); ++c) header << model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
        lines << header.join(QLatin1Char('\t'));
        for (int r : rows) {
            QStringList cells;
            for (int c = 0; c < model->columnCount(); ++c) cells << model->index(r, c).data(Qt::UserRole).toString();
            lines << cells.join(QLatin1Char('\t'));
        }
    }
    return lines.join(QLatin1Char('\n'));
}

BacktestWidget::~BacktestWidget() {
    m_stop.request_stop();
    m_watcher.waitForFinished();
}

// ---------------------------------------------------------------------------------------------
// Form

void BacktestWidget::reloadStrategies(const QString& select) {
    const QSignalBlocker block(m_strategy);
    m_strategy->clear();
    for (const backtest::StrategyInfo& info : backtest::builtinStrategies()) {
        m_strategy->addItem(QString::fromStdString(info.name), itemKey(kBuiltinPrefix, QString::fromStdString(info.name)));
        m_strategy->setItemData(m_strategy->count() - 1, QString::fromStdString(info.summary), Qt::ToolTipRole);
    }
    m_strategy->insertSeparator(m_strategy->count());
    QSettings ini(m_iniPath, QSettings::IniFormat);
    for (const SavedFormula& f : loadSavedFormulas(ini)) {
        m_strategy->addItem(tr("ƒ %1").arg(f.name), itemKey(kFormulaPrefix, f.name));
        m_strategy->setItemData(m_strategy->count() - 1, QString::fromStdString(f.settings.entry), Qt::ToolTipRole);
    }
    m_strategy->addItem(tr("New formula strategy…"), QString::fromLatin1(kFormulaPrefix));
    int index = m_strategy->findData(itemKey(kBuiltinPrefix, select));
    if (index < 0) index = m_strategy->findData(itemKey(kFormulaPrefix, select));
    m_strategy->setCurrentIndex(std::max(index, 0));
    onStrategyPicked();
}

void BacktestWidget::onStrategyPicked() {
    const QString key = m_strategy->currentData().toString();
    m_rulesBox->setVisible(key == itemKey(kBuiltinPrefix, QStringLiteral("signal")));
    if (key.startsWith(QLatin1String(kBuiltinPrefix))) {
        if (const backtest::StrategyInfo* info = backtest::findBuiltin(key.mid(2).toStdString())) m_form->showBuiltin(*info);
        m_optimise->setEnabled(!isRunning());
        m_walk->setEnabled(!isRunning());
        return;
    }
    const QString name = key.mid(2);
    SavedFormula shown;
    QSettings ini(m_iniPath, QSettings::IniFormat);
    for (const SavedFormula& f : loadSavedFormulas(ini))
        if (f.name == name) shown = f;
    m_form->showFormula(shown);
    // A formula strategy has no numeric parameters to search.
    m_optimise->setEnabled(false);
    m_walk->setEnabled(false);
}

QString BacktestWidget::strategyName() const {
    const QString key = m_strategy->currentData().toString();
    if (key.startsWith(QLatin1String(kBuiltinPrefix))) return key.mid(2);
    const QString typed = m_form->formula().name;
    return typed.isEmpty() ? QStringLiteral("formula") : typed;
}

QStringList BacktestWidget::strategyNames() const {
    QStringList out;
    for (int i = 0; i < m_strategy->count(); ++i) {
        const QString key = m_strategy->itemData(i).toString();
        if (key.size() > 2) out << key.mid(2);
    }
    return out;
}

bool BacktestWidget::setStrategy(const QString& name) {
    int index = m_strategy->findData(itemKey(kBuiltinPrefix, name));
    if (index < 0) index = m_strategy->findData(itemKey(kFormulaPrefix, name));
    if (index < 0) return false;
    if (index == m_strategy->currentIndex())
        onStrategyPicked();  // back to the defaults
    else
        m_strategy->setCurrentIndex(index);
    return true;
}

void BacktestWidget::setTimeframe(Timeframe tf) { m_timeframe->setCurrentIndex(m_timeframe->findData(static_cast<int>(tf))); }

void BacktestWidget::setInstrument(const InstrumentId& id) {
    m_instrument->setCurrentText(QString::fromStdString(id.toString()));
}

void BacktestWidget::saveFormulaFromForm() {
    SavedFormula f = m_form->formula();
    if (f.name.isEmpty()) {
        m_status->setText(tr("Name the formula strategy first."));
        return;
    }
    if (auto parsed = backtest::FormulaStrategy::create(f.settings); !parsed) {
        m_status->setText(tr("Not saved: %1").arg(QString::fromStdString(parsed.message())));
        return;
    }
    if (backtest::findBuiltin(f.name.toStdString())) {
        m_status->setText(tr("Not saved: \"%1\" is a built-in strategy's name.").arg(f.name));
        return;
    }
    QSettings ini(m_iniPath, QSettings::IniFormat);
    saveFormula(ini, f);
    reloadStrategies(f.name);
    m_status->setText(tr("Saved the formula strategy \"%1\".").arg(f.name));
}

void BacktestWidget::deleteFormulaFromForm() {
    const QString name = m_form->formula().name;
    if (name.isEmpty()) return;
    QSettings ini(m_iniPath, QSettings::IniFormat);
    removeFormula(ini, name);
    reloadStrategies(QStringLiteral("signal"));
    m_status->setText(tr("Deleted the formula strategy \"%1\".").arg(name));
}

void BacktestWidget::setInstruments(const std::vector<InstrumentId>& ids) {
    const QString current = m_instrument->currentText();
    m_instrument->clear();
    for (const InstrumentId& id : ids) m_instrument->addItem(QString::fromStdString(id.toString()));
    if (!current.isEmpty()) m_instrument->setCurrentText(current);
}

void BacktestWidget::setInstrumentLookup(std::function<std::optional<Instrument>(const InstrumentId&)> lookup) {
    m_lookup = std::move(lookup);
}

void BacktestWidget::setChartTheme(const charts::ChartTheme& theme) {
    m_chart->setTheme(theme);
    m_wfChart->setTheme(theme);
}

bool BacktestWidget::isRunning() const { return m_watcher.isRunning(); }

void BacktestWidget::browseRules() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Signal rules"), m_rulesPath->text(), tr("JSON (*.json);;All files (*)"));
    if (!path.isEmpty()) m_rulesPath->setText(path);
}

Result<BacktestRequest> BacktestWidget::request() const {
    BacktestRequest r;
    auto id = InstrumentId::parse(m_instrument->currentText().trimmed().toStdString());
    if (!id) return makeError(tr("Instrument: %1").arg(QString::fromStdString(id.message())).toStdString());
    r.id = *id;
    if (m_lookup) r.instrument = m_lookup(r.id);
    r.tf = static_cast<Timeframe>(m_timeframe->currentData().toInt());
    r.settings.timeframe = r.tf;
    if (m_allDates->isChecked()) {
        r.fromMs = std::numeric_limits<std::int64_t>::min();
        r.toMs = std::numeric_limits<std::int64_t>::max();
    } else {
        const QDate from = m_from->date();
        const QDate to = m_to->date();
        if (to < from) return makeError(tr("Dates: the end is before the start.").toStdString());
        r.fromMs = utcMs(from.year(), static_cast<unsigned>(from.month()), static_cast<unsigned>(from.day()));
        r.toMs = utcMs(to.year(), static_cast<unsigned>(to.month()), static_cast<unsigned>(to.day())) + 24LL * 3600 * 1000;
    }
    auto capital = Money::parse(m_capital->text().trimmed().toStdString());
    if (!capital || capital->isZero() || capital->isNegative())
        return makeError(tr("Capital: enter an amount above 0, e.g. 10000.").toStdString());
    r.settings.initialCapital = *capital;
    auto bps = [](double v) { return *trading::Bps::parse(QString::number(v, 'f', 2).toStdString()); };
    r.settings.rules.fees.makerBps = r.settings.rules.fees.takerBps = bps(m_fee->value());
    r.settings.rules.slippageBps = bps(m_slippage->value());
    r.settings.fillAt = m_fillAt->currentIndex() == 1 ? backtest::FillAt::ThisClose : backtest::FillAt::NextOpen;
    r.settings.atEnd = m_atEnd->currentIndex() == 1 ? backtest::AtEnd::Keep : backtest::AtEnd::Close;

    // Sizing.
    backtest::OrderSizing& sizing = r.strategy.sizing;
    const QString sizeText = m_sizingValue->text().trimmed();
    bool isNumber = false;
    const double sizeNumber = QLocale::c().toDouble(sizeText, &isNumber);
    switch (m_sizingKind->currentIndex()) {
    case 1: {
        sizing.kind = backtest::OrderSizing::Kind::Quantity;
        auto q = Quantity::parse(sizeText.toStdString());
        if (!q) return makeError(tr("Size: a quantity such as 0.5").toStdString());
        sizing.quantity = *q;
        break;
    }
    case 2: {
        sizing.kind = backtest::OrderSizing::Kind::Notional;
        auto n = Money::parse(sizeText.toStdString());
        if (!n) return makeError(tr("Size: an amount of the quote asset such as 1000").toStdString());
        sizing.notional = *n;
        break;
    }
    case 3:
        sizing.kind = backtest::OrderSizing::Kind::RiskPerTrade;
        if (!isNumber) return makeError(tr("Size: a percentage of equity to risk, such as 1").toStdString());
        sizing.riskPercent = sizeNumber;
        break;
    default:
        sizing.kind = backtest::OrderSizing::Kind::PercentEquity;
        if (!isNumber) return makeError(tr("Size: a percentage of equity such as 95").toStdString());
        sizing.percent = sizeNumber;
        break;
    }
    if (auto st = backtest::validate(sizing); !st)
        return makeError(tr("Size: %1").arg(QString::fromStdString(st.message())).toStdString());

    // Strategy.
    r.strategy.name = strategyName();
    r.strategy.isFormula = m_form->isFormula();
    if (r.strategy.isFormula) {
        const SavedFormula f = m_form->formula();
        if (f.settings.entry.empty()) return makeError(tr("Entry: write the condition that opens a trade.").toStdString());
        r.strategy.formula = f.settings;
        r.strategy.formula.sizing = sizing;
        if (auto parsed = backtest::FormulaStrategy::create(r.strategy.formula); !parsed) return parsed.error();
    } else {
        auto params = m_form->values();
        if (!params) return makeError(tr("Parameters: %1").arg(QString::fromStdString(params.message())).toStdString());
        r.strategy.params = *params;
        if (r.strategy.name == QLatin1String("signal") && m_rulesMode->currentIndex() == 1) {
            const QString path = m_rulesPath->text().trimmed();
            if (path.isEmpty()) return makeError(tr("Rules file: choose a JSON file, or use the default rules.").toStdString());
            auto loaded = signal::loadRules(path.toStdString());
            if (!loaded) return makeError(tr("Rules file: %1").arg(QString::fromStdString(loaded.message())).toStdString());
            r.strategy.signalRules = std::move(*loaded);
        }
        // The first combination checks sizing against the strategy (risk sizing needs a stop).
        if (auto made = backtestStrategyFactory(r.strategy)({}); !made) return made.error();
        auto axes = m_form->axes();
        if (!axes) return makeError(tr("Range: %1").arg(QString::fromStdString(axes.message())).toStdString());
        r.search.axes = std::move(*axes);
    }

    // Search, walk-forward and Monte Carlo settings.
    r.search.method = static_cast<backtest::SearchMethod>(m_method->currentData().toInt());
    r.search.objective = m_objective->currentData().toString().toStdString();
    r.search.samples = m_samples->value();
    r.search.generations = m_generations->value();
    r.search.population = m_population->value();
    r.search.seed = static_cast<std::uint64_t>(m_seed->value());
    r.search.minTrades = m_minTrades->value();
    r.search.threads = m_threads->value();
    r.monteCarlo.method = static_cast<backtest::MonteCarloMethod>(m_mcMethod->currentData().toInt());
    r.monteCarlo.runs = m_mcRuns->value();
    r.monteCarlo.seed = static_cast<std::uint64_t>(m_seed->value());
    r.monteCarlo.ruinDrawdownPct = m_mcRuin->value();
    auto in = backtest::parseSpan(m_inSample->text().trimmed().toStdString());
    auto out = backtest::parseSpan(m_outOfSample->text().trimmed().toStdString());
    if (in) r.walkForward.inSample = *in;
    if (out) r.walkForward.outOfSample = *out;
    r.walkForward.anchored = m_anchored->isChecked();
    return r;
}

}  // namespace kairos::ui
