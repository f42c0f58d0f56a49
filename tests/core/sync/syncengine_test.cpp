// Two terminal profiles syncing through a real kairosd (its router, socket server, account service
// and sync routes in process, on SQLite): a watchlist and a chart layout reach the second profile,
// offline edits on both are merged per item on reconnect (last writer wins), a deletion arrives as
// a tombstone, preferences sync and nothing else of kairos.ini does. No sleeps: each round is
// awaited through the engine's finished signal.

#include "sync/alertrulesource.h"
#include "sync/profilesources.h"
#include "sync/syncengine.h"

#include "alerts/alertstore.h"

#include "accounts/accountservice.h"
#include "db/database.h"
#include "httpserver.h"
#include "sync/routes.h"

#include "storage/chartlayout.h"
#include "storage/database.h"
#include "storage/drawingstore.h"
#include "storage/layoutstore.h"
#include "storage/watchliststore.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

using namespace kairos;
namespace srv = kairos::server;

namespace {

// As the terminal writes it (ChartWorkspace::saveState; tests/core/storage/chartlayout_test.cpp).
const std::string kLayout =
    R"j({"version":1,"grid":2,"active":1,"sync":{"crosshair":true,"symbol":false,"timeframe":false},)j"
    R"j("charts":[{"instrument":"BINANCE:BTCUSDT","timeframe":"1h","chartType":"candles","volume":true,)j"
    R"j("indicators":[{"name":"EMA","params":[20],"colours":["#ff2962ff"],"lineWidth":1,"formula":""}],)j"
    R"j("view":{"anchorMs":1750572000000,"offset":0.5,"width":120}},)j"
    R"j({"instrument":"BINANCE:ETHUSDT","timeframe":"1d","chartType":"line","volume":false,"indicators":[]}]})j";

const std::string kPassword = "correct horse battery staple";

/// kairosd with accounts and sync on a fresh SQLite database; one signed-in account.
class Server {
public:
    Server() {
        srv::db::DatabaseConfig config;
        config.dataDir = m_dir.path().toStdString();
        auto db = srv::db::Database::open(config);
        if (!db) throw std::runtime_error(db.message());
        m_db = std::move(*db);
        if (auto st = m_db->migrate(); !st) throw std::runtime_error(st.message());
        srv::accounts::AccountsConfig ac;
        ac.secretsKey.fill(7);
        m_accounts = std::make_unique<srv::accounts::AccountService>(
            *m_db, srv::accounts::KeySet::single("k1", std::string(32, 'K')), ac, [this] { return m_nowMs.load(); });
        srv::ServerOptions options;
        options.port = 0;
        options.requestLog = [](const std::string&) {};
        m_http = std::make_unique<srv::HttpServer>(options);
        srv::sync::RouteOptions ro;
        ro.nowMs = [this] { return m_nowMs.load(); };
        srv::sync::addRoutes(m_http->router(), *m_db, *m_accounts, ro);
        if (const std::string err = m_http->start(); !err.empty()) throw std::runtime_error(err);
    }
    ~Server() { m_http.reset(); }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_http->port())); }
    /// An access token of a (new) account.
    QString signIn(const std::string& email) {
        if (!m_accounts->createAdmin(email, kPassword).ok()) return {};  // a verified account, simplest to make
        auto pair = m_accounts->login(email, kPassword, "", {"127.0.0.1", "test"});
        return pair.ok() ? QString::fromStdString(pair.value().accessToken) : QString();
    }
    std::atomic<std::int64_t> m_nowMs{1'766'000'000'000};  // later than the terminals' clocks: their edit times are kept

private:
    QTemporaryDir m_dir;
    std::unique_ptr<srv::db::Database> m_db;
    std::unique_ptr<srv::accounts::AccountService> m_accounts;
    std::unique_ptr<srv::HttpServer> m_http;
};

