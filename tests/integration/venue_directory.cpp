// VenueDirectory against the local Binance server: instrument lists fetched, cached with an
// atomic replace and served offline after a restart; an unreachable venue is reported with its
// reason, not retried for long; venue settings with environment overrides.

#include "marketdata/venuedirectory.h"

#include "fakebinance.h"
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::marketdata;
using kairos::test::FakeBinance;
using kairos::test::waitUntil;

namespace {

// exchangeInfo as the Binance spot API documents it (filters from the docs' filter examples).
const char* kExchangeInfo =
    R"({"timezone":"UTC","serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200}],
  "symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","baseAssetPrecision":8,"quoteAsset":"USDT","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
  {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},
  {"filterType":"NOTIONAL","minNotional":"5.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5}]},
  {"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,"quoteAsset":"BTC","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"922327.00000000","tickSize":"0.00000100"},
  {"filterType":"LOT_SIZE","minQty":"0.00010000","maxQty":"100000.00000000","stepSize":"0.00010000"}]}]})";

struct EnvGuard {
    QByteArray name;
    explicit EnvGuard(const char* n, const char* value) : name(n) { qputenv(n, value); }
    ~EnvGuard() { qunsetenv(name.constData()); }
};

struct VenueDirectoryTest : ::testing::Test {
    QString dir = QString::fromStdString(test::tempDir());
    QString cache = dir + QStringLiteral("/instruments");
    std::unique_ptr<QSettings> settings = std::make_unique<QSettings>(dir + QStringLiteral("/kairos.ini"), QSettings::IniFormat);
    FakeBinance fake;

    void pointAt(const QUrl& rest, const QUrl& ws) {
        settings->setValue(QStringLiteral("marketdata/BINANCE/restUrl"), rest.toString());
        settings->setValue(QStringLiteral("marketdata/BINANCE/wsUrl"), ws.toString());
    }
};

}  // namespace

