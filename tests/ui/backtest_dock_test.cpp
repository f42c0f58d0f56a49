// Qt Test, offscreen: the Backtest dock. The watchlist's "Backtest…" on a bundled symbol opens the
// dock and runs the signal strategy over the bars the session stored; the metrics table shows
// what the core engine computes directly on the same real bars. Cancel stops a run early with a
// partial result; a bad form is refused with a message. With KAIROS_BACKTEST_SCREENSHOT=<file.png>
// the dock is saved as a picture.
#include "backtestwidget.h"
#include "equitychart.h"
#include "mainwindow.h"
#include "terminalsession.h"
#include "watchlistwidget.h"

#include "backtest/backtestengine.h"
#include "backtest/signalstrategy.h"
#include "marketdata/csvimport.h"
#include "trading/instrumentdefaults.h"
#include "testdata.h"

#include <QAbstractItemModelTester>
#include <qcustomplot.h>
#include <QClipboard>
#include <QDockWidget>
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

using namespace kairos;
using namespace kairos::ui;

namespace {

/// The metrics table's value cell for `key` ("net_profit", "trades"), exact text (Qt::UserRole).
QString metric(QTableWidget* t, const QString& key) {
    for (int r = 0; r < t->rowCount(); ++r)
        if (t->item(r, 0)->data(Qt::UserRole + 1).toString() == key) return t->item(r, 1)->data(Qt::UserRole).toString();
    return QStringLiteral("<no row %1>").arg(key);
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
