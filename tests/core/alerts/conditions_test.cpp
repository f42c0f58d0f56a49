// The newer alert conditions (alertrule.h) on real Binance data, each checked against a plain
// computation in the test: channels, moves within a window, volume spikes, the 24h change, drawn
// lines (that the alert follows when moved or deleted), bid/ask triggers on recorded book tickers,
// multi-timeframe formulas (higher timeframes aggregated here independently) and watchlist rules.
#include "alerts/alertengine.h"

#include "indicators/batch.h"
#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "storage/drawingstore.h"
#include "testdata.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>

using namespace kairos;
using namespace kairos::alerts;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const InstrumentId kEth{"BINANCE", "ETHUSDT"};
const InstrumentId kSol{"BINANCE", "SOLUSDT"};

std::vector<Bar> bars(const std::string& file) {
    auto r = marketdata::readBarsCsv(test::resourcesData(file));
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? r->bars : std::vector<Bar>{};
}
std::vector<Bar> btc1m() { return bars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"); }

std::vector<std::int64_t> firedTimes(const std::vector<AlertEvent>& events, std::int64_t ruleId,
                                     const std::optional<InstrumentId>& on = std::nullopt) {
    std::vector<std::int64_t> out;
    for (const auto& e : events)
        if (e.ruleId == ruleId && e.kind == EventKind::Fired && (!on || e.instrument == *on)) out.push_back(e.timeMs);
    return out;
}
void append(std::vector<AlertEvent>& to, std::vector<AlertEvent> from) { to.insert(to.end(), from.begin(), from.end()); }

AlertRule baseRule(std::int64_t id, const InstrumentId& inst, Condition c) {
    AlertRule r;
    r.id = id;
    r.instrument = inst;
    r.condition = c;
    r.trigger = Trigger::EveryTime;
    r.cooldownMs = 0;
    return r;
}
constexpr std::int64_t kHourMs = 3'600'000;
}  // namespace

// GIVEN real 1m closes as last prices, WHEN "enters/leaves the channel 105000..106000" fire every
// time, THEN they fire exactly where a plain loop finds the previous close outside (inside) and
// the current one inside (outside) the closed range; the levels may be given in either order.
TEST(AlertConditions, ChannelEnterAndLeaveOnReal1mClosesMatchAPlainLoop) {
    const auto b = btc1m();
    ASSERT_GT(b.size(), 9000u);
    const Price lo = *parseLevel("105000", 2), hi = *parseLevel("106000", 2);
    AlertRule enter = baseRule(1, kBtc, Condition::EntersChannel);
    enter.level = hi;  // reversed order on purpose
    enter.level2 = lo;
    AlertRule leave = baseRule(2, kBtc, Condition::LeavesChannel);
    leave.level = lo;
    leave.level2 = hi;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(enter).ok());
    ASSERT_TRUE(engine.setRule(leave).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onPrice(kBtc, bar.openTimeMs, bar.close));
    std::vector<std::int64_t> in, out;
    const auto inside = [&](const Price& p) { return p >= lo && p <= hi; };
    for (std::size_t i = 1; i < b.size(); ++i) {
        if (!inside(b[i - 1].close) && inside(b[i].close)) in.push_back(b[i].openTimeMs);
        if (inside(b[i - 1].close) && !inside(b[i].close)) out.push_back(b[i].openTimeMs);
    }
    EXPECT_GT(in.size(), 5u);
    EXPECT_EQ(firedTimes(events, 1), in);
    EXPECT_EQ(firedTimes(events, 2), out);
}

