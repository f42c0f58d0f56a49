#pragma once
// BotManager: runs the profile's saved bots (BotStore) on their trading accounts through the same
// kernel as everything else: one BotStrategy + backtest::StrategyRunner per (bot, symbol) on the
// account, every order through the account's OrderGateway and RiskManager. The manager does not
// feed venues or subscribe feeds: its driver hands it each closed bar with onBar() after the venue
// has matched that bar (a paper account fed the replay's bars: PaperVenue::onBar first, then
// onBar() here, which makes a paper bot trade exactly as the backtest of those bars).
//
// - start(): the bot takes its own position from its own fills and adopts its own open orders by
//   client order id (BotStrategy), warms its indicators up on the bars the host gives before the
//   last bar it handled (or before now), then trades each new closed bar. A restart never doubles a
//   position. Bots left running or paused (a crash, a terminal restart) are started again by
//   restore() once their account is open.
// - pause(): no new entries; its orders and position stay managed (exits, stops, cancels still go).
// - stop(): optionally cancels its own orders and closes its own position (never other holdings).
// - stopAll(): the kill switch's first step — every bot stops before anything is flattened.
//
// Runners are kept as long as their account (an Account cannot forget an observer), under a child
// QObject of the Account; a stopped bot's runner is inert and reused by its next start.
//
// Thread: the accounts' (the GUI thread in the terminal, the main thread in kairos-cli).

#include "bots/botconfig.h"
#include "bots/botstore.h"
#include "bots/botstrategy.h"
#include "domain/bar.h"
#include "trading/account.h"

#include <QObject>
#include <QPointer>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kairos::bots {

namespace detail {
struct Leg;
}  // namespace detail

/// What the manager needs from its surroundings.
struct BotHost {
    /// The open account of that id; nullptr while it is not open.
    std::function<trading::Account*(std::int64_t accountId)> account;
    /// Closed bars of (instrument, tf) whose close time is <= untilMs, oldest first (the indicator
    /// warm-up of a starting bot; empty: none). May be unset.
    std::function<std::vector<Bar>(const InstrumentId&, Timeframe, std::int64_t untilMs)> history;
    /// Told once per order a bot sends, with its origin ("strategy SMA cross 10/30, ... (bot NAME)"),
    /// for the trade journal (trading::TradeJournal::setOrigin). May be unset.
    std::function<void(std::int64_t accountId, const trading::Order& order, const std::string& origin)> recordOrigin;
};

/// A bot's position and results, computed from its account's orders and fills.
struct BotStatus {
    struct Leg {
        InstrumentId instrument;
        Quantity position;
    };
    std::vector<Leg> legs;
    int openOrders = 0;
    Money todayPnl;  ///< net P&L of its trades closed today (UTC day of the account's clock)
    Money totalPnl;  ///< net of every fill of its orders plus its position at the last price
    int trades = 0;  ///< closed trades (round trips flat to flat)
    bool accountOpen = false;
    bool running = false;    ///< running or paused in this process now
    std::string lastSignal;  ///< "buy 0.05 BTCUSDT (entry-long)" — the latest decision
    std::int64_t lastSignalMs = 0;
};

class BotManager : public QObject {
    Q_OBJECT
public:
    /// `db` (schema 12) must outlive the manager.
    BotManager(storage::Database& db, BotHost host, QObject* parent = nullptr);
    ~BotManager() override;

    BotStore& store() { return m_store; }
    /// The saved bots (Error: an unreadable row, named).
    Result<std::vector<BotConfig>> bots() const { return m_store.list(); }

    /// Saves a new bot (stopped). Error: invalid or duplicate name.
    Result<std::int64_t> create(const BotConfig& config);
    /// Saves new settings of a bot that is not running.
    Status update(const BotConfig& config);
    /// Deletes a bot that is not running, with its log.
    Status remove(std::int64_t id);

    /// Starts a stopped bot, or resumes a paused one. Error (also stored as its last error, state
    /// Error) when its account is not open, a symbol has no trading rules, or the strategy fails.
    Status start(std::int64_t id);
    /// Running -> Paused.
    Status pause(std::int64_t id);
    /// Stops a running or paused bot; `flatten` (default: the bot's flattenOnStop) cancels its own
    /// orders and closes its own position first. A stored running/paused bot not running here is
    /// just marked stopped.
    Status stop(std::int64_t id, std::optional<bool> flatten = std::nullopt);
    /// Stops every bot of this process without flattening (the kill switch flattens after);
    /// `reason` goes to each bot's log. Returns how many were stopped.
    int stopAll(const std::string& reason);
    /// Starts again the bots stored running or paused whose account is open (after a restart).
    void restore();
    /// The account is about to close: its bots stop running here (their stored state is kept, so
    /// restore() picks them up when it opens again).
    void accountClosing(std::int64_t accountId);

    /// A closed bar of (instrument, tf): every running or paused bot on it decides. Bars at or
    /// before the last one a bot handled are ignored.
    void onBar(const InstrumentId& instrument, Timeframe tf, const Bar& bar);

    /// Runs a bot that is not saved (kairos-cli run --strategy): id < 0 is returned, no log or
    /// state is stored; `tag` is its client order id prefix (one symbol).
    Result<std::int64_t> startUnsaved(BotConfig config, const std::string& tag);

    bool isRunning(std::int64_t id) const { return m_running.count(id) != 0; }
    BotStatus status(const BotConfig& config) const;
    /// Running bots (here) on testnet or live accounts, by name.
    std::vector<std::string> liveRunning() const;
    /// The bot's own position in `instrument` (its account must be open).
    Quantity position(std::int64_t id, const InstrumentId& instrument) const;
    /// Orders rejected so far in this run (all legs).
    int rejected(std::int64_t id) const;
    /// Called with every event of every bot (after it is logged); e.g. kairos-cli prints them.
    void setEventListener(std::function<void(std::int64_t id, const BotEvent&)> listener) { m_listener = std::move(listener); }

Q_SIGNALS:
    /// A bot's settings, state, position or results may have changed.
    void botChanged(qint64 id);
    /// Bots were added or removed.
    void botsChanged();
    /// A line was added to the bot's log.
    void logAppended(qint64 id);
    /// The set of bots running on testnet/live accounts changed.
    void liveRunningChanged();

private:
    struct Running {
        BotConfig config;
        std::int64_t accountId = 0;
        QPointer<QObject> host;  ///< the account's detail::LegHost (gone with the account)
        std::vector<detail::Leg*> legs;
        bool saved = true;
    };
    Status fail(std::int64_t id, const std::string& message);
    void onEvent(std::int64_t id, const BotEvent& e);
    void log(std::int64_t id, BotLogKind kind, const std::string& symbol, const std::string& text,
             std::optional<std::int64_t> barMs = std::nullopt, const std::string& clientOrderId = {});
    Result<std::int64_t> launch(BotConfig config, const std::vector<std::string>& tags);
    void setState(std::int64_t id, BotState state, const std::string& error);
    std::int64_t nowMs(std::int64_t accountId) const;
    std::vector<std::string> tagsOf(const BotConfig& config, const trading::AccountInfo& info) const;

    BotStore m_store;
    BotHost m_host;
    std::map<std::int64_t, Running> m_running;
    std::map<std::int64_t, std::pair<std::string, std::int64_t>> m_lastSignal;
    std::function<void(std::int64_t, const BotEvent&)> m_listener;
    std::int64_t m_nextUnsaved = -1;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

/// "buy 0.05 ETHUSDT market": an event's order in words.
std::string describeOrder(const BotEvent& e);

}  // namespace kairos::bots
