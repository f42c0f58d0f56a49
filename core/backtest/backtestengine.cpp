#include "backtest/backtestengine.h"

#include "backtest/detail/tradebuilder.h"
#include "storage/candlestore.h"
#include "trading/fillsimulator.h"
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

/// StrategyContext over the simulator and the portfolio, for one instrument.
class EngineContext final : public StrategyContext {
public:
    EngineContext(const BacktestSettings& s, trading::FillSimulator& sim, trading::Portfolio& portfolio,
                  std::vector<OrderLogEntry>& log, std::vector<trading::OrderEvent>& pending)
        : m_settings(s), m_sim(sim), m_portfolio(portfolio), m_log(log), m_pending(pending) {}

    const Instrument& instrument() const override { return m_settings.instrument; }
    std::int64_t nowMs() const override { return m_nowMs; }
    Quantity position() const override { return positionOf(m_portfolio, m_settings.instrument.id); }
    Money equity() const override { return m_equity; }
    std::vector<trading::Order> openOrders() const override { return m_sim.openOrders(); }
    Result<trading::OrderId> submit(const trading::OrderRequest& request) override {
        trading::OrderEvents ev = m_sim.submit(request, m_nowMs);
        if (ev.empty()) return makeError("the simulator gave no answer");
        const trading::Order& o = ev.front().order;
        m_log.push_back({o, m_nowMs});
        m_index[o.id] = m_log.size() - 1;
        for (auto& e : ev) m_pending.push_back(std::move(e));
        if (o.status == trading::OrderStatus::Rejected) {
            ++m_rejected;
            return makeError(o.rejectReason);
        }
        return o.id;
    }
    Status cancel(trading::OrderId id) override {
        auto ev = m_sim.cancel(id, m_nowMs);
        if (!ev) return ev.error();
        for (auto& e : *ev) m_pending.push_back(std::move(e));
        return {};
    }

    /// Keeps the order log's copy of an order up to date (children are logged when placed).
    void track(const trading::Order& o) {
        auto it = m_index.find(o.id);
        if (it == m_index.end()) {
            m_log.push_back({o, m_nowMs});
            m_index[o.id] = m_log.size() - 1;
        } else {
            m_log[it->second].order = o;
        }
    }

    void setNow(std::int64_t ms) { m_nowMs = ms; }
    void setEquity(const Money& e) { m_equity = e; }
    int rejected() const { return m_rejected; }

private:
    const BacktestSettings& m_settings;
    trading::FillSimulator& m_sim;
    trading::Portfolio& m_portfolio;
    std::vector<OrderLogEntry>& m_log;
    std::vector<trading::OrderEvent>& m_pending;
    std::unordered_map<trading::OrderId, std::size_t> m_index;
    std::int64_t m_nowMs = 0;
    Money m_equity;
    int m_rejected = 0;
};

