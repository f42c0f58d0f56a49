// Cost of price alerts per tick: 10,000 alert rules spread over 1,000 instruments (10 each:
// crosses above/below, goes above/below at levels around the price), fed the real BTCUSDT 1m
// closes of a week as ticks, repeated to ~1 M ticks. The instrument's 10 rules are evaluated on
// every tick; the other 9,990 are never looked at (per-instrument index). Also the cost of a tick
// on an instrument with no alerts (one hash lookup).
// Prints BENCH alerts.tick_10_rules_ns, BENCH alerts.tick_no_rules_ns, BENCH alerts.fired_per_run.
#include "alerts/alertengine.h"
#include "marketdata/csvimport.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>

using namespace kairos;
using namespace kairos::alerts;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    auto csv =
        marketdata::readBarsCsv(std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    if (!csv || csv->bars.empty()) {
        std::fprintf(stderr, "cannot read the BTCUSDT 1m bars\n");
        return 1;
    }
    const auto& bars = csv->bars;
    AlertEngine engine;
    std::int64_t id = 1;
    const Condition kinds[] = {Condition::CrossesAbove, Condition::CrossesBelow, Condition::GoesAbove, Condition::GoesBelow};
    for (int i = 0; i < 1000; ++i) {
        const InstrumentId inst{"BENCH", i == 0 ? std::string("BTCUSDT") : std::string("S").append(std::to_string(i))};
        for (int k = 0; k < 10; ++k) {
            AlertRule r;
            r.id = id++;
            r.instrument = inst;
            r.condition = kinds[k % 4];
            r.level = Price::fromRaw(10'400'000 + 80'000 * k, 2);  // 104,000 .. 111,200
            r.trigger = Trigger::EveryTime;
            r.cooldownMs = 60'000;
            if (!engine.setRule(r)) return 1;
        }
    }
    const InstrumentId btc{"BENCH", "BTCUSDT"};
    const InstrumentId quiet{"BENCH", "NOALERTS"};
    const int rounds = 100;
    std::size_t fired = 0;
    std::int64_t t = 0;
    double bestRules = 1e18, bestNone = 1e18;
    for (int rep = 0; rep < 3; ++rep) {
        std::size_t n = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < rounds; ++r)
            for (const Bar& b : bars) {
                fired += engine.onPrice(btc, t += 1000, b.close).size();
                ++n;
            }
        const auto t1 = std::chrono::steady_clock::now();
        for (int r = 0; r < rounds; ++r)
            for (const Bar& b : bars) fired += engine.onPrice(quiet, t += 1000, b.close).size();
        const auto t2 = std::chrono::steady_clock::now();
        bestRules = std::min(bestRules, std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(n));
        bestNone = std::min(bestNone, std::chrono::duration<double, std::nano>(t2 - t1).count() / static_cast<double>(n));
    }
    std::printf("BENCH alerts.tick_10_rules_ns %.1f ns\n", bestRules);
    std::printf("BENCH alerts.tick_no_rules_ns %.1f ns\n", bestNone);
    std::printf("BENCH alerts.fired_per_run %zu events\n", fired / 3);
    return 0;
}
