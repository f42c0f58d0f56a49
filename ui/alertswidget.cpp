#include "alertswidget.h"

#include "alerts/deliveryqueue.h"

#include "alertcenter.h"

#include "cloud/cloudclient.h"

#include <QCheckBox>
#include <QColor>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace kairos::ui {

using alerts::AlertEvent;
using alerts::AlertRule;

namespace {
const QColor kFired(0x26, 0xa6, 0x9a);
const QColor kNeutral(0x90, 0x90, 0x90);

/// Local time with the zone shown (UX.md: times in the user's zone, zone visible).
QString localTime(std::int64_t ms) {
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + t.timeZoneAbbreviation();
}
}  // namespace

// ---- rules ------------------------------------------------------------------------------------

void AlertRulesModel::setRules(std::vector<AlertRule> rules) {
    beginResetModel();
    m_rules = std::move(rules);
    endResetModel();
}

int AlertRulesModel::rowOf(std::int64_t id) const {
    for (std::size_t i = 0; i < m_rules.size(); ++i)
        if (m_rules[i].id == id) return static_cast<int>(i);
    return -1;
}

int AlertRulesModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rules.size()); }
int AlertRulesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString AlertRulesModel::triggerText(const AlertRule& r) {
    switch (r.trigger) {
    case alerts::Trigger::Once:
        return tr("only once");
    case alerts::Trigger::OncePerBar:
        return tr("once per %1 bar").arg(QString::fromStdString(toString(r.timeframe)));
    case alerts::Trigger::EveryTime:
        return r.cooldownMs > 0 ? tr("every time (cooldown %1 s)").arg(r.cooldownMs / 1000) : tr("every time");
    }
    return {};
}

QVariant AlertRulesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const AlertRule& r = m_rules[static_cast<std::size_t>(index.row())];
    if (role == Qt::CheckStateRole && index.column() == Active) return r.enabled ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::ForegroundRole && !r.enabled) return kNeutral;
    if (role == Qt::UserRole) return QVariant::fromValue<qint64>(r.id);
    if (role == Qt::ToolTipRole && index.column() == Active)
        return r.enabled ? tr("Active: click to switch it off")
                         : tr("Off (fired once, expired or switched off): click to switch it on");
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Active:
        return r.enabled ? tr("on") : tr("off");
    case Symbol:
        return r.watchlistId > 0 ? tr("watchlist %1").arg(r.watchlistId) : QString::fromStdString(r.instrument.toString());
    case Condition:
        return QString::fromStdString(alerts::describe(r));
    case Trigger:
        return triggerText(r);
    case Expires:
        return r.expiresAtMs > 0 ? localTime(r.expiresAtMs) : tr("never");
    case Message:
        return QString::fromStdString(r.note);
    case LastFired:
        return r.lastFiredMs ? localTime(r.lastFiredMs) : tr("not yet");
    case Count:
        return QVariant::fromValue<qint64>(r.fireCount);
    default:
        return {};
    }
}

bool AlertRulesModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || index.column() != Active || role != Qt::CheckStateRole) return false;
    const AlertRule& r = m_rules[static_cast<std::size_t>(index.row())];
    Q_EMIT enabledToggled(r.id, value.toInt() == Qt::Checked);
    return true;  // the center's rulesChanged refreshes the row
}

Qt::ItemFlags AlertRulesModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Active) f |= Qt::ItemIsUserCheckable;
    return f;
}

QVariant AlertRulesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Active:
        return tr("Active");
    case Symbol:
        return tr("Symbol");
    case Condition:
        return tr("Condition");
    case Trigger:
        return tr("Trigger");
    case Expires:
        return tr("Expires");
    case Message:
        return tr("Message");
    case LastFired:
        return tr("Last fired");
    case Count:
        return tr("Fired");
    default:
        return {};
    }
}

// ---- log --------------------------------------------------------------------------------------

