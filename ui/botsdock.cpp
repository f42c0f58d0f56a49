#include "botsdock.h"

#include "bots/botmanager.h"
#include "session/tradingaccounts.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kairos::ui {

namespace {

const QColor kProfit(0x26, 0xa6, 0x9a);
const QColor kLoss(0xef, 0x53, 0x50);
const QColor kNeutral(0x9e, 0x9e, 0x9e);

QString q(const std::string& s) { return QString::fromStdString(s); }

int sign(const Money& m) { return m.isZero() ? 0 : (m.isNegative() ? -1 : 1); }

QString signedMoney(const Money& m) {
    const QString t = q(m.toTrimmedString());
    return m.isNegative() || m.isZero() ? t : QStringLiteral("+") + t;
}

QString stateText(bots::BotState s) {
    switch (s) {
    case bots::BotState::Running:
        return BotsModel::tr("Running");
    case bots::BotState::Paused:
        return BotsModel::tr("Paused");
    case bots::BotState::Error:
        return BotsModel::tr("Error");
    case bots::BotState::Stopped:
        break;
    }
    return BotsModel::tr("Stopped");
}

QString utc(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

}  // namespace

// ---- model -------------------------------------------------------------------------------------

BotsModel::BotsModel(bots::BotManager& manager, session::TradingAccounts& accounts, QObject* parent)
    : QAbstractTableModel(parent), m_manager(manager), m_accounts(accounts) {
    reload();
    connect(&manager, &bots::BotManager::botsChanged, this, &BotsModel::reload);
    connect(&manager, &bots::BotManager::botChanged, this, [this](qint64 id) { refresh(id); });
    // Accounts opening or closing change what can be shown (positions, labels).
    connect(&accounts, &session::TradingAccounts::accountsChanged, this, &BotsModel::reload);
    connect(&accounts, &session::TradingAccounts::accountOpened, this, &BotsModel::reload);
}

int BotsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }
int BotsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const bots::BotConfig* BotsModel::botAt(int row) const {
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? &m_rows[static_cast<std::size_t>(row)].config : nullptr;
}

int BotsModel::rowOf(std::int64_t id) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].config.id == id) return static_cast<int>(i);
    return -1;
}

BotsModel::Row BotsModel::makeRow(const bots::BotConfig& c) const {
    Row r;
    r.config = c;
    const bots::BotStatus s = m_manager.status(c);
    const auto info = m_accounts.info(c.accountId);
    QStringList positions;
    for (const auto& leg : s.legs) positions << q(leg.position.toTrimmedString());
    QStringList symbols;
    for (const auto& sym : c.symbols) symbols << q(sym);
    r.cells =
        QStringList{q(c.name),
                    QString(stateText(c.state) +
                            (c.state == bots::BotState::Running && !s.running ? tr(" (waiting for its account)") : QString())),
                    info ? session::accountLabel(*info) : tr("account %1 (removed)").arg(c.accountId),
                    QString(symbols.join(QStringLiteral(", ")) + QStringLiteral(" · ") + q(toString(c.timeframe))),
                    q(bots::strategyLabel(c)),
                    s.accountOpen ? positions.join(QStringLiteral(", ")) : tr("—"),
                    s.accountOpen ? QString::number(s.openOrders) : tr("—"),
                    s.accountOpen ? signedMoney(s.todayPnl) : tr("—"),
                    s.accountOpen ? signedMoney(s.totalPnl) : tr("—"),
                    QString::number(s.trades),
                    s.lastSignal.empty() ? QString() : QString(q(s.lastSignal) + QStringLiteral(" @ ") + utc(s.lastSignalMs)),
                    q(c.lastError)};
    r.pnlSign = s.accountOpen ? sign(s.totalPnl) : 0;
    r.todaySign = s.accountOpen ? sign(s.todayPnl) : 0;
    return r;
}

void BotsModel::reload() {
    beginResetModel();
    m_rows.clear();
    m_problem.clear();
    auto list = m_manager.bots();
    if (!list) {
        m_problem = q(list.message());
    } else {
        for (const auto& c : *list) m_rows.push_back(makeRow(c));
    }
    endResetModel();
}

