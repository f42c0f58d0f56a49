#include "alerts/serveralerts.h"

#include "alerts/alertchannels.h"
#include "alerts/curlhttp.h"
#include "alerts/venuecandles.h"

#include "alerts/alertengine.h"
#include "alerts/channel.h"
#include "alerts/deliveryqueue.h"
#include "alerts/serverrules.h"
#include "domain/timeframe.h"
#include "signals/signalengine.h"
#include "sync/alertrulesource.h"

#include <nlohmann/json.hpp>

#include <array>
#include <algorithm>
#include <chrono>
#include <limits>
#include <filesystem>
#include <random>
#include <set>

namespace kairos::server::alerts {

namespace core = ::kairos::alerts;

namespace {

constexpr std::int64_t kLeaseMs = 10 * 60 * 1000;
constexpr std::int64_t kEngineRuleId = 1;

std::int64_t systemMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Why the server cannot run a rule at all ("" when it can). Watchlist members the server cannot
/// read are reported per symbol instead (venueUnsupported).
std::string unsupported(const core::AlertRule& r, const ::kairos::sync::AlertRuleContext& context) {
    if (std::string why = core::serverUnsupported(r); !why.empty()) return why;  // what the terminal refuses too
    if (r.condition == core::Condition::CrossesDrawing && !context.drawing)
        return "the drawn line did not reach the server (sync it again from a current terminal)";
    if (r.watchlistId > 0) {
        if (!context.hasWatchlist)
            return "the watchlist's symbols did not reach the server (sync it again from a current terminal)";
        return {};
    }
    return venueUnsupported(r.instrument.venue, r.timeframe);
}

/// A watchlist rule fires per symbol, so its key names the symbol too.
std::string eventKey(const std::string& ruleId, const core::AlertEvent& e, bool watchlist) {
    std::string key = ruleId + ":" + std::string(core::toString(e.kind)) + ":" + std::to_string(e.timeMs);
    if (watchlist) key += ":" + e.instrument.toString();
    return key;
}

struct RuleState {
    std::int64_t revision = 0;
    std::int64_t cursorMs = 0;
    bool enabled = true;
    std::int64_t fireCount = 0;
    std::int64_t lastFiredMs = 0;
};

}  // namespace

struct AlertsModule::Run {
    std::int64_t accountId = 0;
    std::string ruleId;
    std::int64_t revision = 0;
    core::AlertRule definition;               ///< as synced (an edit of it starts the rule afresh)
    core::AlertRule rule;                     ///< engine id kEngineRuleId, server flag cleared (it runs here)
    std::optional<storage::Drawing> drawing;  ///< a drawing rule's line, from the payload (the engine's lookup)
    std::vector<InstrumentId> instruments;    ///< what it runs on: its instrument, or the list's symbols it can read
    std::unique_ptr<core::AlertEngine> engine;
    std::int64_t cursorMs = 0;                     ///< open time of the last bar fed (the least over symbols); 0 = not started
    std::map<InstrumentId, std::int64_t> cursors;  ///< per symbol, while running
    std::map<InstrumentId, signal::SignalEngine> signalEngines;  ///< signal rules: the signal service's engine per symbol
};

Result<AlertsOptions> optionsFromConfig(const ServerConfig& config) {
    AlertsOptions o;
    o.venues.binance = config.alertsBinanceUrl;
    o.venues.bybit = config.alertsBybitUrl;
    o.pollMs = config.alertsPollMs;
    o.freeAlerts = config.planFreeAlerts;
    o.proAlerts = config.planProAlerts;
    if (!config.alertsSecretKey.empty()) {
        if (config.alertsSecretKey.size() != 64) return makeError("alerts: the secret key must be 64 hex digits");
        std::array<unsigned char, accounts::SecretBox::kKeyBytes> key{};
        for (std::size_t i = 0; i < key.size(); ++i)
            key[i] = static_cast<unsigned char>(std::stoi(config.alertsSecretKey.substr(2 * i, 2), nullptr, 16));
        o.secretKey = key;
    }
    if (!config.smtpUrl.empty()) {
        mail::SmtpConfig smtp;
        if (auto st = accounts::parseSmtpUrl(config.smtpUrl, smtp); !st) return makeError("alerts: " + st.message());
        smtp.username = config.smtpUser;
        smtp.password = config.smtpPassword;
        smtp.caFile = config.smtpCaFile;
        o.mail = accounts::smtpSender(smtp, config.mailFrom);
    } else {
        const std::string dir =
            config.mailDir.empty() ? (std::filesystem::path(config.dataDir) / "mail").string() : config.mailDir;
        o.mail = accounts::mailDirSender(dir, config.mailFrom);
    }
    return o;
}

Result<std::string> planOf(db::IConnection& c, std::int64_t accountId) {
    auto row = db::queryOne(c, "SELECT plan FROM account_plans WHERE account_id = ?", {accountId});
    if (!row) return row.error();
    return *row ? (*row)->text(0) : std::string("free");
}

AlertsModule::AlertsModule(db::Database& db, accounts::AccountService& accountService, AlertsOptions options)
    : m_db(db), m_accounts(accountService), m_options(std::move(options)) {
    if (m_options.secretKey) m_box = std::make_unique<accounts::SecretBox>(*m_options.secretKey);
}

AlertsModule::~AlertsModule() { stop(); }

std::int64_t AlertsModule::now() const { return m_options.nowMs ? m_options.nowMs() : systemMs(); }

void AlertsModule::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable()) return;
    m_stopping = false;
    m_thread = std::thread([this] { loop(); });
}

