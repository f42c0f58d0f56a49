#include "marketdata/bybitfeed.h"

#include "marketdata/detail/venuemessages.h"

#include <QDateTime>

namespace kairos::marketdata {

namespace {
constexpr int kMaxArgsPerMessage = 10;  // spot limit per subscribe request

/// Names of message kinds for the malformed-message counts.
constexpr std::pair<bybit::EventKind, std::string_view> kKindNames[] = {
    {bybit::EventKind::Trades, "publicTrade"},    {bybit::EventKind::Book, "orderbook"},
    {bybit::EventKind::Ticker, "tickers"},        {bybit::EventKind::Kline, "kline"},
    {bybit::EventKind::Control, "control reply"},
};
}  // namespace

// ---------------------------------------------------------------------------------------------

std::int64_t BybitRateLimitPolicy::delayBeforeMs(int, std::int64_t nowMs) {
    return m_blockedUntilMs > nowMs ? m_blockedUntilMs - nowMs : 0;
}

void BybitRateLimitPolicy::onResponse(const net::HttpResponse& r, std::int64_t nowMs) {
    // Per-UID budget headers (mostly private endpoints): none left means wait for the reset.
    const QByteArray status = r.header("X-Bapi-Limit-Status");
    const QByteArray reset = r.header("X-Bapi-Limit-Reset-Timestamp");
    if (!status.isEmpty() && !reset.isEmpty() && status.trimmed().toLongLong() <= 0) {
        const std::int64_t until = reset.trimmed().toLongLong();
        if (until > nowMs) m_blockedUntilMs = until;
    }
}

std::optional<net::RateLimitPolicy::Rejection> BybitRateLimitPolicy::rejection(const net::HttpResponse& r) const {
    if (r.status == 403) {
        // "access too frequent": Bybit asks to stop for at least 10 minutes (EXCHANGES.md §2.2).
        return Rejection{600'000, QStringLiteral("HTTP 403: access too frequent (Bybit IP rate limit); waiting 10 minutes")};
    }
    if (r.status == 200) {
        const auto code = bybit::retCode(std::string_view(r.body.constData(), static_cast<std::size_t>(r.body.size())));
        if (code && (*code == 10006 || *code == 10018)) {
            Rejection rej;
            rej.reason = QStringLiteral("Bybit retCode %1: too many visits").arg(*code);
            const std::int64_t reset = r.header("X-Bapi-Limit-Reset-Timestamp").trimmed().toLongLong();
            const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
            rej.waitMs = reset > now ? reset - now : -1;
            return rej;
        }
    }
    return net::RateLimitPolicy::rejection(r);
}

// ---------------------------------------------------------------------------------------------

namespace {
/// Fixed by the venue's API (EXCHANGES.md).
const VenueTraits kBybitFeedTraits{
    .defaults = {.restUrl = "https://api.bybit.com",
                 .wsUrl = "wss://stream.bybit.com/v5/public/spot",
                 .pingIntervalMs = 20'000,
                 .pingText = R"({"req_id":"ping","op":"ping"})",
                 .idleTimeoutMs = 60'000,
                 .bookDepth = 50},
    // Best bid/ask from the depth-1 book (spot tickers carry none); the book topic names the
    // configured depth (topicFor).
    .topics = {.trades = "publicTrade.%1", .quotes = "orderbook.1.%1", .ticker = "tickers.%1", .bars = "kline.%2.%1"},
    // Newest first (sorted by the base); the default category would be linear.
    .bars = {.path = "/v5/market/kline",
             .what = "kline",
             .keys = {.symbol = "symbol",
                      .interval = "interval",
                      .from = "start",
                      .to = "end",
                      .limit = "limit",
                      .fixed = {"category", "spot"}},
             .interval = &venueSpelling<&bybit::intervalFor>,
             .parse = &bybit::parseKlines},
    .maxBarsPerRequest = 1000,
    .instruments = {.path = "/v5/market/instruments-info",
                    .queryKey = "category",
                    .queryValue = "spot",
                    .what = "instruments-info",
                    .parse = &bybit::parseInstruments}};
}  // namespace

FeedConfig BybitFeed::defaultConfig() { return kBybitFeedTraits.defaults.config(); }

BybitFeed::BybitFeed(FeedConfig config, QObject* parent)
    : ExchangeFeed(QStringLiteral("BYBIT"), kBybitFeedTraits, std::move(config), std::make_unique<BybitRateLimitPolicy>(),
                   parent) {}

int BybitFeed::bookDepth() const {
    const int d = m_config.bookDepth;
    // Spot depths are 1 / 50 / 200 / 1000 (1 is the quote topic); other values are passed through
    // for the derivatives streams that share the format (the recorded orderbook.500 fixture).
    return d > 1 ? d : 50;
}

QString BybitFeed::topicFor(const Subscription& s) const {
    if (s.channel == Channel::Book)
        return QStringLiteral("orderbook.%1.").arg(bookDepth()) + QString::fromStdString(s.instrument.symbol);
    return ExchangeFeed::topicFor(s);
}

QList<QByteArray> BybitFeed::controlMessages(Control control, const QString&, const QStringList& topics) {
    const char* op = control == Control::Subscribe ? "subscribe" : "unsubscribe";
    return detail::batched(topics, kMaxArgsPerMessage, [&](const QStringList& batch) -> QByteArray {
        return "{\"req_id\":\"" + QByteArray::number(static_cast<qlonglong>(m_nextReqId++)) + "\",\"op\":\"" + op +
            "\",\"args\":[" + detail::jsonStrings(batch) + "]}";
    });
}

void BybitFeed::handleMessage(Shard&, const QByteArray& message) {
    bybit::Event& ev = m_event;
    if (!decodeMessage(message, &bybit::decode, ev, kKindNames)) return;
    switch (ev.kind) {
    case bybit::EventKind::Trades: {
        const InstrumentId id = instrument(ev.symbol);
        for (const Trade& t : ev.trades) deliverTrade(id, t);
        break;
    }
    case bybit::EventKind::Book:
        if (ev.bookDepth == 1) {
            if (ev.bids.empty() || ev.asks.empty()) break;  // one side empty: no quote to give
            Quote q;
            q.timeMs = ev.timeMs;
            q.bid = ev.bids.front().price;
            q.bidSize = ev.bids.front().quantity;
            q.ask = ev.asks.front().price;
            q.askSize = ev.asks.front().quantity;
            deliverQuote(instrument(ev.symbol), q);
        } else {
            onBook(ev);
        }
        break;
    case bybit::EventKind::Ticker:
        ev.ticker.timeMs = ev.timeMs;
        deliverTicker(instrument(ev.symbol), ev.ticker);
        break;
    case bybit::EventKind::Kline: {
        const InstrumentId id = instrument(ev.symbol);
        for (const Bar& b : ev.bars) deliverBar(id, ev.timeframe, b);
        break;
    }
    case bybit::EventKind::Control:
        if (!ev.success)
            reportVenueError(QStringLiteral("%1 rejected: %2").arg(detail::fromUtf8(ev.op), detail::fromUtf8(ev.message)));
        break;
    case bybit::EventKind::Unknown:
        reportMalformed(QStringLiteral("unrecognised"), textOf(message), QStringLiteral("unknown topic or message"));
        break;
    }
}

// ---------------------------------------------------------------------------------------------
// Books

void BybitFeed::onBook(const bybit::Event& ev) {
    if (ev.bookDepth != bookDepth()) return;
    VenueBook* book = venueBook(ev.symbol);
    if (!book) return;
    VenueBook& b = *book;
    if (ev.snapshot) {
        setBookSnapshot(b, ev.bids, ev.asks, ev.updateId);
    } else {
        if (!b.synced) return;  // deltas before the (re)subscription's snapshot
        const std::int64_t at = b.book.updateId();
        if (ev.updateId <= at) return;  // old news
        if (ev.updateId != at + 1) {
            resyncBook(b, QStringLiteral("update id gap: book at %1, delta %2").arg(at).arg(ev.updateId));
            return;
        }
        b.book.apply(ev.bids, ev.asks);
        b.book.setUpdateId(ev.updateId);
    }
    if (b.book.isCrossed()) {
        resyncBook(b, QStringLiteral("crossed book at update %1").arg(ev.updateId));
        return;
    }
    deliverBook(b.id, b.book, ev.timeMs);
}

}  // namespace kairos::marketdata
