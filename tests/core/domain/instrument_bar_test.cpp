#include "domain/bar.h"
#include "domain/instrument.h"

#include <gtest/gtest.h>

using namespace kairos;

namespace {
Bar bar(const char* o, const char* h, const char* l, const char* c) {
    Bar b;
    b.openTimeMs = 1600560000000LL;
    b.open = *Price::parse(o);
    b.high = *Price::parse(h);
    b.low = *Price::parse(l);
    b.close = *Price::parse(c);
    b.volume = *Quantity::parse("1168.906046");
    return b;
}
}  // namespace

TEST(InstrumentId, ParsesVenueAndSymbol) {
    auto id = InstrumentId::parse("binance:BTCUSDT");
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(id->venue, "BINANCE");
    EXPECT_EQ(id->symbol, "BTCUSDT");
    EXPECT_EQ(id->toString(), "BINANCE:BTCUSDT");
    EXPECT_EQ(InstrumentId::parse("COINBASE:BTC-USD")->symbol, "BTC-USD");
    EXPECT_EQ(InstrumentId::parse("KRAKEN:BTC/USD")->symbol, "BTC/USD");
    EXPECT_FALSE(InstrumentId::parse("BTCUSDT").ok());
    EXPECT_FALSE(InstrumentId::parse(":BTCUSDT").ok());
    EXPECT_FALSE(InstrumentId::parse("BINANCE:").ok());
    EXPECT_FALSE(InstrumentId::parse("BIN ANCE:BTC").ok());
}

TEST(Instrument, TickAndLotChecks) {
    Instrument i;
    i.id = *InstrumentId::parse("BINANCE:BTCUSDT");
    i.baseAsset = "BTC";
    i.quoteAsset = "USDT";
    i.tickSize = *Price::parse("0.01000000");
    i.lotSize = *Quantity::parse("0.00001000");
    EXPECT_EQ(i.displayName(), "BTC/USDT");
    EXPECT_TRUE(i.checkPrice(*Price::parse("68123.45")).ok());
    auto bad = i.checkPrice(*Price::parse("68123.455"));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("not a multiple"), std::string::npos);
    EXPECT_TRUE(i.checkQuantity(*Quantity::parse("0.00123")).ok());
    EXPECT_FALSE(i.checkQuantity(*Quantity::parse("0.000001")).ok());
}

TEST(Bar, ValidRealBarPasses) {
    // First row of binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv
    EXPECT_TRUE(bar("11080.64", "11080.64", "11042.7", "11056").validate().ok());
    // Zero-volume flat bar (2021-02-11 03:00 in the same file) is valid.
    EXPECT_TRUE(bar("1", "1", "1", "1").validate().ok());
}

TEST(Bar, InvalidBarsNameTheField) {
    auto highLow = bar("100", "99", "98", "98.5").validate();
    ASSERT_FALSE(highLow.ok());
    EXPECT_EQ(highLow.message(), "high 99 is below open 100");
    auto highClose = bar("98", "99", "97", "100").validate();
    EXPECT_EQ(highClose.message(), "high 99 is below close 100");
    auto lowOpen = bar("98", "101", "99", "100").validate();
    EXPECT_EQ(lowOpen.message(), "low 99 is above open 98");
    auto lowClose = bar("100", "101", "99.5", "99").validate();
    EXPECT_EQ(lowClose.message(), "low 99.5 is above close 99");
    EXPECT_EQ(bar("0", "1", "0", "1").validate().message(), "open 0 is not positive");
    Bar negVol = bar("1", "1", "1", "1");
    negVol.volume = *Quantity::parse("-1");
    EXPECT_EQ(negVol.validate().message(), "volume -1 is negative");
}
