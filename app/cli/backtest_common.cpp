// The data and convention flags of the strategy form of `backtest`, shared by backtest, optimize and
// walkforward (one implementation: the same checks and messages).
#include "backtest_common.h"

#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"
#include "trading/instrumentdefaults.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

namespace kairos::cli {
namespace {

template <class T>
Result<T> positiveDecimal(const QString& option, const QString& text) {
    auto v = parseDecimalOption<T>(option, text);
    if (!v) return v.error();
    if (v->isNegative() || v->isZero())
        return makeError(option.toStdString() + " must be above 0 (got " + text.toStdString() + ")");
    return *v;
}

/// The timeframe of bars read from a file without a hint: the smallest step between two bars,
/// when it is a fixed-length timeframe.
std::optional<Timeframe> timeframeFromSteps(const std::vector<Bar>& bars) {
    std::int64_t step = 0;
    for (std::size_t i = 1; i < bars.size(); ++i) {
        const std::int64_t d = bars[i].openTimeMs - bars[i - 1].openTimeMs;
        if (d > 0 && (step == 0 || d < step)) step = d;
    }
    for (Timeframe tf : kAllTimeframes)
        if (fixedDurationMs(tf) == step) return tf;
    return std::nullopt;
}

}  // namespace

Result<std::pair<std::int64_t, std::int64_t>> parseDateRange(const std::optional<QString>& fromText,
                                                             const std::optional<QString>& toText) {
    std::pair<std::int64_t, std::int64_t> range{std::numeric_limits<std::int64_t>::min(),
                                                std::numeric_limits<std::int64_t>::max()};
    if (fromText) {
        auto t = parseUtc(fromText->toStdString());
        if (!t) return makeError("--from: " + t.message());
        range.first = *t;
    }
    if (toText) {
        auto t = parseUtc(toText->toStdString());
        if (!t) return makeError("--to: " + t.message());
        range.second = *t;
    }
    return range;
}

std::string formatNumber(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

Result<long long> parseIntegerOption(const QString& option, const QString& text, long long min, long long max) {
    bool ok = false;
    const long long v = text.trimmed().toLongLong(&ok);
    if (!ok || v < min || v > max)
        return makeError(QStringLiteral("%1 takes a whole number from %2 to %3 (got \"%4\")")
                             .arg(option)
                             .arg(min)
                             .arg(max)
                             .arg(text)
                             .toStdString());
    return v;
}

Result<std::uint64_t> parseSeedOption(const QString& text) {
    bool ok = false;
    const qulonglong v = text.trimmed().toULongLong(&ok);
    if (!ok)
        return makeError(
            QStringLiteral("--seed takes a whole number from 0 to 18446744073709551615 (got \"%1\")").arg(text).toStdString());
    return static_cast<std::uint64_t>(v);
}

BacktestOptions takeBacktestOptions(Args& a) {
    BacktestOptions o;
    while (auto in = a.takeOption(QStringLiteral("--input"))) o.inputs.push_back(*in);
    o.store = a.takeOption(QStringLiteral("--store"));
    o.instrument = a.takeOption(QStringLiteral("--instrument"));
    o.timeframe = a.takeOption(QStringLiteral("--timeframe"));
    o.strategy = a.takeOption(QStringLiteral("--strategy"));
    o.entry = a.takeOption(QStringLiteral("--entry"));
    o.exit = a.takeOption(QStringLiteral("--exit"));
    o.stop = a.takeOption(QStringLiteral("--stop"));
    o.target = a.takeOption(QStringLiteral("--target"));
    o.cash = a.takeOption(QStringLiteral("--cash"));
    o.commission = a.takeOption(QStringLiteral("--commission"));
    o.maker = a.takeOption(QStringLiteral("--maker-bps"));
    o.taker = a.takeOption(QStringLiteral("--taker-bps"));
    o.slippage = a.takeOption(QStringLiteral("--slippage-bps"));
    o.size = a.takeOption(QStringLiteral("--size"));
    o.notional = a.takeOption(QStringLiteral("--notional"));
    o.percent = a.takeOption(QStringLiteral("--percent-equity"));
    o.risk = a.takeOption(QStringLiteral("--risk-per-trade"));
    o.fill = a.takeOption(QStringLiteral("--fill"));
    o.atEnd = a.takeOption(QStringLiteral("--at-end"));
    o.from = a.takeOption(QStringLiteral("--from"));
    o.to = a.takeOption(QStringLiteral("--to"));
    return o;
}

int requireBuiltin(const char* kName, const BacktestOptions& o, PreparedBacktest& out) {
    if (!o.strategy || o.entry || o.exit || o.stop || o.target || *o.strategy == QLatin1String("formula"))
        return fail(kName,
                    QStringLiteral("needs --strategy NAME, a built-in with parameters to optimise (%1); formula strategies "
                                   "have none")
                        .arg(QString::fromStdString(backtest::builtinNames())),
                    kUsageError);
    out.info = backtest::findBuiltin(o.strategy->toStdString());
    if (!out.info)
        return fail(kName,
                    QStringLiteral("unknown strategy \"%1\" (built-ins: %2)")
                        .arg(*o.strategy, QString::fromStdString(backtest::builtinNames())),
                    kUsageError);
    return kOk;
}

int parseBacktestOptions(const char* kName, const BacktestOptions& o, PreparedBacktest& out) {
    if (o.inputs.empty() == !o.store)
        return fail(kName, QStringLiteral("give the bars with --input FILE (one or more) or --store \"INSTRUMENT TF\", not both"),
                    kUsageError);
    backtest::OrderSizing& sizing = out.sizing;
    if (static_cast<int>(o.size.has_value()) + static_cast<int>(o.notional.has_value()) +
            static_cast<int>(o.percent.has_value()) + static_cast<int>(o.risk.has_value()) >
        1)
        return fail(kName, QStringLiteral("--size, --notional, --percent-equity and --risk-per-trade exclude each other"),
                    kUsageError);
    if (o.size) {
        auto q = positiveDecimal<Quantity>(QStringLiteral("--size"), *o.size);
        if (!q) return fail(kName, QString::fromStdString(q.message()), kUsageError);
        sizing.kind = backtest::OrderSizing::Kind::Quantity;
        sizing.quantity = *q;
    } else if (o.notional) {
        auto m = positiveDecimal<Money>(QStringLiteral("--notional"), *o.notional);
        if (!m) return fail(kName, QString::fromStdString(m.message()), kUsageError);
        sizing.kind = backtest::OrderSizing::Kind::Notional;
        sizing.notional = *m;
    } else if (o.percent) {
        bool ok = false;
        sizing.percent = o.percent->toDouble(&ok);
        if (!ok || !(sizing.percent > 0 && sizing.percent <= 100))
            return fail(kName,
                        QStringLiteral("--percent-equity takes a number above 0 and at most 100 (got \"%1\")").arg(*o.percent),
                        kUsageError);
    } else if (o.risk) {
        bool ok = false;
        sizing.kind = backtest::OrderSizing::Kind::RiskPerTrade;
        sizing.riskPercent = o.risk->toDouble(&ok);
        if (!ok || !(sizing.riskPercent > 0 && sizing.riskPercent <= 100))
            return fail(
                kName,
                QStringLiteral("--risk-per-trade takes a percentage of equity above 0 and at most 100 (got \"%1\")").arg(*o.risk),
                kUsageError);
    }
    if (auto st = backtest::validate(sizing); !st) return fail(kName, QString::fromStdString(st.message()), kUsageError);

    backtest::BacktestSettings& settings = out.settings;
    settings.atEnd = backtest::AtEnd::Keep;
    if (o.cash) {
        auto c = positiveDecimal<Money>(QStringLiteral("--cash"), *o.cash);
        if (!c) return fail(kName, QString::fromStdString(c.message()), kUsageError);
        settings.initialCapital = *c;
    }
    settings.rules.fees.makerBps = settings.rules.fees.takerBps = trading::Bps::fromRaw(0, 0);
    if (o.commission) {
        auto c = parseDecimalOption<trading::Bps>(QStringLiteral("--commission"), *o.commission);
        if (!c || c->isNegative() || c->toDouble() >= 1)
            return fail(kName,
                        QStringLiteral("--commission takes a fraction of the traded value per side, 0 to below 1 (e.g. 0.001 "
                                       "= 0.1 %); got \"%1\"")
                            .arg(*o.commission),
                        kUsageError);
        auto bps = c->mulInt(10000);
        if (!bps) return fail(kName, QString::fromStdString(bps.message()), kUsageError);
        settings.rules.fees.makerBps = settings.rules.fees.takerBps = *bps;
    }
    if (o.commission && (o.maker || o.taker))
        return fail(kName, QStringLiteral("--commission and --maker-bps/--taker-bps exclude each other"), kUsageError);
    // Per-venue fees: market (and triggered stop) fills pay taker, resting limit fills maker.
    for (const auto& [flag, text, bps] : {std::tuple{"--maker-bps", &o.maker, &settings.rules.fees.makerBps},
                                          std::tuple{"--taker-bps", &o.taker, &settings.rules.fees.takerBps}}) {
        if (!*text) continue;
        auto f = parseDecimalOption<trading::Bps>(QLatin1String(flag), **text);
        if (!f || f->isNegative() || f->toDouble() >= 10000)
            return fail(kName,
                        QStringLiteral("%1 takes basis points of the traded value, 0 to below 10000 (e.g. 7.5); got \"%2\"")
                            .arg(QLatin1String(flag), **text),
                        kUsageError);
        *bps = *f;
    }
    if (o.slippage) {
        auto f = parseDecimalOption<trading::Bps>(QStringLiteral("--slippage-bps"), *o.slippage);
        if (!f || f->isNegative())
            return fail(kName,
                        QStringLiteral("--slippage-bps takes a number of basis points, 0 or more (got \"%1\")").arg(*o.slippage),
                        kUsageError);
        settings.rules.slippageBps = *f;
    }
    if (o.fill) {
        if (*o.fill == QLatin1String("next-open"))
            settings.fillAt = backtest::FillAt::NextOpen;
        else if (*o.fill == QLatin1String("this-close"))
            settings.fillAt = backtest::FillAt::ThisClose;
        else
            return fail(kName, QStringLiteral("--fill takes next-open or this-close (got \"%1\")").arg(*o.fill), kUsageError);
    }
    if (o.atEnd) {
        if (*o.atEnd == QLatin1String("keep"))
            settings.atEnd = backtest::AtEnd::Keep;
        else if (*o.atEnd == QLatin1String("close"))
            settings.atEnd = backtest::AtEnd::Close;
        else
            return fail(kName, QStringLiteral("--at-end takes keep or close (got \"%1\")").arg(*o.atEnd), kUsageError);
    }
    const auto range = parseDateRange(o.from, o.to);
    if (!range) return fail(kName, QString::fromStdString(range.message()), kUsageError);
    out.fromMs = range->first;
    out.toMs = range->second;
    if (o.timeframe) {
        auto t = parseTimeframe(o.timeframe->toStdString());
        if (!t) return fail(kName, QStringLiteral("--timeframe: %1").arg(QString::fromStdString(t.message())), kUsageError);
        out.givenTimeframe = *t;
    }
    if (o.instrument) {
        auto p = InstrumentId::parse(o.instrument->toStdString());
        if (!p) return fail(kName, QStringLiteral("--instrument: %1").arg(QString::fromStdString(p.message())), kUsageError);
        out.givenId = *p;
    }
    if (o.store) {
        const QStringList parts = o.store->split(QLatin1Char(' '), Qt::SkipEmptyParts);
        auto sid = InstrumentId::parse(parts.value(0).toStdString());
        auto stf = parseTimeframe(parts.value(1).toStdString());
        if (parts.size() != 2 || !sid || !stf)
            return fail(kName, QStringLiteral("--store takes \"INSTRUMENT TIMEFRAME\", e.g. --store \"BINANCE:BTCUSDT 1h\""),
                        kUsageError);
        out.givenId = *sid;
        out.givenTimeframe = *stf;
    }
    return kOk;
}

int loadBars(const char* kName, const BacktestOptions& o, const QString& profileDir, PreparedBacktest& out) {
    std::optional<Timeframe> tf = out.givenTimeframe;
    std::optional<InstrumentId> id = out.givenId;
    std::vector<Bar>& bars = out.bars;
    int priceScale = 0;
    if (o.store) {
        auto dir = storage::resolveProfileDir(profileDir);
        if (!dir) return fail(kName, QString::fromStdString(dir.message()), kDataError);
        auto db = storage::Database::openProfile(*dir, storage::OpenMode::ReadOnly);
        if (!db) return fail(kName, QString::fromStdString(db.message()), kDataError);
        storage::CandleStore store(**db);
        auto stored = store.range(*id, *tf, out.fromMs, out.toMs);
        if (!stored) return fail(kName, QString::fromStdString(stored.message()), kDataError);
        bars = std::move(*stored);
        for (const Bar& b : bars) priceScale = std::max({priceScale, b.open.scale(), b.close.scale()});
        if (bars.empty()) return fail(kName, QStringLiteral("no bars stored for %1 in that range").arg(*o.store), kDataError);
    } else {
        for (const QString& input : o.inputs) {
            if (QFileInfo(input).isDir())
                return fail(kName, QStringLiteral("%1: is a folder, not a candle file").arg(input), kDataError);
            if (!QFileInfo::exists(input)) return fail(kName, QStringLiteral("%1: no such file").arg(input), kDataError);
            const auto hints = marketdata::inferFromFileName(input.toStdString());
            if (!tf && hints.timeframe) tf = hints.timeframe;
            if (!id && hints.instrument) id = hints.instrument;
            auto csv = marketdata::readBarsCsv(input.toStdString());
            if (!csv) return fail(kName, QString::fromStdString(csv.message()), kDataError);
            priceScale = std::max(priceScale, csv->priceScale);
            for (const Bar& b : csv->bars) {
                if (b.openTimeMs < out.fromMs || b.openTimeMs >= out.toMs) continue;
                if (!bars.empty() && b.openTimeMs <= bars.back().openTimeMs)
                    return fail(kName,
                                QStringLiteral("%1: its bar at %2 does not come after the bars before it (give several files "
                                               "of one series in time order)")
                                    .arg(input, QString::fromStdString(formatUtc(b.openTimeMs))),
                                kDataError);
                bars.push_back(b);
            }
        }
        if (bars.empty()) return fail(kName, QStringLiteral("no bars fall in the chosen dates"), kDataError);
        if (!tf) tf = timeframeFromSteps(bars);
        if (!tf)
            return fail(kName,
                        QStringLiteral("cannot tell the timeframe from the file name or the bars; pass --timeframe (e.g. 1d)"),
                        kUsageError);
        if (!id) id = InstrumentId{"FILE", QFileInfo(o.inputs.front()).completeBaseName().toStdString()};
    }
    out.settings.timeframe = *tf;
    out.timeframe = *tf;
    out.id = *id;
    // The same rules as paper trading for the bundled Binance symbols; else what the data says.
    const auto known = trading::bundledInstrumentRules(*id);
    out.settings.instrument = known ? *known : backtest::instrumentForFile(*id, priceScale);
    return kOk;
}

int requireSizingFits(const char* kName, const PreparedBacktest& p) {
    auto made = backtest::makeBuiltin(p.info->name, {}, p.sizing);
    if (!made) return fail(kName, QString::fromStdString(made.message()), kUsageError);
    return kOk;
}

std::string describeFees(const backtest::BacktestSettings& s) {
    const auto& fees = s.rules.fees;
    return fees.makerBps == fees.takerBps
        ? fees.takerBps.toTrimmedString() + " bp a side"
        : "maker " + fees.makerBps.toTrimmedString() + " bp, taker " + fees.takerBps.toTrimmedString() + " bp";
}

backtest::StrategyFactory strategyFactory(const PreparedBacktest& p) {
    const std::string name = p.info->name;
    const backtest::OrderSizing sizing = p.sizing;
    return [name, sizing](const backtest::ParamValues& values) { return backtest::makeBuiltin(name, values, sizing); };
}

backtest::ParamCheck paramCheck(const PreparedBacktest& p) {
    const backtest::StrategyInfo info = *p.info;
    return [info](const backtest::ParamValues& values) -> Status {
        std::vector<std::pair<std::string, std::string>> given;
        for (const auto& [k, v] : values) given.emplace_back(k, formatNumber(v));
        auto r = backtest::resolveParams(info, given);
        if (!r) return r.error();
        return {};
    };
}

SearchOptions takeSearchOptions(Args& a) {
    SearchOptions o;
    while (auto p = a.takeOption(QStringLiteral("--param"))) o.params.push_back(*p);
    o.method = a.takeOption(QStringLiteral("--method"));
    o.samples = a.takeOption(QStringLiteral("--samples"));
    o.generations = a.takeOption(QStringLiteral("--generations"));
    o.population = a.takeOption(QStringLiteral("--population"));
    o.seed = a.takeOption(QStringLiteral("--seed"));
    o.objective = a.takeOption(QStringLiteral("--objective"));
    o.minTrades = a.takeOption(QStringLiteral("--min-trades"));
    o.threads = a.takeOption(QStringLiteral("--threads"));
    return o;
}

int parseSearchOptions(const char* command, const SearchOptions& o, const PreparedBacktest& prepared,
                       backtest::OptimizerSpec& spec) {
    const auto usage = [&](const std::string& m) { return fail(command, QString::fromStdString(m), kUsageError); };
    if (o.method) {
        auto m = backtest::parseSearchMethod(o.method->trimmed().toStdString());
        if (!m) return usage(m.message());
        spec.method = *m;
    }
    struct IntOption {
        const std::optional<QString>& text;
        const char* name;
        long long min, max;
        int& into;
    };
    const IntOption ints[] = {{o.samples, "--samples", 1, 10'000'000, spec.samples},
                              {o.generations, "--generations", 1, 100000, spec.generations},
                              {o.population, "--population", 2, 100000, spec.population},
                              {o.minTrades, "--min-trades", 0, 1'000'000'000, spec.minTrades},
                              {o.threads, "--threads", 1, 1024, spec.threads}};
    for (const IntOption& i : ints) {
        if (!i.text) continue;
        auto v = parseIntegerOption(QString::fromLatin1(i.name), *i.text, i.min, i.max);
        if (!v) return usage(v.message());
        i.into = static_cast<int>(*v);
    }
    if (o.samples && spec.method != backtest::SearchMethod::Random) return usage("--samples goes with --method random");
    if ((o.generations || o.population) && spec.method != backtest::SearchMethod::Genetic)
        return usage("--generations and --population go with --method genetic");
    if (o.seed) {
        auto s = parseSeedOption(*o.seed);
        if (!s) return usage(s.message());
        spec.seed = *s;
    }
    if (o.objective) spec.objective = o.objective->trimmed().toStdString();
    if (!backtest::findObjective(spec.objective))
        return usage("--objective \"" + spec.objective + "\" is not a metric (one of: " + backtest::objectiveNames() + ")");
    if (o.params.empty()) return usage("give at least one --param NAME=START:STOP:STEP or NAME=A,B,C to optimise");
    for (const QString& t : o.params) {
        auto axis = backtest::parseParamAxis(t.toStdString(), prepared.info);
        if (!axis) return usage(axis.message());
        for (const auto& existing : spec.axes)
            if (existing.name == axis->name) return usage("--param " + axis->name + " is given twice");
        spec.axes.push_back(std::move(*axis));
    }
    return kOk;
}

std::string describeRun(const PreparedBacktest& p) {
    const auto& s = p.settings;
    return "# " + p.id.toString() + " " + toString(p.timeframe) + ", " + std::to_string(p.bars.size()) + " bars, " +
        formatUtc(p.bars.front().openTimeMs) + " to " + formatUtc(p.bars.back().openTimeMs) + "; " + p.info->name + ", " +
        backtest::describe(p.sizing) + "; commission " + describeFees(s) + ", slippage " + s.rules.slippageBps.toTrimmedString() +
        " bp; fills at " + (s.fillAt == backtest::FillAt::NextOpen ? "the next bar's open" : "the decision bar's close") +
        "; at the end " + (s.atEnd == backtest::AtEnd::Keep ? "open positions kept" : "positions closed") + "\n";
}

}  // namespace kairos::cli