void BotsModel::refresh(std::int64_t id) {
    const int row = rowOf(id);
    if (row < 0) return;  // an unsaved bot (kairos-cli), or one this model has not read yet
    auto got = m_manager.store().get(id);
    if (!got || !*got) {
        reload();
        return;
    }
    m_rows[static_cast<std::size_t>(row)] = makeRow(**got);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

QVariant BotsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size())) return {};
    const Row& r = m_rows[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (role == Qt::ToolTipRole && index.column() == Today) return tr("Net P&L of the trades it closed today (UTC)");
        if (role == Qt::ToolTipRole && index.column() == Total)
            return tr("Net P&L of every fill of its orders, with its position at the last price");
        return r.cells.value(index.column());
    }
    if (role == Qt::ForegroundRole) {
        const int s = index.column() == Total ? r.pnlSign : index.column() == Today ? r.todaySign : 2;
        if (s == 1) return kProfit;
        if (s == -1) return kLoss;
        if (s == 0) return kNeutral;
        if (index.column() == State && r.config.state == bots::BotState::Error) return kLoss;
        if (index.column() == Account && r.cells.value(Account).startsWith(QStringLiteral("LIVE"))) return kLoss;
    }
    if (role == Qt::TextAlignmentRole && index.column() >= Position && index.column() <= Trades)
        return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant BotsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const kHeaders[] = {"Bot",         "State", "Account",   "Symbols", "Strategy",    "Position",
                                           "Open orders", "Today", "Total P&L", "Trades",  "Last signal", "Last error"};
    return section >= 0 && section < ColumnCount ? tr(kHeaders[section]) : QVariant();
}

// ---- create / edit dialog ---------------------------------------------------------------------

