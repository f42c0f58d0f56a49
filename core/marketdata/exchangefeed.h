#pragma once
// ExchangeFeed: what every exchange adapter shares, on top of the MarketDataFeed port.
//
// * Subscriptions (trades, quotes, 24 h ticker, bars per timeframe, L2 book) are a set; each maps
//   to a venue topic ("btcusdt@trade", "publicTrade.BTCUSDT", ...). Topics are spread over as many
//   WebSocket connections ("shards") as the venue's per-connection limit needs; connections open
//   lazily with the first subscription and close with the last. After every (re)connect all
//   topics of the connection are subscribed again.
// * Status: connecting / live / reconnecting in N s / down, aggregated over the connections.
// * Malformed or unexpected messages are counted per kind, logged once per kind with the venue and
//   a short excerpt, and skipped; the stream continues. Decoded events with impossible values or
//   of symbols not subscribed are skipped and counted the same way (invalidCount()); a message
//   over the connection's size limit (FeedConfig::ws.maxMessageBytes) is a protocol error that
//   reconnects with backoff.
// * Books (venues that send a snapshot on subscribe): the base keeps one VenueBook per Book
//   subscription, discards it when its connection drops and resyncs by resubscribing.
// * Bars: a closed bar whose open time is past the bucket after the last closed bar means bars
//   were missed (a drop, a reconnect); the missing range is fetched over REST and delivered via
//   barsBackfilled(), so a CandleRecorder can keep the store without holes.
// * History: fetchBars() pages through any range within the venue's per-request limit, through
//   the venue's RestClient (which obeys its rate limits), with progress and cancel.
//
// A venue describes what its API fixes in a VenueTraits table (production settings, the candle
// request, limits, the instrument list) and implements the protected hooks (topic names,
// subscribe messages, decoding); its codec reads fields through detail::scanFields tables, and its
// contract tests come from tests/support/fakevenuecontract.h.

#include "marketdata/marketdatafeed.h"
#include "marketdata/marketdatatypes.h"
#include "marketdata/orderbook.h"
#include "net/restclient.h"
#include "net/wsconnection.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace kairos::marketdata {

enum class Channel : std::uint8_t { Trades = 1, Quotes, Ticker, Bars, Book };
/// What a control message asks the venue to do with topics.
enum class Control : std::uint8_t { Subscribe = 1, Unsubscribe };

/// One subscription of a feed. `timeframe` matters for Channel::Bars only.
struct Subscription {
    Channel channel = Channel::Trades;
    InstrumentId instrument;
    Timeframe timeframe = Timeframe::M1;

    friend bool operator==(const Subscription&, const Subscription&) = default;
    friend auto operator<=>(const Subscription&, const Subscription&) = default;
};

/// Where a venue adapter connects and how it behaves. Defaults come from the venue
/// (FeedDefaults in its VenueTraits; defaultFeedConfig in feedfactory.h); URLs can be overridden
/// for test servers.
struct FeedConfig {
    QUrl restUrl;                    ///< "https://api.binance.com"
    QUrl wsUrl;                      ///< "wss://stream.binance.com:9443"
    QUrl wsUrl2;                     ///< second WebSocket endpoint where a venue has one (OKX business)
    net::WsConnection::Options ws;   ///< keep-alive, lifetime, reconnect backoff
    net::RestClient::Options rest;   ///< timeouts, retries
    int maxTopicsPerConnection = 0;  ///< 0: the venue's default
    int bookDepth = 0;               ///< REST snapshot / subscribed depth; 0: the venue's default
    int bookSignalLevels = 10;       ///< levels per side carried by bookUpdated()
    int backfillMaxAttempts = 5;     ///< REST attempts for one gap before giving up
    bool aggregatedTrades = false;   ///< Binance: aggTrade instead of trade
};

