#pragma once
// Portfolio: the ledger of one account — cash, one net position per instrument, realized and
// unrealized P&L, fees, equity. Fed with fills from any venue (backtest, paper, live).
//
// Netting rules:
// * One net position per instrument: quantity > 0 long, < 0 short. A buy adds to a long or
//   reduces a short; a sell the reverse. A fill larger than the position closes it and opens
//   the rest on the other side at the fill price.
// * Average cost: a fill that increases the position adds price x quantity to the cost basis;
//   a fill that reduces it removes the pro-rata share of the cost basis (rounded half-to-even
//   at the money scale; the last unit of a position takes exactly what is left, so a round trip
//   adds up to the cent). The average entry is cost basis / quantity and does not change on a
//   partial close.
// * Realized P&L is gross of fees: closed quantity x (exit - average entry), sign-adjusted for
//   shorts. Fees are kept apart (feesPaid) and come out of cash, so
//   equity = starting cash + realized + unrealized - fees, exactly.
// * Cash: a buy pays price x quantity, a sell receives it (also when it opens a short); every
//   fee is paid from cash. Equity = cash + sum(quantity x mark price).
// * Unrealized P&L = quantity x mark - cost basis, with the mark price from mark() or else the
//   last fill price of that instrument.
// * One account currency: every instrument's quote asset is assumed to be it (no FX).
// * No margin, leverage or buying-power checks here (cash may go negative): that is the risk
//   manager's job, which does not exist yet.

#include "domain/decimal.h"
#include "domain/instrument.h"
#include "trading/order.h"
#include "util/result.h"

#include <map>
#include <optional>
#include <vector>

namespace kairos::trading {

struct Position {
    InstrumentId instrument;
    Quantity quantity;  ///< signed: > 0 long, < 0 short, 0 flat
    Money costBasis;    ///< signed like quantity: sum of open price x quantity
    Money realizedPnl;  ///< gross of fees, since the ledger began
    Money feesPaid;
    std::optional<Price> markPrice;  ///< latest price known (mark() or last fill)

    bool isFlat() const { return quantity.isZero(); }
    bool isLong() const { return !quantity.isZero() && !quantity.isNegative(); }
    /// |cost basis| / |quantity| at `scale` (HalfEven); zero when flat.
    Price averageEntry(int scale) const;
    /// quantity x mark - cost basis at `moneyScale`; zero without a mark or when flat.
    Money unrealizedPnl(int moneyScale) const;

    friend bool operator==(const Position&, const Position&) = default;
};

class Portfolio {
public:
    /// `startingCash` in the account currency; every Money the ledger returns has `moneyScale`
    /// decimals (it should match VenueRules::moneyScale).
    explicit Portfolio(Money startingCash = Money::fromRaw(0, 8), int moneyScale = 8);

    /// Books one fill. Error (ledger unchanged) when a value overflows or the fill is malformed
    /// (zero or negative quantity or price, negative fee).
    Status applyFill(const Fill& fill);
    /// Sets the mark price used for unrealized P&L and equity.
    void mark(const InstrumentId& instrument, const Price& price);

    int moneyScale() const { return m_scale; }
    Money startingCash() const { return m_startingCash; }
    Money cash() const { return m_cash; }
    Money realizedPnl() const;
    Money unrealizedPnl() const;
    Money feesPaid() const;
    /// cash + sum(quantity x mark); a position without a mark is valued at its cost basis.
    Money equity() const;

    /// The position of `instrument`, flat or not; nullptr when it never traded.
    const Position* position(const InstrumentId& instrument) const;
    /// Open (non-flat) positions, by instrument.
    std::vector<Position> openPositions() const;
    /// Every instrument that ever traded (flat ones keep their realized P&L and fees).
    std::vector<Position> allPositions() const;

    /// Replaces the whole state (restoring from storage). Positions must have the ledger's
    /// money scale for their Money fields.
    void restore(Money startingCash, Money cash, const std::vector<Position>& positions);

private:
    Money m_startingCash;
    Money m_cash;
    int m_scale;
    std::map<InstrumentId, Position> m_positions;
    // equity() until the next change (a backtest reads it twice per bar: the equity curve and the
    // strategy's context). Like the rest of the ledger, used from its account's thread only.
    mutable std::optional<Money> m_equity;
};

}  // namespace kairos::trading
