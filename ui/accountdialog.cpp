#include "accountdialog.h"

#include "qrcodewidget.h"

#include "cloud/cloudclient.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kairos::ui {

namespace {

/// A callback that runs `f` only while `dialog` exists, then announces the end of the call.
template <class T, class F>
cloud::CloudClient::Callback<T> guarded(AccountDialog* dialog, F f) {
    return [self = QPointer<AccountDialog>(dialog), f = std::move(f)](cloud::Outcome<T> r) {
        if (!self) return;
        const bool ok = r.ok();
        f(std::move(r));
        if (self) emit self->callFinished(ok);
    };
}

QLineEdit* lineEdit(const QString& objectName, const QString& placeholder, bool secret = false) {
    auto* e = new QLineEdit;
    e->setObjectName(objectName);
    e->setPlaceholderText(placeholder);
    if (secret) e->setEchoMode(QLineEdit::Password);
    return e;
}

QPushButton* button(const QString& objectName, const QString& text) {
    auto* b = new QPushButton(text);
    b->setObjectName(objectName);
    b->setAutoDefault(false);
    return b;
}

QString formatMs(qint64 ms) {
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : QString();
}

}  // namespace

AccountDialog::AccountDialog(cloud::CloudClient& client, QWidget* parent)
    : QDialog(parent), m_client(client), m_header(new QLabel), m_pages(new QStackedWidget), m_message(new QLabel) {
    setObjectName(QStringLiteral("AccountDialog"));
    setWindowTitle(tr("Account"));
    m_header->setObjectName(QStringLiteral("AccountHeader"));
    m_header->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("AccountMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pages->addWidget(buildSignedOut());
    m_pages->addWidget(buildSignedIn());
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_pages, 1);
    layout->addWidget(m_message);
    layout->addWidget(close);
    connect(&client, &cloud::CloudClient::stateChanged, this, &AccountDialog::refreshState);
    connect(&client, &cloud::CloudClient::accountChanged, this, &AccountDialog::refreshState);
    refreshState();
    resize(560, 620);
}

QString AccountDialog::message() const { return m_message->text(); }

void AccountDialog::showError(const cloud::CloudError& error) {
    m_message->setStyleSheet(QStringLiteral("color: #d9534f;"));
    m_message->setText(error.describe());
}

void AccountDialog::showNotice(const QString& text) {
    m_message->setStyleSheet(QString());
    m_message->setText(text);
}

void AccountDialog::refreshState() {
    const QString server = m_client.serverUrl().toString(QUrl::RemoveUserInfo);
    const auto& account = m_client.account();
    switch (m_client.state()) {
    case cloud::CloudState::SignedIn:
        m_header->setText(tr("Signed in as <b>%1</b> on %2").arg(account ? account->email.toHtmlEscaped() : QString(), server));
        break;
    case cloud::CloudState::Restoring:
        m_header->setText(tr("Connecting to %1…").arg(server));
        break;
    case cloud::CloudState::Unreachable:
        m_header->setText(tr("The account server %1 cannot be reached. The terminal keeps working offline; "
                             "your session is kept and checked again when you sign in.")
                              .arg(server));
        break;
    case cloud::CloudState::SignedOut:
        m_header->setText(tr("Signed out. Account server: %1").arg(server));
        break;
    }
    const bool in = m_client.isSignedIn() && account;
    m_pages->setCurrentIndex(in ? 1 : 0);
    if (!in) return;
    m_profile->setText(tr("<b>%1</b><br>Roles: %2<br>E-mail verified: %3<br>Member since %4")
                           .arg(account->email.toHtmlEscaped(), account->roles.join(QStringLiteral(", ")),
                                account->verified ? tr("yes") : tr("no"), formatMs(account->createdMs)));
    m_twoFactorStatus->setText(account->twoFactor ? tr("Two-factor authentication is <b>on</b>.")
                                                  : tr("Two-factor authentication is <b>off</b>."));
    m_enrolButton->setVisible(!account->twoFactor);
    m_disableBox->setVisible(account->twoFactor);
    if (account->twoFactor) m_enrolBox->setVisible(false);
}

