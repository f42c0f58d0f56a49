// CandleStore throughput: insert 1,000,000 1-minute bars, read back a 100,000-bar range.
// The bars are real Binance BTCUSDT 1m bars (resources/data, or the 130,708-bar shared file when
// present) tiled forward in time to reach 1,000,000 (open times shifted, values unchanged).
// Prints:
//   BENCH storage.candles.insert_rows_per_s <rows/s> rows/s      (target >= 300,000)
//   BENCH storage.candles.range_read_rows_per_s <rows/s> rows/s  (target >= 2,000,000)
#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>

using namespace kairos;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const std::string shared = std::string(KAIROS_BENCH_SHARED_DATA) + "/candles/binance_spot_BTCUSDT_1m_2025-05-20_2025-08-18.csv";
    const std::string bundled = std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv";
    auto csv = marketdata::readBarsCsv(QFileInfo::exists(QString::fromStdString(shared)) ? shared : bundled);
    if (!csv) {
        std::fprintf(stderr, "%s\n", csv.message().c_str());
        return 1;
    }
    constexpr std::size_t kBars = 1'000'000;
    constexpr std::size_t kRange = 100'000;
    std::vector<Bar> bars;
    bars.reserve(kBars);
    const std::int64_t span = csv->bars.back().openTimeMs + 60000 - csv->bars.front().openTimeMs;
    for (std::size_t i = 0; bars.size() < kBars; ++i) {
        Bar b = csv->bars[i % csv->bars.size()];
        b.openTimeMs += static_cast<std::int64_t>(i / csv->bars.size()) * span;
        bars.push_back(b);
    }
    QTemporaryDir dir;
    auto db = storage::Database::openProfile(dir.path());
    if (!db) {
        std::fprintf(stderr, "%s\n", db.message().c_str());
        return 1;
    }
    storage::CandleStore store(**db);
    const InstrumentId id{"BINANCE", "BTCUSDT"};
    // Insert in batches of 100,000 (each one transaction), as an import of a long history does.
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < kBars; i += 100'000) {
        const std::vector<Bar> batch(bars.begin() + static_cast<std::ptrdiff_t>(i),
                                     bars.begin() + static_cast<std::ptrdiff_t>(std::min(kBars, i + 100'000)));
        if (auto s = store.upsert(id, Timeframe::M1, batch); !s) {
            std::fprintf(stderr, "%s\n", s.message().c_str());
            return 1;
        }
    }
    const double insertS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Reads are measured in the steady state a chart sees (history imported earlier): the import's
    // WAL is checkpointed into the database file first.
    if (auto s = (*db)->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s) {
        std::fprintf(stderr, "%s\n", s.message().c_str());
        return 1;
    }
    // Read a 100,000-bar range from the middle, best of 20.
    const std::int64_t from = bars[kBars / 2].openTimeMs;
    const std::int64_t to = bars[kBars / 2 + kRange].openTimeMs;
    double best = 1e9;
    for (int r = 0; r < 20; ++r) {
        const auto t1 = std::chrono::steady_clock::now();
        auto got = store.range(id, Timeframe::M1, from, to);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        if (!got || got->size() != kRange) {
            std::fprintf(stderr, "range returned %zu bars\n", got ? got->size() : 0);
            return 1;
        }
        best = std::min(best, s);
    }
    std::printf("BENCH storage.candles.insert_rows_per_s %.3g rows/s\n", kBars / insertS);
    std::printf("BENCH storage.candles.range_read_rows_per_s %.3g rows/s\n", kRange / best);
    return 0;
}
