#include "bots/botmanager.h"

#include "backtest/strategyrunner.h"
#include "trading/tradejournal.h"

#include <QDateTime>

#include <algorithm>
#include <limits>

namespace kairos::bots {

namespace detail {

/// One bot on one instrument of one account.
struct Leg {
    Leg(trading::Account& account, std::string tag, const Instrument& instrument)
        : strategy(nullptr, account, std::move(tag), {}), runner(strategy, account, instrument), id(instrument.id) {}
    BotStrategy strategy;
    backtest::StrategyRunner runner;
    InstrumentId id;
    std::int64_t lastBarMs = std::numeric_limits<std::int64_t>::min();
};

/// The legs on one account, a child of the Account: they live exactly as long as it (the runners'
/// observers stay registered with it). Reports the account's events of each leg's orders.
class LegHost : public QObject {
public:
    static inline const QString kName = QStringLiteral("kairos.bots.legs");
    explicit LegHost(trading::Account& account) : QObject(&account), m_account(account) {
        setObjectName(kName);
        account.addObserver([this](const trading::OrderEvent& e) { onOrderEvent(e); });
    }
    Leg& leg(const std::string& tag, const Instrument& instrument) {
        auto& slot = m_legs[tag];
        if (!slot) slot = std::make_unique<Leg>(m_account, tag, instrument);
        return *slot;
    }

private:
    void onOrderEvent(const trading::OrderEvent& e) {
        for (auto& [tag, leg] : m_legs) {
            if (e.order.request.instrument != leg->id || !leg->strategy.isOwn(e.order)) continue;
            BotEvent b;
            b.instrument = leg->id;
            b.clientOrderId = e.order.request.clientOrderId;
            b.side = e.order.request.side;
            b.type = e.order.request.type;
            b.timeMs = m_account.clock().nowMs();
            if (e.fill) {
                b.kind = BotEvent::Kind::Fill;
                b.timeMs = e.fill->timeMs;
                b.side = e.fill->side;
                b.quantity = e.fill->quantity;
                b.price = e.fill->price;
                b.fee = e.fill->fee;
                b.clientOrderId = e.fill->clientOrderId;
            } else if (e.kind == trading::OrderEventKind::Cancelled) {
                b.kind = BotEvent::Kind::Cancelled;
                b.quantity = e.order.request.quantity;
                b.reason = e.order.rejectReason;
            } else if (e.kind == trading::OrderEventKind::Rejected && !leg->strategy.isSubmitting()) {
                b.kind = BotEvent::Kind::Rejected;
                b.quantity = e.order.request.quantity;
                b.reason = e.order.rejectReason;
            } else {
                continue;
            }
            leg->strategy.report(b);
        }
    }

