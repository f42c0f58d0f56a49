// Workspace sync between two terminals through a real kairosd started by the test (its e-mails
// written as .eml files into a temporary folder): terminal A (profile A) signs up, verifies with the
// link from the e-mail, turns on two-factor authentication and signs in with a code; a symbol added
// to A's watchlist reaches terminal B (profile B), which signs in to the same account with a code;
// then edits in B (a watchlist symbol removed, an alert created) reach A. With the server stopped, A's account field says it is offline and how
// many changes wait. Every step waits on a condition, never on a fixed time. With
// KAIROS_TEST_SCREENSHOTS=<folder> it grabs the main window with the account field.
#include "accountdialog.h"
#include "accountstatuslabel.h"
#include "mainwindow.h"
#include "terminalsession.h"
#include "watchlistmodel.h"
#include "watchlistproxy.h"
#include "watchlistwidget.h"

#include "../core/cloud/localkairosd.h"
#include "alerts/alertrule.h"
#include "cloud/cloudclient.h"
#include "testdata.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace kairos;
using kairos::ui::AccountDialog;

namespace {

const QString kEmail = QStringLiteral("sync@example.org");
const QString kPassword = QStringLiteral("a long and unusual passphrase 9");

void screenshot(QWidget& w, const QString& name) {
    const QString dir = qEnvironmentVariable("KAIROS_TEST_SCREENSHOTS");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    QVERIFY(w.grab().save(dir + QLatin1Char('/') + name));
}

/// One terminal: its own profile (database and kairos.ini) pointed at the server, and its window.
struct Terminal {
    QTemporaryDir profile;
    std::unique_ptr<ui::TerminalSession> session;
    std::unique_ptr<ui::MainWindow> window;

    explicit Terminal(const QUrl& server) {
        ui::TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        session = std::make_unique<ui::TerminalSession>(o);
        session->settings().setValue(QStringLiteral("cloud/serverUrl"), server.toString());
        window = std::make_unique<ui::MainWindow>(*session);
        window->show();
    }
    ~Terminal() { window.reset(); }  // before the session it runs on
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    ui::AccountStatusLabel* field() const {
        return window->findChild<ui::AccountStatusLabel*>(QStringLiteral("AccountStatusLabel"));
    }
    bool watches(const QString& instrument) const {
        const auto ids = window->watchlist()->model()->instruments();
        return std::any_of(ids.begin(), ids.end(),
                           [&](const InstrumentId& id) { return QString::fromStdString(id.toString()) == instrument; });
    }
};

}  // namespace

