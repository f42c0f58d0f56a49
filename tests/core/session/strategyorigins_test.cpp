// Orders a strategy sends on an account record their origin in the trade journal (order_origins),
// as the ticket records "signal #id": StrategyRunner's origin recorder with TradeJournal::setOrigin,
// the built-in SMA crossover on a paper account fed the replay of real BTCUSDT daily bars.
#include "backtest/builtins.h"
#include "backtest/strategyrunner.h"
#include "marketdata/csvimport.h"
#include "marketdata/replayfeed.h"
#include "storage/database.h"
#include "testdata.h"
#include "trading/instrumentdefaults.h"
#include "trading/papervenue.h"
#include "trading/tradejournal.h"

#include <gtest/gtest.h>

#include <QTemporaryDir>

using namespace kairos;

namespace {

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

std::vector<Bar> realDailyBars(std::size_t count) {
    auto r = marketdata::readBarsCsv(test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
    if (!r) throw std::runtime_error(r.message());
    std::vector<Bar> bars = r->bars;
    if (bars.size() > count) bars.resize(count);
    return bars;
}

}  // namespace

TEST(StrategyOrigins, EveryOrderOfAStrategyOnAPaperAccountNamesTheStrategyInTheJournal) {
    // GIVEN a paper account journaled in a profile, and the SMA crossover 10/30 on 600 real daily bars
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    auto db = storage::Database::openProfile(dir.path());
    ASSERT_TRUE(db.ok()) << db.message();
    const std::vector<Bar> bars = realDailyBars(600);
    ASSERT_EQ(bars.size(), 600u);
    const Instrument instrument = *trading::bundledInstrumentRules(kBtc);
    trading::ManualClock clock(bars.front().openTimeMs);
    trading::PaperSettings ps;
    ps.startingCash = *Money::parse("10000");
    trading::PaperAccount paper(db->get(), ps, &clock);
    paper.venue().setInstrumentResolver([&](const InstrumentId& id) -> std::optional<Instrument> {
        if (id == kBtc) return instrument;
        return std::nullopt;
    });
    ASSERT_TRUE(paper.open().ok());
    trading::Account& account = paper.account();
    backtest::OrderSizing sizing;  // 95 % of equity
    auto strategy = backtest::makeBuiltin("sma_cross", {{"fast", 10}, {"slow", 30}}, sizing);
    ASSERT_TRUE(strategy.ok()) << strategy.message();
    backtest::StrategyRunner runner(**strategy, account, instrument);
    // (without a text the runner names the strategy itself)
    runner.setOriginRecorder([](const trading::Order&, const std::string&) {});
    EXPECT_EQ(runner.origin(), "strategy " + (*strategy)->name());
    trading::TradeJournal journal(*db->get());
    int recorded = 0;
    runner.setOriginRecorder(
        [&](const trading::Order& o, const std::string& origin) {
            ++recorded;
            EXPECT_TRUE(journal.setOrigin(account.info().id, o, origin).ok());
        },
        "strategy sma_cross(fast=10,slow=30)");

    // WHEN the replay feeds the bars to the venue and the runner
    marketdata::ReplayFeed feed;
    feed.addSeries(kBtc, Timeframe::D1, bars);
    feed.subscribeBars(kBtc, Timeframe::D1);
    QObject::connect(&feed, &marketdata::ReplayFeed::barUpdated, &paper.venue(), &trading::PaperVenue::onBar);
    QObject::connect(&feed, &marketdata::ReplayFeed::barUpdated, [&](const InstrumentId&, Timeframe tf, const Bar& bar) {
        if (!bar.closed) return;
        const std::int64_t closeMs = nextBucketStart(tf, bar.openTimeMs);
        clock.advanceTo(closeMs);
        runner.onBar(bar, closeMs);
    });
    runner.start(bars.front().openTimeMs);
    feed.advanceTo(nextBucketStart(Timeframe::D1, bars.back().openTimeMs));

    // THEN the strategy traded, and every order it sent has its origin in the journal, once
    int entries = 0;
    for (const trading::Order& o : account.orders()) {
        if (o.parentId != 0) continue;
        ++entries;
        auto origin = journal.origin(account.info().id, o);
        ASSERT_TRUE(origin.ok()) << origin.message();
        ASSERT_TRUE(origin->has_value()) << "order " << o.id << " has no origin";
        EXPECT_EQ(**origin, "strategy sma_cross(fast=10,slow=30)");
    }
    EXPECT_GE(entries, 4) << "the crossover should trade on 600 days of BTCUSDT";
    EXPECT_EQ(recorded, entries);
}