/// One terminal: a profile database and kairos.ini, its stores, sources and sync engine.
class Terminal {
    QTemporaryDir m_dir;  // first: the settings file and the database live in it

public:
    Terminal(const QUrl& url, std::function<QString()> token, std::atomic<std::int64_t>& clock)
        : settings(m_dir.filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat), m_client(url, std::move(token)) {
        auto db = storage::Database::openProfile(m_dir.path());
        if (!db) throw std::runtime_error(db.message());
        m_db = std::move(*db);
        watchlists = std::make_unique<storage::WatchlistStore>(*m_db);
        layouts = std::make_unique<storage::LayoutStore>(*m_db);
        m_watchlistSource = std::make_unique<sync::WatchlistSource>(*watchlists);
        m_layoutSource = std::make_unique<sync::ChartLayoutSource>(*layouts);
        m_prefSource = std::make_unique<sync::PreferenceSource>(settings);
        drawings = std::make_unique<storage::DrawingStore>(*m_db);
        m_drawingSource = std::make_unique<sync::DrawingSource>(*m_db, *drawings);
        alerts = std::make_unique<alerts::AlertStore>(*m_db);
        auto alertSource = sync::AlertRuleSource::create(*m_db, *alerts);
        if (!alertSource) throw std::runtime_error(alertSource.message());
        m_alertSource = std::move(*alertSource);
        auto engine = sync::SyncEngine::create(*m_db, m_client, [&clock] { return clock.load(); });
        if (!engine) throw std::runtime_error(engine.message());
        this->engine = std::move(*engine);
        this->engine->addSource(m_watchlistSource.get());
        this->engine->addSource(m_layoutSource.get());
        this->engine->addSource(m_prefSource.get());
        this->engine->addSource(m_drawingSource.get());
        this->engine->addSource(m_alertSource.get());
    }
    /// Points the client at a port nobody listens on (offline) or back at the server.
    void setServer(const QUrl& url) { m_client.setServerUrl(url); }
    /// One round; "" when it succeeded, else its error.
    std::string sync() {
        QSignalSpy done(engine.get(), &sync::SyncEngine::finished);
        engine->syncNow();
        if (done.isEmpty() && !done.wait(30'000)) return "no answer within 30 s";
        return done.first().at(0).toBool() ? "" : done.first().at(1).toString().toStdString();
    }
    /// The profile's lists (none when they cannot be read, which fails the test).
    std::vector<storage::Watchlist> lists() {
        auto all = watchlists->all();
        EXPECT_TRUE(all.ok());
        return all.ok() ? *all : std::vector<storage::Watchlist>{};
    }
    std::vector<storage::WatchlistItem> listItems(const std::string& name) {
        for (const auto& l : lists())
            if (l.name == name) return l.items;
        return {};
    }
    bool hasList(const std::string& name) {
        for (const auto& l : lists())
            if (l.name == name) return true;
        return false;
    }
    std::int64_t listId(const std::string& name) {
        for (const auto& l : lists())
            if (l.name == name) return l.id;
        return 0;
    }

    QSettings settings;
    std::unique_ptr<storage::WatchlistStore> watchlists;
    std::unique_ptr<storage::LayoutStore> layouts;
    std::unique_ptr<alerts::AlertStore> alerts;
    std::unique_ptr<storage::DrawingStore> drawings;
    std::unique_ptr<sync::SyncEngine> engine;

private:
    std::unique_ptr<storage::Database> m_db;
    sync::SyncClient m_client;
    std::unique_ptr<sync::WatchlistSource> m_watchlistSource;
    std::unique_ptr<sync::ChartLayoutSource> m_layoutSource;
    std::unique_ptr<sync::PreferenceSource> m_prefSource;
    std::unique_ptr<sync::AlertRuleSource> m_alertSource;
    std::unique_ptr<sync::DrawingSource> m_drawingSource;
};

storage::WatchlistItem item(const std::string& text, bool favourite = false) {
    return {InstrumentId::parse(text).value(), favourite};
}

class SyncEngineTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_server = std::make_unique<Server>();
        m_token = m_server->signIn("trader@example.com");
        ASSERT_FALSE(m_token.isEmpty());
        auto token = [this] { return m_token; };
        m_a = std::make_unique<Terminal>(m_server->url(), token, m_clockA);
        m_b = std::make_unique<Terminal>(m_server->url(), token, m_clockB);
    }
    std::unique_ptr<Server> m_server;
    QString m_token;
    std::atomic<std::int64_t> m_clockA{1'765'000'100'000};
    std::atomic<std::int64_t> m_clockB{1'765'000'100'000};
    std::unique_ptr<Terminal> m_a, m_b;
};