void AlertsModule::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void AlertsModule::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        (void)evaluateOnce();
        (void)deliverDue();
        ++m_rounds;
        lock.lock();
        m_wake.wait_for(lock, std::chrono::milliseconds(m_options.pollMs), [this] { return m_stopping; });
    }
}

Status AlertsModule::evaluateOnce() {
    const std::int64_t nowMs = now();
    db::Rows items;
    std::map<std::pair<std::int64_t, std::string>, RuleState> states;
    {
        auto c = m_db.acquire();
        if (!c) return c.error();
        auto rows = (*c)->query(
            "SELECT account_id, item_id, revision, payload FROM sync_items WHERE kind = 'alert_rule' AND deleted = 0 "
            "ORDER BY account_id, item_id",
            {});
        if (!rows) return rows.error();
        items = std::move(*rows);
        auto st = (*c)->query(
            "SELECT account_id, rule_id, revision, cursor_ms, enabled, fire_count, last_fired_ms FROM alert_rule_state", {});
        if (!st) return st.error();
        for (const auto& r : *st)
            states[{r.i64(0), r.text(1)}] = RuleState{r.i64(2), r.i64(3), r.i64(4) != 0, r.i64(5), r.i64(6)};
    }

    struct AccountRound {
        int running = 0;
        std::vector<std::string> errors;
    };
    std::map<std::int64_t, AccountRound> rounds;
    std::set<std::pair<std::int64_t, std::string>> seen;
    for (const auto& row : items) {
        const std::int64_t account = row.i64(0);
        const std::string ruleId = row.text(1);
        const std::int64_t revision = row.i64(2);
        const auto payload = nlohmann::json::parse(row.text(3), nullptr, false);
        if (!isServerPayload(payload)) continue;
        AccountRound& round = rounds[account];
        auto rule = ::kairos::sync::alertRuleFromPayload(row.text(3));
        if (!rule) {
            round.errors.push_back("alert " + ruleId + ": " + rule.message());
            continue;
        }
        auto context = ::kairos::sync::alertRuleContextFromPayload(row.text(3));
        if (!context) {
            round.errors.push_back("alert " + ruleId + ": " + context.message());
            continue;
        }
        const std::string where =
            rule->watchlistId > 0 ? "watchlist \"" + context->watchlistName + "\"" : rule->instrument.toString();
        const std::string why = unsupported(*rule, *context);
        if (!why.empty()) {
            round.errors.push_back("alert " + ruleId + " on " + where + ": " + why);
            continue;
        }
        // What it runs on: a watchlist rule on the symbols the server can read (the others are named).
        std::vector<InstrumentId> instruments;
        if (rule->watchlistId > 0) {
            for (const InstrumentId& id : context->watchlistSymbols) {
                if (std::string no = venueUnsupported(id.venue, rule->timeframe); !no.empty())
                    round.errors.push_back("alert " + ruleId + " on " + where + ": " + id.toString() + " left out: " + no);
                else
                    instruments.push_back(id);
            }
        } else {
            instruments.push_back(rule->instrument);
        }
        const auto key = std::make_pair(account, ruleId);
        seen.insert(key);
        const auto state = states.find(key);
        auto& run = m_runs[key];
        core::AlertRule definition = *rule;
        definition.server = false;
        if (run && run->revision != revision && run->engine && run->definition == definition) {
            // Only what the ids name changed (the line was moved, the list edited): the engine
            // follows it as the terminal's does, keeping the rule's state.
            run->revision = revision;
            std::optional<storage::Drawing> line = context->drawing;
            if (line) line->id = definition.drawingId;
            if (definition.condition == core::Condition::CrossesDrawing && run->drawing != line) {
                run->drawing = line;
                (void)run->engine->drawingChanged(definition.instrument, definition.drawingId);
            }
            if (definition.watchlistId > 0 && run->instruments != instruments) {
                const std::int64_t from = run->cursorMs;
                for (const InstrumentId& id : instruments)
                    if (!run->cursors.count(id)) run->cursors[id] = from;  // a new symbol joins at the rule's cursor
                std::erase_if(run->cursors, [&](const auto& c) {
                    return std::find(instruments.begin(), instruments.end(), c.first) == instruments.end();
                });
                run->instruments = instruments;
                run->engine->setWatchlist(definition.watchlistId, instruments);
            }
        } else if (!run || run->revision != revision) {
            run = std::make_unique<Run>();
            run->accountId = account;
            run->ruleId = ruleId;
            run->revision = revision;
            run->definition = definition;
            run->rule = definition;
            run->rule.id = kEngineRuleId;
            run->drawing = context->drawing;
            if (run->drawing) run->drawing->id = definition.drawingId;
            run->instruments = instruments;
            if (state != states.end() && state->second.revision == revision) {
                run->cursorMs = state->second.cursorMs;
                run->rule.enabled = run->rule.enabled && state->second.enabled;
                run->rule.fireCount = state->second.fireCount;
                run->rule.lastFiredMs = state->second.lastFiredMs;
            }
        } else if (run->engine && state != states.end() && state->second.revision == revision && !state->second.enabled) {
            run->engine->setEnabled(kEngineRuleId, false);  // another kairosd fired a "once" rule
        }
        const core::AlertRule* current = run->engine ? run->engine->rule(kEngineRuleId) : &run->rule;
        if (current && current->enabled) ++round.running;
    }
    for (auto it = m_runs.begin(); it != m_runs.end();) it = seen.count(it->first) ? std::next(it) : m_runs.erase(it);

    // One candle request per series serves every rule on it.
    std::map<std::pair<InstrumentId, Timeframe>, Result<std::vector<Bar>>> series;
    for (auto& [key, run] : m_runs)
        for (const InstrumentId& id : run->instruments)
            series.try_emplace(std::make_pair(id, run->rule.timeframe), std::vector<Bar>{});
    for (auto& [s, bars] : series) bars = fetchClosedBars(m_options.venues, s.first, s.second, nowMs, m_options.httpTimeoutMs);

    for (auto& entry : m_runs) {
        std::unique_ptr<Run>& run = entry.second;  // not a structured binding: the store below captures it
        const Timeframe tf = run->rule.timeframe;
        const std::int64_t dur = fixedDurationMs(tf).value_or(0);
        const bool watchlist = run->rule.watchlistId > 0;
        const bool isSignal = run->rule.condition == core::Condition::Signal;
        std::map<InstrumentId, const std::vector<Bar>*> barsOf;
        for (const InstrumentId& id : run->instruments) {
            const auto& got = series.at({id, tf});
            if (got)
                barsOf[id] = &*got;
            else
                rounds[run->accountId].errors.push_back(id.toString() + " " + toString(tf) + ": " + got.message());
        }
        std::vector<core::AlertEvent> events;
        bool changed = false;
        if (!run->engine) {
            std::int64_t newest = 0;
            for (const auto& [id, bars] : barsOf)
                if (!bars->empty()) newest = std::max(newest, bars->back().openTimeMs);
            if (newest == 0) continue;                       // nothing to start from yet
            if (run->cursorMs == 0) run->cursorMs = newest;  // a new rule starts now
            std::map<InstrumentId, std::vector<Bar>> history;
            for (const auto& [id, bars] : barsOf)
                for (const Bar& b : *bars)
                    if (b.openTimeMs <= run->cursorMs) history[id].push_back(b);
            run->cursors.clear();
            for (const InstrumentId& id : run->instruments) run->cursors[id] = run->cursorMs;
            run->engine = std::make_unique<core::AlertEngine>([history](const InstrumentId& id, Timeframe) {
                auto it = history.find(id);
                return it == history.end() ? std::vector<Bar>{} : it->second;
            });
            Run* self = run.get();  // the engine is the run's: the lookup never outlives it
            run->engine->setDrawingLookup([self](const InstrumentId&, std::int64_t) { return self->drawing; });
            if (watchlist) run->engine->setWatchlist(run->rule.watchlistId, run->instruments);
            if (isSignal) {
                // As the terminal's signal service: the engine warmed on the history; its last
                // signal is the state the rule starts in, not a new one.
                run->signalEngines.clear();
                for (const InstrumentId& id : run->instruments) {
                    signal::SignalEngine& se = run->signalEngines.try_emplace(id).first->second;
                    std::optional<signal::Signal> last;
                    for (const Bar& b : history[id])
                        if (auto sig = se.onBar(b, nextBucketStart(tf, b.openTimeMs))) last = sig;
                    if (last) (void)run->engine->onSignal(id, tf, *last);
                }
            }
            if (auto st = run->engine->setRule(run->rule); !st) {
                rounds[run->accountId].errors.push_back("alert " + run->ruleId + ": " + st.message());
                run->engine.reset();
                continue;
            }
            changed = true;
        }
        for (const auto& [id, bars] : barsOf) {
            std::int64_t& cursor = run->cursors[id];
            for (const Bar& b : *bars) {
                if (b.openTimeMs <= cursor) continue;
                // The bar as prices in the order they most likely came (the nearer extreme first).
                const bool up = !(b.close < b.open);
                const std::array<Price, 4> ticks = {b.open, up ? b.low : b.high, up ? b.high : b.low, b.close};
                const std::array<std::int64_t, 4> times = {b.openTimeMs, b.openTimeMs + dur / 3, b.openTimeMs + 2 * dur / 3,
                                                           b.openTimeMs + dur - 1};
                for (std::size_t i = 0; i < ticks.size(); ++i) {
                    auto ev = run->engine->onPrice(id, times[i], ticks[i]);
                    events.insert(events.end(), ev.begin(), ev.end());
                }
                auto ev = run->engine->onBar(id, tf, b);
                events.insert(events.end(), ev.begin(), ev.end());
                if (isSignal) {
                    auto it = run->signalEngines.try_emplace(id).first;
                    if (auto sig = it->second.onBar(b, nextBucketStart(tf, b.openTimeMs))) {
                        auto sev = run->engine->onSignal(id, tf, *sig);
                        events.insert(events.end(), sev.begin(), sev.end());
                    }
                }
                cursor = b.openTimeMs;
                changed = true;
            }
        }
        if (!run->cursors.empty()) {
            std::int64_t least = std::numeric_limits<std::int64_t>::max();
            for (const auto& [id, c] : run->cursors) least = std::min(least, c);
            run->cursorMs = least;
        }
        auto expired = run->engine->expireUntil(nowMs);
        events.insert(events.end(), expired.begin(), expired.end());
        if (!changed && events.empty()) continue;
        const core::AlertRule engineRule = *run->engine->rule(kEngineRuleId);
        auto st = m_db.transact([&](db::IConnection& c) -> Status {
            for (const auto& e : events) {
                core::AlertRule firingRule = engineRule;
                if (watchlist) firingRule.instrument = e.instrument;
                const std::string payload = core::toJson(core::payloadFor(e, firingRule));
                auto inserted = c.query(
                    "INSERT INTO alert_firings (account_id, rule_id, event_key, kind, instrument, time_ms, price, message, "
                    "payload, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, event_key) DO "
                    "NOTHING RETURNING id",
                    {run->accountId, run->ruleId, eventKey(run->ruleId, e, watchlist), std::string(core::toString(e.kind)),
                     e.instrument.toString(), e.timeMs, e.price.toString(), e.message, payload, nowMs});
                if (!inserted) return inserted.error();
                if (inserted->empty() || e.kind != core::EventKind::Fired) continue;  // stored before: not again
                if (auto d = db::exec(c,
                                      "INSERT INTO alert_deliveries (firing_id, channel_id, status, attempts, "
                                      "next_attempt_ms, created_ms, updated_ms) SELECT CAST(? AS BIGINT), id, 'pending', 0, "
                                      "CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT) FROM "
                                      "alert_channels WHERE account_id = ? AND enabled = 1",
                                      {inserted->front().i64(0), nowMs, nowMs, nowMs, run->accountId});
                    !d)
                    return d;
            }
            return db::exec(
                c,
                "INSERT INTO alert_rule_state (account_id, rule_id, revision, cursor_ms, enabled, fire_count, last_fired_ms, "
                "updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, rule_id) DO UPDATE SET "
                "enabled = CASE WHEN alert_rule_state.revision = excluded.revision AND alert_rule_state.enabled = 0 THEN 0 "
                "ELSE excluded.enabled END, "
                "cursor_ms = CASE WHEN alert_rule_state.revision = excluded.revision AND alert_rule_state.cursor_ms > "
                "excluded.cursor_ms THEN alert_rule_state.cursor_ms ELSE excluded.cursor_ms END, "
                "fire_count = CASE WHEN alert_rule_state.revision = excluded.revision AND alert_rule_state.fire_count > "
                "excluded.fire_count THEN alert_rule_state.fire_count ELSE excluded.fire_count END, "
                "last_fired_ms = excluded.last_fired_ms, revision = excluded.revision, updated_ms = excluded.updated_ms",
                {run->accountId, run->ruleId, run->revision, run->cursorMs, static_cast<std::int64_t>(engineRule.enabled ? 1 : 0),
                 engineRule.fireCount, engineRule.lastFiredMs, nowMs});
        });
        if (!st) rounds[run->accountId].errors.push_back("alert " + run->ruleId + ": cannot store: " + st.message());
    }

    auto c = m_db.acquire();
    if (!c) return c.error();
    for (const auto& [account, round] : rounds) {
        nlohmann::json errors = round.errors;
        (void)db::exec(**c,
                       "INSERT INTO alert_status (account_id, rules_running, last_eval_ms, errors) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (account_id) DO UPDATE SET rules_running = excluded.rules_running, "
                       "last_eval_ms = excluded.last_eval_ms, errors = excluded.errors",
                       {account, static_cast<std::int64_t>(round.running), nowMs, errors.dump()});
    }
    return {};
}

