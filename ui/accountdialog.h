#pragma once
// AccountDialog (File › Account…): the account on the companion server through cloud::CloudClient.
// Signed out: sign in (a 2FA code field appears when the server asks for one), create an account,
// verify the e-mail address (the link from the e-mail, or its six-digit code), resend.
// Signed in: profile with e-mail and password change and sign-out; two-factor enrolment (QR code of
// the otpauth:// URI, confirm with a code, the ten recovery codes shown once) and disabling
// (password + code); the sessions with revoke; account deletion (password and a confirmation box).
// Errors are the server's words (CloudError::describe) in the message line at the bottom. Every
// field and button has an objectName (tests drive the dialog by them). Non-modal; answers that
// arrive after the dialog is gone are dropped.

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableWidget;
class QWidget;

namespace kairos::cloud {
class CloudClient;
struct CloudError;
}  // namespace kairos::cloud

namespace kairos::ui {

class QrCodeWidget;

class AccountDialog : public QDialog {
    Q_OBJECT
public:
    /// `client` must outlive the dialog.
    explicit AccountDialog(cloud::CloudClient& client, QWidget* parent = nullptr);

    /// The message line's text (the last error or notice).
    QString message() const;
    /// The QR code of a started enrolment (empty otherwise).
    QrCodeWidget* qrCode() const { return m_qr; }

signals:
    /// The last call finished (tests wait on it).
    void callFinished(bool ok);

private:
    QWidget* buildSignedOut();
    QWidget* buildSignedIn();
    QWidget* buildProfileTab();
    QWidget* buildTwoFactorTab();
    QWidget* buildSessionsTab();
    QWidget* buildDeleteTab();
    void refreshState();
    void showError(const cloud::CloudError& error);
    void showNotice(const QString& text);
    void signIn();
    void signUp();
    void verify();
    void loadSessions();
    void resetTwoFactor();

    cloud::CloudClient& m_client;
    QLabel* m_header;
    QStackedWidget* m_pages;
    QLabel* m_message;
    // signed out
    QTabWidget* m_outTabs = nullptr;
    QLineEdit* m_signInEmail = nullptr;
    QLineEdit* m_signInPassword = nullptr;
    QLabel* m_signInTotpLabel = nullptr;
    QLineEdit* m_signInTotp = nullptr;
    QLineEdit* m_signUpEmail = nullptr;
    QLineEdit* m_signUpPassword = nullptr;
    QLineEdit* m_verifyEmail = nullptr;
    QLineEdit* m_verifyInput = nullptr;
    // signed in
    QTabWidget* m_inTabs = nullptr;
    QLabel* m_profile = nullptr;
    QLineEdit* m_emailPassword = nullptr;
    QLineEdit* m_newEmail = nullptr;
    QLineEdit* m_currentPassword = nullptr;
    QLineEdit* m_newPassword = nullptr;
    QCheckBox* m_endOthers = nullptr;
    QLabel* m_twoFactorStatus = nullptr;
    QPushButton* m_enrolButton = nullptr;
    QWidget* m_enrolBox = nullptr;
    QrCodeWidget* m_qr = nullptr;
    QLineEdit* m_totpSecret = nullptr;
    QLineEdit* m_confirmCode = nullptr;
    QPlainTextEdit* m_recoveryCodes = nullptr;
    QWidget* m_disableBox = nullptr;
    QLineEdit* m_disablePassword = nullptr;
    QLineEdit* m_disableCode = nullptr;
    QTableWidget* m_sessions = nullptr;
    QLineEdit* m_deletePassword = nullptr;
    QCheckBox* m_deleteConfirm = nullptr;
    QPushButton* m_deleteButton = nullptr;
};

}  // namespace kairos::ui
