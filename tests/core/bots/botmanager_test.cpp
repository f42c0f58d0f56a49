// BotManager on a paper account fed the bundled replay's real bars (BTCUSDT 1h): a saved bot trades
// exactly as the backtest of the same bars (the backtest = paper property, through the bot); a bot
// stopped or crashed while it holds a position resumes without doubling it; a paused bot manages its
// position but opens nothing new; stopping with flatten closes only its own position; the kill
// switch's first step stops every bot.
#include "backtest/backtestengine.h"
#include "bots/botmanager.h"
#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "testdata.h"
#include "trading/instrumentdefaults.h"
#include "trading/papervenue.h"
#include "trading/tradejournal.h"

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::bots;

namespace {

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

std::vector<Bar> realBars(std::size_t count) {
    auto r = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    if (!r) throw std::runtime_error(r.message());
    std::vector<Bar> bars = r->bars;
    if (bars.size() > count) bars.resize(count);
    for (Bar& b : bars) b.closed = true;
    return bars;
}

backtest::BacktestSettings settings() {
    backtest::BacktestSettings s;
    s.instrument = *trading::bundledInstrumentRules(kBtc);
    s.timeframe = Timeframe::H1;
    s.initialCapital = *Money::parse("10000");
    return s;
}

BotConfig smaBot(const std::string& name = "sma") {
    BotConfig c;
    c.name = name;
    c.strategy = "sma_cross";
    c.params = {{"fast", 10}, {"slow", 30}};
    c.symbols = {"BTCUSDT"};
    c.timeframe = Timeframe::H1;
    c.accountId = 1;
    c.sizing.kind = backtest::OrderSizing::Kind::Quantity;
    c.sizing.quantity = *Quantity::parse("0.05");
    return c;
}

/// A profile with its paper account, fed bar by bar as kairos-cli run and the kernel test feed it:
/// the venue matches the bar, the clock moves to its close, then the bots decide.
struct PaperWorld {
    std::string dir = test::tempDir();
    std::unique_ptr<storage::Database> db;
    trading::ManualClock clock{0};
    std::unique_ptr<trading::PaperAccount> paper;
    std::vector<Bar> bars;
    std::size_t next = 0;  ///< the next bar to feed

