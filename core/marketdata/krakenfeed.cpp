#include "marketdata/krakenfeed.h"

#include "marketdata/detail/venuemessages.h"

#include <QDateTime>

#include <cstring>
#include <map>

namespace kairos::marketdata {

namespace {
constexpr int kMaxSymbolsPerMessage = 100;

/// Names of message kinds for the malformed-message counts.
constexpr std::pair<kraken::EventKind, std::string_view> kKindNames[] = {
    {kraken::EventKind::Trades, "trade"},
    {kraken::EventKind::Tickers, "ticker"},
    {kraken::EventKind::Ohlc, "ohlc"},
    {kraken::EventKind::Book, "book"},
    {kraken::EventKind::Instruments, "instrument"},
    {kraken::EventKind::Heartbeat, "heartbeat"},
    {kraken::EventKind::Status, "status"},
    {kraken::EventKind::Ack, "ack"},
    {kraken::EventKind::Pong, "pong"},
};
}  // namespace

std::optional<net::RateLimitPolicy::Rejection> KrakenRateLimitPolicy::rejection(const net::HttpResponse& r) const {
    // Kraken reports API errors in the body with HTTP 200 (EXCHANGES.md §4.1).
    const std::string errors = kraken::restErrors(std::string_view(r.body.constData(), static_cast<std::size_t>(r.body.size())));
    if (errors.find("EAPI:Rate limit exceeded") != std::string::npos || errors.find("EService:Busy") != std::string::npos)
        return Rejection{-1, QStringLiteral("Kraken: %1").arg(QString::fromStdString(errors))};
    if (const auto p = errors.find("Throttled"); p != std::string::npos) {
        Rejection rej{-1, QStringLiteral("Kraken: %1").arg(QString::fromStdString(errors))};
        // "EService: Throttled: [UNIX timestamp]": retry after that time.
        std::size_t i = errors.find_first_of("0123456789", p);
        if (i != std::string::npos) {
            const std::int64_t until = std::stoll(errors.substr(i, 12)) * 1000;
            const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
            if (until > now) rej.waitMs = until - now;
        }
        return rej;
    }
    return net::RateLimitPolicy::rejection(r);
}

namespace {
/// OHLC rows without the last one: it is always the current, uncommitted interval (EXCHANGES.md
/// §4.1). result.last is not used: in Kraken's own example it lies before the rows.
Result<std::vector<Bar>> parseCommittedOhlc(std::string_view json) {
    auto bars = kraken::parseOhlc(json);
    if (bars && !bars->empty()) bars->pop_back();
    return bars;
}

/// Fixed by the venue's API (EXCHANGES.md).
const VenueTraits kKrakenFeedTraits{
    .defaults = {.restUrl = "https://api.kraken.com",
                 .wsUrl = "wss://ws.kraken.com/v2",
                 .pingIntervalMs = 30'000,
                 .pingText = R"({"method":"ping"})",
                 .idleTimeoutMs = 60'000,
                 // After maintenance reconnect no faster than once per 5 s (Cloudflare limits attempts).
                 .reconnect = net::Backoff::Policy{5000, 120'000, 2.0, 0.3},
                 .restMinIntervalMs = 1000,
                 .bookDepth = 10},
    // One ticker channel (event_trigger "bbo") for quotes and the 24 h ticker.
    .topics = {.trades = "trade|%1", .quotes = "ticker|%1", .ticker = "ticker|%1", .bars = "ohlc|%2|%1", .book = "book|%1"},
    // `since` (exclusive, UNIX seconds) only: Kraken serves the newest 720 rows from it.
    .bars = {.path = "/0/public/OHLC",
             .what = "OHLC",
             .keys = {.symbol = "pair", .interval = "interval", .from = "since"},
             .bounds = BarsRequest::Bounds::Exclusive,
             .time = BarsRequest::Time::Seconds,
             .interval = &venueSpelling<&kraken::intervalFor>,
             .parse = &parseCommittedOhlc},
    .maxBarsPerRequest = 720,
    .defaultMaxTopicsPerConnection = 1000};
}  // namespace

FeedConfig KrakenFeed::defaultConfig() { return kKrakenFeedTraits.defaults.config(); }

KrakenFeed::KrakenFeed(FeedConfig config, QObject* parent)
    : ExchangeFeed(QStringLiteral("KRAKEN"), kKrakenFeedTraits, std::move(config), std::make_unique<KrakenRateLimitPolicy>(),
                   parent) {}

int KrakenFeed::bookDepth() const {
    for (int d : {10, 25, 100, 500, 1000})
        if (m_config.bookDepth == d) return d;
    return 10;
}

void KrakenFeed::setPrecision(const std::string& symbol, int pricePrecision, int qtyPrecision) {
    m_precision[symbol] = {pricePrecision, qtyPrecision};
}

QList<QByteArray> KrakenFeed::controlMessages(Control control, const QString&, const QStringList& topics) {
    const char* method = control == Control::Subscribe ? "subscribe" : "unsubscribe";
    // Group by channel (and interval for ohlc): one message per group carries a symbol list.
    std::map<QString, QStringList> groups;
    bool anyBook = false;
    for (const QString& t : topics) {
        const qsizetype last = t.lastIndexOf(QLatin1Char('|'));
        groups[t.left(last)].append(t.mid(last + 1));
        anyBook |= t.startsWith(QLatin1String("book|"));
    }
    QList<QByteArray> out;
    auto reqId = [this] { return QByteArray::number(static_cast<qlonglong>(m_nextReqId++)); };
    if (anyBook && std::strcmp(method, "subscribe") == 0 && !m_instrumentChannel) {
        // Pair precisions for the book checksum.
        out.append(R"({"method":"subscribe","params":{"channel":"instrument","snapshot":true},"req_id":)" + reqId() + '}');
        m_instrumentChannel = true;
    }
    for (const auto& [key, symbols] : groups) {
        const QStringList parts = key.split(QLatin1Char('|'));
        const QString& channel = parts[0];
        out += detail::batched(symbols, kMaxSymbolsPerMessage, [&](const QStringList& batch) -> QByteArray {
            QByteArray m = "{\"method\":\"" + QByteArray(method) + "\",\"params\":{\"channel\":\"" + channel.toUtf8() +
                "\",\"symbol\":[" + detail::jsonStrings(batch) + ']';
            if (channel == QLatin1String("ticker")) m += ",\"event_trigger\":\"bbo\"";
            if (channel == QLatin1String("ohlc")) m += ",\"interval\":" + parts.value(1).toUtf8();
            if (channel == QLatin1String("book")) m += ",\"depth\":" + QByteArray::number(bookDepth());
            return m + "},\"req_id\":" + reqId() + '}';
        });
    }
    return out;
}

void KrakenFeed::handleMessage(Shard&, const QByteArray& message) {
    kraken::Event& ev = m_event;
    if (!decodeMessage(message, &kraken::decode, ev, kKindNames)) return;
    switch (ev.kind) {
    case kraken::EventKind::Trades:
        for (std::size_t i = 0; i < ev.trades.size(); ++i) deliverTrade(instrument(ev.tradeSymbols[i]), ev.trades[i]);
        break;
    case kraken::EventKind::Tickers:
        for (auto& t : ev.tickers) {
            const InstrumentId id = instrument(t.symbol);
            if (t.quote.timeMs == 0) t.quote.timeMs = t.ticker.timeMs = nowMs();
            if (isSubscribed({Channel::Quotes, id, Timeframe::M1})) deliverQuote(id, t.quote);
            if (isSubscribed({Channel::Ticker, id, Timeframe::M1})) deliverTicker(id, t.ticker);
        }
        break;
    case kraken::EventKind::Ohlc:
        for (const auto& b : ev.bars) deliverUnflaggedBar(instrument(b.symbol), b.timeframe, b.bar);
        break;
    case kraken::EventKind::Book:
        onBook(ev);
        break;
    case kraken::EventKind::Instruments:
        for (const auto& p : ev.pairs) m_precision[std::string(p.symbol)] = {p.pricePrecision, p.qtyPrecision};
        break;
    case kraken::EventKind::Status:
        if (!ev.system.empty() && ev.system != "online")
            reportVenueError(QStringLiteral("system status: %1").arg(detail::fromUtf8(ev.system)));
        break;
    case kraken::EventKind::Ack:
        if (!ev.success)
            reportVenueError(QStringLiteral("%1 rejected: %2").arg(detail::fromUtf8(ev.method), detail::fromUtf8(ev.error)));
        break;
    case kraken::EventKind::Heartbeat:
    case kraken::EventKind::Pong:
        break;
    case kraken::EventKind::Unknown:
        reportMalformed(QStringLiteral("unrecognised"), textOf(message), QStringLiteral("unknown channel or message"));
        break;
    }
}

// ---------------------------------------------------------------------------------------------

void KrakenFeed::onConnectionLost(Shard&) { m_instrumentChannel = false; }

void KrakenFeed::onBook(const kraken::Event& ev) {
    VenueBook* book = venueBook(ev.symbol);
    if (!book) return;
    VenueBook& b = *book;
    if (ev.snapshot) {
        setBookSnapshot(b, ev.bids, ev.asks);
    } else {
        if (!b.synced) return;
        b.book.apply(ev.bids, ev.asks);  // every level, in order, before checking
    }
    // No delete is sent for levels pushed out of the subscribed depth.
    b.book.truncate(static_cast<std::size_t>(bookDepth()));
    b.book.setUpdateId(b.book.updateId() + 1);
    if (ev.hasChecksum) {
        auto p = m_precision.find(b.id.symbol);
        if (p == m_precision.end()) {
            ++m_unchecked;
        } else {
            const std::uint32_t mine = kraken::bookChecksum(b.book, p->second.first, p->second.second);
            if (mine != ev.checksum) {
                resyncBook(b, QStringLiteral("checksum mismatch: %1 computed, %2 sent").arg(mine).arg(ev.checksum));
                return;
            }
        }
    }
    deliverBook(b.id, b.book, ev.timeMs);
}

// ---------------------------------------------------------------------------------------------

void KrakenFeed::fetchInstruments(InstrumentsCallback callback) {
    // Runs only while the feed exists (restGet): `this` is safe in the parser.
    restGet(
        QStringLiteral("/0/public/AssetPairs"), {}, 1, "AssetPairs",
        [this](const QByteArray& body) {
            std::vector<std::string> alt;
            auto inst = kraken::parseAssetPairs(body, &alt, venue().toStdString());
            if (inst)
                for (std::size_t i = 0; i < inst->size(); ++i) m_restPairs[(*inst)[i].id.symbol] = alt[i];
            return inst;
        },
        callback);
}

QString KrakenFeed::restSymbol(const InstrumentId& id) const {
    auto alt = m_restPairs.find(id.symbol);
    return QString::fromStdString(alt != m_restPairs.end() ? alt->second : kraken::restPairGuess(id.symbol));
}

}  // namespace kairos::marketdata
