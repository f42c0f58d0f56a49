// Indicators on the chart: values equal the indicator library's batch functions on real bars,
// also when fed live with forming-bar revisions; overlays and panes appear and go; the searchable
// menu and the settings dialog change what is drawn.
#include "candlechart.h"
#include "chartindicators.h"
#include "chartseries.h"
#include "indicatordialog.h"
#include "indicatorpicker.h"

#include "indicators/batch.h"
#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

using namespace kairos;
using namespace kairos::charts;

namespace {

std::vector<Bar> btcHourly(std::size_t count) {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    if (!r.ok()) qFatal("%s", r.message().c_str());
    std::vector<Bar> bars = r->bars;
    if (bars.size() > count) bars.erase(bars.begin(), bars.end() - static_cast<std::ptrdiff_t>(count));
    return bars;
}

bool sameValue(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

/// Compares an output (as plotted) with an expected array indexed like the series.
void expectOutput(const IndicatorValues& v, std::size_t output, const std::vector<double>& expected, const char* what) {
    for (std::size_t i = 0; i < expected.size(); ++i)
        if (!sameValue(v.value(output, static_cast<std::int64_t>(i)), expected[i]))
            QFAIL(qPrintable(QStringLiteral("%1[%2]: %3 vs batch %4")
                                 .arg(QString::fromLatin1(what))
                                 .arg(i)
                                 .arg(v.value(output, static_cast<std::int64_t>(i)), 0, 'g', 17)
                                 .arg(expected[i], 0, 'g', 17)));
}

}  // namespace

class ChartIndicatorsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void valuesEqualTheBatchFunctions() {
        // GIVEN 3,000 real BTCUSDT 1h bars
        const auto bars = btcHourly(3000);
        ChartSeries s;
        s.assign(bars);
        const std::size_t n = s.size();
        std::vector<double> a(n), b(n), c(n), d(n), e(n);
        // EMA 20
        IndicatorValues ema(IndicatorConfig::defaults(QStringLiteral("ema")));
        ema.recompute(s);
        indicators::ema(s.close(), 20, a);
        expectOutput(ema, 0, a, "ema");
        // Bollinger 20/2: lower, middle, upper
        IndicatorValues bb(IndicatorConfig::defaults(QStringLiteral("bbands")));
        bb.recompute(s);
        indicators::bollinger(s.close(), 20, 2.0, a, b, c);
        expectOutput(bb, 0, a, "bb lower");
        expectOutput(bb, 1, b, "bb middle");
        expectOutput(bb, 2, c, "bb upper");
        // MACD 12/26/9 (the chart lists the histogram first)
        IndicatorValues macd(IndicatorConfig::defaults(QStringLiteral("macd")));
        macd.recompute(s);
        indicators::macd(s.close(), 12, 26, 9, a, b, c);
        expectOutput(macd, 0, c, "macd histogram");
        expectOutput(macd, 1, a, "macd line");
        expectOutput(macd, 2, b, "macd signal");
        // Ichimoku as plotted: senkou spans displaced forward, chikou back
        IndicatorValues ich(IndicatorConfig::defaults(QStringLiteral("ichimoku")));
        ich.recompute(s);
        indicators::ichimoku(s.high(), s.low(), s.close(), 9, 26, 52, 26, a, b, c, d, e);
        expectOutput(ich, 0, a, "tenkan");
        expectOutput(ich, 1, b, "kijun");
        expectOutput(ich, 2, c, "senkou a");
        expectOutput(ich, 3, d, "senkou b");
        // The batch chikou stops 26 bars before the end; the chart's has the same values there.
        std::vector<double> chikou(e.begin(), e.end() - 26);
        expectOutput(ich, 4, chikou, "chikou");
        // ...and the cloud reaches 26 bars past the last bar
        QVERIFY(!std::isnan(ich.value(2, static_cast<std::int64_t>(n) + 25)));
        QVERIFY(std::isnan(ich.value(2, static_cast<std::int64_t>(n) + 26)));
        // SuperTrend: the two coloured halves are the line split by direction
        IndicatorValues st(IndicatorConfig::defaults(QStringLiteral("supertrend")));
        st.recompute(s);
        indicators::superTrend(s.high(), s.low(), s.close(), 10, 3.0, a, b);
        for (std::size_t i = 0; i < n; ++i) {
            const double up = st.value(0, static_cast<std::int64_t>(i)), down = st.value(1, static_cast<std::int64_t>(i));
            QVERIFY(sameValue(b[i] > 0 ? up : down, b[i] > 0 || b[i] < 0 ? a[i] : std::nan("")));
        }
        // RSI, ATR, Stochastic, ADX, OBV, PSAR
        IndicatorValues rsi(IndicatorConfig::defaults(QStringLiteral("rsi")));
        rsi.recompute(s);
        indicators::rsi(s.close(), 14, a);
        expectOutput(rsi, 0, a, "rsi");
        IndicatorValues stoch(IndicatorConfig::defaults(QStringLiteral("stoch")));
        stoch.recompute(s);
        indicators::stochastic(s.high(), s.low(), s.close(), 14, 3, 3, a, b);
        expectOutput(stoch, 0, a, "stoch k");
        expectOutput(stoch, 1, b, "stoch d");
        IndicatorValues adx(IndicatorConfig::defaults(QStringLiteral("adx")));
        adx.recompute(s);
        indicators::directionalMovement(s.high(), s.low(), s.close(), 14, b, c, {}, a);
        expectOutput(adx, 0, a, "adx");
        expectOutput(adx, 1, b, "+di");
        expectOutput(adx, 2, c, "-di");
        IndicatorValues psar(IndicatorConfig::defaults(QStringLiteral("psar")));
        psar.recompute(s);
        indicators::psar(s.high(), s.low(), 0.02, 0.2, a);
        expectOutput(psar, 0, a, "psar");
    }

