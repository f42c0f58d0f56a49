#include "signals/signalengine.h"

#include "domain/timeframe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kairos::signal {

namespace {
std::string fmt(const char* f, double a, double b = 0, double c = 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, f, a, b, c);
    return buf;
}
}  // namespace

std::string toString(Direction d) {
    switch (d) {
    case Direction::Long:
        return "LONG";
    case Direction::Short:
        return "SHORT";
    case Direction::Hold:
        return "HOLD";
    }
    return "?";
}

SignalEngine::SignalEngine(const SignalRules& r)
    : m_rules(r),
      m_fast(r.emaFast),
      m_slow(r.emaSlow),
      m_trend(r.emaTrend),
      m_dm(r.adxPeriod),
      m_rsi(r.rsiPeriod),
      m_macd(r.macdFast, r.macdSlow, r.macdSignal),
      m_stoch(r.stochK, r.stochSlowing, r.stochD),
      m_bb(r.bbPeriod, r.bbK),
      m_mfi(r.mfiPeriod),
      m_obvSma(r.obvSmaPeriod),
      m_atr(r.atrPeriod) {
    for (std::size_t i = 0; i < m_rules.formulas.size(); ++i) {
        const FormulaRule& fr = m_rules.formulas[i];
        if (fr.weight < 1 || (fr.side != Direction::Long && fr.side != Direction::Short)) continue;
        if (auto f = indicators::Formula::parse(fr.formula)) m_formulas.push_back({std::move(*f), i});
    }
}

Status validate(const SignalRules& r) {
    const std::pair<const char*, int> periods[] = {
        {"emaFast", r.emaFast},     {"emaSlow", r.emaSlow},           {"emaTrend", r.emaTrend},  {"adxPeriod", r.adxPeriod},
        {"rsiPeriod", r.rsiPeriod}, {"macdFast", r.macdFast},         {"macdSlow", r.macdSlow},  {"macdSignal", r.macdSignal},
        {"stochK", r.stochK},       {"stochSlowing", r.stochSlowing}, {"stochD", r.stochD},      {"bbPeriod", r.bbPeriod},
        {"mfiPeriod", r.mfiPeriod}, {"obvSmaPeriod", r.obvSmaPeriod}, {"atrPeriod", r.atrPeriod}};
    for (const auto& [name, v] : periods)
        if (v < 1 || v > 100000) return makeError(std::string(name) + " must be a whole number from 1 to 100000");
    if (!(r.atrStop > 0)) return makeError("atrStop must be above 0");
    if (r.minScore < 1) return makeError("minScore must be at least 1");
    for (std::size_t i = 0; i < r.formulas.size(); ++i) {
        const FormulaRule& fr = r.formulas[i];
        const std::string at = "formulas[" + std::to_string(i) + "]";
        if (fr.weight < 1) return makeError(at + ": weight must be at least 1");
        if (fr.side != Direction::Long && fr.side != Direction::Short) return makeError(at + ": side must be long or short");
        if (auto f = indicators::Formula::parse(fr.formula); !f) return makeError(at + " \"" + fr.formula + "\": " + f.message());
    }
    return {};
}

int SignalEngine::warmup() const {
    return std::max({m_trend.warmup(), m_dm.warmup(), m_rsi.warmup(), m_macd.warmup(), m_stoch.warmup(), m_bb.warmup(),
                     m_mfi.warmup(), m_obvSma.warmup(), m_atr.warmup()}) +
        1;
}

