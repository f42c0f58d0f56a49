// RestClient against a local HTTP server with the default rate-limit policy: repeated rejections
// back off and give up, errors are retried with backoff, cancelled requests never call back. The
// venue policies (Binance weight, Kraken spacing) are tested in tests/core/marketdata.
#include "net/restclient.h"

#include "fakeservers.h"

#include <QDateTime>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::net;
using kairos::test::FakeHttpServer;
using kairos::test::HttpReply;
using kairos::test::waitUntil;

namespace {

RestClient::Options fastOptions() {
    RestClient::Options o;
    o.retry = Backoff::Policy{20, 200, 2.0, 0.5};
    o.maxAttempts = 4;
    return o;
}

HttpReply limited(int status, const char* retryAfter) {
    HttpReply r = HttpReply::json(
        R"({"code":-1003,"msg":"Too many requests; current limit of IP is 6000 request weight per 1 MINUTE."})", status);
    if (retryAfter) r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray(retryAfter)));
    return r;
}

TEST(RestClient, RepeatedRateLimitsBackOffExponentiallyAndGiveUp) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    for (int i = 0; i < 10; ++i) server.queueReply(QStringLiteral("/x"), limited(429, nullptr));
    RestClient client(server.url(), nullptr, fastOptions());
    QSignalSpy limitedSpy(&client, &RestClient::rateLimited);
    std::optional<Result<HttpResponse>> result;
    client.get(QStringLiteral("/x"), {}, 1, [&](Result<HttpResponse> r) { result = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return result.has_value(); }));
    ASSERT_FALSE(result->ok());
    EXPECT_NE(result->message().find("gave up after 4 attempts"), std::string::npos) << result->message();
    EXPECT_EQ(server.requestCount(), 4);  // maxAttempts, not a tight loop
    ASSERT_EQ(limitedSpy.count(), 3);
    // Each wait comes from the growing backoff (jitter keeps it within [d/2, d]).
    const qint64 caps[] = {20, 40, 80};
    for (int i = 0; i < 3; ++i) {
        EXPECT_GE(limitedSpy.at(i).at(0).toLongLong(), caps[i] / 2);
        EXPECT_LE(limitedSpy.at(i).at(0).toLongLong(), caps[i]);
    }
}

TEST(RestClient, ServerErrorsAreRetriedWithBackoff) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    server.route(QStringLiteral("/x"), [](const auto&) { return HttpReply::json(R"({"ok":true})"); });
    server.queueReply(QStringLiteral("/x"), HttpReply::json("oops", 503));
    server.queueReply(QStringLiteral("/x"), HttpReply::json("oops", 500));
    RestClient client(server.url(), nullptr, fastOptions());
    std::optional<Result<HttpResponse>> result;
    client.get(QStringLiteral("/x"), {}, 1, [&](Result<HttpResponse> r) { result = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return result.has_value(); }));
    ASSERT_TRUE(result->ok());
    EXPECT_EQ((*result)->body, QByteArray(R"({"ok":true})"));
    EXPECT_EQ(server.requestCount(), 3);
}

TEST(RestClient, ClientErrorsAreReturnedNotRetried) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    server.queueReply(QStringLiteral("/x"), HttpReply::json(R"({"code":-1121,"msg":"Invalid symbol."})", 400));
    RestClient client(server.url(), nullptr, fastOptions());
    std::optional<Result<HttpResponse>> result;
    client.get(QStringLiteral("/x"), {}, 1, [&](Result<HttpResponse> r) { result = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return result.has_value(); }));
    ASSERT_TRUE(result->ok());
    EXPECT_EQ((*result)->status, 400);
    EXPECT_EQ(server.requestCount(), 1);
}

TEST(RestClient, UnreachableHostFailsAfterBoundedAttempts) {
    quint16 deadPort = 0;
    {
        FakeHttpServer probe;  // grab a free port, then close it
        ASSERT_TRUE(probe.listen());
        deadPort = probe.port();
    }
    RestClient::Options o = fastOptions();
    o.maxAttempts = 2;
    RestClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(deadPort)), nullptr, o);
    std::optional<Result<HttpResponse>> result;
    client.get(QStringLiteral("/x"), {}, 1, [&](Result<HttpResponse> r) { result = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return result.has_value(); }));
    ASSERT_FALSE(result->ok());
    EXPECT_NE(result->message().find("cannot reach"), std::string::npos) << result->message();
    EXPECT_EQ(client.sentCount(), 2);
}

TEST(RestClient, CancelledRequestsNeverCallBack) {
    FakeHttpServer server;
    ASSERT_TRUE(server.listen());
    server.route(QStringLiteral("/x"), [](const auto&) { return HttpReply::json("{}"); });
    RestClient client(server.url(), nullptr, fastOptions());
    bool firstCalled = false, secondCalled = false;
    const quint64 a = client.get(QStringLiteral("/x"), {}, 1, [&](const Result<HttpResponse>&) { firstCalled = true; });
    client.get(QStringLiteral("/x"), {}, 1, [&](const Result<HttpResponse>&) { secondCalled = true; });
    client.cancel(a);
    ASSERT_TRUE(waitUntil([&] { return secondCalled; }));
    EXPECT_FALSE(firstCalled);
    EXPECT_EQ(server.requestCount(), 1);
}

}  // namespace
