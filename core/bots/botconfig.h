#pragma once
// A strategy bot as the profile keeps it (bots::BotStore): which strategy with which parameters,
// on which symbols and timeframe, on which trading account, sized how, and what it does when it is
// stopped; plus its state and last error. Plain values; validate() and makeStrategy() check them.

#include "backtest/builtins.h"
#include "backtest/formulastrategy.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "trading/accountinfo.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::bots {

/// Where a bot is. Running: fed closed bars, trades. Paused: fed closed bars, sends no new entries
/// (orders that reduce its own position, and cancels, still go; working orders stay). Stopped: not
/// fed. Error: stopped by a failure (lastError says which).
enum class BotState : std::uint8_t { Stopped = 1, Running, Paused, Error };
/// "stopped", "running", "paused", "error".
std::string_view toString(BotState state);
std::optional<BotState> botStateFromString(std::string_view text);

/// Builtin: one of core/backtest/builtins.h by name (the signal strategy is the built-in "signal").
/// Formula: FormulaStrategy with the bot's formulas.
enum class StrategyKind : std::uint8_t { Builtin = 1, Formula };

struct FormulaSpec {
    std::string entry;
    std::string exit;
    std::string stop;
    std::string target;
    bool shortEntries = false;
    friend bool operator==(const FormulaSpec&, const FormulaSpec&) = default;
};

struct BotConfig {
    std::int64_t id = 0;  ///< the profile's id; 0 before it is saved
    std::string name;     ///< unique in the profile, 1..80 characters
    StrategyKind strategyKind = StrategyKind::Builtin;
    std::string strategy = "sma_cross";  ///< Builtin: the built-in's name
    backtest::ParamValues params;        ///< Builtin: its parameters (missing ones at their defaults)
    FormulaSpec formula;                 ///< Formula: its formulas
    std::vector<std::string> symbols;    ///< "BTCUSDT" or "BINANCE:BTCUSDT"; at least one
    Timeframe timeframe = Timeframe::H1;
    std::int64_t accountId = 0;  ///< trading account id in the profile
    backtest::OrderSizing sizing;
    bool flattenOnStop = false;  ///< a stop cancels its orders and closes its position
    BotState state = BotState::Stopped;
    std::string lastError;
    std::optional<std::int64_t> lastBarMs;  ///< close time of the last bar it handled (UTC ms)
};

/// Error naming the first field that is wrong: empty or long name, unknown built-in, parameter out
/// of its range, a formula that does not parse, no symbol, bad sizing, no account.
Status validate(const BotConfig& config);
/// A fresh strategy for `config` (validate() first). Error says why not.
Result<std::unique_ptr<backtest::Strategy>> makeStrategy(const BotConfig& config);
/// "sma_cross(fast=10,slow=30)" or "formula(entry=...)": for logs and the journal's origin.
std::string strategyLabel(const BotConfig& config);

/// "fast=10;slow=30" (keys sorted, numbers in shortest form).
std::string formatParams(const backtest::ParamValues& params);
/// Inverse of formatParams(); Error naming the piece that is not KEY=NUMBER.
Result<backtest::ParamValues> parseParams(std::string_view text);
/// Sizing as stored: kind ("quantity", "notional", "percent_equity", "risk_per_trade") and value text.
std::pair<std::string, std::string> formatSizing(const backtest::OrderSizing& sizing);
Result<backtest::OrderSizing> parseSizing(std::string_view kind, std::string_view value);

/// A symbol of a bot as an instrument of `account`: "BINANCE:BTCUSDT" as given, "BTCUSDT" on the
/// account's exchange (testnet/live) or on BINANCE (paper: the bundled data's venue).
Result<InstrumentId> instrumentFor(std::string_view symbol, const trading::AccountInfo& account);

/// The prefix of every client order id a bot sends on one instrument ("kb" + 6 hex digits), the same
/// across restarts and edits of its strategy or timeframe: a restart finds its orders and fills by it.
std::string botTag(std::int64_t botId, std::int64_t accountId, const InstrumentId& instrument);

}  // namespace kairos::bots
