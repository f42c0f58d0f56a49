#pragma once
// BinanceUserStream: the account's user data stream by the method Binance documents as current
// (WebSocket API `userDataStream.subscribe.signature`; the listenKey endpoints are gone since
// 2026-02-20). It signs the subscription (parameters sorted by name, HMAC-SHA256), keeps the
// connection alive (WebSocket pings, an idle timeout, a reconnect before Binance's 24 h cut) and
// subscribes again after every drop. Events between a drop and the new subscription are lost by
// Binance's design, so every subscription after the first emits resubscribed(): the owner then
// reconciles orders and balances over REST.
//
// Thread: lives on one Qt event loop.

#include "live/binanceapi.h"
#include "live/binancerest.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

namespace kairos::net {
class WsConnection;
}

namespace kairos::live {

class BinanceUserStream : public QObject {
    Q_OBJECT
public:
    struct Options {
        QUrl wsApiUrl;                ///< "wss://ws-api.binance.com:443/ws-api/v3"
        int pingIntervalMs = 20'000;  ///< Binance pings every 20 s and expects pongs; we ping too
        int idleTimeoutMs = 90'000;   ///< nothing received for this long: reconnect
        int reconnectMinMs = 1000;
        qint64 maxLifetimeMs = 23LL * 3600 * 1000;  ///< Binance closes connections after 24 h
    };

    /// `serverNowMs` gives Binance's time for the signature (BinanceRest::serverNowMs).
    BinanceUserStream(Options options, BinanceCredentials credentials, std::function<std::int64_t()> serverNowMs,
                      QObject* parent = nullptr);
    ~BinanceUserStream() override;

    void start();
    void stop();
    bool isSubscribed() const { return m_subscriptionId >= 0; }
    /// Subscriptions made so far (1 after the first, 2 after one re-subscription, ...).
    int subscriptions() const { return m_subscriptions; }
    /// Messages that could not be decoded (counted, skipped, reported through problem()).
    int malformedCount() const { return m_malformed; }

Q_SIGNALS:
    void subscribed();
    /// Subscribed again after a drop: events may have been missed, reconcile over REST.
    void resubscribed();
    void userEvent(const kairos::live::UserEvent& event);
    /// The stream cannot work (key refused, signature refused) or a message was malformed.
    void problem(const QString& what);

private:
    void onOpened();
    void onText(const QByteArray& text);

    Options m_options;
    BinanceCredentials m_credentials;
    std::function<std::int64_t()> m_serverNow;
    net::WsConnection* m_ws = nullptr;
    int m_subscriptionId = -1;
    int m_subscriptions = 0;
    int m_malformed = 0;
    int m_requestSeq = 0;
};

}  // namespace kairos::live
