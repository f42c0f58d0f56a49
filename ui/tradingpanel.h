#pragma once
// TradingPanel: the bottom "Trading" dock — the paper account's summary (cash, equity, P&L,
// fees) and tabs Positions / Orders / Fills, with Close position and Cancel order.

#include "domain/instrument.h"

#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace kairos::trading {
class Account;
}

namespace kairos::ui {

class FillsModel;
class OrdersModel;
class PositionsModel;

class TradingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TradingPanel(trading::Account& venue, QWidget* parent = nullptr);

    /// Asks the user to confirm `text` (closing a position); default: a Yes/No message box.
    void setConfirmer(std::function<bool(const QString&)> confirmer) { m_confirm = std::move(confirmer); }

    PositionsModel* positions() const { return m_positions; }
    OrdersModel* orders() const { return m_orders; }
    FillsModel* fills() const { return m_fills; }
    QTableView* positionsView() const { return m_positionsView; }
    QTableView* ordersView() const { return m_ordersView; }
    QTableView* fillsView() const { return m_fillsView; }
    QTabWidget* tabs() const { return m_tabs; }
    QLabel* summaryLabel() const { return m_summary; }
    /// The last message shown (errors included).
    QString statusText() const;

    /// Closes the selected position at market (after confirmation); false when nothing was sent.
    bool closeSelectedPosition();
    /// Cancels the selected order when it is open; false otherwise.
    bool cancelSelectedOrder();
    /// Deletes every paper order and fill and starts again with `startingCash` (a decimal, in the
    /// account currency), after confirmation. False with the reason shown when not done.
    bool resetAccount(const QString& startingCash);

Q_SIGNALS:
    /// "New order" from the panel, with the selected position's instrument when there is one.
    void newOrderRequested(const kairos::InstrumentId& id);
    /// A line for the status bar ("Closed long 0.01 BTCUSDT ...").
    void message(const QString& text);

private:
    void updateSummary();
    void updateButtons();
    void say(const QString& text, bool error = false);

    trading::Account& m_venue;
    std::function<bool(const QString&)> m_confirm;
    PositionsModel* m_positions;
    OrdersModel* m_orders;
    FillsModel* m_fills;
    QTabWidget* m_tabs;
    QTableView* m_positionsView;
    QTableView* m_ordersView;
    QTableView* m_fillsView;
    QLabel* m_summary;
    QLabel* m_status;
    QPushButton* m_close;
    QPushButton* m_cancel;
    QTimer* m_summaryTimer;
};

}  // namespace kairos::ui
