#pragma once
// BinanceFeed: Binance spot market data (shared/reference/EXCHANGES.md §1).
//
// * Instruments from GET /api/v3/exchangeInfo (PRICE_FILTER tick, LOT_SIZE step, NOTIONAL or
//   MIN_NOTIONAL minimum); the REQUEST_WEIGHT limit listed there feeds the rate-limit policy.
// * History from GET /api/v3/klines, 1000 rows per request, weight 2.
// * Live data over the combined stream (`/stream?streams=a/b/c`, more via SUBSCRIBE messages):
//   `<sym>@trade` (or `@aggTrade`), `@bookTicker`, `@ticker`, `@kline_<tf>`, `@depth@100ms`, up to
//   1000 streams per connection (Binance allows 1024), control messages throttled to 4/s
//   (Binance allows 5 incoming messages/s per connection, pongs included).
// * Keep-alive: Qt answers the server's pings; the adapter also pings every 30 s and treats 75 s
//   of silence as a dead connection. Connections are renewed after 23 h 50 min (Binance cuts
//   them at 24 h) and at once on a `serverShutdown` event.
// * Order book: BookSync (binancebook.h) per symbol, REST snapshot GET /api/v3/depth.
// * Rate limits: BinanceRateLimitPolicy reads X-MBX-USED-WEIGHT-1M and waits for the next
//   minute before exceeding 90 % of the budget; 429/418 hold every request for Retry-After.

#include "marketdata/binancebook.h"
#include "marketdata/binancecodec.h"
#include "marketdata/exchangefeed.h"

#include <map>
#include <string>

namespace kairos::marketdata {

/// Binance REST weight budget: X-MBX-USED-WEIGHT-1M against REQUEST_WEIGHT per minute.
class BinanceRateLimitPolicy : public net::RateLimitPolicy {
public:
    /// Share of the per-minute budget this client uses before waiting for the next minute.
    static constexpr double kHeadroom = 0.9;

    void setWeightLimitPerMinute(int limit) { m_limit = limit > 0 ? limit : m_limit; }
    int weightLimitPerMinute() const { return m_limit; }
    /// Weight used in the current minute as last reported by Binance.
    int usedWeight() const { return m_used; }

    std::int64_t delayBeforeMs(int weight, std::int64_t nowMs) override;
    void onResponse(const net::HttpResponse& response, std::int64_t nowMs) override;
    std::optional<Rejection> rejection(const net::HttpResponse& response) const override;

private:
    int m_limit = 6000;
    int m_used = 0;
    std::int64_t m_windowStartMs = -1;
};

class BinanceFeed : public ExchangeFeed {
    Q_OBJECT
public:
    /// Production URLs and Binance's connection rules.
    static FeedConfig defaultConfig();

    explicit BinanceFeed(FeedConfig config = defaultConfig(), QObject* parent = nullptr);

    void fetchInstruments(InstrumentsCallback callback) override;
    const OrderBook* orderBook(const InstrumentId& id) const override;

    /// Instruments from the last fetchInstruments(), by symbol.
    const std::map<std::string, Instrument>& instruments() const { return m_instruments; }
    BinanceRateLimitPolicy& rateLimitPolicy() { return *m_policy; }

protected:
    QString topicFor(const Subscription& s) const override;
    QUrl connectUrl(const QString& endpoint, const QStringList& topics, QStringList* viaMessages) const override;
    QList<QByteArray> controlMessages(Control op, const QString& endpoint, const QStringList& topics) override;
    QString restErrorText(const net::HttpResponse& response) const override;
    void handleMessage(Shard& shard, const QByteArray& message) override;
    void onConnectionLost(Shard& shard) override;
    void onSubscribed(const Subscription& s) override;
    void onUnsubscribed(const Subscription& s) override;

private:
    struct BookState {
        InstrumentId id;
        binance::BookSync sync;
        quint64 restRequest = 0;
        int snapshotAttempts = 0;
    };

    void onDepthEvent(const binance::Event& ev);
    void requestSnapshot(const std::string& symbol);

    BinanceRateLimitPolicy* m_policy = nullptr;  // owned by the RestClient
    binance::Event m_event;                      // reused: decoding does not allocate
    std::map<std::string, BookState> m_books;    // by symbol
    std::map<std::string, Instrument> m_instruments;
    std::int64_t m_nextRequestId = 1;
};

}  // namespace kairos::marketdata
