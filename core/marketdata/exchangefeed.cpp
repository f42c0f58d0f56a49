#include "marketdata/exchangefeed.h"

#include "marketdata/detail/jsonscan.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrlQuery>

#include <algorithm>

Q_LOGGING_CATEGORY(lcFeed, "kairos.marketdata")

namespace kairos::marketdata {

struct ExchangeFeed::BarsFetch {
    quint64 id = 0;
    InstrumentId instrument;
    Timeframe tf = Timeframe::M1;
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::int64_t cursor = 0;
    BarsCallbacks callbacks;
    bool cancelled = false;
};

namespace {
QStringList sorted(const QSet<QString>& s) {
    QStringList l(s.begin(), s.end());
    l.sort();
    return l;
}

/// End of a page window starting at `from` holding at most `bars` buckets.
std::int64_t windowEnd(Timeframe tf, std::int64_t from, int bars) {
    if (auto d = fixedDurationMs(tf)) return from + *d * bars;
    std::int64_t t = from;
    for (int i = 0; i < bars; ++i) t = nextBucketStart(tf, t);
    return t;
}
}  // namespace

FeedConfig FeedDefaults::config() const {
    FeedConfig c;
    c.restUrl = QUrl(QString::fromLatin1(restUrl));
    c.wsUrl = QUrl(QString::fromLatin1(wsUrl));
    if (wsUrl2) c.wsUrl2 = QUrl(QString::fromLatin1(wsUrl2));
    c.ws.pingIntervalMs = pingIntervalMs;
    if (pingText) c.ws.pingText = pingText;
    c.ws.idleTimeoutMs = idleTimeoutMs;
    c.ws.maxLifetimeMs = maxLifetimeMs;
    c.ws.maxControlPerSecond = maxControlPerSecond;
    if (reconnect) c.ws.reconnect = *reconnect;
    c.rest.minIntervalMs = restMinIntervalMs;
    c.bookDepth = bookDepth;
    return c;
}

ExchangeFeed::ExchangeFeed(QString venue, const VenueTraits& traits, FeedConfig config,
                           std::unique_ptr<net::RateLimitPolicy> restPolicy, QObject* parent)
    : MarketDataFeed(parent),
      m_config(std::move(config)),
      m_traits(traits),
      m_venue(std::move(venue)),
      m_venueStd(m_venue.toStdString()),
      m_now([] { return QDateTime::currentMSecsSinceEpoch(); }) {
    qRegisterMetaType<kairos::marketdata::Ticker24h>();
    qRegisterMetaType<kairos::marketdata::BookTop>();
    qRegisterMetaType<std::vector<kairos::Bar>>();
    m_rest = new net::RestClient(m_config.restUrl, std::move(restPolicy), m_config.rest, this);
    connect(m_rest, &net::RestClient::rateLimited, this, &ExchangeFeed::rateLimited);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &ExchangeFeed::flushPending);
    m_status.state = FeedState::Disconnected;
}

ExchangeFeed::~ExchangeFeed() {
    for (auto& s : m_shards) s->conn->disconnect(this);
}

int ExchangeFeed::maxTopics() const {
    return m_config.maxTopicsPerConnection > 0 ? m_config.maxTopicsPerConnection : m_traits.defaultMaxTopicsPerConnection;
}

QString ExchangeFeed::endpointFor(const Subscription&) const { return {}; }

QString ExchangeFeed::topicFor(const Subscription& s) const {
    const VenueTopics& t = m_traits.topics;
    const std::pair<Channel, const char*> patterns[] = {{Channel::Trades, t.trades},
                                                        {Channel::Quotes, t.quotes},
                                                        {Channel::Ticker, t.ticker},
                                                        {Channel::Bars, t.bars},
                                                        {Channel::Book, t.book}};
    const char* pattern = nullptr;
    for (const auto& [channel, p] : patterns)
        if (channel == s.channel) pattern = p;
    QString topic = QString::fromLatin1(pattern);
    if (s.channel == Channel::Bars) {
        const BarsRequest& r = m_traits.bars;
        const std::optional<std::string> tf = r.interval ? r.interval(s.timeframe) : toString(s.timeframe);
        topic.replace(QLatin1String("%2"), QString::fromStdString(tf.value_or(std::string())));
    }
    return topic.replace(QLatin1String("%1"), QString::fromStdString(s.instrument.symbol));
}

