#pragma once
// Coinbase Advanced Trade public market data (shared/reference/EXCHANGES.md §5.2): WebSocket
// messages {"channel", "timestamp", "sequence_num", "events": [{"type": "snapshot"|"update", ...}]}
// for market_trades, ticker, candles (5-minute buckets), l2_data (the level2 channel) and
// heartbeats; {"type": "error", "message"} errors; REST GET /api/v3/brokerage/market/products and
// .../products/{id}/candles ({"candles": [{"start", "low", "high", "open", "close", "volume"}]}).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "marketdata/marketdatatypes.h"
#include "util/result.h"

#include <QByteArray>

#include <optional>
#include <string_view>
#include <vector>

namespace kairos::marketdata::coinbase_at {

enum class EventKind : std::uint8_t {
    Unknown = 1,  ///< neither a channel nor an error: malformed
    Trades,       ///< market_trades
    Tickers,      ///< ticker / ticker_batch
    Candles,      ///< candles (5-minute buckets, no closed flag)
    Book,         ///< l2_data
    Heartbeats,
    Subscriptions,
    Error,  ///< {"type":"error","message":...}
    Other,  ///< status and channels the adapter does not use
};

struct TickerItem {
    std::string_view productId;
    Quote quote;
    Ticker24h ticker;
};
struct CandleItem {
    std::string_view productId;
    Bar bar;
};
struct BookItem {
    std::string_view productId;
    bool snapshot = false;
    std::vector<BookLevel> bids, asks;  ///< absolute quantities in message order; 0 removes
};

struct Event {
    EventKind kind = EventKind::Unknown;
    std::string_view channel;
    std::int64_t sequenceNum = -1;
    std::int64_t timeMs = 0;  ///< envelope timestamp
    std::vector<Trade> trades;
    std::vector<std::string_view> tradeProducts;  ///< parallel to trades
    std::vector<TickerItem> tickers;
    std::vector<CandleItem> candles;
    std::vector<BookItem> books;
    std::string_view message;  ///< Error
};

/// Decodes one WebSocket message. The event refers into `json`.
Status decode(std::string_view json, Event& out);

/// REST granularity name ("ONE_MINUTE", ...); nullopt when there is none.
std::optional<std::string_view> granularityFor(Timeframe tf);
std::optional<Timeframe> timeframeFor(std::string_view granularity);

/// GET .../market/products/{id}/candles -> bars as sent (closed = true).
Result<std::vector<Bar>> parseCandles(std::string_view json);
/// GET .../market/products: price_increment (or quote_increment) = tick, base_increment = lot,
/// quote_min_size = minimum notional.
Result<std::vector<Instrument>> parseProducts(const QByteArray& json, const std::string& venue = "COINBASE_ADVANCED");

}  // namespace kairos::marketdata::coinbase_at
