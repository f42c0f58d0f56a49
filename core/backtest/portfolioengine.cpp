#include "backtest/portfolioengine.h"

#include "backtest/detail/tradebuilder.h"
#include "backtest/strategyrunner.h"
#include "trading/account.h"
#include "trading/backtestvenue.h"
#include "trading/clock.h"
#include "trading/portfolio.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <unordered_map>

namespace kairos::backtest {

Result<Allocation> parseAllocation(std::string_view text) {
    const std::string t(text);
    const auto bad = [&]() {
        return makeError(
            "--allocation takes equal, notional:AMOUNT (a decimal above 0) or percent:P (above 0, at most 100); "
            "got \"" +
            t + "\"");
    };
    Allocation a;
    if (t == "equal") return a;
    if (t.rfind("notional:", 0) == 0) {
        auto m = Money::parse(t.substr(9));
        if (!m || m->isNegative() || m->isZero()) return bad();
        a.kind = Allocation::Kind::Notional;
        a.notional = *m;
        return a;
    }
    if (t.rfind("percent:", 0) == 0) {
        const std::string v = t.substr(8);
        char* end = nullptr;
        const double p = std::strtod(v.c_str(), &end);
        if (v.empty() || end != v.c_str() + v.size() || !(p > 0 && p <= 100)) return bad();
        a.kind = Allocation::Kind::PercentEquity;
        a.percent = p;
        return a;
    }
    return bad();
}

std::string describe(const Allocation& a, std::size_t instruments) {
    switch (a.kind) {
    case Allocation::Kind::Equal:
        return "equal weight (equity / " + std::to_string(instruments) + " per entry)";
    case Allocation::Kind::Notional:
        return "notional " + a.notional.toTrimmedString() + " per entry";
    case Allocation::Kind::PercentEquity: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.10g", a.percent);
        return std::string(buf) + " % of equity per entry";
    }
    }
    return "?";
}

namespace {

/// The account as one instrument's strategy sees it in a portfolio: everything from its runner,
/// but its "equity" is the instrument's budget (see the header).
class AllocatedContext final : public StrategyContext {
public:
    AllocatedContext(StrategyContext& inner, const std::function<Money()>& budget) : m_inner(inner), m_budget(budget) {}
    const Instrument& instrument() const override { return m_inner.instrument(); }
    std::int64_t nowMs() const override { return m_inner.nowMs(); }
    Quantity position() const override { return m_inner.position(); }
    Money equity() const override { return m_budget(); }
    std::vector<trading::Order> openOrders() const override { return m_inner.openOrders(); }
    Result<trading::OrderId> submit(const trading::OrderRequest& request) override { return m_inner.submit(request); }
    Status cancel(trading::OrderId id) override { return m_inner.cancel(id); }

private:
    StrategyContext& m_inner;
    const std::function<Money()>& m_budget;
};

/// Runs `inner` unchanged, through AllocatedContext.
class Allocated final : public Strategy {
public:
    Allocated(std::unique_ptr<Strategy> inner, std::function<Money()> budget)
        : m_inner(std::move(inner)), m_budget(std::move(budget)) {}
    std::string name() const override { return m_inner->name(); }
    void onStart(StrategyContext& ctx) override {
        AllocatedContext a(ctx, m_budget);
        m_inner->onStart(a);
    }
    void onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) override {
        AllocatedContext a(ctx, m_budget);
        m_inner->onBar(bar, closeTimeMs, a);
    }
    void onOrderUpdate(const trading::Order& order, StrategyContext& ctx) override {
        AllocatedContext a(ctx, m_budget);
        m_inner->onOrderUpdate(order, a);
    }

private:
    std::unique_ptr<Strategy> m_inner;
    std::function<Money()> m_budget;
};

Status checkSeries(const PortfolioSeries& s, Timeframe tf) {
    const std::string name = s.instrument.id.toString();
    if (s.bars.empty()) return makeError(name + ": no bars to run on");
    for (std::size_t i = 1; i < s.bars.size(); ++i) {
        if (s.bars[i].openTimeMs <= s.bars[i - 1].openTimeMs)
            return makeError(name + ": bars are not in time order at " + formatUtc(s.bars[i].openTimeMs));
        if (s.bars[i].openTimeMs < nextBucketStart(tf, s.bars[i - 1].openTimeMs))
            return makeError(name + ": the bar at " + formatUtc(s.bars[i].openTimeMs) + " opens before the " + toString(tf) +
                             " bar at " + formatUtc(s.bars[i - 1].openTimeMs) + " closes: are these " + toString(tf) + " bars?");
    }
    return {};
}

}  // namespace