void ExchangeFeed::fetchInstruments(InstrumentsCallback callback) {
    const VenueTraits::InstrumentsRequest& r = m_traits.instruments;
    if (!r.parse) return callback(makeError(m_venueStd + " lists no instruments"));
    QUrlQuery q;
    if (r.queryKey) q.addQueryItem(QString::fromLatin1(r.queryKey), QString::fromLatin1(r.queryValue));
    restGet(
        QString::fromLatin1(r.path), q, 1, r.what,
        [parse = r.parse, v = m_venueStd](const QByteArray& body) { return parse(body, v); }, std::move(callback));
}

QUrl ExchangeFeed::connectUrl(const QString&, const QStringList& topics, QStringList* viaMessages) const {
    *viaMessages = topics;
    return m_config.wsUrl;
}

void ExchangeFeed::onConnectionOpened(Shard&) {}
void ExchangeFeed::onConnectionLost(Shard&) {}
void ExchangeFeed::onSubscribed(const Subscription&) {}
void ExchangeFeed::onUnsubscribed(const Subscription&) {}
const OrderBook* ExchangeFeed::orderBook(const InstrumentId& id) const {
    auto it = m_books.find(id.symbol);
    return it == m_books.end() || !it->second.synced ? nullptr : &it->second.book;
}

ExchangeFeed::VenueBook* ExchangeFeed::venueBook(std::string_view symbol) {
    auto it = m_books.find(symbol);
    return it == m_books.end() ? nullptr : &it->second;
}

void ExchangeFeed::setBookSnapshot(VenueBook& b, const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks,
                                   std::int64_t updateId) {
    b.book.setSnapshot(bids, asks, updateId);
    b.synced = true;
    b.crossedSnapshot = b.book.isCrossed();
}

void ExchangeFeed::resyncBook(VenueBook& b, const QString& reason) {
    b.synced = false;
    b.book.clear();
    noteBookResync(b.id, reason);
    resubscribeTopic(topicFor({Channel::Book, b.id, Timeframe::M1}));
}

