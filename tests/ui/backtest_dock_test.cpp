// Qt Test, offscreen: the Backtest dock. The watchlist's "Backtest…" on a bundled symbol opens the
// dock and runs the signal strategy over the bars the session stored; the metrics table shows
// what the core engine computes directly on the same real bars. A built-in picked in the strategy
// picker with parameters from the form gives the core's result; a small grid optimisation gives the
// core optimizer's best row and a heatmap cell runs its combination; walk-forward and Monte Carlo
// give the core's figures; Cancel stops a run and an optimisation early; the Run button is visible
// without scrolling in the default bottom dock; "Paper trade this" emits the chosen parameters; a
// double-clicked trade is framed on the chart with its markers; a bad form is refused with a
// message. With KAIROS_BACKTEST_SCREENSHOT=<file.png> the dock is saved as a picture.
#include "backtestwidget.h"
#include "equitychart.h"
#include "mainwindow.h"
#include "terminalsession.h"
#include "watchlistwidget.h"

#include "backtesttradelink.h"
#include "chartpane.h"
#include "chartseries.h"
#include "chartworkspace.h"

#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/formulastrategy.h"
#include "backtest/montecarlo.h"
#include "backtest/optimizer.h"
#include "backtest/signalstrategy.h"
#include "backtest/walkforward.h"
#include "marketdata/csvimport.h"
#include "trading/instrumentdefaults.h"
#include "testdata.h"

#include <QAbstractItemModelTester>
#include <qcustomplot.h>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QScrollArea>
#include <QGuiApplication>
#include <QTableView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace kairos;
using namespace kairos::ui;

namespace {

/// The metrics table's value cell for `key` ("net_profit", "trades"), exact text (Qt::UserRole).
QString metric(QTableWidget* t, const QString& key) {
    for (int r = 0; r < t->rowCount(); ++r)
        if (t->item(r, 0)->data(Qt::UserRole + 1).toString() == key) return t->item(r, 1)->data(Qt::UserRole).toString();
    return QStringLiteral("<no row %1>").arg(key);
}

const InstrumentId kEth{"BINANCE", "ETHUSDT"};

std::vector<Bar> ethBars() {
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    return csv.ok() ? csv->bars : std::vector<Bar>{};
}

/// What the dock uses for ETHUSDT by default: the bundled venue rules, 10,000 of capital, 10 bp.
backtest::BacktestSettings ethSettings() {
    backtest::BacktestSettings s;
    s.instrument = *trading::bundledInstrumentRules(kEth);
    s.initialCapital = *Money::parse("10000");
    s.timeframe = Timeframe::H1;
    return s;
}

/// sma_cross as the CLI makes it: the combination's values, the others at their defaults.
backtest::StrategyFactory smaCrossFactory() {
    return [](const backtest::ParamValues& v) { return backtest::makeBuiltin("sma_cross", v, backtest::OrderSizing{}); };
}
backtest::ParamCheck smaCrossCheck() {
    return [](const backtest::ParamValues& v) -> Status {
        std::vector<std::pair<std::string, std::string>> given;
        for (const auto& [k, x] : v) given.emplace_back(k, std::to_string(static_cast<long long>(x)));
        if (auto r = backtest::resolveParams(*backtest::findBuiltin("sma_cross"), given); !r) return r.error();
        return {};
    };
}
backtest::OptimizerSpec smaCrossGrid(const char* fast, const char* slow) {
    backtest::OptimizerSpec spec;
    spec.axes.push_back(*backtest::parseParamAxis(fast, backtest::findBuiltin("sma_cross")));
    spec.axes.push_back(*backtest::parseParamAxis(slow, backtest::findBuiltin("sma_cross")));
    spec.threads = 1;
    return spec;
}

QPushButton* button(BacktestWidget* bt, const char* name) { return bt->findChild<QPushButton*>(QString::fromLatin1(name)); }

/// Waits for the next runFinished of `bt` and says whether it was a success.
bool finishes(BacktestWidget* bt, const std::function<void()>& start, bool* cancelled = nullptr) {
    QSignalSpy finished(bt, &BacktestWidget::runFinished);
    start();
    if (finished.count() == 0 && !finished.wait(240000)) return false;
    if (cancelled) *cancelled = finished.first().at(1).toBool();
    return finished.first().at(0).toBool();
}

struct Terminal {
    QTemporaryDir profile;
    std::unique_ptr<TerminalSession> session;
    std::unique_ptr<MainWindow> window;

