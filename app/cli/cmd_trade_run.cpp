// kairos-cli run: a built-in strategy on one account in the foreground, through the same
// StrategyRunner, gateway and risk manager as everywhere else. Paper accounts are fed the replay of
// the profile's candles (the terminal's bundled replay data when the profile has none), closed bars
// only, so a paper bot fills exactly as the backtest of those bars; testnet/live accounts are fed
// Binance's live candles (the terminal's market-data feed, URL overrides from kairos.ini).
//
// Resuming: every order of the bot carries a client order id "<tag>-<bar close s>-<n>", the tag
// naming account, strategy, symbol and timeframe. On start the bot takes its position from the
// account's ledger and adopts its open orders by that tag (after the live venue reconciled them with
// Binance), so a restart after a crash or kill -9 never doubles a position. A paper replay also keeps
// the close time of the last bar it handled (kairos.ini, group run/<tag>) and continues after it,
// feeding the bars before it to the strategy only (indicator warm-up, no orders).
#include "cmd_trade.h"

#include "backtest/builtins.h"
#include "backtest/strategyrunner.h"
#include "live/livevenue.h"
#include "marketdata/csvimport.h"
#include "marketdata/feedfactory.h"
#include "marketdata/replayfeed.h"
#include "storage/candlestore.h"
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
};

/// The strategy as the runner sees it, with the bot's client order ids and the adoption of its own
/// open orders from before a restart. During warm-up it decides but sends nothing.
class BotStrategy final : public backtest::Strategy {
public:
    BotStrategy(backtest::Strategy& inner, trading::Account& account, std::string tag, const Printer& out)
        : m_inner(inner), m_account(account), m_tag(std::move(tag)), m_out(out) {}
    std::string name() const override { return m_inner.name(); }
    void onStart(backtest::StrategyContext& ctx) override {
        Ctx c(*this, ctx);
        m_inner.onStart(c);
    }
    void onBar(const Bar& bar, std::int64_t closeTimeMs, backtest::StrategyContext& ctx) override {
        Ctx c(*this, ctx);
        m_inner.onBar(bar, closeTimeMs, c);
    }
    void onOrderUpdate(const trading::Order& order, backtest::StrategyContext& ctx) override {
        Ctx c(*this, ctx);
        m_inner.onOrderUpdate(order, c);
    }
    void setWarmUp(bool on) { m_warmUp = on; }
    bool isOwn(const trading::Order& o) const { return o.request.clientOrderId.starts_with(m_tag + "-"); }
    /// The bot's own position in `instrument`: the net of the fills of its own orders (by client id),
    /// never more than the account holds on that side. An exchange account's ledger mirrors every asset
    /// the exchange holds, and the trader may trade by hand: none of that is the bot's to sell.
    Quantity ownPosition(const InstrumentId& instrument) const {
        Quantity own{};
        for (const trading::Fill& f : m_account.fills()) {
            if (f.instrument != instrument || !f.clientOrderId.starts_with(m_tag + "-")) continue;
            auto next = f.side == Side::Buy ? own.add(f.quantity) : own.sub(f.quantity);
            if (next) own = *next;
        }
        const trading::Position* p = m_account.portfolio().position(instrument);
        const Quantity held = p ? p->quantity : Quantity{};
        // Binance may have taken its commission in the asset bought: the account then holds a little less.
        if (!own.isNegative() && held < own) return held.isNegative() ? Quantity{} : held;
        if (own.isNegative() && held > own) return held.isNegative() ? held : Quantity{};
        return own;
    }
    /// Cancels the bot's own open orders and closes its own position at market (a stop with --flatten-on-stop).
    void flatten(backtest::StrategyContext& runner) {
        Ctx c(*this, runner);
        for (const trading::Order& o : c.openOrders()) (void)c.cancel(o.id);
        backtest::closePositionAtMarket(c);
    }

private:
    class Ctx final : public backtest::StrategyContext {
    public:
        Ctx(BotStrategy& bot, backtest::StrategyContext& runner) : m_bot(bot), m_runner(runner) {}
        const Instrument& instrument() const override { return m_runner.instrument(); }
        std::int64_t nowMs() const override { return m_runner.nowMs(); }
        Quantity position() const override { return m_bot.ownPosition(instrument().id); }
        Money equity() const override { return m_runner.equity(); }
        std::vector<trading::Order> openOrders() const override {
            if (m_bot.m_warmUp) return {};
            std::vector<trading::Order> out = m_runner.openOrders();
            // Its own orders from before a restart (the runner only knows what it sent itself).
            for (const auto& o : m_bot.m_account.openOrders()) {
                const bool known = std::any_of(out.begin(), out.end(), [&](const trading::Order& x) { return x.id == o.id; });
                if (!known && o.request.instrument == instrument().id && m_bot.isOwn(o)) out.push_back(o);
            }
            return out;
        }
        Result<trading::OrderId> submit(const trading::OrderRequest& request) override {
            if (m_bot.m_warmUp) return makeError("warming up: no orders");
            trading::OrderRequest r = request;
            r.clientOrderId = m_bot.m_tag + "-" + std::to_string(nowMs() / 1000) + "-" + std::to_string(++m_bot.m_sequence);
            const QString what =
                QStringLiteral("%1 %2 %3 %4")
                    .arg(QString::fromLatin1(trading::toString(r.side).data()), text(r.quantity),
                         QString::fromStdString(r.instrument.symbol), QString::fromLatin1(trading::toString(r.type).data()));
            m_bot.m_out.line(QStringLiteral("decision %1 %2 (%3, %4)")
                                 .arg(QString::fromStdString(formatUtc(nowMs())), what,
                                      QString::fromStdString(request.clientOrderId), QString::fromStdString(r.clientOrderId)),
                             QJsonObject{{"event", "decision"},
                                         {"time", QString::fromStdString(formatUtc(nowMs()))},
                                         {"side", QString::fromLatin1(trading::toString(r.side).data())},
                                         {"quantity", text(r.quantity)},
                                         {"symbol", QString::fromStdString(r.instrument.symbol)},
                                         {"type", QString::fromLatin1(trading::toString(r.type).data())},
                                         {"reason", QString::fromStdString(request.clientOrderId)},
                                         {"client_order_id", QString::fromStdString(r.clientOrderId)}});
            auto id = m_runner.submit(r);
            // A live venue answers later: the order is in the journal (sending), not refused.
            const auto orders = m_bot.m_account.orders();
            const bool sent = !id && std::any_of(orders.begin(), orders.end(), [&](const trading::Order& o) {
                return o.request.clientOrderId == r.clientOrderId && o.status != trading::OrderStatus::Rejected;
            });
            if (sent)
                m_bot.m_out.line(QStringLiteral("sent %1 %2: waiting for the venue's answer")
                                     .arg(QString::fromStdString(formatUtc(nowMs())), QString::fromStdString(r.clientOrderId)),
                                 QJsonObject{{"event", "sent"},
                                             {"time", QString::fromStdString(formatUtc(nowMs()))},
                                             {"client_order_id", QString::fromStdString(r.clientOrderId)}});
            else if (!id)
                m_bot.m_out.line(QStringLiteral("rejected %1 %2: %3")
                                     .arg(QString::fromStdString(formatUtc(nowMs())), QString::fromStdString(r.clientOrderId),
                                          QString::fromStdString(id.message())),
                                 QJsonObject{{"event", "rejected"},
                                             {"time", QString::fromStdString(formatUtc(nowMs()))},
                                             {"client_order_id", QString::fromStdString(r.clientOrderId)},
                                             {"reason", QString::fromStdString(id.message())}});
            return id;
        }
        Status cancel(trading::OrderId id) override {
            if (m_bot.m_warmUp) return makeError("warming up: no orders");
            return m_runner.cancel(id);
        }