PortfolioEngine::PortfolioEngine(PortfolioSettings settings) : m_settings(std::move(settings)) {}

Result<PortfolioResult> PortfolioEngine::run(const PortfolioStrategyFactory& factory, const std::vector<PortfolioSeries>& series,
                                             const std::stop_token& stop) const {
    const BacktestSettings& s = m_settings.base;
    const Allocation& alloc = m_settings.allocation;
    const Timeframe tf = s.timeframe;
    const std::size_t n = series.size();
    if (n == 0) return makeError("a portfolio backtest needs at least one series");
    if (s.fillAt == FillAt::ThisClose)
        return makeError("fills at the decision bar's close are not supported in a portfolio backtest (use the next open)");
    if (s.initialCapital.isNegative() || s.initialCapital.isZero())
        return makeError("initial capital must be positive (is " + s.initialCapital.toTrimmedString() + ")");
    if (s.maxBarVolumePercent < 0 || s.maxBarVolumePercent > 100)
        return makeError("the largest share of a bar's volume must be 0 (no limit) to 100 % (is " +
                         std::to_string(s.maxBarVolumePercent) + ")");
    if (alloc.kind == Allocation::Kind::Notional && (alloc.notional.isNegative() || alloc.notional.isZero()))
        return makeError("the notional per entry must be above 0");
    if (alloc.kind == Allocation::Kind::PercentEquity && !(alloc.percent > 0 && alloc.percent <= 100))
        return makeError("the percentage of equity per entry must be above 0 and at most 100");
    std::map<InstrumentId, std::size_t> indexOf;
    std::int64_t firstOpenMs = std::numeric_limits<std::int64_t>::max();
    for (std::size_t k = 0; k < n; ++k) {
        if (auto st = checkSeries(series[k], tf); !st) return st.error();
        if (!indexOf.emplace(series[k].instrument.id, k).second)
            return makeError(series[k].instrument.id.toString() + " is given twice (one series per instrument)");
        firstOpenMs = std::min(firstOpenMs, series[k].bars.front().openTimeMs);
    }
    const int scale = s.rules.moneyScale;
    auto capital = s.initialCapital.rescaled(scale, RoundingMode::Exact);
    if (!capital)
        return makeError("initial capital " + s.initialCapital.toTrimmedString() + " has more decimals than money (" +
                         std::to_string(scale) + ")");

    // The kernel, as in a single backtest: one venue with every instrument, one account.
    trading::SimulatorConfig cfg;
    cfg.rules = s.rules;
    cfg.tieRule = s.tieRule;
    cfg.maxBarVolumePercent = s.maxBarVolumePercent;
    trading::ManualClock clock(firstOpenMs);
    trading::BacktestVenue venue(cfg, clock);
    for (const PortfolioSeries& ps : series) venue.addInstrument(ps.instrument);
    trading::Account account({0, "BACKTEST", trading::AccountKind::Backtest, "BACKTEST"}, venue, clock, nullptr, *capital);
    const trading::Portfolio& portfolio = account.portfolio();

    PortfolioResult out;
    BacktestResult& result = out.combined;
    std::vector<detail::TradeBuilder> builders(n, detail::TradeBuilder(scale));
    std::vector<std::size_t> barIndex(n, 0);
    std::vector<std::optional<Price>> lastClose(n);
    std::unordered_map<trading::OrderId, std::size_t> logIndex;
    ExitReason endReason = ExitReason::EndOfData;
    Status failure;
    account.addObserver([&](const trading::OrderEvent& ev) {
        if (ev.order.id != 0) {
            auto it = logIndex.find(ev.order.id);
            if (it == logIndex.end()) {
                result.orders.push_back({ev.order, clock.nowMs()});
                logIndex[ev.order.id] = result.orders.size() - 1;
            } else {
                result.orders[it->second].order = ev.order;
            }
        }
        if (!ev.fill || !failure) return;
        const auto k = indexOf.find(ev.fill->instrument);
        if (k == indexOf.end()) {
            failure = makeError("a fill of an instrument not in the portfolio: " + ev.fill->instrument.toString());
            return;
        }
        detail::TradeBuilder& trades = builders[k->second];
        Status st = ev.order.id == 0 ? trades.onFill(*ev.fill, std::nullopt, barIndex[k->second], endReason)
                                     : trades.onFill(*ev.fill, ev.order.role, barIndex[k->second]);
        if (!st) failure = st;
        if (ev.order.id != 0 && ev.order.role == trading::OrderRole::Entry && ev.order.request.bracket.stopLoss)
            trades.noteStop(*ev.order.request.bracket.stopLoss);
    });
    for (const trading::PreTradeCheck& c : s.checks) account.gateway().addCheck(c);
    auto check = [&]() -> Status {
        if (!failure) return failure;
        if (!account.storageError().isEmpty()) return makeError(account.storageError().toStdString());
        return {};
    };

    // The budget of an entry decided now (see the header).
    const std::function<Money()> budget = [&]() -> Money {
        const Money zero = Money::fromRaw(0, scale);
        const Money equity = portfolio.equity();
        Money rule = zero;
        switch (alloc.kind) {
        case Allocation::Kind::Equal: {
            auto r = equity.divInt(static_cast<std::int64_t>(n), scale, RoundingMode::Floor);
            rule = r ? *r : zero;
            break;
        }
        case Allocation::Kind::Notional: {
            auto r = alloc.notional.rescaled(scale, RoundingMode::Floor);
            rule = r ? *r : zero;
            break;
        }
        case Allocation::Kind::PercentEquity:
            rule = Money::fromRaw(
                static_cast<std::int64_t>(std::floor(static_cast<double>(equity.raw()) * alloc.percent / 100.0)), equity.scale());
            break;
        }
        Money cash = portfolio.cash();
        for (const trading::Order& o : account.openOrders()) {
            if (o.role != trading::OrderRole::Entry || !o.isOpen()) continue;
            const auto k = indexOf.find(o.request.instrument);
            if (k == indexOf.end() || !lastClose[k->second]) continue;
            auto taken = notional(*lastClose[k->second], o.remaining(), scale, RoundingMode::HalfEven);
            if (!taken) continue;
            auto left = cash.sub(*taken);
            if (left) cash = *left;
        }
        if (cash.isNegative() || cash.isZero() || rule.isNegative()) return zero;
        return std::min(rule, cash);
    };

    std::vector<std::unique_ptr<Strategy>> strategies;
    std::vector<std::unique_ptr<StrategyRunner>> runners;
    for (const PortfolioSeries& ps : series) {
        auto made = factory(ps.instrument);
        if (!made) return makeError(ps.instrument.id.toString() + ": " + made.message());
        strategies.push_back(std::make_unique<Allocated>(std::move(*made), budget));
        runners.push_back(std::make_unique<StrategyRunner>(*strategies.back(), account, ps.instrument));
    }
    result.strategyName = strategies.front()->name();
    for (const PortfolioSeries& ps : series) result.barsTotal += static_cast<std::int64_t>(ps.bars.size());

    for (auto& r : runners) r->start(firstOpenMs);
    if (auto st = check(); !st) return st.error();
    std::vector<std::size_t> cursor(n, 0);
    std::vector<std::size_t> step;
    step.reserve(n);
    for (;;) {
        std::int64_t t = std::numeric_limits<std::int64_t>::max();
        for (std::size_t k = 0; k < n; ++k)
            if (cursor[k] < series[k].bars.size()) t = std::min(t, series[k].bars[cursor[k]].openTimeMs);
        if (t == std::numeric_limits<std::int64_t>::max()) break;
        if (stop.stop_requested()) {
            result.cancelled = true;
            break;
        }
        step.clear();
        for (std::size_t k = 0; k < n; ++k)
            if (cursor[k] < series[k].bars.size() && series[k].bars[cursor[k]].openTimeMs == t) step.push_back(k);
        // 1. Fills and marks of every instrument with a bar in this step, in series order.
        clock.advanceTo(t);
        for (std::size_t k : step) {
            const Bar& bar = series[k].bars[cursor[k]];
            barIndex[k] = cursor[k];
            venue.onBar(series[k].instrument.id, bar);
            lastClose[k] = bar.close;
            if (auto st = check(); !st) return st.error();
        }
        // 2. One equity point.
        const std::int64_t closeMs = nextBucketStart(tf, t);
        result.equity.push_back({closeMs, portfolio.equity(), !portfolio.openPositions().empty()});
        // 3. The strategies see their closed bars, in series order.
        clock.advanceTo(closeMs);
        for (std::size_t k : step) {
            runners[k]->onBar(series[k].bars[cursor[k]], closeMs);
            if (auto st = check(); !st) return st.error();
        }
        for (std::size_t k : step) ++cursor[k];
    }
    for (std::size_t k = 0; k < n; ++k) result.barsProcessed += static_cast<std::int64_t>(cursor[k]);

    if (!result.equity.empty()) {
        clock.advanceTo(result.equity.back().timeMs);
        (void)account.cancelAll(std::nullopt, result.cancelled ? "backtest cancelled" : "end of data");
        if (auto st = check(); !st) return st.error();
        if (s.atEnd == AtEnd::Close) {
            endReason = result.cancelled ? ExitReason::Cancelled : ExitReason::EndOfData;
            for (std::size_t k = 0; k < n; ++k) {
                const InstrumentId& id = series[k].instrument.id;
                const trading::Position* p = portfolio.position(id);
                if (!p || p->quantity.isZero() || cursor[k] == 0) continue;
                const Quantity pos = p->quantity;
                const Bar& last = series[k].bars[cursor[k] - 1];
                barIndex[k] = cursor[k] - 1;
                trading::Fill f;
                f.instrument = id;
                f.side = pos.isNegative() ? Side::Buy : Side::Sell;
                f.price = last.close;
                f.quantity = pos.isNegative() ? pos.negated() : pos;
                auto fee = s.rules.fee(f.price, f.quantity, trading::Liquidity::Taker);
                if (!fee) return fee.error();
                f.fee = *fee;
                f.liquidity = trading::Liquidity::Taker;
                f.timeMs = nextBucketStart(tf, last.openTimeMs);
                f.clientOrderId = "close-at-end";
                trading::Order closing;  // no venue order: booked by the account directly
                closing.request.instrument = id;
                closing.request.side = f.side;
                closing.request.quantity = f.quantity;
                closing.request.clientOrderId = f.clientOrderId;
                closing.status = trading::OrderStatus::Filled;
                account.onOrderEvents({trading::OrderEvent{trading::OrderEventKind::Filled, closing, f}});
                if (auto st = check(); !st) return st.error();
                account.onPrice(id, last.close);
            }
            result.equity.back().equity = portfolio.equity();
            result.equity.back().inMarket = !portfolio.openPositions().empty();
        }
    }

    // The per-instrument breakdown and the combined trade list (exit time, then series order).
    std::vector<std::pair<TradeRecord, std::size_t>> all;
    double buyHoldSum = 0;
    int buyHoldCount = 0;
    for (std::size_t k = 0; k < n; ++k) {
        PortfolioInstrumentResult ir;
        ir.instrument = series[k].instrument.id;
        ir.bars = static_cast<std::int64_t>(cursor[k]);
        ir.openPosition = builders[k].openPosition();
        ir.trades = builders[k].take();
        ir.grossPnl = ir.fees = ir.netPnl = Money::fromRaw(0, scale);
        for (const TradeRecord& t : ir.trades) {
            for (auto [sum, v] :
                 {std::pair{&ir.grossPnl, &t.grossPnl}, std::pair{&ir.fees, &t.fees}, std::pair{&ir.netPnl, &t.netPnl}}) {
                auto r = sum->add(*v);
                if (!r) return r.error();
                *sum = *r;
            }
            ir.wins += t.netPnl.isNegative() || t.netPnl.isZero() ? 0 : 1;
            ir.losses += t.netPnl.isNegative() ? 1 : 0;
            all.emplace_back(t, k);
        }
        ir.rejectedOrders = runners[k]->rejected();
        result.rejectedOrders += ir.rejectedOrders;
        if (cursor[k] > 0) {
            ir.buyHoldReturnPct =
                (series[k].bars[cursor[k] - 1].close.toDouble() / series[k].bars.front().open.toDouble() - 1.0) * 100.0;
            buyHoldSum += ir.buyHoldReturnPct;
            ++buyHoldCount;
        }
        out.instruments.push_back(std::move(ir));
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.first.exitTimeMs < b.first.exitTimeMs; });
    for (auto& [t, k] : all) {
        result.trades.push_back(t);
        out.tradeInstrument.push_back(k);
    }
    result.fills = account.fills();
    result.finalCash = portfolio.cash();
    if (result.equity.empty()) return makeError("the portfolio backtest was cancelled before its first bar");
    auto metrics =
        computeMetrics(result.trades, result.equity, *capital, firstOpenMs, buyHoldCount ? buyHoldSum / buyHoldCount : 0.0);
    if (!metrics) return metrics.error();
    result.metrics = *metrics;
    return out;
}

}  // namespace kairos::backtest
