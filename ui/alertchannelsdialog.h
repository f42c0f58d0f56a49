#pragma once
// AlertChannelsDialog: the delivery channels of the profile (e-mail over SMTP, Telegram bot,
// Discord webhook, generic signed webhook): list, add, edit, delete, switch off, and "Send test",
// which sends a test message now and shows the server's answer. Settings go to the profile
// database; the secret field (SMTP password, bot token, Discord webhook URL, signing secret) goes
// only to the OS keychain and is never shown again (left empty = keep the stored one).
// Signed in (setCloudClient), a "Server" section lists the account's channels on kairosd, which
// deliver the alerts kept running on the server: add, edit, delete, switch off and "Send test"
// (kairosd sends it and its answer is shown), over /api/v1/alerts/channels. A secret typed there is
// sent to kairosd once (it keeps it encrypted) and never shown back: the form says only whether one
// is stored.

#include "alerts/channel.h"
#include "cloud/cloudtypes.h"

#include <QDialog>

#include <vector>

class QCheckBox;
class QGroupBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace kairos::alerts {
class DeliveryQueue;
}
namespace kairos::cloud {
class CloudClient;
}

namespace kairos::ui {

/// The account's channels on kairosd (the "Server" section of AlertChannelsDialog). GUI thread;
/// every call is asynchronous through the CloudClient, which must outlive the panel.
class ServerChannelsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ServerChannelsPanel(QWidget* parent = nullptr);
    /// Reads the channels through `cloud` when signed in (and again when it signs in); null: none.
    void setCloudClient(cloud::CloudClient* client);
    void reload();
    /// Selects a channel (0: the blank form for a new one).
    void select(qint64 id);

    QListWidget* list() const { return m_list; }
    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* nameEdit() const { return m_name; }
    /// The webhook URL, the Telegram chat id or the e-mail recipient, by kind.
    QLineEdit* targetEdit() const { return m_target; }
    QLineEdit* secretEdit() const { return m_secret; }
    QCheckBox* enabledBox() const { return m_enabled; }
    QLabel* secretHint() const { return m_secretHint; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* testButton() const { return m_test; }
    /// Errors and the last test's answer ("Sent: HTTP 200: …" / "Failed: HTTP 500: …").
    QLabel* resultLabel() const { return m_result; }
    const std::vector<cloud::ServerChannelInfo>& channels() const { return m_channels; }

Q_SIGNALS:
    /// The list was read from kairosd (after reload, save or delete).
    void channelsLoaded();

private:
    void updateForm();
    void save();
    void remove();
    void sendTest();
    QString kind() const;

    cloud::CloudClient* m_cloud = nullptr;
    std::vector<cloud::ServerChannelInfo> m_channels;
    qint64 m_currentId = 0;
    QListWidget* m_list;
    QComboBox* m_kind;
    QLineEdit* m_name;
    QCheckBox* m_enabled;
    QLabel* m_targetLabel;
    QLineEdit* m_target;
    QLineEdit* m_secret;
    QLabel* m_secretHint;
    QPushButton* m_save;
    QPushButton* m_delete;
    QPushButton* m_test;
    QLabel* m_result;
};

class AlertChannelsDialog : public QDialog {
    Q_OBJECT
public:
    /// `queue` (its store, secrets and sender) must outlive the dialog.
    explicit AlertChannelsDialog(alerts::DeliveryQueue& queue, QWidget* parent = nullptr);

    /// Selects the channel (or the blank form for a new one with 0).
    void select(std::int64_t channelId);
    /// The form's channel, or the reason it is not valid.
    Result<alerts::ChannelConfig> channel() const;

    // Parts, for tests.
    QListWidget* list() const { return m_list; }
    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* secretEdit() const { return m_secret; }
    QLineEdit* urlEdit() const { return m_url; }
    QLineEdit* chatEdit() const { return m_chat; }
    QLineEdit* apiBaseEdit() const { return m_apiBase; }
    QLineEdit* hostEdit() const { return m_host; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* testButton() const { return m_test; }
    /// The last test's answer ("Sent: HTTP 200: message 12" / "Failed: HTTP 401: Unauthorized").
    QLabel* resultLabel() const { return m_result; }
    /// Shows the "Server" section while `cloud` is signed in (the account's channels on kairosd).
    void setCloudClient(cloud::CloudClient* client);
    QGroupBox* serverSection() const { return m_serverBox; }
    ServerChannelsPanel* serverPanel() const { return m_serverPanel; }

Q_SIGNALS:
    /// Channels were added, changed or deleted.
    void channelsChanged();

private:
    void reload(std::int64_t selectId);
    void updateForm();
    void save();
    void remove();
    void sendTest();
    alerts::ChannelKind kind() const;

    alerts::DeliveryQueue& m_queue;
    std::vector<alerts::ChannelConfig> m_channels;
    std::int64_t m_currentId = 0;
    QListWidget* m_list;
    QFormLayout* m_form;
    QComboBox* m_kind;
    QLineEdit* m_name;
    QCheckBox* m_enabled;
    QLineEdit* m_host;
    QSpinBox* m_port;
    QComboBox* m_security;
    QLineEdit* m_user;
    QLineEdit* m_from;
    QLineEdit* m_to;
    QLineEdit* m_apiBase;
    QLineEdit* m_chat;
    QLineEdit* m_url;
    QLineEdit* m_secret;
    QLabel* m_secretHint;
    QLabel* m_error;
    QLabel* m_result;
    QPushButton* m_save;
    QPushButton* m_delete;
    QPushButton* m_test;
    QGroupBox* m_serverBox;
    ServerChannelsPanel* m_serverPanel;
};

}  // namespace kairos::ui
