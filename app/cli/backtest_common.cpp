// The data and convention flags of the strategy form of `backtest`, shared by backtest, optimize and
// walkforward (one implementation: the same checks and messages).
#include "backtest_common.h"

#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"
#include "storage/watchliststore.h"
#include "trading/instrumentdefaults.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
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

Result<double> parsePercentOption(const QString& option, const QString& what, const QString& text) {
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !(v > 0 && v <= 100))
        return makeError(
            QStringLiteral("%1 takes %2 above 0 and at most 100 (got \"%3\")").arg(option, what, text).toStdString());
    return v;
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
    while (auto st = a.takeOption(QStringLiteral("--store"))) o.stores.push_back(*st);
    if (!o.stores.empty()) o.store = o.stores.front();
    o.watchlist = a.takeOption(QStringLiteral("--watchlist"));
    o.allocation = a.takeOption(QStringLiteral("--allocation"));
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

int requireStrategy(const char* kName, const BacktestOptions& o, PreparedBacktest& out) {
    const bool formulas = o.entry || o.exit || o.stop || o.target;
    if ((!o.strategy && !formulas) || (o.strategy && *o.strategy == QLatin1String("formula") && !o.entry))
        return fail(kName,
                    QStringLiteral("needs --strategy NAME, a built-in with parameters to optimise (%1), or formulas with "
                                   "placeholders: --entry F [--exit F] [--stop F] [--target F], e.g. --entry "
                                   "\"crossover(ema(close,{fast}), ema(close,{slow}))\" --param fast=5:20:5")
                        .arg(QString::fromStdString(backtest::builtinNames())),
                    kUsageError);
    if (formulas || *o.strategy == QLatin1String("formula")) {
        if (o.strategy && *o.strategy != QLatin1String("formula"))
            return fail(kName, QStringLiteral("--entry/--exit/--stop/--target go with --strategy formula (or no --strategy)"),
                        kUsageError);
        if (!o.entry) return fail(kName, QStringLiteral("--strategy formula needs --entry FORMULA"), kUsageError);
        backtest::FormulaStrategySettings fs;
        fs.entry = o.entry->toStdString();
        fs.exit = o.exit ? o.exit->toStdString() : std::string();
        fs.stop = o.stop ? o.stop->toStdString() : std::string();
        fs.target = o.target ? o.target->toStdString() : std::string();
        auto names = backtest::formulaPlaceholders(fs);
        if (!names) return fail(kName, QString::fromStdString(names.message()), kUsageError);
        out.formula = fs;
        return kOk;
    }
    out.info = backtest::findBuiltin(o.strategy->toStdString());
    if (!out.info)
        return fail(kName,
                    QStringLiteral("unknown strategy \"%1\" (built-ins: %2)")
                        .arg(*o.strategy, QString::fromStdString(backtest::builtinNames())),
                    kUsageError);
    return kOk;
}

std::string strategyLabel(const PreparedBacktest& p) { return p.info ? p.info->name : std::string("formula"); }

namespace {

/// The conventions and dates (everything but the sources, the sizing and --instrument).
int parseConventions(const char* kName, const BacktestOptions& o, PreparedBacktest& out);

}  // namespace

