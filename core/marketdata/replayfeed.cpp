#include "marketdata/replayfeed.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kairos::marketdata {

namespace {
constexpr std::size_t kMaxEventsPerStep = 20000;  // keeps the event loop responsive at any speed
constexpr int kMaxTimerMs = 250;                  // clock display refreshes at least 4x per second

Price tickPrice(const Bar& b, int k) {
    const bool up = !(b.close < b.open);
    switch (k) {
    case 0:
        return b.open;
    case 1:
        return up ? b.low : b.high;
    case 2:
        return up ? b.high : b.low;
    default:
        return b.close;
    }
}
}  // namespace

ReplayFeed::ReplayFeed(QObject* parent) : MarketDataFeed(parent) {
    auto elapsed = std::make_shared<QElapsedTimer>();
    elapsed->start();
    m_wallClock = [elapsed] { return static_cast<std::int64_t>(elapsed->elapsed()); };
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ReplayFeed::tick);
}

ReplayFeed::~ReplayFeed() = default;

void ReplayFeed::addSeries(const InstrumentId& id, Timeframe tf, std::vector<Bar> bars) {
    Series s{id, tf, std::move(bars), {}};
    s.ends.reserve(s.bars.size());
    for (const Bar& b : s.bars) s.ends.push_back(nextBucketStart(tf, b.openTimeMs));
    m_series.push_back(std::move(s));
    const std::int64_t keep = m_cursor == 0 ? std::numeric_limits<std::int64_t>::min() : m_clockMs;
    rebuildEvents();
    if (keep == std::numeric_limits<std::int64_t>::min()) {
        m_cursor = 0;
        m_clockMs = firstTimeMs();
    } else {
        seek(keep + 1);
    }
}

void ReplayFeed::rebuildEvents() {
    m_events.clear();
    for (std::uint32_t si = 0; si < m_series.size(); ++si) {
        const Series& s = m_series[si];
        for (std::uint32_t bi = 0; bi < s.bars.size(); ++bi) {
            const std::int64_t t0 = s.bars[bi].openTimeMs;
            const std::int64_t dur = s.ends[bi] - t0;
            for (std::uint8_t k = 0; k < 4; ++k) m_events.push_back({t0 + dur * k / 4, si, bi, k});
            m_events.push_back({s.ends[bi], si, bi, 4});
        }
    }
    // Time order; at equal times a bar's close comes before the next bar's first trade.
    std::stable_sort(m_events.begin(), m_events.end(), [](const Event& a, const Event& b) {
        if (a.timeMs != b.timeMs) return a.timeMs < b.timeMs;
        return (a.kind == 4) > (b.kind == 4);
    });
}

std::vector<Bar> ReplayFeed::closedBars(const InstrumentId& id, Timeframe tf) const {
    for (const Series& s : m_series) {
        if (!(s.id == id) || s.tf != tf) continue;
        const auto n = static_cast<std::size_t>(std::upper_bound(s.ends.begin(), s.ends.end(), m_clockMs) - s.ends.begin());
        return {s.bars.begin(), s.bars.begin() + static_cast<std::ptrdiff_t>(n)};
    }
    return {};
}

std::vector<std::pair<InstrumentId, Timeframe>> ReplayFeed::seriesList() const {
    std::vector<std::pair<InstrumentId, Timeframe>> out;
    for (const Series& s : m_series) out.emplace_back(s.id, s.tf);
    return out;
}

std::int64_t ReplayFeed::firstTimeMs() const { return m_events.empty() ? 0 : m_events.front().timeMs; }
std::int64_t ReplayFeed::lastTimeMs() const { return m_events.empty() ? 0 : m_events.back().timeMs; }

void ReplayFeed::setSpeed(double speed) {
    m_speed = speed > 0 && std::isfinite(speed) ? speed : 0;
    anchor();
    if (m_running && !m_paused) {
        setStatus(FeedState::Live, QString());
        scheduleNext();
    }
}

void ReplayFeed::setWallClock(std::function<std::int64_t()> nowMs) {
    m_wallClock = std::move(nowMs);
    anchor();
}

void ReplayFeed::anchor() {
    m_wallAnchor = m_wallClock();
    m_virtAnchor = m_clockMs;
}

void ReplayFeed::start() {
    m_running = true;
    m_paused = false;
    anchor();
    setStatus(FeedState::Live, QString());
    scheduleNext();
}

void ReplayFeed::pause() {
    if (!m_running || m_paused) return;
    m_paused = true;
    m_timer.stop();
    setStatus(FeedState::Live, QStringLiteral("replay paused"));
}

void ReplayFeed::resume() {
    if (!m_running || !m_paused) return;
    m_paused = false;
    anchor();
    setStatus(FeedState::Live, QString());
    scheduleNext();
}

void ReplayFeed::seek(std::int64_t timeMs) {
    m_cursor = static_cast<std::size_t>(
        std::lower_bound(m_events.begin(), m_events.end(), timeMs, [](const Event& e, std::int64_t t) { return e.timeMs < t; }) -
        m_events.begin());
    m_clockMs = timeMs;
    anchor();
    Q_EMIT clockChanged(m_clockMs);
    if (m_running && !m_paused) scheduleNext();
}

