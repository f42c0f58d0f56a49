#pragma once
// FillSimulator: the one matching engine behind the backtest and paper venues.
//
// It holds orders and decides when and at what price they fill, either against bars (backtests)
// or against quotes and trades (paper trading). It knows nothing of cash or positions: feed its
// fills to a Portfolio. Not thread-safe; one simulator per engine thread. Deterministic: the
// same calls in the same order give the same events.
//
// ## Bars (onBar) — buy side shown, sell is the mirror image
// No look-ahead: an order takes part only in bars that open at or after its creation time and
// that are passed to onBar after it was submitted. An order submitted on bar t's close
// (nowMs = bar t's close = bar t+1's open) can first fill in bar t+1. A bar whose open time is
// not later than the last bar seen for that instrument is ignored (no double fills).
// * Market: fills at bar.open moved by the slippage (capped at bar.high), taker.
// * Limit buy at L: if open <= L (the price gapped through, or the order was marketable on
//   arrival) it fills at the open (taker, slippage applied but never above L); else if
//   low <= L it fills at L (maker, no slippage). So the fill price is min(open, L) — the gap rule.
//   Touching L is enough in bars (the bar cannot tell whether the queue reached the order).
// * Stop buy at S: if open >= S it triggers at the open and fills at the open (gap: worse than
//   S); else if high >= S it fills at S; both taker with slippage, capped at bar.high. So the
//   fill price is max(open, S) before slippage.
// * Stop-limit buy (S, L): triggers like a stop at P = max(open, S); if P <= L it fills at P
//   (taker, capped at L), else it rests as a limit from the next bar (the path after the
//   trigger is unknown, so it does not fill in the trigger bar).
// * Brackets: when an entry fills, a stop-loss (Stop) and take-profit (Limit) for the filled
//   quantity are placed on the opposite side, one-cancels-the-other. In the entry's own bar the
//   stop-loss is checked (with the entry price as the bar's "open" from then on) and the
//   take-profit is not: pessimistic, the bar's adverse extreme may come after the entry, its
//   favourable extreme is assumed to have come before. In later bars, when both the stop-loss
//   and the take-profit lie inside one bar, the order is unknown: a gap at the open decides
//   (the level the open already passed fills at the open); otherwise config.tieRule decides,
//   StopLossFirst (default, pessimistic) or NearerToOpenFirst.
// * Partial fills: with config.maxBarVolumePercent > 0 an order fills at most that share of the
//   bar's volume per bar (rounded down to the lot); the rest waits for the next bar (IOC: is
//   cancelled).
// * IOC: takes part in the first bar (or quote/trade) after submission only; the rest is
//   cancelled. FOK: the same, but when the whole remaining quantity cannot fill there (the
//   volume cap, or no fill at all) nothing fills and the order is cancelled.
// * Post-only (TimeInForce::PostOnly, Binance LIMIT_MAKER): rejected on submission when the
//   reference price (ask/bid, last trade, else the last bar's close) already crosses its limit;
//   once resting it always fills at its limit as a maker, also when a bar gaps through it.
// * Trailing stops (OrderRequest::trailing; sell shown, buy mirrored): not active until the
//   activation price (the stop price, when given) is reached — at the open (active from the
//   open) or inside the bar (active from the bar's high on, no trigger before the close check
//   below); without one, active from the first bar's open. Active: the best price so far
//   includes the open; the stop = best x (1 - bips/10,000) or best - amount, rounded down to the
//   tick. open <= stop triggers at the open (gap); else low <= stop triggers at the stop
//   (pessimistic: the low is assumed to come before the bar's high raised the stop). Else the
//   high raises the best price, and when the close (which comes after the high) is at or below
//   the new stop it triggers there. A triggered trailing stop fills like a stop (taker,
//   slippage) or, as a stop-limit, like a triggered stop-limit. Each move of the stop is an
//   Amended event (so it is journalled).
// * OCO (OrderRequest::ocoStop): submit places the limit leg and a stop(-limit) leg, linked by
//   ocoSiblingId. A fill of either (even partial) or the stop leg's trigger cancels the other;
//   cancelling one cancels both. In one bar both legs are ordered like a bracket pair below.
// * Take-profit ladders (Bracket::takeProfits): each level is a take-profit for its share of
//   the entry's filled quantity (rounded down to the lot, the last level takes the rest); each
//   take-profit fill lowers the stop-loss's quantity (Amended) and cancels it when nothing is
//   left; a stop-loss fill cancels the take-profits (partial: it lowers them, last level first).
//   When several lie inside one bar: levels the open gapped through first, then (StopLossFirst)
//   the stop-loss, then the others nearest to the open first; with NearerToOpenFirst all by
//   distance to the open, the stop-loss winning ties.
//
// ## Quotes and trades (onQuote / onTrade) — paper trading
// Once an instrument has a quote or a trade, submit() matches at once against the latest one:
// * Market buy: at the ask (or, with no quote yet, the last trade price), slippage applied, taker.
// * Limit buy at L: marketable on arrival (ask <= L, or last trade <= L without a quote) fills
//   at that price (taker, never above L); otherwise it rests and fills at L (maker) when the ask
//   falls to L or below, or a trade prints strictly below L (trading through, so the queue
//   ahead of the order is gone).
// * Stop buy at S: triggers when the ask (or a trade) reaches S, fills at that price (taker,
//   slippage). Already reached on arrival: triggers at once.
// * Stop-limit: triggers like a stop, then behaves as a limit (marketable at the trigger price,
//   else resting).
// Quote and trade fills take the whole remaining quantity (no book depth is modelled).
//
// Fees: every fill pays config.rules.fees (maker or taker bp of its notional, HalfEven at the
// money scale). Rejections carry the reason from validateOrder().

