// The local Binance trading server (tests/support/fakebinancetrading.h) against Binance's own
// documented examples: the live venue's tests are only as good as this server's strictness, so it
// must accept exactly what Binance documents and refuse what Binance refuses, with Binance's codes.

#include "fakebinancetrading.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QWebSocket>

#include <memory>

namespace kairos::test {
namespace {

// The key pair of Binance's signing examples (rest-api.md, web-socket-api.md).
const QByteArray kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const QByteArray kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

struct Answer {
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
};

class FakeBinanceTradingTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(fake.listen());
        fake.setClock([this] { return now; });
        FakeBinanceTrading::Symbol ltc{QStringLiteral("LTCBTC"), QStringLiteral("LTC"), QStringLiteral("BTC")};
        ltc.tickSize = ltc.minPrice = 1'000;    // 0.00001
        ltc.stepSize = ltc.minQty = 1'000'000;  // 0.01
        ltc.minNotional = 10'000;               // 0.0001
        fake.addSymbol(ltc);
        fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
        fake.setBalance(QStringLiteral("BTC"), *parseUnits(QStringLiteral("1")));
        fake.setBalance(QStringLiteral("USDT"), *parseUnits(QStringLiteral("10000")));
    }

    /// Sends `method target` with `body` (form-encoded) and the API key; waits for the answer.
    Answer send(const QByteArray& method, const QByteArray& target, const QByteArray& body = {}, const QByteArray& key = kApiKey,
                int timeoutMs = 10'000) {
        QNetworkRequest req(QUrl(fake.restUrl().toString() + QString::fromLatin1(target)));
        req.setTransferTimeout(timeoutMs);
        if (!key.isEmpty()) req.setRawHeader("X-MBX-APIKEY", key);
        if (!body.isEmpty()) req.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
        QPointer<QNetworkReply> reply = nam.sendCustomRequest(req, method, body);
        bool done = false;
        QObject::connect(reply, &QNetworkReply::finished, [&] { done = true; });
        EXPECT_TRUE(waitUntil([&] { return done; }, timeoutMs + 5'000));
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->isReadable()) a.body = reply->readAll();
        a.error = reply->error();
        reply->deleteLater();
        return a;
    }

    /// `params` signed with the example secret, "&signature=..." appended.
    static QByteArray signedParams(const QByteArray& params) {
        return params + "&signature=" + QMessageAuthenticationCode::hash(params, kSecret, QCryptographicHash::Sha256).toHex();
    }

    Answer order(const QByteArray& params) {
        return send("POST", "/api/v3/order", signedParams(params + "&timestamp=" + QByteArray::number(now)));
    }

    /// A WebSocket API connection subscribed to the user data stream (WS API signing rule).
    std::unique_ptr<QWebSocket> subscribe() {
        auto ws = std::make_unique<QWebSocket>();
        QObject::connect(ws.get(), &QWebSocket::textMessageReceived, [this](const QString& t) { received.append(t); });
        ws->open(fake.wsApiUrl());
        EXPECT_TRUE(waitUntil([&] { return ws->state() == QAbstractSocket::ConnectedState; }));
        const QByteArray signedString = "apiKey=" + kApiKey + "&timestamp=" + QByteArray::number(now);
        const QByteArray sig = QMessageAuthenticationCode::hash(signedString, kSecret, QCryptographicHash::Sha256).toHex();
        ws->sendTextMessage(
            QStringLiteral(
                R"({"id":"s1","method":"userDataStream.subscribe.signature","params":{"apiKey":"%1","timestamp":%2,"signature":"%3"}})")
                .arg(QString::fromLatin1(kApiKey))
                .arg(now)
                .arg(QString::fromLatin1(sig)));
        EXPECT_TRUE(waitUntil([&] { return !received.isEmpty(); }));
        EXPECT_TRUE(received.value(0).contains(QLatin1String(R"("subscriptionId":0)"))) << received.value(0).toStdString();
        received.clear();
        return ws;
    }

    /// The user-data events received so far ({"subscriptionId":N,"event":{...}} -> event).
    QList<QJsonObject> events() const {
        QList<QJsonObject> out;
        for (const QString& t : received)
            out.append(QJsonDocument::fromJson(t.toUtf8()).object().value(QStringLiteral("event")).toObject());
        return out;
    }

    std::int64_t now = 1499827319559;  // the examples' timestamp
    FakeBinanceTrading fake{kApiKey, kSecret};
    QNetworkAccessManager nam;
    QStringList received;
};

Units u(const char* text) { return *parseUnits(QString::fromLatin1(text)); }

TEST_F(FakeBinanceTradingTest, AcceptsBinancesDocumentedSignatureInTheQueryStringOrTheBody) {
    // GIVEN Binance's documented order and its documented HMAC-SHA256 signature (rest-api.md)
    const QByteArray params =
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    const QByteArray sig = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
    // WHEN it is sent once in the query string and once in the body (with another client id)
    const Answer inQuery = send("POST", "/api/v3/order?" + params + "&newClientOrderId=q1&signature=" + sig);
    EXPECT_EQ(inQuery.status, 400) << "the client id is part of the signed string, so adding it breaks the signature";
    EXPECT_EQ(inQuery.json().value(QStringLiteral("code")).toInt(), -1022);
    const Answer query = send("POST", "/api/v3/order?" + params + "&signature=" + sig);
    const Answer body = send("POST", "/api/v3/order", params + "&signature=" + sig.toUpper());
    // THEN both are accepted (the signature is case-insensitive hex)
    ASSERT_EQ(query.status, 200) << query.body.toStdString();
    ASSERT_EQ(body.status, 200) << body.body.toStdString();
    ASSERT_EQ(fake.orders().size(), 2u);
    EXPECT_EQ(fake.orders()[0].status, QStringLiteral("NEW"));
    EXPECT_EQ(fake.orders()[0].price, u("0.1"));
    // 2 × 1 LTC at 0.1 BTC locked
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).locked, u("0.2"));
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).free, u("0.8"));
}

