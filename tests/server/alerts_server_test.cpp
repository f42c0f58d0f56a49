// Server-side alerts (server/src/alerts) on SQLite and PostgreSQL: a rule synced with "server":
// true fires in kairosd on real BTCUSDT candles served by a local Binance (no terminal running),
// is delivered once to a local webhook receiver that checks the HMAC, and is neither stored nor
// delivered again by a second kairosd on the same database or after a restart; the plan limit; the
// channel secrets sealed at rest and never returned; no secret without a key.

#include "accounts_fixture.h"

#include "accounts/mailqueue.h"
#include "accounts/routes.h"
#include "alerts/serveralerts.h"
#include "config.h"
#include "serverclient.h"
#include "sync/routes.h"

#include "alerts/alertrule.h"
#include "signals/signalengine.h"
#include "alerts/channel.h"
#include "sync/alertrulesource.h"

#include "fakebinance.h"
#include "fakebybit.h"
#include "testdata.h"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

using kairos::InstrumentId;
using kairos::Price;
using kairos::Timeframe;
using kairos::server::testing::AccountsTest;
using kairos::test::HttpResponse;
using kairos::test::jsonBody;
namespace bhttp = boost::beast::http;
namespace ksync = kairos::server::sync;
namespace salerts = kairos::server::alerts;
using nlohmann::json;

namespace {

const std::string kPassword = "correct horse battery staple";
const std::string kWebhookSecret = "whsec-7f3a9c2e-server-side";
const std::string kKeyHex = "8c1f2a7d4b6e9c0f1a3d5b7e9f2c4a6d8e0b1c3d5f7a9b2c4e6d8f0a1b3c5d7e";

std::array<unsigned char, 32> testKey() {
    std::array<unsigned char, 32> k{};
    for (std::size_t i = 0; i < k.size(); ++i)
        k[i] = static_cast<unsigned char>(std::stoi(kKeyHex.substr(2 * i, 2), nullptr, 16));
    return k;
}

std::string hmacHex(const std::string& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                   reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out, &len))
        return {};
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < len; ++i) {
        s += hex[out[i] >> 4];
        s += hex[out[i] & 15];
    }
    return s;
}

/// Whether `header` ("t=…,v1=…") signs `body` with `secret`, as a receiver checks it.
bool signatureValid(const std::string& header, const std::string& body, const std::string& secret) {
    const auto t = header.find("t=");
    const auto v = header.find(",v1=");
    if (t != 0 || v == std::string::npos) return false;
    const std::string ts = header.substr(2, v - 2);
    return hmacHex(secret, ts + "." + body) == header.substr(v + 4);
}

class ServerAlerts : public AccountsTest {
protected:
    void SetUp() override {
        AccountsTest::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(m_hook.listen());
        m_server = std::make_unique<kairos::test::TestServer>();
        kairos::server::accounts::registerAccountRoutes(m_server->server->router(), service());
        ksync::RouteOptions ro;
        ro.nowMs = [this] { return m_now.load(); };
        ksync::addRoutes(m_server->server->router(), database(), service(), ro);
        m_alerts = makeModule(true);
        m_alerts->addRoutes(m_server->server->router());
        ASSERT_EQ(m_server->start(), "");
    }
    void TearDown() override {
        m_others.clear();
        m_alerts.reset();
        m_server.reset();
        AccountsTest::TearDown();
    }

    /// A kairosd alerts module on the test database (another "process" when called again).
    std::unique_ptr<salerts::AlertsModule> makeModule(bool withKey,
                                                      std::optional<std::array<unsigned char, 32>> key = std::nullopt) {
        salerts::AlertsOptions o;
        o.venues.binance = m_binance.http.url().toString().toStdString();
        o.venues.bybit = m_bybit.http.url().toString().toStdString();
        o.pollMs = 20;
        if (withKey) o.secretKey = key ? *key : testKey();
        o.freeAlerts = 2;
        o.proAlerts = 3;
        o.mail = kairos::server::accounts::mailDirSender(m_mailDir, "Kairos <no-reply@localhost>");
        o.nowMs = [this] { return m_now.load(); };
        return std::make_unique<salerts::AlertsModule>(database(), service(), o);
    }

