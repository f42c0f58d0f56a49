// The live Binance client (core/live) against the local Binance trading server: signed requests
// accepted byte for byte, refusals in plain words, unknown outcomes recognised, clock drift
// recovered, rate limits obeyed, and the user data stream subscribed, decoded and re-subscribed.

#include "fakebinancetrading.h"
#include "live/binancerest.h"
#include "live/binanceuserstream.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QSignalSpy>

#include <optional>

namespace kairos::live {
namespace {

using test::FakeBinanceTrading;
using test::parseUnits;
using test::waitUntil;

const QByteArray kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const QByteArray kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

class BinanceTradingTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(fake.listen());
        fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
        fake.setBalance(QStringLiteral("USDT"), *parseUnits(QStringLiteral("10000")));
        fake.setLastPrice(QStringLiteral("BTCUSDT"), *parseUnits(QStringLiteral("60000")));
        BinanceRest::Options o;
        o.baseUrl = fake.restUrl();
        o.timeoutMs = 2000;
        rest = std::make_unique<BinanceRest>(o, credentials());
    }

    static BinanceCredentials credentials() { return {kApiKey.toStdString(), kSecret.toStdString()}; }

    BinanceRest::Reply call(const QByteArray& method, const QString& path, const Params& params) {
        std::optional<BinanceRest::Reply> got;
        rest->signedRequest(method, path, params, 1, [&](const BinanceRest::Reply& r) { got = r; });
        EXPECT_TRUE(waitUntil([&] { return got.has_value(); }, 15'000));
        return got.value_or(BinanceRest::Reply{});
    }

    static Params limitBuy(const std::string& clientId, const std::string& price = "50000") {
        return {{"symbol", "BTCUSDT"},         {"side", "BUY"},      {"type", "LIMIT"},
                {"timeInForce", "GTC"},        {"quantity", "0.01"}, {"price", price},
                {"newClientOrderId", clientId}};
    }

    FakeBinanceTrading fake{kApiKey, kSecret};
    std::unique_ptr<BinanceRest> rest;
};

TEST_F(BinanceTradingTest, SignedOrdersAreAcceptedAndDecoded) {
    const auto r = call("POST", QStringLiteral("/api/v3/order"), limitBuy("k-1"));
    ASSERT_EQ(r.outcome, Outcome::Done) << r.failure.toStdString();
    auto order = parseOrder(r.body.toStdString());
    ASSERT_TRUE(order.ok()) << order.message();
    EXPECT_EQ(order->clientOrderId, "k-1");
    EXPECT_EQ(order->status, "NEW");
    EXPECT_EQ(order->price.toString(), "50000.00000000");
    // Open orders and the account agree
    const auto open = call("GET", QStringLiteral("/api/v3/openOrders"), {{"symbol", "BTCUSDT"}});
    auto list = parseOrders(open.body.toStdString());
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    const auto acct = call("GET", QStringLiteral("/api/v3/account"), {});
    auto balances = parseAccountBalances(acct.body.toStdString());
    ASSERT_TRUE(balances.ok()) << balances.message();
    bool sawUsdt = false;
    for (const auto& b : *balances)
        if (b.asset == "USDT") {
            sawUsdt = true;
            EXPECT_EQ(b.locked.toString(), "500.00000000");
        }
    EXPECT_TRUE(sawUsdt);
}

TEST_F(BinanceTradingTest, UnicodeSymbolsAreEncodedAndSignedAsBinanceRequires) {
    // Binance's testnet lists a Unicode symbol for exactly this check (testnet CHANGELOG 2025-12-18)
    const QString sym = QStringLiteral("这是测试币456");
    fake.addSymbol({sym, QStringLiteral("这是测试币"), QStringLiteral("USDT")});
    fake.setLastPrice(sym, *parseUnits(QStringLiteral("10")));
    Params p = limitBuy("u-1", "9");
    p[0].second = sym.toStdString();
    p[4].second = "1";  // 1 × 9 USDT: above the 5 USDT minimum
    const auto r = call("POST", QStringLiteral("/api/v3/order"), p);
    EXPECT_EQ(r.outcome, Outcome::Done) << r.failure.toStdString() << r.body.toStdString();
    ASSERT_NE(fake.orderByClientId(QStringLiteral("u-1")), nullptr);
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("u-1"))->symbol, sym);
}

