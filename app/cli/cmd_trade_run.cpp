// kairos-cli run: a strategy bot on one account in the foreground — a built-in strategy given on the
// command line, or a bot saved in the profile (--bot NAME) — through the core's bots::BotManager: the
// same BotStrategy, StrategyRunner, gateway and risk manager as the terminal's Bots dock. Paper
// accounts are fed the replay of the profile's candles (the terminal's bundled replay data when the
// profile has none), closed bars only, so a paper bot fills exactly as the backtest of those bars;
// testnet/live accounts are fed Binance's live candles (the terminal's market-data feed, URL
// overrides from kairos.ini).
//
// Resuming: every order of the bot carries a client order id "<tag>-<bar close s>-<n>" (bots::BotStrategy).
// On start the bot takes its position from its own fills and adopts its open orders by that tag
// (after the live venue reconciled them with Binance), so a restart after a crash or kill -9 never
// doubles a position. A paper replay also keeps the close time of the last bar it handled (a saved
// bot: in the profile, bots.last_bar_ms; a command-line bot: kairos.ini, group run/<tag>) and
// continues after it, feeding the bars before it to the strategy only (indicator warm-up, no orders).
#include "cmd_trade.h"

#include "bots/botmanager.h"
#include "bots/botstore.h"
#include "live/livevenue.h"
#include "marketdata/csvimport.h"
#include "marketdata/feedfactory.h"
#include "marketdata/replayfeed.h"
#include "storage/candlestore.h"
#include "trading/paperstore.h"
#include "trading/papervenue.h"
#include "trading/tradejournal.h"
#include "util/datapaths.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <limits>
#include <map>

