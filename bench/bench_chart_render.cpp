// CandleChart rendering costs (offscreen, 1600x900), on real Binance 1m bars:
// - 1,000,000 1-minute candles fully zoomed out (the 130,708 real BTCUSDT 1m bars of
//   shared/data tiled forward in time): a frame that only replots, and a frame that also
//   re-aggregates (the zoom changed). Target < 16 ms.
// - 200 visible candles with 3 overlays (EMA 20, Bollinger 20/2, Ichimoku) and 2 sub-panes
//   (RSI 14, MACD 12/26/9) plus volume. Target < 4 ms.
// - 1,000 ticks per second into the forming bar, posted from a producer thread the way feed
//   adapters post to the GUI thread, for 5 s: GUI-thread CPU time / wall time. Target < 20 %.
//
// Prints:
//   BENCH chart.replot_1m_candles_zoomed_out_ms <median> ms
//   BENCH chart.frame_1m_candles_zoom_change_ms <median> ms
//   BENCH chart.topixmap_1m_candles_zoomed_out_ms <median> ms
//   BENCH chart.replot_200_candles_3_overlays_2_panes_ms <median> ms
//   BENCH chart.gui_busy_pct_1000_ticks_per_s <pct> %
//   BENCH chart.frames_per_s_1000_ticks_per_s <frames/s> fps
//
// An argument picks one part (for profiling, e.g. under callgrind or perf): million | overlays |
// ticks; KAIROS_BENCH_REPEAT=n multiplies the number of timed frames (for perf record).
#include "candlechart.h"
#include "chartindicators.h"

#include "marketdata/csvimport.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <QTimer>

#include <qcustomplot.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace kairos;
using namespace kairos::charts;

namespace {

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

template <class F>
double medianMs(int runs, F&& f) {
    runs *= std::max(1, qEnvironmentVariableIntValue("KAIROS_BENCH_REPEAT"));
    std::vector<double> t, cpu;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        const double cpu0 = threadCpuMs();
        timer.start();
        f(i);
        t.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        cpu.push_back(threadCpuMs() - cpu0);
    }
    std::sort(t.begin(), t.end());
    std::sort(cpu.begin(), cpu.end());
    // GUI-thread CPU time is less disturbed than wall time on a shared machine (it leaves out
    // time waiting for a core; it also leaves out work Qt hands to its thread pool).
    std::fprintf(stderr, "  min %.2f median %.2f max %.2f ms over %d runs (GUI thread CPU: min %.2f median %.2f ms)\n", t.front(),
                 t[t.size() / 2], t.back(), runs, cpu.front(), cpu[cpu.size() / 2]);
    return t[t.size() / 2];
}

std::vector<Bar> loadOneMinute() {
    const std::string shared =
        std::string(KAIROS_BENCH_SHARED_DATA) + "/candles/binance_spot_BTCUSDT_1m_2025-05-20_2025-08-18.csv";
    const std::string bundled = std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv";
    const std::string path = QFile::exists(QString::fromStdString(shared)) ? shared : bundled;
    auto r = marketdata::readBarsCsv(path);
    if (!r.ok()) {
        std::fprintf(stderr, "cannot read %s: %s\n", path.c_str(), r.message().c_str());
        std::exit(1);
    }
    std::fprintf(stderr, "%zu real 1m bars from %s\n", r->bars.size(), path.c_str());
    return r->bars;
}

/// `count` 1-minute bars: the real ones repeated, each copy moved forward in time after the last.
std::vector<Bar> tile(const std::vector<Bar>& real, std::size_t count) {
    std::vector<Bar> out;
    out.reserve(count);
    const std::int64_t t0 = real.front().openTimeMs;
    for (std::size_t k = 0; k < count; ++k) {
        Bar b = real[k % real.size()];
        b.openTimeMs = t0 + static_cast<std::int64_t>(k) * 60000;
        out.push_back(b);
    }
    return out;
}