void ExchangeFeed::resyncBooksOn(const Shard& shard, const QString& reason) {
    for (auto& [sym, b] : m_books)
        if (b.synced && shard.topics.contains(topicFor({Channel::Book, b.id, Timeframe::M1}))) resyncBook(b, reason);
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and connections

void ExchangeFeed::subscribe(const Subscription& s) {
    if (s.instrument.venue != m_venueStd) {
        reportVenueError(QStringLiteral("%1 cannot subscribe to %2: it belongs to another venue")
                             .arg(m_venue, QString::fromStdString(s.instrument.toString())));
        return;
    }
    if (s.channel == Channel::Bars && !supportsTimeframe(s.timeframe)) {
        reportVenueError(QStringLiteral("%1 has no %2 candles").arg(m_venue, QString::fromStdString(toString(s.timeframe))));
        return;
    }
    if (!m_subs.insert(s).second) return;
    if (s.channel == Channel::Book && m_traits.venueBooks) m_books[s.instrument.symbol].id = s.instrument;
    onSubscribed(s);
    const QString topic = topicFor(s);
    if (++m_topicRefs[topic] == 1) addTopic(endpointFor(s), topic);
}

void ExchangeFeed::unsubscribe(const Subscription& s) {
    if (m_subs.erase(s) == 0) return;
    if (s.channel == Channel::Book) m_books.erase(s.instrument.symbol);
    onUnsubscribed(s);
    if (s.channel == Channel::Bars) {
        m_barTracks.erase({s.instrument, s.timeframe});
        m_formingBars.erase({s.instrument, s.timeframe});
        m_tradeBars.erase({s.instrument, s.timeframe});
    }
    const QString topic = topicFor(s);
    auto it = m_topicRefs.find(topic);
    if (it == m_topicRefs.end()) return;
    if (--it.value() <= 0) {
        m_topicRefs.erase(it);
        removeTopic(topic);
    }
}

void ExchangeFeed::stop() {
    for (auto& s : m_shards) {
        s->conn->disconnect(this);
        s->conn->close();
        s->conn->deleteLater();
    }
    m_shards.clear();
    for (const auto& s : m_subs) onUnsubscribed(s);
    m_subs.clear();
    m_books.clear();
    m_topicRefs.clear();
    m_barTracks.clear();
    m_formingBars.clear();
    m_tradeBars.clear();
    updateStatus();
}

ExchangeFeed::Shard* ExchangeFeed::shardForTopic(const QString& topic) const {
    for (const auto& s : m_shards)
        if (s->topics.contains(topic)) return s.get();
    return nullptr;
}

void ExchangeFeed::addTopic(const QString& endpoint, const QString& topic) {
    Shard* shard = nullptr;
    for (auto& s : m_shards) {
        if (s->endpoint == endpoint && s->topics.size() < maxTopics()) {
            shard = s.get();
            break;
        }
    }
    if (!shard) {
        auto owned = std::make_unique<Shard>();
        shard = owned.get();
        shard->index = m_nextShardIndex++;
        shard->endpoint = endpoint;
        shard->conn = new net::WsConnection(m_config.ws, this);
        connect(shard->conn, &net::WsConnection::opened, this, [this, shard] { onShardOpened(shard); });
        connect(shard->conn, &net::WsConnection::closed, this,
                [this, shard](const QString& reason, int retryInMs) { onShardClosed(shard, reason, retryInMs); });
        connect(shard->conn, &net::WsConnection::stateChanged, this, [this] { updateStatus(); });
        connect(shard->conn, &net::WsConnection::textReceived, this,
                [this, shard](const QByteArray& m) { handleMessage(*shard, m); });
        m_shards.push_back(std::move(owned));
    }
    shard->topics.insert(topic);
    shard->pendingUnsub.removeAll(topic);
    shard->pendingSub.append(topic);
    // Coalesce: subscribing 500 symbols in one go becomes a few batched messages.
    if (!m_flushTimer.isActive()) m_flushTimer.start(0);
}

void ExchangeFeed::removeTopic(const QString& topic) {
    Shard* shard = shardForTopic(topic);
    if (!shard) return;
    shard->topics.remove(topic);
    shard->pendingSub.removeAll(topic);
    shard->pendingUnsub.append(topic);
    if (!m_flushTimer.isActive()) m_flushTimer.start(0);
}

void ExchangeFeed::flushPending() {
    for (auto it = m_shards.begin(); it != m_shards.end();) {
        Shard* s = it->get();
        if (s->topics.isEmpty()) {
            // Nothing left on this connection: close it rather than unsubscribing topic by topic.
            s->conn->disconnect(this);
            s->conn->close();
            s->conn->deleteLater();
            it = m_shards.erase(it);
            continue;
        }
        net::WsConnection* c = s->conn;
        if (c->state() == net::WsConnection::State::Open) {
            if (!s->pendingSub.isEmpty())
                for (const auto& m : controlMessages(Control::Subscribe, s->endpoint, s->pendingSub)) c->sendText(m);
            if (!s->pendingUnsub.isEmpty())
                for (const auto& m : controlMessages(Control::Unsubscribe, s->endpoint, s->pendingUnsub)) c->sendText(m);
            s->pendingSub.clear();
            s->pendingUnsub.clear();
        } else if (c->state() == net::WsConnection::State::Idle || c->state() == net::WsConnection::State::Failed) {
            s->pendingSub.clear();
            s->pendingUnsub.clear();
            c->open([this, s] {
                QStringList via;
                const QStringList all = sorted(s->topics);
                QUrl url = connectUrl(s->endpoint, all, &via);
                s->urlTopics = s->topics;
                for (const auto& t : via) s->urlTopics.remove(t);
                return url;
            });
        }
        // Connecting or waiting to reconnect: onShardOpened() subscribes everything.
        ++it;
    }
    updateStatus();
}

void ExchangeFeed::onShardOpened(Shard* shard) {
    shard->pendingSub.clear();
    shard->pendingUnsub.clear();
    QSet<QString> toSub = shard->topics;
    toSub.subtract(shard->urlTopics);
    QSet<QString> toUnsub = shard->urlTopics;
    toUnsub.subtract(shard->topics);
    if (!toSub.isEmpty())
        for (const auto& m : controlMessages(Control::Subscribe, shard->endpoint, sorted(toSub))) shard->conn->sendText(m);
    if (!toUnsub.isEmpty())
        for (const auto& m : controlMessages(Control::Unsubscribe, shard->endpoint, sorted(toUnsub))) shard->conn->sendText(m);
    onConnectionOpened(*shard);
    updateStatus();
}

void ExchangeFeed::onShardClosed(Shard* shard, const QString& reason, int retryInMs) {
    if (retryInMs >= 0) ++m_reconnects;
    qCInfo(lcFeed).noquote() << m_venue << "connection" << shard->index << "lost:" << reason
                             << (retryInMs >= 0 ? QStringLiteral("; reconnecting in %1 ms").arg(retryInMs)
                                                : QStringLiteral("; giving up"));
    for (auto& [sym, b] : m_books) {
        if (!shard->topics.contains(topicFor({Channel::Book, b.id, Timeframe::M1}))) continue;
        if (b.synced) noteBookResync(b.id, QStringLiteral("connection lost; a new snapshot follows the reconnect"));
        b.synced = false;
        b.book.clear();
    }
    onConnectionLost(*shard);
    updateStatus();
}

void ExchangeFeed::reconnectSoon(Shard& shard, const QString& reason) {
    QPointer<net::WsConnection> conn(shard.conn);
    QMetaObject::invokeMethod(
        this,
        [conn, reason] {
            if (conn) conn->reconnectNow(reason);
        },
        Qt::QueuedConnection);
}

void ExchangeFeed::reconnectTopic(const QString& topic, const QString& reason) {
    if (Shard* s = shardForTopic(topic)) s->conn->reconnectNow(reason);
}

void ExchangeFeed::sendOnTopicConnection(const QString& topic, const QByteArray& message) {
    Shard* s = shardForTopic(topic);
    if (s && s->conn->isOpen()) s->conn->sendText(message);
}

void ExchangeFeed::resubscribeTopic(const QString& topic) {
    Shard* s = shardForTopic(topic);
    if (!s || !s->conn->isOpen()) return;  // a reconnect subscribes everything anyway
    for (const auto& m : controlMessages(Control::Unsubscribe, s->endpoint, {topic})) s->conn->sendText(m);
    for (const auto& m : controlMessages(Control::Subscribe, s->endpoint, {topic})) s->conn->sendText(m);
}

void ExchangeFeed::updateStatus() {
    FeedStatus st;
    if (m_shards.empty()) {
        st.state = FeedState::Disconnected;
    } else {
        bool anyFailed = false, anyWaiting = false, anyConnecting = false;
        int retry = INT32_MAX;
        QString why;
        for (const auto& s : m_shards) {
            switch (s->conn->state()) {
            case net::WsConnection::State::Failed:
                anyFailed = true;
                why = s->conn->lastError();
                break;
            case net::WsConnection::State::WaitingToReconnect:
                anyWaiting = true;
                if (s->conn->retryInMs() < retry) {
                    retry = s->conn->retryInMs();
                    if (!anyFailed) why = s->conn->lastError();
                }
                break;
            case net::WsConnection::State::Connecting:
            case net::WsConnection::State::Idle:
                anyConnecting = true;
                break;
            case net::WsConnection::State::Open:
                break;
            }
        }
        if (anyFailed) {
            st.state = FeedState::Down;
            st.detail = why;
        } else if (anyWaiting) {
            st.state = FeedState::Reconnecting;
            st.retryInMs = retry;
            st.detail = why;
        } else if (anyConnecting) {
            st.state = FeedState::Connecting;
        } else {
            st.state = FeedState::Live;
        }
    }
    if (st.state == m_status.state && st.detail == m_status.detail && st.retryInMs == m_status.retryInMs) return;
    m_status = st;
    Q_EMIT statusChanged(m_status);
}

// ---------------------------------------------------------------------------------------------
// Delivery helpers

void ExchangeFeed::reportMalformed(const QString& kind, std::string_view message, const QString& why) {
    ++m_malformedTotal;
    if (++m_malformed[kind] != 1) return;
    const QString text = QStringLiteral("%1: skipped a malformed %2 message (%3): %4")
                             .arg(m_venue, kind, why, QString::fromStdString(detail::excerpt(message)));
    qCWarning(lcFeed).noquote() << text;
    Q_EMIT errorOccurred(text);
}

void ExchangeFeed::reportInvalid(const QString& kind, const InstrumentId& id, const QString& why) {
    ++m_invalidTotal;
    if (++m_invalid[kind] != 1) return;
    const QString text =
        QStringLiteral("%1: skipped an invalid %2 of %3: %4").arg(m_venue, kind, QString::fromStdString(id.symbol), why);
    qCWarning(lcFeed).noquote() << text;
    Q_EMIT errorOccurred(text);
}

namespace {
QString num(const Price& p) { return QString::fromStdString(p.toTrimmedString()); }
QString num(const Quantity& q) { return QString::fromStdString(q.toTrimmedString()); }
}  // namespace

void ExchangeFeed::deliverTrade(const InstrumentId& id, const Trade& t, bool buildBars, bool (*skip)(Timeframe)) {
    QString why;
    if (t.price.raw() <= 0)
        why = QStringLiteral("price %1 is not positive").arg(num(t.price));
    else if (t.quantity.raw() <= 0)
        why = QStringLiteral("quantity %1 is not positive").arg(num(t.quantity));
    else if (t.timeMs < 0)
        why = QStringLiteral("time %1 ms is before 1970").arg(t.timeMs);
    if (!why.isEmpty()) return reportInvalid(QStringLiteral("trade"), id, why);
    const bool wanted = isSubscribed({Channel::Trades, id, Timeframe::M1});
    if (wanted) Q_EMIT tradeReceived(id, t);
    const bool folded = buildBars && deliverTradeToBars(id, t, skip);
    if (!wanted && !folded) reportInvalid(QStringLiteral("event"), id, QStringLiteral("trade of a symbol not subscribed"));
}

void ExchangeFeed::deliverQuote(const InstrumentId& id, const Quote& q) {
    if (q.bid.isNegative() || q.ask.isNegative() || q.bidSize.isNegative() || q.askSize.isNegative() || q.timeMs < 0)
        return reportInvalid(QStringLiteral("quote"), id,
                             QStringLiteral("bid %1 x %2, ask %3 x %4 at %5 ms")
                                 .arg(num(q.bid), num(q.bidSize), num(q.ask), num(q.askSize))
                                 .arg(q.timeMs));
    if (!isSubscribed({Channel::Quotes, id, Timeframe::M1}))
        return reportInvalid(QStringLiteral("event"), id, QStringLiteral("quote of a symbol not subscribed"));
    Q_EMIT quoteReceived(id, q);
}

void ExchangeFeed::deliverTicker(const InstrumentId& id, const Ticker24h& t) {
    if (t.lastPrice.isNegative() || t.timeMs < 0)
        return reportInvalid(QStringLiteral("ticker"), id,
                             QStringLiteral("last price %1 at %2 ms").arg(num(t.lastPrice)).arg(t.timeMs));
    if (!isSubscribed({Channel::Ticker, id, Timeframe::M1}))
        return reportInvalid(QStringLiteral("event"), id, QStringLiteral("ticker of a symbol not subscribed"));
    Q_EMIT tickerReceived(id, t);
}

bool ExchangeFeed::acceptBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    QString why;
    // Not Bar::validate(): venues' own examples put open or close outside [low, high] (Binance's
    // kline doc example), which is odd but harmless; a low above the high is not.
    if (bar.low.raw() <= 0 || bar.open.raw() <= 0 || bar.close.raw() <= 0)
        why = QStringLiteral("a price is not positive (open %1, low %2, close %3)")
                  .arg(num(bar.open), num(bar.low), num(bar.close));
    else if (bar.high < bar.low)
        why = QStringLiteral("high %1 is below low %2").arg(num(bar.high), num(bar.low));
    else if (bar.volume.isNegative())
        why = QStringLiteral("volume %1 is negative").arg(num(bar.volume));
    else if (bar.openTimeMs < 0)
        why = QStringLiteral("open time %1 ms is before 1970").arg(bar.openTimeMs);
    else if (bucketStart(tf, bar.openTimeMs) != bar.openTimeMs)
        why = QStringLiteral("open time %1 is off the %2 grid")
                  .arg(QString::fromStdString(formatUtc(bar.openTimeMs)), QString::fromStdString(toString(tf)));
    if (!why.isEmpty()) {
        reportInvalid(QStringLiteral("bar"), id, why);
        return false;
    }
    if (!isSubscribed({Channel::Bars, id, tf})) {
        reportInvalid(QStringLiteral("event"), id,
                      QStringLiteral("%1 bar of a symbol not subscribed").arg(QString::fromStdString(toString(tf))));
        return false;
    }
    return true;
}

