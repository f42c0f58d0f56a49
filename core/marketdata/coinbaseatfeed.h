#pragma once
// CoinbaseAdvancedFeed: Coinbase Advanced Trade public market data (EXCHANGES.md §5.2), venue
// COINBASE_ADVANCED.
//
// * Instruments: GET /api/v3/brokerage/market/products (price_increment, base_increment,
//   quote_min_size).
// * History: GET /api/v3/brokerage/market/products/{id}/candles?start&end&granularity&limit, UNIX
//   seconds, at most 350 rows; granularities 1m 5m 15m 30m 1h 2h 4h 6h 1d.
// * Live: wss://advanced-trade-ws.coinbase.com, one channel per subscribe message, no JWT (public
//   channels). market_trades (side = the maker's side), ticker (best bid/ask + 24 h), candles
//   (5-minute buckets only, no closed flag: a bar closes when the next starts), level2 (`l2_data`
//   snapshot + updates), heartbeats (subscribed on every connection: channels without updates
//   close after 60-90 s). Bars of other timeframes are built from market_trades
//   (ExchangeFeed::deliverTradeToBars).
// * sequence_num: counted per connection; a jump means dropped messages: every book on the
//   connection is resubscribed and bars forming from trades are taken from REST.
// * Rate limits: REST spaced 100 ms; HTTP 429 backs off.

#include "marketdata/coinbaseatcodec.h"
#include "marketdata/exchangefeed.h"

#include <map>

namespace kairos::marketdata {

class CoinbaseAdvancedFeed : public ExchangeFeed {
    Q_OBJECT
public:
    static FeedConfig defaultConfig();
    explicit CoinbaseAdvancedFeed(FeedConfig config = defaultConfig(), QObject* parent = nullptr);

    /// sequence_num jumps seen (dropped messages), over all connections.
    int sequenceGaps() const { return m_sequenceGaps; }

protected:
    QString topicFor(const Subscription& s) const override;
    QList<QByteArray> controlMessages(Control op, const QString& endpoint, const QStringList& topics) override;
    void handleMessage(Shard& shard, const QByteArray& message) override;
    void onConnectionOpened(Shard& shard) override;
    void onConnectionLost(Shard& shard) override;

private:
    void onSequenceGap(Shard& shard, std::int64_t expected, std::int64_t got);

    coinbase_at::Event m_event;
    std::map<int, std::int64_t> m_lastSequence;  ///< per shard index
    int m_sequenceGaps = 0;
};

}  // namespace kairos::marketdata
