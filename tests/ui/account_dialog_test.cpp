// The Account dialog against a real kairosd started by the test (its e-mails written as .eml files
// into a temporary folder): sign up, verify with the link from the e-mail, sign in, turn on
// two-factor authentication by the QR code's secret, sign in again with a code, and the status
// bar's account field; then the Admin dock for the account made admin by `kairosd admin create`. With
// KAIROS_TEST_SCREENSHOTS=<folder> it grabs the dialog and the dock to PNGs.
#include "accountdialog.h"
#include "accountstatuslabel.h"
#include "admindock.h"
#include "mainwindow.h"
#include "qrcodewidget.h"
#include "terminalsession.h"

#include "../core/cloud/localkairosd.h"
#include "alerts/secretstore.h"
#include "cloud/cloudclient.h"
#include "testdata.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

using namespace kairos;
using kairos::ui::AccountDialog;

namespace {

const QString kEmail = QStringLiteral("trader@example.org");
const QString kPassword = QStringLiteral("a long and unusual passphrase 7");

void screenshot(QWidget& w, const QString& name) {
    const QString dir = qEnvironmentVariable("KAIROS_TEST_SCREENSHOTS");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    QVERIFY(w.grab().save(dir + QLatin1Char('/') + name));
}

/// Gives the existing account `email` the admin role with `kairosd admin create EMAIL` (password on stdin).
QString makeAdmin(const test::LocalKairosd& server, const QString& email) {
    QProcess p;
    p.start(QStringLiteral(KAIROSD_PATH),
            {QStringLiteral("--data-dir"), server.dataDir(), QStringLiteral("admin"), QStringLiteral("create"), email});
    if (!p.waitForStarted()) return p.errorString();
    p.write((kPassword + QLatin1Char('\n')).toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(60'000) || p.exitCode() != 0) return QString::fromUtf8(p.readAllStandardError());
    return {};
}

}  // namespace

class AccountDialogTest : public QObject {
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

private slots:
    void signUpVerifySignInWithTwoFactorAndTheAdminDock() {
        test::LocalKairosd server;
        const QString started = server.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        alerts::MemorySecretStore keychain;
        cloud::CloudClient client(server.url(), keychain);
        qint64 clockOffsetMs = 0;
        client.setClock([&] { return QDateTime::currentMSecsSinceEpoch() + clockOffsetMs; });
        AccountDialog dialog(client);
        dialog.show();
        QStatusBar bar;
        auto* label = new ui::AccountStatusLabel(client);
        bar.addPermanentWidget(label);
        bar.show();
        QCOMPARE(label->text(), QStringLiteral("Signed out"));

        // Sign up.
        find<QTabWidget>(dialog, "AccountSignedOutTabs")->setCurrentIndex(1);
        find<QLineEdit>(dialog, "SignUpEmail")->setText(kEmail);
        find<QLineEdit>(dialog, "SignUpPassword")->setText(QStringLiteral("password"));
        QVERIFY(!clickAndWait(dialog, "SignUpButton"));  // a common password: the server's reason is shown
        QVERIFY2(dialog.message().contains(QStringLiteral("field: password")), qPrintable(dialog.message()));
        find<QLineEdit>(dialog, "SignUpPassword")->setText(kPassword);
        QVERIFY2(clickAndWait(dialog, "SignUpButton"), qPrintable(dialog.message()));
        QVERIFY(dialog.message().contains(QStringLiteral("verification e-mail")));
        QCOMPARE(find<QTabWidget>(dialog, "AccountSignedOutTabs")->currentIndex(), 2);

        // Verify with the link of the e-mail the local server wrote.
        const QString mail = server.waitForMail(kEmail, QStringLiteral("Verify your e-mail"));
        QVERIFY2(!mail.isEmpty(), qPrintable(server.mailDir()));
        QCOMPARE(find<QLineEdit>(dialog, "VerifyEmail")->text(), kEmail);
        find<QLineEdit>(dialog, "VerifyInput")->setText(test::LocalKairosd::linkIn(mail));
        QVERIFY2(clickAndWait(dialog, "VerifyButton"), qPrintable(dialog.message()));
        QCOMPARE(find<QTabWidget>(dialog, "AccountSignedOutTabs")->currentIndex(), 0);

        // Sign in: the status bar shows who.
        QCOMPARE(find<QLineEdit>(dialog, "SignInEmail")->text(), kEmail);
        find<QLineEdit>(dialog, "SignInPassword")->setText(kPassword);
        QVERIFY2(clickAndWait(dialog, "SignInButton"), qPrintable(dialog.message()));
        QCOMPARE(label->text(), QStringLiteral("Signed in: ") + kEmail);
        QVERIFY(find<QTabWidget>(dialog, "AccountSignedInTabs")->isVisible());

        // Two-factor: the QR code carries the otpauth:// URI; confirm with a code computed from its secret.
        find<QTabWidget>(dialog, "AccountSignedInTabs")->setCurrentIndex(1);
        QVERIFY2(clickAndWait(dialog, "EnrolTotpButton"), qPrintable(dialog.message()));
        QVERIFY(dialog.qrCode()->text().startsWith(QStringLiteral("otpauth://totp/")));
        QVERIFY(dialog.qrCode()->modules() >= 21);
        const QString secret = find<QLineEdit>(dialog, "TotpSecret")->text();
        QVERIFY(dialog.qrCode()->text().contains(QStringLiteral("secret=") + secret));
        screenshot(dialog, QStringLiteral("account_dialog_2fa_enrol.png"));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        find<QLineEdit>(dialog, "TotpConfirmCode")->setText(test::totpCode(secret, now));
        QVERIFY2(clickAndWait(dialog, "ConfirmTotpButton"), qPrintable(dialog.message()));
        auto* codes = find<QPlainTextEdit>(dialog, "RecoveryCodes");
        QVERIFY(codes->isVisible());
        QCOMPARE(codes->toPlainText().split(QLatin1Char('\n')).size(), 11);  // the heading and ten codes
        QVERIFY(find<QLabel>(dialog, "TwoFactorStatus")->text().contains(QStringLiteral("<b>on</b>")));
        screenshot(dialog, QStringLiteral("account_dialog_recovery_codes.png"));

        // Sign out, then in again: the server asks for the code and the dialog shows the field.
        find<QTabWidget>(dialog, "AccountSignedInTabs")->setCurrentIndex(0);
        QVERIFY(clickAndWait(dialog, "SignOutButton"));
        QCOMPARE(label->text(), QStringLiteral("Signed out"));
        find<QLineEdit>(dialog, "SignInPassword")->setText(kPassword);
        QVERIFY(!clickAndWait(dialog, "SignInButton"));
        auto* totp = find<QLineEdit>(dialog, "SignInTotp");
        QVERIFY(totp->isVisible());
        totp->setText(test::totpCode(secret, now + 30));  // the next step: the confirm's code is spent
        QVERIFY2(clickAndWait(dialog, "SignInButton"), qPrintable(dialog.message()));
        QCOMPARE(label->text(), QStringLiteral("Signed in: ") + kEmail);
        QVERIFY(client.account()->twoFactor);

        // Sessions: this one, marked.
        find<QTabWidget>(dialog, "AccountSignedInTabs")->setCurrentIndex(2);
        QTRY_VERIFY_WITH_TIMEOUT(find<QTableWidget>(dialog, "SessionsTable")->rowCount() >= 1, 30'000);
        QVERIFY(find<QTableWidget>(dialog, "SessionsTable")->item(0, 0)->text().contains(QStringLiteral("this terminal")));
        screenshot(dialog, QStringLiteral("account_dialog_sessions.png"));

        // Admin dock: give the account the admin role; the next access token carries it.
        const QString promoted = makeAdmin(server, kEmail);
        QVERIFY2(promoted.isEmpty(), qPrintable(promoted));
        clockOffsetMs += 16 * 60 * 1000;  // the access token has expired: the next call refreshes
        QSignalSpy reloaded(&client, &cloud::CloudClient::accountChanged);
        client.reloadAccount({});
        QVERIFY(reloaded.wait(30'000));
        QVERIFY(client.account()->isAdmin());
        ui::AdminWidget admin(client);
        admin.resize(760, 420);
        QSignalSpy loaded(&admin, &ui::AdminWidget::loaded);
        admin.show();  // loads accounts, audit and health
        QTRY_VERIFY_WITH_TIMEOUT(loaded.size() >= 3, 30'000);
        QCOMPARE(admin.accountsTable()->rowCount(), 1);
        QCOMPARE(admin.accountsTable()->item(0, 1)->text(), kEmail);
        QVERIFY(admin.accountsTable()->item(0, 2)->text().contains(QStringLiteral("admin")));
        QVERIFY(admin.auditTable()->rowCount() >= 4);  // registered, verified, logins, 2FA
        QVERIFY2(admin.healthLabel()->text().contains(QStringLiteral("Ready: yes")), qPrintable(admin.healthLabel()->text()));
        screenshot(admin, QStringLiteral("admin_dock_accounts.png"));

        // Deactivate another account found by search.
        cloud::CloudClient other(server.url(), keychain);
        bool registeredOk = false;
        other.registerAccount(QStringLiteral("second+b@example.org"), kPassword,
                              [&](const cloud::Outcome<cloud::Done>& r) { registeredOk = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(registeredOk, 30'000);
        admin.findChild<QLineEdit*>(QStringLiteral("AdminSearch"))->setText(QStringLiteral("second+b@"));
        loaded.clear();
        QTest::keyClick(admin.findChild<QLineEdit*>(QStringLiteral("AdminSearch")), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.size() >= 1, 30'000);
        QCOMPARE(admin.accountsTable()->rowCount(), 1);
        QCOMPARE(admin.accountsTable()->item(0, 1)->text(), QStringLiteral("second+b@example.org"));
        admin.accountsTable()->selectRow(0);
        loaded.clear();
        QTest::mouseClick(admin.findChild<QPushButton*>(QStringLiteral("AdminDeactivate")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(admin.accountsTable()->item(0, 4)->text(), QStringLiteral("no"), 30'000);
        admin.findChild<QTabWidget*>()->setCurrentIndex(1);
        screenshot(admin, QStringLiteral("admin_dock_audit.png"));
        admin.findChild<QTabWidget*>()->setCurrentIndex(2);
        screenshot(admin, QStringLiteral("admin_dock_server.png"));
    }

    void withoutAServerTheDialogSaysSoClearly() {
        alerts::MemorySecretStore keychain;
        cloud::CloudClient client(QUrl(QStringLiteral("http://127.0.0.1:9")), keychain);  // discard port: nothing listens
        AccountDialog dialog(client);
        dialog.show();
        find<QLineEdit>(dialog, "SignInEmail")->setText(kEmail);
        find<QLineEdit>(dialog, "SignInPassword")->setText(kPassword);
        QVERIFY(!clickAndWait(dialog, "SignInButton"));
        QVERIFY2(dialog.message().contains(QStringLiteral("unreachable")), qPrintable(dialog.message()));
        QVERIFY(dialog.message().contains(QStringLiteral("127.0.0.1:9")));
        QCOMPARE(client.state(), cloud::CloudState::SignedOut);
    }

    void theMainWindowHasFileAccountAnAccountFieldAndNoAdminDockWhenSignedOut() {
        QTemporaryDir profile;
        ui::TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        ui::TerminalSession session(o);
        session.settings().setValue(QStringLiteral("cloud/serverUrl"), QStringLiteral("http://127.0.0.1:9"));
        ui::MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.cloud());
        QCOMPARE(w.cloud()->serverUrl(), QUrl(QStringLiteral("http://127.0.0.1:9")));
        QMenu* file = w.menuBar()->actions().constFirst()->menu();
        auto* account = w.findChild<QAction*>(QStringLiteral("AccountAction"));
        QVERIFY(account);
        QVERIFY(file->actions().contains(account));
        auto* field = w.findChild<ui::AccountStatusLabel*>(QStringLiteral("AccountStatusLabel"));
        QVERIFY(field);
        QCOMPARE(field->text(), QStringLiteral("Signed out"));
        QDockWidget* admin = w.dock(QStringLiteral("AdminDock"));
        QVERIFY(admin);
        QVERIFY(!admin->isVisible());
        QVERIFY(!admin->toggleViewAction()->isVisible());
        account->trigger();
        auto* dialog = w.findChild<ui::AccountDialog*>(QStringLiteral("AccountDialog"));
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
    }
};

QTEST_MAIN(AccountDialogTest)
#include "account_dialog_test.moc"