/// A venue's production settings: the FeedConfig that defaultFeedConfig() starts from (everything
/// not named keeps FeedConfig's defaults).
struct FeedDefaults {
    const char* restUrl = nullptr;                                 ///< "https://api.binance.com"
    const char* wsUrl = nullptr;                                   ///< "wss://stream.binance.com:9443"
    const char* wsUrl2 = nullptr;                                  ///< second endpoint where the venue has one
    int pingIntervalMs = 0;                                        ///< keep-alive period (0: none)
    const char* pingText = nullptr;                                ///< keep-alive text; nullptr: WebSocket ping frames
    int idleTimeoutMs = 0;                                         ///< silence that means a dead connection (0: off)
    qint64 maxLifetimeMs = 0;                                      ///< renew connections after this long (0: never)
    int maxControlPerSecond = 0;                                   ///< control message throttle (0: unlimited)
    std::optional<net::Backoff::Policy> reconnect = std::nullopt;  ///< nullopt: the connection's default backoff
    int restMinIntervalMs = 0;                                     ///< spacing of public REST calls
    int bookDepth = 0;                                             ///< 0: the venue's default

    FeedConfig config() const;
};

/// One page of REST candles [fromMs, toMs): GET `path` with the query items `keys` names (nullptr:
/// not sent), in the order of `Keys`, parsed by `parse`. The symbol is ExchangeFeed::restSymbol().
struct BarsRequest {
    /// How the window's bounds are written.
    enum class Bounds : std::uint8_t {
        LastMs = 1,  ///< from = fromMs, to = toMs - 1 ms (both inclusive)
        LastBucket,  ///< from = fromMs, to = the open time of the window's last bucket (both inclusive)
        Exclusive,   ///< from = fromMs - 1 unit, to = toMs (both exclusive)
    };
    enum class Time : std::uint8_t { Ms = 1, Seconds, Iso8601 };
    /// Names of the query items; `fixed` is a constant item sent first (Bybit: category=spot).
    struct Keys {
        const char* symbol = nullptr;  ///< nullptr: the symbol is in the path instead
        const char* interval = nullptr;
        const char* from = nullptr;
        const char* to = nullptr;
        const char* limit = nullptr;  ///< sent as VenueTraits::maxBarsPerRequest
        std::pair<const char*, const char*> fixed = {nullptr, nullptr};
    };

    const char* path = nullptr;    ///< "%1" stands for the symbol ("/products/%1/candles")
    const char* what = "candles";  ///< names the request in errors
    int weight = 1;                ///< rate-limit weight of one request
    Keys keys = {};
    Bounds bounds = Bounds::LastMs;
    Time time = Time::Ms;
    /// The venue's spelling of a timeframe as `interval`, nullopt where it has no such candles
    /// (venueSpelling<> adapts a codec's table); nullptr: every Timeframe, spelled by toString().
    std::optional<std::string> (*interval)(Timeframe) = nullptr;
    Result<std::vector<Bar>> (*parse)(std::string_view json) = nullptr;
};

/// A codec's spelling function (optional<string_view> or optional<int>) as BarsRequest::interval.
template <auto Spelling>
std::optional<std::string> venueSpelling(Timeframe tf) {
    const auto v = Spelling(tf);
    if (!v) return std::nullopt;
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(*v)>>)
        return std::to_string(*v);
    else
        return std::string(*v);
}

/// The venue topic of each channel's subscriptions: "%1" stands for the venue symbol, "%2" (bars)
/// for the timeframe as BarsRequest::interval spells it. nullptr: the venue's topicFor() names it.
struct VenueTopics {
    const char* trades = nullptr;  ///< "publicTrade.%1"
    const char* quotes = nullptr;
    const char* ticker = nullptr;
    const char* bars = nullptr;  ///< "kline.%2.%1"
    const char* book = nullptr;
};

