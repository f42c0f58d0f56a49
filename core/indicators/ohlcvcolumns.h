#pragma once
// Double-precision OHLCV columns for the indicators. Bars are fixed-point (domain/bar.h); the
// indicators work in double (shared/DESIGN.md "Numbers"), so a series is converted once, here,
// and every indicator reads the columns.

#include "domain/bar.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kairos::indicators {

/// One bar as doubles: what a bar-based streaming indicator consumes.
struct BarValues {
    std::int64_t timeMs = 0;  ///< bar open time, UTC ms since the epoch
    double open = 0.0;
    double high = 0.0;
    double low = 0.0;
    double close = 0.0;
    double volume = 0.0;  ///< base-asset volume
};

/// The same bar as BarValues (Price/Quantity::toDouble()).
BarValues toValues(const Bar& bar);

/// Non-owning view over equally long columns; `real` is the series single-input indicators read
/// (close unless the caller chose another source). Any pointer a caller does not need may be null.
struct SeriesView {
    std::size_t size = 0;
    const std::int64_t* timeMs = nullptr;
    const double* open = nullptr;
    const double* high = nullptr;
    const double* low = nullptr;
    const double* close = nullptr;
    const double* volume = nullptr;
    const double* real = nullptr;

    BarValues bar(std::size_t i) const {
        BarValues b;
        if (timeMs) b.timeMs = timeMs[i];
        if (open) b.open = open[i];
        if (high) b.high = high[i];
        if (low) b.low = low[i];
        if (close) b.close = close[i];
        if (volume) b.volume = volume[i];
        return b;
    }
};

/// Owned OHLCV columns, e.g. a whole candle history converted once.
struct OhlcvColumns {
    std::vector<std::int64_t> timeMs;
    std::vector<double> open;
    std::vector<double> high;
    std::vector<double> low;
    std::vector<double> close;
    std::vector<double> volume;

    std::size_t size() const { return close.size(); }
    void reserve(std::size_t n);
    void push(const BarValues& b);
    /// A view with `real` = close.
    SeriesView view() const { return viewWithReal(close.data()); }
    /// A view with `real` = the given column (same length).
    SeriesView viewWithReal(const double* real) const;
};

/// Converts bars to columns once (O(n), one allocation per column).
OhlcvColumns toColumns(std::span<const Bar> bars);

/// Price sources a single-input indicator can read.
enum class PriceSource : std::uint8_t {
    Close = 1,
    Open,
    High,
    Low,
    Hl2,    ///< (high + low) / 2
    Hlc3,   ///< (high + low + close) / 3, the typical price
    Ohlc4,  ///< (open + high + low + close) / 4
    Volume,
};

/// The chosen source as its own column.
std::vector<double> sourceColumn(const OhlcvColumns& c, PriceSource source);

}  // namespace kairos::indicators
