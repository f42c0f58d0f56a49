#include "indicators/columns.h"

namespace kairos::indicators {

Columns toColumns(const std::vector<Bar>& bars) {
    Columns c;
    const std::size_t n = bars.size();
    c.timeMs.reserve(n);
    c.open.reserve(n);
    c.high.reserve(n);
    c.low.reserve(n);
    c.close.reserve(n);
    c.volume.reserve(n);
    for (const Bar& b : bars) {
        c.timeMs.push_back(b.openTimeMs);
        c.open.push_back(b.open.toDouble());
        c.high.push_back(b.high.toDouble());
        c.low.push_back(b.low.toDouble());
        c.close.push_back(b.close.toDouble());
        c.volume.push_back(b.volume.toDouble());
    }
    return c;
}

}  // namespace kairos::indicators
