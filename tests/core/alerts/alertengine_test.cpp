// AlertEngine on real Binance data: price crossings, trigger modes, expiry, formula and signal
// conditions, each checked against an independent plain computation in the test.
#include "alerts/alertengine.h"

#include "marketdata/csvimport.h"
#include "marketdata/replayfeed.h"
#include "signals/signalengine.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>

using namespace kairos;
using namespace kairos::alerts;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const InstrumentId kSol{"BINANCE", "SOLUSDT"};

std::vector<Bar> bars(const std::string& file) {
    auto r = marketdata::readBarsCsv(test::resourcesData(file));
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? r->bars : std::vector<Bar>{};
}
std::vector<Bar> btc1m() { return bars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"); }

Price px(const char* text) { return *Price::parse(text); }

AlertRule priceRule(std::int64_t id, Condition c, const char* level, Trigger t = Trigger::Once) {
    AlertRule r;
    r.id = id;
    r.instrument = kBtc;
    r.condition = c;
    r.level = *parseLevel(level, 2);
    r.trigger = t;
    r.cooldownMs = 0;
    return r;
}

std::vector<std::int64_t> firedTimes(const std::vector<AlertEvent>& events, std::int64_t ruleId) {
    std::vector<std::int64_t> out;
    for (const auto& e : events)
        if (e.ruleId == ruleId && e.kind == EventKind::Fired) out.push_back(e.timeMs);
    return out;
}

void append(std::vector<AlertEvent>& to, std::vector<AlertEvent> from) { to.insert(to.end(), from.begin(), from.end()); }

// Textbook EMA seeded with the SMA of the first n values (the library's convention); NaN before.
std::vector<double> ema(const std::vector<double>& x, int n) {
    std::vector<double> out(x.size(), std::nan(""));
    const double a = 2.0 / (n + 1.0);
    double sum = 0, e = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (static_cast<int>(i) < n) {
            sum += x[i];
            if (static_cast<int>(i) == n - 1) out[i] = e = sum / n;
            continue;
        }
        out[i] = e = a * x[i] + (1 - a) * e;
    }
    return out;
}
}  // namespace

// GIVEN real 1m closes fed as last prices, WHEN "crosses above/below" rules fire every time (no
// cooldown), THEN they fire at exactly the minutes a plain loop over the closes finds
// (previous < L <= current, resp. previous > L >= current; never on the first price).
TEST(AlertEngine, CrossingsOnReal1mClosesFireExactlyWhereAPlainLoopFindsThem) {
    const auto b = btc1m();
    ASSERT_GT(b.size(), 9000u);
    AlertEngine engine;
    const char* levels[] = {"105000.00", "106500.00", "108000.00", "110000.00", "111111.11"};
    std::int64_t id = 1;
    for (const char* l : levels) {
        ASSERT_TRUE(engine.setRule(priceRule(id++, Condition::CrossesAbove, l, Trigger::EveryTime)).ok());
        ASSERT_TRUE(engine.setRule(priceRule(id++, Condition::CrossesBelow, l, Trigger::EveryTime)).ok());
    }
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onPrice(kBtc, bar.openTimeMs, bar.close));
    std::size_t total = 0;
    id = 1;
    for (const char* l : levels) {
        const Price level = px(l);
        std::vector<std::int64_t> up, down;
        for (std::size_t i = 1; i < b.size(); ++i) {
            if (b[i - 1].close < level && b[i].close >= level) up.push_back(b[i].openTimeMs);
            if (b[i - 1].close > level && b[i].close <= level) down.push_back(b[i].openTimeMs);
        }
        EXPECT_EQ(firedTimes(events, id++), up) << l;
        EXPECT_EQ(firedTimes(events, id++), down) << l;
        total += up.size() + down.size();
    }
    EXPECT_GT(total, 20u);  // the week really crosses these levels many times
    EXPECT_EQ(events.size(), total);
}

