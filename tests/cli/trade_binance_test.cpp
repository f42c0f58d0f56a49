// kairos-cli's trading commands on a testnet (and a live) account against the local Binance trading
// server (tests/support/fakebinancetrading.h, strict as Binance: signatures, filters, balances), with
// the endpoints overridden in the profile's kairos.ini as the terminal reads them, and the API keys
// from an owner-only key file or from the real OS keychain (scripts/with-keyring.sh). The market is
// BTCUSDT at its real last 1h close of the bundled data (115613.21).
#include "trade_support.h"

#include "alerts/secretstore.h"
#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "fakebinance.h"
#include "fakebinancetrading.h"
#include "session/tradingaccounts.h"
#include "storage/database.h"
#include "trading/instrumentdefaults.h"
#include "trading/paperstore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QSettings>
#include <QUrlQuery>

namespace kairos::test::cli {
namespace {

// Made-up keys of Binance's documented length.
const QByteArray kApiKey = "kairosCliKeyvmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco1abc";
const QByteArray kSecret = "kairosCliSecretNhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65Xab";
const char* const kBtc1h = "binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv";

Units units(const char* text) { return *parseUnits(QString::fromLatin1(text)); }

/// A profile with a paper account (1), a testnet account "bn-test" (2) and a live account "bn-live" (3)
/// whose endpoints point at the local Binance server; the keys in an owner-only key file.
struct BinanceProfile : ::testing::Test {
    TempProfile prof;
    FakeBinanceTrading fake{kApiKey, kSecret};
    QString keyFile;

