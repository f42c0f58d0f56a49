#pragma once
// Kraken spot WebSocket v2 and REST messages (shared/reference/EXCHANGES.md §4). Prices and
// quantities arrive as JSON numbers with full engine precision ("0.566", "1e-08"): their text is
// read exactly, never through a double. Times are RFC 3339. The L2 book checksum is CRC32 over the
// top 10 levels formatted at the pair's price/qty precision (bookChecksum()).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "marketdata/marketdatatypes.h"
#include "marketdata/orderbook.h"
#include "util/result.h"

#include <QByteArray>

#include <optional>
#include <string_view>
#include <vector>

namespace kairos::marketdata::kraken {

enum class EventKind : std::uint8_t {
    Unknown = 1,
    Trades,       ///< channel "trade"
    Tickers,      ///< channel "ticker" (best bid/ask + 24 h)
    Ohlc,         ///< channel "ohlc" (no closed flag: a bar closes when the next one starts)
    Book,         ///< channel "book"
    Instruments,  ///< channel "instrument": pair precisions
    Heartbeat,
    Status,
    Ack,  ///< {"method":"subscribe"|"unsubscribe", "success":..}
    Pong,
};

struct TickerItem {
    std::string_view symbol;
    Quote quote;
    Ticker24h ticker;
};
struct BarItem {
    std::string_view symbol;
    Timeframe timeframe = Timeframe::M1;
    Bar bar;
};
struct PairInfo {
    std::string_view symbol;
    int pricePrecision = 0;
    int qtyPrecision = 0;
};

struct Event {
    EventKind kind = EventKind::Unknown;
    bool snapshot = false;  ///< "type": "snapshot"
    std::vector<Trade> trades;
    std::vector<std::string_view> tradeSymbols;  ///< parallel to trades
    std::vector<TickerItem> tickers;
    std::vector<BarItem> bars;
    std::vector<PairInfo> pairs;
    std::string_view symbol;            ///< Book
    std::vector<BookLevel> bids, asks;  ///< Book, in message order
    std::uint32_t checksum = 0;
    bool hasChecksum = false;
    std::int64_t timeMs = 0;
    bool success = false;     ///< Ack
    std::string_view method;  ///< Ack: subscribe / unsubscribe
    std::string_view error;   ///< Ack error text
    std::string_view system;  ///< Status: online, maintenance, ...
};

Status decode(std::string_view json, Event& out);

/// OHLC interval in minutes for a timeframe; nullopt when Kraken has none.
std::optional<int> intervalFor(Timeframe tf);
std::optional<Timeframe> timeframeFor(int intervalMinutes);

/// The documented CRC32 (EXCHANGES.md §4.3): asks low -> high then bids high -> low, top 10 each,
/// price and qty at the given precisions, '.' removed, leading zeros stripped.
std::uint32_t bookChecksum(const OrderBook& book, int pricePrecision, int qtyPrecision);
/// CRC32 (zlib polynomial) of `data`.
std::uint32_t crc32(std::string_view data);

/// REST /0/public/OHLC: every row of the first pair in "result" (the last one is the running
/// interval; the caller drops it); `last` gets result.last (seconds).
Result<std::vector<Bar>> parseOhlc(std::string_view json, std::int64_t* last = nullptr);
/// REST /0/public/AssetPairs: instruments keyed by the WS v2 symbol (XBT -> BTC, XDG -> DOGE);
/// `altnames` gets the REST pair name per instrument (same order).
Result<std::vector<Instrument>> parseAssetPairs(const QByteArray& json, std::vector<std::string>* altnames = nullptr,
                                                const std::string& venue = "KRAKEN");
/// The "error" array of a REST body joined with "; " (empty when there is none).
std::string restErrors(std::string_view json);

/// "BTC/USD" -> "XBTUSD" (REST pair name when AssetPairs has not been loaded).
std::string restPairGuess(const std::string& wsSymbol);

}  // namespace kairos::marketdata::kraken
