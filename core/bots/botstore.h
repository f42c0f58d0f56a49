#pragma once
// BotStore: the profile's strategy bots and their logs (schema step 12: tables bots, bot_log).
// A row that cannot be read back as a valid BotConfig (edited by hand, written by a newer Kairos)
// gives an Error naming the bot and the field, never a half-read bot.
//
// Thread: the one that owns the Database connection (the GUI thread in the terminal).

#include "bots/botconfig.h"
#include "storage/database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kairos::bots {

/// What a log line is about.
enum class BotLogKind : std::uint8_t {
    Decision = 1,  ///< the strategy decided to send an order (bar time, reason = the strategy's order id)
    Sent,          ///< sent to a network venue, its answer pending
    Rejected,      ///< refused by a pre-trade check or the venue (the reason)
    Fill,          ///< one of its orders filled (price, quantity, fee)
    Cancelled,     ///< one of its orders was cancelled
    Skipped,       ///< paused: an entry it did not send
    State,         ///< started, paused, stopped, resumed (what it adopted)
    Error,         ///< a failure that stopped it
};
std::string_view toString(BotLogKind kind);
std::optional<BotLogKind> botLogKindFromString(std::string_view text);

struct BotLogEntry {
    std::int64_t seq = 0;  ///< order of writing (assigned by the store)
    std::int64_t botId = 0;
    std::int64_t timeMs = 0;            ///< when it happened (the account's clock, UTC ms)
    std::optional<std::int64_t> barMs;  ///< close time of the bar it was decided on / filled in
    BotLogKind kind = BotLogKind::State;
    std::string symbol;
    std::string text;
    std::string clientOrderId;
};

class BotStore {
public:
    /// `db` must outlive the store and be at schema 12 or later.
    explicit BotStore(storage::Database& db) : m_db(db) {}

    /// Every bot, by name. Error (naming the bot and field) when a row is invalid.
    Result<std::vector<BotConfig>> list() const;
    /// nullopt when there is no such bot.
    Result<std::optional<BotConfig>> get(std::int64_t id) const;
    Result<std::optional<BotConfig>> findByName(const std::string& name) const;
    /// Saves a new bot (validate()d; `config.id` ignored); its id. Error for a duplicate name.
    Result<std::int64_t> create(const BotConfig& config, std::int64_t nowMs);
    /// Saves the settings of an existing bot (not its state, error or cursor).
    Status update(const BotConfig& config, std::int64_t nowMs);
    /// Deletes a bot and its log.
    Status remove(std::int64_t id);
    Status setState(std::int64_t id, BotState state, const std::string& lastError, std::int64_t nowMs);
    Status setLastBar(std::int64_t id, std::int64_t closeMs);

    /// Appends a log line; its seq.
    Result<std::int64_t> appendLog(const BotLogEntry& entry);
    /// The newest `limit` lines of a bot, oldest first (optionally of one kind only).
    Result<std::vector<BotLogEntry>> log(std::int64_t botId, int limit = 1000,
                                         std::optional<BotLogKind> kind = std::nullopt) const;

private:
    Status write(const BotConfig& config, std::int64_t nowMs, bool insert, std::int64_t* newId);
    storage::Database& m_db;
};

}  // namespace kairos::bots
