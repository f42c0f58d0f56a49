// MainWindow's trading, kept apart from mainwindow.cpp so that the window's other parts change
// independently: every trading account of the profile (session/tradingaccounts.h: paper ones on the
// hub's prices, testnet/live ones on Binance with keys from the keychain), the Trading dock on the
// active account with its account selector, the order ticket (F9, Trade menu, watchlist context
// menu), the orders on the charts (chartorderlines.h), Trade › Accounts… and the kill switch
// (toolbar, Trade menu, Ctrl+Shift+K). Switching accounts rebinds the dock, open tickets and the
// chart order lines; renaming one relabels them at once. Each reconciliation of an exchange account
// with Binance that changed something shows as a notice under the account bar (ReconciliationNotice,
// "Details…") and in the status bar; TradingAccounts logs every one.
#include "mainwindow.h"

#include "chartorderlines.h"
#include "killswitchdialog.h"
#include "orderticketdialog.h"
#include "signalswidget.h"
#include "terminalsession.h"
#include "terminalstatusbar.h"
#include "tradingaccountsdialog.h"
#include "tradingnotice.h"
#include "tradingpanel.h"
#include "watchlistmodel.h"
#include "watchlistproxy.h"
#include "watchlistwidget.h"

#include "candlechart.h"
#include "chartworkspace.h"
#include "alerts/secretstore.h"
#include "bots/botmanager.h"
#include "session/papertrading.h"
#include "session/terminalservices.h"
#include "session/tradingaccounts.h"
#include "storage/database.h"
#include "trading/account.h"
#include "trading/instrumentdefaults.h"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace kairos::ui {

namespace {
const char* const kBound = "kairosBoundAccount";

/// The accounts a ticket can switch to: the open ones, labelled.
std::vector<std::pair<qint64, QString>> ticketAccountChoices(const session::TradingAccounts& accounts) {
    std::vector<std::pair<qint64, QString>> choices;
    for (const trading::AccountInfo& info : accounts.accounts())
        if (accounts.account(info.id)) choices.emplace_back(info.id, session::accountLabel(info));
    return choices;
}
}  // namespace

trading::Account* MainWindow::paperAccount() const { return m_accounts ? m_accounts->active() : nullptr; }

