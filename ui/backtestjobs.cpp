#include "backtestwidget.h"

#include "equitychart.h"

#include "backtest/report.h"
#include "backtest/tradescsv.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <qcustomplot.h>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QComboBox>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>

// The Backtest dock's jobs (run, optimise, walk-forward, Monte Carlo: started here, run on the thread pool,
// shown when done) and its exports. The form and the layout are in backtestwidget.cpp.

namespace kairos::ui {

namespace {
backtest::ParamValues merged(const backtest::ParamValues& base, const backtest::ParamValues& over) {
    backtest::ParamValues p = base;
    for (const auto& [k, v] : over) p[k] = v;
    return p;
}

Status writeText(const QString& path, const std::string& text) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(path.toStdString() + ": cannot write (" + f.errorString().toStdString() + ")");
    f.write(text.data(), static_cast<qint64>(text.size()));
    if (!f.commit()) return makeError(path.toStdString() + ": cannot write (" + f.errorString().toStdString() + ")");
    return {};
}

QString unitsOf(BacktestWidget::Job job) {
    switch (job) {
    case BacktestWidget::Job::Run:
        return BacktestWidget::tr("bars");
    case BacktestWidget::Job::Optimise:
        return BacktestWidget::tr("combinations");
    case BacktestWidget::Job::WalkForward:
        return BacktestWidget::tr("windows");
    case BacktestWidget::Job::MonteCarlo:
        return BacktestWidget::tr("runs");
    }
    return {};
}
}  // namespace

backtest::StrategyFactory backtestStrategyFactory(const BacktestStrategyChoice& choice) {
    if (choice.isFormula) {
        backtest::FormulaStrategySettings fs = choice.formula;
        fs.sizing = choice.sizing;
        return [fs](const backtest::ParamValues&) -> Result<std::unique_ptr<backtest::Strategy>> {
            auto f = backtest::FormulaStrategy::create(fs);
            if (!f) return f.error();
            return std::unique_ptr<backtest::Strategy>(std::move(*f));
        };
    }
    const std::string name = choice.name.toStdString();
    const backtest::ParamValues base = choice.params;
    const backtest::OrderSizing sizing = choice.sizing;
    if (choice.signalRules) {
        const signal::SignalRules rules = *choice.signalRules;
        return [rules, base, sizing](const backtest::ParamValues& values) -> Result<std::unique_ptr<backtest::Strategy>> {
            const backtest::ParamValues p = merged(base, values);
            backtest::SignalStrategySettings ss;
            ss.rules = rules;
            ss.takeProfitLevel = static_cast<int>(p.at("tp"));
            ss.allowShort = p.at("short") != 0;
            switch (sizing.kind) {
            case backtest::OrderSizing::Kind::Quantity:
                ss.sizing.kind = backtest::Sizing::Kind::FixedQuantity;
                ss.sizing.quantity = sizing.quantity;
                break;
            case backtest::OrderSizing::Kind::PercentEquity:
                ss.sizing.fraction = sizing.percent / 100.0;
                break;
            case backtest::OrderSizing::Kind::RiskPerTrade:
                ss.sizing.kind = backtest::Sizing::Kind::RiskOfEquity;
                ss.sizing.riskPercent = sizing.riskPercent;
                break;
            case backtest::OrderSizing::Kind::Notional:
                return makeError("the signal strategy sizes by quantity, % of equity or risk per trade, not by notional");
            }
            if (auto st = backtest::validate(ss); !st) return st.error();
            return std::unique_ptr<backtest::Strategy>(std::make_unique<backtest::SignalStrategy>(ss));
        };
    }
    return [name, base, sizing](const backtest::ParamValues& values) {
        return backtest::makeBuiltin(name, merged(base, values), sizing);
    };
}

backtest::ParamCheck backtestParamCheck(const BacktestStrategyChoice& choice) {
    const backtest::StrategyInfo* info = choice.isFormula ? nullptr : backtest::findBuiltin(choice.name.toStdString());
    const backtest::ParamValues base = choice.params;
    return [info, base](const backtest::ParamValues& values) -> Status {
        if (!info) return {};
        std::vector<std::pair<std::string, std::string>> given;
        for (const auto& [k, v] : merged(base, values)) given.emplace_back(k, QString::number(v, 'g', 17).toStdString());
        if (auto r = backtest::resolveParams(*info, given); !r) return r.error();
        return {};
    };
}

