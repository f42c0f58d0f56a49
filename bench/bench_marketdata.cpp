// Market-data benchmarks.
//
// 1. Decode throughput per venue: real/doc messages from the fixtures (trade and kline kinds),
//    looped, decoded into domain types (Trade, Bar) with exact decimals on one core; for Binance
//    also a plain QJsonDocument decode of the same messages into the same types, as the baseline.
// 2. Memory: 500 symbols subscribed to trades + 24 h tickers on one BinanceFeed while a local
//    server (a child process, so its buffers do not count) floods messages; extra RSS of this
//    process is printed.
//
// Output lines: "BENCH <name> <value> <unit>".
#include "marketdata/binancecodec.h"
#include "marketdata/binancefeed.h"
#include "marketdata/bybitcodec.h"
#include "marketdata/coinbaseatcodec.h"
#include "marketdata/coinbasecodec.h"
#include "marketdata/krakencodec.h"
#include "marketdata/okxcodec.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace kairos;
using namespace kairos::marketdata;

namespace {

std::string dataFile(const std::string& sharedRel, const std::string& fixtureRel) {
    std::string shared = std::string(KAIROS_BENCH_SHARED_DATA) + "/" + sharedRel;
    if (!sharedRel.empty() && QFile::exists(QString::fromStdString(shared))) return shared;
    // tests/data/feeds beside resources/data in the source tree.
    return std::string(KAIROS_BENCH_RESOURCES_DATA) + "/../../tests/data/feeds/" + fixtureRel;
}

QByteArray readAll(const std::string& path) {
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bench_marketdata: cannot read %s\n", path.c_str());
        std::exit(2);
    }
    return f.readAll();
}

/// Received JSON messages of a cryptofeed log whose text contains `needle`.
std::vector<std::string> cryptofeedMessages(const std::string& path, const char* needle) {
    std::vector<std::string> out;
    for (const QByteArray& line : readAll(path).split('\n')) {
        if (line.contains(" <-> ") || line.contains(" <- ") || !line.contains(needle)) continue;
        const int colon = static_cast<int>(line.indexOf(": "));
        if (colon > 0) out.push_back(line.mid(colon + 2).toStdString());
    }
    return out;
}

/// One JSON document on a single line (doc examples are pretty-printed).
std::string compact(const QByteArray& json) { return QJsonDocument::fromJson(json).toJson(QJsonDocument::Compact).toStdString(); }

/// Runs `decodeAll` (one pass over the messages, returns a checksum) for at least `minSeconds`,
/// returns messages per second.
double measure(std::size_t messagesPerPass, const std::function<std::int64_t()>& decodeAll, double minSeconds = 1.0) {
    std::int64_t sink = 0;
    for (int i = 0; i < 3; ++i) sink += decodeAll();  // warm-up
    std::size_t passes = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double secs = 0;
    do {
        for (int i = 0; i < 50; ++i) sink += decodeAll();
        passes += 50;
        secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } while (secs < minSeconds);
    if (sink == 42) std::printf("#\n");  // keep the work observable
    return static_cast<double>(passes * messagesPerPass) / secs;
}

void report(const std::string& name, double perSecond) { std::printf("BENCH %s %.3g msg/s\n", name.c_str(), perSecond); }

// ---- Binance: the scanner decoder and the QJsonDocument baseline ----

