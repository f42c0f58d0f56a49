#include "marketdata/okxfeed.h"

#include "marketdata/detail/venuemessages.h"

namespace kairos::marketdata {

namespace {
constexpr int kMaxArgsPerMessage = 100;  // far below the 64 KB request limit
const QString kPublic = QStringLiteral("public");
const QString kBusiness = QStringLiteral("business");

/// Names of message kinds for the malformed-message counts.
constexpr std::pair<okx::EventKind, std::string_view> kKindNames[] = {
    {okx::EventKind::Trades, "trades"},  {okx::EventKind::Quote, "bbo-tbt"}, {okx::EventKind::Ticker, "tickers"},
    {okx::EventKind::Candles, "candle"}, {okx::EventKind::Book, "books"},    {okx::EventKind::Event, "event"},
    {okx::EventKind::Pong, "pong"},
};

/// Codes 50011/50013 (with HTTP 429 or 200) back off exponentially: OKX sends no Retry-After.
class OkxRateLimitPolicy : public net::RateLimitPolicy {
public:
    std::optional<Rejection> rejection(const net::HttpResponse& r) const override {
        const std::string code = okx::envelopeCode(std::string_view(r.body.constData(), static_cast<std::size_t>(r.body.size())));
        if (code == "50011" || code == "50013" || r.status == 429) {
            Rejection rej;
            rej.waitMs = retryAfterMs(r, 0) >= 0 ? retryAfterMs(r, 0) : -1;  // OKX documents no Retry-After: backoff
            rej.reason =
                QStringLiteral("OKX code %1 (HTTP %2): rate limit reached").arg(QString::fromStdString(code)).arg(r.status);
            return rej;
        }
        return std::nullopt;
    }
};

/// Candle rows without the unfinished ones (confirm "0": still forming).
Result<std::vector<Bar>> parseConfirmedCandles(std::string_view json) {
    auto bars = okx::parseCandles(json);
    if (bars) std::erase_if(*bars, [](const Bar& b) { return !b.closed; });
    return bars;
}

/// Fixed by the venue's API (EXCHANGES.md).
const VenueTraits kOkxFeedTraits{
    .defaults = {.restUrl = "https://www.okx.com",
                 .wsUrl = "wss://ws.okx.com:8443/ws/v5/public",
                 .wsUrl2 = "wss://ws.okx.com:8443/ws/v5/business",
                 .pingIntervalMs = 20'000,
                 .pingText = "ping",
                 .idleTimeoutMs = 45'000,
                 .bookDepth = 400},
    .topics = {.trades = "trades:%1", .quotes = "bbo-tbt:%1", .ticker = "tickers:%1", .bars = "candle%2:%1", .book = "books:%1"},
    // before = newer than this ts, after = older than this ts: the window [fromMs, toMs).
    .bars = {.path = "/api/v5/market/history-candles",
             .what = "history-candles",
             .keys = {.symbol = "instId", .interval = "bar", .from = "before", .to = "after", .limit = "limit"},
             .bounds = BarsRequest::Bounds::Exclusive,
             .interval = &venueSpelling<&okx::barFor>,
             .parse = &parseConfirmedCandles},
    .maxBarsPerRequest = 100,
    .instruments = {.path = "/api/v5/public/instruments",
                    .queryKey = "instType",
                    .queryValue = "SPOT",
                    .what = "instruments",
                    .parse = &okx::parseInstruments}};
}  // namespace

FeedConfig OkxFeed::defaultConfig() { return kOkxFeedTraits.defaults.config(); }

OkxFeed::OkxFeed(FeedConfig config, QObject* parent)
    : ExchangeFeed(QStringLiteral("OKX"), kOkxFeedTraits, std::move(config), std::make_unique<OkxRateLimitPolicy>(), parent) {}

QString OkxFeed::endpointFor(const Subscription& s) const { return s.channel == Channel::Bars ? kBusiness : kPublic; }

QUrl OkxFeed::connectUrl(const QString& endpoint, const QStringList& topics, QStringList* viaMessages) const {
    *viaMessages = topics;
    return endpoint == kBusiness ? m_config.wsUrl2 : m_config.wsUrl;
}

QList<QByteArray> OkxFeed::controlMessages(Control control, const QString&, const QStringList& topics) {
    const char* op = control == Control::Subscribe ? "subscribe" : "unsubscribe";
    return detail::batched(topics, kMaxArgsPerMessage, [&](const QStringList& batch) -> QByteArray {
        QByteArray args;
        for (const QString& t : batch) {
            const qsizetype colon = t.indexOf(QLatin1Char(':'));
            args += (args.isEmpty() ? "" : ",") +
                ("{\"channel\":\"" + t.left(colon).toUtf8() + "\",\"instId\":\"" + t.mid(colon + 1).toUtf8() + "\"}");
        }
        return "{\"id\":\"" + QByteArray::number(static_cast<qlonglong>(m_nextId++)) + "\",\"op\":\"" + op + "\",\"args\":[" +
            args + "]}";
    });
}

void OkxFeed::handleMessage(Shard& shard, const QByteArray& message) {
    okx::Event& ev = m_event;
    if (!decodeMessage(message, &okx::decode, ev, kKindNames)) return;
    switch (ev.kind) {
    case okx::EventKind::Trades: {
        const InstrumentId id = instrument(ev.instId);
        for (const Trade& t : ev.trades) deliverTrade(id, t);
        break;
    }
    case okx::EventKind::Quote:
        deliverQuote(instrument(ev.instId), ev.quote);
        break;
    case okx::EventKind::Ticker:
        deliverTicker(instrument(ev.instId), ev.ticker);
        break;
    case okx::EventKind::Candles: {
        const InstrumentId id = instrument(ev.instId);
        for (const Bar& b : ev.bars) deliverBar(id, ev.timeframe, b);
        break;
    }
    case okx::EventKind::Book:
        onBook(ev);
        break;
    case okx::EventKind::Event:
        if (ev.event == "error") {
            reportVenueError(
                QStringLiteral("request rejected: code %1: %2").arg(detail::fromUtf8(ev.code), detail::fromUtf8(ev.message)));
        } else if (ev.event == "notice" && ev.code == "64008") {
            // The server goes down for an upgrade within 60 s: move to a new connection now.
            reconnectSoon(shard, QStringLiteral("service upgrade notice (64008)"));
        }
        break;
    case okx::EventKind::Pong:
        break;
    case okx::EventKind::Unknown:
        reportMalformed(QStringLiteral("unrecognised"), textOf(message), QStringLiteral("unknown channel or message"));
        break;
    }
}

// ---------------------------------------------------------------------------------------------

void OkxFeed::onBook(const okx::Event& ev) {
    if (ev.channel != "books") return;
    VenueBook* book = venueBook(ev.instId);
    if (!book) return;
    VenueBook& b = *book;
    if (ev.snapshot) {
        setBookSnapshot(b, ev.bids, ev.asks, ev.seqId);
    } else {
        if (!b.synced) return;
        if (ev.prevSeqId != b.book.updateId()) {
            resyncBook(b,
                       QStringLiteral("sequence break: book at seqId %1, update has prevSeqId %2")
                           .arg(b.book.updateId())
                           .arg(ev.prevSeqId));
            return;
        }
        // seqId == prevSeqId with no levels is OKX's keep-alive; a seqId lower than prevSeqId
        // after maintenance is accepted as the new base (EXCHANGES.md §3.3).
        b.book.apply(ev.bids, ev.asks);
        b.book.setUpdateId(ev.seqId);
        if (ev.bids.empty() && ev.asks.empty()) return;
    }
    if (b.book.isCrossed()) {
        resyncBook(b, QStringLiteral("crossed book at seqId %1").arg(ev.seqId));
        return;
    }
    deliverBook(b.id, b.book, ev.timeMs);
}

}  // namespace kairos::marketdata