    trading::Account& m_account;
    std::map<std::string, std::unique_ptr<Leg>> m_legs;
};

}  // namespace detail

namespace {

std::string orderType(trading::OrderType t) { return std::string(trading::toString(t)); }

}  // namespace

std::string describeOrder(const BotEvent& e) {
    return std::string(trading::toString(e.side)) + " " + e.quantity.toTrimmedString() + " " + e.instrument.symbol + " " +
        orderType(e.type);
}

BotManager::BotManager(storage::Database& db, BotHost host, QObject* parent)
    : QObject(parent), m_store(db), m_host(std::move(host)) {}

BotManager::~BotManager() {
    // Legs outlive the manager (with their accounts): their reports must not reach it any more.
    for (auto& [id, r] : m_running)
        for (detail::Leg* leg : r.legs)
            if (r.host) {
                leg->strategy.setActive(false);
                leg->strategy.setSink({});
            }
}

std::int64_t BotManager::nowMs(std::int64_t accountId) const {
    if (m_host.account)
        if (trading::Account* a = m_host.account(accountId)) return a->clock().nowMs();
    return QDateTime::currentMSecsSinceEpoch();
}

Result<std::int64_t> BotManager::create(const BotConfig& config) {
    auto id = m_store.create(config, nowMs(config.accountId));
    if (id) Q_EMIT botsChanged();
    return id;
}

Status BotManager::update(const BotConfig& config) {
    if (isRunning(config.id)) return makeError("stop bot " + config.name + " before changing it");
    auto st = m_store.update(config, nowMs(config.accountId));
    if (st) Q_EMIT botChanged(config.id);
    return st;
}

Status BotManager::remove(std::int64_t id) {
    if (isRunning(id)) return makeError("stop the bot before deleting it");
    auto st = m_store.remove(id);
    if (st) Q_EMIT botsChanged();
    return st;
}

void BotManager::setState(std::int64_t id, BotState state, const std::string& error) {
    auto it = m_running.find(id);
    if (it != m_running.end()) {
        it->second.config.state = state;
        it->second.config.lastError = error;
    }
    if (id > 0) {
        auto got = m_store.get(id);
        const std::int64_t accountId = got && *got ? (*got)->accountId : 0;
        (void)m_store.setState(id, state, error, nowMs(accountId));
    }
    Q_EMIT botChanged(id);
    Q_EMIT liveRunningChanged();
}

void BotManager::log(std::int64_t id, BotLogKind kind, const std::string& symbol, const std::string& text,
                     std::optional<std::int64_t> barMs, const std::string& clientOrderId) {
    if (id <= 0) return;
    BotLogEntry e;
    e.botId = id;
    auto it = m_running.find(id);
    e.timeMs = nowMs(it != m_running.end() ? it->second.accountId : 0);
    e.barMs = barMs;
    e.kind = kind;
    e.symbol = symbol;
    e.text = text;
    e.clientOrderId = clientOrderId;
    if (m_store.appendLog(e)) Q_EMIT logAppended(id);
}

Status BotManager::fail(std::int64_t id, const std::string& message) {
    setState(id, BotState::Error, message);
    log(id, BotLogKind::Error, {}, message);
    return makeError(message);
}

std::vector<std::string> BotManager::tagsOf(const BotConfig& config, const trading::AccountInfo& info) const {
    auto it = m_running.find(config.id);
    std::vector<std::string> tags;
    if (it != m_running.end()) {
        for (const detail::Leg* leg : it->second.legs) tags.push_back(leg->strategy.tag());
        return tags;
    }
    for (const std::string& s : config.symbols)
        if (auto inst = instrumentFor(s, info)) tags.push_back(botTag(config.id, info.id, *inst));
    return tags;
}

void BotManager::onEvent(std::int64_t id, const BotEvent& e) {
    const std::string symbol = e.instrument.symbol;
    switch (e.kind) {
    case BotEvent::Kind::Decision:
        m_lastSignal[id] = {describeOrder(e) + " (" + e.reason + ")", e.timeMs};
        log(id, BotLogKind::Decision, symbol, describeOrder(e) + " — " + e.reason, e.timeMs, e.clientOrderId);
        break;
    case BotEvent::Kind::Sent:
        log(id, BotLogKind::Sent, symbol, "sent " + describeOrder(e) + ": waiting for the venue's answer", e.timeMs,
            e.clientOrderId);
        break;
    case BotEvent::Kind::Skipped:
        m_lastSignal[id] = {describeOrder(e) + " (" + e.reason + ", skipped: paused)", e.timeMs};
        log(id, BotLogKind::Skipped, symbol, "paused: not sent " + describeOrder(e) + " — " + e.reason, e.timeMs);
        break;
    case BotEvent::Kind::Rejected: {
        const std::string text = "rejected " + describeOrder(e) + ": " + e.reason;
        log(id, BotLogKind::Rejected, symbol, text, e.timeMs, e.clientOrderId);
        auto it = m_running.find(id);
        if (it != m_running.end()) setState(id, it->second.config.state, text);
        break;
    }
    case BotEvent::Kind::Fill:
        log(id, BotLogKind::Fill, symbol,
            "fill " + std::string(trading::toString(e.side)) + " " + e.quantity.toTrimmedString() + " " + symbol + " at " +
                e.price.toTrimmedString() + " fee " + e.fee.toTrimmedString(),
            e.timeMs, e.clientOrderId);
        break;
    case BotEvent::Kind::Cancelled:
        log(id, BotLogKind::Cancelled, symbol, "cancelled " + describeOrder(e) + (e.reason.empty() ? "" : ": " + e.reason),
            e.timeMs, e.clientOrderId);
        break;
    }
    if (m_listener) m_listener(id, e);
    Q_EMIT botChanged(id);
}

Result<std::int64_t> BotManager::launch(BotConfig config, const std::vector<std::string>& givenTags) {
    const std::int64_t id = config.id;
    trading::Account* acct = m_host.account ? m_host.account(config.accountId) : nullptr;
    if (!acct) return fail(id, "its account (" + std::to_string(config.accountId) + ") is not open").error();
    const trading::AccountInfo info = acct->info();
    // LegHost has no meta-object of its own: found by its name among the account's children.
    auto* host = static_cast<detail::LegHost*>(acct->findChild<QObject*>(detail::LegHost::kName, Qt::FindDirectChildrenOnly));
    if (!host) host = new detail::LegHost(*acct);

    Running r;
    r.config = config;
    r.accountId = config.accountId;
    r.host = host;
    r.saved = id > 0;
    const std::int64_t untilMs = config.lastBarMs.value_or(acct->clock().nowMs());
    std::string started;
    // Everything that can fail before any leg changes.
    std::vector<Instrument> instruments;
    std::vector<std::unique_ptr<backtest::Strategy>> strategies;
    for (const std::string& symbol : config.symbols) {
        auto inst = instrumentFor(symbol, info);
        if (!inst) return fail(id, inst.message()).error();
        const Instrument* rules = acct->instrument(*inst);
        if (!rules) return fail(id, inst->toString() + " has no trading rules on account " + info.name).error();
        auto strategy = makeStrategy(config);
        if (!strategy) return fail(id, strategy.message()).error();
        instruments.push_back(*rules);
        strategies.push_back(std::move(*strategy));
    }
    for (std::size_t i = 0; i < instruments.size(); ++i) {
        const InstrumentId* inst = &instruments[i].id;
        std::unique_ptr<backtest::Strategy>* strategy = &strategies[i];
        const Instrument* rules = &instruments[i];
        const std::string tag = i < givenTags.size() ? givenTags[i] : botTag(id, info.id, *inst);
        detail::Leg& leg = host->leg(tag, *rules);
        leg.strategy.setInner(std::move(*strategy));
        std::weak_ptr<int> alive = m_alive;
        leg.strategy.setSink([this, alive, id](const BotEvent& e) {
            if (alive.lock()) onEvent(id, e);
        });
        leg.strategy.setPaused(false);
        leg.strategy.setActive(true);
        if (m_host.recordOrigin)
            leg.runner.setOriginRecorder(
                [record = m_host.recordOrigin, accountId = info.id](const trading::Order& o, const std::string& origin) {
                    record(accountId, o, origin);
                },
                id > 0 ? "strategy " + leg.strategy.name() + " (bot " + config.name + ")" : std::string());
        // Warm the indicators up on the bars before the resume point: decisions, no orders.
        std::vector<Bar> warm = m_host.history ? m_host.history(*inst, config.timeframe, untilMs) : std::vector<Bar>{};
        std::erase_if(warm, [&](const Bar& b) { return nextBucketStart(config.timeframe, b.openTimeMs) > untilMs; });
        leg.strategy.setWarmUp(true);
        leg.runner.start(warm.empty() ? acct->clock().nowMs() : warm.front().openTimeMs);
        for (const Bar& b : warm) leg.runner.onBar(b, nextBucketStart(config.timeframe, b.openTimeMs));
        leg.strategy.setWarmUp(false);
        leg.lastBarMs = config.lastBarMs.value_or(warm.empty() ? std::numeric_limits<std::int64_t>::min()
                                                               : nextBucketStart(config.timeframe, warm.back().openTimeMs));
        r.legs.push_back(&leg);
        started += (started.empty() ? "" : "; ") + inst->symbol + " position " +
            leg.strategy.ownPosition(*inst).toTrimmedString() + ", " + std::to_string(leg.strategy.ownOpenOrders().size()) +
            " own open order(s) adopted, " + std::to_string(warm.size()) + " bar(s) of warm-up";
    }
    m_running[id] = std::move(r);
    setState(id, BotState::Running, {});
    log(id, BotLogKind::State, {}, "started " + strategyLabel(config) + " on " + info.name + ": " + started);
    return id;
}

Status BotManager::start(std::int64_t id) {
    auto it = m_running.find(id);
    if (it != m_running.end()) {
        if (it->second.config.state != BotState::Paused) return {};
        for (detail::Leg* leg : it->second.legs) leg->strategy.setPaused(false);
        setState(id, BotState::Running, {});
        log(id, BotLogKind::State, {}, "resumed: new entries allowed again");
        return {};
    }
    auto got = m_store.get(id);
    if (!got) return got.error();
    if (!*got) return makeError("there is no bot " + std::to_string(id));
    auto launched = launch(**got, {});
    if (!launched) return launched.error();
    return {};
}

Result<std::int64_t> BotManager::startUnsaved(BotConfig config, const std::string& tag) {
    config.id = m_nextUnsaved--;
    if (auto v = validate(config); !v) return v.error();
    return launch(std::move(config), {tag});
}

Status BotManager::pause(std::int64_t id) {
    auto it = m_running.find(id);
    if (it == m_running.end()) return makeError("the bot is not running");
    if (it->second.config.state == BotState::Paused) return {};
    for (detail::Leg* leg : it->second.legs) leg->strategy.setPaused(true);
    setState(id, BotState::Paused, {});
    log(id, BotLogKind::State, {}, "paused: no new entries; its orders and position stay managed");
    return {};
}

Status BotManager::stop(std::int64_t id, std::optional<bool> flatten) {
    auto it = m_running.find(id);
    if (it == m_running.end()) {
        auto got = m_store.get(id);
        if (!got) return got.error();
        if (!*got) return makeError("there is no bot " + std::to_string(id));
        if ((*got)->state != BotState::Stopped) {
            setState(id, BotState::Stopped, {});
            log(id, BotLogKind::State, {}, "stopped (it was not running in this process)");
        }
        return {};
    }
    Running& r = it->second;
    const bool doFlatten = flatten.value_or(r.config.flattenOnStop);
    std::string outcome =
        doFlatten ? "stopped; flattening its own orders and position" : "stopped; its orders and position are left as they are";
    if (r.host) {
        for (detail::Leg* leg : r.legs) {
            if (doFlatten) {
                const int before = leg->runner.rejected();
                leg->strategy.flatten(leg->runner);
                if (leg->runner.rejected() != before)
                    outcome += " (" + leg->id.symbol + ": the closing order was rejected, see above)";
            }
            leg->strategy.setActive(false);  // its fills and cancels are still logged
        }
    }
    m_running.erase(it);
    setState(id, BotState::Stopped, {});
    log(id, BotLogKind::State, {}, outcome);
    return {};
}

int BotManager::stopAll(const std::string& reason) {
    std::vector<std::int64_t> ids;
    for (const auto& [id, r] : m_running) ids.push_back(id);
    for (std::int64_t id : ids) {
        log(id, BotLogKind::State, {}, reason);
        (void)stop(id, false);
    }
    return static_cast<int>(ids.size());
}

void BotManager::restore() {
    auto list = m_store.list();
    if (!list) return;
    for (const BotConfig& c : *list) {
        if ((c.state != BotState::Running && c.state != BotState::Paused) || isRunning(c.id)) continue;
        if (!m_host.account || !m_host.account(c.accountId)) continue;
        log(c.id, BotLogKind::State, {}, "restarting after a restart of the terminal or the process");
        if (start(c.id) && c.state == BotState::Paused) (void)pause(c.id);
    }
}

void BotManager::accountClosing(std::int64_t accountId) {
    std::vector<std::int64_t> ids;
    for (auto& [id, r] : m_running)
        if (r.accountId == accountId) ids.push_back(id);
    for (std::int64_t id : ids) {
        for (detail::Leg* leg : m_running[id].legs) leg->strategy.setActive(false);
        m_running.erase(id);
        log(id, BotLogKind::State, {}, "its account closed; it starts again when the account opens");
        Q_EMIT botChanged(id);
    }
    if (!ids.empty()) Q_EMIT liveRunningChanged();
}

void BotManager::onBar(const InstrumentId& instrument, Timeframe tf, const Bar& bar) {
    if (!bar.closed) return;
    const std::int64_t closeMs = nextBucketStart(tf, bar.openTimeMs);
    std::vector<std::int64_t> ids;
    for (const auto& [id, r] : m_running)
        if (r.config.timeframe == tf) ids.push_back(id);
    for (std::int64_t id : ids) {
        auto it = m_running.find(id);
        if (it == m_running.end()) continue;
        if (!it->second.host) {
            m_running.erase(it);
            (void)fail(id, "its account closed");
            continue;
        }
        bool handled = false;
        for (detail::Leg* leg : std::vector<detail::Leg*>(it->second.legs)) {
            if (leg->id != instrument || closeMs <= leg->lastBarMs) continue;
            leg->runner.onBar(bar, closeMs);
            leg->lastBarMs = closeMs;
            handled = true;
        }
        if (!handled) continue;
        if (id > 0) (void)m_store.setLastBar(id, closeMs);
        Q_EMIT botChanged(id);
    }
}

BotStatus BotManager::status(const BotConfig& config) const {
    BotStatus s;
    s.running = isRunning(config.id);
    if (auto ls = m_lastSignal.find(config.id); ls != m_lastSignal.end()) {
        s.lastSignal = ls->second.first;
        s.lastSignalMs = ls->second.second;
    } else if (config.id > 0) {
        if (auto last = m_store.log(config.id, 1, BotLogKind::Decision); last && !last->empty()) {
            s.lastSignal = last->back().text;
            s.lastSignalMs = last->back().barMs.value_or(last->back().timeMs);
        }
    }
    trading::Account* acct = m_host.account ? m_host.account(config.accountId) : nullptr;
    if (!acct) return s;
    s.accountOpen = true;
    const trading::AccountInfo info = acct->info();
    const std::vector<std::string> tags = tagsOf(config, info);
    auto own = [&](const std::string& coid) {
        return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) { return coid.starts_with(t + "-"); });
    };
    const int scale = acct->portfolio().cash().scale();
    Money total = Money::fromRaw(0, scale);
    std::vector<trading::Fill> fills;
    for (const trading::Fill& f : acct->fills()) {
        if (!own(f.clientOrderId)) continue;
        fills.push_back(f);
        auto n = notional(f.price, f.quantity, scale, RoundingMode::HalfEven);
        if (!n) continue;
        auto t = f.side == Side::Sell ? total.add(*n) : total.sub(*n);
        if (t) t = t->sub(f.fee);
        if (t) total = *t;
    }
    for (std::size_t i = 0; i < config.symbols.size() && i < tags.size(); ++i) {
        auto inst = instrumentFor(config.symbols[i], info);
        if (!inst) continue;
        const Quantity pos = ownPosition(*acct, tags[i], *inst);
        s.legs.push_back({*inst, pos});
        if (pos.isZero()) continue;
        if (auto last = acct->lastPrice(*inst))
            if (auto n = notional(*last, pos, scale, RoundingMode::HalfEven))
                if (auto t = total.add(*n)) total = *t;
    }
    s.totalPnl = total;
    for (const trading::Order& o : acct->openOrders())
        if (own(o.request.clientOrderId)) ++s.openOrders;
    std::vector<trading::Order> orders;
    for (trading::Order& o : acct->orders())
        if (own(o.request.clientOrderId)) orders.push_back(std::move(o));
    s.todayPnl = Money::fromRaw(0, scale);
    if (auto trades = trading::deriveClosedTrades(orders, fills, scale)) {
        s.trades = static_cast<int>(trades->size());
        constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
        const std::int64_t now = acct->clock().nowMs();
        const std::int64_t dayStart = now - ((now % kDayMs) + kDayMs) % kDayMs;
        for (const auto& t : *trades)
            if (t.exitTimeMs >= dayStart)
                if (auto sum = s.todayPnl.add(t.netPnl)) s.todayPnl = *sum;
    }
    return s;
}

std::vector<std::string> BotManager::liveRunning() const {
    std::vector<std::string> out;
    for (const auto& [id, r] : m_running) {
        trading::Account* a = m_host.account ? m_host.account(r.accountId) : nullptr;
        if (a && (a->info().kind == trading::AccountKind::Live || a->info().kind == trading::AccountKind::Testnet))
            out.push_back(r.config.name);
    }
    return out;
}

Quantity BotManager::position(std::int64_t id, const InstrumentId& instrument) const {
    auto it = m_running.find(id);
    if (it == m_running.end()) return {};
    for (const detail::Leg* leg : it->second.legs)
        if (leg->id == instrument) return leg->strategy.ownPosition(instrument);
    return {};
}

int BotManager::rejected(std::int64_t id) const {
    auto it = m_running.find(id);
    if (it == m_running.end()) return 0;
    int n = 0;
    for (const detail::Leg* leg : it->second.legs) n += leg->runner.rejected();
    return n;
}

}  // namespace kairos::bots
