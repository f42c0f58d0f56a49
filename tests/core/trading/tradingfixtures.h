#pragma once
// Shared set-up for the trading tests: real Binance BTCUSDT bars and the symbol's real filters.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "marketdata/csvimport.h"
#include "marketdata/replayfeed.h"
#include "testdata.h"
#include "trading/order.h"
#include "trading/papervenue.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace kairos {
/// gtest prints decimals as text ("11056.00") instead of their bytes.
template <class Tag>
void PrintTo(const Fixed<Tag>& v, std::ostream* os) {
    *os << v.toString();
}
}  // namespace kairos

namespace kairos::trading::test {

inline Price px(const char* s) { return Price::parse(s).value(); }
inline Quantity qty(const char* s) { return Quantity::parse(s).value(); }
inline Money money(const char* s) { return Money::parse(s).value(); }

/// BINANCE:BTCUSDT with Binance's spot filters (PRICE_FILTER tickSize 0.01, LOT_SIZE stepSize
/// 0.00001, NOTIONAL minNotional 5).
inline Instrument btcusdt() {
    Instrument i;
    i.id = InstrumentId{"BINANCE", "BTCUSDT"};
    i.baseAsset = "BTC";
    i.quoteAsset = "USDT";
    i.tickSize = px("0.01");
    i.lotSize = qty("0.00001");
    i.minNotional = money("5");
    i.pricePrecision = 2;
    i.quantityPrecision = 5;
    return i;
}

/// Real Binance spot BTCUSDT 1h bars from 2020-09-20 00:00 UTC (resources/data or shared/data).
inline const std::vector<Bar>& btcHourBars() {
    static const std::vector<Bar> bars = [] {
        auto r = marketdata::readBarsCsv(kairos::test::realData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        if (!r) throw std::runtime_error(r.message());
        return r->bars;
    }();
    return bars;
}

inline OrderRequest request(Side side, OrderType type, const char* quantity) {
    OrderRequest r;
    r.instrument = btcusdt().id;
    r.side = side;
    r.type = type;
    r.quantity = qty(quantity);
    return r;
}

/// The fills among events.
inline std::vector<Fill> fillsOf(const OrderEvents& events) {
    std::vector<Fill> out;
    for (const auto& e : events)
        if (e.fill) out.push_back(*e.fill);
    return out;
}

/// Paper trading of BTCUSDT on a replay of `bars` (1h): the venue knows the instrument and gets the
/// feed's trades.
inline void paperOnReplay(PaperAccount& paper, marketdata::ReplayFeed& feed, const std::vector<Bar>& bars) {
    PaperVenue& venue = paper.venue();
    feed.addSeries(btcusdt().id, Timeframe::H1, bars);
    feed.subscribeTrades(btcusdt().id);
    venue.setInstrumentResolver([](const InstrumentId& id) -> std::optional<Instrument> {
        if (id == btcusdt().id) return btcusdt();
        return std::nullopt;
    });
    QObject::connect(&feed, &marketdata::ReplayFeed::tradeReceived, &venue, &PaperVenue::onTrade);
}

}  // namespace kairos::trading::test
