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
    QTabWidget* m_outTabs;
    QLineEdit* m_signInEmail;
    QLineEdit* m_signInPassword;
    QLabel* m_signInTotpLabel;
    QLineEdit* m_signInTotp;
    QLineEdit* m_signUpEmail;
    QLineEdit* m_signUpPassword;
    QLineEdit* m_verifyEmail;
    QLineEdit* m_verifyInput;
    // signed in
    QTabWidget* m_inTabs;
    QLabel* m_profile;
    QLineEdit* m_emailPassword;
    QLineEdit* m_newEmail;
    QLineEdit* m_currentPassword;
    QLineEdit* m_newPassword;
    QCheckBox* m_endOthers;
    QLabel* m_twoFactorStatus;
    QPushButton* m_enrolButton;
    QWidget* m_enrolBox;
    QrCodeWidget* m_qr;
    QLineEdit* m_totpSecret;
    QLineEdit* m_confirmCode;
    QPlainTextEdit* m_recoveryCodes;
    QWidget* m_disableBox;
    QLineEdit* m_disablePassword;
    QLineEdit* m_disableCode;
    QTableWidget* m_sessions;
    QLineEdit* m_deletePassword;
    QCheckBox* m_deleteConfirm;
    QPushButton* m_deleteButton;
};

}  // namespace kairos::ui
