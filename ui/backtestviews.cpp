#include "backtestviews.h"

#include <qcustomplot.h>
#include <QDateTime>
#include <QHeaderView>
#include <QLocale>
#include <QTableWidget>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace kairos::ui {

namespace {
const QColor kProfit(0x26, 0xa6, 0x9a);
const QColor kLoss(0xef, 0x53, 0x50);

QString money(const Money& m) { return QLocale().toString(m.toDouble(), 'f', 2); }

QString ratio(double v) {
    if (std::isnan(v)) return QStringLiteral("—");
    if (std::isinf(v)) return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    return QLocale().toString(v, 'f', 2);
}

QString exact(double v) { return QString::number(v, 'g', 17); }

QVariant pnlColour(double v) {
    if (v > 0) return kProfit;
    if (v < 0) return kLoss;
    return {};
}

/// Green for good, red for bad, by how far `t` (0..1, 1 best) is from the middle; light enough
/// for dark text in both themes.
QColor heat(double t) {
    t = std::clamp(t, 0.0, 1.0);
    const QColor bad(0xef, 0x9a, 0x9a);
    const QColor mid(0xee, 0xee, 0xee);
    const QColor good(0x80, 0xcb, 0xc4);
    const QColor& a = t < 0.5 ? bad : mid;
    const QColor& b = t < 0.5 ? mid : good;
    const double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * u),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * u),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * u));
}

QTableWidgetItem* cell(const QString& text, const QVariant& exactValue = {}) {
    auto* item = new QTableWidgetItem(text);
    item->setData(Qt::UserRole, exactValue.isValid() ? exactValue : QVariant(text));
    return item;
}

/// The trial metrics shown after the parameters and the objective.
struct TrialColumn {
    const char* header;
    double (*value)(const backtest::Trial&);
};
const std::vector<TrialColumn>& trialColumns() {
    static const std::vector<TrialColumn> cols = {
        {"net_profit", [](const backtest::Trial& t) { return t.metrics.netProfit.toDouble(); }},
        {"total_return_pct", [](const backtest::Trial& t) { return t.metrics.totalReturnPct; }},
        {"sharpe", [](const backtest::Trial& t) { return t.metrics.sharpe; }},
        {"max_drawdown_pct", [](const backtest::Trial& t) { return t.metrics.maxDrawdownPct; }},
        {"win_rate_pct", [](const backtest::Trial& t) { return t.metrics.winRatePct; }},
        {"profit_factor", [](const backtest::Trial& t) { return t.metrics.profitFactor; }},
        {"trades", [](const backtest::Trial& t) { return static_cast<double>(t.closedTrades); }},
    };
    return cols;
}
}  // namespace

QString localTime(std::int64_t ms) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString localDate(std::int64_t ms) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().date(), QStringLiteral("yyyy-MM-dd"));
}

QString signedPercent(double v) {
    if (std::isnan(v)) return QStringLiteral("—");
    if (!std::isfinite(v)) return v > 0 ? QStringLiteral("+∞ %") : QStringLiteral("−∞ %");
    const QString s = QLocale().toString(std::abs(v), 'f', 2);
    return (v > 0 ? QStringLiteral("+") : v < 0 ? QStringLiteral("−") : QString()) + s + QStringLiteral(" %");
}

// ---------------------------------------------------------------------------------------------
// Trades

void BacktestTradesModel::setTrades(std::vector<backtest::TradeRecord> trades) {
    beginResetModel();  // a new run replaces everything at once
    m_trades = std::move(trades);
    endResetModel();
}

int BacktestTradesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_trades.size());
}

int BacktestTradesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant BacktestTradesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case EntryTime:
        return tr("Entry");
    case ExitTime:
        return tr("Exit");
    case SideCol:
        return tr("Side");
    case Quantity:
        return tr("Quantity");
    case EntryPrice:
        return tr("Entry price");
    case ExitPrice:
        return tr("Exit price");
    case NetPnl:
        return tr("Net P&L");
    case Fees:
        return tr("Fees");
    case ExitReasonCol:
        return tr("Exit reason");
    case BarsHeld:
        return tr("Bars");
    default:
        return {};
    }
}

