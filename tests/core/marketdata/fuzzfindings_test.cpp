// Inputs the fuzz targets (tests/fuzz) found to overflow 64-bit time arithmetic in the REST
// decoders (undefined behaviour; a garbage open time in practice). Each is now a malformed-input
// error. The raw inputs are replayed by fuzz_<target>_inputs (tests/fuzz/regressions/).
#include "marketdata/coinbaseatcodec.h"
#include "marketdata/krakencodec.h"

#include <gtest/gtest.h>

using namespace kairos;

TEST(FuzzFindings, KrakenOhlcTimeTooLargeForMillisecondsIsAnError) {
    // Kraken's documented OHLC body (tests/data/feeds/kraken/spec-rest-ohlc.json) with a time of
    // 1.5e17 seconds, which does not fit 64 bits as milliseconds.
    const char* body =
        R"({"error":[],"result":{"XXBTZUSD":[[154811520048105800,"3533.4","3543.7","3530.7","3539.4","3539.8","83.09287787",232]],"last":154811160}})";
    EXPECT_FALSE(marketdata::kraken::parseOhlc(body).ok());
    // The same row with its real time decodes.
    const char* real =
        R"({"error":[],"result":{"XXBTZUSD":[[1548115200,"3533.4","3543.7","3530.7","3539.4","3539.8","83.09287787",232]],"last":154811160}})";
    auto bars = marketdata::kraken::parseOhlc(real);
    ASSERT_TRUE(bars.ok()) << bars.error().message;
    ASSERT_EQ(bars->size(), 1U);
    EXPECT_EQ((*bars)[0].openTimeMs, 1548115200000);
}

TEST(FuzzFindings, CoinbaseAdvancedCandleStartWiderThan64BitsIsAnError) {
    // Coinbase Advanced Trade's documented candles body with a "start" of 47 digits.
    const char* body =
        R"({"candles":[{"start":"16395080588888888888888888888888888888888888880","low":"140.21","high":"140.21","open":"140.21","close":"140.21","volume":"56437345"}]})";
    EXPECT_FALSE(marketdata::coinbase_at::parseCandles(body).ok());
    // 18 digits fit 64 bits as seconds but not as milliseconds.
    EXPECT_FALSE(
        marketdata::coinbase_at::parseCandles(
            R"({"candles":[{"start":"888888888888888888","low":"140.21","high":"140.21","open":"140.21","close":"140.21","volume":"56437345"}]})")
            .ok());
    const char* real =
        R"({"candles":[{"start":"1639508050","low":"140.21","high":"140.21","open":"140.21","close":"140.21","volume":"56437345"}]})";
    auto bars = marketdata::coinbase_at::parseCandles(real);
    ASSERT_TRUE(bars.ok()) << bars.error().message;
    ASSERT_EQ(bars->size(), 1U);
    EXPECT_EQ((*bars)[0].openTimeMs, 1639508050000);
}