// --- signed out

QWidget* AccountDialog::buildSignedOut() {
    m_outTabs = new QTabWidget;
    m_outTabs->setObjectName(QStringLiteral("AccountSignedOutTabs"));

    auto* signInPage = new QWidget;
    auto* f = new QFormLayout(signInPage);
    m_signInEmail = lineEdit(QStringLiteral("SignInEmail"), tr("you@example.org"));
    m_signInPassword = lineEdit(QStringLiteral("SignInPassword"), QString(), true);
    m_signInTotp = lineEdit(QStringLiteral("SignInTotp"), tr("6-digit code or a recovery code"));
    m_signInTotpLabel = new QLabel(tr("Two-factor code:"));
    auto* signInButton = button(QStringLiteral("SignInButton"), tr("Sign in"));
    f->addRow(tr("E-mail:"), m_signInEmail);
    f->addRow(tr("Password:"), m_signInPassword);
    f->addRow(m_signInTotpLabel, m_signInTotp);
    f->addRow(QString(), signInButton);
    m_signInTotpLabel->hide();
    m_signInTotp->hide();
    connect(signInButton, &QPushButton::clicked, this, &AccountDialog::signIn);
    connect(m_signInPassword, &QLineEdit::returnPressed, this, &AccountDialog::signIn);
    connect(m_signInTotp, &QLineEdit::returnPressed, this, &AccountDialog::signIn);
    m_outTabs->addTab(signInPage, tr("Sign in"));

    auto* signUpPage = new QWidget;
    auto* g = new QFormLayout(signUpPage);
    m_signUpEmail = lineEdit(QStringLiteral("SignUpEmail"), tr("you@example.org"));
    m_signUpPassword = lineEdit(QStringLiteral("SignUpPassword"), tr("at least 8 characters; a phrase is best"), true);
    auto* signUpButton = button(QStringLiteral("SignUpButton"), tr("Create account"));
    g->addRow(tr("E-mail:"), m_signUpEmail);
    g->addRow(tr("Password:"), m_signUpPassword);
    g->addRow(QString(), signUpButton);
    connect(signUpButton, &QPushButton::clicked, this, &AccountDialog::signUp);
    m_outTabs->addTab(signUpPage, tr("Create account"));

    auto* verifyPage = new QWidget;
    auto* h = new QFormLayout(verifyPage);
    m_verifyEmail = lineEdit(QStringLiteral("VerifyEmail"), tr("you@example.org"));
    m_verifyInput = lineEdit(QStringLiteral("VerifyInput"), tr("the link from the e-mail, or its 6-digit code"));
    auto* verifyButton = button(QStringLiteral("VerifyButton"), tr("Verify"));
    auto* resendButton = button(QStringLiteral("ResendButton"), tr("Send the e-mail again"));
    h->addRow(new QLabel(tr("Open the link in the verification e-mail, or paste it here, or type the code it gives.")));
    h->addRow(tr("E-mail:"), m_verifyEmail);
    h->addRow(tr("Link or code:"), m_verifyInput);
    auto* row = new QHBoxLayout;
    row->addWidget(verifyButton);
    row->addWidget(resendButton);
    row->addStretch();
    h->addRow(QString(), row);
    connect(verifyButton, &QPushButton::clicked, this, &AccountDialog::verify);
    connect(resendButton, &QPushButton::clicked, this, [this] {
        m_client.resendVerification(
            m_verifyEmail->text(), guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& r) {
                if (!r) return showError(r.error());
                showNotice(
                    tr("If %1 is waiting for verification, a new e-mail is on its way.").arg(m_verifyEmail->text().trimmed()));
            }));
    });
    m_outTabs->addTab(verifyPage, tr("Verify e-mail"));
    return m_outTabs;
}

