#pragma once
// Item models of the Trading dock: paper positions, orders and fills (one source model per
// entity, shared/STYLE.md). They read the trading Account and follow its signals with ranged
// dataChanged / row inserts, never a reset per price tick.

#include "trading/order.h"
#include "trading/portfolio.h"

#include <QAbstractTableModel>

class QTimer;

#include <vector>

namespace kairos::trading {
class Account;
}

namespace kairos::ui {

/// Decimal as text with exactly its own scale ("0.01000"); "—" for none.
QString decimalText(const std::optional<Price>& p);
/// Money as text rounded half-to-even to `decimals` places ("-1.16"); sign kept.
QString moneyText(const Money& m, int decimals = 2);

class PositionsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Symbol, Side, Quantity, AvgEntry, Mark, Unrealized, Realized, Fees, ColumnCount };
    explicit PositionsModel(trading::Account& venue, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    const trading::Position& at(int row) const { return m_rows.at(static_cast<std::size_t>(row)); }
    /// Re-reads the open positions (rows change only when a position opens or closes). Fills
    /// refresh at once; mark-only changes at most five times a second.
    void refresh();

private:
    trading::Account& m_venue;
    std::vector<trading::Position> m_rows;
    QTimer* m_markTimer;
};

class OrdersModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Time,
        OrderNo,
        Symbol,
        Side,
        Type,
        Quantity,
        Filled,
        AvgPrice,
        Limit,
        Stop,
        StopLoss,
        TakeProfit,
        Tif,
        Status,
        Note,
        ColumnCount
    };
    explicit OrdersModel(trading::Account& venue, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    /// Newest first.
    const trading::Order& at(int row) const { return m_rows.at(static_cast<std::size_t>(row)); }
    int rowOf(trading::OrderId id) const;
    void upsert(const trading::Order& order);
    void reload();

private:
    trading::Account& m_venue;
    std::vector<trading::Order> m_rows;
};

class FillsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Symbol, Side, Quantity, Price, Fee, Liquidity, OrderNo, ColumnCount };
    explicit FillsModel(trading::Account& venue, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    /// Newest first.
    const trading::Fill& at(int row) const { return m_rows.at(static_cast<std::size_t>(row)); }
    void add(const trading::Fill& fill);
    void reload();

private:
    trading::Account& m_venue;
    std::vector<trading::Fill> m_rows;
};

}  // namespace kairos::ui
