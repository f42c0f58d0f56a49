#pragma once
// OKX v5 public messages (shared/reference/EXCHANGES.md §3): WebSocket pushes
// {"arg":{"channel","instId"},"action"?,"data":[...]} for trades, bbo-tbt, tickers, candle*,
// books; events (subscribe acks, errors, the 64008 upgrade notice); the text "pong"; and the REST
// bodies the adapter reads ({"code":"0","msg":"","data":[...]}). All numbers are strings.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "marketdata/marketdatatypes.h"
#include "util/result.h"

#include <QByteArray>

#include <optional>
#include <string_view>
#include <vector>

namespace kairos::marketdata::okx {

enum class EventKind : std::uint8_t {
    Unknown = 1,
    Trades,   ///< trades / trades-all
    Quote,    ///< bbo-tbt
    Ticker,   ///< tickers
    Candles,  ///< candle<bar>
    Book,     ///< books, books5, books50-l2-tbt, books-l2-tbt
    Event,    ///< {"event": "subscribe" | "unsubscribe" | "error" | "notice", ...}
    Pong,     ///< the text "pong"
};

struct Event {
    EventKind kind = EventKind::Unknown;
    std::string_view channel;
    std::string_view instId;
    std::vector<Trade> trades;
    Quote quote;
    Ticker24h ticker;
    Timeframe timeframe = Timeframe::M1;
    std::vector<Bar> bars;  ///< closed = confirm "1"
    bool snapshot = false;  ///< books "action": "snapshot"
    std::vector<BookLevel> bids, asks;
    std::int64_t seqId = 0;
    std::int64_t prevSeqId = 0;
    std::int64_t timeMs = 0;
    std::string_view event;  ///< Event
    std::string_view code;   ///< Event: "60012", "64008", ...
    std::string_view message;
};

/// Decodes one WebSocket message (JSON, or the text "pong").
Status decode(std::string_view json, Event& out);

/// OKX bar spelling for a timeframe, UTC-aligned ("1m", "1H", "1Dutc"); nullopt when OKX has none.
std::optional<std::string_view> barFor(Timeframe tf);
std::optional<Timeframe> timeframeFor(std::string_view bar);

/// GET /api/v5/market/history-candles (or candles): rows newest first -> bars as sent.
Result<std::vector<Bar>> parseCandles(std::string_view json);
/// GET /api/v5/public/instruments?instType=SPOT.
Result<std::vector<Instrument>> parseInstruments(const QByteArray& json, const std::string& venue = "OKX");
/// The envelope's "code" ("0" = ok), or empty when the body is not an envelope.
std::string envelopeCode(std::string_view json);

}  // namespace kairos::marketdata::okx