int parseBacktestOptions(const char* kName, const BacktestOptions& o, PreparedBacktest& out) {
    if (o.inputs.empty() == !o.store)
        return fail(kName, QStringLiteral("give the bars with --input FILE (one or more) or --store \"INSTRUMENT TF\", not both"),
                    kUsageError);
    if (o.stores.size() > 1 || o.watchlist || o.allocation)
        return fail(kName,
                    QStringLiteral("several --store, --watchlist and --allocation are for portfolio backtests (kairos-cli "
                                   "backtest)"),
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
        auto p = parsePercentOption(QStringLiteral("--percent-equity"), QStringLiteral("a number"), *o.percent);
        if (!p) return fail(kName, QString::fromStdString(p.message()), kUsageError);
        sizing.percent = *p;
    } else if (o.risk) {
        auto p = parsePercentOption(QStringLiteral("--risk-per-trade"), QStringLiteral("a percentage of equity"), *o.risk);
        if (!p) return fail(kName, QString::fromStdString(p.message()), kUsageError);
        sizing.kind = backtest::OrderSizing::Kind::RiskPerTrade;
        sizing.riskPercent = *p;
    }
    if (auto st = backtest::validate(sizing); !st) return fail(kName, QString::fromStdString(st.message()), kUsageError);
    if (const int rc = parseConventions(kName, o, out); rc != kOk) return rc;
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

namespace {

int parseConventions(const char* kName, const BacktestOptions& o, PreparedBacktest& out) {
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
    return kOk;
}

}  // namespace

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

bool isPortfolio(const BacktestOptions& o) {
    if (o.stores.size() > 1 || o.watchlist || o.allocation) return true;
    std::set<InstrumentId> named;
    for (const QString& input : o.inputs)
        if (const auto hints = marketdata::inferFromFileName(input.toStdString()); hints.instrument)
            named.insert(*hints.instrument);
    return named.size() > 1;
}

int parsePortfolioOptions(const char* kName, const BacktestOptions& o, PreparedBacktest& out, backtest::Allocation& allocation) {
    const int sources =
        static_cast<int>(!o.inputs.empty()) + static_cast<int>(!o.stores.empty()) + static_cast<int>(o.watchlist.has_value());
    if (sources != 1)
        return fail(kName,
                    QStringLiteral("give the portfolio's bars with --input FILE..., --store \"INSTRUMENT TF\"... or --watchlist "
                                   "NAME, one of them"),
                    kUsageError);
    if (o.size || o.notional || o.percent || o.risk)
        return fail(kName,
                    QStringLiteral("in a portfolio backtest --allocation sizes the entries (equal, notional:AMOUNT or "
                                   "percent:P); drop --size, --notional, --percent-equity and --risk-per-trade"),
                    kUsageError);
    if (o.instrument)
        return fail(kName,
                    QStringLiteral("--instrument names one series; a portfolio's instruments come from the file names, --store "
                                   "or the watchlist"),
                    kUsageError);
    if (o.allocation) {
        auto a = backtest::parseAllocation(o.allocation->trimmed().toStdString());
        if (!a) return fail(kName, QString::fromStdString(a.message()), kUsageError);
        allocation = *a;
    }
    // Each strategy sizes against its budget, all of it (the header of portfolioengine.h).
    out.sizing.kind = backtest::OrderSizing::Kind::PercentEquity;
    out.sizing.percent = 100;
    if (const int rc = parseConventions(kName, o, out); rc != kOk) return rc;
    if (out.settings.fillAt == backtest::FillAt::ThisClose)
        return fail(kName, QStringLiteral("--fill this-close is not supported in a portfolio backtest (fills at the next open)"),
                    kUsageError);
    if (o.watchlist && !out.givenTimeframe)
        return fail(kName, QStringLiteral("--watchlist needs --timeframe TF (the stored bars to use, e.g. 1d)"), kUsageError);
    std::set<InstrumentId> seen;
    for (const QString& text : o.stores) {
        const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        auto sid = InstrumentId::parse(parts.value(0).toStdString());
        auto stf = parseTimeframe(parts.value(1).toStdString());
        if (parts.size() != 2 || !sid || !stf)
            return fail(kName, QStringLiteral("--store takes \"INSTRUMENT TIMEFRAME\", e.g. --store \"BINANCE:BTCUSDT 1h\""),
                        kUsageError);
        if (!seen.insert(*sid).second)
            return fail(kName, QStringLiteral("--store %1 is given twice").arg(QString::fromStdString(sid->toString())),
                        kUsageError);
        if (out.givenTimeframe && *out.givenTimeframe != *stf)
            return fail(kName,
                        QStringLiteral("--store %1: every series of a portfolio has one timeframe (%2)")
                            .arg(text, QString::fromStdString(toString(*out.givenTimeframe))),
                        kUsageError);
        out.givenTimeframe = *stf;
    }
    return kOk;
}

int loadPortfolio(const char* kName, const BacktestOptions& o, const QString& profileDir, PreparedBacktest& out,
                  std::vector<backtest::PortfolioSeries>& series) {
    // The sources, each as the options of one single series (loaded by loadBars, with its checks).
    std::vector<BacktestOptions> parts;
    std::vector<std::optional<InstrumentId>> ids;
    if (!o.inputs.empty()) {
        std::map<InstrumentId, std::size_t> group;
        for (const QString& input : o.inputs) {
            const auto hints = marketdata::inferFromFileName(input.toStdString());
            const InstrumentId id =
                hints.instrument ? *hints.instrument : InstrumentId{"FILE", QFileInfo(input).completeBaseName().toStdString()};
            auto [it, fresh] = group.emplace(id, parts.size());
            if (fresh) {
                parts.emplace_back();
                ids.emplace_back(id);
            }
            parts[it->second].inputs.push_back(input);
        }
    } else {
        std::vector<QString> stores = o.stores;
        if (o.watchlist) {
            auto dir = storage::resolveProfileDir(profileDir);
            if (!dir) return fail(kName, QString::fromStdString(dir.message()), kDataError);
            auto db = storage::Database::openProfile(*dir, storage::OpenMode::ReadOnly);
            if (!db) return fail(kName, QString::fromStdString(db.message()), kDataError);
            auto lists = storage::WatchlistStore(**db).all();
            if (!lists) return fail(kName, QString::fromStdString(lists.message()), kDataError);
            const storage::Watchlist* found = nullptr;
            QStringList names;
            for (const storage::Watchlist& w : *lists) {
                names << QString::fromStdString(w.name);
                if (QString::fromStdString(w.name) == *o.watchlist) found = &w;
            }
            if (!found)
                return fail(kName,
                            QStringLiteral("no watchlist \"%1\" in the profile (it has: %2)")
                                .arg(*o.watchlist, names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "))),
                            kDataError);
            storage::CandleStore store(**db);
            for (const storage::WatchlistItem& item : found->items) {
                auto bars = store.range(item.instrument, *out.givenTimeframe, out.fromMs, out.toMs);
                if (!bars) return fail(kName, QString::fromStdString(bars.message()), kDataError);
                if (bars->empty()) {
                    std::fprintf(stderr, "%s: skipped %s: no stored %s bars in the chosen dates\n", kName,
                                 item.instrument.toString().c_str(), toString(*out.givenTimeframe).c_str());
                    continue;
                }
                stores.push_back(QString::fromStdString(item.instrument.toString() + " " + toString(*out.givenTimeframe)));
            }
            if (stores.empty())
                return fail(
                    kName,
                    QStringLiteral("watchlist \"%1\": none of its instruments has stored bars to run on").arg(*o.watchlist),
                    kDataError);
        }
        for (const QString& text : stores) {
            BacktestOptions part;
            part.store = text;
            part.stores = {text};
            parts.push_back(part);
            const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            ids.emplace_back(*InstrumentId::parse(words.value(0).toStdString()));
        }
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        PreparedBacktest p = out;
        p.givenId = ids[i];
        if (const int rc = loadBars(kName, parts[i], profileDir, p); rc != kOk) return rc;
        if (!series.empty() && p.timeframe != out.timeframe)
            return fail(kName,
                        QStringLiteral("%1 is %2 bars, %3 %4: a portfolio's series must share one timeframe (pass --timeframe)")
                            .arg(QString::fromStdString(p.id.toString()), QString::fromStdString(toString(p.timeframe)),
                                 QString::fromStdString(series.front().instrument.id.toString()),
                                 QString::fromStdString(toString(out.timeframe))),
                        kDataError);
        out.timeframe = p.timeframe;
        out.settings.timeframe = p.timeframe;
        series.push_back({p.settings.instrument, std::move(p.bars)});
    }
    out.id = series.front().instrument.id;
    out.bars.clear();
    return kOk;
}

int requireSizingFits(const char* kName, const PreparedBacktest& p) {
    if (p.formula) {
        if (p.formula->stop.empty())
            if (auto st = backtest::requireStopForRiskSizing(p.sizing, "this formula strategy (no --stop)"); !st)
                return fail(kName, QString::fromStdString(st.message()), kUsageError);
        return kOk;
    }
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
    if (p.formula) {
        backtest::FormulaStrategySettings fs = *p.formula;
        fs.sizing = p.sizing;
        return [fs](const backtest::ParamValues& values) -> Result<std::unique_ptr<backtest::Strategy>> {
            auto filled = backtest::fillPlaceholders(fs, values);
            if (!filled) return filled.error();
            auto made = backtest::FormulaStrategy::create(*filled);
            if (!made) return made.error();
            return std::unique_ptr<backtest::Strategy>(std::move(*made));
        };
    }
    const std::string name = p.info->name;
    const backtest::OrderSizing sizing = p.sizing;
    return [name, sizing](const backtest::ParamValues& values) { return backtest::makeBuiltin(name, values, sizing); };
}

backtest::ParamCheck paramCheck(const PreparedBacktest& p) {
    if (p.formula) {
        const backtest::StrategyFactory make = strategyFactory(p);
        return [make](const backtest::ParamValues& values) -> Status {
            auto made = make(values);
            if (!made) return made.error();
            return {};
        };
    }
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
    if (prepared.formula) {
        // Every placeholder filled by a --param, every --param filling one (or `short`).
        auto names = backtest::formulaPlaceholders(*prepared.formula);
        if (!names) return usage(names.message());
        std::string unknown, listed;
        for (const std::string& n : *names) {
            listed += (listed.empty() ? "{" : ", {") + n + "}";
            if (std::none_of(spec.axes.begin(), spec.axes.end(), [&](const auto& a) { return a.name == n; }))
                unknown += (unknown.empty() ? "{" : ", {") + n + "}";
        }
        if (!unknown.empty())
            return usage("unknown placeholder " + unknown +
                         " in the formulas: give each a --param NAME=RANGE (the --param "
                         "names: " +
                         [&] {
                             std::string p;
                             for (const auto& a : spec.axes) p += (p.empty() ? "" : ", ") + a.name;
                             return p;
                         }() +
                         ")");
        for (const auto& a : spec.axes) {
            if (a.name == "short") {
                for (double v : a.values)
                    if (v != 0 && v != 1) return usage("--param short takes 0 and/or 1 (1: the entry opens a short)");
                continue;
            }
            if (std::find(names->begin(), names->end(), a.name) == names->end())
                return usage("--param " + a.name + " fills no placeholder of the formulas (" +
                             (listed.empty() ? std::string("they have none") : "they have " + listed) + "; write {" + a.name +
                             "} where its value goes)");
        }
        // The formulas with the first value of every axis: syntax errors now, before any data is read.
        backtest::ParamValues first;
        for (const auto& a : spec.axes) first[a.name] = a.values.front();
        if (auto made = strategyFactory(prepared)(first); !made)
            return usage(made.message() + " (with the first --param values filled in)");
    }
    return kOk;
}

std::string describeRun(const PreparedBacktest& p) {
    const auto& s = p.settings;
    return "# " + p.id.toString() + " " + toString(p.timeframe) + ", " + std::to_string(p.bars.size()) + " bars, " +
        formatUtc(p.bars.front().openTimeMs) + " to " + formatUtc(p.bars.back().openTimeMs) + "; " + strategyLabel(p) + ", " +
        backtest::describe(p.sizing) + "; commission " + describeFees(s) + ", slippage " + s.rules.slippageBps.toTrimmedString() +
        " bp; fills at " + (s.fillAt == backtest::FillAt::NextOpen ? "the next bar's open" : "the decision bar's close") +
        "; at the end " + (s.atEnd == backtest::AtEnd::Keep ? "open positions kept" : "positions closed") + "\n";
}

}  // namespace kairos::cli
