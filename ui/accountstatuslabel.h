#pragma once
// AccountStatusLabel: the status bar's account field, "Signed in: ada@example.org", "Signed out",
// "Account: server unreachable"; its tooltip names the server. Clicking it is up to the owner.

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

signals:
    void clicked();

protected:
    void mousePressEvent(QMouseEvent* event) override;

private:
    void refresh();
    cloud::CloudClient& m_client;
};

}  // namespace kairos::ui
