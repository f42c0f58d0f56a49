#include "journalwidget.h"

#include "orderticketdialog.h"

#include "equitychart.h"
#include "storage/database.h"
#include "trading/account.h"
#include "trading/paperstore.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <limits>

namespace kairos::ui {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
QString utcText(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}
/// Money for display: 2 decimals (4 below one unit), never through double.
QString moneyText(const Money& m, int decimals = 2) {
    auto r = m.rescaled(std::min(decimals, std::max(m.scale(), 0)), RoundingMode::HalfEven);
    return qs(r ? r->toString() : m.toString());
}
QString durationText(std::int64_t ms) {
    const std::int64_t minutes = ms / 60000;
    if (minutes < 60) return QObject::tr("%1 min").arg(minutes);
    const std::int64_t hours = minutes / 60;
    if (hours < 48) return QObject::tr("%1 h %2 min").arg(hours).arg(minutes % 60);
    return QObject::tr("%1 d %2 h").arg(hours / 24).arg(hours % 24);
}
}  // namespace

// ---------- model ----------

void JournalTradeModel::setTrades(std::vector<trading::ClosedTrade> trades) {
    beginResetModel();
    m_rows = std::move(trades);
    std::reverse(m_rows.begin(), m_rows.end());  // newest exit first
    endResetModel();
}

int JournalTradeModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}
int JournalTradeModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant JournalTradeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const trading::ClosedTrade& t = at(index.row());
    const int c = index.column();
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (c) {
        case Account:
            return qs(t.accountName);
        case Instrument:
            return qs(t.instrument.toString());
        case Side:
            return t.isLong() ? tr("Long") : tr("Short");
        case Quantity:
            return qs(t.quantity.toTrimmedString());
        case EntryTime:
            return utcText(t.entryTimeMs);
        case EntryPrice:
            return qs(t.entryPrice.toString());
        case ExitTime:
            return utcText(t.exitTimeMs);
        case ExitPrice:
            return qs(t.exitPrice.toString());
        case Pnl:
            return moneyText(t.pnl);
        case Fees:
            return moneyText(t.fees, 4);
        case NetPnl:
            return moneyText(t.netPnl);
        case R:
            return t.rMultiple ? QLocale().toString(*t.rMultiple, 'f', 2) : QStringLiteral("—");
        case Duration:
            return durationText(t.durationMs());
        case Exit:
            return t.exitKind == "stop-loss"  ? tr("stop-loss")
                : t.exitKind == "take-profit" ? tr("take-profit")
                : t.exitKind == "booking"     ? tr("booking")
                                              : tr("order");
        case Origin:
            return qs(t.origin);
        case Tags: {
            QStringList l;
            for (const auto& g : t.tags) l << qs(g);
            return l.join(QStringLiteral(", "));
        }
        case Notes:
            return qs(t.notes);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (c == R && t.initialRisk)
            return tr("P&L %1 / initial risk %2 (stop %3)")
                .arg(moneyText(t.pnl), moneyText(*t.initialRisk), qs(t.stopLoss ? t.stopLoss->toString() : std::string()));
        if (c == R) return tr("No R: the entry had no stop-loss");
        if (c == Notes || c == Tags) return tr("Double-click to edit");
        if (c == Fees) return qs(t.fees.toString());
    }
    if (role == Qt::ForegroundRole && (c == Pnl || c == NetPnl || c == R)) {
        const double v = c == R ? t.rMultiple.value_or(0) : (c == Pnl ? t.pnl : t.netPnl).toDouble();
        if (v > 0) return QColor(0x26, 0xa6, 0x9a);
        if (v < 0) return QColor(0xef, 0x53, 0x50);
    }
    if (role == Qt::TextAlignmentRole && c >= Quantity && c <= R && c != EntryTime && c != ExitTime)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

bool JournalTradeModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !index.isValid() || (index.column() != Notes && index.column() != Tags)) return false;
    trading::ClosedTrade& t = m_rows.at(static_cast<std::size_t>(index.row()));
    std::string notes = t.notes;
    std::vector<std::string> tags = t.tags;
    if (index.column() == Notes)
        notes = value.toString().toStdString();
    else
        tags = trading::normalizeTags(value.toString().toStdString());
    if (m_annotate) {
        const QString error = m_annotate(t, notes, tags);
        if (!error.isEmpty()) {
            Q_EMIT annotationFailed(error);
            return false;
        }
    }
    t.notes = notes;
    t.tags = tags;
    Q_EMIT dataChanged(index, index);
    return true;
}