namespace kairos::cli::trade {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void onStopSignal(int) { g_stop = true; }

/// Prints one event line: text, or one JSON object per line with --json.
struct Printer {
    bool json = false;
    void line(const QString& textLine, const QJsonObject& j) const {
        if (json)
            std::printf("%s\n", QJsonDocument(j).toJson(QJsonDocument::Compact).constData());
        else
            std::printf("%s\n", qPrintable(textLine));
        std::fflush(stdout);
    }
    /// A bot's event as a line.
    void event(const bots::BotEvent& e) const {
        const QString time = QString::fromStdString(formatUtc(e.timeMs));
        const QString side = QString::fromLatin1(trading::toString(e.side).data());
        const QString symbol = QString::fromStdString(e.instrument.symbol);
        const QString coid = QString::fromStdString(e.clientOrderId);
        const QString reason = QString::fromStdString(e.reason);
        const QString type = QString::fromLatin1(trading::toString(e.type).data());
        switch (e.kind) {
        case bots::BotEvent::Kind::Decision:
            line(QStringLiteral("decision %1 %2 %3 %4 %5 (%6, %7)").arg(time, side, text(e.quantity), symbol, type, reason, coid),
                 QJsonObject{{"event", "decision"},
                             {"time", time},
                             {"side", side},
                             {"quantity", text(e.quantity)},
                             {"symbol", symbol},
                             {"type", type},
                             {"reason", reason},
                             {"client_order_id", coid}});
            break;
        case bots::BotEvent::Kind::Sent:
            line(QStringLiteral("sent %1 %2: waiting for the venue's answer").arg(time, coid),
                 QJsonObject{{"event", "sent"}, {"time", time}, {"client_order_id", coid}});
            break;
        case bots::BotEvent::Kind::Rejected:
            line(QStringLiteral("rejected %1 %2: %3").arg(time, coid, reason),
                 QJsonObject{{"event", "rejected"}, {"time", time}, {"client_order_id", coid}, {"reason", reason}});
            break;
        case bots::BotEvent::Kind::Skipped:
            line(QStringLiteral("skipped %1 %2 %3 %4 (%5): paused").arg(time, side, text(e.quantity), symbol, reason),
                 QJsonObject{{"event", "skipped"}, {"time", time}, {"side", side}, {"symbol", symbol}, {"reason", reason}});
            break;
        case bots::BotEvent::Kind::Fill:
            line(QStringLiteral("fill %1 %2 %3 %4 at %5 fee %6 (%7)")
                     .arg(time, side, text(e.quantity), symbol, text(e.price), text(e.fee), coid),
                 QJsonObject{{"event", "fill"},
                             {"time", time},
                             {"side", side},
                             {"quantity", text(e.quantity)},
                             {"symbol", symbol},
                             {"price", text(e.price)},
                             {"fee", text(e.fee)},
                             {"client_order_id", coid}});
            break;
        case bots::BotEvent::Kind::Cancelled:
            line(QStringLiteral("cancelled %1: %2").arg(coid, reason),
                 QJsonObject{{"event", "cancelled"}, {"client_order_id", coid}, {"reason", reason}});
            break;
        }
    }
};

/// The bars of a series: the profile's candle store, else the bundled replay file of that series.
Result<std::vector<Bar>> replayBars(storage::Database& db, const InstrumentId& id, Timeframe tf) {
    storage::CandleStore store(db);
    auto stored = store.range(id, tf, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    if (stored && !stored->empty()) return stored;
    const QDir data(bundledDataDir());
    const QString prefix =
        QStringLiteral("binance_spot_%1_%2_").arg(QString::fromStdString(id.symbol), QString::fromStdString(toString(tf)));
    for (const QString& f : data.entryList({prefix + QStringLiteral("*.csv")}, QDir::Files, QDir::Name)) {
        auto csv = marketdata::readBarsCsv(data.filePath(f).toStdString());
        if (csv && !csv->bars.empty()) return std::move(csv->bars);
    }
    return makeError(
        "no " + toString(tf) + " bars of " + id.toString() +
        " in the profile or the bundled replay data (import some with kairos-cli data, or record them in the terminal)");
}

/// A saved bot and the name of its account, read before the accounts are opened.
Result<std::pair<bots::BotConfig, QString>> savedBot(Context& ctx, const QString& name) {
    auto dir = storage::resolveProfileDir(ctx.profileDir);
    if (!dir) return dir.error();
    auto db = storage::Database::openProfile(*dir);
    if (!db) return db.error();
    bots::BotStore store(**db);
    auto bot = store.findByName(name.trimmed().toStdString());
    if (!bot) return bot.error();
    if (!*bot) {
        auto all = store.list();
        std::string names;
        if (all)
            for (const auto& b : *all) names += (names.empty() ? "" : ", ") + b.name;
        return makeError("there is no bot \"" + name.toStdString() + "\" in this profile (bots: " +
                         (names.empty() ? std::string("none; create one in the terminal's Bots dock") : names) + ")");
    }
    auto infos = trading::PaperStore::accounts(**db);
    if (!infos) return infos.error();
    for (const auto& i : *infos)
        if (i.id == (*bot)->accountId) return std::pair{**bot, QString::fromStdString(i.name)};
    if (infos->empty() && (*bot)->accountId == 1) return std::pair{**bot, QStringLiteral("PAPER")};
    return makeError("bot " + (*bot)->name + ": its account (" + std::to_string((*bot)->accountId) + ") is not in this profile");
}

int runRun(Context& ctx) {
    const char* cmd = "run";
    Args a(ctx.args);
    CommonOptions common;
    int code = kOk;
    if (!takeCommon(cmd, a, common, code)) return code;
    const auto botName = a.takeOption(QStringLiteral("--bot"));
    const auto account = a.takeOption(QStringLiteral("--account"));
    const auto strategyName = a.takeOption(QStringLiteral("--strategy"));
    const auto symbol = a.takeOption(QStringLiteral("--symbol"));
    const auto tfText = a.takeOption(QStringLiteral("--timeframe"));
    const auto speedText = a.takeOption(QStringLiteral("--speed"));
    const auto fromText = a.takeOption(QStringLiteral("--from"));
    const auto untilText = a.takeOption(QStringLiteral("--until"));
    const auto sizeText = a.takeOption(QStringLiteral("--size"));
    const auto notionalText = a.takeOption(QStringLiteral("--notional"));
    const auto percentText = a.takeOption(QStringLiteral("--percent-equity"));
    std::vector<std::pair<std::string, std::string>> params;
    while (auto kv = a.takeOption(QStringLiteral("--param"))) {
        const auto eq = kv->indexOf(QLatin1Char('='));
        if (eq <= 0) return fail(cmd, QStringLiteral("--param takes KEY=VALUE, not \"%1\"").arg(*kv), kUsageError);
        params.emplace_back(kv->left(eq).trimmed().toStdString(), kv->mid(eq + 1).trimmed().toStdString());
    }
    const bool flattenFlag = a.takeFlag(QStringLiteral("--flatten-on-stop"));
    const bool yes = a.takeFlag(QStringLiteral("--yes"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(cmd, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);

    bots::BotConfig config;
    QString accountName;
    if (botName) {
        if (account || strategyName || symbol || tfText || sizeText || notionalText || percentText || !params.empty())
            return fail(cmd,
                        QStringLiteral("--bot runs a saved bot as it is saved: edit it in the terminal's Bots dock instead of "
                                       "giving --account, --strategy, --param, --symbol, --timeframe or sizing"),
                        kUsageError);
        auto saved = savedBot(ctx, *botName);
        if (!saved) return fail(cmd, QString::fromStdString(saved.message()), kUsageError);
        config = saved->first;
        accountName = saved->second;
        config.flattenOnStop = config.flattenOnStop || flattenFlag;
    } else {
        if (!account || !strategyName || !symbol)
            return fail(cmd, QStringLiteral("needs --bot NAME, or --account NAME --strategy NAME --symbol SYMBOL (see --help)"),
                        kUsageError);
        const backtest::StrategyInfo* info = backtest::findBuiltin(strategyName->toStdString());
        if (!info)
            return fail(cmd,
                        QStringLiteral("unknown strategy \"%1\" (built-ins: %2)")
                            .arg(*strategyName, QString::fromStdString(backtest::builtinNames())),
                        kUsageError);
        auto values = backtest::resolveParams(*info, params);
        if (!values) return fail(cmd, QString::fromStdString(values.message()), kUsageError);
        if ((sizeText ? 1 : 0) + (notionalText ? 1 : 0) + (percentText ? 1 : 0) > 1)
            return fail(cmd, QStringLiteral("give one of --size, --notional, --percent-equity"), kUsageError);
        if (sizeText) {
            auto q = Quantity::parse(sizeText->toStdString());
            if (!q) return fail(cmd, QStringLiteral("--size takes a quantity"), kUsageError);
            config.sizing.kind = backtest::OrderSizing::Kind::Quantity;
            config.sizing.quantity = *q;
        } else if (notionalText) {
            auto m = Money::parse(notionalText->toStdString());
            if (!m) return fail(cmd, QStringLiteral("--notional takes an amount"), kUsageError);
            config.sizing.kind = backtest::OrderSizing::Kind::Notional;
            config.sizing.notional = *m;
        } else if (percentText) {
            bool ok = false;
            config.sizing.percent = percentText->toDouble(&ok);
            if (!ok) return fail(cmd, QStringLiteral("--percent-equity takes a number"), kUsageError);
        }
        config.name = "kairos-cli run";
        config.strategy = info->name;
        config.params = *values;
        config.symbols = {symbol->toStdString()};
        config.flattenOnStop = flattenFlag;
        config.accountId = 1;  // set when the account is open; validate() needs one
        if (tfText) {
            auto t = parseTimeframe(tfText->toStdString());
            if (!t) return fail(cmd, QString::fromStdString(t.message()), kUsageError);
            config.timeframe = *t;
        }
        if (auto made = bots::makeStrategy(config); !made) return fail(cmd, QString::fromStdString(made.message()), kUsageError);
        accountName = *account;
    }
    const Timeframe tf = config.timeframe;
    double speed = 3600;
    if (speedText) {
        if (speedText->compare(QStringLiteral("max"), Qt::CaseInsensitive) == 0) {
            speed = 0;
        } else {
            bool ok = false;
            speed = speedText->toDouble(&ok);
            if (!ok || speed <= 0) return fail(cmd, QStringLiteral("--speed takes a positive number or max"), kUsageError);
        }
    }
    std::optional<std::int64_t> fromMs, untilMs;
    for (auto [t, dst] : {std::pair{fromText, &fromMs}, std::pair{untilText, &untilMs}}) {
        if (!t) continue;
        auto v = parseUtc(t->toStdString());
        if (!v) return fail(cmd, QString::fromStdString(v.message()), kUsageError);
        *dst = *v;
    }

    trading::ManualClock replayClock(0);
    Session s(cmd, ctx, common);
    if (!s.open(accountName, &replayClock)) return s.code();
    const trading::AccountInfo acc = s.info();
    const bool live = s.isLive();
    if (acc.kind == trading::AccountKind::Live && !yes)
        return fail(cmd,
                    QStringLiteral("refused: %1 is a LIVE account (real money); add --yes to let the bot trade it")
                        .arg(session::accountLabel(acc)),
                    kDataError);
    if (!s.waitReady()) return s.code();
    config.accountId = acc.id;
    std::vector<InstrumentId> ids;
    for (const std::string& sym : config.symbols) {
        auto id = bots::instrumentFor(sym, acc);
        if (!id) return fail(cmd, QString::fromStdString(id.message()), kUsageError);
        ids.push_back(*id);
    }
    trading::Account& acct = *s.account();
    for (const InstrumentId& id : ids)
        if (!acct.instrument(id))
            return fail(cmd,
                        QStringLiteral("%1 has no trading rules on %2")
                            .arg(QString::fromStdString(id.toString()), session::accountLabel(acc)),
                        kDataError);

    // A command-line bot's tag: who it is, stable across restarts (Binance client ids: [A-Za-z0-9_-], <= 36).
    std::string tag;
    QString cursorKey;
    if (!botName) {
        const QByteArray identity = QByteArray::number(static_cast<qint64>(acc.id)) + '/' +
            QByteArray::fromStdString(config.strategy) + '/' + QByteArray::fromStdString(ids.front().toString()) + '/' +
            QByteArray::fromStdString(toString(tf));
        tag = "kb" + QCryptographicHash::hash(identity, QCryptographicHash::Sha256).toHex().left(6).toStdString();
        cursorKey = QStringLiteral("run/%1/lastBarCloseMs").arg(QString::fromStdString(tag));
        if (const std::int64_t cursor = s.settings().value(cursorKey, 0).toLongLong(); cursor != 0) config.lastBarMs = cursor;
    }
    if (fromMs && (!config.lastBarMs || *config.lastBarMs < *fromMs)) config.lastBarMs = *fromMs;
    if (!live && !config.lastBarMs) config.lastBarMs = std::numeric_limits<std::int64_t>::min();

    Printer out{common.json};
    std::map<InstrumentId, std::vector<Bar>> bars;
    if (!live) {
        std::int64_t first = std::numeric_limits<std::int64_t>::max();
        for (const InstrumentId& id : ids) {
            auto b = replayBars(s.db(), id, tf);
            if (!b) return fail(cmd, QString::fromStdString(b.message()), kDataError);
            first = std::min(first, b->front().openTimeMs);
            bars[id] = std::move(*b);
        }
        replayClock.advanceTo(first);
    }

    bots::BotHost host;
    host.account = [&s](std::int64_t id) { return s.accounts().account(id); };
    host.history = [&bars](const InstrumentId& id, Timeframe, std::int64_t until) {
        std::vector<Bar> warm;
        auto it = bars.find(id);
        if (it == bars.end()) return warm;
        for (const Bar& b : it->second)
            if (b.closed && b.openTimeMs < until) warm.push_back(b);  // the manager keeps those closing by `until`
        return warm;
    };
    // The journal names the bot's strategy as the origin of every order it sends (the terminal's
    // Journal tab, `kairos-cli orders --json`).
    trading::TradeJournal journal(s.db());
    host.recordOrigin = [&journal](std::int64_t accountId, const trading::Order& o, const std::string& origin) {
        if (const Status st = journal.setOrigin(accountId, o, origin); !st)
            std::fprintf(stderr, "kairos-cli run: the origin of order %s was not recorded: %s\n", o.request.clientOrderId.c_str(),
                         st.message().c_str());
    };
    bots::BotManager manager(s.db(), host);
    int rejected = 0;
    manager.setEventListener([&out, &rejected](std::int64_t, const bots::BotEvent& e) {
        if (e.kind == bots::BotEvent::Kind::Rejected) ++rejected;
        out.event(e);
    });
    std::size_t warmBars = 0;
    for (const auto& [id, series] : bars)
        for (const Bar& b : series)
            if (config.lastBarMs && nextBucketStart(tf, b.openTimeMs) <= *config.lastBarMs) ++warmBars;
    std::int64_t botId = config.id;
    if (botName) {
        if (fromMs && (!config.lastBarMs || *config.lastBarMs < *fromMs)) (void)manager.store().setLastBar(config.id, *fromMs);
        if (auto st = manager.start(config.id); !st) return fail(cmd, QString::fromStdString(st.message()), kDataError);
    } else {
        auto started = manager.startUnsaved(config, tag);
        if (!started) return fail(cmd, QString::fromStdString(started.message()), kDataError);
        botId = *started;
    }
    auto tagOf = [&](const InstrumentId& id) { return botName ? bots::botTag(config.id, acc.id, id) : tag; };
    auto ownPosition = [&](const InstrumentId& id) { return bots::ownPosition(acct, tagOf(id), id); };
    auto ownOpen = [&] {
        int n = 0;
        for (const auto& o : acct.openOrders())
            for (const InstrumentId& id : ids)
                if (o.request.clientOrderId.starts_with(tagOf(id) + "-")) ++n;
        return n;
    };
    QStringList positions;
    for (const InstrumentId& id : ids) positions << QString::fromStdString(ownPosition(id).toTrimmedString());
    QStringList symbols;
    for (const InstrumentId& id : ids) symbols << QString::fromStdString(id.toString());
    std::fprintf(stderr, "kairos-cli run: %s%s on %s, %s %s; position %s, %d open order(s) of this bot (Ctrl-C to stop)\n",
                 botName ? qPrintable(QStringLiteral("bot %1: ").arg(QString::fromStdString(config.name))) : "",
                 bots::makeStrategy(config) ? (*bots::makeStrategy(config))->name().c_str() : config.strategy.c_str(),
                 qPrintable(session::accountLabel(acc)), qPrintable(symbols.join(QLatin1Char(','))), toString(tf).c_str(),
                 qPrintable(positions.join(QLatin1Char(','))), ownOpen());

    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, [] {
        if (g_stop) QCoreApplication::quit();
    });
    stopPoll.start(100);

    std::unique_ptr<marketdata::ReplayFeed> replay;
    std::unique_ptr<marketdata::ExchangeFeed> feed;
    std::map<InstrumentId, Bar> lastBar;  // paper: the last bar handled per instrument (the venue's price)
    if (!live) {
        trading::PaperVenue* venue = s.accounts().paperVenue(s.accountId());
        // The venue's price is the last bar handled (a stop's closing order needs one). Its orders from
        // before were created at its close (not matched against it) or already matched against it
        // without filling, so matching it again fills nothing.
        std::int64_t resumeAt = std::numeric_limits<std::int64_t>::max();
        replay = std::make_unique<marketdata::ReplayFeed>();
        replay->setSpeed(speed);
        for (auto& [id, series] : bars) {
            std::size_t first = 0;
            while (first < series.size() && config.lastBarMs &&
                   nextBucketStart(tf, series[first].openTimeMs) <= *config.lastBarMs)
                ++first;
            if (first > 0) {
                replayClock.advanceTo(nextBucketStart(tf, series[first - 1].openTimeMs));
                venue->onBar(id, tf, series[first - 1]);
                lastBar[id] = series[first - 1];
            }
            std::vector<Bar> rest(series.begin() + static_cast<std::ptrdiff_t>(first), series.end());
            if (untilMs) std::erase_if(rest, [&](const Bar& b) { return nextBucketStart(tf, b.openTimeMs) > *untilMs; });
            if (rest.empty()) continue;
            resumeAt = std::min(resumeAt, rest.front().openTimeMs);
            replay->addSeries(id, tf, std::move(rest));
            replay->subscribeBars(id, tf);
        }
        if (warmBars > 0)
            std::fprintf(stderr, "kairos-cli run: %zu earlier bars warmed the indicators up; replaying from %s\n", warmBars,
                         resumeAt != std::numeric_limits<std::int64_t>::max() ? formatUtc(resumeAt).c_str() : "the end");
        if (!replay->seriesList().empty()) replay->seek(resumeAt);
        QObject::connect(replay.get(), &marketdata::ReplayFeed::barUpdated,
                         [&, venue](const InstrumentId& i, Timeframe t, const Bar& bar) {
                             if (!bar.closed || t != tf || !bars.contains(i)) return;
                             const std::int64_t closeMs = nextBucketStart(t, bar.openTimeMs);
                             replayClock.advanceTo(closeMs);
                             venue->onBar(i, t, bar);  // the venue matches the bar first: no look-ahead
                             manager.onBar(i, t, bar);
                             lastBar[i] = bar;
                             if (!cursorKey.isEmpty()) {
                                 s.settings().setValue(cursorKey, static_cast<qlonglong>(closeMs));
                                 s.settings().sync();
                             }
                         });
        auto ended = [&] {
            std::fprintf(stderr, "kairos-cli run: the replay reached its end%s\n",
                         untilMs ? " (--until); waiting until stopped" : "");
            if (!untilMs) QCoreApplication::quit();
        };
        QObject::connect(replay.get(), &marketdata::ReplayFeed::finished, ended);
        if (replay->seriesList().empty())
            QTimer::singleShot(0, ended);
        else
            replay->start();
    } else {
        auto created = marketdata::createExchangeFeed(QString::fromStdString(ids.front().venue), &s.settings());
        if (!created) return fail(cmd, QString::fromStdString(created.message()), kDataError);
        feed = std::move(*created);
        live::LiveVenue* venue = s.accounts().liveVenue(s.accountId());
        QObject::connect(feed.get(), &marketdata::MarketDataFeed::tradeReceived,
                         [venue, &ids](const InstrumentId& i, const Trade& t) {
                             if (std::find(ids.begin(), ids.end(), i) != ids.end()) venue->updatePrice(i, t.price);
                         });
        // `venue` is this block's local: captured by value, the rest (alive until exec() returns) by reference.
        QObject::connect(feed.get(), &marketdata::MarketDataFeed::barUpdated,
                         [&, venue](const InstrumentId& i, Timeframe t, const Bar& bar) {
                             if (!bar.closed || t != tf || std::find(ids.begin(), ids.end(), i) == ids.end()) return;
                             venue->updatePrice(i, bar.close);
                             manager.onBar(i, t, bar);
                         });
        QObject::connect(feed.get(), &marketdata::MarketDataFeed::errorOccurred,
                         [](const QString& m) { std::fprintf(stderr, "kairos-cli run: market data: %s\n", qPrintable(m)); });
        for (const InstrumentId& id : ids) {
            feed->subscribeTrades(id);
            feed->subscribeBars(id, tf);
        }
    }

    if (!g_stop) QCoreApplication::exec();
    if (replay) replay->pause();
    if (feed) feed->stop();

    int exitCode = kOk;
    // Stopped by a signal (not by the end of the data): flatten when asked to.
    const bool flatten = config.flattenOnStop && g_stop;
    if (flatten) {
        if (trading::PaperVenue* venue = s.accounts().paperVenue(s.accountId()))
            for (const auto& [id, b] : lastBar)  // a paper market order fills at the next price: the last bar's close, as a trade
                venue->onTrade(id, Trade{nextBucketStart(tf, b.openTimeMs), b.close, b.volume, Side::Sell, "kairos-cli"});
    }
    const int rejectedBefore = rejected;
    (void)manager.stop(botId, flatten);
    if (flatten && rejected != rejectedBefore) {
        std::fprintf(stderr, "kairos-cli run: could not flatten the bot's position (see the rejection above)\n");
        exitCode = kDataError;
    }
    if (flatten && live)
        (void)Session::waitFor(
            [&] {
                return ownOpen() == 0 &&
                    std::all_of(ids.begin(), ids.end(), [&](const InstrumentId& id) { return ownPosition(id).isZero(); });
            },
            common.timeoutMs);
    positions.clear();
    for (const InstrumentId& id : ids) positions << QString::fromStdString(ownPosition(id).toTrimmedString() + " " + id.symbol);
    std::fprintf(stderr, "kairos-cli run: stopped; position %s%s, %d order(s) rejected\n",
                 qPrintable(positions.join(QStringLiteral(", "))),
                 config.flattenOnStop ? "" : " (left as it is; --flatten-on-stop closes it)", rejected);
    return exitCode;
}

const CommandRegistration kRun{
    {"run", "run a strategy bot (a built-in, or one saved in the profile) on an account in the foreground",
     "Usage: kairos-cli run --account NAME --strategy NAME [--param KEY=VALUE...] --symbol SYMBOL [--timeframe TF]\n"
     "         [--size QTY | --notional AMOUNT | --percent-equity P] [--flatten-on-stop] [--yes] [--json]\n"
     "         [--speed N|max] [--from TIME] [--until TIME]\n"
     "       kairos-cli run --bot NAME [--flatten-on-stop] [--yes] [--json] [--speed N|max] [--from TIME] [--until TIME]\n"
     "Runs a built-in strategy (kairos-cli backtest --help lists them), or the bot NAME saved in the profile (the\n"
     "terminal's Bots dock: its strategy, parameters, symbols, timeframe, account, sizing and flatten-on-stop), on the\n"
     "account through the terminal's bot manager and strategy runner: every order goes through the account's risk\n"
     "manager. Prints a line per decision and per fill (--json: one JSON object per line); a saved bot also writes\n"
     "them to its log in the profile. Paper accounts replay the profile's candles of each symbol/TF (else the bundled\n"
     "replay data) at --speed (default 3600 = an hour per second; max = as fast as possible), from --from or the\n"
     "first bar, up to --until (then it waits until stopped) or the end; testnet/live accounts trade on Binance's\n"
     "live candles (a LIVE account needs --yes). SIGINT/SIGTERM stop it cleanly; positions are left as they are\n"
     "unless --flatten-on-stop (or the saved bot's setting). The bot trades only its own position (the fills of its\n"
     "own orders), never other holdings of the account. On the next start it resumes: its position from its fills,\n"
     "its open orders adopted by client order id, a paper replay from the bar after the last one it handled, so a\n"
     "restart never doubles a position." KAIROS_TRADE_COMMON_USAGE,
     runRun}};

}  // namespace
}  // namespace kairos::cli::trade