BotDialog::BotDialog(session::TradingAccounts& accounts, const bots::BotConfig& initial, QWidget* parent)
    : QDialog(parent), m_accounts(accounts), m_initial(initial) {
    setObjectName(QStringLiteral("BotDialog"));
    setWindowTitle(initial.id > 0 ? tr("Edit bot") : tr("New bot"));
    m_name = new QLineEdit(q(initial.name));
    m_name->setObjectName(QStringLiteral("BotName"));
    m_strategy = new QComboBox;
    m_strategy->setObjectName(QStringLiteral("BotStrategy"));
    for (const auto& info : backtest::builtinStrategies()) m_strategy->addItem(q(info.name + " — " + info.summary), q(info.name));
    m_strategy->addItem(tr("formula — entry/exit/stop/target formulas"), QStringLiteral("formula"));
    const QString current = initial.strategyKind == bots::StrategyKind::Formula ? QStringLiteral("formula") : q(initial.strategy);
    m_strategy->setCurrentIndex(std::max(0, m_strategy->findData(current)));
    m_paramBox = new QWidget;
    m_paramForm = new QFormLayout(m_paramBox);
    m_paramForm->setContentsMargins(0, 0, 0, 0);
    m_formulaBox = new QWidget;
    auto* ff = new QFormLayout(m_formulaBox);
    ff->setContentsMargins(0, 0, 0, 0);
    m_entry = new QLineEdit(q(initial.formula.entry));
    m_entry->setObjectName(QStringLiteral("BotFormulaEntry"));
    m_exit = new QLineEdit(q(initial.formula.exit));
    m_stop = new QLineEdit(q(initial.formula.stop));
    m_target = new QLineEdit(q(initial.formula.target));
    m_short = new QCheckBox(tr("Short entries"));
    m_short->setChecked(initial.formula.shortEntries);
    ff->addRow(tr("Entry"), m_entry);
    ff->addRow(tr("Exit"), m_exit);
    ff->addRow(tr("Stop"), m_stop);
    ff->addRow(tr("Target"), m_target);
    ff->addRow(QString(), m_short);
    QStringList symbols;
    for (const auto& s : initial.symbols) symbols << q(s);
    m_symbols = new QLineEdit(symbols.join(QStringLiteral(", ")));
    m_symbols->setObjectName(QStringLiteral("BotSymbols"));
    m_symbols->setPlaceholderText(QStringLiteral("BTCUSDT, ETHUSDT"));
    m_timeframe = new QComboBox;
    m_timeframe->setObjectName(QStringLiteral("BotTimeframe"));
    for (Timeframe tf : kAllTimeframes) m_timeframe->addItem(q(toString(tf)), q(toString(tf)));
    m_timeframe->setCurrentIndex(std::max(0, m_timeframe->findData(q(toString(initial.timeframe)))));
    m_account = new QComboBox;
    m_account->setObjectName(QStringLiteral("BotAccount"));
    for (const trading::AccountInfo& info : accounts.accounts())
        m_account->addItem(session::accountLabel(info), QVariant::fromValue<qlonglong>(info.id));
    m_account->setCurrentIndex(std::max(0, m_account->findData(QVariant::fromValue<qlonglong>(initial.accountId))));
    m_sizingKind = new QComboBox;
    m_sizingKind->setObjectName(QStringLiteral("BotSizingKind"));
    m_sizingKind->addItem(tr("% of equity"), QStringLiteral("percent_equity"));
    m_sizingKind->addItem(tr("Fixed quantity"), QStringLiteral("quantity"));
    m_sizingKind->addItem(tr("Fixed amount (quote)"), QStringLiteral("notional"));
    m_sizingKind->addItem(tr("Risk % per trade (needs a stop)"), QStringLiteral("risk_per_trade"));
    const auto [kind, value] = bots::formatSizing(initial.sizing);
    m_sizingKind->setCurrentIndex(std::max(0, m_sizingKind->findData(q(kind))));
    m_sizingValue = new QLineEdit(q(value));
    m_sizingValue->setObjectName(QStringLiteral("BotSizingValue"));
    m_flatten = new QCheckBox(tr("Flatten on stop (cancel its orders, close its position)"));
    m_flatten->setObjectName(QStringLiteral("BotFlatten"));
    m_flatten->setChecked(initial.flattenOnStop);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("BotDialogError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #ef5350;"));

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Strategy"), m_strategy);
    form->addRow(QString(), m_paramBox);
    form->addRow(QString(), m_formulaBox);
    form->addRow(tr("Symbols"), m_symbols);
    form->addRow(tr("Timeframe"), m_timeframe);
    form->addRow(tr("Account"), m_account);
    auto* sizing = new QHBoxLayout;
    sizing->addWidget(m_sizingKind);
    sizing->addWidget(m_sizingValue);
    form->addRow(tr("Size"), sizing);
    form->addRow(QString(), m_flatten);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &BotDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &BotDialog::rebuildParams);
    rebuildParams();
}

void BotDialog::rebuildParams() {
    while (m_paramForm->rowCount() > 0) m_paramForm->removeRow(0);
    const QString name = m_strategy->currentData().toString();
    m_formulaBox->setVisible(name == QStringLiteral("formula"));
    const backtest::StrategyInfo* info = backtest::findBuiltin(name.toStdString());
    m_paramBox->setVisible(info && !info->params.empty());
    if (!info) return;
    for (const backtest::ParamSpec& p : info->params) {
        auto* box = new QDoubleSpinBox;
        box->setObjectName(QStringLiteral("BotParam_") + q(p.name));
        box->setDecimals(p.integer ? 0 : 2);
        box->setRange(p.min, p.max);
        const bool same = m_initial.strategyKind == bots::StrategyKind::Builtin && m_initial.strategy == info->name;
        const auto it = m_initial.params.find(p.name);
        box->setValue(same && it != m_initial.params.end() ? it->second : p.defaultValue);
        box->setToolTip(q(backtest::describe(p) + (p.help.empty() ? "" : ": " + p.help)));
        m_paramForm->addRow(q(p.name), box);
    }
}

