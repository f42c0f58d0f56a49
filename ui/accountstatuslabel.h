#pragma once
// AccountStatusLabel: the status bar's account field, "Signed in: ada@example.org", "Signed out",
// "Account: server unreachable"; its tooltip names the server. While signed in it also shows the
// workspace sync's state when the owner sets one ("Signed in: ada@example.org · Sync: offline, 3
// changes pending"), with the details in the tooltip. Clicking it is up to the owner.

#include <QLabel>

namespace kairos::cloud {
class CloudClient;
}

namespace kairos::ui {

class AccountStatusLabel : public QLabel {
    Q_OBJECT
public:
    /// Follows `client`, which must outlive the label.
    explicit AccountStatusLabel(cloud::CloudClient& client, QWidget* parent = nullptr);

    /// The workspace sync's state, shown after the account while signed in ("Sync: up to date");
    /// `detail` goes to the tooltip (last round, error, problems). Empty: nothing shown.
    void setSyncStatus(const QString& text, const QString& detail = {});
    QString syncStatus() const { return m_sync; }

signals:
    void clicked();

protected:
    void mousePressEvent(QMouseEvent* event) override;

private:
    void refresh();
    cloud::CloudClient& m_client;
    QString m_sync;
    QString m_syncDetail;
};

}  // namespace kairos::ui
