#include "admindock.h"

#include "cloud/cloudclient.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kairos::ui {

namespace {

template <class T, class F>
cloud::CloudClient::Callback<T> guarded(AdminWidget* w, F f) {
    return [self = QPointer<AdminWidget>(w), f = std::move(f)](cloud::Outcome<T> r) {
        if (!self) return;
        f(std::move(r));
        if (self) emit self->loaded();
    };
}

QTableWidget* table(const QString& objectName, const QStringList& headers) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()));
    t->setObjectName(objectName);
    t->setHorizontalHeaderLabels(headers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QString formatMs(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

}  // namespace

AdminWidget::AdminWidget(cloud::CloudClient& client, QWidget* parent)
    : QWidget(parent),
      m_client(client),
      m_search(new QLineEdit),
      m_accounts(
          table(QStringLiteral("AdminAccounts"), {tr("Id"), tr("E-mail"), tr("Roles"), tr("Verified"), tr("Active"), tr("2FA")})),
      m_audit(table(QStringLiteral("AdminAudit"), {tr("Time (UTC)"), tr("Account"), tr("Event"), tr("IP"), tr("Detail")})),
      m_health(new QLabel),
      m_message(new QLabel) {
    setObjectName(QStringLiteral("AdminWidget"));
    m_search->setObjectName(QStringLiteral("AdminSearch"));
    m_search->setPlaceholderText(tr("Search e-mail…"));
    m_search->setClearButtonEnabled(true);
    m_health->setObjectName(QStringLiteral("AdminHealth"));
    m_health->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_health->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_message->setObjectName(QStringLiteral("AdminMessage"));
    m_message->setWordWrap(true);

    auto* tabs = new QTabWidget;
    auto* accountsPage = new QWidget;
    auto* a = new QVBoxLayout(accountsPage);
    a->addWidget(m_search);
    a->addWidget(m_accounts);
    auto* actions = new QHBoxLayout;
    auto* deactivate = new QPushButton(tr("Deactivate"));
    deactivate->setObjectName(QStringLiteral("AdminDeactivate"));
    auto* reactivate = new QPushButton(tr("Reactivate"));
    reactivate->setObjectName(QStringLiteral("AdminReactivate"));
    auto* endSessions = new QPushButton(tr("End sessions"));
    endSessions->setObjectName(QStringLiteral("AdminEndSessions"));
    actions->addWidget(deactivate);
    actions->addWidget(reactivate);
    actions->addWidget(endSessions);
    actions->addStretch();
    a->addLayout(actions);
    tabs->addTab(accountsPage, tr("Accounts"));
    tabs->addTab(m_audit, tr("Audit"));
    tabs->addTab(m_health, tr("Server"));

    auto* refreshButton = new QPushButton(tr("Refresh"));
    refreshButton->setObjectName(QStringLiteral("AdminRefresh"));
    auto* v = new QVBoxLayout(this);
    v->addWidget(tabs, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_message, 1);
    bottom->addWidget(refreshButton);
    v->addLayout(bottom);

    connect(refreshButton, &QPushButton::clicked, this, &AdminWidget::refresh);
    connect(m_search, &QLineEdit::returnPressed, this, &AdminWidget::loadAccounts);
    connect(deactivate, &QPushButton::clicked, this, [this] { setActiveOfSelected(false); });
    connect(reactivate, &QPushButton::clicked, this, [this] { setActiveOfSelected(true); });
    connect(endSessions, &QPushButton::clicked, this, [this] {
        const int row = m_accounts->currentRow();
        if (row < 0) return m_message->setText(tr("Select an account first."));
        const qint64 id = m_accounts->item(row, 0)->text().toLongLong();
        m_client.adminEndSessions(id, guarded<cloud::Done>(this, [this, id](const cloud::Outcome<cloud::Done>& r) {
                                      if (!r) return showError(r.error());
                                      m_message->setText(tr("Account %1's sessions are ended.").arg(id));
                                      loadAudit();
                                  }));
    });
}

void AdminWidget::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_client.account() && m_client.account()->isAdmin()) refresh();
}

