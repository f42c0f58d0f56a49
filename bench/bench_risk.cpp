// Pre-trade risk check cost per order (issue 13 target: < 2 µs): RiskManager::check with every rule
// on, against a paper account holding a position, for an order that passes every rule (the
// longest path: every rule evaluated).
#include "trading/papervenue.h"
#include "trading/riskmanager.h"

#include <chrono>
#include <cstdio>

using namespace kairos;
using namespace kairos::trading;

int main() {
    ManualClock clock(1'600'560'000'000);
    PaperAccount paper(nullptr, PaperSettings{}, &clock);
    Instrument btc;
    btc.id = InstrumentId{"BINANCE", "BTCUSDT"};
    btc.baseAsset = "BTC";
    btc.quoteAsset = "USDT";
    btc.tickSize = *Price::parse("0.01");
    btc.lotSize = *Quantity::parse("0.00001");
    btc.minNotional = *Money::parse("5");
    btc.pricePrecision = 2;
    btc.quantityPrecision = 5;
    paper.venue().setInstrumentResolver([btc](const InstrumentId& id) -> std::optional<Instrument> {
        if (id == btc.id) return btc;
        return std::nullopt;
    });
    if (!paper.open()) return 1;
    Trade t;
    t.timeMs = clock.nowMs();
    t.price = *Price::parse("11080.64");  // BTCUSDT 2020-09-20 00:00 open (bundled Binance 1h file)
    t.quantity = *Quantity::parse("0.1");
    t.tradeId = "1";
    paper.venue().onTrade(btc.id, t);
    OrderRequest buy;
    buy.instrument = btc.id;
    buy.side = Side::Buy;
    buy.type = OrderType::Market;
    buy.quantity = *Quantity::parse("0.01");
    (void)paper.account().submit(buy);

    RiskLimits limits;
    limits.allowedSymbols = {"ETHUSDT", "BTCUSDT"};
    limits.maxOrdersPerMinute = 1'000'000'000;
    limits.maxOrderValue = *Money::parse("100000");
    limits.maxPositionQuantity = *Quantity::parse("10");
    limits.maxPositionPercent = 100;
    limits.maxOpenPositions = 5;
    limits.maxDailyLoss = *Money::parse("1000");
    RiskManager risk(paper.account(), limits);
    const IVenue& venue = paper.account().venue();
    const int n = 200'000;
    int passed = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) passed += risk.check(buy, venue) ? 1 : 0;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("BENCH risk.check.ns_per_order %.0f ns\n", secs * 1e9 / n);
    return passed == n ? 0 : 2;
}
