// Renders each chart type (and, as the chart grows, panes and layouts) with real bars. Always
// checks that the picture is not blank; with KAIROS_CHART_SCREENSHOTS=<dir> it also saves the
// PNGs there, for a look by eye under Xvfb:
//   KAIROS_CHART_SCREENSHOTS=/tmp/shots xvfb-run -a -s "-screen 0 1600x900x24" ./ui_chart_screenshot_test
#include "candlechart.h"

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
        QTest::newRow("ema_bb_ichimoku_rsi_macd") << QStringList{"ema", "bbands", "ichimoku", "rsi", "macd"} << QStringLiteral("dark");
        QTest::newRow("keltner_donchian_vwap_stoch_atr") << QStringList{"keltner", "donchian", "vwap", "stoch", "atr"} << QStringLiteral("light");
        QTest::newRow("supertrend_psar_sma_adx_obv") << QStringList{"supertrend", "psar", "sma", "adx", "obv"} << QStringLiteral("dark");
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
        QMouseEvent move(QEvent::MouseMove, QPointF(at), chart.plot()->mapToGlobal(QPointF(at)), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(chart.plot(), &move);
        chart.renderNow();
        save(chart, QStringLiteral("chart_zoomed_out_crosshair"));
    }
};

QTEST_MAIN(ChartScreenshotTest)
#include "chart_screenshot_test.moc"
