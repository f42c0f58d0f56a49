#include "killswitchdialog.h"

#include "tradingaccountsdialog.h"

#include "session/tradingaccounts.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kairos::ui {

KillSwitchDialog::KillSwitchDialog(session::TradingAccounts& accounts, std::int64_t accountId, QWidget* parent)
    : QDialog(parent), m_accounts(accounts) {
    setObjectName(QStringLiteral("KillSwitchDialog"));
    setWindowTitle(tr("Kill switch"));
    m_scope = new QComboBox;
    m_scope->setObjectName(QStringLiteral("KillSwitchScope"));
    m_scope->addItem(tr("All accounts"), QVariant::fromValue<qlonglong>(0));
    for (const trading::AccountInfo& info : accounts.accounts())
        if (accounts.account(info.id)) m_scope->addItem(session::accountLabel(info), QVariant::fromValue<qlonglong>(info.id));
    const int at = m_scope->findData(QVariant::fromValue<qlonglong>(accountId));
    m_scope->setCurrentIndex(at >= 0 ? at : 0);
    m_plan = new QLabel;
    m_plan->setObjectName(QStringLiteral("KillSwitchPlan"));
    m_plan->setWordWrap(true);
    m_run = new QPushButton(tr("Cancel all orders and close all positions"));
    m_run->setObjectName(QStringLiteral("KillSwitchRun"));
    m_run->setStyleSheet(QStringLiteral("QPushButton { background: #d32f2f; color: white; font-weight: bold; padding: 6px; }"));
    m_table = new QTableWidget(0, 4);
    m_table->setObjectName(QStringLiteral("KillSwitchReport"));
    m_table->setHorizontalHeaderLabels({tr("Account"), tr("Action"), tr("Result"), tr("Detail")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("KillSwitchSummary"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_scope);
    layout->addWidget(m_plan);
    layout->addWidget(m_run);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
    resize(720, 380);

    connect(m_scope, &QComboBox::currentIndexChanged, this, &KillSwitchDialog::updatePlan);
    connect(m_run, &QPushButton::clicked, this, [this] {
        const QString text = tr("%1\n\nThis cannot be undone. Go ahead?").arg(m_plan->text());
        if (QMessageBox::warning(this, tr("Kill switch"), text, QMessageBox::Yes | QMessageBox::No, QMessageBox::No) ==
            QMessageBox::Yes)
            run();
    });
    connect(&m_switch, &trading::KillSwitch::finished, this, &KillSwitchDialog::showReport);
    updatePlan();
}

void KillSwitchDialog::updatePlan() {
    const qlonglong id = m_scope->currentData().toLongLong();
    int orders = 0;
    int positions = 0;
    QStringList names;
    for (const trading::AccountInfo& info : m_accounts.accounts()) {
        if (id != 0 && info.id != id) continue;
        trading::Account* a = m_accounts.account(info.id);
        if (!a) continue;
        orders += static_cast<int>(a->openOrders().size());
        positions += static_cast<int>(a->portfolio().openPositions().size());
        names << session::accountLabel(info);
    }
    m_plan->setText(tr("Cancel %n open order(s)", "", orders) + tr(" and close %n position(s) at market", "", positions) +
                    tr(" on %1.").arg(names.join(QStringLiteral(", "))));
}

void KillSwitchDialog::run() {
    const qlonglong id = m_scope->currentData().toLongLong();
    std::vector<trading::Account*> list;
    for (const trading::AccountInfo& info : m_accounts.accounts())
        if (id == 0 || info.id == id)
            if (trading::Account* a = m_accounts.account(info.id)) list.push_back(a);
    Q_EMIT aboutToRun();
    m_run->setEnabled(false);
    m_scope->setEnabled(false);
    m_summary->setText(tr("Running…"));
    m_switch.run(list);
}

void KillSwitchDialog::showReport(const trading::KillReport& report) {
    m_table->setRowCount(static_cast<int>(report.lines.size()));
    int row = 0;
    for (const auto& l : report.lines) {
        const QString cells[] = {QString::fromStdString(l.account), QString::fromStdString(l.what),
                                 l.ok ? tr("done") : tr("FAILED"), QString::fromStdString(l.detail)};
        for (int c = 0; c < 4; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (!l.ok) item->setForeground(QColor(0xd3, 0x2f, 0x2f));
            m_table->setItem(row, c, item);
        }
        ++row;
    }
    m_table->resizeColumnsToContents();
    m_summary->setText(QString::fromStdString(report.summary()));
    m_run->setEnabled(true);
    m_scope->setEnabled(true);
    updatePlan();
    Q_EMIT finished(report);
}

}  // namespace kairos::ui
