// MainWindow's Bots dock, kept apart from mainwindow.cpp: the profile's strategy bots
// (bots::BotManager) on the terminal's trading accounts, fed the closed bars the event hub publishes
// and warmed up on the market router's recent bars; bots left running restart when their account
// opens; a bot running on a testnet/live account shows in the status bar. The kill switch stops
// every bot before it flattens (mainwindow_trading.cpp).
#include "mainwindow.h"

#include "backtestwidget.h"
#include "botsdock.h"
#include "terminalsession.h"
#include "terminalstatusbar.h"

#include "bots/botmanager.h"
#include "session/eventhub.h"
#include "session/marketrouter.h"
#include "session/terminalservices.h"
#include "session/tradingaccounts.h"
#include "trading/tradejournal.h"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>

namespace kairos::ui {

void MainWindow::setupBots() {
    storage::Database* db = m_session.database();
    if (!db || !m_accounts) return;
    bots::BotHost host;
    QPointer<session::TradingAccounts> accounts(m_accounts);
    host.account = [accounts](std::int64_t id) { return accounts ? accounts->account(id) : nullptr; };
    session::MarketRouter* router = &m_services->router();
    host.history = [router](const InstrumentId& id, Timeframe tf, std::int64_t) { return router->recentBars(id, tf); };
    host.recordOrigin = [db](std::int64_t accountId, const trading::Order& o, const std::string& origin) {
        (void)trading::TradeJournal(*db).setOrigin(accountId, o, origin);
    };
    m_botManager = new bots::BotManager(*db, std::move(host), this);
    m_botsDock = new BotsDock(*m_botManager, *m_accounts);
    QDockWidget* d = addDock(QStringLiteral("BotsDock"), tr("Bots"), m_botsDock, Qt::BottomDockWidgetArea);
    if (QDockWidget* beside =
            dock(QStringLiteral("JournalDock")) ? dock(QStringLiteral("JournalDock")) : dock(QStringLiteral("SignalsDock")))
        tabifyDockWidget(beside, d);
    if (QDockWidget* signalsDock = dock(QStringLiteral("SignalsDock"))) signalsDock->raise();
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
    // "Paper trade this" in the Backtest dock opens the bot dialog prefilled, on the Bots tab.
    if (m_backtest)
        connect(m_backtest, &BacktestWidget::paperTradeRequested, this,
                [this, d](const QString& strategy, const QVariantMap& params, const QString& symbol, const QString& tf) {
                    d->show();
                    d->raise();
                    // A bot's symbol names its venue only when it is not the paper venue's (Binance).
                    const QString binance = QStringLiteral("BINANCE:");
                    m_botsDock->createPrefilled(strategy, params,
                                                symbol.startsWith(binance) ? symbol.mid(binance.size()) : symbol, tf);
                });
    connect(m_botsDock, &BotsDock::message, this, [this](const QString& m) { m_status->showMessage(m, 15000); });

    // Closed bars drive the bots (a paper account's venue fills on the hub's prices meanwhile).
    connect(&m_services->hub(), &session::EventHub::barUpdated, m_botManager,
            [manager = m_botManager](const InstrumentId& id, Timeframe tf, const Bar& bar) {
                if (bar.closed) manager->onBar(id, tf, bar);
            });
    connect(m_accounts, &session::TradingAccounts::accountClosing, m_botManager,
            [manager = m_botManager](qint64 id) { manager->accountClosing(id); });
    connect(m_accounts, &session::TradingAccounts::accountOpened, m_botManager, [manager = m_botManager] { manager->restore(); });
    // Bots left running restart; when any did, their dock comes to the front so that the trader sees them.
    QTimer::singleShot(0, m_botManager, [manager = m_botManager, d] {
        manager->restore();
        auto list = manager->bots();
        if (list && std::any_of(list->begin(), list->end(), [&](const bots::BotConfig& c) { return manager->isRunning(c.id); }))
            d->raise();
    });

    // Status bar: a bot trading real (or testnet) money is always in sight.
    auto* live = new QLabel;
    live->setObjectName(QStringLiteral("BotsLiveLabel"));
    live->setStyleSheet(QStringLiteral("QLabel { color: white; background: #d32f2f; padding: 0 6px; font-weight: bold; }"));
    live->hide();
    statusBar()->addPermanentWidget(live);
    auto update = [this, live] {
        const std::vector<std::string> names = m_botManager->liveRunning();
        QStringList list;
        for (const auto& n : names) list << QString::fromStdString(n);
        live->setText(tr("BOT LIVE: %1").arg(list.join(QStringLiteral(", "))));
        live->setToolTip(tr("%n bot(s) trading on a testnet or live account", "", static_cast<int>(names.size())));
        live->setVisible(!names.empty());
    };
    connect(m_botManager, &bots::BotManager::liveRunningChanged, live, update);
    update();
}

}  // namespace kairos::ui