    std::string tokenFor(const std::string& email) {
        registerVerified(email, kPassword);
        auto pair = service().login(email, kPassword, "", m_meta);
        EXPECT_TRUE(pair.ok());
        return pair.ok() ? pair.value().accessToken : "";
    }
    HttpResponse request(bhttp::verb verb, const std::string& target, const std::string& token, const std::string& body = {},
                         std::uint16_t port = 0) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
        return kairos::test::httpRequest(port ? port : m_server->port(), verb, target, body, headers);
    }
    /// Pushes alert rules as the terminal's sync does; the answer.
    HttpResponse pushRules(const std::string& token,
                           const std::vector<std::pair<std::string, kairos::alerts::AlertRule>>& rules) {
        json changes = json::array();
        for (const auto& [id, rule] : rules)
            changes.push_back({{"kind", "alert_rule"},
                               {"id", id},
                               {"base_revision", 0},
                               {"payload", json::parse(kairos::sync::alertRulePayload(rule))}});
        return request(bhttp::verb::post, "/api/v1/sync/changes", token, json{{"changes", changes}}.dump());
    }
    static kairos::alerts::AlertRule btcRule(const Price& level, bool server = true) {
        kairos::alerts::AlertRule r;
        r.instrument = InstrumentId::parse("BINANCE:BTCUSDT").value();
        r.condition = kairos::alerts::Condition::CrossesAbove;
        r.level = level;
        r.timeframe = Timeframe::H1;
        r.trigger = kairos::alerts::Trigger::Once;
        r.note = "breakout";
        r.createdAtMs = kStartMs;
        r.server = server;
        return r;
    }
    /// Waits (running the event loop that serves the fake venue and receiver) until `m` has done
    /// `n` more rounds.
    static bool roundsPass(const salerts::AlertsModule& m, std::int64_t n) {
        const std::int64_t target = m.rounds() + n;
        return kairos::test::waitUntil([&] { return m.rounds() >= target; }, 20'000);
    }

    /// Pushes one rule with its context (drawing, watchlist) on top of `base` (0: new); the answer.
    HttpResponse pushRule(const std::string& token, const std::string& id, const kairos::alerts::AlertRule& rule,
                          const kairos::sync::AlertRuleContext& context, std::int64_t base = 0) {
        json change = {{"kind", "alert_rule"},
                       {"id", id},
                       {"base_revision", base},
                       {"payload", json::parse(kairos::sync::alertRulePayload(rule, context))}};
        return request(bhttp::verb::post, "/api/v1/sync/changes", token, json{{"changes", json::array({change})}}.dump());
    }
    /// The stored firings (instrument, time, price), oldest first.
    std::vector<std::tuple<std::string, std::int64_t, std::string>> firings() {
        std::vector<std::tuple<std::string, std::int64_t, std::string>> out;
        auto c = database().acquire();
        EXPECT_TRUE(c.ok());
        if (!c.ok()) return out;
        auto rows = (*c)->query("SELECT instrument, time_ms, price FROM alert_firings WHERE kind = 'fired' ORDER BY id", {});
        EXPECT_TRUE(rows.ok());
        if (rows.ok())
            for (const auto& r : *rows) out.emplace_back(r.text(0), r.i64(1), r.text(2));
        return out;
    }
    static std::vector<kairos::Bar> realHours(const std::string& symbol) {
        return kairos::test::readKlineCsv(
            kairos::test::realData("candles/binance_spot_" + symbol + "_1h_2020-09-20_2025-09-19.csv"));
    }

    /// Runs `f` on another thread while this one serves the fake receiver (its event loop); f's result.
    template <class F>
    static auto offLoop(F f) {
        std::atomic<bool> done{false};
        std::optional<decltype(f())> out;
        std::thread worker([&] {
            out.emplace(f());
            done = true;
        });
        EXPECT_TRUE(kairos::test::waitUntil([&] { return done.load(); }, 30'000));
        worker.join();
        return std::move(*out);
    }

    kairos::test::FakeBinance m_binance;
    kairos::test::FakeBybit m_bybit;
    kairos::test::FakeHttpServer m_hook;
    std::unique_ptr<kairos::test::TestServer> m_server;
    std::unique_ptr<salerts::AlertsModule> m_alerts;
    std::vector<std::unique_ptr<salerts::AlertsModule>> m_others;
};

TEST_P(ServerAlerts, ARuleFiresOnRealCandlesWithNoTerminalAndIsDeliveredOnceEvenWithTwoServersAndARestart) {
    // GIVEN real BTCUSDT 1h candles, of which the venue has served the first 200 so far, and a
    // level: the highest high of those 200, first reached again at bar j
    const auto bars =
        kairos::test::readKlineCsv(kairos::test::realData("candles/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    ASSERT_GT(bars.size(), 400u);
    Price level = bars[0].high;
    for (std::size_t i = 0; i < 200; ++i)
        if (level < bars[i].high) level = bars[i].high;
    std::size_t j = 200;
    while (j < bars.size() && bars[j].high < level) ++j;
    ASSERT_LT(j + 20, bars.size());
    ASSERT_GT(j, 200u);
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + 200});

    // AND a webhook receiver that checks the signature
    std::mutex mutex;
    std::vector<std::string> bodies;
    int badSignatures = 0;
    m_hook.route(QStringLiteral("/hook"), [&](const kairos::test::HttpRequest& req) {
        std::string sig;
        for (const auto& [name, value] : req.headers)
            if (name.toLower() == "x-kairos-signature") sig = value.toStdString();
        std::lock_guard lock(mutex);
        if (!signatureValid(sig, req.body.toStdString(), kWebhookSecret)) ++badSignatures;
        bodies.push_back(req.body.toStdString());
        return kairos::test::HttpReply::json("{\"ok\":true}");
    });

    // AND a signed-in user who stored a webhook channel on the server and synced a rule marked
    // "keep running on the server"; then the terminal is gone
    const std::string token = tokenFor("trader@example.com");
    const json channel = {{"kind", "webhook"},
                          {"name", "My bot"},
                          {"url", m_hook.url().toString().toStdString() + "/hook"},
                          {"secret", kWebhookSecret}};
    auto created = request(bhttp::verb::post, "/api/v1/alerts/channels", token, channel.dump());
    ASSERT_EQ(created.result_int(), 201) << created.body();
    auto pushed = pushRules(token, {{"rule-breakout", btcRule(level)}});
    ASSERT_EQ(pushed.result_int(), 200) << pushed.body();

    // WHEN kairosd evaluates (a first round starts the rule at the newest candle) and a second
    // kairosd on the same database runs too
    m_alerts->start();
    ASSERT_TRUE(roundsPass(*m_alerts, 2));
    auto status = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/status", token));
    EXPECT_EQ(status["rules_running"], 1) << status.dump();
    EXPECT_TRUE(status["errors"].empty()) << status.dump();
    EXPECT_EQ(status["last_evaluation_ms"], m_now.load());
    m_others.push_back(makeModule(true));
    m_others.back()->start();
    ASSERT_TRUE(roundsPass(*m_others.back(), 2));
    {
        std::lock_guard lock(mutex);
        EXPECT_TRUE(bodies.empty()) << "nothing fires on the candles the rule started at";
    }
    // AND the venue's next candles arrive, up to a few after bar j
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + static_cast<long>(j) + 3});

    // THEN the webhook gets the firing once, signed, for bar j
    ASSERT_TRUE(kairos::test::waitUntil(
        [&] {
            std::lock_guard lock(mutex);
            return !bodies.empty();
        },
        20'000));
    ASSERT_TRUE(roundsPass(*m_alerts, 3));
    ASSERT_TRUE(roundsPass(*m_others.back(), 3));
    {
        std::lock_guard lock(mutex);
        ASSERT_EQ(bodies.size(), 1u) << "two kairosd on one database deliver a firing once";
        EXPECT_EQ(badSignatures, 0);
        const json body = json::parse(bodies[0]);
        EXPECT_EQ(body["symbol"], "BINANCE:BTCUSDT");
        EXPECT_EQ(body["condition"], "crosses_above");
        EXPECT_GE(body["time_ms"].get<std::int64_t>(), bars[j].openTimeMs);
        EXPECT_LT(body["time_ms"].get<std::int64_t>(), bars[j].openTimeMs + 3'600'000);
        EXPECT_FALSE(Price::parse(body["price"].get<std::string>()).value() < level) << body.dump();
        EXPECT_GT(body["delivery_id"].get<std::int64_t>(), 0);
    }
    EXPECT_EQ(countRows("SELECT count(*) FROM alert_firings"), 1);
    EXPECT_EQ(countRows("SELECT count(*) FROM alert_deliveries WHERE status = 'sent'"), 1);
    const json firings = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/firings?since_id=0", token));
    ASSERT_EQ(firings["firings"].size(), 1u) << firings.dump();
    EXPECT_EQ(firings["firings"][0]["rule_id"], "rule-breakout");
    EXPECT_EQ(firings["firings"][0]["kind"], "fired");
    EXPECT_NE(firings["firings"][0]["message"].get<std::string>().find("crossed above"), std::string::npos);

    // WHEN both stop and kairosd restarts while more candles arrive, which cross the level again
    m_alerts->stop();
    m_others.clear();
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + static_cast<long>(j) + 20});
    auto restarted = makeModule(true);
    restarted->start();
    ASSERT_TRUE(roundsPass(*restarted, 3));

    // THEN nothing fires again: the "once" rule stays fired, no event is stored twice
    std::lock_guard lock(mutex);
    EXPECT_EQ(bodies.size(), 1u);
    EXPECT_EQ(countRows("SELECT count(*) FROM alert_firings"), 1);
    EXPECT_EQ(countRows("SELECT count(*) FROM alert_deliveries"), 1);
    const json after = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/status", token));
    EXPECT_EQ(after["rules_running"], 0) << after.dump();
    EXPECT_EQ(after["deliveries"]["sent"], 1);
}