std::size_t ReplayFeed::advanceTo(std::int64_t timeMs) {
    std::size_t n = 0;
    while (m_cursor < m_events.size() && m_events[m_cursor].timeMs <= timeMs) {
        publish(m_events[m_cursor++]);
        ++n;
    }
    m_clockMs = std::max(m_clockMs, timeMs);
    Q_EMIT clockChanged(m_clockMs);
    if (isFinished()) {
        setStatus(FeedState::Disconnected, QStringLiteral("replay finished"));
        Q_EMIT finished();
    }
    return n;
}

void ReplayFeed::tick() {
    if (!m_running || m_paused) return;
    std::size_t budget = kMaxEventsPerStep;
    if (m_speed <= 0) {
        while (m_cursor < m_events.size() && budget-- > 0) publish(m_events[m_cursor++]);
        if (m_cursor > 0) m_clockMs = std::max(m_clockMs, m_events[m_cursor - 1].timeMs);
    } else {
        const double elapsed = static_cast<double>(m_wallClock() - m_wallAnchor);
        const auto target = m_virtAnchor + static_cast<std::int64_t>(elapsed * m_speed);
        while (m_cursor < m_events.size() && m_events[m_cursor].timeMs <= target && budget > 0) {
            publish(m_events[m_cursor++]);
            --budget;
        }
        // When the budget ran out the clock shows the last published event, not the target.
        m_clockMs = budget == 0 && m_cursor > 0 ? m_events[m_cursor - 1].timeMs : std::max(m_clockMs, target);
    }
    Q_EMIT clockChanged(m_clockMs);
    if (isFinished()) {
        m_running = false;
        setStatus(FeedState::Disconnected, QStringLiteral("replay finished"));
        Q_EMIT finished();
        return;
    }
    scheduleNext();
}

void ReplayFeed::scheduleNext() {
    if (isFinished()) {
        m_timer.start(0);
        return;
    }
    if (m_speed <= 0) {
        m_timer.start(0);
        return;
    }
    const double wait = static_cast<double>(m_events[m_cursor].timeMs - m_clockMs) / m_speed;
    m_timer.start(static_cast<int>(std::clamp(std::ceil(wait), 0.0, static_cast<double>(kMaxTimerMs))));
}

void ReplayFeed::publish(const Event& e) {
    const Series& s = m_series[e.series];
    const Bar& bar = s.bars[e.bar];
    const bool wantBars = m_barSubs.count({s.id, s.tf}) != 0;
    if (e.kind == 4) {
        if (wantBars) Q_EMIT barUpdated(s.id, s.tf, bar);
        return;
    }
    if (m_tradeSubs.count(s.id) != 0) {
        Trade t;
        t.timeMs = e.timeMs;
        t.price = tickPrice(bar, e.kind);
        // A quarter of the volume per implied trade; the last one takes the remainder.
        const Quantity quarter = bar.volume.divInt(4, bar.volume.scale(), RoundingMode::TowardZero).valueOr(Quantity());
        t.quantity = e.kind < 3 ? quarter : bar.volume.sub(*quarter.mulInt(3)).valueOr(quarter);
        const Price prev = e.kind == 0 ? (e.bar > 0 ? s.bars[e.bar - 1].close : bar.open) : tickPrice(bar, e.kind - 1);
        t.aggressor = t.price < prev ? Side::Sell : Side::Buy;
        t.tradeId = QStringLiteral("replay-%1-%2").arg(bar.openTimeMs).arg(e.kind).toStdString();
        Q_EMIT tradeReceived(s.id, t);
    }
    if (wantBars) {
        Bar forming = bar;
        forming.closed = false;
        forming.high = bar.open;
        forming.low = bar.open;
        for (int k = 1; k <= e.kind; ++k) {
            const Price p = tickPrice(bar, k);
            if (forming.high < p) forming.high = p;
            if (p < forming.low) forming.low = p;
        }
        forming.close = tickPrice(bar, e.kind);
        const Quantity quarter = bar.volume.divInt(4, bar.volume.scale(), RoundingMode::TowardZero).valueOr(Quantity());
        forming.volume = e.kind < 3 ? *quarter.mulInt(e.kind + 1) : bar.volume;
        forming.quoteVolume = Quantity::fromRaw(0, bar.quoteVolume.scale());
        forming.tradeCount = 0;
        Q_EMIT barUpdated(s.id, s.tf, forming);
    }
}

void ReplayFeed::setStatus(FeedState s, const QString& detail) {
    FeedStatus st;
    st.state = s;
    if (detail.isEmpty() && s == FeedState::Live)
        st.detail = m_speed <= 0 ? QStringLiteral("replay max speed") : QStringLiteral("replay %1x").arg(m_speed);
    else
        st.detail = detail;
    m_status = st;
    Q_EMIT statusChanged(m_status);
}

}  // namespace kairos::marketdata
