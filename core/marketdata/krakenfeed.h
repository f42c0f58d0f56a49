#pragma once
// KrakenFeed: Kraken spot over WebSocket v2 and REST (shared/reference/EXCHANGES.md §4).
//
// * Symbols are the v2 spelling ("BTC/USD"); REST calls use the pair's altname from AssetPairs
//   ("XBTUSD"), guessed (BTC -> XBT, DOGE -> XDG) until fetchInstruments() has run.
// * Instruments: GET /0/public/AssetPairs (pair_decimals, lot_decimals, tick_size, costmin).
// * History: GET /0/public/OHLC (Kraken serves only the newest 720 rows; older ranges come back
//   empty and are reported missing; the last row, always the running interval, is dropped). Public REST
//   calls are spaced 1 s apart (Kraken: "1 call per second or slower").
// * Live: wss://ws.kraken.com/v2 channels trade, ticker (event_trigger "bbo": quotes and the 24 h
//   ticker from one channel), ohlc (no closed flag: a bar closes when the next one starts), book;
//   {"method":"ping"} every 30 s, 60 s of silence = dead (heartbeats arrive every second).
// * Book: snapshot + updates, truncated to the subscribed depth after every message, verified
//   with the documented CRC32 over the top 10 levels at the pair's precision (from the
//   `instrument` channel, subscribed with the first book). A mismatch resubscribes.
// * Rate limits: "EAPI:Rate limit exceeded" backs off; "EService:Throttled: <ts>" waits until then.

#include "marketdata/exchangefeed.h"
#include "marketdata/krakencodec.h"

#include <map>

namespace kairos::marketdata {

class KrakenRateLimitPolicy : public net::RateLimitPolicy {
public:
    std::optional<Rejection> rejection(const net::HttpResponse& response) const override;
};

class KrakenFeed : public ExchangeFeed {
    Q_OBJECT
public:
    static FeedConfig defaultConfig();
    explicit KrakenFeed(FeedConfig config = defaultConfig(), QObject* parent = nullptr);

    void fetchInstruments(InstrumentsCallback callback) override;

    /// Price/qty precision of a pair for the book checksum (normally from the instrument channel).
    void setPrecision(const std::string& symbol, int pricePrecision, int qtyPrecision);
    /// Book messages whose checksum could not be verified (precision unknown yet).
    quint64 uncheckedBookMessages() const { return m_unchecked; }

protected:
    QList<QByteArray> controlMessages(Control op, const QString& endpoint, const QStringList& topics) override;
    void handleMessage(Shard& shard, const QByteArray& message) override;
    QString restSymbol(const InstrumentId& id) const override;
    void onConnectionLost(Shard& shard) override;

private:
    int bookDepth() const;
    void onBook(const kraken::Event& ev);

    kraken::Event m_event;
    std::map<std::string, std::pair<int, int>> m_precision;
    std::map<std::string, std::string> m_restPairs;
    bool m_instrumentChannel = false;
    quint64 m_unchecked = 0;
    std::int64_t m_nextReqId = 1;
};

}  // namespace kairos::marketdata
