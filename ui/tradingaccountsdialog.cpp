#include "tradingaccountsdialog.h"

#include "risklimitsdialog.h"

#include "trading/account.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace kairos::ui {

using trading::AccountKind;

QColor accountKindColor(AccountKind kind) {
    switch (kind) {
    case AccountKind::Live:
        return {0xd3, 0x2f, 0x2f};
    case AccountKind::Testnet:
        return {0x7e, 0x57, 0xc2};
    default:
        return {0x78, 0x78, 0x78};
    }
}

QString accountBadgeStyle(AccountKind kind) {
    const QString base = QStringLiteral("font-weight: bold; padding: 2px 8px; border-radius: 3px; ");
    switch (kind) {
    case AccountKind::Live:
        return base + QStringLiteral("color: white; background: #d32f2f;");
    case AccountKind::Testnet:
        return base + QStringLiteral("color: white; background: #7e57c2;");
    default:
        return base + QStringLiteral("color: palette(window-text); border: 1px solid #787878;");
    }
}

// ---- AccountKeysDialog -------------------------------------------------------------------------

AccountKeysDialog::AccountKeysDialog(session::TradingAccounts& accounts, AccountKind kind, bool keysOnly, QWidget* parent)
    : QDialog(parent), m_accounts(accounts), m_kind(kind) {
    setObjectName(QStringLiteral("AccountKeysDialog"));
    const bool binance = kind == AccountKind::Testnet || kind == AccountKind::Live;
    const QString what = kind == AccountKind::Live ? tr("Binance live account (real money)")
        : kind == AccountKind::Testnet             ? tr("Binance spot testnet account")
                                                   : tr("paper account");
    setWindowTitle(keysOnly ? tr("API keys") : tr("Add a %1").arg(what));
    auto* form = new QFormLayout;
    if (!keysOnly) {
        m_name = new QLineEdit(kind == AccountKind::Live          ? tr("Binance")
                                   : kind == AccountKind::Testnet ? tr("Binance testnet")
                                                                  : tr("Paper 2"));
        m_name->setObjectName(QStringLiteral("AccountName"));
        form->addRow(tr("Name"), m_name);
    }
    if (!binance) {
        m_cash = new QLineEdit(QStringLiteral("10000"));
        m_cash->setObjectName(QStringLiteral("AccountStartingCash"));
        form->addRow(tr("Starting cash (USDT)"), m_cash);
    } else {
        m_key = new QLineEdit;
        m_key->setObjectName(QStringLiteral("AccountApiKey"));
        m_key->setEchoMode(QLineEdit::Password);
        m_secret = new QLineEdit;
        m_secret->setObjectName(QStringLiteral("AccountApiSecret"));
        m_secret->setEchoMode(QLineEdit::Password);
        form->addRow(tr("API key"), m_key);
        form->addRow(tr("Secret key"), m_secret);
        m_test = new QPushButton(tr("Test connection"));
        m_test->setObjectName(QStringLiteral("AccountTestConnection"));
        m_answer = new QLabel;
        m_answer->setObjectName(QStringLiteral("AccountTestAnswer"));
        m_answer->setWordWrap(true);
        m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(m_test, m_answer);
        connect(m_test, &QPushButton::clicked, this, &AccountKeysDialog::testConnection);
    }
    auto* layout = new QVBoxLayout(this);
    if (binance) {
        auto* note = new QLabel(
            tr("The keys are stored only in the system keychain, never in the profile. Give them "
               "trading permission only (no withdrawals)%1.")
                .arg(kind == AccountKind::Testnet ? tr("; testnet keys come from testnet.binance.vision") : QString()));
        note->setWordWrap(true);
        layout->addWidget(note);
    }
    if (kind == AccountKind::Live) {
        auto* warn = new QLabel(tr("LIVE — orders on this account trade real money."));
        warn->setStyleSheet(accountBadgeStyle(AccountKind::Live));
        layout->addWidget(warn);
    }
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void AccountKeysDialog::testConnection() {
    if (!m_answer) return;
    m_answer->setText(tr("Asking Binance…"));
    m_test->setEnabled(false);
    QPointer<AccountKeysDialog> self(this);
    m_accounts.testConnection(m_kind, m_key->text().trimmed().toStdString(), m_secret->text().trimmed().toStdString(),
                              [self](bool ok, const QString& answer) {
                                  if (!self) return;
                                  self->m_test->setEnabled(true);
                                  self->m_answer->setText(answer);
                                  self->m_answer->setStyleSheet(ok ? QString() : QStringLiteral("color: #d32f2f;"));
                              });
}

// ---- TradingAccountsDialog ---------------------------------------------------------------------

TradingAccountsDialog::TradingAccountsDialog(session::TradingAccounts& accounts, QWidget* parent)
    : QDialog(parent), m_accounts(accounts) {
    setObjectName(QStringLiteral("TradingAccountsDialog"));
    setWindowTitle(tr("Trading accounts"));
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("TradingAccountsList"));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("TradingAccountsStatus"));
    m_status->setWordWrap(true);

    auto button = [](const QString& text, const char* name) {
        auto* b = new QPushButton(text);
        b->setObjectName(QLatin1String(name));
        return b;
    };
    auto* addPaper = button(tr("Add paper…"), "AddPaperAccount");
    auto* addTestnet = button(tr("Add Binance testnet…"), "AddTestnetAccount");
    auto* addLive = button(tr("Add Binance live…"), "AddLiveAccount");
    auto* rename = button(tr("Rename…"), "RenameAccount");
    auto* keys = button(tr("API keys…"), "AccountKeys");
    auto* risk = button(tr("Risk limits && confirmation…"), "AccountRisk");
    auto* active = button(tr("Make active"), "MakeActiveAccount");
    auto* remove = button(tr("Remove"), "RemoveAccount");
    connect(addPaper, &QPushButton::clicked, this, [this] { onAdd(AccountKind::Paper); });
    connect(addTestnet, &QPushButton::clicked, this, [this] { onAdd(AccountKind::Testnet); });
    connect(addLive, &QPushButton::clicked, this, [this] { onAdd(AccountKind::Live); });
    connect(rename, &QPushButton::clicked, this, &TradingAccountsDialog::onRename);
    connect(keys, &QPushButton::clicked, this, &TradingAccountsDialog::onKeys);
    connect(risk, &QPushButton::clicked, this, &TradingAccountsDialog::onRisk);
    connect(remove, &QPushButton::clicked, this, &TradingAccountsDialog::onRemove);
    connect(active, &QPushButton::clicked, this, [this] {
        if (auto st = m_accounts.setActive(selectedId()); !st) say(QString::fromStdString(st.message()), true);
    });

    auto* side = new QVBoxLayout;
    for (QPushButton* b : {addPaper, addTestnet, addLive, rename, keys, risk, active, remove}) side->addWidget(b);
    side->addStretch(1);
    auto* row = new QHBoxLayout;
    row->addWidget(m_list, 1);
    row->addLayout(side);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(640, 360);

    connect(&m_accounts, &session::TradingAccounts::accountsChanged, this, &TradingAccountsDialog::reload);
    connect(&m_accounts, &session::TradingAccounts::accountOpened, this, &TradingAccountsDialog::reload);
    connect(&m_accounts, &session::TradingAccounts::activeChanged, this, &TradingAccountsDialog::reload);
    connect(&m_accounts, &session::TradingAccounts::problem, this, [this](const QString& t) { say(t, true); });
    reload();
}

