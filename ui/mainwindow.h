#pragma once
// MainWindow only assembles docks, menus and the status bar (shared/STYLE.md: no global lookups
// of the window). Layout (geometry + dock state) is saved in the profile's settings on close and
// restored on the next start; View > Reset layout brings back the default.

#include "domain/instrument.h"
#include "signals/signalengine.h"
#include "signals/signaltracker.h"

#include <QMainWindow>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

class QDockWidget;
class QLabel;
class QTimer;
class QMenu;
class QSystemTrayIcon;

namespace kairos::charts {
class CandleChart;
}
namespace kairos::marketdata {
class ExchangeFeed;
class MarketDataFeed;
struct FeedStatus;
}
namespace kairos::trading {
class PaperVenue;
}

namespace kairos::ui {

class BacktestWidget;
class SignalsWidget;
class AlertCenter;
class AlertsWidget;
class AlertToast;
class ChartWorkspace;
class OrderTicketDialog;
class TradingPanel;
class TerminalSession;
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

    /// Paper trading (Trade menu, F9, the watchlist's "Order ticket…", the Trading dock).
    trading::PaperVenue* paperVenue() const { return m_paper; }
    TradingPanel* tradingPanel() const { return m_tradingPanel; }
    /// Opens a (non-modal) order ticket for `id`; an empty id takes the watchlist's current
    /// symbol, else the active chart's.
    OrderTicketDialog* openOrderTicket(const InstrumentId& id);

    /// Where an instrument's prices come from, and why not when nowhere.
    enum class Route : std::uint8_t { Replay, Live, None };
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
    void buildStatusBar();
    void wireFeed();
    /// Paper venue, Trading dock, order ticket (F9) and their wiring; settings group "paper".
    void setupTrading();
    /// Feeds the paper venue with a feed's trades and quotes.
    void wireTradingFeed(marketdata::MarketDataFeed* feed);
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& b);
    /// Subscribes the watchlist's live instruments on their venues and unsubscribes the rest.
    void syncLiveSubscriptions();
    void wireVenueFeed(marketdata::ExchangeFeed* feed);
    void updateVenueLabels();
    void onVenueStatus(const QString& venue, const marketdata::FeedStatus& s);
    void refreshKnownInstruments();
    /// Warms the signal engine and the watchlist row of a live instrument from the store.
    void warmFromStore(const InstrumentId& id);
    /// The Backtest dock and the watchlist's "Backtest…" (everything backtest-related is here).
    void setupBacktest();
    BacktestWidget* m_backtest = nullptr;

    TerminalSession& m_session;
    WatchlistWidget* m_watchlist = nullptr;
    ChartWorkspace* m_charts = nullptr;
    void buildLayoutMenu(QMenu* view);
    /// One signal engine per instrument (1h bars), fed every closed bar of the feed.
    std::map<InstrumentId, signal::SignalEngine> m_signalEngines;
    void publishSignal(const InstrumentId& id, const signal::Signal& s);
    /// A signal of a closed bar (not the warm-up): shown, tracked to its outcome, stored.
    void recordSignal(const InstrumentId& id, const signal::Signal& s);
    void loadSignalHistory();
    SignalsWidget* m_signalsPanel = nullptr;
    std::unique_ptr<signal::SignalStore> m_signalStore;
    std::unique_ptr<signal::SignalTracker> m_tracker;
    QTimer* m_accuracyTimer = nullptr;
    /// Drawings of every chart, per instrument, in the profile database.
    /// Puts the signal history's arrows on every chart (coalesced).
    QTimer* m_markerTimer = nullptr;
    QString m_theme;
    /// Ranges already asked from a venue for the charts (each asked once per session).
    std::set<std::tuple<InstrumentId, Timeframe, qint64>> m_historyAsked;
    /// Live instruments whose first 30 days of history are being fetched.
    std::set<InstrumentId> m_warmPending;
    void refreshChartMarkers();
    QLabel* m_feedLabel = nullptr;
    QLabel* m_clockLabel = nullptr;
    QLabel* m_utcLabel = nullptr;
    QLabel* m_serverLabel = nullptr;
    std::map<QString, QLabel*> m_venueLabels;
    std::set<marketdata::ExchangeFeed*> m_wiredFeeds;
    std::set<InstrumentId> m_liveSubscribed;
    /// Live data source chosen but its default venue was unreachable: the replay stands in.
    bool m_liveFallback = false;
    QByteArray m_defaultState;
    trading::PaperVenue* m_paper = nullptr;
    TradingPanel* m_tradingPanel = nullptr;
    /// Alerts: engine + store, the Alerts dock, delivery (status bar, pop-up, tray, sound).
    void setupAlerts();
    void editAlert(std::int64_t id);
    AlertCenter* m_alerts = nullptr;
    AlertsWidget* m_alertsPanel = nullptr;
    AlertToast* m_alertToast = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
};

}  // namespace kairos::ui
