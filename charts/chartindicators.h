#pragma once
// Indicators on a chart: the menu's catalogue (what each indicator is called, where it goes,
// its parameters, outputs, colours, levels), a user's configuration of one, and its values over
// a ChartSeries.
//
// Values come from the streaming classes of core/indicators (indicators.h), which are bitwise
// equal to the batch functions: the history is pushed bar by bar once, then each tick revises the
// forming bar in O(1) (updateLast) and a closed bar is one push. Outputs are stored at the bar
// they are *plotted* at, so Ichimoku's senkou spans reach `displacement` bars into the future and
// its chikou span `displacement` bars into the past.

#include "chartseries.h"

#include <QColor>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace kairos::storage {
struct ChartLayoutIndicator;
}

namespace kairos::charts {

enum class IndicatorPlacement : std::uint8_t { Overlay = 1, Pane };
enum class PlotStyle : std::uint8_t { Line = 1, Histogram, Dots };

struct IndicatorParam {
    QString name;   ///< the core catalogue's option name ("period")
    QString label;  ///< "Period"
    double defaultValue = 0;
    bool integer = true;
    double min = 1, max = 1000;
};

struct IndicatorOutput {
    QString name;   ///< "bbands_upper"
    QString label;  ///< "Upper"
    QColor colour;  ///< default colour
    PlotStyle style = PlotStyle::Line;
    /// Plotted `sign * params[offsetParam]` bars after the bar it was computed at (-1: none).
    int offsetParam = -1;
    int offsetSign = 1;
};

/// A filled area between two outputs; two-tone fills use `colour` where upper >= lower and
/// `colourBelow` elsewhere (the Ichimoku cloud).
struct IndicatorFill {
    int upper = 0, lower = 0;
    QColor colour;
    QColor colourBelow;  ///< invalid: one colour
};

struct IndicatorInfo {
    QString name;        ///< core catalogue name: "ema", "bbands"
    QString title;       ///< "Exponential Moving Average"
    QString shortTitle;  ///< "EMA"
    QString group;       ///< "Moving averages", "Bands and channels", "Trend", "Oscillators", "Volume", "Volatility"
    IndicatorPlacement placement = IndicatorPlacement::Overlay;
    std::vector<IndicatorParam> params;
    std::vector<IndicatorOutput> outputs;
    std::vector<IndicatorFill> fills;
    std::vector<double> levels;                                  ///< horizontal guide lines (RSI 30/70)
    double rangeMin = std::numeric_limits<double>::quiet_NaN();  ///< fixed pane range (RSI 0..100)
    double rangeMax = std::numeric_limits<double>::quiet_NaN();
    QString keywords;  ///< extra words the menu's search matches ("moving average", "cloud")
};

/// Every indicator the chart offers, in menu order.
const std::vector<IndicatorInfo>& chartIndicators();
/// By name (case-insensitive), or nullptr.
const IndicatorInfo* findChartIndicator(const QString& name);
/// Menu search: names, titles, groups and keywords containing every word of `query`.
std::vector<const IndicatorInfo*> searchChartIndicators(const QString& query);

/// Catalogue names of user formulas (core/indicators/formula.h): in a pane of their own, or
/// drawn over the prices. Their config carries the formula text instead of parameters.
inline QString formulaPaneName() { return QStringLiteral("formula"); }
inline QString formulaOverlayName() { return QStringLiteral("formula_overlay"); }
bool isFormulaIndicator(const QString& name);
/// Empty when `text` parses; else "column N: what was expected" (from Formula::parse).
QString formulaError(const QString& text);

/// One indicator as the user set it up.
struct IndicatorConfig {
    QString name;
    QString formula;              ///< the formula of formulaPaneName()/formulaOverlayName(), else empty
    std::vector<double> params;   ///< in IndicatorInfo::params order
    std::vector<QColor> colours;  ///< per output
    int lineWidth = 1;

    /// The catalogue defaults; an empty name when `name` is unknown.
    static IndicatorConfig defaults(const QString& name);
    const IndicatorInfo* info() const { return findChartIndicator(name); }
    /// A user formula drawn in a pane (or over the prices when `overlay`).
    static IndicatorConfig fromFormula(const QString& formula, bool overlay = false);
    /// "EMA 20", "BB 20 2", "MACD 12 26 9"; a formula's text.
    QString label() const;
    /// Params clamped to their ranges (and rounded where integer); missing values from defaults.
    IndicatorConfig normalised() const;
    QJsonObject toJson() const;
    /// A saved layout's indicator; nullopt when the chart does not know it (or its formula does
    /// not parse). Params are normalised().
    static std::optional<IndicatorConfig> fromLayout(const storage::ChartLayoutIndicator& saved);
    /// toJson()'s text read back the way a layout reads it (storage::parseChartLayout, then
    /// fromLayout); nullopt when it is not a valid indicator.
    static std::optional<IndicatorConfig> fromJson(const QJsonObject& json);
    friend bool operator==(const IndicatorConfig&, const IndicatorConfig&) = default;
};

/// An indicator's values over a series, kept up to date bar by bar.
class IndicatorValues {
public:
    explicit IndicatorValues(const IndicatorConfig& config);
    ~IndicatorValues();
    IndicatorValues(IndicatorValues&&) noexcept;
    IndicatorValues& operator=(IndicatorValues&&) noexcept;

    const IndicatorConfig& config() const { return m_config; }
    /// From scratch over every bar.
    void recompute(const ChartSeries& series);
    /// The series' newest bar was revised (forming bar) or appended.
    void onLastBar(const ChartSeries& series, ChartSeries::Update update);

    std::size_t outputCount() const { return m_out.size(); }
    /// Plot offset (bars) of an output.
    int offset(std::size_t output) const { return m_offsets[output]; }
    int maxForwardOffset() const;
    /// The value plotted at logical index `index`; NaN where there is none.
    double value(std::size_t output, std::int64_t index) const {
        const std::int64_t s = index - m_origin;
        if (s < 0 || s >= static_cast<std::int64_t>(m_out[output].size())) return std::numeric_limits<double>::quiet_NaN();
        return m_out[output][static_cast<std::size_t>(s)];
    }

    struct Computer;

private:
    void store(std::int64_t barIndex, const double* values);

    IndicatorConfig m_config;
    std::unique_ptr<Computer> m_computer;
    std::int64_t m_origin = 0;
    std::vector<std::vector<double>> m_out;
    std::vector<int> m_offsets;
    std::vector<double> m_scratch;
};

}  // namespace kairos::charts
