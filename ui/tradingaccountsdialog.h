#pragma once
// The terminal's trading accounts in the UI (session::TradingAccounts):
// - TradingAccountsDialog (Trade › Accounts…): the list with each account's kind and state; add a
//   paper account (starting cash), a Binance testnet or a Binance live account (API key and secret
//   stored only in the OS keychain, "Test connection" shows Binance's answer), rename, remove,
//   new keys, risk limits and "confirm orders" (RiskLimitsDialog), make active.
// - AccountKeysDialog: name (+ starting cash for paper, + key/secret for Binance) with the test.
// - AccountBar: the account selector with its kind badge, for the Trading dock.
// The kind is labelled wherever an order can be sent: LIVE in a strong warning colour, TESTNET
// distinct, PAPER neutral (accountBadgeStyle).

#include "session/tradingaccounts.h"
#include "trading/accountinfo.h"

#include <QDialog>
#include <QWidget>

#include <cstdint>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace kairos::ui {

/// The style sheet of a kind badge: LIVE white on red, TESTNET white on purple, PAPER neutral grey.
QString accountBadgeStyle(trading::AccountKind kind);
/// The colour of a kind's lines and labels (LIVE red, TESTNET purple, PAPER grey).
QColor accountKindColor(trading::AccountKind kind);

class AccountKeysDialog : public QDialog {
    Q_OBJECT
public:
    /// Adding an account of `kind` (name editable), or `keysOnly` to replace an account's keys.
    AccountKeysDialog(session::TradingAccounts& accounts, trading::AccountKind kind, bool keysOnly, QWidget* parent = nullptr);

    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* cashEdit() const { return m_cash; }
    QLineEdit* keyEdit() const { return m_key; }
    QLineEdit* secretEdit() const { return m_secret; }
    QPushButton* testButton() const { return m_test; }
    /// Binance's answer to the last "Test connection".
    QLabel* answerLabel() const { return m_answer; }
    void testConnection();

private:
    session::TradingAccounts& m_accounts;
    trading::AccountKind m_kind;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_cash = nullptr;
    QLineEdit* m_key = nullptr;
    QLineEdit* m_secret = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_answer = nullptr;
};

class TradingAccountsDialog : public QDialog {
    Q_OBJECT
public:
    /// `accounts` must outlive the dialog.
    explicit TradingAccountsDialog(session::TradingAccounts& accounts, QWidget* parent = nullptr);

    QListWidget* list() const { return m_list; }
    /// The selected account's id (0 when none).
    std::int64_t selectedId() const;
    void select(std::int64_t id);
    /// The last message (errors included).
    QString statusText() const;

    /// Adds an account as the Add dialogs do (the keys go to the keychain only); the outcome shows
    /// in the status line. For tests and the dialogs' OK.
    void addAccount(trading::AccountKind kind, const QString& name, const QString& startingCash, const QString& apiKey,
                    const QString& apiSecret);

private:
    void reload();
    void say(const QString& text, bool error = false);
    void onAdd(trading::AccountKind kind);
    void onRename();
    void onRemove();
    void onKeys();
    void onRisk();

    session::TradingAccounts& m_accounts;
    QListWidget* m_list;
    QLabel* m_status;
};

/// The Trading dock's header: the account selector (every account, its kind in front), the active
/// account's kind badge, Accounts… and Kill switch buttons.
class AccountBar : public QWidget {
    Q_OBJECT
public:
    explicit AccountBar(session::TradingAccounts& accounts, QWidget* parent = nullptr);
    QComboBox* selector() const { return m_box; }
    QLabel* badge() const { return m_badge; }
    void reload();

Q_SIGNALS:
    void accountsRequested();
    void killSwitchRequested();

private:
    session::TradingAccounts& m_accounts;
    QComboBox* m_box;
    QLabel* m_badge;
};

}  // namespace kairos::ui