TEST_F(FakeBinanceTradingTest, SignsQueryStringAndBodyConcatenatedWithoutASeparator) {
    // GIVEN parameters split between the query string and the body: totalParams = query + body
    const QByteArray query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
    const QByteArray body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    // (rest-api.md, example 3: the signature of "…timeInForce=GTCquantity=1&…", recomputed with
    // `openssl dgst -sha256 -hmac`)
    const QByteArray sig = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77";
    const Answer a = send("POST", "/api/v3/order?" + query, body + "&signature=" + sig);
    EXPECT_EQ(a.status, 200) << a.body.toStdString();
    // Signing with a '&' between the two parts is refused.
    const QByteArray wrong = QMessageAuthenticationCode::hash(query + "&" + body, kSecret, QCryptographicHash::Sha256).toHex();
    const Answer b = send("POST", "/api/v3/order?" + query, body + "&signature=" + wrong);
    EXPECT_EQ(b.json().value(QStringLiteral("code")).toInt(), -1022);
    EXPECT_EQ(fake.orders().size(), 1u);
}

TEST_F(FakeBinanceTradingTest, RefusesBadKeysSignaturesAndTimestampsWithBinancesCodes) {
    const QByteArray p = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001";
    auto at = [&](std::int64_t ts, const QByteArray& extra = {}) {
        return signedParams(p + extra + "&timestamp=" + QByteArray::number(ts));
    };
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("60000"));
    EXPECT_EQ(send("POST", "/api/v3/order", at(now), "").json().value(QStringLiteral("code")).toInt(), -2014);
    EXPECT_EQ(send("POST", "/api/v3/order", at(now), "wrongkey").json().value(QStringLiteral("code")).toInt(), -2015);
    QByteArray tampered = at(now);
    tampered.replace("quantity=0.001", "quantity=0.002");
    EXPECT_EQ(send("POST", "/api/v3/order", tampered).json().value(QStringLiteral("code")).toInt(), -1022);
    const Answer ahead = send("POST", "/api/v3/order", at(now + 1000));
    EXPECT_EQ(ahead.json().value(QStringLiteral("code")).toInt(), -1021);
    EXPECT_EQ(ahead.json().value(QStringLiteral("msg")).toString(),
              QStringLiteral("Timestamp for this request was 1000ms ahead of the server's time."));
    EXPECT_EQ(send("POST", "/api/v3/order", at(now - 5001)).json().value(QStringLiteral("code")).toInt(), -1021);
    EXPECT_EQ(send("POST", "/api/v3/order", at(now - 5001, "&recvWindow=6000")).status, 200);
    EXPECT_EQ(send("POST", "/api/v3/order", at(now, "&recvWindow=60001")).json().value(QStringLiteral("code")).toInt(), -1131);
    EXPECT_EQ(send("POST", "/api/v3/order", p).json().value(QStringLiteral("code")).toInt(), -1102);  // no signature
    EXPECT_EQ(fake.orders().size(), 1u);
}

