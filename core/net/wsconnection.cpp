#include "net/wsconnection.h"

#include <QWebSocket>

namespace kairos::net {

namespace {
QString sizeText(qint64 bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return QStringLiteral("%1 MB").arg(bytes / (1024 * 1024));
    if (bytes >= 1024 && bytes % 1024 == 0) return QStringLiteral("%1 KB").arg(bytes / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}
}  // namespace

WsConnection::WsConnection(Options options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_backoff(m_options.reconnect, m_options.jitterSeed) {
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &WsConnection::connectNow);
    m_connectTimeout.setSingleShot(true);
    connect(&m_connectTimeout, &QTimer::timeout, this,
            [this] { onLost(QStringLiteral("no connection within %1 s").arg(m_options.connectTimeoutMs / 1000), false); });
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (!m_socket || m_state != State::Open) return;
        if (m_options.pingText.isEmpty())
            m_socket->ping();
        else
            m_socket->sendTextMessage(QString::fromUtf8(m_options.pingText));
    });
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this,
            [this] { onLost(QStringLiteral("nothing received for %1 s").arg(m_options.idleTimeoutMs / 1000), false); });
    m_lifetimeTimer.setSingleShot(true);
    connect(&m_lifetimeTimer, &QTimer::timeout, this,
            [this] { reconnectNow(QStringLiteral("connection lifetime limit reached; reconnecting proactively")); });
    connect(&m_throttleTimer, &QTimer::timeout, this, &WsConnection::onThrottleTick);
}

WsConnection::~WsConnection() { dropSocket(); }

void WsConnection::open(std::function<QUrl()> urlProvider) {
    m_urlProvider = std::move(urlProvider);
    m_backoff.reset();
    if (m_state == State::Connecting || m_state == State::Open) return;
    connectNow();
}

void WsConnection::close() {
    m_reconnectTimer.stop();
    dropSocket();
    m_outbox.clear();
    setState(State::Idle);
}

void WsConnection::reconnectNow(const QString& reason) {
    if (m_state == State::Idle || m_state == State::Failed) return;
    onLost(reason, true);
}

void WsConnection::sendText(const QByteArray& text) {
    m_outbox.push_back(text);
    flushOutbox();
}

void WsConnection::flushOutbox() {
    if (!m_socket || m_state != State::Open) {
        m_throttleTimer.stop();
        return;
    }
    if (m_options.maxControlPerSecond <= 0) {
        while (!m_outbox.empty()) {
            m_socket->sendTextMessage(QString::fromUtf8(m_outbox.front()));
            m_outbox.pop_front();
        }
        return;
    }
    // Throttled: one message now if the last one went out more than a tick ago, the rest one
    // per tick (onThrottleTick).
    if (m_throttleTimer.isActive() || m_outbox.empty()) return;
    m_socket->sendTextMessage(QString::fromUtf8(m_outbox.front()));
    m_outbox.pop_front();
    m_throttleTimer.start(1000 / m_options.maxControlPerSecond + 1);
}

void WsConnection::onThrottleTick() {
    if (!m_socket || m_state != State::Open || m_outbox.empty()) {
        m_throttleTimer.stop();
        return;
    }
    m_socket->sendTextMessage(QString::fromUtf8(m_outbox.front()));
    m_outbox.pop_front();
}

void WsConnection::setState(State s) {
    if (s == m_state) return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void WsConnection::dropSocket() {
    m_connectTimeout.stop();
    m_pingTimer.stop();
    m_idleTimer.stop();
    m_lifetimeTimer.stop();
    m_throttleTimer.stop();
    if (!m_socket) return;
    QWebSocket* s = m_socket;
    m_socket = nullptr;
    s->disconnect(this);
    s->abort();
    s->deleteLater();
}

void WsConnection::connectNow() {
    if (!m_urlProvider) return;
    dropSocket();
    m_outbox.clear();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket* s = m_socket;
    if (m_options.maxMessageBytes > 0) {
        const auto cap = static_cast<quint64>(m_options.maxMessageBytes);
        s->setMaxAllowedIncomingFrameSize(cap);
        s->setMaxAllowedIncomingMessageSize(cap);
    }
    connect(s, &QWebSocket::connected, this, &WsConnection::onConnected);
    connect(s, &QWebSocket::disconnected, this, [this, s] {
        if (s != m_socket) return;
        if (s->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
            onLost(QStringLiteral("protocol error: a message over the %1 limit").arg(sizeText(m_options.maxMessageBytes)), false);
            return;
        }
        QString why = s->closeReason();
        if (why.isEmpty()) why = s->errorString();
        if (why.isEmpty() || why == QLatin1String("Unknown error"))
            why = QStringLiteral("the server closed the connection (code %1)").arg(static_cast<int>(s->closeCode()));
        onLost(why, false);
    });
    // QWebSocket::errorOccurred does not exist in Qt 6.4 (shared/reference/PLATFORM.md).
    connect(s, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this, [this, s](QAbstractSocket::SocketError) {
        if (s != m_socket) return;
        onLost(s->errorString(), false);
    });
    connect(s, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
        markAlive();
        Q_EMIT textReceived(text.toUtf8());
    });
    connect(s, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray& data) {
        markAlive();
        Q_EMIT textReceived(data);
    });
    connect(s, &QWebSocket::pong, this, [this](quint64, const QByteArray&) {
        if (m_options.idleTimeoutMs > 0) m_idleTimer.start(m_options.idleTimeoutMs);
    });
    setState(State::Connecting);
    m_connectTimeout.start(m_options.connectTimeoutMs);
    s->open(m_urlProvider());
}

void WsConnection::onConnected() {
    m_connectTimeout.stop();
    ++m_openCount;
    m_healthySinceOpen = false;
    setState(State::Open);
    if (m_options.pingIntervalMs > 0) m_pingTimer.start(m_options.pingIntervalMs);
    if (m_options.idleTimeoutMs > 0) m_idleTimer.start(m_options.idleTimeoutMs);
    if (m_options.maxLifetimeMs > 0)
        m_lifetimeTimer.start(static_cast<int>(std::min<qint64>(m_options.maxLifetimeMs, INT32_MAX)));
    Q_EMIT opened();
    flushOutbox();
}

void WsConnection::markAlive() {
    ++m_messages;
    if (m_options.idleTimeoutMs > 0) m_idleTimer.start(m_options.idleTimeoutMs);
    if (!m_healthySinceOpen) {
        // Data arrived: the connection works, so the next drop starts the backoff afresh.
        m_healthySinceOpen = true;
        m_backoff.reset();
    }
}

void WsConnection::onLost(const QString& reason, bool immediate) {
    if (m_state == State::Idle || m_state == State::Failed || m_state == State::WaitingToReconnect) return;
    dropSocket();
    m_outbox.clear();
    m_lastError = reason;
    if (immediate) {
        m_retryInMs = 0;
        setState(State::WaitingToReconnect);
        Q_EMIT closed(reason, 0);
        m_reconnectTimer.start(0);
        return;
    }
    if (m_options.maxReconnectAttempts > 0 && m_backoff.attempts() >= m_options.maxReconnectAttempts) {
        m_retryInMs = -1;
        setState(State::Failed);
        Q_EMIT closed(reason, -1);
        return;
    }
    m_retryInMs = m_backoff.nextDelayMs();
    setState(State::WaitingToReconnect);
    Q_EMIT closed(reason, m_retryInMs);
    m_reconnectTimer.start(m_retryInMs);
}

}  // namespace kairos::net