void ExchangeFeed::reportVenueError(const QString& text) {
    qCWarning(lcFeed).noquote() << m_venue << text;
    Q_EMIT errorOccurred(m_venue + QStringLiteral(": ") + text);
}

void ExchangeFeed::noteBookResync(const InstrumentId& id, const QString& reason) {
    ++m_bookResyncs;
    qCInfo(lcFeed).noquote() << m_venue << QString::fromStdString(id.symbol) << "book resync:" << reason;
    Q_EMIT bookResynced(id, reason);
}

void ExchangeFeed::deliverBook(const InstrumentId& id, const OrderBook& book, std::int64_t timeMs) {
    Q_EMIT bookUpdated(id, book.top(static_cast<std::size_t>(std::max(1, m_config.bookSignalLevels)), timeMs));
}

void ExchangeFeed::setLastClosedBar(const InstrumentId& id, Timeframe tf, std::int64_t openTimeMs) {
    auto& t = m_barTracks[{id, tf}];
    t.lastClosedOpenMs = std::max(t.lastClosedOpenMs, openTimeMs);
}

void ExchangeFeed::deliverBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    if (acceptBar(id, tf, bar)) emitBar(id, tf, bar);
}

void ExchangeFeed::emitBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    Q_EMIT barUpdated(id, tf, bar);
    auto& t = m_barTracks[{id, tf}];
    if (t.lastClosedOpenMs >= 0) {
        const std::int64_t expected = nextBucketStart(tf, t.lastClosedOpenMs);
        if (bar.openTimeMs > expected) {
            // Bars between the last closed one and this one never came (a drop, a reconnect,
            // a lost closing update): fetch them. Mark them as handled so the next update of
            // this bar does not ask again.
            t.lastClosedOpenMs = bucketStart(tf, bar.openTimeMs - 1);
            startBackfill(id, tf, expected, bar.openTimeMs, 1);
        }
    }
    if (bar.closed && bar.openTimeMs > t.lastClosedOpenMs) t.lastClosedOpenMs = bar.openTimeMs;
}

