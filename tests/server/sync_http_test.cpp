// Workspace sync over real HTTP (kairosd's router and socket server, in process) on SQLite and
// PostgreSQL: the change feed and its paging, per-item conflicts, tombstones, authentication,
// limits and bad bodies, and accounts kept apart.

#include "accounts_fixture.h"

#include "accounts/routes.h"
#include "serverclient.h"
#include "sync/routes.h"

using kairos::server::testing::AccountsTest;
using kairos::test::HttpResponse;
using kairos::test::jsonBody;
namespace bhttp = boost::beast::http;
namespace ksync = kairos::server::sync;
using nlohmann::json;

namespace {

const std::string kPassword = "correct horse battery staple";

class SyncHttp : public AccountsTest {
protected:
    void SetUp() override {
        AccountsTest::SetUp();
        if (HasFatalFailure()) return;
        m_server = std::make_unique<kairos::test::TestServer>();
        kairos::server::accounts::registerAccountRoutes(m_server->server->router(), service());
        ksync::RouteOptions options;
        options.nowMs = [this] { return m_now.load(); };
        options.limits.maxPage = 3;  // small pages, so that paging is exercised
        options.onRevision = [this](std::int64_t account, std::int64_t revision) {
            std::lock_guard lock(m_notifyMutex);
            m_notified.emplace_back(account, revision);
        };
        ksync::addRoutes(m_server->server->router(), database(), service(), options);
        ASSERT_EQ(m_server->start(), "");
    }
    void TearDown() override {
        m_server.reset();
        AccountsTest::TearDown();
    }

    /// A verified account's access token.
    std::string tokenFor(const std::string& email) {
        registerVerified(email, kPassword);
        auto pair = service().login(email, kPassword, "", m_meta);
        EXPECT_TRUE(pair.ok());
        return pair.ok() ? pair.value().accessToken : "";
    }
    HttpResponse request(bhttp::verb verb, const std::string& target, const std::string& token, const std::string& body = {}) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
        return kairos::test::httpRequest(m_server->port(), verb, target, body, headers);
    }
    HttpResponse push(const std::string& token, const json& changes) {
        return request(bhttp::verb::post, "/api/v1/sync/changes", token, json{{"changes", changes}}.dump());
    }
    json pushOk(const std::string& token, const json& changes) {
        auto r = push(token, changes);
        EXPECT_EQ(r.result_int(), 200) << r.body();
        return jsonBody(r);
    }
    json pull(const std::string& token, std::int64_t since, int limit = 0) {
        std::string target = "/api/v1/sync/changes?since=" + std::to_string(since);
        if (limit > 0) target += "&limit=" + std::to_string(limit);
        auto r = request(bhttp::verb::get, target, token);
        EXPECT_EQ(r.result_int(), 200) << r.body();
        return jsonBody(r);
    }
    /// Every item above `since`, following the pages.
    std::vector<json> pullAll(const std::string& token, std::int64_t since, int* pages = nullptr) {
        std::vector<json> all;
        for (int n = 1; n < 100; ++n) {
            const json page = pull(token, since);
            for (const auto& it : page["items"]) all.push_back(it);
            since = page["next"].get<std::int64_t>();
            if (pages) *pages = n;
            if (!page["more"].get<bool>()) break;
        }
        return all;
    }
    static json change(const std::string& kind, const std::string& id, std::int64_t base, const json& payload) {
        return {{"kind", kind}, {"id", id}, {"base_revision", base}, {"payload", payload}};
    }
    static std::string errorCode(const HttpResponse& r) { return jsonBody(r)["error"].value("code", ""); }
    static std::string errorField(const HttpResponse& r) { return jsonBody(r)["error"]["details"].value("field", ""); }

    std::unique_ptr<kairos::test::TestServer> m_server;
    std::mutex m_notifyMutex;
    std::vector<std::pair<std::int64_t, std::int64_t>> m_notified;
};

TEST_P(SyncHttp, ChangeFeedPagesThroughEveryItemInRevisionOrder) {
    // GIVEN seven items pushed in two batches
    const std::string token = tokenFor("ann@example.com");
    json first = json::array();
    for (int i = 0; i < 4; ++i) first.push_back(change("watchlist", "list " + std::to_string(i), 0, {{"n", i}}));
    const json a = pushOk(token, first);
    ASSERT_EQ(a["results"].size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(a["results"][i]["status"], "applied");
        EXPECT_EQ(a["results"][i]["revision"], static_cast<std::int64_t>(i + 1));
    }
    EXPECT_EQ(a["revision"], 4);
    const json b =
        pushOk(token,
               json::array({change("chart_layout", "Main", 0, {{"grid", 2}}), change("preference", "ui/theme", 0, "dark"),
                            change("watchlist", "list 1", 2, {{"n", 11}})}));
    EXPECT_EQ(b["revision"], 7);

    // WHEN a new terminal pulls from 0 in pages of at most three
    int pages = 0;
    const auto all = pullAll(token, 0, &pages);

    // THEN it gets each item once, at its latest revision, in order, over two pages
    EXPECT_EQ(pages, 2);
    ASSERT_EQ(all.size(), 6u) << "list 1's first version was replaced, not kept";
    std::int64_t last = 0;
    for (const auto& it : all) {
        EXPECT_GT(it["revision"].get<std::int64_t>(), last);
        last = it["revision"];
    }
    EXPECT_EQ(all.back()["id"], "list 1");
    EXPECT_EQ(all.back()["payload"]["n"], 11);
    EXPECT_EQ(all.back()["updated_at"], kStartMs) << "no client time given: the server's";
    const json tail = pull(token, 5);
    ASSERT_EQ(tail["items"].size(), 2u);
    EXPECT_FALSE(tail["more"].get<bool>());
    EXPECT_EQ(pull(token, 7)["items"].size(), 0u);
    std::lock_guard lock(m_notifyMutex);
    ASSERT_EQ(m_notified.size(), 2u);
    EXPECT_EQ(m_notified.back().second, 7);
}

