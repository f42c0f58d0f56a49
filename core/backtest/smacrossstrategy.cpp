#include "backtest/smacrossstrategy.h"

namespace kairos::backtest {

Status validate(const SmaCrossSettings& s) {
    if (s.fastBars < 1) return makeError("the fast average needs at least 1 bar (is " + std::to_string(s.fastBars) + ")");
    if (s.slowBars <= s.fastBars)
        return makeError("the slow average must span more bars than the fast one (" + std::to_string(s.slowBars) +
                         " <= " + std::to_string(s.fastBars) + ")");
    if (s.quantity.isZero() || s.quantity.isNegative())
        return makeError("the quantity must be above 0 (is " + s.quantity.toTrimmedString() + ")");
    return {};
}

SmaCrossStrategy::SmaCrossStrategy(SmaCrossSettings settings) : m_settings(settings) {}

std::string SmaCrossStrategy::name() const {
    return "SMA cross " + std::to_string(m_settings.fastBars) + "/" + std::to_string(m_settings.slowBars) + ", quantity " +
        m_settings.quantity.toTrimmedString() + ", long only";
}

std::optional<int> SmaCrossStrategy::relation() const {
    const auto slowN = static_cast<std::size_t>(m_settings.slowBars);
    const auto fastN = static_cast<std::size_t>(m_settings.fastBars);
    if (m_closes.size() < slowN) return std::nullopt;
    // Sums of exact decimals; fast/fastN vs slow/slowN compared without division.
    Price fast = m_closes.back();
    Price slow = m_closes.back();
    for (std::size_t i = 1; i < slowN; ++i) {
        const Price& c = m_closes[m_closes.size() - 1 - i];
        auto s = slow.add(c);
        if (!s) return std::nullopt;
        slow = *s;
        if (i < fastN) {
            auto f = fast.add(c);
            if (!f) return std::nullopt;
            fast = *f;
        }
    }
    const auto lhs = fast.mulInt(m_settings.slowBars);
    const auto rhs = slow.mulInt(m_settings.fastBars);
    if (!lhs || !rhs) return std::nullopt;
    return *lhs > *rhs ? 1 : (*lhs < *rhs ? -1 : 0);
}

void SmaCrossStrategy::onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) {
    (void)closeTimeMs;
    m_closes.push_back(bar.close);
    while (m_closes.size() > static_cast<std::size_t>(m_settings.slowBars)) m_closes.pop_front();
    const auto now = relation();
    const auto before = m_lastRelation;
    m_lastRelation = now;
    if (!now || !before) return;
    const Quantity pos = ctx.position();
    trading::OrderRequest r;
    r.instrument = ctx.instrument().id;
    r.type = trading::OrderType::Market;
    if (*now > 0 && *before <= 0 && pos.isZero()) {
        r.side = Side::Buy;
        r.quantity = m_settings.quantity;
        (void)ctx.submit(r);
    } else if (*now < 0 && *before >= 0 && !pos.isZero() && !pos.isNegative()) {
        r.side = Side::Sell;
        r.quantity = pos;
        (void)ctx.submit(r);
    }
}

}  // namespace kairos::backtest
