// Qt Test, offscreen: the terminal window opens with every dock, replays real data into the
// watchlist and the chart, and keeps its layout across a save/restore cycle.
#include "candlechart.h"
#include "chartpane.h"
#include "chartworkspace.h"
#include "alertswidget.h"
#include "mainwindow.h"
#include "terminalsession.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "marketdata/csvimport.h"
#include "signals/signalengine.h"
#include "testdata.h"

#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

class MainWindowTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_profile;
    TerminalSession::Options options() const {
        TerminalSession::Options o;
        o.profileDir = m_profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;  // the test drives the replay clock itself
        return o;
    }

private Q_SLOTS:
    void everyDockExists() {
        TerminalSession session(options());
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (const char* name : {"WatchlistDock", "ChartDock", "OrdersDock", "AlertsDock", "BacktestDock", "MarketplaceDock"}) {
            QDockWidget* d = w.dock(QString::fromLatin1(name));
            QVERIFY2(d, name);
            QVERIFY2(d->widget(), name);
        }
        // The Alerts dock holds the alert manager; placeholders of panels still to come say so plainly.
        QCOMPARE(w.dock(QStringLiteral("AlertsDock"))->widget(), static_cast<QWidget*>(w.alertsPanel()));
        QVERIFY(w.dock(QStringLiteral("AlertsDock"))->findChildren<QLabel*>(QStringLiteral("PlaceholderLabel")).isEmpty());
        for (const QLabel* label : w.findChildren<QLabel*>(QStringLiteral("PlaceholderLabel")))
            QVERIFY2(label->text().contains(QStringLiteral("not built yet")), qPrintable(label->text()));
        QVERIFY(w.menuBar()->actions().size() >= 5);
    }

    void watchlistAndChartShowReplayedRealPrices() {
        TerminalSession session(options());
        MainWindow w(session);
        w.show();
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        QSignalSpy failed(&session, &TerminalSession::loadFailed);
        session.load();
        QVERIFY(loaded.wait(60000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));

        // GIVEN the replay positioned at the common start of the bundled 1h series
        auto eth = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
        QVERIFY(eth.ok());
        const Bar& firstEth = eth->bars.front();
        QCOMPARE(session.feed()->clockMs(), firstEth.openTimeMs);
        // The chart shows BTCUSDT's history before the replay start: the latest page of its five
        // years of 1h bars, read off the GUI thread, ending at the replay clock.
        ChartPane* pane = w.chartWorkspace()->activePane();
        QTRY_VERIFY_WITH_TIMEOUT(pane->state() == ChartPane::State::Ready, 30000);
        QCOMPARE(pane->instrument(), (InstrumentId{"BINANCE", "BTCUSDT"}));
        QCOMPARE(w.chart()->barCount(), w.chartWorkspace()->pageBars());
        QCOMPARE(w.chart()->series().time().back(), firstEth.openTimeMs - 3600000);
        // The watchlist shows the signal engine's verdict on that history (its last 500 bars).
        {
            const auto history = session.feed()->closedBars(InstrumentId{"BINANCE", "BTCUSDT"}, Timeframe::H1);
            const auto sigs = signal::generateSignals({history.end() - 500, history.end()}, Timeframe::H1);
            QVERIFY(!sigs.empty());
            WatchlistModel* wm = w.watchlist()->model();
            wm->flush();
            const int btcRow = wm->rowOf(InstrumentId{"BINANCE", "BTCUSDT"});
            QCOMPARE(wm->index(btcRow, WatchlistModel::Signal).data().toString(),
                     QString::fromStdString(signal::toString(sigs.back().side)));
            QCOMPARE(wm->index(btcRow, WatchlistModel::Confidence).data().toString(), QString::number(sigs.back().confidence));
        }

        // WHEN the replay clock passes the first bar's close
        session.feed()->advanceTo(firstEth.openTimeMs + 3600000 - 1);
        WatchlistModel* m = w.watchlist()->model();
        m->flush();
        // THEN each row of the watchlist shows its real last price: ETHUSDT's is that bar's close, exactly
        QCOMPARE(m->rowCount(), 5);
        for (int r = 0; r < m->rowCount(); ++r)
            QVERIFY2(m->data(m->index(r, WatchlistModel::Last), Qt::DisplayRole).toString() != QStringLiteral("—"),
                     "every instrument has a price after one replayed hour");
        const int ethRow = m->rowOf(InstrumentId{"BINANCE", "ETHUSDT"});
        QVERIFY(ethRow >= 0);
        QCOMPARE(m->data(m->index(ethRow, WatchlistModel::Last), Qt::DisplayRole).toString(),
                 QString::fromStdString(firstEth.close.toString()));
        // AND the chart's forming bar follows the replay (BTCUSDT is the chart's instrument)
        const int before = w.chart()->barCount();
        session.feed()->advanceTo(firstEth.openTimeMs + 2 * 3600000 + 1);
        QCOMPARE(w.chart()->barCount(), before + 2);
        // AND the watchlist opens a symbol in the active chart of a multi-chart layout
        w.chartWorkspace()->setGrid(2);
        w.chartWorkspace()->setActiveIndex(1);
        const InstrumentId left = w.chartWorkspace()->pane(0)->instrument();
        Q_EMIT w.watchlist()->instrumentActivated(InstrumentId{"BINANCE", "XRPUSDT"});
        QCOMPARE(w.chartWorkspace()->pane(1)->instrument(), (InstrumentId{"BINANCE", "XRPUSDT"}));
        QCOMPARE(w.chartWorkspace()->pane(0)->instrument(), left);
        QCOMPARE(w.dock(QStringLiteral("ChartDock"))->windowTitle(), QStringLiteral("Chart — BINANCE:XRPUSDT · 1h"));
    }

    void layoutSurvivesSaveAndRestore() {
        TerminalSession session(options());
        {
            MainWindow w(session);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.dock(QStringLiteral("AlertsDock"))->hide();
            w.dock(QStringLiteral("MarketplaceDock"))->setFloating(true);
            w.close();  // saves the layout like a user closing the app
        }
        MainWindow again(session);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(again.dock(QStringLiteral("AlertsDock"))->isHidden());
        QVERIFY(again.dock(QStringLiteral("MarketplaceDock"))->isFloating());
        QVERIFY(!again.dock(QStringLiteral("WatchlistDock"))->isHidden());
        // View > Reset layout brings every dock back, docked.
        again.resetLayout();
        QVERIFY(!again.dock(QStringLiteral("AlertsDock"))->isHidden());
        QVERIFY(!again.dock(QStringLiteral("MarketplaceDock"))->isFloating());
    }

    void unopenableProfileDatabaseGivesOneClearStatusMessage() {
        // GIVEN a profile whose database cannot be opened (its file name is taken by a folder)
        QTemporaryDir profile;
        QVERIFY(QDir(profile.path()).mkdir(QStringLiteral("kairos.sqlite")));
        TerminalSession::Options o = options();
        o.profileDir = profile.path();
        TerminalSession session(o);
        QVERIFY(!session.database());
        // WHEN the terminal opens on it
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // THEN the status bar says once, plainly, that this session is not kept, and why
        QTRY_VERIFY(!w.statusBar()->currentMessage().isEmpty());
        const QString message = w.statusBar()->currentMessage();
        QVERIFY2(message.contains(QStringLiteral("profile database could not be opened")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("is a directory")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("for this session only")), qPrintable(message));
        QCOMPARE(message.count(QStringLiteral("session only")), 1);
        // AND the message is not drawn over the feed and clock labels: they are hidden under it
        auto* feedLabel = w.findChild<QLabel*>(QStringLiteral("FeedStatusLabel"));
        QVERIFY(feedLabel);
        QVERIFY(!feedLabel->isVisible());
        QVERIFY(!w.findChild<QLabel*>(QStringLiteral("ReplayClockLabel"))->isVisible());
    }
};

QTEST_MAIN(MainWindowTest)
#include "mainwindow_test.moc"