TEST_P(SyncHttp, AConflictReturnsTheServerCopyAndTheRestOfTheBatchIsApplied) {
    const std::string token = tokenFor("ben@example.com");
    pushOk(token,
           json::array({change("watchlist", "Crypto", 0, {{"items", {"BTC"}}}),
                        change("watchlist", "Stocks", 0, {{"items", {"AAPL"}}})}));
    // another terminal edits Crypto (revision 1 -> 3)
    pushOk(token, json::array({change("watchlist", "Crypto", 1, {{"items", {"BTC", "ETH"}}})}));

    // this terminal, still at revision 1 for Crypto, edits both lists and adds a third
    const json r = pushOk(token,
                          json::array({change("watchlist", "Crypto", 1, {{"items", {"SOL"}}}),
                                       change("watchlist", "Stocks", 2, {{"items", {"AAPL", "MSFT"}}}),
                                       change("watchlist", "New", 0, {{"items", json::array()}})}));
    ASSERT_EQ(r["results"].size(), 3u);
    EXPECT_EQ(r["results"][0]["status"], "conflict");
    EXPECT_EQ(r["results"][0]["current"]["revision"], 3);
    EXPECT_EQ(r["results"][0]["current"]["payload"]["items"], json::array({"BTC", "ETH"}));
    EXPECT_EQ(r["results"][1]["status"], "applied");
    EXPECT_EQ(r["results"][2]["status"], "applied");

    // resending on top of the server's revision (the client chose its own edit) is accepted
    const json again = pushOk(token, json::array({change("watchlist", "Crypto", 3, {{"items", {"SOL"}}})}));
    EXPECT_EQ(again["results"][0]["status"], "applied");
    const auto all = pullAll(token, 0);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all.back()["id"], "Crypto");
    EXPECT_EQ(all.back()["payload"]["items"], json::array({"SOL"}));
}

TEST_P(SyncHttp, ADeletionStaysAsATombstoneInTheFeed) {
    const std::string token = tokenFor("cat@example.com");
    pushOk(token, json::array({change("chart_layout", "Day", 0, {{"grid", 1}})}));
    const json del =
        pushOk(token, json::array({{{"kind", "chart_layout"}, {"id", "Day"}, {"base_revision", 1}, {"deleted", true}}}));
    EXPECT_EQ(del["results"][0]["status"], "applied");
    const auto all = pullAll(token, 0);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_TRUE(all[0]["deleted"].get<bool>());
    EXPECT_TRUE(all[0]["payload"].is_null());
    EXPECT_EQ(all[0]["revision"], 2);
    // a terminal that never saw the deletion and edits the old copy gets the tombstone back
    const json stale = pushOk(token, json::array({change("chart_layout", "Day", 1, {{"grid", 4}})}));
    EXPECT_EQ(stale["results"][0]["status"], "conflict");
    EXPECT_TRUE(stale["results"][0]["current"]["deleted"].get<bool>());
}

TEST_P(SyncHttp, ClientTimesAreKeptButNeverLaterThanTheServerClock) {
    const std::string token = tokenFor("dot@example.com");
    json early = change("preference", "ui/theme", 0, "light");
    early["updated_at"] = kStartMs - 60'000;
    json future = change("preference", "alerts/sound", 0, true);
    future["updated_at"] = kStartMs + 3'600'000;
    pushOk(token, json::array({early, future}));
    const auto all = pullAll(token, 0);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]["updated_at"], kStartMs - 60'000);
    EXPECT_EQ(all[1]["updated_at"], kStartMs);
}

TEST_P(SyncHttp, MissingBadOrExpiredTokensGet401) {
    const std::string token = tokenFor("eve@example.com");
    auto none = request(bhttp::verb::get, "/api/v1/sync/changes", "");
    EXPECT_EQ(none.result_int(), 401);
    EXPECT_EQ(none[bhttp::field::www_authenticate], "Bearer");
    EXPECT_EQ(request(bhttp::verb::get, "/api/v1/sync/changes", "not.a.token").result_int(), 401);
    EXPECT_EQ(push("", json::array({change("watchlist", "x", 0, 1)})).result_int(), 401);
    EXPECT_EQ(request(bhttp::verb::get, "/api/v1/sync/changes", token).result_int(), 200);
    advanceSeconds(901);
    auto expired = request(bhttp::verb::get, "/api/v1/sync/changes", token);
    EXPECT_EQ(expired.result_int(), 401);
    EXPECT_EQ(errorCode(expired), "invalid_token");
}

