#include "alertchannelsdialog.h"

#include "alerts/deliveryqueue.h"
#include "cloud/cloudclient.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace kairos::ui {

using alerts::ChannelConfig;
using alerts::ChannelKind;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
QString kindName(ChannelKind k) { return QString::fromUtf8(alerts::displayName(k).data()); }
}  // namespace

AlertChannelsDialog::AlertChannelsDialog(alerts::DeliveryQueue& queue, QWidget* parent) : QDialog(parent), m_queue(queue) {
    setWindowTitle(tr("Alert channels"));
    setObjectName(QStringLiteral("AlertChannelsDialog"));
    auto* outer = new QVBoxLayout(this);
    auto* layout = new QHBoxLayout;
    outer->addLayout(layout);
    m_serverBox = new QGroupBox(tr("Server (alerts kept running on your Kairos server)"));
    m_serverBox->setObjectName(QStringLiteral("ServerChannels"));
    auto* serverLayout = new QVBoxLayout(m_serverBox);
    m_serverPanel = new ServerChannelsPanel;
    serverLayout->addWidget(m_serverPanel);
    m_serverBox->setVisible(false);
    outer->addWidget(m_serverBox);
    auto* left = new QVBoxLayout;
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("ChannelList"));
    m_list->setMinimumWidth(200);
    left->addWidget(m_list);
    auto* add = new QPushButton(tr("New channel"));
    left->addWidget(add);
    layout->addLayout(left);

    auto* right = new QVBoxLayout;
    m_form = new QFormLayout;
    right->addLayout(m_form);
    m_kind = new QComboBox;
    for (ChannelKind k : {ChannelKind::Email, ChannelKind::Telegram, ChannelKind::Discord, ChannelKind::Webhook})
        m_kind->addItem(kindName(k), static_cast<int>(k));
    m_form->addRow(tr("Kind"), m_kind);
    m_name = new QLineEdit;
    m_name->setPlaceholderText(tr("e.g. My phone"));
    m_form->addRow(tr("Name"), m_name);
    m_enabled = new QCheckBox(tr("Send alerts through this channel"));
    m_enabled->setChecked(true);
    m_form->addRow(QString(), m_enabled);
    m_host = new QLineEdit;
    m_host->setPlaceholderText(QStringLiteral("smtp.example.com"));
    m_form->addRow(tr("SMTP server"), m_host);
    m_port = new QSpinBox;
    m_port->setRange(1, 65535);
    m_port->setValue(587);
    m_form->addRow(tr("Port"), m_port);
    m_security = new QComboBox;
    m_security->addItem(tr("STARTTLS (port 587)"), static_cast<int>(mail::SmtpSecurity::StartTls));
    m_security->addItem(tr("TLS (port 465)"), static_cast<int>(mail::SmtpSecurity::ImplicitTls));
    m_form->addRow(tr("Security"), m_security);
    m_user = new QLineEdit;
    m_form->addRow(tr("User name"), m_user);
    m_from = new QLineEdit;
    m_from->setPlaceholderText(QStringLiteral("alerts@example.com"));
    m_form->addRow(tr("From"), m_from);
    m_to = new QLineEdit;
    m_to->setPlaceholderText(tr("you@example.com (several: separate with commas)"));
    m_form->addRow(tr("To"), m_to);
    m_apiBase = new QLineEdit;
    m_form->addRow(tr("Bot API"), m_apiBase);
    m_chat = new QLineEdit;
    m_chat->setPlaceholderText(tr("-1001234567890 or @channel"));
    m_form->addRow(tr("Chat id"), m_chat);
    m_url = new QLineEdit;
    m_url->setPlaceholderText(QStringLiteral("https://example.com/kairos-hook"));
    m_form->addRow(tr("Webhook URL"), m_url);
    m_secret = new QLineEdit;
    m_secret->setObjectName(QStringLiteral("ChannelSecret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_form->addRow(tr("Secret"), m_secret);
    m_secretHint = new QLabel;
    m_secretHint->setWordWrap(true);
    m_secretHint->setEnabled(false);
    m_form->addRow(QString(), m_secretHint);
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #ef5350;"));
    right->addWidget(m_error);
    auto* buttons = new QHBoxLayout;
    m_save = new QPushButton(tr("Save"));
    m_delete = new QPushButton(tr("Delete"));
    m_test = new QPushButton(tr("Send test"));
    m_test->setObjectName(QStringLiteral("SendTest"));
    buttons->addWidget(m_save);
    buttons->addWidget(m_delete);
    buttons->addStretch();
    buttons->addWidget(m_test);
    right->addLayout(buttons);
    m_result = new QLabel;
    m_result->setObjectName(QStringLiteral("SendTestResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    right->addWidget(m_result);
    right->addStretch();
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    right->addWidget(close);
    layout->addLayout(right, 1);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(add, &QPushButton::clicked, this, [this] { select(0); });
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < static_cast<int>(m_channels.size())) select(m_channels[static_cast<std::size_t>(row)].id);
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &AlertChannelsDialog::updateForm);
    for (QLineEdit* e : {m_name, m_host, m_user, m_from, m_to, m_apiBase, m_chat, m_url, m_secret})
        connect(e, &QLineEdit::textChanged, this, &AlertChannelsDialog::updateForm);
    connect(m_save, &QPushButton::clicked, this, &AlertChannelsDialog::save);
    connect(m_delete, &QPushButton::clicked, this, &AlertChannelsDialog::remove);
    connect(m_test, &QPushButton::clicked, this, &AlertChannelsDialog::sendTest);
    reload(0);
}

ChannelKind AlertChannelsDialog::kind() const { return static_cast<ChannelKind>(m_kind->currentData().toInt()); }

void AlertChannelsDialog::reload(std::int64_t selectId) {
    auto channels = m_queue.store().channels();
    m_channels = channels ? *channels : std::vector<ChannelConfig>{};
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (const ChannelConfig& c : m_channels)
        m_list->addItem(QStringLiteral("%1 — %2%3").arg(q(c.name), kindName(c.kind), c.enabled ? QString() : tr(" (off)")));
    select(selectId ? selectId : (m_channels.empty() ? 0 : m_channels.front().id));
}

void AlertChannelsDialog::select(std::int64_t channelId) {
    ChannelConfig c;
    c.kind = ChannelKind::Telegram;
    for (std::size_t i = 0; i < m_channels.size(); ++i)
        if (m_channels[i].id == channelId) {
            c = m_channels[i];
            const QSignalBlocker block(m_list);
            m_list->setCurrentRow(static_cast<int>(i));
        }
    m_currentId = c.id;
    m_kind->setCurrentIndex(m_kind->findData(static_cast<int>(c.kind)));
    m_kind->setEnabled(c.id == 0);  // a stored channel keeps its kind (its secret is of that kind)
    m_name->setText(q(c.name));
    m_enabled->setChecked(c.enabled);
    m_host->setText(q(c.smtpHost));
    m_port->setValue(c.smtpPort);
    m_security->setCurrentIndex(m_security->findData(static_cast<int>(c.smtpSecurity)));
    m_user->setText(q(c.smtpUser));
    m_from->setText(q(c.mailFrom));
    m_to->setText(q(c.mailTo));
    m_apiBase->setText(q(c.telegramApiBase));
    m_chat->setText(q(c.chatId));
    m_url->setText(q(c.webhookUrl));
    m_secret->clear();
    m_result->clear();
    updateForm();
}

Result<ChannelConfig> AlertChannelsDialog::channel() const {
    ChannelConfig c;
    c.id = m_currentId;
    c.kind = kind();
    c.name = m_name->text().trimmed().toStdString();
    c.enabled = m_enabled->isChecked();
    c.smtpHost = m_host->text().trimmed().toStdString();
    c.smtpPort = m_port->value();
    c.smtpSecurity = static_cast<mail::SmtpSecurity>(m_security->currentData().toInt());
    c.smtpUser = m_user->text().trimmed().toStdString();
    c.mailFrom = m_from->text().trimmed().toStdString();
    c.mailTo = m_to->text().trimmed().toStdString();
    c.telegramApiBase = m_apiBase->text().trimmed().toStdString();
    c.chatId = m_chat->text().trimmed().toStdString();
    c.webhookUrl = m_url->text().trimmed().toStdString();
    if (auto st = alerts::validate(c); !st) return st.error();
    if (c.id == 0 && m_secret->text().isEmpty() && !(c.kind == ChannelKind::Email && c.smtpUser.empty()))
        return makeError(tr("Enter the secret (it goes to the OS keychain)").toStdString());
    return c;
}

void AlertChannelsDialog::updateForm() {
    const ChannelKind k = kind();
    const bool mail = k == ChannelKind::Email;
    for (QWidget* w : std::initializer_list<QWidget*>{m_host, m_port, m_security, m_user, m_from, m_to})
        m_form->setRowVisible(w, mail);
    m_form->setRowVisible(m_apiBase, k == ChannelKind::Telegram);
    m_form->setRowVisible(m_chat, k == ChannelKind::Telegram);
    m_form->setRowVisible(m_url, k == ChannelKind::Webhook);
    auto* secretLabel = qobject_cast<QLabel*>(m_form->labelForField(m_secret));
    switch (k) {
    case ChannelKind::Email:
        secretLabel->setText(tr("Password"));
        m_secret->setPlaceholderText(tr("the SMTP account's password"));
        break;
    case ChannelKind::Telegram:
        secretLabel->setText(tr("Bot token"));
        m_secret->setPlaceholderText(QStringLiteral("123456789:AA…"));
        break;
    case ChannelKind::Discord:
        secretLabel->setText(tr("Webhook URL"));
        m_secret->setPlaceholderText(QStringLiteral("https://discord.com/api/webhooks/…"));
        break;
    case ChannelKind::Webhook:
        secretLabel->setText(tr("Signing secret"));
        m_secret->setPlaceholderText(tr("HMAC-SHA256 key for X-Kairos-Signature"));
        break;
    }
    m_secretHint->setText(m_currentId == 0 ? tr("Kept in the OS keychain only, never in the profile.")
                                           : tr("Stored in the OS keychain. Leave empty to keep it; type to replace it."));
    auto c = channel();
    m_error->setText(c ? QString() : q(c.message()));
    m_save->setEnabled(c.ok());
    m_test->setEnabled(c.ok() && (m_currentId != 0 || !m_secret->text().isEmpty() || (mail && m_user->text().isEmpty())));
    m_delete->setEnabled(m_currentId != 0);
}

void AlertChannelsDialog::save() {
    auto c = channel();
    if (!c) return;
    auto id = m_queue.store().saveChannel(*c);
    if (!id) {
        m_error->setText(q(id.message()));
        return;
    }
    const std::int64_t saved = *id;
    if (!m_secret->text().isEmpty()) {
        QPointer<AlertChannelsDialog> self(this);
        m_queue.secrets().write(alerts::secretKey(saved), m_secret->text().toStdString(), [self](const Status& st) {
            if (self && !st) self->m_error->setText(q(st.message()));
        });
    }
    reload(saved);
    Q_EMIT channelsChanged();
}

void AlertChannelsDialog::remove() {
    if (m_currentId == 0) return;
    if (QMessageBox::question(
            this, tr("Delete channel"),
            tr("Delete the channel \"%1\"? Alerts stop sending to it; its queued messages are dropped.").arg(m_name->text())) !=
        QMessageBox::Yes)
        return;
    const std::int64_t id = m_currentId;
    if (auto st = m_queue.store().removeChannel(id); !st) {
        m_error->setText(q(st.message()));
        return;
    }
    m_queue.secrets().remove(alerts::secretKey(id), [](const Status&) {});
    reload(0);
    Q_EMIT channelsChanged();
}

void AlertChannelsDialog::sendTest() {
    auto c = channel();
    if (!c) return;
    m_result->setText(tr("Sending a test message…"));
    m_test->setEnabled(false);
    QPointer<AlertChannelsDialog> self(this);
    auto show = [self](bool ok, const QString& reply) {
        if (!self) return;
        self->m_result->setStyleSheet(ok ? QStringLiteral("color: #26a69a;") : QStringLiteral("color: #ef5350;"));
        self->m_result->setText(ok ? tr("Sent. The server answered: %1").arg(reply) : tr("Not sent: %1").arg(reply));
        self->updateForm();
    };
    if (!m_secret->text().isEmpty() || c->id == 0) {
        m_queue.sendTest(*c, m_secret->text().toStdString(), [show](const alerts::SendOutcome& o) { show(o.ok, q(o.reply)); });
        return;
    }
    // The stored secret, read from the keychain by the queue.
    const std::int64_t id = c->id;
    auto* conn = new QMetaObject::Connection;
    *conn = connect(&m_queue, &alerts::DeliveryQueue::testFinished, this,
                    [show, id, conn](qint64 channelId, bool ok, const QString& reply) {
                        if (channelId != id) return;
                        QObject::disconnect(*conn);
                        delete conn;
                        show(ok, reply);
                    });
    m_queue.sendTest(id);
}

void AlertChannelsDialog::setCloudClient(cloud::CloudClient* client) {
    m_serverPanel->setCloudClient(client);
    auto showSection = [this, client] { m_serverBox->setVisible(client && client->isSignedIn()); };
    showSection();
    if (client) connect(client, &cloud::CloudClient::stateChanged, this, showSection);
}

// ---- the account's channels on kairosd --------------------------------------------------------

ServerChannelsPanel::ServerChannelsPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* left = new QVBoxLayout;
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("ServerChannelList"));
    m_list->setMinimumWidth(200);
    left->addWidget(m_list);
    auto* add = new QPushButton(tr("New server channel"));
    left->addWidget(add);
    layout->addLayout(left);
    auto* right = new QVBoxLayout;
    auto* form = new QFormLayout;
    right->addLayout(form);
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("ServerChannelKind"));
    for (ChannelKind k : {ChannelKind::Email, ChannelKind::Telegram, ChannelKind::Discord, ChannelKind::Webhook})
        m_kind->addItem(kindName(k), QString::fromUtf8(alerts::toString(k).data()));
    form->addRow(tr("Kind"), m_kind);
    m_name = new QLineEdit;
    m_name->setPlaceholderText(tr("e.g. My phone"));
    form->addRow(tr("Name"), m_name);
    m_enabled = new QCheckBox(tr("Send server alerts through this channel"));
    m_enabled->setChecked(true);
    form->addRow(QString(), m_enabled);
    m_targetLabel = new QLabel;
    m_target = new QLineEdit;
    form->addRow(m_targetLabel, m_target);
    m_secret = new QLineEdit;
    m_secret->setObjectName(QStringLiteral("ServerChannelSecret"));
    m_secret->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Secret"), m_secret);
    m_secretHint = new QLabel;
    m_secretHint->setWordWrap(true);
    m_secretHint->setEnabled(false);
    form->addRow(QString(), m_secretHint);
    auto* buttons = new QHBoxLayout;
    m_save = new QPushButton(tr("Save on server"));
    m_delete = new QPushButton(tr("Delete"));
    m_test = new QPushButton(tr("Send test"));
    m_test->setObjectName(QStringLiteral("ServerSendTest"));
    buttons->addWidget(m_save);
    buttons->addWidget(m_delete);
    buttons->addStretch();
    buttons->addWidget(m_test);
    right->addLayout(buttons);
    m_result = new QLabel;
    m_result->setObjectName(QStringLiteral("ServerChannelResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    right->addWidget(m_result);
    layout->addLayout(right, 1);

    connect(add, &QPushButton::clicked, this, [this] { select(0); });
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < static_cast<int>(m_channels.size())) select(m_channels[static_cast<std::size_t>(row)].id);
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ServerChannelsPanel::updateForm);
    for (QLineEdit* e : {m_name, m_target, m_secret}) connect(e, &QLineEdit::textChanged, this, &ServerChannelsPanel::updateForm);
    connect(m_save, &QPushButton::clicked, this, &ServerChannelsPanel::save);
    connect(m_delete, &QPushButton::clicked, this, &ServerChannelsPanel::remove);
    connect(m_test, &QPushButton::clicked, this, &ServerChannelsPanel::sendTest);
    select(0);
}

