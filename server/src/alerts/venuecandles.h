#pragma once
// The candles server-side alerts read: closed bars of one instrument and timeframe from the public
// REST API of the instrument's venue, requested and parsed as core's market-data clients do (the
// venue's interval spelling and candle parser from core/marketdata's codecs), over libcurl, since
// kairosd's alerts thread has no Qt event loop. Venues: BINANCE (GET /api/v3/klines) and BYBIT
// (GET /v5/market/kline, category spot); the others' instruments are reported as not run.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kairos::server::alerts {

/// REST base URLs (no trailing slash) per venue.
struct VenueUrls {
    std::string binance = "https://api.binance.com";
    std::string bybit = "https://api.bybit.com";
};

/// Why kairosd cannot read `tf` candles of `venue` ("" when it can).
std::string venueUnsupported(const std::string& venue, Timeframe tf);

/// The newest closed bars (up to 1,000) of `id` on `tf` at `nowMs`, oldest first, each once. Error
/// saying which request failed and why.
Result<std::vector<Bar>> fetchClosedBars(const VenueUrls& urls, const InstrumentId& id, Timeframe tf, std::int64_t nowMs,
                                         int timeoutMs);

}  // namespace kairos::server::alerts
