// Backtest throughput on real data.
//
// 1. The target: the built-in `sma_cross` (fast 10, slow 30, 95 % of equity, commission
//    10 bp, open position kept) over 1,000,000 real 1-minute bars (the shared Binance BTCUSDT 1m
//    file, 130,708 bars, tiled end to end, each copy shifted in time after the previous one; the
//    bundled week of 1m bars when shared/data is absent), full order simulation and ledger, bars in
//    memory, one thread, best of 5. Its ratio to backtrader: against the bars/s given in the
//    environment variable KAIROS_BACKTRADER_BARS_PER_S (a measured run of the same strategy, e.g.
//    with bench/peer_backtrader_sma_cross.py), else against the figure of 20,000 bars/s.
// 2. Loading those 1,000,000 bars from the candle store for a backtest (CandleStore::range, as
//    BacktestEngine::run over a store does; the bars are inserted first, untimed), best of 3.
// 3. The signal strategy (signal engine + fill simulator + portfolio + trade bookkeeping) over the
//    bundled Binance BTCUSDT 1h file (43,803 bars) tiled 5 times (219,015 bars), and the engine
//    alone with a strategy that flips a small position every 10 bars, best of 3.
// Prints BENCH backtest.sma_cross_1m.bars_per_s, backtest.sma_cross_1m.vs_backtrader,
// backtest.store_load_1m_bars_s, backtest.signal_strategy.bars_per_s, backtest.engine_only.bars_per_s.
//
// `bench_backtest --sma-only [BARS]` runs part 1 once over BARS bars (default 1,000,000) and
// prints nothing else: for `valgrind --tool=callgrind --toggle-collect='*BacktestEngine::run*'`,
// whose instruction count divided by BARS is the engine's instructions per bar.
#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/signalstrategy.h"
#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace kairos;
using namespace kairos::backtest;

namespace {
class Flipper : public Strategy {
public:
    std::string name() const override { return "flip every 10 bars"; }
    void onBar(const Bar&, std::int64_t, StrategyContext& ctx) override {
        if (++m_bars % 10 != 0) return;
        trading::OrderRequest r;
        r.instrument = ctx.instrument().id;
        r.side = ctx.position().isZero() ? Side::Buy : Side::Sell;
        r.quantity = Quantity::fromRaw(1, 2);
        (void)ctx.submit(r);
    }

private:
    long m_bars = 0;
};

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class MakeStrategy>
double bestBarsPerSecond(const std::vector<Bar>& bars, const BacktestSettings& s, MakeStrategy make, int& trades, int runs = 3) {
    double best = 0;
    for (int run = 0; run < runs; ++run) {
        auto strategy = make();
        const auto t0 = std::chrono::steady_clock::now();
        auto r = BacktestEngine(s).run(*strategy, bars);
        const double sec = secondsSince(t0);
        if (!r) {
            std::fprintf(stderr, "backtest failed: %s\n", r.message().c_str());
            return -1;
        }
        trades = r->metrics.trades;
        best = std::max(best, static_cast<double>(bars.size()) / sec);
    }
    return best;
}

/// The shared 1m BTCUSDT file (or the bundled week) tiled to `count` bars.
Result<std::pair<std::vector<Bar>, int>> minuteBars(std::size_t count) {
    std::string file = std::string(KAIROS_BENCH_SHARED_DATA) + "/candles/binance_spot_BTCUSDT_1m_2025-05-20_2025-08-18.csv";
    if (!QFileInfo::exists(QString::fromStdString(file)))
        file = std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv";
    auto csv = marketdata::readBarsCsv(file);
    if (!csv) return csv.error();
    std::vector<Bar> bars;
    bars.reserve(count);
    const std::int64_t span = csv->bars.back().openTimeMs - csv->bars.front().openTimeMs + 60000;
    for (std::int64_t k = 0; bars.size() < count; ++k)
        for (Bar b : csv->bars) {
            if (bars.size() == count) break;
            b.openTimeMs += k * span;
            bars.push_back(b);
        }
    return std::make_pair(std::move(bars), csv->priceScale);
}

BacktestSettings smaSettings(int priceScale) {
    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, priceScale);
    s.timeframe = Timeframe::M1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    s.atEnd = AtEnd::Keep;
    return s;
}

std::unique_ptr<Strategy> smaCross() {
    auto made = makeBuiltin("sma_cross", {}, OrderSizing{});
    if (!made) {
        std::fprintf(stderr, "%s\n", made.message().c_str());
        std::exit(1);
    }
    return std::move(*made);
}

