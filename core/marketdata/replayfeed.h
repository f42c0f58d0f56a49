#pragma once
// ReplayFeed: replays stored real bars as if they were live, the terminal's embedded default
// when no exchange is configured.
//
// Each bar becomes four implied trades at 0, 1/4, 2/4 and 3/4 of its duration with the prices
// open, then low and high (low first when the bar closed up, high first when it closed down, the
// usual OHLC path assumption), then close; each trade carries a quarter of the bar's volume (the
// last one the remainder, so they sum exactly). With every implied trade the forming bar is
// published (closed == false); at the bar's end the real bar is published with closed == true.
// Series are merged in time order on one replay clock. Replay has no order-book data, so
// subscribeQuotes() is accepted but publishes nothing.

#include "marketdata/marketdatafeed.h"

#include <QTimer>

#include <cstdint>
#include <functional>
#include <set>
#include <utility>
#include <vector>

namespace kairos::marketdata {

class ReplayFeed : public MarketDataFeed {
    Q_OBJECT
public:
    explicit ReplayFeed(QObject* parent = nullptr);
    ~ReplayFeed() override;

    /// Adds a series (bars in increasing open time). Call before start(); a series added later
    /// is merged in and replay continues from the current clock.
    void addSeries(const InstrumentId& id, Timeframe tf, std::vector<Bar> bars);
    /// The bars of a series up to (and including the forming part of) the replay clock, for
    /// charts that open mid-replay: closed bars with open time + duration <= clockMs().
    std::vector<Bar> closedBars(const InstrumentId& id, Timeframe tf) const;
    std::vector<std::pair<InstrumentId, Timeframe>> seriesList() const;

    /// Replay speed: 1 = real time, 60 = a minute per second, 0 = as fast as possible ("max").
    void setSpeed(double speed);
    double speed() const { return m_speed; }

    /// Starts (or restarts from the current position) the timer-driven replay.
    void start();
    void pause();
    void resume();
    bool isPaused() const { return m_paused; }
    bool isFinished() const { return m_cursor >= m_events.size(); }
    /// Moves the replay to `timeMs`: the next event published is the first at or after it.
    void seek(std::int64_t timeMs);
    /// Publishes every event with time <= timeMs now, synchronously; returns how many.
    /// For tests and tools; independent of the timer and of the wall clock.
    std::size_t advanceTo(std::int64_t timeMs);

    /// The replay clock (UTC ms of replayed time).
    std::int64_t clockMs() const { return m_clockMs; }
    std::int64_t firstTimeMs() const;
    std::int64_t lastTimeMs() const;

    /// Replaces the wall clock (ms, monotonic) used to pace the replay; for tests.
    void setWallClock(std::function<std::int64_t()> nowMs);
    /// Drives one timer step now (what the timer does when it fires); for tests.
    void tick();

    QString name() const override { return QStringLiteral("REPLAY"); }
    FeedStatus status() const override { return m_status; }
    void subscribeTrades(const InstrumentId& id) override { m_tradeSubs.insert(id); }
    void unsubscribeTrades(const InstrumentId& id) override { m_tradeSubs.erase(id); }
    void subscribeQuotes(const InstrumentId&) override {}
    void unsubscribeQuotes(const InstrumentId&) override {}
    void subscribeBars(const InstrumentId& id, Timeframe tf) override { m_barSubs.insert({id, tf}); }
    void unsubscribeBars(const InstrumentId& id, Timeframe tf) override { m_barSubs.erase({id, tf}); }

Q_SIGNALS:
    /// The replay clock moved (at most a few times per second while running at real speeds).
    void clockChanged(qint64 replayMs);
    void finished();

private:
    struct Series {
        InstrumentId id;
        Timeframe tf;
        std::vector<Bar> bars;
        std::vector<std::int64_t> ends;  // close time of each bar
    };
    struct Event {
        std::int64_t timeMs;
        std::uint32_t series;
        std::uint32_t bar;
        std::uint8_t kind;  // 0..3 implied trade, 4 bar closed
    };
    void rebuildEvents();
    void publish(const Event& e);
    void setStatus(FeedState s, const QString& detail);
    void scheduleNext();
    void anchor();

    std::vector<Series> m_series;
    std::vector<Event> m_events;
    std::size_t m_cursor = 0;
    std::int64_t m_clockMs = 0;
    double m_speed = 60;
    bool m_paused = false;
    bool m_running = false;
    std::int64_t m_wallAnchor = 0;
    std::int64_t m_virtAnchor = 0;
    std::function<std::int64_t()> m_wallClock;
    QTimer m_timer;
    FeedStatus m_status;
    std::set<InstrumentId> m_tradeSubs;
    std::set<std::pair<InstrumentId, Timeframe>> m_barSubs;
};

}  // namespace kairos::marketdata
