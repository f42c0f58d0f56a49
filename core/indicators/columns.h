#pragma once
// Bars as double columns, the input of batch indicators (converted once, not per indicator).

#include "domain/bar.h"

#include <cstdint>
#include <vector>

namespace kairos::indicators {

struct Columns {
    std::vector<std::int64_t> timeMs;
    std::vector<double> open, high, low, close, volume;
    std::size_t size() const { return close.size(); }
};

Columns toColumns(const std::vector<Bar>& bars);

}  // namespace kairos::indicators
