#include "marketdata/binancebook.h"

namespace kairos::marketdata::binance {

BookSync::Step BookSync::onEvent(const DepthEvent& e) {
    if (m_synced) return apply(e);
    m_buffer.push_back(e);
    // The snapshot covers whatever is dropped here, or it is refetched (stale check below).
    while (m_buffer.size() > m_maxBuffered) m_buffer.pop_front();
    if (!m_snapshotPending) {
        m_snapshotPending = true;
        return Step::FetchSnapshot;
    }
    return Step::Buffered;
}

BookSync::Step BookSync::onSnapshot(const DepthSnapshot& s, int generation) {
    if (generation != m_generation || m_synced) return Step::Ignored;
    m_snapshotPending = false;
    if (!m_buffer.empty() && s.lastUpdateId + 1 < m_buffer.front().firstUpdateId) {
        // Step 2: the snapshot is older than the first buffered event; events in between are
        // unknown. Fetch again (the buffer keeps growing meanwhile).
        m_reason = QStringLiteral("snapshot %1 is older than the first buffered event (U %2); fetching again")
                       .arg(s.lastUpdateId)
                       .arg(m_buffer.front().firstUpdateId);
        m_snapshotPending = true;
        return Step::FetchSnapshot;
    }
    m_droppedOnSync = 0;
    while (!m_buffer.empty() && m_buffer.front().finalUpdateId <= s.lastUpdateId) {
        m_buffer.pop_front();
        ++m_droppedOnSync;
    }
    m_book.setSnapshot(s.bids, s.asks, s.lastUpdateId);
    m_synced = true;
    while (!m_buffer.empty()) {
        DepthEvent e = std::move(m_buffer.front());
        m_buffer.pop_front();
        if (apply(e) == Step::FetchSnapshot) return Step::FetchSnapshot;
    }
    return Step::Synced;
}

BookSync::Step BookSync::apply(const DepthEvent& e) {
    const std::int64_t id = m_book.updateId();
    if (e.finalUpdateId <= id) return Step::Ignored;
    if (e.firstUpdateId > id + 1) {
        return startOver(QStringLiteral("update id gap: book at %1, next event starts at %2").arg(id).arg(e.firstUpdateId), &e);
    }
    m_book.apply(e.bids, e.asks);
    m_book.setUpdateId(e.finalUpdateId);
    ++m_applied;
    return Step::Applied;
}

BookSync::Step BookSync::startOver(const QString& reason, const DepthEvent* keep) {
    const DepthEvent kept = keep ? *keep : DepthEvent{};
    reset(reason);
    if (keep) m_buffer.push_back(kept);
    m_snapshotPending = true;
    return Step::FetchSnapshot;
}

void BookSync::reset(const QString& reason) {
    m_book.clear();
    m_buffer.clear();
    m_synced = false;
    m_snapshotPending = false;
    ++m_generation;
    m_reason = reason;
}

}  // namespace kairos::marketdata::binance
