// Optimizer throughput: sma_cross over 1,000,000 real 1-minute bars (the shared Binance BTCUSDT
// 1m file, 130,708 bars, tiled end to end, each copy shifted in time after the previous one; the
// bundled week of 1m bars when shared/data is absent), full order simulation and ledger, bars in
// memory. The search: fast 1..40 x slow 50..74 = 1,000 combinations on every core.
// Usage: bench_optimizer [COMBINATIONS] (default 1000; a smaller number runs that many of the
// grid's combinations, drawn with seed 1). The 1 -> 2 thread speed-up is measured on
// min(COMBINATIONS, 8) combinations. Prints:
//   BENCH optimizer_combinations_per_s   (all cores)
//   BENCH optimizer_seconds_for_1000     (projected from the rate when fewer were run)
//   BENCH optimizer_speedup_2_threads
//   BENCH optimizer_peak_rss_mb
#include "backtest/indicatorcache.h"
#include "backtest/optimizer.h"
#include "marketdata/csvimport.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace kairos;
using namespace kairos::backtest;

namespace {

double secondsFor(const Optimizer& opt, OptimizerSpec spec, int threads, const std::vector<Bar>& bars, std::size_t& trials) {
    spec.threads = threads;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = opt.run(spec, bars);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r) {
        std::fprintf(stderr, "optimizer failed: %s\n", r.message().c_str());
        std::exit(1);
    }
    trials = r->trials.size();
    return sec;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const long combinations = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1000;
    if (combinations < 1 || combinations > 1000) {
        std::fprintf(stderr, "usage: bench_optimizer [COMBINATIONS 1..1000]\n");
        return 2;
    }
    std::string file = std::string(KAIROS_BENCH_SHARED_DATA) + "/candles/binance_spot_BTCUSDT_1m_2025-05-20_2025-08-18.csv";
    if (!QFileInfo::exists(QString::fromStdString(file)))
        file = std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv";
    auto csv = marketdata::readBarsCsv(file);
    if (!csv) {
        std::fprintf(stderr, "%s\n", csv.message().c_str());
        return 1;
    }
    constexpr std::size_t kBars = 1'000'000;
    std::vector<Bar> bars;
    bars.reserve(kBars);
    const std::int64_t span = csv->bars.back().openTimeMs - csv->bars.front().openTimeMs + 60000;
    for (std::int64_t k = 0; bars.size() < kBars; ++k)
        for (Bar b : csv->bars) {
            if (bars.size() == kBars) break;
            b.openTimeMs += k * span;
            bars.push_back(b);
        }

    BacktestSettings s;
    s.instrument = instrumentForFile({"BINANCE", "BTCUSDT"}, csv->priceScale);
    s.timeframe = Timeframe::M1;
    s.initialCapital = *Money::parse("10000");
    s.rules.fees.makerBps = s.rules.fees.takerBps = *trading::Bps::parse("10");
    s.atEnd = AtEnd::Keep;
    // As kairos-cli optimize runs it: the moving averages shared between combinations.
    auto cache = std::make_shared<IndicatorCache>(bars);
    const Optimizer opt(s, sharedIndicatorFactory("sma_cross", OrderSizing{}, cache), [](const ParamValues& p) -> Status {
        if (p.at("fast") >= p.at("slow")) return makeError("fast must be below slow");
        return {};
    });
    OptimizerSpec spec;
    spec.axes = {*parseParamAxis("fast=1:40:1", findBuiltin("sma_cross")),
                 *parseParamAxis("slow=50:74:1", findBuiltin("sma_cross"))};
    if (combinations < 1000) {
        spec.method = SearchMethod::Random;
        spec.samples = static_cast<int>(combinations);
    }
    const int cores = effectiveThreads(0);
    std::size_t trials = 0;
    const double all = secondsFor(opt, spec, cores, bars, trials);
    const double rate = static_cast<double>(trials) / all;
    std::printf("BENCH optimizer_combinations_per_s %.3f combinations/s\n", rate);
    std::printf("BENCH optimizer_seconds_for_1000 %.1f s\n", 1000.0 / rate);
    std::fprintf(stderr, "(%zu combinations of sma_cross over %zu 1m bars on %d threads in %.1f s: %.0f bars/s)\n", trials,
                 bars.size(), cores, all, static_cast<double>(trials * bars.size()) / all);

    OptimizerSpec small = spec;
    small.method = SearchMethod::Random;
    small.samples = static_cast<int>(std::min<long>(combinations, 8));
    std::size_t t1 = 0, t2 = 0;
    const double one = secondsFor(opt, small, 1, bars, t1);
    const double two = secondsFor(opt, small, 2, bars, t2);
    std::printf("BENCH optimizer_speedup_2_threads %.2f x\n", one / two);
    std::fprintf(stderr, "(%zu combinations: %.2f s on 1 thread, %.2f s on 2)\n", t1, one, two);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::fprintf(stderr, "(%zu SMA periods computed once and shared)\n", cache->computed());
    std::printf("BENCH optimizer_peak_rss_mb %.0f MB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
    return 0;
}
