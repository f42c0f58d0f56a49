#pragma once
// The performance report of a list of closed trades (TradeJournal) over a period: how many, how
// often they won, how much, and how deep the account fell on the way.
//
// Rules (every figure on net P&L, i.e. after fees, except average R which is gross like the R
// multiple itself):
// * Only trades whose exit time is in [fromMs, toMs) count. A win has net P&L > 0, a loss < 0;
//   a trade at exactly 0 is neither (it counts in `trades` and in the win rate's denominator).
// * win rate = wins / trades; profit factor = sum of wins / |sum of losses| (empty without a
//   loss); average win / loss = their sums / their counts (HalfEven at the money scale);
//   expectancy = net P&L / trades (equal to winRate x averageWin + lossRate x averageLoss).
// * average R over the trades that have one (an entry with a stop), empty when none has.
// * Equity curve: one point at fromMs with the starting equity (the accounts' starting cash plus
//   the net P&L of every trade that closed before fromMs), then one point per trade at its exit.
//   Max drawdown = the largest fall from a running peak to a later point, as an amount and as a
//   fraction of that peak (0.125 = 12.5 %).
//
// Pure functions on values; any thread.

#include "domain/decimal.h"
#include "trading/tradejournal.h"
#include "util/result.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace kairos::trading {

struct EquityPoint {
    std::int64_t timeMs = 0;
    Money equity;
    Money drawdown;  ///< peak so far - equity (>= 0)
};

struct PerformanceReport {
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    int trades = 0;
    int wins = 0;
    int losses = 0;
    double winRate = 0;  ///< 0..1; 0 without trades
    Money netPnl;        ///< sum of net P&L
    Money grossPnl;      ///< sum of P&L before fees
    Money fees;
    Money grossProfit;  ///< sum of the wins' net P&L
    Money grossLoss;    ///< sum of the losses' net P&L (<= 0)
    std::optional<double> profitFactor;
    std::optional<Money> averageWin;
    std::optional<Money> averageLoss;  ///< <= 0
    std::optional<Money> expectancy;   ///< net P&L per trade
    std::optional<double> averageR;
    int tradesWithR = 0;
    Money startEquity;
    Money endEquity;
    Money maxDrawdown;          ///< >= 0
    double maxDrawdownPct = 0;  ///< of the peak it fell from, 0..1
    std::vector<EquityPoint> equityCurve;
};

/// The report of `trades` (any order) over [fromMs, toMs) from `startingCash`. Error when a sum
/// overflows.
Result<PerformanceReport> performanceReport(const std::vector<ClosedTrade>& trades, const Money& startingCash,
                                            std::int64_t fromMs = std::numeric_limits<std::int64_t>::min(),
                                            std::int64_t toMs = std::numeric_limits<std::int64_t>::max());

}  // namespace kairos::trading
