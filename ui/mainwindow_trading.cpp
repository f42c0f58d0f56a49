// MainWindow's paper trading, kept apart from mainwindow.cpp so that the window's other parts change
// independently: the Trading dock on the paper account (session/papertrading.h: settings, the
// venue fed by the hub, the account), the order ticket (F9, Trade menu, watchlist context menu) and the paper orders
// on the charts (chartorderlines.h).
#include "mainwindow.h"

#include "chartorderlines.h"
#include "orderticketdialog.h"
#include "signalswidget.h"
#include "terminalsession.h"
#include "terminalstatusbar.h"
#include "tradingpanel.h"
#include "watchlistmodel.h"
#include "watchlistproxy.h"
#include "watchlistwidget.h"

#include "candlechart.h"
#include "chartworkspace.h"
#include "session/papertrading.h"
#include "session/terminalservices.h"
#include "trading/account.h"
#include "trading/papervenue.h"

#include <QAction>
#include <QDockWidget>
#include <QTableView>

namespace kairos::ui {

trading::Account* MainWindow::paperAccount() const { return m_paper ? &m_paper->account() : nullptr; }

void MainWindow::setupTrading() {
    QStringList problems;
    m_paper = session::openPaperAccount(m_session, m_services->hub(), this, &problems);
    trading::Account& account = m_paper->account();
    // Signal levels at the tick precision of the same rules (UX.md: never more digits than the tick).
    m_signalsPanel->model()->setDecimals([this](const InstrumentId& id) {
        const Instrument* i = m_paper->account().instrument(id);
        return i && !i->tickSize.isZero() ? i->tickSize.scale() : -1;
    });
    m_tradingPanel = new TradingPanel(account);
    if (QDockWidget* d = dock(QStringLiteral("OrdersDock"))) {
        QWidget* old = d->widget();
        d->setWidget(m_tradingPanel);
        d->setWindowTitle(tr("Trading"));
        d->toggleViewAction()->setText(tr("Trading"));
        delete old;
    }
    connect(m_tradingPanel, &TradingPanel::message, this, [this](const QString& m) { m_status->showMessage(m, 10000); });
    connect(m_tradingPanel, &TradingPanel::newOrderRequested, this, [this](const InstrumentId& id) { openOrderTicket(id); });
    connect(m_watchlist, &WatchlistWidget::orderTicketRequested, this, [this](const InstrumentId& id) { openOrderTicket(id); });
    if (auto* a = findChild<QAction*>(QStringLiteral("NewOrderAction"))) {
        a->setEnabled(true);
        a->setShortcutContext(Qt::ApplicationShortcut);
        connect(a, &QAction::triggered, this, [this] { openOrderTicket({}); });
    }
    if (!problems.isEmpty()) m_status->showMessage(tr("Paper trading: %1").arg(problems.join(QStringLiteral("; "))), 15000);
    // Positions and open orders as lines on the charts; dragging one moves the order.
    m_orderLines = new ChartOrderLines(account, m_services->hub(), m_charts, this);
    connect(m_orderLines, &ChartOrderLines::message, this, [this](const QString& m, int ms) { m_status->showMessage(m, ms); });
}

OrderTicketDialog* MainWindow::openOrderTicket(const InstrumentId& requested) {
    if (!m_paper) return nullptr;
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
    auto* ticket = new OrderTicketDialog(m_paper->account(), id, this);
    ticket->setAttribute(Qt::WA_DeleteOnClose);
    if (!session::paperConfirms(m_session.settings())) ticket->setConfirmer({});
    connect(ticket, &OrderTicketDialog::orderSent, this,
            [this](const QString& summary) { m_status->showMessage(summary, 15000); });
    ticket->show();
    ticket->raise();
    ticket->activateWindow();
    return ticket;
}

}  // namespace kairos::ui
