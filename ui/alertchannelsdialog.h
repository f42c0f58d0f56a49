#pragma once
// AlertChannelsDialog: the delivery channels of the profile (e-mail over SMTP, Telegram bot,
// Discord webhook, generic signed webhook): list, add, edit, delete, switch off, and "Send test",
// which sends a test message now and shows the server's answer. Settings go to the profile
// database; the secret field (SMTP password, bot token, Discord webhook URL, signing secret) goes
// only to the OS keychain and is never shown again (left empty = keep the stored one).

#include "alerts/channel.h"

#include <QDialog>

#include <vector>

class QCheckBox;
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

namespace kairos::ui {

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
};

}  // namespace kairos::ui