    private:
        BotStrategy& m_bot;
        backtest::StrategyContext& m_runner;
    };

    backtest::Strategy& m_inner;
    trading::Account& m_account;
    std::string m_tag;
    const Printer& m_out;
    bool m_warmUp = false;
    std::uint64_t m_sequence = 0;
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

int runRun(Context& ctx) {
    const char* cmd = "run";
    Args a(ctx.args);
    CommonOptions common;
    int code = kOk;
    if (!takeCommon(cmd, a, common, code)) return code;
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
    const bool flattenOnStop = a.takeFlag(QStringLiteral("--flatten-on-stop"));
    const bool yes = a.takeFlag(QStringLiteral("--yes"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(cmd, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    if (!account || !strategyName || !symbol)
        return fail(cmd, QStringLiteral("needs --account NAME --strategy NAME --symbol SYMBOL (see --help)"), kUsageError);
    const backtest::StrategyInfo* info = backtest::findBuiltin(strategyName->toStdString());
    if (!info)
        return fail(cmd,
                    QStringLiteral("unknown strategy \"%1\" (built-ins: %2)")
                        .arg(*strategyName, QString::fromStdString(backtest::builtinNames())),
                    kUsageError);
    auto values = backtest::resolveParams(*info, params);
    if (!values) return fail(cmd, QString::fromStdString(values.message()), kUsageError);
    backtest::OrderSizing sizing;
    if ((sizeText ? 1 : 0) + (notionalText ? 1 : 0) + (percentText ? 1 : 0) > 1)
        return fail(cmd, QStringLiteral("give one of --size, --notional, --percent-equity"), kUsageError);
    if (sizeText) {
        auto q = Quantity::parse(sizeText->toStdString());
        if (!q) return fail(cmd, QStringLiteral("--size takes a quantity"), kUsageError);
        sizing.kind = backtest::OrderSizing::Kind::Quantity;
        sizing.quantity = *q;
    } else if (notionalText) {
        auto m = Money::parse(notionalText->toStdString());
        if (!m) return fail(cmd, QStringLiteral("--notional takes an amount"), kUsageError);
        sizing.kind = backtest::OrderSizing::Kind::Notional;
        sizing.notional = *m;
    } else if (percentText) {
        bool ok = false;
        sizing.percent = percentText->toDouble(&ok);
        if (!ok) return fail(cmd, QStringLiteral("--percent-equity takes a number"), kUsageError);
    }
    auto made = backtest::makeBuiltin(info->name, *values, sizing);
    if (!made) return fail(cmd, QString::fromStdString(made.message()), kUsageError);
    Timeframe tf = Timeframe::H1;
    if (tfText) {
        auto t = parseTimeframe(tfText->toStdString());
        if (!t) return fail(cmd, QString::fromStdString(t.message()), kUsageError);
        tf = *t;
    }
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
    if (!s.open(*account, &replayClock)) return s.code();
    const trading::AccountInfo acc = s.info();
    const bool live = s.isLive();
    if (acc.kind == trading::AccountKind::Live && !yes)
        return fail(cmd,
                    QStringLiteral("refused: %1 is a LIVE account (real money); add --yes to let the bot trade it")
                        .arg(session::accountLabel(acc)),
                    kDataError);
    if (!s.waitReady()) return s.code();
    auto id = s.instrumentOf(*symbol);
    if (!id) return fail(cmd, QString::fromStdString(id.message()), kUsageError);
    trading::Account& acct = *s.account();

    // The bot's tag: who it is, stable across restarts (Binance client ids: [A-Za-z0-9_-], <= 36).
    const QByteArray identity = QByteArray::number(static_cast<qint64>(acc.id)) + '/' + QByteArray::fromStdString(info->name) +
        '/' + QByteArray::fromStdString(id->toString()) + '/' + QByteArray::fromStdString(toString(tf));
    const std::string tag = "kb" + QCryptographicHash::hash(identity, QCryptographicHash::Sha256).toHex().left(6).toStdString();
    const QString cursorKey = QStringLiteral("run/%1/lastBarCloseMs").arg(QString::fromStdString(tag));

    Printer out{common.json};
    std::vector<Bar> bars;
    if (!live) {
        auto b = replayBars(s.db(), *id, tf);
        if (!b) return fail(cmd, QString::fromStdString(b.message()), kDataError);
        bars = std::move(*b);
        replayClock.advanceTo(bars.front().openTimeMs);
    }
    const Instrument* instrument = acct.instrument(*id);
    if (!instrument)
        return fail(cmd,
                    QStringLiteral("%1 has no trading rules on %2")
                        .arg(QString::fromStdString(id->toString()), session::accountLabel(acc)),
                    kDataError);

    BotStrategy bot(**made, acct, tag, out);
    backtest::StrategyRunner runner(bot, acct, *instrument);
    // The journal names the bot's strategy as the origin of every order it sends (the terminal's
    // Journal tab, `kairos-cli orders --json`).
    trading::TradeJournal journal(s.db());
    runner.setOriginRecorder([&journal, accountId = acc.id](const trading::Order& o, const std::string& origin) {
        if (const Status st = journal.setOrigin(accountId, o, origin); !st)
            std::fprintf(stderr, "kairos-cli run: the origin of order %s was not recorded: %s\n", o.request.clientOrderId.c_str(),
                         st.message().c_str());
    });
    acct.addObserver([&out, instId = *id](const trading::OrderEvent& e) {
        if (e.order.request.instrument != instId) return;
        if (e.fill) {
            const trading::Fill& f = *e.fill;
            out.line(QStringLiteral("fill %1 %2 %3 %4 at %5 fee %6 (%7)")
                         .arg(QString::fromStdString(formatUtc(f.timeMs)), QString::fromLatin1(trading::toString(f.side).data()),
                              text(f.quantity), QString::fromStdString(f.instrument.symbol), text(f.price), text(f.fee),
                              QString::fromStdString(f.clientOrderId)),
                     QJsonObject{{"event", "fill"},
                                 {"time", QString::fromStdString(formatUtc(f.timeMs))},
                                 {"side", QString::fromLatin1(trading::toString(f.side).data())},
                                 {"quantity", text(f.quantity)},
                                 {"symbol", QString::fromStdString(f.instrument.symbol)},
                                 {"price", text(f.price)},
                                 {"fee", text(f.fee)},
                                 {"client_order_id", QString::fromStdString(f.clientOrderId)}});
        } else if (e.kind == trading::OrderEventKind::Rejected || e.kind == trading::OrderEventKind::Cancelled) {
            out.line(
                QStringLiteral("%1 %2: %3")
                    .arg(QString::fromLatin1(trading::toString(e.kind).data()),
                         QString::fromStdString(e.order.request.clientOrderId), QString::fromStdString(e.order.rejectReason)),
                QJsonObject{{"event", QString::fromLatin1(trading::toString(e.kind).data())},
                            {"client_order_id", QString::fromStdString(e.order.request.clientOrderId)},
                            {"reason", QString::fromStdString(e.order.rejectReason)}});
        }
    });

    const Quantity startPosition = bot.ownPosition(*id);
    int adopted = 0;
    for (const auto& o : acct.openOrders())
        if (bot.isOwn(o)) ++adopted;
    std::fprintf(stderr, "kairos-cli run: %s on %s, %s %s; position %s, %d open order(s) of this bot (Ctrl-C to stop)\n",
                 (**made).name().c_str(), qPrintable(session::accountLabel(acc)), id->toString().c_str(), toString(tf).c_str(),
                 startPosition.toTrimmedString().c_str(), adopted);

    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, [] {
        if (g_stop) QCoreApplication::quit();
    });
    stopPoll.start(100);

    std::unique_ptr<marketdata::ReplayFeed> replay;
    std::unique_ptr<marketdata::ExchangeFeed> feed;
    std::optional<Bar> lastBar;  // paper: the last bar handled (the venue's price)
    if (!live) {
        // Resume after the last bar handled before; the bars before feed the indicators only.
        const std::int64_t cursor = s.settings().value(cursorKey, 0).toLongLong();
        const std::int64_t startAt = std::max(cursor, fromMs.value_or(std::numeric_limits<std::int64_t>::min()));
        bot.setWarmUp(true);
        runner.start(bars.front().openTimeMs);
        std::size_t first = 0;
        while (first < bars.size() && nextBucketStart(tf, bars[first].openTimeMs) <= startAt) {
            runner.onBar(bars[first], nextBucketStart(tf, bars[first].openTimeMs));
            ++first;
        }
        bot.setWarmUp(false);
        trading::PaperVenue* venue = s.accounts().paperVenue(s.accountId());
        // The venue's price is the last bar handled (a stop's closing order needs one). Its orders from
        // before were created at its close (not matched against it) or already matched against it
        // without filling, so matching it again fills nothing.
        if (first > 0) {
            replayClock.advanceTo(nextBucketStart(tf, bars[first - 1].openTimeMs));
            venue->onBar(*id, tf, bars[first - 1]);
            lastBar = bars[first - 1];
        }
        if (first > 0)
            std::fprintf(stderr, "kairos-cli run: %zu earlier bars warmed the indicators up; replaying from %s\n", first,
                         first < bars.size() ? formatUtc(bars[first].openTimeMs).c_str() : "the end");
        std::vector<Bar> rest(bars.begin() + static_cast<std::ptrdiff_t>(first), bars.end());
        if (untilMs) std::erase_if(rest, [&](const Bar& b) { return nextBucketStart(tf, b.openTimeMs) > *untilMs; });
        replay = std::make_unique<marketdata::ReplayFeed>();
        replay->setSpeed(speed);
        if (!rest.empty()) {
            const std::int64_t startMs = rest.front().openTimeMs;
            replay->addSeries(*id, tf, std::move(rest));
            replay->seek(startMs);
            replay->subscribeBars(*id, tf);
        }
        QObject::connect(replay.get(), &marketdata::ReplayFeed::barUpdated,
                         [&, venue](const InstrumentId& i, Timeframe t, const Bar& bar) {
                             if (!bar.closed || i != *id || t != tf) return;
                             const std::int64_t closeMs = nextBucketStart(t, bar.openTimeMs);
                             replayClock.advanceTo(closeMs);
                             venue->onBar(i, t, bar);  // the venue matches the bar first: no look-ahead
                             runner.onBar(bar, closeMs);
                             lastBar = bar;
                             s.settings().setValue(cursorKey, static_cast<qlonglong>(closeMs));
                             s.settings().sync();
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
        auto created = marketdata::createExchangeFeed(QString::fromStdString(id->venue), &s.settings());
        if (!created) return fail(cmd, QString::fromStdString(created.message()), kDataError);
        feed = std::move(*created);
        live::LiveVenue* venue = s.accounts().liveVenue(s.accountId());
        runner.start(acct.clock().nowMs());
        QObject::connect(feed.get(), &marketdata::MarketDataFeed::tradeReceived,
                         [venue, &id](const InstrumentId& i, const Trade& t) {
                             if (i == *id) venue->updatePrice(i, t.price);
                         });
        // `venue` is this block's local: captured by value, the rest (alive until exec() returns) by reference.
        QObject::connect(feed.get(), &marketdata::MarketDataFeed::barUpdated,
                         [&, venue](const InstrumentId& i, Timeframe t, const Bar& bar) {
                             if (!bar.closed || i != *id || t != tf) return;
                             venue->updatePrice(i, bar.close);
                             runner.onBar(bar, nextBucketStart(t, bar.openTimeMs));
                         });
        QObject::connect(feed.get(), &marketdata::MarketDataFeed::errorOccurred,
                         [](const QString& m) { std::fprintf(stderr, "kairos-cli run: market data: %s\n", qPrintable(m)); });
        feed->subscribeTrades(*id);
        feed->subscribeBars(*id, tf);
    }

    if (!g_stop) QCoreApplication::exec();
    if (replay) replay->pause();
    if (feed) feed->stop();

    int exitCode = kOk;
    // Stopped by a signal (not by the end of the data): flatten when asked to.
    if (flattenOnStop && g_stop) {
        if (trading::PaperVenue* venue = s.accounts().paperVenue(s.accountId()); venue && lastBar) {
            // A paper market order fills at the next price: the last bar's close, as a trade.
            const Bar& b = *lastBar;
            venue->onTrade(*id, Trade{nextBucketStart(tf, b.openTimeMs), b.close, b.volume, Side::Sell, "kairos-cli"});
        }
        bot.setWarmUp(false);
        const int rejectedBefore = runner.rejected();
        bot.flatten(runner);
        if (runner.rejected() != rejectedBefore) {
            std::fprintf(stderr, "kairos-cli run: could not flatten the bot's position (see the rejection above)\n");
            exitCode = kDataError;
        }
        if (live)
            (void)Session::waitFor(
                [&] {
                    const std::vector<trading::Order> open = acct.openOrders();
                    return bot.ownPosition(*id).isZero() &&
                        std::none_of(open.begin(), open.end(), [&](const trading::Order& o) { return bot.isOwn(o); });
                },
                common.timeoutMs);
    }
    std::fprintf(stderr, "kairos-cli run: stopped; position %s %s%s, %d order(s) rejected\n",
                 bot.ownPosition(*id).toTrimmedString().c_str(), id->symbol.c_str(),
                 flattenOnStop ? "" : " (left as it is; --flatten-on-stop closes it)", runner.rejected());
    return exitCode;
}

const CommandRegistration kRun{
    {"run", "run a built-in strategy on an account in the foreground",
     "Usage: kairos-cli run --account NAME --strategy NAME [--param KEY=VALUE...] --symbol SYMBOL [--timeframe TF]\n"
     "         [--size QTY | --notional AMOUNT | --percent-equity P] [--flatten-on-stop] [--yes] [--json]\n"
     "         [--speed N|max] [--from TIME] [--until TIME]\n"
     "Runs a built-in strategy (kairos-cli backtest --help lists them) on the account through the terminal's\n"
     "strategy runner: every order goes through the account's risk manager. Prints a line per decision and per fill\n"
     "(--json: one JSON object per line). Paper accounts replay the profile's candles of SYMBOL/TF (else the bundled\n"
     "replay data) at --speed (default 3600 = an hour per second; max = as fast as possible), from --from or the\n"
     "first bar, up to --until (then it waits until stopped) or the end; testnet/live accounts trade on Binance's\n"
     "live candles (a LIVE account needs --yes). SIGINT/SIGTERM stop it cleanly; positions are left as they are\n"
     "unless --flatten-on-stop. The bot trades only its own position (the fills of its own orders), never other\n"
     "holdings of the account. On the next start it resumes: its position from its fills, its open orders adopted\n"
     "by client order id, a paper replay from the bar after the last one it handled, so a restart never doubles a\n"
     "position." KAIROS_TRADE_COMMON_USAGE,
     runRun}};

}  // namespace
}  // namespace kairos::cli::trade
