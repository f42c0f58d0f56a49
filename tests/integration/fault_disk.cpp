// Fault injection on the disk (issue 12): the venue instrument cache (VenueDirectory, written with
// QSaveFile) on a small tmpfs that fills up and on a read-only mount. A refresh whose list cannot be
// saved says so (lastError), keeps the fetched list in memory, and leaves the previous cache file
// byte for byte with no temporary file beside it. Needs root to mount (CI runs as root).
#include "marketdata/venuedirectory.h"

#include "fakebinance.h"
#include "smalldisk.h"
#include "testdata.h"

#include <QSettings>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::marketdata;
using kairos::test::FakeBinance;
using kairos::test::fileBytes;
using kairos::test::SmallDisk;
using kairos::test::waitUntil;

namespace {

// exchangeInfo as the Binance spot API documents it: BTCUSDT and ETHBTC with the docs' filters.
QByteArray exchangeInfo(bool withEthBtc) {
    QByteArray symbols =
        R"({"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","baseAssetPrecision":8,"quoteAsset":"USDT","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
  {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},
  {"filterType":"NOTIONAL","minNotional":"5.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5}]})";
    if (withEthBtc)
        symbols +=
            R"(,{"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,"quoteAsset":"BTC","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"922327.00000000","tickSize":"0.00000100"},
  {"filterType":"LOT_SIZE","minQty":"0.00010000","maxQty":"100000.00000000","stepSize":"0.00010000"}]})";
    return R"({"timezone":"UTC","serverTime":1,"rateLimits":[],"symbols":[)" + symbols + "]}";
}

struct InstrumentCacheDiskFault : ::testing::Test {
    SmallDisk disk;
    QString settingsDir = QString::fromStdString(test::tempDir());
    QSettings settings{settingsDir + QStringLiteral("/kairos.ini"), QSettings::IniFormat};
    FakeBinance fake;
    QString cacheFile;
    QByteArray before;

    void SetUp() override {
        if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
        settings.setValue(QStringLiteral("marketdata/BINANCE/restUrl"), fake.http.url().toString());
        settings.setValue(QStringLiteral("marketdata/BINANCE/wsUrl"), fake.ws.url().toString());
        cacheFile = disk.path("BINANCE.json");
        // GIVEN a cached list of two instruments
        fake.setExchangeInfo(exchangeInfo(true));
        VenueDirectory d(disk.dir(), {QStringLiteral("BINANCE")}, &settings);
        QSignalSpy changed(&d, &VenueDirectory::instrumentsChanged);
        d.refresh(QStringLiteral("BINANCE"));
        ASSERT_TRUE(waitUntil([&] { return changed.size() == 1; }));
        ASSERT_TRUE(d.lastError(QStringLiteral("BINANCE")).isEmpty()) << d.lastError(QStringLiteral("BINANCE")).toStdString();
        before = fileBytes(cacheFile);
        ASSERT_TRUE(before.contains("ETHBTC"));
        // ... and the venue now lists one
        fake.setExchangeInfo(exchangeInfo(false));
    }

    /// Refreshes on the broken disk: the new list is served, the save failure reported, the old
    /// file kept, no stray file.
    void expectRefreshKeepsThePreviousCache(const QStringList& entries) {
        VenueDirectory d(disk.dir(), {QStringLiteral("BINANCE")}, &settings);
        QSignalSpy changed(&d, &VenueDirectory::instrumentsChanged);
        d.refresh(QStringLiteral("BINANCE"));
        ASSERT_TRUE(waitUntil([&] { return changed.size() == 1; }));
        EXPECT_EQ(d.instruments(QStringLiteral("BINANCE")).size(), 1u);
        const QString error = d.lastError(QStringLiteral("BINANCE"));
        EXPECT_TRUE(error.startsWith(QStringLiteral("could not write ") + cacheFile)) << error.toStdString();
        EXPECT_EQ(fileBytes(cacheFile), before);
        EXPECT_EQ(disk.entries(), entries);
    }
};

}  // namespace

TEST_F(InstrumentCacheDiskFault, ASaveOnAFullDiskKeepsThePreviousCache) {
    // WHEN the disk is full
    disk.fill();
    // THEN (see expectRefreshKeepsThePreviousCache)
    expectRefreshKeepsThePreviousCache({QStringLiteral("BINANCE.json"), QStringLiteral("filler")});
    // AND with room again the next refresh replaces it
    disk.unfill();
    VenueDirectory d(disk.dir(), {QStringLiteral("BINANCE")}, &settings);
    QSignalSpy changed(&d, &VenueDirectory::instrumentsChanged);
    d.refresh(QStringLiteral("BINANCE"));
    ASSERT_TRUE(waitUntil([&] { return changed.size() == 1; }));
    EXPECT_TRUE(d.lastError(QStringLiteral("BINANCE")).isEmpty());
    EXPECT_FALSE(fileBytes(cacheFile).contains("ETHBTC"));
}

TEST_F(InstrumentCacheDiskFault, ASaveOnAReadOnlyMountKeepsThePreviousCache) {
    ASSERT_TRUE(disk.setReadOnly(true));
    expectRefreshKeepsThePreviousCache({QStringLiteral("BINANCE.json")});
    ASSERT_TRUE(disk.setReadOnly(false));
}
