#include "backtestwidget.h"

#include "equitychart.h"

#include "signals/rulesfile.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kairos::ui {

namespace {
const QColor kProfit(0x26, 0xa6, 0x9a);
const QColor kLoss(0xef, 0x53, 0x50);

/// Where a metrics row keeps its machine-readable key ("net_profit", "trades", ...).
constexpr int kKeyRole = Qt::UserRole + 1;

QString localTime(std::int64_t ms) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString localDate(std::int64_t ms) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().date(), QStringLiteral("yyyy-MM-dd"));
}

QString money(const Money& m) { return QLocale().toString(m.toDouble(), 'f', 2); }

QString signedPercent(double v) {
    if (!std::isfinite(v)) return v > 0 ? QStringLiteral("+∞ %") : QStringLiteral("−∞ %");
    const QString s = QLocale().toString(std::abs(v), 'f', 2);
    return (v > 0 ? QStringLiteral("+") : v < 0 ? QStringLiteral("−") : QString()) + s + QStringLiteral(" %");
}

QString ratio(double v) {
    if (std::isinf(v)) return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    return QLocale().toString(v, 'f', 2);
}

QVariant pnlColour(double v) {
    if (v > 0) return kProfit;
    if (v < 0) return kLoss;
    return {};
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Trades model

void BacktestTradesModel::setTrades(std::vector<backtest::TradeRecord> trades) {
    beginResetModel();  // a new run replaces everything at once
    m_trades = std::move(trades);
    endResetModel();
}

int BacktestTradesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_trades.size());
}

int BacktestTradesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant BacktestTradesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case EntryTime:
        return tr("Entry");
    case ExitTime:
        return tr("Exit");
    case SideCol:
        return tr("Side");
    case Quantity:
        return tr("Quantity");
    case EntryPrice:
        return tr("Entry price");
    case ExitPrice:
        return tr("Exit price");
    case NetPnl:
        return tr("Net P&L");
    case Fees:
        return tr("Fees");
    case ExitReasonCol:
        return tr("Exit reason");
    case BarsHeld:
        return tr("Bars");
    default:
        return {};
    }
}