void AlertLogModel::rebuild() {
    m_events.clear();
    m_isServer.clear();
    m_rowDeliveries.clear();
    std::size_t l = 0;
    std::size_t s = 0;
    // Both lists are newest first; merged by market time (a tie shows the terminal's first).
    while (l < m_local.size() || s < m_server.size()) {
        const bool takeServer = l == m_local.size() || (s < m_server.size() && m_server[s].timeMs > m_local[l].timeMs);
        m_rowDeliveries.push_back(takeServer && s < m_serverDeliveries.size() ? m_serverDeliveries[s] : QStringList());
        m_events.push_back(takeServer ? m_server[s++] : m_local[l++]);
        m_isServer.push_back(takeServer);
    }
}

void AlertLogModel::setEvents(std::vector<AlertEvent> events) {
    beginResetModel();
    m_local = std::move(events);
    rebuild();
    endResetModel();
}

void AlertLogModel::setServerEvents(std::vector<AlertEvent> events) { setServerEvents(std::move(events), {}); }

void AlertLogModel::setServerEvents(std::vector<AlertEvent> events, std::vector<QStringList> deliveries) {
    beginResetModel();
    deliveries.resize(events.size());
    std::vector<std::size_t> order(events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return events[a].timeMs > events[b].timeMs; });
    m_server.clear();
    m_serverDeliveries.clear();
    for (std::size_t i : order) {
        m_server.push_back(std::move(events[i]));
        m_serverDeliveries.push_back(std::move(deliveries[i]));
    }
    rebuild();
    endResetModel();
}

bool AlertLogModel::isServerRow(int row) const {
    return row >= 0 && static_cast<std::size_t>(row) < m_isServer.size() && m_isServer[static_cast<std::size_t>(row)];
}

void AlertLogModel::prepend(const AlertEvent& e) {
    m_local.insert(m_local.begin(), e);
    if (!m_server.empty()) {  // it may sort below newer server firings
        beginResetModel();
        rebuild();
        endResetModel();
        return;
    }
    beginInsertRows({}, 0, 0);
    m_events.insert(m_events.begin(), e);
    m_isServer.insert(m_isServer.begin(), false);
    endInsertRows();
}

int AlertLogModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_events.size()); }
int AlertLogModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AlertLogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const AlertEvent& e = m_events[static_cast<std::size_t>(index.row())];
    if (role == Qt::ForegroundRole && index.column() == Event) return e.kind == alerts::EventKind::Fired ? kFired : kNeutral;
    if (role == Qt::ToolTipRole && index.column() == Message) return QString::fromStdString(e.message);
    const bool server = isServerRow(index.row());
    if (server && index.column() == Delivery && (role == Qt::ToolTipRole || role == Qt::DisplayRole))
        return m_rowDeliveries[static_cast<std::size_t>(index.row())].join(role == Qt::ToolTipRole ? QStringLiteral("\n")
                                                                                                   : QStringLiteral(" · "));
    if (role == Qt::ToolTipRole && index.column() == Delivery)
        if (auto it = m_deliveries.find({e.ruleId, e.timeMs}); it != m_deliveries.end())
            return it->second.join(QLatin1Char('\n'));
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Time:
        return localTime(e.timeMs);
    case Symbol:
        return QString::fromStdString(e.instrument.toString());
    case Event: {
        const QString kind = e.kind == alerts::EventKind::Fired ? tr("fired")
            : e.kind == alerts::EventKind::Expired              ? tr("expired")
                                                                : tr("disabled");
        return server ? kind + QStringLiteral(" [server]") : kind;
    }
    case Price:
        return e.price.isZero() ? QString() : QString::fromStdString(e.price.toString());
    case Message:
        return QString::fromStdString(e.message);
    case Delivery:
        if (auto it = m_deliveries.find({e.ruleId, e.timeMs}); it != m_deliveries.end())
            return it->second.join(QStringLiteral(" · "));
        return {};
    default:
        return {};
    }
}