void ExchangeFeed::deliverUnflaggedBar(const InstrumentId& id, Timeframe tf, Bar bar) {
    if (!acceptBar(id, tf, bar)) return;
    bar.closed = false;
    auto it = m_formingBars.find({id, tf});
    if (it != m_formingBars.end()) {
        if (bar.openTimeMs < it->second.openTimeMs) return;  // a late update of a bar already closed
        if (bar.openTimeMs > it->second.openTimeMs) {
            Bar done = it->second;
            done.closed = true;
            emitBar(id, tf, done);
        }
        it->second = bar;
    } else {
        m_formingBars.emplace(BarKey{id, tf}, bar);
    }
    emitBar(id, tf, bar);
}

void ExchangeFeed::deliverUnsequencedBook(std::string_view symbol, bool snapshot, const std::vector<BookLevel>& bids,
                                          const std::vector<BookLevel>& asks, std::int64_t timeMs) {
    VenueBook* book = venueBook(symbol);
    if (!book) return;
    VenueBook& b = *book;
    if (snapshot) {
        setBookSnapshot(b, bids, asks);
    } else {
        if (!b.synced) return;  // before the snapshot: the snapshot will contain it
        b.book.apply(bids, asks);
        b.book.setUpdateId(b.book.updateId() + 1);
        if (!b.crossedSnapshot && b.book.isCrossed()) {
            resyncBook(b, QStringLiteral("crossed book after %1 updates").arg(b.book.updateId()));
            return;
        }
    }
    deliverBook(b.id, b.book, timeMs);
}

