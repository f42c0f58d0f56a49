#include "storage/chartlayout.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <utility>

namespace kairos::storage {

namespace {

// Times in a view must convert to int64 exactly; ±2^53 ms is far beyond any real chart.
constexpr double kMaxAbsTimeMs = 9007199254740992.0;

std::string str(const QString& s) { return s.toStdString(); }

Error at(const std::string& where, const std::string& what) { return Error{where + ": " + what}; }

Result<bool> optionalBool(const QJsonObject& o, const char* key, bool fallback, const std::string& where) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) return fallback;
    if (!v.isBool()) return at(where + "." + key, "expected true or false");
    return v.toBool();
}

Result<std::string> optionalString(const QJsonObject& o, const char* key, const std::string& where) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) return std::string();
    if (!v.isString()) return at(where + "." + key, "expected a string");
    return str(v.toString());
}

Result<ChartLayoutIndicator> indicator(const QJsonValue& value, const std::string& where) {
    if (!value.isObject()) return at(where, "expected an object");
    const QJsonObject o = value.toObject();
    ChartLayoutIndicator ind;
    const QJsonValue name = o.value(QLatin1String("name"));
    if (!name.isString() || name.toString().isEmpty()) return at(where + ".name", "expected the indicator's name");
    ind.name = str(name.toString());
    const QJsonArray params = o.value(QLatin1String("params")).toArray();
    for (qsizetype i = 0; i < params.size(); ++i) {
        const QJsonValue p = params.at(i);
        if (!p.isDouble() || !std::isfinite(p.toDouble()))
            return at(where + ".params[" + std::to_string(i) + "]", "expected a number");
        ind.params.push_back(p.toDouble());
    }
    const QJsonArray colours = o.value(QLatin1String("colours")).toArray();
    for (qsizetype i = 0; i < colours.size(); ++i) {
        if (!colours.at(i).isString()) return at(where + ".colours[" + std::to_string(i) + "]", "expected a colour name");
        ind.colours.push_back(str(colours.at(i).toString()));
    }
    const QJsonValue width = o.value(QLatin1String("lineWidth"));
    if (!width.isUndefined()) {
        const double w = width.toDouble(-1);
        if (!width.isDouble() || w < 1 || w > 10 || w != std::floor(w)) return at(where + ".lineWidth", "expected 1 to 10");
        ind.lineWidth = static_cast<int>(w);
    }
    auto formula = optionalString(o, "formula", where);
    if (!formula) return formula.error();
    ind.formula = *formula;
    return ind;
}

Result<ChartLayoutChart> chart(const QJsonValue& value, const std::string& where) {
    if (!value.isObject()) return at(where, "expected an object");
    const QJsonObject o = value.toObject();
    ChartLayoutChart c;
    const std::string instrument = str(o.value(QLatin1String("instrument")).toString());
    auto id = InstrumentId::parse(instrument);
    if (!id) return at(where + ".instrument", "\"" + instrument + "\" is not an instrument (VENUE:SYMBOL)");
    c.instrument = *id;
    const std::string timeframe = str(o.value(QLatin1String("timeframe")).toString());
    auto tf = parseTimeframe(timeframe);
    if (!tf) return at(where + ".timeframe", "\"" + timeframe + "\" is not a timeframe");
    c.timeframe = *tf;
    auto type = optionalString(o, "chartType", where);
    if (!type) return type.error();
    c.chartType = *type;
    auto volume = optionalBool(o, "volume", true, where);
    if (!volume) return volume.error();
    c.volume = *volume;
    const QJsonValue inds = o.value(QLatin1String("indicators"));
    if (!inds.isUndefined() && !inds.isArray()) return at(where + ".indicators", "expected a list");
    const QJsonArray list = inds.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        auto ind = indicator(list.at(i), where + ".indicators[" + std::to_string(i) + "]");
        if (!ind) return ind.error();
        c.indicators.push_back(std::move(*ind));
    }
    const QJsonValue view = o.value(QLatin1String("view"));
    if (!view.isUndefined()) {
        const QJsonObject v = view.toObject();
        const double anchor = v.value(QLatin1String("anchorMs")).toDouble(NAN);
        const double offset = v.value(QLatin1String("offset")).toDouble(NAN);
        const double width = v.value(QLatin1String("width")).toDouble(NAN);
        if (!view.isObject() || !std::isfinite(anchor) || std::fabs(anchor) > kMaxAbsTimeMs || !std::isfinite(offset) ||
            !std::isfinite(width) || width <= 0)
            return at(where + ".view", "expected anchorMs, offset and a width above 0");
        c.view = ChartLayoutView{static_cast<std::int64_t>(anchor), offset, width};
    }
    return c;
}

}  // namespace

Result<ChartLayout> parseChartLayout(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())), &err);
    if (err.error != QJsonParseError::NoError)
        return makeError("not JSON at offset " + std::to_string(err.offset) + ": " + str(err.errorString()));
    if (!doc.isObject()) return makeError("expected a JSON object");
    const QJsonObject root = doc.object();
    const QJsonValue version = root.value(QLatin1String("version"));
    if (!version.isDouble() || version.toDouble() != kChartLayoutVersion)
        return makeError("version: expected " + std::to_string(kChartLayoutVersion) +
                         " (a layout from another version of Kairos)");
    const QJsonArray charts = root.value(QLatin1String("charts")).toArray();
    if (charts.isEmpty() || charts.size() > kChartLayoutMaxCharts)
        return makeError("charts: expected 1 to " + std::to_string(kChartLayoutMaxCharts) + " charts");
    ChartLayout layout;
    for (qsizetype i = 0; i < charts.size(); ++i) {
        auto c = chart(charts.at(i), "charts[" + std::to_string(i) + "]");
        if (!c) return c.error();
        layout.charts.push_back(std::move(*c));
    }
    const double active = root.value(QLatin1String("active")).toDouble(0);
    layout.active = std::isfinite(active) ? static_cast<int>(std::clamp(active, 0.0, static_cast<double>(charts.size() - 1))) : 0;
    const QJsonObject sync = root.value(QLatin1String("sync")).toObject();
    for (auto [key, flag] : {std::pair{"crosshair", &layout.syncCrosshair}, std::pair{"symbol", &layout.syncSymbol},
                             std::pair{"timeframe", &layout.syncTimeframe}}) {
        auto b = optionalBool(sync, key, false, "sync");
        if (!b) return b.error();
        *flag = *b;
    }
    return layout;
}

}  // namespace kairos::storage
