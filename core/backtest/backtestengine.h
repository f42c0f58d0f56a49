#pragma once
// BacktestEngine: runs a Strategy over a bar series with the same order code as paper and live
// trading (core/trading's fill simulator in bar mode and its portfolio ledger).
//
// It is the trading kernel's own pieces, as a paper account uses them: a BacktestVenue (the
// simulator on the backtest clock), an in-memory Account (the ledger) and a StrategyRunner.
//
// Per bar t, in this order:
//   1. orders working before bar t fill against bar t (market orders at its open, stops and
//      limits when its range reaches them, bracket children after their entry; the simulator's
//      rules for fees, slippage and same-bar conflicts apply);
//   2. the position is marked at bar t's close (one equity point);
//   3. the strategy sees bar t (closed) and may submit or cancel orders, which can fill from
//      bar t+1 on.
// So a decision made on bar t's close never sees bar t+1 (no look-ahead). After the last bar
// (or on cancellation) an open position is closed at the last processed close, without slippage
// and with the taker fee, and recorded with exit reason EndOfData (Cancelled) -- or, with
// AtEnd::Keep, kept open, marked at that close and reported as openPosition. With
// FillAt::ThisClose, step 3 is followed by a fill of the orders just decided at bar t's close.
//
// Blocking and CPU-bound: run it on a worker thread (QtConcurrent::run), never the GUI thread.

#include "backtest/metrics.h"
#include "backtest/strategy.h"
#include "domain/timeframe.h"
#include "trading/fillsimulator.h"
#include "trading/ordergateway.h"
#include "trading/venuerules.h"

#include <functional>
#include <optional>
#include <stop_token>
#include <vector>

namespace kairos::storage {
class CandleStore;
}

namespace kairos::backtest {

/// When a market order decided on a bar's close fills.
enum class FillAt : std::uint8_t {
    NextOpen = 1,  ///< the next bar's open (default)
    ThisClose,     ///< the decision bar's own close (after the strategy saw it)
};

/// What happens to a position still open after the last bar.
enum class AtEnd : std::uint8_t {
    Close = 1,  ///< closed at the last close (taker fee, no slippage), exit reason "end of data"
    Keep,       ///< kept: marked at the last close, reported in BacktestResult::openPosition
};

struct BacktestSettings {
    /// What is traded: id, tick and lot size, precisions (sizes are rounded to the lot size).
    Instrument instrument;
    Timeframe timeframe = Timeframe::H1;
    /// Starting cash in the quote asset.
    Money initialCapital = Money::fromRaw(10000, 0);
    /// Fees (maker/taker bp), slippage (bp, on taker fills) and the scale of money values.
    trading::VenueRules rules;
    /// When a bracket's stop-loss and take-profit both lie inside one bar: stop-loss first (default).
    trading::BracketTieRule tieRule = trading::BracketTieRule::StopLossFirst;
    /// Largest share of a bar's volume one order may take per bar, in percent (1..100); 0 = no
    /// limit. The rest waits for the next bars (partial fills).
    int maxBarVolumePercent = 0;
    /// Pre-trade checks every order of the strategy passes through (the account's OrderGateway, as
    /// on paper and live); a refused order is counted in rejectedOrders and never reaches the venue.
    std::vector<trading::PreTradeCheck> checks;
    /// Fill timing of orders decided on a bar: NextOpen (default) or ThisClose. ThisClose feeds the
    /// fill simulator, right after the strategy's decision, a one-price bar at the close (its range
    /// only the slippage around the close, so market orders fill there with slippage and orders
    /// resting since earlier bars cannot fill twice); its fills carry the decision bar's close time.
    FillAt fillAt = FillAt::NextOpen;
    /// Close (the engine's historic default, kept for the signal strategy's golden masters) or Keep.
    AtEnd atEnd = AtEnd::Close;
};

/// An order the strategy submitted, as it ended up.
struct OrderLogEntry {
    trading::Order order;
    std::int64_t decidedMs = 0;  ///< the close time of the bar on which it was submitted
};

struct BacktestResult {
    std::string strategyName;
    std::vector<TradeRecord> trades;
    std::vector<EquityPoint> equity;  ///< one point per processed bar
    std::vector<OrderLogEntry> orders;
    /// Every fill the account booked, in order (the close at the end of the data last, order id 0).
    std::vector<trading::Fill> fills;
    Metrics metrics;
    bool cancelled = false;  ///< stopped early: everything covers the processed bars only
    std::int64_t barsProcessed = 0;
    std::int64_t barsTotal = 0;
    int rejectedOrders = 0;
    /// AtEnd::Keep: the position still open after the last bar (not in `trades`); nullopt if flat.
    std::optional<OpenPosition> openPosition;
    /// Cash at the end (final equity = cash + the open position at the last close).
    Money finalCash;
};

/// (bars processed, bars total); called from the running thread every ~0.5 % of the bars and at
/// the end.
using ProgressFn = std::function<void(std::int64_t, std::int64_t)>;

/// Default instrument rules for a series read from a file: tick = the smallest price step
/// written in it (10^-priceScale), lot 10^-8, no minimum notional.
Instrument instrumentForFile(const InstrumentId& id, int priceScale);

class BacktestEngine {
public:
    explicit BacktestEngine(BacktestSettings settings);

    /// Runs `strategy` (fresh: it keeps state between bars) over `bars` (closed, in time order,
    /// at settings().timeframe). Error for empty or unordered bars or bad settings; a cancelled
    /// run is not an error: its partial result has cancelled = true.
    Result<BacktestResult> run(Strategy& strategy, const std::vector<Bar>& bars, const ProgressFn& progress = {},
                               const std::stop_token& stop = {}) const;
    /// Same over the stored bars with fromMs <= open time < toMs.
    Result<BacktestResult> run(Strategy& strategy, const storage::CandleStore& store, std::int64_t fromMs, std::int64_t toMs,
                               const ProgressFn& progress = {}, const std::stop_token& stop = {}) const;

    const BacktestSettings& settings() const { return m_settings; }

private:
    BacktestSettings m_settings;
};

}  // namespace kairos::backtest
