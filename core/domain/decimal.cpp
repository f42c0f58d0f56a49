#include "domain/decimal.h"

#include <array>

namespace kairos {
namespace detail {

namespace {
constexpr std::array<std::int64_t, 19> kPow10 = {1LL,
                                                 10LL,
                                                 100LL,
                                                 1000LL,
                                                 10000LL,
                                                 100000LL,
                                                 1000000LL,
                                                 10000000LL,
                                                 100000000LL,
                                                 1000000000LL,
                                                 10000000000LL,
                                                 100000000000LL,
                                                 1000000000000LL,
                                                 10000000000000LL,
                                                 100000000000000LL,
                                                 1000000000000000LL,
                                                 10000000000000000LL,
                                                 100000000000000000LL,
                                                 1000000000000000000LL};

std::string quoted(std::string_view t) {
    std::string s = "\"";
    s.append(t.substr(0, 40));
    if (t.size() > 40) s += "...";
    s += '"';
    return s;
}
}  // namespace

std::int64_t pow10(int n) { return kPow10.at(static_cast<std::size_t>(n)); }

Result<std::pair<std::int64_t, int>> parseDecimal(std::string_view t) {
    if (t.empty()) return makeError("empty number");
    std::size_t i = 0;
    bool negative = false;
    if (t[0] == '-') {
        negative = true;
        i = 1;
    } else if (t[0] == '+') {
        return makeError("number " + quoted(t) + " has a '+' sign; write it without one");
    }
    // Magnitude accumulated as a negative number so that INT64_MIN parses.
    std::int64_t acc = 0;
    int scale = 0;
    bool seenDot = false;
    bool seenDigit = false;
    for (; i < t.size(); ++i) {
        const char c = t[i];
        if (c >= '0' && c <= '9') {
            seenDigit = true;
            if (seenDot) {
                if (scale == kMaxScale) return makeError("number " + quoted(t) + " has more than 18 decimal places");
                ++scale;
            }
            const int d = c - '0';
            if (acc < (INT64_MIN + d) / 10) return makeError("number " + quoted(t) + " is too large for a 64-bit decimal");
            acc = acc * 10 - d;
        } else if (c == '.') {
            if (seenDot) return makeError("number " + quoted(t) + " has two decimal points");
            seenDot = true;
        } else if (c == 'e' || c == 'E') {
            return makeError("number " + quoted(t) +
                             " uses scientific notation, which is not accepted; write it as a plain decimal");
        } else {
            return makeError("number " + quoted(t) + " has an unexpected character '" + std::string(1, c) + "'");
        }
    }
    if (!seenDigit) return makeError("number " + quoted(t) + " has no digits");
    if (!negative) {
        if (acc == INT64_MIN) return makeError("number " + quoted(t) + " is too large for a 64-bit decimal");
        acc = -acc;
    }
    return std::pair<std::int64_t, int>{acc, scale};
}

Result<std::int64_t> divRound(Int128 num, Int128 den, RoundingMode mode) {
    if (den == 0) return makeError("division by zero");
    if (den < 0) {
        num = -num;
        den = -den;
    }
    Int128 q = num / den;  // truncates toward zero
    Int128 r = num % den;  // same sign as num
    if (r != 0) {
        const bool neg = num < 0;
        const Int128 twice = (r < 0 ? -r : r) * 2;
        bool awayFromZero = false;
        switch (mode) {
        case RoundingMode::Exact:
            return makeError("result is not exact at this scale");
        case RoundingMode::TowardZero:
            awayFromZero = false;
            break;
        case RoundingMode::AwayFromZero:
            awayFromZero = true;
            break;
        case RoundingMode::Floor:
            awayFromZero = neg;
            break;
        case RoundingMode::Ceiling:
            awayFromZero = !neg;
            break;
        case RoundingMode::HalfUp:
            awayFromZero = twice >= den;
            break;
        case RoundingMode::HalfDown:
            awayFromZero = twice > den;
            break;
        case RoundingMode::HalfEven:
            awayFromZero = twice > den || (twice == den && (q % 2) != 0);
            break;
        }
        if (awayFromZero) q += neg ? -1 : 1;
    }
    if (q > INT64_MAX || q < INT64_MIN) return makeError("result overflows a 64-bit decimal");
    return static_cast<std::int64_t>(q);
}

std::string formatDecimal(std::int64_t raw, int scale) {
    // Work on the unsigned magnitude so that INT64_MIN formats.
    const bool neg = raw < 0;
    unsigned long long mag = neg ? 0ULL - static_cast<unsigned long long>(raw) : static_cast<unsigned long long>(raw);
    std::string digits = std::to_string(mag);
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
    if (scale > 0) digits.insert(digits.size() - static_cast<std::size_t>(scale), 1, '.');
    if (neg) digits.insert(0, 1, '-');
    return digits;
}

std::string formatDecimalTrimmed(std::int64_t raw, int scale) {
    std::string s = formatDecimal(raw, scale);
    if (scale > 0) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

std::strong_ordering compareScaled(std::int64_t a, int sa, std::int64_t b, int sb) {
    const int s = sa > sb ? sa : sb;
    const Int128 x = static_cast<Int128>(a) * pow10(s - sa);
    const Int128 y = static_cast<Int128>(b) * pow10(s - sb);
    return x < y ? std::strong_ordering::less : (x > y ? std::strong_ordering::greater : std::strong_ordering::equal);
}

}  // namespace detail

Result<Money> notional(const Price& price, const Quantity& qty, int scale, RoundingMode mode) {
    if (scale < 0 || scale > detail::kMaxScale) return makeError("scale " + std::to_string(scale) + " is outside 0..18");
    // price*qty has scale ps+qs (<= 36 digits of scale, product fits detail::Int128 for int64 inputs).
    const detail::Int128 prod = static_cast<detail::Int128>(price.raw()) * qty.raw();
    const int have = price.scale() + qty.scale();
    Result<std::int64_t> r = makeError("");
    if (have >= scale) {
        detail::Int128 den = 1;
        for (int i = 0; i < have - scale; ++i) den *= 10;
        r = detail::divRound(prod, den, mode);
    } else {
        detail::Int128 v = prod * detail::pow10(scale - have);
        if (v / detail::pow10(scale - have) != prod || v > INT64_MAX || v < INT64_MIN)
            r = makeError("result overflows a 64-bit decimal");
        else
            r = static_cast<std::int64_t>(v);
    }
    if (!r) return makeError("notional " + price.toTrimmedString() + " x " + qty.toTrimmedString() + ": " + r.message());
    return Money::fromRaw(*r, scale);
}

}  // namespace kairos
