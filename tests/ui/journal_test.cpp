// Qt Test, offscreen: the seed flow end to end in the terminal on the bundled replay of real
// Binance 1h bars. A signal appears in the Signals panel -> "Trade this signal…" opens the order
// ticket prefilled with its side, entry, stop-loss and three take-profits -> the bracket order goes
// to the paper account -> the replayed bars hit the stop or the last target -> the Journal dock
// shows the closed trade with origin "signal #id", its P&L and R, and the signal history records
// the same outcome; the CSV export has the trade's row; notes and tags are saved.
#include "journalwidget.h"
#include "mainwindow.h"
#include "orderticketdialog.h"
#include "signalswidget.h"
#include "terminalsession.h"

#include "marketdata/csvimport.h"
#include "signals/outcome.h"
#include "storage/database.h"
#include "testdata.h"
#include "trading/account.h"
#include "trading/tradejournal.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

const std::vector<Bar>& btcBars() {
    static const std::vector<Bar> bars = [] {
        auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        return r ? r->bars : std::vector<Bar>{};
    }();
    return bars;
}
}  // namespace

class JournalTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aSignalTradedFromThePanelEndsInTheJournalWithItsOriginAndR() {
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
        QDockWidget* dock = w.dock(QStringLiteral("JournalDock"));
        QVERIFY(dock);
        auto* journal = qobject_cast<JournalWidget*>(dock->widget());
        QVERIFY(journal);
        QAbstractItemModelTester tester(journal->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(90000));
        trading::Account* account = w.paperAccount();
        QVERIFY(account);

        // GIVEN the replay hour by hour until a BTCUSDT signal appears in the panel whose outcome
        // on the following real bars is the stop or the last target (not an expiry)
        SignalsWidget* panel = w.signalHistory();
        const std::int64_t hour = 3600 * 1000;
        std::int64_t now = session.feed()->clockMs();
        int row = -1;
        signal::Outcome expected;
        for (int h = 0; h < 1500 && row < 0; ++h) {
            now += hour;
            session.feed()->advanceTo(now);
            for (int r = 0; r < panel->model()->rowCount(); ++r) {
                const auto& s = panel->model()->at(r);
                if (s.id != kBtc || s.signal.timeMs + hour <= now) continue;  // only the one that just appeared
                expected = signal::evaluate(s.signal, btcBars(), signal::SignalRules{});
                if (expected.exit == signal::Exit::StopLoss || expected.exit == signal::Exit::TakeProfit3) row = r;
            }
        }
        QVERIFY2(row >= 0, "no BTCUSDT signal that resolves in the replayed hours");
        const signal::StoredSignal sig = panel->model()->at(row);

        // WHEN "Trade this signal…" is chosen on its row
        panel->table()->setCurrentIndex(panel->model()->index(row, 0));
        QVERIFY(panel->tradeAction()->isEnabled());
        QVERIFY(panel->tradeButton()->isEnabled());
        panel->tradeAction()->trigger();
        // THEN the ticket is open, prefilled with the signal's plan
        OrderTicketDialog* ticket = w.findChild<OrderTicketDialog*>();
        QVERIFY(ticket);
        const bool isLong = sig.signal.side == signal::Direction::Long;
        QCOMPARE(ticket->sideBox()->currentData().toInt(), static_cast<int>(isLong ? Side::Buy : Side::Sell));
        QCOMPARE(ticket->typeBox()->currentData().toInt(), static_cast<int>(trading::OrderType::Limit));
        QCOMPARE(ticket->limitEdit()->text().toDouble(), std::round(sig.signal.entry * 100) / 100);
        QVERIFY(ticket->stopLossBox()->isChecked());
        QCOMPARE(ticket->stopLossEdit()->text().toDouble(), std::round(sig.signal.stopLoss * 100) / 100);
        QVERIFY(ticket->takeProfitBox()->isChecked());
        QVERIFY(ticket->takeProfit2Box()->isChecked());
        QVERIFY(ticket->takeProfit3Box()->isChecked());
        QCOMPARE(ticket->takeProfitEdit()->text().toDouble(), std::round(sig.signal.takeProfits[0] * 100) / 100);
        QCOMPARE(ticket->takeProfit3Edit()->text().toDouble(), std::round(sig.signal.takeProfits[2] * 100) / 100);
        QCOMPARE(ticket->takeProfitShareEdit()->text(), QStringLiteral("50"));
        QVERIFY(ticket->windowTitle().contains(QStringLiteral("signal #")));

        // WHEN 0.01 BTC is sent to the paper account
        ticket->setConfirmer({});
        ticket->quantityEdit()->setText(QStringLiteral("0.01000"));
        const auto sent = ticket->submit();
        QVERIFY2(!sent.empty() && sent.front().kind != trading::OrderEventKind::Rejected, qPrintable(ticket->resultText()));
        const trading::OrderId entryId = sent.front().order.id;
        QVERIFY(sent.front().order.request.bracket.stopLoss.has_value());
        QCOMPARE(sent.front().order.request.bracket.takeProfits.size(), std::size_t(3));
        // and the replay goes on until the position is closed again
        // (the entry and its exit may fill in the same hour: closed = filled at least twice and flat)
        bool closed = false;
        for (int h = 0; h < 60 && !closed; ++h) {
            now += hour;
            session.feed()->advanceTo(now);
            const trading::Position* p = account->portfolio().position(kBtc);
            closed = account->fills().size() >= 2 && p && p->isFlat();
        }
        QVERIFY2(closed, "the bracket did not close within 60 hours");
        // (one more bar so that the bar that ended it has closed for the signal tracker too)
        now += hour;
        session.feed()->advanceTo(now);