std::int64_t TradingAccountsDialog::selectedId() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toLongLong() : 0;
}

void TradingAccountsDialog::select(std::int64_t id) {
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toLongLong() == id) m_list->setCurrentRow(i);
}

QString TradingAccountsDialog::statusText() const { return m_status->text(); }

void TradingAccountsDialog::say(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #d32f2f;") : QString());
}

void TradingAccountsDialog::reload() {
    const std::int64_t keep = selectedId() ? selectedId() : m_accounts.activeId();
    m_list->clear();
    for (const trading::AccountInfo& info : m_accounts.accounts()) {
        QString state;
        if (trading::Account* a = m_accounts.account(info.id)) {
            state = tr("equity %1").arg(QString::fromStdString(a->portfolio().equity().toTrimmedString()));
        } else {
            const QString why = m_accounts.problemOf(info.id);
            state = why.isEmpty() ? tr("connecting…") : tr("not open: %1").arg(why);
        }
        const session::AccountSettings s = m_accounts.settings(info.id);
        QString text = session::accountLabel(info) + QStringLiteral("  —  ") + state;
        if (!s.confirmOrders) text += tr("  (orders sent without confirmation)");
        if (info.id == m_accounts.activeId()) text += tr("  ★ active");
        auto* item = new QListWidgetItem(text);
        item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(info.id));
        item->setForeground(accountKindColor(info.kind));
        m_list->addItem(item);
    }
    select(keep);
}

