#include "signalswidget.h"

#include "domain/timeframe.h"

#include <QAction>
#include <QColor>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace kairos::ui {

namespace {
const QColor kUp(0x26, 0xa6, 0x9a);
const QColor kDown(0xef, 0x53, 0x50);
const QColor kNeutral(0x90, 0x90, 0x90);

QString num(double v, int decimals = -1) {
    if (v == 0) return QStringLiteral("—");
    if (decimals >= 0) {
        QLocale l;
        l.setNumberOptions(QLocale::OmitGroupSeparator);
        return l.toString(v, 'f', decimals);
    }
    // Enough digits for any quote precision without trailing noise; no group separators (narrow columns).
    QLocale l;
    l.setNumberOptions(QLocale::OmitGroupSeparator);
    return l.toString(v, 'g', v >= 1000 ? 10 : 6);
}

bool newerFirst(const signal::StoredSignal& a, const signal::StoredSignal& b) {
    if (a.signal.timeMs != b.signal.timeMs) return a.signal.timeMs > b.signal.timeMs;
    return a.id < b.id;
}
}  // namespace

QString SignalHistoryModel::outcomeText(const signal::Outcome& o) {
    using signal::Exit;
    switch (o.exit) {
    case Exit::Open:
        return o.tpReached ? tr("open, TP%1 reached").arg(o.tpReached) : tr("open");
    case Exit::TakeProfit3:
        return tr("TP3");
    case Exit::StopLoss:
        return o.tpReached ? tr("stop (after TP%1)").arg(o.tpReached) : tr("stop");
    case Exit::Expired:
        return o.tpReached ? tr("expired (TP%1 reached)").arg(o.tpReached) : tr("expired");
    }
    return {};
}

void SignalHistoryModel::setSignals(std::vector<signal::StoredSignal> list) {
    beginResetModel();
    m_rows = std::move(list);
    std::sort(m_rows.begin(), m_rows.end(), newerFirst);
    endResetModel();
}

void SignalHistoryModel::upsert(const signal::StoredSignal& s) {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        auto& r = m_rows[i];
        if (r.id == s.id && r.tf == s.tf && r.signal.barOpenMs == s.signal.barOpenMs) {
            r = s;
            Q_EMIT dataChanged(index(static_cast<int>(i), 0), index(static_cast<int>(i), ColumnCount - 1));
            return;
        }
    }
    const auto pos = std::lower_bound(m_rows.begin(), m_rows.end(), s, newerFirst);
    const int row = static_cast<int>(pos - m_rows.begin());
    beginInsertRows({}, row, row);
    m_rows.insert(pos, s);
    endInsertRows();
}

int SignalHistoryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}
int SignalHistoryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

void SignalHistoryModel::setDecimals(std::function<int(const InstrumentId&)> decimals) {
    m_decimals = std::move(decimals);
    if (!m_rows.empty()) Q_EMIT dataChanged(index(0, Entry), index(rowCount() - 1, Tp3));
}

QVariant SignalHistoryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const auto& s = m_rows[static_cast<std::size_t>(index.row())];
    const bool isLong = s.signal.side == signal::Direction::Long;
    const int c = index.column();
    if (role == Qt::DisplayRole) {
        const int decimals = (c >= Entry && c <= Tp3 && m_decimals) ? m_decimals(s.id) : -1;
        switch (c) {
        case Time:
            return QString::fromStdString(formatUtc(s.signal.timeMs)).left(16).replace(QLatin1Char('T'), QLatin1Char(' '));
        case Instrument:
            return QString::fromStdString(s.id.toString());
        case Tf:
            return QString::fromStdString(toString(s.tf));
        case Side:
            return QString::fromStdString(signal::toString(s.signal.side));
        case Confidence:
            return s.signal.confidence;
        case Entry:
            return num(s.signal.entry, decimals);
        case Stop:
            return num(s.signal.stopLoss, decimals);
        case Tp1:
            return num(s.signal.takeProfits[0], decimals);
        case Tp2:
            return num(s.signal.takeProfits[1], decimals);
        case Tp3:
            return num(s.signal.takeProfits[2], decimals);
        case RewardRisk:
            return QLocale().toString(s.signal.rewardRisk, 'f', 1);
        case Result:
            return outcomeText(s.outcome);
        case R:
            return s.outcome.exit == signal::Exit::Open ? QStringLiteral("—") : QLocale().toString(s.outcome.r, 'f', 2);
        case Reasons: {
            QStringList l;
            for (const auto& r : s.signal.reasons) l << QString::fromStdString(r);
            return l.join(QStringLiteral("; "));
        }
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole) {
        if (c == Side) return isLong ? kUp : kDown;
        if (c == Result || c == R) {
            if (s.outcome.exit == signal::Exit::Open) return kNeutral;
            return s.outcome.r > 0 ? kUp : s.outcome.r < 0 ? kDown : kNeutral;
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole && c >= Confidence && c <= R && c != Result)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && c == Reasons) return data(index, Qt::DisplayRole);
    return {};
}

