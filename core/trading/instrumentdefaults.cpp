#include "trading/instrumentdefaults.h"

#include <array>
#include <string_view>

namespace kairos::trading {

namespace {
struct Known {
    std::string_view symbol, base, tick, lot;
};
constexpr std::array<Known, 5> kBinanceSpot{{
    {"BTCUSDT", "BTC", "0.01", "0.00001"},
    {"ETHUSDT", "ETH", "0.01", "0.0001"},
    {"BNBUSDT", "BNB", "0.01", "0.001"},
    {"SOLUSDT", "SOL", "0.01", "0.001"},
    {"XRPUSDT", "XRP", "0.0001", "0.1"},
}};
}  // namespace

std::optional<Instrument> bundledInstrumentRules(const InstrumentId& id) {
    if (id.venue != "BINANCE") return std::nullopt;
    for (const Known& k : kBinanceSpot) {
        if (id.symbol != k.symbol) continue;
        Instrument i;
        i.id = id;
        i.baseAsset = std::string(k.base);
        i.quoteAsset = "USDT";
        i.tickSize = Price::parse(k.tick).value();
        i.lotSize = Quantity::parse(k.lot).value();
        i.minNotional = Money::fromRaw(5, 0);
        i.pricePrecision = i.tickSize.scale();
        i.quantityPrecision = i.lotSize.scale();
        return i;
    }
    return std::nullopt;
}

Instrument fallbackInstrumentRules(const InstrumentId& id, const Price& samplePrice) {
    Instrument i;
    i.id = id;
    i.tickSize = Price::fromRaw(1, samplePrice.scale());
    i.lotSize = Quantity::fromRaw(1, 8);
    i.minNotional = Money::fromRaw(0, 0);
    i.pricePrecision = samplePrice.scale();
    i.quantityPrecision = 8;
    return i;
}

}  // namespace kairos::trading