void AlertLogModel::setDeliveries(std::map<std::pair<std::int64_t, std::int64_t>, QStringList> byFiring) {
    m_deliveries = std::move(byFiring);
    if (!m_events.empty()) Q_EMIT dataChanged(index(0, Delivery), index(rowCount() - 1, Delivery));
}

QVariant AlertLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Symbol:
        return tr("Symbol");
    case Event:
        return tr("Event");
    case Price:
        return tr("Price");
    case Message:
        return tr("Message");
    case Delivery:
        return tr("Delivery");
    default:
        return {};
    }
}

// ---- panel ------------------------------------------------------------------------------------

AlertsWidget::AlertsWidget(AlertCenter& center, QWidget* parent)
    : QWidget(parent), m_center(center), m_rules(new AlertRulesModel(this)), m_log(new AlertLogModel(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    auto* create = new QPushButton(tr("New alert…"));
    create->setObjectName(QStringLiteral("AlertNew"));
    create->setToolTip(tr("An alert on the active chart's symbol (also: right-click a watchlist symbol, or Alt+A on a chart)"));
    m_edit = new QPushButton(tr("Edit…"));
    m_edit->setObjectName(QStringLiteral("AlertEdit"));
    m_delete = new QPushButton(tr("Delete"));
    m_delete->setObjectName(QStringLiteral("AlertDelete"));
    auto* clear = new QPushButton(tr("Clear log"));
    clear->setObjectName(QStringLiteral("AlertClearLog"));
    m_channels = new QPushButton(tr("Channels…"));
    m_channels->setObjectName(QStringLiteral("AlertChannels"));
    m_channels->setToolTip(tr("E-mail, Telegram, Discord and webhook channels alerts are sent to"));
    m_channels->setEnabled(false);
    m_sound = new QCheckBox(tr("Sound"));
    m_sound->setObjectName(QStringLiteral("AlertSound"));
    m_desktop = new QCheckBox(tr("Desktop notification"));
    m_desktop->setObjectName(QStringLiteral("AlertDesktop"));
    m_desktop->setToolTip(tr("Through the system tray, when the desktop has one"));
    for (QWidget* w : {static_cast<QWidget*>(create), static_cast<QWidget*>(m_edit), static_cast<QWidget*>(m_delete)})
        bar->addWidget(w);
    bar->addWidget(m_channels);
    bar->addStretch(1);
    bar->addWidget(m_sound);
    bar->addWidget(m_desktop);
    bar->addWidget(clear);
    layout->addLayout(bar);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("AlertsMessage"));
    m_message->setWordWrap(true);
    m_message->setVisible(false);
    layout->addWidget(m_message);

    auto makeView = [](QAbstractItemModel* model, const QString& name) {
        auto* v = new QTableView;
        v->setObjectName(name);
        v->setModel(model);
        v->setSelectionBehavior(QAbstractItemView::SelectRows);
        v->setSelectionMode(QAbstractItemView::SingleSelection);
        v->setEditTriggers(QAbstractItemView::NoEditTriggers);
        v->verticalHeader()->setVisible(false);
        v->horizontalHeader()->setStretchLastSection(true);
        v->setWordWrap(false);
        return v;
    };
    m_rulesView = makeView(m_rules, QStringLiteral("AlertRules"));
    m_logView = makeView(m_log, QStringLiteral("AlertLog"));
    m_rulesView->horizontalHeader()->setStretchLastSection(false);
    m_rulesView->horizontalHeader()->setSectionResizeMode(AlertRulesModel::Condition, QHeaderView::Stretch);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_rulesView);
    split->addWidget(m_logView);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(create, &QPushButton::clicked, this, &AlertsWidget::createRequested);
    connect(m_channels, &QPushButton::clicked, this, &AlertsWidget::channelsRequested);
    connect(m_edit, &QPushButton::clicked, this, [this] {
        if (const qint64 id = selectedId()) Q_EMIT editRequested(id);
    });
    connect(m_delete, &QPushButton::clicked, this, &AlertsWidget::deleteSelected);
    connect(clear, &QPushButton::clicked, this, [this] {
        if (QMessageBox::question(this, tr("Clear alert log"), tr("Delete the whole log of fired alerts?")) != QMessageBox::Yes)
            return;
        if (auto st = m_center.clearLog(); !st)
            showMessage(tr("The log could not be cleared: %1").arg(QString::fromStdString(st.message())));
        else
            m_log->setEvents({});
    });
    connect(m_rulesView, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
        if (i.column() != AlertRulesModel::Active) Q_EMIT editRequested(m_rules->at(i.row()).id);
    });
    connect(m_logView, &QTableView::doubleClicked, this,
            [this](const QModelIndex& i) { Q_EMIT instrumentActivated(m_log->at(i.row()).instrument); });
    connect(m_rules, &AlertRulesModel::enabledToggled, this, [this](qint64 id, bool on) {
        if (auto st = m_center.setEnabled(id, on); !st)
            showMessage(tr("Alert not changed: %1").arg(QString::fromStdString(st.message())));
    });
    connect(&m_center, &AlertCenter::rulesChanged, this, &AlertsWidget::refreshRules);
    connect(&m_center, &AlertCenter::eventOccurred, m_log, &AlertLogModel::prepend);
    connect(&m_center, &AlertCenter::eventOccurred, this, &AlertsWidget::refreshDeliveries);  // its jobs, queued
    connect(&m_center, &AlertCenter::errorOccurred, this, &AlertsWidget::showMessage);
    connect(m_rulesView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_edit->setEnabled(selectedId() != 0);
        m_delete->setEnabled(selectedId() != 0);
    });
    m_edit->setEnabled(false);
    m_delete->setEnabled(false);
    refreshRules();
    m_log->setEvents(m_center.log());
    QStringList notes;
    if (!m_center.storageError().isEmpty()) notes << m_center.storageError();
    for (const std::string& p : m_center.problems()) notes << QString::fromStdString(p);
    if (!notes.isEmpty()) showMessage(notes.join(QLatin1Char('\n')));
}

