#include "tradingmodels.h"

#include "trading/account.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QTimer>

#include <algorithm>

namespace kairos::ui {

namespace {
const QColor kProfit(QStringLiteral("#26a69a"));
const QColor kLoss(QStringLiteral("#ef5350"));

QString timeText(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}
QString text(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
QString sideText(Side s) { return s == Side::Buy ? QObject::tr("Buy") : QObject::tr("Sell"); }
QVariant pnlColour(const Money& m) {
    if (m.isZero()) return {};
    return QBrush(m.isNegative() ? kLoss : kProfit);
}
}  // namespace

QString decimalText(const std::optional<Price>& p) { return p ? QString::fromStdString(p->toString()) : QStringLiteral("—"); }

QString moneyText(const Money& m, int decimals) {
    auto r = m.rescaled(decimals, RoundingMode::HalfEven);
    return QString::fromStdString(r ? r->toString() : m.toString());
}

// ---- Positions ----

PositionsModel::PositionsModel(trading::Account& venue, QObject* parent) : QAbstractTableModel(parent), m_venue(venue) {
    m_markTimer = new QTimer(this);
    m_markTimer->setSingleShot(true);
    m_markTimer->setInterval(200);
    connect(m_markTimer, &QTimer::timeout, this, &PositionsModel::refresh);
    connect(&venue, &trading::Account::portfolioChanged, this, &PositionsModel::refresh);
    connect(&venue, &trading::Account::marksChanged, m_markTimer, [this] {
        if (!m_markTimer->isActive()) m_markTimer->start();
    });
    refresh();
}

void PositionsModel::refresh() {
    std::vector<trading::Position> next = m_venue.portfolio().openPositions();
    const bool sameRows = next.size() == m_rows.size() &&
        std::equal(next.begin(), next.end(), m_rows.begin(),
                   [](const trading::Position& a, const trading::Position& b) { return a.instrument == b.instrument; });
    if (!sameRows) {
        beginResetModel();
        m_rows = std::move(next);
        endResetModel();
        return;
    }
    m_rows = std::move(next);
    if (!m_rows.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int PositionsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }
int PositionsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PositionsModel::data(const QModelIndex& idx, int role) const {
    if (!idx.isValid() || idx.row() >= rowCount() || idx.column() >= ColumnCount) return {};
    const trading::Position& p = at(idx.row());
    const int ms = m_venue.portfolio().moneyScale();
    const Money upnl = p.unrealizedPnl(ms);
    const int priceScale = p.markPrice ? p.markPrice->scale() : 2;
    if (role == Qt::DisplayRole) {
        switch (idx.column()) {
        case Symbol:
            return QString::fromStdString(p.instrument.toString());
        case Side:
            return p.isLong() ? tr("Long") : tr("Short");
        case Quantity:
            return QString::fromStdString((p.isLong() ? p.quantity : p.quantity.negated()).toString());
        case AvgEntry:
            return QString::fromStdString(p.averageEntry(priceScale).toString());
        case Mark:
            return decimalText(p.markPrice);
        case Unrealized:
            return moneyText(upnl);
        case Realized:
            return moneyText(p.realizedPnl);
        case Fees:
            return QString::fromStdString(p.feesPaid.toTrimmedString());
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole) {
        if (idx.column() == Unrealized) return pnlColour(upnl);
        if (idx.column() == Realized) return pnlColour(p.realizedPnl);
    }
    if (role == Qt::TextAlignmentRole && idx.column() >= Quantity) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant PositionsModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Symbol:
        return tr("Symbol");
    case Side:
        return tr("Side");
    case Quantity:
        return tr("Quantity");
    case AvgEntry:
        return tr("Avg entry");
    case Mark:
        return tr("Mark");
    case Unrealized:
        return tr("Unrealized P&L");
    case Realized:
        return tr("Realized P&L");
    case Fees:
        return tr("Fees");
    default:
        return {};
    }
}

// ---- Orders ----

OrdersModel::OrdersModel(trading::Account& venue, QObject* parent) : QAbstractTableModel(parent), m_venue(venue) {
    connect(&venue, &trading::Account::orderUpdated, this, &OrdersModel::upsert);
    connect(&venue, &trading::Account::accountReset, this, &OrdersModel::reload);
    reload();
}

void OrdersModel::reload() {
    beginResetModel();
    m_rows = m_venue.orders();
    std::reverse(m_rows.begin(), m_rows.end());
    endResetModel();
}

int OrdersModel::rowOf(trading::OrderId id) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id) return static_cast<int>(i);
    return -1;
}

void OrdersModel::upsert(const trading::Order& order) {
    if (order.id == 0) return;  // refused before reaching the venue's book
    const int row = rowOf(order.id);
    if (row >= 0) {
        m_rows[static_cast<std::size_t>(row)] = order;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_rows.insert(m_rows.begin(), order);
    endInsertRows();
}

int OrdersModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }
int OrdersModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant OrdersModel::data(const QModelIndex& idx, int role) const {
    if (!idx.isValid() || idx.row() >= rowCount() || idx.column() >= ColumnCount) return {};
    const trading::Order& o = at(idx.row());
    if (role == Qt::DisplayRole) {
        switch (idx.column()) {
        case Time:
            return timeText(o.createdMs);
        case OrderNo:
            return QString::fromStdString(o.request.clientOrderId);
        case Symbol:
            return QString::fromStdString(o.request.instrument.toString());
        case Side:
            return sideText(o.request.side);
        case Type: {
            QString t = text(toString(o.request.type));
            if (o.role != trading::OrderRole::Entry) t += QStringLiteral(" (") + text(toString(o.role)) + QLatin1Char(')');
            return t;
        }
        case Quantity:
            return QString::fromStdString(o.request.quantity.toString());
        case Filled:
            return QString::fromStdString(o.filledQuantity.toString());
        case AvgPrice: {
            if (o.filledQuantity.isZero()) return QStringLiteral("—");
            const int scale = o.request.limitPrice ? o.request.limitPrice->scale() : 2;
            return QString::fromStdString(o.averageFillPrice(std::max(scale, 2)).toString());
        }
        case Limit:
            return decimalText(o.request.limitPrice);
        case Stop:
            return decimalText(o.request.stopPrice);
        case StopLoss:
            return decimalText(o.request.bracket.stopLoss);
        case TakeProfit:
            return decimalText(o.request.bracket.takeProfit);
        case Tif:
            return text(toString(o.request.timeInForce));
        case Status: {
            QString s = text(toString(o.status));
            if (o.triggered && o.isOpen()) s += tr(" (triggered)");
            return s;
        }
        case Note:
            return QString::fromStdString(o.rejectReason);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && idx.column() == Note && !o.rejectReason.empty()) return QString::fromStdString(o.rejectReason);
    if (role == Qt::ForegroundRole && idx.column() == Side) return QBrush(o.request.side == kairos::Side::Buy ? kProfit : kLoss);
    return {};
}

QVariant OrdersModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Time:
        return tr("Time");
    case OrderNo:
        return tr("Order");
    case Symbol:
        return tr("Symbol");
    case Side:
        return tr("Side");
    case Type:
        return tr("Type");
    case Quantity:
        return tr("Quantity");
    case Filled:
        return tr("Filled");
    case AvgPrice:
        return tr("Avg price");
    case Limit:
        return tr("Limit");
    case Stop:
        return tr("Stop");
    case StopLoss:
        return tr("Stop-loss");
    case TakeProfit:
        return tr("Take-profit");
    case Tif:
        return tr("TIF");
    case Status:
        return tr("Status");
    case Note:
        return tr("Reason");
    default:
        return {};
    }
}

