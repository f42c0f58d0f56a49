#include "alerts/venuecandles.h"

#include "alerts/curlhttp.h"

#include "marketdata/binancecodec.h"
#include "marketdata/bybitcodec.h"

#include <algorithm>

namespace kairos::server::alerts {

namespace {
constexpr int kMaxBars = 1000;  // both venues' page limit
}

std::string venueUnsupported(const std::string& venue, Timeframe tf) {
    if (!fixedDurationMs(tf)) return "the " + toString(tf) + " timeframe runs in the terminal only";
    if (venue == "BINANCE") return {};
    if (venue == "BYBIT") {
        if (!marketdata::bybit::intervalFor(tf)) return "Bybit has no " + toString(tf) + " candles";
        return {};
    }
    return "the server reads market data from Binance and Bybit only (not " + venue + ")";
}

Result<std::vector<Bar>> fetchClosedBars(const VenueUrls& urls, const InstrumentId& id, Timeframe tf, std::int64_t nowMs,
                                         int timeoutMs) {
    if (std::string why = venueUnsupported(id.venue, tf); !why.empty()) return makeError(why);
    const std::int64_t dur = *fixedDurationMs(tf);
    std::string url;
    Result<std::vector<Bar>> (*parse)(std::string_view) = nullptr;
    std::string what;
    if (id.venue == "BINANCE") {
        what = "klines";
        url = urls.binance + "/api/v3/klines?symbol=" + id.symbol + "&interval=" + toString(tf) +
            "&limit=" + std::to_string(kMaxBars);
        parse = &marketdata::binance::parseKlines;
    } else {
        // The window of the newest page, as the feed's history request spells it (start/end in ms).
        what = "kline";
        const std::int64_t start = bucketStart(tf, nowMs) - (kMaxBars - 1) * dur;
        url = urls.bybit + "/v5/market/kline?category=spot&symbol=" + id.symbol +
            "&interval=" + std::string(*marketdata::bybit::intervalFor(tf)) + "&start=" + std::to_string(start) +
            "&end=" + std::to_string(nowMs) + "&limit=" + std::to_string(kMaxBars);
        parse = &marketdata::bybit::parseKlines;
    }
    const CurlResponse r = curlRequest(url, {}, {}, timeoutMs);
    const std::string base = id.venue == "BINANCE" ? urls.binance : urls.bybit;
    if (r.status == 0) return makeError(what + ": no answer from " + base + ": " + r.error);
    if (r.status != 200) return makeError(what + ": HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200));
    auto parsed = parse(r.body);
    if (!parsed) return makeError(what + ": " + parsed.message());
    std::vector<Bar> bars = std::move(*parsed);
    // Closed by the clock (the forming bar is left out), ascending (Bybit sends newest first), once each.
    for (const Bar& b : bars)
        if (auto st = b.validate(); !st) return makeError(what + ": a row has bad prices: " + st.message());
    std::erase_if(bars, [&](const Bar& b) { return b.openTimeMs + dur > nowMs; });
    std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.openTimeMs < b.openTimeMs; });
    bars.erase(std::unique(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.openTimeMs == b.openTimeMs; }),
               bars.end());
    for (Bar& b : bars) b.closed = true;
    return bars;
}

}  // namespace kairos::server::alerts
