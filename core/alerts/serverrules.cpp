#include "alerts/serverrules.h"

#include <algorithm>

namespace kairos::alerts {

std::string serverUnsupported(const AlertRule& r) {
    if (isPriceCondition(r.condition) && r.priceSource != PriceSource::Last)
        return "bid/ask alerts run in the terminal only: the server reads candles, which carry no quotes";
    if (!fixedDurationMs(r.timeframe))
        return "the server runs alerts on fixed-length timeframes only (not " + toString(r.timeframe) + ")";
    if (r.watchlistId > 0) return {};  // the server runs the symbols it can read and names the others
    if (std::find(std::begin(kServerVenues), std::end(kServerVenues), r.instrument.venue) == std::end(kServerVenues))
        return "the server reads market data from Binance and Bybit only, not " + r.instrument.venue;
    return {};
}

std::string serverLimitProblem(int limit, int others, std::string_view plan) {
    if (limit < 0 || others + 1 <= limit) return {};
    const bool pro = plan == "pro";
    return std::string("your ") + (pro ? "Pro" : "Free") + " plan runs at most " + std::to_string(limit) +
        " alerts on the server and " + std::to_string(others) + (others == 1 ? " already runs there" : " already run there") +
        "; turn off \"Keep running on the server\" on another alert" + (pro ? "" : ", or upgrade to Pro");
}

}  // namespace kairos::alerts
