// Renders each chart type (and, as the chart grows, panes and layouts) with real bars. Always
// checks that the picture is not blank; with KAIROS_CHART_SCREENSHOTS=<dir> it also saves the
// PNGs there, for a look by eye under Xvfb:
//   KAIROS_CHART_SCREENSHOTS=/tmp/shots xvfb-run -a -s "-screen 0 1600x900x24" ./ui_chart_screenshot_test
#include "candlechart.h"
#include "chartseries.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QDir>
#include <QtTest>

#include <qcustomplot.h>

using namespace kairos;
using namespace kairos::charts;

namespace {
std::vector<Bar> load(const char* file) {
    auto r = marketdata::readBarsCsv(test::resourcesData(file));
    if (!r.ok()) qFatal("%s", r.message().c_str());
    return r->bars;
}

/// Distinct colours in a coarse sample of the image (a blank chart has one or two).
int colourCount(const QImage& img) {
    QSet<QRgb> seen;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3) seen.insert(img.pixel(x, y));
    return static_cast<int>(seen.size());
}

void save(QWidget& w, const QString& name) {
    const QString dir = qEnvironmentVariable("KAIROS_CHART_SCREENSHOTS");
    const QImage img = w.grab().toImage();
    QVERIFY2(colourCount(img) > 8, qPrintable(name + QStringLiteral(" looks blank")));
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    QVERIFY(img.save(QDir(dir).filePath(name + QStringLiteral(".png"))));
}
}  // namespace

class ChartScreenshotTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void eachChartType() {
        const auto bars = load("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
        for (ChartType type : {ChartType::Candles, ChartType::Bars, ChartType::Line, ChartType::HeikinAshi}) {
            for (const char* theme : {"dark", "light"}) {
                CandleChart chart;
                chart.resize(1400, 800);
                chart.setTheme(ChartTheme::byName(QString::fromLatin1(theme)));
                chart.setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
                chart.setTimeframe(Timeframe::H1);
                chart.setBars(bars);
                chart.setChartType(type);
                chart.show();
                QVERIFY(QTest::qWaitForWindowExposed(&chart));
                chart.renderNow();
                chart.renderNow();
                save(chart, QStringLiteral("chart_%1_%2").arg(toString(type), QString::fromLatin1(theme)));
            }
        }
    }