#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/order.h"
#include "trading/venuerules.h"
#include "util/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

namespace kairos::trading {

/// Which bracket child fills when both lie inside one bar (see the file comment).
enum class BracketTieRule : std::uint8_t {
    StopLossFirst = 1,  ///< pessimistic (default)
    NearerToOpenFirst,  ///< the level nearer the bar's open is assumed reached first; ties: stop-loss
};

struct SimulatorConfig {
    VenueRules rules;
    BracketTieRule tieRule = BracketTieRule::StopLossFirst;
    /// Bars: largest share of a bar's volume one order may take per bar, in percent (1..100);
    /// 0 = no limit (an order always fills whole).
    int maxBarVolumePercent = 0;
};

class FillSimulator {
public:
    explicit FillSimulator(SimulatorConfig config = {});

    const SimulatorConfig& config() const { return m_config; }
    /// Registers (or replaces) the trading rules of an instrument. Orders for an instrument that
    /// was never added are rejected.
    void addInstrument(const Instrument& instrument);
    const Instrument* instrument(const InstrumentId& id) const;

    /// Validates and accepts an order at `nowMs` (UTC ms). Returns Accepted or Rejected, then any
    /// fills that happen at once (quotes/trades mode only).
    OrderEvents submit(OrderRequest request, std::int64_t nowMs);
    /// Cancels an open order (a bracket child's sibling is left alone). Error when the order is
    /// unknown or already final.
    Result<OrderEvents> cancel(OrderId id, std::int64_t nowMs);
    /// Moves an open order's price: a limit order's limit, an untriggered stop order's stop (a
    /// dragged SL/TP line, or a resting entry). The new price must pass the instrument's filters
    /// (tick size, min notional) and, once the instrument has live prices (quotes/trades mode),
    /// must not cross the market: a buy limit at or above the ask would fill at once and a sell
    /// stop at or above the bid would trigger at once, so such a move is refused with that reason
    /// instead of executing (the trader dragged a line; an execution needs an order). Error for
    /// market and stop-limit orders, triggered stops and final orders; nothing changes then.
    Result<OrderEvents> amend(OrderId id, const Price& price, std::int64_t nowMs);
    /// Cancels every open order of `instrument` (all instruments when empty), with `reason`.
    OrderEvents cancelAll(const std::optional<InstrumentId>& instrument, std::int64_t nowMs, const std::string& reason);

    /// Matches open orders of `instrument` against a bar (see the file comment).
    OrderEvents onBar(const InstrumentId& instrument, const Bar& bar);
    /// Matches against a best bid/ask update.
    OrderEvents onQuote(const InstrumentId& instrument, const Quote& quote);
    /// Matches against a public trade.
    OrderEvents onTrade(const InstrumentId& instrument, const Trade& trade);

    std::optional<Order> order(OrderId id) const;
    /// Whether any order is open (a bar can fill something only then).
    bool hasOpenOrders() const { return !m_open.empty(); }
    /// Open orders (New/Accepted/PartiallyFilled), by id.
    std::vector<Order> openOrders() const;
    /// Every order this simulator holds (including final ones), by id.
    std::vector<Order> allOrders() const;
    /// Latest reference price: ask (buy) / bid (sell) from the last quote, else the last trade,
    /// else the last bar's close.
    std::optional<Price> referencePrice(const InstrumentId& id, Side side) const;

