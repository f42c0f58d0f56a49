#pragma once
// ChartSeries: the bars a chart shows, as double columns (what the renderer and the indicators
// read), addressed by a *logical index* that never changes for a bar once loaded: the first bar
// given to assign() is index 0, older bars prepended later get -1, -2, ... and newer bars
// appended get n, n+1, ... So the x axis of a chart (bar index) stays put when history arrives,
// and the view does not jump.

#include "domain/bar.h"
#include "domain/timeframe.h"

#include <cstdint>
#include <vector>

namespace kairos::charts {

class ChartSeries {
public:
    /// What updateLast() did with a bar.
    enum class Update : std::uint8_t { Revised = 1, Appended, Ignored };

    /// Replaces everything; the first bar becomes logical index 0. Bars in increasing open time.
    void assign(const std::vector<Bar>& bars);
    /// Adds bars older than the first one (in increasing open time); bars not older than the
    /// current first bar are skipped. Returns how many were added.
    std::size_t prepend(const std::vector<Bar>& bars);
    /// Same open time as the last bar: revised in place; later: appended; earlier: ignored.
    Update updateLast(const Bar& bar);
    void clear();

    std::size_t size() const { return m_time.size(); }
    bool empty() const { return m_time.empty(); }
    /// Logical index of the oldest and newest bar (last < first when empty).
    std::int64_t firstIndex() const { return m_origin; }
    std::int64_t lastIndex() const { return m_origin + static_cast<std::int64_t>(m_time.size()) - 1; }
    bool contains(std::int64_t index) const { return index >= firstIndex() && index <= lastIndex(); }
    /// Position in the columns of a logical index (no range check).
    std::size_t slot(std::int64_t index) const { return static_cast<std::size_t>(index - m_origin); }

    // Columns in time order; element k is logical index firstIndex() + k.
    const std::vector<std::int64_t>& time() const { return m_time; }
    const std::vector<double>& open() const { return m_open; }
    const std::vector<double>& high() const { return m_high; }
    const std::vector<double>& low() const { return m_low; }
    const std::vector<double>& close() const { return m_close; }
    const std::vector<double>& volume() const { return m_volume; }
    /// Whether the newest bar is still forming.
    bool lastClosed() const { return m_lastClosed; }

    /// Decimal places that show every price loaded so far exactly (from the bars' fixed-point
    /// scales with trailing zeros removed), at most 8.
    int priceDecimals() const { return m_priceDecimals; }

    /// Logical index of the bar open at `timeMs`: the last bar with open time <= timeMs (the first
    /// bar's index when timeMs is older than everything). Empty series: 0.
    std::int64_t indexAtOrBefore(std::int64_t timeMs) const;
    /// Open time of a logical index; beyond either end it is extrapolated with `tf` (so drawings
    /// and the time axis can reach into the future or the unloaded past).
    std::int64_t timeOfIndex(std::int64_t index, Timeframe tf) const;
    /// A fractional logical index for a time (inverse of timeOfIndex, linear between bars).
    double indexOfTime(std::int64_t timeMs, Timeframe tf) const;

private:
    void noteDecimals(const Bar& b);

    std::int64_t m_origin = 0;
    std::vector<std::int64_t> m_time;
    std::vector<double> m_open, m_high, m_low, m_close, m_volume;
    bool m_lastClosed = true;
    int m_priceDecimals = 0;
};

}  // namespace kairos::charts