/// What the venue's API fixes (as opposed to FeedConfig, which can be overridden): each venue
/// adapter hands its traits to ExchangeFeed, which reads them instead of asking the venue.
struct VenueTraits {
    /// The venue's instrument list: GET `path` (with `queryKey`=`queryValue` when given), parsed by
    /// `parse`. Venues that keep something from the answer override fetchInstruments() instead.
    struct InstrumentsRequest {
        const char* path = nullptr;
        const char* queryKey = nullptr;
        const char* queryValue = nullptr;
        const char* what = "instruments";  ///< names the request in errors
        Result<std::vector<Instrument>> (*parse)(const QByteArray& json, const std::string& venue) = nullptr;
    };
    FeedDefaults defaults = {};               ///< production URLs and connection rules
    VenueTopics topics = {};                  ///< topicFor() unless the venue overrides it
    BarsRequest bars = {};                    ///< history; its `interval` also says which timeframes exist
    int maxBarsPerRequest = 1000;             ///< rows per candle request at most
    int defaultMaxTopicsPerConnection = 200;  ///< when FeedConfig::maxTopicsPerConnection is 0
    bool venueBooks = true;                   ///< Book subscriptions get a VenueBook (Binance: no, REST sync)
    InstrumentsRequest instruments = {};      ///< fetchInstruments() unless the venue overrides it
};

class ExchangeFeed : public MarketDataFeed {
    Q_OBJECT
public:
    using InstrumentsCallback = std::function<void(Result<std::vector<Instrument>>)>;
    using BarsPageCallback = std::function<void(Result<std::vector<Bar>>)>;

    /// Callbacks of a history download. All optional; run on the feed's thread.
    struct BarsCallbacks {
        /// Closed bars of one page, ascending, no duplicates (may be empty pages skipped).
        std::function<void(const std::vector<Bar>&)> onPage;
        /// Progress: the range [fromMs, doneMs) has been fetched.
        std::function<void(std::int64_t doneMs, std::int64_t fromMs, std::int64_t toMs)> onProgress;
        /// The end: ok, or the error that stopped it. Not called after cancelFetch().
        std::function<void(Status)> onDone;
    };

    ExchangeFeed(QString venue, const VenueTraits& traits, FeedConfig config, std::unique_ptr<net::RateLimitPolicy> restPolicy,
                 QObject* parent = nullptr);
    ~ExchangeFeed() override;

    QString name() const override { return m_venue; }
    FeedStatus status() const override { return m_status; }

    void subscribeTrades(const InstrumentId& id) override { subscribe({Channel::Trades, id, Timeframe::M1}); }
    void unsubscribeTrades(const InstrumentId& id) override { unsubscribe({Channel::Trades, id, Timeframe::M1}); }
    void subscribeQuotes(const InstrumentId& id) override { subscribe({Channel::Quotes, id, Timeframe::M1}); }
    void unsubscribeQuotes(const InstrumentId& id) override { unsubscribe({Channel::Quotes, id, Timeframe::M1}); }
    void subscribeBars(const InstrumentId& id, Timeframe tf) override { subscribe({Channel::Bars, id, tf}); }
    void unsubscribeBars(const InstrumentId& id, Timeframe tf) override { unsubscribe({Channel::Bars, id, tf}); }
    /// Rolling 24 h statistics (tickerReceived).
    void subscribeTicker(const InstrumentId& id) { subscribe({Channel::Ticker, id, Timeframe::M1}); }
    void unsubscribeTicker(const InstrumentId& id) { unsubscribe({Channel::Ticker, id, Timeframe::M1}); }
    /// L2 order book kept in sync (bookUpdated, orderBook()).
    void subscribeBook(const InstrumentId& id) { subscribe({Channel::Book, id, Timeframe::M1}); }
    void unsubscribeBook(const InstrumentId& id) { unsubscribe({Channel::Book, id, Timeframe::M1}); }

    /// Adds a subscription (idempotent). Connects when needed. The instrument's venue must be
    /// this feed's (errorOccurred otherwise).
    void subscribe(const Subscription& s);
    /// Removes a subscription; unknown ones are ignored.
    void unsubscribe(const Subscription& s);
    const std::set<Subscription>& subscriptions() const { return m_subs; }
    /// Closes every connection and forgets every subscription.
    void stop();

