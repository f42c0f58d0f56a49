#include "marketdata/coinbasefeed.h"

#include "marketdata/detail/venuemessages.h"

namespace kairos::marketdata {

namespace {
constexpr int kMaxProductsPerChannel = 100;

/// Fixed by the venue's API (EXCHANGES.md).
const VenueTraits kCoinbaseFeedTraits{
    .defaults = {.restUrl = "https://api.exchange.coinbase.com",
                 .wsUrl = "wss://ws-feed.exchange.coinbase.com",
                 .pingIntervalMs = 30'000,  // WebSocket ping frames (no ping rule documented)
                 .idleTimeoutMs = 90'000,
                 .maxControlPerSecond = 50,  // 100 client messages per second per IP
                 .restMinIntervalMs = 100},  // public REST: 10 requests per second per IP
    // Bars are built from matches; `level2` needs authentication since 2022 (same schema).
    .topics =
        {.trades = "matches|%1", .quotes = "ticker|%1", .ticker = "ticker|%1", .bars = "matches|%1", .book = "level2_batch|%1"},
    // start and end are inclusive bucket times; rows may precede start (documented): the base
    // drops rows outside the window.
    .bars = {.path = "/products/%1/candles",
             .keys = {.interval = "granularity", .from = "start", .to = "end"},
             .bounds = BarsRequest::Bounds::LastBucket,
             .time = BarsRequest::Time::Iso8601,
             .interval = &venueSpelling<&coinbase::granularityFor>,
             .parse = &coinbase::parseCandles},
    .maxBarsPerRequest = 300,
    .defaultMaxTopicsPerConnection = 300,
    .instruments = {.path = "/products", .what = "products", .parse = &coinbase::parseProducts}};
}  // namespace

FeedConfig CoinbaseFeed::defaultConfig() { return kCoinbaseFeedTraits.defaults.config(); }

CoinbaseFeed::CoinbaseFeed(FeedConfig config, QObject* parent)
    : ExchangeFeed(QStringLiteral("COINBASE"), kCoinbaseFeedTraits, std::move(config), std::make_unique<net::RateLimitPolicy>(),
                   parent) {}

QList<QByteArray> CoinbaseFeed::controlMessages(Control control, const QString&, const QStringList& topics) {
    const char* type = control == Control::Subscribe ? "subscribe" : "unsubscribe";
    const std::map<QString, QStringList> byChannel = detail::productsByChannel(topics);
    // One message per batch: {"type":..,"channels":[{"name":..,"product_ids":[..]}, ...]}.
    QList<QByteArray> out;
    for (int batch = 0;; ++batch) {
        QByteArray channels;
        for (const auto& [name, products] : byChannel) {
            const qsizetype from = static_cast<qsizetype>(batch) * kMaxProductsPerChannel;
            if (from >= products.size()) continue;
            const qsizetype to = std::min<qsizetype>(products.size(), from + kMaxProductsPerChannel);
            if (!channels.isEmpty()) channels += ',';
            channels += "{\"name\":\"" + name.toUtf8() + "\",\"product_ids\":[";
            for (qsizetype i = from; i < to; ++i) channels += (i > from ? ",\"" : "\"") + products[i].toUtf8() + '"';
            channels += "]}";
        }
        if (channels.isEmpty()) break;
        out.append("{\"type\":\"" + QByteArray(type) + "\",\"channels\":[" + channels + "]}");
    }
    return out;
}

void CoinbaseFeed::handleMessage(Shard& shard, const QByteArray& message) {
    coinbase::Event& ev = m_event;
    if (!decodeMessage(message, &coinbase::decode, ev, coinbase::typeName)) return;
    switch (ev.kind) {
    case coinbase::EventKind::Match:
        onMatch(ev);
        break;
    case coinbase::EventKind::LastMatch:
        // The last trade before the subscription: the start of the trade id chain, not a new trade.
        m_lastTradeId[std::string(ev.productId)] = ev.tradeId;
        break;
    case coinbase::EventKind::Ticker: {
        const InstrumentId id = instrument(ev.productId);
        if (isSubscribed({Channel::Quotes, id, Timeframe::M1})) deliverQuote(id, ev.quote);
        if (isSubscribed({Channel::Ticker, id, Timeframe::M1})) deliverTicker(id, ev.ticker);
        break;
    }
    case coinbase::EventKind::Snapshot:
    case coinbase::EventKind::L2Update:
        deliverUnsequencedBook(ev.productId, ev.kind == coinbase::EventKind::Snapshot, ev.bids, ev.asks, ev.timeMs);
        break;
    case coinbase::EventKind::Heartbeat: {
        // last_trade_id beyond the last match seen: matches were dropped.
        auto it = m_lastTradeId.find(std::string(ev.productId));
        if (it != m_lastTradeId.end() && ev.tradeId > it->second) {
            ++m_tradeGaps;
            markTradeBarsIncomplete(instrument(ev.productId));
            it->second = ev.tradeId;
        }
        break;
    }
    case coinbase::EventKind::Error: {
        reportVenueError(QStringLiteral("%1%2").arg(
            detail::fromUtf8(ev.message), ev.reason.empty() ? QString() : QStringLiteral(": ") + detail::fromUtf8(ev.reason)));
        if (ev.message.substr(0, 7) == "ErrSlow") {
            // The server drops slow consumers: start over on a fresh connection (new snapshots).
            reconnectSoon(shard, detail::fromUtf8(ev.message));
        }
        break;
    }
    case coinbase::EventKind::Subscriptions:
    case coinbase::EventKind::Other:
        break;  // unknown types are to be ignored
    case coinbase::EventKind::Unknown:
        reportMalformed(QStringLiteral("unrecognised"), textOf(message), QStringLiteral("no message type"));
        break;
    }
}

void CoinbaseFeed::onMatch(const coinbase::Event& ev) {
    const InstrumentId id = instrument(ev.productId);
    auto [it, fresh] = m_lastTradeId.try_emplace(std::string(ev.productId), ev.tradeId);
    if (!fresh) {
        if (ev.tradeId <= it->second) return;  // already seen (trade ids rise by 1 per product)
        if (ev.tradeId != it->second + 1) {
            ++m_tradeGaps;
            markTradeBarsIncomplete(id);
        }
        it->second = ev.tradeId;
    }
    deliverTrade(id, ev.trade, true);
}

// ---------------------------------------------------------------------------------------------

void CoinbaseFeed::onConnectionLost(Shard& shard) {
    // Matches may have been missed while down: the trade chain restarts, forming bars are partial.
    for (auto it = m_lastTradeId.begin(); it != m_lastTradeId.end();) {
        const InstrumentId id = instrument(it->first);
        if (shard.topics.contains(topicFor({Channel::Trades, id, Timeframe::M1}))) {
            markTradeBarsIncomplete(id);
            it = m_lastTradeId.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace kairos::marketdata
