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
    case cloud::CloudState::SignedIn:
        setText(tr("Signed in: %1").arg(m_client.account() ? m_client.account()->email : QString()));
        setToolTip(tr("Account on %1 (File › Account…)").arg(server));
        break;
    case cloud::CloudState::Restoring:
        setText(tr("Account: connecting…"));
        setToolTip(server);
        break;
    case cloud::CloudState::Unreachable:
        setText(tr("Account: server unreachable"));
        setToolTip(tr("%1 cannot be reached; everything else keeps working offline.").arg(server));
        break;
    case cloud::CloudState::SignedOut:
        setText(tr("Signed out"));
        setToolTip(tr("Sign in or create an account on %1 with File › Account…").arg(server));
        break;
    }
}

void AccountStatusLabel::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) emit clicked();
    QLabel::mousePressEvent(event);
}

}  // namespace kairos::ui