    /// Whether `tf` has a live candle stream and REST candles on this venue.
    bool supportsTimeframe(Timeframe tf) const { return !m_traits.bars.interval || m_traits.bars.interval(tf); }
    /// The venue's instruments with tick size, lot size, minimum notional and precisions.
    /// (Default: the request of VenueTraits::instruments.)
    virtual void fetchInstruments(InstrumentsCallback callback);
    /// Closed bars with fromMs <= open time < toMs, paged within the venue's limits. Returns an id
    /// for cancelFetch(). Bars the venue does not have are simply absent.
    quint64 fetchBars(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs, BarsCallbacks callbacks);
    void cancelFetch(quint64 fetchId);
    /// Rows the venue returns per candle request at most.
    int maxBarsPerRequest() const { return m_traits.maxBarsPerRequest; }

    /// The synchronised book of `id`, or nullptr when not subscribed or not in sync yet.
    virtual const OrderBook* orderBook(const InstrumentId& id) const;

    /// Seeds gap detection with the last closed bar already known (the store's latest), so a
    /// hole between it and the first live bar is backfilled too.
    void setLastClosedBar(const InstrumentId& id, Timeframe tf, std::int64_t openTimeMs);

    /// Malformed/unexpected messages skipped so far, in total and per kind.
    quint64 malformedCount() const { return m_malformedTotal; }
    QMap<QString, quint64> malformedByKind() const { return m_malformed; }
    /// Decoded events skipped as invalid (impossible values, unsubscribed symbols), in total and
    /// per kind.
    quint64 invalidCount() const { return m_invalidTotal; }
    QMap<QString, quint64> invalidByKind() const { return m_invalid; }
    /// Connection drops followed by a reconnect, over all connections.
    int reconnectCount() const { return m_reconnects; }
    /// Book resynchronisations (sequence breaks, checksum mismatches, reconnects).
    int bookResyncCount() const { return m_bookResyncs; }
    /// WebSocket connections currently held.
    int connectionCount() const { return static_cast<int>(m_shards.size()); }
    net::RestClient& rest() { return *m_rest; }
    const FeedConfig& config() const { return m_config; }

    /// Clock deciding whether a bar is closed (tests pin it); wall clock by default.
    void setClock(std::function<std::int64_t()> nowMs) { m_now = std::move(nowMs); }
    std::int64_t nowMs() const { return m_now(); }

Q_SIGNALS:
    void tickerReceived(const kairos::InstrumentId& id, const kairos::marketdata::Ticker24h& ticker);
    /// The book changed; `top` holds FeedConfig::bookSignalLevels levels per side.
    void bookUpdated(const kairos::InstrumentId& id, const kairos::marketdata::BookTop& top);
    /// The book was discarded and is being rebuilt (why: "update id gap 120 -> 125").
    void bookResynced(const kairos::InstrumentId& id, const QString& reason);
    /// Bars [fromMs, toMs) were missed by the stream; a REST backfill has started.
    void gapDetected(const kairos::InstrumentId& id, kairos::Timeframe tf, qint64 fromMs, qint64 toMs);
    /// Closed bars fetched over REST to fill a gap, ascending.
    void barsBackfilled(const kairos::InstrumentId& id, kairos::Timeframe tf, const std::vector<kairos::Bar>& bars);
    /// REST requests are held back by a rate limit.
    void rateLimited(qint64 waitMs, const QString& reason);

protected:
    /// One WebSocket connection and the topics it carries.
    struct Shard {
        int index = 0;
        QString endpoint;
        net::WsConnection* conn = nullptr;
        QSet<QString> topics;     ///< wanted on this connection
        QSet<QString> urlTopics;  ///< subscribed through the URL of the current connect
        QStringList pendingSub;
        QStringList pendingUnsub;
    };

