#include "marketdata/tickerboard.h"

#include "marketdata/csvimport.h"
#include "marketdata/replayfeed.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace kairos;
using namespace kairos::marketdata;

namespace {

kairos::marketdata::TickerSignal makeSignal(kairos::marketdata::SignalSide side, int confidence, std::int64_t timeMs) {
    kairos::marketdata::TickerSignal s;
    s.side = side;
    s.confidence = confidence;
    s.timeMs = timeMs;
    return s;
}
const InstrumentId kEth{"BINANCE", "ETHUSDT"};
const InstrumentId kSol{"BINANCE", "SOLUSDT"};

std::vector<Bar> eth1h() {
    auto r = readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    EXPECT_TRUE(r.ok()) << r.message();
    return r->bars;
}
}  // namespace

TEST(TickerBoard, Rolling24hStatsFromRealReplayedBars) {
    // GIVEN 100 real ETHUSDT hours replayed into the board
    const auto bars = eth1h();
    ReplayFeed feed;
    feed.addSeries(kEth, Timeframe::H1, {bars.begin(), bars.begin() + 100});
    feed.subscribeTrades(kEth);
    feed.subscribeBars(kEth, Timeframe::H1);
    TickerBoard board(48);
    board.add(kEth);
    QObject::connect(&feed, &ReplayFeed::tradeReceived, [&](const InstrumentId& id, const Trade& t) { board.onTrade(id, t); });
    QObject::connect(&feed, &ReplayFeed::barUpdated,
                     [&](const InstrumentId& id, Timeframe tf, const Bar& b) { board.onBar(id, tf, b); });
    feed.advanceTo(feed.lastTimeMs());
    // THEN the 24h statistics are those of the last 24 real bars, computed independently here
    const Ticker& t = board.at(0);
    const auto last24 = std::vector<Bar>(bars.begin() + 76, bars.begin() + 100);
    Price hi = last24[0].high, lo = last24[0].low;
    for (const Bar& b : last24) {
        hi = std::max(hi, b.high);
        lo = std::min(lo, b.low);
    }
    ASSERT_TRUE(t.last && t.open24h && t.high24h && t.low24h);
    EXPECT_EQ(*t.last, bars[99].close);
    EXPECT_EQ(*t.open24h, last24.front().open);
    EXPECT_EQ(*t.high24h, hi);
    EXPECT_EQ(*t.low24h, lo);
    EXPECT_NEAR(*t.change24hPct(), (bars[99].close.toDouble() / last24.front().open.toDouble() - 1) * 100, 1e-12);
    // The session opened with the first bar of the last UTC day seen.
    const auto dayStart = std::find_if(bars.begin(), bars.begin() + 100, [&](const Bar& b) {
        return b.openTimeMs == bucketStart(Timeframe::D1, bars[99].openTimeMs);
    });
    ASSERT_NE(dayStart, bars.begin() + 100);
    EXPECT_EQ(*t.sessionOpen, dayStart->open);
    // Sparkline: the last 48 closes, oldest first
    ASSERT_EQ(t.sparkline.size(), 48u);
    EXPECT_EQ(t.sparkline.front(), bars[52].close.toDouble());
    EXPECT_EQ(t.sparkline.back(), bars[99].close.toDouble());
    EXPECT_EQ(t.updatedMs, bars[99].openTimeMs + 3600000 - 1);
}

TEST(TickerBoard, ManyUpdatesCoalesceIntoOneChangePerRow) {
    const auto bars = eth1h();
    TickerBoard board;
    board.add(kEth);
    board.add(kSol);
    Trade tr;
    for (int i = 0; i < 1000; ++i) {
        tr.timeMs = bars[static_cast<std::size_t>(i)].openTimeMs;
        tr.price = bars[static_cast<std::size_t>(i)].close;
        board.onTrade(kEth, tr);
    }
    board.onTrade(InstrumentId{"BINANCE", "NOTWATCHED"}, tr);  // ignored
    EXPECT_EQ(board.takeChanged(), std::vector<std::size_t>{0});
    EXPECT_TRUE(board.takeChanged().empty());
    EXPECT_EQ(*board.at(0).last, bars[999].close);
    EXPECT_EQ(board.at(0).direction, bars[999].close > bars[998].close ? 1 : (bars[999].close < bars[998].close ? -1 : 0));
}

TEST(TickerBoard, QuotesSignalsAndVenueStats) {
    TickerBoard board;
    board.add(kEth);
    Quote q;
    q.timeMs = 1;
    q.bid = *Price::parse("2275.72");
    q.ask = *Price::parse("2275.73");
    board.onQuote(kEth, q);
    EXPECT_NEAR(*board.at(0).spread(), 0.01, 1e-9);
    board.onSignal(kEth, makeSignal(SignalSide::Long, 72, 2));
    EXPECT_EQ(board.at(0).signal.side, SignalSide::Long);
    EXPECT_EQ(board.at(0).signal.confidence, 72);
    Stats24h s{*Price::parse("2200"), *Price::parse("2300"), *Price::parse("2150"), *Quantity::parse("10"),
               *Quantity::parse("22000")};
    board.onStats24h(kEth, s, 3);
    // A venue 24h ticker wins over bar-derived statistics.
    Bar b = eth1h().front();
    board.onBar(kEth, Timeframe::H1, b);
    EXPECT_EQ(*board.at(0).high24h, *Price::parse("2300"));
    EXPECT_EQ(board.takeChanged(), std::vector<std::size_t>{0});
}

TEST(TickerBoard, RemoveKeepsRowsAndPendingChangesConsistent) {
    TickerBoard board;
    board.add(kEth);
    board.add(kSol);
    board.add(InstrumentId{"BINANCE", "XRPUSDT"});
    Trade tr;
    tr.price = *Price::parse("1");
    board.onTrade(InstrumentId{"BINANCE", "XRPUSDT"}, tr);
    board.remove(kSol);
    EXPECT_EQ(board.size(), 2u);
    EXPECT_EQ(board.indexOf(InstrumentId{"BINANCE", "XRPUSDT"}), 1);
    EXPECT_EQ(board.indexOf(kSol), -1);
    EXPECT_EQ(board.takeChanged(), std::vector<std::size_t>{1});
}
