// MarketRouter on the bundled replay, headless: routes, watchlist notes, warm-up bars, and the
// replayed bars reaching a hub subscriber exactly as the real candles are.
#include "session/terminalservices.h"

#include "fakebinance.h"
#include "storage/candlestore.h"
#include "sessiontestsupport.h"

#include <QDateTime>
#include <QSettings>

#include <map>

using namespace kairos;
using namespace kairos::session;

namespace {
// exchangeInfo in the documented shape, listing one symbol the replay does not have.
const char* kExchangeInfo =
    R"({"timezone":"UTC","serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200}],
  "symbols":[{"symbol":"BNBBTC","status":"TRADING","baseAsset":"BNB","baseAssetPrecision":8,"quoteAsset":"BTC","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"100000.00000000","tickSize":"0.00000100"},
  {"filterType":"LOT_SIZE","minQty":"0.00100000","maxQty":"100000.00000000","stepSize":"0.00100000"}]}]})";
}  // namespace

TEST(MarketRouter, RoutesBundledSymbolsToTheReplayAndExplainsTheOthers) {
    // GIVEN a profile with no venue enabled
    sessiontest::ReplayProfile p;
    TerminalServices services(*p.session);
    MarketRouter& router = services.router();
    const InstrumentId doge{"BINANCE", "DOGEUSDT"};
    const InstrumentId unknown{"NOWHERE", "ABCUSD"};
    std::map<InstrumentId, QString> notes;
    QObject::connect(&router, &MarketRouter::noteChanged, [&](const InstrumentId& id, const QString& n) { notes[id] = n; });
    // WHEN the watchlist holds a bundled symbol, a Binance symbol and one of an unknown venue
    router.setWatched({sessiontest::kBtc, doge, unknown});
    router.sync();
    // THEN the bundled one plays from the replay, the others have no source and say why
    EXPECT_EQ(router.routeOf(sessiontest::kBtc), Route::Replay);
    EXPECT_EQ(router.routeOf(doge), Route::None);
    EXPECT_EQ(router.routeOf(unknown), Route::None);
    EXPECT_TRUE(notes.at(sessiontest::kBtc).isEmpty());
    EXPECT_TRUE(notes.at(doge).contains(QStringLiteral("BINANCE is not enabled"))) << notes.at(doge).toStdString();
    EXPECT_TRUE(notes.at(unknown).contains(QStringLiteral("not a supported venue"))) << notes.at(unknown).toStdString();
    EXPECT_TRUE(router.liveSubscribed().empty());
    // AND nothing is asked from a venue for a replayed chart
    EXPECT_FALSE(router.requestHistory(sessiontest::kBtc, Timeframe::H1, 0, 3600000));
}

TEST(MarketRouter, DeliversReplayedBarsToAHubSubscriber) {
    // GIVEN the services on the bundled replay, with a subscriber of the hub's bars
    sessiontest::ReplayProfile p;
    TerminalServices services(*p.session);
    services.router().setWatched(p.session->instruments());
    std::map<InstrumentId, std::vector<Bar>> warmed;
    QObject::connect(&services.router(), &MarketRouter::warmed,
                     [&](const InstrumentId& id, const std::vector<Bar>& bars, bool fromStore) {
                         EXPECT_FALSE(fromStore);
                         warmed[id] = bars;
                     });
    std::vector<Bar> closedEth;
    int otherBars = 0;
    QObject::connect(&services.hub(), &EventHub::barUpdated, [&](const InstrumentId& id, Timeframe tf, const Bar& b) {
        ASSERT_EQ(tf, Timeframe::H1);
        if (id == sessiontest::kEth && b.closed)
            closedEth.push_back(b);
        else if (id != sessiontest::kEth)
            ++otherBars;
    });
    // WHEN the replay is loaded
    ASSERT_TRUE(p.load());
    const std::vector<Bar> eth = sessiontest::ethBars();
    ASSERT_GT(eth.size(), 48u);
    // THEN every bundled instrument was warmed with (at most 500 of) the bars before the replay start
    ASSERT_EQ(warmed.size(), 5u);
    const auto btcHistory = p.session->feed()->closedBars(sessiontest::kBtc, Timeframe::H1);
    ASSERT_EQ(warmed.at(sessiontest::kBtc).size(), MarketRouter::kReplayWarmBars);
    EXPECT_EQ(warmed.at(sessiontest::kBtc).back().openTimeMs, btcHistory.back().openTimeMs);
    EXPECT_LT(warmed.at(sessiontest::kBtc).back().openTimeMs, eth.front().openTimeMs);
    EXPECT_TRUE(warmed.at(sessiontest::kEth).empty());  // ETHUSDT's file starts at the replay start
    EXPECT_EQ(services.router().historyEnd(sessiontest::kEth), p.session->feed()->clockMs());

    // WHEN 48 hours are replayed
    p.session->feed()->advanceTo(eth.front().openTimeMs + 48LL * 3600 * 1000 - 1);
    // THEN the subscriber got ETHUSDT's 47 closed bars once each, exactly the real candles
    ASSERT_EQ(closedEth.size(), 47u);
    for (std::size_t i = 0; i < closedEth.size(); ++i) {
        EXPECT_EQ(closedEth[i].openTimeMs, eth[i].openTimeMs) << i;
        EXPECT_EQ(closedEth[i].open, eth[i].open) << i;
        EXPECT_EQ(closedEth[i].high, eth[i].high) << i;
        EXPECT_EQ(closedEth[i].low, eth[i].low) << i;
        EXPECT_EQ(closedEth[i].close, eth[i].close) << i;
    }
    EXPECT_GT(otherBars, 0);  // and the other instruments' bars

    // WHEN the replay stops serving ETHUSDT (it is routed elsewhere: here, its feed unsubscribed)
    p.session->feed()->unsubscribeBars(sessiontest::kEth, Timeframe::H1);
    const std::size_t before = closedEth.size();
    p.session->feed()->advanceTo(eth.front().openTimeMs + 60LL * 3600 * 1000);
    // THEN nothing more arrives for it, until the router resubscribes what is routed to the replay
    EXPECT_EQ(closedEth.size(), before);
    services.router().sync();
    p.session->feed()->advanceTo(eth.front().openTimeMs + 62LL * 3600 * 1000);
    EXPECT_GT(closedEth.size(), before);
}