QVariant BacktestTradesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const backtest::TradeRecord& t = at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case EntryTime:
            return localTime(t.entryTimeMs);
        case ExitTime:
            return localTime(t.exitTimeMs);
        case SideCol:
            return QString::fromStdString(backtest::toString(t.side));
        case Quantity:
            return QString::fromStdString(t.quantity.toTrimmedString());
        case EntryPrice:
            return QString::fromStdString(t.entryPrice.toTrimmedString());
        case ExitPrice:
            return QString::fromStdString(t.exitPrice.toTrimmedString());
        case NetPnl:
            return money(t.netPnl);
        case Fees:
            return money(t.fees);
        case ExitReasonCol:
            return QString::fromStdString(backtest::toString(t.exitReason));
        case BarsHeld:
            return t.barsHeld;
        default:
            return {};
        }
    }
    if (role == Qt::UserRole) {  // exact, machine-readable
        switch (index.column()) {
        case EntryTime:
            return QString::fromStdString(formatUtc(t.entryTimeMs));
        case ExitTime:
            return QString::fromStdString(formatUtc(t.exitTimeMs));
        case NetPnl:
            return QString::fromStdString(t.netPnl.toTrimmedString());
        case Fees:
            return QString::fromStdString(t.fees.toTrimmedString());
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == NetPnl) return pnlColour(t.netPnl.toDouble());
    if (role == Qt::ForegroundRole && index.column() == SideCol) return t.side == backtest::PositionSide::Long ? kProfit : kLoss;
    if (role == Qt::TextAlignmentRole && index.column() >= Quantity && index.column() <= Fees)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) return tr("Double-click to show this trade on the chart");
    return {};
}

// ---------------------------------------------------------------------------------------------
// Trials

void BacktestTrialsModel::setResult(std::vector<std::string> axisNames, std::string objective,
                                    std::vector<backtest::Trial> trials) {
    beginResetModel();
    m_axes = std::move(axisNames);
    m_objective = std::move(objective);
    m_trials = std::move(trials);
    endResetModel();
}

int BacktestTrialsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_trials.size());
}

int BacktestTrialsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || m_axes.empty() ? 0 : static_cast<int>(m_axes.size() + 1 + trialColumns().size());
}

QVariant BacktestTrialsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section + 1;  // the rank
    const auto axes = static_cast<int>(m_axes.size());
    if (section < axes) return QString::fromStdString(m_axes[static_cast<std::size_t>(section)]);
    if (section == axes) return tr("%1 (objective)").arg(QString::fromStdString(m_objective));
    const auto k = static_cast<std::size_t>(section - axes - 1);
    if (k < trialColumns().size()) return QString::fromLatin1(trialColumns()[k].header);
    return {};
}

QVariant BacktestTrialsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const backtest::Trial& t = at(index.row());
    const auto axes = static_cast<int>(m_axes.size());
    double v = 0;
    if (index.column() < axes)
        v = t.values[static_cast<std::size_t>(index.column())];
    else if (index.column() == axes)
        v = t.score;
    else
        v = trialColumns()[static_cast<std::size_t>(index.column() - axes - 1)].value(t);
    if (role == Qt::DisplayRole) return index.column() < axes ? QString::number(v, 'g', 10) : ratio(v);
    if (role == Qt::UserRole) return exact(v);
    if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && !t.qualified) return QColor(Qt::gray);
    if (role == Qt::ToolTipRole && !t.qualified) return tr("Too few trades or no objective value: ranked last");
    return {};
}

// ---------------------------------------------------------------------------------------------
// Tables