TEST_F(BinanceTradingTest, RefusalsComeBackInPlainWordsAndNothingIsPlaced) {
    Params p = limitBuy("k-2");
    p[4].second = "0.000015";  // not a multiple of the step size
    const auto r = call("POST", QStringLiteral("/api/v3/order"), p);
    EXPECT_EQ(r.outcome, Outcome::Rejected);
    ASSERT_TRUE(r.error.has_value());
    EXPECT_EQ(r.error->code, -1013);
    EXPECT_EQ(r.failure.toStdString(), "Binance refused: Filter failure: LOT_SIZE (code -1013)");
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("k-2")), nullptr);
    // A wrong secret: the signature is refused, and the message never contains the secret or key
    BinanceRest::Options o;
    o.baseUrl = fake.restUrl();
    BinanceRest wrong(o, {kApiKey.toStdString(), "not-the-secret"});
    std::optional<BinanceRest::Reply> got;
    wrong.signedRequest("GET", QStringLiteral("/api/v3/account"), {}, 20, [&](const BinanceRest::Reply& rr) { got = rr; });
    ASSERT_TRUE(waitUntil([&] { return got.has_value(); }));
    EXPECT_EQ(got->error->code, -1022);
    EXPECT_NE(got->failure.indexOf(QLatin1String("check the API secret")), -1) << got->failure.toStdString();
    EXPECT_EQ(got->failure.indexOf(QLatin1String("not-the-secret")), -1);
    EXPECT_EQ(got->failure.indexOf(QString::fromLatin1(kApiKey)), -1);
}

TEST_F(BinanceTradingTest, AnAnswerLostAfterTheOrderWasAcceptedIsUnknownNotFailed) {
    using Kind = FakeBinanceTrading::RequestFault::Kind;
    fake.failNext("POST", QStringLiteral("/api/v3/order"), FakeBinanceTrading::RequestFault::of(Kind::ServerErrorAfterAccept));
    fake.failNext("POST", QStringLiteral("/api/v3/order"), FakeBinanceTrading::RequestFault::of(Kind::DropAfterAccept));
    fake.failNext("POST", QStringLiteral("/api/v3/order"), FakeBinanceTrading::RequestFault::of(Kind::TimeoutAfterAccept));
    for (const char* id : {"u-503", "u-drop", "u-timeout"}) {
        const auto r = call("POST", QStringLiteral("/api/v3/order"), limitBuy(id));
        EXPECT_EQ(r.outcome, Outcome::Unknown) << id << ": " << r.failure.toStdString();
        // The order did reach the book: looking it up by client id finds it exactly once
        const auto q = call("GET", QStringLiteral("/api/v3/order"), {{"symbol", "BTCUSDT"}, {"origClientOrderId", id}});
        ASSERT_EQ(q.outcome, Outcome::Done) << id;
        EXPECT_EQ(parseOrder(q.body.toStdString())->status, "NEW") << id;
        EXPECT_EQ(fake.placeAttempts(QString::fromLatin1(id)), 1) << id << " was sent more than once";
    }
}

