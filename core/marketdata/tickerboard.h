#pragma once
// TickerBoard: the core-side snapshot behind the watchlist. It folds trades, quotes, bars and
// venue 24h tickers into one Ticker per instrument and remembers which instruments changed, so
// a view can take the changes as one batch per frame (takeChanged) instead of one per tick.
// Not thread-safe: feed it and read it on one thread (the GUI thread's event loop).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"

#include <climits>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kairos::marketdata {

enum class SignalSide : std::uint8_t { None = 1, Long, Short, Hold };

/// The latest signal shown for an instrument (from the signal engine).
struct TickerSignal {
    SignalSide side = SignalSide::None;
    int confidence = 0;  ///< 0..100
    std::int64_t timeMs = 0;
    // Levels and reasons, when the signal engine gives them (prices as doubles: display only).
    std::optional<double> entry;
    std::optional<double> stopLoss;
    std::vector<double> takeProfits;   ///< TP1..TP3
    std::vector<std::string> reasons;  ///< what contributed, e.g. "RSI(14) 28 < 30"
};

/// A venue's own 24h statistics (e.g. Binance 24hrTicker), when the feed provides them.
struct Stats24h {
    Price open;  ///< price 24h ago
    Price high;
    Price low;
    Quantity volume;
    Quantity quoteVolume;
};

struct Ticker {
    InstrumentId id;
    std::optional<Price> last;
    std::optional<Price> bid;
    std::optional<Price> ask;
    std::optional<Price> open24h;  ///< price 24h before the last update
    std::optional<Price> high24h;
    std::optional<Price> low24h;
    std::optional<Price> sessionOpen;  ///< open of the current UTC day's bar
    Quantity volume24h;
    Quantity quoteVolume24h;
    std::int64_t updatedMs = 0;  ///< market time of the last update (0: none yet)
    int direction = 0;           ///< +1 last moved up, -1 down, 0 unchanged/unknown
    TickerSignal signal;
    std::vector<double> sparkline;  ///< last N closes, oldest first

    /// last / open24h - 1, in percent; nullopt when either is unknown.
    std::optional<double> change24hPct() const;
    std::optional<double> changeSessionPct() const;
    std::optional<double> spread() const;
};

class TickerBoard {
public:
    /// `sparklineLength`: closes kept per instrument for the sparkline.
    explicit TickerBoard(std::size_t sparklineLength = 48);

    /// Adds an instrument (no-op when present). Returns its row index.
    std::size_t add(const InstrumentId& id);
    void remove(const InstrumentId& id);
    /// Moves the row at `from` so that it ends up at index `to` (both < size()).
    void move(std::size_t from, std::size_t to);
    /// Removes every instrument.
    void clear();
    std::size_t size() const { return m_tickers.size(); }
    const Ticker& at(std::size_t row) const { return m_tickers[row]; }
    /// Row of `id`, or -1.
    long indexOf(const InstrumentId& id) const;

    void onTrade(const InstrumentId& id, const Trade& trade);
    void onQuote(const InstrumentId& id, const Quote& quote);
    /// Closed bars feed the sparkline and, when the venue sends no 24h ticker, the rolling 24h
    /// statistics (from the bars of the last 24 h); forming bars update the last price only.
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    void onStats24h(const InstrumentId& id, const Stats24h& stats, std::int64_t timeMs);
    void onSignal(const InstrumentId& id, const TickerSignal& signal);

    /// Rows changed since the last call, ascending and without duplicates; clears the set.
    std::vector<std::size_t> takeChanged();

private:
    struct Rolling {
        std::deque<Bar> bars;  // closed bars of the last 24 h
        Timeframe tf = Timeframe::H1;
        bool venueStats = false;                // a venue 24h ticker wins over bars
        std::int64_t sessionDayMs = INT64_MIN;  // UTC day of sessionOpen
    };
    Ticker* find(const InstrumentId& id, std::size_t* row);
    void markChanged(std::size_t row);
    void setLast(Ticker& t, const Price& p, std::int64_t timeMs);
    void recomputeRolling(Ticker& t, Rolling& r);
    void startSession(Ticker& t, Rolling& r, std::int64_t timeMs, const Price& open);

    std::size_t m_sparklineLength;
    std::vector<Ticker> m_tickers;
    std::vector<Rolling> m_rolling;
    std::unordered_map<InstrumentId, std::size_t> m_index;
    std::vector<char> m_changedFlag;
    std::vector<std::size_t> m_changed;
};

}  // namespace kairos::marketdata
