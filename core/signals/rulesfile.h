#pragma once
// Signal rules from a JSON file (kairos-cli signals --rules FILE): an object whose keys are
// SignalRules' fields (any subset; the rest keep their defaults) plus "formulas", a list of user
// formula rules:
//   {"minScore": 3, "rsiOversold": 25,
//    "formulas": [{"formula": "rsi(close, 14) < 30", "side": "long", "weight": 15, "reason": "RSI oversold"}]}
// Unknown keys, wrong types and invalid values are errors naming the key; a formula's syntax error
// names its column ("formulas[0] \"rsi(close 14)\": column 11: expected ',' ...").

#include "signals/signalengine.h"
#include "util/result.h"

#include <string>
#include <string_view>

namespace kairos::signal {

Result<SignalRules> parseRules(std::string_view json);
Result<SignalRules> loadRules(const std::string& path);

}  // namespace kairos::signal
