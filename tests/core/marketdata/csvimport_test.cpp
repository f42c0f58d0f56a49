#include "marketdata/csvimport.h"

#include "testdata.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace kairos;
using namespace kairos::marketdata;

TEST(CsvImport, BinanceKlineFileKnownAnswers) {
    // GIVEN the real Binance BTCUSDT 1h file (bundled copy of shared/data/candles/...)
    auto r = readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->format, CsvFormat::BinanceKline);
    ASSERT_EQ(r->bars.size(), 43803u);  // row count stated in shared/data/README.md
    const Bar& first = r->bars.front();
    EXPECT_EQ(first.openTimeMs, 1600560000000LL);
    // "11080.64,11080.64,11042.7,11056,1168.906046" as written in the file, exactly.
    EXPECT_EQ(first.open, *Price::parse("11080.64"));
    EXPECT_EQ(first.low, *Price::parse("11042.7"));
    EXPECT_EQ(first.close, *Price::parse("11056"));
    EXPECT_EQ(first.volume, *Quantity::parse("1168.906046"));
    EXPECT_EQ(first.open.scale(), r->priceScale);
    EXPECT_EQ(r->bars.back().openTimeMs, utcMs(2025, 9, 19, 22));
}

TEST(CsvImport, HeaderlessRawSpotArchive) {
    auto r = readBarsCsv(test::resourcesData("binance_spot_ADABTC-1m-2021-11-27.csv"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->format, CsvFormat::BinanceArchive);
    ASSERT_EQ(r->bars.size(), 10u);
    const Bar& b = r->bars.front();
    EXPECT_EQ(b.openTimeMs, 1637971200000LL);
    EXPECT_EQ(b.open.toString(), "0.00002853");
    EXPECT_EQ(b.volume.toString(), "36304.20000000");
    EXPECT_EQ(b.quoteVolume.toString(), "1.03547608");
    EXPECT_EQ(b.tradeCount, 79);
}

TEST(CsvImport, UsdmArchiveWithHeader) {
    auto r = readBarsCsv(test::resourcesData("binance_um_LINKUSDT-1m-2023-02-01.csv"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->format, CsvFormat::BinanceArchive);
    ASSERT_EQ(r->bars.size(), 1440u);
    EXPECT_EQ(r->bars.front().openTimeMs, utcMs(2023, 2, 1));
    EXPECT_EQ(r->bars.back().openTimeMs, utcMs(2023, 2, 1, 23, 59));
    EXPECT_GT(r->bars.front().tradeCount, 0);
}

TEST(CsvImport, YahooDaily) {
    auto r = readBarsCsv(test::resourcesData("orcl-1995-2014.txt"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->format, CsvFormat::Yahoo);
    ASSERT_EQ(r->bars.size(), 5036u);
    EXPECT_EQ(r->bars.front().openTimeMs, utcMs(1995, 1, 3));
    EXPECT_EQ(r->bars.front().open.toString(), "2.179012");
    EXPECT_EQ(r->bars.front().volume.toTrimmedString(), "36301200");
}

TEST(CsvImport, BacktraderDailyWithOpenInterest) {
    auto r = readBarsCsv(test::resourcesData("2006-volume-day-001.txt"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->format, CsvFormat::OhlcvOi);
    ASSERT_EQ(r->bars.size(), 255u);
    EXPECT_EQ(r->bars.front().close.toTrimmedString(), "3617");
    EXPECT_EQ(r->bars.front().volume.toTrimmedString(), "164794");
}

TEST(CsvImport, BacktraderIntradayFormatsFromSharedData) {
    if (test::sharedData().empty()) {
        // Without ../shared/data the bundled 2006-day file covers the format; nothing more to check.
        SUCCEED();
        return;
    }
    // Header "Date,Time,..." with 8 columns.
    auto five = readBarsCsv(test::sharedData("backtrader/2006-min-005.txt"));
    ASSERT_TRUE(five.ok()) << five.message();
    ASSERT_EQ(five->bars.size(), 2142u);
    EXPECT_EQ(five->bars.front().openTimeMs, utcMs(2006, 1, 2, 9, 5));
    // Header without Time but 8-field rows, CRLF line endings (a real anomaly of this file).
    auto minute = readBarsCsv(test::sharedData("backtrader/2006-01-02-volume-min-001.txt"));
    ASSERT_TRUE(minute.ok()) << minute.message();
    ASSERT_EQ(minute->bars.size(), 30889u);
    EXPECT_EQ(minute->bars.front().openTimeMs, utcMs(2006, 1, 2, 9, 1));
    // The last row is 2006-02-27 22:00:00 (shared/data/README.md says 20:04; the file itself says 22:00).
    EXPECT_EQ(minute->bars.back().openTimeMs, utcMs(2006, 2, 27, 22, 0));
}

namespace {
std::string realHead(int lines) {
    const std::string all = test::readFile(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    std::size_t pos = 0;
    for (int i = 0; i < lines; ++i) pos = all.find('\n', pos) + 1;
    return all.substr(0, pos);
}
std::string replaceLine(std::string text, int lineNo, const std::string& with) {
    std::size_t start = 0;
    for (int i = 1; i < lineNo; ++i) start = text.find('\n', start) + 1;
    const std::size_t end = text.find('\n', start);
    return text.replace(start, end - start, with);
}
}  // namespace

TEST(CsvImport, CorruptRowNamesFileLineAndReason) {
    // GIVEN real rows with line 4 edited so that its high is below its open
    const std::string text = replaceLine(realHead(10), 4, "1600567200000,10939.63,10900,10913,10918.19,1372.808095");
    auto r = parseBarsCsv(text, "btc.csv");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "btc.csv:4: high 10900 is below open 10939.63");
}

TEST(CsvImport, BadNumbersAndOrderAreRejected) {
    const std::string head = realHead(6);
    auto sci = parseBarsCsv(replaceLine(head, 3, "1600563600000,1.1e4,11056,10921,10939.63,2716.57855"), "f.csv");
    ASSERT_FALSE(sci.ok());
    EXPECT_NE(sci.message().find("f.csv:3: open: number \"1.1e4\" uses scientific notation"), std::string::npos) << sci.message();
    auto dup = parseBarsCsv(replaceLine(head, 3, "1600560000000,11056,11056,10921,10939.63,2716.57855"), "f.csv");
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.message().find("f.csv:3: time 2020-09-20T00:00:00.000Z is not after"), std::string::npos) << dup.message();
    auto fields = parseBarsCsv(replaceLine(head, 5, "1600570800000,10918.37,10954.92"), "f.csv");
    ASSERT_FALSE(fields.ok());
    EXPECT_EQ(fields.message(), "f.csv:5: expected 6 fields, found 3");
    auto badTime = parseBarsCsv(replaceLine(head, 2, "yesterday,1,1,1,1,1"), "f.csv");
    ASSERT_FALSE(badTime.ok());
    EXPECT_NE(badTime.message().find("f.csv:2: open time"), std::string::npos);
}

TEST(CsvImport, EmptyAndUnknownFilesAreClearErrors) {
    EXPECT_EQ(parseBarsCsv("", "e.csv").message(), "e.csv: the file is empty");
    auto unknown = parseBarsCsv("a,b,c\n1,2,3\n", "u.csv");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.message().find("u.csv:1: unrecognised header"), std::string::npos);
    auto missing = readBarsCsv("/nonexistent/x.csv");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.message().find("cannot open"), std::string::npos);
}

TEST(CsvImport, InfersInstrumentAndTimeframeFromBinanceNames) {
    auto a = inferFromFileName("/x/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    ASSERT_TRUE(a.instrument && a.timeframe);
    EXPECT_EQ(a.instrument->toString(), "BINANCE:BTCUSDT");
    EXPECT_EQ(*a.timeframe, Timeframe::H1);
    auto b = inferFromFileName("binance_um_LINKUSDT-1m-2023-02.csv");
    EXPECT_EQ(b.instrument->toString(), "BINANCE_UM:LINKUSDT");
    EXPECT_EQ(*b.timeframe, Timeframe::M1);
    auto c = inferFromFileName("BTCUSDT-1M-2021-11.csv");
    EXPECT_EQ(c.instrument->toString(), "BINANCE:BTCUSDT");
    EXPECT_EQ(*c.timeframe, Timeframe::MN1);
    auto d = inferFromFileName("orcl-1995-2014.txt");
    EXPECT_FALSE(d.instrument.has_value());
    EXPECT_FALSE(d.timeframe.has_value());
    auto e = inferFromFileName("2006-day-001.txt");
    EXPECT_FALSE(e.instrument.has_value());
}

namespace {
// The first rows of Binance's spot archive DOGEUSDT-1s-2025-01-01.csv as quoted in
// binance/binance-public-data issue #386: 12 columns, open and close times in microseconds.
const std::string kDogeMicrosecondRows =
    "1735689600000000,0.31600000,0.31600000,0.31600000,0.31600000,27.00000000,1735689600999999,8.53200000,1,"
    "0.00000000,0.00000000,0\n"
    "1735689601000000,0.31601000,0.31601000,0.31601000,0.31601000,17.00000000,1735689601999999,5.37217000,5,"
    "17.00000000,5.37217000,0\n"
    "1735689602000000,0.31601000,0.31601000,0.31601000,0.31601000,0.00000000,1735689602999999,0.00000000,0,"
    "0.00000000,0.00000000,0\n";
}  // namespace

TEST(CsvImport, SpotArchiveSince2025InMicrosecondsIsReadAsMilliseconds) {
    auto r = parseBarsCsv(kDogeMicrosecondRows, "DOGEUSDT-1s-2025-01-01.csv");
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->format, CsvFormat::BinanceArchive);
    EXPECT_EQ(r->timeUnit, CsvTimeUnit::Microseconds);
    ASSERT_EQ(r->bars.size(), 3u);
    EXPECT_EQ(r->bars[0].openTimeMs, utcMs(2025, 1, 1));
    EXPECT_EQ(r->bars[2].openTimeMs, utcMs(2025, 1, 1, 0, 0, 2));
    EXPECT_EQ(r->bars[1].quoteVolume.toString(), "5.37217000");
    EXPECT_EQ(r->bars[1].tradeCount, 5);
}

TEST(CsvImport, MillisecondFilesKeepTheirUnit) {
    auto r = readBarsCsv(test::resourcesData("binance_spot_ADABTC-1m-2021-11-27.csv"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->timeUnit, CsvTimeUnit::Milliseconds);
    EXPECT_EQ(r->bars.front().openTimeMs, 1637971200000LL);
}

TEST(CsvImport, TimesOutside1970To2100AreRefusedWithFileAndLine) {
    // A December 2024 row (ms) followed by the 2025 rows (µs): a concatenation of two archives.
    const std::string dec2024 =
        "1735689599000,0.31550000,0.31600000,0.31550000,0.31600000,12.00000000,1735689599999,3.79000000,2,"
        "0.00000000,0.00000000,0\n";
    auto mixed = parseBarsCsv(dec2024 + kDogeMicrosecondRows, "doge.csv");
    ASSERT_FALSE(mixed.ok());
    EXPECT_NE(mixed.message().find("doge.csv:2: open time 1735689600000000 is not between 1970 and 2100 in "
                                   "milliseconds, the unit of the file's first row (line 1)"),
              std::string::npos)
        << mixed.message();
    // Nanoseconds fit no unit.
    auto nanos = parseBarsCsv("open_time,open,high,low,close,volume\n173568960000000000,1,1,1,1,1\n", "ns.csv");
    ASSERT_FALSE(nanos.ok());
    EXPECT_NE(nanos.message().find("ns.csv:2: open time 173568960000000000 is not between 1970 and 2100"), std::string::npos)
        << nanos.message();
    // Dates too.
    auto far = parseBarsCsv("Date,Open,High,Low,Close,Adj Close,Volume\n2200-01-03,1,1,1,1,1,1\n", "far.csv");
    ASSERT_FALSE(far.ok());
    EXPECT_NE(far.message().find("far.csv:2: date \"2200-01-03\" is not between 1970 and 2100"), std::string::npos)
        << far.message();
}

TEST(CsvImport, SyntheticPriceThatOverflowsAtTheFilesDecimalsIsAnErrorNotAnAbort) {
    // 1000 at the 17 decimals of 0.30000000000000004 is 1e20, beyond 64 bits.
    const std::string text =
        "open_time,open,high,low,close,volume\n"
        "1735689600000,1000,1000,1000,1000,1\n"
        "1735689660000,0.30000000000000004,0.30000000000000004,0.30000000000000004,"
        "0.30000000000000004,1\n";
    auto r = parseBarsCsv(text, "wide.csv");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(),
              "wide.csv:2: open 1000 does not fit 64 bits at 17 decimals, the most this file uses "
              "(line 3); round the file's numbers to fewer decimals");
    // The same for volumes.
    auto v = parseBarsCsv(
        "open_time,open,high,low,close,volume\n1735689600000,1,1,1,1,100\n"
        "1735689660000,1,1,1,1,0.000000000000000001\n",
        "vol.csv");
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.message().find("vol.csv:2: volume 100 does not fit 64 bits at 18 decimals"), std::string::npos) << v.message();
}

TEST(CsvImport, FolderMissingFileAndHeaderOnlyAreTold) {
    auto dir = readBarsCsv(test::tempDir());
    ASSERT_FALSE(dir.ok());
    EXPECT_NE(dir.message().find("is a folder, not a candle file"), std::string::npos) << dir.message();
    auto missing = readBarsCsv(test::tempDir() + "/BTCUSDT-1h-gone.csv");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.message().find("no such file"), std::string::npos) << missing.message();
    auto headerOnly = parseBarsCsv("open_time,open,high,low,close,volume\n", "h.csv");
    ASSERT_FALSE(headerOnly.ok());
    EXPECT_EQ(headerOnly.message(), "h.csv: the file has a header but no rows of bars");
}