bots::BotConfig BotDialog::config() const {
    bots::BotConfig c = m_initial;
    c.name = m_name->text().trimmed().toStdString();
    const QString strategy = m_strategy->currentData().toString();
    c.params.clear();
    if (strategy == QStringLiteral("formula")) {
        c.strategyKind = bots::StrategyKind::Formula;
        c.strategy = "formula";
        c.formula = {m_entry->text().trimmed().toStdString(), m_exit->text().trimmed().toStdString(),
                     m_stop->text().trimmed().toStdString(), m_target->text().trimmed().toStdString(), m_short->isChecked()};
    } else {
        c.strategyKind = bots::StrategyKind::Builtin;
        c.strategy = strategy.toStdString();
        for (auto* box : m_paramBox->findChildren<QDoubleSpinBox*>())
            c.params[box->objectName().mid(QStringLiteral("BotParam_").size()).toStdString()] = box->value();
    }
    c.symbols.clear();
    for (const QString& s : m_symbols->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!s.trimmed().isEmpty()) c.symbols.push_back(s.trimmed().toUpper().toStdString());
    if (auto tf = parseTimeframe(m_timeframe->currentData().toString().toStdString())) c.timeframe = *tf;
    c.accountId = m_account->currentData().toLongLong();
    if (auto s = bots::parseSizing(m_sizingKind->currentData().toString().toStdString(),
                                   m_sizingValue->text().trimmed().toStdString()))
        c.sizing = *s;
    c.flattenOnStop = m_flatten->isChecked();
    return c;
}

void BotDialog::accept() {
    auto sizing =
        bots::parseSizing(m_sizingKind->currentData().toString().toStdString(), m_sizingValue->text().trimmed().toStdString());
    if (!sizing) {
        m_error->setText(q(sizing.message()));
        return;
    }
    if (auto v = bots::validate(config()); !v) {
        m_error->setText(q(v.message()));
        return;
    }
    m_error->clear();
    QDialog::accept();
}

// ---- log -----------------------------------------------------------------------------------------

BotLogDialog::BotLogDialog(bots::BotManager& manager, std::int64_t botId, QWidget* parent)
    : QDialog(parent), m_manager(manager), m_id(botId) {
    setObjectName(QStringLiteral("BotLogDialog"));
    auto got = manager.store().get(botId);
    setWindowTitle(tr("Bot log — %1").arg(got && *got ? q((*got)->name) : QString::number(botId)));
    m_table = new QTableWidget(0, 5);
    m_table->setObjectName(QStringLiteral("BotLogTable"));
    m_table->setHorizontalHeaderLabels({tr("Time"), tr("Bar"), tr("What"), tr("Symbol"), tr("Detail")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(900, 420);
    connect(&manager, &bots::BotManager::logAppended, this, [this](qint64 id) {
        if (id == m_id) reload();
    });
    reload();
}

void BotLogDialog::reload() {
    auto lines = m_manager.store().log(m_id, 2000);
    if (!lines) {
        m_table->setRowCount(1);
        m_table->setItem(0, 4, new QTableWidgetItem(tr("Cannot read the log: %1").arg(q(lines.message()))));
        return;
    }
    m_table->setRowCount(static_cast<int>(lines->size()));
    int row = 0;
    for (const bots::BotLogEntry& e : *lines) {
        const QString cells[] = {utc(e.timeMs), e.barMs ? utc(*e.barMs) : QString(), q(std::string(bots::toString(e.kind))),
                                 q(e.symbol), q(e.text)};
        for (int c = 0; c < 5; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (e.kind == bots::BotLogKind::Rejected || e.kind == bots::BotLogKind::Error) item->setForeground(kLoss);
            m_table->setItem(row, c, item);
        }
        ++row;
    }
    m_table->resizeColumnsToContents();
    m_table->scrollToBottom();
}

// ---- dock ----------------------------------------------------------------------------------------

BotsDock::BotsDock(bots::BotManager& manager, session::TradingAccounts& accounts, QWidget* parent)
    : QWidget(parent), m_manager(manager), m_accounts(accounts) {
    setObjectName(QStringLiteral("BotsDockContents"));
    m_model = new BotsModel(manager, accounts, this);
    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("BotsTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    auto button = [](const QString& name, const QString& text, const QString& tip) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        return b;
    };
    m_new = button(QStringLiteral("BotNew"), tr("New…"), tr("Create a bot"));
    m_edit = button(QStringLiteral("BotEdit"), tr("Edit…"), tr("Change a stopped bot"));
    m_delete = button(QStringLiteral("BotDelete"), tr("Delete"), tr("Delete a stopped bot and its log"));
    m_start = button(QStringLiteral("BotStart"), tr("Start"), tr("Start the bot, or resume it after a pause"));
    m_pause = button(QStringLiteral("BotPause"), tr("Pause"), tr("No new entries; its orders and position stay managed"));
    m_stop = button(QStringLiteral("BotStop"), tr("Stop"), tr("Stop the bot (flattening its own position if it is set to)"));
    m_log = button(QStringLiteral("BotLog"), tr("Log…"), tr("Every decision with its bar and reason, every fill"));
    auto* bar = new QHBoxLayout;
    for (QPushButton* b : {m_new, m_edit, m_delete, m_start, m_pause, m_stop, m_log}) bar->addWidget(b);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_new, &QPushButton::clicked, this, &BotsDock::createBot);
    connect(m_edit, &QPushButton::clicked, this, &BotsDock::editSelected);
    connect(m_delete, &QPushButton::clicked, this, &BotsDock::deleteSelected);
    connect(m_start, &QPushButton::clicked, this, &BotsDock::startSelected);
    connect(m_pause, &QPushButton::clicked, this, &BotsDock::pauseSelected);
    connect(m_stop, &QPushButton::clicked, this, &BotsDock::stopSelected);
    connect(m_log, &QPushButton::clicked, this, [this] {
        if (auto id = selectedId()) openLog(*id);
    });
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
        if (const auto* c = m_model->botAt(i.row())) openLog(c->id);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &BotsDock::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &BotsDock::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &BotsDock::updateButtons);
    updateButtons();
}

