#pragma once
// Decimal text from exchange messages into fixed point. Most venues send decimals as strings
// ("0.00100000"); Kraken sends JSON numbers, which may be written with an exponent ("1e-08").
// Both are read exactly: the exponent form is shifted in text, never through a double.

#include "domain/decimal.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace kairos::marketdata::detail {

/// Rewrites "1.5e-3" as "0.0015" (exact); returns false when `t` is not a number.
inline bool expandExponent(std::string_view t, std::string& out) {
    const auto e = t.find_first_of("eE");
    if (e == std::string_view::npos) {
        out.assign(t);
        return true;
    }
    std::string_view mant = t.substr(0, e);
    std::string_view exps = t.substr(e + 1);
    if (mant.empty() || exps.empty()) return false;
    bool neg = false;
    if (mant[0] == '-') {
        neg = true;
        mant.remove_prefix(1);
    }
    int exp = 0;
    bool expNeg = false;
    std::size_t i = 0;
    if (exps[0] == '+' || exps[0] == '-') {
        expNeg = exps[0] == '-';
        i = 1;
    }
    if (i == exps.size()) return false;
    for (; i < exps.size(); ++i) {
        if (exps[i] < '0' || exps[i] > '9') return false;
        exp = exp * 10 + (exps[i] - '0');
        if (exp > 40) return false;
    }
    if (expNeg) exp = -exp;
    std::string digits;
    int pointPos = -1;  // digits before the point
    for (char c : mant) {
        if (c == '.') {
            if (pointPos >= 0) return false;
            pointPos = static_cast<int>(digits.size());
        } else if (c >= '0' && c <= '9') {
            digits += c;
        } else {
            return false;
        }
    }
    if (digits.empty()) return false;
    if (pointPos < 0) pointPos = static_cast<int>(digits.size());
    pointPos += exp;
    if (pointPos <= 0) {
        digits.insert(0, static_cast<std::size_t>(-pointPos) + 1, '0');
        pointPos = 1;
    } else if (pointPos > static_cast<int>(digits.size())) {
        digits.append(static_cast<std::size_t>(pointPos) - digits.size(), '0');
    }
    out.clear();
    if (neg) out += '-';
    out.append(digits, 0, static_cast<std::size_t>(pointPos));
    if (pointPos < static_cast<int>(digits.size())) {
        out += '.';
        out.append(digits, static_cast<std::size_t>(pointPos), std::string::npos);
    }
    return true;
}

/// Parses decimal text (plain or with an exponent) into `out`; false when it is not a number.
template <class T>
inline bool parseDecimalText(std::string_view t, T& out) {
    for (char c : t) {
        if (c == 'e' || c == 'E') {
            std::string plain;
            if (!expandExponent(t, plain)) return false;
            auto r = T::parse(plain);
            if (!r) return false;
            out = *r;
            return true;
        }
    }
    auto r = T::parse(t);
    if (!r) return false;
    out = *r;
    return true;
}

/// Number of decimals a step needs: "0.01000000" -> 2, "1.00000000" -> 0, "0.5" -> 1.
template <class T>
inline int stepPrecision(const T& step) {
    if (step.isZero()) return step.scale();
    std::int64_t raw = step.raw() < 0 ? -step.raw() : step.raw();
    int scale = step.scale();
    while (scale > 0 && raw % 10 == 0) {
        raw /= 10;
        --scale;
    }
    return scale;
}

/// Milliseconds since the epoch from RFC 3339 UTC text with any number of fractional digits
/// ("2023-09-25T07:48:36.925533Z", "2019-08-14T20:42:27.265Z", "2023-10-04T15:25:00.000000000Z").
/// Accepts 'Z' or "+00:00"; false on anything else.
bool parseRfc3339Ms(std::string_view t, std::int64_t& outMs);

}  // namespace kairos::marketdata::detail