TEST_F(BinanceTradingTest, ClockDriftIsResyncedAndTheRequestSentOnceMore) {
    // GIVEN Binance's clock 10 s ahead of ours and no sync yet
    fake.setClock([] { return QDateTime::currentMSecsSinceEpoch() + 10'000; });
    // WHEN an order is sent
    const auto r = call("POST", QStringLiteral("/api/v3/order"), limitBuy("k-clock"));
    // THEN -1021 led to a time sync and one more attempt, which was accepted
    EXPECT_EQ(r.outcome, Outcome::Done) << r.failure.toStdString();
    EXPECT_EQ(fake.refusals(-1021), 1);
    EXPECT_EQ(rest->sentCount(), 3);  // order, time, order
    EXPECT_GT(rest->clockOffsetMs(), 5'000);
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("k-clock")), 1);  // the refused one never reached the order logic
}

TEST_F(BinanceTradingTest, A429BlocksEveryRequestForRetryAfterWithoutSendingThem) {
    fake.failNext("POST", QStringLiteral("/api/v3/order"),
                  FakeBinanceTrading::RequestFault::reject(
                      429, -1015, QStringLiteral("Too many new orders; current limit is 50 orders per 10 SECOND.")));
    QSignalSpy limited(rest.get(), &BinanceRest::rateLimited);
    const auto first = call("POST", QStringLiteral("/api/v3/order"), limitBuy("k-429"));
    EXPECT_EQ(first.outcome, Outcome::RateLimited);
    EXPECT_EQ(limited.size(), 1);
    EXPECT_GT(rest->blockedUntilMs(), 0);
    const int sent = rest->sentCount();
    const auto second = call("GET", QStringLiteral("/api/v3/account"), {});
    EXPECT_EQ(second.outcome, Outcome::RateLimited);
    EXPECT_NE(second.failure.indexOf(QLatin1String("wait")), -1) << second.failure.toStdString();
    EXPECT_EQ(rest->sentCount(), sent) << "nothing may be sent while Binance asks to wait";
}

TEST_F(BinanceTradingTest, UsedWeightAndOrderCountHeadersAreTracked) {
    // Within one minute of Binance's clock (pinned: a minute boundary would start the weight afresh)
    const std::int64_t midMinute = 1'767'225'630'000;  // 2026-01-01 00:00:30 UTC
    fake.setClock([=] { return midMinute; });
    rest->setClock([=] { return midMinute; });
    ASSERT_EQ(call("POST", QStringLiteral("/api/v3/order"), limitBuy("w-1")).outcome, Outcome::Done);
    ASSERT_EQ(call("POST", QStringLiteral("/api/v3/order"), limitBuy("w-2")).outcome, Outcome::Done);
    EXPECT_EQ(rest->orderCount10s(), 2);
    EXPECT_EQ(rest->usedWeight1m(), 0) << "successful orders cost no weight since 2026-04-02";
    ASSERT_EQ(call("GET", QStringLiteral("/api/v3/account"), {}).outcome, Outcome::Done);
    EXPECT_EQ(rest->usedWeight1m(), 20);
    ASSERT_EQ(call("GET", QStringLiteral("/api/v3/myTrades"), {{"symbol", "BTCUSDT"}, {"orderId", "1000"}}).outcome,
              Outcome::Done);
    EXPECT_EQ(rest->usedWeight1m(), 25) << "myTrades of one order weighs 5";
    // The next minute starts from zero
    fake.setClock([=] { return midMinute + 60'000; });
    rest->setClock([=] { return midMinute + 60'000; });
    ASSERT_EQ(call("GET", QStringLiteral("/api/v3/account"), {}).outcome, Outcome::Done);
    EXPECT_EQ(rest->usedWeight1m(), 20);
}

TEST_F(BinanceTradingTest, AnOrderOverTheRequestBudgetIsRefusedUnsentWhileAReadWaitsForTheNextWindow) {
    // GIVEN a budget of 20 weight per minute, used up by one account read (clocks pinned mid-minute)
    const std::int64_t midMinute = 1'767'225'630'000;
    fake.setClock([=] { return midMinute; });
    BinanceRest::Options o;
    o.baseUrl = fake.restUrl();
    o.weightLimit1m = 20;
    BinanceRest small(o, credentials());
    small.setClock([=] { return midMinute; });
    std::optional<BinanceRest::Reply> account;
    small.signedRequest("GET", QStringLiteral("/api/v3/account"), {}, 20, [&](const BinanceRest::Reply& r) { account = r; });
    ASSERT_TRUE(waitUntil([&] { return account.has_value(); }));
    ASSERT_EQ(small.usedWeight1m(), 20);
    QSignalSpy limited(&small, &BinanceRest::rateLimited);
    // WHEN an order would go out in the same minute
    std::optional<BinanceRest::Reply> order;
    small.signedRequest("POST", QStringLiteral("/api/v3/order"), limitBuy("b-1"), 1,
                        [&](const BinanceRest::Reply& r) { order = r; });
    // THEN it is refused at once, in words, and never sent — not held for the next window
    ASSERT_TRUE(order.has_value()) << "an order must not wait silently for the next window";
    EXPECT_EQ(order->outcome, Outcome::RateLimited);
    EXPECT_NE(order->failure.indexOf(QLatin1String("not sent")), -1) << order->failure.toStdString();
    EXPECT_NE(order->failure.indexOf(QLatin1String("weight 20 of 20")), -1) << order->failure.toStdString();
    EXPECT_NE(order->failure.indexOf(QLatin1String("in 30 s")), -1) << order->failure.toStdString();
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("b-1")), 0);
    EXPECT_EQ(small.sentCount(), 1);
    // while a read waits for the next window (neither sent nor failed), and both were said
    std::optional<BinanceRest::Reply> read;
    small.signedRequest("GET", QStringLiteral("/api/v3/openOrders"), {{"symbol", "BTCUSDT"}}, 6,
                        [&](const BinanceRest::Reply& r) { read = r; });
    EXPECT_FALSE(read.has_value());
    EXPECT_EQ(small.sentCount(), 1);
    EXPECT_EQ(limited.size(), 2);
}

TEST_F(BinanceTradingTest, TheUserDataStreamDeliversExecutionsAndResubscribesAfterADrop) {
    BinanceUserStream::Options o;
    o.wsApiUrl = fake.wsApiUrl();
    o.reconnectMinMs = 50;
    BinanceUserStream stream(o, credentials(), [this] { return rest->serverNowMs(); });
    QSignalSpy subscribed(&stream, &BinanceUserStream::subscribed);
    QSignalSpy resubscribed(&stream, &BinanceUserStream::resubscribed);
    QSignalSpy problems(&stream, &BinanceUserStream::problem);
    std::vector<ExecutionReport> executions;
    QObject::connect(&stream, &BinanceUserStream::userEvent, [&](const UserEvent& e) {
        if (e.kind == UserEvent::Kind::Execution) executions.push_back(e.execution);
    });
    stream.start();
    ASSERT_TRUE(waitUntil([&] { return subscribed.size() == 1; }));
    ASSERT_EQ(call("POST", QStringLiteral("/api/v3/order"), limitBuy("s-1", "61000")).outcome, Outcome::Done);
    ASSERT_TRUE(waitUntil([&] { return executions.size() == 2; }));
    EXPECT_EQ(executions[0].execType, "NEW");
    EXPECT_EQ(executions[1].execType, "TRADE");
    EXPECT_EQ(executions[1].orderClientId(), "s-1");
    EXPECT_EQ(executions[1].lastPrice.toString(), "60000.00000000");
    // The stream drops: it comes back and says so, so that the owner reconciles
    fake.dropStreams();
    ASSERT_TRUE(waitUntil([&] { return resubscribed.size() == 1; }));
    EXPECT_EQ(stream.subscriptions(), 2);
    // A malformed message is counted and reported, the stream goes on
    fake.ws.sendToAll(QStringLiteral(
        R"({"subscriptionId":1,"event":{"e":"executionReport","s":"BTCUSDT","c":"x","x":"TRADE","X":"FILLED","q":"1","p":"1","l":"NaN","z":"1","L":"1","t":1}})"));
    ASSERT_TRUE(waitUntil([&] { return stream.malformedCount() == 1; }));
    EXPECT_EQ(problems.size(), 1);
    ASSERT_EQ(call("DELETE", QStringLiteral("/api/v3/order"), {{"symbol", "BTCUSDT"}, {"origClientOrderId", "never"}}).outcome,
              Outcome::Rejected);
    ASSERT_EQ(call("POST", QStringLiteral("/api/v3/order"), limitBuy("s-2")).outcome, Outcome::Done);
    ASSERT_TRUE(waitUntil([&] { return executions.size() == 3; }));
    EXPECT_EQ(executions[2].orderClientId(), "s-2");
}

TEST_F(BinanceTradingTest, AStreamWithAWrongSecretIsRefusedInPlainWords) {
    BinanceUserStream::Options o;
    o.wsApiUrl = fake.wsApiUrl();
    BinanceUserStream stream(o, {kApiKey.toStdString(), "wrong"}, [] { return QDateTime::currentMSecsSinceEpoch(); });
    QSignalSpy problems(&stream, &BinanceUserStream::problem);
    stream.start();
    ASSERT_TRUE(waitUntil([&] { return problems.size() == 1; }));
    EXPECT_NE(problems[0][0].toString().indexOf(QLatin1String("-1022")), -1) << problems[0][0].toString().toStdString();
    EXPECT_FALSE(stream.isSubscribed());
}

}  // namespace
}  // namespace kairos::live
