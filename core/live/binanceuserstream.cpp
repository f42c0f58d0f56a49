#include "live/binanceuserstream.h"

#include "net/wsconnection.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::live {

BinanceUserStream::BinanceUserStream(Options options, BinanceCredentials credentials, std::function<std::int64_t()> serverNowMs,
                                     QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_credentials(std::move(credentials)), m_serverNow(std::move(serverNowMs)) {
    net::WsConnection::Options ws;
    ws.pingIntervalMs = m_options.pingIntervalMs;
    ws.idleTimeoutMs = m_options.idleTimeoutMs;
    ws.maxLifetimeMs = m_options.maxLifetimeMs;
    ws.reconnect.initialMs = m_options.reconnectMinMs;
    ws.maxMessageBytes = 1024 * 1024;  // user-data events are small; 1 MB is far beyond any of them
    m_ws = new net::WsConnection(ws, this);
    connect(m_ws, &net::WsConnection::opened, this, &BinanceUserStream::onOpened);
    connect(m_ws, &net::WsConnection::textReceived, this, &BinanceUserStream::onText);
    connect(m_ws, &net::WsConnection::closed, this, [this](const QString&, int) { m_subscriptionId = -1; });
}

BinanceUserStream::~BinanceUserStream() = default;

void BinanceUserStream::start() {
    m_ws->open([this] { return m_options.wsApiUrl; });
}

void BinanceUserStream::stop() {
    m_ws->close();
    m_subscriptionId = -1;
}

void BinanceUserStream::onOpened() {
    const std::int64_t timestamp = m_serverNow();
    const Params params{{"apiKey", m_credentials.apiKey}, {"timestamp", std::to_string(timestamp)}};
    const QJsonObject p{
        {QStringLiteral("apiKey"), QString::fromStdString(m_credentials.apiKey)},
        {QStringLiteral("timestamp"), static_cast<qint64>(timestamp)},
        {QStringLiteral("signature"), QString::fromStdString(hmacSha256Hex(m_credentials.secret, wsSignaturePayload(params)))}};
    const QJsonObject req{{QStringLiteral("id"), QStringLiteral("kairos-sub-%1").arg(++m_requestSeq)},
                          {QStringLiteral("method"), QStringLiteral("userDataStream.subscribe.signature")},
                          {QStringLiteral("params"), p}};
    m_ws->sendText(QJsonDocument(req).toJson(QJsonDocument::Compact));
}

void BinanceUserStream::onText(const QByteArray& text) {
    auto msg = parseWsMessage(text.toStdString());
    if (!msg) {
        ++m_malformed;
        Q_EMIT problem(QStringLiteral("a malformed message on Binance's user data stream was skipped: %1")
                           .arg(QString::fromStdString(msg.message())));
        return;
    }
    if (msg->isEvent) {
        if (msg->event.kind == UserEvent::Kind::StreamTerminated) {
            m_subscriptionId = -1;
            m_ws->reconnectNow(QStringLiteral("Binance ended the user data stream"));
            return;
        }
        Q_EMIT userEvent(msg->event);
        return;
    }
    if (msg->error) {
        Q_EMIT problem(QStringLiteral("Binance refused the user data stream: %1")
                           .arg(QString::fromStdString(describeRejection(*msg->error))));
        return;
    }
    if (msg->subscriptionId >= 0) {
        m_subscriptionId = msg->subscriptionId;
        ++m_subscriptions;
        if (m_subscriptions == 1)
            Q_EMIT subscribed();
        else
            Q_EMIT resubscribed();
    }
}

}  // namespace kairos::live