Result<int> AlertsModule::deliverDue() {
    const std::int64_t nowMs = now();
    auto c = m_db.acquire();
    if (!c) return c.error();
    // Pending jobs and jobs whose lease ran out (the process sending them died: at least once).
    auto due = (*c)->query(
        "SELECT id FROM alert_deliveries WHERE status IN ('pending', 'in_flight') AND next_attempt_ms <= ? "
        "ORDER BY next_attempt_ms LIMIT 50",
        {nowMs});
    if (!due) return due.error();
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    int sent = 0;
    for (const auto& d : *due) {
        const std::int64_t id = d.i64(0);
        // The claim: a second kairosd's UPDATE finds the lease moved and takes nothing.
        auto claimed = (*c)->query(
            "UPDATE alert_deliveries SET status = 'in_flight', attempts = attempts + 1, next_attempt_ms = ?, updated_ms = ? "
            "WHERE id = ? AND status IN ('pending', 'in_flight') AND next_attempt_ms <= ? RETURNING attempts",
            {nowMs + kLeaseMs, nowMs, id, nowMs});
        if (!claimed) return claimed.error();
        if (claimed->empty()) continue;
        const int attempts = static_cast<int>(claimed->front().i64(0));
        auto job = db::queryOne(**c,
                                "SELECT f.payload, ch.id, ch.kind, ch.name, ch.enabled, ch.settings, ch.secret_enc "
                                "FROM alert_deliveries d JOIN alert_firings f ON f.id = d.firing_id "
                                "LEFT JOIN alert_channels ch ON ch.id = d.channel_id WHERE d.id = ?",
                                {id});
        if (!job) return job.error();
        DeliveryOutcome outcome;
        if (!*job) continue;
        const db::Row& row = **job;
        auto payload = core::payloadFromJson(row.text(0));
        ServerChannel channel;
        std::string secret;
        if (row.isNull(1)) {
            outcome.reply = "the channel was deleted";
        } else if (!payload) {
            outcome.reply = "damaged firing: " + payload.message();
        } else {
            channel.id = row.i64(1);
            channel.kind = core::channelKindFromString(row.text(2)).value_or(core::ChannelKind::Webhook);
            channel.name = row.text(3);
            channel.enabled = row.i64(4) != 0;
            readSettings(row.text(5), channel);
            bool ready = true;
            if (!row.isNull(6)) {
                if (!m_box) {
                    outcome.reply =
                        "kairosd has no alerts secret key (alerts_secret_key_file or KAIROSD_ALERTS_SECRET_KEY) to "
                        "decrypt this channel's secret";
                    ready = false;
                } else if (auto open = m_box->open(row.text(6)); !open) {
                    outcome.reply =
                        "cannot decrypt the channel's secret: kairosd's alerts secret key is not the one it was "
                        "stored with (was alerts_secret_key_file changed?); store the secret again";
                    ready = false;
                } else {
                    secret = *open;
                }
            } else if (needsSecret(channel.kind)) {
                outcome.reply = "the channel has no secret";
                ready = false;
            }
            if (ready)
                outcome =
                    sendThrough(channel, secret, *payload, id, nowMs / 1000, m_options.mail, nowMs, m_options.httpTimeoutMs);
        }
        Status st;
        if (outcome.ok) {
            ++sent;
            st = db::exec(**c, "UPDATE alert_deliveries SET status = 'sent', last_reply = ?, updated_ms = ? WHERE id = ?",
                          {outcome.reply, nowMs, id});
        } else if (outcome.transient && attempts < core::DeliveryQueue::kMaxAttempts) {
            std::uniform_real_distribution<double> unit(0.0, 1.0);
            const std::int64_t delay = outcome.retryAfterMs ? *outcome.retryAfterMs : core::backoffDelayMs(attempts, unit(rng));
            st = db::exec(**c,
                          "UPDATE alert_deliveries SET status = 'pending', next_attempt_ms = ?, last_error = ?, updated_ms = ? "
                          "WHERE id = ?",
                          {nowMs + delay, outcome.reply, nowMs, id});
        } else {
            st = db::exec(**c, "UPDATE alert_deliveries SET status = 'failed', last_error = ?, updated_ms = ? WHERE id = ?",
                          {outcome.reply, nowMs, id});
        }
        if (!st) return st.error();
    }
    return sent;
}

Result<std::unique_ptr<AlertsModule>> startForServer(const ServerConfig& config, http::Router& router, db::Database& db,
                                                     accounts::AccountService& accountService) {
    auto options = optionsFromConfig(config);
    if (!options) return options.error();
    auto m = std::make_unique<AlertsModule>(db, accountService, std::move(*options));
    m->addRoutes(router);
    m->start();
    return m;
}

}  // namespace kairos::server::alerts
