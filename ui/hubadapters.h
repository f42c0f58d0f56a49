#pragma once
// Thin adapters from the terminal's headless services (core/session) to its widgets: each one
// subscribes a widget to the EventHub and the services once, so that MainWindow only assembles.
// GUI thread.

#include "domain/instrument.h"

#include <QObject>

class QCheckBox;
class QSystemTrayIcon;
class QTimer;
class QWidget;

namespace kairos::session {
class TerminalServices;
}

namespace kairos::ui {

class AlertToast;
class ChartWorkspace;
class SignalsWidget;
class TerminalStatusBar;
class WatchlistModel;

/// The watchlist's prices, 24h statistics, bars and signals from the hub; its notes and warm-up
/// bars (the last 48: 24h statistics and sparkline) from the router.
void connectWatchlist(session::TerminalServices& services, WatchlistModel* model);

/// The charts' live trades and bars from the hub; where their history ends, the venue history they
/// ask for, and reloads when the store has more of an instrument or routes changed, from the router.
void connectCharts(session::TerminalServices& services, ChartWorkspace* charts);

/// The Signals panel and the signal arrows of every chart, from the SignalService: recorded signals
/// and outcomes (accuracy re-read at most every 2 s when something changed), the stored history,
/// and errors. Arrows are put on the charts coalesced (200 ms).
class SignalsPanelAdapter : public QObject {
    Q_OBJECT
public:
    SignalsPanelAdapter(session::TerminalServices& services, SignalsWidget* panel, ChartWorkspace* charts, QObject* parent);
    /// Shows the stored signals of these instruments (start-up, once the replay is loaded).
    void loadHistory(const std::vector<InstrumentId>& ids);
    /// Puts the signal history's arrows on every chart, later (coalesced).
    void refreshMarkersLater();

private:
    void refreshMarkers();

    session::TerminalServices& m_services;
    SignalsWidget* m_panel;
    ChartWorkspace* m_charts;
    QTimer* m_accuracyTimer;
    QTimer* m_markerTimer;
};

/// Alert firings and expiries from the hub, delivered in the terminal: the status bar, the toast in
/// the window's corner, a desktop notification (system tray) when `desktop` is checked, and a beep
/// for a firing when `sound` is checked.
class AlertNotifier : public QObject {
    Q_OBJECT
public:
    AlertNotifier(session::TerminalServices& services, QCheckBox* desktop, QCheckBox* sound, TerminalStatusBar* status,
                  AlertToast* toast, QWidget* window);

private:
    QCheckBox* m_desktop;
    QCheckBox* m_sound;
    TerminalStatusBar* m_status;
    AlertToast* m_toast;
    QWidget* m_window;
    QSystemTrayIcon* m_tray = nullptr;
};

}  // namespace kairos::ui