    /// The L2 book of one Book subscription on a venue that sends a snapshot on (re)subscribe and
    /// updates after it. The base creates it on subscribe, drops it on unsubscribe and discards
    /// it (noting a resync) when its connection is lost; the venue applies its messages.
    struct VenueBook {
        InstrumentId id;
        OrderBook book;
        bool synced = false;
        bool crossedSnapshot = false;  ///< the snapshot itself was crossed (Coinbase tolerates it)
    };

    // ---- venue hooks ----
    /// The venue topic of a subscription. Several subscriptions may share one topic. (Default:
    /// the pattern of VenueTraits::topics.)
    virtual QString topicFor(const Subscription& s) const;
    /// Which WebSocket endpoint carries the subscription (OKX: public or business).
    virtual QString endpointFor(const Subscription& s) const;
    /// URL to connect `endpoint` with `topics` wanted; topics the URL does not carry go to
    /// `viaMessages` (default: the endpoint URL, everything via messages).
    virtual QUrl connectUrl(const QString& endpoint, const QStringList& topics, QStringList* viaMessages) const;
    /// Messages that subscribe or unsubscribe `topics` (the venue batches as it allows).
    virtual QList<QByteArray> controlMessages(Control op, const QString& endpoint, const QStringList& topics) = 0;
    /// Decodes and dispatches one message (call the deliver* helpers, reportMalformed()).
    virtual void handleMessage(Shard& shard, const QByteArray& message) = 0;
    /// The symbol as the venue's REST API spells it (default: the venue symbol; Kraken: the
    /// pair's altname).
    virtual QString restSymbol(const InstrumentId& id) const { return QString::fromStdString(id.symbol); }
    /// A connection (re)opened and its subscriptions were sent.
    virtual void onConnectionOpened(Shard& shard);
    /// A connection dropped; its VenueBooks were already discarded (other state is the venue's).
    virtual void onConnectionLost(Shard& shard);
    /// A subscription was added / removed (books: create or drop the sync state).
    virtual void onSubscribed(const Subscription& s);
    virtual void onUnsubscribed(const Subscription& s);
    /// An HTTP error answer for messages ("HTTP 400 from /path: body"); venues may read their
    /// error format.
    virtual QString restErrorText(const net::HttpResponse& response) const { return response.describe(); }

