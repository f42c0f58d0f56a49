#pragma once
// BinanceBookSync: a local Binance spot order book kept exactly as Binance documents it
// ("How to manage a local order book correctly", shared/reference/EXCHANGES.md §1.3):
//   1. buffer diff events (`<symbol>@depth`), note the first U;
//   2. fetch the REST snapshot; if its lastUpdateId is older than the buffered events, fetch again;
//   3. drop buffered events with u <= lastUpdateId, set the book to the snapshot;
//   4. per event: u < book id -> ignore; U > book id + 1 -> a gap: discard the book and start
//      over at 1; else apply the levels (qty 0 removes) and set book id = u.
// Pure logic without I/O, so recorded streams can be replayed through it in tests.

#include "marketdata/binancecodec.h"
#include "marketdata/orderbook.h"

#include <QString>

#include <deque>

namespace kairos::marketdata::binance {

class BookSync {
public:
    enum class Step : std::uint8_t {
        Buffered = 1,   ///< kept until the snapshot arrives
        Ignored,        ///< older than the book
        Applied,        ///< the book changed
        FetchSnapshot,  ///< the caller must fetch a REST snapshot (first time, stale snapshot, or a gap)
        Synced,         ///< onSnapshot(): the book is now in sync
    };

    explicit BookSync(std::size_t maxBuffered = 20'000) : m_maxBuffered(maxBuffered) {}

    /// A diff event from the stream.
    Step onEvent(const DepthEvent& e);
    /// The snapshot fetched after a FetchSnapshot; `generation` is the value of generation()
    /// when it was requested (older answers are ignored: Step::Ignored).
    Step onSnapshot(const DepthSnapshot& s, int generation);
    /// Forgets the book and the buffer (reconnect): the next event starts over.
    void reset(const QString& reason);

    bool isSynced() const { return m_synced; }
    bool isSnapshotPending() const { return m_snapshotPending; }
    const OrderBook& book() const { return m_book; }
    /// Changes on every reset/resync; pass it back with onSnapshot().
    int generation() const { return m_generation; }
    /// Why the last FetchSnapshot/reset happened ("gap: book at 160, next event starts at 165");
    /// empty for the very first snapshot.
    const QString& resyncReason() const { return m_reason; }
    /// Diff events applied to the book so far.
    std::int64_t appliedCount() const { return m_applied; }
    /// Buffered events dropped because the snapshot already covered them (last sync).
    std::int64_t droppedOnSync() const { return m_droppedOnSync; }

private:
    Step apply(const DepthEvent& e);
    Step startOver(const QString& reason, const DepthEvent* keep);

    OrderBook m_book;
    std::deque<DepthEvent> m_buffer;
    std::size_t m_maxBuffered;
    bool m_synced = false;
    bool m_snapshotPending = false;
    int m_generation = 0;
    QString m_reason;
    std::int64_t m_applied = 0;
    std::int64_t m_droppedOnSync = 0;
};

}  // namespace kairos::marketdata::binance