QPushButton* BotsDock::button(const QString& objectName) const { return findChild<QPushButton*>(objectName); }

std::optional<std::int64_t> BotsDock::selectedId() const {
    const QModelIndexList rows = m_view->selectionModel() ? m_view->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty()) return std::nullopt;
    const auto* c = m_model->botAt(rows.first().row());
    return c ? std::optional<std::int64_t>(c->id) : std::nullopt;
}

void BotsDock::updateButtons() {
    const auto id = selectedId();
    const int row = id ? m_model->rowOf(*id) : -1;
    const bots::BotConfig* c = m_model->botAt(row);
    const bool running = c && m_manager.isRunning(c->id);
    const bool paused = c && c->state == bots::BotState::Paused;
    m_edit->setEnabled(c && !running);
    m_delete->setEnabled(c && !running);
    m_start->setEnabled(c && (!running || paused));
    m_start->setText(paused && running ? tr("Resume") : tr("Start"));
    m_pause->setEnabled(running && !paused);
    m_stop->setEnabled(c && (running || c->state != bots::BotState::Stopped));
    m_log->setEnabled(c != nullptr);
}

void BotsDock::openDialogFor(const bots::BotConfig& config, bool isNew) {
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    m_dialog = new BotDialog(m_accounts, config, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::finished, this, [this] { m_dialog = nullptr; });
    connect(m_dialog, &QDialog::accepted, this, [this, isNew, d = m_dialog] {
        const bots::BotConfig c = d->config();
        if (isNew) {
            auto id = m_manager.create(c);
            if (!id) {
                Q_EMIT message(tr("The bot was not saved: %1").arg(q(id.message())));
                return;
            }
            const int row = m_model->rowOf(*id);
            if (row >= 0) m_view->selectRow(row);
        } else if (auto st = m_manager.update(c); !st) {
            Q_EMIT message(tr("The bot was not saved: %1").arg(q(st.message())));
        }
    });
    m_dialog->show();
}

void BotsDock::createBot() {
    bots::BotConfig c;
    c.name = tr("Bot %1").arg(m_model->rowCount() + 1).toStdString();
    c.symbols = {"BTCUSDT"};
    const auto accounts = m_accounts.accounts();
    c.accountId = m_accounts.activeId() > 0 ? m_accounts.activeId() : (accounts.empty() ? 1 : accounts.front().id);
    openDialogFor(c, true);
}

