// kairos-cli feed against the local fake Binance, Kraken and Coinbase (the fake runs in this process; the
// CLI runs as a separate process, as a user runs it).
#include "fakebinance.h"
#include "fakecoinbase.h"
#include "fakecoinbaseat.h"
#include "fakekraken.h"
#include "testdata.h"

#include "domain/timeframe.h"

#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using kairos::test::FakeBinance;
using kairos::test::waitUntil;

namespace {

struct Cli {
    QProcess p;
    QString out, err;

    void start(const QStringList& args, const QProcessEnvironment& env) {
        p.setProcessEnvironment(env);
        QObject::connect(&p, &QProcess::readyReadStandardOutput, [this] { out += QString::fromUtf8(p.readAllStandardOutput()); });
        QObject::connect(&p, &QProcess::readyReadStandardError, [this] { err += QString::fromUtf8(p.readAllStandardError()); });
        p.start(QStringLiteral(KAIROS_CLI_PATH), args);
        ASSERT_TRUE(p.waitForStarted(10'000));
    }
    /// Waits (running the event loop, so the in-process fake server keeps serving) for the exit.
    int finish(int timeoutMs = 60'000) {
        if (!waitUntil([&] { return p.state() == QProcess::NotRunning; }, timeoutMs)) {
            p.kill();
            p.waitForFinished();
            ADD_FAILURE() << "kairos-cli did not finish; stderr: " << err.toStdString();
            return -1;
        }
        out += QString::fromUtf8(p.readAllStandardOutput());
        err += QString::fromUtf8(p.readAllStandardError());
        return p.exitCode();
    }
    QStringList lines() const { return out.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
};

struct CliFeed : ::testing::Test {
    FakeBinance fake;
    QTemporaryDir home;
    QProcessEnvironment env() const {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path());  // no user settings
        e.insert(QStringLiteral("HOME"), home.path());
        e.remove(QStringLiteral("KAIROS_BINANCE_REST_URL"));
        e.remove(QStringLiteral("KAIROS_BINANCE_WS_URL"));
        return e;
    }
    QStringList urls() const {
        return {QStringLiteral("--rest-url"), fake.http.url().toString(), QStringLiteral("--ws-url"), fake.ws.url().toString()};
    }
    QByteArray doc(const char* name) const {
        return QByteArray::fromStdString(
            kairos::test::readFile(kairos::test::fixture(std::string("feeds/binance/docs-examples/") + name)));
    }
};

TEST_F(CliFeed, PrintsLiveTradesAndCandlesWithExactDecimals) {
    Cli cli;
    cli.start(QStringList{"feed", "BINANCE", "BNBBTC", "--channels", "trades,bars,quotes", "--count", "3"} + urls(), env());
    ASSERT_TRUE(waitUntil(
        [&] {
            return fake.liveStreams().contains(QSet<QString>{"bnbbtc@trade", "bnbbtc@kline_1m", "bnbbtc@bookTicker"});
        },
        30'000))
        << cli.err.toStdString();
    fake.publish("bnbbtc@trade", doc("trade.json"));
    fake.publish("bnbbtc@kline_1m", doc("kline.json"));
    QByteArray quote = doc("bookTicker.json").replace("BNBUSDT", "BNBBTC");
    fake.publish("bnbbtc@bookTicker", quote);
    ASSERT_EQ(cli.finish(), 0) << cli.err.toStdString();
    const QStringList lines = cli.lines();
    ASSERT_EQ(lines.size(), 3) << cli.out.toStdString();
    EXPECT_EQ(lines[0],
              QStringLiteral("trade %1 BINANCE:BNBBTC sell 0.001 x 100 id=12345")
                  .arg(QString::fromStdString(kairos::formatUtc(1672515782136))));
    EXPECT_EQ(lines[1],
              QStringLiteral("bar %1 BINANCE:BNBBTC 1m open 0.0010 high 0.0025 low 0.0015 close 0.0020 volume 1000 forming")
                  .arg(QString::fromStdString(kairos::formatUtc(1672515780000))));
    EXPECT_TRUE(lines[2].endsWith(QStringLiteral("BINANCE:BNBBTC bid 25.35190000 x 31.21000000 ask 25.36520000 x 40.66000000")))
        << lines[2].toStdString();
    EXPECT_TRUE(cli.err.contains(QStringLiteral("live"))) << cli.err.toStdString();
}

TEST_F(CliFeed, EnvironmentUrlsAndReconnectWithResubscription) {
    QProcessEnvironment e = env();
    e.insert(QStringLiteral("KAIROS_BINANCE_REST_URL"), fake.http.url().toString());
    e.insert(QStringLiteral("KAIROS_BINANCE_WS_URL"), fake.ws.url().toString());
    Cli cli;
    cli.start({"feed", "BINANCE", "BTCUSDT", "--channels", "trades", "--count", "2"}, e);
    ASSERT_TRUE(waitUntil([&] { return fake.liveStreams().contains("btcusdt@trade"); }, 30'000)) << cli.err.toStdString();
    fake.publish("btcusdt@trade",
                 R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"60000.10","q":"0.5","T":1700000000000,"m":false})");
    ASSERT_TRUE(waitUntil([&] { return cli.out.contains(QStringLiteral("id=1")); }, 30'000));
    fake.ws.dropAll();
    // The CLI's feed reconnects and subscribes again: verified on the server.
    ASSERT_TRUE(waitUntil([&] { return fake.ws.connectionCount() == 2 && fake.liveStreams().contains("btcusdt@trade"); }, 30'000))
        << cli.err.toStdString();
    fake.publish("btcusdt@trade",
                 R"({"e":"trade","E":2,"s":"BTCUSDT","t":2,"p":"60000.20","q":"0.25","T":1700000000001,"m":true})");
    ASSERT_EQ(cli.finish(), 0) << cli.err.toStdString();
    ASSERT_EQ(cli.lines().size(), 2);
    EXPECT_TRUE(cli.lines()[1].contains(QStringLiteral("BINANCE:BTCUSDT sell 60000.20 x 0.25 id=2"))) << cli.out.toStdString();
    EXPECT_TRUE(cli.err.contains(QStringLiteral("reconnecting in"))) << cli.err.toStdString();
    EXPECT_TRUE(cli.err.contains(QStringLiteral("1 reconnects"))) << cli.err.toStdString();
}

TEST_F(CliFeed, MalformedMessagesAreReportedOnStderrAndSkipped) {
    Cli cli;
    cli.start(QStringList{"feed", "BINANCE", "BTCUSDT", "--channels", "trades", "--count", "1"} + urls(), env());
    ASSERT_TRUE(waitUntil([&] { return fake.liveStreams().contains("btcusdt@trade"); }, 30'000));
    fake.ws.sendToAll(QStringLiteral(R"({"stream":"btcusdt@trade","data":{"e":"trade","p":)"));
    fake.publish("btcusdt@trade", R"({"e":"trade","E":1,"s":"BTCUSDT","t":7,"p":"1.5","q":"2","T":1700000000000,"m":false})");
    ASSERT_EQ(cli.finish(), 0) << cli.err.toStdString();
    EXPECT_EQ(cli.lines().size(), 1);
    EXPECT_TRUE(cli.err.contains(QStringLiteral("skipped a malformed trade message"))) << cli.err.toStdString();
    EXPECT_TRUE(cli.err.contains(QStringLiteral("1 malformed messages skipped"))) << cli.err.toStdString();
}

TEST_F(CliFeed, UsageErrors) {
    Cli a;
    a.start({"feed", "NOWHERE", "BTCUSDT"}, env());
    EXPECT_EQ(a.finish(), 2);
    EXPECT_TRUE(a.err.contains(QStringLiteral("unknown venue"))) << a.err.toStdString();
    Cli b;
    b.start({"feed", "BINANCE", "BTCUSDT", "--ws-url", "not a url"}, env());
    EXPECT_EQ(b.finish(), 2);
    EXPECT_TRUE(b.err.contains(QStringLiteral("--ws-url"))) << b.err.toStdString();
    Cli c;
    c.start({"feed", "BINANCE", "BTCUSDT", "--timeframe", "7m"}, env());
    EXPECT_EQ(c.finish(), 2);
    Cli d;
    QProcessEnvironment e = env();
    e.insert(QStringLiteral("KAIROS_BINANCE_WS_URL"), QStringLiteral("nonsense"));
    d.start({"feed", "BINANCE", "BTCUSDT"}, e);
    EXPECT_EQ(d.finish(), 2);
    EXPECT_TRUE(d.err.contains(QStringLiteral("KAIROS_BINANCE_WS_URL"))) << d.err.toStdString();
}

QString venueDoc(const std::string& path) {
    return QString::fromStdString(kairos::test::readFile(kairos::test::fixture("feeds/" + path)));
}

QProcessEnvironment venueEnv(const QTemporaryDir& home, const QString& venue, const QUrl& rest, const QUrl& ws) {
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path());
    e.insert(QStringLiteral("HOME"), home.path());
    e.insert(QStringLiteral("KAIROS_%1_REST_URL").arg(venue), rest.toString());
    e.insert(QStringLiteral("KAIROS_%1_WS_URL").arg(venue), ws.toString());
    return e;
}

TEST(CliFeedVenues, KrakenTradesThroughTheEnvironmentUrls) {
    kairos::test::FakeKraken fake;
    QTemporaryDir home;
    Cli cli;
    cli.start({"feed", "KRAKEN", "BTC/USD", "--channels", "trades", "--count", "2"},
              venueEnv(home, "KRAKEN", fake.http.url(), fake.ws.url()));
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("trade|BTC/USD"); }, 30'000)) << cli.err.toStdString();
    fake.publish("trade|BTC/USD", venueDoc("kraken/docs-examples/trade-snapshot.json").replace("MATIC/USD", "BTC/USD"));
    ASSERT_EQ(cli.finish(), 0) << cli.err.toStdString();
    const QStringList lines = cli.lines();
    ASSERT_EQ(lines.size(), 2) << cli.out.toStdString();
    EXPECT_EQ(lines[0],
              QStringLiteral("trade %1 KRAKEN:BTC/USD buy 0.5147 x 6423.46326 id=4665846")
                  .arg(QString::fromStdString(kairos::formatUtc(kairos::utcMs(2023, 9, 25, 7, 48, 36, 925)))));
    EXPECT_TRUE(lines[1].endsWith(QStringLiteral("KRAKEN:BTC/USD buy 0.5147 x 1136.19677815 id=4665847")))
        << lines[1].toStdString();
}

TEST(CliFeedVenues, CoinbaseMatchesAndTickerThroughTheEnvironmentUrls) {
    kairos::test::FakeCoinbase fake;
    QTemporaryDir home;
    Cli cli;
    cli.start({"feed", "COINBASE", "BTC-USD", "--channels", "trades,quotes", "--count", "2"},
              venueEnv(home, "COINBASE", fake.http.url(), fake.ws.url()));
    ASSERT_TRUE(waitUntil(
        [&] {
            return fake.liveTopics().contains(QSet<QString>{"matches|BTC-USD", "ticker|BTC-USD"});
        },
        30'000))
        << cli.err.toStdString();
    fake.publish("matches|BTC-USD", venueDoc("coinbase/docs-examples/match.json"));
    fake.publish("ticker|BTC-USD", venueDoc("coinbase/docs-examples/ticker.json").replace("ETH-USD", "BTC-USD"));
    ASSERT_EQ(cli.finish(), 0) << cli.err.toStdString();
    const QStringList lines = cli.lines();
    ASSERT_EQ(lines.size(), 2) << cli.out.toStdString();
    // "side": "sell" in a match is the maker's side: the taker bought.
    EXPECT_EQ(lines[0],
              QStringLiteral("trade %1 COINBASE:BTC-USD buy 400.23 x 5.23512 id=10")
                  .arg(QString::fromStdString(kairos::formatUtc(kairos::utcMs(2014, 11, 7, 8, 19, 27, 28)))));
    EXPECT_TRUE(lines[1].endsWith(QStringLiteral("COINBASE:BTC-USD bid 1285.04 x 0.46688654 ask 1285.27 x 1.56637040")))
        << lines[1].toStdString();
}

TEST(CliFeedVenues, CoinbaseAdvancedMarketTradesThroughTheEnvironmentUrls) {
    kairos::test::FakeCoinbaseAdvanced fake;
    QTemporaryDir home;
    Cli cli;
    cli.start({"feed", "COINBASE_ADVANCED", "ETH-USD", "--channels", "trades", "--count", "1"},
              venueEnv(home, "COINBASE_ADVANCED", fake.http.url(), fake.ws.url()));
    ASSERT_TRUE(waitUntil([&] { return fake.liveTopics().contains("market_trades|ETH-USD"); }, 30'000)) << cli.err.toStdString();
    fake.publish("market_trades|ETH-USD", venueDoc("coinbase-advanced/docs-examples/market_trades.json"));
    ASSERT_EQ(cli.finish(), 0) << cli.err.toStdString();
    ASSERT_EQ(cli.lines().size(), 1) << cli.out.toStdString();
    EXPECT_EQ(cli.lines()[0],
              QStringLiteral("trade %1 COINBASE_ADVANCED:ETH-USD sell 1260.01 x 0.3 id=000000000")
                  .arg(QString::fromStdString(kairos::formatUtc(kairos::utcMs(2019, 8, 14, 20, 42, 27, 265)))));
}

}  // namespace