TEST_P(ServerAlerts, ThePlanLimitRefusesMoreServerRulesWithAClearMessage) {
    // GIVEN a Free account (2 server alerts in this configuration)
    const std::string token = tokenFor("free@example.com");
    const Price level = Price::parse("120000").value();

    // WHEN it syncs three rules marked "server" at once
    auto refused = pushRules(token, {{"a", btcRule(level)}, {"b", btcRule(level)}, {"c", btcRule(level)}});

    // THEN the push is refused whole with 403 plan_limit saying what to do
    ASSERT_EQ(refused.result_int(), 403) << refused.body();
    const json err = jsonBody(refused);
    EXPECT_EQ(err["error"]["code"], "plan_limit");
    EXPECT_NE(err["error"]["message"].get<std::string>().find("Your Free plan runs at most 2 alerts on the server"),
              std::string::npos)
        << refused.body();
    EXPECT_EQ(countRows("SELECT count(*) FROM sync_items"), 0);

    // AND two are accepted, a third that runs in the terminal too, but not a third on the server
    ASSERT_EQ(pushRules(token, {{"a", btcRule(level)}, {"b", btcRule(level)}, {"c", btcRule(level, false)}}).result_int(), 200);
    kairos::alerts::AlertRule third = btcRule(level);
    json change = {{"kind", "alert_rule"},
                   {"id", "c"},
                   {"base_revision", 3},
                   {"payload", json::parse(kairos::sync::alertRulePayload(third))}};
    EXPECT_EQ(
        request(bhttp::verb::post, "/api/v1/sync/changes", token, json{{"changes", json::array({change})}}.dump()).result_int(),
        403);

    // AND on Pro (3 here) the third is accepted
    const std::int64_t account = countRows("SELECT id FROM accounts WHERE email = ?", {std::string("free@example.com")});
    {
        auto c = database().acquire();
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(kairos::server::db::exec(**c, "INSERT INTO account_plans (account_id, plan, updated_ms) VALUES (?, 'pro', ?)",
                                             {account, m_now.load()})
                        .ok());
    }
    auto ok = request(bhttp::verb::post, "/api/v1/sync/changes", token, json{{"changes", json::array({change})}}.dump());
    EXPECT_EQ(ok.result_int(), 200) << ok.body();
    const json status = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/status", token));
    EXPECT_EQ(status["plan"], "pro");
    EXPECT_EQ(status["limit"], 3);
    EXPECT_EQ(status["server_rules"], 3);
}

