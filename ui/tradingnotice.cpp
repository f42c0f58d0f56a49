#include "tradingnotice.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace kairos::ui {

ReconciliationNotice::ReconciliationNotice(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("TradingReconcileNotice"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#TradingReconcileNotice { background: rgba(255, 193, 7, 40); }"));
    m_text = new QLabel;
    m_text->setObjectName(QStringLiteral("TradingReconcileText"));
    m_text->setWordWrap(true);
    m_detailsButton = new QPushButton(tr("Details…"));
    m_detailsButton->setObjectName(QStringLiteral("TradingReconcileDetails"));
    auto* dismiss = new QToolButton;
    dismiss->setObjectName(QStringLiteral("TradingReconcileDismiss"));
    dismiss->setText(QStringLiteral("×"));
    dismiss->setToolTip(tr("Hide this notice"));
    dismiss->setAutoRaise(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 2, 2);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_detailsButton);
    layout->addWidget(dismiss);
    connect(m_detailsButton, &QPushButton::clicked, this, [this] { openDetails(); });
    connect(dismiss, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

QString ReconciliationNotice::lineFor(const QString& account, const live::ReconciliationReport& report) {
    return tr("%1 reconciled with Binance: %2").arg(account, QString::fromStdString(report.summary()));
}

QStringList ReconciliationNotice::detailsFor(const live::ReconciliationReport& report) {
    QStringList out;
    for (const auto& c : report.changes)
        out << QStringLiteral("%1: %2").arg(QString::fromStdString(c.clientOrderId), QString::fromStdString(c.what));
    if (!report.ok()) out << tr("Incomplete, tried again at the next reconnection: %1").arg(QString::fromStdString(report.error));
    return out;
}

void ReconciliationNotice::showReport(const QString& account, const live::ReconciliationReport& report) {
    if (report.ok() && report.changes.empty() && report.fillsApplied == 0 && report.ordersAdopted == 0 &&
        report.ordersNeverArrived == 0)
        return;
    m_title = lineFor(account, report);
    m_details = detailsFor(report);
    m_text->setText(m_title);
    m_text->setToolTip(m_details.join(QLatin1Char('\n')));
    m_detailsButton->setEnabled(!m_details.isEmpty());
    if (m_dialog) {
        if (auto* list = m_dialog->findChild<QListWidget*>(QStringLiteral("TradingReconcileList"))) {
            list->clear();
            list->addItems(m_details);
        }
        if (auto* head = m_dialog->findChild<QLabel*>(QStringLiteral("TradingReconcileTitle"))) head->setText(m_title);
    }
    show();
}

QString ReconciliationNotice::text() const { return m_text->text(); }

QDialog* ReconciliationNotice::openDetails() {
    if (!m_dialog) {
        auto* d = new QDialog(window());
        d->setObjectName(QStringLiteral("TradingReconcileDialog"));
        d->setAttribute(Qt::WA_DeleteOnClose);
        d->setModal(false);
        d->setWindowTitle(tr("Reconciliation with Binance"));
        auto* head = new QLabel(m_title);
        head->setObjectName(QStringLiteral("TradingReconcileTitle"));
        head->setWordWrap(true);
        auto* list = new QListWidget;
        list->setObjectName(QStringLiteral("TradingReconcileList"));
        list->addItems(m_details);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
        connect(buttons, &QDialogButtonBox::rejected, d, &QDialog::close);
        auto* layout = new QVBoxLayout(d);
        layout->addWidget(head);
        layout->addWidget(list, 1);
        layout->addWidget(buttons);
        d->resize(560, 300);
        m_dialog = d;
    }
    m_dialog->show();
    m_dialog->raise();
    return m_dialog;
}

}  // namespace kairos::ui