void show(CandleChart& chart) {
    chart.resize(1600, 900);
    chart.setInstrument(InstrumentId{"BINANCE", "BTCUSDT"});
    chart.setTimeframe(Timeframe::M1);
    chart.show();
    QApplication::processEvents();
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const std::string only = argc > 1 ? argv[1] : "";
    auto part = [&only](const char* name) { return only.empty() || only == name; };
    const std::vector<Bar> real = loadOneMinute();

    // ---- 1,000,000 candles fully zoomed out ---------------------------------------------------
    if (part("million")) {
        const std::vector<Bar> million = tile(real, 1'000'000);
        CandleChart chart;
        show(chart);
        QElapsedTimer load;
        load.start();
        chart.setBars(million);
        std::fprintf(stderr, "setBars(1,000,000): %.1f ms\n", static_cast<double>(load.nsecsElapsed()) / 1e6);
        chart.setVisibleRange(-0.5, 999'999.5);
        chart.renderNow();
        chart.renderNow();
        std::fprintf(stderr, "zoomed out: %d bars per candle, %d px wide\n", chart.barsPerCandle(), chart.priceRect()->width());
        std::fprintf(stderr, "replot (aggregates cached):\n");
        const double replot = medianMs(31, [&](int) { chart.renderNow(); });
        std::printf("BENCH chart.replot_1m_candles_zoomed_out_ms %.2f ms\n", replot);
        std::fprintf(stderr, "frame after a zoom step (re-aggregates the whole million):\n");
        const double zoom = medianMs(31, [&](int i) {
            chart.setVisibleRange(-0.5 + (i % 2) * 5000, 999'999.5);
            chart.renderNow();
        });
        std::printf("BENCH chart.frame_1m_candles_zoom_change_ms %.2f ms\n", zoom);
        chart.setVisibleRange(-0.5, 999'999.5);
        chart.renderNow();
        std::fprintf(stderr, "toPixmap:\n");
        const double pix = medianMs(15, [&](int) { (void)chart.plot()->toPixmap(1600, 900); });
        std::printf("BENCH chart.topixmap_1m_candles_zoomed_out_ms %.2f ms\n", pix);
        std::fflush(stdout);
    }

    // ---- 200 candles, 3 overlays, 2 sub-panes ---------------------------------------------------
    if (part("overlays")) {
        CandleChart chart;
        show(chart);
        chart.setBars(real);
        for (const char* name : {"ema", "bbands", "ichimoku", "rsi", "macd"}) {
            if (!chart.addIndicator(IndicatorConfig::defaults(QString::fromLatin1(name)))) {
                std::fprintf(stderr, "cannot add %s\n", name);
                return 1;
            }
        }
        const double last = static_cast<double>(real.size() - 1);
        chart.setVisibleRange(last - 199.5, last + 0.5);
        chart.renderNow();
        chart.renderNow();
        std::fprintf(stderr, "200 candles + EMA, Bollinger, Ichimoku + RSI, MACD panes + volume (%d panes):\n",
                     chart.plot()->axisRectCount());
        const double t = medianMs(51, [&](int i) {
            chart.setVisibleRange(last - 199.5 - (i % 2), last + 0.5 - (i % 2));  // a pan step: a real frame's work
            chart.renderNow();
        });
        std::printf("BENCH chart.replot_200_candles_3_overlays_2_panes_ms %.2f ms\n", t);
        std::fflush(stdout);
    }

    // ---- 1,000 ticks per second into the forming bar ------------------------------------------
    if (part("ticks")) {
        CandleChart chart;
        show(chart);
        std::vector<Bar> history(real.begin(), real.end() - 1);
        chart.setBars(history);
        for (const char* name : {"ema", "bbands", "rsi"})
            chart.addIndicator(IndicatorConfig::defaults(QString::fromLatin1(name)));
        chart.renderNow();
        const Bar base = real.back();
        int framesBefore = chart.frameCount();
        std::atomic<bool> stop{false};
        constexpr int kSeconds = 5;
        QThread* producer = QThread::create([&] {
            // One tick per millisecond: the forming bar's close walks around the real bar's range.
            Bar b = base;
            b.closed = false;
            std::int64_t step = 0;
            while (!stop.load()) {
                const std::int64_t span = std::max<std::int64_t>(1, base.high.raw() - base.low.raw());
                b.close = Price::fromRaw(base.low.raw() + (step * 7919) % span, base.high.scale());
                ++step;
                QMetaObject::invokeMethod(
                    &chart, [&chart, b] { chart.updateLastBar(b); }, Qt::QueuedConnection);
                QThread::usleep(1000);
            }
        });
        QElapsedTimer wall;
        const double cpu0 = threadCpuMs();
        wall.start();
        framesBefore = chart.frameCount();
        producer->start();
        {
            // A real event loop, as the application runs one (processEvents(flags, ms) would spin).
            QEventLoop loop;
            QTimer::singleShot(kSeconds * 1000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        stop = true;
        producer->wait();
        const double cpu = threadCpuMs() - cpu0;
        const double wallMs = static_cast<double>(wall.nsecsElapsed()) / 1e6;
        delete producer;
        QApplication::processEvents();
        const int frames = chart.frameCount() - framesBefore;
        std::fprintf(stderr, "ticks: %.0f ms GUI CPU over %.0f ms wall, %d frames\n", cpu, wallMs, frames);
        std::printf("BENCH chart.gui_busy_pct_1000_ticks_per_s %.1f %%\n", 100.0 * cpu / wallMs);
        std::printf("BENCH chart.frames_per_s_1000_ticks_per_s %.1f fps\n", frames / (wallMs / 1000));
    }
    return 0;
}