void fillSummary(QTableWidget* table, const backtest::BacktestResult& r) {
    const backtest::Metrics& m = r.metrics;
    struct Row {
        const char* key;
        QString label;
        QString value;
        QString exactValue;
        QVariant colour;
        QString tip;
    };
    auto tr = [](const char* s) { return QTableWidget::tr(s); };
    const QString annualised = tr("Annualised with %1 bars a year (the bars per year in this data), risk-free rate 0")
                                   .arg(QLocale().toString(m.periodsPerYear, 'f', 0));
    auto pct = [](double v) -> QString { return QLocale().toString(v, 'f', 2) + QStringLiteral(" %"); };
    auto moneyRow = [](const char* key, const QString& label, const Money& v, QVariant colour = {}, QString tip = {}) {
        return Row{key, label, money(v), QString::fromStdString(v.toTrimmedString()), std::move(colour), std::move(tip)};
    };
    auto realRow = [](const char* key, const QString& label, const QString& shown, double v, QVariant colour = {},
                      QString tip = {}) { return Row{key, label, shown, exact(v), std::move(colour), std::move(tip)}; };
    auto intRow = [](const char* key, const QString& label, std::int64_t v, QString tip = {}) {
        return Row{key, label, QLocale().toString(static_cast<qlonglong>(v)), QString::number(v), {}, std::move(tip)};
    };
    QString open = tr("none");
    QString openExact = QStringLiteral("null");
    if (r.openPosition) {
        const auto& p = *r.openPosition;
        open = QStringLiteral("%1 %2 @ %3")
                   .arg(QString::fromStdString(backtest::toString(p.side)), QString::fromStdString(p.quantity.toTrimmedString()),
                        QString::fromStdString(p.entryPrice.toTrimmedString()));
        openExact = open;
    }
    const std::vector<Row> rows = {
        Row{"strategy", tr("Strategy"), QString::fromStdString(r.strategyName), {}, {}, {}},
        Row{"period",
            tr("Period"),
            QStringLiteral("%1 → %2").arg(localDate(m.startMs), localDate(m.endMs)),
            QString::fromStdString(formatUtc(m.startMs) + "/" + formatUtc(m.endMs)),
            {},
            {}},
        intRow("bars", tr("Bars"), m.bars),
        moneyRow("initial_capital", tr("Initial capital"), m.initialCapital),
        moneyRow("final_equity", tr("Final equity"), m.finalEquity, {}, tr("Cash plus any open position at the last close")),
        moneyRow("final_cash", tr("Final cash"), r.finalCash),
        moneyRow("net_profit", tr("Net profit"), m.netProfit, pnlColour(m.netProfit.toDouble()),
                 tr("Final equity minus starting capital, after fees")),
        realRow("total_return_pct", tr("Total return"), signedPercent(m.totalReturnPct), m.totalReturnPct,
                pnlColour(m.totalReturnPct)),
        realRow("cagr_pct", tr("CAGR"), signedPercent(m.cagrPct), m.cagrPct, pnlColour(m.cagrPct),
                tr("Compound annual growth over the tested period")),
        realRow("annual_volatility_pct", tr("Annual volatility"), pct(m.annualVolatilityPct), m.annualVolatilityPct, {},
                annualised),
        realRow("sharpe", tr("Sharpe"), ratio(m.sharpe), m.sharpe, {}, annualised),
        realRow("sortino", tr("Sortino"), ratio(m.sortino), m.sortino, {}, annualised),
        realRow("calmar", tr("Calmar"), ratio(m.calmar), m.calmar, {}, tr("CAGR % over max drawdown %")),
        moneyRow("max_drawdown", tr("Max drawdown"), m.maxDrawdown, m.maxDrawdown.isZero() ? QVariant() : QVariant(kLoss),
                 m.maxDrawdown.isZero() ? QString()
                                        : tr("From the peak at %1 to the low at %2")
                                              .arg(localTime(m.maxDrawdownPeakMs), localTime(m.maxDrawdownTroughMs))),
        realRow("max_drawdown_pct", tr("Max drawdown %"), signedPercent(-m.maxDrawdownPct), m.maxDrawdownPct,
                m.maxDrawdown.isZero() ? QVariant() : QVariant(kLoss)),
        Row{"max_drawdown_period",
            tr("Drawdown period"),
            m.maxDrawdown.isZero()
                ? tr("—")
                : QStringLiteral("%1 → %2").arg(localDate(m.maxDrawdownPeakMs), localDate(m.maxDrawdownTroughMs)),
            m.maxDrawdown.isZero()
                ? QStringLiteral("null")
                : QString::fromStdString(formatUtc(m.maxDrawdownPeakMs) + "/" + formatUtc(m.maxDrawdownTroughMs)),
            {},
            {}},
        intRow("max_drawdown_duration_bars", tr("Longest drawdown (bars)"), m.maxDrawdownDurationBars,
               tr("Longest time below a running peak")),
        realRow("max_drawdown_duration_days", tr("Longest drawdown (days)"),
                QLocale().toString(static_cast<double>(m.maxDrawdownDurationMs) / 86400000.0, 'f', 1),
                static_cast<double>(m.maxDrawdownDurationMs) / 86400000.0),
        Row{"trades",
            tr("Trades"),
            tr("%1 (%2 won, %3 lost)").arg(m.trades).arg(m.wins).arg(m.losses),
            QString::number(m.trades),
            {},
            {}},
        intRow("wins", tr("Wins"), m.wins),
        intRow("losses", tr("Losses"), m.losses),
        realRow("win_rate_pct", tr("Win rate"), pct(m.winRatePct), m.winRatePct),
        realRow("profit_factor", tr("Profit factor"), m.trades ? ratio(m.profitFactor) : tr("—"), m.profitFactor, {},
                tr("Winners' net P&L over losers'")),
        realRow("expectancy", tr("Expectancy"), QLocale().toString(m.expectancy, 'f', 2), m.expectancy, pnlColour(m.expectancy),
                tr("Average net P&L per trade")),
        realRow("average_win", tr("Average win"), QLocale().toString(m.averageWin, 'f', 2), m.averageWin,
                pnlColour(m.averageWin)),
        realRow("average_loss", tr("Average loss"), QLocale().toString(m.averageLoss, 'f', 2), m.averageLoss,
                pnlColour(m.averageLoss)),
        realRow("average_r", tr("Average R"), m.tradesWithR > 0 ? ratio(m.averageR) : tr("— (no stops)"),
                m.tradesWithR > 0 ? m.averageR : std::numeric_limits<double>::quiet_NaN(), {},
                QTableWidget::tr("Mean net P&L over the initial risk, over %n trade(s) with a stop", nullptr, m.tradesWithR)),
        intRow("longest_win_streak", tr("Longest winning streak"), m.longestWinStreak),
        intRow("longest_loss_streak", tr("Longest losing streak"), m.longestLossStreak),
        moneyRow("gross_profit", tr("Gross profit"), m.grossProfit, pnlColour(m.grossProfit.toDouble())),
        moneyRow("gross_loss", tr("Gross loss"), m.grossLoss, pnlColour(m.grossLoss.toDouble())),
        moneyRow("total_fees", tr("Fees paid"), m.totalFees),
        realRow("exposure_pct", tr("Exposure"), pct(m.exposurePct), m.exposurePct, {},
                tr("Share of bars that closed with a position open")),
        realRow("buy_hold_return_pct", tr("Buy & hold"), signedPercent(m.buyHoldReturnPct), m.buyHoldReturnPct,
                pnlColour(m.buyHoldReturnPct), tr("First bar's open to last bar's close, no fees")),
        realRow("excess_return_pct", tr("Excess over buy & hold"), signedPercent(m.excessReturnPct), m.excessReturnPct,
                pnlColour(m.excessReturnPct)),
        intRow("rejected_orders", tr("Rejected orders"), r.rejectedOrders),
        Row{"open_position", tr("Open position"), open, openExact, {}, tr("Kept open at the end (At end: keep)")},
    };
    table->setRowCount(static_cast<int>(rows.size()));
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const Row& row = rows[static_cast<std::size_t>(i)];
        auto* name = new QTableWidgetItem(row.label);
        name->setData(kMetricKeyRole, QString::fromLatin1(row.key));
        auto* value = cell(row.value, row.exactValue.isEmpty() ? row.value : row.exactValue);
        value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (row.colour.isValid()) value->setForeground(row.colour.value<QColor>());
        if (!row.tip.isEmpty()) {
            name->setToolTip(row.tip);
            value->setToolTip(row.tip);
        }
        table->setItem(i, 0, name);
        table->setItem(i, 1, value);
    }
}