    void liveTicksGiveTheSameValuesAsBatch() {
        // GIVEN the last 2,000 real bars, fed to the chart as a live feed would: every bar
        // first appears forming (open only), is revised twice, then closes
        const auto bars = btcHourly(2000);
        CandleChart chart;
        chart.setBars({bars.begin(), bars.begin() + 1000});
        const int ids[] = {chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("ema"))),
                           chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("keltner"))),
                           chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("ichimoku"))),
                           chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("rsi"))),
                           chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("vwap"))),
                           chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("obv")))};
        for (std::size_t i = 1000; i < bars.size(); ++i) {
            Bar f = bars[i];
            f.closed = false;
            f.high = f.low = f.close = f.open;
            chart.updateLastBar(f);
            f.high = bars[i].high;
            f.close = bars[i].high;
            chart.updateLastBar(f);
            f.low = bars[i].low;
            f.close = bars[i].low;
            chart.updateLastBar(f);
            chart.updateLastBar(bars[i]);
        }
        // THEN every value equals a fresh computation over the final bars
        ChartSeries s;
        s.assign(bars);
        for (int id : ids) {
            IndicatorValues fresh(chart.indicatorConfig(id));
            fresh.recompute(s);
            const IndicatorValues* live = chart.indicatorValues(id);
            QVERIFY(live != nullptr);
            for (std::size_t j = 0; j < live->outputCount(); ++j)
                for (std::int64_t i = 0; i < static_cast<std::int64_t>(bars.size()) + 26; ++i)
                    QVERIFY2(
                        sameValue(live->value(j, i), fresh.value(j, i)),
                        qPrintable(QStringLiteral("%1 output %2 bar %3").arg(chart.indicatorConfig(id).label()).arg(j).arg(i)));
        }
    }

    void overlaysAndPanesOnTheChart() {
        const auto bars = btcHourly(1500);
        CandleChart chart;
        chart.resize(1200, 800);
        chart.setBars(bars);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const int rectsBefore = chart.plot()->axisRectCount();  // price + volume
        QCOMPARE(rectsBefore, 2);
        // WHEN an overlay and two pane indicators are added
        const int ema = chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("ema")));
        const int rsi = chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("rsi")));
        const int macd = chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("macd")));
        QVERIFY(ema > 0 && rsi > 0 && macd > 0);
        QCOMPARE(chart.addIndicator(IndicatorConfig::defaults(QStringLiteral("nonsense"))), 0);
        chart.renderNow();
        // THEN the overlay draws on the price pane and each oscillator gets a pane of its own
        QCOMPARE(chart.indicatorRect(ema), chart.priceRect());
        QCOMPARE(chart.plot()->axisRectCount(), 4);
        QVERIFY(chart.indicatorRect(rsi) != chart.priceRect());
        // sharing the time axis
        QCOMPARE(chart.indicatorRect(rsi)->axis(QCPAxis::atBottom)->range(), chart.timeAxis()->range());
        QCOMPARE(chart.indicatorRect(macd)->axis(QCPAxis::atBottom)->range(), chart.timeAxis()->range());
        // RSI's pane shows 0..100 (padded) with its 30/70 lines
        const QCPRange r = chart.indicatorRect(rsi)->axis(QCPAxis::atRight)->range();
        QVERIFY(r.lower < 0 && r.lower > -10 && r.upper > 100 && r.upper < 110);
        // the EMA graph holds the indicator's values at the visible bars
        QCPGraph* g = chart.indicatorGraph(ema, 0);
        QVERIFY(g != nullptr);
        const IndicatorValues* v = chart.indicatorValues(ema);
        int checked = 0;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it, ++checked)
            QVERIFY(sameValue(it->value, v->value(0, std::llround(it->key))));
        QVERIFY(checked > 100);
        // the price auto-scale includes the overlay
        bool found = false;
        QVERIFY(chart.priceAxis()->range().lower <= g->getValueRange(found, QCP::sdBoth, chart.timeAxis()->range()).lower);
        // a tick moves the overlay's last value
        Bar tick = bars.back();
        tick.close = *Price::parse("200000.00");
        tick.high = tick.close;
        const double before = v->value(0, static_cast<std::int64_t>(bars.size()) - 1);
        chart.updateLastBar(tick);
        chart.renderNow();
        const double after = v->value(0, static_cast<std::int64_t>(bars.size()) - 1);
        QVERIFY(after > before);
        QCOMPARE(g->data()->findBegin(static_cast<double>(bars.size() - 1), false)->value, after);
        // WHEN the RSI is removed its pane goes, and the others stay in order
        QVERIFY(chart.removeIndicator(rsi));
        QVERIFY(!chart.removeIndicator(rsi));
        QCOMPARE(chart.plot()->axisRectCount(), 3);
        QCOMPARE(chart.indicatorIds(), (std::vector<int>{ema, macd}));
        // WHEN the EMA's period changes, its values follow
        IndicatorConfig c = chart.indicatorConfig(ema);
        c.params[0] = 50;
        QVERIFY(chart.updateIndicator(ema, c));
        QCOMPARE(chart.indicatorConfig(ema).label(), QStringLiteral("EMA 50"));
        QVERIFY(std::isnan(chart.indicatorValues(ema)->value(0, 48)));
        QVERIFY(!std::isnan(chart.indicatorValues(ema)->value(0, 49)));
        chart.clearIndicators();
        QCOMPARE(chart.plot()->axisRectCount(), 2);
        QCOMPARE(chart.plot()->plottableCount(), 4);  // candles, line, volume up/down
    }

    void searchableMenuAddsIndicators() {
        CandleChart chart;
        chart.setBars(btcHourly(500));
        QTest::keyClick(&chart, Qt::Key_Slash);
        auto* picker = chart.findChild<IndicatorPicker*>();
        QVERIFY(picker != nullptr);
        picker->setFilter(QStringLiteral("moving"));
        const QStringList mas = picker->visibleNames();
        QVERIFY(mas.contains(QStringLiteral("sma")) && mas.contains(QStringLiteral("ema")) &&
                mas.contains(QStringLiteral("hma")));
        QVERIFY(!mas.contains(QStringLiteral("rsi")));
        picker->setFilter(QStringLiteral("cloud"));
        QCOMPARE(picker->visibleNames(), QStringList{QStringLiteral("ichimoku")});
        QSignalSpy changed(&chart, &CandleChart::indicatorsChanged);
        QTest::keyClick(picker->searchBox(), Qt::Key_Return);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(chart.indicatorConfig(chart.indicatorIds().front()).name, QStringLiteral("ichimoku"));
        picker->setFilter(QStringLiteral("rsi"));
        QVERIFY(picker->visibleNames().startsWith(QStringLiteral("rsi")));
        picker->chooseCurrent();
        QCOMPARE(chart.indicatorIds().size(), std::size_t(2));
        picker->close();
    }

    void settingsDialogEditsParametersAndColours() {
        IndicatorDialog dialog(IndicatorConfig::defaults(QStringLiteral("bbands")));
        QCOMPARE(dialog.paramEditor(0)->value(), 20.0);
        dialog.paramEditor(0)->setValue(30);
        dialog.paramEditor(1)->setValue(2.5);
        dialog.setColour(2, QColor(Qt::yellow));
        const IndicatorConfig c = dialog.config();
        QCOMPARE(c.params, (std::vector<double>{30, 2.5}));
        QCOMPARE(c.colours[2], QColor(Qt::yellow));
        QCOMPARE(c.label(), QStringLiteral("BB 30 2.5"));
        // configs survive a JSON round trip and bad values are clamped
        QCOMPARE(IndicatorConfig::fromJson(c.toJson()).value(), c);
        IndicatorConfig bad = c;
        bad.params = {-5, 1e9};
        QCOMPARE(bad.normalised().params, (std::vector<double>{1, 10}));
    }
};

QTEST_MAIN(ChartIndicatorsTest)
#include "chart_indicators_test.moc"