TEST_F(FakeBinanceTradingTest, AppliesFiltersClientIdRulesAndBalances) {
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("60000"));
    auto code = [](const Answer& a) { return a.json().value(QStringLiteral("code")).toInt(); };
    auto msg = [](const Answer& a) { return a.json().value(QStringLiteral("msg")).toString(); };
    const Answer lot = order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.000015&price=50000");
    EXPECT_EQ(code(lot), -1013);
    EXPECT_EQ(msg(lot), QStringLiteral("Filter failure: LOT_SIZE"));
    EXPECT_EQ(msg(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=50000.005")),
              QStringLiteral("Filter failure: PRICE_FILTER"));
    EXPECT_EQ(msg(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.00001&price=50000")),
              QStringLiteral("Filter failure: MIN_NOTIONAL"));
    EXPECT_EQ(
        code(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=50000&newClientOrderId=bad%20id")),
        -1100);
    EXPECT_EQ(code(order("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.001&price=50000")), -1102);  // no timeInForce
    EXPECT_EQ(code(order("symbol=ETHUSDT&side=BUY&type=MARKET&quantity=1")), -1121);
    ASSERT_EQ(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=50000&newClientOrderId=k1").status,
              200);
    const Answer dup = order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=50000&newClientOrderId=k1");
    EXPECT_EQ(code(dup), -2010);
    EXPECT_EQ(msg(dup), QStringLiteral("Duplicate order sent."));
    EXPECT_EQ(msg(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=50000")),
              QStringLiteral("Account has insufficient balance for requested action."));
    EXPECT_EQ(msg(order("symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.001&price=61000")),
              QStringLiteral("Order would immediately match and take."));
    EXPECT_EQ(msg(order("symbol=BTCUSDT&side=SELL&type=STOP_LOSS&quantity=0.001&stopPrice=61000")),
              QStringLiteral("Order would trigger immediately."));
    EXPECT_EQ(fake.placeAttempts(QStringLiteral("k1")), 2);
    EXPECT_EQ(fake.orders().size(), 1u);
    EXPECT_EQ(fake.balance(QStringLiteral("USDT")).locked, u("50"));
}

TEST_F(FakeBinanceTradingTest, AcceptsTheWebSocketApisDocumentedSignature) {
    // GIVEN web-socket-api.md's signed example: every parameter but the signature, sorted by name
    now = 1645423376532;
    QWebSocket ws;
    QObject::connect(&ws, &QWebSocket::textMessageReceived, [this](const QString& t) { received.append(t); });
    ws.open(fake.wsApiUrl());
    ASSERT_TRUE(waitUntil([&] { return ws.state() == QAbstractSocket::ConnectedState; }));
    ws.sendTextMessage(
        QStringLiteral(
            R"({"id":1,"method":"userDataStream.subscribe.signature","params":{"apiKey":"%1","price":"52000.00","quantity":"0.01000000","recvWindow":100,"side":"SELL","symbol":"BTCUSDT","timeInForce":"GTC","timestamp":1645423376532,"type":"LIMIT","signature":"aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"}})")
            .arg(QString::fromLatin1(kApiKey)));
    ASSERT_TRUE(waitUntil([&] { return received.size() == 1; }));
    // THEN it is accepted, and the same request with a changed value is refused with -1022
    EXPECT_TRUE(received[0].contains(QLatin1String(R"("subscriptionId":0)"))) << received[0].toStdString();
    QWebSocket other;
    QStringList otherReceived;
    QObject::connect(&other, &QWebSocket::textMessageReceived, [&](const QString& t) { otherReceived.append(t); });
    other.open(fake.wsApiUrl());
    ASSERT_TRUE(waitUntil([&] { return other.state() == QAbstractSocket::ConnectedState; }));
    other.sendTextMessage(
        QStringLiteral(
            R"({"id":2,"method":"userDataStream.subscribe.signature","params":{"apiKey":"%1","price":"52000.01","quantity":"0.01000000","recvWindow":100,"side":"SELL","symbol":"BTCUSDT","timeInForce":"GTC","timestamp":1645423376532,"type":"LIMIT","signature":"aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"}})")
            .arg(QString::fromLatin1(kApiKey)));
    ASSERT_TRUE(waitUntil([&] { return otherReceived.size() == 1; }));
    EXPECT_TRUE(otherReceived[0].contains(QLatin1String("-1022"))) << otherReceived[0].toStdString();
    EXPECT_EQ(fake.activeSubscriptions(), 1);
}

TEST_F(FakeBinanceTradingTest, AMarketOrderFillsAtTheLastPriceWithCommissionAndReportsItOnTheStream) {
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("60000"));
    auto ws = subscribe();
    const Answer a = order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=m1");
    ASSERT_EQ(a.status, 200) << a.body.toStdString();
    // FULL response by default for MARKET: one fill at 60000, commission 0.1 % of the base received
    const QJsonArray fills = a.json().value(QStringLiteral("fills")).toArray();
    ASSERT_EQ(fills.size(), 1);
    EXPECT_EQ(fills[0].toObject().value(QStringLiteral("price")).toString(), QStringLiteral("60000.00000000"));
    EXPECT_EQ(fills[0].toObject().value(QStringLiteral("commission")).toString(), QStringLiteral("0.00001000"));
    EXPECT_EQ(a.json().value(QStringLiteral("status")).toString(), QStringLiteral("FILLED"));
    EXPECT_EQ(fake.balance(QStringLiteral("USDT")).free, u("9400"));
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).free, u("1.00999"));
    // Events: NEW, account, TRADE, account
    ASSERT_TRUE(waitUntil([&] { return received.size() >= 4; }));
    const auto ev = events();
    EXPECT_EQ(ev[0].value(QStringLiteral("e")).toString(), QStringLiteral("executionReport"));
    EXPECT_EQ(ev[0].value(QStringLiteral("x")).toString(), QStringLiteral("NEW"));
    EXPECT_EQ(ev[0].value(QStringLiteral("c")).toString(), QStringLiteral("m1"));
    EXPECT_EQ(ev[2].value(QStringLiteral("x")).toString(), QStringLiteral("TRADE"));
    EXPECT_EQ(ev[2].value(QStringLiteral("X")).toString(), QStringLiteral("FILLED"));
    EXPECT_EQ(ev[2].value(QStringLiteral("l")).toString(), QStringLiteral("0.01000000"));
    EXPECT_EQ(ev[2].value(QStringLiteral("Z")).toString(), QStringLiteral("600.00000000"));
    EXPECT_EQ(ev[3].value(QStringLiteral("e")).toString(), QStringLiteral("outboundAccountPosition"));
    // The account endpoint agrees.
    const Answer acct = send("GET", "/api/v3/account?" + signedParams("timestamp=" + QByteArray::number(now)));
    ASSERT_EQ(acct.status, 200);
    bool sawBtc = false;
    for (const auto& b : acct.json().value(QStringLiteral("balances")).toArray())
        if (b.toObject().value(QStringLiteral("asset")).toString() == QLatin1String("BTC")) {
            sawBtc = true;
            EXPECT_EQ(b.toObject().value(QStringLiteral("free")).toString(), QStringLiteral("1.00999000"));
        }
    EXPECT_TRUE(sawBtc);
}