QVariant SignalHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {QT_TR_NOOP("Time (UTC)"), QT_TR_NOOP("Instrument"), QT_TR_NOOP("TF"),   QT_TR_NOOP("Side"),
                                  QT_TR_NOOP("Conf."),      QT_TR_NOOP("Entry"),      QT_TR_NOOP("Stop"), QT_TR_NOOP("TP1"),
                                  QT_TR_NOOP("TP2"),        QT_TR_NOOP("TP3"),        QT_TR_NOOP("R:R"),  QT_TR_NOOP("Outcome"),
                                  QT_TR_NOOP("R"),          QT_TR_NOOP("Reasons")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

SignalsWidget::SignalsWidget(QWidget* parent) : QWidget(parent), m_model(new SignalHistoryModel(this)) {
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("SignalHistoryTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(SignalHistoryModel::Time, 120);
    m_table->setColumnWidth(SignalHistoryModel::Instrument, 130);
    for (int c = SignalHistoryModel::Tf; c <= SignalHistoryModel::R; ++c) {
        const bool price = c >= SignalHistoryModel::Entry && c <= SignalHistoryModel::Tp3;
        m_table->setColumnWidth(c, c == SignalHistoryModel::Result ? 130 : price ? 88 : 50);
    }
    connect(m_table, &QTableView::doubleClicked, this,
            [this](const QModelIndex& i) { Q_EMIT instrumentActivated(m_model->at(i.row()).id); });

    m_accuracy = new QTableWidget(0, 4);
    m_accuracy->setObjectName(QStringLiteral("SignalAccuracyTable"));
    m_accuracy->setHorizontalHeaderLabels({tr("Group"), tr("Resolved"), tr("Win rate"), tr("Avg R")});
    m_accuracy->horizontalHeaderItem(2)->setToolTip(tr("Share of resolved signals that reached TP1 before the stop"));
    m_accuracy->verticalHeader()->hide();
    m_accuracy->verticalHeader()->setDefaultSectionSize(22);
    m_accuracy->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_accuracy->horizontalHeader()->setStretchLastSection(true);
    m_accuracy->setColumnWidth(0, 170);
    m_accuracy->setColumnWidth(1, 70);
    m_accuracy->setColumnWidth(2, 70);

    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("SignalsMessage"));
    m_message->setEnabled(false);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    split->addWidget(m_accuracy);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    // Trade this signal: context menu, the button, Enter (double-click stays "show the instrument").
    m_trade = new QAction(tr("Trade this signal…"), this);
    m_trade->setObjectName(QStringLiteral("TradeSignalAction"));
    m_trade->setToolTip(tr("Open the order ticket with this signal's side, entry, stop-loss and take-profits as a bracket"));
    m_trade->setShortcut(QKeySequence(Qt::Key_Return));
    m_trade->setShortcutContext(Qt::WidgetShortcut);
    m_trade->setEnabled(false);
    m_table->addAction(m_trade);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_trade, &QAction::triggered, this, [this] {
        const QModelIndex i = m_table->currentIndex();
        if (i.isValid()) requestTrade(i.row());
    });
    m_tradeButton = new QPushButton(tr("Trade this signal…"));
    m_tradeButton->setObjectName(QStringLiteral("TradeSignalButton"));
    m_tradeButton->setToolTip(m_trade->toolTip());
    m_tradeButton->setEnabled(false);
    connect(m_tradeButton, &QPushButton::clicked, m_trade, &QAction::trigger);
    auto updateTrade = [this] {
        const QModelIndex i = m_table->currentIndex();
        const bool ok = i.isValid() && m_model->at(i.row()).signal.side != signal::Direction::Hold;
        m_trade->setEnabled(ok);
        m_tradeButton->setEnabled(ok);
    };
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, updateTrade);
    connect(m_model, &QAbstractItemModel::modelReset, this, updateTrade);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(2, 2, 2, 2);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_tradeButton);
    bar->addStretch(1);
    l->addLayout(bar);
    l->addWidget(split);
    l->addWidget(m_message);
}

bool SignalsWidget::requestTrade(int row) {
    if (row < 0 || row >= m_model->rowCount()) return false;
    const signal::StoredSignal s = m_model->at(row);  // a copy: the slot may change the model
    if (s.signal.side == signal::Direction::Hold) return false;
    Q_EMIT tradeRequested(s);
    return true;
}

void SignalsWidget::setAccuracy(const std::map<std::string, signal::AccuracyBucket>& buckets) {
    // "all" first, then sides, instruments, timeframes and confidence bands (the map's order).
    std::vector<std::pair<std::string, signal::AccuracyBucket>> rows(buckets.begin(), buckets.end());
    std::stable_partition(rows.begin(), rows.end(), [](const auto& r) { return r.first == "all"; });
    m_accuracy->setRowCount(static_cast<int>(rows.size()));
    const QLocale loc;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const auto& [key, b] = rows[static_cast<std::size_t>(i)];
        auto* k = new QTableWidgetItem(QString::fromStdString(key));
        auto* n = new QTableWidgetItem(QString::number(b.count));
        auto* w = new QTableWidgetItem(b.count ? loc.toString(100.0 * b.winRate(), 'f', 1) + QStringLiteral(" %")
                                               : QStringLiteral("—"));
        auto* r = new QTableWidgetItem(b.count ? loc.toString(b.averageR(), 'f', 2) : QStringLiteral("—"));
        for (auto* it : {n, w, r}) it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_accuracy->setItem(i, 0, k);
        m_accuracy->setItem(i, 1, n);
        m_accuracy->setItem(i, 2, w);
        m_accuracy->setItem(i, 3, r);
    }
}

void SignalsWidget::setMessage(const QString& text) { m_message->setText(text); }

}  // namespace kairos::ui
