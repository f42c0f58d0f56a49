#pragma once
// Binance spot message formats (shared/reference/EXCHANGES.md §1): WebSocket stream payloads
// (combined `{"stream":..,"data":..}` or raw), control replies, and the REST bodies the adapter
// reads. Decoding is a hand-written scan over the known shapes (detail/jsonscan.h) straight into
// domain types with exact decimals; an Event is reused between calls so the hot path does not
// allocate.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "marketdata/marketdatatypes.h"
#include "util/result.h"

#include <QByteArray>

#include <cstdint>
#include <string_view>
#include <vector>

namespace kairos::marketdata::binance {

enum class EventKind : std::uint8_t {
    Unknown = 1,     ///< a message this decoder does not know (skipped by the adapter)
    Trade,           ///< <symbol>@trade
    AggTrade,        ///< <symbol>@aggTrade
    BookTicker,      ///< <symbol>@bookTicker
    Ticker,          ///< <symbol>@ticker (24hrTicker)
    MiniTicker,      ///< <symbol>@miniTicker
    Kline,           ///< <symbol>@kline_<interval>
    DepthUpdate,     ///< <symbol>@depth[@100ms]
    ControlResult,   ///< {"result":...,"id":N}
    ControlError,    ///< {"error":{"code":..,"msg":..},"id":N} or {"code":..,"msg":..}
    ServerShutdown,  ///< serverShutdown event: reconnect at once
};

/// A diff-depth event. Spot has no `pu` (prevFinalUpdateId stays -1); USD-M futures do.
struct DepthEvent {
    std::int64_t eventTimeMs = 0;
    std::int64_t firstUpdateId = 0;       ///< U
    std::int64_t finalUpdateId = 0;       ///< u
    std::int64_t prevFinalUpdateId = -1;  ///< pu (futures)
    std::vector<BookLevel> bids;
    std::vector<BookLevel> asks;
};

/// One decoded message. Views point into the decoded text and are valid while it lives.
struct Event {
    EventKind kind = EventKind::Unknown;
    std::string_view stream;  ///< combined stream name, empty for raw payloads
    std::string_view symbol;  ///< upper-case venue symbol ("BTCUSDT"), from the payload's "s"
    std::int64_t eventTimeMs = 0;
    Trade trade;
    Quote quote;                    ///< BookTicker; timeMs 0 when the venue sends none (spot)
    std::int64_t bookUpdateId = 0;  ///< BookTicker "u"
    Ticker24h ticker;
    Bar bar;  ///< Kline (closed = the "x" flag)
    Timeframe timeframe = Timeframe::M1;
    DepthEvent depth;
    std::int64_t requestId = -1;  ///< control replies
    std::int64_t errorCode = 0;
    std::string_view errorMessage;
};

/// Decodes a combined-stream message, a control reply, or a raw payload (detected from "e").
/// The error says what is wrong ("trade: bad price \"x\"", "not JSON"); `out.kind` then tells
/// which kind of message it was meant to be (Unknown if that is not known either).
Status decode(std::string_view json, Event& out);

/// Stream kind from a stream name ("btcusdt@kline_1m" -> Kline).
EventKind streamKind(std::string_view stream);

/// Lower-case stream name of a symbol and suffix: ("BTCUSDT", "trade") -> "btcusdt@trade".
QString streamName(std::string_view symbol, std::string_view suffix);

// ---- REST ----

/// REST /api/v3/depth.
struct DepthSnapshot {
    std::int64_t lastUpdateId = 0;
    std::vector<BookLevel> bids;
    std::vector<BookLevel> asks;
};

/// GET /api/v3/klines rows -> bars (closed = true; the caller decides about the last one).
Result<std::vector<Bar>> parseKlines(std::string_view json);
/// GET /api/v3/depth.
Result<DepthSnapshot> parseDepthSnapshot(std::string_view json);

/// GET /api/v3/exchangeInfo: instruments (filters PRICE_FILTER, LOT_SIZE, NOTIONAL or
/// MIN_NOTIONAL) and the REQUEST_WEIGHT limit per minute (0 when not listed).
struct ExchangeInfo {
    std::vector<Instrument> instruments;
    std::vector<std::string> statuses;  ///< per instrument: TRADING, HALT, BREAK, ...
    int requestWeightPerMinute = 0;
};
Result<ExchangeInfo> parseExchangeInfo(const QByteArray& json, const std::string& venue = "BINANCE");
/// Applies one `filters[]` entry to `inst` (exposed for tests on the documented filter examples).
Status applyFilter(const QByteArray& filterJson, Instrument& inst);

/// "code -1121: Invalid symbol." from an error body, or the body itself when it is not one.
QString errorText(const QByteArray& body);

}  // namespace kairos::marketdata::binance