// GIVEN the replay of real 1m bars (each bar becomes trades open, low/high, high/low, close),
// WHEN a "crosses above 107000" alert is set once, THEN it fires exactly once, at the implied trade
// of the first bar whose high reaches the level (the high is the bar's 2nd trade when it closed
// down, its 3rd when it closed up), with that high as price, and the rule is disabled.
TEST(AlertEngine, OnceCrossesAboveOnReplayedRealTradesFiresAtTheFirstBarReachingTheLevel) {
    const auto b = btc1m();
    const Price level = px("107000.00");
    ASSERT_LT(b.front().open, level);
    // Independent: the first bar whose high reaches the level.
    std::optional<std::size_t> k;
    for (std::size_t i = 0; i < b.size() && !k; ++i)
        if (b[i].high >= level) k = i;
    ASSERT_TRUE(k.has_value());
    ASSERT_LT(b[*k].open, level);
    const bool closedDown = b[*k].close < b[*k].open;
    const std::int64_t expectedTime = b[*k].openTimeMs + 60'000 * (closedDown ? 1 : 2) / 4;

    marketdata::ReplayFeed feed;
    feed.addSeries(kBtc, Timeframe::M1, b);
    feed.subscribeTrades(kBtc);
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(priceRule(7, Condition::CrossesAbove, "107000")).ok());
    std::vector<AlertEvent> events;
    int trades = 0;
    QObject::connect(&feed, &marketdata::MarketDataFeed::tradeReceived, [&](const InstrumentId& id, const Trade& t) {
        ++trades;
        append(events, engine.onTrade(id, t));
    });
    feed.advanceTo(b.back().openTimeMs + 60'000);
    EXPECT_EQ(trades, static_cast<int>(4 * b.size()));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, EventKind::Fired);
    EXPECT_EQ(events[0].timeMs, expectedTime);
    EXPECT_EQ(events[0].price, b[*k].high);
    EXPECT_TRUE(events[0].ruleDisabled);
    EXPECT_FALSE(engine.rule(7)->enabled);
    EXPECT_EQ(engine.rule(7)->fireCount, 1);
    EXPECT_NE(events[0].message.find("BINANCE:BTCUSDT crossed above 107000.00"), std::string::npos) << events[0].message;
}

// Once per bar: a "goes above" alert on real closes fires in each hour (its timeframe) that has a
// close above the level, at that hour's first such minute, and nowhere else.
TEST(AlertEngine, OncePerBarFiresAtTheFirstQualifyingMinuteOfEachRealHour) {
    const auto b = btc1m();
    AlertRule r = priceRule(3, Condition::GoesAbove, "106000", Trigger::OncePerBar);
    r.timeframe = Timeframe::H1;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onPrice(kBtc, bar.openTimeMs, bar.close));
    std::vector<std::int64_t> expected;
    std::int64_t lastHour = -1;
    for (const Bar& bar : b) {
        const std::int64_t hour = bar.openTimeMs / 3'600'000;
        if (bar.close > r.level && hour != lastHour) {
            expected.push_back(bar.openTimeMs);
            lastHour = hour;
        }
    }
    EXPECT_GT(expected.size(), 20u);
    EXPECT_EQ(firedTimes(events, 3), expected);
    EXPECT_TRUE(engine.rule(3)->enabled);
}

// Every time with a cooldown: fires on a qualifying close unless the last firing is less than the
// cooldown (market time) ago.
TEST(AlertEngine, EveryTimeRespectsTheCooldownOnRealCloses) {
    const auto b = btc1m();
    AlertRule r = priceRule(4, Condition::GoesBelow, "105500", Trigger::EveryTime);
    r.cooldownMs = 15 * 60'000;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onPrice(kBtc, bar.openTimeMs, bar.close));
    std::vector<std::int64_t> expected;
    for (const Bar& bar : b)
        if (bar.close < r.level && (expected.empty() || bar.openTimeMs - expected.back() >= r.cooldownMs))
            expected.push_back(bar.openTimeMs);
    EXPECT_GT(expected.size(), 5u);
    EXPECT_EQ(firedTimes(events, 4), expected);
    EXPECT_EQ(engine.rule(4)->fireCount, static_cast<std::int64_t>(expected.size()));
    EXPECT_EQ(engine.rule(4)->lastFiredMs, expected.back());
}