bool ExchangeFeed::deliverTradeToBars(const InstrumentId& id, const Trade& t, bool (*skip)(Timeframe)) {
    bool any = false;
    for (auto it = m_subs.lower_bound({Channel::Bars, id, Timeframe::S1}); it != m_subs.end(); ++it) {
        if (it->channel != Channel::Bars || !(it->instrument == id)) break;
        const Timeframe tf = it->timeframe;
        any = true;
        if (skip && skip(tf)) continue;
        const std::int64_t bucket = bucketStart(tf, t.timeMs);
        auto [pos, fresh] = m_tradeBars.try_emplace(BarKey{id, tf});
        TradeBar& tb = pos->second;
        if (!fresh && bucket < tb.bar.openTimeMs) continue;  // late trade of a bar already closed
        if (fresh || bucket > tb.bar.openTimeMs) {
            if (!fresh) {
                if (!tb.partial) {
                    Bar done = tb.bar;
                    done.closed = true;
                    emitBar(id, tf, done);
                } else {
                    // Incomplete: let the gap check below fetch it (unless an older gap covers it).
                    auto& track = m_barTracks[{id, tf}];
                    if (track.lastClosedOpenMs < 0) track.lastClosedOpenMs = bucketStart(tf, tb.bar.openTimeMs - 1);
                }
                tb.partial = false;
            }
            tb.bar = Bar{};
            tb.bar.openTimeMs = bucket;
            tb.bar.open = tb.bar.high = tb.bar.low = tb.bar.close = t.price;
            tb.bar.volume = t.quantity;
            tb.bar.tradeCount = 1;
        } else {
            if (tb.bar.high < t.price) tb.bar.high = t.price;
            if (t.price < tb.bar.low) tb.bar.low = t.price;
            tb.bar.close = t.price;
            if (auto v = tb.bar.volume.add(t.quantity)) tb.bar.volume = *v;
            ++tb.bar.tradeCount;
        }
        tb.bar.closed = false;
        emitBar(id, tf, tb.bar);
    }
    return any;
}

