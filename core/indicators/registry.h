#pragma once
// The indicator catalogue: names, inputs, options (with defaults) and outputs in Tulip Indicators'
// naming and order, so that `kairos-cli indicator sma 30`, the chart's indicator menu and formulas
// all mean the same thing.

#include "indicators/columns.h"
#include "util/result.h"

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace kairos::indicators {

struct OptionSpec {
    std::string name;  ///< "period"
    double defaultValue;
    bool integer = true;
};

struct IndicatorSpec {
    std::string name;                  ///< Tulip's short name: "sma", "bbands"
    std::string fullName;              ///< "Simple Moving Average"
    std::vector<std::string> inputs;   ///< "close" (Tulip's "real"), "high", "low", "volume"
    std::vector<OptionSpec> options;   ///< in Tulip's positional order
    std::vector<std::string> outputs;  ///< in Tulip's order, e.g. bbands: lower, middle, upper
    std::string convention;            ///< one line: which convention the default follows
    /// Computes every output over the columns (each output the columns' length, NaN before the
    /// first value). Options are in `options` order, already validated.
    std::function<void(const Columns&, std::span<const double>, std::vector<std::vector<double>>&)> compute;
};

/// Every indicator, sorted by name.
const std::vector<IndicatorSpec>& catalogue();
/// The indicator called `name` (case-insensitive), or nullptr.
const IndicatorSpec* findIndicator(const std::string& name);
/// Checks option values (count, integers where required, periods >= 1); Error says which.
Status validateOptions(const IndicatorSpec& spec, std::span<const double> values);
/// Runs `spec` over `cols` with `values`; Error from validateOptions or too few bars.
Result<std::vector<std::vector<double>>> compute(const IndicatorSpec& spec, const Columns& cols, std::span<const double> values);

}  // namespace kairos::indicators
