// kairos-cli replay: prints the events ReplayFeed publishes for stored or file bars.
#include "command.h"

#include "marketdata/csvimport.h"
#include "marketdata/replayfeed.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>
#include <limits>

namespace kairos::cli {
namespace {

int runReplay(Context& ctx) {
    const char* cmd = "replay";
    Args a(ctx.args);
    const auto speedText = a.takeOption(QStringLiteral("--speed"));
    const auto fromText = a.takeOption(QStringLiteral("--from"));
    const auto toText = a.takeOption(QStringLiteral("--to"));
    const auto limitText = a.takeOption(QStringLiteral("--limit"));
    const auto storeText = a.takeOption(QStringLiteral("--store"));
    const bool onlyBars = a.takeFlag(QStringLiteral("--bars-only"));
    const bool onlyTrades = a.takeFlag(QStringLiteral("--trades-only"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);

    double speed = 0;
    if (speedText && speedText->compare(QStringLiteral("max"), Qt::CaseInsensitive) != 0) {
        bool ok = false;
        speed = speedText->toDouble(&ok);
        if (!ok || speed <= 0) return fail(cmd, QStringLiteral("--speed takes a positive number or max"), kUsageError);
    }
    std::int64_t from = std::numeric_limits<std::int64_t>::min(), to = std::numeric_limits<std::int64_t>::max();
    for (auto [text, dst] : {std::pair{fromText, &from}, std::pair{toText, &to}}) {
        if (!text) continue;
        auto t = parseUtc(text->toStdString());
        if (!t) return fail(cmd, QString::fromStdString(t.message()), kUsageError);
        *dst = *t;
    }
    long long limit = -1;
    if (limitText) {
        bool ok = false;
        limit = limitText->toLongLong(&ok);
        if (!ok || limit < 0) return fail(cmd, QStringLiteral("--limit takes a whole number"), kUsageError);
    }

    marketdata::ReplayFeed feed;
    std::vector<std::pair<InstrumentId, Timeframe>> series;
    for (const QString& f : a.rest) {
        const std::string path = f.toStdString();
        const auto hints = marketdata::inferFromFileName(path);
        if (!hints.instrument || !hints.timeframe)
            return fail(cmd,
                        QStringLiteral("cannot tell instrument and timeframe from \"%1\"; import it with "
                                       "--instrument/--timeframe and replay it with --store")
                            .arg(f),
                        kUsageError);
        auto csv = marketdata::readBarsCsv(path);
        if (!csv) return fail(cmd, QString::fromStdString(csv.message()), kDataError);
        feed.addSeries(*hints.instrument, *hints.timeframe, std::move(csv->bars));
        series.emplace_back(*hints.instrument, *hints.timeframe);
    }
    if (storeText) {
        const QStringList parts = storeText->split(QLatin1Char(' '), Qt::SkipEmptyParts);
        auto id = InstrumentId::parse(parts.value(0).toStdString());
        auto tf = parseTimeframe(parts.value(1).toStdString());
        if (parts.size() != 2 || !id || !tf)
            return fail(cmd, QStringLiteral("--store takes \"INSTRUMENT TIMEFRAME\", e.g. --store \"BINANCE:BTCUSDT 1h\""),
                        kUsageError);
        auto dir = storage::resolveProfileDir(ctx.profileDir);
        if (!dir) return fail(cmd, QString::fromStdString(dir.message()), kDataError);
        auto db = storage::Database::openProfile(*dir, storage::OpenMode::ReadOnly);
        if (!db) return fail(cmd, QString::fromStdString(db.message()), kDataError);
        if (!(*db)->damage().empty()) std::fprintf(stderr, "kairos-cli %s: warning: %s\n", cmd, (*db)->damage().c_str());
        storage::CandleStore store(**db);
        auto bars = store.range(*id, *tf, from == std::numeric_limits<std::int64_t>::min() ? from : bucketStart(*tf, from), to);
        if (!bars) return fail(cmd, QString::fromStdString(bars.message()), kDataError);
        if (bars->empty()) return fail(cmd, QStringLiteral("no bars stored for %1 in that range").arg(*storeText), kDataError);
        feed.addSeries(*id, *tf, std::move(*bars));
        series.emplace_back(*id, *tf);
    }
    if (series.empty())
        return fail(cmd, QStringLiteral("nothing to replay: give FILE... or --store \"INSTRUMENT TF\""), kUsageError);

    long long printed = 0;
    bool stop = false;
    auto count = [&] {
        if (limit >= 0 && ++printed >= limit) stop = true;
    };
    for (const auto& [id, tf] : series) {
        if (!onlyBars) feed.subscribeTrades(id);
        if (!onlyTrades) feed.subscribeBars(id, tf);
    }
    std::printf("event,time,instrument,price_or_open,quantity_or_high,side_or_low,close,volume,state\n");
    QObject::connect(&feed, &marketdata::MarketDataFeed::tradeReceived, [&](const InstrumentId& id, const Trade& t) {
        if (stop) return;
        std::printf("trade,%s,%s,%s,%s,%s,,,\n", formatUtc(t.timeMs).c_str(), id.toString().c_str(), t.price.toString().c_str(),
                    t.quantity.toString().c_str(), t.aggressor == Side::Buy ? "buy" : "sell");
        count();
    });
    QObject::connect(&feed, &marketdata::MarketDataFeed::barUpdated, [&](const InstrumentId& id, Timeframe tf, const Bar& b) {
        if (stop) return;
        std::printf("bar_%s,%s,%s,%s,%s,%s,%s,%s,%s\n", toString(tf).c_str(), formatUtc(b.openTimeMs).c_str(),
                    id.toString().c_str(), b.open.toString().c_str(), b.high.toString().c_str(), b.low.toString().c_str(),
                    b.close.toString().c_str(), b.volume.toString().c_str(), b.closed ? "closed" : "forming");
        count();
    });
    if (from != std::numeric_limits<std::int64_t>::min()) feed.seek(from);
    const std::int64_t end = std::min(to - 1, feed.lastTimeMs());
    if (speed <= 0) {
        // Max speed: publish synchronously, a day of replay time at a time, so --limit stops early.
        std::int64_t t = feed.clockMs();
        while (!stop && t < end) {
            t = std::min(end, t + 86400000);
            feed.advanceTo(t);
        }
    } else {
        feed.setSpeed(speed);
        QObject::connect(&feed, &marketdata::ReplayFeed::clockChanged, [&](qint64 ms) {
            if (stop || ms >= end) QCoreApplication::quit();
        });
        QObject::connect(&feed, &marketdata::ReplayFeed::finished, [] { QCoreApplication::quit(); });
        feed.start();
        QCoreApplication::exec();
    }
    std::fflush(stdout);
    return kOk;
}

const CommandRegistration kReplay{
    {"replay", "print the events of a replay of stored or file bars",
     "Usage: kairos-cli replay [FILE...] [--store \"INSTRUMENT TF\"] [--speed N|max] [--from T] [--to T]\n"
     "                         [--limit N] [--bars-only | --trades-only] [--profile DIR]\n"
     "Replays real bars as the terminal does (four implied trades per bar, the forming bar after each,\n"
     "then the closed bar) and prints one CSV line per event:\n"
     "  trade,TIME,INSTRUMENT,PRICE,QUANTITY,buy|sell\n"
     "  bar_TF,OPEN_TIME,INSTRUMENT,OPEN,HIGH,LOW,CLOSE,VOLUME,forming|closed\n"
     "FILEs need Binance-style names (instrument and timeframe are read from them); --store replays a\n"
     "series from the profile's candle store. --speed max (default) prints at once; --speed 60 paces\n"
     "a minute of market time per second.",
     runReplay}};

}  // namespace
}  // namespace kairos::cli