TEST_P(ServerAlerts, ChannelSecretsAreSealedAtRestAndNeverReturned) {
    // GIVEN a Telegram channel stored with its bot token
    const std::string token = tokenFor("secret@example.com");
    const std::string botToken = "7012345678:AAF-kairos-telegram-bot-token-42";
    const json channel = {{"kind", "telegram"}, {"name", "Phone"}, {"chat_id", "-1001234567890"}, {"secret", botToken}};
    auto created = request(bhttp::verb::post, "/api/v1/alerts/channels", token, channel.dump());
    ASSERT_EQ(created.result_int(), 201) << created.body();
    EXPECT_EQ(created.body().find(botToken), std::string::npos);

    // WHEN the channels are listed
    auto list = request(bhttp::verb::get, "/api/v1/alerts/channels", token);

    // THEN the token is not in the answer, which says a secret is stored
    ASSERT_EQ(list.result_int(), 200);
    EXPECT_EQ(list.body().find(botToken), std::string::npos);
    EXPECT_EQ(jsonBody(list)["channels"][0]["has_secret"], true);
    EXPECT_FALSE(jsonBody(list)["channels"][0].contains("secret"));

    // AND the database holds it only sealed: not in the SQLite files, and the column opens with the key
    if (GetParam() == kairos::server::db::Backend::Sqlite) {
        for (const std::string suffix : {"", "-wal"}) {
            const std::string path = database().sqlitePath() + suffix;
            if (!std::filesystem::exists(path)) continue;
            EXPECT_EQ(kairos::test::readFile(path).find(botToken), std::string::npos) << path;
        }
    }
    auto c = database().acquire();
    ASSERT_TRUE(c.ok());
    auto row = kairos::server::db::queryOne(**c, "SELECT secret_enc, settings FROM alert_channels");
    ASSERT_TRUE(row.ok() && row->has_value());
    EXPECT_EQ((*row)->text(0).find(botToken), std::string::npos);
    EXPECT_EQ((*row)->text(1).find(botToken), std::string::npos);
    EXPECT_EQ(kairos::server::accounts::SecretBox(testKey()).open((*row)->text(0)).value(), botToken);
}

TEST_P(ServerAlerts, WithoutAKeyASecretIsRefusedClearly) {
    // GIVEN a kairosd with no alerts secret key
    auto noKey = makeModule(false);  // outlives the server whose routes point at it
    kairos::test::TestServer other;
    noKey->addRoutes(other.server->router());
    ASSERT_EQ(other.start(), "");
    const std::string token = tokenFor("nokey@example.com");

    // WHEN a webhook channel with its signing secret is stored
    const json hook = {{"kind", "webhook"}, {"name", "Hook"}, {"url", "https://example.com/hook"}, {"secret", kWebhookSecret}};
    auto refused = request(bhttp::verb::post, "/api/v1/alerts/channels", token, hook.dump(), other.port());

    // THEN it is refused, saying what the operator must configure, and nothing is stored
    ASSERT_EQ(refused.result_int(), 409) << refused.body();
    EXPECT_EQ(jsonBody(refused)["error"]["code"], "secret_key_missing");
    EXPECT_NE(refused.body().find("alerts_secret_key_file"), std::string::npos);
    EXPECT_EQ(countRows("SELECT count(*) FROM alert_channels"), 0);
    // AND an e-mail channel, which has no secret, is stored
    const json mail = {{"kind", "email"}, {"name", "Inbox"}, {"to", "nokey@example.com"}};
    EXPECT_EQ(request(bhttp::verb::post, "/api/v1/alerts/channels", token, mail.dump(), other.port()).result_int(), 201);
}

