// MainWindow: the account on the companion server (kept apart from mainwindow.cpp, which assembles
// the docks): the client, File › Account…, the status bar's account field and the Admin dock.
#include "accountdialog.h"
#include "accountstatuslabel.h"
#include "admindock.h"
#include "alertswidget.h"
#include "mainwindow.h"

#include "alerts/secretstore.h"
#include "cloud/cloudclient.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTimer>

namespace kairos::ui {

namespace {
const char* kServerUrlKey = "cloud/serverUrl";
/// Set while a session is stored, so a terminal that never signed in never touches the keychain.
const char* kRestoreKey = "cloud/restoreSession";
}  // namespace

void MainWindow::setupAccount() {
    // The server: the profile's setting, else scripts/run.sh's local kairosd (KAIROS_SERVER_URL), else the default port.
    QString fallback = qEnvironmentVariable("KAIROS_SERVER_URL");
    if (fallback.isEmpty()) fallback = QStringLiteral("http://127.0.0.1:8787");
    const QUrl server(m_session.settings().value(QString::fromLatin1(kServerUrlKey), fallback).toString());
    m_cloudSecrets = std::make_unique<alerts::KeychainSecretStore>("Kairos account");
    m_cloud = new cloud::CloudClient(server, *m_cloudSecrets, this);
    if (m_alertsPanel) m_alertsPanel->setCloudClient(m_cloud);  // server-side alerts' firings in the log

    QMenu* file = menuBar()->actions().isEmpty() ? nullptr : menuBar()->actions().constFirst()->menu();
    if (file) {
        auto* account = new QAction(tr("&Account…"), this);
        account->setObjectName(QStringLiteral("AccountAction"));
        connect(account, &QAction::triggered, this, &MainWindow::showAccountDialog);
        file->insertAction(file->actions().isEmpty() ? nullptr : file->actions().constFirst(), account);
        file->insertSeparator(file->actions().value(1));
    }
    auto* label = new AccountStatusLabel(*m_cloud);
    connect(label, &AccountStatusLabel::clicked, this, &MainWindow::showAccountDialog);
    statusBar()->addPermanentWidget(label);

    // The Admin dock exists for everyone but is shown (and listed) only while an admin is signed in.
    auto* admin = addDock(QStringLiteral("AdminDock"), tr("Admin"), new AdminWidget(*m_cloud), Qt::RightDockWidgetArea);
    admin->hide();
    admin->toggleViewAction()->setVisible(false);
    const auto follow = [this, admin] {
        const bool isAdmin = m_cloud->isSignedIn() && m_cloud->account() && m_cloud->account()->isAdmin();
        admin->toggleViewAction()->setVisible(isAdmin);
        if (isAdmin != admin->isVisible()) admin->setVisible(isAdmin);
        const bool stored = m_cloud->state() == cloud::CloudState::SignedIn || m_cloud->state() == cloud::CloudState::Unreachable;
        if (m_cloud->state() != cloud::CloudState::Restoring)
            m_session.settings().setValue(QString::fromLatin1(kRestoreKey), stored);
    };
    connect(m_cloud, &cloud::CloudClient::stateChanged, this, follow);
    connect(m_cloud, &cloud::CloudClient::accountChanged, this, follow);
    setupSync(label);
    if (m_session.settings().value(QString::fromLatin1(kRestoreKey), false).toBool())
        QTimer::singleShot(0, m_cloud, [c = m_cloud] { c->restoreSession(); });
}

AccountDialog* MainWindow::showAccountDialog() {
    if (!m_accountDialog) m_accountDialog = new AccountDialog(*m_cloud, this);
    // Offline at start-up: try the stored session again when the user comes looking for it.
    if (m_cloud->state() == cloud::CloudState::Unreachable) m_cloud->restoreSession();
    m_accountDialog->show();
    m_accountDialog->raise();
    m_accountDialog->activateWindow();
    return m_accountDialog;
}

}  // namespace kairos::ui