void ServerChannelsPanel::setCloudClient(cloud::CloudClient* client) {
    if (m_cloud) disconnect(m_cloud, nullptr, this, nullptr);
    m_cloud = client;
    m_channels.clear();
    m_list->clear();
    select(0);
    if (!m_cloud) return;
    connect(m_cloud, &cloud::CloudClient::stateChanged, this, [this](cloud::CloudState state) {
        if (state == cloud::CloudState::SignedIn) reload();
    });
    if (m_cloud->isSignedIn()) reload();
}

QString ServerChannelsPanel::kind() const { return m_kind->currentData().toString(); }

void ServerChannelsPanel::reload() {
    if (!m_cloud || !m_cloud->isSignedIn()) return;
    QPointer<ServerChannelsPanel> self(this);
    m_cloud->serverAlertChannels([self](const cloud::Outcome<std::vector<cloud::ServerChannelInfo>>& r) {
        if (!self) return;
        if (!r) {
            self->m_result->setText(tr("The server's channels could not be read: %1").arg(r.error().message));
            return;
        }
        self->m_channels = *r;
        const QSignalBlocker block(self->m_list);
        self->m_list->clear();
        for (const auto& c : self->m_channels)
            self->m_list->addItem(QStringLiteral("%1 — %2%3").arg(c.name, c.kind, c.enabled ? QString() : tr(" (off)")));
        const qint64 keep = self->m_currentId;
        self->select(std::any_of(self->m_channels.begin(), self->m_channels.end(), [keep](const auto& c) { return c.id == keep; })
                         ? keep
                         : (self->m_channels.empty() ? 0 : self->m_channels.front().id));
        Q_EMIT self->channelsLoaded();
    });
}