    void SetUp() override {
        ASSERT_TRUE(fake.listen());
        fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
        fake.setBalance(QStringLiteral("USDT"), units("10000"));
        fake.setBalance(QStringLiteral("BTC"), units("0.5"));
        fake.setLastPrice(QStringLiteral("BTCUSDT"), *parseUnits(QString::fromStdString(bundledLastClose(kBtc1h).toString())));
        {
            QSettings s(prof.settingsPath(), QSettings::IniFormat);
            for (const char* kind : {"testnet", "live"}) {
                s.setValue(QStringLiteral("binance/%1RestUrl").arg(QLatin1String(kind)), fake.restUrl().toString());
                s.setValue(QStringLiteral("binance/%1WsApiUrl").arg(QLatin1String(kind)), fake.wsApiUrl().toString());
            }
        }
        auto db = storage::Database::openProfile(prof.path());
        ASSERT_TRUE(db.ok()) << db.message();
        auto add = [&](const char* name, trading::AccountKind kind, const char* venue, const char* cash) {
            trading::AccountInfo i;
            i.id = 0;
            i.name = name;
            i.kind = kind;
            i.venue = venue;
            auto r = trading::PaperStore::addAccount(**db, i, *Money::parse(cash), 0);
            EXPECT_TRUE(r.ok()) << r.message();
        };
        add("PAPER", trading::AccountKind::Paper, "PAPER", "10000");
        add("bn-test", trading::AccountKind::Testnet, "BINANCE", "0.00000000");
        add("bn-live", trading::AccountKind::Live, "BINANCE", "0.00000000");
        keyFile = prof.dir.filePath(QStringLiteral("binance.keys"));
        QFile f(keyFile);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("# the testnet account's keys\napi_key = " + kApiKey + "\napi_secret = " + kSecret + "\n");
        f.close();
        ASSERT_TRUE(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    }
    QStringList on(const char* account, QStringList args) const {
        return QStringList{args.takeFirst(), QStringLiteral("--account"), QLatin1String(account), QStringLiteral("--key-file"),
                           keyFile} +
            args;
    }
    /// Cancels an order on the server as the exchange's website would: a signed REST request.
    void cancelElsewhere(const QString& clientOrderId) {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("symbol"), QStringLiteral("BTCUSDT"));
        q.addQueryItem(QStringLiteral("origClientOrderId"), clientOrderId);
        q.addQueryItem(QStringLiteral("timestamp"), QString::number(QDateTime::currentMSecsSinceEpoch()));
        const QByteArray query = q.query(QUrl::FullyEncoded).toUtf8();
        const QByteArray sig = QMessageAuthenticationCode::hash(query, kSecret, QCryptographicHash::Sha256).toHex();
        QUrl url = fake.restUrl();
        url.setPath(QStringLiteral("/api/v3/order"));
        url.setQuery(QString::fromUtf8(query + "&signature=" + sig));
        QNetworkRequest req(url);
        req.setRawHeader("X-MBX-APIKEY", kApiKey);
        QNetworkAccessManager nam;
        QNetworkReply* reply = nam.deleteResource(req);
        ASSERT_TRUE(waitUntil([&] { return reply->isFinished(); }, 20'000));
        ASSERT_EQ(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200) << reply->readAll().toStdString();
        reply->deleteLater();
    }
};

TEST_F(BinanceProfile, ATestnetMarketBuyFillsOnBinanceAndBalancesAndPositionsComeBack) {
    Cli buy;
    ASSERT_EQ(prof.run(buy, on("bn-test", {"order", "buy", "BTCUSDT", "0.01", "--client-id", "cli-buy-1"})), 0)
        << buy.err.toStdString();
    EXPECT_EQ(buy.out.trimmed(),
              QStringLiteral("TESTNET · bn-test: order 1 (cli-buy-1) buy 0.01 BTCUSDT market: filled 0.01 at 115613.21"))
        << buy.out.toStdString();
    // On Binance: one order, filled, with the client order id given
    ASSERT_NE(fake.orderByClientId(QStringLiteral("cli-buy-1")), nullptr);
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("cli-buy-1"))->status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("cli-buy-1")), 1);
    // Balances are Binance's: 0.5 + 0.01 - 0.00001 commission BTC; 10000 - 1156.1321 USDT
    Cli bal;
    ASSERT_EQ(prof.run(bal, on("bn-test", {"balances", "--json"})), 0) << bal.err.toStdString();
    std::map<QString, QString> freeOf;
    for (const auto& v : bal.json().value("balances").toArray())
        freeOf[v.toObject().value("asset").toString()] = v.toObject().value("free").toString();
    EXPECT_EQ(freeOf[QStringLiteral("BTC")], QStringLiteral("0.50999"));
    EXPECT_EQ(freeOf[QStringLiteral("USDT")], QStringLiteral("8843.8679"));
    EXPECT_EQ(bal.json().value("kind").toString(), QStringLiteral("testnet"));
    // The position is what Binance holds (an exchange account's ledger follows its balances): the 0.5 BTC
    // the account had plus the 0.00999 bought
    Cli pos;
    ASSERT_EQ(prof.run(pos, on("bn-test", {"positions", "--json"})), 0) << pos.err.toStdString();
    const QJsonArray positions = pos.json().value("positions").toArray();
    ASSERT_EQ(positions.size(), 1);
    EXPECT_EQ(positions[0].toObject().value("quantity").toString(), QStringLiteral("0.50999"));
    // And the kill switch sells it on Binance
    Cli kill;
    ASSERT_EQ(prof.run(kill, on("bn-test", {"kill-switch", "--yes", "--json"})), 0) << kill.err.toStdString();
    EXPECT_EQ(kill.json().value("summary").toString(), QStringLiteral("0 orders cancelled, 1 position closed, 0 failed"));
    ASSERT_EQ(fake.orders().size(), 2u);
    EXPECT_EQ(fake.orders()[1].side, QStringLiteral("SELL"));
    EXPECT_EQ(fake.orders()[1].status, QStringLiteral("FILLED"));
}

TEST_F(BinanceProfile, RefusalsOfBinanceAndOfTheRiskManagerExitWith1AndTheirReason) {
    // A Binance filter: the quantity is not a multiple of the lot (0.00001)
    Cli lot;
    EXPECT_EQ(prof.run(lot, on("bn-test", {"order", "buy", "BTCUSDT", "0.000011"})), 1);
    EXPECT_TRUE(lot.err.contains(QStringLiteral("LOT_SIZE"))) << lot.err.toStdString();
    // Insufficient balance: 1 BTC costs 115613 USDT, the account has 10000
    Cli poor;
    EXPECT_EQ(prof.run(poor, on("bn-test", {"order", "buy", "BTCUSDT", "1", "--client-id", "cli-poor"})), 1);
    EXPECT_TRUE(poor.err.contains(QStringLiteral("insufficient"), Qt::CaseInsensitive)) << poor.err.toStdString();
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("cli-poor")), 1);
    // The risk manager: a position limit of 0.005 BTC; the order never reaches Binance
    {
        auto db = storage::Database::openProfile(prof.path());
        ASSERT_TRUE(db.ok());
        session::AccountSettings s;
        s.limits.maxPositionQuantity = *Quantity::parse("0.005");
        ASSERT_TRUE(session::saveAccountSettings(**db, 2, s).ok());
    }
    Cli risk;
    EXPECT_EQ(prof.run(risk, on("bn-test", {"order", "buy", "BTCUSDT", "0.01", "--client-id", "cli-risk"})), 1);
    EXPECT_TRUE(risk.err.contains(QStringLiteral("Refused: risk rule 'max position'"))) << risk.err.toStdString();
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("cli-risk")), 0);
    EXPECT_TRUE(fake.orders().empty());
}

