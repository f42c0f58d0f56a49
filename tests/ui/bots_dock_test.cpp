// Qt Test, offscreen: the Bots dock in the terminal on the bundled replay of real Binance 1h bars.
// A bot is created from the dock's dialog (SMA cross on BTCUSDT 1h, the paper account, a fixed
// quantity), started, fed by the replay until it holds a position, paused, resumed, and stopped with
// flatten; its row shows its state, account label, position, trades and last signal, and its log
// (double-click) has every decision with its bar and reason and every fill. The kill switch's run
// button stops every bot first.
#include "backtestwidget.h"
#include "botsdock.h"
#include "killswitchdialog.h"
#include "mainwindow.h"
#include "terminalsession.h"

#include "bots/botmanager.h"
#include "session/tradingaccounts.h"
#include "testdata.h"
#include "trading/account.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const std::int64_t kHour = 3600 * 1000;

QString cell(const BotsModel* m, int row, int column) { return m->data(m->index(row, column)).toString(); }
}  // namespace

class BotsDockTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aBotIsCreatedStartedPausedAndStoppedFromTheDockWithItsRowAndLog() {
        QTemporaryDir profile;
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;  // the test drives the replay clock
        TerminalSession session(o);
        MainWindow w(session);
        w.resize(1500, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QDockWidget* dock = w.dock(QStringLiteral("BotsDock"));
        QVERIFY(dock);
        BotsDock* bots = w.botsDock();
        QVERIFY(bots);
        QCOMPARE(dock->widget(), static_cast<QWidget*>(bots));
        QAbstractItemModelTester tester(bots->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(90000));
        QVERIFY(w.paperAccount());

        // GIVEN the create dialog, opened by the Backtest dock's "Paper trade this" (its signal, as the
        // button emits it after a backtest of sma_cross 5/20 on BINANCE:BTCUSDT 1h)
        Q_EMIT w.backtest()->paperTradeRequested(QStringLiteral("sma_cross"), QVariantMap{{"fast", 5}, {"slow", 20}},
                                                 QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("1h"));
        BotDialog* dialog = bots->openDialog();
        QVERIFY(dialog);
        QVERIFY(dock->isVisible());
        QCOMPARE(dialog->findChild<QComboBox*>(QStringLiteral("BotStrategy"))->currentData().toString(),
                 QStringLiteral("sma_cross"));
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("BotSymbols"))->text(), QStringLiteral("BTCUSDT"));
        QVERIFY(dialog->findChild<QComboBox*>(QStringLiteral("BotAccount"))->currentText().startsWith(QStringLiteral("PAPER")));
        // WHEN an invalid size is tried, then a fixed quantity, and it is saved
        auto* kind = dialog->findChild<QComboBox*>(QStringLiteral("BotSizingKind"));
        kind->setCurrentIndex(kind->findData(QStringLiteral("quantity")));
        dialog->findChild<QLineEdit*>(QStringLiteral("BotSizingValue"))->setText(QStringLiteral("-1"));
        dialog->accept();
        // THEN the dialog says why and stays open
        QVERIFY(!dialog->errorLabel()->text().isEmpty());
        QVERIFY(bots->openDialog());
        dialog->findChild<QLineEdit*>(QStringLiteral("BotSizingValue"))->setText(QStringLiteral("0.01"));
        dialog->findChild<QLineEdit*>(QStringLiteral("BotName"))->setText(QStringLiteral("trend"));
        dialog->accept();
        QTRY_VERIFY(!bots->openDialog());
        // AND the row is there, stopped, on the PAPER account
        BotsModel* model = bots->model();
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(cell(model, 0, BotsModel::Name), QStringLiteral("trend"));
        QCOMPARE(cell(model, 0, BotsModel::State), QStringLiteral("Stopped"));
        QVERIFY(cell(model, 0, BotsModel::Account).startsWith(QStringLiteral("PAPER")));
        QCOMPARE(cell(model, 0, BotsModel::Symbols), QStringLiteral("BTCUSDT · 1h"));

        // WHEN it is started from the dock
        bots->view()->selectRow(0);
        QVERIFY(bots->button(QStringLiteral("BotStart"))->isEnabled());
        QTest::mouseClick(bots->button(QStringLiteral("BotStart")), Qt::LeftButton);
        QCOMPARE(cell(model, 0, BotsModel::State), QStringLiteral("Running"));
        QVERIFY2(cell(model, 0, BotsModel::LastError).isEmpty(), qPrintable(cell(model, 0, BotsModel::LastError)));
        // AND the replay goes on until the bot holds a position
        const std::int64_t botId = model->botAt(0)->id;
        std::int64_t now = session.feed()->clockMs();
        bool holding = false;
        for (int h = 0; h < 400 && !holding; ++h) {
            now += kHour;
            session.feed()->advanceTo(now);
            holding = cell(model, 0, BotsModel::Position) == QStringLiteral("0.01");
        }
        QVERIFY2(holding, qPrintable(cell(model, 0, BotsModel::Position)));
        // THEN its row shows the decision that opened it
        QVERIFY2(cell(model, 0, BotsModel::LastSignal).contains(QStringLiteral("buy 0.01 BTCUSDT")),
                 qPrintable(cell(model, 0, BotsModel::LastSignal)));
        QCOMPARE(cell(model, 0, BotsModel::OpenOrders), QStringLiteral("0"));

        // WHEN it is paused
        QTest::mouseClick(bots->button(QStringLiteral("BotPause")), Qt::LeftButton);
        QCOMPARE(cell(model, 0, BotsModel::State), QStringLiteral("Paused"));
        QCOMPARE(bots->button(QStringLiteral("BotStart"))->text(), QStringLiteral("Resume"));
        // AND resumed
        QTest::mouseClick(bots->button(QStringLiteral("BotStart")), Qt::LeftButton);
        QCOMPARE(cell(model, 0, BotsModel::State), QStringLiteral("Running"));
        // AND stopped (its position left as it is: the bot is not set to flatten)
        QTest::mouseClick(bots->button(QStringLiteral("BotStop")), Qt::LeftButton);
        QCOMPARE(cell(model, 0, BotsModel::State), QStringLiteral("Stopped"));
        QVERIFY(!w.botManager()->isRunning(botId));

        // THEN double-click opens its log: the start, the decision with its bar and reason, the fill, the pause
        bots->view()->doubleClicked(model->index(0, 0));
        auto* log = bots->findChild<BotLogDialog*>();
        QVERIFY(log);
        QTableWidget* t = log->table();
        QStringList kinds, details;
        bool decisionHasBar = false;
        for (int r = 0; r < t->rowCount(); ++r) {
            kinds << t->item(r, 2)->text();
            details << t->item(r, 4)->text();
            if (t->item(r, 2)->text() == QStringLiteral("decision")) decisionHasBar = !t->item(r, 1)->text().isEmpty();
        }
        QVERIFY2(kinds.contains(QStringLiteral("decision")), qPrintable(kinds.join(',')));
        QVERIFY(kinds.contains(QStringLiteral("fill")));
        QVERIFY(decisionHasBar);
        QVERIFY2(details.join('\n').contains(QStringLiteral("entry-long")), qPrintable(details.join('\n')));
        QVERIFY(details.join('\n').contains(QStringLiteral("paused: no new entries")));

        // WHEN it runs again and the kill switch runs (as after its confirmation)
        bots->view()->selectRow(0);
        QTest::mouseClick(bots->button(QStringLiteral("BotStart")), Qt::LeftButton);
        QVERIFY(w.botManager()->isRunning(botId));
        w.findChild<QAction*>(QStringLiteral("KillSwitchAction"))->trigger();
        auto* kill = w.findChild<KillSwitchDialog*>();
        QVERIFY(kill);
        // Pressing the button alone (the confirmation not answered yet) stops nothing.
        Q_EMIT kill->runButton()->pressed();
        QVERIFY(w.botManager()->isRunning(botId));
        QSignalSpy aboutToRun(kill, &KillSwitchDialog::aboutToRun);
        kill->run();
        // THEN the bot was stopped before anything else happened
        QCOMPARE(aboutToRun.count(), 1);
        QVERIFY(!w.botManager()->isRunning(botId));
        QCOMPARE(cell(model, 0, BotsModel::State), QStringLiteral("Stopped"));
        kill->close();
    }
};

QTEST_MAIN(BotsDockTest)
#include "bots_dock_test.moc"