// Expiry: nothing fires at or after the expiry time; the first price at/after it disables the rule
// with an Expired event; later prices change nothing.
TEST(AlertEngine, ExpiryStopsARuleAtTheFirstRealPriceAfterIt) {
    const auto b = btc1m();
    AlertRule r = priceRule(5, Condition::GoesAbove, "106000", Trigger::EveryTime);
    r.cooldownMs = 60 * 60'000;
    r.expiresAtMs = b[3000].openTimeMs + 30'000;  // between two minutes
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onPrice(kBtc, bar.openTimeMs, bar.close));
    std::vector<std::int64_t> expected;
    for (const Bar& bar : b)
        if (bar.openTimeMs < r.expiresAtMs && bar.close > r.level &&
            (expected.empty() || bar.openTimeMs - expected.back() >= r.cooldownMs))
            expected.push_back(bar.openTimeMs);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(firedTimes(events, 5), expected);
    ASSERT_EQ(events.back().kind, EventKind::Expired);
    EXPECT_EQ(events.back().timeMs, b[3001].openTimeMs);
    EXPECT_TRUE(events.back().ruleDisabled);
    EXPECT_FALSE(engine.rule(5)->enabled);
    EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const AlertEvent& e) { return e.kind == EventKind::Expired; }), 1);
}

// Synthetic edge cases of the crossing semantics (documented in alertrule.h).
TEST(AlertEngine, SyntheticCrossingEdgeCases) {
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(priceRule(1, Condition::CrossesAbove, "100", Trigger::EveryTime)).ok());
    ASSERT_TRUE(engine.setRule(priceRule(2, Condition::CrossesBelow, "100", Trigger::EveryTime)).ok());
    ASSERT_TRUE(engine.setRule(priceRule(3, Condition::GoesAbove, "100", Trigger::EveryTime)).ok());
    ASSERT_TRUE(engine.setRule(priceRule(4, Condition::GoesBelow, "100", Trigger::EveryTime)).ok());
    std::vector<AlertEvent> ev;
    std::int64_t t = 0;
    auto feed = [&](const char* p) { append(ev, engine.onPrice(kBtc, t += 1000, px(p))); };
    feed("101");  // first price: no "crosses" (no previous); "goes above" fires
    EXPECT_TRUE(firedTimes(ev, 1).empty());
    EXPECT_EQ(firedTimes(ev, 3), std::vector<std::int64_t>{1000});
    feed("100.00");  // 101 -> 100: touching the level from above is crossing below
    EXPECT_EQ(firedTimes(ev, 2), std::vector<std::int64_t>{2000});
    feed("100");    // sitting on the level: nothing (not above, not below, no crossing)
    feed("99.99");  // 100 -> 99.99: was not above the level, so no new crossing below
    EXPECT_EQ(firedTimes(ev, 2).size(), 1u);
    EXPECT_EQ(firedTimes(ev, 4), std::vector<std::int64_t>{4000});
    feed("100");  // from below onto the level: crosses above
    EXPECT_EQ(firedTimes(ev, 1), std::vector<std::int64_t>{5000});
    feed("100.01");  // from the level up: no second crossing
    EXPECT_EQ(firedTimes(ev, 1).size(), 1u);
    EXPECT_EQ(firedTimes(ev, 3), (std::vector<std::int64_t>{1000, 6000}));
    // Another instrument's prices never reach these rules.
    EXPECT_TRUE(engine.onPrice({"BINANCE", "ETHUSDT"}, t += 1000, px("1")).empty());
    // An edit restarts the rule's state: its next price is a first price again.
    ASSERT_TRUE(engine.setRule(priceRule(1, Condition::CrossesAbove, "100.50", Trigger::EveryTime)).ok());
    EXPECT_EQ(firedTimes(engine.onPrice(kBtc, t += 1000, px("101")), 1).size(), 0u);  // above, but a first price
    EXPECT_EQ(firedTimes(engine.onPrice(kBtc, t += 1000, px("99")), 1).size(), 0u);
    EXPECT_EQ(firedTimes(engine.onPrice(kBtc, t += 1000, px("100.60")), 1).size(), 1u);
}