TEST_F(BinanceProfile, AKeyFileOthersCanReadIsRefusedBeforeAnyConnection) {
    ASSERT_TRUE(QFile::setPermissions(
        keyFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    Cli c;
    EXPECT_EQ(prof.run(c, on("bn-test", {"balances"})), 1);
    EXPECT_TRUE(c.err.contains(QStringLiteral("can be read or changed by others (mode 0644); refusing to use it: run chmod 600")))
        << c.err.toStdString();
    EXPECT_FALSE(c.err.contains(QString::fromLatin1(kApiKey)));
    EXPECT_EQ(fake.http.requestCount(), 0);
}

TEST_F(BinanceProfile, ALiveAccountOrderNeedsYes) {
    Cli no;
    EXPECT_EQ(prof.run(no, on("bn-live", {"order", "buy", "BTCUSDT", "0.001", "--client-id", "cli-live"})), 1);
    EXPECT_TRUE(
        no.err.contains(QStringLiteral("refused: LIVE · bn-live is a LIVE account (real money); add --yes to send this order")))
        << no.err.toStdString();
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("cli-live")), 0);
    Cli yes;
    ASSERT_EQ(prof.run(yes, on("bn-live", {"order", "buy", "BTCUSDT", "0.001", "--client-id", "cli-live", "--yes"})), 0)
        << yes.err.toStdString();
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("cli-live"))->status, QStringLiteral("FILLED"));
}

TEST_F(BinanceProfile, ReconcileReportsOrdersPlacedCancelledAndFilledBehindItsBack) {
    // GIVEN two resting buys placed from the command line
    for (const char* cid : {"cli-rest-1", "cli-rest-2"}) {
        Cli c;
        ASSERT_EQ(prof.run(c,
                           on("bn-test",
                              {"order", "buy", "BTCUSDT", "0.001", "--type", "limit", "--price", "60000", "--client-id", cid})),
                  0)
            << c.err.toStdString();
        EXPECT_TRUE(c.out.trimmed().endsWith(QStringLiteral("limit: accepted"))) << c.out.toStdString();
    }
    // WHEN, while no kairos process runs, one is cancelled and one filled on Binance, and another order
    // is placed there (the exchange's website)
    cancelElsewhere(QStringLiteral("cli-rest-1"));
    ASSERT_TRUE(fake.fillPart(QStringLiteral("cli-rest-2"), units("0.001")));
    const QJsonObject web = fake.placeOrderElsewhere({{"symbol", "BTCUSDT"},
                                                      {"side", "BUY"},
                                                      {"type", "LIMIT"},
                                                      {"timeInForce", "GTC"},
                                                      {"quantity", "0.002"},
                                                      {"price", "50000"},
                                                      {"newClientOrderId", "web-1"}});
    ASSERT_EQ(web.value("status").toString(), QStringLiteral("NEW")) << QJsonDocument(web).toJson().toStdString();
    // THEN reconcile says what it adopted and what closed on Binance
    Cli rec;
    ASSERT_EQ(prof.run(rec, on("bn-test", {"reconcile", "--json"})), 0) << rec.err.toStdString();
    const QJsonObject r = rec.json();
    EXPECT_TRUE(r.value("ok").toBool());
    EXPECT_EQ(r.value("orders_adopted").toInt(), 1);
    EXPECT_EQ(r.value("orders_closed").toInt(), 2);
    std::map<QString, QString> changes, closed;
    for (const auto& v : r.value("changes").toArray())
        changes[v.toObject().value("client_order_id").toString()] = v.toObject().value("what").toString();
    for (const auto& v : r.value("closed").toArray())
        closed[v.toObject().value("client_order_id").toString()] = v.toObject().value("status").toString();
    EXPECT_TRUE(changes[QStringLiteral("web-1")].contains(QStringLiteral("adopted"))) << rec.out.toStdString();
    EXPECT_EQ(closed[QStringLiteral("cli-rest-1")], QStringLiteral("cancelled")) << rec.out.toStdString();
    EXPECT_EQ(closed[QStringLiteral("cli-rest-2")], QStringLiteral("filled")) << rec.out.toStdString();
    // AND the text form says it in one line per change
    Cli text;
    ASSERT_EQ(prof.run(text, on("bn-test", {"reconcile"})), 0) << text.err.toStdString();
    EXPECT_TRUE(text.out.contains(QStringLiteral("TESTNET · bn-test: "))) << text.out.toStdString();
    // AND the adopted order is open on the account, the filled one is its position; cancel --all clears Binance
    Cli orders;
    ASSERT_EQ(prof.run(orders, on("bn-test", {"orders", "--json"})), 0);
    const QJsonArray open = orders.json().value("orders").toArray();
    ASSERT_EQ(open.size(), 1) << orders.out.toStdString();
    EXPECT_EQ(open[0].toObject().value("client_order_id").toString(), QStringLiteral("web-1"));
    Cli cancel;
    ASSERT_EQ(prof.run(cancel, on("bn-test", {"cancel", "--all", "--json"})), 0) << cancel.err.toStdString();
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("web-1"))->status, QStringLiteral("CANCELED"));
}

