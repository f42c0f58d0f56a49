#pragma once
// A chart layout as the profile keeps it (storage::LayoutStore): which charts a workspace shows
// and how. The text is JSON written by the terminal:
//   {"version": 1, "grid": 2, "active": 0, "sync": {"crosshair": true, "symbol": false, "timeframe": false},
//    "charts": [{"instrument": "BINANCE:BTCUSDT", "timeframe": "1h", "chartType": "candles", "volume": true,
//                "indicators": [{"name": "EMA", "params": [20], "colours": ["#ff2962ff"], "lineWidth": 1, "formula": ""}],
//                "view": {"anchorMs": 1750572000000, "offset": 0.5, "width": 120}}]}
// parseChartLayout() validates all of it before anything is applied; an error names the field
// ("charts[1].timeframe: \"7q\" is not a timeframe"). What only the widgets know (chart types,
// indicator names and parameter ranges) is checked by the widgets, which skip what they do not know.

#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::storage {

inline constexpr int kChartLayoutVersion = 1;
inline constexpr int kChartLayoutMaxCharts = 6;

struct ChartLayoutIndicator {
    std::string name;
    std::vector<double> params;        ///< finite numbers
    std::vector<std::string> colours;  ///< colour names as written ("#ff2962ff")
    int lineWidth = 1;
    std::string formula;
};

/// Where a chart was scrolled to: the bar opening at anchorMs, `offset` bars right of it at the
/// right edge, `width` bars visible.
struct ChartLayoutView {
    std::int64_t anchorMs = 0;
    double offset = 0;
    double width = 0;  ///< > 0
};

struct ChartLayoutChart {
    InstrumentId instrument;
    Timeframe timeframe = Timeframe::H1;
    std::string chartType;  ///< "" keeps the chart's type
    bool volume = true;
    std::vector<ChartLayoutIndicator> indicators;
    std::optional<ChartLayoutView> view;
};

struct ChartLayout {
    int active = 0;  ///< index into charts (clamped by the reader)
    bool syncCrosshair = false, syncSymbol = false, syncTimeframe = false;
    std::vector<ChartLayoutChart> charts;  ///< 1..kChartLayoutMaxCharts
};

/// Parses and validates a layout's JSON text.
Result<ChartLayout> parseChartLayout(std::string_view json);

}  // namespace kairos::storage
