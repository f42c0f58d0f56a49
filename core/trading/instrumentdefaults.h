#pragma once
// Trading rules for instruments whose venue list is not at hand (the bundled replay works
// offline): Binance spot's published filters for the bundled symbols, and a permissive fallback
// derived from a price for anything else.

#include "domain/instrument.h"

#include <optional>

namespace kairos::trading {

/// Binance spot filters (PRICE_FILTER tickSize, LOT_SIZE stepSize, NOTIONAL minNotional 5 USDT)
/// of BTCUSDT, ETHUSDT, BNBUSDT, SOLUSDT and XRPUSDT as Binance lists them (2025); nullopt for
/// any other instrument.
std::optional<Instrument> bundledInstrumentRules(const InstrumentId& id);

/// Rules for an instrument nothing is known about: tick = one unit of the last decimal of
/// `samplePrice` (11056.07 -> 0.01), lot 0.00000001, no minimum notional.
Instrument fallbackInstrumentRules(const InstrumentId& id, const Price& samplePrice);

}  // namespace kairos::trading