TEST_F(SyncEngineTest, AWatchlistAndAChartLayoutReachTheSecondProfile) {
    // GIVEN terminal A with a watchlist and a saved layout
    const auto id = m_a->watchlists->create("Crypto majors").value();
    ASSERT_TRUE(
        m_a->watchlists->setItems(id, {item("BINANCE:BTCUSDT", true), item("BINANCE:ETHUSDT"), item("KRAKEN:BTC/USD")}).ok());
    ASSERT_TRUE(m_a->layouts->save("Two charts", kLayout).ok());
    m_a->settings.setValue(QStringLiteral("ui/theme"), QStringLiteral("dark"));
    m_a->settings.setValue(QStringLiteral("marketdata/venues"), QStringLiteral("BINANCE,KRAKEN"));

    // WHEN A syncs and then B syncs
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");

    // THEN B has the list (order and favourites kept), the layout and the synced preference only
    EXPECT_EQ(
        m_b->listItems("Crypto majors"),
        (std::vector<storage::WatchlistItem>{item("BINANCE:BTCUSDT", true), item("BINANCE:ETHUSDT"), item("KRAKEN:BTC/USD")}));
    auto layout = m_b->layouts->load("Two charts");
    ASSERT_TRUE(layout.ok()) << layout.message();
    auto parsed = storage::parseChartLayout(*layout);
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    ASSERT_EQ(parsed->charts.size(), 2u);
    EXPECT_EQ(parsed->charts[0].instrument.toString(), "BINANCE:BTCUSDT");
    ASSERT_TRUE(parsed->charts[0].view.has_value());
    EXPECT_EQ(parsed->charts[0].view->offset, 0.5);
    EXPECT_EQ(m_b->settings.value(QStringLiteral("ui/theme")).toString(), QStringLiteral("dark"));
    EXPECT_FALSE(m_b->settings.contains(QStringLiteral("marketdata/venues"))) << "only the listed preferences sync";

    // AND a round with nothing new changes nothing on either side (no echo of applied items)
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_a->sync(), "");
    EXPECT_EQ(m_a->listItems("Crypto majors").size(), 3u);
    EXPECT_TRUE(m_b->engine->problems().isEmpty()) << m_b->engine->problems().join(QStringLiteral("; ")).toStdString();
}

TEST_F(SyncEngineTest, OfflineEditsOnBothTerminalsAreMergedPerItemOnReconnect) {
    // GIVEN both terminals in step with two lists
    const auto crypto = m_a->watchlists->create("Crypto").value();
    const auto alts = m_a->watchlists->create("Alts").value();
    ASSERT_TRUE(m_a->watchlists->setItems(crypto, {item("BINANCE:BTCUSDT")}).ok());
    ASSERT_TRUE(m_a->watchlists->setItems(alts, {item("BINANCE:SOLUSDT")}).ok());
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_TRUE(m_b->hasList("Alts"));

    // WHEN, both offline, A edits Crypto at 10:01 and Alts at 10:05, B edits Crypto at 10:03 and Alts at 10:02
    m_clockA = 1'765'000'160'000;
    ASSERT_TRUE(m_a->watchlists->setItems(crypto, {item("BINANCE:BTCUSDT"), item("BINANCE:ETHUSDT")}).ok());
    ASSERT_TRUE(m_a->engine->scanNow().ok());
    m_clockB = 1'765'000'280'000;
    ASSERT_TRUE(m_b->watchlists->setItems(m_b->listId("Crypto"), {item("BINANCE:XRPUSDT")}).ok());
    ASSERT_TRUE(m_b->engine->scanNow().ok());
    m_clockB = 1'765'000'220'000;
    ASSERT_TRUE(m_b->watchlists->setItems(m_b->listId("Alts"), {item("BINANCE:ADAUSDT")}).ok());
    // (scanned by B's next round at this time)
    m_clockA = 1'765'000'400'000;
    ASSERT_TRUE(m_a->watchlists->setItems(alts, {item("BINANCE:DOTUSDT")}).ok());

    // AND they reconnect: A first, then B, then A again
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_a->sync(), "");

    // THEN each list holds its latest edit on both, whoever synced first
    for (Terminal* t : {m_a.get(), m_b.get()}) {
        EXPECT_EQ(t->listItems("Crypto"), std::vector<storage::WatchlistItem>{item("BINANCE:XRPUSDT")});
        EXPECT_EQ(t->listItems("Alts"), std::vector<storage::WatchlistItem>{item("BINANCE:DOTUSDT")});
    }
}