// GIVEN real SOL 1h bars, WHEN "moves 3 % within 4 bars" (either way) and "rises 3 % within 6 h"
// rules see the closed bars, THEN each fires at the close time of the bars where the move (close vs
// the close 4 bars / 6 hours earlier) becomes at least 3 %, as a plain loop computes.
TEST(AlertConditions, MovePercentWithinBarsAndTimeOnReal1hBarsMatchesAPlainLoop) {
    const auto b = bars("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv");
    ASSERT_GT(b.size(), 2000u);
    AlertRule byBars = baseRule(1, kSol, Condition::MovePercent);
    byBars.percent = 3;
    byBars.windowBars = 4;
    byBars.signalSide = SignalSide::Either;
    AlertRule byTime = baseRule(2, kSol, Condition::MovePercent);
    byTime.percent = 3;
    byTime.windowMs = 6 * kHourMs;
    byTime.signalSide = SignalSide::Long;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(byBars).ok());
    ASSERT_TRUE(engine.setRule(byTime).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onBar(kSol, Timeframe::H1, bar));
    const auto expected = [&](std::size_t back, bool upOnly) {
        std::vector<std::int64_t> out;
        bool prev = false;
        for (std::size_t i = 0; i < b.size(); ++i) {
            bool held = false;
            if (i >= back) {
                // The data has no gaps: the bar `back` hours earlier is at index i - back.
                EXPECT_EQ(b[i].openTimeMs - b[i - back].openTimeMs, static_cast<std::int64_t>(back) * kHourMs);
                const double change = (b[i].close.toDouble() / b[i - back].close.toDouble() - 1) * 100;
                held = upOnly ? change >= 3 : std::fabs(change) >= 3;
            }
            if (held && !prev) out.push_back(b[i].openTimeMs + kHourMs);
            prev = held;
        }
        return out;
    };
    const auto e1 = expected(4, false), e2 = expected(6, true);
    EXPECT_GT(e1.size(), 10u);
    EXPECT_GT(e2.size(), 5u);
    EXPECT_EQ(firedTimes(events, 1), e1);
    EXPECT_EQ(firedTimes(events, 2), e2);
}

// GIVEN real ETH 1h bars, WHEN "volume >= 3 x the average of the previous 20 bars" fires once per
// bar, THEN it fires on exactly the bars a plain loop finds.
TEST(AlertConditions, VolumeSpikeOnReal1hBarsMatchesAPlainLoop) {
    const auto b = bars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv");
    AlertRule r = baseRule(9, kEth, Condition::VolumeSpike);
    r.volumeFactor = 3;
    r.volumeBars = 20;
    r.trigger = Trigger::OncePerBar;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onBar(kEth, Timeframe::H1, bar));
    std::vector<std::int64_t> expected;
    for (std::size_t i = 20; i < b.size(); ++i) {
        double sum = 0;
        for (std::size_t k = i - 20; k < i; ++k) sum += b[k].volume.toDouble();
        if (b[i].volume.toDouble() >= 3 * sum / 20) expected.push_back(b[i].openTimeMs + kHourMs);
    }
    EXPECT_GT(expected.size(), 3u);
    EXPECT_EQ(firedTimes(events, 9), expected);
}

// GIVEN real BTC 1h bars and, after each, its close as a price at the close time, WHEN "24h change
// >= +5 %" and "<= -5 %" rules run, THEN they fire at exactly the prices whose change against the
// close 24 bars earlier reaches 5 %, as a plain loop computes; none before 24 h of bars exist.
TEST(AlertConditions, Change24hOnReal1hPricesMatchesAPlainLoop) {
    const auto b = bars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    ASSERT_GT(b.size(), 40000u);
    AlertRule up = baseRule(1, kBtc, Condition::Change24h);
    up.percent = 5;
    up.signalSide = SignalSide::Long;
    AlertRule down = up;
    down.id = 2;
    down.signalSide = SignalSide::Short;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(up).ok());
    ASSERT_TRUE(engine.setRule(down).ok());
    std::vector<AlertEvent> events;
    const std::size_t n = 8000;  // a year of hours is plenty
    for (std::size_t i = 0; i < n; ++i) {
        append(events, engine.onBar(kBtc, Timeframe::H1, b[i]));
        append(events, engine.onPrice(kBtc, b[i].openTimeMs + kHourMs, b[i].close));
    }
    std::vector<std::int64_t> eUp, eDown;
    std::map<std::int64_t, double> closeAt;  // close time -> close
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t t = b[i].openTimeMs + kHourMs;
        closeAt[t] = b[i].close.toDouble();
        auto ref = closeAt.upper_bound(t - 24 * kHourMs);  // the last close at or before t - 24h
        if (ref == closeAt.begin()) continue;
        --ref;
        const double change = (b[i].close.toDouble() / ref->second - 1) * 100;
        if (change >= 5) eUp.push_back(t);
        if (change <= -5) eDown.push_back(t);
    }
    EXPECT_GT(eUp.size(), 20u);
    EXPECT_GT(eDown.size(), 20u);
    EXPECT_EQ(firedTimes(events, 1), eUp);
    EXPECT_EQ(firedTimes(events, 2), eDown);
}

