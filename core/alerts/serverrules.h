#pragma once
// What kairosd can run of a rule marked "keep running on the server" (AlertRule::server), so that
// the terminal refuses what it cannot before the rule is synced, and the plan limit the terminal
// checks before it marks one more (kairosd refuses a sync push over it, which would stop sync).
//
// kairosd reads candles over REST (server/src/alerts/venuecandles.h), so it runs every condition
// kind (price levels, channels, formulas, signals, moves, volume spikes, the 24h change, drawn
// lines, watchlist rules) on the last price of Binance and Bybit instruments, on timeframes of a
// fixed length. It cannot run bid/ask/mid price sources (candles carry no quotes), other venues
// (a watchlist rule runs on the symbols it can read and the server names the others) or
// calendar timeframes.

#include "alerts/alertrule.h"

#include <string>
#include <string_view>

namespace kairos::alerts {

/// The venues kairosd reads candles from.
inline constexpr std::string_view kServerVenues[] = {"BINANCE", "BYBIT"};

/// Why kairosd cannot run `rule` ("" when it can), in words for the user.
std::string serverUnsupported(const AlertRule& rule);

/// Why marking one more rule "keep running on the server" is refused ("" when it fits): `limit` is
/// the plan's number of server alerts (negative: not known, nothing refused), `others` the
/// profile's other rules marked so, `plan` "free" or "pro".
std::string serverLimitProblem(int limit, int others, std::string_view plan);

}  // namespace kairos::alerts
