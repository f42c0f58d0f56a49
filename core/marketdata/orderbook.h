#pragma once
// OrderBook: an L2 book (price -> aggregated quantity per side), kept by the venue adapters from
// a snapshot plus incremental updates. The synchronisation rules (update ids, sequence numbers,
// checksums) are venue-specific and live next to each adapter; this class only holds levels.

#include "marketdata/marketdatatypes.h"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace kairos::marketdata {

class OrderBook {
public:
    using BidMap = std::map<Price, Quantity, std::greater<Price>>;  ///< best (highest) first
    using AskMap = std::map<Price, Quantity, std::less<Price>>;     ///< best (lowest) first

    /// Removes every level and resets the update id to 0.
    void clear();
    /// Replaces the whole book. Levels with a zero quantity are ignored.
    void setSnapshot(const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks, std::int64_t updateId);
    /// Sets one bid level to an absolute quantity; zero removes it.
    void setBid(const Price& price, const Quantity& qty);
    /// Sets one ask level to an absolute quantity; zero removes it.
    void setAsk(const Price& price, const Quantity& qty);
    /// Applies every level of an update (absolute quantities).
    void apply(const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks);
    /// Keeps only the best `depth` levels per side (Kraken: after every message).
    void truncate(std::size_t depth);

    std::int64_t updateId() const { return m_updateId; }
    void setUpdateId(std::int64_t id) { m_updateId = id; }

    std::optional<BookLevel> bestBid() const;
    std::optional<BookLevel> bestAsk() const;
    /// Best bid >= best ask: a book that went wrong (or a venue in auction).
    bool isCrossed() const;
    bool isEmpty() const { return m_bids.empty() && m_asks.empty(); }

    const BidMap& bids() const { return m_bids; }
    const AskMap& asks() const { return m_asks; }
    /// The best `depth` levels per side.
    BookTop top(std::size_t depth, std::int64_t timeMs = 0) const;

    friend bool operator==(const OrderBook&, const OrderBook&) = default;

private:
    BidMap m_bids;
    AskMap m_asks;
    std::int64_t m_updateId = 0;
};

}  // namespace kairos::marketdata
