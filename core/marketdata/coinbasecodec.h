#pragma once
// Coinbase Exchange public messages (shared/reference/EXCHANGES.md §5.1): the WebSocket feed
// ({"type": "match" | "last_match" | "ticker" | "snapshot" | "l2update" | "heartbeat" |
// "subscriptions" | "error" | ...}) and the REST bodies the adapter reads (GET /products, GET
// /products/{id}/candles). Prices and sizes are decimal strings; times are ISO 8601 / RFC 3339.
// Unknown message types are to be ignored (Coinbase's rule), not counted as malformed.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "marketdata/marketdatatypes.h"
#include "util/result.h"

#include <QByteArray>

#include <optional>
#include <string_view>
#include <vector>

namespace kairos::marketdata::coinbase {

enum class EventKind : std::uint8_t {
    Unknown = 1,    ///< no "type": malformed
    Match,          ///< "match" (matches channel)
    LastMatch,      ///< "last_match": the last trade before the subscription
    Ticker,         ///< "ticker": best bid/ask + last trade + 24 h
    Snapshot,       ///< "snapshot": the whole L2 book (level2 / level2_batch)
    L2Update,       ///< "l2update": absolute sizes, "0" removes
    Heartbeat,      ///< "heartbeat": sequence, last_trade_id
    Subscriptions,  ///< the reply to subscribe/unsubscribe
    Error,          ///< {"type":"error","message","reason"}
    Other,          ///< a type the adapter does not use (status, auction, ...): ignored
};

struct Event {
    EventKind kind = EventKind::Unknown;
    std::string_view type;
    std::string_view productId;
    Trade trade;               ///< Match / LastMatch (aggressor = the taker = opposite of "side")
    std::int64_t tradeId = 0;  ///< Match / LastMatch / Ticker; Heartbeat: last_trade_id
    std::int64_t sequence = 0;
    Quote quote;                        ///< Ticker
    Ticker24h ticker;                   ///< Ticker
    std::vector<BookLevel> bids, asks;  ///< Snapshot; L2Update changes per side, in message order
    std::int64_t timeMs = 0;
    std::string_view message;  ///< Error
    std::string_view reason;   ///< Error
};

/// Decodes one WebSocket message. The event refers into `json`.
Status decode(std::string_view json, Event& out);
/// The "type" a kind is sent as ("match", "l2update", ...; the names of the malformed-message
/// counts); empty for Unknown and Other.
std::string_view typeName(EventKind kind);

/// Candle granularity in seconds (60, 300, 900, 3600, 21600, 86400); nullopt when there is none.
std::optional<int> granularityFor(Timeframe tf);
std::optional<Timeframe> timeframeFor(int granularitySeconds);

/// GET /products/{id}/candles: rows [time (s), low, high, open, close, volume] (note the order),
/// as sent (newest first in practice).
Result<std::vector<Bar>> parseCandles(std::string_view json);
/// GET /products: quote_increment = tick, base_increment = lot, min_market_funds = min notional.
Result<std::vector<Instrument>> parseProducts(const QByteArray& json, const std::string& venue = "COINBASE");
/// The "message" of a REST error body ({"message": "..."}), or empty.
std::string restMessage(std::string_view json);

}  // namespace kairos::marketdata::coinbase