    bool start() {
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        session = std::make_unique<TerminalSession>(o);
        window = std::make_unique<MainWindow>(*session);
        QSignalSpy loaded(session.get(), &TerminalSession::loaded);
        session->load();
        return loaded.wait(120000);
    }
};

}  // namespace

class BacktestDockTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void watchlistBacktestRunsOnStoredBarsAndShowsTheEngineFigures() {
        Terminal t;
        QVERIFY(t.start());
        MainWindow& w = *t.window;
        w.resize(1500, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        BacktestWidget* bt = w.backtest();
        QVERIFY(bt);
        QDockWidget* dock = w.dock(QStringLiteral("BacktestDock"));
        QCOMPARE(dock->widget(), bt);
        QAbstractItemModelTester tester(bt->tradesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);

        // WHEN the watchlist asks for a backtest of a bundled symbol
        const InstrumentId eth{"BINANCE", "ETHUSDT"};
        QSignalSpy finished(bt, &BacktestWidget::runFinished);
        Q_EMIT w.watchlist()->backtestRequested(eth);
        QVERIFY(dock->isVisible());
        QVERIFY(bt->isRunning() || finished.count() == 1);
        // THEN the run finishes without blocking the GUI thread
        QVERIFY(finished.count() == 1 || finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QCOMPARE(finished.first().at(1).toBool(), false);

        // and shows what the core engine computes on the same real bars with the same settings
        auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
        QVERIFY(csv.ok());
        backtest::BacktestSettings s;
        s.instrument = *trading::bundledInstrumentRules(eth);  // the dock uses the same rules as paper trading
        s.initialCapital = *Money::parse("10000");
        backtest::SignalStrategy strategy;
        auto direct = backtest::BacktestEngine(s).run(strategy, csv->bars);
        QVERIFY(direct.ok());
        QVERIFY(direct->metrics.trades > 0);
        QTableWidget* table = bt->metricsTable();
        QCOMPARE(metric(table, QStringLiteral("trades")), QString::number(direct->metrics.trades));
        QCOMPARE(metric(table, QStringLiteral("net_profit")),
                 QString::fromStdString(direct->metrics.netProfit.toTrimmedString()));
        QCOMPARE(metric(table, QStringLiteral("total_fees")),
                 QString::fromStdString(direct->metrics.totalFees.toTrimmedString()));
        QCOMPARE(bt->tradesModel()->rowCount(), direct->metrics.trades);
        QCOMPARE(bt->equityChart()->pointCount(), static_cast<int>(csv->bars.size()));
        QCOMPARE(bt->progressBar()->value(), bt->progressBar()->maximum());
        QVERIFY(bt->findChild<QLabel*>(QStringLiteral("BacktestStatus"))
                    ->text()
                    .contains(QStringLiteral("lot 0.0001 (venue rules)")));
        for (const auto& trade : bt->lastResult()->trades) QVERIFY(s.instrument.checkQuantity(trade.quantity).ok());

        // Ctrl+C copies exact values, not the rounded, localised display text
        table->selectAll();
        table->setFocus();
        QTest::keySequence(table, QKeySequence::Copy);
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY2(
            copied.contains(QStringLiteral("net_profit\t") + QString::fromStdString(direct->metrics.netProfit.toTrimmedString())),
            qPrintable(copied));
        QVERIFY(copied.contains(QStringLiteral("trades\t%1").arg(direct->metrics.trades)));
        QTableView* trades = bt->findChild<QTableView*>(QStringLiteral("BacktestTrades"));
        trades->selectRow(0);
        const QStringList tradeLines = bt->selectedAsText(trades).split(QLatin1Char('\n'));
        QCOMPARE(tradeLines.size(), 2);
        QVERIFY(tradeLines[1].startsWith(QString::fromStdString(formatUtc(direct->trades[0].entryTimeMs)) + QLatin1Char('\t')));
        QVERIFY(tradeLines[1].contains(QLatin1Char('\t') + QString::fromStdString(direct->trades[0].netPnl.toTrimmedString()) +
                                       QLatin1Char('\t')));

        const QString shot = qEnvironmentVariable("KAIROS_BACKTEST_SCREENSHOT");
        if (!shot.isEmpty()) {
            QVERIFY(dock->grab().save(shot));
            QVERIFY(w.grab().save(QString(shot).replace(QStringLiteral(".png"), QStringLiteral("-window.png"))));
        }
    }

    void aBuiltinPickedWithParametersRunsLikeTheCore() {
        Terminal t;
        QVERIFY(t.start());
        MainWindow& w = *t.window;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        BacktestWidget* bt = w.backtest();
        QVERIFY(bt->strategyNames().contains(QStringLiteral("rsi_reversion")));
        QVERIFY(!button(bt, "BacktestPaperTrade")->isEnabled());
        // GIVEN sma_cross picked in the dock with fast 8 and slow 21, on ETHUSDT 1h
        QVERIFY(bt->setStrategy(QStringLiteral("sma_cross")));
        QVERIFY(bt->paramForm()->setValue(QStringLiteral("fast"), 8));
        QVERIFY(bt->paramForm()->setValue(QStringLiteral("slow"), 21));
        bt->setInstrument(kEth);
        bt->setTimeframe(Timeframe::H1);
        // WHEN Run is pressed
        QVERIFY(finishes(bt, [bt] { button(bt, "BacktestRun")->click(); }));
        // THEN the summary and the trades are the core engine's for the same inputs
        const std::vector<Bar> bars = ethBars();
        QVERIFY(!bars.empty());
        auto strategy = backtest::makeBuiltin("sma_cross", {{"fast", 8}, {"slow", 21}}, backtest::OrderSizing{});
        QVERIFY(strategy.ok());
        auto direct = backtest::BacktestEngine(ethSettings()).run(**strategy, bars);
        QVERIFY(direct.ok());
        QVERIFY(direct->trades.size() > 2);
        QTableWidget* table = bt->metricsTable();
        QCOMPARE(metric(table, QStringLiteral("strategy")), QString::fromStdString(direct->strategyName));
        QCOMPARE(metric(table, QStringLiteral("trades")), QString::number(direct->metrics.trades));
        QCOMPARE(metric(table, QStringLiteral("net_profit")),
                 QString::fromStdString(direct->metrics.netProfit.toTrimmedString()));
        QCOMPARE(metric(table, QStringLiteral("sharpe")), QString::number(direct->metrics.sharpe, 'g', 17));
        QCOMPARE(metric(table, QStringLiteral("max_drawdown_pct")), QString::number(direct->metrics.maxDrawdownPct, 'g', 17));
        QCOMPARE(metric(table, QStringLiteral("final_cash")), QString::fromStdString(direct->finalCash.toTrimmedString()));
        QCOMPARE(bt->tradesModel()->rowCount(), static_cast<int>(direct->trades.size()));
        for (int i = 0; i < bt->tradesModel()->rowCount(); ++i) {
            const auto& d = direct->trades[static_cast<std::size_t>(i)];
            QCOMPARE(bt->tradesModel()->index(i, BacktestTradesModel::EntryTime).data(Qt::UserRole).toString(),
                     QString::fromStdString(formatUtc(d.entryTimeMs)));
            QCOMPARE(bt->tradesModel()->index(i, BacktestTradesModel::NetPnl).data(Qt::UserRole).toString(),
                     QString::fromStdString(d.netPnl.toTrimmedString()));
        }

        // "Paper trade this" is enabled and emits the chosen strategy, parameters and series
        QPushButton* paper = button(bt, "BacktestPaperTrade");
        QVERIFY(paper->isEnabled());
        QSignalSpy paperSpy(bt, &BacktestWidget::paperTradeRequested);
        paper->click();
        QCOMPARE(paperSpy.count(), 1);
        QCOMPARE(paperSpy.first().at(0).toString(), QStringLiteral("sma_cross"));
        const QVariantMap params = paperSpy.first().at(1).toMap();
        QCOMPARE(params.value(QStringLiteral("fast")).toDouble(), 8.0);
        QCOMPARE(params.value(QStringLiteral("slow")).toDouble(), 21.0);
        QCOMPARE(params.value(QStringLiteral("short")).toDouble(), 0.0);
        QCOMPARE(paperSpy.first().at(2).toString(), QStringLiteral("BINANCE:ETHUSDT"));
        QCOMPARE(paperSpy.first().at(3).toString(), QStringLiteral("1h"));

        // Export: the HTML report and the trades as CSV (the CLI's columns, exact values)
        QTemporaryDir out;
        QVERIFY(bt->exportHtml(out.filePath(QStringLiteral("report.html"))).ok());
        QFile html(out.filePath(QStringLiteral("report.html")));
        QVERIFY(html.open(QIODevice::ReadOnly));
        const QByteArray page = html.readAll();
        QVERIFY(page.contains("sma_cross on BINANCE:ETHUSDT 1h"));
        QVERIFY(page.contains("<svg"));
        QVERIFY(bt->exportTradesCsv(out.filePath(QStringLiteral("trades.csv"))).ok());
        QFile csv(out.filePath(QStringLiteral("trades.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), static_cast<int>(direct->trades.size()) + 1);
        QVERIFY(lines[0].startsWith("entry_time,entry_price,exit_time,exit_price,side,quantity"));
        QVERIFY(lines[1].startsWith(QByteArray::fromStdString(formatUtc(direct->trades[0].entryTimeMs) + "," +
                                                              direct->trades[0].entryPrice.toTrimmedString() + ",")));

        // Monte Carlo over the run's trades gives the core's percentiles for the same seed
        QVERIFY(finishes(bt, [bt] { button(bt, "BacktestMonteCarlo")->click(); }));
        std::vector<Money> pnl;
        for (const auto& d : direct->trades) pnl.push_back(d.netPnl);
        backtest::MonteCarloSettings mcs;  // the dock's defaults: shuffle, 1000 runs, seed 1, ruin at 50 %
        auto mc = backtest::runMonteCarlo(pnl, *Money::parse("10000"), mcs);
        QVERIFY(mc.ok());
        QVERIFY(bt->lastMonteCarlo());
        QCOMPARE(bt->lastMonteCarlo()->maxDrawdownPct.p95, mc->maxDrawdownPct.p95);
        QCOMPARE(bt->lastMonteCarlo()->finalReturnPct.p50, mc->finalReturnPct.p50);
        QCOMPARE(bt->lastMonteCarlo()->bands.size(), mc->bands.size());

        // A formula strategy typed in the dock runs like the core's, and can be saved by name
        QVERIFY(bt->setStrategy(QString()));  // "New formula strategy…"
        QVERIFY(bt->paramForm()->isFormula());
        QVERIFY(!button(bt, "BacktestOptimise")->isEnabled());
        const QString entry = QStringLiteral("crossover(ema(close,9), ema(close,21)) and rsi(close,14) < 70");
        const QString exit = QStringLiteral("crossunder(ema(close,9), ema(close,21))");
        bt->paramForm()->setFormulaText(entry, exit, QStringLiteral("close - 2*atr(14)"), QString());
        bt->paramForm()->setFormulaName(QStringLiteral("ema 9/21"));
        QVERIFY(finishes(bt, [bt] { bt->run(); }));
        backtest::FormulaStrategySettings fs;
        fs.entry = entry.toStdString();
        fs.exit = exit.toStdString();
        fs.stop = "close - 2*atr(14)";
        auto formula = backtest::FormulaStrategy::create(fs);
        QVERIFY(formula.ok());
        auto byFormula = backtest::BacktestEngine(ethSettings()).run(**formula, bars);
        QVERIFY(byFormula.ok());
        QVERIFY(byFormula->metrics.trades > 0);
        QCOMPARE(metric(table, QStringLiteral("trades")), QString::number(byFormula->metrics.trades));
        QCOMPARE(metric(table, QStringLiteral("net_profit")),
                 QString::fromStdString(byFormula->metrics.netProfit.toTrimmedString()));
        button(bt, "BacktestFormulaSave")->click();
        QVERIFY(bt->strategyNames().contains(QStringLiteral("ema 9/21")));
        QCOMPARE(bt->strategyName(), QStringLiteral("ema 9/21"));
        // a second dock on the same profile offers it too
        BacktestWidget again(t.session->databasePath());
        QVERIFY(again.setStrategy(QStringLiteral("ema 9/21")));
        QCOMPARE(again.paramForm()->formula().settings.entry, entry.toStdString());

        // A double-clicked trade is framed on the chart with its entry and exit markers: BTCUSDT's first trade, in
        // 2020, years before the replay's start (the chart pages its history back to it)
        QVERIFY(bt->setStrategy(QStringLiteral("sma_cross")));
        bt->setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
        QVERIFY(finishes(bt, [bt] { bt->run(); }));
        QVERIFY(bt->lastResult() && !bt->lastResult()->trades.empty());
        const backtest::TradeRecord trade = bt->lastResult()->trades.front();
        auto* tradesView = bt->findChild<QTableView*>(QStringLiteral("BacktestTrades"));
        bt->resultTabs()->setCurrentWidget(tradesView);
        QDockWidget* dock = w.dock(QStringLiteral("BacktestDock"));
        dock->show();
        dock->raise();
        QTRY_VERIFY(tradesView->isVisible());
        const QModelIndex first = tradesView->model()->index(0, 0);
        QSignalSpy activated(bt, &BacktestWidget::tradeActivated);
        // a double-click as a user makes it: press and release, then the second press
        QTest::mouseClick(tradesView->viewport(), Qt::LeftButton, {}, tradesView->visualRect(first).center());
        QTest::mouseDClick(tradesView->viewport(), Qt::LeftButton, {}, tradesView->visualRect(first).center());
        QCOMPARE(activated.count(), 1);
        charts::CandleChart* chart = w.chart();
        auto framed = [&] {
            const BacktestTradeMarkers* m = BacktestTradeMarkers::of(chart);
            if (!m || !m->isShowing() || m->mark().entryMs != trade.entryTimeMs || chart->series().empty()) return false;
            const double at = chart->series().indexOfTime(trade.entryTimeMs, Timeframe::H1);
            return chart->series().time().front() <= trade.entryTimeMs && chart->visibleLeft() <= at &&
                at <= chart->visibleRight();
        };
        auto state = [&] {
            const BacktestTradeMarkers* m = BacktestTradeMarkers::of(chart);
            return QStringLiteral("markers %1, showing %2, chart %3, %4 bars from %5, view %6..%7, trade at %8")
                .arg(m != nullptr)
                .arg(m && m->isShowing())
                .arg(QString::fromStdString(chart->instrument().toString()))
                .arg(chart->series().size())
                .arg(chart->series().empty() ? QString() : QString::fromStdString(formatUtc(chart->series().time().front())))
                .arg(chart->visibleLeft())
                .arg(chart->visibleRight())
                .arg(QString::fromStdString(formatUtc(trade.entryTimeMs)));
        };
        QTRY_VERIFY2_WITH_TIMEOUT(framed(), qPrintable(state()), 120000);
        QCOMPARE(chart->instrument(), (InstrumentId{"BINANCE", "BTCUSDT"}));
        QCOMPARE(BacktestTradeMarkers::of(chart)->mark().exitPrice, trade.exitPrice.toDouble());
        QCOMPARE(BacktestTradeMarkers::of(chart)->mark().isLong, true);
    }

    void optimisationShowsTheCoresBestRowAndAHeatmapCellRunsIt() {
        Terminal t;
        QVERIFY(t.start());
        MainWindow& w = *t.window;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QDockWidget* dock = w.dock(QStringLiteral("BacktestDock"));
        dock->show();
        dock->raise();
        BacktestWidget* bt = w.backtest();
        QAbstractItemModelTester tester(bt->trialsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        // GIVEN sma_cross on ETHUSDT 1h with ranges on fast and slow
        QVERIFY(bt->setStrategy(QStringLiteral("sma_cross")));
        bt->setInstrument(kEth);
        QVERIFY(bt->paramForm()->setRange(QStringLiteral("fast"), QStringLiteral("5:15:5")));
        QVERIFY(bt->paramForm()->setRange(QStringLiteral("slow"), QStringLiteral("20:40:10")));
        // WHEN Optimise is pressed
        QVERIFY(finishes(bt, [bt] { button(bt, "BacktestOptimise")->click(); }));
        // THEN the table is the core optimizer's ranking (objective sharpe), best first
        const std::vector<Bar> bars = ethBars();
        backtest::Optimizer optimizer(ethSettings(), smaCrossFactory(), smaCrossCheck());
        auto core = optimizer.run(smaCrossGrid("fast=5:15:5", "slow=20:40:10"), bars);
        QVERIFY(core.ok());
        QCOMPARE(core->trials.size(), std::size_t{9});
        QCOMPARE(bt->trialsModel()->rowCount(), 9);
        QCOMPARE(bt->trialsModel()->at(0).params, core->trials.front().params);
        QCOMPARE(bt->trialsModel()->at(0).score, core->trials.front().score);
        QCOMPARE(bt->trialsModel()->index(0, 2).data(Qt::UserRole).toString(),
                 QString::number(core->trials.front().score, 'g', 17));
        for (int i = 0; i < 9; ++i)
            QCOMPARE(bt->trialsModel()->at(i).metrics.netProfit, core->trials[static_cast<std::size_t>(i)].metrics.netProfit);
        // and the heatmap has a cell per combination (fast across, slow down)
        QTableWidget* heat = bt->heatmap();
        QCOMPARE(heat->columnCount(), 3);
        QCOMPARE(heat->rowCount(), 3);
        QTRY_VERIFY(heat->isVisible());

        // WHEN the cell of the third-best combination is clicked
        const backtest::Trial& pick = core->trials[2];
        const int row = static_cast<int>(pick.choice[1]);
        const int col = static_cast<int>(pick.choice[0]);
        heat->scrollToItem(heat->item(row, col));
        QVERIFY(finishes(bt, [&] {
            QTest::mouseClick(heat->viewport(), Qt::LeftButton, {}, heat->visualItemRect(heat->item(row, col)).center());
        }));
        // THEN that combination ran, with the optimisation's figures, and the form holds it
        QVERIFY(bt->lastResult());
        QCOMPARE(bt->lastResult()->metrics.netProfit, pick.metrics.netProfit);
        QCOMPARE(bt->lastResult()->metrics.trades, pick.metrics.trades);
        auto values = bt->paramForm()->values();
        QVERIFY(values.ok());
        QCOMPARE(values->at("fast"), pick.params.at("fast"));
        QCOMPARE(values->at("slow"), pick.params.at("slow"));

        // Walk-forward over the same ranges gives the core's windows and choices
        bt->findChild<QLineEdit*>(QStringLiteral("BacktestInSample"))->setText(QStringLiteral("30d"));
        bt->findChild<QLineEdit*>(QStringLiteral("BacktestOutOfSample"))->setText(QStringLiteral("15d"));
        QVERIFY(finishes(bt, [bt] { button(bt, "BacktestWalkForward")->click(); }));
        backtest::WalkForwardSettings wf;
        wf.inSample = *backtest::parseSpan("30d");
        wf.outOfSample = *backtest::parseSpan("15d");
        // the dock's other parameters are the form's (fast/slow from the clicked cell; both optimised here)
        auto coreWf = backtest::runWalkForward(ethSettings(), smaCrossFactory(), smaCrossCheck(),
                                               smaCrossGrid("fast=5:15:5", "slow=20:40:10"), wf, bars);
        QVERIFY(coreWf.ok());
        const backtest::WalkForwardResult* mine = bt->lastWalkForward();
        QVERIFY(mine);
        QVERIFY(coreWf->windows.size() >= 3);
        QCOMPARE(mine->windows.size(), coreWf->windows.size());
        for (std::size_t i = 0; i < mine->windows.size(); ++i) QCOMPARE(mine->windows[i].chosen, coreWf->windows[i].chosen);
        QCOMPARE(mine->outMetrics.netProfit, coreWf->outMetrics.netProfit);
        QCOMPARE(bt->findChild<QTableWidget*>(QStringLiteral("BacktestWalkForwardWindows"))->rowCount(),
                 static_cast<int>(coreWf->windows.size()));

        // Cancel stops a long optimisation early, keeping the finished trials
        bt->setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
        QVERIFY(bt->paramForm()->setRange(QStringLiteral("fast"), QStringLiteral("2:60:1")));
        QVERIFY(bt->paramForm()->setRange(QStringLiteral("slow"), QStringLiteral("70:300:5")));
        QSignalSpy progressed(bt, &BacktestWidget::progressed);
        bool cancelled = false;
        QVERIFY(finishes(
            bt,
            [&] {
                button(bt, "BacktestOptimise")->click();
                QVERIFY(bt->isRunning());
                QVERIFY(progressed.wait(120000));
                button(bt, "BacktestCancel")->click();
            },
            &cancelled));
        QVERIFY(cancelled);
        QVERIFY(bt->lastOptimisation()->cancelled);
        QVERIFY(bt->lastOptimisation()->trials.size() < bt->lastOptimisation()->combinations);
        QVERIFY(button(bt, "BacktestRun")->isEnabled());
        QVERIFY(!button(bt, "BacktestCancel")->isEnabled());
    }

    void theRunButtonIsVisibleWithoutScrollingInTheDefaultDock() {
        Terminal t;
        QVERIFY(t.start());
        MainWindow& w = *t.window;  // the default layout: 1500 x 900, the bottom dock 200 px tall
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QDockWidget* dock = w.dock(QStringLiteral("BacktestDock"));
        dock->raise();
        BacktestWidget* bt = w.backtest();
        QPushButton* run = button(bt, "BacktestRun");
        QTRY_VERIFY(run->isVisible());
        qInfo("bottom dock %dx%d, Backtest content %dx%d", dock->width(), dock->height(), bt->width(), bt->height());
        auto actionsOnScreen = [&]() -> bool {
            for (const char* name : {"BacktestRun", "BacktestOptimise", "BacktestWalkForward", "BacktestMonteCarlo",
                                     "BacktestCancel", "BacktestPaperTrade"}) {
                QPushButton* b = button(bt, name);
                const QRect inDock(b->mapTo(dock, QPoint(0, 0)), b->size());
                if (!dock->rect().contains(inDock) || b->visibleRegion().boundingRect() != b->rect()) {
                    qWarning("%s is not wholly on screen in a %d px dock", name, dock->height());
                    return false;
                }
                for (QWidget* p = b; p; p = p->parentWidget())
                    if (qobject_cast<QScrollArea*>(p)) return false;  // never behind a scroll bar
            }
            return true;
        };
        QVERIFY(bt->height() <= dock->height());
        QVERIFY(actionsOnScreen());
        // the dock itself asks for no more than 200 px (the other bottom docks set the area's minimum)
        QVERIFY2(bt->minimumSizeHint().height() <= 200, qPrintable(QString::number(bt->minimumSizeHint().height())));
        // the strategy picker and the first parameter are on screen too
        QVERIFY(!bt->findChild<QComboBox*>(QStringLiteral("BacktestStrategy"))->visibleRegion().isEmpty());
        QVERIFY(bt->setStrategy(QStringLiteral("sma_cross")));
        QWidget* fast = bt->findChild<QWidget*>(QStringLiteral("BacktestParam_fast"));
        QTRY_VERIFY(fast && fast->isVisible());
        QVERIFY(!fast->visibleRegion().isEmpty());

        const QString shot = qEnvironmentVariable("KAIROS_BACKTEST_SCREENSHOT");
        if (!shot.isEmpty()) {
            bt->setInstrument(kEth);
            QVERIFY(finishes(bt, [bt] { bt->run(); }));
            QVERIFY(w.grab().save(QString(shot).replace(QStringLiteral(".png"), QStringLiteral("-default.png"))));
        }
    }

    void theVenuesRulesSizeTheTradesWhenKnown() {
        Terminal t;
        QVERIFY(t.start());
        BacktestWidget* bt = t.window->backtest();
        // GIVEN venue rules for ETHUSDT: tick 0.01, lot 0.1, minimum order value 50
        const InstrumentId eth{"BINANCE", "ETHUSDT"};
        Instrument rules;
        rules.id = eth;
        rules.tickSize = *Price::parse("0.01");
        rules.lotSize = *Quantity::parse("0.1");
        rules.minNotional = *Money::parse("50");
        rules.pricePrecision = 2;
        rules.quantityPrecision = 1;
        bt->setInstrumentLookup([rules](const InstrumentId& id) -> std::optional<Instrument> {
            if (id == rules.id) return rules;
            return std::nullopt;
        });
        // WHEN a backtest runs
        QSignalSpy finished(bt, &BacktestWidget::runFinished);
        bt->runFor(eth);
        QVERIFY(finished.count() == 1 || finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        // THEN every trade's size is a whole number of lots, as the core engine gives with those rules
        const backtest::BacktestResult* r = bt->lastResult();
        QVERIFY(r && !r->trades.empty());
        for (const auto& trade : r->trades) QVERIFY(rules.checkQuantity(trade.quantity).ok());
        auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
        QVERIFY(csv.ok());
        backtest::BacktestSettings s;
        s.instrument = rules;
        backtest::SignalStrategy strategy;
        auto direct = backtest::BacktestEngine(s).run(strategy, csv->bars);
        QVERIFY(direct.ok());
        QCOMPARE(r->metrics.trades, direct->metrics.trades);
        QCOMPARE(r->metrics.netProfit, direct->metrics.netProfit);
        QVERIFY(
            bt->findChild<QLabel*>(QStringLiteral("BacktestStatus"))->text().contains(QStringLiteral("lot 0.1 (venue rules)")));
    }

    void cancelStopsARunningBacktestWithAPartialResult() {
        Terminal t;
        QVERIFY(t.start());
        BacktestWidget* bt = t.window->backtest();
        QSignalSpy finished(bt, &BacktestWidget::runFinished);
        QSignalSpy progressed(bt, &BacktestWidget::progressed);
        // GIVEN a run over five years of stored BTCUSDT hours
        bt->runFor(InstrumentId{"BINANCE", "BTCUSDT"});
        QVERIFY(bt->isRunning());
        // WHEN Cancel is pressed once it reports progress
        QVERIFY(progressed.wait(120000));
        auto* cancel = bt->findChild<QPushButton*>(QStringLiteral("BacktestCancel"));
        QVERIFY(cancel->isEnabled());
        cancel->click();
        // THEN it ends early, the partial result is shown and marked as cancelled
        QVERIFY(finished.count() == 1 || finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QCOMPARE(finished.first().at(1).toBool(), true);
        QVERIFY(bt->lastResult());
        QVERIFY(bt->lastResult()->cancelled);
        QVERIFY(bt->lastResult()->barsProcessed < bt->lastResult()->barsTotal);
        QVERIFY(bt->findChild<QLabel*>(QStringLiteral("BacktestStatus"))->text().contains(QStringLiteral("cancelled")));
        QVERIFY(bt->findChild<QPushButton*>(QStringLiteral("BacktestRun"))->isEnabled());
        QVERIFY(!cancel->isEnabled());
    }

    void theEquityChartLeavesOutTheDrawdownWhenShort() {
        charts::EquityChart chart;
        chart.setCurves({1000, 2000, 3000}, {100, 90, 120}, {100, 110, 105});
        chart.resize(600, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QVERIFY(chart.drawdownVisible());
        QCOMPARE(chart.plot()->plotLayout()->elementCount(), 2);
        chart.resize(600, 180);  // a short bottom dock
        QVERIFY(!chart.drawdownVisible());
        QCOMPARE(chart.plot()->plotLayout()->elementCount(), 1);
        chart.resize(600, 400);
        QVERIFY(chart.drawdownVisible());
        QCOMPARE(chart.plot()->plotLayout()->elementCount(), 2);
        QCOMPARE(chart.pointCount(), 3);
    }

    void aBadFormIsRefusedWithAMessage() {
        BacktestWidget bt(QStringLiteral("/nonexistent/kairos.sqlite"));
        bt.setInstruments({InstrumentId{"BINANCE", "BTCUSDT"}});
        bt.findChild<QLineEdit*>(QStringLiteral("BacktestCapital"))->setText(QStringLiteral("0"));
        QSignalSpy finished(&bt, &BacktestWidget::runFinished);
        bt.run();
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY(!bt.isRunning());
        QVERIFY(bt.lastError().startsWith(QStringLiteral("Capital")));
        QCOMPARE(bt.findChild<QLabel*>(QStringLiteral("BacktestStatus"))->text(), bt.lastError());
        // a symbol the store does not hold: the worker says so
        bt.findChild<QLineEdit*>(QStringLiteral("BacktestCapital"))->setText(QStringLiteral("1000"));
        QTemporaryDir dir;
        BacktestWidget empty(dir.filePath(QStringLiteral("kairos.sqlite")));
        QSignalSpy emptyDone(&empty, &BacktestWidget::runFinished);
        empty.runFor(InstrumentId{"BINANCE", "DOGEUSDT"});
        QVERIFY(emptyDone.count() == 1 || emptyDone.wait(60000));
        QCOMPARE(emptyDone.first().at(0).toBool(), false);
        QVERIFY2(empty.lastError().contains(QStringLiteral("No stored 1h bars of BINANCE:DOGEUSDT")),
                 qPrintable(empty.lastError()));
    }
};

QTEST_MAIN(BacktestDockTest)
#include "backtest_dock_test.moc"
