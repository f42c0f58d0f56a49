#include "backtest/walkforward.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace kairos::backtest {

namespace {
constexpr std::int64_t kDayMs = 86400000;
}  // namespace

Result<Span> parseSpan(std::string_view text) {
    const auto bad = [&] {
        return makeError(
            "a window length is a whole number above 0 and a unit: y (years), m (months), w (weeks) or d (days), "
            "e.g. 2y or 6m (got \"" +
            std::string(text) + "\")");
    };
    if (text.size() < 2) return bad();
    const char unit = text.back();
    const std::string digits(text.substr(0, text.size() - 1));
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) return bad();
    const int n = std::stoi(digits);
    if (n <= 0) return bad();
    Span s;
    switch (unit) {
    case 'y':
        s.months = 12 * n;
        break;
    case 'm':
        s.months = n;
        break;
    case 'w':
        s.ms = 7 * kDayMs * n;
        break;
    case 'd':
        s.ms = kDayMs * n;
        break;
    default:
        return bad();
    }
    return s;
}

std::string toString(const Span& s) {
    if (s.months > 0) return s.months % 12 == 0 ? std::to_string(s.months / 12) + "y" : std::to_string(s.months) + "m";
    if (s.ms % (7 * kDayMs) == 0) return std::to_string(s.ms / (7 * kDayMs)) + "w";
    return std::to_string(s.ms / kDayMs) + "d";
}

std::int64_t addSpan(std::int64_t timeMs, const Span& span, int times) {
    using namespace std::chrono;
    std::int64_t t = timeMs + span.ms * times;
    if (span.months == 0) return t;
    const sys_days date = floor<days>(sys_time<milliseconds>(milliseconds(timeMs)));
    const std::int64_t timeOfDay = timeMs - duration_cast<milliseconds>(date.time_since_epoch()).count();
    const year_month_day ymd(date);
    const year_month ym = year_month(ymd.year(), ymd.month()) + months(span.months * times);
    const unsigned lastDay = static_cast<unsigned>(year_month_day_last(ym.year(), month_day_last(ym.month())).day());
    const unsigned d = std::min(static_cast<unsigned>(ymd.day()), lastDay);
    const sys_days moved = year_month_day(ym.year(), ym.month(), std::chrono::day(d));
    return duration_cast<milliseconds>(moved.time_since_epoch()).count() + timeOfDay;
}

Result<std::vector<WindowRange>> walkForwardWindows(const WalkForwardSettings& s, std::int64_t firstOpenMs,
                                                    std::int64_t lastOpenMs) {
    if ((s.inSample.months <= 0 && s.inSample.ms <= 0) || (s.outOfSample.months <= 0 && s.outOfSample.ms <= 0))
        return makeError("--in-sample and --out-of-sample must be above 0");
    std::vector<WindowRange> out;
    for (int k = 0;; ++k) {
        WindowRange w;
        if (s.anchored) {
            w.inStartMs = firstOpenMs;
            w.inEndMs = addSpan(addSpan(firstOpenMs, s.inSample), s.outOfSample, k);
        } else {
            w.inStartMs = addSpan(firstOpenMs, s.outOfSample, k);
            w.inEndMs = addSpan(w.inStartMs, s.inSample);
        }
        w.outStartMs = w.inEndMs;
        w.outEndMs = addSpan(w.outStartMs, s.outOfSample);
        if (w.outStartMs > lastOpenMs) break;
        out.push_back(w);
        if (k > 100000) return makeError("more than 100000 walk-forward windows: make the out-of-sample window longer");
    }
    if (out.empty())
        return makeError("the data (" + formatUtc(firstOpenMs) + " to " + formatUtc(lastOpenMs) +
                         ") is shorter than one in-sample window (" + toString(s.inSample) + ") plus a bar");
    return out;
}

namespace {

/// The account as a strategy sees it during warm-up: everything readable, no order accepted.
class WarmupContext final : public StrategyContext {
public:
    explicit WarmupContext(StrategyContext& inner) : m_inner(inner) {}
    const Instrument& instrument() const override { return m_inner.instrument(); }
    std::int64_t nowMs() const override { return m_inner.nowMs(); }
    Quantity position() const override { return m_inner.position(); }
    Money equity() const override { return m_inner.equity(); }
    std::vector<trading::Order> openOrders() const override { return m_inner.openOrders(); }
    Result<trading::OrderId> submit(const trading::OrderRequest&) override {
        return makeError("warm-up: no orders before the out-of-sample window");
    }
    Status cancel(trading::OrderId id) override { return m_inner.cancel(id); }

private:
    StrategyContext& m_inner;
};

/// Feeds `inner` every bar, but lets it trade only on bars opening at or after `tradeFromMs`, so its
/// indicators are warm when the out-of-sample window starts.
class WarmedUp final : public Strategy {
public:
    WarmedUp(std::unique_ptr<Strategy> inner, std::int64_t tradeFromMs) : m_inner(std::move(inner)), m_from(tradeFromMs) {}
    std::string name() const override { return m_inner->name(); }
    void onStart(StrategyContext& ctx) override {
        WarmupContext warm(ctx);
        m_inner->onStart(warm);
    }
    void onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) override {
        if (bar.openTimeMs >= m_from) {
            m_inner->onBar(bar, closeTimeMs, ctx);
            return;
        }
        WarmupContext warm(ctx);
        m_inner->onBar(bar, closeTimeMs, warm);
    }
    void onOrderUpdate(const trading::Order& order, StrategyContext& ctx) override { m_inner->onOrderUpdate(order, ctx); }

private:
    std::unique_ptr<Strategy> m_inner;
    std::int64_t m_from;
};

