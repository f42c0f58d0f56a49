// Backtest throughput on real data: the signal strategy (signal engine + fill simulator +
// portfolio + trade bookkeeping) over the bundled Binance BTCUSDT 1h file (43,803 bars), tiled
// 5 times end to end (each copy shifted in time after the previous one) to 219,015 bars.
// Also the engine alone, with a strategy that only flips a small position every 10 bars.
// Prints BENCH backtest.signal_strategy.bars_per_s and BENCH backtest.engine_only.bars_per_s (best of 3).
#include "backtest/backtestengine.h"
#include "backtest/signalstrategy.h"
#include "marketdata/csvimport.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>

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

template <class MakeStrategy>
double bestBarsPerSecond(const std::vector<Bar>& bars, const BacktestSettings& s, MakeStrategy make, int& trades) {
    double best = 0;
    for (int run = 0; run < 3; ++run) {
        auto strategy = make();
        const auto t0 = std::chrono::steady_clock::now();
        auto r = BacktestEngine(s).run(*strategy, bars);
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!r) {
            std::fprintf(stderr, "backtest failed: %s\n", r.message().c_str());
            return -1;
        }
        trades = r->metrics.trades;
        best = std::max(best, static_cast<double>(bars.size()) / sec);
    }
    return best;
}
}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
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
    int trades = 0;
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
