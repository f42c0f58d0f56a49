// Formula indicators on the chart: the picker offers "Custom formula…", the dialog shows a syntax
// error with its column and a caret and keeps OK disabled, a valid formula becomes a pane (or an
// overlay) whose values equal the core Formula's batch evaluation on the same real bars, and
// its live update follows a tick.
#include "candlechart.h"
#include "chartindicators.h"
#include "formuladialog.h"
#include "indicatorpicker.h"

#include "indicators/columns.h"
#include "indicators/formula.h"
#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

using namespace kairos;
using namespace kairos::charts;

namespace {
std::vector<Bar> ethHourly() {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    if (!r.ok()) qFatal("%s", r.message().c_str());
    r->bars.resize(500);
    return r->bars;
}

}  // namespace

class ChartFormulaTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pickerOffersCustomFormula() {
        IndicatorPicker picker;
        picker.setFilter(QStringLiteral("formula"));
        const QStringList names = picker.visibleNames();
        QVERIFY(names.contains(formulaPaneName()));
        QVERIFY(names.contains(formulaOverlayName()));
    }

    void dialogShowsTheErrorColumnAndBlocksOk() {
        FormulaDialog dlg(IndicatorConfig::fromFormula(QString()));
        QVERIFY(!dlg.okButton()->isEnabled());  // empty
        // WHEN a formula with a missing comma is typed
        dlg.formulaEdit()->setText(QStringLiteral("ema(close 9)"));
        // THEN the error names column 11, a caret sits under it, OK is disabled
        QCOMPARE(dlg.error(), QStringLiteral("column 11: expected ',' and a period: ema(series, period)"));
        const QStringList lines = dlg.errorLabel()->text().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("ema(close 9)"));
        QCOMPARE(lines[1].indexOf(QLatin1Char('^')), 10);
        QVERIFY(lines[2].startsWith(QStringLiteral("column 11")));
        QVERIFY(!dlg.okButton()->isEnabled());
        QCOMPARE(dlg.formulaEdit()->cursorPosition(), 10);
        // WHEN it is fixed
        dlg.formulaEdit()->setText(QStringLiteral("ema(close, 9) - ema(close, 21)"));
        QVERIFY(dlg.error().isEmpty());
        QVERIFY(dlg.okButton()->isEnabled());
        dlg.overlayBox()->setChecked(true);
        const IndicatorConfig c = dlg.config();
        QCOMPARE(c.name, formulaOverlayName());
        QCOMPARE(c.formula, QStringLiteral("ema(close, 9) - ema(close, 21)"));
    }

    void formulaPaneEqualsTheCoreEvaluationAndFollowsTicks() {
        const auto bars = ethHourly();
        CandleChart chart;
        chart.resize(1000, 700);
        chart.setInstrument(InstrumentId{"BINANCE", "ETHUSDT"});
        chart.setTimeframe(Timeframe::H1);
        std::vector<Bar> history(bars.begin(), bars.end() - 1);
        chart.setBars(history);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        // A formula that does not parse is refused.
        QCOMPARE(chart.addIndicator(IndicatorConfig::fromFormula(QStringLiteral("ema(close 9)"))), 0);
        const QString text = QStringLiteral("ema(close, 9) - ema(close, 21)");
        const int panesBefore = chart.plot()->axisRectCount();
        const int id = chart.addIndicator(IndicatorConfig::fromFormula(text));
        QVERIFY(id > 0);
        QCOMPARE(chart.plot()->axisRectCount(), panesBefore + 1);  // a pane of its own
        QVERIFY(chart.indicatorRect(id) != chart.priceRect());
        QVERIFY(chart.indicatorConfig(id).label().contains(text));
        chart.renderNow();
        // THEN its values equal the core formula's batch evaluation, bar for bar
        auto f = indicators::Formula::parse(text.toStdString());
        QVERIFY(f.ok());
        const auto expected = f->evaluate(indicators::toColumns(history));
        const IndicatorValues* v = chart.indicatorValues(id);
        QVERIFY(v != nullptr);
        int defined = 0;
        for (std::size_t i = 0; i < history.size(); ++i) {
            const double got = v->value(0, static_cast<std::int64_t>(i));
            if (std::isnan(expected[i])) {
                QVERIFY(std::isnan(got));
            } else {
                QVERIFY2(got == expected[i],
                         qPrintable(QStringLiteral("bar %1: %2 vs %3").arg(i).arg(got, 0, 'g', 17).arg(expected[i], 0, 'g', 17)));
                ++defined;
            }
        }
        QVERIFY(defined > 400);
        // AND a new bar (then a tick revising it) updates the last value to the batch value over all bars
        Bar forming = bars.back();
        forming.closed = false;
        chart.updateLastBar(forming);
        const auto all = f->evaluate(indicators::toColumns(bars));
        QVERIFY(v->value(0, static_cast<std::int64_t>(bars.size() - 1)) == all.back());
        // AND on the price pane when asked
        const int over =
            chart.addIndicator(IndicatorConfig::fromFormula(QStringLiteral("sma(close, 20) + 2 * stddev(close, 20)"), true));
        QVERIFY(over > 0);
        QCOMPARE(chart.indicatorRect(over), chart.priceRect());
        // AND the config survives JSON (layouts), an invalid formula in JSON is refused
        const auto back = IndicatorConfig::fromJson(chart.indicatorConfig(id).toJson());
        QVERIFY(back.has_value());
        QCOMPARE(back->formula, text);
        QJsonObject bad = chart.indicatorConfig(id).toJson();
        bad[QStringLiteral("formula")] = QStringLiteral("ema(");
        QVERIFY(!IndicatorConfig::fromJson(bad).has_value());
    }
};

QTEST_MAIN(ChartFormulaTest)
#include "chart_formula_test.moc"