    /// Restores open orders read back from storage (paper trading after a restart). Ids keep
    /// their values; new ids continue after the largest one seen (and after `nextOrderId`).
    /// Error when an order is not open, has id 0, or its id is already held.
    Status restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId);
    OrderId nextOrderId() const { return m_nextId; }
    std::uint64_t nextFillId() const { return m_nextFillId; }

private:
    struct Children {
        OrderId sl = 0;
        std::vector<OrderId> tps;  // by level; 0 = not placed (yet)
        bool ladder = false;       // Bracket::takeProfits
    };
    struct Slot {
        Order order;
        bool entryBarChild = false;         // bracket child placed during the current bar
        std::optional<Price> entryBarOpen;  // the entry's fill price (child's "open" in the entry bar)
    };
    struct MarketState {
        std::optional<Quote> quote;
        std::optional<Price> lastTrade;
        std::optional<Price> lastClose;
        std::optional<std::int64_t> lastBarOpenMs;
        bool live() const { return quote.has_value() || lastTrade.has_value(); }
    };
    struct Candidate {
        Price price;
        Liquidity liquidity = Liquidity::Taker;
    };
    struct Eval {
        bool triggers = false;  // a Stop/StopLimit reaches its stop price in this event
        std::optional<Candidate> fill;
    };

    Slot* slot(OrderId id);
    void reject(Order& o, std::string reason, OrderEvents& out);
    void applyFill(Slot& s, const Price& price, const Quantity& qty, Liquidity liq, std::int64_t timeMs, OrderEvents& out);
    void placeOrGrowChildren(const Order& entry, const Quantity& filledNow, const Price& fillPrice, std::int64_t timeMs,
                             OrderEvents& out);
    void cancelSlot(Slot& s, std::int64_t timeMs, std::string reason, OrderEvents& out);
    void spendIoc(Slot& s, std::int64_t timeMs, OrderEvents& out);

    Eval evalBar(const Slot& s, const Instrument& inst, const Bar& bar) const;
    Eval evalLive(const Slot& s, const Instrument& inst, const MarketState& m, std::optional<Price> tradePrice,
                  bool onArrival) const;
    // Marks a trigger and applies a fill decided by evalBar/evalLive.
    void applyEval(Slot& s, const Eval& e, const Quantity& qty, std::int64_t timeMs, OrderEvents& out);
    Price takerPrice(const Price& base, const Order& o, const Instrument& inst, const Bar* bar) const;
    Quantity barQuantity(const Order& o, const Instrument& inst, const Bar& bar) const;
    OrderEvents matchLive(const InstrumentId& id, std::optional<Price> tradePrice, std::int64_t timeMs);
    void reduceSibling(const Order& child, const Quantity& qty, std::int64_t timeMs, OrderEvents& out);
    OrderId makeChild(const Order& entry, OrderRole role, std::optional<Price> stop, std::optional<Price> limit,
                      const Quantity& qty, const std::string& suffix, const Price& fillPrice, std::int64_t timeMs);
    void placeOrGrowLadder(const Order& entry, const Quantity& filledNow, const Price& fillPrice, std::int64_t timeMs,
                           OrderEvents& out);
    void reduceLadder(const Order& child, const Quantity& qty, std::int64_t timeMs, OrderEvents& out);
    void matchLadderBar(Slot& s, const Instrument& inst, const Bar& bar, std::set<OrderId>& done, OrderEvents& out);
    void placeOcoLeg(const Order& limitLeg, std::int64_t nowMs, OrderEvents& out);
    // Trailing stops: the trigger price for a best price `extreme`; bars and live state updates.
    std::optional<Price> trailLevel(const Order& o, const Instrument& inst, const Price& extreme) const;
    void setTrail(Slot& s, const Instrument& inst, const Price& extreme, std::int64_t timeMs, OrderEvents& out);
    Eval evalTrailingBar(Slot& s, const Instrument& inst, const Bar& bar, OrderEvents& out);
    void trailLive(Slot& s, const Instrument& inst, const MarketState& m, std::optional<Price> tradePrice, bool onArrival,
                   std::int64_t timeMs, OrderEvents& out);
    static std::optional<Price> livePrice(const Order& o, const MarketState& m, std::optional<Price> tradePrice, bool onArrival);

    SimulatorConfig m_config;
    std::unordered_map<InstrumentId, Instrument> m_instruments;
    std::unordered_map<InstrumentId, MarketState> m_markets;
    std::map<OrderId, Slot> m_orders;
    std::set<OrderId> m_open;
    std::unordered_map<OrderId, Children> m_children;  // entry -> its bracket children
    bool m_inBar = false;
    std::vector<OrderId> m_barNewChildren;
    OrderId m_nextId = 1;
    std::uint64_t m_nextFillId = 1;
};

}  // namespace kairos::trading
