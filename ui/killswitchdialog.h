#pragma once
// KillSwitchDialog: the kill switch (trading/killswitch.h) for one account or all of them — says
// what it will do (how many open orders and positions), asks once, runs, and then lists what it did
// and what failed, line by line, with each venue's reason.

#include "trading/killswitch.h"

#include <QDialog>

#include <cstdint>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace kairos::session {
class TradingAccounts;
}

namespace kairos::ui {

class KillSwitchDialog : public QDialog {
    Q_OBJECT
public:
    /// Preselects `accountId` (0: all accounts). `accounts` must outlive the dialog.
    KillSwitchDialog(session::TradingAccounts& accounts, std::int64_t accountId, QWidget* parent = nullptr);

    QComboBox* scopeBox() const { return m_scope; }
    QPushButton* runButton() const { return m_run; }
    QLabel* planLabel() const { return m_plan; }
    QTableWidget* reportTable() const { return m_table; }
    QLabel* summaryLabel() const { return m_summary; }
    trading::KillSwitch& killSwitch() { return m_switch; }
    /// Runs on the chosen scope now (what the button does after its confirmation).
    void run();

Q_SIGNALS:
    /// Emitted by run() after the confirmation, before anything is cancelled or closed (the terminal
    /// stops every bot here, so no bot sends an order between the cancels and the closes).
    void aboutToRun();
    void finished(const kairos::trading::KillReport& report);

private:
    void updatePlan();
    void showReport(const trading::KillReport& report);

    session::TradingAccounts& m_accounts;
    trading::KillSwitch m_switch;
    QComboBox* m_scope;
    QLabel* m_plan;
    QPushButton* m_run;
    QTableWidget* m_table;
    QLabel* m_summary;
};

}  // namespace kairos::ui