TEST_F(FakeBinanceTradingTest, ARestingLimitFillsAsMakerAtItsPriceAndACancelNamesTheOriginalId) {
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("60000"));
    auto ws = subscribe();
    ASSERT_EQ(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=59000&newClientOrderId=l1").status,
              200);
    ASSERT_EQ(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=58000&newClientOrderId=l2").status,
              200);
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("58500"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("l1"))->status, QStringLiteral("FILLED"));
    ASSERT_EQ(fake.trades().size(), 1u);
    EXPECT_EQ(fake.trades()[0].price, u("59000"));
    EXPECT_TRUE(fake.trades()[0].isMaker);
    const Answer cancel =
        send("DELETE",
             "/api/v3/order?" +
                 signedParams("symbol=BTCUSDT&origClientOrderId=l2&newClientOrderId=c2&timestamp=" + QByteArray::number(now)));
    ASSERT_EQ(cancel.status, 200) << cancel.body.toStdString();
    EXPECT_EQ(cancel.json().value(QStringLiteral("origClientOrderId")).toString(), QStringLiteral("l2"));
    ASSERT_TRUE(waitUntil([&] {
        return !received.isEmpty() && received.last().contains(QLatin1String("outboundAccountPosition")) &&
            received.join(QString()).contains(QLatin1String("CANCELED"));
    }));
    const auto ev = events();
    ASSERT_GE(ev.size(), 2);
    const QJsonObject& last = ev[ev.size() - 2];
    EXPECT_EQ(last.value(QStringLiteral("x")).toString(), QStringLiteral("CANCELED"));
    EXPECT_EQ(last.value(QStringLiteral("c")).toString(), QStringLiteral("c2"));
    EXPECT_EQ(last.value(QStringLiteral("C")).toString(), QStringLiteral("l2"));
    // Nothing is locked any more: 10000 - 590 spent
    EXPECT_EQ(fake.balance(QStringLiteral("USDT")).locked, 0);
    EXPECT_EQ(fake.balance(QStringLiteral("USDT")).free, u("9410"));
    const Answer again = send(
        "DELETE", "/api/v3/order?" + signedParams("symbol=BTCUSDT&origClientOrderId=l2&timestamp=" + QByteArray::number(now)));
    EXPECT_EQ(again.json().value(QStringLiteral("code")).toInt(), -2011);
    const Answer missing =
        send("GET", "/api/v3/order?" + signedParams("symbol=BTCUSDT&origClientOrderId=zz&timestamp=" + QByteArray::number(now)));
    EXPECT_EQ(missing.json().value(QStringLiteral("code")).toInt(), -2013);
}