TEST_F(BinanceProfile, ATestnetBotTradesBinancesLiveCandlesAndFlattensOnSigterm) {
    // GIVEN Binance's market data on a local server too: real BTCUSDT 1m candles of 2025-05-20, moved to
    // end a minute ago
    auto bars = readKlineCsv(resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
    ASSERT_GE(bars.size(), 300u);
    bars.resize(300);
    const std::int64_t minute = 60'000;
    const std::int64_t shift = (QDateTime::currentMSecsSinceEpoch() / minute - 1) * minute - bars.back().openTimeMs;
    for (Bar& b : bars) b.openTimeMs += shift;
    FakeBinance market;
    market.setKlines(QStringLiteral("BTCUSDT"), Timeframe::M1, {});
    {
        QSettings s(prof.settingsPath(), QSettings::IniFormat);
        s.setValue(QStringLiteral("marketdata/BINANCE/restUrl"), market.http.url().toString());
        s.setValue(QStringLiteral("marketdata/BINANCE/wsUrl"), market.ws.url().toString());
    }
    // WHEN an SMA-cross bot runs on the testnet account
    Cli bot;
    prof.start(bot,
               on("bn-test",
                  {"run", "--strategy", "sma_cross", "--symbol", "BTCUSDT", "--timeframe", "1m", "--size", "0.01",
                   "--flatten-on-stop"}));
    ASSERT_TRUE(waitUntil(
        [&] { return market.liveStreams().contains(QStringLiteral("btcusdt@kline_1m")) || bot.p.state() != QProcess::Running; },
        30'000))
        << bot.err.toStdString();
    ASSERT_EQ(bot.p.state(), QProcess::Running) << bot.err.toStdString();
    // AND the candles close up to the bar on which the backtest of the same strategy first buys, the
    // trading server's price following them
    backtest::BacktestSettings bs;
    bs.instrument = *trading::bundledInstrumentRules(InstrumentId{"BINANCE", "BTCUSDT"});
    bs.timeframe = Timeframe::M1;
    backtest::OrderSizing sizing;
    sizing.kind = backtest::OrderSizing::Kind::Quantity;
    sizing.quantity = *Quantity::parse("0.01");
    auto strategy = backtest::makeBuiltin("sma_cross", {}, sizing);
    ASSERT_TRUE(strategy.ok());
    auto tested = backtest::BacktestEngine(bs).run(**strategy, bars);
    ASSERT_TRUE(tested.ok()) << tested.message();
    ASSERT_FALSE(tested->orders.empty());
    const std::int64_t decidedAt = tested->orders.front().decidedMs;
    for (const Bar& b : bars) {
        if (nextBucketStart(Timeframe::M1, b.openTimeMs) > decidedAt) break;
        fake.setLastPrice(QStringLiteral("BTCUSDT"), *parseUnits(QString::fromStdString(b.close.toString())));
        const QByteArray k =
            QStringLiteral(R"({"e":"kline","E":%1,"s":"BTCUSDT","k":{"t":%2,"T":%3,"s":"BTCUSDT","i":"1m","f":1,"L":2,)"
                           R"("o":"%4","c":"%5","h":"%6","l":"%7","v":"%8","n":2,"x":true,"q":"0","V":"0","Q":"0","B":"0"}})")
                .arg(b.openTimeMs + minute)
                .arg(b.openTimeMs)
                .arg(b.openTimeMs + minute - 1)
                .arg(QString::fromStdString(b.open.toString()), QString::fromStdString(b.close.toString()),
                     QString::fromStdString(b.high.toString()), QString::fromStdString(b.low.toString()),
                     QString::fromStdString(b.volume.toString()))
                .toUtf8();
        ASSERT_EQ(market.publish(QStringLiteral("btcusdt@kline_1m"), k), 1);
    }
    ASSERT_TRUE(
        waitUntil([&] { return bot.out.contains(QStringLiteral("fill ")) || bot.p.state() != QProcess::Running; }, 30'000))
        << bot.out.toStdString() << bot.err.toStdString();
    EXPECT_EQ(bot.out.count(QStringLiteral("decision ")), 1) << bot.out.toStdString() << bot.err.toStdString();
    EXPECT_TRUE(bot.out.startsWith(QStringLiteral("decision ") + QString::fromStdString(formatUtc(decidedAt)) +
                                   QStringLiteral(" buy 0.01 BTCUSDT market")))
        << bot.out.toStdString();
    // THEN it bought on Binance with its own client order id
    ASSERT_FALSE(fake.orders().empty());
    EXPECT_TRUE(fake.orders().back().clientOrderId.startsWith(QStringLiteral("kb")))
        << fake.orders().back().clientOrderId.toStdString();
    EXPECT_EQ(fake.orders().back().side, QStringLiteral("BUY"));
    EXPECT_EQ(fake.orders().back().status, QStringLiteral("FILLED"));
    // AND SIGTERM stops it, selling its own position on Binance first (--flatten-on-stop): the 0.01 it
    // bought, not the 0.5 BTC the account held before it started
    const std::size_t ordersBefore = fake.orders().size();
    bot.p.terminate();
    ASSERT_EQ(bot.finish(), 0) << bot.err.toStdString();
    ASSERT_EQ(fake.orders().size(), ordersBefore + 1);
    EXPECT_EQ(fake.orders().back().side, QStringLiteral("SELL"));
    EXPECT_EQ(fake.orders().back().status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.orders().back().executedQty, units("0.01"));
    EXPECT_TRUE(bot.err.contains(QStringLiteral("stopped; position 0 BTCUSDT"))) << bot.err.toStdString();
}

TEST_F(BinanceProfile, WithoutAKeyFileTheKeysComeFromTheKeychainAsInTheTerminal) {
    if (QProcessEnvironment::systemEnvironment().value(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")).isEmpty())
        GTEST_SKIP() << "no D-Bus session (run under scripts/with-keyring.sh)";
    // GIVEN the keys where the terminal keeps them: its keychain service for this profile's database
    auto db = storage::Database::openProfile(prof.path());
    ASSERT_TRUE(db.ok());
    alerts::KeychainSecretStore keychain("Kairos trading (" + (*db)->path().toStdString() + ")");
    int stored = 0;
    keychain.write(session::TradingAccounts::apiKeyName(2), kApiKey.toStdString(), [&](const Status& s) {
        EXPECT_TRUE(s.ok()) << s.message();
        ++stored;
    });
    keychain.write(session::TradingAccounts::apiSecretName(2), kSecret.toStdString(), [&](const Status& s) {
        EXPECT_TRUE(s.ok()) << s.message();
        ++stored;
    });
    ASSERT_TRUE(waitUntil([&] { return stored == 2; }, 20'000));
    // WHEN balances are asked without a key file
    Cli bal;
    ASSERT_EQ(prof.run(bal, {"balances", "--account", "bn-test", "--json"}), 0) << bal.err.toStdString();
    // THEN Binance answered with the account's balances
    EXPECT_EQ(bal.json().value("balances").toArray().size(), 2) << bal.out.toStdString();
    int removed = 0;
    keychain.remove(session::TradingAccounts::apiKeyName(2), [&](const Status&) { ++removed; });
    keychain.remove(session::TradingAccounts::apiSecretName(2), [&](const Status&) { ++removed; });
    waitUntil([&] { return removed == 2; }, 20'000);
}

}  // namespace
}  // namespace kairos::test::cli