bool qjsonDecodeBinance(const QByteArray& json, Trade& trade, Bar& bar, int& kind) {
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    const QJsonObject d = root.value(QLatin1String("data")).toObject();
    const QString e = d.value(QLatin1String("e")).toString();
    auto dec = [](const QJsonValue& v, auto& out) {
        const QByteArray t = v.toString().toUtf8();
        auto r =
            std::remove_reference_t<decltype(out)>::parse(std::string_view(t.constData(), static_cast<std::size_t>(t.size())));
        if (!r) return false;
        out = *r;
        return true;
    };
    if (e == QLatin1String("trade") || e == QLatin1String("aggTrade")) {
        kind = 1;
        trade.timeMs = d.value(QLatin1String("T")).toInteger();
        trade.aggressor = d.value(QLatin1String("m")).toBool() ? Side::Sell : Side::Buy;
        trade.tradeId =
            QString::number(d.value(e == QLatin1String("trade") ? QLatin1String("t") : QLatin1String("a")).toInteger())
                .toStdString();
        return dec(d.value(QLatin1String("p")), trade.price) && dec(d.value(QLatin1String("q")), trade.quantity);
    }
    if (e == QLatin1String("kline")) {
        kind = 2;
        const QJsonObject k = d.value(QLatin1String("k")).toObject();
        bar.openTimeMs = k.value(QLatin1String("t")).toInteger();
        bar.closed = k.value(QLatin1String("x")).toBool();
        bar.tradeCount = k.value(QLatin1String("n")).toInteger();
        return dec(k.value(QLatin1String("o")), bar.open) && dec(k.value(QLatin1String("h")), bar.high) &&
            dec(k.value(QLatin1String("l")), bar.low) && dec(k.value(QLatin1String("c")), bar.close) &&
            dec(k.value(QLatin1String("v")), bar.volume) && dec(k.value(QLatin1String("q")), bar.quoteVolume);
    }
    return false;
}

void benchBinance() {
    const std::string usdm =
        dataFile("feeds/binance_usdm_ws_2021-07-22.cryptofeed.log", "binance/binance_usdm_ws_2021-07-22.cryptofeed.log");
    const std::string spot =
        dataFile("feeds/binance_spot_ws_2021-10-12.cryptofeed.log", "binance/binance_spot_ws_2021-10-12.cryptofeed.log");
    const std::string docs = dataFile("feeds/docs-examples/binance/trade.json", "binance/docs-examples/trade.json");
    std::vector<std::string> trades = cryptofeedMessages(usdm, "@aggTrade\"");
    for (auto& m : cryptofeedMessages(spot, "@aggTrade\"")) trades.push_back(m);
    trades.push_back("{\"stream\":\"bnbbtc@trade\",\"data\":" + compact(readAll(docs)) + "}");
    std::vector<std::string> klines = cryptofeedMessages(usdm, "@kline_");
    for (auto& m : cryptofeedMessages(spot, "@kline_")) klines.push_back(m);
    std::printf("# binance: %zu trade messages (%zu recorded aggTrade + 1 doc trade), %zu recorded kline messages\n",
                trades.size(), trades.size() - 1, klines.size());

    binance::Event ev;
    auto scan = [&ev](const std::vector<std::string>& msgs, bool wantTrade) {
        return [&ev, &msgs, wantTrade] {
            std::int64_t sum = 0;
            for (const auto& m : msgs) {
                if (!binance::decode(m, ev).ok()) std::abort();
                sum += wantTrade ? ev.trade.price.raw() : ev.bar.close.raw();
            }
            return sum;
        };
    };
    report("marketdata.binance.trade_decode_per_s", measure(trades.size(), scan(trades, true), 2.0));
    report("marketdata.binance.kline_decode_per_s", measure(klines.size(), scan(klines, false), 2.0));

    std::vector<QByteArray> qtrades, qklines;
    for (const auto& m : trades) qtrades.push_back(QByteArray::fromStdString(m));
    for (const auto& m : klines) qklines.push_back(QByteArray::fromStdString(m));
    auto qjson = [](const std::vector<QByteArray>& msgs, bool wantTrade) {
        return [&msgs, wantTrade] {
            Trade t;
            Bar b;
            int kind = 0;
            std::int64_t sum = 0;
            for (const auto& m : msgs) {
                if (!qjsonDecodeBinance(m, t, b, kind)) std::abort();
                sum += wantTrade ? t.price.raw() : b.close.raw();
            }
            return sum;
        };
    };
    report("marketdata.binance.trade_decode_qjson_per_s", measure(qtrades.size(), qjson(qtrades, true)));
    report("marketdata.binance.kline_decode_qjson_per_s", measure(qklines.size(), qjson(qklines, false)));
}

