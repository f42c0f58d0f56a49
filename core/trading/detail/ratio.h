#pragma once
// Exact division of decimals for the trading module: (num / 10^numScale) / (den / 10^denScale)
// expressed at `scale` (average prices, pro-rata cost), rounded once.
// (Namespace fixedmath, not detail: a trading::detail would hide kairos::detail inside the module.)

#include "domain/decimal.h"
#include "util/result.h"

namespace kairos::trading::fixedmath {

/// num * 10^(scale + denScale - numScale) / den, rounded with `mode`. Error on a zero
/// denominator, on more than 36 decimal places to shift, or when the result overflows int64.
inline Result<std::int64_t> ratioAtScale(kairos::detail::Int128 num, int numScale, kairos::detail::Int128 den, int denScale,
                                         int scale, RoundingMode mode) {
    const int exp = scale + denScale - numScale;
    if (exp > 36 || exp < -36) return makeError("ratio needs more than 36 decimal places");
    for (int i = 0; i < exp; ++i) num *= 10;
    for (int i = 0; i < -exp; ++i) den *= 10;
    return kairos::detail::divRound(num, den, mode);
}

}  // namespace kairos::trading::fixedmath
