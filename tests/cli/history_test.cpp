// kairos-cli history against the local fake Binance: downloads into the profile's candle store,
// pages within the venue limit, backs off on 429, fetches only what is missing on a second run.
#include "fakebinance.h"
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
        return {"--profile", profile.path(), "history", "BINANCE", "BTCUSDT", "1m", "--from",
                QString::fromStdString(formatUtc(bars[from].openTimeMs)), "--to", QString::number(bars[to].openTimeMs)};
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

}  // namespace