QVariant BacktestTradesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const backtest::TradeRecord& t = at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case EntryTime:
            return localTime(t.entryTimeMs);
        case ExitTime:
            return localTime(t.exitTimeMs);
        case SideCol:
            return QString::fromStdString(backtest::toString(t.side));
        case Quantity:
            return QString::fromStdString(t.quantity.toTrimmedString());
        case EntryPrice:
            return QString::fromStdString(t.entryPrice.toTrimmedString());
        case ExitPrice:
            return QString::fromStdString(t.exitPrice.toTrimmedString());
        case NetPnl:
            return money(t.netPnl);
        case Fees:
            return money(t.fees);
        case ExitReasonCol:
            return QString::fromStdString(backtest::toString(t.exitReason));
        case BarsHeld:
            return t.barsHeld;
        default:
            return {};
        }
    }
    if (role == Qt::UserRole) {  // exact, machine-readable
        switch (index.column()) {
        case EntryTime:
            return QString::fromStdString(formatUtc(t.entryTimeMs));
        case ExitTime:
            return QString::fromStdString(formatUtc(t.exitTimeMs));
        case NetPnl:
            return QString::fromStdString(t.netPnl.toTrimmedString());
        case Fees:
            return QString::fromStdString(t.fees.toTrimmedString());
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == NetPnl) return pnlColour(t.netPnl.toDouble());
    if (role == Qt::ForegroundRole && index.column() == SideCol) return t.side == backtest::PositionSide::Long ? kProfit : kLoss;
    if (role == Qt::TextAlignmentRole && index.column() >= Quantity && index.column() <= Fees)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

// ---------------------------------------------------------------------------------------------
// Widget

struct BacktestWidget::Outcome {
    QString error;
    std::unique_ptr<backtest::BacktestResult> result;
    std::vector<double> buyHold;  ///< capital x close / first open, per processed bar
    QString label;
};

BacktestWidget::BacktestWidget(QString databasePath, QWidget* parent) : QWidget(parent), m_dbPath(std::move(databasePath)) {
    // Form.
    m_instrument = new QComboBox;
    m_instrument->setObjectName(QStringLiteral("BacktestInstrument"));
    m_instrument->setEditable(true);
    m_instrument->setInsertPolicy(QComboBox::NoInsert);
    m_instrument->setToolTip(tr("VENUE:SYMBOL; the bars stored for it in the profile are used"));
    m_timeframe = new QComboBox;
    m_timeframe->setObjectName(QStringLiteral("BacktestTimeframe"));
    for (Timeframe tf : kAllTimeframes) m_timeframe->addItem(QString::fromStdString(toString(tf)), static_cast<int>(tf));
    m_timeframe->setCurrentText(QStringLiteral("1h"));
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
    m_fraction = new QDoubleSpinBox;
    m_fraction->setObjectName(QStringLiteral("BacktestFraction"));
    m_fraction->setRange(1, 100);
    m_fraction->setDecimals(1);
    m_fraction->setValue(95);
    m_fraction->setSuffix(tr(" % of equity"));
    m_tp = new QComboBox;
    m_tp->addItems({tr("TP1"), tr("TP2"), tr("TP3")});
    m_tp->setCurrentIndex(1);
    m_tp->setToolTip(tr("Which of the signal's take-profit levels closes the trade"));
    m_longOnly = new QCheckBox(tr("Long only"));
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

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Instrument"), m_instrument);
    form->addRow(tr("Timeframe"), m_timeframe);
    form->addRow(tr("Dates"), m_allDates);
    auto* dates = new QHBoxLayout;
    dates->addWidget(m_from);
    dates->addWidget(new QLabel(QStringLiteral("–")));
    dates->addWidget(m_to);
    form->addRow(QString(), dates);
    form->addRow(tr("Capital"), m_capital);
    form->addRow(tr("Fee"), m_fee);
    form->addRow(tr("Slippage"), m_slippage);
    form->addRow(tr("Size"), m_fraction);
    auto* exits = new QHBoxLayout;
    exits->addWidget(m_tp);
    exits->addWidget(m_longOnly);
    form->addRow(tr("Target"), exits);
    form->addRow(tr("Strategy"), m_rulesMode);
    auto* rules = new QHBoxLayout;
    rules->addWidget(m_rulesPath, 1);
    rules->addWidget(m_browse);
    form->addRow(QString(), rules);

    m_run = new QPushButton(tr("Run"));
    m_run->setObjectName(QStringLiteral("BacktestRun"));
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("BacktestCancel"));
    m_cancel->setEnabled(false);
    connect(m_run, &QPushButton::clicked, this, &BacktestWidget::run);
    connect(m_cancel, &QPushButton::clicked, this, &BacktestWidget::cancel);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("BacktestProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_eta = new QLabel;
    m_eta->setObjectName(QStringLiteral("BacktestEta"));
    m_status = new QLabel(tr("Choose an instrument and press Run. Signals are traded on the bar after they appear."));
    m_status->setObjectName(QStringLiteral("BacktestStatus"));
    m_status->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(4, 4, 4, 4);
    leftLayout->addLayout(form);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_progress);
    leftLayout->addWidget(m_eta);
    leftLayout->addWidget(m_status);
    leftLayout->addStretch(1);
    // The bottom dock is often short: the form scrolls rather than squeezing its fields.
    auto* leftScroll = new QScrollArea;
    leftScroll->setWidget(left);
    leftScroll->setWidgetResizable(true);
    leftScroll->setFrameShape(QFrame::NoFrame);
    leftScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    leftScroll->setMinimumWidth(left->sizeHint().width() + 16);
    leftScroll->setMaximumWidth(360);

    // Results.
    m_metrics = new QTableWidget(0, 2);
    m_metrics->setObjectName(QStringLiteral("BacktestMetrics"));
    m_metrics->setHorizontalHeaderLabels({tr("Metric"), tr("Value")});
    m_metrics->verticalHeader()->setVisible(false);
    m_metrics->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_metrics->horizontalHeader()->setStretchLastSection(true);
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_metrics->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_metrics->setWordWrap(false);
    m_metrics->setMinimumWidth(340);
    m_chart = new charts::EquityChart;
    m_chart->setObjectName(QStringLiteral("BacktestEquity"));
    m_trades = new BacktestTradesModel(this);
    m_tradesView = new QTableView;
    m_tradesView->setObjectName(QStringLiteral("BacktestTrades"));
    m_tradesView->setModel(m_trades);
    m_tradesView->verticalHeader()->setVisible(false);
    m_tradesView->horizontalHeader()->setStretchLastSection(true);
    m_tradesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto* overview = new QSplitter(Qt::Horizontal);
    overview->addWidget(m_metrics);
    overview->addWidget(m_chart);
    overview->setStretchFactor(1, 1);
    overview->setSizes({360, 900});
    m_tabs = new QTabWidget;
    m_tabs->addTab(overview, tr("Overview"));
    m_tabs->addTab(m_tradesView, tr("Trades"));

    auto* root = new QHBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(leftScroll);
    split->addWidget(m_tabs);
    split->setStretchFactor(1, 1);
    root->addWidget(split);

    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, &BacktestWidget::onFinished);
    for (QAbstractItemView* view : std::initializer_list<QAbstractItemView*>{m_metrics, m_tradesView}) {
        auto* copy = new QAction(tr("Copy"), view);
        copy->setShortcut(QKeySequence::Copy);
        copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(copy, &QAction::triggered, this, [this, view] { QGuiApplication::clipboard()->setText(selectedAsText(view)); });
        view->addAction(copy);
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
}

