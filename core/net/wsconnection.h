#pragma once
// WsConnection: one WebSocket to an exchange that stays up. It reconnects after every drop with
// exponential backoff and jitter, treats a silent connection as dead (idle timeout), sends the
// venue's keep-alive (WebSocket ping frames or a text such as OKX's "ping"), reconnects before
// the venue's connection lifetime runs out (Binance: 24 h), and throttles control messages to the
// venue's inbound limit (Binance: 5 per second). Its owner re-subscribes on every opened().
//
// Thread: lives on one Qt event loop.

#include "net/backoff.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <functional>

class QWebSocket;

namespace kairos::net {

class WsConnection : public QObject {
    Q_OBJECT
public:
    struct Options {
        Backoff::Policy reconnect{1000, 60'000, 2.0, 0.5};
        int connectTimeoutMs = 15'000;
        int pingIntervalMs = 0;        ///< send a keep-alive this often (0: never)
        QByteArray pingText;           ///< keep-alive text; empty: a WebSocket ping frame
        int idleTimeoutMs = 0;         ///< nothing received for this long: dead, reconnect (0: off)
        qint64 maxLifetimeMs = 0;      ///< reconnect proactively after this long (0: off)
        int maxControlPerSecond = 0;   ///< throttle for sendText (0: unlimited)
        int maxReconnectAttempts = 0;  ///< consecutive failures before giving up (0: never)
        quint32 jitterSeed = 0;        ///< fixed seed for the backoff jitter (tests); 0: random
        /// Largest incoming message (and frame) in bytes. A bigger one is a protocol error: the
        /// socket closes at the frame header, before the payload is buffered, and reconnects
        /// with backoff. The venues' defaults (FeedConfig) stay at a few MB.
        qint64 maxMessageBytes = 4 * 1024 * 1024;
    };

    enum class State : std::uint8_t { Idle = 1, Connecting, Open, WaitingToReconnect, Failed };

    explicit WsConnection(Options options, QObject* parent = nullptr);
    ~WsConnection() override;

    /// Connects now and keeps reconnecting after drops until close(). `urlProvider` is asked for
    /// the URL at every attempt (Binance carries the stream names in it).
    void open(std::function<QUrl()> urlProvider);
    /// Closes for good (user stop); no reconnect.
    void close();
    /// Drops the connection and connects again at once, without backoff (server shutdown
    /// notice, lifetime limit, a book that needs a fresh snapshot).
    void reconnectNow(const QString& reason);
    /// Queues a control message (subscribe/unsubscribe); sent at the throttled rate while open.
    /// Messages still queued when the connection drops are discarded: opened() resubscribes.
    void sendText(const QByteArray& text);

    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }
    /// Delay of the scheduled reconnect (WaitingToReconnect), in ms.
    int retryInMs() const { return m_retryInMs; }
    /// Why the last connection ended ("remote host closed the connection", "idle for 90 s",
    /// "protocol error: a message over the 4 MB limit").
    QString lastError() const { return m_lastError; }
    /// Successful connects so far (1 after the first, 2 after one reconnect, ...).
    int openCount() const { return m_openCount; }
    quint64 messagesReceived() const { return m_messages; }
    /// Control messages waiting for the throttle.
    int queuedControlMessages() const { return static_cast<int>(m_outbox.size()); }

Q_SIGNALS:
    /// Connected (first time or after a reconnect): subscribe now.
    void opened();
    /// One text message, as UTF-8.
    void textReceived(const QByteArray& message);
    /// The connection ended; a reconnect follows in `retryInMs` ms (-1: giving up, see lastError()).
    void closed(const QString& reason, int retryInMs);
    void stateChanged(kairos::net::WsConnection::State state);

private:
    void connectNow();
    void onConnected();
    void onLost(const QString& reason, bool immediate);
    void setState(State s);
    void dropSocket();
    void flushOutbox();
    void onThrottleTick();
    void markAlive();

    Options m_options;
    Backoff m_backoff;
    std::function<QUrl()> m_urlProvider;
    QWebSocket* m_socket = nullptr;
    State m_state = State::Idle;
    QString m_lastError;
    int m_retryInMs = 0;
    int m_openCount = 0;
    bool m_healthySinceOpen = false;
    quint64 m_messages = 0;
    std::deque<QByteArray> m_outbox;
    QTimer m_reconnectTimer;
    QTimer m_connectTimeout;
    QTimer m_pingTimer;
    QTimer m_idleTimer;
    QTimer m_lifetimeTimer;
    QTimer m_throttleTimer;
};

}  // namespace kairos::net