void fillMonthly(QTableWidget* table, const backtest::Metrics& m) {
    QStringList header;
    for (int month = 1; month <= 12; ++month) header << QLocale().standaloneMonthName(month, QLocale::ShortFormat);
    header << QTableWidget::tr("Year");
    table->clear();
    table->setColumnCount(13);
    table->setHorizontalHeaderLabels(header);
    table->setRowCount(static_cast<int>(m.yearlyReturns.size()));
    std::map<int, int> rowOfYear;
    QStringList years;
    for (const backtest::PeriodReturn& y : m.yearlyReturns) {
        rowOfYear[y.year] = static_cast<int>(years.size());
        years << QString::number(y.year);
    }
    table->setVerticalHeaderLabels(years);
    double extreme = 0;
    for (const auto& p : m.monthlyReturns) extreme = std::max(extreme, std::abs(p.returnPct));
    auto put = [&](const backtest::PeriodReturn& p, int column) {
        auto it = rowOfYear.find(p.year);
        if (it == rowOfYear.end()) return;
        auto* item = cell(signedPercent(p.returnPct), exact(p.returnPct));
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (column < 12 && extreme > 0) {
            item->setBackground(heat(0.5 + p.returnPct / extreme / 2));
            item->setForeground(QColor(Qt::black));
        } else if (const QVariant c = pnlColour(p.returnPct); c.isValid()) {
            item->setForeground(c.value<QColor>());
        }
        table->setItem(it->second, column, item);
    };
    for (const auto& p : m.monthlyReturns) put(p, p.month - 1);
    for (const auto& p : m.yearlyReturns) put(p, 12);
    table->resizeColumnsToContents();
}

