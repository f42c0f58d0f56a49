#pragma once
// Instruments: what is traded where, with the venue's trading rules.

#include "domain/decimal.h"
#include "util/result.h"

#include <functional>
#include <string>
#include <string_view>

namespace kairos {

/// Venue + venue symbol, written "BINANCE:BTCUSDT". Venue is upper-case; the symbol is kept as
/// the venue spells it (Coinbase "BTC-USD", Kraken "BTC/USD").
struct InstrumentId {
    std::string venue;
    std::string symbol;

    std::string toString() const { return venue + ":" + symbol; }
    /// Parses "VENUE:SYMBOL"; the venue is upper-cased. Error names what is missing.
    static Result<InstrumentId> parse(std::string_view text);

    friend bool operator==(const InstrumentId&, const InstrumentId&) = default;
    friend auto operator<=>(const InstrumentId&, const InstrumentId&) = default;
};

/// An instrument with the venue's rules (loaded from the venue's symbol list, or defaults for
/// imported files). Precisions are decimal places.
struct Instrument {
    InstrumentId id;
    std::string baseAsset;   ///< "BTC"
    std::string quoteAsset;  ///< "USDT"
    Price tickSize;          ///< smallest price step
    Quantity lotSize;        ///< smallest quantity step
    Money minNotional;       ///< smallest price*quantity accepted, in the quote asset
    int pricePrecision = 8;
    int quantityPrecision = 8;

    /// "BTC/USDT" when the assets are known, else the venue symbol.
    std::string displayName() const;
    /// Error when `price` is not a multiple of the tick size (tick size zero: any price).
    Status checkPrice(const Price& price) const;
    /// Error when `qty` is not a multiple of the lot size.
    Status checkQuantity(const Quantity& qty) const;
};

}  // namespace kairos

template <>
struct std::hash<kairos::InstrumentId> {
    std::size_t operator()(const kairos::InstrumentId& id) const noexcept {
        return std::hash<std::string>{}(id.venue) * 31u ^ std::hash<std::string>{}(id.symbol);
    }
};