TEST_F(SyncEngineTest, ADeletedLayoutIsRemovedOnTheOtherTerminalAndStaysDeleted) {
    ASSERT_TRUE(m_a->layouts->save("Scalping", kLayout).ok());
    ASSERT_TRUE(m_a->layouts->save("Swing", kLayout).ok());
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_b->layouts->names().value(), (std::vector<std::string>{"Scalping", "Swing"}));

    m_clockA += 60'000;
    ASSERT_TRUE(m_a->layouts->remove("Scalping").ok());
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");
    EXPECT_EQ(m_b->layouts->names().value(), std::vector<std::string>{"Swing"});
    ASSERT_EQ(m_a->sync(), "");
    EXPECT_EQ(m_a->layouts->names().value(), std::vector<std::string>{"Swing"}) << "the tombstone does not bring it back";
}

TEST_F(SyncEngineTest, ASecondTerminalJoiningTakesTheAccountsCopyOfAListBothHave) {
    const auto a = m_a->watchlists->create("Main").value();
    ASSERT_TRUE(m_a->watchlists->setItems(a, {item("BINANCE:BTCUSDT")}).ok());
    ASSERT_EQ(m_a->sync(), "");
    // B had its own "Main" before it ever signed in, and a list A does not have
    const auto b = m_b->watchlists->create("Main").value();
    ASSERT_TRUE(m_b->watchlists->setItems(b, {item("COINBASE:BTC-USD")}).ok());
    ASSERT_TRUE(m_b->watchlists->create("Only on B").ok());
    m_clockB += 3'600'000;
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_a->sync(), "");
    EXPECT_EQ(m_b->listItems("Main"), std::vector<storage::WatchlistItem>{item("BINANCE:BTCUSDT")});
    EXPECT_TRUE(m_a->hasList("Only on B"));
}

TEST_F(SyncEngineTest, ManyItemsGoInSeveralPushesAndAnOversizedOneStaysLocalWithoutBlockingThem) {
    for (int i = 0; i < 150; ++i) {
        const auto id = m_a->watchlists->create("List " + std::to_string(i)).value();
        ASSERT_TRUE(m_a->watchlists->setItems(id, {item("BINANCE:BTCUSDT"), item("BINANCE:ETHUSDT")}).ok());
    }
    const std::string huge = R"({"version":1,"note":")" + std::string(40 * 1024, 'x') + R"("})";
    ASSERT_TRUE(m_a->layouts->save("Huge", huge).ok());
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_a->engine->problems().size(), 1);
    EXPECT_TRUE(m_a->engine->problems().first().startsWith(QStringLiteral("chart_layout Huge: too large to sync")))
        << m_a->engine->problems().first().toStdString();
    ASSERT_EQ(m_b->sync(), "");
    EXPECT_EQ(m_b->lists().size(), 150u);
    EXPECT_TRUE(m_b->layouts->names().value().empty());
}