void fillHeatmap(QTableWidget* table, const std::vector<backtest::ParamAxis>& axes, const std::vector<backtest::Trial>& trials,
                 std::size_t xAxis, std::size_t yAxis, bool minimise) {
    table->clear();
    if (xAxis >= axes.size() || yAxis >= axes.size() || xAxis == yAxis) {
        table->setRowCount(0);
        table->setColumnCount(0);
        return;
    }
    const backtest::ParamAxis& xa = axes[xAxis];
    const backtest::ParamAxis& ya = axes[yAxis];
    table->setColumnCount(static_cast<int>(xa.values.size()));
    table->setRowCount(static_cast<int>(ya.values.size()));
    QStringList xs, ys;
    for (const std::string& t : xa.texts) xs << QString::fromStdString(t);
    for (const std::string& t : ya.texts) ys << QString::fromStdString(t);
    table->setHorizontalHeaderLabels(xs);
    table->setVerticalHeaderLabels(ys);
    // The best trial per cell (trials are ranked best first, so the first one seen wins).
    std::vector<int> best(xa.values.size() * ya.values.size(), -1);
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t i = 0; i < trials.size(); ++i) {
        const backtest::Trial& t = trials[i];
        if (t.choice.size() != axes.size()) continue;
        const std::size_t k = t.choice[yAxis] * xa.values.size() + t.choice[xAxis];
        if (best[k] < 0) best[k] = static_cast<int>(i);
        if (std::isfinite(t.score)) {
            lo = std::min(lo, t.score);
            hi = std::max(hi, t.score);
        }
    }
    for (int row = 0; row < table->rowCount(); ++row) {
        for (int col = 0; col < table->columnCount(); ++col) {
            const int i = best[static_cast<std::size_t>(row) * xa.values.size() + static_cast<std::size_t>(col)];
            auto* item = new QTableWidgetItem;
            item->setData(Qt::UserRole, i);
            item->setTextAlignment(Qt::AlignCenter);
            if (i < 0) {
                item->setText(QStringLiteral("·"));
                item->setToolTip(QTableWidget::tr("Not run (refused by the strategy, or not drawn)"));
            } else {
                const backtest::Trial& t = trials[static_cast<std::size_t>(i)];
                item->setText(ratio(t.score));
                if (std::isfinite(t.score) && hi > lo) {
                    const double u = (t.score - lo) / (hi - lo);
                    item->setBackground(heat(minimise ? 1 - u : u));
                    item->setForeground(QColor(Qt::black));
                }
                QStringList params;
                for (const auto& [k, v] : t.params) params << QStringLiteral("%1=%2").arg(QString::fromStdString(k)).arg(v);
                item->setToolTip(QTableWidget::tr("%1 · %n trade(s) · click to run it", nullptr, t.closedTrades)
                                     .arg(params.join(QLatin1Char(' '))));
            }
            table->setItem(row, col, item);
        }
    }
    table->resizeColumnsToContents();
}