TEST_P(ServerAlerts, ASecretSealedWithAnotherKeyFailsItsDeliveryWithTheReason) {
    // GIVEN a webhook channel stored under this server's key, and a firing queued for it
    const std::string token = tokenFor("rotated@example.com");
    const json hook = {{"kind", "webhook"}, {"name", "Hook"}, {"url", "http://127.0.0.1:9/hook"}, {"secret", kWebhookSecret}};
    ASSERT_EQ(request(bhttp::verb::post, "/api/v1/alerts/channels", token, hook.dump()).result_int(), 201);
    const std::int64_t account = countRows("SELECT id FROM accounts WHERE email = ?", {std::string("rotated@example.com")});
    kairos::alerts::AlertPayload payload;
    payload.alertId = 1;
    payload.symbol = "BINANCE:BTCUSDT";
    payload.price = "105000.50";
    {
        auto c = database().acquire();
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(
            kairos::server::db::exec(**c,
                                     "INSERT INTO alert_firings (account_id, rule_id, event_key, kind, instrument, time_ms, "
                                     "price, message, payload, created_ms) VALUES (?, 'r', 'r:fired:1', 'fired', "
                                     "'BINANCE:BTCUSDT', 1, '105000.50', 'm', ?, ?)",
                                     {account, kairos::alerts::toJson(payload), m_now.load()})
                .ok());
        ASSERT_TRUE(
            kairos::server::db::exec(**c,
                                     "INSERT INTO alert_deliveries (firing_id, channel_id, status, attempts, next_attempt_ms, "
                                     "created_ms, updated_ms) SELECT f.id, ch.id, 'pending', 0, 0, 0, 0 FROM alert_firings "
                                     "f, alert_channels ch")
                .ok());
    }
    // WHEN a kairosd configured with another key delivers it
    std::array<unsigned char, 32> other{};
    other.fill(0x42);
    auto rotated = makeModule(true, other);
    auto sent = rotated->deliverDue();

    // THEN nothing is sent and the job failed saying the key is not the one the secret was stored with
    ASSERT_TRUE(sent.ok()) << sent.message();
    EXPECT_EQ(*sent, 0);
    auto c = database().acquire();
    ASSERT_TRUE(c.ok());
    auto row = kairos::server::db::queryOne(**c, "SELECT status, last_error FROM alert_deliveries");
    ASSERT_TRUE(row.ok() && row->has_value());
    EXPECT_EQ((*row)->text(0), "failed");
    EXPECT_NE((*row)->text(1).find("not the one it was stored with"), std::string::npos) << (*row)->text(1);
}

TEST_P(ServerAlerts, ASignalRuleFiresOnTheServerWhereTheSignalEngineFirstGivesAMatchingSignal) {
    // GIVEN real BTCUSDT hours, 300 served so far (the clock after the last one the test serves)
    const auto bars = realHours("BTCUSDT");
    constexpr std::size_t kStart = 300, kEnd = 520;
    ASSERT_GT(bars.size(), kEnd);
    m_now = bars[kEnd].openTimeMs + 3'600'000;
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + kStart + 1});

    // AND the plain expectation: the signals of the whole series; the rule (LONG, confidence >= 60,
    // once) fires on the first bar after the start whose signal matches when the one before did not
    const auto sigs = kairos::signal::generateSignals({bars.begin(), bars.begin() + kEnd + 1}, Timeframe::H1);
    std::map<std::int64_t, bool> matches;
    for (const auto& sg : sigs) matches[sg.barOpenMs] = sg.side == kairos::signal::Direction::Long && sg.confidence >= 60;
    std::optional<std::size_t> expected;
    for (std::size_t k = kStart + 1; k <= kEnd && !expected; ++k)
        if (matches[bars[k].openTimeMs] && !matches[bars[k - 1].openTimeMs]) expected = k;
    ASSERT_TRUE(expected.has_value()) << "the window holds a new LONG signal";

    // AND a signal rule kept running on the server
    const std::string token = tokenFor("signals@example.com");
    kairos::alerts::AlertRule rule = btcRule(Price::parse("1").value());
    rule.condition = kairos::alerts::Condition::Signal;
    rule.signalSide = kairos::alerts::SignalSide::Long;
    rule.minConfidence = 60;
    ASSERT_EQ(pushRules(token, {{"rule-signal", rule}}).result_int(), 200);

    // WHEN kairosd starts the rule and the next hours arrive
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());
    EXPECT_TRUE(firings().empty());
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + kEnd + 1});
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());

    // THEN it fired once, at the close of the expected bar, at its close price
    const auto fired = firings();
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(std::get<0>(fired[0]), "BINANCE:BTCUSDT");
    EXPECT_EQ(std::get<1>(fired[0]), bars[*expected].openTimeMs + 3'600'000);
    EXPECT_DOUBLE_EQ(Price::parse(std::get<2>(fired[0])).value().toDouble(), bars[*expected].close.toDouble());
    const json status = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/status", token));
    EXPECT_TRUE(status["errors"].empty()) << status.dump();
}