class AccountSyncTest : public QObject {
    Q_OBJECT
private:
    template <class W>
    static W* find(QWidget& root, const char* name) {
        auto* w = root.findChild<W*>(QString::fromLatin1(name));
        if (!w) qWarning("no widget %s", name);
        return w;
    }
    /// Clicks `button` and waits for the dialog's call to finish; its outcome.
    static bool clickAndWait(AccountDialog& d, const char* button) {
        QSignalSpy done(&d, &ui::AccountDialog::callFinished);
        auto* b = find<QPushButton>(d, button);
        if (!b) return false;
        QTest::mouseClick(b, Qt::LeftButton);
        if (!done.wait(30'000)) return false;
        return done.constLast().constFirst().toBool();
    }
    /// A code of the authenticator the server has not seen yet: each code is accepted once and only
    /// in the 30 s steps around now, so this takes the step after the last one used (waiting for the
    /// clock to reach it when it is not yet in reach).
    QString nextCode(const QString& secret) {
        const auto step = [] { return QDateTime::currentSecsSinceEpoch() / 30; };
        if (!test::waitUntilTrue([&] { return m_lastStep + 1 <= step() + 1; }, 70'000)) return {};
        m_lastStep = std::max(m_lastStep + 1, step() - 1);
        return test::totpCode(secret, m_lastStep * 30);
    }
    qint64 m_lastStep = 0;

private slots:
    void watchlistAndAlertEditsReachTheOtherTerminal() {
        test::LocalKairosd server;
        const QString started = server.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));

        // GIVEN terminal A with an account: sign up, verify by the e-mail's link, sign in.
        Terminal a(server.url());
        QVERIFY(QTest::qWaitForWindowExposed(a.window.get()));
        QVERIFY(a.field());
        QCOMPARE(a.field()->text(), QStringLiteral("Signed out"));
        AccountDialog& da = *a.window->showAccountDialog();
        find<QTabWidget>(da, "AccountSignedOutTabs")->setCurrentIndex(1);
        find<QLineEdit>(da, "SignUpEmail")->setText(kEmail);
        find<QLineEdit>(da, "SignUpPassword")->setText(kPassword);
        QVERIFY2(clickAndWait(da, "SignUpButton"), qPrintable(da.message()));
        const QString mail = server.waitForMail(kEmail, QStringLiteral("Verify your e-mail"));
        QVERIFY2(!mail.isEmpty(), qPrintable(server.mailDir()));
        find<QLineEdit>(da, "VerifyInput")->setText(test::LocalKairosd::linkIn(mail));
        QVERIFY2(clickAndWait(da, "VerifyButton"), qPrintable(da.message()));
        find<QLineEdit>(da, "SignInPassword")->setText(kPassword);
        QVERIFY2(clickAndWait(da, "SignInButton"), qPrintable(da.message()));

        // Two-factor on, then sign out and in again with a code.
        find<QTabWidget>(da, "AccountSignedInTabs")->setCurrentIndex(1);
        QVERIFY2(clickAndWait(da, "EnrolTotpButton"), qPrintable(da.message()));
        const QString secret = find<QLineEdit>(da, "TotpSecret")->text();
        QVERIFY(!secret.isEmpty());
        find<QLineEdit>(da, "TotpConfirmCode")->setText(nextCode(secret));
        QVERIFY2(clickAndWait(da, "ConfirmTotpButton"), qPrintable(da.message()));
        find<QTabWidget>(da, "AccountSignedInTabs")->setCurrentIndex(0);
        QVERIFY(clickAndWait(da, "SignOutButton"));
        QCOMPARE(a.field()->text(), QStringLiteral("Signed out"));  // signing out ends sync: no sync state shown
        find<QLineEdit>(da, "SignInPassword")->setText(kPassword);
        QVERIFY(!clickAndWait(da, "SignInButton"));  // the server asks for the code
        find<QLineEdit>(da, "SignInTotp")->setText(nextCode(secret));
        QVERIFY2(clickAndWait(da, "SignInButton"), qPrintable(da.message()));
        QVERIFY(a.window->cloud()->account()->twoFactor);
        da.close();
        // Signing in started a round: A's lists are on the account now.
        QTRY_COMPARE_WITH_TIMEOUT(a.field()->text(), QStringLiteral("Signed in: %1 · Sync: up to date").arg(kEmail), 30'000);

        // WHEN a symbol is added to A's watchlist
        QVERIFY(!a.watches(QStringLiteral("BINANCE:DOGEUSDT")));
        QVERIFY(a.window->watchlist()->addSymbol(QStringLiteral("BINANCE:DOGEUSDT")));
        // the edit is recorded at once and sent shortly after the last edit.
        QTRY_VERIFY_WITH_TIMEOUT(a.field()->text().contains(QStringLiteral("Sync: 1 change pending")), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(a.field()->text().endsWith(QStringLiteral("Sync: up to date")), 30'000);
        screenshot(*a.window, QStringLiteral("mainwindow_sync_up_to_date.png"));

        // THEN terminal B, signed in to the same account with a code, shows the list with it.
        Terminal b(server.url());
        QVERIFY(QTest::qWaitForWindowExposed(b.window.get()));
        QVERIFY(!b.watches(QStringLiteral("BINANCE:DOGEUSDT")));
        AccountDialog& db = *b.window->showAccountDialog();
        find<QLineEdit>(db, "SignInEmail")->setText(kEmail);
        find<QLineEdit>(db, "SignInPassword")->setText(kPassword);
        QVERIFY(!clickAndWait(db, "SignInButton"));
        find<QLineEdit>(db, "SignInTotp")->setText(nextCode(secret));
        QVERIFY2(clickAndWait(db, "SignInButton"), qPrintable(db.message()));
        db.close();
        QTRY_VERIFY_WITH_TIMEOUT(b.watches(QStringLiteral("BINANCE:DOGEUSDT")), 30'000);
        QCOMPARE(b.window->watchlist()->currentList(), a.window->watchlist()->currentList());
        QTRY_VERIFY_WITH_TIMEOUT(b.field()->text().endsWith(QStringLiteral("Sync: up to date")), 30'000);

        // AND edits in B (a symbol removed, an alert created) reach A with A's next round.
        const int row = b.window->watchlist()->model()->rowOf(InstrumentId{"BINANCE", "XRPUSDT"});
        QVERIFY(row >= 0);
        QVERIFY(a.watches(QStringLiteral("BINANCE:XRPUSDT")));
        b.window->watchlist()->table()->selectRow(
            b.window->watchlist()->proxy()->mapFromSource(b.window->watchlist()->model()->index(row, 0)).row());
        b.window->watchlist()->removeSelected();
        QVERIFY(!b.watches(QStringLiteral("BINANCE:XRPUSDT")));
        alerts::AlertRule rule;
        rule.instrument = InstrumentId{"BINANCE", "ETHUSDT"};
        rule.condition = alerts::Condition::GoesAbove;
        rule.level = alerts::parseLevel("5000", 2).value();
        rule.trigger = alerts::Trigger::Once;
        rule.note = "synced from B";
        QVERIFY(b.window->alerts()->addRule(rule).ok());
        QVERIFY(a.window->alerts()->rules().empty());
        QTRY_VERIFY_WITH_TIMEOUT(b.field()->text().contains(QStringLiteral("Sync: 2 changes pending")), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(b.field()->text().endsWith(QStringLiteral("Sync: up to date")), 30'000);
        auto* syncNow = a.window->findChild<QAction*>(QStringLiteral("SyncNowAction"));
        QVERIFY(syncNow);
        QVERIFY(syncNow->isEnabled());
        syncNow->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!a.watches(QStringLiteral("BINANCE:XRPUSDT")), 30'000);
        QVERIFY(a.watches(QStringLiteral("BINANCE:DOGEUSDT")));
        QTRY_COMPARE_WITH_TIMEOUT(a.window->alerts()->rules().size(), std::size_t{1}, 30'000);  // running in A's alert service
        QCOMPARE(a.window->alerts()->rules().front().note, std::string("synced from B"));
        QCOMPARE(a.window->alerts()->rules().front().level, rule.level);

        // Offline: the server stops; an edit in A waits and the account field says so (no dialog).
        b.window->cloud()->signOut();
        QTRY_COMPARE_WITH_TIMEOUT(b.field()->text(), QStringLiteral("Signed out"), 30'000);
        server.stop();
        QVERIFY(a.window->watchlist()->addSymbol(QStringLiteral("BINANCE:ADAUSDT")));
        QTRY_VERIFY_WITH_TIMEOUT(a.field()->text().endsWith(QStringLiteral("Sync: offline, 1 change pending")), 30'000);
        QVERIFY2(a.field()->toolTip().contains(QStringLiteral("unreachable")), qPrintable(a.field()->toolTip()));
        screenshot(*a.window, QStringLiteral("mainwindow_sync_offline.png"));
        a.window->cloud()->signOut();  // forgets the stored session (keychain entry) too
        QTRY_COMPARE_WITH_TIMEOUT(a.field()->text(), QStringLiteral("Signed out"), 30'000);
    }
};

QTEST_MAIN(AccountSyncTest)
#include "account_sync_test.moc"
