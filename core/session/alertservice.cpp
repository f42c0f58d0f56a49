#include "session/alertservice.h"

#include "session/eventhub.h"
#include "storage/database.h"
#include "storage/drawingstore.h"
#include "storage/watchliststore.h"

#include <QDateTime>

#include <algorithm>
#include <set>

namespace kairos::session {

namespace {
constexpr std::size_t kLogLimit = 2000;  // rows kept in memory; the database keeps everything
}

AlertService::AlertService(storage::Database* db, alerts::AlertEngine::HistoryProvider history, QObject* parent)
    : QObject(parent), m_engine(std::move(history)) {
    qRegisterMetaType<kairos::alerts::AlertEvent>();
    if (db) {
        m_store = std::make_unique<alerts::AlertStore>(*db);
        m_drawings = std::make_unique<storage::DrawingStore>(*db);
        m_watchlists = std::make_unique<storage::WatchlistStore>(*db);
        m_engine.setDrawingLookup([this](const InstrumentId& id, std::int64_t drawingId) -> std::optional<storage::Drawing> {
            auto loaded = m_drawings->load(id);
            if (!loaded) return std::nullopt;
            for (const storage::Drawing& d : loaded->drawings)
                if (d.id == drawingId) return d;
            return std::nullopt;
        });
    } else {
        m_storageError = tr("no profile database: alerts last for this session only");
    }
}

AlertService::~AlertService() = default;

void AlertService::load() {
    if (!m_store) return;
    auto loaded = m_store->load();
    if (!loaded) {
        m_storageError = tr("alerts could not be read: %1").arg(QString::fromStdString(loaded.message()));
        Q_EMIT errorOccurred(m_storageError);
        return;
    }
    m_problems = loaded->problems;
    refreshWatchlists(loaded->rules);
    for (const alerts::AlertRule& r : loaded->rules)
        if (auto st = m_engine.setRule(r); !st) m_problems.push_back("alert " + std::to_string(r.id) + ": " + st.message());
    auto h = m_store->history(static_cast<int>(kLogLimit));
    if (h)
        m_log = std::move(*h);
    else
        Q_EMIT errorOccurred(tr("alert history could not be read: %1").arg(QString::fromStdString(h.message())));
    Q_EMIT rulesChanged();
}

void AlertService::attach(EventHub& hub) {
    if (m_hub) return;
    m_hub = &hub;
    connect(&hub, &EventHub::tradeReceived, this, &AlertService::onTrade);
    connect(&hub, &EventHub::quoteReceived, this, &AlertService::onQuote);
    connect(&hub, &EventHub::barUpdated, this, &AlertService::onBar);
    connect(&hub, &EventHub::signalPublished, this, [this](const SignalEvent& e) {
        if (!e.warmUp) onSignal(e.instrument, e.tf, e.signal);  // HOLD too: it makes the next LONG/SHORT a new one
    });
}

void AlertService::startExpiryClock(std::function<std::int64_t(const InstrumentId&)> nowOf, int intervalMs) {
    m_nowOf = std::move(nowOf);
    if (!m_expiryClock.isActive())
        connect(&m_expiryClock, &QTimer::timeout, this, [this] {
            expireDue(m_nowOf);
            refreshLinks();
        });
    m_expiryClock.start(intervalMs);
}

Result<std::int64_t> AlertService::addRule(alerts::AlertRule rule) {
    rule.id = 0;
    if (rule.createdAtMs == 0) rule.createdAtMs = QDateTime::currentMSecsSinceEpoch();
    if (auto st = alerts::validate(rule); !st) return st.error();
    refreshWatchlists({rule});
    if (m_store) {
        auto id = m_store->save(rule);
        if (!id) return id.error();
        rule.id = *id;
    } else {
        rule.id = m_nextMemoryId++;
    }
    if (auto st = m_engine.setRule(rule); !st) return st.error();
    Q_EMIT rulesChanged();
    return rule.id;
}

Status AlertService::updateRule(const alerts::AlertRule& rule) {
    if (!m_engine.rule(rule.id)) return makeError("there is no alert " + std::to_string(rule.id));
    if (auto st = alerts::validate(rule); !st) return st;
    refreshWatchlists({rule});
    if (m_store)
        if (auto id = m_store->save(rule); !id) return id.error();
    if (auto st = m_engine.setRule(rule); !st) return st;
    Q_EMIT rulesChanged();
    return {};
}

Status AlertService::removeRule(std::int64_t id) {
    if (m_store)
        if (auto st = m_store->remove(id); !st) return st;
    m_engine.removeRule(id);
    Q_EMIT rulesChanged();
    return {};
}

Status AlertService::setEnabled(std::int64_t id, bool enabled) {
    const alerts::AlertRule* r = m_engine.rule(id);
    if (!r) return makeError("there is no alert " + std::to_string(id));
    alerts::AlertRule next = *r;
    next.enabled = enabled;
    if (m_store)
        if (auto saved = m_store->save(next); !saved) return saved.error();
    m_engine.setEnabled(id, enabled);
    Q_EMIT rulesChanged();
    return {};
}

Status AlertService::clearLog() {
    if (m_store)
        if (auto st = m_store->clearHistory(); !st) return st;
    m_log.clear();
    Q_EMIT rulesChanged();
    return {};
}

void AlertService::onTrade(const InstrumentId& id, const Trade& t) {
    auto events = m_engine.onTrade(id, t);
    if (!events.empty()) handle(events);
}

void AlertService::onQuote(const InstrumentId& id, const Quote& q) {
    auto events = m_engine.onQuote(id, q);
    if (!events.empty()) handle(events);
}

void AlertService::refreshWatchlists(const std::vector<alerts::AlertRule>& rules) {
    if (!m_watchlists) return;
    std::vector<std::int64_t> ids;
    for (const alerts::AlertRule& r : rules)
        if (r.watchlistId > 0) ids.push_back(r.watchlistId);
    for (const alerts::AlertRule& r : m_engine.rules())
        if (r.watchlistId > 0 && r.enabled) ids.push_back(r.watchlistId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (std::int64_t id : ids) {
        auto list = m_watchlists->get(id);
        std::vector<InstrumentId> members;
        if (list)
            for (const storage::WatchlistItem& item : list->items) members.push_back(item.instrument);
        m_engine.setWatchlist(id, members);  // a deleted list: no symbols
    }
}

void AlertService::refreshLinks() {
    refreshWatchlists({});
    std::vector<alerts::AlertEvent> events;
    for (const alerts::AlertRule& r : m_engine.rules())
        if (r.enabled && r.condition == alerts::Condition::CrossesDrawing) {
            auto e = m_engine.drawingChanged(r.instrument, r.drawingId);
            events.insert(events.end(), e.begin(), e.end());
        }
    if (!events.empty()) handle(events);
}

void AlertService::onBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    if (!bar.closed) return;
    auto events = m_engine.onBar(id, tf, bar);
    if (!events.empty()) handle(events);
}

void AlertService::onSignal(const InstrumentId& id, Timeframe tf, const signal::Signal& s) {
    auto events = m_engine.onSignal(id, tf, s);
    if (!events.empty()) handle(events);
}

void AlertService::expireUntil(std::int64_t nowMs) {
    auto events = m_engine.expireUntil(nowMs);
    if (!events.empty()) handle(events);
}

void AlertService::expireDue(const std::function<std::int64_t(const InstrumentId&)>& nowOf) {
    auto events = m_engine.expireDue(nowOf);
    if (!events.empty()) handle(events);
}

void AlertService::handle(const std::vector<alerts::AlertEvent>& events) {
    if (m_store) {
        std::vector<alerts::AlertRule> changed;
        for (const alerts::AlertEvent& e : events)
            if (const alerts::AlertRule* r = m_engine.rule(e.ruleId)) changed.push_back(*r);
        if (auto st = m_store->record(events, changed); !st)
            Q_EMIT errorOccurred(tr("Alert history not saved: %1").arg(QString::fromStdString(st.message())));
    }
    for (const alerts::AlertEvent& e : events) {
        m_log.insert(m_log.begin(), e);
        if (m_log.size() > kLogLimit) m_log.pop_back();
    }
    Q_EMIT rulesChanged();
    for (const alerts::AlertEvent& e : events) {
        Q_EMIT eventOccurred(e);
        if (m_hub) m_hub->publishAlert(e);
    }
}

Status AlertService::reloadRules() {
    if (!m_store) return {};
    auto loaded = m_store->load();
    if (!loaded) return loaded.error();
    std::set<std::int64_t> stored;
    for (const alerts::AlertRule& r : loaded->rules) stored.insert(r.id);
    for (const alerts::AlertRule& r : m_engine.rules())
        if (!stored.count(r.id)) m_engine.removeRule(r.id);
    for (const alerts::AlertRule& r : loaded->rules) {
        // An unchanged rule keeps its running state (bars seen, cooldown).
        if (const alerts::AlertRule* running = m_engine.rule(r.id); running && *running == r) continue;
        if (auto st = m_engine.setRule(r); !st) m_problems.push_back("alert " + std::to_string(r.id) + ": " + st.message());
    }
    Q_EMIT rulesChanged();
    return {};
}

}  // namespace kairos::session