void ServerChannelsPanel::select(qint64 id) {
    cloud::ServerChannelInfo c;
    c.kind = QStringLiteral("webhook");
    for (std::size_t i = 0; i < m_channels.size(); ++i)
        if (m_channels[i].id == id) {
            c = m_channels[i];
            const QSignalBlocker block(m_list);
            m_list->setCurrentRow(static_cast<int>(i));
        }
    if (id == 0) {
        const QSignalBlocker block(m_list);
        m_list->clearSelection();
        m_list->setCurrentRow(-1);
    }
    m_currentId = c.id;
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(c.kind)));
    m_kind->setEnabled(c.id == 0);  // kairosd keeps a channel's kind
    m_name->setText(c.name);
    m_enabled->setChecked(c.enabled);
    m_target->setText(c.kind == QLatin1String("webhook") ? c.url : c.kind == QLatin1String("telegram") ? c.chatId : c.mailTo);
    m_secret->clear();  // never shown back
    updateForm();
}

void ServerChannelsPanel::updateForm() {
    const QString k = kind();
    const bool stored =
        std::any_of(m_channels.begin(), m_channels.end(), [this](const auto& c) { return c.id == m_currentId && c.hasSecret; });
    m_targetLabel->setVisible(k != QLatin1String("discord"));
    m_target->setVisible(k != QLatin1String("discord"));
    m_targetLabel->setText(k == QLatin1String("webhook")        ? tr("Webhook URL")
                               : k == QLatin1String("telegram") ? tr("Chat id")
                                                                : tr("To"));
    const bool secretKind = k != QLatin1String("email");
    m_secret->setEnabled(secretKind);
    m_secret->setPlaceholderText(k == QLatin1String("webhook")        ? tr("signing secret")
                                     : k == QLatin1String("telegram") ? tr("bot token")
                                     : k == QLatin1String("discord")  ? tr("Discord webhook URL")
                                                                      : QString());
    m_secretHint->setText(!secretKind  ? tr("kairosd sends e-mail itself; no secret needed.")
                              : stored ? tr("A secret is stored on the server (never shown). Leave empty to keep it.")
                                       : tr("Sent to your server once, kept there encrypted, never shown again."));
    const bool needsSecret = secretKind && !stored;
    m_save->setEnabled(m_cloud && !m_name->text().trimmed().isEmpty() &&
                       (k == QLatin1String("discord") || !m_target->text().trimmed().isEmpty()) &&
                       (!needsSecret || !m_secret->text().isEmpty()));
    m_delete->setEnabled(m_currentId > 0);
    m_test->setEnabled(m_currentId > 0);
}

