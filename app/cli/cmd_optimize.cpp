// kairos-cli optimize: a built-in strategy over many parameter combinations (core/backtest/
// optimizer.h), ranked by an objective, one results row per combination; and kairos-cli
// merge-results: the shards of a --shard K/N search merged into the single run's table.
//
// The results table: a column per --param (as named there), then every metric of the backtest
// summary JSON under its key (all but "strategy", "open_position" and the monthly and yearly return
// lists, which are not single values; null is written empty).
// Rows are ranked on the table's own text, so merge-results can rank merged shards exactly as a
// single run does: rows with closed_trades >= --min-trades and a number in the objective's column
// first, by the objective (higher first, or lower for the minimised ones), then by the parameter
// values (ascending, column by column).
#include "command.h"

#include "backtest_common.h"
#include "montecarlo_print.h"

#include "backtest/indicatorcache.h"
#include "backtest/montecarlo.h"
#include "backtest/optimizer.h"
#include "backtest/report.h"

#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>

namespace kairos::cli {
namespace {

const char* kOptimize = "optimize";
const char* kMerge = "merge-results";

using Row = std::vector<std::string>;

/// Whether a summary key is a column of the table (single values only).
bool tableColumn(const std::string& k) {
    return k != "strategy" && k != "open_position" && k != "monthly_returns" && k != "yearly_returns";
}

/// The summary keys the table has, in order.
std::vector<std::string> metricKeys() {
    std::vector<std::string> keys;
    for (const auto& [k, v] : summaryFields(backtest::BacktestResult{}))
        if (tableColumn(k)) keys.push_back(k);
    return keys;
}

Row metricCells(const backtest::BacktestResult& r) {
    Row row;
    for (const auto& [k, v] : summaryFields(r)) {
        if (!tableColumn(k)) continue;
        if (v == "null")
            row.emplace_back();
        else if (v.size() >= 2 && v.front() == '"')
            row.push_back(v.substr(1, v.size() - 2));
        else
            row.push_back(v);
    }
    return row;
}

std::optional<double> cellNumber(const std::string& s) {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// How rows rank (see the top of the file).
struct Ranking {
    std::size_t paramColumns = 0;
    std::size_t objectiveColumn = 0;
    std::size_t tradesColumn = 0;
    bool minimise = false;
    int minTrades = 0;

    bool qualified(const Row& r) const {
        const auto trades = cellNumber(r[tradesColumn]);
        return cellNumber(r[objectiveColumn]) && trades && *trades >= minTrades;
    }
    bool before(const Row& a, const Row& b) const {
        const bool qa = qualified(a), qb = qualified(b);
        if (qa != qb) return qa;
        if (qa) {
            const double va = *cellNumber(a[objectiveColumn]), vb = *cellNumber(b[objectiveColumn]);
            if (va != vb) return minimise ? va < vb : va > vb;
        }
        for (std::size_t i = 0; i < paramColumns; ++i) {
            const double va = cellNumber(a[i]).value_or(0), vb = cellNumber(b[i]).value_or(0);
            if (va != vb) return va < vb;
        }
        return a < b;
    }
};

std::string joinRow(const Row& r) {
    std::string out;
    for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + r[i];
    return out + "\n";
}

Row splitRow(const QString& line) {
    Row r;
    for (const QString& c : line.split(QLatin1Char(','))) r.push_back(c.toStdString());
    return r;
}

std::string tableText(const Row& header, const std::vector<Row>& rows) {
    std::string out = joinRow(header);
    for (const Row& r : rows) out += joinRow(r);
    return out;
}

/// The first rows as a small aligned table on stdout.
void printTop(const Row& header, const std::vector<Row>& rows, const Ranking& rank, std::size_t count) {
    std::vector<std::size_t> cols;
    for (std::size_t i = 0; i < rank.paramColumns; ++i) cols.push_back(i);
    for (const char* key : {"", "total_return_pct", "max_drawdown_pct", "closed_trades", "final_equity"}) {
        for (std::size_t i = rank.paramColumns; i < header.size(); ++i)
            if ((*key == 0 && i == rank.objectiveColumn) || (*key != 0 && header[i] == key && i != rank.objectiveColumn))
                cols.push_back(i);
    }
    std::string line = "rank";
    for (std::size_t c : cols) line += "," + header[c];
    std::printf("%s\n", line.c_str());
    for (std::size_t i = 0; i < rows.size() && i < count; ++i) {
        line = std::to_string(i + 1);
        for (std::size_t c : cols) line += "," + rows[i][c];
        std::printf("%s\n", line.c_str());
    }
}

Result<Ranking> rankingFor(const Row& header, std::size_t paramColumns, const QString& objective, int minTrades) {
    const backtest::Objective* o = backtest::findObjective(objective.toStdString());
    if (!o)
        return makeError(QStringLiteral("--objective \"%1\" is not a metric (one of: %2)")
                             .arg(objective, QString::fromStdString(backtest::objectiveNames()))
                             .toStdString());
    Ranking r;
    r.paramColumns = paramColumns;
    r.minimise = o->minimise;
    r.minTrades = minTrades;
    bool haveObjective = false, haveTrades = false;
    for (std::size_t i = paramColumns; i < header.size(); ++i) {
        if (header[i] == o->key) {
            r.objectiveColumn = i;
            haveObjective = true;
        }
        if (header[i] == "closed_trades") {
            r.tradesColumn = i;
            haveTrades = true;
        }
    }
    if (!haveObjective || !haveTrades) return makeError("the results have no " + o->key + " or closed_trades column");
    return r;
}

void progressLine(const char* command, std::size_t done, std::size_t total, const QElapsedTimer& clock, qint64& lastMs) {
    const qint64 now = clock.elapsed();
    if (done < total && now - lastMs < 1000) return;
    lastMs = now;
    const double sec = static_cast<double>(now) / 1000.0;
    const double left = done > 0 ? sec / static_cast<double>(done) * static_cast<double>(total - std::min(done, total)) : 0;
    std::fprintf(stderr, "%s: %zu/%zu combinations (%.0f %%), %.1f s, about %.0f s left\n", command, done, total,
                 total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0, sec, left);
}

int runOptimize(Context& ctx) {
    Args a(ctx.args);
    const BacktestOptions bo = takeBacktestOptions(a);
    const SearchOptions so = takeSearchOptions(a);
    const auto shardText = a.takeOption(QStringLiteral("--shard"));
    const auto resultsOut = a.takeOption(QStringLiteral("--results"));
    const auto topText = a.takeOption(QStringLiteral("--top"));
    const auto mcText = a.takeOption(QStringLiteral("--montecarlo"));
    const auto ruinText = a.takeOption(QStringLiteral("--ruin-drawdown"));
    const auto reportOut = a.takeOption(QStringLiteral("--report"));
    const auto heatmapText = a.takeOption(QStringLiteral("--heatmap"));
    if (!a.error.isEmpty()) return fail(kOptimize, a.error, kUsageError);
    if (!a.unknownOption().isEmpty())
        return fail(kOptimize, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(kOptimize, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    const auto usage = [](const std::string& m) { return fail(kOptimize, QString::fromStdString(m), kUsageError); };
    long long top = 10, mcRuns = 0;
    if (topText) {
        auto v = parseIntegerOption(QStringLiteral("--top"), *topText, 0, 1'000'000'000);
        if (!v) return usage(v.message());
        top = *v;
    }
    if (mcText) {
        auto v = parseIntegerOption(QStringLiteral("--montecarlo"), *mcText, 1, 10'000'000);
        if (!v) return usage(v.message());
        mcRuns = *v;
    }
    double ruin = 50;
    if (ruinText) {
        auto v = parsePercentOption(QStringLiteral("--ruin-drawdown"), QStringLiteral("a drawdown in %"), *ruinText);
        if (!v) return usage(v.message());
        ruin = *v;
    }

    PreparedBacktest prepared;
    // Flags before data: a bad --param or --method is reported without reading the bars.
    backtest::OptimizerSpec spec;
    {
        if (const int rc = requireStrategy(kOptimize, bo, prepared); rc != kOk) return rc;
        if (const int rc = parseBacktestOptions(kOptimize, bo, prepared); rc != kOk) return rc;
        if (const int rc = requireSizingFits(kOptimize, prepared); rc != kOk) return rc;
        if (const int rc = parseSearchOptions(kOptimize, so, prepared, spec); rc != kOk) return rc;
    }
    if (shardText) {
        auto s = backtest::parseShard(shardText->toStdString());
        if (!s) return usage(s.message());
        if (spec.method == backtest::SearchMethod::Genetic)
            return usage("--shard works with --method grid or random, not genetic");
        spec.shard = *s;
    }
    if (!spec.axes.empty())
        if (auto st = backtest::validate(spec); !st) return usage(st.message());
    // The heatmap's two axes: --heatmap X,Y or the first two --param.
    std::optional<std::pair<std::size_t, std::size_t>> heatAxes;
    if (heatmapText) {
        if (!reportOut) return usage("--heatmap goes with --report OUT.html");
        const QStringList names = heatmapText->split(QLatin1Char(','));
        std::vector<std::size_t> idx;
        for (const QString& n : names)
            for (std::size_t i = 0; i < spec.axes.size(); ++i)
                if (spec.axes[i].name == n.trimmed().toStdString()) idx.push_back(i);
        if (names.size() != 2 || idx.size() != 2 || idx[0] == idx[1])
            return usage("--heatmap takes two of the --param names, X,Y (got \"" + heatmapText->toStdString() + "\")");
        heatAxes = std::pair{idx[0], idx[1]};
    } else if (reportOut && spec.axes.size() >= 2) {
        heatAxes = std::pair<std::size_t, std::size_t>{0, 1};
    }
    if (const int rc = loadBars(kOptimize, bo, ctx.profileDir, prepared); rc != kOk) return rc;

    // Moving averages shared by the combinations (computed once per period; sma_cross).
    auto cache = std::make_shared<backtest::IndicatorCache>(prepared.bars);
    const backtest::Optimizer optimizer(prepared.settings,
                                        prepared.formula
                                            ? strategyFactory(prepared)
                                            : backtest::sharedIndicatorFactory(prepared.info->name, prepared.sizing, cache),
                                        paramCheck(prepared));
    std::mutex rowsMutex;
    std::map<std::size_t, Row> rowsByIndex;
    std::map<std::size_t, std::pair<std::vector<std::size_t>, double>> scores;  // index -> (choice, objective)
    const backtest::TrialHook hook = [&](const backtest::Trial& t, const backtest::BacktestResult& r) {
        Row row;
        for (std::size_t i = 0; i < spec.axes.size(); ++i) row.push_back(spec.axes[i].texts[t.choice[i]]);
        for (std::string& c : metricCells(r)) row.push_back(std::move(c));
        const std::lock_guard lock(rowsMutex);
        rowsByIndex[t.index] = std::move(row);
        scores[t.index] = {t.choice, t.score};
    };
    QElapsedTimer clock;
    clock.start();
    qint64 lastMs = -1000;
    const backtest::OptimizerProgress progress = [&](std::size_t done, std::size_t total) {
        progressLine(kOptimize, done, total, clock, lastMs);
    };
    std::fprintf(stderr, "optimize: %s search, %d thread(s)%s\n", backtest::toString(spec.method).c_str(),
                 backtest::effectiveThreads(spec.threads),
                 spec.shard.count > 1
                     ? (", shard " + std::to_string(spec.shard.index) + "/" + std::to_string(spec.shard.count)).c_str()
                     : "");
    auto result = optimizer.run(spec, prepared.bars, progress, hook);
    if (!result) return fail(kOptimize, QString::fromStdString(result.message()), kDataError);
    if (result->combinations == 0)
        return usage("no combination of the --param values is accepted by " + strategyLabel(prepared) + " (" +
                     std::to_string(result->skipped) + " refused, e.g. fast must be below slow)");

    Row header;
    for (const auto& axis : spec.axes) header.push_back(axis.name);
    for (const std::string& k : metricKeys()) header.push_back(k);
    auto ranking = rankingFor(header, spec.axes.size(), QString::fromStdString(spec.objective), spec.minTrades);
    if (!ranking) return usage(ranking.message());
    std::vector<Row> rows;
    rows.reserve(rowsByIndex.size());
    for (auto& [i, r] : rowsByIndex) rows.push_back(std::move(r));
    std::sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) { return ranking->before(x, y); });
    if (resultsOut)
        if (auto st = writeFile(*resultsOut, tableText(header, rows)); !st)
            return fail(kOptimize, QString::fromStdString(st.message()), kDataError);

    std::printf("%s", describeRun(prepared).c_str());
    std::printf(
        "# %s search: %zu of %zu combinations run%s, %zu refused by the strategy; by %s (%s), at least %d closed "
        "trades\n",
        backtest::toString(spec.method).c_str(), rows.size(), result->combinations,
        spec.shard.count > 1
            ? (" (shard " + std::to_string(spec.shard.index) + "/" + std::to_string(spec.shard.count) + ")").c_str()
            : "",
        result->skipped, spec.objective.c_str(), ranking->minimise ? "lowest first" : "highest first", spec.minTrades);
    printTop(header, rows, *ranking, static_cast<std::size_t>(top));
    if (!rows.empty() && !ranking->qualified(rows.front()))
        std::printf("# no combination has %d closed trades and a finite %s\n", spec.minTrades, spec.objective.c_str());

    if ((mcRuns > 0 || reportOut) && !rows.empty()) {
        // The best combination's backtest: its Monte Carlo and the report's body.
        backtest::ParamValues best;
        std::string bestText;
        for (std::size_t i = 0; i < spec.axes.size(); ++i) {
            best[spec.axes[i].name] = std::strtod(rows.front()[i].c_str(), nullptr);
            bestText += (bestText.empty() ? "" : " ") + spec.axes[i].name + "=" + rows.front()[i];
        }
        auto strategy = strategyFactory(prepared)(best);
        if (!strategy) return fail(kOptimize, QString::fromStdString(strategy.message()), kDataError);
        auto r = backtest::BacktestEngine(prepared.settings).run(**strategy, prepared.bars);
        if (!r) return fail(kOptimize, QString::fromStdString(r.message()), kDataError);
        std::optional<backtest::ReportMonteCarlo> mcReport;
        if (mcRuns > 0) {
            std::vector<Money> pnl;
            for (const auto& t : r->trades) pnl.push_back(t.netPnl);
            std::printf("\n# Monte Carlo of the best combination's %zu closed trades\n", pnl.size());
            if (!pnl.empty()) {
                backtest::MonteCarloSettings ms;
                ms.runs = static_cast<int>(mcRuns);
                ms.seed = spec.seed;
                ms.ruinDrawdownPct = ruin;
                std::vector<backtest::MonteCarloResult> mc;
                if (const int rc =
                        printMonteCarlo(kOptimize, pnl, prepared.settings.initialCapital, ms, std::nullopt,
                                        {backtest::MonteCarloMethod::Shuffle, backtest::MonteCarloMethod::Bootstrap}, &mc);
                    rc != kOk)
                    return rc;
                mcReport = reportMonteCarlo(mc.back(), ms);
            }
        }
        if (reportOut) {
            backtest::ReportInput report;
            report.result = &*r;
            report.instrument = prepared.id.toString();
            report.timeframe = toString(prepared.timeframe);
            report.title = "optimize " + strategyLabel(prepared) + " · " + report.instrument + " " + report.timeframe;
            report.bars = prepared.bars;
            report.settings = {{"Strategy", r->strategyName},
                               {"Best combination", bestText + " (by " + spec.objective + ")"},
                               {"Search", backtest::toString(spec.method) + ", " + std::to_string(rows.size()) + " combinations"},
                               {"Cash", prepared.settings.initialCapital.toTrimmedString()},
                               {"Commission", describeFees(prepared.settings)},
                               {"Sizing", backtest::describe(prepared.sizing)}};
            if (heatAxes) {
                const auto [hx, hy] = *heatAxes;
                backtest::ReportHeatmap h;
                h.xParam = spec.axes[hx].name;
                h.yParam = spec.axes[hy].name;
                h.metric = spec.objective;
                h.xValues = spec.axes[hx].values;
                h.yValues = spec.axes[hy].values;
                h.higherIsBetter = !ranking->minimise;
                h.values.assign(h.xValues.size() * h.yValues.size(), std::nan(""));
                // A cell shows the best finite objective of the combinations with its two values.
                for (const auto& [index, entry] : scores) {
                    const auto& [choice, score] = entry;
                    if (!std::isfinite(score)) continue;
                    double& cell = h.values[choice[hy] * h.xValues.size() + choice[hx]];
                    if (std::isnan(cell) || (h.higherIsBetter ? score > cell : score < cell)) cell = score;
                }
                report.heatmap = std::move(h);
            }
            report.monteCarlo = std::move(mcReport);
            auto html = backtest::renderReport(report);
            if (!html) return fail(kOptimize, QString::fromStdString(html.message()), kDataError);
            if (auto st = writeFile(*reportOut, *html); !st)
                return fail(kOptimize, QString::fromStdString(st.message()), kDataError);
        }
    }
    return kOk;
}

int runMerge(Context& ctx) {
    Args a(ctx.args);
    const auto resultsOut = a.takeOption(QStringLiteral("--results"));
    const auto objectiveText = a.takeOption(QStringLiteral("--objective"));
    const auto minTradesText = a.takeOption(QStringLiteral("--min-trades"));
    if (!a.error.isEmpty()) return fail(kMerge, a.error, kUsageError);
    if (!a.unknownOption().isEmpty())
        return fail(kMerge, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (a.rest.isEmpty()) return fail(kMerge, QStringLiteral("give the shards' results files: A.csv B.csv ..."), kUsageError);
    if (!resultsOut) return fail(kMerge, QStringLiteral("needs --results OUT.csv"), kUsageError);
    int minTrades = 0;
    if (minTradesText) {
        auto v = parseIntegerOption(QStringLiteral("--min-trades"), *minTradesText, 0, 1'000'000'000);
        if (!v) return fail(kMerge, QString::fromStdString(v.message()), kUsageError);
        minTrades = static_cast<int>(*v);
    }
    const QString objective = objectiveText ? objectiveText->trimmed() : QStringLiteral("sharpe");
    if (!backtest::findObjective(objective.toStdString()))
        return fail(kMerge,
                    QStringLiteral("--objective \"%1\" is not a metric (one of: %2)")
                        .arg(objective, QString::fromStdString(backtest::objectiveNames())),
                    kUsageError);

    const std::vector<std::string> keys = metricKeys();
    Row header;
    std::optional<Ranking> ranking;
    std::vector<Row> rows;
    std::map<Row, QString> seen;  // parameter cells -> file
    for (const QString& path : a.rest) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return fail(kMerge, QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString()), kDataError);
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (lines.isEmpty()) return fail(kMerge, QStringLiteral("%1: empty, not an optimize results file").arg(path), kDataError);
        const Row h = splitRow(lines.front());
        if (header.empty()) {
            std::size_t params = 0;
            while (params < h.size() && h[params] != keys.front()) ++params;
            if (params == 0 || h.size() - params != keys.size() ||
                !std::equal(keys.begin(), keys.end(), h.begin() + static_cast<std::ptrdiff_t>(params)))
                return fail(kMerge,
                            QStringLiteral("%1: not an optimize results file (parameter columns, then %2...)")
                                .arg(path, QString::fromStdString(keys.front())),
                            kDataError);
            header = h;
            auto r = rankingFor(header, params, objective, minTrades);
            if (!r) return fail(kMerge, QString::fromStdString(r.message()), kUsageError);
            ranking = *r;
        } else if (h != header) {
            return fail(kMerge, QStringLiteral("%1: its columns differ from %2's").arg(path, a.rest.first()), kDataError);
        }
        std::vector<Row> fileRows;
        for (int i = 1; i < lines.size(); ++i) {
            Row r = splitRow(lines[i]);
            if (r.size() != header.size())
                return fail(kMerge,
                            QStringLiteral("%1: line %2 has %3 fields, the header %4")
                                .arg(path)
                                .arg(i + 1)
                                .arg(r.size())
                                .arg(header.size()),
                            kDataError);
            const Row key(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(ranking->paramColumns));
            if (auto [it, fresh] = seen.emplace(key, path); !fresh)
                return fail(kMerge,
                            QStringLiteral("%1 line %2: the same combination is in %3 (are two shards the same?)")
                                .arg(path)
                                .arg(i + 1)
                                .arg(it->second),
                            kDataError);
            fileRows.push_back(std::move(r));
        }
        for (std::size_t i = 1; i < fileRows.size(); ++i)
            if (ranking->before(fileRows[i], fileRows[i - 1]))
                return fail(kMerge,
                            QStringLiteral("%1 is not ranked by --objective %2 with --min-trades %3: give merge-results the "
                                           "--objective and --min-trades the shards ran with")
                                .arg(path, objective)
                                .arg(minTrades),
                            kUsageError);
        for (Row& r : fileRows) rows.push_back(std::move(r));
    }
    std::sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) { return ranking->before(x, y); });
    if (auto st = writeFile(*resultsOut, tableText(header, rows)); !st)
        return fail(kMerge, QString::fromStdString(st.message()), kDataError);
    std::printf("# %zu rows from %lld files, ranked by %s\n", rows.size(), static_cast<long long>(a.rest.size()),
                objective.toStdString().c_str());
    printTop(header, rows, *ranking, 10);
    return kOk;
}

}  // namespace

const CommandRegistration kOptimizeCommand{
    {kOptimize, "optimise a built-in strategy's parameters (grid, random, genetic; multi-core; sharded)",
     "Usage: kairos-cli optimize --input FILE [--input FILE...] | --store \"INSTRUMENT TF\" --strategy NAME\n"
     "         --param NAME=START:STOP:STEP | NAME=A,B,C [--param ...] [--method grid|random|genetic]\n"
     "         [--samples N] [--generations N --population N] [--seed S] [--objective METRIC] [--min-trades N]\n"
     "         [--threads N] [--shard K/N] [--results OUT.csv] [--top N] [--montecarlo RUNS [--ruin-drawdown P]]\n"
     "         [--report OUT.html [--heatmap X,Y]]   (or --entry F [--exit F] [--stop F] [--target F] for --strategy)\n"
     "         and the conventions of backtest: [--cash AMOUNT] [--commission FRACTION | --maker-bps N --taker-bps N]\n"
     "         [--slippage-bps N] [--size QTY | --notional AMOUNT | --percent-equity P | --risk-per-trade P]\n"
     "         [--fill next-open|this-close] [--at-end keep|close]\n"
     "         [--from T] [--to T] [--instrument VENUE:SYMBOL] [--timeframe TF]\n"
     "Runs the strategy once per combination of the --param values (ranges inclusive; a parameter not given keeps\n"
     "its default) on every core (--threads N), and ranks them by --objective (default sharpe; drawdowns, volatility,\n"
     "losses and fees are minimised, the rest maximised); combinations with fewer than --min-trades closed trades rank\n"
     "last. grid: every combination (the strategy's refusals, e.g. fast >= slow, are skipped); random: --samples N\n"
     "(default 100) distinct draws, seeded; genetic: --population N (default 20) for --generations N (default 10).\n"
     "--results: one row per combination, a column per --param, then every metric of backtest --summary under its key.\n"
     "--shard K/N runs the K-th of N slices of a grid or random search (combination i when i mod N = K-1); join the\n"
     "slices with kairos-cli merge-results. Prints the --top N (default 10) rows; progress goes to stderr.\n"
     "--montecarlo RUNS: a Monte Carlo analysis of the best combination's trades (see kairos-cli montecarlo).\n"
     "--report OUT.html: the best combination's backtest report with the optimisation heatmap of two parameters\n"
     "(--heatmap X,Y, default the first two --param; a cell shows the best objective of the combinations with those two\n"
     "values, empty when none ran) and, with --montecarlo, the Monte Carlo bands (bootstrap).\n"
     "Formula strategies: --entry/--exit/--stop/--target with {NAME} placeholders that the --param ranges fill, e.g.\n"
     "--entry \"crossover(ema(close,{fast}), ema(close,{slow}))\" --param fast=5:20:5 --param slow=30,50; every placeholder\n"
     "needs a --param and every --param a placeholder (or short=0,1); a combination whose formulas do not parse is skipped.\n"
     "Results are the same for any --threads. Exit codes: 0 ok, 1 data error, 2 bad flag or parameter.",
     runOptimize}};

const CommandRegistration kMergeResultsCommand{
    {kMerge, "merge the results files of a sharded optimize run into one table",
     "Usage: kairos-cli merge-results A.csv B.csv ... --results OUT.csv [--objective METRIC] [--min-trades N]\n"
     "Joins the --results files of optimize --shard 1/N ... N/N and ranks the rows as a single run does; the result\n"
     "is byte for byte the table the unsharded run writes. Give the --objective and --min-trades the shards ran with\n"
     "(defaults sharpe and 0); a file not ranked that way, files with different columns or a combination in two files\n"
     "are refused. Exit codes: 0 ok, 1 unreadable or inconsistent files, 2 bad flag.",
     runMerge}};

}  // namespace kairos::cli
