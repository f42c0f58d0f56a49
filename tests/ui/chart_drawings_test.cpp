// Chart drawings, markers and PNG export, offscreen with real ETHUSDT 1h bars: drawings made by
// the API and by simulated mouse land at the computed pixels; select/move/delete; the magnet
// snaps to the bar's high; drawings persist in SQLite across a "restart"; signal arrows and
// draggable order lines; the exported PNG has the plot's size and the candle colours.
#include "candlechart.h"
#include "chartdrawings.h"
#include "chartseries.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "storage/drawingstore.h"
#include "testdata.h"

#include <QDialog>
#include <QLineEdit>
#include <QMainWindow>
#include <QSpinBox>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

using namespace kairos;
using namespace kairos::charts;
using storage::Drawing;
using storage::DrawingAnchor;
using storage::DrawingKind;

namespace {

std::vector<Bar> ethHourly() {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    if (!r.ok()) qFatal("%s", r.message().c_str());
    r->bars.resize(400);
    return r->bars;
}

const InstrumentId kEth{"BINANCE", "ETHUSDT"};

struct Shown {
    CandleChart chart;
    explicit Shown(const std::vector<Bar>& bars, storage::DrawingStore* store = nullptr) {
        chart.resize(1000, 640);
        if (store != nullptr) chart.setDrawingStore(store);
        chart.setInstrument(kEth);
        chart.setTimeframe(Timeframe::H1);
        chart.setBars(bars);
        chart.setVisibleRange(339.5, 399.5);
        chart.show();
        if (!QTest::qWaitForWindowExposed(&chart)) qFatal("chart not exposed");
        chart.renderNow();
    }
    QPoint px(double index, double price) const {
        return QPoint(static_cast<int>(std::lround(chart.timeAxis()->coordToPixel(index))),
                      static_cast<int>(std::lround(chart.priceAxis()->coordToPixel(price))));
    }
    QImage image() {
        chart.renderNow();
        return chart.plot()->toPixmap().toImage();
    }
};

bool sameRgb(QColor a, QColor b) { return a.red() == b.red() && a.green() == b.green() && a.blue() == b.blue(); }

/// Whether `colour` is found within `radius` pixels of `at`.
bool colourNear(const QImage& img, QPoint at, QColor colour, int radius = 1) {
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx)
            if (img.rect().contains(at + QPoint(dx, dy)) && sameRgb(img.pixelColor(at + QPoint(dx, dy)), colour)) return true;
    return false;
}

/// Whether a colour within `tolerance` (per channel) of `colour` is found near `at` (antialiased lines).
bool roughlyNear(const QImage& img, QPoint at, QColor colour, int tolerance = 40, int radius = 1) {
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            if (!img.rect().contains(at + QPoint(dx, dy))) continue;
            const QColor c = img.pixelColor(at + QPoint(dx, dy));
            if (std::abs(c.red() - colour.red()) <= tolerance && std::abs(c.green() - colour.green()) <= tolerance &&
                std::abs(c.blue() - colour.blue()) <= tolerance)
                return true;
        }
    return false;
}

Drawing trendLine(const std::vector<Bar>& bars, std::size_t a, std::size_t b, const char* colour = "#ff00ff") {
    Drawing d;
    d.kind = DrawingKind::TrendLine;
    d.anchors = {{bars[a].openTimeMs, bars[a].low.toDouble()}, {bars[b].openTimeMs, bars[b].high.toDouble()}};
    d.colour = colour;
    d.width = 3;
    return d;
}

}  // namespace

class ChartDrawingsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void programmaticTrendLineLandsAtTheComputedPixels() {
        // GIVEN a magenta trend line from bar 350's low to bar 390's high
        const auto bars = ethHourly();
        Shown s(bars);
        QCOMPARE(s.chart.addDrawing(trendLine(bars, 350, 390)), 0);
        // WHEN rendered
        const QImage img = s.image();
        // THEN the anchors map to the bars' pixels and the line passes through them and its middle
        const QPoint a = s.px(350, bars[350].low.toDouble()), b = s.px(390, bars[390].high.toDouble());
        QCOMPARE(s.chart.anchorToPixel(s.chart.drawings()[0].anchors[0]).toPoint(), a);
        QVERIFY(colourNear(img, a + (b - a) / 4, QColor("#ff00ff")));
        QVERIFY(colourNear(img, (a + b) / 2, QColor("#ff00ff")));
        QVERIFY(colourNear(img, a + (b - a) * 3 / 4, QColor("#ff00ff")));
        // AND away from the line there is no magenta
        QVERIFY(!colourNear(img, (a + b) / 2 + QPoint(0, 30), QColor("#ff00ff"), 3));
    }

    void mouseDrawsATrendLineByDragAndAHorizontalLineByClick() {
        const auto bars = ethHourly();
        Shown s(bars);
        QSignalSpy changed(&s.chart, &CandleChart::drawingsChanged);
        // GIVEN the trend line tool (Alt+T)
        QTest::keyClick(&s.chart, Qt::Key_T, Qt::AltModifier);
        QVERIFY(s.chart.drawingTool() == std::optional<DrawingKind>(DrawingKind::TrendLine));
        const QPoint p1 = s.px(355, bars[355].close.toDouble()), p2 = s.px(380, bars[380].close.toDouble());
        // WHEN the user presses at bar 355's close, drags to bar 380's close and releases
        QTest::mousePress(s.chart.plot(), Qt::LeftButton, {}, p1);
        QTest::mouseMove(s.chart.plot(), (p1 + p2) / 2);
        QTest::mouseMove(s.chart.plot(), p2);
        QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, {}, p2);
        // THEN one trend line exists, anchored at those bars' open times and the prices under the cursor
        QCOMPARE(s.chart.drawings().size(), std::size_t{1});
        const Drawing& d = s.chart.drawings()[0];
        QVERIFY(d.kind == DrawingKind::TrendLine);
        QCOMPARE(d.anchors[0].timeMs, bars[355].openTimeMs);
        QCOMPARE(d.anchors[1].timeMs, bars[380].openTimeMs);
        QVERIFY(std::abs(d.anchors[0].price - bars[355].close.toDouble()) < s.chart.priceAxis()->range().size() / 300);
        QVERIFY((s.chart.anchorToPixel(d.anchors[1]) - QPointF(p2)).manhattanLength() < 1.01);
        // AND it is selected, the tool is disarmed, listeners were told once
        QCOMPARE(s.chart.selectedDrawing(), 0);
        QVERIFY(!s.chart.drawingTool());
        QCOMPARE(changed.count(), 1);
        QVERIFY(roughlyNear(s.image(), (p1 + p2) / 2, drawingColour(d.colour)));

        // GIVEN the horizontal line tool; WHEN the user clicks once
        QTest::keyClick(&s.chart, Qt::Key_H, Qt::AltModifier);
        const QPoint p3 = s.px(370, bars[370].high.toDouble() + 20);
        QTest::mouseClick(s.chart.plot(), Qt::LeftButton, {}, p3);
        // THEN a horizontal line sits at that price
        QCOMPARE(s.chart.drawings().size(), std::size_t{2});
        QVERIFY(s.chart.drawings()[1].kind == DrawingKind::HorizontalLine);
        QCOMPARE(std::lround(s.chart.anchorToPixel(s.chart.drawings()[1].anchors[0]).y()), p3.y());
    }

    void clickClickPlacesAParallelChannelsThreeAnchors() {
        const auto bars = ethHourly();
        Shown s(bars);
        s.chart.setDrawingTool(DrawingKind::ParallelChannel);
        const QPoint a = s.px(345, bars[345].low.toDouble()), b = s.px(385, bars[385].low.toDouble()),
                     c = s.px(365, bars[365].high.toDouble());
        QTest::mouseClick(s.chart.plot(), Qt::LeftButton, {}, a);
        QTest::mouseMove(s.chart.plot(), b);
        QTest::mouseClick(s.chart.plot(), Qt::LeftButton, {}, b);
        QCOMPARE(s.chart.drawings().size(), std::size_t{1});  // still being placed
        QTest::mouseMove(s.chart.plot(), c);
        QTest::mouseClick(s.chart.plot(), Qt::LeftButton, {}, c);
        QVERIFY(!s.chart.drawingTool());
        const Drawing& d = s.chart.drawings()[0];
        QCOMPARE(d.anchors[0].timeMs, bars[345].openTimeMs);
        QCOMPARE(d.anchors[1].timeMs, bars[385].openTimeMs);
        QCOMPARE(d.anchors[2].timeMs, bars[365].openTimeMs);
    }

    void aQuickSecondClickArrivingAsADoubleClickStillPlaces() {
        const auto bars = ethHourly();
        Shown s(bars);
        s.chart.setDrawingTool(DrawingKind::TrendLine);
        const QPoint a = s.px(350, bars[350].close.toDouble()), b = s.px(352, bars[352].close.toDouble());
        QTest::mouseClick(s.chart.plot(), Qt::LeftButton, {}, a);
        QTest::mouseMove(s.chart.plot(), b);
        QMouseEvent dbl(QEvent::MouseButtonDblClick, QPointF(b), s.chart.plot()->mapToGlobal(QPointF(b)), Qt::LeftButton,
                        Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(s.chart.plot(), &dbl);
        QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, {}, b);
        QVERIFY(!s.chart.drawingTool());
        QCOMPARE(s.chart.drawings().size(), std::size_t{1});
        QCOMPARE(s.chart.drawings()[0].anchors[1].timeMs, bars[352].openTimeMs);
    }

    void selectMoveAndDelete() {
        // GIVEN a trend line
        const auto bars = ethHourly();
        Shown s(bars);
        s.chart.addDrawing(trendLine(bars, 350, 390));
        s.chart.renderNow();
        const Drawing before = s.chart.drawings()[0];
        const QPoint a = s.px(350, bars[350].low.toDouble()), b = s.px(390, bars[390].high.toDouble());
        const QPoint mid = (a + b) / 2;
        QSignalSpy changed(&s.chart, &CandleChart::drawingsChanged);
        // WHEN its body is dragged 5 bars right and 40 px up
        const double barPx = s.chart.timeAxis()->coordToPixel(1) - s.chart.timeAxis()->coordToPixel(0);
        const QPoint to = mid + QPoint(static_cast<int>(std::lround(5 * barPx)), -40);
        QTest::mousePress(s.chart.plot(), Qt::LeftButton, {}, mid);
        QCOMPARE(s.chart.selectedDrawing(), 0);
        QTest::mouseMove(s.chart.plot(), mid + QPoint(3, -5));
        QTest::mouseMove(s.chart.plot(), to);
        QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, {}, to);
        // THEN both anchors moved exactly 5 bars later and by the same price difference
        const Drawing& after = s.chart.drawings()[0];
        QCOMPARE(after.anchors[0].timeMs, bars[355].openTimeMs);
        QCOMPARE(after.anchors[1].timeMs, bars[395].openTimeMs);
        const double dp0 = after.anchors[0].price - before.anchors[0].price;
        const double dp1 = after.anchors[1].price - before.anchors[1].price;
        QVERIFY(dp0 > 0);
        QVERIFY(std::abs(dp0 - dp1) < 1e-6);
        QCOMPARE(changed.count(), 1);
        // WHEN one anchor is dragged on its own
        const QPoint end = s.chart.anchorToPixel(after.anchors[1]).toPoint();
        const QPoint endTo = s.px(398, bars[398].close.toDouble());
        QTest::mousePress(s.chart.plot(), Qt::LeftButton, {}, end);
        QTest::mouseMove(s.chart.plot(), endTo);
        QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, {}, endTo);
        QCOMPARE(s.chart.drawings()[0].anchors[0].timeMs, bars[355].openTimeMs);
        QCOMPARE(s.chart.drawings()[0].anchors[1].timeMs, bars[398].openTimeMs);
        // WHEN Delete is pressed with it selected
        QCOMPARE(s.chart.selectedDrawing(), 0);
        QTest::keyClick(&s.chart, Qt::Key_Delete);
        // THEN it is gone, and a click on empty chart selects nothing
        QVERIFY(s.chart.drawings().empty());
        QCOMPARE(s.chart.selectedDrawing(), -1);
        QCOMPARE(changed.count(), 3);
    }

    void propertiesDialogEditsWidthAndText() {
        const auto bars = ethHourly();
        Shown s(bars);
        s.chart.addDrawing(trendLine(bars, 350, 390));
        QSignalSpy changed(&s.chart, &CandleChart::drawingsChanged);
        // WHEN the dialog opens and the user sets width 5 and a label, then OK
        bool seen = false;
        QTimer::singleShot(0, &s.chart, [&] {
            auto* dlg = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (dlg == nullptr || dlg->objectName() != QStringLiteral("DrawingDialog")) return;
            seen = true;
            dlg->findChild<QSpinBox*>(QStringLiteral("width"))->setValue(5);
            dlg->findChild<QLineEdit*>(QStringLiteral("text"))->setText(QStringLiteral("support"));
            dlg->accept();
        });
        QVERIFY(s.chart.editDrawing(0));
        // THEN the drawing has them, its anchors and colour unchanged
        QVERIFY(seen);
        QCOMPARE(s.chart.drawings()[0].width, 5);
        QCOMPARE(s.chart.drawings()[0].text, std::string("support"));
        QVERIFY(s.chart.drawings()[0].anchors == trendLine(bars, 350, 390).anchors);
        QCOMPARE(s.chart.drawings()[0].colour, std::string("#ff00ff"));
        QCOMPARE(changed.count(), 1);
        QVERIFY(!s.chart.editDrawing(7));
    }

    void ctrlDragClonesAndCtrlCVCopies() {
        const auto bars = ethHourly();
        Shown s(bars);
        s.chart.addDrawing(trendLine(bars, 350, 390));
        s.chart.renderNow();
        const QPoint a = s.px(350, bars[350].low.toDouble()), b = s.px(390, bars[390].high.toDouble());
        const QPoint mid = (a + b) / 2;
        // Ctrl+click without a drag: nothing is cloned
        QTest::mouseClick(s.chart.plot(), Qt::LeftButton, Qt::ControlModifier, mid);
        QCOMPARE(s.chart.drawings().size(), std::size_t{1});
        QCOMPARE(s.chart.selectedDrawing(), 0);
        // Ctrl+drag: the original stays, a copy moves 40 px down
        QTest::mousePress(s.chart.plot(), Qt::LeftButton, Qt::ControlModifier, mid);
        QTest::mouseMove(s.chart.plot(), mid + QPoint(0, 40));
        QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, Qt::ControlModifier, mid + QPoint(0, 40));
        QCOMPARE(s.chart.drawings().size(), std::size_t{2});
        QVERIFY(s.chart.drawings()[0].anchors == trendLine(bars, 350, 390).anchors);
        QVERIFY(s.chart.drawings()[1].anchors[0].price < s.chart.drawings()[0].anchors[0].price);
        QCOMPARE(s.chart.drawings()[1].anchors[0].timeMs, s.chart.drawings()[0].anchors[0].timeMs);
        QCOMPARE(s.chart.selectedDrawing(), 1);
        // Ctrl+C, Ctrl+V: a third, equal to the copied one, selected
        QTest::keyClick(&s.chart, Qt::Key_C, Qt::ControlModifier);
        QTest::keyClick(&s.chart, Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(s.chart.drawings().size(), std::size_t{3});
        QVERIFY(s.chart.drawings()[2].anchors == s.chart.drawings()[1].anchors);
        QCOMPARE(s.chart.selectedDrawing(), 2);
    }

    void magnetSnapsToTheHighOfTheBarUnderTheCursor() {
        const auto bars = ethHourly();
        Shown s(bars);
        s.chart.setMagnet(true);
        s.chart.setDrawingTool(DrawingKind::HorizontalLine);
        // WHEN clicking 3 px above bar 372's high
        const QPoint p = s.px(372, bars[372].high.toDouble()) + QPoint(0, -3);
        QTest::mouseClick(s.chart.plot(), Qt::LeftButton, {}, p);
        // THEN the line's price is exactly the high
        QCOMPARE(s.chart.drawings().size(), std::size_t{1});
        QCOMPARE(s.chart.drawings()[0].anchors[0].price, bars[372].high.toDouble());
        QCOMPARE(s.chart.drawings()[0].anchors[0].timeMs, bars[372].openTimeMs);
        // AND without the magnet the same click keeps the cursor's price
        s.chart.setMagnet(false);
        QVERIFY(s.chart.pixelToAnchor(p).price > bars[372].high.toDouble());
    }

    void drawingsPersistAcrossARestart() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kairos.sqlite"));
        const auto bars = ethHourly();
        std::vector<Drawing> saved;
        {
            // GIVEN a chart on a profile database, with drawings made by mouse and by the API
            auto db = storage::Database::open(path);
            QVERIFY2(db.ok(), db.ok() ? "" : db.message().c_str());
            storage::DrawingStore store(**db);
            Shown s(bars, &store);
            s.chart.setDrawingTool(DrawingKind::FibRetracement);
            const QPoint p1 = s.px(350, bars[350].low.toDouble()), p2 = s.px(390, bars[390].high.toDouble());
            QTest::mousePress(s.chart.plot(), Qt::LeftButton, {}, p1);
            QTest::mouseMove(s.chart.plot(), p2);
            QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, {}, p2);
            Drawing note;
            note.kind = DrawingKind::Text;
            note.anchors = {{bars[360].openTimeMs, bars[360].high.toDouble()}};
            note.text = "retest";
            note.colour = "#ffeb3b";
            s.chart.addDrawing(note);
            s.chart.addDrawing(trendLine(bars, 341, 399, "#00e5ff"));
            saved = s.chart.drawings();
            QCOMPARE(saved.size(), std::size_t{3});
            for (const auto& d : saved) QVERIFY(d.id > 0);  // written through
        }                                                   // WHEN the application closes and starts again
        auto db = storage::Database::open(path);
        QVERIFY(db.ok());
        storage::DrawingStore store(**db);
        Shown s(bars, &store);
        // THEN the drawings reappear identical and are drawn where they were
        QVERIFY(s.chart.drawings() == saved);
        QVERIFY(s.chart.drawingProblems().isEmpty());
        const QPoint a = s.px(341, bars[341].low.toDouble()), b = s.px(399, bars[399].high.toDouble());
        QVERIFY(colourNear(s.image(), (a + b) / 2, QColor("#00e5ff")));
        // AND another instrument has none of them
        s.chart.setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
        QVERIFY(s.chart.drawings().empty());
        s.chart.setInstrument(kEth);
        QCOMPARE(s.chart.drawings().size(), std::size_t{3});
    }

    void unknownStoredKindsAreReportedNotShown() {
        QTemporaryDir dir;
        auto db = storage::Database::open(dir.filePath(QStringLiteral("kairos.sqlite")));
        QVERIFY(db.ok());
        QVERIFY((*db)
                    ->exec("INSERT INTO chart_drawings (venue, symbol, kind, points, colour, width, text, created_at) VALUES "
                           "('BINANCE','ETHUSDT','gann_fan','1 2;3 4','#ffffff',1,'',0),"
                           "('BINANCE','ETHUSDT','trend_line','garbage','#ffffff',1,'',0)")
                    .ok());
        storage::DrawingStore store(**db);
        const auto bars = ethHourly();
        Shown s(bars, &store);
        s.chart.addDrawing(trendLine(bars, 350, 360));
        QCOMPARE(s.chart.drawings().size(), std::size_t{1});
        QCOMPARE(s.chart.drawingProblems().size(), 2);
        QVERIFY(s.chart.drawingProblems()[0].contains(QStringLiteral("gann_fan")));
        (void)s.image();  // renders without the unreadable rows
    }

    void drawingsKeepTheirTimesAcrossATimeframeChange() {
        // GIVEN a vertical line on the 1h bar of 2025-07-01 12:00 UTC
        const auto bars = ethHourly();
        Shown s(bars);
        Drawing v;
        v.kind = DrawingKind::VerticalLine;
        const std::int64_t t = bars[300].openTimeMs;
        v.anchors = {{t, bars[300].close.toDouble()}};
        s.chart.addDrawing(v);
        // WHEN the chart switches to 4h bars built from the same hours
        std::vector<Bar> h4;
        for (std::size_t i = 0; i + 4 <= bars.size(); i += 4) {
            if (bars[i].openTimeMs % (4 * 3600000) != 0) continue;
            Bar b = bars[i];
            for (std::size_t k = 1; k < 4; ++k) {
                b.high = std::max(b.high, bars[i + k].high);
                b.low = std::min(b.low, bars[i + k].low);
                b.close = bars[i + k].close;
            }
            h4.push_back(b);
        }
        s.chart.setTimeframe(Timeframe::H4);
        s.chart.setBars(h4);
        s.chart.renderNow();
        // THEN the line's x is that time's position among the 4h bars (between bars, linear)
        const double idx = s.chart.series().indexOfTime(t, Timeframe::H4);
        QCOMPARE(s.chart.drawings()[0].anchors[0].timeMs, t);
        QCOMPARE(s.chart.anchorToPixel(s.chart.drawings()[0].anchors[0]).x(), s.chart.timeAxis()->coordToPixel(idx));
    }

    void signalArrowsAndTooltip() {
        const auto bars = ethHourly();
        Shown s(bars);
        signal::Signal longSig;
        longSig.barOpenMs = bars[370].openTimeMs;
        longSig.side = signal::Direction::Long;
        longSig.confidence = 72;
        longSig.entry = bars[370].close.toDouble();
        longSig.reasons = {"EMA 9 crossed above EMA 21"};
        signal::Signal shortSig = longSig;
        shortSig.barOpenMs = bars[380].openTimeMs;
        shortSig.side = signal::Direction::Short;
        s.chart.setSignals({longSig, shortSig});
        const QImage img = s.image();
        // THEN an up-coloured arrow sits under bar 370's low and a down-coloured one over bar 380's high
        const QPoint under = s.px(370, bars[370].low.toDouble()) + QPoint(0, 12);
        const QPoint over = s.px(380, bars[380].high.toDouble()) + QPoint(0, -12);
        QVERIFY(colourNear(img, under, s.chart.theme().up, 1));
        QVERIFY(colourNear(img, over, s.chart.theme().down, 1));
        const QString tip = CandleChart::signalTooltip(longSig, 2);
        QVERIFY(tip.contains(QStringLiteral("LONG")));
        QVERIFY(tip.contains(QStringLiteral("confidence 72%")));
        QVERIFY(tip.contains(QStringLiteral("EMA 9 crossed above EMA 21")));
    }

    void stopLossLineDragsAndReportsOnRelease() {
        const auto bars = ethHourly();
        Shown s(bars);
        const double entry = bars[399].close.toDouble();
        const double sl = entry * 0.99;
        s.chart.setOrderLines({{1, OrderLine::Kind::Entry, entry, QStringLiteral("Long 0.5"), false},
                               {2, OrderLine::Kind::StopLoss, sl, QStringLiteral("SL"), true}});
        QSignalSpy moved(&s.chart, &CandleChart::orderLineMoved);
        const QPoint from = s.px(360, sl);
        const QPoint to = from + QPoint(0, 25);
        QTest::mousePress(s.chart.plot(), Qt::LeftButton, {}, from);
        QTest::mouseMove(s.chart.plot(), from + QPoint(0, 10));
        QCOMPARE(moved.count(), 0);  // only on release
        QTest::mouseMove(s.chart.plot(), to);
        QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, {}, to);
        QCOMPARE(moved.count(), 1);
        QCOMPARE(moved[0][0].toInt(), 2);
        const double expected = s.chart.priceAxis()->pixelToCoord(to.y());
        QVERIFY(std::abs(moved[0][1].toDouble() - expected) < 1e-9);
        QCOMPARE(s.chart.orderLines()[1].price, moved[0][1].toDouble());
        // The entry line is not draggable: pressing on it pans instead.
        const double left = s.chart.visibleLeft();
        const QPoint e = s.px(360, entry);
        QTest::mousePress(s.chart.plot(), Qt::LeftButton, {}, e);
        QTest::mouseMove(s.chart.plot(), e + QPoint(60, 0));
        QTest::mouseRelease(s.chart.plot(), Qt::LeftButton, {}, e + QPoint(60, 0));
        QCOMPARE(s.chart.orderLines()[0].price, entry);
        QVERIFY(s.chart.visibleLeft() < left);
    }

    void exportedPngHasThePlotSizeAndCandleColours() {
        const auto bars = ethHourly();
        Shown s(bars);
        s.chart.addDrawing(trendLine(bars, 350, 390));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("chart.png"));
        QVERIFY(s.chart.exportPng(path));
        QImage img(path);
        QVERIFY(!img.isNull());
        QCOMPARE(img.size(), s.chart.plot()->size());
        // An up candle with a tall body: its centre is the up colour.
        int checked = 0;
        for (std::size_t i = 342; i < 398 && checked == 0; ++i) {
            const double o = bars[i].open.toDouble(), c = bars[i].close.toDouble();
            if (c <= o) continue;
            const QPoint po = s.px(static_cast<double>(i), o), pc = s.px(static_cast<double>(i), c);
            if (po.y() - pc.y() < 8 || (po.y() + pc.y()) / 2 < s.chart.priceRect()->rect().top() + 60) continue;
            const QPoint mid(po.x(), (po.y() + pc.y()) / 2);
            const QPoint a = s.px(350, bars[350].low.toDouble()), b = s.px(390, bars[390].high.toDouble());
            // not under the drawing
            const double t = (mid.x() - a.x()) / static_cast<double>(b.x() - a.x());
            if (t > 0 && t < 1 && std::abs(a.y() + t * (b.y() - a.y()) - mid.y()) < 6) continue;
            QVERIFY2(sameRgb(img.pixelColor(mid), s.chart.theme().up), qPrintable(img.pixelColor(mid).name()));
            ++checked;
        }
        QCOMPARE(checked, 1);
        QVERIFY(!s.chart.exportPng(dir.filePath(QStringLiteral("no/such/dir/chart.png"))));
    }
    void altShortcutsReachTheChartBeforeWindowShortcuts() {
        // GIVEN a window whose menu bar has &Trade and an Alt+H action (the main window's habits)
        QMainWindow win;
        win.resize(1000, 700);
        win.menuBar()->addMenu(QStringLiteral("&Trade"));
        QAction* help = win.menuBar()->addAction(QStringLiteral("Help"));
        help->setShortcut(QKeySequence(Qt::ALT | Qt::Key_H));
        QSignalSpy helpSpy(help, &QAction::triggered);
        auto* chart = new CandleChart;
        win.setCentralWidget(chart);
        chart->setBars(ethHourly());
        win.show();
        QVERIFY(QTest::qWaitForWindowExposed(&win));
        win.activateWindow();
        chart->setFocus();
        // WHEN Alt+H is typed on the chart
        QTest::keyClick(chart, Qt::Key_H, Qt::AltModifier);
        // THEN the chart arms the horizontal line, the window's action does not fire
        QVERIFY(chart->drawingTool() == std::optional<DrawingKind>(DrawingKind::HorizontalLine));
        QCOMPARE(helpSpy.count(), 0);
        QTest::keyClick(chart, Qt::Key_Escape);
        QVERIFY(!chart->drawingTool());
    }
};

QTEST_MAIN(ChartDrawingsTest)
#include "chart_drawings_test.moc"
