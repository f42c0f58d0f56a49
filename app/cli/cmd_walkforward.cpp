// kairos-cli walkforward: optimise in-sample, trade out-of-sample, roll on (core/backtest/walkforward.h).
#include "command.h"

#include "backtest_common.h"

#include "backtest/report.h"
#include "backtest/walkforward.h"

#include <cmath>
#include <cstdio>
#include <tuple>

namespace kairos::cli {
namespace {

const char* kName = "walkforward";

std::string windowsCsv(const backtest::WalkForwardResult& r, const backtest::OptimizerSpec& spec) {
    std::string out = "window,in_start,in_end,out_start,out_end,in_bars,out_bars,combinations";
    for (const auto& axis : spec.axes) out += "," + axis.name;
    out += ",in_" + spec.objective + ",out_" + spec.objective +
        ",in_total_return_pct,out_total_return_pct,in_cagr_pct,out_cagr_pct,out_max_drawdown_pct,out_closed_trades,"
        "out_final_equity\n";
    for (std::size_t k = 0; k < r.windows.size(); ++k) {
        const auto& w = r.windows[k];
        out += std::to_string(k + 1) + "," + formatUtc(w.range.inStartMs) + "," + formatUtc(w.range.inEndMs) + "," +
            formatUtc(w.range.outStartMs) + "," + formatUtc(w.range.outEndMs) + "," + std::to_string(w.inBars) + "," +
            std::to_string(w.outBars) + "," + std::to_string(w.combinations);
        for (double v : w.chosenValues) out += "," + formatNumber(v);
        out += "," + formatNumber(w.inScore) + "," + (w.out ? formatNumber(w.outScore) : std::string()) + "," +
            formatNumber(w.inMetrics.totalReturnPct) + "," + (w.out ? formatNumber(w.out->metrics.totalReturnPct) : "") + "," +
            formatNumber(w.inMetrics.cagrPct) + "," + (w.out ? formatNumber(w.out->metrics.cagrPct) : "") + "," +
            (w.out ? formatNumber(w.out->metrics.maxDrawdownPct) : "") + "," +
            (w.out ? std::to_string(w.out->trades.size()) : "") + "," +
            (w.out ? w.out->metrics.finalEquity.toTrimmedString() : "") + "\n";
    }
    return out;
}

/// The stitched out-of-sample run as a report, with the walk-forward section.
int writeReport(const QString& path, const backtest::WalkForwardResult& r, const backtest::OptimizerSpec& spec,
                const backtest::WalkForwardSettings& wf, const PreparedBacktest& prepared) {
    backtest::BacktestResult stitched;
    stitched.strategyName = strategyLabel(prepared) + " (walk-forward, out-of-sample)";
    stitched.trades = r.outTrades;
    stitched.equity = r.equity;
    stitched.metrics = r.outMetrics;
    stitched.finalCash = r.outMetrics.finalEquity;  // every window closes its position at its end
    backtest::ReportWalkForward w;
    w.objective = spec.objective;
    w.anchored = wf.anchored;
    w.stitchedEquity = r.equity;
    w.efficiency = r.efficiency;
    for (const auto& x : r.windows) {
        backtest::ReportWalkForwardWindow row;
        row.inSampleStartMs = x.range.inStartMs;
        row.inSampleEndMs = x.range.inEndMs;
        row.outOfSampleStartMs = x.range.outStartMs;
        row.outOfSampleEndMs = x.range.outEndMs;
        for (std::size_t i = 0; i < spec.axes.size() && i < x.chosenValues.size(); ++i)
            row.parameters += (row.parameters.empty() ? "" : " ") + spec.axes[i].name + "=" + formatNumber(x.chosenValues[i]);
        row.inSampleObjective = x.inScore;
        row.outOfSampleObjective = x.out ? x.outScore : std::nan("");
        row.outOfSampleReturnPct = x.out ? x.out->metrics.totalReturnPct : 0;
        row.outOfSampleTrades = x.out ? static_cast<int>(x.out->trades.size()) : 0;
        w.windows.push_back(std::move(row));
    }
    backtest::ReportInput report;
    report.result = &stitched;
    report.instrument = prepared.id.toString();
    report.timeframe = toString(prepared.timeframe);
    report.title = "walkforward " + strategyLabel(prepared) + " · " + report.instrument + " " + report.timeframe;
    report.settings = {{"In-sample", backtest::toString(wf.inSample)},
                       {"Out-of-sample", backtest::toString(wf.outOfSample)},
                       {"Windows", std::string(wf.anchored ? "anchored" : "rolling")},
                       {"Search", backtest::toString(spec.method) + " by " + spec.objective},
                       {"Cash", prepared.settings.initialCapital.toTrimmedString()},
                       {"Commission", describeFees(prepared.settings)},
                       {"Sizing", backtest::describe(prepared.sizing)}};
    report.walkForward = std::move(w);
    auto html = backtest::renderReport(report);
    if (!html) return fail(kName, QString::fromStdString(html.message()), kDataError);
    if (auto st = writeFile(path, *html); !st) return fail(kName, QString::fromStdString(st.message()), kDataError);
    return kOk;
}

int runWalkForwardCommand(Context& ctx) {
    Args a(ctx.args);
    const BacktestOptions bo = takeBacktestOptions(a);
    const SearchOptions so = takeSearchOptions(a);
    const auto inText = a.takeOption(QStringLiteral("--in-sample"));
    const auto outText = a.takeOption(QStringLiteral("--out-of-sample"));
    const bool anchored = a.takeFlag(QStringLiteral("--anchored"));
    const auto resultsOut = a.takeOption(QStringLiteral("--results"));
    const auto equityOut = a.takeOption(QStringLiteral("--equity"));
    const auto tradesOut = a.takeOption(QStringLiteral("--trades"));
    const auto reportOut = a.takeOption(QStringLiteral("--report"));
    if (!a.error.isEmpty()) return fail(kName, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(kName, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(kName, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    if (!inText || !outText)
        return fail(kName, QStringLiteral("needs --in-sample SPAN and --out-of-sample SPAN (e.g. 2y and 6m)"), kUsageError);
    backtest::WalkForwardSettings wf;
    wf.anchored = anchored;
    for (const auto& [text, into, flag] :
         {std::tuple{&*inText, &wf.inSample, "--in-sample"}, std::tuple{&*outText, &wf.outOfSample, "--out-of-sample"}}) {
        auto s = backtest::parseSpan(text->trimmed().toStdString());
        if (!s)
            return fail(kName, QStringLiteral("%1: %2").arg(QLatin1String(flag), QString::fromStdString(s.message())),
                        kUsageError);
        *into = *s;
    }

    backtest::OptimizerSpec spec;
    PreparedBacktest prepared;
    {
        if (const int rc = requireStrategy(kName, bo, prepared); rc != kOk) return rc;
        if (const int rc = parseBacktestOptions(kName, bo, prepared); rc != kOk) return rc;
        if (const int rc = requireSizingFits(kName, prepared); rc != kOk) return rc;
        if (const int rc = parseSearchOptions(kName, so, prepared, spec); rc != kOk) return rc;
        if (!spec.axes.empty())
            if (auto st = backtest::validate(spec); !st) return fail(kName, QString::fromStdString(st.message()), kUsageError);
    }
    if (const int rc = loadBars(kName, bo, ctx.profileDir, prepared); rc != kOk) return rc;

    const backtest::WalkForwardProgress progress = [](std::size_t k, std::size_t n) {
        if (k < n) std::fprintf(stderr, "walkforward: window %zu/%zu\n", k + 1, n);
    };
    auto r = backtest::runWalkForward(prepared.settings, strategyFactory(prepared), paramCheck(prepared), spec, wf, prepared.bars,
                                      progress);
    if (!r) return fail(kName, QString::fromStdString(r.message()), kDataError);

    const std::string table = windowsCsv(*r, spec);
    if (resultsOut)
        if (auto st = writeFile(*resultsOut, table); !st) return fail(kName, QString::fromStdString(st.message()), kDataError);
    if (equityOut)
        if (auto st = writeFile(*equityOut, equityCsv(r->equity)); !st)
            return fail(kName, QString::fromStdString(st.message()), kDataError);
    if (tradesOut)
        if (auto st = writeFile(*tradesOut, tradesCsv(r->outTrades)); !st)
            return fail(kName, QString::fromStdString(st.message()), kDataError);

    if (reportOut)
        if (const int rc = writeReport(*reportOut, *r, spec, wf, prepared); rc != kOk) return rc;

    std::printf("%s", describeRun(prepared).c_str());
    std::printf(
        "# walk-forward, %s: in-sample %s, out-of-sample %s, %zu windows; %s search by %s; each out-of-sample window "
        "starts flat from the last one's equity, indicators warmed up on its in-sample bars (no orders there), and closes "
        "its position at its end\n",
        anchored ? "anchored" : "rolling", backtest::toString(wf.inSample).c_str(), backtest::toString(wf.outOfSample).c_str(),
        r->windows.size(), backtest::toString(spec.method).c_str(), spec.objective.c_str());
    std::printf("%s\n", table.c_str());
    const backtest::Metrics& m = r->outMetrics;
    std::printf("metric,value\n");
    std::printf("out_of_sample_final_equity,%s\n", m.finalEquity.toTrimmedString().c_str());
    std::printf("out_of_sample_total_return_pct,%s\n", formatNumber(m.totalReturnPct).c_str());
    std::printf("out_of_sample_cagr_pct,%s\n", formatNumber(m.cagrPct).c_str());
    std::printf("out_of_sample_max_drawdown_pct,%s\n", formatNumber(m.maxDrawdownPct).c_str());
    std::printf("out_of_sample_sharpe,%s\n", formatNumber(m.sharpe).c_str());
    std::printf("out_of_sample_closed_trades,%zu\n", r->outTrades.size());
    std::printf("walk_forward_efficiency,%s\n", std::isfinite(r->efficiency) ? formatNumber(r->efficiency).c_str() : "");
    return kOk;
}

}  // namespace

const CommandRegistration kWalkForwardCommand{
    {kName, "walk-forward analysis: optimise in-sample, trade out-of-sample, rolling or anchored windows",
     "Usage: kairos-cli walkforward --input FILE... | --store \"INSTRUMENT TF\" --strategy NAME --param NAME=RANGE...\n"
     "         --in-sample SPAN --out-of-sample SPAN [--anchored] [--results OUT.csv] [--equity OUT.csv] [--trades OUT.csv]\n"
     "         [--report OUT.html]   (or formulas with {NAME} placeholders: --entry F [--exit F] ..., as optimize)\n"
     "         and the search flags of optimize (--method, --samples, --generations, --population, --seed, --objective,\n"
     "         --min-trades, --threads) and the conventions of backtest (--cash, --commission, --size, ...)\n"
     "SPAN: a whole number and y, m (months), w or d: 2y, 6m, 90d. Windows start at the first bar: rolling windows\n"
     "move the in-sample window on by one out-of-sample length, anchored ones keep its start and grow it. Each window\n"
     "optimises over its in-sample bars, then trades the best combination over its out-of-sample bars, from the\n"
     "previous window's equity, its indicators warmed up on the in-sample bars (no orders there), closing any\n"
     "position at the window's end. Prints the windows\n"
     "(dates, bars, chosen parameters, in- and out-of-sample objective and returns), the stitched out-of-sample\n"
     "metrics and the walk-forward efficiency (out-of-sample CAGR / mean in-sample CAGR; empty when that mean is not\n"
     "above 0). --results: the windows table; --equity: the stitched out-of-sample equity (time,equity); --trades:\n"
     "its trades (as backtest --trades, for kairos-cli montecarlo); --report: the stitched out-of-sample run as an HTML\n"
     "report with the walk-forward section (window timeline, stitched equity, parameters per window).\n"
     "Exit codes: 0 ok, 1 data error, 2 bad flag.",
     runWalkForwardCommand}};

}  // namespace kairos::cli
