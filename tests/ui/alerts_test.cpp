// Qt Test, offscreen: alerts in the terminal. The watchlist's context menu opens the alert dialog
// prefilled with the symbol and its last price; the alert is stored in the profile; the bundled
// replay of real BTCUSDT hours crosses the level; the Alerts log, the status bar and the pop-up
// show it at the trade a direct computation on the same bars finds, and the "once" alert is off
// (in the panel and in the database).
#include "alertcenter.h"
#include "alertdialog.h"
#include "alertswidget.h"
#include "candlechart.h"
#include "mainwindow.h"
#include "terminalsession.h"
#include "watchlistmodel.h"
#include "watchlistproxy.h"
#include "watchlistwidget.h"

#include "alerts/alertstore.h"
#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "testdata.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace kairos;
using namespace kairos::ui;

class AlertsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void watchlistMenuAlertFiresOnReplayedRealTradesAndOnceStaysOff() {
        QTemporaryDir profile;
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        QVERIFY(csv.ok());
        const std::vector<Bar>& bars = csv->bars;
        const InstrumentId btc{"BINANCE", "BTCUSDT"};

        TerminalSession session(o);
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.dock(QStringLiteral("AlertsDock"))->widget(), static_cast<QWidget*>(w.alertsPanel()));
        QAbstractItemModelTester rulesTester(w.alertsPanel()->rulesModel());
        QAbstractItemModelTester logTester(w.alertsPanel()->logModel());
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(60000));
        WatchlistModel* wl = w.watchlist()->model();
        const int row = wl->rowOf(btc);
        QVERIFY(row >= 0);
        const std::optional<Price> last = wl->ticker(row).last;
        QVERIFY(last.has_value());

        // GIVEN the watchlist's context menu on BTCUSDT, WHEN "Create alert…" is chosen
        auto* table = w.watchlist()->findChild<QTableView*>(QStringLiteral("WatchlistTable"));
        QVERIFY(table);
        const QModelIndex at = w.watchlist()->proxy()->mapFromSource(wl->index(row, WatchlistModel::Symbol));
        const QPoint pos = table->visualRect(at).center();
        bool triggered = false;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            QVERIFY(menu);
            for (QAction* a : menu->actions())
                if (a->text().startsWith(QStringLiteral("Create alert"))) {
                    a->trigger();
                    triggered = true;
                }
            menu->close();
        });
        Q_EMIT table->customContextMenuRequested(pos);
        QVERIFY(triggered);

        // THEN the dialog is open, prefilled with the symbol and its last price.
        AlertDialog* dlg = nullptr;
        QTRY_VERIFY((dlg = w.findChild<AlertDialog*>()) != nullptr);
        QCOMPARE(dlg->findChild<QLabel*>(QStringLiteral("AlertSymbol"))->text(), QStringLiteral("BINANCE:BTCUSDT"));
        QCOMPARE(dlg->levelEdit()->text(), QString::fromStdString(last->toString()));
        QCOMPARE(dlg->conditionBox()->currentData().toInt(), int(alerts::Condition::CrossesAbove));
        QCOMPARE(dlg->triggerBox()->currentData().toInt(), int(alerts::Trigger::Once));

        // The level: 1 % above the last price. Independently: the first replayed bar whose high
        // reaches it; the replay trades its high 1/4 into a bar that closed down, 2/4 into one that
        // closed up.
        const Price level = *last->mulInt(101)->divInt(100, last->scale(), RoundingMode::Ceiling);
        const std::int64_t clock = session.feed()->clockMs();
        std::size_t k = 0;
        while (k < bars.size() && bars[k].openTimeMs < clock) ++k;
        const std::size_t start = k;
        while (k < bars.size() && bars[k].high < level) ++k;
        QVERIFY(k < bars.size());
        QVERIFY(k > start);
        QVERIFY(bars[k].open < level);
        const std::int64_t expectedMs = bars[k].openTimeMs + 3'600'000LL * (bars[k].close < bars[k].open ? 1 : 2) / 4;

        dlg->levelEdit()->setText(QString::fromStdString(level.toString()));
        dlg->messageEdit()->setText(QStringLiteral("sell a third"));
        QVERIFY(dlg->buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        dlg->buttons()->button(QDialogButtonBox::Ok)->click();

        // THEN the rule is in the panel and in the profile database.
        QCOMPARE(w.alertsPanel()->rulesModel()->rowCount(), 1);
        const alerts::AlertRule rule = w.alertsPanel()->rulesModel()->at(0);
        QCOMPARE(rule.level, level);
        QVERIFY(rule.enabled);
        {
            auto db = storage::Database::openProfile(profile.path());
            QVERIFY(db.ok());
            auto stored = alerts::AlertStore(**db).load();
            QVERIFY(stored.ok());
            QCOMPARE(stored->rules.size(), std::size_t(1));
            QCOMPARE(stored->rules[0].note, std::string("sell a third"));
            QVERIFY(stored->rules[0].enabled);
        }

        // WHEN the replay plays up to just before the crossing, nothing fires; at the crossing it does.
        session.feed()->advanceTo(expectedMs - 1);
        QCOMPARE(w.alertsPanel()->logModel()->rowCount(), 0);
        session.feed()->advanceTo(expectedMs);
        AlertLogModel* log = w.alertsPanel()->logModel();
        QCOMPARE(log->rowCount(), 1);
        const alerts::AlertEvent& e = log->at(0);
        QCOMPARE(e.timeMs, expectedMs);
        QCOMPARE(e.price, bars[k].high);
        const QString message = log->data(log->index(0, AlertLogModel::Message), Qt::DisplayRole).toString();
        QVERIFY2(message.contains(QStringLiteral("crossed above %1").arg(QString::fromStdString(level.toString()))),
                 qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("sell a third")));
        QVERIFY(w.statusBar()->currentMessage().contains(message));
        QVERIFY(w.alertToast()->isVisible());
        QCOMPARE(w.alertToast()->text(), message);
        // The once alert is off, in the panel and in the database, and fires no more.
        QVERIFY(!w.alertsPanel()->rulesModel()->at(0).enabled);
        QCOMPARE(w.alertsPanel()
                     ->rulesModel()
                     ->data(w.alertsPanel()->rulesModel()->index(0, AlertRulesModel::Active), Qt::CheckStateRole)
                     .toInt(),
                 int(Qt::Unchecked));
        session.feed()->advanceTo(expectedMs + 7LL * 24 * 3600 * 1000);
        QCOMPARE(log->rowCount(), 1);
        auto db = storage::Database::openProfile(profile.path());
        QVERIFY(db.ok());
        alerts::AlertStore store(**db);
        auto stored = store.load();
        QVERIFY(stored.ok());
        QVERIFY(!stored->rules[0].enabled);
        QCOMPARE(stored->rules[0].lastFiredMs, expectedMs);
        auto history = store.history();
        QVERIFY(history.ok());
        QCOMPARE(history->size(), std::size_t(1));
        QCOMPARE(QString::fromStdString((*history)[0].message), message);

        // AFTER a restart (a second terminal on the same profile) the alert is still off and the
        // log shows the firing.
        {
            TerminalSession again(o);
            MainWindow w2(again);
            QCOMPARE(w2.alertsPanel()->rulesModel()->rowCount(), 1);
            QVERIFY(!w2.alertsPanel()->rulesModel()->at(0).enabled);
            QCOMPARE(w2.alertsPanel()->logModel()->rowCount(), 1);
            QCOMPARE(w2.alertsPanel()->logModel()->at(0).timeMs, expectedMs);
        }

        // Switching it back on from the panel re-arms it (stored too).
        auto* rules = w.alertsPanel()->rulesModel();
        QVERIFY(rules->setData(rules->index(0, AlertRulesModel::Active), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(rules->at(0).enabled);
        QVERIFY(store.load()->rules[0].enabled);
    }

    // GIVEN a formula alert "ema(close,9) > ema(close,21)" set mid-replay on BTCUSDT (whose history
    // reaches back to 2020, so the formula warms up on the bars already played), WHEN 500 real hours
    // are replayed, THEN it fires at the close of exactly the bars where a direct EMA computation over
    // the whole series turns from not-above to above; Alt+A on the chart opens the dialog too.
    void formulaAlertWarmsUpAndFiresAtTheRealCrosses() {
        QTemporaryDir profile;
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        QVERIFY(csv.ok());
        const std::vector<Bar>& bars = csv->bars;
        const InstrumentId btc{"BINANCE", "BTCUSDT"};
        // The profile holds an alert of a newer Kairos (a condition this build does not know).
        {
            auto db = storage::Database::openProfile(profile.path());
            QVERIFY(db.ok());
            QVERIFY(
                (*db)
                    ->exec(
                        "INSERT INTO alert_rules (venue, symbol, condition_kind, timeframe, trigger_mode, enabled, created_at) "
                        "VALUES ('BINANCE', 'ETHUSDT', 'volume_spike', '1h', 'once', 1, 1)")
                    .ok());
        }
        TerminalSession session(o);
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // It is reported in the panel, not run, not shown as a rule.
        QVERIFY(w.alertsPanel()->messageLabel()->isVisibleTo(w.alertsPanel()));
        QVERIFY2(w.alertsPanel()->messageLabel()->text().contains(QStringLiteral("unknown condition \"volume_spike\"")),
                 qPrintable(w.alertsPanel()->messageLabel()->text()));
        QCOMPARE(w.alertsPanel()->rulesModel()->rowCount(), 0);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(60000));
        const std::int64_t clock = session.feed()->clockMs();

        // Direct computation: textbook EMAs seeded with the SMA of the first n closes.
        auto ema = [&](int n) {
            std::vector<double> out(bars.size(), std::nan(""));
            double sum = 0, e = 0;
            const double a = 2.0 / (n + 1.0);
            for (std::size_t i = 0; i < bars.size(); ++i) {
                const double c = bars[i].close.toDouble();
                if (int(i) < n) {
                    sum += c;
                    if (int(i) == n - 1) out[i] = e = sum / n;
                } else {
                    out[i] = e = a * c + (1 - a) * e;
                }
            }
            return out;
        };
        const auto e9 = ema(9), e21 = ema(21);
        std::vector<std::int64_t> expected;
        const std::int64_t until = clock + 500LL * 3'600'000;
        for (std::size_t i = 21; i < bars.size(); ++i) {
            const std::int64_t closeMs = bars[i].openTimeMs + 3'600'000;
            if (closeMs <= clock || closeMs > until) continue;
            if (e9[i] > e21[i] && !(e9[i - 1] > e21[i - 1])) expected.push_back(closeMs);
        }
        QVERIFY(expected.size() >= 3);

        w.requestAlert(btc);
        AlertDialog* dlg = w.findChild<AlertDialog*>();
        QVERIFY(dlg);
        dlg->setCondition(alerts::Condition::Formula);
        dlg->formulaEdit()->setText(QStringLiteral("ema(close,9) > ema(close,21)"));
        dlg->triggerBox()->setCurrentIndex(dlg->triggerBox()->findData(int(alerts::Trigger::EveryTime)));
        dlg->cooldownBox()->setValue(0);
        QVERIFY2(dlg->buttons()->button(QDialogButtonBox::Ok)->isEnabled(), qPrintable(dlg->errorLabel()->text()));
        dlg->buttons()->button(QDialogButtonBox::Ok)->click();
        QCOMPARE(w.alertsPanel()->rulesModel()->rowCount(), 1);

        session.feed()->advanceTo(until);
        AlertLogModel* log = w.alertsPanel()->logModel();
        std::vector<std::int64_t> fired;
        for (int r = log->rowCount() - 1; r >= 0; --r) fired.push_back(log->at(r).timeMs);  // oldest first
        QCOMPARE(fired, expected);
        QVERIFY(w.alertsPanel()->rulesModel()->at(0).enabled);
        QCOMPARE(w.alertsPanel()->rulesModel()->at(0).fireCount, std::int64_t(expected.size()));

        // The newer Kairos' row is still in the profile.
        {
            auto db = storage::Database::openProfile(profile.path());
            QVERIFY(db.ok());
            auto stored = alerts::AlertStore(**db).load();
            QVERIFY(stored.ok());
            QCOMPARE(stored->rules.size(), std::size_t(1));
            QCOMPARE(stored->problems.size(), std::size_t(1));
        }

        // Alt+A on the chart: an alert dialog for the chart's symbol.
        QTRY_VERIFY(!w.findChild<AlertDialog*>());  // the first one closed (deleted on close)
        charts::CandleChart* chart = w.chart();
        QVERIFY(chart);
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        chart->setFocus();
        QTest::keyClick(chart, Qt::Key_A, Qt::AltModifier);
        QTRY_VERIFY(w.findChild<AlertDialog*>() != nullptr);
        QCOMPARE(w.findChild<AlertDialog*>()->findChild<QLabel*>(QStringLiteral("AlertSymbol"))->text(),
                 QString::fromStdString(chart->instrument().toString()));
    }

    void dialogShowsFormulaErrorsWithTheirColumnAndRefusesBadLevels() {
        AlertDialog d({"BINANCE", "BTCUSDT"}, Price::parse("105573.73").value(), 2);
        QPushButton* ok = d.buttons()->button(QDialogButtonBox::Ok);
        QVERIFY(ok->isEnabled());
        d.levelEdit()->setText(QStringLiteral("105573.731"));
        QVERIFY(!ok->isEnabled());
        QVERIFY2(d.errorLabel()->text().contains(QStringLiteral("precision (2)")), qPrintable(d.errorLabel()->text()));
        d.setCondition(alerts::Condition::Formula);
        QVERIFY(!d.levelEdit()->isVisibleTo(&d));
        QVERIFY(d.formulaEdit()->isVisibleTo(&d));
        d.formulaEdit()->setText(QStringLiteral("ema(close, 9) > ema(close 21)"));
        QVERIFY(!ok->isEnabled());
        QVERIFY2(d.errorLabel()->text().startsWith(QStringLiteral("Formula: column ")), qPrintable(d.errorLabel()->text()));
        d.formulaEdit()->setText(QStringLiteral("ema(close, 9) > ema(close, 21)"));
        QVERIFY(ok->isEnabled());
        QVERIFY(d.errorLabel()->text().isEmpty());
        auto r = d.rule();
        QVERIFY(r.ok());
        QCOMPARE(int(r->condition), int(alerts::Condition::Formula));
        QCOMPARE(int(r->timeframe), int(Timeframe::H1));
        QCOMPARE(r->formula, std::string("ema(close, 9) > ema(close, 21)"));
        const std::vector<Timeframe> tfs{Timeframe::H1, Timeframe::H4, Timeframe::D1};
        d.setBarTimeframes(tfs, tfs);
        d.setCondition(alerts::Condition::Signal);
        d.confidenceBox()->setValue(75);
        QCOMPARE(d.timeframeBox()->count(), 3);  // a signal alert may run on 4h or 1d bars
        d.timeframeBox()->setCurrentIndex(d.timeframeBox()->findData(int(Timeframe::H4)));
        r = d.rule();
        QVERIFY(r.ok());
        QCOMPARE(r->minConfidence, 75);
        QCOMPARE(int(r->timeframe), int(Timeframe::H4));
        QVERIFY(r->formula.empty());
    }

    // GIVEN the dialog with real BTC 1h bars as its current data, WHEN the user edits conditions,
    // THEN the "Now" line says whether each holds, as a plain computation on the same bars finds.
    void dialogNowLineEvaluatesTheConditionOnTheCurrentRealBars() {
        auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        QVERIFY(csv.ok());
        const std::vector<Bar> bars(csv->bars.end() - 600, csv->bars.end());
        const Price last = bars.back().close;
        AlertDialog d({"BINANCE", "BTCUSDT"}, last, 2);
        alerts::MarketSnapshot now;
        now.last = last;
        now.timeMs = bars.back().openTimeMs + 3'600'000;
        now.barsTimeframe = Timeframe::H1;
        now.bars = bars;
        d.setMarketSnapshot(now);
        const auto state = [&] { return d.nowLabel()->property("holds").toInt(); };
        constexpr int kHolds = int(alerts::ConditionNow::State::Holds), kNot = int(alerts::ConditionNow::State::DoesNotHold),
                      kUnknown = int(alerts::ConditionNow::State::Unknown);
        const double c = last.toDouble();

        d.setCondition(alerts::Condition::GoesAbove);
        d.levelEdit()->setText(QString::number(std::floor(c) - 100, 'f', 2));
        QCOMPARE(state(), kHolds);
        QVERIFY2(d.nowLabel()->text().contains(QStringLiteral("Holds")), qPrintable(d.nowLabel()->text()));
        d.levelEdit()->setText(QString::number(std::floor(c) + 100, 'f', 2));
        QCOMPARE(state(), kNot);

        d.setCondition(alerts::Condition::EntersChannel);
        d.levelEdit()->setText(QString::number(std::floor(c) - 500, 'f', 2));
        d.level2Edit()->setText(QString::number(std::floor(c) + 500, 'f', 2));
        QCOMPARE(state(), kHolds);
        d.setCondition(alerts::Condition::LeavesChannel);
        QCOMPARE(state(), kNot);

        // Bid-based without quotes: unknown, and the reason says so.
        d.setCondition(alerts::Condition::GoesAbove);
        d.priceSourceBox()->setCurrentIndex(d.priceSourceBox()->findData(int(alerts::PriceSource::Bid)));
        QCOMPARE(state(), kUnknown);
        QVERIFY2(d.nowLabel()->text().contains(QStringLiteral("no bid")), qPrintable(d.nowLabel()->text()));

        // Formula: close > sma(close, 50) on the last bar, computed here.
        double sum = 0;
        for (std::size_t k = bars.size() - 50; k < bars.size(); ++k) sum += bars[k].close.toDouble();
        d.setCondition(alerts::Condition::Formula);
        d.formulaEdit()->setText(QStringLiteral("close > sma(close, 50)"));
        QCOMPARE(state(), c > sum / 50 ? kHolds : kNot);
        d.formulaEdit()->setText(QStringLiteral("close <= sma(close, 50)"));
        QCOMPARE(state(), c > sum / 50 ? kNot : kHolds);

        // Volume spike: the last bar's volume against k x the mean of the 20 before, both ways.
        double vsum = 0;
        for (std::size_t k = bars.size() - 21; k < bars.size() - 1; ++k) vsum += bars[k].volume.toDouble();
        const double ratio = bars.back().volume.toDouble() / (vsum / 20);
        d.setCondition(alerts::Condition::VolumeSpike);
        d.volumeBarsBox()->setValue(20);
        d.volumeFactorBox()->setValue(std::max(0.1, std::floor(ratio * 10) / 10 - 0.1));
        QCOMPARE(state(), kHolds);
        d.volumeFactorBox()->setValue(std::ceil(ratio * 10) / 10 + 0.1);
        QCOMPARE(state(), kNot);

        // 24h change against the close 24 bars earlier.
        const double change = (c / bars[bars.size() - 25].close.toDouble() - 1) * 100;
        d.setCondition(alerts::Condition::Change24h);
        d.directionBox()->setCurrentIndex(d.directionBox()->findData(int(alerts::SignalSide::Either)));
        d.percentBox()->setValue(std::max(0.01, std::fabs(change) - 0.01));
        QCOMPARE(state(), kHolds);
        d.percentBox()->setValue(std::fabs(change) + 0.5);
        QCOMPARE(state(), kNot);
        if (!qEnvironmentVariableIsEmpty("KAIROS_ALERT_DIALOG_SHOT")) {
            d.setCondition(alerts::Condition::EntersChannel);
            d.priceSourceBox()->setCurrentIndex(0);
            d.show();
            d.adjustSize();
            QVERIFY(d.grab().save(qEnvironmentVariable("KAIROS_ALERT_DIALOG_SHOT")));
        }
    }

    // The dialog builds watchlist and drawing rules: only lines are offered, a watchlist rule has no
    // single instrument, and editing such a rule shows its choices again.
    void dialogBuildsWatchlistAndDrawingRules() {
        AlertDialog d({"BINANCE", "ETHUSDT"}, Price::parse("2500.10").value(), 2);
        d.setWatchlists({{3, QStringLiteral("Majors")}, {5, QStringLiteral("Alts")}});
        storage::Drawing line;
        line.id = 17;
        line.kind = storage::DrawingKind::TrendLine;
        line.anchors = {{1'750'000'000'000, 2400.0}, {1'750'360'000'000, 2600.0}};
        storage::Drawing note;
        note.id = 18;
        note.kind = storage::DrawingKind::Text;
        note.anchors = {{1'750'000'000'000, 2500.0}};
        d.setDrawings({line, note});
        QCOMPARE(d.drawingBox()->count(), 1);
        d.setCondition(alerts::Condition::CrossesDrawing);
        QVERIFY(d.drawingBox()->isVisibleTo(&d));
        QVERIFY(!d.levelEdit()->isVisibleTo(&d));
        auto r = d.rule();
        QVERIFY2(r.ok(), r.ok() ? "" : r.message().c_str());
        QCOMPARE(r->drawingId, std::int64_t{17});
        // A drawing belongs to one chart: not to a watchlist.
        d.applyToBox()->setCurrentIndex(d.applyToBox()->findData(QVariant::fromValue<qint64>(5)));
        QVERIFY(!d.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        d.setCondition(alerts::Condition::MovePercent);
        d.percentBox()->setValue(2.5);
        d.windowBox()->setValue(6);
        d.windowUnitBox()->setCurrentIndex(2);  // hours
        d.directionBox()->setCurrentIndex(d.directionBox()->findData(int(alerts::SignalSide::Short)));
        r = d.rule();
        QVERIFY2(r.ok(), r.ok() ? "" : r.message().c_str());
        QCOMPARE(r->watchlistId, std::int64_t{5});
        QVERIFY(r->instrument.symbol.empty());
        QCOMPARE(r->windowMs, std::int64_t{6 * 3'600'000});
        QCOMPARE(r->windowBars, 0);
        QCOMPARE(int(r->signalSide), int(alerts::SignalSide::Short));
        AlertDialog edit({"BINANCE", "ETHUSDT"}, std::nullopt, 2);
        edit.setWatchlists({{3, QStringLiteral("Majors")}, {5, QStringLiteral("Alts")}});
        edit.setRule(*r);
        auto again = edit.rule();
        QVERIFY(again.ok());
        QCOMPARE(again->watchlistId, std::int64_t{5});
        QCOMPARE(again->windowMs, r->windowMs);
        QCOMPARE(again->percent, 2.5);
        QCOMPARE(edit.applyToBox()->currentText(), QStringLiteral("Watchlist: Alts"));
    }
};

QTEST_MAIN(AlertsTest)
#include "alerts_test.moc"
