#include "domain/timeframe.h"

#include <chrono>
#include <cstdio>

namespace kairos {

namespace {
constexpr std::int64_t kSec = 1000;
constexpr std::int64_t kMin = 60 * kSec;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kDay = 24 * kHour;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

struct Name {
    Timeframe tf;
    std::string_view text;
};
constexpr std::array<Name, 16> kNames = {{
    {Timeframe::S1, "1s"},
    {Timeframe::M1, "1m"},
    {Timeframe::M3, "3m"},
    {Timeframe::M5, "5m"},
    {Timeframe::M15, "15m"},
    {Timeframe::M30, "30m"},
    {Timeframe::H1, "1h"},
    {Timeframe::H2, "2h"},
    {Timeframe::H4, "4h"},
    {Timeframe::H6, "6h"},
    {Timeframe::H8, "8h"},
    {Timeframe::H12, "12h"},
    {Timeframe::D1, "1d"},
    {Timeframe::D3, "3d"},
    {Timeframe::W1, "1w"},
    {Timeframe::MN1, "1M"},
}};

std::chrono::sys_days daysOf(std::int64_t timeMs) { return std::chrono::sys_days{std::chrono::days{floorDiv(timeMs, kDay)}}; }
}  // namespace

std::string toString(Timeframe tf) {
    for (const auto& n : kNames)
        if (n.tf == tf) return std::string(n.text);
    return "?";
}

Result<Timeframe> parseTimeframe(std::string_view text) {
    for (const auto& n : kNames)
        if (n.text == text) return n.tf;
    if (text == "1D") return Timeframe::D1;
    if (text == "3D") return Timeframe::D3;
    if (text == "1W") return Timeframe::W1;
    if (text == "1mo" || text == "1mon") return Timeframe::MN1;
    return makeError("unknown timeframe \"" + std::string(text) +
                     "\"; use one of 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M");
}

std::optional<std::int64_t> fixedDurationMs(Timeframe tf) {
    switch (tf) {
    case Timeframe::S1:
        return kSec;
    case Timeframe::M1:
        return kMin;
    case Timeframe::M3:
        return 3 * kMin;
    case Timeframe::M5:
        return 5 * kMin;
    case Timeframe::M15:
        return 15 * kMin;
    case Timeframe::M30:
        return 30 * kMin;
    case Timeframe::H1:
        return kHour;
    case Timeframe::H2:
        return 2 * kHour;
    case Timeframe::H4:
        return 4 * kHour;
    case Timeframe::H6:
        return 6 * kHour;
    case Timeframe::H8:
        return 8 * kHour;
    case Timeframe::H12:
        return 12 * kHour;
    case Timeframe::D1:
        return kDay;
    case Timeframe::D3:
        return 3 * kDay;
    case Timeframe::W1:
        return 7 * kDay;
    case Timeframe::MN1:
        return std::nullopt;
    }
    return std::nullopt;
}

std::int64_t nominalDurationMs(Timeframe tf) { return fixedDurationMs(tf).value_or(30 * kDay); }

std::int64_t bucketStart(Timeframe tf, std::int64_t timeMs) {
    using namespace std::chrono;
    if (tf == Timeframe::W1) {
        // 1970-01-01 was a Thursday; Monday 1970-01-05 is the week grid's origin.
        constexpr std::int64_t kMonday = 4 * kDay;
        return floorDiv(timeMs - kMonday, 7 * kDay) * 7 * kDay + kMonday;
    }
    if (tf == Timeframe::MN1) {
        const year_month_day ymd{daysOf(timeMs)};
        const sys_days first{ymd.year() / ymd.month() / day{1}};
        return static_cast<std::int64_t>(first.time_since_epoch().count()) * kDay;
    }
    const std::int64_t d = *fixedDurationMs(tf);
    return floorDiv(timeMs, d) * d;
}

std::int64_t nextBucketStart(Timeframe tf, std::int64_t timeMs) {
    using namespace std::chrono;
    const std::int64_t start = bucketStart(tf, timeMs);
    if (tf == Timeframe::MN1) {
        const year_month_day ymd{daysOf(start)};
        const sys_days next{(ymd.year() / ymd.month() + months{1}) / day{1}};
        return static_cast<std::int64_t>(next.time_since_epoch().count()) * kDay;
    }
    return start + *fixedDurationMs(tf);
}

std::int64_t utcMs(int year, unsigned month, unsigned dayOfMonth, int hour, int minute, int second, int ms) {
    using namespace std::chrono;
    const sys_days d{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{dayOfMonth}};
    return static_cast<std::int64_t>(d.time_since_epoch().count()) * kDay + hour * kHour + minute * kMin + second * kSec + ms;
}

std::string formatUtc(std::int64_t timeMs) {
    // Civil date from days since 1970-01-01 in 64-bit arithmetic (H. Hinnant's civil_from_days):
    // std::chrono::year stops at 32767, and a microsecond time read as ms lands in the year 56971.
    const std::int64_t days = floorDiv(timeMs, kDay);
    const std::int64_t z = days + 719468;
    const std::int64_t era = floorDiv(z, 146097);
    const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
    const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    const std::int64_t rest = timeMs - days * kDay;
    // ISO 8601: four digits for 0000-9999, a sign and more digits outside that range.
    char yearText[32];
    if (year >= 0 && year <= 9999)
        std::snprintf(yearText, sizeof yearText, "%04lld", static_cast<long long>(year));
    else
        std::snprintf(yearText, sizeof yearText, "%+05lld", static_cast<long long>(year));
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", yearText, static_cast<long long>(month),
                  static_cast<long long>(day), static_cast<long long>(rest / kHour), static_cast<long long>(rest / kMin % 60),
                  static_cast<long long>(rest / kSec % 60), static_cast<long long>(rest % 1000));
    return buf;
}

Result<std::int64_t> parseUtc(std::string_view t) {
    auto bad = [&] {
        return makeError("cannot read time \"" + std::string(t) +
                         "\"; use YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z] (UTC) or milliseconds since the epoch");
    };
    if (t.empty()) return bad();
    bool allDigits = true;
    for (char c : t) allDigits = allDigits && (c >= '0' && c <= '9');
    if (allDigits) {
        if (t.size() > 17) return bad();
        std::int64_t v = 0;
        for (char c : t) v = v * 10 + (c - '0');
        return v;
    }
    auto num = [&](std::size_t pos, std::size_t len, int& out) {
        if (pos + len > t.size()) return false;
        out = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (t[i] < '0' || t[i] > '9') return false;
            out = out * 10 + (t[i] - '0');
        }
        return true;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    if (!num(0, 4, y) || t.size() < 10 || t[4] != '-' || !num(5, 2, mo) || t[7] != '-' || !num(8, 2, d)) return bad();
    std::size_t p = 10;
    if (p < t.size() && (t[p] == 'T' || t[p] == ' ')) {
        if (!num(p + 1, 2, h) || p + 3 >= t.size() || t[p + 3] != ':' || !num(p + 4, 2, mi)) return bad();
        p += 6;
        if (p < t.size() && t[p] == ':') {
            if (!num(p + 1, 2, s)) return bad();
            p += 3;
            if (p < t.size() && t[p] == '.') {
                if (!num(p + 1, 3, ms)) return bad();
                p += 4;
            }
        }
    }
    if (p < t.size() && t[p] == 'Z') ++p;
    if (p != t.size()) return bad();
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                             std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return bad();
    return utcMs(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, s, ms);
}

}  // namespace kairos
