// MainWindow's Journal dock and "Trade this signal", kept apart from mainwindow.cpp: the dock
// (journalwidget.h) refreshed when the active trading account fills or is reset, its View menu entry, and
// the Signals panel's "Trade this signal…" opening the order ticket prefilled with the signal's
// plan and recording "signal #id" as the origin of the order it sends.
#include "mainwindow.h"

#include "journalwidget.h"
#include "orderticketdialog.h"
#include "signalswidget.h"
#include "terminalsession.h"
#include "terminalstatusbar.h"

#include "domain/timeframe.h"
#include "session/papertrading.h"
#include "session/tradingaccounts.h"
#include "trading/account.h"
#include "trading/tradejournal.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>

namespace kairos::ui {

void MainWindow::setupJournal() {
    auto* journal = new JournalWidget(m_session.database());
    journal->setObjectName(QStringLiteral("Journal"));
    QDockWidget* d = addDock(QStringLiteral("JournalDock"), tr("Journal"), journal, Qt::BottomDockWidgetArea);
    if (QDockWidget* signalsDock = dock(QStringLiteral("SignalsDock"))) tabifyDockWidget(signalsDock, d);
    if (QDockWidget* signalsDock = dock(QStringLiteral("SignalsDock"))) signalsDock->raise();
    // View menu: the docks are listed when the menus are built, before this dock existed.
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->menu()->title() == tr("&View")) {
            QAction* first = a->menu()->actions().isEmpty() ? nullptr : a->menu()->actions().constFirst();
            for (QAction* x : a->menu()->actions())
                if (x->isSeparator()) {
                    first = x;
                    break;
                }
            a->menu()->insertAction(first, d->toggleViewAction());
            break;
        }
    connect(journal, &JournalWidget::message, this, [this](const QString& m) { m_status->showMessage(m, 10000); });
    // The active account's fills and resets refresh the dock (it lists every account's trades);
    // switching accounts follows the new one.
    auto follow = [this, journal] {
        if (trading::Account* account = paperAccount()) {
            connect(account, &trading::Account::filled, journal, &JournalWidget::scheduleRefresh, Qt::UniqueConnection);
            connect(account, &trading::Account::accountReset, journal, &JournalWidget::scheduleRefresh, Qt::UniqueConnection);
        }
    };
    follow();
    if (m_accounts) {
        connect(m_accounts, &session::TradingAccounts::activeChanged, journal, [journal, follow] {
            follow();
            journal->scheduleRefresh();
        });
    }
    connect(m_signalsPanel, &SignalsWidget::tradeRequested, this, [this](const signal::StoredSignal& s) {
        trading::Account* account = paperAccount();
        if (!account) return;
        const Instrument* instrument = account->instrument(s.id);
        if (!instrument) {
            m_status->showMessage(tr("No trading rules known for %1 yet: open it in a chart or the watchlist first.")
                                      .arg(QString::fromStdString(s.id.toString())),
                                  15000);
            return;
        }
        auto plan = signalPlan(s, *instrument);
        if (!plan) {
            m_status->showMessage(tr("This signal cannot be traded: %1").arg(QString::fromStdString(plan.message())), 15000);
            return;
        }
        OrderTicketDialog* ticket = openOrderTicket(s.id);
        if (!ticket) return;
        ticket->prefill(plan->side, plan->entry, plan->stopLoss, plan->takeProfits);
        std::string origin = "signal";
        if (storage::Database* db = m_session.database()) {
            auto id = trading::TradeJournal(*db).signalId(s.id, toString(s.tf), s.signal.barOpenMs);
            if (id && *id) origin = "signal #" + std::to_string(**id);
            recordOrigin(*ticket, *account, *db, origin);
        }
        ticket->setWindowTitle(ticket->windowTitle() + QStringLiteral(" — ") + QString::fromStdString(origin));
    });
}

}  // namespace kairos::ui