TEST_F(SyncEngineTest, DrawingsOfAnInstrumentSyncAsOneItem) {
    const auto btc = InstrumentId::parse("BINANCE:BTCUSDT").value();
    storage::Drawing line;
    line.kind = storage::DrawingKind::TrendLine;
    line.anchors = {{1'750'572'000'000, 104'250.5}, {1'750'658'400'000, 106'900.25}};
    line.colour = "#ff9800";
    line.width = 2;
    storage::Drawing note;
    note.kind = storage::DrawingKind::Text;
    note.anchors = {{1'750'600'800'000, 105'000}};
    note.text = "range high";
    ASSERT_TRUE(m_a->drawings->replaceAll(btc, {line, note}).ok());
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");
    auto onB = m_b->drawings->load(btc);
    ASSERT_TRUE(onB.ok());
    ASSERT_EQ(onB->drawings.size(), 2u);
    storage::Drawing got = onB->drawings[0];
    got.id = 0;
    EXPECT_EQ(got, line);
    EXPECT_EQ(onB->drawings[1].text, "range high");
    // clearing them on B clears them on A
    ASSERT_TRUE(m_b->drawings->replaceAll(btc, {}).ok());
    m_clockB += 60'000;
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_a->sync(), "");
    EXPECT_TRUE(m_a->drawings->load(btc).value().drawings.empty());
}

TEST_F(SyncEngineTest, AlertRulesSyncWithoutTheirChannelsOrFiringState) {
    // GIVEN an alert on A that sends to a local channel and has fired twice
    alerts::AlertRule rule;
    rule.instrument = InstrumentId::parse("BINANCE:BTCUSDT").value();
    rule.condition = alerts::Condition::CrossesAbove;
    rule.level = Price::parse("105000.50").value();
    rule.trigger = alerts::Trigger::EveryTime;
    rule.note = "breakout";
    rule.createdAtMs = 1'765'000'050'000;
    rule.channelIds = {3};
    rule.fireCount = 2;
    const auto localId = m_a->alerts->save(rule);
    ASSERT_TRUE(localId.ok()) << localId.message();

    // WHEN both sync
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");

    // THEN B has the rule's definition, without A's channels or firing count
    auto onB = m_b->alerts->load();
    ASSERT_TRUE(onB.ok());
    ASSERT_EQ(onB->rules.size(), 1u);
    const alerts::AlertRule& got = onB->rules[0];
    EXPECT_EQ(got.instrument.toString(), "BINANCE:BTCUSDT");
    EXPECT_EQ(got.level.toString(), "105000.50");
    EXPECT_EQ(got.trigger, alerts::Trigger::EveryTime);
    EXPECT_EQ(got.note, "breakout");
    EXPECT_TRUE(got.channelIds.empty());
    EXPECT_EQ(got.fireCount, 0);

    // AND B raising the level reaches A, which keeps its channel; B deleting it removes it on A
    alerts::AlertRule raised = got;
    raised.level = Price::parse("110000.00").value();
    ASSERT_TRUE(m_b->alerts->save(raised).ok());
    m_clockB += 60'000;
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_a->sync(), "");
    auto onA = m_a->alerts->load();
    ASSERT_TRUE(onA.ok());
    ASSERT_EQ(onA->rules.size(), 1u);
    EXPECT_EQ(onA->rules[0].level.toString(), "110000.00");
    EXPECT_EQ(onA->rules[0].channelIds, std::vector<std::int64_t>{3});
    ASSERT_TRUE(m_b->alerts->remove(got.id).ok());
    m_clockB += 60'000;
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_a->sync(), "");
    EXPECT_TRUE(m_a->alerts->load()->rules.empty());
}