struct BacktestWidget::Outcome {
    Job job = Job::Run;
    QString error;
    std::optional<BacktestRequest> request;
    std::unique_ptr<backtest::BacktestResult> result;
    std::shared_ptr<const std::vector<Bar>> bars;
    std::vector<double> buyHold;  ///< capital x close / first open, per processed bar
    QString label;
    std::unique_ptr<backtest::OptimizerResult> optimisation;
    std::unique_ptr<backtest::WalkForwardResult> walkForward;
    std::unique_ptr<backtest::MonteCarloResult> monteCarlo;
};

// ---------------------------------------------------------------------------------------------
// Jobs

void BacktestWidget::runFor(const InstrumentId& id) {
    setInstrument(id);
    run();
}

void BacktestWidget::setRunning(bool running) {
    const bool formula = m_form->isFormula();
    m_run->setEnabled(!running);
    m_optimise->setEnabled(!running && !formula);
    m_walk->setEnabled(!running && !formula);
    m_mc->setEnabled(!running && m_result && !m_result->trades.empty());
    m_cancel->setEnabled(running);
    m_paper->setEnabled(!running && m_result && m_resultRequest);
    m_export->setEnabled(!running && m_result);
}

void BacktestWidget::run() { start(Job::Run); }
void BacktestWidget::optimise() { start(Job::Optimise); }
void BacktestWidget::walkForward() { start(Job::WalkForward); }
void BacktestWidget::monteCarlo() { start(Job::MonteCarlo); }

