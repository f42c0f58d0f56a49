#include "marketdata/detail/decimaltext.h"

#include "domain/timeframe.h"

namespace kairos::marketdata::detail {

namespace {
bool digits(std::string_view t, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > t.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
        if (t[i] < '0' || t[i] > '9') return false;
        out = out * 10 + (t[i] - '0');
    }
    return true;
}
}  // namespace

bool parseRfc3339Ms(std::string_view t, std::int64_t& outMs) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!digits(t, 0, 4, y) || t.size() < 19 || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' || !digits(t, 8, 2, d) ||
        (t[10] != 'T' && t[10] != ' ') || !digits(t, 11, 2, h) || t[13] != ':' || !digits(t, 14, 2, mi) || t[16] != ':' ||
        !digits(t, 17, 2, s))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
    std::size_t p = 19;
    int ms = 0;
    if (p < t.size() && t[p] == '.') {
        ++p;
        int n = 0;
        while (p < t.size() && t[p] >= '0' && t[p] <= '9') {
            if (n < 3) ms = ms * 10 + (t[p] - '0');
            ++n;
            ++p;
        }
        if (n == 0) return false;
        for (; n < 3; ++n) ms *= 10;
    }
    std::string_view zone = t.substr(p);
    if (zone != "Z" && zone != "+00:00" && zone != "z") return false;
    outMs = utcMs(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, s, ms);
    return true;
}

}  // namespace kairos::marketdata::detail
