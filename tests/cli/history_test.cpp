// kairos-cli history against the local fake Binance: downloads into the profile's candle store,
// pages within the venue limit, backs off on 429, fetches only what is missing on a second run.
#include "fakebinance.h"
#include "fakecoinbase.h"
#include "fakekraken.h"
#include "testdata.h"

#include "storage/candlestore.h"
#include "storage/database.h"

#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace kairos;
using kairos::test::FakeBinance;
using kairos::test::waitUntil;

namespace {

struct CliRun {
    int code = -1;
    QString out, err;
};

CliRun runCli(const QStringList& args, const QProcessEnvironment& env) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(KAIROS_CLI_PATH), args);
    EXPECT_TRUE(p.waitForStarted(10'000));
    // The fake server lives in this process: keep its event loop running while the CLI works.
    if (!waitUntil([&] { return p.state() == QProcess::NotRunning; }, 120'000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

struct CliHistory : ::testing::Test {
    FakeBinance fake;
    QTemporaryDir profile;
    std::vector<Bar> bars = test::readKlineCsv(test::fixture("feeds/binance/BTCUSDT_1m_2025-05-20_3000rows.csv"));

    void SetUp() override { fake.setKlines("BTCUSDT", Timeframe::M1, bars); }
    QProcessEnvironment env() const {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), profile.path());
        e.insert(QStringLiteral("KAIROS_BINANCE_REST_URL"), fake.http.url().toString());
        return e;
    }
    QStringList history(std::size_t from, std::size_t to) const {
        return {"--profile", profile.path(),
                "history",   "BINANCE",
                "BTCUSDT",   "1m",
                "--from",    QString::fromStdString(formatUtc(bars[from].openTimeMs)),
                "--to",      QString::number(bars[to].openTimeMs)};
    }
};

TEST_F(CliHistory, DownloadsARangeAcrossPagesIntoTheStore) {
    CliRun r = runCli(history(0, 2500), env());
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.startsWith(QStringLiteral("BINANCE:BTCUSDT 1m 2025-05-20T00:00:00.000Z .. ")));
    EXPECT_TRUE(r.out.contains(QStringLiteral(": 2500 bars written"))) << r.out.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("100% 2500/2500 bars"))) << r.err.toStdString();
    EXPECT_EQ(fake.http.requestCount("/api/v3/klines"), 3);

    auto db = storage::Database::openProfile(profile.path());
    ASSERT_TRUE(db.ok()) << db.message();
    storage::CandleStore store(**db);
    const InstrumentId id{"BINANCE", "BTCUSDT"};
    auto got = store.range(id, Timeframe::M1, bars[0].openTimeMs, bars[2500].openTimeMs);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->size(), 2500u);
    EXPECT_EQ((*got)[1234].close.toString(), bars[1234].close.toString());
    EXPECT_EQ((*got)[2499].volume.toString(), bars[2499].volume.toString());
    db->reset();

    // A wider second run fetches only the new tail.
    CliRun again = runCli(history(0, 2999), env());
    ASSERT_EQ(again.code, 0) << again.err.toStdString();
    EXPECT_TRUE(again.out.contains(QStringLiteral(": 499 bars written"))) << again.out.toStdString();
    EXPECT_EQ(fake.http.requestCount("/api/v3/klines"), 4);
    EXPECT_EQ(fake.http.requests("/api/v3/klines").last().query.queryItemValue("startTime").toLongLong(), bars[2500].openTimeMs);
}

TEST_F(CliHistory, RateLimitMakesItWaitNotLoop) {
    test::HttpReply limited = test::HttpReply::json(R"({"code":-1003,"msg":"Too many requests."})", 429);
    limited.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
    fake.http.queueReply("/api/v3/klines", limited);
    CliRun r = runCli(history(0, 100), env());
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("rate limited, waiting 1000 ms"))) << r.err.toStdString();
    EXPECT_EQ(fake.http.requestCount("/api/v3/klines"), 2);
    EXPECT_TRUE(r.out.contains(QStringLiteral(": 100 bars written")));
}

TEST_F(CliHistory, VenueErrorsAndUsageErrors) {
    CliRun r = runCli({"--profile", profile.path(), "history", "BINANCE", "NOSUCH", "1m", "--from", "2025-05-20"}, env());
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.contains(QStringLiteral("Invalid symbol"))) << r.err.toStdString();
    CliRun u = runCli({"--profile", profile.path(), "history", "BINANCE", "BTCUSDT", "1m"}, env());
    EXPECT_EQ(u.code, 2);
    EXPECT_TRUE(u.err.contains(QStringLiteral("--from")));
}

TEST_F(CliHistory, KrakenAndCoinbaseThroughTheirOwnCandleEndpoints) {
    test::FakeKraken kraken;
    test::FakeCoinbase coinbase;
    kraken.setBars("XBTUSD", Timeframe::M1, bars);  // REST pair name of BTC/USD
    coinbase.setBars("BTC-USD", Timeframe::M1, bars);
    QProcessEnvironment e = env();
    e.insert(QStringLiteral("KAIROS_KRAKEN_REST_URL"), kraken.http.url().toString());
    e.insert(QStringLiteral("KAIROS_COINBASE_REST_URL"), coinbase.http.url().toString());
    auto args = [&](const char* venue, const char* symbol, std::size_t from, std::size_t to) {
        return QStringList{"--profile", profile.path(),
                           "history",   venue,
                           symbol,      "1m",
                           "--from",    QString::number(bars[from].openTimeMs),
                           "--to",      QString::number(bars[to].openTimeMs)};
    };
    // Kraken serves only its newest 720 rows: a range inside them.
    CliRun k = runCli(args("KRAKEN", "BTC/USD", 2900, 2990), e);
    ASSERT_EQ(k.code, 0) << k.err.toStdString();
    EXPECT_TRUE(k.out.contains(QStringLiteral(": 90 bars written"))) << k.out.toStdString();
    EXPECT_EQ(kraken.http.requestCount("/0/public/OHLC"), 1);
    // Coinbase: 300 candles per request at most.
    CliRun c = runCli(args("COINBASE", "BTC-USD", 0, 650), e);
    ASSERT_EQ(c.code, 0) << c.err.toStdString();
    EXPECT_TRUE(c.out.contains(QStringLiteral(": 650 bars written"))) << c.out.toStdString();
    EXPECT_EQ(coinbase.http.requestCount("/products/BTC-USD/candles"), 3);

    auto db = storage::Database::openProfile(profile.path());
    ASSERT_TRUE(db.ok()) << db.message();
    storage::CandleStore store(**db);
    auto kb = store.range({"KRAKEN", "BTC/USD"}, Timeframe::M1, bars[2900].openTimeMs, bars[2990].openTimeMs);
    ASSERT_TRUE(kb.ok());
    ASSERT_EQ(kb->size(), 90u);
    EXPECT_EQ((*kb)[45].close.toString(), bars[2945].close.toString());
    auto cbars = store.range({"COINBASE", "BTC-USD"}, Timeframe::M1, bars[0].openTimeMs, bars[650].openTimeMs);
    ASSERT_TRUE(cbars.ok());
    ASSERT_EQ(cbars->size(), 650u);
    EXPECT_EQ((*cbars)[649].low.toString(), bars[649].low.toString());  // Coinbase rows put low before high
    EXPECT_EQ((*cbars)[649].high.toString(), bars[649].high.toString());
}

}  // namespace
