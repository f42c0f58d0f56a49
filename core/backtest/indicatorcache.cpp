#include "backtest/indicatorcache.h"

#include "indicators/indicators.h"

namespace kairos::backtest {

IndicatorCache::IndicatorCache(const std::vector<Bar>& bars, std::size_t maxBytes)
    : m_maxSeries(bars.empty() ? 0 : maxBytes / (bars.size() * sizeof(double))) {
    m_closes.reserve(bars.size());
    m_openTimes.reserve(bars.size());
    for (const Bar& b : bars) {
        m_closes.push_back(b.close.toDouble());
        m_openTimes.push_back(b.openTimeMs);
    }
}

std::shared_ptr<const std::vector<double>> IndicatorCache::sma(int period) {
    const std::lock_guard lock(m_mutex);
    if (auto it = m_sma.find(period); it != m_sma.end()) return it->second;
    if (period < 1 || m_sma.size() >= m_maxSeries) return nullptr;
    auto values = std::make_shared<std::vector<double>>(m_closes.size());
    indicators::Sma sma(period);
    for (std::size_t i = 0; i < m_closes.size(); ++i) {
        sma.push(m_closes[i]);  // as MaCross does: push, then read the value
        (*values)[i] = sma.value();
    }
    m_sma.emplace(period, values);
    return values;
}

std::size_t IndicatorCache::computed() const {
    const std::lock_guard lock(m_mutex);
    return m_sma.size();
}

namespace {

/// sma_cross over cached averages: the built-in's decisions (builtins.cpp, MaCross<Sma>) read
/// from the shared series instead of its own indicators.
class CachedSmaCross final : public RuleStrategy {
public:
    CachedSmaCross(int fast, int slow, const OrderSizing& sizing, bool allowShort, std::shared_ptr<IndicatorCache> cache,
                   std::shared_ptr<const std::vector<double>> fastValues, std::shared_ptr<const std::vector<double>> slowValues)
        : RuleStrategy("SMA cross " + std::to_string(fast) + "/" + std::to_string(slow) + ", " + describe(sizing) + ", " +
                           (allowShort ? "long and short" : "long only"),
                       sizing, allowShort),
          m_cache(std::move(cache)),
          m_fast(std::move(fastValues)),
          m_slow(std::move(slowValues)) {}

protected:
    Decision decide(const Bar& bar, std::int64_t) override {
        const std::size_t i = m_next++;
        if (m_broken || i >= m_fast->size() || m_cache->openTimes()[i] != bar.openTimeMs) {
            m_broken = true;  // not the cache's bars: never act on values of other bars
            return {};
        }
        const int cross = m_cross.update((*m_fast)[i], (*m_slow)[i]);
        Decision d;
        if (cross > 0) d.enterLong = d.exitShort = true;
        if (cross < 0) d.exitLong = d.enterShort = true;
        return d;
    }

private:
    std::shared_ptr<IndicatorCache> m_cache;
    std::shared_ptr<const std::vector<double>> m_fast, m_slow;
    CrossDetector m_cross;
    std::size_t m_next = 0;
    bool m_broken = false;
};

}  // namespace

StrategyFactory sharedIndicatorFactory(const std::string& name, const OrderSizing& sizing,
                                       const std::shared_ptr<IndicatorCache>& cache) {
    return [name, sizing, cache](const ParamValues& given) -> Result<std::unique_ptr<Strategy>> {
        auto made = makeBuiltin(name, given, sizing);  // checks the values (and is the fallback)
        if (!made || name != "sma_cross" || !cache) return made;
        const StrategyInfo* info = findBuiltin(name);
        ParamValues p;
        for (const ParamSpec& spec : info->params) {
            auto it = given.find(spec.name);
            p[spec.name] = it == given.end() ? spec.defaultValue : it->second;
        }
        const int fast = static_cast<int>(p.at("fast")), slow = static_cast<int>(p.at("slow"));
        auto f = cache->sma(fast);
        auto s = cache->sma(slow);
        if (!f || !s) return made;
        return std::unique_ptr<Strategy>(
            std::make_unique<CachedSmaCross>(fast, slow, sizing, p.at("short") != 0, cache, std::move(f), std::move(s)));
    };
}

}  // namespace kairos::backtest
