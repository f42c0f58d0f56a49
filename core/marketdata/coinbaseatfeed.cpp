#include "marketdata/coinbaseatfeed.h"

#include "marketdata/detail/venuemessages.h"

namespace kairos::marketdata {

namespace {
constexpr int kMaxProductsPerMessage = 100;

bool streamedAsCandles(Timeframe tf) { return tf == Timeframe::M5; }

/// Names of message kinds for the malformed-message counts.
constexpr std::pair<coinbase_at::EventKind, std::string_view> kKindNames[] = {
    {coinbase_at::EventKind::Trades, "market_trades"},  {coinbase_at::EventKind::Tickers, "ticker"},
    {coinbase_at::EventKind::Candles, "candles"},       {coinbase_at::EventKind::Book, "l2_data"},
    {coinbase_at::EventKind::Heartbeats, "heartbeats"}, {coinbase_at::EventKind::Subscriptions, "subscriptions"},
    {coinbase_at::EventKind::Error, "error"},           {coinbase_at::EventKind::Other, "other"},
};
}  // namespace

namespace {
/// Fixed by the venue's API (EXCHANGES.md).
const VenueTraits kCoinbaseAdvancedFeedTraits{
    .defaults = {.restUrl = "https://api.coinbase.com",
                 .wsUrl = "wss://advanced-trade-ws.coinbase.com",
                 .idleTimeoutMs = 30'000,   // heartbeats arrive every second
                 .maxControlPerSecond = 8,  // unauthenticated messages: 8 per second per IP
                 .restMinIntervalMs = 100},
    // Bars of timeframes without a candle stream are built from market_trades (topicFor).
    .topics = {.trades = "market_trades|%1",
               .quotes = "ticker|%1",
               .ticker = "ticker|%1",
               .bars = "market_trades|%1",
               .book = "level2|%1"},
    // UNIX seconds, start and end inclusive bucket times; rows outside the window are dropped by
    // the base.
    .bars = {.path = "/api/v3/brokerage/market/products/%1/candles",
             .keys = {.interval = "granularity", .from = "start", .to = "end", .limit = "limit"},
             .bounds = BarsRequest::Bounds::LastBucket,
             .time = BarsRequest::Time::Seconds,
             .interval = &venueSpelling<&coinbase_at::granularityFor>,
             .parse = &coinbase_at::parseCandles},
    .maxBarsPerRequest = 350,
    .defaultMaxTopicsPerConnection = 300,
    .instruments = {.path = "/api/v3/brokerage/market/products",
                    .queryKey = "product_type",
                    .queryValue = "SPOT",
                    .what = "products",
                    .parse = &coinbase_at::parseProducts}};
}  // namespace

FeedConfig CoinbaseAdvancedFeed::defaultConfig() { return kCoinbaseAdvancedFeedTraits.defaults.config(); }

CoinbaseAdvancedFeed::CoinbaseAdvancedFeed(FeedConfig config, QObject* parent)
    : ExchangeFeed(QStringLiteral("COINBASE_ADVANCED"), kCoinbaseAdvancedFeedTraits, std::move(config),
                   std::make_unique<net::RateLimitPolicy>(), parent) {}

QString CoinbaseAdvancedFeed::topicFor(const Subscription& s) const {
    // 5-minute candles are the only candle stream.
    if (s.channel == Channel::Bars && streamedAsCandles(s.timeframe))
        return QStringLiteral("candles|") + QString::fromStdString(s.instrument.symbol);
    return ExchangeFeed::topicFor(s);
}

QList<QByteArray> CoinbaseAdvancedFeed::controlMessages(Control control, const QString&, const QStringList& topics) {
    const char* type = control == Control::Subscribe ? "subscribe" : "unsubscribe";
    const std::map<QString, QStringList> byChannel = detail::productsByChannel(topics);
    QList<QByteArray> out;
    for (const auto& entry : byChannel) {
        const QString& channel = entry.first;  // a structured binding cannot be captured before C++20's P1091 in clang 14
        out += detail::batched(entry.second, kMaxProductsPerMessage, [&](const QStringList& batch) -> QByteArray {
            return "{\"type\":\"" + QByteArray(type) + "\",\"product_ids\":[" + detail::jsonStrings(batch) + "],\"channel\":\"" +
                channel.toUtf8() + "\"}";
        });
    }
    return out;
}

void CoinbaseAdvancedFeed::onConnectionOpened(Shard& shard) {
    // Channels without updates close after 60-90 s: heartbeats (1 per second) keep it open.
    shard.conn->sendText(R"({"type":"subscribe","channel":"heartbeats"})");
}

void CoinbaseAdvancedFeed::handleMessage(Shard& shard, const QByteArray& message) {
    coinbase_at::Event& ev = m_event;
    if (!decodeMessage(message, &coinbase_at::decode, ev, kKindNames)) return;
    if (ev.sequenceNum >= 0) {
        auto [it, fresh] = m_lastSequence.try_emplace(shard.index, ev.sequenceNum);
        if (!fresh) {
            if (ev.sequenceNum > it->second + 1) onSequenceGap(shard, it->second + 1, ev.sequenceNum);
            if (ev.sequenceNum > it->second) it->second = ev.sequenceNum;  // smaller: out of order, kept
        }
    }
    switch (ev.kind) {
    case coinbase_at::EventKind::Trades:
        for (std::size_t i = 0; i < ev.trades.size(); ++i) {
            const InstrumentId id = instrument(ev.tradeProducts[i]);
            deliverTrade(id, ev.trades[i], true, &streamedAsCandles);
        }
        break;
    case coinbase_at::EventKind::Tickers:
        for (const auto& t : ev.tickers) {
            const InstrumentId id = instrument(t.productId);
            if (isSubscribed({Channel::Quotes, id, Timeframe::M1})) deliverQuote(id, t.quote);
            if (isSubscribed({Channel::Ticker, id, Timeframe::M1})) deliverTicker(id, t.ticker);
        }
        break;
    case coinbase_at::EventKind::Candles:
        for (const auto& c : ev.candles) {
            const InstrumentId id = instrument(c.productId);
            if (isSubscribed({Channel::Bars, id, Timeframe::M5})) deliverUnflaggedBar(id, Timeframe::M5, c.bar);
        }
        break;
    case coinbase_at::EventKind::Book:
        for (const auto& b : ev.books) deliverUnsequencedBook(b.productId, b.snapshot, b.bids, b.asks, ev.timeMs);
        break;
    case coinbase_at::EventKind::Error:
        reportVenueError(detail::fromUtf8(ev.message));
        break;
    case coinbase_at::EventKind::Heartbeats:
    case coinbase_at::EventKind::Subscriptions:
    case coinbase_at::EventKind::Other:
        break;
    case coinbase_at::EventKind::Unknown:
        reportMalformed(QStringLiteral("unrecognised"), textOf(message), QStringLiteral("no channel"));
        break;
    }
}

void CoinbaseAdvancedFeed::onSequenceGap(Shard& shard, std::int64_t expected, std::int64_t got) {
    ++m_sequenceGaps;
    const QString why = QStringLiteral("sequence_num jumped from %1 to %2").arg(expected - 1).arg(got);
    resyncBooksOn(shard, why);
    for (const auto& s : subscriptions())
        if (s.channel == Channel::Bars && shard.topics.contains(topicFor(s))) markTradeBarsIncomplete(s.instrument);
}

// ---------------------------------------------------------------------------------------------

void CoinbaseAdvancedFeed::onConnectionLost(Shard& shard) {
    m_lastSequence.erase(shard.index);
    for (const auto& s : subscriptions())
        if (s.channel == Channel::Bars && shard.topics.contains(topicFor(s))) markTradeBarsIncomplete(s.instrument);
}

}  // namespace kairos::marketdata