void AlertsWidget::setDeliveryQueue(alerts::DeliveryQueue* queue) {
    if (m_queue) disconnect(m_queue, nullptr, this, nullptr);
    m_queue = queue;
    m_channels->setEnabled(queue != nullptr);
    if (!queue) m_channels->setToolTip(tr("Channels need a profile database"));
    if (queue) connect(queue, &alerts::DeliveryQueue::jobChanged, this, &AlertsWidget::refreshDeliveries);
    refreshDeliveries();
}

QString AlertsWidget::deliveryText(const alerts::DeliveryJob& job, const QString& channelName) {
    using alerts::DeliveryStatus;
    switch (job.status) {
    case DeliveryStatus::Sent:
        return tr("%1: sent").arg(channelName);
    case DeliveryStatus::InFlight:
        return tr("%1: sending…").arg(channelName);
    case DeliveryStatus::Pending:
        if (job.attempts == 0 && job.lastError.empty()) return tr("%1: queued").arg(channelName);
        return tr("%1: retrying (next attempt at %2): %3")
            .arg(channelName, QDateTime::fromMSecsSinceEpoch(job.nextAttemptMs).toString(QStringLiteral("HH:mm:ss")),
                 QString::fromStdString(job.lastError));
    case DeliveryStatus::Failed:
        return tr("%1: failed: %2").arg(channelName, QString::fromStdString(job.lastError));
    }
    return {};
}