TEST_P(ServerAlerts, ADrawingRuleRunsOnTheLineItsPayloadCarriesAndFollowsTheLineWhenMoved) {
    // GIVEN real BTCUSDT hours, 300 served, and the level the later hours first reach: the highest
    // high of those 300 (a plain scan finds the bar)
    const auto bars = realHours("BTCUSDT");
    constexpr std::size_t kStart = 300;
    Price level = bars[0].high;
    for (std::size_t i = 0; i <= kStart; ++i)
        if (level < bars[i].high) level = bars[i].high;
    std::size_t j = kStart + 1;
    while (j < bars.size() && bars[j].high < level) ++j;
    ASSERT_LT(j + 5, bars.size());
    ASSERT_GT(j, kStart + 3);
    m_now = bars[j + 5].openTimeMs + 3'600'000;
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + kStart + 1});

    // AND a rule on a horizontal line drawn far above every price, kept running on the server
    const std::string token = tokenFor("drawing@example.com");
    kairos::alerts::AlertRule rule = btcRule(Price::parse("1").value());
    rule.condition = kairos::alerts::Condition::CrossesDrawing;
    rule.drawingId = 17;
    rule.signalSide = kairos::alerts::SignalSide::Long;
    kairos::sync::AlertRuleContext context;
    context.drawing = kairos::storage::Drawing{};
    context.drawing->kind = kairos::storage::DrawingKind::HorizontalLine;
    context.drawing->anchors = {{bars[kStart].openTimeMs, level.toDouble() * 10}};
    const auto first = pushRule(token, "rule-line", rule, context);
    ASSERT_EQ(first.result_int(), 200);
    const std::int64_t revision = jsonBody(first)["results"][0]["revision"].get<std::int64_t>();
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());

    // WHEN hours up to just before the crossing arrive, nothing fires (the line is far away)
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + static_cast<long>(j)});
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());
    EXPECT_TRUE(firings().empty());

    // AND the user moves the line down to the level (the terminal syncs the rule again)
    context.drawing->anchors = {{bars[kStart].openTimeMs, level.toDouble()}};
    const auto moved = pushRule(token, "rule-line", rule, context, revision);
    ASSERT_EQ(moved.result_int(), 200);
    ASSERT_EQ(jsonBody(moved)["results"][0]["status"], "applied") << moved.body();
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + static_cast<long>(j) + 5});
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());

    // THEN it fires once, within bar j, at a price at or above the moved line
    const auto fired = firings();
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_GE(std::get<1>(fired[0]), bars[j].openTimeMs);
    EXPECT_LT(std::get<1>(fired[0]), bars[j].openTimeMs + 3'600'000);
    EXPECT_FALSE(Price::parse(std::get<2>(fired[0])).value() < level);
    const json status = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/status", token));
    EXPECT_TRUE(status["errors"].empty()) << status.dump();
}