    void indicatorsAndPanes_data() {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QString>("theme");
        QTest::newRow("ema_bb_ichimoku_rsi_macd")
            << QStringList{"ema", "bbands", "ichimoku", "rsi", "macd"} << QStringLiteral("dark");
        QTest::newRow("keltner_donchian_vwap_stoch_atr")
            << QStringList{"keltner", "donchian", "vwap", "stoch", "atr"} << QStringLiteral("light");
        QTest::newRow("supertrend_psar_sma_adx_obv")
            << QStringList{"supertrend", "psar", "sma", "adx", "obv"} << QStringLiteral("dark");
    }
    void indicatorsAndPanes() {
        QFETCH(QStringList, names);
        QFETCH(QString, theme);
        const auto bars = load("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
        CandleChart chart;
        chart.resize(1400, 900);
        chart.setTheme(ChartTheme::byName(theme));
        chart.setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
        chart.setTimeframe(Timeframe::H1);
        chart.setBars(bars);
        for (const QString& n : names) QVERIFY(chart.addIndicator(IndicatorConfig::defaults(n)) > 0);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.renderNow();
        chart.renderNow();
        save(chart, QStringLiteral("chart_indicators_") + QString::fromLatin1(QTest::currentDataTag()));
    }

    void narrowChartWithPanes() {
        // A chart as narrow as one of a 3x2 layout: the legend wraps instead of running under the
        // price axis, and small panes leave out edge labels that would overlap their neighbours'.
        const auto bars = load("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
        CandleChart chart;
        chart.resize(520, 560);
        chart.setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
        chart.setTimeframe(Timeframe::H1);
        chart.setBars(bars);
        for (const char* n : {"bbands", "ichimoku", "macd", "stoch"})
            QVERIFY(chart.addIndicator(IndicatorConfig::defaults(QString::fromLatin1(n))) > 0);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.renderNow();
        chart.renderNow();
        save(chart, QStringLiteral("chart_narrow_panes"));
    }

    void zoomedOutAndCrosshair() {
        const auto bars = load("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
        CandleChart chart;
        chart.resize(1400, 800);
        chart.setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
        chart.setTimeframe(Timeframe::H1);
        chart.setBars(bars);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setVisibleRange(-1, static_cast<double>(bars.size()));
        chart.renderNow();
        chart.renderNow();
        QVERIFY(chart.barsPerCandle() > 1);
        // A mouse move draws the crosshair and the hovered candle's legend.
        const QPoint at = chart.priceRect()->rect().center();
        QMouseEvent move(QEvent::MouseMove, QPointF(at), chart.plot()->mapToGlobal(QPointF(at)), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(chart.plot(), &move);
        chart.renderNow();
        save(chart, QStringLiteral("chart_zoomed_out_crosshair"));
    }
    void drawingsMarkersAndFormula_data() {
        QTest::addColumn<QString>("theme");
        QTest::newRow("dark") << QStringLiteral("dark");
        QTest::newRow("light") << QStringLiteral("light");
    }
    void drawingsMarkersAndFormula() {
        // Every drawing kind, signal arrows, order lines and a formula pane on 150 real 1h bars.
        QFETCH(QString, theme);
        auto bars = load("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
        bars.resize(2000);
        CandleChart chart;
        chart.resize(1400, 900);
        chart.setTheme(ChartTheme::byName(theme));
        chart.setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
        chart.setTimeframe(Timeframe::H1);
        chart.setBars(bars);
        chart.setVisibleRange(1849.5, 1999.5 + 6);
        QVERIFY(chart.addIndicator(IndicatorConfig::fromFormula(QStringLiteral("ema(close, 9) - ema(close, 21)"))) > 0);
        auto at = [&](std::size_t i, double price) { return storage::DrawingAnchor{bars[i].openTimeMs, price}; };
        auto lo = [&](std::size_t i) { return bars[i].low.toDouble(); };
        auto hi = [&](std::size_t i) { return bars[i].high.toDouble(); };
        using K = storage::DrawingKind;
        auto add = [&](K kind, std::vector<storage::DrawingAnchor> anchors, const char* colour, std::string text = {}) {
            storage::Drawing d;
            d.kind = kind;
            d.anchors = std::move(anchors);
            d.colour = colour;
            d.width = 2;
            d.text = std::move(text);
            QVERIFY(chart.addDrawing(d) >= 0);
        };
        add(K::TrendLine, {at(1855, lo(1855)), at(1930, lo(1930))}, "#2962ff");
        add(K::Ray, {at(1860, hi(1860)), at(1900, hi(1900))}, "#ff6d00");
        add(K::HorizontalLine, {at(1900, hi(1950))}, "#e91e63");
        add(K::VerticalLine, {at(1975, lo(1975))}, "#787b86");
        add(K::Rectangle, {at(1940, hi(1945)), at(1965, lo(1960))}, "#7e57c2");
        add(K::FibRetracement, {at(1870, lo(1870)), at(1920, hi(1920))}, "#26a69a");
        add(K::ParallelChannel, {at(1930, lo(1930)), at(1990, lo(1990)), at(1960, hi(1960))}, "#ffb300");
        // A note in a colour that reads on the theme: yellow on dark, deep amber on light.
        add(K::Text, {at(1880, hi(1880))}, theme == QLatin1String("light") ? "#e65100" : "#ffeb3b", "breakout, then retest");
        add(K::Measure, {at(1975, lo(1975)), at(1995, hi(1995))}, "#2962ff");
        signal::Signal up;
        up.barOpenMs = bars[1890].openTimeMs;
        up.side = signal::Direction::Long;
        up.confidence = 71;
        signal::Signal down = up;
        down.barOpenMs = bars[1950].openTimeMs;
        down.side = signal::Direction::Short;
        chart.setSignals({up, down});
        const double last = bars[1999].close.toDouble();
        chart.setOrderLines({{1, OrderLine::Kind::Entry, last, QStringLiteral("Long 0.25"), false},
                             {2, OrderLine::Kind::StopLoss, last * 0.99, QStringLiteral("SL"), true},
                             {3, OrderLine::Kind::TakeProfit, last * 1.015, QStringLiteral("TP1"), true}});
        chart.selectDrawing(0);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.renderNow();
        chart.renderNow();
        save(chart, QStringLiteral("chart_drawings_") + theme);
        const QString dir = qEnvironmentVariable("KAIROS_CHART_SCREENSHOTS");
        if (!dir.isEmpty())
            QVERIFY(chart.exportPng(QDir(dir).filePath(QStringLiteral("chart_export_") + theme + QStringLiteral(".png"))));
    }
};

QTEST_MAIN(ChartScreenshotTest)
#include "chart_screenshot_test.moc"