// ---- Fills ----

FillsModel::FillsModel(trading::Account& venue, QObject* parent) : QAbstractTableModel(parent), m_venue(venue) {
    connect(&venue, &trading::Account::filled, this, &FillsModel::add);
    connect(&venue, &trading::Account::accountReset, this, &FillsModel::reload);
    reload();
}

void FillsModel::reload() {
    beginResetModel();
    m_rows.assign(m_venue.fills().rbegin(), m_venue.fills().rend());
    endResetModel();
}

void FillsModel::add(const trading::Fill& fill) {
    beginInsertRows({}, 0, 0);
    m_rows.insert(m_rows.begin(), fill);
    endInsertRows();
}

int FillsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }
int FillsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant FillsModel::data(const QModelIndex& idx, int role) const {
    if (!idx.isValid() || idx.row() >= rowCount() || idx.column() >= ColumnCount) return {};
    const trading::Fill& f = at(idx.row());
    if (role == Qt::DisplayRole) {
        switch (idx.column()) {
        case Time:
            return timeText(f.timeMs);
        case Symbol:
            return QString::fromStdString(f.instrument.toString());
        case Side:
            return sideText(f.side);
        case Quantity:
            return QString::fromStdString(f.quantity.toString());
        case Price:
            return QString::fromStdString(f.price.toString());
        case Fee:
            return QString::fromStdString(f.fee.toTrimmedString());
        case Liquidity:
            return text(toString(f.liquidity));
        case OrderNo:
            return QString::fromStdString(f.clientOrderId);
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && idx.column() == Side) return QBrush(f.side == kairos::Side::Buy ? kProfit : kLoss);
    return {};
}

QVariant FillsModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Symbol:
        return tr("Symbol");
    case Side:
        return tr("Side");
    case Quantity:
        return tr("Quantity");
    case Price:
        return tr("Price");
    case Fee:
        return tr("Fee");
    case Liquidity:
        return tr("Liquidity");
    case OrderNo:
        return tr("Order");
    default:
        return {};
    }
}

}  // namespace kairos::ui
