// Fuzz target: a saved chart layout's JSON (core/storage/chartlayout.h), validated whole before the
// widgets apply it. What it accepts must be applicable: 1..6 charts, finite view numbers with a
// positive width, line widths 1..10, the active chart among the charts.
#include "storage/chartlayout.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::storage;
    auto layout = parseChartLayout(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!layout) return 0;
    const auto n = static_cast<int>(layout->charts.size());
    if (n < 1 || n > kChartLayoutMaxCharts || layout->active < 0 || layout->active >= n) std::abort();
    for (const ChartLayoutChart& c : layout->charts) {
        if (c.view && (!std::isfinite(c.view->offset) || !(c.view->width > 0) || !std::isfinite(c.view->width))) std::abort();
        for (const ChartLayoutIndicator& i : c.indicators) {
            if (i.name.empty() || i.lineWidth < 1 || i.lineWidth > 10) std::abort();
            for (double p : i.params)
                if (!std::isfinite(p)) std::abort();
        }
    }
    return 0;
}
