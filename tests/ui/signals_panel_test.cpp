// Qt Test, offscreen: the Signals panel. Replaying real bundled 1h bars through the terminal, each
// LONG/SHORT signal the engine gives on a closed bar appears in the panel and in the profile's
// signal history, with the outcome the batch evaluation gives on the same bars; the history and
// accuracy statistics come back after a restart.
#include "mainwindow.h"
#include "signalswidget.h"
#include "terminalsession.h"

#include "marketdata/csvimport.h"
#include "signals/outcome.h"
#include "signals/signalstore.h"
#include "storage/database.h"
#include "testdata.h"

#include <QDockWidget>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <limits>

using namespace kairos;
using namespace kairos::ui;

class SignalsPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replayedSignalsAreShownTrackedAndKeptAcrossARestart() {
        QTemporaryDir profile;
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        auto eth = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
        QVERIFY(eth.ok());
        const std::vector<Bar>& bars = eth->bars;
        const InstrumentId ethId{"BINANCE", "ETHUSDT"};
        int shown = 0;
        {
            TerminalSession session(o);
            MainWindow w(session);
            QVERIFY(w.dock(QStringLiteral("SignalsDock")));
            QSignalSpy loaded(&session, &TerminalSession::loaded);
            session.load();
            QVERIFY(loaded.wait(60000));
            // WHEN 400 hours of real bars are replayed
            session.feed()->advanceTo(bars.front().openTimeMs + 400LL * 3600 * 1000 - 1);
            SignalHistoryModel* m = w.signalHistory()->model();
            shown = m->rowCount();
            QVERIFY(shown > 0);
            // THEN every ETHUSDT row is the engine's LONG/SHORT signal with the batch outcome on the
            // bars closed so far (the tracker saw exactly those: the 400th is still forming).
            const std::vector<Bar> seen(bars.begin(), bars.begin() + 399);
            const auto batch = signal::generateSignals(seen, Timeframe::H1);
            int ethRows = 0;
            for (int r = 0; r < m->rowCount(); ++r) {
                const auto& s = m->at(r);
                QVERIFY(s.signal.side != signal::Direction::Hold);
                if (s.id != ethId) continue;
                ++ethRows;
                auto it = std::find_if(batch.begin(), batch.end(),
                                       [&](const signal::Signal& b) { return b.barOpenMs == s.signal.barOpenMs; });
                QVERIFY(it != batch.end());
                QCOMPARE(int(it->side), int(s.signal.side));
                QCOMPARE(it->confidence, s.signal.confidence);
                const signal::Outcome expected = signal::evaluate(*it, seen, signal::SignalRules{});
                QCOMPARE(int(s.outcome.exit), int(expected.exit));
                QCOMPARE(s.outcome.tpReached, expected.tpReached);
            }
            const auto directional = std::count_if(batch.begin(), batch.end(),
                                                   [](const signal::Signal& b) { return b.side != signal::Direction::Hold; });
            QCOMPARE(ethRows, int(directional));
            // Rows are newest first.
            for (int r = 1; r < m->rowCount(); ++r) QVERIFY(m->at(r - 1).signal.timeMs >= m->at(r).signal.timeMs);
            // Levels at the instrument's tick precision (ETHUSDT: 0.01), never float noise.
            for (int r = 0; r < m->rowCount(); ++r) {
                if (m->at(r).id != ethId) continue;
                for (int col : {SignalHistoryModel::Entry, SignalHistoryModel::Stop, SignalHistoryModel::Tp3}) {
                    const QString text = m->index(r, col).data().toString();
                    const qsizetype dot = text.indexOf(QLocale().decimalPoint());
                    QVERIFY2(dot > 0 && text.size() - dot - 1 == 2, qPrintable(text));
                    QCOMPARE(QLocale().toDouble(text),
                             std::round((col == SignalHistoryModel::Entry      ? m->at(r).signal.entry
                                             : col == SignalHistoryModel::Stop ? m->at(r).signal.stopLoss
                                                                               : m->at(r).signal.takeProfits[2]) *
                                        100) /
                                 100);
                }
            }
        }
        // AFTER a restart the panel shows the stored history and its accuracy.
        TerminalSession session(o);
        MainWindow w(session);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(60000));
        QCOMPARE(w.signalHistory()->model()->rowCount(), shown);
        QTableWidget* acc = w.signalHistory()->accuracyTable();
        QVERIFY(QTest::qWaitFor([&] { return acc->rowCount() > 0; }, 10000));
        QCOMPARE(acc->item(0, 0)->text(), QStringLiteral("all"));
        auto db = storage::Database::openProfile(profile.path());
        QVERIFY(db.ok());
        signal::SignalStore store(**db);
        auto stats = store.accuracy();
        QVERIFY(stats.ok());
        QCOMPARE(acc->item(0, 1)->text(), QString::number(stats->at("all").count));
    }
};

QTEST_MAIN(SignalsPanelTest)
#include "signals_panel_test.moc"
