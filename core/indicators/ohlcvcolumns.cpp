#include "indicators/ohlcvcolumns.h"

namespace kairos::indicators {

BarValues toValues(const Bar& bar) {
    BarValues b;
    b.timeMs = bar.openTimeMs;
    b.open = bar.open.toDouble();
    b.high = bar.high.toDouble();
    b.low = bar.low.toDouble();
    b.close = bar.close.toDouble();
    b.volume = bar.volume.toDouble();
    return b;
}

void OhlcvColumns::reserve(std::size_t n) {
    timeMs.reserve(n);
    open.reserve(n);
    high.reserve(n);
    low.reserve(n);
    close.reserve(n);
    volume.reserve(n);
}

void OhlcvColumns::push(const BarValues& b) {
    timeMs.push_back(b.timeMs);
    open.push_back(b.open);
    high.push_back(b.high);
    low.push_back(b.low);
    close.push_back(b.close);
    volume.push_back(b.volume);
}

SeriesView OhlcvColumns::viewWithReal(const double* real) const {
    SeriesView v;
    v.size = size();
    v.timeMs = timeMs.data();
    v.open = open.data();
    v.high = high.data();
    v.low = low.data();
    v.close = close.data();
    v.volume = volume.data();
    v.real = real;
    return v;
}

OhlcvColumns toColumns(std::span<const Bar> bars) {
    OhlcvColumns c;
    c.reserve(bars.size());
    for (const Bar& b : bars) c.push(toValues(b));
    return c;
}

std::vector<double> sourceColumn(const OhlcvColumns& c, PriceSource source) {
    const std::size_t n = c.size();
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        switch (source) {
        case PriceSource::Close: out[i] = c.close[i]; break;
        case PriceSource::Open: out[i] = c.open[i]; break;
        case PriceSource::High: out[i] = c.high[i]; break;
        case PriceSource::Low: out[i] = c.low[i]; break;
        case PriceSource::Hl2: out[i] = (c.high[i] + c.low[i]) / 2.0; break;
        case PriceSource::Hlc3: out[i] = (c.high[i] + c.low[i] + c.close[i]) / 3.0; break;
        case PriceSource::Ohlc4: out[i] = (c.open[i] + c.high[i] + c.low[i] + c.close[i]) / 4.0; break;
        case PriceSource::Volume: out[i] = c.volume[i]; break;
        }
    }
    return out;
}

}  // namespace kairos::indicators