void AccountDialog::signIn() {
    const bool withCode = m_signInTotp->isVisible() && !m_signInTotp->text().trimmed().isEmpty();
    showNotice(tr("Signing in…"));
    m_client.signIn(m_signInEmail->text(), m_signInPassword->text(), withCode ? m_signInTotp->text() : QString(),
                    guarded<cloud::AccountInfo>(this, [this](const cloud::Outcome<cloud::AccountInfo>& r) {
                        if (!r) {
                            if (r.error().code == QLatin1String("totp_required")) {
                                m_signInTotpLabel->show();
                                m_signInTotp->show();
                                m_signInTotp->setFocus();
                                showNotice(tr("Enter the code from your authenticator app (or one of your recovery codes)."));
                                return;
                            }
                            return showError(r.error());
                        }
                        m_signInPassword->clear();
                        m_signInTotp->clear();
                        m_signInTotp->hide();
                        m_signInTotpLabel->hide();
                        showNotice(tr("Signed in as %1.").arg(r->email));
                    }));
}

void AccountDialog::signUp() {
    const QString email = m_signUpEmail->text().trimmed();
    m_client.registerAccount(email, m_signUpPassword->text(),
                             guarded<cloud::Done>(this, [this, email](const cloud::Outcome<cloud::Done>& r) {
                                 if (!r) return showError(r.error());
                                 m_signUpPassword->clear();
                                 m_verifyEmail->setText(email);
                                 m_signInEmail->setText(email);
                                 m_outTabs->setCurrentIndex(2);
                                 showNotice(tr("A verification e-mail is on its way to %1. Open its link, or paste the "
                                               "link or type its code here.")
                                                .arg(email));
                             }));
}

void AccountDialog::verify() {
    const QString input = m_verifyInput->text().trimmed();
    auto done = guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& r) {
        if (!r) return showError(r.error());
        m_verifyInput->clear();
        if (m_signInEmail->text().isEmpty()) m_signInEmail->setText(m_verifyEmail->text().trimmed());
        m_outTabs->setCurrentIndex(0);
        showNotice(tr("Your e-mail address is verified. Sign in now."));
    });
    if (QRegularExpression(QStringLiteral("^\\d{6}$")).match(input).hasMatch()) {
        m_client.verifyEmailCode(m_verifyEmail->text(), input, std::move(done));
    } else {
        m_client.verifyEmailToken(input, std::move(done));
    }
}

// --- signed in

QWidget* AccountDialog::buildSignedIn() {
    m_inTabs = new QTabWidget;
    m_inTabs->setObjectName(QStringLiteral("AccountSignedInTabs"));
    m_inTabs->addTab(buildProfileTab(), tr("Profile"));
    m_inTabs->addTab(buildTwoFactorTab(), tr("Two-factor"));
    m_inTabs->addTab(buildSessionsTab(), tr("Sessions"));
    m_inTabs->addTab(buildDeleteTab(), tr("Delete account"));
    connect(m_inTabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 2) loadSessions();
    });
    return m_inTabs;
}