// Real BNBUSDT 1h bars, their times shifted so that the last one is the current hour, served by a
// local Binance as BNBBTC.
TEST(MarketRouter, SubscribesALiveSymbolWarmsItFromItsVenueAndAsksForChartHistoryOnce_RealBarsShiftedToNow) {
    auto csv = marketdata::readBarsCsv(kairos::test::resourcesData("binance_spot_BNBUSDT_1h_2025-06-21_2025-09-19.csv"));
    ASSERT_TRUE(csv.ok());
    std::vector<Bar> bars = csv->bars;
    const std::int64_t hour = 3600LL * 1000;
    const std::int64_t shift = (QDateTime::currentMSecsSinceEpoch() / hour - 1) * hour - bars.back().openTimeMs;
    for (Bar& b : bars) b.openTimeMs += shift;
    kairos::test::FakeBinance fake;
    fake.setExchangeInfo(kExchangeInfo);
    fake.setKlines(QStringLiteral("BNBBTC"), Timeframe::H1, bars);
    // GIVEN a profile with Binance enabled (on the local server) and prices of bundled symbols from the replay
    sessiontest::ReplayProfile p(false);
    {
        QSettings s(QDir(p.dir.path()).filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat);
        s.setValue(QStringLiteral("marketdata/venues"), QStringLiteral("BINANCE"));
        s.setValue(QStringLiteral("marketdata/source"), QStringLiteral("replay"));
        s.setValue(QStringLiteral("marketdata/BINANCE/restUrl"), fake.http.url().toString());
        s.setValue(QStringLiteral("marketdata/BINANCE/wsUrl"), fake.ws.url().toString());
    }
    p.open();
    TerminalServices services(*p.session);
    MarketRouter& router = services.router();
    std::vector<std::pair<InstrumentId, std::size_t>> warmed;
    QObject::connect(&router, &MarketRouter::warmed, [&](const InstrumentId& id, const std::vector<Bar>& b, bool fromStore) {
        if (fromStore) warmed.emplace_back(id, b.size());
    });
    ASSERT_TRUE(p.load());
    p.session->venues()->refreshAll();
    const InstrumentId bnb{"BINANCE", "BNBBTC"};
    ASSERT_TRUE(kairos::test::waitUntil([&] { return p.session->venues()->find(bnb) != nullptr; }));
    // WHEN the watchlist adds it
    std::vector<InstrumentId> watched = p.session->instruments();
    watched.push_back(bnb);
    router.setWatched(watched);
    router.sync();
    // THEN it is live on its venue (the bundled ones stay on the replay), subscribed on the server
    EXPECT_EQ(router.routeOf(bnb), Route::Live);
    EXPECT_EQ(router.routeOf(sessiontest::kBtc), Route::Replay);
    EXPECT_EQ(router.liveSubscribed(), std::set<InstrumentId>{bnb});
    EXPECT_TRUE(kairos::test::waitUntil([&] { return fake.liveStreams().contains(QStringLiteral("bnbbtc@kline_1h")); }));
    // AND its last 30 days arrive from the venue and warm it from the store (the real bars of those days)
    ASSERT_TRUE(kairos::test::waitUntil([&] { return !warmed.empty(); }, 30'000));
    EXPECT_EQ(warmed.back().first, bnb);
    EXPECT_GE(warmed.back().second, 30u * 24 - 2);
    EXPECT_LE(warmed.back().second, 30u * 24 + 1);
    EXPECT_TRUE(services.signalService().hasEngine(bnb));

    // WHEN a chart asks twice for the same missing range, and once for another
    QSignalSpy arrived(&router, &MarketRouter::historyArrived);
    const std::int64_t to = bars.back().openTimeMs - 40LL * 24 * hour;
    const std::int64_t from = to - 10LL * 24 * hour;
    EXPECT_TRUE(router.requestHistory(bnb, Timeframe::H1, from, to));
    EXPECT_FALSE(router.requestHistory(bnb, Timeframe::H1, from, to));                // asked once per session
    EXPECT_FALSE(router.requestHistory(sessiontest::kBtc, Timeframe::H1, from, to));  // replayed: nothing to ask
    // THEN the venue's bars arrive for the chart once
    ASSERT_TRUE(arrived.wait(30'000));
    EXPECT_EQ(arrived.size(), 1);
    EXPECT_EQ(arrived.first().at(0).value<InstrumentId>(), bnb);
    auto stored = p.session->candles()->range(bnb, Timeframe::H1, from, to);
    ASSERT_TRUE(stored.ok());
    EXPECT_GE(stored->size(), 10u * 24 - 1);
    EXPECT_LE(stored->size(), 10u * 24 + 1);
}
