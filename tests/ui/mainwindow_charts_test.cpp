// Qt Test, offscreen: the terminal's charts keep their drawings in the profile (a drawing made on
// the active chart is back after a restart) and show the signal engine's arrows of the replayed
// real bars.
#include "candlechart.h"
#include "chartpane.h"
#include "chartworkspace.h"
#include "mainwindow.h"
#include "signalswidget.h"
#include "terminalsession.h"

#include "storage/drawingstore.h"
#include "testdata.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

class MainWindowChartsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawingsSurviveARestartAndSignalsAreMarked() {
        QTemporaryDir profile;
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        storage::Drawing line;
        line.kind = storage::DrawingKind::HorizontalLine;
        line.colour = "#ff9800";
        line.width = 2;
        line.text = "resistance";
        const InstrumentId btc{"BINANCE", "BTCUSDT"};
        {
            TerminalSession session(o);
            MainWindow w(session);
            QSignalSpy loaded(&session, &TerminalSession::loaded);
            session.load();
            QVERIFY(loaded.wait(60000));
            w.showInstrument(btc);
            charts::CandleChart* c = w.chart();
            QVERIFY(QTest::qWaitFor([&] { return w.chartWorkspace()->activePane()->state() == ChartPane::State::Ready; }, 30000));
            QCOMPARE(c->instrument(), btc);
            QVERIFY(c->barCount() > 0);
            line.anchors = {{std::int64_t{1'750'000'000'000}, 104250.5}};
            QVERIFY(c->addDrawing(line) >= 0);
            // Replaying 300 hours gives signals; their arrows reach the chart showing the pair.
            session.feed()->advanceTo(session.feed()->clockMs() + 300LL * 3600 * 1000);
            QVERIFY(w.signalHistory()->model()->rowCount() > 0);
            QVERIFY(QTest::qWaitFor([&] { return !c->signalMarkers().empty(); }, 5000));
            for (const auto& s : c->signalMarkers()) QVERIFY(s.side != signal::Direction::Hold);
        }
        TerminalSession session(o);
        MainWindow w(session);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(60000));
        w.showInstrument(btc);
        QVERIFY(QTest::qWaitFor([&] { return w.chartWorkspace()->activePane()->state() == ChartPane::State::Ready; }, 30000));
        const auto drawings = w.chart()->drawings();
        QCOMPARE(drawings.size(), std::size_t{1});
        QCOMPARE(int(drawings[0].kind), int(line.kind));
        QCOMPARE(drawings[0].anchors, line.anchors);
        QCOMPARE(drawings[0].colour, line.colour);
        QCOMPARE(drawings[0].text, line.text);
    }
};

QTEST_MAIN(MainWindowChartsTest)
#include "mainwindow_charts_test.moc"