TEST_F(SyncEngineTest, SignedOutOrUnreachableRoundsFailClearlyAndKeepTheEdits) {
    const auto id = m_a->watchlists->create("Pending").value();
    ASSERT_TRUE(m_a->watchlists->setItems(id, {item("BINANCE:BTCUSDT")}).ok());
    const QString token = m_token;
    m_token.clear();
    EXPECT_EQ(m_a->sync(), "sync: not signed in");
    m_token = QStringLiteral("forged.token.value");
    EXPECT_EQ(m_a->sync(), "sync: the server did not accept the sign-in; sign in again");
    m_token = token;
    m_a->setServer(QUrl(QStringLiteral("http://127.0.0.1:1")));
    const std::string offline = m_a->sync();
    EXPECT_EQ(offline.rfind("sync: the server is unreachable (", 0), 0u) << offline;
    m_a->setServer(m_server->url());
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");
    EXPECT_EQ(m_b->listItems("Pending"), std::vector<storage::WatchlistItem>{item("BINANCE:BTCUSDT")});
}

}  // namespace

namespace {

/// One rule of each condition kind with every setting away from its default.
std::vector<alerts::AlertRule> oneRuleOfEachKind() {
    const auto btc = InstrumentId::parse("BINANCE:BTCUSDT").value();
    auto base = [&](alerts::Condition c) {
        alerts::AlertRule r;
        r.instrument = btc;
        r.condition = c;
        r.timeframe = Timeframe::H4;
        r.trigger = alerts::Trigger::OncePerBar;
        r.cooldownMs = 90'000;
        r.expiresAtMs = 1'800'000'000'000;
        r.note = "note of " + std::string(alerts::toString(c));
        r.messageTemplate = "{symbol} {condition} at {price}";
        r.createdAtMs = 1'765'000'050'000;
        return r;
    };
    std::vector<alerts::AlertRule> out;
    for (auto c : {alerts::Condition::CrossesAbove, alerts::Condition::CrossesBelow, alerts::Condition::GoesAbove,
                   alerts::Condition::GoesBelow}) {
        auto r = base(c);
        r.level = Price::parse("105000.50").value();
        r.priceSource = alerts::PriceSource::Ask;
        out.push_back(r);
    }
    for (auto c : {alerts::Condition::EntersChannel, alerts::Condition::LeavesChannel}) {
        auto r = base(c);
        r.level = Price::parse("98000.25").value();
        r.level2 = Price::parse("101500.75").value();
        r.priceSource = alerts::PriceSource::Mid;
        r.server = true;
        out.push_back(r);
    }
    auto formula = base(alerts::Condition::Formula);
    formula.formula = "rsi(close, 14) < 30 and close@1d > sma(close@1d, 20)";
    formula.timeframe = Timeframe::H1;
    out.push_back(formula);
    auto signal = base(alerts::Condition::Signal);
    signal.signalSide = alerts::SignalSide::Short;
    signal.minConfidence = 75;
    out.push_back(signal);
    auto move = base(alerts::Condition::MovePercent);
    move.percent = 2.5;
    move.windowBars = 0;
    move.windowMs = 3 * 3'600'000;
    move.signalSide = alerts::SignalSide::Long;
    move.server = true;
    out.push_back(move);
    auto moveBars = base(alerts::Condition::MovePercent);
    moveBars.percent = 7.25;
    moveBars.windowBars = 6;
    out.push_back(moveBars);
    auto spike = base(alerts::Condition::VolumeSpike);
    spike.volumeFactor = 4.5;
    spike.volumeBars = 30;
    spike.server = true;
    out.push_back(spike);
    auto change = base(alerts::Condition::Change24h);
    change.percent = 12;
    change.signalSide = alerts::SignalSide::Short;
    out.push_back(change);
    auto drawing = base(alerts::Condition::CrossesDrawing);
    drawing.drawingId = 42;
    drawing.signalSide = alerts::SignalSide::Long;
    out.push_back(drawing);
    auto watchlist = base(alerts::Condition::GoesAbove);
    watchlist.instrument = {};
    watchlist.watchlistId = 3;
    watchlist.level = Price::parse("1.5").value();
    out.push_back(watchlist);
    return out;
}

TEST_F(SyncEngineTest, EveryConditionKindReachesTheOtherProfileWithAllItsSettings) {
    // GIVEN A with one rule of each condition kind, every setting changed from its default, some
    // of them kept running on the server
    const auto rules = oneRuleOfEachKind();
    for (const auto& r : rules) ASSERT_TRUE(m_a->alerts->save(r).ok()) << alerts::toString(r.condition);
    ASSERT_EQ(m_a->alerts->load()->rules.size(), rules.size());

    // WHEN both sync
    ASSERT_EQ(m_a->sync(), "");
    ASSERT_EQ(m_b->sync(), "");

    // THEN B has every rule exactly as defined on A (only the local id differs)
    auto onB = m_b->alerts->load();
    ASSERT_TRUE(onB.ok());
    EXPECT_TRUE(onB->problems.empty());
    ASSERT_EQ(onB->rules.size(), rules.size());
    for (const auto& want : rules) {
        auto got = std::find_if(onB->rules.begin(), onB->rules.end(), [&](const alerts::AlertRule& r) {
            return r.note == want.note && r.watchlistId == want.watchlistId && r.windowBars == want.windowBars;
        });
        ASSERT_NE(got, onB->rules.end()) << alerts::toString(want.condition);
        alerts::AlertRule expected = want;
        expected.id = got->id;
        EXPECT_EQ(*got, expected) << alerts::toString(want.condition) << ": " << sync::alertRulePayload(*got) << " vs "
                                  << sync::alertRulePayload(expected);
    }
    // AND a second round changes nothing (the payload reads back to the same text)
    ASSERT_EQ(m_b->sync(), "");
    ASSERT_EQ(m_a->sync(), "");
    EXPECT_EQ(m_a->alerts->load()->rules.size(), rules.size());
    EXPECT_TRUE(m_b->engine->problems().isEmpty()) << m_b->engine->problems().join(QStringLiteral("; ")).toStdString();
}

TEST(AlertRulePayload, APayloadWithoutTheLaterKeysReadsWithTheDefaults) {
    // GIVEN a payload written by a Kairos before channel/move/volume settings and the server flag
    const std::string old =
        R"({"condition":"crosses_above","cooldown_ms":60000,"created_at":1765000050000,"enabled":true,"expires_at":0,)"
        R"("formula":"","instrument":"BINANCE:BTCUSDT","level":"105000.50","message_template":"","min_confidence":60,)"
        R"("note":"","signal_side":"either","timeframe":"1h","trigger":"once"})";
    // WHEN it is read
    auto rule = sync::alertRulePayload(sync::alertRuleFromPayload(old).value());
    auto back = sync::alertRuleFromPayload(rule);
    // THEN the rule has the defaults for them, and runs in the terminal
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_FALSE(back->server);
    EXPECT_EQ(back->volumeBars, 20);
    EXPECT_EQ(back->priceSource, alerts::PriceSource::Last);
    EXPECT_EQ(back->level.toString(), "105000.50");
    // AND a channel payload without level2 is refused naming the field
    std::string channel = old;
    channel.replace(channel.find("crosses_above"), 13, "enters_channel");
    auto refused = sync::alertRuleFromPayload(channel);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.message().find("level2"), std::string::npos) << refused.message();
}

}  // namespace

