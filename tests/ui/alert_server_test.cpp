// "Keep running on the server" in the alert dialog (enabled only when signed in, saying why when
// not; an edited server rule keeps its flag while signed out) and the Alerts log showing kairosd's
// firings among the terminal's own, marked "[server]". Offscreen.

#include "alertdialog.h"
#include "alertswidget.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {

alerts::AlertEvent firing(std::int64_t timeMs, const std::string& message) {
    alerts::AlertEvent e;
    e.ruleId = 1;
    e.instrument = {"BINANCE", "BTCUSDT"};
    e.kind = alerts::EventKind::Fired;
    e.timeMs = timeMs;
    e.price = Price::parse("105000.50").value();
    e.message = message;
    return e;
}

}  // namespace

class AlertServerTest : public QObject {
    Q_OBJECT
private slots:
    void theServerBoxIsOnlyAvailableWhenSignedIn() {
        // GIVEN a new alert while signed out
        AlertDialog d({"BINANCE", "BTCUSDT"}, Price::parse("105573.73").value(), 2);
        // THEN "Keep running on the server" is off, disabled, and the dialog says why
        QVERIFY(!d.serverBox()->isEnabled());
        QVERIFY(!d.serverBox()->isChecked());
        QVERIFY(d.serverNoteLabel()->isVisibleTo(&d));
        QVERIFY2(d.serverNoteLabel()->text().contains(QStringLiteral("Sign in")), qPrintable(d.serverNoteLabel()->text()));
        QVERIFY(!d.rule()->server);

        // WHEN the user is signed in and ticks it
        d.setServerAvailable(true);
        QVERIFY(d.serverBox()->isEnabled());
        QVERIFY(!d.serverNoteLabel()->isVisibleTo(&d));
        d.serverBox()->setChecked(true);
        // THEN the rule runs on the server
        auto r = d.rule();
        QVERIFY(r.ok());
        QVERIFY(r->server);
    }

