#pragma once
// TerminalStatusBar: the main window's status bar — the market-data source ("Replay: running"),
// the replay clock, one label per enabled venue ("BINANCE: live"), the companion server's
// reachability and the UTC clock — and its temporary messages. A message given before the bar is
// on screen waits until it is: QStatusBar only hides the labels under a message when they are
// visible, so an early message would be drawn over them.

#include <QObject>
#include <QString>
#include <QStringList>

#include <map>

class QLabel;
class QStatusBar;

namespace kairos::session {
class TerminalServices;
}

namespace kairos::ui {

class TerminalStatusBar : public QObject {
    Q_OBJECT
public:
    /// Fills `bar` (owned by the window) from the services, which must outlive it.
    TerminalStatusBar(QStatusBar* bar, session::TerminalServices& services, QObject* parent = nullptr);

    /// A temporary message; before the bar is shown, messages wait and then show as one.
    void showMessage(const QString& text, int timeoutMs);
    /// The label of an enabled venue, or nullptr.
    QLabel* venueLabel(const QString& venue) const;
    /// Re-reads every venue's state (enabled, reachable, live symbols).
    void updateVenueLabels();
    QLabel* sourceLabel() const { return m_feedLabel; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void pollServer();

    QStatusBar* m_bar;
    session::TerminalServices& m_services;
    QLabel* m_feedLabel;
    QLabel* m_clockLabel;
    QLabel* m_utcLabel;
    QLabel* m_serverLabel;
    std::map<QString, QLabel*> m_venueLabels;
    QStringList m_pending;
    int m_pendingTimeoutMs = 0;
};

}  // namespace kairos::ui