TEST_P(ServerAlerts, AWatchlistRuleRunsOnEverySymbolOfTheListOnBinanceAndBybitAndNamesTheOnesItCannotRead) {
    // GIVEN real BTCUSDT hours on Binance and real ETHUSDT hours served by a local Bybit in its format
    const auto btc = realHours("BTCUSDT");
    const auto eth = realHours("ETHUSDT");
    constexpr std::size_t kStart = 300;
    ASSERT_EQ(btc[kStart].openTimeMs, eth[kStart].openTimeMs);
    m_now = btc[kStart + 3].openTimeMs + 3'600'000;
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {btc.begin(), btc.begin() + kStart + 1});
    m_bybit.setBars(QStringLiteral("ETHUSDT"), Timeframe::H1, {eth.begin(), eth.begin() + kStart + 1});

    // AND one rule on a watchlist of both and a Kraken pair: every 10 days at most per symbol,
    // when the price is above 1 (so each symbol fires on its first price)
    const std::string token = tokenFor("watchlist@example.com");
    kairos::alerts::AlertRule rule = btcRule(Price::parse("1").value());
    rule.instrument = {};
    rule.watchlistId = 4;
    rule.condition = kairos::alerts::Condition::GoesAbove;
    rule.trigger = kairos::alerts::Trigger::EveryTime;
    rule.cooldownMs = 10LL * 86'400'000;
    kairos::sync::AlertRuleContext context;
    context.hasWatchlist = true;
    context.watchlistName = "Majors";
    context.watchlistSymbols = {InstrumentId::parse("BINANCE:BTCUSDT").value(), InstrumentId::parse("BYBIT:ETHUSDT").value(),
                                InstrumentId::parse("KRAKEN:XBTUSD").value()};
    ASSERT_EQ(pushRule(token, "rule-list", rule, context).result_int(), 200);

    // WHEN kairosd starts it and the next hours arrive on both venues
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());
    EXPECT_TRUE(firings().empty());
    m_binance.setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {btc.begin(), btc.begin() + kStart + 3});
    m_bybit.setBars(QStringLiteral("ETHUSDT"), Timeframe::H1, {eth.begin(), eth.begin() + kStart + 3});
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());

    // THEN each readable symbol fired once, on the open of the first new hour, at its own price
    auto fired = firings();
    std::sort(fired.begin(), fired.end());
    ASSERT_EQ(fired.size(), 2u);
    EXPECT_EQ(fired[0],
              std::make_tuple(std::string("BINANCE:BTCUSDT"), btc[kStart + 1].openTimeMs, btc[kStart + 1].open.toString()));
    EXPECT_EQ(fired[1],
              std::make_tuple(std::string("BYBIT:ETHUSDT"), eth[kStart + 1].openTimeMs, eth[kStart + 1].open.toString()));
    // AND the status runs the rule and names the pair it cannot read
    const json status = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/status", token));
    EXPECT_EQ(status["rules_running"], 1) << status.dump();
    ASSERT_EQ(status["errors"].size(), 1u) << status.dump();
    EXPECT_NE(status["errors"][0].get<std::string>().find("KRAKEN:XBTUSD left out"), std::string::npos) << status.dump();
}

TEST_P(ServerAlerts, ABidAskRuleIsNotRunAndTheStatusSaysWhy) {
    const std::string token = tokenFor("quotes@example.com");
    kairos::alerts::AlertRule rule = btcRule(Price::parse("120000").value());
    rule.priceSource = kairos::alerts::PriceSource::Bid;
    ASSERT_EQ(pushRules(token, {{"rule-bid", rule}}).result_int(), 200);
    ASSERT_TRUE(offLoop([&] { return m_alerts->evaluateOnce(); }).ok());
    const json status = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/status", token));
    EXPECT_EQ(status["rules_running"], 0) << status.dump();
    ASSERT_EQ(status["errors"].size(), 1u) << status.dump();
    EXPECT_NE(status["errors"][0].get<std::string>().find("bid/ask alerts run in the terminal only"), std::string::npos);
}

