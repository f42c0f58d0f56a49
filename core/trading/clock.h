#pragma once
// Clocks: where a venue reads "now" (UTC ms since the epoch). Venues never call the wall clock
// themselves; they are given one of these, so the same venue code runs on a backtest's bar time,
// a replay's clock or the wall clock (after Nautilus Trader's TestClock / LiveClock).
//
// Thread: a clock is read on the thread of the venue that holds it.

#include <QDateTime>

#include <cstdint>

namespace kairos::trading {

/// The port: the current time in UTC ms.
class IClock {
public:
    virtual ~IClock() = default;
    virtual std::int64_t nowMs() const = 0;
};

/// The computer's clock (live venues, and the paper venue before any price has arrived).
class WallClock final : public IClock {
public:
    std::int64_t nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};

/// A clock that only moves when told: the backtest clock (set to each bar's open, then its close)
/// and the replay clock (set to each replayed event's time). It never goes backwards: setting an
/// earlier time is ignored, so events that arrive out of order cannot make time run back.
class ManualClock final : public IClock {
public:
    explicit ManualClock(std::int64_t startMs = 0) : m_nowMs(startMs) {}
    std::int64_t nowMs() const override { return m_nowMs; }
    /// Moves to `ms` when it is later than now.
    void advanceTo(std::int64_t ms) {
        if (ms > m_nowMs) m_nowMs = ms;
    }

private:
    std::int64_t m_nowMs;
};

}  // namespace kairos::trading