void fillWalkForward(QTableWidget* table, const backtest::WalkForwardResult& r, const std::vector<std::string>& axisNames) {
    table->clear();
    table->setColumnCount(7);
    table->setHorizontalHeaderLabels({QTableWidget::tr("In-sample"), QTableWidget::tr("Out-of-sample"),
                                      QTableWidget::tr("Chosen"), QTableWidget::tr("IS objective"),
                                      QTableWidget::tr("OOS objective"), QTableWidget::tr("OOS return"),
                                      QTableWidget::tr("OOS trades")});
    table->setRowCount(static_cast<int>(r.windows.size()));
    for (int i = 0; i < static_cast<int>(r.windows.size()); ++i) {
        const backtest::WalkForwardWindow& w = r.windows[static_cast<std::size_t>(i)];
        QStringList chosen;
        for (const std::string& n : axisNames)
            if (auto it = w.chosen.find(n); it != w.chosen.end())
                chosen << QStringLiteral("%1=%2").arg(QString::fromStdString(n)).arg(it->second);
        const double ret = w.out ? w.out->metrics.totalReturnPct : std::numeric_limits<double>::quiet_NaN();
        const int trades = w.out ? w.out->metrics.trades : 0;
        table->setItem(i, 0, cell(QStringLiteral("%1 → %2").arg(localDate(w.range.inStartMs), localDate(w.range.inEndMs - 1))));
        table->setItem(i, 1, cell(QStringLiteral("%1 → %2").arg(localDate(w.range.outStartMs), localDate(w.range.outEndMs - 1))));
        table->setItem(i, 2, cell(chosen.join(QLatin1Char(' '))));
        table->setItem(i, 3, cell(ratio(w.inScore), exact(w.inScore)));
        table->setItem(i, 4, cell(ratio(w.outScore), exact(w.outScore)));
        auto* retItem = cell(signedPercent(ret), exact(ret));
        if (const QVariant c = pnlColour(ret); c.isValid()) retItem->setForeground(c.value<QColor>());
        table->setItem(i, 5, retItem);
        table->setItem(i, 6, cell(QString::number(trades)));
    }
    table->resizeColumnsToContents();
}

void plotMonteCarlo(QCustomPlot* plot, const backtest::MonteCarloResult& r, double capital) {
    plot->clearGraphs();
    QVector<double> x, p5, p50, p95;
    for (const backtest::BandPoint& b : r.bands) {
        x << static_cast<double>(b.trade);
        p5 << b.p5;
        p50 << b.p50;
        p95 << b.p95;
    }
    QCPGraph* low = plot->addGraph();
    low->setName(QStringLiteral("5 %"));
    low->setData(x, p5, true);
    low->setPen(QPen(kLoss));
    QCPGraph* high = plot->addGraph();
    high->setName(QStringLiteral("95 %"));
    high->setData(x, p95, true);
    high->setPen(QPen(kProfit));
    high->setBrush(QColor(0x90, 0xa4, 0xae, 60));
    high->setChannelFillGraph(low);
    QCPGraph* mid = plot->addGraph();
    mid->setName(QStringLiteral("50 %"));
    mid->setData(x, p50, true);
    mid->setPen(QPen(QColor(0x42, 0x85, 0xf4), 2));
    QCPGraph* start = plot->addGraph();
    start->setName(QObject::tr("capital"));
    start->setData({0, x.isEmpty() ? 1.0 : x.back()}, {capital, capital});
    start->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    plot->xAxis->setLabel(QObject::tr("trades"));
    plot->yAxis->setLabel(QObject::tr("equity"));
    plot->legend->setVisible(true);
    plot->rescaleAxes();
    plot->replot();
}

std::string trialsCsv(const BacktestTrialsModel& model) {
    std::string out;
    for (int c = 0; c < model.columnCount(); ++c) {
        if (c) out += ",";
        const auto axes = static_cast<int>(model.axisNames().size());
        out += c < axes ? model.axisNames()[static_cast<std::size_t>(c)]
                        : (c == axes ? std::string("objective") : trialColumns()[static_cast<std::size_t>(c - axes - 1)].header);
    }
    out += "\n";
    for (int r = 0; r < model.rowCount(); ++r) {
        for (int c = 0; c < model.columnCount(); ++c) {
            if (c) out += ",";
            out += model.index(r, c).data(Qt::UserRole).toString().toStdString();
        }
        out += "\n";
    }
    return out;
}

}  // namespace kairos::ui
