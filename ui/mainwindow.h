#pragma once
// MainWindow only assembles docks, menus and the status bar (shared/STYLE.md: no global lookups
// of the window). Layout (geometry + dock state) is saved in the profile's settings on close and
// restored on the next start; View > Reset layout brings back the default.

#include "domain/instrument.h"
#include "signals/signalengine.h"

#include <QMainWindow>

#include <map>
#include <memory>

class QDockWidget;
class QLabel;
class QMenu;

namespace kairos::charts {
class CandleChart;
}

namespace kairos::ui {

class ChartWorkspace;
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
    /// The active chart of the chart workspace.
    charts::CandleChart* chart() const;
    ChartWorkspace* chartWorkspace() const { return m_charts; }
    /// Opens this instrument in the active chart.
    void showInstrument(const InstrumentId& id);

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

    TerminalSession& m_session;
    WatchlistWidget* m_watchlist = nullptr;
    ChartWorkspace* m_charts = nullptr;
    void buildLayoutMenu(QMenu* view);
    /// One signal engine per instrument (1h bars), fed every closed bar of the feed.
    std::map<InstrumentId, signal::SignalEngine> m_signalEngines;
    void publishSignal(const InstrumentId& id, const signal::Signal& s);
    QLabel* m_feedLabel = nullptr;
    QLabel* m_clockLabel = nullptr;
    QLabel* m_utcLabel = nullptr;
    QLabel* m_serverLabel = nullptr;
    QByteArray m_defaultState;
};

}  // namespace kairos::ui
