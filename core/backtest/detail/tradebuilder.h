#pragma once
// Turns a stream of fills for one instrument into closed round trips (TradeRecord): a trade opens
// with the fill that leaves the flat position, grows with fills on its side, shrinks with fills on
// the other side and closes with the fill that brings the position back to zero. A fill larger
// than the position (a reversal in one fill) closes the trade and opens the next with the rest;
// its fee is split between the two in proportion to quantity. Amounts are exact at moneyScale.

#include "backtest/metrics.h"
#include "trading/order.h"

#include <optional>
#include <vector>

namespace kairos::backtest::detail {

class TradeBuilder {
public:
    explicit TradeBuilder(int moneyScale) : m_scale(moneyScale) {}

    /// `role`: the role of the order that filled (nullopt: the engine's own closing fill); it
    /// gives the exit reason unless `reason` says otherwise. `barIndex`: the bar of the fill.
    Status onFill(const trading::Fill& fill, std::optional<trading::OrderRole> role, std::size_t barIndex,
                  std::optional<ExitReason> reason = std::nullopt);
    /// The open trade's initial stop (the first one noted wins): its risk, |average entry - stop| x
    /// quantity, goes into TradeRecord::initialRisk. No effect when flat.
    void noteStop(const Price& stop);
    bool isOpen() const { return m_open.has_value(); }
    /// The trade still open (side, open quantity, average entry price, first entry fill's time);
    /// nullopt when flat.
    std::optional<OpenPosition> openPosition() const;
    std::vector<TradeRecord> take() { return std::move(m_done); }

private:
    /// Sum of price x quantity without rounding (for average prices).
    struct ExactSum {
        kairos::detail::Int128 value = 0;
        int scale = 0;
        void add(const Price& p, const Quantity& q);
        /// sum / qty at `scale`, half-even.
        Price average(const Quantity& qty, int scale) const;
    };
    struct Open {
        PositionSide side = PositionSide::Long;
        std::int64_t entryTimeMs = 0;
        std::size_t entryBar = 0;
        Quantity qty;         ///< still open
        Quantity entryQty;    ///< all entry fills
        Money entryNotional;  ///< at the money scale, as the ledger books it
        ExactSum entryExact;
        Quantity exitQty;
        Money exitNotional;
        ExactSum exitExact;
        Money fees;
        int entryPriceScale = 0;
        std::optional<Price> stop;
    };
    Status open(const trading::Fill& fill, const Quantity& qty, const Money& fee, std::size_t barIndex);
    Status finish(const trading::Fill& fill, std::size_t barIndex, ExitReason reason);

    int m_scale;
    std::optional<Open> m_open;
    std::vector<TradeRecord> m_done;
};

}  // namespace kairos::backtest::detail