// Synthetic: validation and once-disabling; an unsaved rule is refused; expireUntil.
TEST(AlertEngine, SyntheticValidationOnceAndExpireUntil) {
    AlertEngine engine;
    AlertRule r = priceRule(0, Condition::GoesAbove, "1");
    EXPECT_FALSE(engine.setRule(r).ok());  // no id
    r.id = 9;
    r.condition = Condition::Formula;
    r.formula = "ema(close, 9) > ema(close 21)";
    auto st = engine.setRule(r);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("formula: column "), std::string::npos) << st.message();
    EXPECT_EQ(engine.ruleCount(), 0u);
    r = priceRule(9, Condition::GoesAbove, "1");
    r.expiresAtMs = 50'000;
    ASSERT_TRUE(engine.setRule(r).ok());
    AlertRule other = priceRule(10, Condition::GoesAbove, "1000");
    ASSERT_TRUE(engine.setRule(other).ok());
    auto ev = engine.expireUntil(49'999);
    EXPECT_TRUE(ev.empty());
    ev = engine.expireUntil(50'000);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].ruleId, 9);
    EXPECT_EQ(ev[0].kind, EventKind::Expired);
    EXPECT_TRUE(engine.onPrice(kBtc, 60'000, px("2")).empty());  // expired: no firing
    ev = engine.onPrice(kBtc, 61'000, px("1001"));
    ASSERT_EQ(ev.size(), 1u);  // once: fires, then disabled
    EXPECT_EQ(ev[0].ruleId, 10);
    EXPECT_TRUE(engine.onPrice(kBtc, 62'000, px("1002")).empty());
    EXPECT_TRUE(engine.setEnabled(10, true));  // re-enabled: fires again
    EXPECT_EQ(engine.onPrice(kBtc, 63'000, px("1003")).size(), 1u);

    // Each rule by its own instrument's clock: the replayed one is still before its expiry.
    const InstrumentId eth{"BINANCE", "ETHUSDT"};
    AlertRule live = priceRule(11, Condition::GoesAbove, "1");
    live.expiresAtMs = 100'000;
    AlertRule replayed = live;
    replayed.id = 12;
    replayed.instrument = eth;
    ASSERT_TRUE(engine.setRule(live).ok());
    ASSERT_TRUE(engine.setRule(replayed).ok());
    ev = engine.expireDue([&](const InstrumentId& id) { return id == eth ? 99'999 : 100'000; });
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].ruleId, 11);
    EXPECT_FALSE(engine.rule(11)->enabled);
    EXPECT_TRUE(engine.rule(12)->enabled);
}

// GIVEN real 1h bars and the alert "ema(close,9) > ema(close,21)", every time, WHEN the closed bars
// are fed (forming ones too, which must be ignored), THEN it fires on exactly the bars where a
// direct EMA computation turns from not-above to above (the first defined bar counts when already
// above), at the bar's close time with its close as price. Added later with a history provider,
// it fires on the same later bars.
TEST(AlertEngine, FormulaEmaCrossOnRealBarsFiresWhereADirectComputationFindsTheCross) {
    const auto b = bars("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv");
    ASSERT_GT(b.size(), 2000u);
    std::vector<double> close;
    close.reserve(b.size());
    for (const Bar& bar : b) close.push_back(bar.close.toDouble());
    const auto e9 = ema(close, 9), e21 = ema(close, 21);
    std::vector<bool> held(b.size());
    for (std::size_t i = 0; i < b.size(); ++i) held[i] = !std::isnan(e21[i]) && e9[i] > e21[i];
    std::vector<std::int64_t> crosses;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (held[i] && (i == 0 || !held[i - 1])) crosses.push_back(b[i].openTimeMs + 3'600'000);
    ASSERT_GT(crosses.size(), 30u);

    AlertRule r;
    r.id = 1;
    r.instrument = kSol;
    r.condition = Condition::Formula;
    r.formula = "ema(close,9) - ema(close,21) > 0";
    r.timeframe = Timeframe::H1;
    r.trigger = Trigger::EveryTime;
    r.cooldownMs = 0;
    AlertEngine engine;
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) {
        Bar forming = bar;
        forming.closed = false;
        forming.close = bar.high;  // a forming bar must not be evaluated
        append(events, engine.onBar(kSol, Timeframe::H1, forming));
        append(events, engine.onBar(kSol, Timeframe::H1, bar));
        append(events, engine.onBar(kSol, Timeframe::M1, bar));  // another timeframe: not this rule
        append(events, engine.onBar(kSol, Timeframe::H1, bar));  // the same bar again (a backfill): once only
    }
    EXPECT_EQ(firedTimes(events, 1), crosses);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.size(), crosses.size());
    EXPECT_EQ(events[0].price, b[(events[0].timeMs - b[0].openTimeMs) / 3'600'000 - 1].close);
    EXPECT_NE(events[0].message.find("became true on the 1h bar closing"), std::string::npos) << events[0].message;

    // Once per bar: every bar where it holds.
    const auto holding = std::count(held.begin(), held.end(), true);
    r.id = 2;
    r.trigger = Trigger::OncePerBar;
    AlertEngine perBar;
    ASSERT_TRUE(perBar.setRule(r).ok());
    std::size_t n = 0;
    for (const Bar& bar : b) n += perBar.onBar(kSol, Timeframe::H1, bar).size();
    EXPECT_EQ(n, static_cast<std::size_t>(holding));

    // Added mid-series, warmed on the history: the same crosses after that point, none before.
    const std::size_t cut = 1000;
    AlertEngine later([&](const InstrumentId& id, Timeframe tf) {
        EXPECT_EQ(id, kSol);
        EXPECT_EQ(tf, Timeframe::H1);
        return std::vector<Bar>(b.begin(), b.begin() + cut);
    });
    r.id = 3;
    r.trigger = Trigger::EveryTime;
    ASSERT_TRUE(later.setRule(r).ok());
    std::vector<AlertEvent> lateEvents;
    for (std::size_t i = cut; i < b.size(); ++i) append(lateEvents, later.onBar(kSol, Timeframe::H1, b[i]));
    std::vector<std::int64_t> lateCrosses;
    for (std::int64_t t : crosses)
        if (t > b[cut - 1].openTimeMs + 3'600'000) lateCrosses.push_back(t);
    EXPECT_EQ(firedTimes(lateEvents, 3), lateCrosses);
}

// GIVEN the signal engine over real 1h bars, WHEN its signals are fed to signal alerts, THEN
// "once per bar" fires on every LONG with confidence >= N, "every time" when such a LONG follows a
// bar without one, and "once" on the first.
TEST(AlertEngine, SignalConditionOnRealBarsFollowsTheSignalEngine) {
    const auto b = bars("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv");
    const auto sigs = signal::generateSignals(b, Timeframe::H1);
    ASSERT_GT(sigs.size(), 1000u);
    const int minConf = 30;
    std::vector<std::int64_t> every, transitions;
    bool prev = false;
    for (const auto& s : sigs) {
        const bool m = s.side == signal::Direction::Long && s.confidence >= minConf;
        if (m) every.push_back(s.timeMs);
        if (m && !prev) transitions.push_back(s.timeMs);
        prev = m;
    }
    ASSERT_GT(transitions.size(), 3u);
    ASSERT_LT(transitions.size(), every.size());

    AlertEngine engine;
    AlertRule r;
    r.instrument = kSol;
    r.condition = Condition::Signal;
    r.signalSide = SignalSide::Long;
    r.minConfidence = minConf;
    r.cooldownMs = 0;
    r.id = 1;
    r.trigger = Trigger::OncePerBar;
    ASSERT_TRUE(engine.setRule(r).ok());
    r.id = 2;
    r.trigger = Trigger::EveryTime;
    ASSERT_TRUE(engine.setRule(r).ok());
    r.id = 3;
    r.trigger = Trigger::Once;
    ASSERT_TRUE(engine.setRule(r).ok());
    r.id = 4;
    r.instrument = kBtc;  // another instrument's rule never fires on SOL's signals
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (const auto& s : sigs) append(events, engine.onSignal(kSol, Timeframe::H1, s));
    EXPECT_EQ(firedTimes(events, 1), every);
    EXPECT_EQ(firedTimes(events, 2), transitions);
    EXPECT_EQ(firedTimes(events, 3), std::vector<std::int64_t>{transitions.front()});
    EXPECT_TRUE(firedTimes(events, 4).empty());
    EXPECT_FALSE(engine.rule(3)->enabled);
    const auto first = std::find_if(events.begin(), events.end(), [](const AlertEvent& e) { return e.ruleId == 2; });
    ASSERT_NE(first, events.end());
    EXPECT_NE(first->message.find("LONG signal, confidence "), std::string::npos) << first->message;
}

// GIVEN real SOL 1h bars, about 1,000 hours as the rule's history (ending inside a 4h bar) and the
// rest fed live as 1h bars, WHEN signal alerts run on 4h (the engine aggregates the hours), THEN
// they fire at exactly the 4h closes where signal::generateSignals over 4h bars built by a plain
// loop here gives a matching LONG ("once per bar": every one; "every time": when it becomes one),
// and a 1h signal alert of the same engine still waits for the service's signals (onSignal).
TEST(AlertEngine, SignalConditionOn4hBarsAggregatedFromRealHoursFollowsTheSignalEngine) {
    const auto b = bars("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv");
    ASSERT_GT(b.size(), 2000u);
    const std::int64_t len = 4 * 3'600'000;
    std::vector<Bar> h4;  // plain aggregation: epoch-aligned 4h buckets
    for (const Bar& x : b) {
        const std::int64_t bucket = x.openTimeMs / len * len;
        if (h4.empty() || h4.back().openTimeMs != bucket) {
            h4.push_back(x);
            h4.back().openTimeMs = bucket;
            continue;
        }
        Bar& a = h4.back();
        if (x.high > a.high) a.high = x.high;
        if (x.low < a.low) a.low = x.low;
        a.close = x.close;
        a.volume = *a.volume.add(x.volume);
        a.quoteVolume = *a.quoteVolume.add(x.quoteVolume);
        a.tradeCount += x.tradeCount;
    }
    std::size_t split = 1000;  // the history ends inside a 4h bar
    while (split < b.size() && b[split].openTimeMs % len == 0) ++split;
    ASSERT_LT(split, b.size() / 2);
    const std::int64_t firstLive = bucketStart(Timeframe::H4, b[split].openTimeMs);
    ASSERT_NE(firstLive, b[split].openTimeMs);
    const auto sigs = signal::generateSignals(h4, Timeframe::H4);
    const int minConf = 30;
    std::vector<std::int64_t> every, transitions;
    bool prev = false;
    for (const auto& s : sigs) {
        const bool m = s.side == signal::Direction::Long && s.confidence >= minConf;
        if (s.barOpenMs >= firstLive && m) every.push_back(s.timeMs);
        if (s.barOpenMs >= firstLive && m && !prev) transitions.push_back(s.timeMs);
        prev = m;
    }
    ASSERT_GT(transitions.size(), 2u);
    ASSERT_LT(transitions.size(), every.size());

    const std::vector<Bar> history(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(split));
    AlertEngine engine(
        [&](const InstrumentId& id, Timeframe tf) { return id == kSol && tf == Timeframe::H1 ? history : std::vector<Bar>{}; });
    engine.setBaseTimeframe(Timeframe::H1);
    AlertRule r;
    r.instrument = kSol;
    r.condition = Condition::Signal;
    r.signalSide = SignalSide::Long;
    r.minConfidence = minConf;
    r.cooldownMs = 0;
    r.timeframe = Timeframe::H4;
    r.id = 1;
    r.trigger = Trigger::OncePerBar;
    ASSERT_TRUE(engine.setRule(r).ok());
    r.id = 2;
    r.trigger = Trigger::EveryTime;
    ASSERT_TRUE(engine.setRule(r).ok());
    r.id = 3;
    r.timeframe = Timeframe::H1;  // the service's timeframe: fed by onSignal only
    ASSERT_TRUE(engine.setRule(r).ok());
    std::vector<AlertEvent> events;
    for (std::size_t i = split; i < b.size(); ++i) append(events, engine.onBar(kSol, Timeframe::H1, b[i]));
    EXPECT_EQ(firedTimes(events, 1), every);
    EXPECT_EQ(firedTimes(events, 2), transitions);
    EXPECT_TRUE(firedTimes(events, 3).empty());
    const auto first = std::find_if(events.begin(), events.end(), [](const AlertEvent& e) { return e.ruleId == 2; });
    ASSERT_NE(first, events.end());
    EXPECT_NE(first->message.find("on the 4h bar closing"), std::string::npos) << first->message;
}

TEST(AlertRule, ParseLevelUsesTheInstrumentPrecision) {
    auto p = parseLevel(" 105000.5 ", 2);
    ASSERT_TRUE(p.ok()) << p.message();
    EXPECT_EQ(p->raw(), 10500050);
    EXPECT_EQ(p->scale(), 2);
    EXPECT_EQ(p->toString(), "105000.50");
    EXPECT_TRUE(parseLevel("0.1230", 3).ok());  // trailing zeros are not extra precision
    auto bad = parseLevel("105000.123", 2);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("precision (2)"), std::string::npos) << bad.message();
    EXPECT_FALSE(parseLevel("1e5", 2).ok());
    EXPECT_FALSE(parseLevel("-5", 2).ok());
    EXPECT_FALSE(parseLevel("0", 2).ok());
    EXPECT_FALSE(parseLevel("", 2).ok());
    EXPECT_FALSE(parseLevel("1 000", 2).ok());
}

// GIVEN real BTCUSDT hours (five years, with the file's ten real gaps) fed as 1h bars to an engine
// whose base timeframe is 1h, WHEN formula rules run on 4h and 1d, THEN they fire at the end of
// exactly the buckets where a direct computation over each bucket's last close finds the condition
// turning true. A rule added mid-day warms up on the aggregated history and agrees from there on.
TEST(AlertEngine, FormulaOnCoarserTimeframesAggregatesRealHoursLikeAPlainGrouping) {
    const auto b = bars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    ASSERT_GT(b.size(), 40000u);
    auto expectedFor = [&](std::int64_t bucketMs, std::size_t fromBar) {
        std::vector<double> closes;
        std::vector<std::int64_t> ends;
        for (std::size_t i = 0; i < b.size(); ++i) {
            const std::int64_t end = (b[i].openTimeMs / bucketMs + 1) * bucketMs;
            if (ends.empty() || ends.back() != end) {
                ends.push_back(end);
                closes.push_back(0);
            }
            closes.back() = b[i].close.toDouble();
        }
        const auto fast = ema(closes, 3), slow = ema(closes, 8);
        std::vector<std::int64_t> out;
        for (std::size_t i = 1; i < closes.size(); ++i)
            if (fast[i] > slow[i] && !(fast[i - 1] > slow[i - 1]) && ends[i] > b[fromBar].openTimeMs + 3'600'000)
                out.push_back(ends[i]);
        return out;
    };
    const auto d1 = expectedFor(86'400'000, 0), h4 = expectedFor(4 * 3'600'000, 0);
    ASSERT_GT(d1.size(), 40u);
    ASSERT_GT(h4.size(), 300u);

    auto formulaRule = [](std::int64_t id, Timeframe tf) {
        AlertRule r;
        r.id = id;
        r.instrument = kBtc;
        r.condition = Condition::Formula;
        r.formula = "ema(close, 3) > ema(close, 8)";
        r.timeframe = tf;
        r.trigger = Trigger::EveryTime;
        r.cooldownMs = 0;
        return r;
    };
    AlertEngine engine;
    engine.setBaseTimeframe(Timeframe::H1);
    ASSERT_TRUE(engine.setRule(formulaRule(1, Timeframe::D1)).ok());
    ASSERT_TRUE(engine.setRule(formulaRule(2, Timeframe::H4)).ok());
    std::vector<AlertEvent> events;
    for (const Bar& bar : b) append(events, engine.onBar(kBtc, Timeframe::H1, bar));
    EXPECT_EQ(firedTimes(events, 1), d1);
    EXPECT_EQ(firedTimes(events, 2), h4);

    // Added at 13:00 on some day, warmed on the hours before.
    std::size_t cut = 30000;
    while (b[cut].openTimeMs % 86'400'000 != 13 * 3'600'000) ++cut;
    AlertEngine later([&](const InstrumentId&, Timeframe tf) {
        EXPECT_EQ(tf, Timeframe::H1);  // asked for the base timeframe
        return std::vector<Bar>(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(cut));
    });
    later.setBaseTimeframe(Timeframe::H1);
    ASSERT_TRUE(later.setRule(formulaRule(3, Timeframe::D1)).ok());
    std::vector<AlertEvent> lateEvents;
    for (std::size_t i = cut; i < b.size(); ++i) append(lateEvents, later.onBar(kBtc, Timeframe::H1, b[i]));
    EXPECT_EQ(firedTimes(lateEvents, 3), expectedFor(86'400'000, cut - 1));
}

namespace {

TEST(AlertEngineServerRules, ARuleKeptRunningOnTheServerNeverFiresInTheTerminal) {
    // GIVEN two identical "goes above" rules on real BTC 1m closes, one of them marked "keep running
    // on the server" (and expiring during the data)
    const auto data = btc1m();
    ASSERT_GT(data.size(), 100u);
    const Price level = data[0].close;
    AlertEngine engine;
    AlertRule local = priceRule(1, Condition::GoesAbove, level.toString().c_str(), Trigger::EveryTime);
    AlertRule server = local;
    server.id = 2;
    server.server = true;
    server.expiresAtMs = data[50].openTimeMs;
    ASSERT_TRUE(engine.setRule(local).ok());
    ASSERT_TRUE(engine.setRule(server).ok());

    // WHEN the closes are fed and the rules' expiry passes
    std::vector<AlertEvent> events;
    for (const Bar& b : data) append(events, engine.onPrice(kBtc, b.openTimeMs + 60'000, b.close));
    append(events, engine.expireUntil(data.back().openTimeMs));
    ASSERT_TRUE(engine.setEnabled(2, true));
    append(events, engine.onPrice(kBtc, data.back().openTimeMs + 120'000, data.back().high));

    // THEN the terminal's rule fired where a plain comparison says, the server's never (nor expired here)
    std::vector<std::int64_t> expected;
    for (const Bar& b : data)
        if (level < b.close) expected.push_back(b.openTimeMs + 60'000);
    if (level < data.back().high) expected.push_back(data.back().openTimeMs + 120'000);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(firedTimes(events, 1), expected);
    for (const auto& e : events) EXPECT_NE(e.ruleId, 2) << e.message;
    ASSERT_NE(engine.rule(2), nullptr);
    EXPECT_TRUE(engine.rule(2)->enabled);
}

}  // namespace
