#include "marketdata/tickerboard.h"

#include <algorithm>

namespace kairos::marketdata {

namespace {
constexpr std::int64_t kDayMs = 86400000;
std::optional<double> pct(const std::optional<Price>& now, const std::optional<Price>& then) {
    if (!now || !then || then->isZero()) return std::nullopt;
    return (now->toDouble() / then->toDouble() - 1.0) * 100.0;
}
}  // namespace

std::optional<double> Ticker::change24hPct() const { return pct(last, open24h); }
std::optional<double> Ticker::changeSessionPct() const { return pct(last, sessionOpen); }
std::optional<double> Ticker::spread() const {
    if (!bid || !ask) return std::nullopt;
    return ask->toDouble() - bid->toDouble();
}

TickerBoard::TickerBoard(std::size_t sparklineLength) : m_sparklineLength(sparklineLength) {}

std::size_t TickerBoard::add(const InstrumentId& id) {
    if (auto it = m_index.find(id); it != m_index.end()) return it->second;
    const std::size_t row = m_tickers.size();
    Ticker t;
    t.id = id;
    m_tickers.push_back(std::move(t));
    m_rolling.emplace_back();
    m_changedFlag.push_back(0);
    m_index.emplace(id, row);
    return row;
}

void TickerBoard::remove(const InstrumentId& id) {
    auto it = m_index.find(id);
    if (it == m_index.end()) return;
    const std::size_t row = it->second;
    m_tickers.erase(m_tickers.begin() + static_cast<std::ptrdiff_t>(row));
    m_rolling.erase(m_rolling.begin() + static_cast<std::ptrdiff_t>(row));
    m_changedFlag.erase(m_changedFlag.begin() + static_cast<std::ptrdiff_t>(row));
    m_index.clear();
    for (std::size_t i = 0; i < m_tickers.size(); ++i) m_index.emplace(m_tickers[i].id, i);
    // Row numbers after `row` moved; pending changes are re-marked by position.
    std::vector<std::size_t> changed;
    for (std::size_t r : m_changed)
        if (r != row) changed.push_back(r > row ? r - 1 : r);
    m_changed = std::move(changed);
}

void TickerBoard::move(std::size_t from, std::size_t to) {
    if (from == to || from >= m_tickers.size() || to >= m_tickers.size()) return;
    auto rotate = [&](auto& v) {
        if (from < to)
            std::rotate(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(from) + 1,
                        v.begin() + static_cast<std::ptrdiff_t>(to) + 1);
        else
            std::rotate(v.begin() + static_cast<std::ptrdiff_t>(to), v.begin() + static_cast<std::ptrdiff_t>(from),
                        v.begin() + static_cast<std::ptrdiff_t>(from) + 1);
    };
    rotate(m_tickers);
    rotate(m_rolling);
    rotate(m_changedFlag);
    m_index.clear();
    for (std::size_t i = 0; i < m_tickers.size(); ++i) m_index.emplace(m_tickers[i].id, i);
    m_changed.clear();
    for (std::size_t i = 0; i < m_changedFlag.size(); ++i)
        if (m_changedFlag[i]) m_changed.push_back(i);
}

void TickerBoard::clear() {
    m_tickers.clear();
    m_rolling.clear();
    m_index.clear();
    m_changedFlag.clear();
    m_changed.clear();
}

long TickerBoard::indexOf(const InstrumentId& id) const {
    auto it = m_index.find(id);
    return it == m_index.end() ? -1 : static_cast<long>(it->second);
}

Ticker* TickerBoard::find(const InstrumentId& id, std::size_t* row) {
    auto it = m_index.find(id);
    if (it == m_index.end()) return nullptr;
    *row = it->second;
    return &m_tickers[it->second];
}

void TickerBoard::markChanged(std::size_t row) {
    if (m_changedFlag[row]) return;
    m_changedFlag[row] = 1;
    m_changed.push_back(row);
}

void TickerBoard::setLast(Ticker& t, const Price& p, std::int64_t timeMs) {
    if (t.last) t.direction = (p > *t.last) ? 1 : (p < *t.last ? -1 : 0);
    t.last = p;
    t.updatedMs = std::max(t.updatedMs, timeMs);
}

void TickerBoard::startSession(Ticker& t, Rolling& r, std::int64_t timeMs, const Price& open) {
    const std::int64_t day = bucketStart(Timeframe::D1, timeMs);
    if (day > r.sessionDayMs) {
        r.sessionDayMs = day;
        t.sessionOpen = open;
    }
}

void TickerBoard::onTrade(const InstrumentId& id, const Trade& trade) {
    std::size_t row = 0;
    Ticker* t = find(id, &row);
    if (!t) return;
    startSession(*t, m_rolling[row], trade.timeMs, trade.price);
    setLast(*t, trade.price, trade.timeMs);
    markChanged(row);
}

void TickerBoard::onQuote(const InstrumentId& id, const Quote& q) {
    std::size_t row = 0;
    Ticker* t = find(id, &row);
    if (!t) return;
    t->bid = q.bid;
    t->ask = q.ask;
    t->updatedMs = std::max(t->updatedMs, q.timeMs);
    markChanged(row);
}

void TickerBoard::onBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    std::size_t row = 0;
    Ticker* t = find(id, &row);
    if (!t) return;
    setLast(*t, bar.close, bar.openTimeMs);
    if (bar.closed) {
        t->updatedMs = std::max(t->updatedMs, nextBucketStart(tf, bar.openTimeMs) - 1);
        t->sparkline.push_back(bar.close.toDouble());
        if (t->sparkline.size() > m_sparklineLength)
            t->sparkline.erase(t->sparkline.begin(), t->sparkline.end() - static_cast<std::ptrdiff_t>(m_sparklineLength));
        Rolling& r = m_rolling[row];
        if (r.tf != tf) r.bars.clear();
        r.tf = tf;
        r.bars.push_back(bar);
        recomputeRolling(*t, r);
    }
    startSession(*t, m_rolling[row], bar.openTimeMs, bar.open);
    markChanged(row);
}