// GIVEN a trend line drawn on the BTC chart (DrawingStore in a real profile) and real 1m closes,
// WHEN the line is moved halfway through (the chart saves it and tells the engine) and later
// deleted, THEN the alert fires where the price crosses the line in force at that minute (its
// price at the current bar's open), and the deletion disables the rule with a Disabled event.
TEST(AlertConditions, DrawingAlertFollowsAMovedTrendLineAndStopsWhenItIsDeleted) {
    const auto b = btc1m();
    const std::string dir = test::tempDir();
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    ASSERT_TRUE(db.ok()) << db.message();
    storage::DrawingStore store(**db);
    storage::Drawing line;
    line.kind = storage::DrawingKind::TrendLine;
    line.anchors = {{b[0].openTimeMs, 105500.0}, {b[2000].openTimeMs, 107500.0}};
    auto drawingId = store.save(kBtc, line);
    ASSERT_TRUE(drawingId.ok()) << drawingId.message();
    line.id = *drawingId;

    AlertEngine engine;
    engine.setDrawingLookup([&](const InstrumentId& inst, std::int64_t id) -> std::optional<storage::Drawing> {
        auto loaded = store.load(inst);
        if (!loaded) return std::nullopt;
        for (const auto& d : loaded->drawings)
            if (d.id == id) return d;
        return std::nullopt;
    });
    AlertRule r = baseRule(5, kBtc, Condition::CrossesDrawing);
    r.drawingId = line.id;
    r.timeframe = Timeframe::M1;
    r.signalSide = SignalSide::Either;
    ASSERT_TRUE(engine.setRule(r).ok());

    const std::size_t moveAt = 4000, deleteAt = 8000;
    // Moved to a horizontal line at the median close of the minutes after the move (so it is crossed).
    std::vector<double> later;
    for (std::size_t i = moveAt; i < deleteAt; ++i) later.push_back(b[i].close.toDouble());
    std::nth_element(later.begin(), later.begin() + static_cast<std::ptrdiff_t>(later.size() / 2), later.end());
    storage::Drawing moved = line;
    moved.kind = storage::DrawingKind::HorizontalLine;
    moved.anchors = {{b[moveAt].openTimeMs, later[later.size() / 2] + 0.005}};
    std::vector<AlertEvent> events;
    std::vector<std::int64_t> expected;
    const auto priceOf = [](const storage::Drawing& d, std::int64_t t) {
        if (d.kind == storage::DrawingKind::HorizontalLine) return d.anchors[0].price;
        const auto &a = d.anchors[0], &c = d.anchors[1];
        return a.price + (c.price - a.price) * static_cast<double>(t - a.timeMs) / static_cast<double>(c.timeMs - a.timeMs);
    };
    for (std::size_t i = 0; i < deleteAt; ++i) {
        if (i == moveAt) {
            ASSERT_TRUE(store.save(kBtc, moved).ok());
            append(events, engine.drawingChanged(kBtc, line.id));
        }
        const storage::Drawing& now = i < moveAt ? line : moved;
        if (i > 0) {
            const double q = b[i - 1].close.toDouble(), p = b[i].close.toDouble();
            const double before = priceOf(now, b[i - 1].openTimeMs), at = priceOf(now, b[i].openTimeMs);
            if ((q < before && p >= at) || (q > before && p <= at)) expected.push_back(b[i].openTimeMs + 30'000);
        }
        append(events, engine.onPrice(kBtc, b[i].openTimeMs + 30'000, b[i].close));
        append(events, engine.onBar(kBtc, Timeframe::M1, b[i]));
    }
    std::size_t afterMove = 0;
    for (std::int64_t t : expected) afterMove += t > b[moveAt].openTimeMs ? 1 : 0;
    EXPECT_GT(expected.size() - afterMove, 3u);
    EXPECT_GT(afterMove, 3u);
    EXPECT_EQ(firedTimes(events, 5), expected);

    // Deleted on the chart: the next closed bar finds it gone.
    ASSERT_TRUE(store.remove(line.id).ok());
    const auto gone = engine.onBar(kBtc, Timeframe::M1, b[deleteAt]);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].kind, EventKind::Disabled);
    EXPECT_TRUE(gone[0].ruleDisabled);
    EXPECT_FALSE(engine.rule(5)->enabled);
    EXPECT_TRUE(engine.onPrice(kBtc, b[deleteAt + 1].openTimeMs, Price::fromRaw(1, 2)).empty());
}

// GIVEN the book tickers of a recorded Binance USD-M stream (SUSHIUSDT, 2021-07-22), WHEN rules
// on the bid, the ask and the mid run on them (and a last-price rule at the same level), THEN
// each fires where a plain loop over that side of the quotes finds its condition, and the
// last-price rule never sees a quote.
TEST(AlertConditions, BidAskTriggersOnRecordedBookTickersMatchAPlainLoop) {
    QFile file(QString::fromStdString(test::sharedData("feeds/binance_usdm_ws_2021-07-22.cryptofeed.log")));
    if (!file.exists()) GTEST_SKIP() << "../shared/data is not beside this checkout";
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const InstrumentId sushi{"BINANCE", "SUSHIUSDT"};
    std::vector<Quote> quotes;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        const auto colon = line.indexOf(": {");
        if (colon < 0) continue;
        const QJsonObject o = QJsonDocument::fromJson(line.mid(colon + 2)).object();
        if (o.value("stream").toString() != "sushiusdt@bookTicker") continue;
        const QJsonObject d = o.value("data").toObject();
        Quote q;
        q.timeMs = static_cast<std::int64_t>(d.value("T").toDouble());
        q.bid = *Price::parse(d.value("b").toString().toStdString());
        q.ask = *Price::parse(d.value("a").toString().toStdString());
        quotes.push_back(q);
    }
    ASSERT_GT(quotes.size(), 300u);
    // A level the quotes cross: the median bid.
    std::vector<Price> bids;
    bids.reserve(quotes.size());
    for (const Quote& q : quotes) bids.push_back(q.bid);
    std::sort(bids.begin(), bids.end());
    const Price level = bids[bids.size() / 2];

    AlertRule bidUp = baseRule(1, sushi, Condition::CrossesAbove);
    bidUp.level = level;
    bidUp.priceSource = PriceSource::Bid;
    AlertRule askBelow = baseRule(2, sushi, Condition::GoesBelow);
    askBelow.level = level;
    askBelow.priceSource = PriceSource::Ask;
    AlertRule midDown = baseRule(3, sushi, Condition::CrossesBelow);
    midDown.level = level;
    midDown.priceSource = PriceSource::Mid;
    AlertRule last = baseRule(4, sushi, Condition::GoesAbove);
    last.level = Price::fromRaw(1, 4);
    AlertEngine engine;
    for (const auto& r : {bidUp, askBelow, midDown, last}) ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const Quote& q : quotes) append(events, engine.onQuote(sushi, q));

    std::vector<std::int64_t> e1, e2, e3;
    const double lv = level.toDouble();
    for (std::size_t i = 0; i < quotes.size(); ++i) {
        const double mid = (quotes[i].bid.toDouble() + quotes[i].ask.toDouble()) / 2;
        if (i > 0 && quotes[i - 1].bid < level && quotes[i].bid >= level) e1.push_back(quotes[i].timeMs);
        if (quotes[i].ask < level) e2.push_back(quotes[i].timeMs);
        const double prevMid = i > 0 ? (quotes[i - 1].bid.toDouble() + quotes[i - 1].ask.toDouble()) / 2 : 0;
        if (i > 0 && prevMid > lv && mid <= lv) e3.push_back(quotes[i].timeMs);
    }
    EXPECT_GT(e1.size(), 0u);
    EXPECT_GT(e3.size(), 0u);
    EXPECT_EQ(firedTimes(events, 1), e1);
    EXPECT_EQ(firedTimes(events, 2), e2);
    EXPECT_EQ(firedTimes(events, 3), e3);
    EXPECT_TRUE(firedTimes(events, 4).empty());
    const auto bidEvent = std::find_if(events.begin(), events.end(), [](const AlertEvent& e) { return e.ruleId == 1; });
    ASSERT_NE(bidEvent, events.end());
    EXPECT_NE(bidEvent->message.find("(bid "), std::string::npos) << bidEvent->message;
}

