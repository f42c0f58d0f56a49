// Decimal parsing throughput (exchange price strings -> fixed point).
#include "domain/decimal.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

int main() {
    const std::vector<std::string> samples = {"68123.45",    "0.00002853", "36304.20000000", "11056",
                                              "1168.906046", "0.1",        "105573.73",      "2716.57855"};
    std::int64_t sink = 0;
    const int rounds = 2'000'000;
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < rounds; ++r)
        for (const auto& s : samples) sink += kairos::Price::parse(s)->raw();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("BENCH domain.decimal_parse.per_s %.3g parses/s\n", rounds * samples.size() / secs);
    return sink == 42 ? 1 : 0;
}
