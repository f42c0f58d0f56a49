#pragma once
// SignalsWidget: the signal history panel — every LONG/SHORT signal the engine gave on a closed
// bar, newest first, with its levels and its outcome so far (open, TP1/TP2 reached, TP3, stop,
// expired; R achieved), and the accuracy statistics over the whole stored history (all, per side,
// per instrument, per timeframe, per confidence band). Reads and writes nothing itself: the main
// window feeds it from the SignalTracker and the SignalStore. "Trade this signal…" (context menu,
// the button above the table, or Enter) asks for an order ticket prefilled with the selected
// signal's side, entry, stop-loss and take-profits (tradeRequested).

#include "marketdata/marketdatafeed.h"  // InstrumentId as a Qt meta type
#include "signals/signalstore.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <map>
#include <string>
#include <functional>
#include <vector>

class QAction;
class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace kairos::ui {

class SignalHistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Time = 0,
        Instrument,
        Tf,
        Side,
        Confidence,
        Entry,
        Stop,
        Tp1,
        Tp2,
        Tp3,
        RewardRisk,
        Result,
        R,
        Reasons,
        ColumnCount
    };
    using QAbstractTableModel::QAbstractTableModel;

    /// Replaces the rows (any order; shown newest first).
    void setSignals(std::vector<signal::StoredSignal> list);
    /// Inserts a new signal or updates the outcome of one already shown (same series and bar).
    void upsert(const signal::StoredSignal& s);
    const signal::StoredSignal& at(int row) const { return m_rows.at(static_cast<std::size_t>(row)); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// "open", "TP1 reached", "TP3", "stop (after TP2)", "expired" ...
    static QString outcomeText(const signal::Outcome& o);
    /// The price decimals of an instrument (its tick size's), -1 when unknown: entry, stop and
    /// targets are then shown at that precision (UX.md: never more digits than the tick has).
    void setDecimals(std::function<int(const InstrumentId&)> decimals);

private:
    std::vector<signal::StoredSignal> m_rows;  // newest first
    std::function<int(const InstrumentId&)> m_decimals;
};

class SignalsWidget : public QWidget {
    Q_OBJECT
public:
    explicit SignalsWidget(QWidget* parent = nullptr);

    SignalHistoryModel* model() const { return m_model; }
    QTableWidget* accuracyTable() const { return m_accuracy; }
    void setAccuracy(const std::map<std::string, signal::AccuracyBucket>& buckets);
    void setMessage(const QString& text);
    QTableView* table() const { return m_table; }
    /// "Trade this signal…": enabled when the selected row is a LONG/SHORT signal.
    QAction* tradeAction() const { return m_trade; }
    QPushButton* tradeButton() const { return m_tradeButton; }
    /// Asks to trade the signal in `row` (emits tradeRequested); false when the row is not one.
    bool requestTrade(int row);

Q_SIGNALS:
    /// Double-click on a signal: show its instrument.
    void instrumentActivated(const kairos::InstrumentId& id);
    /// "Trade this signal…" on this signal (a copy: the row may move when the model changes).
    void tradeRequested(const kairos::signal::StoredSignal& s);

private:
    QAction* m_trade = nullptr;
    QPushButton* m_tradeButton = nullptr;
    SignalHistoryModel* m_model;
    QTableView* m_table;
    QTableWidget* m_accuracy;
    QLabel* m_message;
};

}  // namespace kairos::ui
