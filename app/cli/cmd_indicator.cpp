// kairos-cli indicator / indicators: library indicators over a candle file.
#include "command.h"

#include "indicators/formula.h"
#include "indicators/registry.h"
#include "marketdata/csvimport.h"

#include <cmath>
#include <cstdio>

namespace kairos::cli {
namespace {

void printRows(const indicators::Columns& cols, const std::vector<std::vector<double>>& outs) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
        std::printf("%s", formatUtc(cols.timeMs[i]).c_str());
        for (const auto& series : outs) {
            if (std::isnan(series[i]))
                std::printf(",NaN");
            else
                std::printf(",%.17g", series[i]);
        }
        std::printf("\n");
    }
}

/// `indicator formula "EXPR" --input FILE`: a user-defined formula (core/indicators/formula.h).
int runFormula(Args& a, const std::optional<QString>& input) {
    const char* cmd = "indicator";
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (a.rest.size() != 1)
        return fail(cmd, QStringLiteral("formula takes one expression, e.g. \"ema(close,9) - ema(close,21)\""), kUsageError);
    // The syntax here (a usage error); the cost once the bar count is known (a data error).
    auto f = indicators::Formula::parse(a.rest.first().toStdString(), {indicators::kDefaultMaxCost, 0});
    if (!f) return fail(cmd, QStringLiteral("formula: %1").arg(QString::fromStdString(f.message())), kUsageError);
    if (!input) return fail(cmd, QStringLiteral("needs --input FILE (a candle CSV)"), kUsageError);
    auto csv = marketdata::readBarsCsv(input->toStdString());
    if (!csv) return fail(cmd, QString::fromStdString(csv.message()), kDataError);
    const indicators::Columns cols = indicators::toColumns(csv->bars);
    auto values = f->evaluate(cols, indicators::kDefaultMaxCost);
    if (!values) return fail(cmd, QStringLiteral("formula: %1").arg(QString::fromStdString(values.message())), kDataError);
    std::printf("time,formula\n");
    printRows(cols, {std::move(*values)});
    return kOk;
}

int runIndicator(Context& ctx) {
    const char* cmd = "indicator";
    Args a(ctx.args);
    const auto input = a.takeOption(QStringLiteral("--input"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (a.rest.isEmpty()) return fail(cmd, QStringLiteral("needs an indicator NAME (see 'kairos-cli indicators')"), kUsageError);
    const std::string name = a.rest.takeFirst().toStdString();
    if (name == "formula") return runFormula(a, input);
    const indicators::IndicatorSpec* spec = indicators::findIndicator(name);
    if (!spec)
        return fail(
            cmd, QStringLiteral("unknown indicator \"%1\"; 'kairos-cli indicators' lists them").arg(QString::fromStdString(name)),
            kUsageError);
    // Options: named (--period 30) or positional in Tulip's order; defaults for the rest.
    std::vector<double> values;
    std::vector<bool> given(spec->options.size(), false);
    for (const auto& o : spec->options) values.push_back(o.defaultValue);
    for (std::size_t i = 0; i < spec->options.size(); ++i) {
        if (auto v = a.takeOption(QStringLiteral("--") + QString::fromStdString(spec->options[i].name))) {
            bool ok = false;
            values[i] = v->toDouble(&ok);
            if (!ok)
                return fail(cmd, QStringLiteral("--%1 takes a number").arg(QString::fromStdString(spec->options[i].name)),
                            kUsageError);
            given[i] = true;
        }
    }
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    std::size_t next = 0;
    for (const QString& p : a.rest) {
        while (next < given.size() && given[next]) ++next;
        if (next >= spec->options.size())
            return fail(cmd,
                        QStringLiteral("%1 takes %2 option(s); \"%3\" is one too many")
                            .arg(QString::fromStdString(spec->name))
                            .arg(spec->options.size())
                            .arg(p),
                        kUsageError);
        bool ok = false;
        values[next] = p.toDouble(&ok);
        if (!ok) return fail(cmd, QStringLiteral("option \"%1\" is not a number").arg(p), kUsageError);
        given[next++] = true;
    }
    if (auto s = indicators::validateOptions(*spec, values); !s)
        return fail(cmd, QString::fromStdString(s.message()), kUsageError);
    if (!input) return fail(cmd, QStringLiteral("needs --input FILE (a candle CSV)"), kUsageError);

    auto csv = marketdata::readBarsCsv(input->toStdString());
    if (!csv) return fail(cmd, QString::fromStdString(csv.message()), kDataError);
    const indicators::Columns cols = indicators::toColumns(csv->bars);
    auto out = indicators::compute(*spec, cols, values);
    if (!out) return fail(cmd, QString::fromStdString(out.message()), kUsageError);
    std::printf("time");
    for (const auto& o : spec->outputs) std::printf(",%s", o.c_str());
    std::printf("\n");
    printRows(cols, *out);
    return kOk;
}

int runIndicators(Context& ctx) {
    if (!ctx.args.isEmpty()) return fail("indicators", QStringLiteral("takes no arguments"), kUsageError);
    for (const auto& s : indicators::catalogue()) {
        std::string inputs, options, outputs;
        for (const auto& i : s.inputs) inputs += (inputs.empty() ? "" : ",") + i;
        for (const auto& o : s.options) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%s=%g", o.name.c_str(), o.defaultValue);
            options += (options.empty() ? "" : " ") + std::string(buf);
        }
        for (const auto& o : s.outputs) outputs += (outputs.empty() ? "" : ",") + o;
        std::printf("%-8s %s\n         inputs: %s; options: %s; outputs: %s\n         %s\n", s.name.c_str(), s.fullName.c_str(),
                    inputs.c_str(), options.empty() ? "none" : options.c_str(), outputs.c_str(), s.convention.c_str());
    }
    return kOk;
}

const CommandRegistration kIndicator{
    {"indicator", "compute an indicator over a candle file",
     "Usage: kairos-cli indicator NAME [OPTION...] --input FILE [--<option> VALUE ...]\n"
     "Names and the order of positional options follow Tulip Indicators: 'sma 30', 'rsi 14', 'macd 12 26 9',\n"
     "'bbands 20 2', 'atr 14'; named options such as --period 30 work too; missing ones take their\n"
     "defaults ('kairos-cli indicators' lists them). FILE is any candle CSV kairos-cli reads. Prints one CSV\n"
     "row per bar: the bar's open time (UTC) and the outputs in Tulip's order at full precision (%.17g),\n"
     "NaN before the first defined value.\n"
     "       kairos-cli indicator formula \"EXPR\" --input FILE\n"
     "EXPR is a formula over open high low close volume hl2 hlc3 ohlc4 and indicators, e.g.\n"
     "\"ema(close, 9) - ema(close, 21)\" or \"(close - sma(close, 20)) / stddev(close, 20)\"; functions:\n"
     "sma ema wma hma rsi stddev linreg stochrsi (series, period), atr adx cci willr mfi (period),\n"
     "tr() obv() vwap(), abs(x) min(a, b) max(a, b). A syntax error names its column.",
     runIndicator}};
const CommandRegistration kIndicators{
    {"indicators", "list the indicators with their options and outputs",
     "Usage: kairos-cli indicators\nLists every indicator: name, inputs, options with defaults, outputs and convention.",
     runIndicators}};

}  // namespace
}  // namespace kairos::cli