void ExchangeFeed::markTradeBarsIncomplete(const InstrumentId& id) {
    for (auto& [key, tb] : m_tradeBars)
        if (key.first == id) tb.partial = true;
}

void ExchangeFeed::startBackfill(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs, int attempt) {
    if (attempt == 1) {
        qCInfo(lcFeed).noquote() << m_venue << QString::fromStdString(id.symbol) << QString::fromStdString(toString(tf)) << "gap"
                                 << QString::fromStdString(formatUtc(fromMs)) << "->" << QString::fromStdString(formatUtc(toMs))
                                 << "; backfilling over REST";
        Q_EMIT gapDetected(id, tf, fromMs, toMs);
    }
    auto bars = std::make_shared<std::vector<Bar>>();
    BarsCallbacks cb;
    cb.onPage = [bars](const std::vector<Bar>& page) { bars->insert(bars->end(), page.begin(), page.end()); };
    QPointer<ExchangeFeed> self(this);
    cb.onDone = [self, bars, id, tf, fromMs, toMs, attempt](const Status& st) {
        if (!self) return;
        if (st) {
            if (!self->isSubscribed({Channel::Bars, id, tf})) return;
            Q_EMIT self->barsBackfilled(id, tf, *bars);
            return;
        }
        if (attempt >= self->m_config.backfillMaxAttempts) {
            self->reportVenueError(QStringLiteral("backfill of %1 %2 failed: %3")
                                       .arg(QString::fromStdString(id.symbol), QString::fromStdString(toString(tf)),
                                            QString::fromStdString(st.message())));
            return;
        }
        net::Backoff b(net::Backoff::Policy{2000, 120'000, 2.0, 0.5});
        int delay = 0;
        for (int i = 0; i < attempt; ++i) delay = b.nextDelayMs();
        QTimer::singleShot(delay, self, [self, id, tf, fromMs, toMs, attempt] {
            if (self && self->isSubscribed({Channel::Bars, id, tf})) self->startBackfill(id, tf, fromMs, toMs, attempt + 1);
        });
    };
    fetchBars(id, tf, fromMs, toMs, std::move(cb));
}

// ---------------------------------------------------------------------------------------------
// History

quint64 ExchangeFeed::fetchBars(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs,
                                BarsCallbacks callbacks) {
    auto f = std::make_shared<BarsFetch>();
    f->id = m_nextFetchId++;
    f->instrument = id;
    f->tf = tf;
    f->fromMs = bucketStart(tf, fromMs);
    f->toMs = toMs;
    f->cursor = f->fromMs;
    f->callbacks = std::move(callbacks);
    m_fetches[f->id] = f;
    QPointer<ExchangeFeed> self(this);
    QTimer::singleShot(0, this, [self, f] {
        if (self && !f->cancelled) self->nextPage(f);
    });
    return f->id;
}

void ExchangeFeed::cancelFetch(quint64 fetchId) {
    auto it = m_fetches.find(fetchId);
    if (it == m_fetches.end()) return;
    it->second->cancelled = true;
    m_fetches.erase(it);
}

void ExchangeFeed::fetchBarsPage(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs,
                                 BarsPageCallback callback) {
    const BarsRequest& r = m_traits.bars;
    const std::optional<std::string> interval = r.interval ? r.interval(tf) : toString(tf);
    if (!interval) return callback(makeError(m_venueStd + " has no " + toString(tf) + " candles"));
    // A time in the request's format, `unitsBefore` units (ms, s) earlier.
    auto time = [&r](std::int64_t ms, int unitsBefore = 0) {
        switch (r.time) {
        case BarsRequest::Time::Seconds:
            return QString::number(ms / 1000 - unitsBefore);
        case BarsRequest::Time::Iso8601:
            return QDateTime::fromMSecsSinceEpoch(ms - 1000LL * unitsBefore, Qt::UTC).toString(Qt::ISODate);
        case BarsRequest::Time::Ms:
            break;
        }
        return QString::number(ms - unitsBefore);
    };
    const QString from = time(fromMs, r.bounds == BarsRequest::Bounds::Exclusive ? 1 : 0);
    QString to;
    switch (r.bounds) {
    case BarsRequest::Bounds::LastMs:
        to = time(toMs - 1);
        break;
    case BarsRequest::Bounds::LastBucket:
        to = time(std::max(fromMs, toMs - fixedDurationMs(tf).value_or(0)));
        break;
    case BarsRequest::Bounds::Exclusive:
        to = time(toMs);
        break;
    }
    const QString symbol = restSymbol(id);
    const BarsRequest::Keys& k = r.keys;
    QUrlQuery q;
    const std::pair<const char*, QString> items[] = {
        {k.fixed.first, QString::fromLatin1(k.fixed.second)},
        {k.symbol, symbol},
        {k.interval, QString::fromStdString(*interval)},
        {k.from, from},
        {k.to, to},
        {k.limit, QString::number(maxBarsPerRequest())},
    };
    for (const auto& [key, value] : items)
        if (key) q.addQueryItem(QString::fromLatin1(key), value);
    restGet(
        QString::fromLatin1(r.path).replace(QLatin1String("%1"), symbol), q, r.weight, r.what,
        [parse = r.parse](const QByteArray& body) { return parse(textOf(body)); }, std::move(callback));
}

void ExchangeFeed::nextPage(const std::shared_ptr<BarsFetch>& f) {
    auto finish = [this, f](Status st) {
        m_fetches.erase(f->id);
        if (f->callbacks.onDone) f->callbacks.onDone(std::move(st));
    };
    if (f->instrument.venue != m_venueStd) {
        finish(makeError(f->instrument.toString() + " is not a " + m_venueStd + " instrument"));
        return;
    }
    if (!supportsTimeframe(f->tf)) {
        finish(makeError(m_venueStd + " has no " + toString(f->tf) + " candles"));
        return;
    }
    if (f->cursor >= f->toMs) {
        finish({});
        return;
    }
    const std::int64_t winEnd = std::min(f->toMs, windowEnd(f->tf, f->cursor, maxBarsPerRequest()));
    QPointer<ExchangeFeed> self(this);
    fetchBarsPage(f->instrument, f->tf, f->cursor, winEnd, [self, f, winEnd, finish](Result<std::vector<Bar>> r) {
        if (!self || f->cancelled) return;
        if (!r) {
            finish(r.error());
            return;
        }
        std::vector<Bar>& bars = *r;
        const std::int64_t now = self->nowMs();
        std::erase_if(bars, [&](const Bar& b) {
            return b.openTimeMs < f->cursor || b.openTimeMs >= winEnd || nextBucketStart(f->tf, b.openTimeMs) > now;
        });
        std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.openTimeMs < b.openTimeMs; });
        bars.erase(std::unique(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.openTimeMs == b.openTimeMs; }),
                   bars.end());
        for (auto& b : bars) b.closed = true;
        f->cursor = winEnd;
        if (!bars.empty() && f->callbacks.onPage) f->callbacks.onPage(bars);
        if (f->cancelled || !self) return;
        if (f->callbacks.onProgress) f->callbacks.onProgress(f->cursor, f->fromMs, f->toMs);
        if (f->cancelled || !self) return;
        // Stop at "now": windows in the future hold nothing yet.
        if (f->cursor > now) f->cursor = std::max(f->cursor, f->toMs);
        self->nextPage(f);
    });
}

}  // namespace kairos::marketdata
