// kairos-cli feed: live ticks and candles from an exchange (or a test server) on stdout.
#include "command.h"

#include "marketdata/feedfactory.h"
#include "util/redact.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace kairos::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted = true; }

const char* sideText(Side s) { return s == Side::Buy ? "buy" : "sell"; }

/// Applies --rest-url/--ws-url/--ws2-url; prints the error and returns false when one is invalid.
bool applyCliUrls(const char* cmd, Args& a, marketdata::FeedConfig& cfg, int& code) {
    const struct {
        const char* option;
        QUrl* url;
    } opts[] = {{"--rest-url", &cfg.restUrl}, {"--ws-url", &cfg.wsUrl}, {"--ws2-url", &cfg.wsUrl2}};
    for (const auto& o : opts) {
        if (auto v = a.takeOption(QString::fromLatin1(o.option))) {
            const QUrl u(*v, QUrl::StrictMode);
            if (!u.isValid() || u.scheme().isEmpty() || u.host().isEmpty()) {
                code =
                    fail(cmd, QStringLiteral("%1: \"%2\" is not an absolute URL").arg(QLatin1String(o.option), *v), kUsageError);
                return false;
            }
            *o.url = u;
        }
    }
    return true;
}

int runFeed(Context& ctx) {
    const char* cmd = "feed";
    Args a(ctx.args);
    const auto tfText = a.takeOption(QStringLiteral("--timeframe"));
    const auto channelsText = a.takeOption(QStringLiteral("--channels"));
    const auto countText = a.takeOption(QStringLiteral("--count"));
    const auto durationText = a.takeOption(QStringLiteral("--duration"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (a.rest.size() < 2) return fail(cmd, QStringLiteral("needs VENUE SYMBOL, e.g. BINANCE BTCUSDT (see --help)"), kUsageError);
    const QString venue = a.rest.takeFirst().toUpper();
    const QString symbol = a.rest.takeFirst();
    auto cfg = marketdata::defaultFeedConfig(venue);
    if (!cfg) return fail(cmd, QString::fromStdString(cfg.message()), kUsageError);
    QSettings settings;
    if (auto st = marketdata::applyUrlOverrides(venue, *cfg, &settings); !st)
        return fail(cmd, QString::fromStdString(st.message()), kUsageError);
    int code = 0;
    if (!applyCliUrls(cmd, a, *cfg, code)) return code;
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(cmd, QStringLiteral("unexpected argument %1").arg(a.rest.first()), kUsageError);

    Timeframe tf = Timeframe::M1;
    if (tfText) {
        auto t = parseTimeframe(tfText->toStdString());
        if (!t) return fail(cmd, QString::fromStdString(t.message()), kUsageError);
        tf = *t;
    }
    QStringList channels = channelsText
        ? channelsText->split(QLatin1Char(','), Qt::SkipEmptyParts)
        : QStringList{QStringLiteral("trades"), QStringLiteral("quotes"), QStringLiteral("ticker"), QStringLiteral("bars")};
    for (const auto& c : channels)
        if (!QStringList{"trades", "quotes", "ticker", "bars", "book"}.contains(c))
            return fail(cmd, QStringLiteral("unknown channel \"%1\"; use trades, quotes, ticker, bars, book").arg(c),
                        kUsageError);
    long long maxCount = 0;
    if (countText) {
        bool ok = false;
        maxCount = countText->toLongLong(&ok);
        if (!ok || maxCount <= 0) return fail(cmd, QStringLiteral("--count needs a positive number"), kUsageError);
    }
    double durationS = 0;
    if (durationText) {
        bool ok = false;
        durationS = durationText->toDouble(&ok);
        if (!ok || durationS <= 0) return fail(cmd, QStringLiteral("--duration needs a positive number of seconds"), kUsageError);
    }

    auto created = marketdata::createExchangeFeed(venue, *cfg);
    if (!created) return fail(cmd, QString::fromStdString(created.message()), kUsageError);
    std::unique_ptr<marketdata::ExchangeFeed> feed = std::move(*created);
    if (channels.contains(QStringLiteral("bars")) && !feed->supportsTimeframe(tf))
        return fail(cmd, QStringLiteral("%1 has no %2 candles").arg(venue, QString::fromStdString(toString(tf))), kUsageError);
    const InstrumentId id{venue.toStdString(), symbol.toStdString()};
    const std::string name = id.toString();

    long long printed = 0;
    int exitCode = kOk;
    auto printedOne = [&] {
        std::fflush(stdout);
        if (maxCount > 0 && ++printed >= maxCount) QCoreApplication::quit();
    };
    QObject::connect(feed.get(), &marketdata::MarketDataFeed::tradeReceived, [&](const InstrumentId& i, const Trade& t) {
        std::printf("trade %s %s %s %s x %s id=%s\n", formatUtc(t.timeMs).c_str(), i.toString().c_str(), sideText(t.aggressor),
                    t.price.toString().c_str(), t.quantity.toString().c_str(), t.tradeId.c_str());
        printedOne();
    });
    QObject::connect(feed.get(), &marketdata::MarketDataFeed::quoteReceived, [&](const InstrumentId& i, const Quote& q) {
        std::printf("quote %s %s bid %s x %s ask %s x %s\n", formatUtc(q.timeMs).c_str(), i.toString().c_str(),
                    q.bid.toString().c_str(), q.bidSize.toString().c_str(), q.ask.toString().c_str(),
                    q.askSize.toString().c_str());
        printedOne();
    });
    QObject::connect(
        feed.get(), &marketdata::ExchangeFeed::tickerReceived, [&](const InstrumentId& i, const marketdata::Ticker24h& t) {
            std::printf("ticker %s %s last %s open %s high %s low %s volume %s quote_volume %s\n", formatUtc(t.timeMs).c_str(),
                        i.toString().c_str(), t.lastPrice.toString().c_str(), t.openPrice.toString().c_str(),
                        t.highPrice.toString().c_str(), t.lowPrice.toString().c_str(), t.volume.toString().c_str(),
                        t.quoteVolume.toString().c_str());
            printedOne();
        });
    auto printBar = [](const char* what, const InstrumentId& i, Timeframe t, const Bar& b) {
        std::printf("%s %s %s %s open %s high %s low %s close %s volume %s %s\n", what, formatUtc(b.openTimeMs).c_str(),
                    i.toString().c_str(), toString(t).c_str(), b.open.toString().c_str(), b.high.toString().c_str(),
                    b.low.toString().c_str(), b.close.toString().c_str(), b.volume.toString().c_str(),
                    b.closed ? "closed" : "forming");
    };
    QObject::connect(feed.get(), &marketdata::MarketDataFeed::barUpdated, [&](const InstrumentId& i, Timeframe t, const Bar& b) {
        printBar("bar", i, t, b);
        printedOne();
    });
    QObject::connect(feed.get(), &marketdata::ExchangeFeed::barsBackfilled,
                     [&](const InstrumentId& i, Timeframe t, const std::vector<Bar>& bars) {
                         for (const Bar& b : bars) printBar("backfill", i, t, b);
                         printedOne();
                     });
    QObject::connect(
        feed.get(), &marketdata::ExchangeFeed::bookUpdated, [&](const InstrumentId& i, const marketdata::BookTop& top) {
            std::printf("book %s %s update %lld", formatUtc(top.timeMs).c_str(), i.toString().c_str(),
                        static_cast<long long>(top.updateId));
            if (!top.bids.empty())
                std::printf(" bid %s x %s", top.bids[0].price.toString().c_str(), top.bids[0].quantity.toString().c_str());
            if (!top.asks.empty())
                std::printf(" ask %s x %s", top.asks[0].price.toString().c_str(), top.asks[0].quantity.toString().c_str());
            std::printf("\n");
            printedOne();
        });
    QObject::connect(feed.get(), &marketdata::MarketDataFeed::statusChanged, [&](const marketdata::FeedStatus& s) {
        std::fprintf(stderr, "kairos-cli feed: %s %s\n", qPrintable(venue),
                     redactUrlCredentials(s.toString().toStdString()).c_str());
        if (s.state == marketdata::FeedState::Down) {
            exitCode = kDataError;
            QCoreApplication::quit();
        }
    });
    QObject::connect(feed.get(), &marketdata::MarketDataFeed::errorOccurred, [](const QString& m) {
        std::fprintf(stderr, "kairos-cli feed: %s\n", redactUrlCredentials(m.toStdString()).c_str());
    });
    QObject::connect(feed.get(), &marketdata::ExchangeFeed::rateLimited, [](qint64 ms, const QString& why) {
        std::fprintf(stderr, "kairos-cli feed: rate limited for %lld ms: %s\n", static_cast<long long>(ms),
                     redactUrlCredentials(why.toStdString()).c_str());
    });

    for (const auto& c : channels) {
        if (c == QLatin1String("trades"))
            feed->subscribeTrades(id);
        else if (c == QLatin1String("quotes"))
            feed->subscribeQuotes(id);
        else if (c == QLatin1String("ticker"))
            feed->subscribeTicker(id);
        else if (c == QLatin1String("bars"))
            feed->subscribeBars(id, tf);
        else if (c == QLatin1String("book"))
            feed->subscribeBook(id);
    }
    std::fprintf(stderr, "kairos-cli feed: %s %s via %s (Ctrl-C to stop)\n", name.c_str(),
                 qPrintable(channels.join(QLatin1Char(','))), qPrintable(cfg->wsUrl.toDisplayString(QUrl::RemoveUserInfo)));

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, [] {
        if (g_interrupted) QCoreApplication::quit();
    });
    interruptPoll.start(100);
    if (durationS > 0) QTimer::singleShot(static_cast<int>(durationS * 1000), [] { QCoreApplication::quit(); });
    QCoreApplication::exec();
    feed->stop();
    std::fprintf(stderr, "kairos-cli feed: %lld events printed, %llu malformed messages skipped, %d reconnects\n", printed,
                 static_cast<unsigned long long>(feed->malformedCount()), feed->reconnectCount());
    return exitCode;
}

const CommandRegistration kFeed{
    {"feed", "print live ticks and candles from an exchange",
     "Usage: kairos-cli feed VENUE SYMBOL [--timeframe 1m] [--channels trades,quotes,ticker,bars,book]\n"
     "                       [--count N] [--duration SECONDS] [--rest-url URL] [--ws-url URL] [--ws2-url URL]\n"
     "Connects to the venue's public WebSocket and prints one line per event until Ctrl-C, --count events\n"
     "or --duration seconds:\n"
     "  trade TIME VENUE:SYMBOL buy|sell PRICE x QTY id=ID      (side = taker side)\n"
     "  quote TIME VENUE:SYMBOL bid PRICE x QTY ask PRICE x QTY\n"
     "  ticker TIME VENUE:SYMBOL last .. open .. high .. low .. volume .. quote_volume ..\n"
     "  bar|backfill OPEN_TIME VENUE:SYMBOL TF open .. high .. low .. close .. volume .. closed|forming\n"
     "  book TIME VENUE:SYMBOL update ID bid PRICE x QTY ask PRICE x QTY\n"
     "Connection status and skipped messages go to stderr. VENUE: BINANCE, BYBIT, OKX, KRAKEN, COINBASE\n"
     "(Coinbase Exchange), COINBASE_ADVANCED (Advanced Trade). SYMBOL as the venue spells it (BTCUSDT, BTC-USDT,\n"
     "BTC/USD, BTC-USD). Base URLs default to the venue's production hosts; override with\n"
     "--rest-url/--ws-url (--ws2-url: OKX business endpoint),\n"
     "KAIROS_<VENUE>_REST_URL / KAIROS_<VENUE>_WS_URL / KAIROS_<VENUE>_WS2_URL, or the settings keys\n"
     "marketdata/<VENUE>/restUrl, wsUrl, wsUrl2. Exit code 1 when the feed gives up.",
     runFeed}};

}  // namespace

/// Shared with cmd_history.cpp.
bool applyFeedUrlOptions(const char* cmd, Args& a, marketdata::FeedConfig& cfg, int& code) {
    return applyCliUrls(cmd, a, cfg, code);
}

}  // namespace kairos::cli