    explicit PaperWorld(std::size_t count) : bars(realBars(count)) {
        auto d = storage::Database::openProfile(QString::fromStdString(dir));
        if (!d) throw std::runtime_error(d.message());
        db = std::move(*d);
        clock.advanceTo(bars.front().openTimeMs);
        const backtest::BacktestSettings s = settings();
        trading::PaperSettings ps;
        ps.simulator.rules = s.rules;
        ps.startingCash = s.initialCapital;
        paper = std::make_unique<trading::PaperAccount>(db.get(), ps, &clock);
        paper->venue().setInstrumentResolver([inst = s.instrument](const InstrumentId& id) -> std::optional<Instrument> {
            if (id == inst.id) return inst;
            return std::nullopt;
        });
        if (auto st = paper->open(); !st) throw std::runtime_error(st.message());
    }
    trading::Account& account() { return paper->account(); }
    BotHost host() {
        BotHost h;
        h.account = [this](std::int64_t id) -> trading::Account* { return id == account().info().id ? &account() : nullptr; };
        // What the replay has played so far: the bars before the next one.
        h.history = [this](const InstrumentId& id, Timeframe, std::int64_t untilMs) {
            std::vector<Bar> out;
            if (id != kBtc) return out;
            for (std::size_t i = 0; i < next; ++i)
                if (nextBucketStart(Timeframe::H1, bars[i].openTimeMs) <= untilMs) out.push_back(bars[i]);
            return out;
        };
        return h;
    }
    /// Feeds bars [next, until) to the venue and `manager`.
    void feed(BotManager& manager, std::size_t until) {
        for (; next < until && next < bars.size(); ++next) {
            const Bar& b = bars[next];
            paper->venue().onBar(kBtc, Timeframe::H1, b);
            clock.advanceTo(nextBucketStart(Timeframe::H1, b.openTimeMs));
            manager.onBar(kBtc, Timeframe::H1, b);
        }
    }
    std::vector<trading::Fill> fills(const std::string& tag) {
        std::vector<trading::Fill> out;
        for (const auto& f : account().fills())
            if (f.clientOrderId.starts_with(tag + "-")) out.push_back(f);
        return out;
    }
};

/// The fields a fill of the bot shares with the backtest's (ids and client ids differ).
void expectSameFills(const std::vector<trading::Fill>& bot, std::vector<trading::Fill> bt) {
    if (!bt.empty() && bt.back().orderId == 0) bt.pop_back();  // the engine's close at the end of the data
    ASSERT_EQ(bot.size(), bt.size());
    for (std::size_t i = 0; i < bt.size(); ++i) {
        EXPECT_EQ(bot[i].side, bt[i].side) << "fill " << i;
        EXPECT_EQ(bot[i].quantity, bt[i].quantity) << "fill " << i;
        EXPECT_EQ(bot[i].price, bt[i].price) << "fill " << i;
        EXPECT_EQ(bot[i].fee, bt[i].fee) << "fill " << i;
        EXPECT_EQ(bot[i].timeMs, bt[i].timeMs) << "fill " << i;
        EXPECT_EQ(bot[i].liquidity, bt[i].liquidity) << "fill " << i;
    }
}

backtest::BacktestResult backtestOf(const std::vector<Bar>& bars) {
    auto strategy = makeStrategy(smaBot());
    if (!strategy) throw std::runtime_error(strategy.message());
    auto bt = backtest::BacktestEngine(settings()).run(**strategy, bars);
    if (!bt) throw std::runtime_error(bt.message());
    return std::move(*bt);
}

TEST(BotManagerBacktestEqualsPaper, ASavedSmaBotOnRealHourBarsMakesExactlyTheBacktestsFillsAndTrades) {
    // GIVEN 3000 real BTCUSDT 1h bars and a saved SMA 10/30 bot on the paper account
    PaperWorld w(3000);
    BotManager manager(*w.db, w.host());
    auto id = manager.create(smaBot());
    ASSERT_TRUE(id.ok()) << id.message();
    // WHEN it is started and fed every bar, and the same bars are backtested
    ASSERT_TRUE(manager.start(*id).ok());
    w.feed(manager, w.bars.size());
    const backtest::BacktestResult bt = backtestOf(w.bars);
    // THEN its fills are the backtest's, one for one, and so are its closed trades
    const std::string tag = botTag(*id, 1, kBtc);
    const auto fills = w.fills(tag);
    ASSERT_GT(bt.trades.size(), 50u);
    expectSameFills(fills, bt.fills);
    auto cfg = manager.store().get(*id);
    ASSERT_TRUE(cfg.ok() && cfg->has_value());
    const BotStatus st = manager.status(**cfg);
    const std::size_t closedAtEnd = !bt.fills.empty() && bt.fills.back().orderId == 0 ? 1 : 0;
    EXPECT_EQ(static_cast<std::size_t>(st.trades), bt.trades.size() - closedAtEnd);
    EXPECT_EQ(manager.rejected(*id), bt.rejectedOrders);
    // AND its log has a decision with its bar time and reason for every order, and every fill
    auto decisions = manager.store().log(*id, 100000, BotLogKind::Decision);
    auto logged = manager.store().log(*id, 100000, BotLogKind::Fill);
    ASSERT_TRUE(decisions.ok() && logged.ok());
    EXPECT_EQ(logged->size(), fills.size());
    ASSERT_FALSE(decisions->empty());
    EXPECT_TRUE(decisions->front().barMs.has_value());
    EXPECT_NE(decisions->front().text.find("entry-long"), std::string::npos) << decisions->front().text;
    // AND the cursor is the last bar's close
    EXPECT_EQ((*cfg)->lastBarMs, nextBucketStart(Timeframe::H1, w.bars.back().openTimeMs));
}

TEST(BotManagerResume, ABotCrashedWhileHoldingAPositionResumesWithoutDoublingAndMatchesTheUninterruptedRun) {
    // GIVEN the backtest of 1500 real bars, and the bot's first entry in it
    PaperWorld w(1500);
    const backtest::BacktestResult bt = backtestOf(w.bars);
    ASSERT_GE(bt.fills.size(), 4u);
    std::size_t crashAt = 0;  // the bar after the first fill: the bot holds its position then
    while (w.bars[crashAt].openTimeMs <= bt.fills[0].timeMs) ++crashAt;
    ++crashAt;
    std::int64_t id = 0;
    {
        BotManager first(*w.db, w.host());
        auto made = first.create(smaBot());
        ASSERT_TRUE(made.ok());
        id = *made;
        ASSERT_TRUE(first.start(id).ok());
        w.feed(first, crashAt);
        ASSERT_EQ(first.position(id, kBtc), *Quantity::parse("0.05"));
        // WHEN the process dies without stopping the bot (the manager goes, the account stays)
    }
    // AND a new manager restores the bots left running
    BotManager second(*w.db, w.host());
    second.restore();
    ASSERT_TRUE(second.isRunning(id));
    // THEN it holds the position it had, not twice
    EXPECT_EQ(second.position(id, kBtc), *Quantity::parse("0.05"));
    // AND after the rest of the bars its fills are exactly the uninterrupted run's
    w.feed(second, w.bars.size());
    expectSameFills(w.fills(botTag(id, 1, kBtc)), bt.fills);
    auto states = second.store().log(id, 100, BotLogKind::State);
    ASSERT_TRUE(states.ok());
    ASSERT_FALSE(states->empty());
    EXPECT_NE(states->back().text.find("position 0.05"), std::string::npos) << states->back().text;
}

TEST(BotManagerPause, APausedBotClosesItsPositionButOpensNothingNewAndResumeTradesAgain) {
    PaperWorld w(1500);
    const backtest::BacktestResult bt = backtestOf(w.bars);
    std::size_t heldAt = 0;
    while (w.bars[heldAt].openTimeMs <= bt.fills[0].timeMs) ++heldAt;
    ++heldAt;
    BotManager manager(*w.db, w.host());
    auto id = manager.create(smaBot());
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(manager.start(*id).ok());
    // GIVEN the bot holding its first position
    w.feed(manager, heldAt);
    ASSERT_EQ(manager.position(*id, kBtc), *Quantity::parse("0.05"));
    // WHEN it is paused for 600 bars
    ASSERT_TRUE(manager.pause(*id).ok());
    const std::size_t before = w.account().fills().size();
    w.feed(manager, heldAt + 600);
    // THEN it closed its position on its exit signal and opened nothing new
    std::vector<trading::Fill> during(w.account().fills().begin() + static_cast<std::ptrdiff_t>(before),
                                      w.account().fills().end());
    ASSERT_EQ(during.size(), 1u);
    EXPECT_EQ(during[0].side, Side::Sell);
    EXPECT_TRUE(manager.position(*id, kBtc).isZero());
    auto skipped = manager.store().log(*id, 1000, BotLogKind::Skipped);
    ASSERT_TRUE(skipped.ok());
    EXPECT_FALSE(skipped->empty());
    auto cfg = manager.store().get(*id);
    EXPECT_EQ((*cfg)->state, BotState::Paused);
    // WHEN it is resumed
    ASSERT_TRUE(manager.start(*id).ok());
    w.feed(manager, w.bars.size());
    // THEN it enters again
    EXPECT_GT(w.account().fills().size(), before + 1);
    EXPECT_EQ((*manager.store().get(*id))->state, BotState::Running);
}

TEST(BotManagerStop, StopWithFlattenClosesOnlyTheBotsOwnPositionAndTheKillSwitchStopsEveryBot) {
    PaperWorld w(1500);
    const backtest::BacktestResult bt = backtestOf(w.bars);
    std::size_t heldAt = 0;
    while (w.bars[heldAt].openTimeMs <= bt.fills[0].timeMs) ++heldAt;
    ++heldAt;
    BotManager manager(*w.db, w.host());
    auto a = manager.create(smaBot("a"));
    BotConfig other = smaBot("b");
    other.params = {{"fast", 5}, {"slow", 60}};
    auto b = manager.create(other);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE(manager.start(*a).ok());
    ASSERT_TRUE(manager.start(*b).ok());
    // GIVEN bot a holding its position, and a position bought by hand on the same account
    w.feed(manager, heldAt);
    ASSERT_EQ(manager.position(*a, kBtc), *Quantity::parse("0.05"));
    trading::OrderRequest manual;
    manual.instrument = kBtc;
    manual.side = Side::Buy;
    manual.quantity = *Quantity::parse("0.01");
    (void)w.account().submit(manual);
    w.feed(manager, heldAt + 1);
    const Quantity held = w.account().portfolio().position(kBtc)->quantity;
    ASSERT_GE(held, *Quantity::parse("0.06"));
    // WHEN bot a is stopped with flatten, and the next bar comes
    ASSERT_TRUE(manager.stop(*a, true).ok());
    w.feed(manager, heldAt + 2);
    // THEN its own position is closed and the hand-bought one is still there
    EXPECT_TRUE(bots::ownPosition(w.account(), botTag(*a, 1, kBtc), kBtc).isZero());
    auto left = held.sub(*Quantity::parse("0.05"));
    ASSERT_TRUE(left.ok());
    EXPECT_EQ(w.account().portfolio().position(kBtc)->quantity, *left);
    EXPECT_EQ((*manager.store().get(*a))->state, BotState::Stopped);
    EXPECT_FALSE(manager.isRunning(*a));
    // WHEN the kill switch's first step runs with bots a (again) and b running
    ASSERT_TRUE(manager.start(*a).ok());
    EXPECT_EQ(manager.stopAll("kill switch: every bot stopped before flattening"), 2);
    // THEN none runs and each one's log says why
    for (std::int64_t id : {*a, *b}) {
        EXPECT_FALSE(manager.isRunning(id));
        EXPECT_EQ((*manager.store().get(id))->state, BotState::Stopped);
        auto lines = manager.store().log(id, 5, BotLogKind::State);
        ASSERT_TRUE(lines.ok());
        bool said = false;
        for (const auto& l : *lines) said = said || l.text.find("kill switch") != std::string::npos;
        EXPECT_TRUE(said);
    }
    // AND a bot whose account is not open fails to start with the reason stored
    BotConfig elsewhere = smaBot("c");
    elsewhere.accountId = 7;
    auto c = manager.create(elsewhere);
    ASSERT_TRUE(c.ok());
    auto started = manager.start(*c);
    ASSERT_FALSE(started.ok());
    EXPECT_EQ((*manager.store().get(*c))->state, BotState::Error);
    EXPECT_NE((*manager.store().get(*c))->lastError.find("not open"), std::string::npos);
}

}  // namespace
