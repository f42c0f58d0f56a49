#pragma once
// MainWindow only assembles docks, menus and the status bar (shared/STYLE.md: no global lookups
// of the window) on the terminal's headless services (core/session: event hub, market router,
// signal and alert services, paper venue), which it connects to its widgets through thin adapters
// (hubadapters.h, chartorderlines.h, terminalstatusbar.h). Layout (geometry + dock state) is saved
// in the profile's settings on close and restored on the next start; View > Reset layout brings
// back the default.

#include "alertcenter.h"
#include "terminalsession.h"

#include "domain/instrument.h"
#include "session/marketrouter.h"

#include <QMainWindow>

#include <memory>
#include <optional>
#include <set>
#include <string>

class QDockWidget;
class QLabel;
class QMenu;

namespace kairos::charts {
class CandleChart;
}
namespace kairos::session {
class TerminalServices;
class TradingAccounts;
}  // namespace kairos::session
namespace kairos::trading {
class Account;
class PaperAccount;
}  // namespace kairos::trading

namespace kairos::cloud {
class CloudClient;
}
namespace kairos::bots {
class BotManager;
}
namespace kairos::alerts {
class ISecretStore;
}

namespace kairos::ui {

class BacktestWidget;
class BotsDock;
class ChartOrderLines;
class SignalsPanelAdapter;
class SignalsWidget;
class AlertsWidget;
class AlertToast;
class AccountDialog;
class AccountStatusLabel;
class WorkspaceSync;
class ChartWorkspace;
class OrderTicketDialog;
class TradingPanel;
class TerminalStatusBar;
class WatchlistWidget;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(TerminalSession& session, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// The dock with this object name ("WatchlistDock", "ChartDock", "OrdersDock", "AlertsDock",
    /// "BacktestDock", "MarketplaceDock"), or nullptr.
    QDockWidget* dock(const QString& objectName) const;
    WatchlistWidget* watchlist() const { return m_watchlist; }
    SignalsWidget* signalHistory() const { return m_signalsPanel; }
    BacktestWidget* backtest() const { return m_backtest; }
    AlertCenter* alerts() const { return m_alerts; }
    AlertsWidget* alertsPanel() const { return m_alertsPanel; }
    AlertToast* alertToast() const { return m_alertToast; }
    /// Opens the alert dialog for this instrument, prefilled with its last price (or `level`).
    void requestAlert(const InstrumentId& id, std::optional<double> level = std::nullopt);
    /// The active chart of the chart workspace.
    charts::CandleChart* chart() const;
    ChartWorkspace* chartWorkspace() const { return m_charts; }
    /// Opens this instrument in the active chart.
    void showInstrument(const InstrumentId& id);

    /// Trading (Trade menu, F9, the watchlist's "Order ticket…", the Trading dock).
    /// The active account the Trading dock, the order ticket and the chart order lines trade on
    /// (named for its first use: the paper account); nullptr while a live account connects.
    trading::Account* paperAccount() const;
    /// Every trading account of the profile (paper, testnet, live) and the active one.
    session::TradingAccounts* tradingAccounts() const { return m_accounts; }
    TradingPanel* tradingPanel() const { return m_tradingPanel; }
    /// The Bots dock and the manager running the profile's bots (nullptr without a profile database).
    BotsDock* botsDock() const { return m_botsDock; }
    bots::BotManager* botManager() const { return m_botManager; }
    /// Opens a (non-modal) order ticket for `id`; an empty id takes the watchlist's current
    /// symbol, else the active chart's.
    OrderTicketDialog* openOrderTicket(const InstrumentId& id);

    /// The headless services the window is assembled on.
    session::TerminalServices& services() const { return *m_services; }
    /// The account on the companion server (File › Account…); its token provider serves sync.
    cloud::CloudClient* cloud() const { return m_cloud; }
    /// Opens (or raises) the non-modal Account dialog.
    AccountDialog* showAccountDialog();
    /// Starts a workspace sync round now when signed in (File › Sync now); rounds also follow
    /// sign-in, local edits and a timer (mainwindow_sync.cpp).
    void syncWorkspaceNow();
    /// Where an instrument's prices come from, and why not when nowhere (session::MarketRouter).
    using Route = session::Route;
    Route routeOf(const InstrumentId& id, QString* why = nullptr) const;
    /// The status-bar label of a venue ("BINANCE: live"), or nullptr when not enabled.
    QLabel* venueLabel(const QString& venue) const;
    /// Tools > Market data settings.
    void showMarketDataSettings();

    /// View › Theme: "dark", "light", "dark-cb", "light-cb" (widgets and charts; kept in settings).
    void setTheme(const QString& name);
    QString theme() const { return m_theme; }

    void saveLayout();
    bool restoreLayout();
    void resetLayout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QDockWidget* addDock(const QString& objectName, const QString& title, QWidget* content, Qt::DockWidgetArea area);
    QWidget* placeholder(const QString& what, const QString& issue);
    void buildMenus();
    void buildLayoutMenu(QMenu* view);
    /// The replay's load, the venues' instrument lists, the watchlist's subscriptions.
    void wireServices();
    void refreshKnownInstruments();
    /// Paper venue, Trading dock, order ticket (F9) and their wiring (mainwindow_trading.cpp).
    void setupTrading();
    /// The Journal dock and the Signals panel's "Trade this signal…" (mainwindow_journal.cpp).
    void setupJournal();
    /// Binds the Trading dock, open tickets and chart order lines to the active account.
    void bindTradingAccount();
    /// The Backtest dock and the watchlist's "Backtest…" (everything backtest-related is here).
    void setupBacktest();
    /// The Bots dock, its manager, the bars that drive it and its status-bar label (mainwindow_bots.cpp).
    void setupBots();
    /// Alerts: the Alerts dock, delivery (status bar, pop-up, tray, sound), Alt+A on a chart.
    void setupAlerts();
    void editAlert(std::int64_t id);
    /// The account client, File › Account…, the status bar's account field and the Admin dock
    /// (mainwindow_account.cpp).
    void setupAccount();
    /// Workspace sync of the profile with the signed-in account; its state in `label` (mainwindow_sync.cpp).
    void setupSync(AccountStatusLabel* label);
    /// Reloads the widgets showing the kinds a sync round changed in the profile.
    void reloadSynced(const std::set<std::string>& kinds);

    TerminalSession& m_session;
    session::TerminalServices* m_services = nullptr;
    WatchlistWidget* m_watchlist = nullptr;
    ChartWorkspace* m_charts = nullptr;
    SignalsWidget* m_signalsPanel = nullptr;
    SignalsPanelAdapter* m_signalsAdapter = nullptr;
    BacktestWidget* m_backtest = nullptr;
    TerminalStatusBar* m_status = nullptr;
    QString m_theme;
    QByteArray m_defaultState;
    session::TradingAccounts* m_accounts = nullptr;
    std::unique_ptr<alerts::ISecretStore> m_tradingSecrets;
    TradingPanel* m_tradingPanel = nullptr;
    ChartOrderLines* m_orderLines = nullptr;
    AlertCenter* m_alerts = nullptr;
    AlertsWidget* m_alertsPanel = nullptr;
    AlertToast* m_alertToast = nullptr;
    std::unique_ptr<alerts::ISecretStore> m_cloudSecrets;
    cloud::CloudClient* m_cloud = nullptr;
    AccountDialog* m_accountDialog = nullptr;
    WorkspaceSync* m_sync = nullptr;
    bots::BotManager* m_botManager = nullptr;
    BotsDock* m_botsDock = nullptr;
};

}  // namespace kairos::ui
