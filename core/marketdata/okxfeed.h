#pragma once
// OkxFeed: OKX v5 SPOT market data (shared/reference/EXCHANGES.md §3).
//
// * Instruments: GET /api/v5/public/instruments?instType=SPOT (tickSz, lotSz; OKX lists no
//   minimum notional for SPOT).
// * History: GET /api/v5/market/history-candles with after/before windows of 100 rows (newest
//   first; unfinished rows, confirm = "0", are dropped). Day and longer bars use the UTC
//   spellings (1Dutc, ...): plain 1D opens at UTC+8.
// * Live: two endpoints. wss://ws.okx.com:8443/ws/v5/public for trades, bbo-tbt (quotes),
//   tickers and books; wss://ws.okx.com:8443/ws/v5/business for candle<bar> (config wsUrl2).
//   Keep-alive: the text "ping" every 20 s ("pong" back); 45 s of silence = dead. The 64008
//   notice (service upgrade in 60 s) reconnects at once.
// * Book: `books` snapshot then updates chained by prevSeqId == previous seqId (a break or a
//   crossed book resubscribes for a new snapshot); keep-alive updates with seqId == prevSeqId and
//   no levels change nothing; the checksum is always 0 since 2026-06-23 and is not used.
// * Rate limits: code 50011/50013 (HTTP 429 or 200) back off exponentially (OKX sends no
//   Retry-After).

#include "marketdata/exchangefeed.h"
#include "marketdata/okxcodec.h"

#include <map>

namespace kairos::marketdata {

class OkxFeed : public ExchangeFeed {
    Q_OBJECT
public:
    static FeedConfig defaultConfig();
    explicit OkxFeed(FeedConfig config = defaultConfig(), QObject* parent = nullptr);

protected:
    QString endpointFor(const Subscription& s) const override;
    QUrl connectUrl(const QString& endpoint, const QStringList& topics, QStringList* viaMessages) const override;
    QList<QByteArray> controlMessages(Control op, const QString& endpoint, const QStringList& topics) override;
    void handleMessage(Shard& shard, const QByteArray& message) override;

private:
    void onBook(const okx::Event& ev);

    okx::Event m_event;
    std::int64_t m_nextId = 1;
};

}  // namespace kairos::marketdata