TEST_P(ServerAlerts, TheFiringsShowEachChannelsDeliveryStatusAndAChannelCanBeTested) {
    // GIVEN a webhook receiver that fails first (500), and a channel for it
    std::mutex mutex;
    int status = 500;
    std::vector<std::string> bodies;
    m_hook.route(QStringLiteral("/hook"), [&](const kairos::test::HttpRequest& req) {
        std::lock_guard lock(mutex);
        bodies.push_back(req.body.toStdString());
        return kairos::test::HttpReply::json(status == 200 ? "{\"ok\":true}" : "{\"error\":\"busy\"}", status);
    });
    const std::string token = tokenFor("status@example.com");
    const json hook = {{"kind", "webhook"},
                       {"name", "Desk bot"},
                       {"url", m_hook.url().toString().toStdString() + "/hook"},
                       {"secret", kWebhookSecret}};
    auto created = request(bhttp::verb::post, "/api/v1/alerts/channels", token, hook.dump());
    ASSERT_EQ(created.result_int(), 201) << created.body();
    const std::int64_t channelId = jsonBody(created)["id"].get<std::int64_t>();

    // WHEN the channel is tested while the receiver fails, and again when it answers
    json tested;
    tested = offLoop([&] {
        return jsonBody(request(bhttp::verb::post, "/api/v1/alerts/channels/" + std::to_string(channelId) + "/test", token));
    });
    EXPECT_EQ(tested["ok"], false) << tested.dump();
    EXPECT_NE(tested["reply"].get<std::string>().find("HTTP 500"), std::string::npos) << tested.dump();
    {
        std::lock_guard lock(mutex);
        status = 200;
    }
    tested = offLoop([&] {
        return jsonBody(request(bhttp::verb::post, "/api/v1/alerts/channels/" + std::to_string(channelId) + "/test", token));
    });
    EXPECT_EQ(tested["ok"], true) << tested.dump();
    {
        std::lock_guard lock(mutex);
        ASSERT_EQ(bodies.size(), 2u);
        EXPECT_EQ(tested.dump().find(kWebhookSecret), std::string::npos);
        status = 500;
    }

    // AND a firing is queued for it and its first attempt fails
    const std::int64_t account = countRows("SELECT id FROM accounts WHERE email = ?", {std::string("status@example.com")});
    kairos::alerts::AlertPayload payload;
    payload.alertId = 1;
    payload.symbol = "BINANCE:BTCUSDT";
    payload.price = "105000.50";
    {
        auto c = database().acquire();
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(
            kairos::server::db::exec(**c,
                                     "INSERT INTO alert_firings (account_id, rule_id, event_key, kind, instrument, time_ms, "
                                     "price, message, payload, created_ms) VALUES (?, 'r', 'r:fired:1', 'fired', "
                                     "'BINANCE:BTCUSDT', 1, '105000.50', 'm', ?, ?)",
                                     {account, kairos::alerts::toJson(payload), m_now.load()})
                .ok());
        ASSERT_TRUE(
            kairos::server::db::exec(**c,
                                     "INSERT INTO alert_deliveries (firing_id, channel_id, status, attempts, next_attempt_ms, "
                                     "created_ms, updated_ms) SELECT f.id, ch.id, 'pending', 0, 0, 0, 0 FROM alert_firings "
                                     "f, alert_channels ch")
                .ok());
    }
    auto sent = offLoop([&] { return m_alerts->deliverDue(); });
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(*sent, 0);

    // THEN the firing shows the delivery retrying, with the receiver's answer and the next attempt
    json page = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/firings?since_id=0", token));
    ASSERT_EQ(page["firings"].size(), 1u) << page.dump();
    json d = page["firings"][0]["deliveries"];
    ASSERT_EQ(d.size(), 1u) << page.dump();
    EXPECT_EQ(d[0]["status"], "pending");
    EXPECT_EQ(d[0]["channel"], "Desk bot");
    EXPECT_EQ(d[0]["kind"], "webhook");
    EXPECT_EQ(d[0]["attempts"], 1);
    EXPECT_GT(d[0]["next_attempt_ms"].get<std::int64_t>(), m_now.load());
    EXPECT_NE(d[0]["error"].get<std::string>().find("HTTP 500"), std::string::npos) << d.dump();

    // WHEN the receiver answers and the next attempt is due
    {
        std::lock_guard lock(mutex);
        status = 200;
    }
    m_now = d[0]["next_attempt_ms"].get<std::int64_t>();
    sent = offLoop([&] { return m_alerts->deliverDue(); });
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(*sent, 1);

    // THEN it is sent (a fresh token: the clock moved)
    auto again = service().login("status@example.com", kPassword, "", m_meta);
    ASSERT_TRUE(again.ok());
    page = jsonBody(request(bhttp::verb::get, "/api/v1/alerts/firings?since_id=0", again.value().accessToken));
    EXPECT_EQ(page["firings"][0]["deliveries"][0]["status"], "sent") << page.dump();
    EXPECT_EQ(page["firings"][0]["deliveries"][0]["attempts"], 2);
}

KAIROS_INSTANTIATE_BACKENDS(Backends, ServerAlerts);

kairos::server::EnvLookup envOf(const std::map<std::string, std::string>& vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

TEST(ServerAlertsConfig, AMalformedAlertsKeyIsRefusedAndAGoodOneRead) {
    // A key that is not 64 hex digits stops kairosd with the reason
    auto bad = kairos::server::loadConfig({}, envOf({{"KAIROSD_ALERTS_SECRET_KEY", "not-a-key"}}));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error.find("KAIROSD_ALERTS_SECRET_KEY"), std::string::npos) << bad.error;
    EXPECT_NE(bad.error.find("64 hex digits"), std::string::npos) << bad.error;
    // A key file readable by others is refused like every secret file
    const std::string dir = kairos::test::tempDir();
    const std::string file = dir + "/alerts.key";
    {
        std::ofstream out(file);
        out << kKeyHex << "\n";
    }
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write | std::filesystem::perms::others_read);
    auto open = kairos::server::loadConfig({"--alerts-secret-key-file", file}, envOf({}));
    ASSERT_FALSE(open.ok());
    EXPECT_NE(open.error.find("chmod 600"), std::string::npos) << open.error;
    // A good one is read; the other alerts keys too
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto good = kairos::server::loadConfig(
        {"--alerts-secret-key-file", file, "--alerts-poll-ms", "5000", "--alerts-binance-url", "http://127.0.0.1:9/"},
        envOf({{"KAIROSD_PLAN_FREE_ALERTS", "7"}}));
    ASSERT_TRUE(good.ok()) << good.error;
    EXPECT_EQ(good.config.alertsSecretKey, kKeyHex);
    EXPECT_EQ(good.config.alertsPollMs, 5000);
    EXPECT_EQ(good.config.alertsBinanceUrl, "http://127.0.0.1:9");
    EXPECT_EQ(good.config.planFreeAlerts, 7);
    EXPECT_EQ(good.config.planProAlerts, 100);
    auto options = salerts::optionsFromConfig(good.config);
    ASSERT_TRUE(options.ok());
    ASSERT_TRUE(options->secretKey.has_value());
    EXPECT_EQ(*options->secretKey, testKey());
    EXPECT_EQ(kairos::server::describeConfig(good.config).find(kKeyHex), std::string::npos) << "the key is never printed";
}

}  // namespace