void BacktestWidget::start(Job job) {
    if (isRunning()) {
        m_status->setText(tr("A job is already running; cancel it first."));
        return;
    }
    auto fail = [this](const QString& message) {
        m_lastError = message;
        m_status->setText(m_lastError);
        m_status->setToolTip(m_lastError);
        Q_EMIT runFinished(false, false);
    };
    std::optional<BacktestRequest> req;
    std::vector<Money> pnl;
    if (job == Job::MonteCarlo) {
        if (!m_result || m_result->trades.empty() || !m_resultRequest)
            return fail(tr("Monte Carlo reshuffles a run's trades: run a backtest with trades first."));
        req = *m_resultRequest;
        auto form = request();  // the Search tab's Monte Carlo settings as they are now
        if (form) req->monteCarlo = form->monteCarlo;
        for (const auto& t : m_result->trades) pnl.push_back(t.netPnl);
    } else {
        auto r = request();
        if (!r) return fail(QString::fromStdString(r.message()));
        req = std::move(*r);
        if (job != Job::Run && req->search.axes.empty())
            return fail(tr("Give at least one parameter a range to optimise (e.g. 5:30:5 or 10,20,40)."));
        if (job == Job::WalkForward &&
            (!backtest::parseSpan(m_inSample->text().trimmed().toStdString()) ||
             !backtest::parseSpan(m_outOfSample->text().trimmed().toStdString())))
            return fail(tr("Walk-forward: windows are written 2y, 6m, 3w or 90d."));
        if (job != Job::Run) {
            backtest::OptimizerSpec spec = req->search;
            if (auto st = backtest::validate(spec); !st) return fail(tr("Search: %1").arg(QString::fromStdString(st.message())));
        }
    }
    m_job = job;
    m_stop = std::stop_source();
    m_progress->setValue(0);
    m_eta->clear();
    m_runLabel =
        tr("%1 on %2 · %3")
            .arg(req->strategy.name, QString::fromStdString(req->id.toString()), QString::fromStdString(toString(req->tf)));
    m_status->setText(job == Job::MonteCarlo ? tr("Monte Carlo over %n trade(s)…", nullptr, static_cast<int>(pnl.size()))
                                             : tr("Reading the stored bars of %1…").arg(m_runLabel));
    m_lastError.clear();
    setRunning(true);
    m_clock.start();
    // The destructor waits for the job, and a queued call to a deleted widget is dropped.
    BacktestWidget* self = this;
    const QString path = m_dbPath;
    std::stop_token token = m_stop.get_token();
    const Money capital = m_result ? m_result->metrics.initialCapital : Money();
    m_watcher.setFuture(QtConcurrent::run([self, path, job, request = std::move(*req), token, pnl = std::move(pnl),
                                           capital]() -> std::shared_ptr<Outcome> {
        auto out = std::make_shared<Outcome>();
        out->job = job;
        out->request = request;
        auto progress = [self](std::int64_t done, std::int64_t total) {
            QMetaObject::invokeMethod(
                self, [self, done, total] { self->onProgress(done, total); }, Qt::QueuedConnection);
        };
        if (job == Job::MonteCarlo) {
            auto mc = backtest::runMonteCarlo(pnl, capital, request.monteCarlo);
            if (!mc) {
                out->error = QString::fromStdString(mc.message());
                return out;
            }
            out->monteCarlo = std::make_unique<backtest::MonteCarloResult>(std::move(*mc));
            return out;
        }
        // This thread's own connection: the GUI thread's Database is not to be shared.
        auto db = storage::Database::open(path);
        if (!db) {
            out->error = QString::fromStdString(db.message());
            return out;
        }
        storage::CandleStore store(**db);
        auto loaded = store.range(request.id, request.tf, request.fromMs, request.toMs);
        if (!loaded) {
            out->error = QString::fromStdString(loaded.message());
            return out;
        }
        if (loaded->empty()) {
            out->error = QObject::tr(
                             "No stored %1 bars of %2 in the chosen dates. Open it in a chart to load its history, "
                             "or choose another timeframe or range.")
                             .arg(QString::fromStdString(toString(request.tf)), QString::fromStdString(request.id.toString()));
            return out;
        }
        auto bars = std::make_shared<const std::vector<Bar>>(std::move(*loaded));
        out->bars = bars;
        int scale = 0;
        for (const Bar& b : *bars) scale = std::max({scale, b.open.scale(), b.high.scale(), b.low.scale(), b.close.scale()});
        backtest::BacktestSettings settings = request.settings;
        settings.instrument = request.instrument ? *request.instrument : backtest::instrumentForFile(request.id, scale);
        out->request->settings.instrument = settings.instrument;
        out->label = QObject::tr("%n bar(s), tick %1, lot %2%3", nullptr, static_cast<int>(bars->size()))
                         .arg(QString::fromStdString(settings.instrument.tickSize.toTrimmedString()),
                              QString::fromStdString(settings.instrument.lotSize.toTrimmedString()),
                              request.instrument ? QObject::tr(" (venue rules)") : QObject::tr(" (from the data)"));
        const backtest::StrategyFactory factory = backtestStrategyFactory(request.strategy);
        if (job == Job::Optimise) {
            backtest::Optimizer optimizer(settings, factory, backtestParamCheck(request.strategy));
            auto r = optimizer.run(
                request.search, *bars,
                [&progress](std::size_t done, std::size_t total) {
                    progress(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
                },
                {}, token);
            if (!r) {
                out->error = QString::fromStdString(r.message());
                return out;
            }
            out->optimisation = std::make_unique<backtest::OptimizerResult>(std::move(*r));
            return out;
        }
        if (job == Job::WalkForward) {
            auto r = backtest::runWalkForward(
                settings, factory, backtestParamCheck(request.strategy), request.search, request.walkForward, *bars,
                [&progress](std::size_t done, std::size_t total) {
                    progress(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
                },
                token);
            if (!r) {
                out->error = QString::fromStdString(r.message());
                return out;
            }
            out->walkForward = std::make_unique<backtest::WalkForwardResult>(std::move(*r));
            return out;
        }
        auto strategy = factory({});
        if (!strategy) {
            out->error = QString::fromStdString(strategy.message());
            return out;
        }
        auto r = backtest::BacktestEngine(settings).run(**strategy, *bars, progress, token);
        if (!r) {
            out->error = QString::fromStdString(r.message());
            return out;
        }
        out->result = std::make_unique<backtest::BacktestResult>(std::move(*r));
        const double capitalD = settings.initialCapital.toDouble();
        const double first = bars->front().open.toDouble();
        out->buyHold.reserve(out->result->equity.size());
        for (std::size_t i = 0; i < out->result->equity.size(); ++i)
            out->buyHold.push_back(capitalD * (*bars)[i].close.toDouble() / first);
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
    const QString units = unitsOf(m_job);
    if (done > 0 && elapsed > 0.2) {
        const double eta = elapsed * static_cast<double>(total - done) / static_cast<double>(done);
        m_eta->setText(
            tr("%1 of %2 %3 · about %4 s left")
                .arg(QLocale().toString(done), QLocale().toString(total), units, QLocale().toString(std::ceil(eta), 'f', 0)));
    } else {
        m_eta->setText(tr("%1 of %2 %3").arg(QLocale().toString(done), QLocale().toString(total), units));
    }
    m_status->setText(tr("Running %1…").arg(m_runLabel));
    Q_EMIT progressed(done, total);
}

void BacktestWidget::onFinished() {
    std::shared_ptr<Outcome> out = m_watcher.result();
    const bool ok = out && out->error.isEmpty() && (out->result || out->optimisation || out->walkForward || out->monteCarlo);
    if (!ok) {
        m_lastError = out && !out->error.isEmpty() ? out->error : tr("The job ended without a result.");
        setRunning(false);
        m_status->setText(m_lastError);
        m_status->setToolTip(m_lastError);
        m_progress->setValue(0);
        m_eta->clear();
        Q_EMIT runFinished(false, false);
        return;
    }
    m_lastError.clear();
    m_eta->clear();
    bool cancelled = false;
    switch (out->job) {
    case Job::Run:
        showRun(*out);
        m_result = std::move(out->result);
        m_resultBars = out->bars;
        m_resultRequest = out->request;
        cancelled = m_result->cancelled;
        // A new run's trades: an older Monte Carlo no longer describes them.
        m_monteCarlo.reset();
        break;
    case Job::Optimise:
        showOptimisation(*out);
        m_optimisation = std::move(out->optimisation);
        m_optimisationRequest = out->request;
        cancelled = m_optimisation->cancelled;
        break;
    case Job::WalkForward:
        showWalkForward(*out);
        m_walkForward = std::move(out->walkForward);
        cancelled = m_walkForward->cancelled;
        break;
    case Job::MonteCarlo:
        showMonteCarlo(*out);
        m_monteCarlo = std::move(out->monteCarlo);
        break;
    }
    if (!cancelled) m_progress->setValue(1000);
    setRunning(false);
    m_status->setToolTip(m_status->text());
    Q_EMIT runFinished(true, cancelled);
}

// ---------------------------------------------------------------------------------------------
// Results

void BacktestWidget::showRun(const Outcome& out) {
    const backtest::BacktestResult& r = *out.result;
    const double secs = static_cast<double>(m_clock.elapsed()) / 1000.0;
    if (r.cancelled) {
        m_status->setText(tr("%1: cancelled after %2 of %3 bars; the figures cover those bars only.")
                              .arg(m_runLabel, QLocale().toString(r.barsProcessed), QLocale().toString(r.barsTotal)));
    } else {
        m_status->setText(
            tr("%1: %2 in %3 s. %4.")
                .arg(m_runLabel, out.label, QLocale().toString(secs, 'f', 1), QString::fromStdString(r.strategyName)));
    }
    fillSummary(m_metrics, r);
    fillMonthly(m_monthly, r.metrics);
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
    const QWidget* current = m_tabs->currentWidget();
    if (current != m_metrics && current != m_chart && current != m_tradesView && current != m_monthly)
        m_tabs->setCurrentWidget(m_metrics);
}

void BacktestWidget::showOptimisation(const Outcome& out) {
    const backtest::OptimizerResult& r = *out.optimisation;
    m_trials->setResult(r.axisNames, out.request->search.objective, r.trials);
    m_trialsView->resizeColumnsToContents();
    {
        const QSignalBlocker bx(m_heatX);
        const QSignalBlocker by(m_heatY);
        m_heatX->clear();
        m_heatY->clear();
        for (const std::string& n : r.axisNames) {
            m_heatX->addItem(QString::fromStdString(n));
            m_heatY->addItem(QString::fromStdString(n));
        }
        m_heatX->setCurrentIndex(0);
        m_heatY->setCurrentIndex(r.axisNames.size() > 1 ? 1 : 0);
    }
    m_tabs->setCurrentIndex(m_tabs->indexOf(m_trialsView->parentWidget()));
    const double secs = static_cast<double>(m_clock.elapsed()) / 1000.0;
    QString best = tr("none");
    if (!r.trials.empty()) {
        QStringList params;
        for (const auto& [k, v] : r.trials.front().params)
            params << QStringLiteral("%1=%2").arg(QString::fromStdString(k)).arg(v);
        best = tr("%1 (%2 %3)")
                   .arg(params.join(QLatin1Char(' ')), QString::fromStdString(out.request->search.objective),
                        QLocale().toString(r.trials.front().score, 'f', 3));
    }
    m_status->setText(tr("%1: %2 of %3 combinations in %4 s%5. Best: %6. Click a heatmap cell or double-click a row to run it.")
                          .arg(m_runLabel)
                          .arg(r.trials.size())
                          .arg(r.combinations)
                          .arg(QLocale().toString(secs, 'f', 1), r.cancelled ? tr(" (cancelled)") : QString(), best));
    // the heatmap needs the axes, which the request holds
    m_optimisationRequest = out.request;
    const std::vector<backtest::Trial>& trials = m_trials->trials();
    const backtest::Objective* objective = backtest::findObjective(out.request->search.objective);
    fillHeatmap(m_heatmap, out.request->search.axes, trials, 0, r.axisNames.size() > 1 ? 1 : 0, objective && objective->minimise);
}

void BacktestWidget::refreshHeatmap() {
    if (!m_optimisationRequest) return;
    const backtest::Objective* objective = backtest::findObjective(m_optimisationRequest->search.objective);
    fillHeatmap(m_heatmap, m_optimisationRequest->search.axes, m_trials->trials(),
                static_cast<std::size_t>(m_heatX->currentIndex()), static_cast<std::size_t>(m_heatY->currentIndex()),
                objective && objective->minimise);
}

bool BacktestWidget::runHeatmapCell(int row, int column) {
    const QTableWidgetItem* item = m_heatmap->item(row, column);
    if (!item) return false;
    const int index = item->data(Qt::UserRole).toInt();
    if (index < 0 || index >= m_trials->rowCount()) return false;
    for (const auto& [k, v] : m_trials->at(index).params) m_form->setValue(QString::fromStdString(k), v);
    run();
    return true;
}

void BacktestWidget::showWalkForward(const Outcome& out) {
    const backtest::WalkForwardResult& r = *out.walkForward;
    std::vector<std::string> names;
    for (const auto& a : out.request->search.axes) names.push_back(a.name);
    fillWalkForward(m_wfTable, r, names);
    std::vector<std::int64_t> times;
    std::vector<double> equity;
    for (const auto& p : r.equity) {
        times.push_back(p.timeMs);
        equity.push_back(p.equity.toDouble());
    }
    m_wfChart->setCurves(times, equity, {});
    m_wfSummary->setText(
        tr("%n window(s) · out-of-sample return %1 · %2 trades · efficiency %3", nullptr, static_cast<int>(r.windows.size()))
            .arg(signedPercent(r.outMetrics.totalReturnPct))
            .arg(r.outMetrics.trades)
            .arg(std::isnan(r.efficiency) ? tr("undefined (in-sample CAGR not above 0)")
                                          : QLocale().toString(r.efficiency, 'f', 2)));
    m_tabs->setCurrentIndex(m_tabs->indexOf(m_wfTable->parentWidget()->parentWidget()));
    m_status->setText(tr("%1: walk-forward done%2.").arg(m_runLabel, r.cancelled ? tr(" (cancelled)") : QString()));
}

void BacktestWidget::showMonteCarlo(const Outcome& out) {
    const backtest::MonteCarloResult& r = *out.monteCarlo;
    const double capital = m_result ? m_result->metrics.initialCapital.toDouble() : 0;
    plotMonteCarlo(m_mcPlot, r, capital);
    m_mcSummary->setText(
        tr("<b>%1 runs</b> (%2) over %3 trades<br>Final return: 5 %: %4 · median: %5 · 95 %: %6<br>"
           "Max drawdown: median %7 · 95 %: %8<br>Probability of ruin (drawdown ≥ %9 %): %10<br>"
           "This order: return %11, drawdown %12")
            .arg(r.runs)
            .arg(QString::fromStdString(backtest::toString(r.method)))
            .arg(r.trades)
            .arg(signedPercent(r.finalReturnPct.p5), signedPercent(r.finalReturnPct.p50), signedPercent(r.finalReturnPct.p95))
            .arg(QLocale().toString(r.maxDrawdownPct.p50, 'f', 1) + QStringLiteral(" %"),
                 QLocale().toString(r.maxDrawdownPct.p95, 'f', 1) + QStringLiteral(" %"))
            .arg(QLocale().toString(out.request->monteCarlo.ruinDrawdownPct, 'f', 0))
            .arg(QLocale().toString(r.ruinProbability * 100, 'f', 1) + QStringLiteral(" %"))
            .arg(signedPercent(r.originalFinalReturnPct),
                 QLocale().toString(r.originalMaxDrawdownPct, 'f', 1) + QStringLiteral(" %")));
    m_tabs->setCurrentIndex(m_tabs->indexOf(m_mcPlot->parentWidget()));
    m_status->setText(tr("Monte Carlo: %1 runs of %2 trades.").arg(r.runs).arg(r.trades));
}

void BacktestWidget::activateTrade(int row) {
    if (row < 0 || row >= m_trades->rowCount() || !m_resultRequest) return;
    const backtest::TradeRecord& t = m_trades->at(row);
    BacktestTradeMark mark;
    mark.id = m_resultRequest->id;
    mark.tf = m_resultRequest->tf;
    mark.entryMs = t.entryTimeMs;
    mark.exitMs = t.exitTimeMs;
    mark.entryPrice = t.entryPrice.toDouble();
    mark.exitPrice = t.exitPrice.toDouble();
    mark.isLong = t.side == backtest::PositionSide::Long;
    mark.isWin = t.netPnl.toDouble() > 0;
    Q_EMIT tradeActivated(mark);
}

void BacktestWidget::requestPaperTrade() {
    if (!m_result || !m_resultRequest) return;
    const BacktestStrategyChoice& s = m_resultRequest->strategy;
    QVariantMap params;
    if (s.isFormula) {
        params.insert(QStringLiteral("entry"), QString::fromStdString(s.formula.entry));
        params.insert(QStringLiteral("exit"), QString::fromStdString(s.formula.exit));
        params.insert(QStringLiteral("stop"), QString::fromStdString(s.formula.stop));
        params.insert(QStringLiteral("target"), QString::fromStdString(s.formula.target));
        params.insert(QStringLiteral("short"), s.formula.shortEntries);
    } else {
        for (const auto& [k, v] : s.params) params.insert(QString::fromStdString(k), v);
    }
    // A formula strategy goes out as "formula" with its formulas in `params` (what a bot stores).
    Q_EMIT paperTradeRequested(s.isFormula ? QStringLiteral("formula") : s.name, params,
                               QString::fromStdString(m_resultRequest->id.toString()),
                               QString::fromStdString(toString(m_resultRequest->tf)));
}

// ---------------------------------------------------------------------------------------------
// Export

Status BacktestWidget::exportHtml(const QString& path) const {
    if (!m_result || !m_resultRequest) return makeError(tr("Run a backtest first.").toStdString());
    const BacktestRequest& q = *m_resultRequest;
    backtest::ReportInput in;
    in.result = m_result.get();
    in.instrument = q.id.toString();
    in.timeframe = toString(q.tf);
    in.title = q.strategy.name.toStdString() + " on " + in.instrument + " " + in.timeframe;
    QStringList params;
    for (const auto& [k, v] : q.strategy.params) params << QStringLiteral("%1=%2").arg(QString::fromStdString(k)).arg(v);
    if (q.strategy.isFormula) {
        in.settings.emplace_back("entry", q.strategy.formula.entry);
        if (!q.strategy.formula.exit.empty()) in.settings.emplace_back("exit", q.strategy.formula.exit);
        if (!q.strategy.formula.stop.empty()) in.settings.emplace_back("stop", q.strategy.formula.stop);
        if (!q.strategy.formula.target.empty()) in.settings.emplace_back("target", q.strategy.formula.target);
    } else {
        in.settings.emplace_back("parameters", params.join(QLatin1Char(' ')).toStdString());
    }
    in.settings.emplace_back("initial capital", q.settings.initialCapital.toTrimmedString());
    in.settings.emplace_back("fees", q.settings.rules.fees.takerBps.toTrimmedString() + " bp a side");
    in.settings.emplace_back("slippage", q.settings.rules.slippageBps.toTrimmedString() + " bp");
    in.settings.emplace_back("sizing", backtest::describe(q.strategy.sizing));
    in.settings.emplace_back("fills", q.settings.fillAt == backtest::FillAt::ThisClose ? "this bar's close" : "next bar's open");
    in.settings.emplace_back("at end", q.settings.atEnd == backtest::AtEnd::Keep ? "keep" : "close");
    if (m_resultBars) in.bars = *m_resultBars;
    if (m_optimisation && m_optimisationRequest && m_optimisationRequest->search.axes.size() >= 2) {
        const auto& axes = m_optimisationRequest->search.axes;
        const auto x = static_cast<std::size_t>(std::max(0, m_heatX->currentIndex()));
        const auto y = static_cast<std::size_t>(std::max(0, m_heatY->currentIndex()));
        if (x != y && x < axes.size() && y < axes.size()) {
            backtest::ReportHeatmap h;
            h.xParam = axes[x].name;
            h.yParam = axes[y].name;
            h.metric = m_optimisationRequest->search.objective;
            h.xValues = axes[x].values;
            h.yValues = axes[y].values;
            h.values.assign(h.xValues.size() * h.yValues.size(), std::numeric_limits<double>::quiet_NaN());
            std::vector<bool> seen(h.values.size(), false);
            for (const backtest::Trial& t : m_trials->trials()) {  // ranked: the first per cell is its best
                const std::size_t k = t.choice[y] * h.xValues.size() + t.choice[x];
                if (!seen[k]) h.values[k] = t.score;
                seen[k] = true;
            }
            const backtest::Objective* o = backtest::findObjective(h.metric);
            h.higherIsBetter = !(o && o->minimise);
            in.heatmap = std::move(h);
        }
    }
    if (m_walkForward) {
        backtest::ReportWalkForward w;
        w.objective = m_optimisationRequest ? m_optimisationRequest->search.objective : std::string("sharpe");
        w.stitchedEquity = m_walkForward->equity;
        w.efficiency = m_walkForward->efficiency;
        for (const auto& win : m_walkForward->windows) {
            backtest::ReportWalkForwardWindow rw;
            rw.inSampleStartMs = win.range.inStartMs;
            rw.inSampleEndMs = win.range.inEndMs;
            rw.outOfSampleStartMs = win.range.outStartMs;
            rw.outOfSampleEndMs = win.range.outEndMs;
            for (const auto& [k, v] : win.chosen)
                rw.parameters += (rw.parameters.empty() ? "" : " ") + k + "=" + QString::number(v).toStdString();
            rw.inSampleObjective = win.inScore;
            rw.outOfSampleObjective = win.outScore;
            rw.outOfSampleReturnPct = win.out ? win.out->metrics.totalReturnPct : 0;
            rw.outOfSampleTrades = win.out ? win.out->metrics.trades : 0;
            w.windows.push_back(std::move(rw));
        }
        in.walkForward = std::move(w);
    }
    if (m_monteCarlo) {
        backtest::ReportMonteCarlo mc;
        mc.method = backtest::toString(m_monteCarlo->method);
        mc.runs = m_monteCarlo->runs;
        for (const auto& b : m_monteCarlo->bands) {
            mc.p5.push_back(b.p5);
            mc.p50.push_back(b.p50);
            mc.p95.push_back(b.p95);
        }
        mc.maxDrawdownPctP50 = m_monteCarlo->maxDrawdownPct.p50;
        mc.maxDrawdownPctP95 = m_monteCarlo->maxDrawdownPct.p95;
        mc.finalReturnPctP5 = m_monteCarlo->finalReturnPct.p5;
        mc.finalReturnPctP50 = m_monteCarlo->finalReturnPct.p50;
        mc.finalReturnPctP95 = m_monteCarlo->finalReturnPct.p95;
        mc.probabilityOfRuin = m_monteCarlo->ruinProbability;
        in.monteCarlo = std::move(mc);
    }
    auto html = backtest::renderReport(in);
    if (!html) return html.error();
    return writeText(path, *html);
}

Status BacktestWidget::exportTradesCsv(const QString& path) const {
    if (!m_result) return makeError(tr("Run a backtest first.").toStdString());
    return writeText(path, backtest::tradesCsv(m_result->trades));
}

Status BacktestWidget::exportOptimisationCsv(const QString& path) const {
    if (!m_optimisation) return makeError(tr("Optimise first.").toStdString());
    return writeText(path, trialsCsv(*m_trials));
}

void BacktestWidget::exportWithDialog(int what) {
    const QString filter = what == 0 ? tr("HTML (*.html)") : tr("CSV (*.csv)");
    const QString suggested = what == 0 ? QStringLiteral("backtest.html")
                                        : (what == 1 ? QStringLiteral("trades.csv") : QStringLiteral("optimisation.csv"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export"), suggested, filter);
    if (path.isEmpty()) return;
    const Status st = what == 0 ? exportHtml(path) : (what == 1 ? exportTradesCsv(path) : exportOptimisationCsv(path));
    m_status->setText(st ? tr("Saved %1.").arg(QDir::toNativeSeparators(path))
                         : tr("Export failed: %1").arg(QString::fromStdString(st.message())));
}

}  // namespace kairos::ui
