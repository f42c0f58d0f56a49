#pragma once
// AdminWidget: the Admin dock's content, for accounts with the admin role — accounts (search,
// deactivate, reactivate, end sessions), recent audit events, and the server's health (/health,
// /ready) with a few figures from /metrics. It loads when shown and on Refresh; the main window
// shows its dock only while an admin is signed in.

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableWidget;

namespace kairos::cloud {
class CloudClient;
struct CloudError;
}  // namespace kairos::cloud

namespace kairos::ui {

class AdminWidget : public QWidget {
    Q_OBJECT
public:
    /// `client` must outlive the widget.
    explicit AdminWidget(cloud::CloudClient& client, QWidget* parent = nullptr);

    /// Reloads the three parts (accounts with the current search, audit, health).
    void refresh();
    /// The accounts table (columns: id, e-mail, roles, verified, active, 2FA).
    QTableWidget* accountsTable() const { return m_accounts; }
    QTableWidget* auditTable() const { return m_audit; }
    QLabel* healthLabel() const { return m_health; }

signals:
    /// One of the loads of refresh() or an action finished (tests wait on it).
    void loaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void loadAccounts();
    void loadAudit();
    void loadHealth();
    void setActiveOfSelected(bool active);
    void showError(const cloud::CloudError& error);

    cloud::CloudClient& m_client;
    QLineEdit* m_search;
    QTableWidget* m_accounts;
    QTableWidget* m_audit;
    QLabel* m_health;
    QLabel* m_message;
};

}  // namespace kairos::ui