Status checkBars(const std::vector<Bar>& bars, Timeframe tf) {
    if (bars.empty()) return makeError("no bars to run on");
    for (std::size_t i = 1; i < bars.size(); ++i) {
        if (bars[i].openTimeMs <= bars[i - 1].openTimeMs)
            return makeError("bars are not in time order at " + formatUtc(bars[i].openTimeMs));
        // A decision is timed at its bar's close: a bar that opens before the previous one closed
        // means the bars are not of this timeframe.
        if (bars[i].openTimeMs < nextBucketStart(tf, bars[i - 1].openTimeMs))
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
    if (auto st = checkBars(bars, m_settings.timeframe); !st) return st.error();
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
    trading::FillSimulator sim(cfg);
    sim.addInstrument(s.instrument);
    auto capital = s.initialCapital.rescaled(s.rules.moneyScale, RoundingMode::Exact);
    if (!capital)
        return makeError("initial capital " + s.initialCapital.toTrimmedString() + " has more decimals than money (" +
                         std::to_string(s.rules.moneyScale) + ")");
    trading::Portfolio portfolio(*capital, s.rules.moneyScale);
    BacktestResult result;
    result.strategyName = strategy.name();
    result.barsTotal = static_cast<std::int64_t>(bars.size());
    result.equity.reserve(bars.size());
    std::vector<trading::OrderEvent> pending;
    EngineContext ctx(s, sim, portfolio, result.orders, pending);
    detail::TradeBuilder trades(s.rules.moneyScale);

    // Applies simulator events: fills to the portfolio and the trade list, every event to the
    // order log and the strategy.
    auto deliver = [&](std::size_t barIndex) -> Status {
        // Events can cause more events (the strategy reacting): drain until quiet.
        for (std::size_t k = 0; k < pending.size(); ++k) {
            const trading::OrderEvent ev = pending[k];
            ctx.track(ev.order);
            if (ev.fill) {
                if (auto st = portfolio.applyFill(*ev.fill); !st) return st;
                if (auto st = trades.onFill(*ev.fill, ev.order.role, barIndex); !st) return st;
            }
            if (ev.kind != trading::OrderEventKind::Accepted) strategy.onOrderUpdate(ev.order, ctx);
        }
        pending.clear();
        return {};
    };

    const Timeframe tf = s.timeframe;
    const std::int64_t step = std::max<std::int64_t>(1, result.barsTotal / 200);
    ctx.setNow(bars.front().openTimeMs);
    ctx.setEquity(s.initialCapital);
    strategy.onStart(ctx);
    if (auto st = deliver(0); !st) return st.error();
    std::size_t i = 0;
    for (; i < bars.size(); ++i) {
        if (stop.stop_requested()) {
            result.cancelled = true;
            break;
        }
        const Bar& bar = bars[i];
        const std::int64_t closeMs = nextBucketStart(tf, bar.openTimeMs);
        // 1. Orders decided before this bar fill against it.
        for (auto& e : sim.onBar(id, bar)) pending.push_back(std::move(e));
        ctx.setNow(bar.openTimeMs);
        if (auto st = deliver(i); !st) return st.error();
        // 2. Marked at the close.
        portfolio.mark(id, bar.close);
        const Money equity = portfolio.equity();
        result.equity.push_back({closeMs, equity, !positionOf(portfolio, id).isZero()});
        ctx.setEquity(equity);
        // 3. The strategy sees the closed bar; what it sends can fill from the next bar on.
        ctx.setNow(closeMs);
        strategy.onBar(bar, closeMs, ctx);
        if (auto st = deliver(i); !st) return st.error();
        if (progress && ((i + 1) % static_cast<std::size_t>(step) == 0))
            progress(static_cast<std::int64_t>(i + 1), result.barsTotal);
    }
    result.barsProcessed = static_cast<std::int64_t>(i);

    // Whatever is still open is closed at the last processed close (taker fee, no slippage).
    if (i > 0) {
        const Bar& last = bars[i - 1];
        const std::int64_t closeMs = nextBucketStart(tf, last.openTimeMs);
        for (auto& e : sim.cancelAll(id, closeMs, result.cancelled ? "backtest cancelled" : "end of data"))
            pending.push_back(std::move(e));
        if (auto st = deliver(i - 1); !st) return st.error();
        const Quantity pos = positionOf(portfolio, id);
        if (!pos.isZero()) {
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
            if (auto st = portfolio.applyFill(f); !st) return st.error();
            if (auto st = trades.onFill(f, std::nullopt, i - 1, result.cancelled ? ExitReason::Cancelled : ExitReason::EndOfData);
                !st)
                return st.error();
            portfolio.mark(id, last.close);
            result.equity.back().equity = portfolio.equity();
        }
    }
    result.trades = trades.take();
    result.rejectedOrders = ctx.rejected();
    const double buyHold = i > 0 ? (bars[i - 1].close.toDouble() / bars.front().open.toDouble() - 1.0) * 100.0 : 0.0;
    auto metrics = computeMetrics(result.trades, result.equity, *capital, bars.front().openTimeMs, buyHold);
    if (!metrics) return metrics.error();
    result.metrics = *metrics;
    if (progress) progress(result.barsProcessed, result.barsTotal);
    return result;
}

}  // namespace kairos::backtest
