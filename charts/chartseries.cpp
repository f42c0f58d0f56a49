#include "chartseries.h"

#include <algorithm>
#include <iterator>

namespace kairos::charts {

namespace {
constexpr int kMaxDecimals = 8;

/// Decimals needed to write raw/10^scale exactly.
int significantDecimals(const Price& p) {
    std::int64_t raw = p.raw();
    int scale = p.scale();
    while (scale > 0 && raw % 10 == 0) {
        raw /= 10;
        --scale;
    }
    return scale;
}

/// `steps` bucket starts after (steps > 0) or before (steps < 0) `fromMs`.
std::int64_t stepBuckets(Timeframe tf, std::int64_t fromMs, std::int64_t steps) {
    if (const auto d = fixedDurationMs(tf)) return fromMs + steps * *d;
    // Calendar months: walk (bounded; charts never extrapolate centuries).
    std::int64_t t = fromMs;
    const std::int64_t n = std::min<std::int64_t>(steps < 0 ? -steps : steps, 12000);
    for (std::int64_t k = 0; k < n; ++k) t = steps > 0 ? nextBucketStart(tf, t) : bucketStart(tf, t - 1);
    return t;
}
}  // namespace

void ChartSeries::clear() {
    m_origin = 0;
    m_time.clear();
    m_open.clear();
    m_high.clear();
    m_low.clear();
    m_close.clear();
    m_volume.clear();
    m_lastClosed = true;
    m_priceDecimals = 0;
}

void ChartSeries::noteDecimals(const Bar& b) {
    if (m_priceDecimals >= kMaxDecimals) return;
    const int d = std::max(
        {significantDecimals(b.open), significantDecimals(b.high), significantDecimals(b.low), significantDecimals(b.close)});
    m_priceDecimals = std::min(kMaxDecimals, std::max(m_priceDecimals, d));
}

void ChartSeries::assign(const std::vector<Bar>& bars) {
    clear();
    const std::size_t n = bars.size();
    m_time.reserve(n);
    for (auto* v : {&m_open, &m_high, &m_low, &m_close, &m_volume}) v->reserve(n);
    for (const Bar& b : bars) {
        m_time.push_back(b.openTimeMs);
        m_open.push_back(b.open.toDouble());
        m_high.push_back(b.high.toDouble());
        m_low.push_back(b.low.toDouble());
        m_close.push_back(b.close.toDouble());
        m_volume.push_back(b.volume.toDouble());
    }
    // The decimals of the most recent bars are what a trader reads; a sample keeps this O(1).
    for (std::size_t i = n > 2000 ? n - 2000 : 0; i < n; ++i) noteDecimals(bars[i]);
    m_lastClosed = bars.empty() || bars.back().closed;
}

std::size_t ChartSeries::prepend(const std::vector<Bar>& bars) {
    // Only bars strictly older than what is loaded, in order.
    auto end = bars.end();
    if (!m_time.empty())
        end = std::lower_bound(bars.begin(), bars.end(), m_time.front(),
                               [](const Bar& b, std::int64_t t) { return b.openTimeMs < t; });
    const auto count = static_cast<std::size_t>(std::distance(bars.begin(), end));
    if (count == 0) return 0;
    if (m_time.empty()) m_lastClosed = bars[count - 1].closed;
    auto insertFront = [count](std::vector<double>& col, auto&& value) {
        std::vector<double> fresh;
        fresh.reserve(col.size() + count);
        for (std::size_t i = 0; i < count; ++i) fresh.push_back(value(i));
        fresh.insert(fresh.end(), col.begin(), col.end());
        col.swap(fresh);
    };
    std::vector<std::int64_t> times;
    times.reserve(m_time.size() + count);
    for (std::size_t i = 0; i < count; ++i) times.push_back(bars[i].openTimeMs);
    times.insert(times.end(), m_time.begin(), m_time.end());
    m_time.swap(times);
    insertFront(m_open, [&](std::size_t i) { return bars[i].open.toDouble(); });
    insertFront(m_high, [&](std::size_t i) { return bars[i].high.toDouble(); });
    insertFront(m_low, [&](std::size_t i) { return bars[i].low.toDouble(); });
    insertFront(m_close, [&](std::size_t i) { return bars[i].close.toDouble(); });
    insertFront(m_volume, [&](std::size_t i) { return bars[i].volume.toDouble(); });
    m_origin -= static_cast<std::int64_t>(count);
    return count;
}

ChartSeries::Update ChartSeries::updateLast(const Bar& bar) {
    noteDecimals(bar);
    if (!m_time.empty() && bar.openTimeMs == m_time.back()) {
        m_open.back() = bar.open.toDouble();
        m_high.back() = bar.high.toDouble();
        m_low.back() = bar.low.toDouble();
        m_close.back() = bar.close.toDouble();
        m_volume.back() = bar.volume.toDouble();
        m_lastClosed = bar.closed;
        return Update::Revised;
    }
    if (!m_time.empty() && bar.openTimeMs < m_time.back()) return Update::Ignored;
    m_time.push_back(bar.openTimeMs);
    m_open.push_back(bar.open.toDouble());
    m_high.push_back(bar.high.toDouble());
    m_low.push_back(bar.low.toDouble());
    m_close.push_back(bar.close.toDouble());
    m_volume.push_back(bar.volume.toDouble());
    m_lastClosed = bar.closed;
    return Update::Appended;
}

std::int64_t ChartSeries::indexAtOrBefore(std::int64_t timeMs) const {
    if (m_time.empty()) return 0;
    auto it = std::upper_bound(m_time.begin(), m_time.end(), timeMs);
    if (it == m_time.begin()) return m_origin;
    return m_origin + std::distance(m_time.begin(), it) - 1;
}

std::int64_t ChartSeries::timeOfIndex(std::int64_t index, Timeframe tf) const {
    if (m_time.empty()) return 0;
    if (index < firstIndex()) return stepBuckets(tf, m_time.front(), index - firstIndex());
    if (index > lastIndex()) return stepBuckets(tf, m_time.back(), index - lastIndex());
    return m_time[slot(index)];
}

double ChartSeries::indexOfTime(std::int64_t timeMs, Timeframe tf) const {
    if (m_time.empty()) return 0;
    const double nominal = static_cast<double>(nominalDurationMs(tf));
    if (timeMs <= m_time.front())
        return static_cast<double>(firstIndex()) - static_cast<double>(m_time.front() - timeMs) / nominal;
    if (timeMs >= m_time.back()) return static_cast<double>(lastIndex()) + static_cast<double>(timeMs - m_time.back()) / nominal;
    auto it = std::upper_bound(m_time.begin(), m_time.end(), timeMs);
    const auto k = static_cast<std::size_t>(std::distance(m_time.begin(), it)) - 1;
    const double span = static_cast<double>(m_time[k + 1] - m_time[k]);
    // Inside a bar's own duration the position is within the bar; in an outage it is at the bar.
    const double into = std::min(1.0, static_cast<double>(timeMs - m_time[k]) / std::min(span, nominal));
    return static_cast<double>(m_origin) + static_cast<double>(k) + into;
}

}  // namespace kairos::charts
