// Fuzz target: the formula language (core/indicators/formula.h): parse under a small cost budget,
// then evaluate the accepted formula over real bars, in batch and streaming. The budget keeps
// every accepted input cheap, which is itself under test: a formula that passes the budget and
// still runs long shows up as a libFuzzer timeout.
#include "indicators/columns.h"
#include "indicators/formula.h"
#include "marketdata/csvimport.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t kBars = 400;

const std::vector<kairos::Bar>& realBars() {
    static const std::vector<kairos::Bar> bars = [] {
        auto r = kairos::marketdata::readBarsCsv(KAIROS_FUZZ_BARS_CSV);
        if (!r || r->bars.size() < kBars) std::abort();  // the bundled file must be there
        return std::vector<kairos::Bar>(r->bars.begin(), r->bars.begin() + kBars);
    }();
    return bars;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const indicators::CostBudget budget{2e7, kBars};
    auto f = indicators::Formula::parse(text, budget);
    if (!f) return 0;
    const auto& bars = realBars();
    static const indicators::Columns cols = indicators::toColumns(bars);
    const std::vector<double> batch = f->evaluate(cols);
    if (batch.size() != cols.size()) std::abort();
    for (std::size_t i = 0; i < 64; ++i) {
        const Bar& b = bars[i];
        const indicators::FormulaBar fb{b.openTimeMs,     b.open.toDouble(),  b.high.toDouble(),
                                        b.low.toDouble(), b.close.toDouble(), b.volume.toDouble()};
        f->push(fb);
        f->updateLast(fb);
        (void)f->value();
    }
    return 0;
}
