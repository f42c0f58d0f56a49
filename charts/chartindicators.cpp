#include "chartindicators.h"

#include "indicators/formula.h"
#include "indicators/indicators.h"
#include "storage/chartlayout.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace kairos::charts {

namespace ind = kairos::indicators;

namespace {

const QColor kBlue(0x29, 0x62, 0xff);
const QColor kOrange(0xff, 0x6d, 0x00);
const QColor kPurple(0x7e, 0x57, 0xc2);
const QColor kTeal(0x26, 0xa6, 0x9a);
const QColor kRed(0xef, 0x53, 0x50);
const QColor kGreen(0x43, 0xa0, 0x47);
const QColor kPink(0xe9, 0x1e, 0x63);
const QColor kGrey(0x78, 0x7b, 0x86);
const QColor kAmber(0xff, 0xb3, 0x00);

QColor alpha(QColor c, int a) {
    c.setAlpha(a);
    return c;
}

IndicatorParam period(double def, const QString& label = QStringLiteral("Period"),
                      const QString& name = QStringLiteral("period")) {
    return {name, label, def, true, 1, 2000};
}
IndicatorParam real(const QString& name, const QString& label, double def, double min, double max) {
    return {name, label, def, false, min, max};
}
IndicatorOutput out(const QString& name, const QString& label, QColor colour, PlotStyle style = PlotStyle::Line) {
    return {name, label, colour, style, -1, 1};
}

std::vector<IndicatorInfo> buildCatalogue() {
    using P = IndicatorPlacement;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<IndicatorInfo> c;
    auto ma = [&](const char* name, const char* title, const char* shortTitle, QColor colour, const char* keywords) {
        c.push_back({QString::fromLatin1(name),
                     QString::fromLatin1(title),
                     QString::fromLatin1(shortTitle),
                     QStringLiteral("Moving averages"),
                     P::Overlay,
                     {period(20)},
                     {out(QString::fromLatin1(name), QString::fromLatin1(shortTitle), colour)},
                     {},
                     {},
                     nan,
                     nan,
                     QStringLiteral("ma moving average ") + QString::fromLatin1(keywords)});
    };
    ma("sma", "Simple Moving Average", "SMA", kAmber, "simple");
    ma("ema", "Exponential Moving Average", "EMA", kBlue, "exponential");
    ma("wma", "Weighted Moving Average", "WMA", kPurple, "weighted linear");
    ma("dema", "Double Exponential Moving Average", "DEMA", kPink, "double");
    ma("tema", "Triple Exponential Moving Average", "TEMA", kOrange, "triple");
    ma("hma", "Hull Moving Average", "HMA", kGreen, "hull");
    ma("vwma", "Volume Weighted Moving Average", "VWMA", kTeal, "volume weighted");

    c.push_back({QStringLiteral("bbands"),
                 QStringLiteral("Bollinger Bands"),
                 QStringLiteral("BB"),
                 QStringLiteral("Bands and channels"),
                 P::Overlay,
                 {period(20), real(QStringLiteral("stddev"), QStringLiteral("Std. dev."), 2, 0.1, 10)},
                 {out(QStringLiteral("bbands_lower"), QStringLiteral("Lower"), kBlue),
                  out(QStringLiteral("bbands_middle"), QStringLiteral("Basis"), kOrange),
                  out(QStringLiteral("bbands_upper"), QStringLiteral("Upper"), kBlue)},
                 {{2, 0, alpha(kBlue, 28), {}}},
                 {},
                 nan,
                 nan,
                 QStringLiteral("bands volatility standard deviation")});
    c.push_back({QStringLiteral("keltner"),
                 QStringLiteral("Keltner Channel"),
                 QStringLiteral("KC"),
                 QStringLiteral("Bands and channels"),
                 P::Overlay,
                 {period(20, QStringLiteral("EMA period"), QStringLiteral("ema_period")),
                  period(10, QStringLiteral("ATR period"), QStringLiteral("atr_period")),
                  real(QStringLiteral("multiplier"), QStringLiteral("Multiplier"), 2, 0.1, 10)},
                 {out(QStringLiteral("keltner_lower"), QStringLiteral("Lower"), kTeal),
                  out(QStringLiteral("keltner_middle"), QStringLiteral("Basis"), kTeal),
                  out(QStringLiteral("keltner_upper"), QStringLiteral("Upper"), kTeal)},
                 {{2, 0, alpha(kTeal, 24), {}}},
                 {},
                 nan,
                 nan,
                 QStringLiteral("bands channel atr")});
    c.push_back({QStringLiteral("donchian"),
                 QStringLiteral("Donchian Channel"),
                 QStringLiteral("DC"),
                 QStringLiteral("Bands and channels"),
                 P::Overlay,
                 {period(20)},
                 {out(QStringLiteral("donchian_lower"), QStringLiteral("Lower"), kBlue),
                  out(QStringLiteral("donchian_middle"), QStringLiteral("Basis"), kOrange),
                  out(QStringLiteral("donchian_upper"), QStringLiteral("Upper"), kBlue)},
                 {{2, 0, alpha(kBlue, 20), {}}},
                 {},
                 nan,
                 nan,
                 QStringLiteral("channel breakout highest lowest")});
    c.push_back({QStringLiteral("vwap"),
                 QStringLiteral("Volume Weighted Average Price"),
                 QStringLiteral("VWAP"),
                 QStringLiteral("Volume"),
                 P::Overlay,
                 {},
                 {out(QStringLiteral("vwap"), QStringLiteral("VWAP"), kPink)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("session anchored")});
    {
        IndicatorInfo ich{QStringLiteral("ichimoku"),
                          QStringLiteral("Ichimoku Cloud"),
                          QStringLiteral("Ichimoku"),
                          QStringLiteral("Trend"),
                          P::Overlay,
                          {period(9, QStringLiteral("Tenkan"), QStringLiteral("tenkan_period")),
                           period(26, QStringLiteral("Kijun"), QStringLiteral("kijun_period")),
                           period(52, QStringLiteral("Senkou B"), QStringLiteral("senkou_b_period")),
                           IndicatorParam{QStringLiteral("displacement"), QStringLiteral("Displacement"), 26, true, 0, 500}},
                          {out(QStringLiteral("tenkan"), QStringLiteral("Tenkan"), kBlue),
                           out(QStringLiteral("kijun"), QStringLiteral("Kijun"), kRed),
                           IndicatorOutput{QStringLiteral("senkou_a"), QStringLiteral("Senkou A"), kGreen, PlotStyle::Line, 3, 1},
                           IndicatorOutput{QStringLiteral("senkou_b"), QStringLiteral("Senkou B"), kRed, PlotStyle::Line, 3, 1},
                           IndicatorOutput{QStringLiteral("chikou"), QStringLiteral("Chikou"), kGrey, PlotStyle::Line, 3, -1}},
                          {{2, 3, alpha(kGreen, 40), alpha(kRed, 40)}},
                          {},
                          nan,
                          nan,
                          QStringLiteral("kinko hyo cloud kumo")};
        c.push_back(ich);
    }
    c.push_back({QStringLiteral("supertrend"),
                 QStringLiteral("SuperTrend"),
                 QStringLiteral("SuperTrend"),
                 QStringLiteral("Trend"),
                 P::Overlay,
                 {period(10, QStringLiteral("ATR period"), QStringLiteral("atr_period")),
                  real(QStringLiteral("multiplier"), QStringLiteral("Multiplier"), 3, 0.1, 20)},
                 {out(QStringLiteral("supertrend_up"), QStringLiteral("Up"), kTeal),
                  out(QStringLiteral("supertrend_down"), QStringLiteral("Down"), kRed)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("trailing stop atr")});
    c.push_back({QStringLiteral("psar"),
                 QStringLiteral("Parabolic SAR"),
                 QStringLiteral("SAR"),
                 QStringLiteral("Trend"),
                 P::Overlay,
                 {real(QStringLiteral("acceleration_factor_step"), QStringLiteral("Step"), 0.02, 0.001, 1),
                  real(QStringLiteral("acceleration_factor_maximum"), QStringLiteral("Maximum"), 0.2, 0.001, 1)},
                 {out(QStringLiteral("psar"), QStringLiteral("SAR"), kBlue, PlotStyle::Dots)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("stop and reverse parabolic")});

    c.push_back({QStringLiteral("rsi"),
                 QStringLiteral("Relative Strength Index"),
                 QStringLiteral("RSI"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(14)},
                 {out(QStringLiteral("rsi"), QStringLiteral("RSI"), kPurple)},
                 {},
                 {30, 70},
                 0,
                 100,
                 QStringLiteral("momentum overbought oversold")});
    c.push_back({QStringLiteral("macd"),
                 QStringLiteral("MACD"),
                 QStringLiteral("MACD"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(12, QStringLiteral("Fast"), QStringLiteral("short_period")),
                  period(26, QStringLiteral("Slow"), QStringLiteral("long_period")),
                  period(9, QStringLiteral("Signal"), QStringLiteral("signal_period"))},
                 {out(QStringLiteral("macd_histogram"), QStringLiteral("Histogram"), kTeal, PlotStyle::Histogram),
                  out(QStringLiteral("macd"), QStringLiteral("MACD"), kBlue),
                  out(QStringLiteral("macd_signal"), QStringLiteral("Signal"), kOrange)},
                 {},
                 {0},
                 nan,
                 nan,
                 QStringLiteral("moving average convergence divergence momentum")});
    c.push_back({QStringLiteral("stoch"),
                 QStringLiteral("Stochastic"),
                 QStringLiteral("Stoch"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(14, QStringLiteral("%K period"), QStringLiteral("k_period")),
                  period(3, QStringLiteral("%K slowing"), QStringLiteral("k_slowing")),
                  period(3, QStringLiteral("%D period"), QStringLiteral("d_period"))},
                 {out(QStringLiteral("stoch_k"), QStringLiteral("%K"), kBlue),
                  out(QStringLiteral("stoch_d"), QStringLiteral("%D"), kOrange)},
                 {},
                 {20, 80},
                 0,
                 100,
                 QStringLiteral("stochastic oscillator overbought oversold")});
    c.push_back({QStringLiteral("atr"),
                 QStringLiteral("Average True Range"),
                 QStringLiteral("ATR"),
                 QStringLiteral("Volatility"),
                 P::Pane,
                 {period(14)},
                 {out(QStringLiteral("atr"), QStringLiteral("ATR"), kRed)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("volatility range wilder")});
    c.push_back(
        {QStringLiteral("adx"),
         QStringLiteral("Average Directional Index"),
         QStringLiteral("ADX"),
         QStringLiteral("Trend"),
         P::Pane,
         {period(14)},
         {out(QStringLiteral("adx"), QStringLiteral("ADX"), kRed), out(QStringLiteral("plus_di"), QStringLiteral("+DI"), kTeal),
          out(QStringLiteral("minus_di"), QStringLiteral("-DI"), kOrange)},
         {},
         {25},
         nan,
         nan,
         QStringLiteral("directional movement dmi di trend strength")});
    c.push_back({QStringLiteral("obv"),
                 QStringLiteral("On Balance Volume"),
                 QStringLiteral("OBV"),
                 QStringLiteral("Volume"),
                 P::Pane,
                 {},
                 {out(QStringLiteral("obv"), QStringLiteral("OBV"), kBlue)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("cumulative volume")});
    c.push_back({QStringLiteral("cci"),
                 QStringLiteral("Commodity Channel Index"),
                 QStringLiteral("CCI"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(20)},
                 {out(QStringLiteral("cci"), QStringLiteral("CCI"), kTeal)},
                 {},
                 {-100, 100},
                 nan,
                 nan,
                 QStringLiteral("commodity channel")});
    c.push_back({QStringLiteral("mfi"),
                 QStringLiteral("Money Flow Index"),
                 QStringLiteral("MFI"),
                 QStringLiteral("Volume"),
                 P::Pane,
                 {period(14)},
                 {out(QStringLiteral("mfi"), QStringLiteral("MFI"), kPurple)},
                 {},
                 {20, 80},
                 0,
                 100,
                 QStringLiteral("money flow volume rsi")});
    c.push_back({QStringLiteral("willr"),
                 QStringLiteral("Williams %R"),
                 QStringLiteral("%R"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(14)},
                 {out(QStringLiteral("willr"), QStringLiteral("%R"), kPurple)},
                 {},
                 {-80, -20},
                 -100,
                 0,
                 QStringLiteral("williams percent range")});
    c.push_back({QStringLiteral("stochrsi"),
                 QStringLiteral("Stochastic RSI"),
                 QStringLiteral("StochRSI"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(14)},
                 {out(QStringLiteral("stochrsi"), QStringLiteral("StochRSI"), kBlue)},
                 {},
                 {0.2, 0.8},
                 0,
                 1,
                 QStringLiteral("stochastic rsi")});
    c.push_back({QStringLiteral("roc"),
                 QStringLiteral("Rate of Change"),
                 QStringLiteral("ROC"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(10)},
                 {out(QStringLiteral("roc"), QStringLiteral("ROC"), kBlue)},
                 {},
                 {0},
                 nan,
                 nan,
                 QStringLiteral("percent change momentum")});
    c.push_back({QStringLiteral("mom"),
                 QStringLiteral("Momentum"),
                 QStringLiteral("Mom"),
                 QStringLiteral("Oscillators"),
                 P::Pane,
                 {period(10)},
                 {out(QStringLiteral("mom"), QStringLiteral("Mom"), kBlue)},
                 {},
                 {0},
                 nan,
                 nan,
                 QStringLiteral("momentum change")});
    c.push_back({QStringLiteral("cmf"),
                 QStringLiteral("Chaikin Money Flow"),
                 QStringLiteral("CMF"),
                 QStringLiteral("Volume"),
                 P::Pane,
                 {period(20)},
                 {out(QStringLiteral("cmf"), QStringLiteral("CMF"), kGreen)},
                 {},
                 {0},
                 nan,
                 nan,
                 QStringLiteral("chaikin money flow accumulation")});
    c.push_back({QStringLiteral("aroon"),
                 QStringLiteral("Aroon"),
                 QStringLiteral("Aroon"),
                 QStringLiteral("Trend"),
                 P::Pane,
                 {period(25)},
                 {out(QStringLiteral("aroon_down"), QStringLiteral("Down"), kOrange),
                  out(QStringLiteral("aroon_up"), QStringLiteral("Up"), kBlue)},
                 {},
                 {},
                 0,
                 100,
                 QStringLiteral("aroon trend")});
    c.push_back({QStringLiteral("stddev"),
                 QStringLiteral("Standard Deviation"),
                 QStringLiteral("StdDev"),
                 QStringLiteral("Volatility"),
                 P::Pane,
                 {period(20)},
                 {out(QStringLiteral("stddev"), QStringLiteral("StdDev"), kBlue)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("volatility deviation")});
    // User formulas: one output, the formula text in IndicatorConfig::formula.
    c.push_back({formulaPaneName(),
                 QStringLiteral("Custom formula…"),
                 QStringLiteral("ƒ"),
                 QStringLiteral("Custom"),
                 P::Pane,
                 {},
                 {out(QStringLiteral("formula"), QStringLiteral("Value"), kBlue)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("formula expression user custom script")});
    c.push_back({formulaOverlayName(),
                 QStringLiteral("Custom formula on the price pane…"),
                 QStringLiteral("ƒ"),
                 QStringLiteral("Custom"),
                 P::Overlay,
                 {},
                 {out(QStringLiteral("formula"), QStringLiteral("Value"), kOrange)},
                 {},
                 {},
                 nan,
                 nan,
                 QStringLiteral("formula expression user custom script overlay")});
    return c;
}

}  // namespace

const std::vector<IndicatorInfo>& chartIndicators() {
    static const std::vector<IndicatorInfo> catalogue = buildCatalogue();
    return catalogue;
}

const IndicatorInfo* findChartIndicator(const QString& name) {
    for (const IndicatorInfo& i : chartIndicators())
        if (i.name.compare(name, Qt::CaseInsensitive) == 0) return &i;
    return nullptr;
}

std::vector<const IndicatorInfo*> searchChartIndicators(const QString& query) {
    const QStringList words = query.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    std::vector<const IndicatorInfo*> hits;
    for (const IndicatorInfo& i : chartIndicators()) {
        const QString hay = i.name + QLatin1Char(' ') + i.title + QLatin1Char(' ') + i.shortTitle + QLatin1Char(' ') + i.group +
            QLatin1Char(' ') + i.keywords;
        if (std::all_of(words.begin(), words.end(), [&](const QString& w) { return hay.contains(w, Qt::CaseInsensitive); }))
            hits.push_back(&i);
    }
    return hits;
}

bool isFormulaIndicator(const QString& name) {
    return name.compare(formulaPaneName(), Qt::CaseInsensitive) == 0 ||
        name.compare(formulaOverlayName(), Qt::CaseInsensitive) == 0;
}

QString formulaError(const QString& text) {
    auto f = ind::Formula::parse(text.toStdString());
    return f ? QString() : QString::fromStdString(f.message());
}

// ---------------------------------------------------------------------------------------------
IndicatorConfig IndicatorConfig::fromFormula(const QString& formula, bool overlay) {
    IndicatorConfig c = defaults(overlay ? formulaOverlayName() : formulaPaneName());
    c.formula = formula.trimmed();
    return c;
}

IndicatorConfig IndicatorConfig::defaults(const QString& name) {
    IndicatorConfig c;
    const IndicatorInfo* info = findChartIndicator(name);
    if (info == nullptr) return c;
    c.name = info->name;
    for (const IndicatorParam& p : info->params) c.params.push_back(p.defaultValue);
    for (const IndicatorOutput& o : info->outputs) c.colours.push_back(o.colour);
    return c;
}

QString IndicatorConfig::label() const {
    const IndicatorInfo* i = info();
    QString s = i != nullptr ? i->shortTitle : name;
    if (isFormulaIndicator(name)) return s + QLatin1Char(' ') + formula;
    for (double p : params) s += QLatin1Char(' ') + QString::number(p, 'g', 6);
    return s;
}

IndicatorConfig IndicatorConfig::normalised() const {
    IndicatorConfig c = defaults(name);
    const IndicatorInfo* i = info();
    if (i == nullptr) return c;
    if (isFormulaIndicator(name)) c.formula = formula.trimmed();
    for (std::size_t k = 0; k < c.params.size() && k < params.size(); ++k) {
        const IndicatorParam& p = i->params[k];
        double v = std::isfinite(params[k]) ? params[k] : p.defaultValue;
        if (p.integer) v = std::round(v);
        c.params[k] = std::clamp(v, p.min, p.max);
    }
    for (std::size_t k = 0; k < c.colours.size() && k < colours.size(); ++k)
        if (colours[k].isValid()) c.colours[k] = colours[k];
    c.lineWidth = std::clamp(lineWidth, 1, 4);
    return c;
}

QJsonObject IndicatorConfig::toJson() const {
    QJsonArray ps, cs;
    for (double p : params) ps.append(p);
    for (const QColor& col : colours) cs.append(col.name(QColor::HexArgb));
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("params"), ps},
                       {QStringLiteral("colours"), cs},
                       {QStringLiteral("lineWidth"), lineWidth},
                       {QStringLiteral("formula"), formula}};
}

std::optional<IndicatorConfig> IndicatorConfig::fromJson(const QJsonObject& json) {
    // One reader for saved indicators: the layout's. A one-chart layout carries this indicator.
    const QJsonObject chart{{QStringLiteral("instrument"), QStringLiteral("BINANCE:BTCUSDT")},
                            {QStringLiteral("timeframe"), QStringLiteral("1h")},
                            {QStringLiteral("indicators"), QJsonArray{json}}};
    const QJsonObject layout{{QStringLiteral("version"), storage::kChartLayoutVersion},
                             {QStringLiteral("charts"), QJsonArray{chart}}};
    auto parsed = storage::parseChartLayout(QJsonDocument(layout).toJson(QJsonDocument::Compact).toStdString());
    if (!parsed || parsed->charts.front().indicators.empty()) return std::nullopt;
    return fromLayout(parsed->charts.front().indicators.front());
}

std::optional<IndicatorConfig> IndicatorConfig::fromLayout(const storage::ChartLayoutIndicator& saved) {
    IndicatorConfig c;
    c.name = QString::fromStdString(saved.name);
    if (findChartIndicator(c.name) == nullptr) return std::nullopt;
    c.params = saved.params;
    for (const std::string& col : saved.colours) c.colours.push_back(QColor(QString::fromStdString(col)));
    c.lineWidth = saved.lineWidth;
    c.formula = QString::fromStdString(saved.formula);
    if (isFormulaIndicator(c.name) && !formulaError(c.formula).isEmpty()) return std::nullopt;
    return c.normalised();
}

// ---------------------------------------------------------------------------------------------
struct BarIn {
    std::int64_t t;
    double o, h, l, c, v;
};

struct IndicatorValues::Computer {
    virtual ~Computer() = default;
    virtual void push(const BarIn& b) = 0;
    virtual void revise(const BarIn& b) = 0;
    virtual void values(double* out) const = 0;
};

namespace {

template <class Ind, class Feed, class Read>
class Adapter final : public IndicatorValues::Computer {
public:
    Adapter(Ind ind, Feed feed, Read read) : m_ind(std::move(ind)), m_feed(feed), m_read(read) {}
    void push(const BarIn& b) override { m_feed(m_ind, b, false); }
    void revise(const BarIn& b) override { m_feed(m_ind, b, true); }
    void values(double* out) const override { m_read(m_ind, out); }

private:
    Ind m_ind;
    Feed m_feed;
    Read m_read;
};

template <class Ind, class Feed, class Read>
std::unique_ptr<IndicatorValues::Computer> adapt(Ind ind, Feed feed, Read read) {
    return std::make_unique<Adapter<Ind, Feed, Read>>(std::move(ind), feed, read);
}

// Feeds by input shape.
constexpr auto kClose = [](auto& i, const BarIn& b, bool rev) { rev ? i.updateLast(b.c) : i.push(b.c); };
constexpr auto kHlc = [](auto& i, const BarIn& b, bool rev) { rev ? i.updateLast(b.h, b.l, b.c) : i.push(b.h, b.l, b.c); };
constexpr auto kHl = [](auto& i, const BarIn& b, bool rev) { rev ? i.updateLast(b.h, b.l) : i.push(b.h, b.l); };
constexpr auto kCv = [](auto& i, const BarIn& b, bool rev) { rev ? i.updateLast(b.c, b.v) : i.push(b.c, b.v); };
constexpr auto kHlcv = [](auto& i, const BarIn& b, bool rev) {
    rev ? i.updateLast(b.h, b.l, b.c, b.v) : i.push(b.h, b.l, b.c, b.v);
};
// Reads by output shape.
constexpr auto kOne = [](const auto& i, double* o) { o[0] = i.value(); };
constexpr auto kBands = [](const auto& i, double* o) {
    const auto v = i.value();
    o[0] = v.lower;
    o[1] = v.middle;
    o[2] = v.upper;
};

/// A user formula, streamed bar by bar (the same path as its batch evaluation).
class FormulaComputer final : public IndicatorValues::Computer {
public:
    explicit FormulaComputer(ind::Formula f) : m_f(std::move(f)) {}
    void push(const BarIn& b) override { m_f.push({b.t, b.o, b.h, b.l, b.c, b.v}); }
    void revise(const BarIn& b) override { m_f.updateLast({b.t, b.o, b.h, b.l, b.c, b.v}); }
    void values(double* out) const override { out[0] = m_f.value(); }

private:
    ind::Formula m_f;
};

std::unique_ptr<IndicatorValues::Computer> makeComputer(const IndicatorConfig& c) {
    if (isFormulaIndicator(c.name)) {
        auto f = ind::Formula::parse(c.formula.toStdString());
        if (!f) return nullptr;  // no values: the chart refuses such configs before they get here
        return std::make_unique<FormulaComputer>(std::move(*f));
    }
    const auto& p = c.params;
    auto n = [&](std::size_t k) { return static_cast<int>(p[k]); };
    const QString& name = c.name;
    if (name == QLatin1String("sma")) return adapt(ind::Sma(n(0)), kClose, kOne);
    if (name == QLatin1String("ema")) return adapt(ind::Ema(n(0)), kClose, kOne);
    if (name == QLatin1String("wma")) return adapt(ind::Wma(n(0)), kClose, kOne);
    if (name == QLatin1String("dema")) return adapt(ind::MultiEma(n(0), 2), kClose, kOne);
    if (name == QLatin1String("tema")) return adapt(ind::MultiEma(n(0), 3), kClose, kOne);
    if (name == QLatin1String("hma")) return adapt(ind::Hma(n(0)), kClose, kOne);
    if (name == QLatin1String("vwma")) return adapt(ind::Vwma(n(0)), kCv, kOne);
    if (name == QLatin1String("bbands")) return adapt(ind::Bollinger(n(0), p[1]), kClose, kBands);
    if (name == QLatin1String("keltner")) return adapt(ind::Keltner(n(0), n(1), p[2]), kHlc, kBands);
    if (name == QLatin1String("donchian")) return adapt(ind::Donchian(n(0)), kHl, kBands);
    if (name == QLatin1String("vwap"))
        return adapt(
            ind::Vwap(),
            [](auto& i, const BarIn& b, bool rev) {
                rev ? i.updateLast(b.t, b.h, b.l, b.c, b.v) : i.push(b.t, b.h, b.l, b.c, b.v);
            },
            kOne);
    if (name == QLatin1String("ichimoku"))
        return adapt(ind::Ichimoku(n(0), n(1), n(2), n(3)), kHlc, [](const ind::Ichimoku& i, double* o) {
            const auto v = i.value();
            o[0] = v.tenkan;
            o[1] = v.kijun;
            o[2] = i.leadingA();  // plotted displacement bars ahead
            o[3] = i.leadingB();
            o[4] = i.chikou();  // plotted displacement bars back
        });
    if (name == QLatin1String("supertrend"))
        return adapt(ind::SuperTrend(n(0), p[1]), kHlc, [](const ind::SuperTrend& i, double* o) {
            const auto v = i.value();
            const double nan = std::numeric_limits<double>::quiet_NaN();
            o[0] = v.direction > 0 ? v.line : nan;
            o[1] = v.direction < 0 ? v.line : nan;
        });
    if (name == QLatin1String("psar")) return adapt(ind::Psar(p[0], p[1]), kHl, kOne);
    if (name == QLatin1String("rsi")) return adapt(ind::Rsi(n(0)), kClose, kOne);
    if (name == QLatin1String("macd"))
        return adapt(ind::Macd(n(0), n(1), n(2)), kClose, [](const ind::Macd& i, double* o) {
            const auto v = i.value();
            o[0] = v.histogram;
            o[1] = v.line;
            o[2] = v.signal;
        });
    if (name == QLatin1String("stoch"))
        return adapt(ind::Stochastic(n(0), n(1), n(2)), kHlc, [](const ind::Stochastic& i, double* o) {
            const auto v = i.value();
            o[0] = v.k;
            o[1] = v.d;
        });
    if (name == QLatin1String("atr")) return adapt(ind::Atr(n(0)), kHlc, kOne);
    if (name == QLatin1String("adx"))
        return adapt(ind::DirectionalMovement(n(0)), kHlc, [](const ind::DirectionalMovement& i, double* o) {
            const auto v = i.value();
            o[0] = v.adx;
            o[1] = v.plusDi;
            o[2] = v.minusDi;
        });
    if (name == QLatin1String("obv")) return adapt(ind::Obv(), kCv, kOne);
    if (name == QLatin1String("cci")) return adapt(ind::Cci(n(0)), kHlc, kOne);
    if (name == QLatin1String("mfi")) return adapt(ind::Mfi(n(0)), kHlcv, kOne);
    if (name == QLatin1String("willr")) return adapt(ind::WilliamsR(n(0)), kHlc, kOne);
    if (name == QLatin1String("stochrsi")) return adapt(ind::StochRsi(n(0)), kClose, kOne);
    if (name == QLatin1String("roc")) return adapt(ind::Change(n(0), ind::Change::Kind::Roc), kClose, kOne);
    if (name == QLatin1String("mom")) return adapt(ind::Change(n(0), ind::Change::Kind::Momentum), kClose, kOne);
    if (name == QLatin1String("cmf")) return adapt(ind::Cmf(n(0)), kHlcv, kOne);
    if (name == QLatin1String("aroon"))
        return adapt(ind::Aroon(n(0)), kHl, [](const ind::Aroon& i, double* o) {
            const auto v = i.value();
            o[0] = v.down;
            o[1] = v.up;
        });
    if (name == QLatin1String("stddev")) return adapt(ind::StdDev(n(0)), kClose, kOne);
    return nullptr;
}

BarIn barAt(const ChartSeries& s, std::size_t k) {
    return {s.time()[k], s.open()[k], s.high()[k], s.low()[k], s.close()[k], s.volume()[k]};
}

}  // namespace

IndicatorValues::IndicatorValues(const IndicatorConfig& config) : m_config(config.normalised()) {
    const IndicatorInfo* info = m_config.info();
    const std::size_t outputs = info != nullptr ? info->outputs.size() : 0;
    m_out.resize(outputs);
    m_scratch.resize(outputs);
    for (std::size_t k = 0; k < outputs; ++k) {
        const IndicatorOutput& o = info->outputs[k];
        m_offsets.push_back(
            o.offsetParam >= 0 ? o.offsetSign * static_cast<int>(m_config.params[static_cast<std::size_t>(o.offsetParam)]) : 0);
    }
}

IndicatorValues::~IndicatorValues() = default;
IndicatorValues::IndicatorValues(IndicatorValues&&) noexcept = default;
IndicatorValues& IndicatorValues::operator=(IndicatorValues&&) noexcept = default;

int IndicatorValues::maxForwardOffset() const {
    int m = 0;
    for (int o : m_offsets) m = std::max(m, o);
    return m;
}

void IndicatorValues::store(std::int64_t barIndex, const double* values) {
    for (std::size_t k = 0; k < m_out.size(); ++k) {
        const std::int64_t s = barIndex + m_offsets[k] - m_origin;
        if (s < 0) continue;
        auto& col = m_out[k];
        if (s >= static_cast<std::int64_t>(col.size()))
            col.resize(static_cast<std::size_t>(s) + 1, std::numeric_limits<double>::quiet_NaN());
        col[static_cast<std::size_t>(s)] = values[k];
    }
}

void IndicatorValues::recompute(const ChartSeries& series) {
    m_computer = makeComputer(m_config);
    m_origin = series.firstIndex();
    const std::size_t n = series.size();
    for (std::size_t k = 0; k < m_out.size(); ++k) {
        m_out[k].assign(n + static_cast<std::size_t>(std::max(0, m_offsets[k])), std::numeric_limits<double>::quiet_NaN());
    }
    if (!m_computer) return;
    for (std::size_t i = 0; i < n; ++i) {
        m_computer->push(barAt(series, i));
        m_computer->values(m_scratch.data());
        store(m_origin + static_cast<std::int64_t>(i), m_scratch.data());
    }
}

void IndicatorValues::onLastBar(const ChartSeries& series, ChartSeries::Update update) {
    if (!m_computer || series.empty() || update == ChartSeries::Update::Ignored) return;
    const BarIn b = barAt(series, series.size() - 1);
    if (update == ChartSeries::Update::Appended)
        m_computer->push(b);
    else
        m_computer->revise(b);
    m_computer->values(m_scratch.data());
    store(series.lastIndex(), m_scratch.data());
}

}  // namespace kairos::charts