    // ---- helpers for venues ----
    // Every deliver* helper validates what a codec decoded before anything reaches subscribers:
    // a value that cannot be (price <= 0, negative quantity, time before 1970, a bar with high <
    // low or off its timeframe's grid) or an event of a symbol not subscribed is skipped and
    // counted (invalidCount(); logged and errorOccurred once per kind), like malformed JSON.
    /// Emits tradeReceived for a Trades subscription. Venues without a candle stream pass
    /// `buildBars` to fold the trade into bars too (deliverTradeToBars, with `skip`).
    void deliverTrade(const InstrumentId& id, const Trade& t, bool buildBars = false, bool (*skip)(Timeframe) = nullptr);
    void deliverQuote(const InstrumentId& id, const Quote& q);
    void deliverTicker(const InstrumentId& id, const Ticker24h& t);
    /// Emits barUpdated and runs gap detection on it.
    void deliverBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    /// Emits bookUpdated with the top of `book`.
    void deliverBook(const InstrumentId& id, const OrderBook& book, std::int64_t timeMs);
    /// Counts a skipped message; logs and emits errorOccurred the first time per `kind`.
    void reportMalformed(const QString& kind, std::string_view message, const QString& why);
    /// Counts a decoded event skipped as invalid; logs and emits errorOccurred the first time per
    /// `kind` ("trade", "bar", "unsubscribed").
    void reportInvalid(const QString& kind, const InstrumentId& id, const QString& why);
    /// GET on the venue's REST API. A transport error, or a status other than 200 (as
    /// "<what>: HTTP 404 from /path: body"), goes to `callback`; a 200 body goes through `parse`
    /// (const QByteArray& -> Result<T>) first. Nothing runs once the feed is gone.
    template <class Parse, class Callback>
    void restGet(const QString& path, const QUrlQuery& query, int weight, const char* what, Parse parse, Callback callback) {
        using R = std::invoke_result_t<Parse&, const QByteArray&>;
        QPointer<ExchangeFeed> self(this);
        rest().get(path, query, weight, [self, what, parse, callback](Result<net::HttpResponse> r) mutable {
            if (!self) return;
            if (!r) return callback(R(r.error()));
            if (r->status != 200) return callback(R(makeError(std::string(what) + ": " + self->restErrorText(*r).toStdString())));
            callback(parse(r->body));
        });
    }
    /// Runs a venue codec over `message`; a failure is counted as malformed (reportMalformed)
    /// under the name of the event's kind and false is returned. `kindNames` is a table of
    /// {kind, name} pairs or the codec's function from kind to name ("unrecognised" when none).
    template <class Event, class Names>
    bool decodeMessage(const QByteArray& message, Status (*decode)(std::string_view, Event&), Event& event,
                       const Names& kindNames) {
        const std::string_view text = textOf(message);
        if (auto st = decode(text, event); !st) {
            std::string_view kind;
            if constexpr (std::is_invocable_v<const Names&, decltype(event.kind)>) {
                kind = kindNames(event.kind);
            } else {
                for (const auto& [k, name] : kindNames)
                    if (k == event.kind) kind = name;
            }
            if (kind.empty()) kind = "unrecognised";
            reportMalformed(QString::fromLatin1(kind.data(), static_cast<qsizetype>(kind.size())), text,
                            QString::fromStdString(st.message()));
            return false;
        }
        return true;
    }
    static std::string_view textOf(const QByteArray& m) { return {m.constData(), static_cast<std::size_t>(m.size())}; }
    /// A venue-reported problem (subscription rejected, ...): logged and errorOccurred.
    void reportVenueError(const QString& text);
    /// Counts a book resync and emits bookResynced.
    void noteBookResync(const InstrumentId& id, const QString& reason);
    /// The book of a Book subscription by venue symbol, or nullptr when not subscribed.
    VenueBook* venueBook(std::string_view symbol);
    /// Replaces the book with a snapshot; it is in sync from here on.
    static void setBookSnapshot(VenueBook& b, const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks,
                                std::int64_t updateId = 0);
    /// Discards the book, notes the resync and resubscribes its topic for a fresh snapshot.
    void resyncBook(VenueBook& b, const QString& reason);
    /// resyncBook() for every synced book carried by `shard` (a sequence gap on the connection).
    void resyncBooksOn(const Shard& shard, const QString& reason);
    /// The shard carrying `topic`, or nullptr.
    Shard* shardForTopic(const QString& topic) const;
    /// Drops and reopens the shard's connection at once (a venue's shutdown or upgrade notice),
    /// deferred so the socket is not torn down inside its own signal.
    void reconnectSoon(Shard& shard, const QString& reason);
    /// Drops and reopens the connection carrying `topic` at once (a forced fresh snapshot).
    void reconnectTopic(const QString& topic, const QString& reason);
    /// Sends one message on the connection carrying `topic`.
    void sendOnTopicConnection(const QString& topic, const QByteArray& message);
    /// Unsubscribes and subscribes `topic` again on its connection: venues answer with a fresh
    /// snapshot (Bybit, OKX, Kraken, Coinbase book resync).
    void resubscribeTopic(const QString& topic);
    /// For venues whose candles carry no closed flag (Kraken, Coinbase Advanced Trade): a bar
    /// is closed when an update for a later bar arrives. Delivers the previous bar as closed,
    /// then `bar` as forming; an update older than the current bar is ignored.
    void deliverUnflaggedBar(const InstrumentId& id, Timeframe tf, Bar bar);
    /// For venues whose book messages carry no sequence (Coinbase Exchange, Advanced Trade): a
    /// snapshot replaces the book of `symbol`; an update before it is ignored, else applied, the
    /// update id counting updates since the snapshot; a book that crosses after an uncrossed
    /// snapshot (a crossed one is an auction) is resynced. Otherwise the book is delivered.
    void deliverUnsequencedBook(std::string_view symbol, bool snapshot, const std::vector<BookLevel>& bids,
                                const std::vector<BookLevel>& asks, std::int64_t timeMs);
    /// For venues without a candle stream (Coinbase Exchange; through deliverTrade): folds a trade
    /// into the bar of every Bars subscription of `id` and delivers it as forming; returns whether
    /// there was one. A bar closes when a trade of a later
    /// bucket arrives. The first bucket seen after a (re)subscription, a reconnect or lost trades
    /// lacks trades: it is never delivered as closed but left to the gap backfill over REST, as
    /// are buckets in which no trade was seen.
    /// `skip`: timeframes the venue streams as candles (not built from trades).
    bool deliverTradeToBars(const InstrumentId& id, const Trade& t, bool (*skip)(Timeframe) = nullptr);
    /// Trades of `id` were lost (reconnect, trade id jump): the bars forming now are incomplete.
    void markTradeBarsIncomplete(const InstrumentId& id);
    InstrumentId instrument(std::string_view venueSymbol) const { return InstrumentId{m_venueStd, std::string(venueSymbol)}; }
    bool isSubscribed(const Subscription& s) const { return m_subs.count(s) != 0; }
    const QString& venue() const { return m_venue; }