namespace {
/// Plain aggregation of 1h bars into `hours`-hour buckets aligned to the epoch: per bucket, the
/// close of its last bar and when that value becomes known: the close of the bar that ends the
/// bucket, or (the bucket's last hours missing) the close of the first bar of the next bucket.
struct Aggregated {
    std::vector<double> close;
    std::vector<std::int64_t> knownAtMs;
};
Aggregated aggregate(const std::vector<Bar>& b, int hours) {
    const std::int64_t len = hours * kHourMs;
    Aggregated out;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const std::int64_t bucket = b[i].openTimeMs / len * len;
        const bool last = i + 1 == b.size() || b[i + 1].openTimeMs >= bucket + len;
        if (!last) continue;
        out.close.push_back(b[i].close.toDouble());
        if (b[i].openTimeMs + kHourMs == bucket + len)
            out.knownAtMs.push_back(bucket + len);
        else
            out.knownAtMs.push_back(i + 1 < b.size() ? b[i + 1].openTimeMs + kHourMs : INT64_MAX);
    }
    return out;
}
}  // namespace

// GIVEN real BTC 1h bars, WHEN the multi-timeframe formula
// "rsi(close@4h, 14) < 30 and close@1d > sma(close@1d, 200)" runs as a 1h alert, THEN it fires at
// exactly the 1h closes where it becomes true when the 4h and 1d closes are aggregated here from
// the same 1h bars (a 4h/1d value counts from the close of the 1h bar that completes it; the data
// has a few gaps, where it counts from the next bar).
TEST(AlertConditions, MultiTimeframeFormulaMatchesBarsAggregatedInTheTest) {
    const auto b = bars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    ASSERT_GT(b.size(), 40000u);
    const Aggregated a4 = aggregate(b, 4), a1d = aggregate(b, 24);
    const std::vector<double>&x4 = a4.close, &x1d = a1d.close;
    std::vector<double> rsi4(x4.size()), sma1d(x1d.size(), std::nan(""));
    indicators::rsi(x4, 14, rsi4);
    for (std::size_t i = 199; i < x1d.size(); ++i) {
        double s = 0;
        for (std::size_t k = i - 199; k <= i; ++k) s += x1d[k];
        sma1d[i] = s / 200;
    }
    std::vector<std::int64_t> expected;
    bool prev = false;
    std::size_t i4 = 0, i1d = 0;  // completed 4h / 1d buckets so far
    for (const Bar& bar : b) {
        const std::int64_t closeMs = bar.openTimeMs + kHourMs;
        while (i4 < x4.size() && a4.knownAtMs[i4] <= closeMs) ++i4;
        while (i1d < x1d.size() && a1d.knownAtMs[i1d] <= closeMs) ++i1d;
        bool held = false;
        if (i4 > 0 && i1d > 0) {
            const double r = rsi4[i4 - 1], s = sma1d[i1d - 1];
            held = !std::isnan(r) && !std::isnan(s) && r < 30 && x1d[i1d - 1] > s;
        }
        if (held && !prev) expected.push_back(closeMs);
        prev = held;
    }
    ASSERT_GT(expected.size(), 2u);

    AlertRule r = baseRule(7, kBtc, Condition::Formula);
    r.formula = "rsi(close@4h, 14) < 30 and close@1d > sma(close@1d, 200)";
    r.timeframe = Timeframe::H1;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onBar(kBtc, Timeframe::H1, bar));
    EXPECT_EQ(firedTimes(events, 7), expected);
}