Qt::ItemFlags JournalTradeModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && (index.column() == Notes || index.column() == Tags)) f |= Qt::ItemIsEditable;
    return f;
}

QVariant JournalTradeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = {QT_TR_NOOP("Account"),   QT_TR_NOOP("Instrument"), QT_TR_NOOP("Side"),
                                        QT_TR_NOOP("Qty"),       QT_TR_NOOP("Entry time"), QT_TR_NOOP("Entry"),
                                        QT_TR_NOOP("Exit time"), QT_TR_NOOP("Exit"),       QT_TR_NOOP("P&L"),
                                        QT_TR_NOOP("Fees"),      QT_TR_NOOP("Net P&L"),    QT_TR_NOOP("R"),
                                        QT_TR_NOOP("Duration"),  QT_TR_NOOP("Closed by"),  QT_TR_NOOP("Origin"),
                                        QT_TR_NOOP("Tags"),      QT_TR_NOOP("Notes")};
    if (section < 0 || section >= ColumnCount) return {};
    return tr(names[section]);
}

// ---------- widget ----------

struct JournalWidget::Loaded {
    QString error;
    std::vector<trading::ClosedTrade> trades;  // in the period
    std::optional<trading::PerformanceReport> report;
};

JournalWidget::JournalWidget(storage::Database* db, QWidget* parent)
    : QWidget(parent), m_db(db), m_model(new JournalTradeModel(this)) {
    if (m_db) m_journal = std::make_unique<trading::TradeJournal>(*m_db);

    m_account = new QComboBox;
    m_account->setObjectName(QStringLiteral("JournalAccount"));
    m_instrument = new QLineEdit;
    m_instrument->setObjectName(QStringLiteral("JournalInstrument"));
    m_instrument->setPlaceholderText(tr("instrument, e.g. BINANCE:BTCUSDT"));
    m_instrument->setClearButtonEnabled(true);
    m_side = new QComboBox;
    m_side->setObjectName(QStringLiteral("JournalSide"));
    m_side->addItem(tr("Long and short"), 0);
    m_side->addItem(tr("Long"), static_cast<int>(Side::Buy));
    m_side->addItem(tr("Short"), static_cast<int>(Side::Sell));
    m_tag = new QLineEdit;
    m_tag->setObjectName(QStringLiteral("JournalTag"));
    m_tag->setPlaceholderText(tr("tag"));
    m_tag->setClearButtonEnabled(true);
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("JournalSearch"));
    m_search->setPlaceholderText(tr("Search origin, notes, tags, instrument…"));
    m_search->setClearButtonEnabled(true);
    m_period = new QComboBox;
    m_period->setObjectName(QStringLiteral("JournalPeriod"));
    m_period->addItems({tr("All time"), tr("Today"), tr("Last 7 days"), tr("Last 30 days"), tr("This year"), tr("Dates")});
    m_from = new QDateEdit(QDate::currentDate().addMonths(-1));
    m_from->setObjectName(QStringLiteral("JournalFrom"));
    m_to = new QDateEdit(QDate::currentDate());
    m_to->setObjectName(QStringLiteral("JournalTo"));
    for (QDateEdit* d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setEnabled(false);
        d->setToolTip(tr("UTC dates; the period ends at the end of the second date"));
    }
    m_export = new QPushButton(tr("Export CSV…"));
    m_export->setObjectName(QStringLiteral("JournalExport"));
    auto* refreshButton = new QPushButton(tr("Refresh"));
    refreshButton->setObjectName(QStringLiteral("JournalRefresh"));

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_account);
    filters->addWidget(m_instrument, 2);
    filters->addWidget(m_side);
    filters->addWidget(m_tag, 1);
    filters->addWidget(m_period);
    filters->addWidget(m_from);
    filters->addWidget(m_to);
    filters->addWidget(m_search, 3);
    filters->addWidget(refreshButton);
    filters->addWidget(m_export);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("JournalTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(JournalTradeModel::Account, 70);
    m_table->setColumnWidth(JournalTradeModel::Instrument, 125);
    m_table->setColumnWidth(JournalTradeModel::Side, 50);
    m_table->setColumnWidth(JournalTradeModel::EntryTime, 115);
    m_table->setColumnWidth(JournalTradeModel::ExitTime, 115);
    m_table->setColumnWidth(JournalTradeModel::R, 50);

    // Performance: the figures on the left, the equity curve on the right.
    auto* perf = new QWidget;
    auto* perfLayout = new QHBoxLayout(perf);
    m_figures = new QWidget;
    auto* form = new QFormLayout(m_figures);
    const std::pair<const char*, QString> figures[] = {
        {"trades", tr("Trades")},
        {"winRate", tr("Win rate")},
        {"profitFactor", tr("Profit factor")},
        {"averageWin", tr("Average win")},
        {"averageLoss", tr("Average loss")},
        {"averageR", tr("Average R")},
        {"expectancy", tr("Expectancy per trade")},
        {"netPnl", tr("Net P&&L")},
        {"fees", tr("Fees")},
        {"maxDrawdown", tr("Max drawdown")},
    };
    for (const auto& [key, label] : figures) {
        auto* v = new QLabel(QStringLiteral("—"));
        v->setObjectName(QStringLiteral("JournalFigure_") + QLatin1String(key));
        v->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(label, v);
    }
    m_chart = new charts::EquityChart;
    m_chart->setObjectName(QStringLiteral("JournalEquity"));
    perfLayout->addWidget(m_figures);
    perfLayout->addWidget(m_chart, 1);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("JournalTabs"));
    m_tabs->addTab(m_table, tr("Trades"));
    m_tabs->addTab(perf, tr("Performance"));

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("JournalStatus"));
    m_status->setEnabled(false);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(2, 2, 2, 2);
    l->addLayout(filters);
    l->addWidget(m_tabs, 1);
    l->addWidget(m_status);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(150);
    connect(m_refreshTimer, &QTimer::timeout, this, &JournalWidget::refresh);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Loaded>>::finished, this, &JournalWidget::onLoaded);
    connect(refreshButton, &QPushButton::clicked, this, &JournalWidget::refresh);
    connect(m_period, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_from->setEnabled(i == 5);
        m_to->setEnabled(i == 5);
        scheduleRefresh();
    });
    for (QComboBox* c : {m_account, m_side}) connect(c, &QComboBox::currentIndexChanged, this, &JournalWidget::scheduleRefresh);
    for (QLineEdit* e : {m_instrument, m_tag, m_search})
        connect(e, &QLineEdit::textChanged, this, &JournalWidget::scheduleRefresh);
    for (QDateEdit* d : {m_from, m_to}) connect(d, &QDateEdit::dateChanged, this, &JournalWidget::scheduleRefresh);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export the journal"), QStringLiteral("trades.csv"), tr("CSV files (*.csv)"));
        if (path.isEmpty()) return;
        const Status s = exportCsv(path);
        Q_EMIT message(s ? tr("Exported %n trade(s) to %1", nullptr, m_model->rowCount()).arg(path)
                         : tr("Export failed: %1").arg(qs(s.message())));
    });
    m_model->setAnnotator([this](const trading::ClosedTrade& t, const std::string& notes, const std::vector<std::string>& tags) {
        if (!m_journal) return tr("No profile database: notes cannot be saved.");
        const Status s = m_journal->annotate(t, notes, tags);
        return s ? QString() : qs(s.message());
    });
    connect(m_model, &JournalTradeModel::annotationFailed, this, [this](const QString& m) {
        m_status->setText(tr("Not saved: %1").arg(m));
        Q_EMIT message(tr("Journal: not saved: %1").arg(m));
    });

    if (!m_db) {
        m_status->setText(tr("The journal needs the profile database, which could not be opened."));
        setEnabled(false);
        return;
    }
    reloadAccounts();
    refresh();
}