void TradingAccountsDialog::addAccount(AccountKind kind, const QString& name, const QString& startingCash, const QString& apiKey,
                                       const QString& apiSecret) {
    trading::AccountInfo info;
    info.id = 0;
    info.kind = kind;
    info.name = name.trimmed().toStdString();
    info.venue = kind == AccountKind::Paper ? "PAPER" : "BINANCE";
    Money cash;
    if (kind == AccountKind::Paper) {
        auto parsed = Money::parse(startingCash.trimmed().toStdString());
        if (!parsed || parsed->isNegative() || parsed->isZero()) {
            say(tr("Starting cash: \"%1\" is not a positive amount").arg(startingCash), true);
            return;
        }
        cash = *parsed;
    }
    say(tr("Adding %1…").arg(name));
    QPointer<TradingAccountsDialog> self(this);
    m_accounts.addAccount(info, cash, apiKey.trimmed().toStdString(), apiSecret.trimmed().toStdString(),
                          [self](Result<trading::AccountInfo> r) {
                              if (!self) return;
                              if (!r) return self->say(tr("Not added: %1").arg(QString::fromStdString(r.message())), true);
                              self->reload();
                              self->select(r->id);
                              self->say(tr("Added %1.").arg(session::accountLabel(*r)));
                          });
}

void TradingAccountsDialog::onAdd(AccountKind kind) {
    AccountKeysDialog d(m_accounts, kind, false, this);
    if (d.exec() != QDialog::Accepted) return;
    addAccount(kind, d.nameEdit()->text(), d.cashEdit() ? d.cashEdit()->text() : QString(),
               d.keyEdit() ? d.keyEdit()->text() : QString(), d.secretEdit() ? d.secretEdit()->text() : QString());
}

void TradingAccountsDialog::onRename() {
    const std::int64_t id = selectedId();
    const auto info = m_accounts.info(id);
    if (!info) return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename account"), tr("Name"), QLineEdit::Normal, QString::fromStdString(info->name), &ok);
    if (!ok) return;
    if (auto st = m_accounts.rename(id, name.toStdString()); !st) say(QString::fromStdString(st.message()), true);
}