// GIVEN real BTC 1h bars, WHEN the same condition is written with whole expressions on the coarser
// timeframes ("rsi(close, 14)@4h < 30 and close@1d > sma(close, 200)@1d"), THEN it fires at exactly
// the 1h closes of the field form checked against bars aggregated in the test above.
TEST(AlertConditions, ExpressionTimeframeFormulaFiresLikeTheFieldForm) {
    const auto b = bars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    ASSERT_GT(b.size(), 40000u);
    AlertRule fields = baseRule(7, kBtc, Condition::Formula);
    fields.formula = "rsi(close@4h, 14) < 30 and close@1d > sma(close@1d, 200)";
    AlertRule exprs = baseRule(8, kBtc, Condition::Formula);
    exprs.formula = "rsi(close, 14)@4h < 30 and close@1d > sma(close, 200)@1d";
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(fields).ok());
    ASSERT_TRUE(engine.setRule(exprs).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onBar(kBtc, Timeframe::H1, bar));
    ASSERT_GT(firedTimes(events, 7).size(), 2u);
    EXPECT_EQ(firedTimes(events, 8), firedTimes(events, 7));
}

// A formula naming a timeframe the rule's bars cannot build is refused with the reason.
TEST(AlertConditions, SyntheticFormulaTimeframeFinerThanTheRuleIsRefused) {
    AlertRule r = baseRule(1, kBtc, Condition::Formula);
    r.timeframe = Timeframe::D1;
    r.formula = "close@4h > 1";
    const auto st = validate(r);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("@4h cannot be built from the alert's 1d bars"), std::string::npos) << st.message();
    r.formula = "close@7x > 1";
    EXPECT_NE(validate(r).message().find("expected a timeframe after '@'"), std::string::npos) << validate(r).message();
}