std::string docExample(const std::string& venueDir, const std::string& fixtureDir, const std::string& file) {
    return compact(readAll(dataFile("feeds/docs-examples/" + venueDir + "/" + file, fixtureDir + "/docs-examples/" + file)));
}

/// Decodes `msgs` with `decode` (one venue's decoder) and reports messages per second.
template <class Event, class Decode, class Pick>
void venueDecode(const std::string& name, const std::vector<std::string>& msgs, Decode decode, Pick pick) {
    auto pass = [&msgs, decode, pick] {
        Event ev;
        std::int64_t sum = 0;
        for (const auto& m : msgs) {
            if (!decode(m, ev).ok()) std::abort();
            sum += pick(ev);
        }
        return sum;
    };
    report(name, measure(msgs.size(), pass));
}

void benchOtherVenues() {
    // Bybit, OKX, Kraken: the official doc examples (no recorded traffic of these venues in
    // shared/data), compacted to one line as they come off the socket. Coinbase: the recorded
    // 2021 matches (real traffic); the Coinbase Exchange feed has no candle channel.
    const std::vector<std::string> bybitTrade{docExample("bybit", "bybit", "publicTrade.json")};
    const std::vector<std::string> bybitKline{docExample("bybit", "bybit", "kline.json")};
    venueDecode<bybit::Event>("marketdata.bybit.trade_decode_per_s", bybitTrade, bybit::decode,
                              [](const bybit::Event& e) { return e.trades.at(0).price.raw(); });
    venueDecode<bybit::Event>("marketdata.bybit.kline_decode_per_s", bybitKline, bybit::decode,
                              [](const bybit::Event& e) { return e.bars.at(0).close.raw(); });

    std::string candle = docExample("okx", "okx", "candle1D.json");
    candle.replace(candle.find("\"candle1D\""), 10, "\"candle1Dutc\"");  // the UTC day the adapter subscribes
    venueDecode<okx::Event>("marketdata.okx.trade_decode_per_s", {docExample("okx", "okx", "trades.json")}, okx::decode,
                            [](const okx::Event& e) { return e.trades.at(0).price.raw(); });
    venueDecode<okx::Event>("marketdata.okx.kline_decode_per_s", {candle}, okx::decode,
                            [](const okx::Event& e) { return e.bars.at(0).close.raw(); });

    venueDecode<kraken::Event>(
        "marketdata.kraken.trade_decode_per_s",
        {docExample("kraken", "kraken", "trade-update.json"), docExample("kraken", "kraken", "trade-snapshot.json")},
        kraken::decode, [](const kraken::Event& e) { return e.trades.at(0).price.raw(); });
    venueDecode<kraken::Event>(
        "marketdata.kraken.kline_decode_per_s",
        {docExample("kraken", "kraken", "ohlc-update.json"), docExample("kraken", "kraken", "ohlc-snapshot.json")},
        kraken::decode, [](const kraken::Event& e) { return e.bars.at(0).bar.close.raw(); });

    const std::string cbLog = dataFile("feeds/coinbase_exchange_ws_2021-04-17.cryptofeed.log",
                                       "coinbase/coinbase_exchange_ws_2021-04-17_NU-SKL-BAND-GBP.cryptofeed.log");
    std::vector<std::string> matches = cryptofeedMessages(cbLog, "\"type\":\"match\"");
    std::vector<std::string> l2 = cryptofeedMessages(cbLog, "\"type\":\"l2update\"");
    std::printf("# coinbase: %zu recorded match, %zu recorded l2update messages; bybit/okx/kraken: doc examples\n",
                matches.size(), l2.size());
    venueDecode<coinbase::Event>("marketdata.coinbase.trade_decode_per_s", matches, coinbase::decode,
                                 [](const coinbase::Event& e) { return e.trade.price.raw(); });
    venueDecode<coinbase::Event>("marketdata.coinbase.l2update_decode_per_s", l2, coinbase::decode, [](const coinbase::Event& e) {
        return static_cast<std::int64_t>(e.bids.size() + e.asks.size());
    });

    // Coinbase Advanced Trade: the official doc examples (market_trades, 5-minute candles).
    venueDecode<coinbase_at::Event>("marketdata.coinbase_advanced.trade_decode_per_s",
                                    {docExample("coinbase-advanced-trade", "coinbase-advanced", "market_trades.json")},
                                    coinbase_at::decode, [](const coinbase_at::Event& e) { return e.trades.at(0).price.raw(); });
    venueDecode<coinbase_at::Event>("marketdata.coinbase_advanced.kline_decode_per_s",
                                    {docExample("coinbase-advanced-trade", "coinbase-advanced", "candles.json")},
                                    coinbase_at::decode,
                                    [](const coinbase_at::Event& e) { return e.candles.at(0).bar.close.raw(); });
}