/// Seconds to read all of `bars` back from a candle store (best of 3); -1 on error.
double storeLoadSeconds(const std::vector<Bar>& bars) {
    QTemporaryDir dir;
    auto db = storage::Database::openProfile(dir.path());
    if (!db) {
        std::fprintf(stderr, "%s\n", db.message().c_str());
        return -1;
    }
    storage::CandleStore store(**db);
    const InstrumentId id{"BINANCE", "BTCUSDT"};
    constexpr std::size_t kBatch = 100'000;
    for (std::size_t i = 0; i < bars.size(); i += kBatch) {
        const std::vector<Bar> batch(bars.begin() + static_cast<std::ptrdiff_t>(i),
                                     bars.begin() + static_cast<std::ptrdiff_t>(std::min(bars.size(), i + kBatch)));
        if (auto s = store.upsert(id, Timeframe::M1, batch); !s) {
            std::fprintf(stderr, "%s\n", s.message().c_str());
            return -1;
        }
    }
    if (auto s = (*db)->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s) {
        std::fprintf(stderr, "%s\n", s.message().c_str());
        return -1;
    }
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
        const auto t0 = std::chrono::steady_clock::now();
        auto got = store.range(id, Timeframe::M1, bars.front().openTimeMs, bars.back().openTimeMs + 60000);
        const double sec = secondsSince(t0);
        if (!got || got->size() != bars.size()) {
            std::fprintf(stderr, "the store returned %zu bars, not the %zu written\n", got ? got->size() : 0, bars.size());
            return -1;
        }
        best = std::min(best, sec);
    }
    return best;
}
}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const bool smaOnly = argc > 1 && std::strcmp(argv[1], "--sma-only") == 0;
    const std::size_t minuteCount = smaOnly && argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1'000'000;
    auto minutes = minuteBars(std::max<std::size_t>(minuteCount, 100));
    if (!minutes) {
        std::fprintf(stderr, "%s\n", minutes.message().c_str());
        return 1;
    }
    const std::vector<Bar>& mbars = minutes->first;
    const BacktestSettings sma = smaSettings(minutes->second);
    int trades = 0;
    if (smaOnly) {
        auto strategy = smaCross();
        auto r = BacktestEngine(sma).run(*strategy, mbars);
        if (!r) {
            std::fprintf(stderr, "backtest failed: %s\n", r.message().c_str());
            return 1;
        }
        std::fprintf(stderr, "(%zu bars, %d closed trades, %zu orders)\n", mbars.size(), r->metrics.trades, r->orders.size());
        return 0;
    }

    const double smaRate = bestBarsPerSecond(mbars, sma, smaCross, trades, 5);
    if (smaRate < 0) return 1;
    double peer = 20000;
    const char* peerSource = "the issue's figure for backtrader, not measured here";
    if (const char* env = std::getenv("KAIROS_BACKTRADER_BARS_PER_S"); env && std::strtod(env, nullptr) > 0) {
        peer = std::strtod(env, nullptr);
        peerSource = "measured backtrader run (KAIROS_BACKTRADER_BARS_PER_S)";
    }
    std::printf("BENCH backtest.sma_cross_1m.bars_per_s %.0f bars/s\n", smaRate);
    std::printf("BENCH backtest.sma_cross_1m.vs_backtrader %.0f x\n", smaRate / peer);
    std::fprintf(stderr, "(%zu 1m bars, %d closed trades; backtrader at %.0f bars/s: %s)\n", mbars.size(), trades, peer,
                 peerSource);

    const double load = storeLoadSeconds(mbars);
    if (load < 0) return 1;
    std::printf("BENCH backtest.store_load_1m_bars_s %.3f s\n", load);
    std::fprintf(stderr, "(%zu bars read back from a CandleStore on disk: %.3g bars/s)\n", mbars.size(),
                 static_cast<double>(mbars.size()) / load);

    const std::string file = std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv";
    auto csv = marketdata::readBarsCsv(file);
    if (!csv) {
        std::fprintf(stderr, "%s\n", csv.message().c_str());
        return 1;
    }
    std::vector<Bar> bars;
    const std::int64_t span = csv->bars.back().openTimeMs - csv->bars.front().openTimeMs + 3600000;
    for (int k = 0; k < 5; ++k)
        for (Bar b : csv->bars) {
            b.openTimeMs += k * span;
            bars.push_back(b);
        }
    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, csv->priceScale);
    s.timeframe = Timeframe::H1;
    s.initialCapital = *Money::parse("10000");
    const double signal = bestBarsPerSecond(
        bars, s, [] { return std::make_unique<SignalStrategy>(); }, trades);
    if (signal < 0) return 1;
    std::printf("BENCH backtest.signal_strategy.bars_per_s %.0f bars/s\n", signal);
    std::fprintf(stderr, "(%zu bars, %d trades)\n", bars.size(), trades);
    const double engine = bestBarsPerSecond(
        bars, s, [] { return std::make_unique<Flipper>(); }, trades);
    if (engine < 0) return 1;
    std::printf("BENCH backtest.engine_only.bars_per_s %.0f bars/s\n", engine);
    std::fprintf(stderr, "(%zu bars, %d trades)\n", bars.size(), trades);
    return 0;
}
