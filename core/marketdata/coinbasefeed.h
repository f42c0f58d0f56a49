#pragma once
// CoinbaseFeed: Coinbase Exchange public market data (shared/reference/EXCHANGES.md §5.1).
//
// * Instruments: GET /products (quote_increment = tick, base_increment = lot, min_market_funds).
// * History: GET /products/{id}/candles?granularity&start&end, at most 300 rows per request, rows
//   [time, low, high, open, close, volume]; granularities 1m, 5m, 15m, 1h, 6h, 1d only. Public
//   REST: 10 requests/s per IP; requests are spaced 100 ms apart, HTTP 429 backs off.
// * Live: wss://ws-feed.exchange.coinbase.com, one subscribe message listing channels with their
//   product_ids. Trades from `matches` (side = the maker's side: the aggressor is the other one),
//   quotes and the 24 h ticker from `ticker`, the L2 book from `level2_batch` (`level2` needs
//   authentication since 2022; same schema). There is no candle channel: bars are built from
//   matches (ExchangeFeed::deliverTradeToBars); the first, partial bucket and any bucket after
//   lost trades (trade_id jump, reconnect) are taken from REST instead.
// * Keep-alive: WebSocket ping frames every 30 s; 90 s without anything received = dead.
// * Book: snapshot then l2update. Neither carries a sequence number, so: every (re)connect
//   resubscribes for a new snapshot; an update before the snapshot is ignored; a book that
//   crosses after an uncrossed snapshot is resubscribed (a crossed snapshot, an auction, is
//   accepted); a venue `error` message reconnects.

#include "marketdata/coinbasecodec.h"
#include "marketdata/exchangefeed.h"

#include <map>

namespace kairos::marketdata {

class CoinbaseFeed : public ExchangeFeed {
    Q_OBJECT
public:
    static FeedConfig defaultConfig();
    explicit CoinbaseFeed(FeedConfig config = defaultConfig(), QObject* parent = nullptr);

    /// Trade id jumps seen on `matches` (lost trades), over all products.
    int tradeGaps() const { return m_tradeGaps; }

protected:
    QList<QByteArray> controlMessages(Control op, const QString& endpoint, const QStringList& topics) override;
    void handleMessage(Shard& shard, const QByteArray& message) override;
    void onConnectionLost(Shard& shard) override;

private:
    void onMatch(const coinbase::Event& ev);

    coinbase::Event m_event;
    std::map<std::string, std::int64_t> m_lastTradeId;
    int m_tradeGaps = 0;
};

}  // namespace kairos::marketdata
