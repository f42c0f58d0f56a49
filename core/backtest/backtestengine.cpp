#include "backtest/backtestengine.h"

#include "backtest/detail/tradebuilder.h"
#include "backtest/strategyrunner.h"
#include "storage/candlestore.h"
#include "trading/account.h"
#include "trading/backtestvenue.h"
#include "trading/clock.h"
#include "trading/portfolio.h"

#include <algorithm>

namespace kairos::backtest {

Instrument instrumentForFile(const InstrumentId& id, int priceScale) {
    Instrument i;
    i.id = id;
    i.tickSize = Price::fromRaw(1, std::clamp(priceScale, 0, 18));
    i.lotSize = Quantity::fromRaw(1, 8);
    i.minNotional = Money::fromRaw(0, 0);
    i.pricePrecision = std::clamp(priceScale, 0, 18);
    i.quantityPrecision = 8;
    return i;
}

namespace {

Quantity positionOf(const trading::Portfolio& p, const InstrumentId& id) {
    const trading::Position* pos = p.position(id);
    return pos ? pos->quantity : Quantity{};
}

/// Checks the series and gives each bar's close time (the end of its bucket) in `closeMs`.
Status checkBars(const std::vector<Bar>& bars, Timeframe tf, std::vector<std::int64_t>& closeMs) {
    if (bars.empty()) return makeError("no bars to run on");
    closeMs.resize(bars.size());
    closeMs[0] = nextBucketStart(tf, bars[0].openTimeMs);
    for (std::size_t i = 1; i < bars.size(); ++i) {
        closeMs[i] = nextBucketStart(tf, bars[i].openTimeMs);
        if (bars[i].openTimeMs <= bars[i - 1].openTimeMs)
            return makeError("bars are not in time order at " + formatUtc(bars[i].openTimeMs));
        // A decision is timed at its bar's close: a bar that opens before the previous one closed
        // means the bars are not of this timeframe.
        if (bars[i].openTimeMs < closeMs[i - 1])
            return makeError("the bar at " + formatUtc(bars[i].openTimeMs) + " opens before the " + toString(tf) + " bar at " +
                             formatUtc(bars[i - 1].openTimeMs) + " closes: are these " + toString(tf) + " bars?");
    }
    return {};
}

}  // namespace

BacktestEngine::BacktestEngine(BacktestSettings settings) : m_settings(std::move(settings)) {}

Result<BacktestResult> BacktestEngine::run(Strategy& strategy, const storage::CandleStore& store, std::int64_t fromMs,
                                           std::int64_t toMs, const ProgressFn& progress, const std::stop_token& stop) const {
    auto bars = store.range(m_settings.instrument.id, m_settings.timeframe, fromMs, toMs);
    if (!bars) return bars.error();
    if (bars->empty())
        return makeError("no stored " + toString(m_settings.timeframe) + " bars of " + m_settings.instrument.id.toString() +
                         " between " + formatUtc(fromMs) + " and " + formatUtc(toMs));
    return run(strategy, *bars, progress, stop);
}

Result<BacktestResult> BacktestEngine::run(Strategy& strategy, const std::vector<Bar>& bars, const ProgressFn& progress,
                                           const std::stop_token& stop) const {
    std::vector<std::int64_t> closeTimes;  // each bar's close time
    if (auto st = checkBars(bars, m_settings.timeframe, closeTimes); !st) return st.error();
    const BacktestSettings& s = m_settings;
    if (s.initialCapital.isNegative() || s.initialCapital.isZero())
        return makeError("initial capital must be positive (is " + s.initialCapital.toTrimmedString() + ")");
    const InstrumentId& id = s.instrument.id;

    trading::SimulatorConfig cfg;
    cfg.rules = s.rules;
    cfg.tieRule = s.tieRule;
    if (s.maxBarVolumePercent < 0 || s.maxBarVolumePercent > 100)
        return makeError("the largest share of a bar's volume must be 0 (no limit) to 100 % (is " +
                         std::to_string(s.maxBarVolumePercent) + ")");
    cfg.maxBarVolumePercent = s.maxBarVolumePercent;
    // The same kernel as paper trading: a venue (the simulator in bars mode on the backtest clock),
    // an Account booking its events (in memory) and the strategy on that account.
    trading::ManualClock clock(bars.front().openTimeMs);
    trading::BacktestVenue venue(cfg, clock);
    venue.addInstrument(s.instrument);
    auto capital = s.initialCapital.rescaled(s.rules.moneyScale, RoundingMode::Exact);
    if (!capital)
        return makeError("initial capital " + s.initialCapital.toTrimmedString() + " has more decimals than money (" +
                         std::to_string(s.rules.moneyScale) + ")");
    trading::Account account({0, "BACKTEST", trading::AccountKind::Backtest, "BACKTEST"}, venue, clock, nullptr, *capital);
    const trading::Portfolio& portfolio = account.portfolio();
    BacktestResult result;
    result.strategyName = strategy.name();
    result.barsTotal = static_cast<std::int64_t>(bars.size());
    result.equity.reserve(bars.size());
    detail::TradeBuilder trades(s.rules.moneyScale);

    // The order log (every order as it ended, decided at the backtest time it was first seen) and
    // the trade list, from the account's announcements.
    // Order id -> its row in result.orders + 1 (0: not seen yet). The venue is fresh, so its ids
    // run 1, 2, 3, ... and a vector indexed by id is enough.
    std::vector<std::size_t> logIndex;
    std::size_t barIndex = 0;
    ExitReason endReason = ExitReason::EndOfData;
    // FillAt::ThisClose: while the one-price close bar is matched, the close time its fills carry
    // (the simulator stamps them a millisecond earlier, the time that bar was fed at).
    std::int64_t closeFillMs = 0;
    std::vector<std::int64_t> closeFillTimes;
    Status failure;
    bool sawFill = false;  // a fill was booked since the engine last read the position
    account.addObserver([&](const trading::OrderEvent& ev) {
        if (ev.fill) sawFill = true;
        if (ev.order.id != 0) {
            const auto slot = static_cast<std::size_t>(ev.order.id);
            if (slot >= logIndex.size()) logIndex.resize(std::max(slot + 1, logIndex.size() * 2), 0);
            if (logIndex[slot] == 0) {
                result.orders.push_back({ev.order, clock.nowMs()});
                logIndex[slot] = result.orders.size();
            } else {
                result.orders[logIndex[slot] - 1].order = ev.order;
            }
        }
        if (ev.fill && failure) {
            trading::Fill f = *ev.fill;
            if (closeFillMs != 0) {
                f.timeMs = closeFillMs;
                if (closeFillTimes.empty() || closeFillTimes.back() != closeFillMs - 1) closeFillTimes.push_back(closeFillMs - 1);
            }
            // An order-less fill is the close at the end of the data.
            Status st = ev.order.id == 0 ? trades.onFill(f, std::nullopt, barIndex, endReason)
                                         : trades.onFill(f, ev.order.role, barIndex);
            if (!st) failure = st;
            // The entry's bracket stop is the trade's initial risk (for R multiples).
            if (ev.order.id != 0 && ev.order.role == trading::OrderRole::Entry && ev.order.request.bracket.stopLoss)
                trades.noteStop(*ev.order.request.bracket.stopLoss);
        }
    });
    for (const trading::PreTradeCheck& c : s.checks) account.gateway().addCheck(c);
    StrategyRunner runner(strategy, account, s.instrument);
    auto check = [&]() -> Status {
        if (!failure) return failure;
        if (!account.storageError().isEmpty()) return makeError(account.storageError().toStdString());
        return {};
    };

    const bool atClose = s.fillAt == FillAt::ThisClose;
    const std::int64_t step = std::max<std::int64_t>(1, result.barsTotal / 200);
    runner.start(bars.front().openTimeMs);
    if (auto st = check(); !st) return st.error();
    // Whether the position is open; it changes only when a fill is booked (sawFill).
    bool inMarket = false;
    const auto readPosition = [&] {
        if (!sawFill) return;
        sawFill = false;
        inMarket = !positionOf(portfolio, id).isZero();
    };
    // The fast path (most bars): no order is working, so nothing can fill, and the position is flat,
    // so the close changes no value in the ledger. The venue then only notes the bar (onQuietBar:
    // the simulator sees it before the next order, the account is not told the close) and the
    // equity point is the cash, which the ledger keeps cached. Everything a bar on the full path
    // does beyond that has no effect in this state, so the results are the same bit for bit.
    const auto quiet = [&] { return !inMarket && !venue.hasOpenOrders(); };
    std::size_t i = 0;
    for (; i < bars.size(); ++i) {
        if (stop.stop_requested()) {
            result.cancelled = true;
            break;
        }
        const Bar& bar = bars[i];
        const std::int64_t closeMs = closeTimes[i];
        barIndex = i;
        // 1. Orders decided before this bar fill against it; 2. marked at the close.
        clock.advanceTo(bar.openTimeMs);
        if (quiet()) {
            venue.onQuietBar(id, bar);
        } else {
            venue.onBar(id, bar);
            if (auto st = check(); !st) return st.error();
            readPosition();
        }
        result.equity.push_back({closeMs, portfolio.equity(), inMarket});
        // 3. The strategy sees the closed bar; what it sends can fill from the next bar on.
        clock.advanceTo(atClose ? closeMs - 1 : closeMs);
        runner.onBar(bar, closeMs);
        if (auto st = check(); !st) return st.error();
        readPosition();
        if (atClose) {
            // 4. (FillAt::ThisClose) what it just decided fills at this close.
            Bar flat = bar;
            flat.openTimeMs = closeMs - 1;
            flat.open = bar.close;
            flat.close = bar.close;
            auto up = s.rules.slipped(bar.close, Side::Buy, s.instrument);
            auto down = s.rules.slipped(bar.close, Side::Sell, s.instrument);
            flat.high = up ? std::max(*up, bar.close) : bar.close;
            flat.low = down ? std::min(*down, bar.close) : bar.close;
            closeFillMs = closeMs;
            if (quiet())
                venue.onQuietBar(id, flat);
            else
                venue.onBar(id, flat);
            closeFillMs = 0;
            if (auto st = check(); !st) return st.error();
            readPosition();
            result.equity.back().equity = portfolio.equity();
            result.equity.back().inMarket = inMarket;
        }
        if (progress && ((i + 1) % static_cast<std::size_t>(step) == 0))
            progress(static_cast<std::int64_t>(i + 1), result.barsTotal);
    }
    result.barsProcessed = static_cast<std::int64_t>(i);

    // Whatever is still open is closed at the last processed close (taker fee, no slippage).
    if (i > 0) {
        const Bar& last = bars[i - 1];
        const std::int64_t closeMs = closeTimes[i - 1];
        barIndex = i - 1;
        clock.advanceTo(closeMs);
        (void)account.cancelAll(id, result.cancelled ? "backtest cancelled" : "end of data");
        if (auto st = check(); !st) return st.error();
        const Quantity pos = positionOf(portfolio, id);
        if (!pos.isZero() && s.atEnd == AtEnd::Close) {
            trading::Fill f;
            f.instrument = id;
            f.side = pos.isNegative() ? Side::Buy : Side::Sell;
            f.price = last.close;
            f.quantity = pos.isNegative() ? pos.negated() : pos;
            auto fee = s.rules.fee(f.price, f.quantity, trading::Liquidity::Taker);
            if (!fee) return fee.error();
            f.fee = *fee;
            f.liquidity = trading::Liquidity::Taker;
            f.timeMs = closeMs;
            f.clientOrderId = "close-at-end";
            endReason = result.cancelled ? ExitReason::Cancelled : ExitReason::EndOfData;
            trading::Order closing;  // no venue order: booked by the account directly
            closing.request.instrument = id;
            closing.request.side = f.side;
            closing.request.quantity = f.quantity;
            closing.request.clientOrderId = f.clientOrderId;
            closing.status = trading::OrderStatus::Filled;
            account.onOrderEvents({trading::OrderEvent{trading::OrderEventKind::Filled, closing, f}});
            if (auto st = check(); !st) return st.error();
            account.onPrice(id, last.close);
            result.equity.back().equity = portfolio.equity();
        }
    }
    result.openPosition = trades.openPosition();
    result.trades = trades.take();
    result.fills = account.fills();
    result.finalCash = portfolio.cash();
    if (atClose)  // decisions were taken a millisecond before the close (see above): report the close
        for (OrderLogEntry& e : result.orders)
            if (nextBucketStart(s.timeframe, e.decidedMs) == e.decidedMs + 1) ++e.decidedMs;
    for (trading::Fill& f : result.fills)
        if (std::binary_search(closeFillTimes.begin(), closeFillTimes.end(), f.timeMs)) ++f.timeMs;
    result.rejectedOrders = runner.rejected();
    const double buyHold = i > 0 ? (bars[i - 1].close.toDouble() / bars.front().open.toDouble() - 1.0) * 100.0 : 0.0;
    auto metrics = computeMetrics(result.trades, result.equity, *capital, bars.front().openTimeMs, buyHold);
    if (!metrics) return metrics.error();
    result.metrics = *metrics;
    if (progress) progress(result.barsProcessed, result.barsTotal);
    return result;
}

}  // namespace kairos::backtest
