#pragma once
// Small helpers for the batch loops: two-lane double vectors (GCC/Clang vector extensions, plain
// IEEE operations lane by lane, so a lane computes exactly what the scalar streaming code does)
// and non-temporal stores for outputs too large to stay in cache.

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kairos::indicators::simd {

using v2 = double __attribute__((vector_size(16)));

inline v2 splat(double x) { return v2{x, x}; }

/// Outputs at least this long (per array) are written with non-temporal stores: they would not
/// fit in the caches anyway, and bypassing them saves the read-for-ownership of every line.
inline constexpr std::size_t kStreamingStoreMin = std::size_t{1} << 18;

inline bool aligned16(const double* p) { return (reinterpret_cast<std::uintptr_t>(p) & 15) == 0; }

/// Whether streaming stores can be used for these outputs from index `from` on (n values each).
template <class... P>
bool canStream(std::size_t n, std::size_t from, P... outs) {
#if defined(__SSE2__)
    return n >= kStreamingStoreMin && (aligned16(outs + from) && ...);
#else
    (void)n;
    (void)from;
    ((void)outs, ...);
    return false;
#endif
}

/// Writes (u, v) to p[0], p[1]; non-temporally when NT (p 16-byte aligned).
template <bool NT>
inline void put2(double* p, double u, double v) {
#if defined(__SSE2__)
    if constexpr (NT) {
        _mm_stream_pd(p, _mm_set_pd(v, u));
        return;
    }
#endif
    p[0] = u;
    p[1] = v;
}

template <bool NT>
inline void put2(double* p, v2 uv) {
#if defined(__SSE2__)
    if constexpr (NT) {
        _mm_stream_pd(p, uv);
        return;
    }
#endif
    p[0] = uv[0];
    p[1] = uv[1];
}

/// Orders the non-temporal stores before anything written later (call once after an NT loop).
inline void fence() {
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

}  // namespace kairos::indicators::simd
