#pragma once
// Running a streaming indicator over whole columns: the generic batch path. The indicator's add()
// is inlined into the loop, so there is no virtual call and no allocation per value, and batch
// output equals streaming output by construction.

#include "indicators/ohlcvcolumns.h"

#include <concepts>
#include <cstring>
#include <type_traits>

namespace kairos::indicators::detail {

/// Number of doubles in an indicator output (a double, or a struct of doubles in output order).
template <class V>
inline constexpr int kOutputCount = static_cast<int>(sizeof(V) / sizeof(double));

template <class V>
inline void storeOutputs(const V& v, double* const* outs, std::size_t i) {
    if constexpr (std::is_same_v<V, double>) {
        outs[0][i] = v;
    } else {
        static_assert(std::is_trivially_copyable_v<V> && sizeof(V) % sizeof(double) == 0,
                      "multi-output values are plain structs of doubles");
        double tmp[kOutputCount<V>];
        std::memcpy(tmp, &v, sizeof v);
        for (int k = 0; k < kOutputCount<V>; ++k) outs[k][i] = tmp[k];
    }
}

template <class V>
inline void copyOutputs(const V& v, double* out) {
    std::memcpy(out, &v, sizeof v);
}

template <class Ind>
concept RealInput = requires(Ind& ind, double x) { ind.add(x); };

/// Feeds every value (real-input indicators: in.real; bar indicators: the bar columns) to `ind`
/// and writes the outputs; outs[k] must hold in.size values.
template <class Ind>
void runBatch(Ind& ind, const SeriesView& in, double* const* outs) {
    const std::size_t n = in.size;
    if constexpr (RealInput<Ind>) {
        const double* x = in.real;
        for (std::size_t i = 0; i < n; ++i) storeOutputs(ind.add(x[i]), outs, i);
    } else {
        for (std::size_t i = 0; i < n; ++i) storeOutputs(ind.add(in.bar(i)), outs, i);
    }
}

}  // namespace kairos::indicators::detail