void TickerBoard::recomputeRolling(Ticker& t, Rolling& r) {
    const std::int64_t end = nextBucketStart(r.tf, r.bars.back().openTimeMs);
    while (!r.bars.empty() && r.bars.front().openTimeMs < end - kDayMs) r.bars.pop_front();
    if (r.venueStats || r.bars.empty()) return;
    Price hi = r.bars.front().high, lo = r.bars.front().low;
    Quantity vol = Quantity::fromRaw(0, r.bars.front().volume.scale());
    Quantity qvol = Quantity::fromRaw(0, r.bars.front().quoteVolume.scale());
    for (const Bar& b : r.bars) {
        if (hi < b.high) hi = b.high;
        if (b.low < lo) lo = b.low;
        vol = vol.add(b.volume).valueOr(vol);
        qvol = qvol.add(b.quoteVolume).valueOr(qvol);
    }
    t.open24h = r.bars.front().open;
    t.high24h = hi;
    t.low24h = lo;
    t.volume24h = vol;
    t.quoteVolume24h = qvol;
}

void TickerBoard::onStats24h(const InstrumentId& id, const Stats24h& s, std::int64_t timeMs) {
    std::size_t row = 0;
    Ticker* t = find(id, &row);
    if (!t) return;
    m_rolling[row].venueStats = true;
    t->open24h = s.open;
    t->high24h = s.high;
    t->low24h = s.low;
    t->volume24h = s.volume;
    t->quoteVolume24h = s.quoteVolume;
    t->updatedMs = std::max(t->updatedMs, timeMs);
    markChanged(row);
}

void TickerBoard::onSignal(const InstrumentId& id, const TickerSignal& signal) {
    std::size_t row = 0;
    Ticker* t = find(id, &row);
    if (!t) return;
    t->signal = signal;
    markChanged(row);
}

std::vector<std::size_t> TickerBoard::takeChanged() {
    std::vector<std::size_t> out;
    out.swap(m_changed);
    for (std::size_t r : out) m_changedFlag[r] = 0;
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace kairos::marketdata