// GIVEN a watchlist of BTC and ETH and one "moves 2 % within 3 bars" rule on it, WHEN SOL is added
// to the list halfway, THEN the rule fires for each symbol where a plain loop finds the move (SOL
// only after it joined), events carry the rule's id and the symbol, and the rule's count is the
// total.
TEST(AlertConditions, WatchlistRuleCoversEverySymbolIncludingOnesAddedLater) {
    const std::map<InstrumentId, std::vector<Bar>> data = {
        {kBtc, bars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv")},
        {kEth, bars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv")},
        {kSol, bars("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv")},
    };
    const std::int64_t start = data.at(kEth).front().openTimeMs;
    const std::int64_t joinAt = start + 1000 * kHourMs;
    AlertRule r;
    r.id = 11;
    r.watchlistId = 3;
    r.condition = Condition::MovePercent;
    r.percent = 2;
    r.windowBars = 3;
    r.trigger = Trigger::EveryTime;
    r.cooldownMs = 0;
    ASSERT_TRUE(validate(r).ok()) << validate(r).message();
    AlertEngine engine;
    engine.setWatchlist(3, {kBtc, kEth});
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    const std::int64_t end = start + 2000 * kHourMs;
    std::map<InstrumentId, std::size_t> pos;
    for (std::int64_t t = start; t < end; t += kHourMs) {
        if (t == joinAt) engine.setWatchlist(3, {kBtc, kEth, kSol});
        for (const auto& [inst, series] : data) {
            std::size_t& k = pos[inst];
            while (k < series.size() && series[k].openTimeMs < t) ++k;
            if (k < series.size() && series[k].openTimeMs == t) append(events, engine.onBar(inst, Timeframe::H1, series[k]));
        }
    }
    std::size_t total = 0;
    for (const auto& [inst, series] : data) {
        const std::int64_t from = inst == kSol ? joinAt : start;
        std::vector<std::int64_t> expected;
        std::vector<double> seen;
        bool prev = false;
        for (const Bar& bar : series) {
            if (bar.openTimeMs < from || bar.openTimeMs >= end) continue;
            seen.push_back(bar.close.toDouble());
            bool held = false;
            if (seen.size() > 3) held = std::fabs(seen.back() / seen[seen.size() - 4] - 1) * 100 >= 2;
            if (held && !prev) expected.push_back(bar.openTimeMs + kHourMs);
            prev = held;
        }
        EXPECT_GT(expected.size(), 3u) << inst.toString();
        EXPECT_EQ(firedTimes(events, 11, inst), expected) << inst.toString();
        total += expected.size();
    }
    EXPECT_EQ(events.size(), total);
    EXPECT_EQ(engine.rule(11)->fireCount, static_cast<std::int64_t>(total));
    ASSERT_EQ(engine.rules().size(), 1u);
}

// "Once" on a watchlist: the first symbol to fire disables the rule for all of them.
TEST(AlertConditions, OnceOnAWatchlistRuleStopsEverySymbolAfterTheFirstFiring) {
    const auto eth = bars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv");
    const auto sol = bars("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv");
    AlertRule r;
    r.id = 12;
    r.watchlistId = 4;
    r.condition = Condition::VolumeSpike;
    r.volumeFactor = 2;
    r.volumeBars = 10;
    r.trigger = Trigger::Once;
    AlertEngine engine;
    engine.setWatchlist(4, {kEth, kSol});
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (std::size_t i = 0; i < std::min(eth.size(), sol.size()); ++i) {
        append(events, engine.onBar(kEth, Timeframe::H1, eth[i]));
        append(events, engine.onBar(kSol, Timeframe::H1, sol[i]));
    }
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].ruleDisabled);
    EXPECT_FALSE(engine.rule(12)->enabled);
    EXPECT_EQ(engine.rule(12)->fireCount, 1);
}
