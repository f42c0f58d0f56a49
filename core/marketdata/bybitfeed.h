#pragma once
// BybitFeed: Bybit v5 spot market data (shared/reference/EXCHANGES.md §2).
//
// * Instruments: GET /v5/market/instruments-info?category=spot (tickSize, basePrecision as the
//   quantity step, minOrderAmt as the minimum notional).
// * History: GET /v5/market/kline?category=spot (1000 rows, newest first; sorted here).
// * Live: wss://stream.bybit.com/v5/public/spot, topics publicTrade.S, orderbook.1.S (best
//   bid/ask: spot tickers carry none), tickers.S, kline.I.S, orderbook.{50|200|1000}.S; at most 10
//   args per subscribe message; {"op":"ping"} every 20 s, 60 s of silence = dead.
// * Book: snapshot, then deltas applied in order; a later snapshot (or u = 1) replaces the book.
//   Bybit documents no gap rule; the adapter requires u to grow by exactly 1 per delta (as in
//   the recorded orderbook stream) and resubscribes for a fresh snapshot when it does not, or
//   when the book crosses.
// * Rate limits: HTTP 403 (IP limit: wait 10 minutes, as Bybit says), retCode 10006 (wait for
//   X-Bapi-Limit-Reset-Timestamp), 429.

#include "marketdata/bybitcodec.h"
#include "marketdata/exchangefeed.h"

#include <map>

namespace kairos::marketdata {

class BybitRateLimitPolicy : public net::RateLimitPolicy {
public:
    std::int64_t delayBeforeMs(int weight, std::int64_t nowMs) override;
    void onResponse(const net::HttpResponse& response, std::int64_t nowMs) override;
    std::optional<Rejection> rejection(const net::HttpResponse& response) const override;

private:
    std::int64_t m_blockedUntilMs = 0;
};

class BybitFeed : public ExchangeFeed {
    Q_OBJECT
public:
    static FeedConfig defaultConfig();
    explicit BybitFeed(FeedConfig config = defaultConfig(), QObject* parent = nullptr);

protected:
    QString topicFor(const Subscription& s) const override;
    QList<QByteArray> controlMessages(Control op, const QString& endpoint, const QStringList& topics) override;
    void handleMessage(Shard& shard, const QByteArray& message) override;

private:
    int bookDepth() const;
    void onBook(const bybit::Event& ev);

    bybit::Event m_event;
    std::int64_t m_nextReqId = 1;
};

}  // namespace kairos::marketdata