QWidget* AccountDialog::buildProfileTab() {
    auto* page = new QWidget;
    auto* v = new QVBoxLayout(page);
    m_profile = new QLabel;
    m_profile->setObjectName(QStringLiteral("AccountProfile"));
    v->addWidget(m_profile);

    auto* emailBox = new QGroupBox(tr("Change e-mail address"));
    auto* ef = new QFormLayout(emailBox);
    m_newEmail = lineEdit(QStringLiteral("ChangeEmailNew"), tr("new@example.org"));
    m_emailPassword = lineEdit(QStringLiteral("ChangeEmailPassword"), QString(), true);
    auto* changeEmail = button(QStringLiteral("ChangeEmailButton"), tr("Change e-mail"));
    ef->addRow(tr("New address:"), m_newEmail);
    ef->addRow(tr("Password:"), m_emailPassword);
    ef->addRow(QString(), changeEmail);
    connect(changeEmail, &QPushButton::clicked, this, [this] {
        const QString next = m_newEmail->text().trimmed();
        m_client.changeEmail(m_emailPassword->text(), next,
                             guarded<cloud::Done>(this, [this, next](const cloud::Outcome<cloud::Done>& r) {
                                 if (!r) return showError(r.error());
                                 m_emailPassword->clear();
                                 showNotice(tr("A verification e-mail went to %1; the change takes effect when you open its "
                                               "link. Your current address was told.")
                                                .arg(next));
                             }));
    });
    v->addWidget(emailBox);

    auto* pwBox = new QGroupBox(tr("Change password"));
    auto* pf = new QFormLayout(pwBox);
    m_currentPassword = lineEdit(QStringLiteral("ChangePasswordCurrent"), QString(), true);
    m_newPassword = lineEdit(QStringLiteral("ChangePasswordNew"), tr("at least 8 characters"), true);
    m_endOthers = new QCheckBox(tr("Sign out my other sessions"));
    m_endOthers->setObjectName(QStringLiteral("EndOtherSessions"));
    auto* changePw = button(QStringLiteral("ChangePasswordButton"), tr("Change password"));
    pf->addRow(tr("Current:"), m_currentPassword);
    pf->addRow(tr("New:"), m_newPassword);
    pf->addRow(QString(), m_endOthers);
    pf->addRow(QString(), changePw);
    connect(changePw, &QPushButton::clicked, this, [this] {
        m_client.changePassword(m_currentPassword->text(), m_newPassword->text(), m_endOthers->isChecked(),
                                guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& r) {
                                    if (!r) return showError(r.error());
                                    m_currentPassword->clear();
                                    m_newPassword->clear();
                                    showNotice(tr("Your password is changed."));
                                }));
    });
    v->addWidget(pwBox);

    auto* signOut = button(QStringLiteral("SignOutButton"), tr("Sign out"));
    connect(signOut, &QPushButton::clicked, this, [this] {
        m_client.signOut(guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& r) {
            if (!r) return showNotice(tr("Signed out here; the server could not be told (%1).").arg(r.error().describe()));
            showNotice(tr("Signed out."));
        }));
    });
    auto* row = new QHBoxLayout;
    row->addWidget(signOut);
    row->addStretch();
    v->addLayout(row);
    v->addStretch();
    return page;
}