TEST_P(SyncHttp, APayloadOverTheLimitGets413NamingItAndNothingIsApplied) {
    const std::string token = tokenFor("fay@example.com");
    const std::string big(40 * 1024, 'x');
    auto r = push(token, json::array({change("watchlist", "ok", 0, 1), change("chart_layout", "Huge", 0, {{"blob", big}})}));
    EXPECT_EQ(r.result_int(), 413) << r.body();
    EXPECT_EQ(errorCode(r), "payload_too_large");
    EXPECT_EQ(errorField(r), "changes[1].payload");
    EXPECT_EQ(pull(token, 0)["items"].size(), 0u);
}

TEST_P(SyncHttp, MalformedBodiesGet400NamingTheField) {
    const std::string token = tokenFor("gus@example.com");
    struct Case {
        json body;
        std::string field;
    };
    const std::vector<Case> cases = {
        {json::object(), "changes"},
        {{{"changes", "x"}}, "changes"},
        {{{"changes", {5}}}, "changes[0]"},
        {{{"changes", {{{"id", "a"}, {"base_revision", 0}, {"payload", 1}}}}}, "changes[0].kind"},
        {{{"changes", {{{"kind", "Watch List"}, {"id", "a"}, {"base_revision", 0}, {"payload", 1}}}}}, "changes[0].kind"},
        {{{"changes", {change("watchlist", "a", 0, 1), {{"kind", "watchlist"}, {"base_revision", 0}, {"payload", 1}}}}},
         "changes[1].id"},
        {{{"changes", {{{"kind", "watchlist"}, {"id", ""}, {"base_revision", 0}, {"payload", 1}}}}}, "changes[0].id"},
        {{{"changes", {{{"kind", "watchlist"}, {"id", "a"}, {"payload", 1}}}}}, "changes[0].base_revision"},
        {{{"changes", {{{"kind", "watchlist"}, {"id", "a"}, {"base_revision", -1}, {"payload", 1}}}}},
         "changes[0].base_revision"},
        {{{"changes", {{{"kind", "watchlist"}, {"id", "a"}, {"base_revision", "1"}, {"payload", 1}}}}},
         "changes[0].base_revision"},
        {{{"changes", {{{"kind", "watchlist"}, {"id", "a"}, {"base_revision", 0}}}}}, "changes[0].payload"},
        {{{"changes", {{{"kind", "watchlist"}, {"id", "a"}, {"base_revision", 0}, {"deleted", 1}}}}}, "changes[0].deleted"},
        {{{"changes", {{{"kind", "watchlist"}, {"id", "a"}, {"base_revision", 0}, {"payload", 1}, {"updated_at", 1.5}}}}},
         "changes[0].updated_at"},
    };
    for (const auto& c : cases) {
        auto r = request(bhttp::verb::post, "/api/v1/sync/changes", token, c.body.dump());
        EXPECT_EQ(r.result_int(), 400) << c.body.dump();
        EXPECT_EQ(errorField(r), c.field) << c.body.dump() << " -> " << r.body();
    }
    auto notJson = request(bhttp::verb::post, "/api/v1/sync/changes", token, "{\"changes\": [");
    EXPECT_EQ(notJson.result_int(), 400);
    EXPECT_EQ(errorCode(notJson), "malformed_json");
    auto since = request(bhttp::verb::get, "/api/v1/sync/changes?since=abc", token);
    EXPECT_EQ(since.result_int(), 400);
    EXPECT_EQ(errorField(since), "since");
    auto limit = request(bhttp::verb::get, "/api/v1/sync/changes?limit=0", token);
    EXPECT_EQ(limit.result_int(), 400);
    EXPECT_EQ(errorField(limit), "limit");
    EXPECT_EQ(pull(token, 0)["items"].size(), 0u) << "nothing of a refused body is applied";
}

TEST_P(SyncHttp, OneAccountNeverSeesOrChangesAnothersItems) {
    const std::string ann = tokenFor("hal@example.com");
    const std::string bob = tokenFor("ida@example.com");
    pushOk(ann, json::array({change("watchlist", "Secret plans", 0, {{"items", {"BTC"}}})}));
    EXPECT_EQ(pull(bob, 0)["items"].size(), 0u);
    EXPECT_EQ(pull(bob, 0)["revision"], 0);
    // the same kind and id under another account is another item, with that account's own revisions
    const json r = pushOk(bob, json::array({change("watchlist", "Secret plans", 0, {{"items", {"ETH"}}})}));
    EXPECT_EQ(r["results"][0]["status"], "applied");
    EXPECT_EQ(r["results"][0]["revision"], 1);
    const auto annItems = pullAll(ann, 0);
    ASSERT_EQ(annItems.size(), 1u);
    EXPECT_EQ(annItems[0]["payload"]["items"], json::array({"BTC"}));
}

KAIROS_INSTANTIATE_BACKENDS(server_sync_http, SyncHttp);

}  // namespace