TEST_F(FakeBinanceTradingTest, StopsAndTrailingStopsTriggerAsDocumented) {
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("60000"));
    ASSERT_EQ(order("symbol=BTCUSDT&side=SELL&type=STOP_LOSS&quantity=0.01&stopPrice=59000&newClientOrderId=s1").status, 200);
    // trailingDelta 100 BIPS = 1 %: SELL triggers on a 1 % fall from the highest price since placement
    ASSERT_EQ(order("symbol=BTCUSDT&side=SELL&type=STOP_LOSS&quantity=0.01&trailingDelta=100&newClientOrderId=t1").status, 200);
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("62000"));  // new high: trigger level 61380
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("61400"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("t1"))->status, QStringLiteral("NEW"));
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("61380"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("t1"))->status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("s1"))->status, QStringLiteral("NEW"));
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("58990"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("s1"))->status, QStringLiteral("FILLED"));
    ASSERT_EQ(fake.trades().size(), 2u);
    EXPECT_EQ(fake.trades()[0].price, u("61380"));
    EXPECT_EQ(fake.trades()[1].price, u("58990"));
}

TEST_F(FakeBinanceTradingTest, FaultsAfterAcceptLeaveTheOrderPlacedOnce) {
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("60000"));
    using Kind = FakeBinanceTrading::RequestFault::Kind;
    fake.failNext("POST", QStringLiteral("/api/v3/order"), FakeBinanceTrading::RequestFault::of(Kind::ServerErrorAfterAccept));
    const Answer unknown =
        order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=f1");
    EXPECT_EQ(unknown.status, 503);
    EXPECT_EQ(unknown.json().value(QStringLiteral("code")).toInt(), -1006);
    fake.failNext("POST", QStringLiteral("/api/v3/order"), FakeBinanceTrading::RequestFault::of(Kind::DropAfterAccept));
    const Answer dropped =
        order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=f2");
    EXPECT_NE(dropped.error, QNetworkReply::NoError);
    fake.failNext("POST", QStringLiteral("/api/v3/order"), FakeBinanceTrading::RequestFault::of(Kind::TimeoutAfterAccept));
    const Answer timedOut =
        send("POST", "/api/v3/order",
             signedParams("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=f3&"
                          "timestamp=" +
                          QByteArray::number(now)),
             kApiKey, 500);
    EXPECT_EQ(timedOut.error, QNetworkReply::OperationCanceledError);
    fake.failNext("POST", QStringLiteral("/api/v3/order"),
                  FakeBinanceTrading::RequestFault::reject(429, -1015, QStringLiteral("Too many new orders.")));
    EXPECT_EQ(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=f4").status,
              429);
    // Each accepted order exists exactly once, and the query by client id finds it.
    EXPECT_EQ(fake.orders().size(), 3u);
    for (const char* id : {"f1", "f2", "f3"}) {
        const Answer q = send(
            "GET",
            "/api/v3/order?" +
                signedParams(QByteArray("symbol=BTCUSDT&origClientOrderId=") + id + "&timestamp=" + QByteArray::number(now)));
        EXPECT_EQ(q.json().value(QStringLiteral("status")).toString(), QStringLiteral("NEW")) << id;
    }
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("f4")), nullptr);
    const Answer open = send("GET", "/api/v3/openOrders?" + signedParams("symbol=BTCUSDT&timestamp=" + QByteArray::number(now)));
    EXPECT_EQ(open.array().size(), 3);
    const Answer all =
        send("DELETE", "/api/v3/openOrders?" + signedParams("symbol=BTCUSDT&timestamp=" + QByteArray::number(now)));
    EXPECT_EQ(all.array().size(), 3);
    EXPECT_EQ(fake.balance(QStringLiteral("USDT")).locked, 0);
}