TEST_F(VenueDirectoryTest, InstrumentsAreFetchedCachedAndServedOfflineAfterARestart) {
    fake.setExchangeInfo(kExchangeInfo);
    pointAt(fake.http.url(), fake.ws.url());
    {
        VenueDirectory d(cache, {QStringLiteral("binance")}, settings.get());
        EXPECT_TRUE(d.instruments(QStringLiteral("BINANCE")).empty());
        QSignalSpy changed(&d, &VenueDirectory::instrumentsChanged);
        d.refreshAll();
        ASSERT_TRUE(waitUntil([&] { return changed.size() == 1; }));
        EXPECT_EQ(changed[0][0].toString(), QStringLiteral("BINANCE"));
        EXPECT_TRUE(d.isReachable(QStringLiteral("BINANCE")));
        ASSERT_EQ(d.instruments(QStringLiteral("BINANCE")).size(), 2u);
        const Instrument* btc = d.find({"BINANCE", "BTCUSDT"});
        ASSERT_NE(btc, nullptr);
        EXPECT_EQ(btc->displayName(), "BTC/USDT");
        EXPECT_EQ(btc->tickSize.toTrimmedString(), "0.01");
        EXPECT_EQ(btc->minNotional.toTrimmedString(), "5");
        EXPECT_TRUE(QFile::exists(cache + QStringLiteral("/BINANCE.json")));
    }
    // Restart with the venue unreachable (a port nobody listens on): the cached list is served,
    // the failure is reported with a reason, and nothing is lost from the cache.
    QTcpServer closed;
    ASSERT_TRUE(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    pointAt(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port)));
    VenueDirectory d(cache, {QStringLiteral("BINANCE")}, settings.get());
    ASSERT_EQ(d.instruments(QStringLiteral("BINANCE")).size(), 2u);
    EXPECT_EQ(d.instruments(QStringLiteral("BINANCE"))[1].id.symbol, "ETHBTC");
    EXPECT_EQ(d.instruments(QStringLiteral("BINANCE"))[1].tickSize.toTrimmedString(), "0.000001");
    QSignalSpy failed(&d, &VenueDirectory::refreshFailed);
    d.refresh(QStringLiteral("BINANCE"));
    ASSERT_TRUE(waitUntil([&] { return failed.size() == 1; }, 30'000));
    EXPECT_FALSE(d.isReachable(QStringLiteral("BINANCE")));
    EXPECT_FALSE(failed[0][1].toString().isEmpty());
    EXPECT_EQ(d.lastError(QStringLiteral("BINANCE")), failed[0][1].toString());
    EXPECT_EQ(d.instruments(QStringLiteral("BINANCE")).size(), 2u);
}

TEST_F(VenueDirectoryTest, ACorruptCacheIsReportedAndRefetched) {
    QDir().mkpath(cache);
    QFile f(cache + QStringLiteral("/BINANCE.json"));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("[{\"venue\":\"BINANCE\",\"symbol\":\"BTCUSDT\",\"tickSize\":\"0.0.1\"");  // truncated mid-write
    f.close();
    fake.setExchangeInfo(kExchangeInfo);
    pointAt(fake.http.url(), fake.ws.url());
    VenueDirectory d(cache, {QStringLiteral("BINANCE")}, settings.get());
    EXPECT_TRUE(d.instruments(QStringLiteral("BINANCE")).empty());
    EXPECT_TRUE(d.lastError(QStringLiteral("BINANCE")).contains(QStringLiteral("unreadable")));
    QSignalSpy changed(&d, &VenueDirectory::instrumentsChanged);
    d.refreshAll();
    ASSERT_TRUE(waitUntil([&] { return changed.size() == 1; }));
    EXPECT_EQ(d.instruments(QStringLiteral("BINANCE")).size(), 2u);
    EXPECT_TRUE(d.lastError(QStringLiteral("BINANCE")).isEmpty());
    QFile again(cache + QStringLiteral("/BINANCE.json"));
    ASSERT_TRUE(again.open(QIODevice::ReadOnly));
    auto parsed = instrumentsFromJson(again.readAll());
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    EXPECT_EQ(parsed->size(), 2u);
}

TEST_F(VenueDirectoryTest, ADisabledVenueHasNoFeedAndSaysWhy) {
    VenueDirectory d(cache, {QStringLiteral("BINANCE")}, settings.get());
    QString why;
    EXPECT_EQ(d.feed(QStringLiteral("OKX"), &why), nullptr);
    EXPECT_TRUE(why.contains(QStringLiteral("OKX is not enabled")));
    EXPECT_NE(d.feed(QStringLiteral("binance")), nullptr);
    EXPECT_EQ(d.feeds().size(), 1u);
}

TEST_F(VenueDirectoryTest, SettingsThenEnvironmentOverrideTheDefaults) {
    VenueSettings defaults;
    defaults.enabled = {QStringLiteral("BINANCE")};
    auto v = readVenueSettings(settings.get(), defaults);
    ASSERT_TRUE(v.ok()) << v.message();
    EXPECT_EQ(v->enabled, QStringList{QStringLiteral("BINANCE")});
    EXPECT_EQ(v->defaultVenue, QStringLiteral("BINANCE"));
    EXPECT_EQ(v->source, DataSource::Replay);

    VenueSettings chosen;
    chosen.enabled = {QStringLiteral("OKX"), QStringLiteral("BYBIT")};
    chosen.defaultVenue = QStringLiteral("BYBIT");
    chosen.source = DataSource::Live;
    writeVenueSettings(*settings, chosen);
    settings->sync();
    QSettings reread(settings->fileName(), QSettings::IniFormat);
    v = readVenueSettings(&reread, defaults);
    ASSERT_TRUE(v.ok()) << v.message();
    EXPECT_EQ(v->enabled, (QStringList{QStringLiteral("OKX"), QStringLiteral("BYBIT")}));
    EXPECT_EQ(v->defaultVenue, QStringLiteral("BYBIT"));
    EXPECT_EQ(v->source, DataSource::Live);
    {
        EnvGuard venues("KAIROS_VENUES", "binance, okx");
        EnvGuard source("KAIROS_MARKETDATA_SOURCE", "replay");
        v = readVenueSettings(&reread, defaults);
        ASSERT_TRUE(v.ok()) << v.message();
        EXPECT_EQ(v->enabled, (QStringList{QStringLiteral("BINANCE"), QStringLiteral("OKX")}));
        EXPECT_EQ(v->source, DataSource::Replay);
    }
    {
        EnvGuard venues("KAIROS_VENUES", "none");
        v = readVenueSettings(&reread, defaults);
        ASSERT_TRUE(v.ok());
        EXPECT_TRUE(v->enabled.isEmpty());
    }
    {
        EnvGuard venues("KAIROS_VENUES", "BINANCE,MTGOX");
        v = readVenueSettings(&reread, defaults);
        ASSERT_FALSE(v.ok());
        EXPECT_NE(v.message().find("MTGOX"), std::string::npos);
        EXPECT_NE(v.message().find("supported: BINANCE"), std::string::npos);
    }
    {
        EnvGuard source("KAIROS_MARKETDATA_SOURCE", "paper");
        v = readVenueSettings(&reread, defaults);
        ASSERT_FALSE(v.ok());
        EXPECT_NE(v.message().find("neither"), std::string::npos);
    }
}