void BotsDock::createPrefilled(const QString& strategy, const QVariantMap& params, const QString& symbol,
                               const QString& timeframe) {
    bots::BotConfig c;
    if (strategy == QStringLiteral("formula")) {
        c.strategyKind = bots::StrategyKind::Formula;
        c.strategy = "formula";
        c.formula.entry = params.value(QStringLiteral("entry")).toString().toStdString();
        c.formula.exit = params.value(QStringLiteral("exit")).toString().toStdString();
        c.formula.stop = params.value(QStringLiteral("stop")).toString().toStdString();
        c.formula.target = params.value(QStringLiteral("target")).toString().toStdString();
        c.formula.shortEntries = params.value(QStringLiteral("short")).toBool();
    } else {
        c.strategy = strategy.toStdString();
        for (auto it = params.begin(); it != params.end(); ++it) {
            bool ok = false;
            const double v = it.value().toDouble(&ok);
            if (ok) c.params[it.key().toStdString()] = v;
        }
    }
    c.symbols = {symbol.trimmed().toUpper().toStdString()};
    if (auto tf = parseTimeframe(timeframe.toStdString())) c.timeframe = *tf;
    c.name = QString(strategy + QStringLiteral(" ") + symbol.trimmed().toUpper() + QStringLiteral(" ") + timeframe +
                     QStringLiteral(" (paper)"))
                 .toStdString();
    for (const trading::AccountInfo& info : m_accounts.accounts())
        if (info.kind == trading::AccountKind::Paper) {
            c.accountId = info.id;
            break;
        }
    if (m_dialog) m_dialog->close();
    openDialogFor(c, true);
}

void BotsDock::editSelected() {
    const auto id = selectedId();
    if (!id) return;
    auto got = m_manager.store().get(*id);
    if (!got || !*got) {
        Q_EMIT message(tr("Cannot edit the bot: %1").arg(got ? tr("it is gone") : q(got.message())));
        return;
    }
    openDialogFor(**got, false);
}

void BotsDock::deleteSelected() {
    const auto id = selectedId();
    if (!id) return;
    const bots::BotConfig* c = m_model->botAt(m_model->rowOf(*id));
    if (QMessageBox::question(this, tr("Delete bot"),
                              tr("Delete bot %1 and its log? Its orders and position stay on the account.")
                                  .arg(c ? q(c->name) : QString::number(*id))) != QMessageBox::Yes)
        return;
    if (auto st = m_manager.remove(*id); !st) Q_EMIT message(tr("The bot was not deleted: %1").arg(q(st.message())));
}

void BotsDock::startSelected() {
    const auto id = selectedId();
    if (!id) return;
    const bots::BotConfig* c = m_model->botAt(m_model->rowOf(*id));
    if (c && !m_manager.isRunning(*id)) {
        const auto info = m_accounts.info(c->accountId);
        if (info && info->kind == trading::AccountKind::Live &&
            QMessageBox::warning(
                this, tr("Start bot"),
                tr("Bot %1 trades %2 — REAL MONEY. Its every order goes through the account's risk limits. Start it?")
                    .arg(q(c->name), session::accountLabel(*info)),
                QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
            return;
    }
    if (auto st = m_manager.start(*id); !st) Q_EMIT message(tr("The bot did not start: %1").arg(q(st.message())));
    updateButtons();
}

void BotsDock::pauseSelected() {
    if (const auto id = selectedId())
        if (auto st = m_manager.pause(*id); !st) Q_EMIT message(tr("The bot was not paused: %1").arg(q(st.message())));
    updateButtons();
}

void BotsDock::stopSelected() {
    if (const auto id = selectedId())
        if (auto st = m_manager.stop(*id); !st) Q_EMIT message(tr("The bot was not stopped: %1").arg(q(st.message())));
    updateButtons();
}

BotLogDialog* BotsDock::openLog(std::int64_t id) {
    for (auto* d : findChildren<BotLogDialog*>())
        if (d->property("botId").toLongLong() == id) {
            d->raise();
            return d;
        }
    auto* d = new BotLogDialog(m_manager, id, this);
    d->setProperty("botId", QVariant::fromValue<qlonglong>(id));
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->show();
    return d;
}

}  // namespace kairos::ui
