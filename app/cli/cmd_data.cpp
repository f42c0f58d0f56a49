// kairos-cli import / bars / gaps: candle files into the profile's CandleStore and back out.
#include "command.h"

#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <cstdio>
#include <limits>

namespace kairos::cli {
namespace {

struct Store {
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<storage::CandleStore> candles;
};

/// Opens the profile database; on error prints it and returns nullopt. Commands that only read
/// open it read-only: they work on a read-only profile, and on a damaged one (with a warning).
std::optional<Store> openStore(const char* cmd, const Context& ctx, storage::OpenMode mode) {
    auto dir = storage::resolveProfileDir(ctx.profileDir);
    if (!dir) {
        fail(cmd, QString::fromStdString(dir.message()), kDataError);
        return std::nullopt;
    }
    auto db = storage::Database::openProfile(*dir, mode);
    if (!db) {
        fail(cmd, QString::fromStdString(db.message()), kDataError);
        return std::nullopt;
    }
    if (!(*db)->damage().empty()) std::fprintf(stderr, "kairos-cli %s: warning: %s\n", cmd, (*db)->damage().c_str());
    Store s;
    s.db = std::move(*db);
    s.candles = std::make_unique<storage::CandleStore>(*s.db);
    return s;
}

/// Parses INSTRUMENT and TIMEFRAME positional arguments.
bool readSeries(const char* cmd, Args& a, InstrumentId& id, Timeframe& tf, int& code) {
    if (a.rest.size() < 2) {
        code = fail(cmd, QStringLiteral("needs INSTRUMENT TIMEFRAME, e.g. BINANCE:BTCUSDT 1h"), kUsageError);
        return false;
    }
    auto i = InstrumentId::parse(a.rest.takeFirst().toStdString());
    if (!i) {
        code = fail(cmd, QString::fromStdString(i.message()), kUsageError);
        return false;
    }
    auto t = parseTimeframe(a.rest.takeFirst().toStdString());
    if (!t) {
        code = fail(cmd, QString::fromStdString(t.message()), kUsageError);
        return false;
    }
    id = *i;
    tf = *t;
    return true;
}

bool readTime(const char* cmd, Args& a, const char* option, std::int64_t& out, int& code) {
    if (auto v = a.takeOption(QString::fromLatin1(option))) {
        auto t = parseUtc(v->toStdString());
        if (!t) {
            code =
                fail(cmd, QStringLiteral("%1: %2").arg(QLatin1String(option), QString::fromStdString(t.message())), kUsageError);
            return false;
        }
        out = *t;
    }
    return true;
}

int runImport(Context& ctx) {
    const char* cmd = "import";
    Args a(ctx.args);
    const auto inst = a.takeOption(QStringLiteral("--instrument"));
    const auto tfText = a.takeOption(QStringLiteral("--timeframe"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (a.rest.size() != 1) return fail(cmd, QStringLiteral("needs exactly one FILE (see --help)"), kUsageError);
    const std::string file = a.rest.first().toStdString();
    const auto hints = marketdata::inferFromFileName(file);
    InstrumentId id;
    Timeframe tf = Timeframe::M1;
    if (inst) {
        auto i = InstrumentId::parse(inst->toStdString());
        if (!i) return fail(cmd, QString::fromStdString(i.message()), kUsageError);
        id = *i;
    } else if (hints.instrument) {
        id = *hints.instrument;
    } else {
        return fail(cmd,
                    QStringLiteral("cannot tell the instrument from the file name \"%1\"; pass --instrument VENUE:SYMBOL")
                        .arg(a.rest.first()),
                    kUsageError);
    }
    if (tfText) {
        auto t = parseTimeframe(tfText->toStdString());
        if (!t) return fail(cmd, QString::fromStdString(t.message()), kUsageError);
        tf = *t;
    } else if (hints.timeframe) {
        tf = *hints.timeframe;
    } else {
        return fail(
            cmd,
            QStringLiteral("cannot tell the timeframe from the file name \"%1\"; pass --timeframe (e.g. 1h)").arg(a.rest.first()),
            kUsageError);
    }
    auto csv = marketdata::readBarsCsv(file);
    if (!csv) return fail(cmd, QString::fromStdString(csv.message()) + QStringLiteral(" (nothing was imported)"), kDataError);
    // Every bar must sit on the timeframe's grid, or the store would hold misaligned candles.
    for (const Bar& b : csv->bars) {
        if (bucketStart(tf, b.openTimeMs) != b.openTimeMs)
            return fail(
                cmd,
                QStringLiteral("%1: bar at %2 is not on the %3 grid; is the timeframe right? (nothing was imported)")
                    .arg(a.rest.first(), QString::fromStdString(formatUtc(b.openTimeMs)), QString::fromStdString(toString(tf))),
                kDataError);
    }
    auto store = openStore(cmd, ctx, storage::OpenMode::ReadWrite);
    if (!store) return kDataError;
    if (auto st = store->candles->upsert(id, tf, csv->bars); !st)
        return fail(cmd, QString::fromStdString(st.message()) + QStringLiteral(" (nothing was imported)"), kDataError);
    std::printf("imported %zu bars of %s %s", csv->bars.size(), id.toString().c_str(), toString(tf).c_str());
    if (!csv->bars.empty())
        std::printf(" (%s .. %s)", formatUtc(csv->bars.front().openTimeMs).c_str(),
                    formatUtc(csv->bars.back().openTimeMs).c_str());
    std::printf("\n");
    return kOk;
}

struct SeriesQuery {
    InstrumentId id;
    Timeframe tf = Timeframe::M1;
    std::int64_t from = std::numeric_limits<std::int64_t>::min();
    std::int64_t to = std::numeric_limits<std::int64_t>::max();
};
/// Reads INSTRUMENT TIMEFRAME [--from T] [--to T], shared by `bars` and `gaps`. Returns kOk, or the
/// exit code of the usage error it printed.
int readSeriesQuery(const char* cmd, const Context& ctx, SeriesQuery& q) {
    Args a(ctx.args);
    int code = kOk;
    if (!readTime(cmd, a, "--from", q.from, code) || !readTime(cmd, a, "--to", q.to, code)) return code;
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!readSeries(cmd, a, q.id, q.tf, code)) return code;
    return kOk;
}

int runBars(Context& ctx) {
    const char* cmd = "bars";
    SeriesQuery q;
    if (const int code = readSeriesQuery(cmd, ctx, q); code != kOk) return code;
    const auto& [id, tf, from, to] = q;
    auto store = openStore(cmd, ctx, storage::OpenMode::ReadOnly);
    if (!store) return kDataError;
    auto bars = store->candles->range(id, tf, from, to);
    if (!bars) return fail(cmd, QString::fromStdString(bars.message()), kDataError);
    std::printf("open_time,open,high,low,close,volume,quote_volume,trades\n");
    for (const Bar& b : *bars)
        std::printf("%lld,%s,%s,%s,%s,%s,%s,%lld\n", static_cast<long long>(b.openTimeMs), b.open.toString().c_str(),
                    b.high.toString().c_str(), b.low.toString().c_str(), b.close.toString().c_str(), b.volume.toString().c_str(),
                    b.quoteVolume.toString().c_str(), static_cast<long long>(b.tradeCount));
    return kOk;
}

int runGaps(Context& ctx) {
    const char* cmd = "gaps";
    SeriesQuery q;
    if (const int code = readSeriesQuery(cmd, ctx, q); code != kOk) return code;
    auto& [id, tf, from, to] = q;
    auto store = openStore(cmd, ctx, storage::OpenMode::ReadOnly);
    if (!store) return kDataError;
    // Without a range, look between the first and the last stored bar.
    if (from == std::numeric_limits<std::int64_t>::min() || to == std::numeric_limits<std::int64_t>::max()) {
        auto all = store->candles->series();
        if (!all) return fail(cmd, QString::fromStdString(all.message()), kDataError);
        bool found = false;
        for (const auto& s : *all) {
            if (s.instrument == id && s.timeframe == tf) {
                if (from == std::numeric_limits<std::int64_t>::min()) from = s.firstOpenMs;
                if (to == std::numeric_limits<std::int64_t>::max()) to = nextBucketStart(tf, s.lastOpenMs);
                found = true;
            }
        }
        if (!found)
            return fail(cmd,
                        QStringLiteral("no bars stored for %1 %2")
                            .arg(QString::fromStdString(id.toString()), QString::fromStdString(toString(tf))),
                        kDataError);
    }
    auto gaps = store->candles->gaps(id, tf, from, to);
    if (!gaps) return fail(cmd, QString::fromStdString(gaps.message()), kDataError);
    std::printf("from,to,missing_bars\n");
    for (const auto& g : *gaps)
        std::printf("%s,%s,%lld\n", formatUtc(g.fromMs).c_str(), formatUtc(g.toMs).c_str(),
                    static_cast<long long>(g.missingBars));
    return kOk;
}

const CommandRegistration kImport{
    {"import", "import a candle CSV into the profile's candle store",
     "Usage: kairos-cli import FILE [--instrument VENUE:SYMBOL] [--timeframe TF] [--profile DIR]\n"
     "Reads a Binance kline CSV (open_time,open,...; or the raw 12-column archive), a Yahoo CSV or a\n"
     "Date[,Time],Open,High,Low,Close,Volume,OpenInterest CSV, validates every row and stores all of it\n"
     "or nothing. Instrument and timeframe default to what a Binance-style file name says\n"
     "(binance_spot_BTCUSDT_1h_....csv, BTCUSDT-1m-2021-11-27.csv).",
     runImport}};
const CommandRegistration kBars{
    {"bars", "print stored bars as CSV",
     "Usage: kairos-cli bars INSTRUMENT TIMEFRAME [--from T] [--to T] [--profile DIR]\n"
     "Prints open_time(ms),open,high,low,close,volume,quote_volume,trades with exact decimals for bars\n"
     "with from <= open time < to. T is YYYY-MM-DD[THH:MM[:SS]] (UTC) or ms since the epoch.",
     runBars}};
const CommandRegistration kGaps{
    {"gaps", "list missing bars in a stored series",
     "Usage: kairos-cli gaps INSTRUMENT TIMEFRAME [--from T] [--to T] [--profile DIR]\n"
     "Prints from,to,missing_bars for each run of missing bars (to is exclusive); by default between\n"
     "the first and the last stored bar.",
     runGaps}};

}  // namespace
}  // namespace kairos::cli
