#pragma once
// ChartOrderLines: the trading account's position and open orders as lines on the charts of their
// instrument (entry, SL, TP, resting orders), rebuilt when the hub reports order updates or fills
// and when a chart changes series; dragging an SL/TP or resting order line moves the order to the
// dragged price rounded to the tick (session::roundDraggedPrice). See chartorderlines.cpp.

#include <QObject>
#include <QString>

class QTimer;

namespace kairos::session {
class EventHub;
}
namespace kairos::trading {
class Account;
}

namespace kairos::ui {

class ChartWorkspace;

class ChartOrderLines : public QObject {
    Q_OBJECT
public:
    /// `paper`, `hub` and `charts` must outlive the adapter.
    ChartOrderLines(trading::Account& paper, session::EventHub& hub, ChartWorkspace* charts, QObject* parent = nullptr);

    /// Rebuilds the lines of every chart now (charts whose lines are unchanged are not touched).
    void sync();

Q_SIGNALS:
    /// What a drag did ("Stop loss … moved to …", "Not moved: …"), for the status bar.
    void message(const QString& text, int timeoutMs);

private:
    void onLineMoved(int id, double price);

    trading::Account& m_paper;
    ChartWorkspace* m_charts;
    QTimer* m_timer;
};

}  // namespace kairos::ui
