// Binance local order book: the recorded spot depth chains (shared/data/feeds, 2021-10-12) replayed
// through BookSync in arrival order, with each REST snapshot delivered at its recorded moment,
// must give the book the documented snapshot rule gives. The reference book is computed here
// independently, on decimal text.
#include "marketdata/binancebook.h"

#include "fakeservers.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <map>

using namespace kairos;
using namespace kairos::marketdata;
namespace bn = kairos::marketdata::binance;
using Step = bn::BookSync::Step;

namespace {

struct Recorded {
    double time = 0;
    bn::DepthEvent event;
    std::string json;
};

struct Chain {
    std::vector<Recorded> events;
    bn::DepthSnapshot snapshot;
    double snapshotTime = 0;
    std::string snapshotJson;
};

std::map<std::string, Chain> loadChains() {
    std::map<std::string, Chain> chains;
    for (const auto& l : test::readCryptofeedLog(test::fixture("feeds/binance/binance_spot_ws_2021-10-12.cryptofeed.log"))) {
        bn::Event ev;
        const std::string json = l.json.toStdString();
        if (!bn::decode(json, ev).ok() || ev.kind != bn::EventKind::DepthUpdate) continue;
        chains[std::string(ev.symbol)].events.push_back({l.timestamp, ev.depth, json});
    }
    for (const auto& l :
         test::readCryptofeedLog(test::fixture("feeds/binance/binance_spot_rest_depth_2021-10-12.cryptofeed.log"))) {
        const QString sym = QUrlQuery(QUrl(l.url).query()).queryItemValue(QStringLiteral("symbol"));
        Chain& c = chains[sym.toStdString()];
        c.snapshot = *bn::parseDepthSnapshot(l.json.toStdString());
        c.snapshotTime = l.timestamp;
    }
    return chains;
}

// Independent reference: decimal text normalised (trailing zeros off), snapshot then every event
// with u > lastUpdateId, qty 0 deletes.
std::string norm(const std::string& s) {
    std::string t = s;
    if (t.find('.') != std::string::npos) {
        while (t.back() == '0') t.pop_back();
        if (t.back() == '.') t.pop_back();
    }
    return t;
}
struct RefBook {
    std::map<std::string, std::string> bids, asks;  // keys compared by value below
};
RefBook reference(const Chain& c) {
    RefBook r;
    auto put = [](std::map<std::string, std::string>& side, const BookLevel& l) {
        const std::string p = norm(l.price.toString());
        if (l.quantity.isZero())
            side.erase(p);
        else
            side[p] = norm(l.quantity.toString());
    };
    for (const auto& l : c.snapshot.bids) put(r.bids, l);
    for (const auto& l : c.snapshot.asks) put(r.asks, l);
    for (const auto& e : c.events) {
        if (e.event.finalUpdateId <= c.snapshot.lastUpdateId) continue;
        for (const auto& l : e.event.bids) put(r.bids, l);
        for (const auto& l : e.event.asks) put(r.asks, l);
    }
    return r;
}

template <class Map>
std::map<std::string, std::string> asText(const Map& m) {
    std::map<std::string, std::string> out;
    for (const auto& [p, q] : m) out[p.toTrimmedString()] = q.toTrimmedString();
    return out;
}

TEST(BinanceBook, RecordedChainsReplayToTheSnapshotRuleBook) {
    const auto chains = loadChains();
    ASSERT_EQ(chains.size(), 4u);
    // Events the snapshot already covers (shared/data/README.md §2a): 2 for LRCBTC, 1 for the others.
    const std::map<std::string, int> covered = {{"NKNUSDT", 1}, {"BLZETH", 1}, {"LRCBTC", 2}, {"RUNEEUR", 1}};
    for (const auto& [symbol, chain] : chains) {
        SCOPED_TRACE(symbol);
        ASSERT_FALSE(chain.events.empty());
        ASSERT_GT(chain.snapshot.lastUpdateId, 0);
        // The recorded chain is continuous: U = previous u + 1.
        for (std::size_t i = 1; i < chain.events.size(); ++i)
            ASSERT_EQ(chain.events[i].event.firstUpdateId, chain.events[i - 1].event.finalUpdateId + 1);

        bn::BookSync sync;
        bool snapshotGiven = false;
        int ignored = 0, applied = 0;
        std::int64_t firstApplied = -1;
        for (std::size_t i = 0; i < chain.events.size(); ++i) {
            const auto& rec = chain.events[i];
            if (!snapshotGiven && rec.time > chain.snapshotTime) {
                ASSERT_EQ(sync.onSnapshot(chain.snapshot, sync.generation()), Step::Synced);
                snapshotGiven = true;
                ignored += static_cast<int>(sync.droppedOnSync());
                applied += static_cast<int>(sync.appliedCount());
                if (sync.appliedCount() > 0 && firstApplied < 0)
                    firstApplied = static_cast<std::int64_t>(i) - sync.appliedCount();
            }
            const Step s = sync.onEvent(rec.event);
            if (i == 0) {
                EXPECT_EQ(s, Step::FetchSnapshot);  // step 1: the first event asks for the snapshot
            }
            if (!snapshotGiven) continue;
            ASSERT_NE(s, Step::FetchSnapshot) << "unexpected resync at event " << i;
            if (s == Step::Ignored) ++ignored;
            if (s == Step::Applied) {
                ++applied;
                if (firstApplied < 0) firstApplied = static_cast<std::int64_t>(i);
            }
        }
        ASSERT_TRUE(snapshotGiven);
        EXPECT_EQ(ignored, covered.at(symbol));
        EXPECT_EQ(applied, static_cast<int>(chain.events.size()) - covered.at(symbol));
        EXPECT_EQ(firstApplied, covered.at(symbol)) << "the first applied event";
        // The first applied event straddles the snapshot: U <= lastUpdateId + 1 <= u.
        const auto& first = chain.events[static_cast<std::size_t>(covered.at(symbol))].event;
        EXPECT_LE(first.firstUpdateId, chain.snapshot.lastUpdateId + 1);
        EXPECT_GE(first.finalUpdateId, chain.snapshot.lastUpdateId + 1);

        ASSERT_TRUE(sync.isSynced());
        const RefBook ref = reference(chain);
        EXPECT_EQ(asText(sync.book().bids()), ref.bids);
        EXPECT_EQ(asText(sync.book().asks()), ref.asks);
        EXPECT_EQ(sync.book().updateId(), chain.events.back().event.finalUpdateId);
        EXPECT_FALSE(sync.book().isCrossed());
        // Known answers, computed outside C++ (Python Decimal over the same two files, the same rule).
        struct Known {
            std::size_t bids, asks;
            const char *bestBid, *bidQty, *bestAsk, *askQty;
        };
        const std::map<std::string, Known> known = {
            {"NKNUSDT", {614, 994, "0.35270000", "9602.00000000", "0.35310000", "152.00000000"}},
            {"BLZETH", {173, 999, "0.00006547", "100.00000000", "0.00006560", "1528.00000000"}},
            {"LRCBTC", {176, 1000, "0.00000637", "2500.00000000", "0.00000638", "2285.00000000"}},
            {"RUNEEUR", {222, 468, "6.25100000", "69.30000000", "6.26900000", "69.30000000"}},
        };
        const Known& k = known.at(symbol);
        EXPECT_EQ(sync.book().bids().size(), k.bids);
        EXPECT_EQ(sync.book().asks().size(), k.asks);
        EXPECT_EQ(sync.book().bestBid()->price.toString(), k.bestBid);
        EXPECT_EQ(sync.book().bestBid()->quantity.toString(), k.bidQty);
        EXPECT_EQ(sync.book().bestAsk()->price.toString(), k.bestAsk);
        EXPECT_EQ(sync.book().bestAsk()->quantity.toString(), k.askQty);
    }
}

TEST(BinanceBook, NkNUsdtSyncFollowsTheDocumentedExample) {
    // shared/data/README.md: snapshot 499869752; event 0 (U 499869750, u 499869752) dropped, event 1
    // (U 499869753, u 499869754) is the first applied.
    const auto chains = loadChains();
    const Chain& c = chains.at("NKNUSDT");
    bn::BookSync sync;
    EXPECT_EQ(sync.onEvent(c.events[0].event), Step::FetchSnapshot);
    EXPECT_EQ(sync.onEvent(c.events[1].event), Step::Buffered);
    EXPECT_EQ(sync.onSnapshot(c.snapshot, sync.generation()), Step::Synced);
    EXPECT_EQ(sync.droppedOnSync(), 1);
    EXPECT_EQ(sync.book().updateId(), 499869754);
}

TEST(BinanceBook, GapInTheChainForcesAResync) {
    const auto chains = loadChains();
    const Chain& c = chains.at("NKNUSDT");
    bn::BookSync sync;
    sync.onEvent(c.events[0].event);
    ASSERT_EQ(sync.onSnapshot(c.snapshot, sync.generation()), Step::Synced);
    ASSERT_EQ(sync.onEvent(c.events[1].event), Step::Applied);
    // Event 2 is lost.
    const Step s = sync.onEvent(c.events[3].event);
    EXPECT_EQ(s, Step::FetchSnapshot);
    EXPECT_FALSE(sync.isSynced());
    EXPECT_NE(sync.resyncReason().indexOf(QStringLiteral("gap")), -1) << sync.resyncReason().toStdString();
    // The event that revealed the gap is kept for the next sync.
    bn::DepthSnapshot fresh;
    fresh.lastUpdateId = c.events[3].event.firstUpdateId - 1;
    fresh.bids = c.snapshot.bids;
    EXPECT_EQ(sync.onSnapshot(fresh, sync.generation()), Step::Synced);
    EXPECT_EQ(sync.book().updateId(), c.events[3].event.finalUpdateId);
}

TEST(BinanceBook, StaleSnapshotIsFetchedAgainAndOldAnswersIgnored) {
    const auto chains = loadChains();
    const Chain& c = chains.at("BLZETH");
    bn::BookSync sync;
    sync.onEvent(c.events[3].event);
    bn::DepthSnapshot old = c.snapshot;
    old.lastUpdateId = c.events[3].event.firstUpdateId - 5;
    EXPECT_EQ(sync.onSnapshot(old, sync.generation()), Step::FetchSnapshot);
    const int gen = sync.generation();
    sync.reset(QStringLiteral("reconnect"));
    EXPECT_EQ(sync.onSnapshot(c.snapshot, gen), Step::Ignored);  // answer to a request from before the reset
}

}  // namespace