QWidget* AccountDialog::buildTwoFactorTab() {
    auto* page = new QWidget;
    auto* v = new QVBoxLayout(page);
    m_twoFactorStatus = new QLabel;
    m_twoFactorStatus->setObjectName(QStringLiteral("TwoFactorStatus"));
    v->addWidget(m_twoFactorStatus);
    m_enrolButton = button(QStringLiteral("EnrolTotpButton"), tr("Turn on two-factor authentication…"));
    v->addWidget(m_enrolButton, 0, Qt::AlignLeft);

    m_enrolBox = new QWidget;
    auto* e = new QVBoxLayout(m_enrolBox);
    e->setContentsMargins(0, 0, 0, 0);
    e->addWidget(new QLabel(tr("Scan this code with an authenticator app (or type the key), then enter the code it shows.")));
    m_qr = new QrCodeWidget;
    e->addWidget(m_qr, 0, Qt::AlignHCenter);
    auto* ef = new QFormLayout;
    m_totpSecret = lineEdit(QStringLiteral("TotpSecret"), QString());
    m_totpSecret->setReadOnly(true);
    m_confirmCode = lineEdit(QStringLiteral("TotpConfirmCode"), tr("6-digit code"));
    auto* confirm = button(QStringLiteral("ConfirmTotpButton"), tr("Confirm"));
    ef->addRow(tr("Key:"), m_totpSecret);
    ef->addRow(tr("Code:"), m_confirmCode);
    ef->addRow(QString(), confirm);
    e->addLayout(ef);
    m_enrolBox->hide();
    v->addWidget(m_enrolBox);

    m_recoveryCodes = new QPlainTextEdit;
    m_recoveryCodes->setObjectName(QStringLiteral("RecoveryCodes"));
    m_recoveryCodes->setReadOnly(true);
    m_recoveryCodes->setMinimumHeight(230);
    m_recoveryCodes->hide();
    v->addWidget(m_recoveryCodes);

    m_disableBox = new QGroupBox(tr("Turn off two-factor authentication"));
    auto* df = new QFormLayout(m_disableBox);
    m_disablePassword = lineEdit(QStringLiteral("DisableTotpPassword"), QString(), true);
    m_disableCode = lineEdit(QStringLiteral("DisableTotpCode"), tr("code or recovery code"));
    auto* disable = button(QStringLiteral("DisableTotpButton"), tr("Turn off"));
    df->addRow(tr("Password:"), m_disablePassword);
    df->addRow(tr("Code:"), m_disableCode);
    df->addRow(QString(), disable);
    v->addWidget(m_disableBox);
    v->addStretch();

    connect(m_enrolButton, &QPushButton::clicked, this, [this] {
        m_client.beginTotp(guarded<cloud::TotpEnrolment>(this, [this](const cloud::Outcome<cloud::TotpEnrolment>& r) {
            if (!r) return showError(r.error());
            m_qr->setText(r->otpauthUri);
            m_totpSecret->setText(r->secretBase32);
            m_recoveryCodes->hide();
            m_enrolButton->hide();
            m_enrolBox->show();
            m_confirmCode->setFocus();
            showNotice(tr("Scan the code, then confirm with the code your app shows."));
        }));
    });
    connect(confirm, &QPushButton::clicked, this, [this] {
        m_client.confirmTotp(m_confirmCode->text(), guarded<QStringList>(this, [this](const cloud::Outcome<QStringList>& r) {
                                 if (!r) return showError(r.error());
                                 resetTwoFactor();
                                 // Shown once: the server keeps only their hashes.
                                 m_recoveryCodes->setPlainText(
                                     tr("Recovery codes (each works once; store them now, they are not shown again):\n") +
                                     r->join(QLatin1Char('\n')));
                                 m_recoveryCodes->show();
                                 showNotice(tr("Two-factor authentication is on. Keep the recovery codes somewhere safe."));
                             }));
    });
    connect(disable, &QPushButton::clicked, this, [this] {
        m_client.disableTotp(m_disablePassword->text(), m_disableCode->text(),
                             guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& r) {
                                 if (!r) return showError(r.error());
                                 m_disablePassword->clear();
                                 m_disableCode->clear();
                                 m_recoveryCodes->clear();
                                 m_recoveryCodes->hide();
                                 showNotice(tr("Two-factor authentication is off."));
                             }));
    });
    return page;
}

void AccountDialog::resetTwoFactor() {
    m_qr->setText(QString());
    m_totpSecret->clear();
    m_confirmCode->clear();
    m_enrolBox->hide();
}