void MainWindow::setupTrading() {
    if (storage::Database* db = m_session.database())
        m_tradingSecrets = std::make_unique<alerts::KeychainSecretStore>("Kairos trading (" + db->path().toStdString() + ")");
    else
        m_tradingSecrets = std::make_unique<alerts::MemorySecretStore>();
    m_accounts = new session::TradingAccounts(m_session, m_services->hub(), *m_tradingSecrets, this);
    connect(m_accounts, &session::TradingAccounts::problem, this, [this](const QString& m) { m_status->showMessage(m, 15000); });
    // Signal levels at the tick precision of the same rules (UX.md: never more digits than the tick).
    m_signalsPanel->model()->setDecimals([this](const InstrumentId& id) {
        const Instrument* i = paperAccount() ? paperAccount()->instrument(id) : nullptr;
        if (i && !i->tickSize.isZero()) return i->tickSize.scale();
        const auto b = trading::bundledInstrumentRules(id);
        return b && !b->tickSize.isZero() ? b->tickSize.scale() : -1;
    });

    // The Trading dock: the account bar over the active account's panel.
    auto* contents = new QWidget;
    contents->setObjectName(QStringLiteral("TradingDockContents"));
    auto* layout = new QVBoxLayout(contents);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_accounts->open();
    auto* bar = new AccountBar(*m_accounts);
    layout->addWidget(bar);
    auto* notice = new ReconciliationNotice;
    layout->addWidget(notice);
    connect(m_accounts, &session::TradingAccounts::reconciled, notice,
            [this, notice](qint64 id, const live::ReconciliationReport& report) {
                const auto info = m_accounts->info(id);
                const QString label = info ? session::accountLabel(*info) : QString::number(id);
                notice->showReport(label, report);
                if (notice->isVisibleTo(notice->parentWidget()))
                    m_status->showMessage(ReconciliationNotice::lineFor(label, report), 20000);
            });
    if (QDockWidget* d = dock(QStringLiteral("OrdersDock"))) {
        QWidget* old = d->widget();
        d->setWidget(contents);
        d->setWindowTitle(tr("Trading"));
        d->toggleViewAction()->setText(tr("Trading"));
        delete old;
    }

    // Trade menu: Accounts…, Kill switch (Ctrl+Shift+K); the kill switch also on a toolbar.
    auto* accountsAction = new QAction(tr("Accounts…"), this);
    accountsAction->setObjectName(QStringLiteral("TradingAccountsAction"));
    connect(accountsAction, &QAction::triggered, this, [this] {
        if (auto* open = findChild<TradingAccountsDialog*>()) {
            open->raise();
            open->activateWindow();
            return;
        }
        auto* d = new TradingAccountsDialog(*m_accounts, this);
        d->setAttribute(Qt::WA_DeleteOnClose);
        d->show();
    });
    auto* killAction = new QAction(tr("Kill switch…"), this);
    killAction->setObjectName(QStringLiteral("KillSwitchAction"));
    killAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    killAction->setShortcutContext(Qt::ApplicationShortcut);
    killAction->setToolTip(tr("Cancel every open order and close every position (Ctrl+Shift+K)"));
    connect(killAction, &QAction::triggered, this, [this] {
        auto* d = new KillSwitchDialog(*m_accounts, m_accounts->activeId(), this);
        d->setAttribute(Qt::WA_DeleteOnClose);
        // Every bot stops before anything is flattened, once the user confirmed (no bot can send an order
        // between the kill switch's cancels and its closes; answering No leaves the bots running).
        connect(d, &KillSwitchDialog::aboutToRun, this, [this] {
            if (m_botManager) {
                const int n = m_botManager->stopAll("stopped by the kill switch (before it flattens)");
                if (n > 0) m_status->showMessage(tr("Kill switch: %n bot(s) stopped", "", n), 20000);
            }
        });
        // An exchange sells at most what it holds free (its commission may have been taken in the asset).
        QPointer<session::TradingAccounts> accounts(m_accounts);
        d->killSwitch().setFreeQuantity([accounts](const trading::Account& a, const InstrumentId& id) -> std::optional<Quantity> {
            return accounts ? accounts->freeQuantity(a, id) : std::nullopt;
        });
        connect(d, &KillSwitchDialog::finished, this, [this](const trading::KillReport& r) {
            m_status->showMessage(tr("Kill switch: %1").arg(QString::fromStdString(r.summary())), 20000);
        });
        d->show();
    });
    connect(bar, &AccountBar::accountsRequested, accountsAction, &QAction::trigger);
    connect(bar, &AccountBar::killSwitchRequested, killAction, &QAction::trigger);
    if (auto* a = findChild<QAction*>(QStringLiteral("NewOrderAction"))) {
        a->setEnabled(true);
        a->setShortcutContext(Qt::ApplicationShortcut);
        connect(a, &QAction::triggered, this, [this] { openOrderTicket({}); });
        if (auto* menu = qobject_cast<QMenu*>(a->parent())) {
            menu->addSeparator();
            menu->addAction(accountsAction);
            menu->addAction(killAction);
        }
    }
    auto* toolbar = addToolBar(tr("Trading"));
    toolbar->setObjectName(QStringLiteral("TradingToolBar"));
    toolbar->addAction(killAction);
    if (QWidget* w = toolbar->widgetForAction(killAction)) w->setStyleSheet(QStringLiteral("color: #d32f2f; font-weight: bold;"));

    connect(m_watchlist, &WatchlistWidget::orderTicketRequested, this, [this](const InstrumentId& id) { openOrderTicket(id); });
    connect(m_accounts, &session::TradingAccounts::activeChanged, this, &MainWindow::bindTradingAccount);
    // A rename (or an account added or removed) shows at once in open tickets' account choices.
    connect(m_accounts, &session::TradingAccounts::accountsChanged, this, [this] {
        for (auto* t : findChildren<OrderTicketDialog*>())
            t->setAccountChoices(ticketAccountChoices(*m_accounts), t->account().info().id);
    });
    connect(m_accounts, &session::TradingAccounts::accountOpened, this, [this](qint64 id) {
        if (id == m_accounts->activeId()) bindTradingAccount();
    });
    connect(m_accounts, &session::TradingAccounts::accountClosing, this, [this](qint64 id) {
        if (id != m_accounts->activeId()) return;
        // Let go of the account before it goes: the dock shows that it reconnects, tickets close.
        delete m_orderLines;
        m_orderLines = nullptr;
        if (m_tradingPanel) m_tradingPanel->deleteLater();
        m_tradingPanel = nullptr;
        if (auto* c = findChild<QWidget*>(QStringLiteral("TradingDockContents"))) c->setProperty(kBound, QVariant());
        for (auto* t : findChildren<OrderTicketDialog*>()) t->close();
    });
    bindTradingAccount();
}

