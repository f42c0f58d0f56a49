#pragma once
// Fixed-point decimals for prices, quantities and money (shared/DESIGN.md "Numbers").
//
// A value is raw / 10^scale with raw an int64 and 0 <= scale <= 18. Parsing is exact (no binary
// floating point is involved), formatting is exact, and every operation that could overflow
// returns an Error instead of wrapping. Price, Quantity and Money are distinct types built on
// the same template so that a price cannot be added to a quantity by accident.

#include "util/result.h"

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace kairos {

/// How a result that does not fit the target scale is rounded.
enum class RoundingMode {
    HalfEven = 1,  ///< to nearest, ties to even (banker's rounding)
    HalfUp,        ///< to nearest, ties away from zero
    HalfDown,      ///< to nearest, ties toward zero
    TowardZero,    ///< truncate
    AwayFromZero,
    Floor,    ///< toward -infinity
    Ceiling,  ///< toward +infinity
    Exact,    ///< any non-zero remainder is an error
};

namespace detail {
// 128-bit intermediate for exact products; `__extension__` keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;
inline constexpr int kMaxScale = 18;
/// 10^n for 0 <= n <= 18.
std::int64_t pow10(int n);
/// Parses a plain decimal string ("-12.3400") into raw/scale. Rejects exponents, blanks, '+'
/// signs, thousands separators, more than 18 fractional digits and int64 overflow.
Result<std::pair<std::int64_t, int>> parseDecimal(std::string_view text);
/// Divides num by den (den > 0 or < 0) rounding as asked; Error on overflow of int64 or an
/// inexact result under RoundingMode::Exact.
Result<std::int64_t> divRound(Int128 num, Int128 den, RoundingMode mode);
/// raw/10^scale as text with exactly `scale` fractional digits.
std::string formatDecimal(std::int64_t raw, int scale);
/// Same, with trailing fractional zeros (and a trailing '.') removed.
std::string formatDecimalTrimmed(std::int64_t raw, int scale);
/// Compares a/10^sa with b/10^sb exactly.
std::strong_ordering compareScaled(std::int64_t a, int sa, std::int64_t b, int sb);
}  // namespace detail

template <class Tag>
class Fixed {
public:
    constexpr Fixed() = default;

    /// Trusted construction (already validated data, e.g. read back from our own store).
    /// Asserts the scale range; use parse()/fromRawChecked() for untrusted input.
    static Fixed fromRaw(std::int64_t raw, int scale) {
        Fixed f;
        f.m_raw = raw;
        f.m_scale = static_cast<std::int8_t>(scale);
        return f;
    }
    static Result<Fixed> fromRawChecked(std::int64_t raw, int scale) {
        if (scale < 0 || scale > detail::kMaxScale) return makeError("scale " + std::to_string(scale) + " is outside 0..18");
        return fromRaw(raw, scale);
    }

    /// Exact parse; the scale is the number of fractional digits written ("0.10" has scale 2).
    static Result<Fixed> parse(std::string_view text) {
        auto p = detail::parseDecimal(text);
        if (!p) return p.error();
        return fromRaw(p->first, p->second);
    }
    /// Parse and bring to `scale`; digits beyond it are rounded with `mode` (Exact: an error).
    static Result<Fixed> parse(std::string_view text, int scale, RoundingMode mode = RoundingMode::Exact) {
        auto f = parse(text);
        if (!f) return f.error();
        return f->rescaled(scale, mode);
    }

    constexpr std::int64_t raw() const { return m_raw; }
    constexpr int scale() const { return m_scale; }
    bool isZero() const { return m_raw == 0; }
    bool isNegative() const { return m_raw < 0; }

    /// Lossy, for indicators and charts only.
    double toDouble() const { return static_cast<double>(m_raw) / static_cast<double>(detail::pow10(m_scale)); }

    /// Exact text with exactly scale() fractional digits ("0.10000000").
    std::string toString() const { return detail::formatDecimal(m_raw, m_scale); }
    /// Exact text without trailing fractional zeros ("0.1").
    std::string toTrimmedString() const { return detail::formatDecimalTrimmed(m_raw, m_scale); }

    /// The same value at another scale; rounding as asked when digits are lost.
    Result<Fixed> rescaled(int scale, RoundingMode mode) const {
        if (scale < 0 || scale > detail::kMaxScale) return makeError("scale " + std::to_string(scale) + " is outside 0..18");
        if (scale == m_scale) return *this;
        if (scale > m_scale) {
            detail::Int128 v = static_cast<detail::Int128>(m_raw) * detail::pow10(scale - m_scale);
            if (v > INT64_MAX || v < INT64_MIN)
                return makeError(toTrimmedString() + " does not fit at scale " + std::to_string(scale));
            return fromRaw(static_cast<std::int64_t>(v), scale);
        }
        auto r = detail::divRound(m_raw, detail::pow10(m_scale - scale), mode);
        if (!r) return makeError(toTrimmedString() + " at scale " + std::to_string(scale) + ": " + r.message());
        return fromRaw(*r, scale);
    }

    /// Sum at the larger of the two scales; Error on overflow.
    Result<Fixed> add(const Fixed& o) const { return combine(o, false); }
    Result<Fixed> sub(const Fixed& o) const { return combine(o, true); }
    Fixed negated() const { return fromRaw(-m_raw, m_scale); }

    /// this * factor at `scale`, rounded with `mode`.
    Result<Fixed> mulInt(std::int64_t factor) const {
        detail::Int128 v = static_cast<detail::Int128>(m_raw) * factor;
        if (v > INT64_MAX || v < INT64_MIN) return makeError(toTrimmedString() + " x " + std::to_string(factor) + " overflows");
        return fromRaw(static_cast<std::int64_t>(v), m_scale);
    }
    /// this / divisor at `scale`, rounded with `mode`; Error on division by zero.
    Result<Fixed> divInt(std::int64_t divisor, int scale, RoundingMode mode) const {
        if (divisor == 0) return makeError("division of " + toTrimmedString() + " by zero");
        auto up = rescaledWide(scale);
        auto r = detail::divRound(up.first, static_cast<detail::Int128>(divisor) * up.second, mode);
        if (!r) return r.error();
        return fromRaw(*r, scale);
    }

    friend std::strong_ordering operator<=>(const Fixed& a, const Fixed& b) {
        return detail::compareScaled(a.m_raw, a.m_scale, b.m_raw, b.m_scale);
    }
    /// Numeric equality: 1.0 == 1.00.
    friend bool operator==(const Fixed& a, const Fixed& b) { return (a <=> b) == 0; }

private:
    template <class>
    friend class Fixed;
    // Value as (numerator, denominator-multiplier) so that this == num / (10^scale * mult).
    std::pair<detail::Int128, detail::Int128> rescaledWide(int scale) const {
        if (scale >= m_scale) return {static_cast<detail::Int128>(m_raw) * detail::pow10(scale - m_scale), 1};
        return {m_raw, detail::pow10(m_scale - scale)};
    }
    Result<Fixed> combine(const Fixed& o, bool subtract) const {
        const int s = m_scale > o.m_scale ? m_scale : o.m_scale;
        detail::Int128 a = static_cast<detail::Int128>(m_raw) * detail::pow10(s - m_scale);
        detail::Int128 b = static_cast<detail::Int128>(o.m_raw) * detail::pow10(s - o.m_scale);
        detail::Int128 v = subtract ? a - b : a + b;
        if (v > INT64_MAX || v < INT64_MIN)
            return makeError(toTrimmedString() + (subtract ? " - " : " + ") + o.toTrimmedString() + " overflows");
        return fromRaw(static_cast<std::int64_t>(v), s);
    }

    std::int64_t m_raw = 0;
    std::int8_t m_scale = 0;
};

struct PriceTag {};
struct QuantityTag {};
struct MoneyTag {};
using Price = Fixed<PriceTag>;
using Quantity = Fixed<QuantityTag>;
using Money = Fixed<MoneyTag>;

/// price * quantity at `scale`, rounded with `mode` (e.g. notional of a fill in quote currency).
Result<Money> notional(const Price& price, const Quantity& qty, int scale, RoundingMode mode);

}  // namespace kairos
