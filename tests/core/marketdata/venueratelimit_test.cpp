// RestClient with the venues' rate-limit policies against a local HTTP server: rejections
// (429/418 + Retry-After) hold the whole queue instead of retrying in a loop; Binance's used-weight
// header makes the client wait for the next window; Kraken's spacing holds the second request.
#include "marketdata/binancefeed.h"
#include "marketdata/krakenfeed.h"
#include "net/restclient.h"

#include "fakeservers.h"

#include <QDateTime>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::marketdata;
using kairos::test::FakeHttpServer;
using kairos::test::HttpReply;
using kairos::test::waitUntil;

namespace {

net::RestClient::Options fastOptions() {
    net::RestClient::Options o;
    o.retry = net::Backoff::Policy{20, 200, 2.0, 0.5};
    o.maxAttempts = 4;
    return o;
}

HttpReply limited(int status, const char* retryAfter) {
    HttpReply r = HttpReply::json(
        R"({"code":-1003,"msg":"Too many requests; current limit of IP is 6000 request weight per 1 MINUTE."})", status);
    if (retryAfter) r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray(retryAfter)));
    return r;
}

TEST(RestClient, Http429HoldsTheQueueForRetryAfterThenRetries) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    server.route(QStringLiteral("/api/v3/time"), [](const auto&) { return HttpReply::json(R"({"serverTime":1499827319559})"); });
    server.queueReply(QStringLiteral("/api/v3/time"), limited(429, "1"));
    net::RestClient client(server.url(), std::make_unique<BinanceRateLimitPolicy>(), fastOptions());
    QSignalSpy limitedSpy(&client, &net::RestClient::rateLimited);
    int done = 0;
    QList<int> statuses;
    for (int i = 0; i < 2; ++i)
        client.get(QStringLiteral("/api/v3/time"), {}, 1, [&](const Result<net::HttpResponse>& r) {
            ASSERT_TRUE(r.ok()) << r.message();
            statuses.append(r->status);
            ++done;
        });
    ASSERT_TRUE(waitUntil([&] { return done == 2; }));
    EXPECT_EQ(statuses, (QList<int>{200, 200}));
    // One rejection, one retry of the same request, then the second request: no retry loop.
    EXPECT_EQ(server.requestCount(), 3);
    ASSERT_EQ(limitedSpy.count(), 1);
    EXPECT_EQ(limitedSpy.at(0).at(0).toLongLong(), 1000);
    EXPECT_TRUE(limitedSpy.at(0).at(1).toString().contains(QStringLiteral("429")));
    EXPECT_EQ(client.rejectionCount(), 1);
}

TEST(RestClient, Http418BanIsHonouredAndMissingRetryAfterMeansTwoMinutes) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    server.route(QStringLiteral("/x"), [](const auto&) { return HttpReply::json("{}"); });
    server.queueReply(QStringLiteral("/x"), limited(418, "1"));
    net::RestClient client(server.url(), std::make_unique<BinanceRateLimitPolicy>(), fastOptions());
    QSignalSpy limitedSpy(&client, &net::RestClient::rateLimited);
    bool ok = false;
    client.get(QStringLiteral("/x"), {}, 1, [&](const Result<net::HttpResponse>& r) { ok = r.ok() && r->status == 200; });
    ASSERT_TRUE(waitUntil([&] { return ok; }));
    EXPECT_EQ(server.requestCount(), 2);
    ASSERT_EQ(limitedSpy.count(), 1);
    EXPECT_TRUE(limitedSpy.at(0).at(1).toString().contains(QStringLiteral("418")));

    // Without Retry-After a ban still means waiting (at least the documented 2 minutes).
    BinanceRateLimitPolicy policy;
    net::HttpResponse r;
    r.status = 418;
    auto rej = policy.rejection(r);
    ASSERT_TRUE(rej.has_value());
    EXPECT_EQ(rej->waitMs, 120'000);
    r.status = 429;
    rej = policy.rejection(r);
    ASSERT_TRUE(rej.has_value());
    EXPECT_EQ(rej->waitMs, -1);  // the client falls back to its exponential backoff
    r.status = 400;
    EXPECT_FALSE(policy.rejection(r).has_value());
}

