// Watchlist under load (offscreen): 2,000 symbols receiving 50,000 updates per second for 10 s
// from a producer thread, the way exchange adapters post events to the GUI thread, and the time
// to first paint when a 2,000-symbol watchlist is opened from the profile database.
// Prices are real (Binance 1m closes from resources/data, cycled); the 2,000 instrument names
// are made up for the benchmark (BENCH:S0000 ...), since no real 2,000-symbol feed is bundled.
//
// Prints:
//   BENCH watchlist.busy_pct_2000sym_50k_per_s <GUI-thread CPU time / wall time> %
//   BENCH watchlist.max_display_latency_ms <oldest update age when painted> ms
//   BENCH watchlist.open_2000sym_first_paint_ms <ms> ms
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "storage/watchliststore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

using namespace kairos;

namespace {
constexpr int kSymbols = 2000;
constexpr int kUpdatesPerSecond = 50000;
constexpr int kBatchMs = 5;  // the producer posts a batch every 5 ms: 250 updates
constexpr int kSeconds = 10;

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
std::int64_t nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
std::vector<InstrumentId> names() {
    std::vector<InstrumentId> ids;
    char buf[16];
    for (int i = 0; i < kSymbols; ++i) {
        std::snprintf(buf, sizeof buf, "S%04d", i);
        ids.push_back({"BENCH", buf});
    }
    return ids;
}

class PaintProbe : public QObject {
public:
    std::int64_t pendingOldestUs = 0;    // oldest update applied but not yet published
    std::int64_t publishedOldestUs = 0;  // oldest update published but not yet painted
    std::int64_t maxLatencyUs = 0;
    bool painted = false;
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::Paint) {
            painted = true;
            if (publishedOldestUs) {
                maxLatencyUs = std::max(maxLatencyUs, nowUs() - publishedOldestUs);
                publishedOldestUs = 0;
            }
        }
        return false;
    }
};
}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const QString data = QStringLiteral(KAIROS_BENCH_RESOURCES_DATA);
    auto csv = marketdata::readBarsCsv(
        QString(data + QStringLiteral("/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv")).toStdString());
    if (!csv) {
        std::fprintf(stderr, "%s\n", csv.message().c_str());
        return 1;
    }
    std::vector<Price> prices;
    for (const Bar& b : csv->bars) prices.push_back(b.close);
    const auto ids = names();

    // --- Opening a 2,000-symbol watchlist from the profile database, to first paint.
    QTemporaryDir dir;
    {
        auto db = storage::Database::openProfile(dir.path());
        if (!db) {
            std::fprintf(stderr, "%s\n", db.message().c_str());
            return 1;
        }
        storage::WatchlistStore store(**db);
        auto id = store.create("Big");
        std::vector<storage::WatchlistItem> items;
        items.reserve(ids.size());
        for (const auto& i : ids) items.push_back({i, false});
        if (!id || !store.setItems(*id, items)) return 1;
    }
    double openMs = 0;
    {
        QElapsedTimer t;
        t.start();
        auto db = storage::Database::openProfile(dir.path());
        storage::WatchlistStore store(**db);
        ui::WatchlistWidget w(&store);
        PaintProbe probe;
        w.table()->viewport()->installEventFilter(&probe);
        w.resize(700, 900);
        w.loadLists(QStringLiteral("Big"), {});
        w.show();
        while (!probe.painted) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        openMs = static_cast<double>(t.nsecsElapsed()) / 1e6;
        if (w.model()->rowCount() != kSymbols) return 1;
    }

    // --- 50,000 updates per second into 2,000 symbols for 10 s.
    ui::WatchlistWidget w(nullptr);
    w.resize(700, 900);
    w.loadLists(QStringLiteral("Big"), ids);
    ui::WatchlistModel* model = w.model();
    PaintProbe probe;
    w.table()->viewport()->installEventFilter(&probe);
    QObject::connect(model, &QAbstractItemModel::dataChanged, [&probe] {
        if (probe.pendingOldestUs && (!probe.publishedOldestUs || probe.pendingOldestUs < probe.publishedOldestUs))
            probe.publishedOldestUs = probe.pendingOldestUs;
        probe.pendingOldestUs = 0;
    });
    w.show();
    QCoreApplication::processEvents();

    QThread producer;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(kBatchMs);
    tick.moveToThread(&producer);
    std::atomic<long> sent{0};
    std::size_t cursor = 0;
    const int perBatch = kUpdatesPerSecond * kBatchMs / 1000;
    const auto start = std::chrono::steady_clock::now();
    QObject::connect(&tick, &QTimer::timeout, [&] {
        // The batch the adapter thread would decode from the wire, stamped when it is sent.
        const long due = static_cast<long>(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() *
                                           kUpdatesPerSecond);
        const long n = std::min<long>(due - sent.load(), perBatch * 4);
        if (n <= 0) return;
        auto batch = std::make_shared<std::vector<std::pair<int, Trade>>>();
        batch->reserve(static_cast<std::size_t>(n));
        for (long k = 0; k < n; ++k, ++cursor) {
            Trade t;
            t.price = prices[cursor % prices.size()];
            t.timeMs = static_cast<std::int64_t>(cursor);
            batch->emplace_back(static_cast<int>(cursor % kSymbols), t);
        }
        sent += n;
        const std::int64_t stamp = nowUs();
        QMetaObject::invokeMethod(model, [model, batch, stamp, &ids, &probe] {
            if (!probe.pendingOldestUs) probe.pendingOldestUs = stamp;
            for (const auto& [row, t] : *batch) model->onTrade(ids[static_cast<std::size_t>(row)], t);
        });
    });
    QObject::connect(&producer, &QThread::started, &tick, qOverload<>(&QTimer::start));
    producer.start();

    const double cpu0 = threadCpuMs();
    QElapsedTimer wall;
    wall.start();
    QTimer::singleShot(kSeconds * 1000, &app, &QCoreApplication::quit);
    QApplication::exec();
    const double cpuMs = threadCpuMs() - cpu0;
    const double wallMs = static_cast<double>(wall.nsecsElapsed()) / 1e6;
    QMetaObject::invokeMethod(&tick, &QTimer::stop, Qt::BlockingQueuedConnection);
    producer.quit();
    producer.wait();

    std::printf("BENCH watchlist.updates_per_s_sent %.3g updates/s\n", static_cast<double>(sent.load()) / (wallMs / 1e3));
    std::printf("BENCH watchlist.busy_pct_2000sym_50k_per_s %.1f %%\n", 100.0 * cpuMs / wallMs);
    std::printf("BENCH watchlist.max_display_latency_ms %.1f ms\n", static_cast<double>(probe.maxLatencyUs) / 1e3);
    std::printf("BENCH watchlist.open_2000sym_first_paint_ms %.1f ms\n", openMs);
    return 0;
}