void TradingAccountsDialog::onRemove() {
    const std::int64_t id = selectedId();
    const auto info = m_accounts.info(id);
    if (!info) return;
    if (QMessageBox::question(this, tr("Remove account"),
                              tr("Remove %1 with its orders, fills and settings%2?")
                                  .arg(session::accountLabel(*info),
                                       info->kind == AccountKind::Paper ? QString() : tr(", and its API keys from the keychain")),
                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return;
    if (auto st = m_accounts.remove(id); !st) say(QString::fromStdString(st.message()), true);
}

void TradingAccountsDialog::onKeys() {
    const std::int64_t id = selectedId();
    const auto info = m_accounts.info(id);
    if (!info) return;
    if (info->kind == AccountKind::Paper) return say(tr("A paper account has no API keys."), true);
    AccountKeysDialog d(m_accounts, info->kind, true, this);
    if (d.exec() != QDialog::Accepted) return;
    QPointer<TradingAccountsDialog> self(this);
    m_accounts.setApiKeys(
        id, d.keyEdit()->text().trimmed().toStdString(), d.secretEdit()->text().trimmed().toStdString(),
        [self](const Status& st) {
            if (!self) return;
            self->say(st ? tr("Keys stored in the keychain; reconnecting.") : QString::fromStdString(st.message()), !st);
        });
}

void TradingAccountsDialog::onRisk() {
    const std::int64_t id = selectedId();
    const auto info = m_accounts.info(id);
    if (!info) return;
    RiskLimitsDialog d(m_accounts.settings(id), session::accountLabel(*info), this);
    if (d.exec() != QDialog::Accepted) return;
    auto s = d.settings();
    if (!s) return say(QString::fromStdString(s.message()), true);
    if (auto st = m_accounts.setSettings(id, *s); !st) return say(QString::fromStdString(st.message()), true);
    say(tr("Risk limits of %1 saved.").arg(session::accountLabel(*info)));
    reload();
}

// ---- AccountBar --------------------------------------------------------------------------------

AccountBar::AccountBar(session::TradingAccounts& accounts, QWidget* parent) : QWidget(parent), m_accounts(accounts) {
    setObjectName(QStringLiteral("TradingAccountBar"));
    m_box = new QComboBox;
    m_box->setObjectName(QStringLiteral("TradingAccountBox"));
    m_box->setToolTip(tr("The account the Trading dock, the order ticket and the chart order lines trade on"));
    m_badge = new QLabel;
    m_badge->setObjectName(QStringLiteral("TradingAccountKind"));
    auto* manage = new QPushButton(tr("Accounts…"));
    manage->setObjectName(QStringLiteral("TradingAccountsButton"));
    auto* kill = new QPushButton(tr("Kill switch"));
    kill->setObjectName(QStringLiteral("TradingKillSwitch"));
    kill->setToolTip(tr("Cancel every open order and close every position (Ctrl+Shift+K)"));
    kill->setStyleSheet(QStringLiteral("QPushButton { color: #d32f2f; font-weight: bold; }"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 0);
    layout->addWidget(new QLabel(tr("Account:")));
    layout->addWidget(m_box, 1);
    layout->addWidget(m_badge);
    layout->addWidget(manage);
    layout->addWidget(kill);
    connect(manage, &QPushButton::clicked, this, &AccountBar::accountsRequested);
    connect(kill, &QPushButton::clicked, this, &AccountBar::killSwitchRequested);
    connect(m_box, &QComboBox::activated, this, [this](int index) {
        if (index >= 0) (void)m_accounts.setActive(m_box->itemData(index).toLongLong());
    });
    connect(&m_accounts, &session::TradingAccounts::accountsChanged, this, &AccountBar::reload);
    connect(&m_accounts, &session::TradingAccounts::activeChanged, this, &AccountBar::reload);
    connect(&m_accounts, &session::TradingAccounts::accountOpened, this, &AccountBar::reload);
    reload();
}

void AccountBar::reload() {
    const QSignalBlocker block(m_box);
    m_box->clear();
    for (const trading::AccountInfo& info : m_accounts.accounts()) {
        QString text = session::accountLabel(info);
        if (!m_accounts.account(info.id)) {
            const QString why = m_accounts.problemOf(info.id);
            text += why.isEmpty() ? tr(" (connecting…)") : tr(" (not open)");
        }
        m_box->addItem(text, QVariant::fromValue<qlonglong>(info.id));
        m_box->setItemData(m_box->count() - 1, accountKindColor(info.kind), Qt::ForegroundRole);
    }
    m_box->setCurrentIndex(m_box->findData(QVariant::fromValue<qlonglong>(m_accounts.activeId())));
    const auto info = m_accounts.info(m_accounts.activeId());
    const AccountKind kind = info ? info->kind : AccountKind::Paper;
    m_badge->setText(session::accountKindLabel(kind));
    m_badge->setStyleSheet(accountBadgeStyle(kind));
    const QString why = m_accounts.problemOf(m_accounts.activeId());
    m_badge->setToolTip(why);
}

}  // namespace kairos::ui