TEST_F(FakeBinanceTradingTest, EventsCanBeDuplicatedReorderedAndTheStreamDropped) {
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("60000"));
    auto ws = subscribe();
    fake.duplicateNextEvents(1);
    fake.reorderNextEvent();  // applies to the first event: NEW arrives after the account update
    ASSERT_EQ(order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=e1").status,
              200);
    ASSERT_TRUE(waitUntil([&] { return received.size() >= 3; }));
    const auto ev = events();
    EXPECT_EQ(ev[0].value(QStringLiteral("e")).toString(), QStringLiteral("outboundAccountPosition"));
    EXPECT_EQ(ev[1].value(QStringLiteral("e")).toString(), QStringLiteral("outboundAccountPosition"));
    EXPECT_EQ(ev[2].value(QStringLiteral("x")).toString(), QStringLiteral("NEW"));
    fake.dropStreams();
    ASSERT_TRUE(waitUntil([&] { return ws->state() == QAbstractSocket::UnconnectedState; }));
    EXPECT_EQ(fake.activeSubscriptions(), 0);
}

TEST_F(FakeBinanceTradingTest, AnOcoOrderListIsCheckedAsDocumentedAndOneLegsExecutionExpiresTheOther) {
    auto ws = subscribe();
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("100000"));
    auto oco = [&](const QByteArray& params) {
        return send("POST", "/api/v3/orderList/oco",
                    signedParams("symbol=BTCUSDT&side=SELL&quantity=0.01&" + params + "&timestamp=" + QByteArray::number(now)));
    };
    // Mandatory parameters, the type pairing and the price relationship (rest-api.md "New Order list - OCO")
    Answer missing = oco("aboveType=LIMIT_MAKER&abovePrice=101000");
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(missing.json().value(QStringLiteral("code")).toInt(), -1102);
    Answer twoStops = oco("aboveType=STOP_LOSS&aboveStopPrice=101000&belowType=STOP_LOSS&belowStopPrice=99000");
    EXPECT_EQ(twoStops.json().value(QStringLiteral("code")).toInt(), -1116);
    Answer wrongSides = oco("aboveType=LIMIT_MAKER&abovePrice=99500&belowType=STOP_LOSS&belowStopPrice=99000");
    EXPECT_EQ(wrongSides.json().value(QStringLiteral("code")).toInt(), -2010);
    EXPECT_EQ(wrongSides.json().value(QStringLiteral("msg")).toString(),
              QStringLiteral("The relationship of the prices for the orders is not correct."));
    Answer badTick = oco("aboveType=LIMIT_MAKER&abovePrice=101000.001&belowType=STOP_LOSS&belowStopPrice=99000");
    EXPECT_EQ(badTick.json().value(QStringLiteral("msg")).toString(), QStringLiteral("Filter failure: PRICE_FILTER"));
    EXPECT_TRUE(fake.orders().empty());
    // A valid pair: one list, two orders, one lock of the quantity
    Answer placed =
        oco("listClientOrderId=L1&aboveType=LIMIT_MAKER&abovePrice=101000&aboveClientOrderId=A1&belowType=STOP_LOSS_LIMIT&"
            "belowStopPrice=99000&belowPrice=98900&belowTimeInForce=GTC&belowClientOrderId=B1");
    ASSERT_EQ(placed.status, 200) << placed.body.toStdString();
    EXPECT_EQ(placed.json().value(QStringLiteral("listClientOrderId")).toString(), QStringLiteral("L1"));
    EXPECT_EQ(placed.json().value(QStringLiteral("listOrderStatus")).toString(), QStringLiteral("EXECUTING"));
    EXPECT_EQ(placed.json().value(QStringLiteral("orderReports")).toArray().size(), 2);
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).locked, u("0.01"));
    // WHEN the stop triggers, the limit maker expires (OCO_TRIGGER) and the list is ALL_DONE
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("98950"));
    ASSERT_TRUE(waitUntil([&] {
        for (const QJsonObject& e : events())
            if (e.value(QStringLiteral("e")).toString() == QLatin1String("listStatus") &&
                e.value(QStringLiteral("L")).toString() == QLatin1String("ALL_DONE"))
                return true;
        return false;
    }));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("A1"))->status, QStringLiteral("EXPIRED"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("A1"))->expiryReason, QStringLiteral("OCO_TRIGGER"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("B1"))->status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).locked, 0);
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).free, u("0.99"));
    bool legReport = false;
    for (const QJsonObject& e : events())
        legReport = legReport ||
            (e.value(QStringLiteral("c")).toString() == QLatin1String("A1") &&
             e.value(QStringLiteral("g")).toInteger() == placed.json().value(QStringLiteral("orderListId")).toInteger() &&
             e.value(QStringLiteral("eR")).toString() == QLatin1String("OCO_TRIGGER"));
    EXPECT_TRUE(legReport);
    // The list is found by its client id; cancelling a finished list is refused
    Answer found = send("GET", "/api/v3/orderList?" + signedParams("origClientOrderId=L1&timestamp=" + QByteArray::number(now)));
    EXPECT_EQ(found.json().value(QStringLiteral("listOrderStatus")).toString(), QStringLiteral("ALL_DONE"));
    Answer cancel =
        send("DELETE",
             "/api/v3/orderList?" + signedParams("symbol=BTCUSDT&listClientOrderId=L1&timestamp=" + QByteArray::number(now)));
    EXPECT_EQ(cancel.json().value(QStringLiteral("code")).toInt(), -2011);
}