TEST(AlertRulePayload, AServerRuleCarriesItsDrawnLineAndItsListsSymbolsAndFollowsTheirEdits) {
    // GIVEN a profile with a watchlist, a horizontal line on BTCUSDT's chart, and a rule on each
    // kept running on the server (and a drawing rule that is not)
    QTemporaryDir dir;
    auto db = storage::Database::openProfile(dir.path());
    ASSERT_TRUE(db.ok()) << db.message();
    storage::WatchlistStore lists(**db);
    storage::DrawingStore drawings(**db);
    alerts::AlertStore store(**db);
    const InstrumentId btc = InstrumentId::parse("BINANCE:BTCUSDT").value();
    const InstrumentId eth = InstrumentId::parse("BYBIT:ETHUSDT").value();
    const auto list = lists.create("Majors");
    ASSERT_TRUE(list.ok());
    ASSERT_TRUE(lists.setItems(*list, {{btc, false}, {eth, true}}).ok());
    storage::Drawing line;
    line.kind = storage::DrawingKind::HorizontalLine;
    line.anchors = {{1'700'000'000'000, 64'000.5}};
    const auto lineId = drawings.save(btc, line);
    ASSERT_TRUE(lineId.ok()) << lineId.message();
    alerts::AlertRule onLine;
    onLine.instrument = btc;
    onLine.condition = alerts::Condition::CrossesDrawing;
    onLine.drawingId = *lineId;
    onLine.server = true;
    alerts::AlertRule onList;
    onList.watchlistId = *list;
    onList.condition = alerts::Condition::GoesAbove;
    onList.level = Price::parse("1").value();
    onList.server = true;
    alerts::AlertRule local = onLine;
    local.server = false;
    local.note = "terminal only";
    for (const auto& r : {onLine, onList, local}) ASSERT_TRUE(store.save(r).ok());
    auto source = sync::AlertRuleSource::create(**db, store);
    ASSERT_TRUE(source.ok());

    // WHEN the rules are read for sync
    auto snap = (*source)->snapshot();
    ASSERT_TRUE(snap.ok());
    ASSERT_EQ(snap->size(), 3u);
    std::map<std::string, sync::AlertRuleContext> contexts;
    for (const auto& [id, payload] : *snap) {
        auto rule = sync::alertRuleFromPayload(payload);
        ASSERT_TRUE(rule.ok()) << rule.message();
        auto ctx = sync::alertRuleContextFromPayload(payload);
        ASSERT_TRUE(ctx.ok()) << ctx.message();
        contexts[rule->watchlistId > 0 ? "list" : rule->server ? "line" : "local"] = *ctx;
    }

    // THEN the server's drawing rule carries the line, the watchlist rule the list's symbols, the
    // terminal's rule nothing more
    ASSERT_TRUE(contexts["line"].drawing.has_value());
    EXPECT_EQ(contexts["line"].drawing->kind, storage::DrawingKind::HorizontalLine);
    EXPECT_EQ(contexts["line"].drawing->anchors, line.anchors);
    EXPECT_FALSE(contexts["line"].hasWatchlist);
    ASSERT_TRUE(contexts["list"].hasWatchlist);
    EXPECT_EQ(contexts["list"].watchlistName, "Majors");
    EXPECT_EQ(contexts["list"].watchlistSymbols, (std::vector<InstrumentId>{btc, eth}));
    EXPECT_FALSE(contexts["local"].drawing.has_value());
    EXPECT_FALSE(contexts["local"].hasWatchlist);

    // WHEN the line is moved and a symbol leaves the list
    line.id = *lineId;
    line.anchors = {{1'700'000'000'000, 65'250.0}};
    ASSERT_TRUE(drawings.save(btc, line).ok());
    ASSERT_TRUE(lists.setItems(*list, {{eth, true}}).ok());
    auto after = (*source)->snapshot();
    ASSERT_TRUE(after.ok());

    // THEN those two payloads change (so the rules sync again) and carry the edits; the other is unchanged
    int changed = 0;
    for (const auto& [id, payload] : *after) {
        if (payload == snap->at(id)) continue;
        ++changed;
        auto ctx = sync::alertRuleContextFromPayload(payload).value();
        if (ctx.drawing) {
            EXPECT_EQ(ctx.drawing->anchors.front().price, 65'250.0);
        }
        if (ctx.hasWatchlist) {
            EXPECT_EQ(ctx.watchlistSymbols, std::vector<InstrumentId>{eth});
        }
    }
    EXPECT_EQ(changed, 2);
    // AND applying such a payload on another profile reads the rule as before (the context is the server's)
    auto reread = sync::alertRuleFromPayload(after->begin()->second);
    EXPECT_TRUE(reread.ok()) << reread.message();
}
