#pragma once
// Values the exchange adapters deliver beyond the MarketDataFeed port's Trade/Quote/Bar:
// the 24 h ticker and order-book levels. Prices and sizes are exact decimals as the venue sent them.

#include "domain/bar.h"
#include "domain/decimal.h"

#include <QMetaType>

#include <cstdint>
#include <vector>

namespace kairos::marketdata {

/// Rolling 24 h statistics of one instrument (Binance `24hrTicker`, Bybit/OKX `tickers`, ...).
/// Fields the venue does not send stay zero.
struct Ticker24h {
    std::int64_t timeMs = 0;  ///< event time (UTC ms)
    Price lastPrice;
    Price openPrice;  ///< price 24 h ago (or the venue's day open, see the venue notes)
    Price highPrice;
    Price lowPrice;
    Quantity volume;       ///< base asset
    Quantity quoteVolume;  ///< quote asset
    Price bid;             ///< best bid when the venue's ticker carries it
    Price ask;

    friend bool operator==(const Ticker24h&, const Ticker24h&) = default;
};

/// One price level of an L2 book. A zero quantity in an update removes the level.
struct BookLevel {
    Price price;
    Quantity quantity;

    friend bool operator==(const BookLevel&, const BookLevel&) = default;
};

/// The top of a book at one moment, for signals (the full book stays inside the feed).
struct BookTop {
    std::int64_t timeMs = 0;
    std::vector<BookLevel> bids;  ///< best first (descending price)
    std::vector<BookLevel> asks;  ///< best first (ascending price)
    std::int64_t updateId = 0;    ///< venue sequence / update id the book is at

    friend bool operator==(const BookTop&, const BookTop&) = default;
};

}  // namespace kairos::marketdata

Q_DECLARE_METATYPE(kairos::marketdata::Ticker24h)
Q_DECLARE_METATYPE(kairos::marketdata::BookTop)