void ServerChannelsPanel::save() {
    if (!m_cloud) return;
    cloud::ServerChannelInfo c;
    c.id = m_currentId;
    c.kind = kind();
    c.name = m_name->text().trimmed();
    c.enabled = m_enabled->isChecked();
    const QString target = m_target->text().trimmed();
    if (c.kind == QLatin1String("webhook")) c.url = target;
    if (c.kind == QLatin1String("telegram")) c.chatId = target;
    if (c.kind == QLatin1String("email")) c.mailTo = target;
    const QString secret = m_secret->text();
    m_secret->clear();  // it leaves the terminal once
    QPointer<ServerChannelsPanel> self(this);
    m_cloud->saveServerAlertChannel(c, secret, [self](const cloud::Outcome<cloud::ServerChannelInfo>& r) {
        if (!self) return;
        if (!r) {
            self->m_result->setText(tr("Not saved: %1").arg(r.error().message));
            return;
        }
        self->m_result->setText(tr("Saved on the server."));
        self->m_currentId = r->id;
        self->reload();
    });
}

void ServerChannelsPanel::remove() {
    if (!m_cloud || m_currentId <= 0) return;
    QPointer<ServerChannelsPanel> self(this);
    m_cloud->removeServerAlertChannel(m_currentId, [self](const cloud::Outcome<cloud::Done>& r) {
        if (!self) return;
        self->m_result->setText(r ? tr("Deleted from the server.") : tr("Not deleted: %1").arg(r.error().message));
        self->m_currentId = 0;
        self->reload();
    });
}

void ServerChannelsPanel::sendTest() {
    if (!m_cloud || m_currentId <= 0) return;
    m_result->setText(tr("Sending a test through the server…"));
    m_test->setEnabled(false);
    QPointer<ServerChannelsPanel> self(this);
    m_cloud->testServerAlertChannel(m_currentId, [self](const cloud::Outcome<cloud::ServerChannelTest>& r) {
        if (!self) return;
        self->m_test->setEnabled(self->m_currentId > 0);
        if (!r)
            self->m_result->setText(tr("Failed: %1").arg(r.error().message));
        else
            self->m_result->setText((r->ok ? tr("Sent: %1") : tr("Failed: %1")).arg(r->reply));
    });
}

}  // namespace kairos::ui
