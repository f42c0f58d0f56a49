#pragma once
// Bybit v5 public spot messages (shared/reference/EXCHANGES.md §2): WebSocket topics
// publicTrade / orderbook.{depth} / tickers / kline.{interval}, control replies (subscribe acks,
// pong), and the REST bodies the adapter reads. Hand-written scan into domain types with exact
// decimals; the Event is reused between calls. Key order is not relied on (Bybit spot puts "ts"
// before "type").

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "marketdata/marketdatatypes.h"
#include "util/result.h"

#include <QByteArray>

#include <optional>
#include <string_view>
#include <vector>

namespace kairos::marketdata::bybit {

enum class EventKind : std::uint8_t {
    Unknown = 1,
    Trades,   ///< publicTrade.{symbol}: one or more trades
    Book,     ///< orderbook.{depth}.{symbol}: snapshot or delta
    Ticker,   ///< tickers.{symbol}
    Kline,    ///< kline.{interval}.{symbol}: one or more bars
    Control,  ///< {"success":..,"ret_msg":..,"op":..} (subscribe ack, pong)
};

struct Event {
    EventKind kind = EventKind::Unknown;
    std::string_view topic;
    std::string_view symbol;            ///< from the topic ("BTCUSDT")
    std::int64_t timeMs = 0;            ///< "ts"
    bool snapshot = false;              ///< "type": "snapshot" (vs "delta")
    std::vector<Trade> trades;          ///< Trades
    int bookDepth = 0;                  ///< Book: depth from the topic
    std::vector<BookLevel> bids, asks;  ///< Book levels (absolute sizes; "0" deletes)
    std::int64_t updateId = 0;          ///< Book "u" (1 = service restart: treat as a snapshot)
    std::int64_t crossSeq = 0;          ///< Book "seq"
    Ticker24h ticker;
    Timeframe timeframe = Timeframe::M1;
    std::vector<Bar> bars;     ///< Kline (closed = "confirm")
    bool success = false;      ///< Control
    std::string_view op;       ///< Control: "subscribe", "unsubscribe", "ping", "pong"
    std::string_view message;  ///< Control "ret_msg"
};

/// Decodes one WebSocket message.
Status decode(std::string_view json, Event& out);

/// Bybit kline interval for a timeframe ("1", "60", "D", "W", "M"); nullopt when Bybit has none.
std::optional<std::string_view> intervalFor(Timeframe tf);
std::optional<Timeframe> timeframeFor(std::string_view interval);

/// GET /v5/market/kline: rows (newest first as sent; returned as sent) -> bars (closed = true).
/// Error carries retCode/retMsg when retCode != 0.
Result<std::vector<Bar>> parseKlines(std::string_view json);
/// GET /v5/market/instruments-info?category=spot.
Result<std::vector<Instrument>> parseInstruments(const QByteArray& json, const std::string& venue = "BYBIT");
/// retCode of a REST envelope (0 = ok), or nullopt when the body is not one.
std::optional<std::int64_t> retCode(std::string_view json);

}  // namespace kairos::marketdata::bybit