TEST_F(FakeBinanceTradingTest, AnOtocoPlacesItsPendingPairOnlyWhenTheWorkingOrderIsFilledInFull) {
    auto ws = subscribe();
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("100000"));
    auto otoco = [&](const QByteArray& params) {
        return send("POST", "/api/v3/orderList/otoco",
                    signedParams("symbol=BTCUSDT&workingType=LIMIT&workingSide=BUY&workingPrice=99000&workingQuantity=0.02&"
                                 "workingTimeInForce=GTC&pendingSide=SELL&pendingQuantity=0.02&" +
                                 params + "&timestamp=" + QByteArray::number(now)));
    };
    // The pending pair follows the OCO rules around the working price
    Answer wrong =
        otoco("pendingAboveType=LIMIT_MAKER&pendingAbovePrice=98000&pendingBelowType=STOP_LOSS&pendingBelowStopPrice=97000");
    EXPECT_EQ(wrong.json().value(QStringLiteral("code")).toInt(), -2010);
    Answer noBelow = otoco("pendingAboveType=LIMIT_MAKER&pendingAbovePrice=101000");
    EXPECT_EQ(noBelow.json().value(QStringLiteral("code")).toInt(), -1102);
    Answer placed = otoco(
        "listClientOrderId=T1&workingClientOrderId=W1&pendingAboveType=LIMIT_MAKER&pendingAbovePrice=101000&"
        "pendingAboveClientOrderId=TP1&pendingBelowType=STOP_LOSS&pendingBelowStopPrice=97000&pendingBelowClientOrderId=SL1");
    ASSERT_EQ(placed.status, 200) << placed.body.toStdString();
    EXPECT_EQ(placed.json().value(QStringLiteral("orderReports")).toArray().size(), 3);
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("TP1"))->status, QStringLiteral("PENDING_NEW"));
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).locked, 0) << "pending orders lock nothing";
    // A partial fill of the working order places nothing yet
    ASSERT_TRUE(fake.fillPart(QStringLiteral("W1"), u("0.01")));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("SL1"))->status, QStringLiteral("PENDING_NEW"));
    // The full fill places the pair, locked once
    ASSERT_TRUE(fake.fillPart(QStringLiteral("W1"), u("0.01")));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("SL1"))->status, QStringLiteral("NEW"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("TP1"))->status, QStringLiteral("NEW"));
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).locked, u("0.02"));
    // The take-profit fills, the stop expires, the list is done
    fake.setLastPrice(QStringLiteral("BTCUSDT"), u("101000"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("TP1"))->status, QStringLiteral("FILLED"));
    EXPECT_EQ(fake.orderByClientId(QStringLiteral("SL1"))->status, QStringLiteral("EXPIRED"));
    EXPECT_EQ(fake.balance(QStringLiteral("BTC")).locked, 0);
    ASSERT_EQ(fake.orderLists().size(), 1u);
    EXPECT_EQ(fake.orderLists()[0].listOrderStatus, QStringLiteral("ALL_DONE"));
    EXPECT_EQ(fake.orderLists()[0].contingencyType, QStringLiteral("OTO"));
}

}  // namespace
}  // namespace kairos::test
