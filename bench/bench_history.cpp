// Chart history pages (storage::BarHistory, what the chart workspace reads on its worker thread):
// the latest 2,000 bars of real BTCUSDT over five years of stored 1h bars (43,800), read directly
// (1h) or aggregated exactly from the 1h bars (4h, 1d, 1w), and one scroll-back page of 1h.
// Prints, best of 21 (median on stderr):
//   BENCH chart_history.page_<tf>_ms <ms> ms
#include "marketdata/csvimport.h"
#include "storage/barhistory.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <limits>
#include <vector>

using namespace kairos;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    auto csv =
        marketdata::readBarsCsv(std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    if (!csv) {
        std::fprintf(stderr, "%s\n", csv.message().c_str());
        return 1;
    }
    QTemporaryDir dir;
    auto db = storage::Database::openProfile(dir.path());
    if (!db) {
        std::fprintf(stderr, "%s\n", db.message().c_str());
        return 1;
    }
    storage::CandleStore store(**db);
    const InstrumentId id{"BINANCE", "BTCUSDT"};
    if (auto s = store.upsert(id, Timeframe::H1, csv->bars); !s) {
        std::fprintf(stderr, "%s\n", s.message().c_str());
        return 1;
    }
    storage::BarHistory history(store);
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    const std::int64_t olderThan = csv->bars[csv->bars.size() - 2000].openTimeMs;
    struct Case {
        const char* name;
        Timeframe tf;
        std::int64_t before;
    };
    const Case cases[] = {{"1h", Timeframe::H1, kMax},
                          {"1h_scrollback", Timeframe::H1, olderThan},
                          {"4h", Timeframe::H4, kMax},
                          {"1d", Timeframe::D1, kMax},
                          {"1w", Timeframe::W1, kMax}};
    for (const Case& c : cases) {
        std::vector<double> ms;
        std::size_t bars = 0;
        for (int run = 0; run < 21; ++run) {
            const auto t0 = std::chrono::steady_clock::now();
            auto page = history.page(id, c.tf, c.before, kMax, 2000);
            const auto t1 = std::chrono::steady_clock::now();
            if (!page) {
                std::fprintf(stderr, "%s\n", page.message().c_str());
                return 1;
            }
            bars = page->bars.size();
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        std::printf("BENCH chart_history.page_%s_ms %.2f ms\n", c.name, ms.front());
        std::fprintf(stderr, "%s: %zu bars, best %.2f ms, median %.2f ms, worst %.2f ms\n", c.name, bars, ms.front(),
                     ms[ms.size() / 2], ms.back());
    }
    return 0;
}
