#pragma once
// Market data values: candles (Bar), trades and best bid/ask quotes.

#include "domain/decimal.h"
#include "util/result.h"

#include <cstdint>
#include <string>

namespace kairos {

/// One candle. openTimeMs is the bar's open time (UTC ms); the bar covers
/// [openTimeMs, next bucket start). Prices and volumes are exact decimals.
struct Bar {
    std::int64_t openTimeMs = 0;
    Price open;
    Price high;
    Price low;
    Price close;
    Quantity volume;              ///< in the base asset (Binance kline field 5)
    Quantity quoteVolume;         ///< in the quote asset; zero when the source does not give it
    std::int64_t tradeCount = 0;  ///< 0 when unknown
    bool closed = true;           ///< false while the bar is still forming

    /// Checks high >= max(open, close), low <= min(open, close), low <= high, prices > 0 and
    /// volumes >= 0; the error names the field ("high 99 is below close 100").
    Status validate() const;

    friend bool operator==(const Bar&, const Bar&) = default;
};

enum class Side : std::uint8_t { Buy = 1, Sell = 2 };

/// One public trade. `aggressor` is the taker's side.
struct Trade {
    std::int64_t timeMs = 0;
    Price price;
    Quantity quantity;
    Side aggressor = Side::Buy;
    std::string tradeId;  ///< venue's id, as text (some venues use UUIDs)

    friend bool operator==(const Trade&, const Trade&) = default;
};

/// Best bid and ask.
struct Quote {
    std::int64_t timeMs = 0;
    Price bid;
    Quantity bidSize;
    Price ask;
    Quantity askSize;

    friend bool operator==(const Quote&, const Quote&) = default;
};

}  // namespace kairos
