// Signal generation for 20 instruments x 4 timeframes x 1,000 bars, end to end (target < 500 ms).
// The 80 series are real bars: windows of 1,000 consecutive bars cut from the bundled Binance
// 1h, 1d and 1m files at different offsets (the instrument names are labels for those windows).
// Prints BENCH signals.generate_80x1000_ms and BENCH signals.per_series_ms.
#include "marketdata/csvimport.h"
#include "signals/batchsignals.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>

using namespace kairos;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const std::string dir = KAIROS_BENCH_RESOURCES_DATA;
    const char* files[] = {
        "binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv", "binance_spot_ETHUSDT_1m_2025-05-20_2025-05-26.csv",
        "binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv", "binance_spot_ETHUSDT_1d_2020-09-20_2025-09-18.csv"};
    const Timeframe tfs[] = {Timeframe::H1, Timeframe::M1, Timeframe::M1, Timeframe::D1};
    std::vector<signal::SeriesInput> in;
    for (int f = 0; f < 4; ++f) {
        auto csv = marketdata::readBarsCsv(dir + "/" + files[f]);
        if (!csv || csv->bars.size() < 1020) {
            std::fprintf(stderr, "cannot read %s\n", files[f]);
            return 1;
        }
        const std::size_t span = csv->bars.size() - 1000;
        for (int k = 0; k < 20; ++k) {
            const auto from = csv->bars.begin() + static_cast<std::ptrdiff_t>(span * static_cast<std::size_t>(k) / 20);
            in.push_back(
                {InstrumentId{"BENCH", std::string("S").append(std::to_string(f * 20 + k))}, tfs[f], {from, from + 1000}});
        }
    }
    double best = 1e9;
    std::size_t total = 0;
    for (int r = 0; r < 5; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        auto out = signal::generateAll(in);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (!out) return 1;
        total = 0;
        for (const auto& s : *out) total += s.list.size();
        best = std::min(best, ms);
    }
    std::printf("BENCH signals.generate_80x1000_ms %.1f ms\n", best);
    std::printf("BENCH signals.per_series_ms %.2f ms\n", best / static_cast<double>(in.size()));
    std::fprintf(stderr, "(%zu signals)\n", total);
    return 0;
}
