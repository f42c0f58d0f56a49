// CandleChart rendered offscreen with real bars: candle colours at computed pixel positions,
// auto-scaled price range, live ticks, repaint coalescing, chart types, mouse and keyboard.
#include "candlechart.h"
#include "chartseries.h"

#include "indicators/batch.h"
#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QSignalSpy>
#include <QtTest>

#include <qcustomplot.h>

#include <algorithm>

using namespace kairos;
using namespace kairos::charts;

namespace {

std::vector<Bar> ethHourly() {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    if (!r.ok()) qFatal("%s", r.message().c_str());
    return r->bars;
}

bool sameRgb(QColor a, QColor b) { return a.red() == b.red() && a.green() == b.green() && a.blue() == b.blue(); }

struct Shown {
    CandleChart chart;
    explicit Shown(const std::vector<Bar>& bars, QSize size = QSize(1000, 640)) {
        chart.resize(size);
        chart.setInstrument(InstrumentId{"BINANCE", "ETHUSDT"});
        chart.setTimeframe(Timeframe::H1);
        chart.setBars(bars);
        chart.show();
        if (!QTest::qWaitForWindowExposed(&chart)) qFatal("chart not exposed");
        chart.renderNow();
    }
};

}  // namespace

class ChartRenderTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void candleBodiesHaveTheDirectionColour() {
        // GIVEN 400 real ETHUSDT 1h bars, the last 60 in view
        auto bars = ethHourly();
        bars.resize(400);
        Shown s(bars);
        s.chart.setVisibleRange(339.5, 399.5);
        s.chart.renderNow();
        // WHEN the chart is rendered to an offscreen pixmap
        const QImage img = s.chart.plot()->toPixmap().toImage();
        const ChartTheme& theme = s.chart.theme();
        const QRect inner = s.chart.priceRect()->rect();
        const double lastY = s.chart.priceAxis()->coordToPixel(bars.back().close.toDouble());
        int up = 0, down = 0;
        for (std::size_t i = 340; i < 400; ++i) {
            const double o = bars[i].open.toDouble(), c = bars[i].close.toDouble();
            const double yo = s.chart.priceAxis()->coordToPixel(o), yc = s.chart.priceAxis()->coordToPixel(c);
            if (std::fabs(yo - yc) < 5) continue;  // body too thin to sample its inside
            const int x = static_cast<int>(std::lround(s.chart.timeAxis()->coordToPixel(static_cast<double>(i))));
            const int y = static_cast<int>(std::lround((yo + yc) / 2));
            if (y < inner.top() + 40 || std::fabs(y - lastY) < 3) continue;  // legend text, last-price line
            // THEN the body's centre pixel is the up colour for a rising bar, the down colour for a falling one
            const QColor expected = c >= o ? theme.up : theme.down;
            QVERIFY2(sameRgb(img.pixelColor(x, y), expected),
                     qPrintable(QStringLiteral("bar %1 at (%2,%3): %4, expected %5")
                                    .arg(i)
                                    .arg(x)
                                    .arg(y)
                                    .arg(img.pixelColor(x, y).name(), expected.name())));
            (c >= o ? up : down) += 1;
        }
        QVERIFY2(up >= 10 && down >= 10, qPrintable(QStringLiteral("%1 up, %2 down checked").arg(up).arg(down)));
        // AND between two candles the background shows through
        const int gapX = static_cast<int>(std::lround(s.chart.timeAxis()->coordToPixel(370.5)));
        const QColor bg = img.pixelColor(gapX, inner.top() + 45);
        QVERIFY(!sameRgb(bg, theme.up) && !sameRgb(bg, theme.down));
    }

    void autoScaleFitsTheVisibleBars() {
        const auto bars = ethHourly();
        Shown s(bars);
        // WHEN the view shows bars 1000..1199
        s.chart.setVisibleRange(999.5, 1199.5);
        s.chart.renderNow();
        // THEN the price range is their lowest low to highest high, padded by autoScalePadding()
        double lo = 1e300, hi = -1e300;
        for (std::size_t i = 1000; i < 1200; ++i) {
            lo = std::min(lo, bars[i].low.toDouble());
            hi = std::max(hi, bars[i].high.toDouble());
        }
        const double pad = (hi - lo) * CandleChart::autoScalePadding();
        QCOMPARE(s.chart.priceAxis()->range().lower, lo - pad);
        QCOMPARE(s.chart.priceAxis()->range().upper, hi + pad);
        QCOMPARE(s.chart.timeAxis()->range().lower, 999.5);
        QCOMPARE(s.chart.timeAxis()->range().upper, 1199.5);
        // AND the volume pane's range starts at zero and holds the largest visible volume
        double vmax = 0;
        for (std::size_t i = 1000; i < 1200; ++i) vmax = std::max(vmax, bars[i].volume.toDouble());
        QVERIFY(s.chart.volumeRect() != nullptr);
        const QCPRange vr = s.chart.volumeRect()->axis(QCPAxis::atRight)->range();
        QCOMPARE(vr.lower, 0.0);
        QVERIFY(vr.upper >= vmax);
        // AND a manual price scale stays put when panning until auto-scale is back on
        s.chart.setAutoScale(false);
        s.chart.priceAxis()->setRange(1000, 2000);
        s.chart.scrollBars(50);
        s.chart.renderNow();
        QCOMPARE(s.chart.priceAxis()->range().lower, 1000.0);
        s.chart.setAutoScale(true);
        s.chart.renderNow();
        QVERIFY(s.chart.priceAxis()->range().lower > 1000.0 || s.chart.priceAxis()->range().upper < 2000.0);
    }

    void aTickMovesTheLastClose() {
        auto bars = ethHourly();
        const Bar next = bars.back();
        bars.pop_back();
        Shown s(bars);
        s.chart.setVisibleRange(bars.size() - 40.5, bars.size() + 3.5);
        s.chart.renderNow();
        auto* fin = qobject_cast<QCPFinancial*>(s.chart.plot()->plottable(0));
        QVERIFY(fin != nullptr);
        const int before = s.chart.barCount();
        // GIVEN a forming bar appended by a tick
        Bar forming = next;
        forming.closed = false;
        forming.high = forming.open;
        forming.low = forming.open;
        forming.close = forming.open;
        s.chart.updateLastBar(forming);
        QCOMPARE(s.chart.barCount(), before + 1);
        // WHEN ticks move its close (a rising tick, then the real close)
        Bar t1 = forming;
        t1.close = *Price::parse("4000.00");
        t1.high = std::max(t1.high, t1.close);
        s.chart.updateLastBar(t1);
        QCOMPARE(s.chart.barCount(), before + 1);  // revised in place, not appended
        s.chart.renderNow();
        // THEN the last drawn candle closes at the tick's price
        QCOMPARE((fin->data()->constEnd() - 1)->close, 4000.0);
        QCOMPARE((fin->data()->constEnd() - 1)->key, static_cast<double>(before));
        // AND its body reaches that price on screen, in the up colour
        const QImage img = s.chart.plot()->toPixmap().toImage();
        const int x = static_cast<int>(std::lround(s.chart.timeAxis()->coordToPixel(before)));
        const double yClose = s.chart.priceAxis()->coordToPixel(4000.0),
                     yOpen = s.chart.priceAxis()->coordToPixel(forming.open.toDouble());
        if (yOpen - yClose > 6) QVERIFY(sameRgb(img.pixelColor(x, static_cast<int>((yOpen + yClose) / 2)), s.chart.theme().up));
        Bar closed = next;
        s.chart.updateLastBar(closed);
        s.chart.renderNow();
        QCOMPARE((fin->data()->constEnd() - 1)->close, next.close.toDouble());
        QCOMPARE(s.chart.series().close().back(), next.close.toDouble());
        QVERIFY(s.chart.series().lastClosed());
    }

    void repaintIsCoalescedToOneFramePerTickBurst() {
        auto bars = ethHourly();
        Shown s(bars);
        QSignalSpy frames(&s.chart, &CandleChart::frameRendered);
        Bar b = bars.back();
        b.closed = false;
        // WHEN a thousand ticks arrive within one frame
        for (int i = 0; i < 1000; ++i) {
            b.close = *Price::fromRawChecked(b.open.raw() + i, b.open.scale());
            b.high = std::max(b.high, b.close);
            s.chart.updateLastBar(b);
        }
        // THEN the chart draws them in one frame
        QVERIFY(frames.wait(2000));
        QCOMPARE(frames.count(), 1);
        QCOMPARE(s.chart.series().close().back(), b.close.toDouble());
    }

    void newBarsFollowTheLatestWhenAtTheEnd() {
        auto bars = ethHourly();
        const std::vector<Bar> tail(bars.end() - 5, bars.end());
        bars.resize(bars.size() - 5);
        Shown s(bars);
        const double span = s.chart.visibleRight() - s.chart.visibleLeft();
        const double r0 = s.chart.visibleRight();
        for (const Bar& b : tail) s.chart.updateLastBar(b);
        QCOMPARE(s.chart.visibleRight(), r0 + 5);
        QCOMPARE(s.chart.visibleRight() - s.chart.visibleLeft(), span);
        // A view scrolled back into history stays where it is.
        s.chart.scrollBars(-200);
        const double r1 = s.chart.visibleRight();
        Bar more = tail.back();
        more.openTimeMs += 3600000;
        s.chart.updateLastBar(more);
        QCOMPARE(s.chart.visibleRight(), r1);
    }

    void chartTypesAndHeikinAshi() {
        auto bars = ethHourly();
        Shown s(bars);
        auto* fin = qobject_cast<QCPFinancial*>(s.chart.plot()->plottable(0));
        // Alt+1 / Alt+2 / Alt+3 / Alt+4: bars, candles, line, Heikin-Ashi
        QTest::keyClick(&s.chart, Qt::Key_1, Qt::AltModifier);
        QVERIFY(s.chart.chartType() == ChartType::Bars);
        s.chart.renderNow();
        QCOMPARE(fin->chartStyle(), QCPFinancial::csOhlc);
        QTest::keyClick(&s.chart, Qt::Key_3, Qt::AltModifier);
        QVERIFY(s.chart.chartType() == ChartType::Line);
        s.chart.renderNow();
        QVERIFY(!fin->visible());
        QTest::keyClick(&s.chart, Qt::Key_2, Qt::AltModifier);
        QVERIFY(s.chart.chartType() == ChartType::Candles);
        QTest::keyClick(&s.chart, Qt::Key_4, Qt::AltModifier);
        QVERIFY(s.chart.chartType() == ChartType::HeikinAshi);
        s.chart.renderNow();
        // Heikin-Ashi candles equal the indicator library's batch Heikin-Ashi of the bars
        const ChartSeries& ser = s.chart.series();
        const std::size_t n = ser.size();
        std::vector<double> ho(n), hh(n), hl(n), hc(n);
        indicators::heikinAshi(ser.open(), ser.high(), ser.low(), ser.close(), ho, hh, hl, hc);
        QVERIFY(fin->visible());
        int checked = 0;
        for (auto it = fin->data()->constBegin(); it != fin->data()->constEnd(); ++it, ++checked) {
            const auto i = static_cast<std::size_t>(std::llround(it->key));
            QCOMPARE(it->open, ho[i]);
            QCOMPARE(it->high, hh[i]);
            QCOMPARE(it->low, hl[i]);
            QCOMPARE(it->close, hc[i]);
        }
        QVERIFY(checked > 50);
    }

    void keyboardNavigation() {
        auto bars = ethHourly();
        Shown s(bars);
        const double span = s.chart.visibleRight() - s.chart.visibleLeft();
        const double right = s.chart.visibleRight();
        QTest::keyClick(&s.chart, Qt::Key_Left);
        QCOMPARE(s.chart.visibleRight(), right - 1);
        QTest::keyClick(&s.chart, Qt::Key_Right);
        QCOMPARE(s.chart.visibleRight(), right);
        QTest::keyClick(&s.chart, Qt::Key_Minus);
        QVERIFY(s.chart.visibleRight() - s.chart.visibleLeft() > span);
        QTest::keyClick(&s.chart, Qt::Key_Plus);
        QVERIFY(std::fabs(s.chart.visibleRight() - s.chart.visibleLeft() - span) < 1e-9);
        QSignalSpy history(&s.chart, &CandleChart::historyNeeded);
        QTest::keyClick(&s.chart, Qt::Key_Home);
        QVERIFY(s.chart.visibleLeft() < 0);
        QCOMPARE(history.count(), 1);  // scrolling past the oldest bar asks for more history
        QCOMPARE(history.first().first().value<std::int64_t>(), bars.front().openTimeMs);
        QTest::keyClick(&s.chart, Qt::Key_End);
        QVERIFY(s.chart.visibleRight() > static_cast<double>(bars.size() - 1));
        QTest::keyClick(&s.chart, Qt::Key_R, Qt::AltModifier);
        QCOMPARE(s.chart.visibleRight() - s.chart.visibleLeft(), static_cast<double>(s.chart.defaultVisibleBars() + 4));
    }

    void mouseZoomPanAndReset() {
        auto bars = ethHourly();
        Shown s(bars);
        QWidget* plot = s.chart.plot();
        const QRect inner = s.chart.priceRect()->rect();
        const double span0 = s.chart.visibleRight() - s.chart.visibleLeft();
        // Wheel up at the centre zooms in around the bar under the cursor.
        const QPointF centre = inner.center();
        const double anchor = s.chart.timeAxis()->pixelToCoord(centre.x());
        QWheelEvent wheel(centre, plot->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(plot, &wheel);
        const double span1 = s.chart.visibleRight() - s.chart.visibleLeft();
        QVERIFY(span1 < span0);
        s.chart.renderNow();
        QVERIFY(std::fabs(s.chart.timeAxis()->pixelToCoord(centre.x()) - anchor) < 0.01);
        // Dragging right by 100 px moves the view back in time by 100 px worth of bars.
        const double left = s.chart.visibleLeft();
        const double perPx = span1 / inner.width();
        QTest::mousePress(plot, Qt::LeftButton, {}, inner.center());
        QMouseEvent move(QEvent::MouseMove, QPointF(inner.center() + QPoint(100, 0)),
                         plot->mapToGlobal(QPointF(inner.center() + QPoint(100, 0))), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QApplication::sendEvent(plot, &move);
        QTest::mouseRelease(plot, Qt::LeftButton, {}, inner.center() + QPoint(100, 0));
        QVERIFY(std::fabs(s.chart.visibleLeft() - (left - 100 * perPx)) < 1e-6);
        // Dragging the price axis turns auto-scale off; double-clicking it turns it back on.
        const QPoint axisPt(inner.right() + 10, inner.center().y());
        QTest::mousePress(plot, Qt::LeftButton, {}, axisPt);
        QMouseEvent drag(QEvent::MouseMove, QPointF(axisPt + QPoint(0, 40)), plot->mapToGlobal(QPointF(axisPt + QPoint(0, 40))),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(plot, &drag);
        QTest::mouseRelease(plot, Qt::LeftButton, {}, axisPt + QPoint(0, 40));
        QVERIFY(!s.chart.autoScale());
        QTest::mouseDClick(plot, Qt::LeftButton, {}, axisPt);
        QVERIFY(s.chart.autoScale());
        // Double-click in the plot resets the view.
        QTest::mouseDClick(plot, Qt::LeftButton, {}, inner.center());
        QCOMPARE(s.chart.visibleRight(), static_cast<double>(bars.size() - 1) + 4);
    }

    void olderHistoryDoesNotMoveTheView() {
        auto bars = ethHourly();
        const std::vector<Bar> older(bars.begin(), bars.begin() + 1000);
        const std::vector<Bar> newer(bars.begin() + 1000, bars.end());
        Shown s(newer);
        s.chart.setVisibleRange(-20.5, 79.5);
        s.chart.renderNow();
        const QCPRange y = s.chart.priceAxis()->range();
        QCOMPARE(s.chart.prependBars(older), std::size_t(1000));
        s.chart.renderNow();
        QCOMPARE(s.chart.barCount(), static_cast<int>(bars.size()));
        QCOMPARE(s.chart.series().firstIndex(), std::int64_t(-1000));
        // The same bars are at the same x: the view did not jump.
        QCOMPARE(s.chart.visibleLeft(), -20.5);
        QCOMPARE(s.chart.series().time()[s.chart.series().slot(0)], newer.front().openTimeMs);
        QVERIFY(s.chart.priceAxis()->range().lower <= y.lower);  // now includes 20 older bars
    }
};

QTEST_MAIN(ChartRenderTest)
#include "chart_render_test.moc"
