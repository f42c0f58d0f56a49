#include "accountstatuslabel.h"

#include "cloud/cloudclient.h"

#include <QMouseEvent>

namespace kairos::ui {

AccountStatusLabel::AccountStatusLabel(cloud::CloudClient& client, QWidget* parent) : QLabel(parent), m_client(client) {
    setObjectName(QStringLiteral("AccountStatusLabel"));
    setCursor(Qt::PointingHandCursor);
    connect(&client, &cloud::CloudClient::stateChanged, this, &AccountStatusLabel::refresh);
    connect(&client, &cloud::CloudClient::accountChanged, this, &AccountStatusLabel::refresh);
    refresh();
}

void AccountStatusLabel::refresh() {
    const QString server = m_client.serverUrl().toString(QUrl::RemoveUserInfo);
    switch (m_client.state()) {
    case cloud::CloudState::SignedIn: {
        const QString who = tr("Signed in: %1").arg(m_client.account() ? m_client.account()->email : QString());
        setText(m_sync.isEmpty() ? who : who + QStringLiteral(" · ") + m_sync);
        QString tip = tr("Account on %1 (File › Account…)").arg(server);
        if (!m_syncDetail.isEmpty()) tip += QLatin1Char('\n') + m_syncDetail;
        setToolTip(tip);
        break;
    }
    case cloud::CloudState::Restoring:
        setText(tr("Account: connecting…"));
        setToolTip(server);
        break;
    case cloud::CloudState::Unreachable:
        setText(m_sync.isEmpty() ? tr("Account: server unreachable")
                                 : tr("Account: server unreachable") + QStringLiteral(" · ") + m_sync);
        setToolTip(tr("%1 cannot be reached; everything else keeps working offline.").arg(server) +
                   (m_syncDetail.isEmpty() ? QString() : QLatin1Char('\n') + m_syncDetail));
        break;
    case cloud::CloudState::SignedOut:
        setText(tr("Signed out"));
        setToolTip(tr("Sign in or create an account on %1 with File › Account…").arg(server));
        break;
    }
}

void AccountStatusLabel::setSyncStatus(const QString& text, const QString& detail) {
    if (text == m_sync && detail == m_syncDetail) return;
    m_sync = text;
    m_syncDetail = detail;
    refresh();
}

void AccountStatusLabel::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) emit clicked();
    QLabel::mousePressEvent(event);
}

}  // namespace kairos::ui
