#pragma once
// What a backtest produced and the statistics over it. Money amounts (capital, P&L, fees,
// drawdown) are fixed-point and exact; ratios, percentages and averages are doubles
// (shared/DESIGN.md "Numbers").
//
// Definitions (also in README-h8.md):
// - net profit = final equity - initial capital; total return % = net profit / initial capital.
// - CAGR = (final / initial)^(1 / years) - 1 with years = (end - start) / 365.25 days, start =
//   the first bar's open, end = the last bar's close.
// - max drawdown: the largest fall of the equity curve (marked to market at every bar's close,
//   starting from the initial capital) from a running peak, in money and in % of that peak, with
//   the peak's and the trough's time.
// - returns r_i = E_i / E_{i-1} - 1 per bar (E_{-1} = initial capital). Sharpe = mean(r) /
//   stdev(r) (sample, n-1) * sqrt(P); Sortino = mean(r) / sqrt(sum(min(r,0)^2) / n) * sqrt(P);
//   risk-free rate 0; P = bars per year observed in the data = bars / years (so 24/7 crypto
//   hours give ~8,766, exchange-traded daily bars ~252). Annualised volatility % = stdev(r) x
//   sqrt(P) x 100 (the same sample stdev).
// - Calmar = CAGR % / max drawdown % (0 without a drawdown).
// - max drawdown duration: the longest time the equity spent below a running peak, from the
//   peak's close to the first close back at or above it (or to the last close, if never), in
//   ms and in bars.
// - streaks: the longest runs of consecutive winning / losing trades (a 0 trade ends both).
// - trades: closed round trips; a win has net P&L > 0, a loss net P&L < 0 (0 is neither).
//   profit factor = gross profit / |gross loss| (sums of the winners' and losers' net P&L;
//   +inf with no loss, 0 with neither); win rate = wins / trades; expectancy = net P&L summed
//   over trades / trades (the average trade).
// - exposure % = bars that ended with a position open / bars.
// - buy & hold % = last bar's close / first bar's open - 1 (no fees), for comparison; excess
//   return % = total return % - buy & hold %.
// - R multiple of a trade = net P&L / initial risk, initial risk = |average entry - the entry's
//   bracket stop| x quantity (trades whose entry carried a stop: formula --stop, signal); average
//   R = their mean (0 and tradesWithR = 0 when no trade had a stop).
// - monthly / yearly returns: a bar belongs to the UTC month (year) its close time minus 1 ms falls
//   in (the period it ends in); a period's return % = its last equity point / the equity at the end
//   of the period before (the initial capital for the first) - 1. Every period from the first bar's
//   to the last bar's is listed, in time order.

#include "domain/decimal.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kairos::backtest {

enum class PositionSide : std::uint8_t { Long = 1, Short };

/// Why a trade ended.
enum class ExitReason : std::uint8_t {
    StopLoss = 1,  ///< the bracket's stop order filled
    TakeProfit,    ///< the bracket's take-profit order filled
    Signal,        ///< the strategy closed it (e.g. an opposite signal)
    EndOfData,     ///< still open after the last bar: closed at that bar's close
    Cancelled,     ///< the run was cancelled: closed at the last processed bar's close
};

/// One closed round trip (entry fills to the fill that brought the position back to flat).
struct TradeRecord {
    PositionSide side = PositionSide::Long;
    std::int64_t entryTimeMs = 0;  ///< time of the entry fill (the fill bar's open time)
    std::int64_t exitTimeMs = 0;   ///< time of the exit fill
    Price entryPrice;              ///< average entry fill price (4 more decimals than the fills, half-even)
    Price exitPrice;               ///< average exit fill price
    Quantity quantity;             ///< > 0
    Money grossPnl;                ///< (exit - entry) * qty, sign-adjusted for shorts
    Money fees;                    ///< entry and exit fees (>= 0)
    Money netPnl;                  ///< grossPnl - fees
    ExitReason exitReason = ExitReason::Signal;
    int barsHeld = 0;  ///< bars from the entry fill bar to the exit fill bar
    /// |average entry - the entry's bracket stop| x quantity (quote asset); 0 when it had no stop.
    double initialRisk = 0;
};

