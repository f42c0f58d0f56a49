#pragma once
// Candle timeframes and UTC bucket arithmetic. Times are int64 milliseconds since the Unix epoch
// (UTC) everywhere in core.

#include "util/result.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kairos {

/// The timeframes exchanges offer. Text forms follow Binance: "1m" is a minute, "1M" a month.
enum class Timeframe : std::uint8_t {
    S1 = 1,
    M1,
    M3,
    M5,
    M15,
    M30,
    H1,
    H2,
    H4,
    H6,
    H8,
    H12,
    D1,
    D3,
    W1,
    MN1,
};

inline constexpr std::array<Timeframe, 16> kAllTimeframes = {
    Timeframe::S1, Timeframe::M1, Timeframe::M3, Timeframe::M5,  Timeframe::M15, Timeframe::M30, Timeframe::H1, Timeframe::H2,
    Timeframe::H4, Timeframe::H6, Timeframe::H8, Timeframe::H12, Timeframe::D1,  Timeframe::D3,  Timeframe::W1, Timeframe::MN1};

/// "1s" "1m" "3m" "5m" "15m" "30m" "1h" "2h" "4h" "6h" "8h" "12h" "1d" "3d" "1w" "1M".
std::string toString(Timeframe tf);
/// Accepts the forms above, plus "1D"/"1W" (TradingView) and "1mo"/"1mon" for a month.
/// Case matters for "1m" (minute) vs "1M" (month).
Result<Timeframe> parseTimeframe(std::string_view text);

/// Fixed length in ms; std::nullopt for 1M, whose length depends on the month.
std::optional<std::int64_t> fixedDurationMs(Timeframe tf);
/// A nominal length in ms (1M = 30 days), for sizing and sorting only, never for bucket maths.
std::int64_t nominalDurationMs(Timeframe tf);

/// Start of the candle that contains `timeMs`, in UTC. Sub-week timeframes are aligned to the
/// epoch (as Binance aligns them; 3d buckets start on days divisible by 3 since 1970-01-01), 1w
/// candles start on Monday 00:00 UTC, 1M candles on the 1st of the month 00:00 UTC.
std::int64_t bucketStart(Timeframe tf, std::int64_t timeMs);
/// Start of the candle after the one that contains `timeMs`.
std::int64_t nextBucketStart(Timeframe tf, std::int64_t timeMs);

/// Milliseconds since the epoch for a UTC civil date-time (proleptic Gregorian).
std::int64_t utcMs(int year, unsigned month, unsigned day, int hour = 0, int minute = 0, int second = 0, int ms = 0);
/// ISO 8601 UTC text, "2025-05-20T00:00:00.000Z".
std::string formatUtc(std::int64_t timeMs);
/// Parses "2025-05-20", "2025-05-20T13:45", "2025-05-20 13:45:00", with optional ".mmm" and "Z",
/// or an integer count of ms since the epoch; always UTC.
Result<std::int64_t> parseUtc(std::string_view text);

}  // namespace kairos