std::vector<Bar> barsIn(const std::vector<Bar>& bars, std::int64_t fromMs, std::int64_t toMs) {
    std::vector<Bar> out;
    for (const Bar& b : bars)
        if (b.openTimeMs >= fromMs && b.openTimeMs < toMs) out.push_back(b);
    return out;
}

}  // namespace

Result<WalkForwardResult> runWalkForward(const BacktestSettings& settings, const StrategyFactory& factory,
                                         const ParamCheck& check, const OptimizerSpec& spec, const WalkForwardSettings& wf,
                                         const std::vector<Bar>& bars, const WalkForwardProgress& progress,
                                         const std::stop_token& stop) {
    if (bars.empty()) return makeError("no bars to run on");
    if (spec.shard.count != 1) return makeError("--shard does not apply to a walk-forward analysis");
    const Objective* objective = findObjective(spec.objective);
    if (!objective) return makeError("--objective \"" + spec.objective + "\" is not a metric (one of: " + objectiveNames() + ")");
    auto ranges = walkForwardWindows(wf, bars.front().openTimeMs, bars.back().openTimeMs);
    if (!ranges) return ranges.error();

    WalkForwardResult result;
    const Optimizer optimizer(settings, factory, check);
    Money capital = settings.initialCapital;
    double inCagrSum = 0;
    for (std::size_t k = 0; k < ranges->size(); ++k) {
        if (stop.stop_requested()) {
            result.cancelled = true;
            break;
        }
        if (progress) progress(k, ranges->size());
        WalkForwardWindow w;
        w.range = (*ranges)[k];
        const std::vector<Bar> in = barsIn(bars, w.range.inStartMs, w.range.inEndMs);
        const std::vector<Bar> out = barsIn(bars, w.range.outStartMs, w.range.outEndMs);
        w.inBars = in.size();
        w.outBars = out.size();
        if (in.empty()) return makeError("walk-forward window " + std::to_string(k + 1) + " has no in-sample bars");
        auto opt = optimizer.run(spec, in, {}, {}, stop);
        if (!opt) return makeError("window " + std::to_string(k + 1) + " (in-sample): " + opt.message());
        if (opt->cancelled) {
            result.cancelled = true;
            break;
        }
        if (opt->trials.empty()) return makeError("no combination of the --param values is accepted by the strategy");
        const Trial& best = opt->trials.front();
        w.combinations = opt->trials.size();
        w.chosen = best.params;
        w.chosenValues = best.values;
        w.inScore = best.score;
        w.inMetrics = best.metrics;
        inCagrSum += best.metrics.cagrPct;
        w.outScore = std::numeric_limits<double>::quiet_NaN();
        if (!out.empty()) {
            // The chosen strategy sees the in-sample bars first (warm-up, no orders), then trades the
            // out-of-sample bars; only those count.
            BacktestSettings os = settings;
            os.initialCapital = capital;
            os.atEnd = AtEnd::Close;
            auto made = factory(best.params);
            if (!made) return made.error();
            WarmedUp strategy(std::move(*made), w.range.outStartMs);
            std::vector<Bar> run = in;
            run.insert(run.end(), out.begin(), out.end());
            auto r = BacktestEngine(os).run(strategy, run, {}, stop);
            if (!r) return makeError("window " + std::to_string(k + 1) + " (out-of-sample): " + r.message());
            if (r->cancelled || r->equity.size() < out.size()) {
                result.cancelled = true;
                break;
            }
            std::vector<EquityPoint> equity(r->equity.end() - static_cast<std::ptrdiff_t>(out.size()), r->equity.end());
            r->equity = std::move(equity);
            const double buyHold = (out.back().close.toDouble() / out.front().open.toDouble() - 1.0) * 100.0;
            auto m = computeMetrics(r->trades, r->equity, capital, out.front().openTimeMs, buyHold);
            if (!m) return m.error();
            r->metrics = *m;
            w.outScore = objective->value(*r);
            result.equity.insert(result.equity.end(), r->equity.begin(), r->equity.end());
            result.outTrades.insert(result.outTrades.end(), r->trades.begin(), r->trades.end());
            capital = r->metrics.finalEquity;
            w.out = std::move(*r);
        }
        result.windows.push_back(std::move(w));
        if (capital.isNegative() || capital.isZero()) break;  // ruined: nothing left to trade
    }
    if (progress) progress(result.windows.size(), ranges->size());
    if (result.windows.empty()) return result;
    // The stitched run's metrics: all out-of-sample trades over the chained equity.
    std::int64_t firstOut = 0;
    double buyHold = 0;
    {
        std::vector<Bar> outBars;
        for (const WalkForwardWindow& w : result.windows)
            if (w.out) {
                if (outBars.empty()) firstOut = w.range.outStartMs;
                const auto b = barsIn(bars, w.range.outStartMs, w.range.outEndMs);
                outBars.insert(outBars.end(), b.begin(), b.end());
            }
        if (!outBars.empty()) {
            firstOut = outBars.front().openTimeMs;
            buyHold = (outBars.back().close.toDouble() / outBars.front().open.toDouble() - 1.0) * 100.0;
        }
    }
    auto m = computeMetrics(result.outTrades, result.equity, settings.initialCapital, firstOut, buyHold);
    if (!m) return m.error();
    result.outMetrics = *m;
    const double inMean = inCagrSum / static_cast<double>(result.windows.size());
    result.efficiency = inMean > 0 ? result.outMetrics.cagrPct / inMean : std::numeric_limits<double>::quiet_NaN();
    return result;
}

}  // namespace kairos::backtest