QWidget* AccountDialog::buildSessionsTab() {
    auto* page = new QWidget;
    auto* v = new QVBoxLayout(page);
    m_sessions = new QTableWidget(0, 4);
    m_sessions->setObjectName(QStringLiteral("SessionsTable"));
    m_sessions->setHorizontalHeaderLabels({tr("Device"), tr("IP"), tr("Signed in"), tr("Last used")});
    m_sessions->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_sessions->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_sessions->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sessions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sessions->verticalHeader()->hide();
    v->addWidget(m_sessions);
    auto* row = new QHBoxLayout;
    auto* revoke = button(QStringLiteral("RevokeSessionButton"), tr("Sign out the selected session"));
    auto* revokeOthers = button(QStringLiteral("RevokeOtherSessionsButton"), tr("Sign out all other sessions"));
    auto* reload = button(QStringLiteral("ReloadSessionsButton"), tr("Reload"));
    row->addWidget(revoke);
    row->addWidget(revokeOthers);
    row->addStretch();
    row->addWidget(reload);
    v->addLayout(row);
    connect(reload, &QPushButton::clicked, this, &AccountDialog::loadSessions);
    connect(revoke, &QPushButton::clicked, this, [this] {
        const int r = m_sessions->currentRow();
        if (r < 0) return showNotice(tr("Select a session first."));
        const qint64 id = m_sessions->item(r, 0)->data(Qt::UserRole).toLongLong();
        const bool current = m_sessions->item(r, 0)->data(Qt::UserRole + 1).toBool();
        if (current) {
            m_client.signOut(
                guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>&) { showNotice(tr("Signed out.")); }));
            return;
        }
        m_client.revokeSession(id, guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& res) {
                                   if (!res) return showError(res.error());
                                   showNotice(tr("The session is signed out."));
                                   loadSessions();
                               }));
    });
    connect(revokeOthers, &QPushButton::clicked, this, [this] {
        m_client.revokeOtherSessions(guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& res) {
            if (!res) return showError(res.error());
            showNotice(tr("All other sessions are signed out."));
            loadSessions();
        }));
    });
    return page;
}

void AccountDialog::loadSessions() {
    m_client.listSessions(
        guarded<std::vector<cloud::SessionInfo>>(this, [this](const cloud::Outcome<std::vector<cloud::SessionInfo>>& r) {
            if (!r) return showError(r.error());
            m_sessions->setRowCount(static_cast<int>(r->size()));
            for (int i = 0; i < static_cast<int>(r->size()); ++i) {
                const cloud::SessionInfo& s = (*r)[static_cast<std::size_t>(i)];
                auto* device = new QTableWidgetItem(s.current ? tr("%1 (this terminal)").arg(s.userAgent) : s.userAgent);
                device->setData(Qt::UserRole, s.id);
                device->setData(Qt::UserRole + 1, s.current);
                m_sessions->setItem(i, 0, device);
                m_sessions->setItem(i, 1, new QTableWidgetItem(s.ip));
                m_sessions->setItem(i, 2, new QTableWidgetItem(formatMs(s.createdMs)));
                m_sessions->setItem(i, 3, new QTableWidgetItem(formatMs(s.lastUsedMs)));
            }
        }));
}

QWidget* AccountDialog::buildDeleteTab() {
    auto* page = new QWidget;
    auto* f = new QFormLayout(page);
    f->addRow(
        new QLabel(tr("Deleting the account removes it and everything stored with it on the server. "
                      "This cannot be undone. The terminal's local data (charts, paper trades) stays.")));
    m_deletePassword = lineEdit(QStringLiteral("DeletePassword"), QString(), true);
    m_deleteConfirm = new QCheckBox(tr("I understand that my account is deleted for good"));
    m_deleteConfirm->setObjectName(QStringLiteral("DeleteConfirm"));
    m_deleteButton = button(QStringLiteral("DeleteAccountButton"), tr("Delete my account"));
    m_deleteButton->setEnabled(false);
    f->addRow(tr("Password:"), m_deletePassword);
    f->addRow(QString(), m_deleteConfirm);
    f->addRow(QString(), m_deleteButton);
    const auto armed = [this] {
        m_deleteButton->setEnabled(m_deleteConfirm->isChecked() && !m_deletePassword->text().isEmpty());
    };
    connect(m_deleteConfirm, &QCheckBox::toggled, this, armed);
    connect(m_deletePassword, &QLineEdit::textChanged, this, armed);
    connect(m_deleteButton, &QPushButton::clicked, this, [this] {
        m_client.deleteAccount(m_deletePassword->text(), guarded<cloud::Done>(this, [this](const cloud::Outcome<cloud::Done>& r) {
                                   if (!r) return showError(r.error());
                                   m_deletePassword->clear();
                                   m_deleteConfirm->setChecked(false);
                                   showNotice(tr("Your account is deleted."));
                               }));
    });
    return page;
}

}  // namespace kairos::ui
