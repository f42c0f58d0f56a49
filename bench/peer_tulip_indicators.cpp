// bench_indicators_vs_tulip: Kairos' batch indicators against Tulip Indicators (the peer the
// indicators issue names), side by side in one process on the same 10,000,000 real closes
// (Binance BTCUSDT 1h, tiled), same output buffers, one core. Tulip is compiled as the issue says
// (gcc -O2 -march=native) from the amalgamation in the `tulind` npm package (LGPL-3.0; fetched by
// scripts/bench.sh into build/_deps, never part of this repository). Built only when
// -DKAIROS_TULIP_DIR points at that amalgamation.
//
// The two run in alternating rounds (Tulip, Kairos, Tulip, ...; 7 each) and each side's best round
// counts, so a machine shared with other work disturbs both alike. Prints for SMA(30), EMA(30),
// RSI(14), MACD(12,26,9), Bollinger(20,2) and ATR(14):
//   BENCH indicators_vs_tulip.<name>.tulip_values_per_s    Tulip, wall clock
//   BENCH indicators_vs_tulip.<name>.kairos_values_per_s   Kairos, wall clock
//   BENCH indicators_vs_tulip.<name>.ratio                 Kairos / Tulip (wall clock)
//   BENCH indicators_vs_tulip.<name>.cpu_ratio             the same from thread CPU time
// and checks that both computed the same thing (last value within 1e-6 relative; Tulip's EMA and
// MACD seed with the first value, so those are compared with Kairos' Tulip-seeded variants).
#include "indicators/batch.h"
#include "indicators/columns.h"
#include "marketdata/csvimport.h"

extern "C" {
#include "indicators.h"
}

#include <QFileInfo>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

using namespace kairos;
using namespace kairos::indicators;

namespace {
double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
struct Timing {
    double wall = 1e300, cpu = 1e300;
    void run(const std::function<void()>& f) {
        const double c0 = threadCpuSeconds();
        const auto t0 = std::chrono::steady_clock::now();
        f();
        wall = std::min(wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        cpu = std::min(cpu, threadCpuSeconds() - c0);
    }
};
bool near(double a, double b) { return std::fabs(a - b) <= 1e-6 * std::max(1.0, std::fabs(b)); }
}  // namespace

int main() {
    const std::string shared =
        std::string(KAIROS_BENCH_SHARED_DATA) + "/candles/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv";
    const std::string bundled = std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv";
    auto csv = marketdata::readBarsCsv(QFileInfo::exists(QString::fromStdString(shared)) ? shared : bundled);
    if (!csv) {
        std::fprintf(stderr, "%s\n", csv.message().c_str());
        return 1;
    }
    const Columns c = toColumns(csv->bars);
    constexpr std::size_t kN = 10'000'000;
    const int n = static_cast<int>(kN);
    std::vector<double> close(kN), high(kN), low(kN), o1(kN), o2(kN), o3(kN);
    for (std::size_t i = 0; i < kN; ++i) {
        close[i] = c.close[i % c.size()];
        high[i] = c.high[i % c.size()];
        low[i] = c.low[i % c.size()];
    }
    const double* closeIn[] = {close.data()};
    const double* hlcIn[] = {high.data(), low.data(), close.data()};
    double* outs[] = {o1.data(), o2.data(), o3.data()};

    struct Case {
        const char* name;
        std::function<void()> tulip, kairos;
        std::function<bool()> agree;  // run after both; compares the last value
    };
    auto tulipCall = [&](auto fn, std::initializer_list<double> opts, const double* const* in) {
        return [fn, o = std::vector<double>(opts), in, &outs] { fn(n, in, o.data(), outs); };
    };
    // Tulip writes size - start values from the front of each output; its last value is at
    // index size - start - 1. Kairos right-aligns (index = input index), so its last is kN - 1.
    auto lastTulip = [&](auto startFn, std::initializer_list<double> opts, const std::vector<double>& out) {
        const std::vector<double> o(opts);
        return out[kN - 1 - static_cast<std::size_t>(startFn(o.data()))];
    };
    std::vector<double> k1(kN), k2(kN), k3(kN);
    const Case cases[] = {
        {"sma30", tulipCall(ti_sma, {30}, closeIn), [&] { sma(close, 30, k1); },
         [&] { return near(lastTulip(ti_sma_start, {30}, o1), k1[kN - 1]); }},
        {"ema30", tulipCall(ti_ema, {30}, closeIn), [&] { ema(close, 30, k1); },
         [&] {
             ema(close, 30, k2, Seed::FirstValue);
             return near(lastTulip(ti_ema_start, {30}, o1), k2[kN - 1]);
         }},
        {"rsi14", tulipCall(ti_rsi, {14}, closeIn), [&] { rsi(close, 14, k1); },
         [&] { return near(lastTulip(ti_rsi_start, {14}, o1), k1[kN - 1]); }},
        {"macd12_26_9", tulipCall(ti_macd, {12, 26, 9}, closeIn), [&] { macd(close, 12, 26, 9, k1, k2, k3); },
         [&] {
             macd(close, 12, 26, 9, k1, k2, k3, MacdVariant::Tulip);
             return near(lastTulip(ti_macd_start, {12, 26, 9}, o1), k1[kN - 1]) &&
                 near(lastTulip(ti_macd_start, {12, 26, 9}, o2), k2[kN - 1]);
         }},
        {"bbands20_2", tulipCall(ti_bbands, {20, 2}, closeIn), [&] { bollinger(close, 20, 2.0, k1, k2, k3); },
         [&] {
             return near(lastTulip(ti_bbands_start, {20, 2}, o1), k1[kN - 1]) &&
                 near(lastTulip(ti_bbands_start, {20, 2}, o3), k3[kN - 1]);
         }},
        {"atr14", tulipCall(ti_atr, {14}, hlcIn), [&] { atr(high, low, close, 14, k1); },
         [&] { return near(lastTulip(ti_atr_start, {14}, o1), k1[kN - 1]); }},
    };
    int status = 0;
    for (const Case& cs : cases) {
        Timing t, k;
        for (int round = 0; round < 7; ++round) {
            t.run(cs.tulip);
            k.run(cs.kairos);
        }
        const bool same = cs.agree();
        if (!same) {
            std::fprintf(stderr, "%s: Kairos and Tulip disagree on the last value\n", cs.name);
            status = 1;
        }
        std::printf("BENCH indicators_vs_tulip.%s.tulip_values_per_s %.3g values/s\n", cs.name, kN / t.wall);
        std::printf("BENCH indicators_vs_tulip.%s.kairos_values_per_s %.3g values/s\n", cs.name, kN / k.wall);
        std::printf("BENCH indicators_vs_tulip.%s.ratio %.2f x\n", cs.name, t.wall / k.wall);
        std::printf("BENCH indicators_vs_tulip.%s.cpu_ratio %.2f x\n", cs.name, t.cpu / k.cpu);
        std::fflush(stdout);
    }
    return status;
}