// ---- memory under a flood ----

constexpr int kSymbols = 500;

/// Child process: a WebSocket server that floods every connection with trade and 24 h ticker
/// messages for the streams it subscribed to, at `rate` messages per second.
int runFloodServer(int rate) {
    QWebSocketServer server(QStringLiteral("flood"), QWebSocketServer::NonSecureMode);
    if (!server.listen(QHostAddress::LocalHost, 0)) return 3;
    std::printf("%d\n", server.serverPort());
    std::fflush(stdout);
    struct Conn {
        QWebSocket* socket;
        QStringList streams;
    };
    std::vector<Conn> conns;
    QObject::connect(&server, &QWebSocketServer::newConnection, [&] {
        QWebSocket* s = server.nextPendingConnection();
        Conn c{s, {}};
        const QString streams = QUrlQuery(s->requestUrl().query()).queryItemValue(QStringLiteral("streams"), QUrl::FullyDecoded);
        c.streams = streams.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        conns.push_back(c);
        const std::size_t idx = conns.size() - 1;
        QObject::connect(s, &QWebSocket::textMessageReceived, [&conns, idx](const QString& text) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            if (o.value(QLatin1String("method")).toString() == QLatin1String("SUBSCRIBE"))
                for (const auto& p : o.value(QLatin1String("params")).toArray()) conns[idx].streams.append(p.toString());
            conns[idx].socket->sendTextMessage(
                QStringLiteral("{\"result\":null,\"id\":%1}").arg(o.value(QLatin1String("id")).toInt()));
        });
    });
    QTimer flood;
    std::int64_t seq = 0;
    const int perTick = std::max(1, rate / 1000);
    QObject::connect(&flood, &QTimer::timeout, [&] {
        for (auto& c : conns) {
            if (c.streams.isEmpty() || c.socket->bytesToWrite() > (1 << 20)) continue;  // do not queue without bound here either
            for (int i = 0; i < perTick; ++i) {
                const QString& stream = c.streams[static_cast<int>(seq % c.streams.size())];
                const QString sym = stream.section(QLatin1Char('@'), 0, 0).toUpper();
                ++seq;
                if (stream.endsWith(QLatin1String("@trade")))
                    c.socket->sendTextMessage(
                        QStringLiteral("{\"stream\":\"%1\",\"data\":{\"e\":\"trade\",\"E\":%2,\"s\":\"%3\",\"t\":%4,\"p\":\"%5.%"
                                       "6\",\"q\":\"0.%7\",\"T\":%2,\"m\":%8,\"M\":true}}")
                            .arg(stream)
                            .arg(1'700'000'000'000LL + seq)
                            .arg(sym)
                            .arg(seq)
                            .arg(60000 + seq % 500)
                            .arg(seq % 100, 2, 10, QLatin1Char('0'))
                            .arg(seq % 9000 + 1000)
                            .arg(seq % 2 ? "true" : "false"));
                else
                    c.socket->sendTextMessage(
                        QStringLiteral(
                            "{\"stream\":\"%1\",\"data\":{\"e\":\"24hrTicker\",\"E\":%2,\"s\":\"%3\",\"p\":\"12.5\",\"P\":\"0."
                            "02\",\"w\":\"60000.1\",\"x\":\"59000.00\",\"c\":\"%4.10\",\"Q\":\"0.1\",\"b\":\"60000.00\",\"B\":"
                            "\"1.5\",\"a\":\"60000.20\",\"A\":\"2\",\"o\":\"59000.00\",\"h\":\"61000.00\",\"l\":\"58000.00\","
                            "\"v\":\"12345.678\",\"q\":\"740000000.12\",\"O\":0,\"C\":86400000,\"F\":0,\"L\":18150,\"n\":18151}}")
                            .arg(stream)
                            .arg(1'700'000'000'000LL + seq)
                            .arg(sym)
                            .arg(60000 + seq % 500));
            }
        }
    });
    flood.start(1);
    return QCoreApplication::exec();
}