JournalWidget::~JournalWidget() { m_watcher.waitForFinished(); }

void JournalWidget::reloadAccounts() {
    const QVariant current = m_account->currentData();
    QSignalBlocker block(m_account);
    m_account->clear();
    m_account->addItem(tr("All accounts"), QVariant());
    if (auto list = trading::PaperStore::accounts(*m_db))
        for (const auto& a : *list) m_account->addItem(qs(a.name), QVariant::fromValue<qlonglong>(a.id));
    const int i = m_account->findData(current);
    m_account->setCurrentIndex(i >= 0 ? i : 0);
}

trading::TradeFilter JournalWidget::filter() const {
    trading::TradeFilter f;
    if (m_account->currentData().isValid()) f.accountId = m_account->currentData().toLongLong();
    if (auto id = InstrumentId::parse(m_instrument->text().trimmed().toStdString());
        id && !m_instrument->text().trimmed().isEmpty())
        f.instrument = *id;
    if (m_side->currentData().toInt() != 0) f.side = static_cast<Side>(m_side->currentData().toInt());
    f.tag = m_tag->text().trimmed().toStdString();
    f.text = m_search->text().trimmed().toStdString();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDate today = now.date();
    auto dayStart = [](const QDate& d) { return QDateTime(d, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch(); };
    switch (m_period->currentIndex()) {
    case 1:
        f.fromMs = dayStart(today);
        break;
    case 2:
        f.fromMs = now.toMSecsSinceEpoch() - 7LL * 86400000;
        break;
    case 3:
        f.fromMs = now.toMSecsSinceEpoch() - 30LL * 86400000;
        break;
    case 4:
        f.fromMs = dayStart(QDate(today.year(), 1, 1));
        break;
    case 5:
        f.fromMs = dayStart(m_from->date());
        f.toMs = dayStart(m_to->date().addDays(1));
        break;
    default:
        break;
    }
    return f;
}

void JournalWidget::scheduleRefresh() {
    if (m_db) m_refreshTimer->start();
}

void JournalWidget::refresh() {
    if (!m_db) return;
    if (m_watcher.isRunning()) {
        m_again = true;
        return;
    }
    reloadAccounts();
    const trading::TradeFilter f = filter();
    const QString path = m_db->path();
    m_status->setText(tr("Reading the journal…"));
    m_watcher.setFuture(QtConcurrent::run([path, f]() -> std::shared_ptr<Loaded> {
        auto out = std::make_shared<Loaded>();
        // This thread's own read-only connection: the GUI thread's Database is not to be shared.
        auto db = storage::Database::open(path, storage::OpenMode::ReadOnly);
        if (!db) {
            out->error = qs(db.message());
            return out;
        }
        trading::TradeJournal journal(**db);
        // The report needs the trades before the period too (its starting equity).
        trading::TradeFilter all = f;
        all.fromMs.reset();
        all.toMs.reset();
        auto trades = journal.trades(all);
        if (!trades) {
            out->error = qs(trades.message());
            return out;
        }
        auto cash = journal.startingCash(f.accountId);
        if (!cash) {
            out->error = qs(cash.message());
            return out;
        }
        auto report = trading::performanceReport(*trades, *cash, f.fromMs.value_or(std::numeric_limits<std::int64_t>::min()),
                                                 f.toMs.value_or(std::numeric_limits<std::int64_t>::max()));
        if (report) {
            if (!f.fromMs && report->equityCurve.size() > 1) {  // "all time" starts at the first trade's entry
                std::int64_t first = report->equityCurve[1].timeMs;
                for (const auto& t : *trades)
                    if (trading::matches(t, f)) first = std::min(first, t.entryTimeMs);
                report->equityCurve.front().timeMs = first;
            }
            out->report = std::move(*report);
        }
        for (auto& t : *trades)
            if (trading::matches(t, f)) out->trades.push_back(std::move(t));
        return out;
    }));
}

void JournalWidget::onLoaded() {
    const std::shared_ptr<Loaded> r = m_watcher.result();
    if (!r->error.isEmpty()) {
        m_status->setText(tr("The journal could not be read: %1").arg(r->error));
        m_report.reset();
    } else {
        m_model->setTrades(std::move(r->trades));
        m_report = r->report;
        m_status->setText(tr("%n closed trade(s)", nullptr, m_model->rowCount()));
    }
    showReport();
    if (m_again) {
        m_again = false;
        refresh();
        return;
    }
    Q_EMIT loaded();
}

QLabel* JournalWidget::figure(const QString& key) const {
    return m_figures->findChild<QLabel*>(QStringLiteral("JournalFigure_") + key);
}

void JournalWidget::showReport() {
    const QString none = QStringLiteral("—");
    auto set = [this](const char* key, const QString& text) {
        if (QLabel* l = figure(QLatin1String(key))) l->setText(text);
    };
    if (!m_report) {
        for (const char* k : {"trades", "winRate", "profitFactor", "averageWin", "averageLoss", "averageR", "expectancy",
                              "netPnl", "fees", "maxDrawdown"})
            set(k, none);
        m_chart->clear();
        return;
    }
    const trading::PerformanceReport& r = *m_report;
    const QLocale loc;
    set("trades", tr("%1 (%2 won, %3 lost)").arg(r.trades).arg(r.wins).arg(r.losses));
    set("winRate", r.trades ? loc.toString(100.0 * r.winRate, 'f', 1) + QStringLiteral(" %") : none);
    set("profitFactor", r.profitFactor ? loc.toString(*r.profitFactor, 'f', 2) : none);
    set("averageWin", r.averageWin ? moneyText(*r.averageWin) : none);
    set("averageLoss", r.averageLoss ? moneyText(*r.averageLoss) : none);
    set("averageR",
        r.averageR ? tr("%1 (%n trade(s) with a stop)", nullptr, r.tradesWithR).arg(loc.toString(*r.averageR, 'f', 2)) : none);
    set("expectancy", r.expectancy ? moneyText(*r.expectancy) : none);
    set("netPnl", moneyText(r.netPnl));
    set("fees", moneyText(r.fees, 4));
    set("maxDrawdown", tr("%1 (%2 %)").arg(moneyText(r.maxDrawdown), loc.toString(100.0 * r.maxDrawdownPct, 'f', 2)));
    std::vector<std::int64_t> times;
    std::vector<double> equity;
    for (const auto& p : r.equityCurve) {
        times.push_back(p.timeMs);
        equity.push_back(p.equity.toDouble());
    }
    if (times.size() >= 2)
        m_chart->setCurves(times, equity, {});
    else
        m_chart->clear();
}

QString JournalWidget::statusText() const { return m_status->text(); }

Status JournalWidget::exportCsv(const QString& path) const {
    std::vector<trading::ClosedTrade> rows(m_model->trades().rbegin(), m_model->trades().rend());  // oldest first
    return trading::TradeJournal::exportCsv(rows, path.toStdString());
}

Status JournalWidget::annotate(int row, const QString& notes, const QString& tags) {
    if (row < 0 || row >= m_model->rowCount()) return makeError("no trade in row " + std::to_string(row));
    if (!m_model->setData(m_model->index(row, JournalTradeModel::Notes), notes, Qt::EditRole))
        return makeError(statusText().toStdString());
    if (!m_model->setData(m_model->index(row, JournalTradeModel::Tags), tags, Qt::EditRole))
        return makeError(statusText().toStdString());
    return {};
}

// ---------- Trade this signal ----------

Result<SignalPlan> signalPlan(const signal::StoredSignal& s, const Instrument& instrument) {
    if (s.signal.side == signal::Direction::Hold) return makeError("a HOLD signal has no trade");
    const Price tick = instrument.tickSize;
    if (tick.isZero() || tick.isNegative()) return makeError("no tick size known for " + instrument.id.toString());
    auto toTick = [&](double v) -> Result<Price> {
        if (!std::isfinite(v) || v <= 0) return makeError("the signal's level " + std::to_string(v) + " is not a price");
        const double ticks = std::round(v / tick.toDouble());
        if (ticks > 9e15) return makeError("the signal's level " + std::to_string(v) + " is too large");
        return Price::fromRaw(static_cast<std::int64_t>(ticks) * tick.raw(), tick.scale());
    };
    SignalPlan p;
    p.side = s.signal.side == signal::Direction::Long ? Side::Buy : Side::Sell;
    auto entry = toTick(s.signal.entry);
    if (!entry) return entry.error();
    auto stop = toTick(s.signal.stopLoss);
    if (!stop) return stop.error();
    p.entry = *entry;
    p.stopLoss = *stop;
    const int shares[3] = {50, 30, 20};
    for (int k = 0; k < 3; ++k) {
        auto tp = toTick(s.signal.takeProfits[static_cast<std::size_t>(k)]);
        if (!tp) return tp.error();
        p.takeProfits.push_back({*tp, shares[k]});
    }
    return p;
}

void recordOrigin(OrderTicketDialog& ticket, trading::Account& account, storage::Database& db, const std::string& origin) {
    // The ticket sends synchronously and then says so (orderSent): the entry it sent is the newest
    // order of its instrument, side and quantity created since the last look.
    auto lastSeen = std::make_shared<trading::OrderId>(0);
    for (const auto& o : account.orders()) *lastSeen = std::max(*lastSeen, o.id);
    QPointer<OrderTicketDialog> t(&ticket);
    QObject::connect(&ticket, &OrderTicketDialog::orderSent, &ticket, [t, &account, &db, origin, lastSeen] {
        if (!t) return;
        const auto req = t->request();
        const trading::Order* sent = nullptr;
        const auto orders = account.orders();
        trading::OrderId newest = *lastSeen;
        for (const auto& o : orders) {
            newest = std::max(newest, o.id);
            if (o.id <= *lastSeen || o.role != trading::OrderRole::Entry || o.parentId != 0) continue;
            if (req && (o.request.instrument != req->instrument || o.request.side != req->side)) continue;
            sent = &o;
        }
        *lastSeen = newest;
        if (!sent) return;
        trading::TradeJournal journal(db);
        if (const Status s = journal.setOrigin(account.info().id, *sent, origin); !s)
            qWarning("journal: %s", s.message().c_str());
    });
}

}  // namespace kairos::ui