void MainWindow::bindTradingAccount() {
    auto* contents = findChild<QWidget*>(QStringLiteral("TradingDockContents"));
    if (!contents || !m_accounts) return;
    trading::Account* account = m_accounts->active();
    const auto bound = reinterpret_cast<quintptr>(account);
    if (account && contents->property(kBound).value<quintptr>() == bound) return;
    contents->setProperty(kBound, account ? QVariant::fromValue(bound) : QVariant());
    // Tickets follow the switch (or close while the account connects).
    for (auto* t : findChildren<OrderTicketDialog*>()) {
        if (account)
            t->setAccount(*account);
        else
            t->close();
    }
    delete m_orderLines;
    m_orderLines = nullptr;
    if (m_tradingPanel) m_tradingPanel->deleteLater();
    m_tradingPanel = nullptr;
    delete contents->findChild<QLabel*>(QStringLiteral("TradingConnecting"), Qt::FindDirectChildrenOnly);
    if (!account) {
        for (int i = 0; i < m_charts->grid(); ++i)
            if (charts::CandleChart* c = m_charts->chart(i)) c->setOrderLines({});
        const auto info = m_accounts->info(m_accounts->activeId());
        const QString why = m_accounts->problemOf(m_accounts->activeId());
        auto* wait =
            new QLabel(why.isEmpty() ? tr("Connecting %1…").arg(info ? session::accountLabel(*info) : QString())
                                     : tr("%1 is not open: %2").arg(info ? session::accountLabel(*info) : QString(), why));
        wait->setObjectName(QStringLiteral("TradingConnecting"));
        wait->setAlignment(Qt::AlignCenter);
        wait->setWordWrap(true);
        contents->layout()->addWidget(wait);
        return;
    }
    m_tradingPanel = new TradingPanel(*account);
    contents->layout()->addWidget(m_tradingPanel);
    connect(m_tradingPanel, &TradingPanel::message, this, [this](const QString& m) { m_status->showMessage(m, 10000); });
    connect(m_tradingPanel, &TradingPanel::newOrderRequested, this, [this](const InstrumentId& id) { openOrderTicket(id); });
    // Positions and open orders as lines on the charts; dragging one moves the order.
    m_orderLines = new ChartOrderLines(*account, m_services->hub(), m_charts, this);
    connect(m_orderLines, &ChartOrderLines::message, this, [this](const QString& m, int ms) { m_status->showMessage(m, ms); });
}

OrderTicketDialog* MainWindow::openOrderTicket(const InstrumentId& requested) {
    trading::Account* account = paperAccount();
    if (!account) {
        m_status->showMessage(tr("The active account is not open yet: %1")
                                  .arg(m_accounts ? m_accounts->problemOf(m_accounts->activeId()) : QString()),
                              10000);
        return nullptr;
    }
    InstrumentId id = requested;
    if (id.symbol.empty()) {
        const QModelIndex current = m_watchlist->table()->currentIndex();
        const auto list = m_watchlist->model()->instruments();
        if (current.isValid()) {
            const int row = m_watchlist->proxy()->mapToSource(current).row();
            if (row >= 0 && row < static_cast<int>(list.size())) id = list[static_cast<std::size_t>(row)];
        }
        if (id.symbol.empty()) {
            if (charts::CandleChart* c = chart()) id = c->instrument();
        }
        if (id.symbol.empty() && !list.empty()) id = list.front();
    }
    auto* ticket = new OrderTicketDialog(*account, id, this);
    ticket->setAttribute(Qt::WA_DeleteOnClose);
    ticket->setAccountChoices(ticketAccountChoices(*m_accounts), m_accounts->activeId());
    connect(ticket, &OrderTicketDialog::accountChosen, this, [this](qint64 chosen) {
        if (auto st = m_accounts->setActive(chosen); !st) m_status->showMessage(QString::fromStdString(st.message()), 10000);
    });
    // Confirmation as the account says (live orders always ask unless the user turned that off for
    // that account; paper orders also follow the profile's paper/confirm).
    ticket->setConfirmer([this, ticket](const QString& text) {
        const trading::AccountInfo& info = ticket->account().info();
        bool ask = m_accounts->confirms(info.id);
        if (info.kind == trading::AccountKind::Paper) ask = ask && session::paperConfirms(m_session.settings());
        if (!ask) return true;
        if (info.kind == trading::AccountKind::Paper)
            return QMessageBox::question(ticket, tr("Confirm order"), text + QLatin1Char('?'), QMessageBox::Yes | QMessageBox::No,
                                         QMessageBox::No) == QMessageBox::Yes;
        return QMessageBox::warning(ticket, tr("Confirm %1 order").arg(session::accountKindLabel(info.kind)),
                                    text + QLatin1Char('?'), QMessageBox::Yes | QMessageBox::No,
                                    QMessageBox::No) == QMessageBox::Yes;
    });
    connect(ticket, &OrderTicketDialog::orderSent, this,
            [this](const QString& summary) { m_status->showMessage(summary, 15000); });
    ticket->show();
    ticket->raise();
    ticket->activateWindow();
    return ticket;
}

}  // namespace kairos::ui