QString AlertsWidget::serverDeliveryText(const cloud::ServerDelivery& d) {
    const QString name = d.channel.isEmpty() ? tr("deleted channel %1").arg(d.channelId) : d.channel;
    if (d.status == QLatin1String("sent")) return tr("%1: sent").arg(name);
    if (d.status == QLatin1String("in_flight")) return tr("%1: sending…").arg(name);
    if (d.status == QLatin1String("failed")) return tr("%1: failed: %2").arg(name, d.error);
    if (d.attempts == 0 && d.error.isEmpty()) return tr("%1: queued").arg(name);
    return tr("%1: retrying (next attempt at %2): %3")
        .arg(name, QDateTime::fromMSecsSinceEpoch(d.nextAttemptMs).toString(QStringLiteral("HH:mm:ss")), d.error);
}

void AlertsWidget::refreshDeliveries() {
    std::map<std::pair<std::int64_t, std::int64_t>, QStringList> byFiring;
    if (m_queue) {
        auto jobs = m_queue->store().recentJobs(1000);
        auto channels = m_queue->store().channels();
        std::map<std::int64_t, QString> names;
        if (channels)
            for (const alerts::ChannelConfig& c : *channels) names[c.id] = QString::fromStdString(c.name);
        if (jobs)
            for (auto it = jobs->rbegin(); it != jobs->rend(); ++it) {
                const QString name = names.count(it->channelId) ? names[it->channelId] : tr("channel %1").arg(it->channelId);
                byFiring[{it->alertId, it->eventTimeMs}] << deliveryText(*it, name);
            }
    }
    m_log->setDeliveries(std::move(byFiring));
}

void AlertsWidget::refreshRules() {
    const qint64 selected = selectedId();
    m_rules->setRules(m_center.rules());
    if (const int row = m_rules->rowOf(selected); row >= 0) m_rulesView->selectRow(row);
    // load() may have come after construction: show what could not be loaded.
    if (!m_center.problems().empty() && m_message->isHidden()) {
        QStringList lines;
        for (const std::string& p : m_center.problems()) lines << QString::fromStdString(p);
        showMessage(lines.join(QLatin1Char('\n')));
    }
}

qint64 AlertsWidget::selectedId() const {
    const QModelIndexList rows =
        m_rulesView->selectionModel() ? m_rulesView->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty()) return 0;
    return m_rules->at(rows.front().row()).id;
}

void AlertsWidget::deleteSelected() {
    const qint64 id = selectedId();
    if (!id) return;
    const AlertRule& r = m_rules->at(m_rules->rowOf(id));
    if (QMessageBox::question(this, tr("Delete alert"),
                              tr("Delete the alert “%1 %2”? Its log entries stay.")
                                  .arg(QString::fromStdString(r.instrument.toString()),
                                       QString::fromStdString(alerts::describe(r)))) != QMessageBox::Yes)
        return;
    if (auto st = m_center.removeRule(id); !st)
        showMessage(tr("Alert not deleted: %1").arg(QString::fromStdString(st.message())));
}