    void whatTheServerCannotRunIsRefusedWithTheReason() {
        // GIVEN a signed-in user ticking "Keep running on the server" on a bid alert
        AlertDialog d({"BINANCE", "BTCUSDT"}, Price::parse("105573.73").value(), 2);
        d.setServerAvailable(true);
        d.setCondition(alerts::Condition::CrossesAbove);
        d.levelEdit()->setText(QStringLiteral("110000.00"));
        d.priceSourceBox()->setCurrentIndex(d.priceSourceBox()->findData(static_cast<int>(alerts::PriceSource::Bid)));
        d.serverBox()->setChecked(true);
        // THEN the alert is refused, saying why, and OK is off
        auto r = d.rule();
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.message()).contains(QStringLiteral("bid/ask alerts run in the terminal only")),
                 r.message().c_str());
        QVERIFY(!d.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        QCOMPARE(d.errorLabel()->text(), QString::fromStdString(r.message()));
        // AND on the last price it is accepted
        d.priceSourceBox()->setCurrentIndex(d.priceSourceBox()->findData(static_cast<int>(alerts::PriceSource::Last)));
        QVERIFY(d.rule().ok());
        QVERIFY(d.rule()->server);

        // GIVEN an alert on a venue the server does not read
        AlertDialog k({"KRAKEN", "XBTUSD"}, Price::parse("105573.7").value(), 1);
        k.setServerAvailable(true);
        k.serverBox()->setChecked(true);
        // THEN it is refused naming the venue, and accepted when it runs in the terminal
        QVERIFY2(QString::fromStdString(k.rule().message()).contains(QStringLiteral("not KRAKEN")), k.rule().message().c_str());
        k.serverBox()->setChecked(false);
        QVERIFY(k.rule().ok());
    }

    void thePlanLimitIsCheckedBeforeAnAlertIsMarked() {
        // GIVEN a Free plan of 2 server alerts, both used by other rules
        AlertDialog d({"BINANCE", "BTCUSDT"}, Price::parse("105573.73").value(), 2);
        d.setServerAvailable(true);
        d.setServerLimit(2, QStringLiteral("free"), {11, 12});
        // WHEN a new alert is marked
        d.serverBox()->setChecked(true);
        // THEN it is refused with the plan and what to do
        auto r = d.rule();
        QVERIFY(!r.ok());
        QVERIFY2(
            QString::fromStdString(r.message()).contains(QStringLiteral("your Free plan runs at most 2 alerts on the server")),
            r.message().c_str());
        QVERIFY(QString::fromStdString(r.message()).contains(QStringLiteral("upgrade to Pro")));
        // AND an edit of one of those two stays allowed (it is already counted)
        AlertDialog e({"BINANCE", "BTCUSDT"}, std::nullopt, 2);
        alerts::AlertRule rule;
        rule.id = 12;
        rule.instrument = {"BINANCE", "BTCUSDT"};
        rule.level = Price::parse("110000.00").value();
        rule.server = true;
        e.setRule(rule);
        e.setServerAvailable(true);
        e.setServerLimit(2, QStringLiteral("free"), {11, 12});
        QVERIFY(e.rule().ok());
        // AND with one rule free on the plan, a new one is accepted
        d.setServerLimit(2, QStringLiteral("free"), {11});
        QVERIFY(d.rule().ok());
    }

    void anEditedServerRuleKeepsItsPlaceWhileSignedOut() {
        // GIVEN a rule that runs on the server, edited while signed out
        AlertDialog d({"BINANCE", "BTCUSDT"}, std::nullopt, 2);
        alerts::AlertRule rule;
        rule.id = 7;
        rule.instrument = {"BINANCE", "BTCUSDT"};
        rule.level = Price::parse("110000.00").value();
        rule.server = true;
        d.setRule(rule);
        d.setServerAvailable(false, QStringLiteral("The Kairos server cannot be reached."));
        // THEN the box shows it, cannot change it, says why, and the rule stays on the server
        QVERIFY(d.serverBox()->isChecked());
        QVERIFY(!d.serverBox()->isEnabled());
        QCOMPARE(d.serverNoteLabel()->text(), QStringLiteral("The Kairos server cannot be reached."));
        QVERIFY(d.rule()->server);
    }

    void theLogShowsServerFiringsMarkedAmongTheTerminalsOwn() {
        // GIVEN the log with two local events
        AlertLogModel log;
        QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
        log.setEvents({firing(3'000, "local late"), firing(1'000, "local early")});
        // WHEN the server's firings arrive (oldest first, as the API pages them)
        log.setServerEvents({firing(2'000, "server middle"), firing(4'000, "server newest")});
        // THEN all four are shown newest first, the server's marked in the Event column
        QCOMPARE(log.rowCount(), 4);
        const QStringList order = {QStringLiteral("server newest"), QStringLiteral("local late"), QStringLiteral("server middle"),
                                   QStringLiteral("local early")};
        for (int row = 0; row < 4; ++row) {
            QCOMPARE(log.data(log.index(row, AlertLogModel::Message), Qt::DisplayRole).toString(), order[row]);
            const bool server = order[row].startsWith(QStringLiteral("server"));
            QCOMPARE(log.isServerRow(row), server);
            QCOMPARE(
                log.data(log.index(row, AlertLogModel::Event), Qt::DisplayRole).toString().endsWith(QStringLiteral("[server]")),
                server);
        }
        // AND a new local firing is placed by its time, the server's rows kept
        log.prepend(firing(5'000, "local newest"));
        QCOMPARE(log.rowCount(), 5);
        QCOMPARE(log.data(log.index(0, AlertLogModel::Message), Qt::DisplayRole).toString(), QStringLiteral("local newest"));
        QVERIFY(log.isServerRow(1));
        // AND signing out (no server firings) leaves only the terminal's
        log.setServerEvents({});
        QCOMPARE(log.rowCount(), 3);
    }
};

QTEST_MAIN(AlertServerTest)
#include "alert_server_test.moc"