QString BacktestWidget::selectedAsText(const QAbstractItemView* view) const {
    const QAbstractItemModel* model = view->model();
    std::vector<int> rows;
    for (const QModelIndex& i : view->selectionModel()->selectedRows()) rows.push_back(i.row());
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    if (view == m_metrics) {
        for (int r : rows)
            lines << m_metrics->item(r, 0)->data(kKeyRole).toString() + QLatin1Char('\t') +
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

void BacktestWidget::setInstruments(const std::vector<InstrumentId>& ids) {
    const QString current = m_instrument->currentText();
    m_instrument->clear();
    for (const InstrumentId& id : ids) m_instrument->addItem(QString::fromStdString(id.toString()));
    if (!current.isEmpty()) m_instrument->setCurrentText(current);
}

void BacktestWidget::setInstrumentLookup(std::function<std::optional<Instrument>(const InstrumentId&)> lookup) {
    m_lookup = std::move(lookup);
}

void BacktestWidget::setChartTheme(const charts::ChartTheme& theme) { m_chart->setTheme(theme); }

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
    r.strategy.sizing.fraction = m_fraction->value() / 100.0;
    r.strategy.takeProfitLevel = m_tp->currentIndex() + 1;
    r.strategy.allowShort = !m_longOnly->isChecked();
    if (m_rulesMode->currentIndex() == 1) {
        const QString path = m_rulesPath->text().trimmed();
        if (path.isEmpty()) return makeError(tr("Rules file: choose a JSON file, or use the default rules.").toStdString());
        auto rules = signal::loadRules(path.toStdString());
        if (!rules) return makeError(tr("Rules file: %1").arg(QString::fromStdString(rules.message())).toStdString());
        r.strategy.rules = std::move(*rules);
    }
    if (auto st = backtest::validate(r.strategy); !st) return makeError(st.message());
    return r;
}

void BacktestWidget::runFor(const InstrumentId& id) {
    m_instrument->setCurrentText(QString::fromStdString(id.toString()));
    run();
}

void BacktestWidget::setRunning(bool running) {
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
}

void BacktestWidget::run() {
    if (isRunning()) {
        m_status->setText(tr("A backtest is already running; cancel it first."));
        return;
    }
    auto req = request();
    if (!req) {
        m_lastError = QString::fromStdString(req.message());
        m_status->setText(m_lastError);
        Q_EMIT runFinished(false, false);
        return;
    }
    m_stop = std::stop_source();
    m_progress->setValue(0);
    m_eta->clear();
    m_runLabel = tr("%1 · %2").arg(QString::fromStdString(req->id.toString()), QString::fromStdString(toString(req->tf)));
    m_status->setText(tr("Reading the stored bars of %1…").arg(m_runLabel));
    setRunning(true);
    m_clock.start();
    // The destructor waits for the run, and a queued call to a deleted widget is dropped.
    BacktestWidget* self = this;
    const QString path = m_dbPath;
    std::stop_token token = m_stop.get_token();
    BacktestRequest request = std::move(*req);
    m_watcher.setFuture(QtConcurrent::run([self, path, request, token]() -> std::shared_ptr<Outcome> {
        auto out = std::make_shared<Outcome>();
        // This thread's own connection: the GUI thread's Database is not to be shared.
        auto db = storage::Database::open(path);
        if (!db) {
            out->error = QString::fromStdString(db.message());
            return out;
        }
        storage::CandleStore store(**db);
        auto bars = store.range(request.id, request.tf, request.fromMs, request.toMs);
        if (!bars) {
            out->error = QString::fromStdString(bars.message());
            return out;
        }
        if (bars->empty()) {
            out->error = QObject::tr(
                             "No stored %1 bars of %2 in the chosen dates. Open it in a chart to load its history, "
                             "or choose another timeframe or range.")
                             .arg(QString::fromStdString(toString(request.tf)), QString::fromStdString(request.id.toString()));
            return out;
        }
        int scale = 0;
        for (const Bar& b : *bars) scale = std::max({scale, b.open.scale(), b.high.scale(), b.low.scale(), b.close.scale()});
        backtest::BacktestSettings settings = request.settings;
        settings.instrument = request.instrument ? *request.instrument : backtest::instrumentForFile(request.id, scale);
        backtest::SignalStrategy strategy(request.strategy);
        auto progress = [self](std::int64_t done, std::int64_t total) {
            QMetaObject::invokeMethod(
                self, [self, done, total] { self->onProgress(done, total); }, Qt::QueuedConnection);
        };
        auto r = backtest::BacktestEngine(settings).run(strategy, *bars, progress, token);
        if (!r) {
            out->error = QString::fromStdString(r.message());
            return out;
        }
        out->result = std::make_unique<backtest::BacktestResult>(std::move(*r));
        const double capital = settings.initialCapital.toDouble();
        const double first = bars->front().open.toDouble();
        out->buyHold.reserve(out->result->equity.size());
        for (std::size_t i = 0; i < out->result->equity.size(); ++i)
            out->buyHold.push_back(capital * (*bars)[i].close.toDouble() / first);
        out->label = QObject::tr("%n bar(s), tick %1, lot %2%3", nullptr, static_cast<int>(bars->size()))
                         .arg(QString::fromStdString(settings.instrument.tickSize.toTrimmedString()),
                              QString::fromStdString(settings.instrument.lotSize.toTrimmedString()),
                              request.instrument ? QObject::tr(" (venue rules)") : QObject::tr(" (from the data)"));
        return out;
    }));
    Q_EMIT runStarted();
}

void BacktestWidget::cancel() {
    if (!isRunning()) return;
    m_stop.request_stop();
    m_status->setText(tr("Cancelling…"));
}

void BacktestWidget::onProgress(qint64 done, qint64 total) {
    if (!isRunning() || total <= 0) return;
    m_progress->setValue(static_cast<int>(1000 * done / total));
    const double elapsed = static_cast<double>(m_clock.elapsed()) / 1000.0;
    if (done > 0 && elapsed > 0.2) {
        const double eta = elapsed * static_cast<double>(total - done) / static_cast<double>(done);
        m_eta->setText(tr("%1 of %2 bars · about %3 s left")
                           .arg(QLocale().toString(done), QLocale().toString(total), QLocale().toString(std::ceil(eta), 'f', 0)));
    } else {
        m_eta->setText(tr("%1 of %2 bars").arg(QLocale().toString(done), QLocale().toString(total)));
    }
    m_status->setText(tr("Running %1…").arg(m_runLabel));
    Q_EMIT progressed(done, total);
}

void BacktestWidget::onFinished() {
    setRunning(false);
    std::shared_ptr<Outcome> out = m_watcher.result();
    if (!out || !out->result) {
        m_lastError = out ? out->error : tr("The backtest ended without a result.");
        m_status->setText(m_lastError);
        m_progress->setValue(0);
        m_eta->clear();
        Q_EMIT runFinished(false, false);
        return;
    }
    m_lastError.clear();
    showResult(*out);
    m_result = std::move(out->result);
    Q_EMIT runFinished(true, m_result->cancelled);
}

void BacktestWidget::showResult(const Outcome& out) {
    const backtest::BacktestResult& r = *out.result;
    const backtest::Metrics& m = r.metrics;
    const double secs = static_cast<double>(m_clock.elapsed()) / 1000.0;
    if (r.cancelled) {
        m_status->setText(tr("%1: cancelled after %2 of %3 bars; the figures cover those bars only.")
                              .arg(m_runLabel, QLocale().toString(r.barsProcessed), QLocale().toString(r.barsTotal)));
    } else {
        m_progress->setValue(1000);
        m_status->setText(
            tr("%1: %2 in %3 s. Strategy: %4.")
                .arg(m_runLabel, out.label, QLocale().toString(secs, 'f', 1), QString::fromStdString(r.strategyName)));
    }
    m_eta->clear();

    struct Row {
        const char* key;
        QString label;
        QString value;
        QString exact;
        QVariant colour;
        QString tip;
    };
    const QString pf = tr("Annualised with %1 bars a year (the bars per year in this data), risk-free rate 0")
                           .arg(QLocale().toString(m.periodsPerYear, 'f', 0));
    const std::vector<Row> rows = {
        {"net_profit", tr("Net profit"), money(m.netProfit), QString::fromStdString(m.netProfit.toTrimmedString()),
         pnlColour(m.netProfit.toDouble()), tr("Final equity minus starting capital, after fees")},
        {"total_return_pct",
         tr("Total return"),
         signedPercent(m.totalReturnPct),
         QString::number(m.totalReturnPct, 'g', 17),
         pnlColour(m.totalReturnPct),
         {}},
        {"cagr_pct", tr("CAGR"), signedPercent(m.cagrPct), QString::number(m.cagrPct, 'g', 17), pnlColour(m.cagrPct),
         tr("Compound annual growth over the tested period")},
        {"buy_hold_return_pct", tr("Buy & hold"), signedPercent(m.buyHoldReturnPct), QString::number(m.buyHoldReturnPct, 'g', 17),
         pnlColour(m.buyHoldReturnPct), tr("First bar's open to last bar's close, no fees")},
        {"max_drawdown", tr("Max drawdown"), tr("%1 (%2)").arg(money(m.maxDrawdown), signedPercent(-m.maxDrawdownPct)),
         QString::fromStdString(m.maxDrawdown.toTrimmedString()), m.maxDrawdown.isZero() ? QVariant() : QVariant(kLoss),
         m.maxDrawdown.isZero()
             ? QString()
             : tr("From the peak at %1 to the low at %2").arg(localTime(m.maxDrawdownPeakMs), localTime(m.maxDrawdownTroughMs))},
        {"max_drawdown_period",
         tr("Drawdown period"),
         m.maxDrawdown.isZero() ? tr("—") : tr("%1 → %2").arg(localDate(m.maxDrawdownPeakMs), localDate(m.maxDrawdownTroughMs)),
         {},
         {},
         {}},
        {"sharpe", tr("Sharpe"), ratio(m.sharpe), QString::number(m.sharpe, 'g', 17), {}, pf},
        {"sortino", tr("Sortino"), ratio(m.sortino), QString::number(m.sortino, 'g', 17), {}, pf},
        {"profit_factor",
         tr("Profit factor"),
         m.trades ? ratio(m.profitFactor) : tr("—"),
         QString::number(m.profitFactor, 'g', 17),
         {},
         tr("Winners' net P&L over losers'")},
        {"win_rate_pct",
         tr("Win rate"),
         QLocale().toString(m.winRatePct, 'f', 1) + QStringLiteral(" %"),
         QString::number(m.winRatePct, 'g', 17),
         {},
         {}},
        {"trades",
         tr("Trades"),
         tr("%1 (%2 won, %3 lost)").arg(m.trades).arg(m.wins).arg(m.losses),
         QString::number(m.trades),
         {},
         {}},
        {"average_win",
         tr("Average win"),
         QLocale().toString(m.averageWin, 'f', 2),
         QString::number(m.averageWin, 'g', 17),
         pnlColour(m.averageWin),
         {}},
        {"average_loss",
         tr("Average loss"),
         QLocale().toString(m.averageLoss, 'f', 2),
         QString::number(m.averageLoss, 'g', 17),
         pnlColour(m.averageLoss),
         {}},
        {"expectancy", tr("Expectancy"), QLocale().toString(m.expectancy, 'f', 2), QString::number(m.expectancy, 'g', 17),
         pnlColour(m.expectancy), tr("Average net P&L per trade")},
        {"total_fees", tr("Fees paid"), money(m.totalFees), QString::fromStdString(m.totalFees.toTrimmedString()), {}, {}},
        {"exposure_pct",
         tr("Exposure"),
         QLocale().toString(m.exposurePct, 'f', 1) + QStringLiteral(" %"),
         QString::number(m.exposurePct, 'g', 17),
         {},
         tr("Share of bars that closed with a position open")},
        {"final_equity",
         tr("Final equity"),
         money(m.finalEquity),
         QString::fromStdString(m.finalEquity.toTrimmedString()),
         {},
         {}},
        {"period",
         tr("Period"),
         tr("%1 → %2").arg(localDate(m.startMs), localDate(m.endMs)),
         QString::number(m.bars),
         {},
         tr("%n bar(s)", nullptr, static_cast<int>(m.bars))},
    };
    m_metrics->setRowCount(static_cast<int>(rows.size()));
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const Row& row = rows[static_cast<std::size_t>(i)];
        auto* name = new QTableWidgetItem(row.label);
        name->setData(kKeyRole, QString::fromLatin1(row.key));
        auto* value = new QTableWidgetItem(row.value);
        value->setData(Qt::UserRole, row.exact.isEmpty() ? row.value : row.exact);
        value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (row.colour.isValid()) value->setForeground(row.colour.value<QColor>());
        if (!row.tip.isEmpty()) {
            name->setToolTip(row.tip);
            value->setToolTip(row.tip);
        }
        m_metrics->setItem(i, 0, name);
        m_metrics->setItem(i, 1, value);
    }
    std::vector<std::int64_t> times;
    std::vector<double> equity;
    times.reserve(r.equity.size());
    equity.reserve(r.equity.size());
    for (const auto& p : r.equity) {
        times.push_back(p.timeMs);
        equity.push_back(p.equity.toDouble());
    }
    m_chart->setCurves(times, equity, out.buyHold);
    m_trades->setTrades(r.trades);
    m_tradesView->resizeColumnsToContents();
}

}  // namespace kairos::ui