void AlertsWidget::showMessage(const QString& text) {
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

// ---- toast ------------------------------------------------------------------------------------

AlertToast::AlertToast(QWidget* parent) : QFrame(parent), m_title(new QLabel), m_text(new QLabel), m_hide(new QTimer(this)) {
    setObjectName(QStringLiteral("AlertToast"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(QStringLiteral("#AlertToast { border: 1px solid #26a69a; border-radius: 4px; }"));
    auto* l = new QVBoxLayout(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_text->setWordWrap(true);
    m_text->setObjectName(QStringLiteral("AlertToastText"));
    l->addWidget(m_title);
    l->addWidget(m_text);
    setToolTip(tr("Click to close"));
    setFixedWidth(380);
    m_hide->setSingleShot(true);
    m_hide->setInterval(8000);
    connect(m_hide, &QTimer::timeout, this, [this] {
        hide();
        m_count = 0;
    });
    hide();
}

void AlertToast::showAlert(const QString& title, const QString& message) {
    ++m_count;
    m_title->setText(m_count > 1 ? tr("%1 (+%2 more)").arg(title).arg(m_count - 1) : title);
    m_text->setText(message);
    adjustSize();
    place();
    show();
    raise();
    m_hide->start();
}

QString AlertToast::text() const { return m_text->text(); }

void AlertToast::mousePressEvent(QMouseEvent* event) {
    hide();
    m_count = 0;
    event->accept();
}

void AlertToast::place() {
    if (!parentWidget()) return;
    const QRect r = parentWidget()->rect();
    move(r.right() - width() - 16, r.bottom() - height() - 40);
}

}  // namespace kairos::ui

namespace kairos::ui {

void AlertsWidget::setCloudClient(cloud::CloudClient* client) {
    if (m_cloud) disconnect(m_cloud, nullptr, this, nullptr);
    m_cloud = client;
    m_serverFirings.clear();
    m_serverNext = 0;
    m_serverFrom = 0;
    m_log->setServerEvents({});
    if (!m_cloud) return;
    if (!m_serverTimer) {
        m_serverTimer = new QTimer(this);
        m_serverTimer->setInterval(3 * 60 * 1000);
        connect(m_serverTimer, &QTimer::timeout, this, &AlertsWidget::refreshServerFirings);
    }
    connect(m_cloud, &cloud::CloudClient::stateChanged, this, [this](cloud::CloudState state) {
        if (state == cloud::CloudState::SignedIn) {
            refreshServerFirings();
            m_serverTimer->start();
        } else if (state == cloud::CloudState::SignedOut) {
            m_serverTimer->stop();
            m_serverFirings.clear();
            m_serverNext = 0;
            m_serverFrom = 0;
            m_log->setServerEvents({});
        }
    });
    if (m_cloud->isSignedIn()) {
        refreshServerFirings();
        m_serverTimer->start();
    }
}

void AlertsWidget::refreshServerFirings() {
    if (!m_cloud || !m_cloud->isSignedIn()) return;
    QPointer<AlertsWidget> self(this);
    // From the oldest firing still being delivered, so its channels' progress is read again.
    const qint64 from = std::min(m_serverFrom, m_serverNext);
    m_cloud->serverAlertFirings(from, 500, [self](const cloud::Outcome<cloud::ServerFiringPage>& page) {
        if (!self) return;
        if (!page) {
            self->showMessage(tr("Server alerts could not be read: %1").arg(page.error().message));
            return;
        }
        for (const auto& f : page->firings) self->m_serverFirings.insert_or_assign(f.id, f);
        self->m_serverNext = std::max(self->m_serverNext, page->next);
        self->showServerFirings();
        if (page->more) {
            self->m_serverFrom = page->next;
            self->refreshServerFirings();
        }
    });
}

void AlertsWidget::showServerFirings() {
    std::vector<AlertEvent> events;
    std::vector<QStringList> deliveries;
    m_serverFrom = m_serverNext;
    for (const auto& [id, f] : m_serverFirings) {
        AlertEvent e;
        if (auto instrument = InstrumentId::parse(f.instrument.toStdString())) e.instrument = *instrument;
        e.kind = alerts::eventKindFromString(f.kind.toStdString()).value_or(alerts::EventKind::Fired);
        e.timeMs = f.timeMs;
        if (auto price = Price::parse(f.price.toStdString())) e.price = *price;
        e.message = f.message.toStdString();
        QStringList lines;
        bool open = false;
        for (const auto& d : f.deliveries) {
            lines << serverDeliveryText(d);
            open = open || d.status == QLatin1String("pending") || d.status == QLatin1String("in_flight");
        }
        if (open) m_serverFrom = std::min(m_serverFrom, id - 1);
        events.push_back(std::move(e));
        deliveries.push_back(std::move(lines));
    }
    m_log->setServerEvents(std::move(events), std::move(deliveries));
}

}  // namespace kairos::ui