std::optional<Signal> SignalEngine::onBar(const Bar& bar, std::int64_t closeTimeMs) {
    const double o = bar.open.toDouble(), h = bar.high.toDouble(), l = bar.low.toDouble(), c = bar.close.toDouble();
    const double v = bar.volume.toDouble();
    m_fast.push(c);
    m_slow.push(c);
    m_trend.push(c);
    m_dm.push(h, l, c);
    m_rsi.push(c);
    m_macd.push(c);
    m_stoch.push(h, l, c);
    m_bb.push(c);
    m_mfi.push(h, l, c, v);
    m_obv.push(c, v);
    m_obvSma.push(m_obv.value());
    m_atr.push(h, l, c);
    const indicators::FormulaBar fb{bar.openTimeMs, o, h, l, c, v};
    for (CompiledFormula& f : m_formulas) f.formula.push(fb);
    ++m_bars;
    const indicators::MacdValue macd = m_macd.value();
    const indicators::StochValue st = m_stoch.value();
    const double prevHist = m_prevHist, prevK = m_prevK, prevD = m_prevD;
    m_prevHist = macd.histogram;
    m_prevK = st.k;
    m_prevD = st.d;
    if (m_bars <= warmup()) return std::nullopt;

    Signal s;
    s.barOpenMs = bar.openTimeMs;
    s.timeMs = closeTimeMs;
    int score = 0, maxScore = 0;
    auto vote = [&](int weight, int dir, const std::string& reason) {
        maxScore += weight;
        if (dir == 0) return;
        score += weight * dir;
        s.reasons.push_back((dir > 0 ? "+" : "-") + std::to_string(weight) + " " + reason);
    };
    // Trend, weighted double when ADX says the market trends.
    const double f = m_fast.value(), sl = m_slow.value(), t = m_trend.value(), adx = m_dm.value().adx;
    const bool trending = adx >= m_rules.adxTrending;
    const int trendWeight = trending ? 4 : 2;
    int trendDir = 0;
    if (f > sl && sl > t)
        trendDir = 1;
    else if (f < sl && sl < t)
        trendDir = -1;
    vote(trendWeight, trendDir,
         fmt("EMA %.0f/%.0f/%.0f ", m_rules.emaFast, m_rules.emaSlow, m_rules.emaTrend) +
             (trendDir > 0       ? "aligned up"
                  : trendDir < 0 ? "aligned down"
                                 : "mixed") +
             fmt(trending ? " (ADX %.1f: trending)" : " (ADX %.1f: ranging)", adx));
    // Momentum
    const double rsi = m_rsi.value();
    vote(1, rsi <= m_rules.rsiOversold ? 1 : (rsi >= m_rules.rsiOverbought ? -1 : 0),
         fmt(rsi <= m_rules.rsiOversold ? "RSI %.1f oversold" : "RSI %.1f overbought", rsi));
    int macdDir = 0;
    if (!std::isnan(prevHist)) {
        if (macd.histogram > 0 && macd.histogram > prevHist)
            macdDir = 1;
        else if (macd.histogram < 0 && macd.histogram < prevHist)
            macdDir = -1;
    }
    vote(1, macdDir,
         fmt(macdDir > 0 ? "MACD histogram %.4g rising above 0" : "MACD histogram %.4g falling below 0", macd.histogram));
    int stochDir = 0;
    if (!std::isnan(prevK) && !std::isnan(prevD)) {
        if (prevK <= prevD && st.k > st.d && st.k < 20)
            stochDir = 1;
        else if (prevK >= prevD && st.k < st.d && st.k > 80)
            stochDir = -1;
    }
    vote(1, stochDir,
         fmt(stochDir > 0 ? "Stochastic %%K %.1f crossed above %%D in the oversold zone"
                          : "Stochastic %%K %.1f crossed below %%D in the overbought zone",
             st.k));
    // Volatility (mean reversion at the bands)
    const indicators::BandsValue bb = m_bb.value();
    vote(1, c < bb.lower ? 1 : (c > bb.upper ? -1 : 0),
         c < bb.lower ? fmt("close %.8g below the lower Bollinger band %.8g", c, bb.lower)
                      : fmt("close %.8g above the upper Bollinger band %.8g", c, bb.upper));
    // Volume
    const double mfi = m_mfi.value();
    vote(1, mfi <= 20 ? 1 : (mfi >= 80 ? -1 : 0), fmt(mfi <= 20 ? "MFI %.1f oversold" : "MFI %.1f overbought", mfi));
    const double obv = m_obv.value(), obvSma = m_obvSma.value();
    const int obvDir = trendDir != 0 && ((trendDir > 0 && obv > obvSma) || (trendDir < 0 && obv < obvSma)) ? trendDir : 0;
    vote(1, obvDir, obvDir > 0 ? "OBV above its average confirms the uptrend" : "OBV below its average confirms the downtrend");

    // User formula rules: a condition that holds (non-zero, defined) votes for its side.
    for (const CompiledFormula& f : m_formulas) {
        const FormulaRule& fr = m_rules.formulas[f.rule];
        const double x = f.formula.value();
        const bool holds = !std::isnan(x) && x != 0;
        vote(fr.weight, holds ? (fr.side == Direction::Long ? 1 : -1) : 0,
             fr.reason.empty() ? "formula " + fr.formula : fr.reason);
    }

    s.score = score;
    s.side = score >= m_rules.minScore ? Direction::Long : (score <= -m_rules.minScore ? Direction::Short : Direction::Hold);
    const int strength = static_cast<int>(std::lround(100.0 * std::abs(score) / maxScore));
    s.confidence = s.side == Direction::Hold ? 100 - strength : strength;
    if (s.side == Direction::Hold && s.reasons.empty()) s.reasons.push_back("no rule fired");
    // Levels
    const double atr = m_atr.value();
    const double dir = s.side == Direction::Short ? -1.0 : 1.0;
    s.entry = c;
    const double risk = m_rules.atrStop * atr;
    s.stopLoss = c - dir * risk;
    for (std::size_t k = 0; k < 3; ++k) s.takeProfits[k] = c + dir * m_rules.tpR[k] * risk;
    s.rewardRisk = m_rules.tpR[1];
    return s;
}

std::vector<Signal> generateSignals(const std::vector<Bar>& bars, Timeframe tf, const SignalRules& rules) {
    SignalEngine e(rules);
    std::vector<Signal> out;
    for (const Bar& b : bars)
        if (auto s = e.onBar(b, nextBucketStart(tf, b.openTimeMs))) out.push_back(std::move(*s));
    return out;
}

}  // namespace kairos::signal
