// kairos-cli history: download candles from an exchange into the profile's candle store.
#include "command.h"

#include "marketdata/candlerecorder.h"
#include "marketdata/feedfactory.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSettings>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace kairos::cli {

bool applyFeedUrlOptions(const char* cmd, Args& a, marketdata::FeedConfig& cfg, int& code);  // cmd_feed.cpp

namespace {

std::atomic<bool> g_stop{false};
extern "C" void onStop(int) { g_stop = true; }

int runHistory(Context& ctx) {
    const char* cmd = "history";
    Args a(ctx.args);
    const auto fromText = a.takeOption(QStringLiteral("--from"));
    const auto toText = a.takeOption(QStringLiteral("--to"));
    const bool quiet = a.takeFlag(QStringLiteral("--quiet"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (a.rest.size() < 3)
        return fail(cmd, QStringLiteral("needs VENUE SYMBOL TIMEFRAME, e.g. BINANCE BTCUSDT 1m (see --help)"), kUsageError);
    const QString venue = a.rest.takeFirst().toUpper();
    const QString symbol = a.rest.takeFirst();
    auto tf = parseTimeframe(a.rest.takeFirst().toStdString());
    if (!tf) return fail(cmd, QString::fromStdString(tf.message()), kUsageError);
    auto cfg = marketdata::defaultFeedConfig(venue);
    if (!cfg) return fail(cmd, QString::fromStdString(cfg.message()), kUsageError);
    QSettings settings;
    if (auto st = marketdata::applyUrlOverrides(venue, *cfg, &settings); !st)
        return fail(cmd, QString::fromStdString(st.message()), kUsageError);
    int code = 0;
    if (!applyFeedUrlOptions(cmd, a, *cfg, code)) return code;
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(cmd, QStringLiteral("unexpected argument %1").arg(a.rest.first()), kUsageError);
    if (!fromText)
        return fail(cmd, QStringLiteral("needs --from (YYYY-MM-DD[THH:MM[:SS]] UTC, or ms since the epoch)"), kUsageError);
    auto from = parseUtc(fromText->toStdString());
    if (!from) return fail(cmd, QStringLiteral("--from: ") + QString::fromStdString(from.message()), kUsageError);
    std::int64_t to = QDateTime::currentMSecsSinceEpoch();
    if (toText) {
        auto t = parseUtc(toText->toStdString());
        if (!t) return fail(cmd, QStringLiteral("--to: ") + QString::fromStdString(t.message()), kUsageError);
        to = *t;
    }
    if (to <= *from) return fail(cmd, QStringLiteral("--to must be after --from"), kUsageError);

    auto dir = storage::resolveProfileDir(ctx.profileDir);
    if (!dir) return fail(cmd, QString::fromStdString(dir.message()), kDataError);
    auto db = storage::Database::openProfile(*dir);
    if (!db) return fail(cmd, QString::fromStdString(db.message()), kDataError);
    storage::CandleStore store(**db);
    auto created = marketdata::createExchangeFeed(venue, *cfg);
    if (!created) return fail(cmd, QString::fromStdString(created.message()), kUsageError);
    std::unique_ptr<marketdata::ExchangeFeed> feed = std::move(*created);
    const InstrumentId id{venue.toStdString(), symbol.toStdString()};

    marketdata::HistoryDownloader dl(*feed, store);
    bool ok = false;
    QString summary;
    QObject::connect(&dl, &marketdata::HistoryDownloader::finished, [&](bool success, const QString& msg) {
        ok = success;
        summary = msg;
        QCoreApplication::quit();
    });
    int lastPct = -1;
    QObject::connect(&dl, &marketdata::HistoryDownloader::progress, [&](qint64 done, qint64 total) {
        const int pct = total > 0 ? static_cast<int>(done * 100 / total) : 100;
        if (quiet || pct == lastPct) return;
        lastPct = pct;
        std::fprintf(stderr, "kairos-cli history: %3d%% %lld/%lld bars\n", pct, static_cast<long long>(done),
                     static_cast<long long>(total));
    });
    QObject::connect(feed.get(), &marketdata::ExchangeFeed::rateLimited, [](qint64 ms, const QString& why) {
        std::fprintf(stderr, "kairos-cli history: rate limited, waiting %lld ms: %s\n", static_cast<long long>(ms),
                     qPrintable(why));
    });
    if (auto st = dl.start(id, *tf, *from, to); !st) return fail(cmd, QString::fromStdString(st.message()), kDataError);
    std::signal(SIGINT, onStop);
    std::signal(SIGTERM, onStop);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, [&] {
        if (g_stop) dl.cancel();
    });
    stopPoll.start(100);
    QCoreApplication::exec();
    const QString head = QStringLiteral("%1 %2 %3 .. %4: ")
                             .arg(QString::fromStdString(id.toString()), QString::fromStdString(toString(*tf)),
                                  QString::fromStdString(formatUtc(*from)), QString::fromStdString(formatUtc(to)));
    if (!ok) return fail(cmd, head + summary, kDataError);
    std::printf("%s\n", qPrintable(head + summary));
    for (const auto& g : dl.stillMissing())
        std::printf("missing %s .. %s (%lld bars)\n", formatUtc(g.fromMs).c_str(), formatUtc(g.toMs).c_str(),
                    static_cast<long long>(g.missingBars));
    return kOk;
}

const CommandRegistration kHistory{
    {"history", "download candles from an exchange into the candle store",
     "Usage: kairos-cli history VENUE SYMBOL TIMEFRAME --from T [--to T] [--quiet]\n"
     "                          [--rest-url URL] [--profile DIR]\n"
     "Fetches the bars with from <= open time < to (default: now) that the profile's candle store does\n"
     "not have yet, over the venue's REST API, paged within its per-request limit and its rate limits\n"
     "(429/418 and the like make it wait, never retry in a loop), and stores each page in one\n"
     "transaction. Progress goes to stderr; the summary and any runs the venue has no data for go to\n"
     "stdout. Ctrl-C stops after the current page (what was stored stays). T is YYYY-MM-DD[THH:MM[:SS]]\n"
     "(UTC) or ms since the epoch. VENUE/SYMBOL and URL overrides as for 'kairos-cli feed --help'.",
     runHistory}};

}  // namespace
}  // namespace kairos::cli