long rssKb() {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

void benchMemory(const QString& self) {
    QProcess server;
    server.start(self, {QStringLiteral("--flood-server"), QStringLiteral("50000")});
    if (!server.waitForReadyRead(10'000)) {
        std::fprintf(stderr, "bench_marketdata: flood server did not start\n");
        return;
    }
    const int port = server.readLine().trimmed().toInt();

    // Baseline after the event loop and network stack are warm.
    QCoreApplication::processEvents();
    const long before = rssKb();
    long peak = before;

    FeedConfig cfg = BinanceFeed::defaultConfig();
    cfg.wsUrl = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port));
    cfg.restUrl = QUrl(QStringLiteral("http://127.0.0.1:1"));
    cfg.ws.maxControlPerSecond = 0;
    auto feed = std::make_unique<BinanceFeed>(cfg);
    std::int64_t trades = 0, tickers = 0;
    QObject::connect(feed.get(), &MarketDataFeed::tradeReceived, [&](const InstrumentId&, const Trade&) { ++trades; });
    QObject::connect(feed.get(), &ExchangeFeed::tickerReceived, [&](const InstrumentId&, const Ticker24h&) { ++tickers; });
    for (int i = 0; i < kSymbols; ++i) {
        const InstrumentId id{"BINANCE", "SYM" + std::to_string(i) + "USDT"};
        feed->subscribeTrades(id);
        feed->subscribeTicker(id);
    }
    QElapsedTimer t;
    t.start();
    QTimer sampler;
    QObject::connect(&sampler, &QTimer::timeout, [&] { peak = std::max(peak, rssKb()); });
    sampler.start(50);
    const int seconds = 8;
    while (t.elapsed() < seconds * 1000) QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    peak = std::max(peak, rssKb());
    const double secs = t.elapsed() / 1000.0;
    server.kill();
    server.waitForFinished();
    std::printf(
        "# memory: %d symbols x (trade + 24hrTicker) = %d streams on %d connection(s); received %lld trades + %lld tickers in "
        "%.1f s (%.3g msgs/s), malformed %llu\n",
        kSymbols, 2 * kSymbols, feed->connectionCount(), static_cast<long long>(trades), static_cast<long long>(tickers), secs,
        static_cast<double>(trades + tickers) / secs, static_cast<unsigned long long>(feed->malformedCount()));
    std::printf("BENCH marketdata.binance.flood_msgs_per_s %.3g msgs/s\n", static_cast<double>(trades + tickers) / secs);
    std::printf("BENCH marketdata.binance.500sym_extra_rss_mb %.1f MB\n", static_cast<double>(peak - before) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 3 && args[1] == QLatin1String("--flood-server")) return runFloodServer(args[2].toInt());
    const bool onlyDecode = args.contains(QStringLiteral("--decode-only"));
    benchBinance();
    benchOtherVenues();
    if (!onlyDecode) benchMemory(QCoreApplication::applicationFilePath());
    return 0;
}