/// A position still open at the end of a run (BacktestSettings::atEnd = Keep).
struct OpenPosition {
    PositionSide side = PositionSide::Long;
    Quantity quantity;             ///< > 0
    Price entryPrice;              ///< average entry fill price (4 more decimals than the fills)
    std::int64_t entryTimeMs = 0;  ///< the first entry fill's time
};

/// The return of one calendar month, or of one year (month = 0), in UTC.
struct PeriodReturn {
    int year = 0;
    int month = 0;  ///< 1..12; 0 for a whole year
    double returnPct = 0;
    Money endEquity;  ///< equity at the period's last bar close
};

/// Equity marked to market at one bar's close.
struct EquityPoint {
    std::int64_t timeMs = 0;  ///< the bar's close time
    Money equity;
    bool inMarket = false;  ///< a position was open at that close
};

struct Metrics {
    Money initialCapital;
    Money finalEquity;
    Money netProfit;
    Money grossProfit;  ///< sum of the winning trades' net P&L
    Money grossLoss;    ///< sum of the losing trades' net P&L (<= 0)
    Money totalFees;
    double totalReturnPct = 0;
    double cagrPct = 0;
    Money maxDrawdown;          ///< >= 0
    double maxDrawdownPct = 0;  ///< >= 0, of the running peak
    std::int64_t maxDrawdownPeakMs = 0;
    std::int64_t maxDrawdownTroughMs = 0;
    double sharpe = 0;
    double sortino = 0;
    double periodsPerYear = 0;  ///< the annualisation factor P used above
    double riskFreeRate = 0;    ///< always 0: Sharpe and Sortino are of the raw returns
    double annualVolatilityPct = 0;
    double calmar = 0;
    std::int64_t maxDrawdownDurationMs = 0;
    std::int64_t maxDrawdownDurationBars = 0;
    int longestWinStreak = 0;
    int longestLossStreak = 0;
    double profitFactor = 0;
    double winRatePct = 0;
    double averageWin = 0;   ///< mean net P&L of the wins (quote currency)
    double averageLoss = 0;  ///< mean net P&L of the losses (<= 0)
    double expectancy = 0;   ///< mean net P&L per trade
    int trades = 0;
    int wins = 0;
    int losses = 0;
    double exposurePct = 0;
    double buyHoldReturnPct = 0;
    double excessReturnPct = 0;  ///< totalReturnPct - buyHoldReturnPct
    double averageR = 0;         ///< mean R multiple of the trades with a stop (see above)
    int tradesWithR = 0;
    std::vector<PeriodReturn> monthlyReturns;  ///< in time order
    std::vector<PeriodReturn> yearlyReturns;   ///< in time order
    std::int64_t startMs = 0;                  ///< first bar's open
    std::int64_t endMs = 0;                    ///< last bar's close
    std::int64_t bars = 0;
};

/// Statistics of a run. `equity` holds one point per processed bar; `firstOpenMs` is the first
/// bar's open time; `buyHoldReturnPct` comes from the bars (see above). Error when the money
/// sums overflow or the capital is not positive.
Result<Metrics> computeMetrics(const std::vector<TradeRecord>& trades, const std::vector<EquityPoint>& equity,
                               const Money& initialCapital, std::int64_t firstOpenMs, double buyHoldReturnPct);

/// A UTC calendar date.
struct CivilDate {
    int year = 1970;
    int month = 1;  ///< 1..12
    int day = 1;    ///< 1..31
};
/// The UTC date of a time in ms since the epoch (any sign).
CivilDate civilDate(std::int64_t ms);
/// Midnight UTC of a date, in ms since the epoch.
std::int64_t utcMs(int year, int month, int day);

/// Monthly (byYear = false) or yearly returns of an equity curve that starts at `initialCapital`
/// (definition above); empty for an empty curve.
std::vector<PeriodReturn> periodReturns(const std::vector<EquityPoint>& equity, const Money& initialCapital, bool byYear);

std::string toString(ExitReason r);
std::string toString(PositionSide s);

}  // namespace kairos::backtest
