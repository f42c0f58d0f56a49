#include "marketdata/binancefeed.h"

#include "marketdata/detail/venuemessages.h"

#include <QPointer>
#include <QUrlQuery>

namespace kairos::marketdata {

namespace {
constexpr int kMaxStreamsInUrl = 50;       // the rest go through SUBSCRIBE messages
constexpr int kMaxParamsPerMessage = 200;  // streams per SUBSCRIBE/UNSUBSCRIBE message
constexpr int kBookSnapshotLimit = 1000;   // GET /api/v3/depth limit (weight 50)

int depthWeight(int limit) {
    if (limit <= 100) return 5;
    if (limit <= 500) return 25;
    if (limit <= 1000) return 50;
    return 250;
}

/// Names of message kinds for the malformed-message counts.
constexpr std::pair<binance::EventKind, std::string_view> kKindNames[] = {
    {binance::EventKind::Trade, "trade"},
    {binance::EventKind::AggTrade, "aggTrade"},
    {binance::EventKind::BookTicker, "bookTicker"},
    {binance::EventKind::Ticker, "24hrTicker"},
    {binance::EventKind::MiniTicker, "miniTicker"},
    {binance::EventKind::Kline, "kline"},
    {binance::EventKind::DepthUpdate, "depthUpdate"},
    {binance::EventKind::ControlResult, "control reply"},
    {binance::EventKind::ControlError, "control reply"},
    {binance::EventKind::ServerShutdown, "serverShutdown"},
};
}  // namespace

// ---------------------------------------------------------------------------------------------
// Rate limits

std::int64_t BinanceRateLimitPolicy::delayBeforeMs(int weight, std::int64_t nowMs) {
    if (m_windowStartMs < 0) return 0;
    const std::int64_t window = nowMs / 60'000 * 60'000;
    if (window != m_windowStartMs) return 0;  // a new minute: the budget is fresh
    const int budget = static_cast<int>(m_limit * kHeadroom);
    if (m_used + weight <= budget) return 0;
    // Wait for the next minute (plus a little for clock skew) rather than risk a 429.
    return m_windowStartMs + 60'000 - nowMs + 250;
}

void BinanceRateLimitPolicy::onResponse(const net::HttpResponse& r, std::int64_t nowMs) {
    const QByteArray used = r.header("X-MBX-USED-WEIGHT-1M");
    if (used.isEmpty()) return;
    bool ok = false;
    const int v = used.trimmed().toInt(&ok);
    if (!ok) return;
    m_used = v;
    m_windowStartMs = nowMs / 60'000 * 60'000;
}

std::optional<net::RateLimitPolicy::Rejection> BinanceRateLimitPolicy::rejection(const net::HttpResponse& r) const {
    auto rej = net::RateLimitPolicy::rejection(r);
    if (rej && r.status == 418 && rej->waitMs < 0) {
        // An IP ban lasts at least 2 minutes (EXCHANGES.md §1.2).
        rej->waitMs = 120'000;
        rej->reason += QStringLiteral(" (no Retry-After; waiting 120 s)");
    }
    return rej;
}

// ---------------------------------------------------------------------------------------------

namespace {
/// Fixed by the venue's API (EXCHANGES.md).
const VenueTraits kBinanceFeedTraits{
    .defaults = {.restUrl = "https://api.binance.com",
                 .wsUrl = "wss://stream.binance.com:9443",
                 .pingIntervalMs = 30'000,
                 .idleTimeoutMs = 75'000,
                 .maxLifetimeMs = (23LL * 60 + 50) * 60 * 1000,  // Binance cuts connections at 24 h
                 .maxControlPerSecond = 4,
                 .reconnect = net::Backoff::Policy{1000, 60'000, 2.0, 0.5},
                 .bookDepth = kBookSnapshotLimit},
    .bars = {.path = "/api/v3/klines",
             .what = "klines",
             .weight = 2,
             .keys = {.symbol = "symbol", .interval = "interval", .from = "startTime", .to = "endTime", .limit = "limit"},
             .interval = nullptr /* 1s ... 1M, all of Timeframe */,
             .parse = &binance::parseKlines},
    .maxBarsPerRequest = 1000,
    .defaultMaxTopicsPerConnection = 1000,
    .venueBooks = false /* BinanceBook syncs its books over REST (binancebook.h) */};
}  // namespace

FeedConfig BinanceFeed::defaultConfig() { return kBinanceFeedTraits.defaults.config(); }

BinanceFeed::BinanceFeed(FeedConfig config, QObject* parent)
    : ExchangeFeed(QStringLiteral("BINANCE"), kBinanceFeedTraits, std::move(config), std::make_unique<BinanceRateLimitPolicy>(),
                   parent),
      m_policy(static_cast<BinanceRateLimitPolicy*>(&rest().policy())) {}

QString BinanceFeed::topicFor(const Subscription& s) const {
    const std::string& sym = s.instrument.symbol;
    switch (s.channel) {
    case Channel::Trades:
        return binance::streamName(sym, m_config.aggregatedTrades ? "aggTrade" : "trade");
    case Channel::Quotes:
        return binance::streamName(sym, "bookTicker");
    case Channel::Ticker:
        return binance::streamName(sym, "ticker");
    case Channel::Bars:
        return binance::streamName(sym, "kline_" + toString(s.timeframe));
    case Channel::Book:
        return binance::streamName(sym, "depth@100ms");
    }
    return {};
}

QUrl BinanceFeed::connectUrl(const QString&, const QStringList& topics, QStringList* viaMessages) const {
    QUrl url = m_config.wsUrl;
    QString path = url.path();
    if (path.endsWith(QLatin1Char('/'))) path.chop(1);
    if (!path.endsWith(QLatin1String("/stream"))) path += QLatin1String("/stream");
    url.setPath(path);
    const QStringList inUrl = topics.mid(0, kMaxStreamsInUrl);
    *viaMessages = topics.mid(kMaxStreamsInUrl);
    url.setQuery(QStringLiteral("streams=") + inUrl.join(QLatin1Char('/')));
    return url;
}

QList<QByteArray> BinanceFeed::controlMessages(Control control, const QString&, const QStringList& topics) {
    const char* method = control == Control::Subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";
    return detail::batched(topics, kMaxParamsPerMessage, [&](const QStringList& batch) -> QByteArray {
        return "{\"method\":\"" + QByteArray(method) + "\",\"params\":[" + detail::jsonStrings(batch) +
            "],\"id\":" + QByteArray::number(static_cast<qlonglong>(m_nextRequestId++)) + '}';
    });
}

void BinanceFeed::handleMessage(Shard& shard, const QByteArray& message) {
    binance::Event& ev = m_event;
    if (!decodeMessage(message, &binance::decode, ev, kKindNames)) return;
    using binance::EventKind;
    switch (ev.kind) {
    case EventKind::Trade:
    case EventKind::AggTrade:
        deliverTrade(instrument(ev.symbol), ev.trade);
        break;
    case EventKind::BookTicker:
        if (ev.quote.timeMs == 0) ev.quote.timeMs = nowMs();  // spot bookTicker carries no time
        deliverQuote(instrument(ev.symbol), ev.quote);
        break;
    case EventKind::Ticker:
    case EventKind::MiniTicker:
        deliverTicker(instrument(ev.symbol), ev.ticker);
        break;
    case EventKind::Kline:
        deliverBar(instrument(ev.symbol), ev.timeframe, ev.bar);
        break;
    case EventKind::DepthUpdate:
        onDepthEvent(ev);
        break;
    case EventKind::ControlResult:
        break;
    case EventKind::ControlError:
        reportVenueError(QStringLiteral("request %1 rejected: code %2: %3")
                             .arg(ev.requestId)
                             .arg(ev.errorCode)
                             .arg(detail::fromUtf8(ev.errorMessage)));
        break;
    case EventKind::ServerShutdown:
        reconnectSoon(shard, QStringLiteral("server shutdown announced"));
        break;
    case EventKind::Unknown:
        reportMalformed(QStringLiteral("unrecognised"), textOf(message), QStringLiteral("unknown stream or event type"));
        break;
    }
}

// ---------------------------------------------------------------------------------------------
// Order books

void BinanceFeed::onSubscribed(const Subscription& s) {
    if (s.channel != Channel::Book) return;
    BookState& b = m_books[s.instrument.symbol];
    b.id = s.instrument;
}

void BinanceFeed::onUnsubscribed(const Subscription& s) {
    if (s.channel != Channel::Book) return;
    auto it = m_books.find(s.instrument.symbol);
    if (it == m_books.end()) return;
    if (it->second.restRequest) rest().cancel(it->second.restRequest);
    m_books.erase(it);
}

void BinanceFeed::onConnectionLost(Shard& shard) {
    for (auto& [sym, b] : m_books) {
        if (!shard.topics.contains(topicFor({Channel::Book, b.id, Timeframe::M1}))) continue;
        if (b.restRequest) rest().cancel(b.restRequest);
        b.restRequest = 0;
        const bool wasSynced = b.sync.isSynced();
        b.sync.reset(QStringLiteral("connection lost"));
        if (wasSynced) noteBookResync(b.id, QStringLiteral("connection lost; resynchronising after reconnect"));
    }
}

const OrderBook* BinanceFeed::orderBook(const InstrumentId& id) const {
    auto it = m_books.find(id.symbol);
    if (it == m_books.end() || !it->second.sync.isSynced()) return nullptr;
    return &it->second.sync.book();
}

void BinanceFeed::onDepthEvent(const binance::Event& ev) {
    auto it = m_books.find(std::string(ev.symbol));
    if (it == m_books.end()) return;  // not (or no longer) subscribed
    BookState& b = it->second;
    using Step = binance::BookSync::Step;
    const bool wasSynced = b.sync.isSynced();
    const Step step = b.sync.onEvent(ev.depth);
    if (step == Step::Applied) {
        deliverBook(b.id, b.sync.book(), ev.depth.eventTimeMs);
    } else if (step == Step::FetchSnapshot) {
        if (wasSynced) noteBookResync(b.id, b.sync.resyncReason());
        requestSnapshot(it->first);
    }
}

void BinanceFeed::requestSnapshot(const std::string& symbol) {
    auto it = m_books.find(symbol);
    if (it == m_books.end()) return;
    BookState& b = it->second;
    if (b.restRequest) rest().cancel(b.restRequest);
    const int generation = b.sync.generation();
    const int limit = m_config.bookDepth > 0 ? m_config.bookDepth : kBookSnapshotLimit;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("symbol"), QString::fromStdString(symbol));
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    QPointer<BinanceFeed> self(this);
    b.restRequest = rest().get(
        QStringLiteral("/api/v3/depth"), q, depthWeight(limit), [self, symbol, generation](Result<net::HttpResponse> r) {
            if (!self) return;
            auto it = self->m_books.find(symbol);
            if (it == self->m_books.end()) return;
            BookState& b = it->second;
            b.restRequest = 0;
            if (generation != b.sync.generation()) return;  // reset since; a new request follows
            auto retryLater = [self, symbol, &b](const QString& why) {
                ++b.snapshotAttempts;
                self->reportVenueError(
                    QStringLiteral("depth snapshot for %1 failed: %2").arg(QString::fromStdString(symbol), why));
                net::Backoff backoff(net::Backoff::Policy{1000, 60'000, 2.0, 0.5});
                int delay = 0;
                for (int i = 0; i < std::min(b.snapshotAttempts, 8); ++i) delay = backoff.nextDelayMs();
                QTimer::singleShot(delay, self, [self, symbol] {
                    if (self) self->requestSnapshot(symbol);
                });
            };
            if (!r) {
                retryLater(QString::fromStdString(r.message()));
                return;
            }
            if (r->status != 200) {
                retryLater(self->restErrorText(*r));
                return;
            }
            auto snap =
                binance::parseDepthSnapshot(std::string_view(r->body.constData(), static_cast<std::size_t>(r->body.size())));
            if (!snap) {
                self->reportMalformed(QStringLiteral("depth snapshot"),
                                      std::string_view(r->body.constData(), static_cast<std::size_t>(r->body.size())),
                                      QString::fromStdString(snap.message()));
                retryLater(QString::fromStdString(snap.message()));
                return;
            }
            using Step = binance::BookSync::Step;
            const Step step = b.sync.onSnapshot(*snap, generation);
            if (step == Step::FetchSnapshot) {
                // Stale snapshot (or a gap inside the buffer): ask again, a little later.
                ++b.snapshotAttempts;
                QTimer::singleShot(std::min(b.snapshotAttempts, 10) * 250, self, [self, symbol] {
                    if (self) self->requestSnapshot(symbol);
                });
            } else if (step == Step::Synced) {
                b.snapshotAttempts = 0;
                self->deliverBook(b.id, b.sync.book(), self->nowMs());
            }
        });
}

// ---------------------------------------------------------------------------------------------
// REST

QString BinanceFeed::restErrorText(const net::HttpResponse& r) const {
    return QStringLiteral("HTTP %1 from %2: %3").arg(r.status).arg(r.url.path(), binance::errorText(r.body));
}

void BinanceFeed::fetchInstruments(InstrumentsCallback callback) {
    // Runs only while the feed exists (restGet): `this` is safe in the parser.
    restGet(
        QStringLiteral("/api/v3/exchangeInfo"), {}, 20, "exchangeInfo",
        [this](const QByteArray& body) -> Result<std::vector<Instrument>> {
            auto info = binance::parseExchangeInfo(body, venue().toStdString());
            if (!info) return info.error();
            if (info->requestWeightPerMinute > 0) m_policy->setWeightLimitPerMinute(info->requestWeightPerMinute);
            m_instruments.clear();
            for (const auto& i : info->instruments) m_instruments[i.id.symbol] = i;
            return std::move(info->instruments);
        },
        callback);
}

}  // namespace kairos::marketdata