    FeedConfig m_config;

private:
    struct BarsFetch;
    struct BarTrack {
        std::int64_t lastClosedOpenMs = -1;
    };
    using BarKey = std::pair<InstrumentId, Timeframe>;

    void addTopic(const QString& endpoint, const QString& topic);
    void removeTopic(const QString& topic);
    void flushPending();
    void onShardOpened(Shard* shard);
    void onShardClosed(Shard* shard, const QString& reason, int retryInMs);
    void updateStatus();
    void nextPage(const std::shared_ptr<BarsFetch>& f);
    /// One page of bars as VenueTraits::bars describes it: every bar with fromMs <= open < toMs
    /// the venue has (the window holds at most maxBarsPerRequest() buckets), in any order.
    void fetchBarsPage(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs, BarsPageCallback callback);
    void startBackfill(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs, int attempt);
    int maxTopics() const;
    /// Validates a decoded bar and checks its subscription (reportInvalid otherwise).
    bool acceptBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    /// barUpdated plus gap detection, for bars already accepted.
    void emitBar(const InstrumentId& id, Timeframe tf, const Bar& bar);

    VenueTraits m_traits;
    QString m_venue;
    std::string m_venueStd;
    net::RestClient* m_rest = nullptr;
    std::set<Subscription> m_subs;
    QHash<QString, int> m_topicRefs;
    std::vector<std::unique_ptr<Shard>> m_shards;
    int m_nextShardIndex = 0;
    QTimer m_flushTimer;
    FeedStatus m_status;
    QMap<QString, quint64> m_malformed;
    quint64 m_malformedTotal = 0;
    QMap<QString, quint64> m_invalid;
    quint64 m_invalidTotal = 0;
    int m_reconnects = 0;
    int m_bookResyncs = 0;
    std::map<std::string, VenueBook, std::less<>> m_books;  // by venue symbol
    std::map<BarKey, BarTrack> m_barTracks;
    std::map<BarKey, Bar> m_formingBars;  // deliverUnflaggedBar
    struct TradeBar {
        Bar bar;
        bool partial = true;  ///< trades before the first one seen may be missing
    };
    std::map<BarKey, TradeBar> m_tradeBars;  // deliverTradeToBars
    std::map<quint64, std::shared_ptr<BarsFetch>> m_fetches;
    quint64 m_nextFetchId = 1;
    std::function<std::int64_t()> m_now;
};

}  // namespace kairos::marketdata