        // (the ticket stays open: the window must close it before the accounts it reads go)

        // THEN the Journal dock shows the closed trade with its origin, P&L and R
        QTRY_COMPARE_WITH_TIMEOUT(journal->model()->rowCount(), 1, 20000);
        const trading::ClosedTrade t = journal->model()->at(0);
        QCOMPARE(t.entryOrderId, entryId);
        QVERIFY(t.origin.rfind("signal #", 0) == 0);
        auto stored = trading::TradeJournal(*session.database()).signalId(kBtc, "1h", sig.signal.barOpenMs);
        QVERIFY(stored.ok() && stored->has_value());
        QCOMPARE(QString::fromStdString(t.origin), QStringLiteral("signal #%1").arg(**stored));
        QCOMPARE(t.isLong(), isLong);
        QCOMPARE(t.quantity, Quantity::parse("0.01").value());
        QCOMPARE(t.pnl, account->portfolio().realizedPnl());
        QCOMPARE(t.fees, account->portfolio().feesPaid());
        QVERIFY(t.rMultiple.has_value());
        QCOMPARE(journal->model()->data(journal->model()->index(0, JournalTradeModel::Origin), Qt::DisplayRole).toString(),
                 QString::fromStdString(t.origin));
        // and the journal and the signal history agree on how it ended
        const signal::StoredSignal* now_ = nullptr;
        for (int r = 0; r < panel->model()->rowCount(); ++r)
            if (panel->model()->at(r).id == kBtc && panel->model()->at(r).signal.barOpenMs == sig.signal.barOpenMs)
                now_ = &panel->model()->at(r);
        QVERIFY(now_);
        QCOMPARE(static_cast<int>(now_->outcome.exit), static_cast<int>(expected.exit));
        if (expected.exit == signal::Exit::StopLoss) {
            QCOMPARE(QString::fromStdString(t.exitKind), QStringLiteral("stop-loss"));
            if (expected.tpReached == 0) QVERIFY(*t.rMultiple <= -0.99);
        } else {
            QCOMPARE(QString::fromStdString(t.exitKind), QStringLiteral("take-profit"));
            QVERIFY(*t.rMultiple > 0);
        }

        // The Performance tab: one trade
        QVERIFY(journal->report().has_value());
        QCOMPARE(journal->report()->trades, 1);
        QVERIFY(journal->figure(QStringLiteral("trades"))->text().startsWith(QStringLiteral("1 ")));

        // WHEN the trade gets notes and tags, THEN they are saved in the profile
        QVERIFY(journal->annotate(0, QStringLiteral("took the signal as given"), QStringLiteral("signal, seed")).ok());
        auto back = trading::TradeJournal(*session.database()).trades();
        QVERIFY(back.ok() && back->size() == 1);
        QCOMPARE(QString::fromStdString(back->front().notes), QStringLiteral("took the signal as given"));
        QCOMPARE(back->front().tags, (std::vector<std::string>{"signal", "seed"}));
        // and filtering by another tag hides it, by its tag shows it
        journal->tagEdit()->setText(QStringLiteral("other"));
        QTRY_COMPARE_WITH_TIMEOUT(journal->model()->rowCount(), 0, 20000);
        journal->tagEdit()->setText(QStringLiteral("SEED"));
        QTRY_COMPARE_WITH_TIMEOUT(journal->model()->rowCount(), 1, 20000);

        // WHEN the shown trades are exported, THEN the CSV has the header and the trade's row
        const QString csvPath = profile.filePath(QStringLiteral("trades.csv"));
        QVERIFY(journal->exportCsv(csvPath).ok());
        QFile f(csvPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith(QStringLiteral("account,trade_id,instrument,side,quantity,entry_time")));
        const QStringList cells = lines[1].split(QLatin1Char(','));
        QCOMPARE(cells[0], QStringLiteral("PAPER"));
        QCOMPARE(cells[2], QStringLiteral("BINANCE:BTCUSDT"));
        QCOMPARE(cells[3], isLong ? QStringLiteral("long") : QStringLiteral("short"));
        QCOMPARE(cells[4], QStringLiteral("0.01000"));
        QVERIFY(cells[5].endsWith(QLatin1Char('Z')));
        QCOMPARE(cells[9], QString::fromStdString(t.pnl.toString()));
        QCOMPARE(cells[16], QString::fromStdString(t.exitKind));
        QCOMPARE(cells[17], QString::fromStdString(t.origin));
        QCOMPARE(cells[18], QStringLiteral("signal; seed"));

        // For a human look: KAIROS_JOURNAL_SCREENSHOT=<png> saves the dock with the trade in it.
        const QString shot = qEnvironmentVariable("KAIROS_JOURNAL_SCREENSHOT");
        if (!shot.isEmpty()) {
            journal->tagEdit()->clear();
            QTRY_COMPARE_WITH_TIMEOUT(journal->model()->rowCount(), 1, 20000);
            dock->setFloating(true);
            dock->resize(1400, 420);
            dock->show();
            dock->grab().save(shot);
            journal->tabs()->setCurrentIndex(1);
            dock->grab().save(QString(shot).replace(QStringLiteral(".png"), QStringLiteral("-performance.png")));
        }
    }
};

QTEST_MAIN(JournalTest)
#include "journal_test.moc"