void AdminWidget::refresh() {
    m_message->clear();
    loadAccounts();
    loadAudit();
    loadHealth();
}

void AdminWidget::showError(const cloud::CloudError& error) { m_message->setText(error.describe()); }

void AdminWidget::loadAccounts() {
    m_client.adminListAccounts(
        m_search->text().trimmed(), 200, 0,
        guarded<std::vector<cloud::AccountInfo>>(this, [this](const cloud::Outcome<std::vector<cloud::AccountInfo>>& r) {
            if (!r) return showError(r.error());
            m_accounts->setRowCount(static_cast<int>(r->size()));
            int row = 0;
            for (const cloud::AccountInfo& acc : *r) {
                const QStringList cells{QString::number(acc.id),
                                        acc.email,
                                        acc.roles.join(QStringLiteral(", ")),
                                        acc.verified ? tr("yes") : tr("no"),
                                        acc.active ? tr("yes") : tr("no"),
                                        acc.twoFactor ? tr("on") : tr("off")};
                for (int c = 0; c < static_cast<int>(cells.size()); ++c)
                    m_accounts->setItem(row, c, new QTableWidgetItem(cells[c]));
                ++row;
            }
            m_accounts->resizeColumnsToContents();
        }));
}

void AdminWidget::loadAudit() {
    m_client.adminAudit(
        0, 100, guarded<std::vector<cloud::AuditEvent>>(this, [this](const cloud::Outcome<std::vector<cloud::AuditEvent>>& r) {
            if (!r) return showError(r.error());
            m_audit->setRowCount(static_cast<int>(r->size()));
            int row = 0;
            for (const cloud::AuditEvent& e : *r) {
                const QStringList cells{formatMs(e.atMs), e.accountId ? QString::number(*e.accountId) : QString(), e.kind, e.ip,
                                        e.detail};
                for (int c = 0; c < static_cast<int>(cells.size()); ++c) m_audit->setItem(row, c, new QTableWidgetItem(cells[c]));
                ++row;
            }
            m_audit->resizeColumnsToContents();
        }));
}

void AdminWidget::loadHealth() {
    m_client.serverHealth(guarded<cloud::ServerHealth>(this, [this](const cloud::Outcome<cloud::ServerHealth>& r) {
        if (!r) {
            m_health->setText(tr("Server: unreachable\n%1").arg(r.error().describe()));
            return;
        }
        const auto figure = [&](const char* name, const char* labels = "") {
            const auto v = r->metric(QString::fromLatin1(name), QString::fromLatin1(labels));
            return v ? QString::number(*v, 'f', 0) : tr("n/a");
        };
        QString text = tr("Server %1 — %2\nLive: yes\nReady: %3\n\n")
                           .arg(m_client.serverUrl().toString(QUrl::RemoveUserInfo), r->version,
                                r->ready ? tr("yes") : tr("no (%1)").arg(r->notReadyReason));
        text += tr("Requests served since start: %1\n").arg(figure("kairosd_http_requests_total"));
        text += tr("Logins ok / failed: %1 / %2\n")
                    .arg(figure("kairosd_logins_total", "result=\"ok\""), figure("kairosd_logins_total", "result=\"failed\""));
        text += tr("E-mails queued since start: %1\n").arg(figure("kairosd_emails_queued_total"));
        text += tr("Open WebSockets: %1").arg(figure("kairosd_websocket_connections"));
        m_health->setText(text);
    }));
}

void AdminWidget::setActiveOfSelected(bool active) {
    const int row = m_accounts->currentRow();
    if (row < 0) return m_message->setText(tr("Select an account first."));
    const qint64 id = m_accounts->item(row, 0)->text().toLongLong();
    m_client.adminSetActive(id, active, guarded<cloud::Done>(this, [this, id, active](const cloud::Outcome<cloud::Done>& r) {
                                if (!r) return showError(r.error());
                                m_message->setText(active ? tr("Account %1 is active again.").arg(id)
                                                          : tr("Account %1 is deactivated; its sessions are ended.").arg(id));
                                loadAccounts();
                                loadAudit();
                            }));
}

}  // namespace kairos::ui