TEST(RestClient, BanLongerThanTheClientWaitsFailsAtOnce) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    server.queueReply(QStringLiteral("/x"), limited(418, "259200"));
    net::RestClient::Options o = fastOptions();
    o.maxWaitMs = 60'000;
    net::RestClient client(server.url(), std::make_unique<BinanceRateLimitPolicy>(), o);
    std::optional<Result<net::HttpResponse>> result;
    client.get(QStringLiteral("/x"), {}, 1, [&](const Result<net::HttpResponse>& r) { result = r; });
    ASSERT_TRUE(waitUntil([&] { return result.has_value(); }));
    ASSERT_FALSE(result->ok());
    EXPECT_NE(result->message().find("418"), std::string::npos) << result->message();
    EXPECT_EQ(server.requestCount(), 1);
}

TEST(RestClient, UsedWeightNearTheLimitWaitsForTheNextMinute) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    int weight = 0;
    server.route(QStringLiteral("/api/v3/klines"), [&](const auto&) {
        weight += 50;
        HttpReply r = HttpReply::json("[]");
        r.headers.append({"X-MBX-USED-WEIGHT-1M", QByteArray::number(weight)});
        return r;
    });
    auto policy = std::make_unique<BinanceRateLimitPolicy>();
    policy->setWeightLimitPerMinute(100);  // budget 90 with the 10 % headroom
    net::RestClient client(server.url(), std::move(policy), fastOptions());
    // Pin the clock 59.7 s into a minute (advancing in real time) so the wait is short.
    const qint64 realStart = QDateTime::currentMSecsSinceEpoch();
    const qint64 fakeStart = 1'700'000'000'000LL / 60'000 * 60'000 + 59'700;
    client.setClock([=] { return fakeStart + (QDateTime::currentMSecsSinceEpoch() - realStart); });
    QSignalSpy limitedSpy(&client, &net::RestClient::rateLimited);
    int done = 0;
    for (int i = 0; i < 2; ++i)
        client.get(QStringLiteral("/api/v3/klines"), {}, 50, [&](const Result<net::HttpResponse>& r) { done += r.ok(); });
    ASSERT_TRUE(waitUntil([&] { return done == 2; }));
    // The second request (50 + 50 > 90) was held until the minute turned, not sent into a 429.
    ASSERT_EQ(limitedSpy.count(), 1);
    EXPECT_GT(limitedSpy.at(0).at(0).toLongLong(), 0);
    EXPECT_LE(limitedSpy.at(0).at(0).toLongLong(), 600);
    EXPECT_TRUE(limitedSpy.at(0).at(1).toString().contains(QStringLiteral("weight")));
    EXPECT_EQ(server.requestCount(), 2);
}

TEST(RestClient, MinimumIntervalSpacesRequestsOnTheClientClock) {
    // Kraken public REST: one call per second or slower. The clock is the test's: while it stands
    // still the second request is not sent, however long the event loop runs.
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    server.route(QStringLiteral("/0/public/Time"),
                 [](const auto&) { return HttpReply::json(R"({"error":[],"result":{"unixtime":1688669448}})"); });
    net::RestClient::Options o = fastOptions();
    o.minIntervalMs = 1000;
    net::RestClient client(server.url(), std::make_unique<KrakenRateLimitPolicy>(), o);
    qint64 now = 1'700'000'000'000LL;
    client.setClock([&] { return now; });
    int done = 0;
    for (int i = 0; i < 2; ++i)
        client.get(QStringLiteral("/0/public/Time"), {}, 1, [&](const Result<net::HttpResponse>& r) { done += r.ok(); });
    ASSERT_TRUE(waitUntil([&] { return done == 1; }));
    EXPECT_FALSE(waitUntil([&] { return done == 2; }, 300));
    EXPECT_EQ(server.requestCount(), 1);
    now += 999;
    EXPECT_FALSE(waitUntil([&] { return done == 2; }, 100));
    now += 1;
    ASSERT_TRUE(waitUntil([&] { return done == 2; }));
    EXPECT_EQ(server.requestCount(), 2);
    EXPECT_EQ(client.rejectionCount(), 0);
}

}  // namespace
