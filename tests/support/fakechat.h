#pragma once
// FakeChatServer: a local HTTP/1.1 server standing in for api.telegram.org, Discord webhooks and
// a webhook receiver in the alert delivery tests. It records every request (method, path, query,
// headers, body) and answers like the real service by default (Telegram: {"ok":true,"result":
// {"message_id":n}}; Discord with ?wait=true: {"id":"n"}; anything else: 200 {"received":true}),
// or with scripted replies: any status, headers and body (a 429 with retry_after), a dropped
// connection (the socket aborted before any answer) or a held request (never answered, as a
// server that hangs). Listens on 127.0.0.1, a free port.

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <deque>
#include <functional>

class QTcpServer;
class QTcpSocket;

namespace kairos::test {

struct ChatRequest {
    QByteArray method;
    QString path;
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    /// The value of a header (case-insensitive name), empty when absent.
    QByteArray header(const QByteArray& name) const;
};

struct ChatReply {
    enum class Action { Answer, Drop, Hold };
    Action action = Action::Answer;
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static ChatReply json(int status, QByteArray body, QList<QPair<QByteArray, QByteArray>> headers = {}) {
        return ChatReply{Action::Answer, status, std::move(body), std::move(headers)};
    }
    static ChatReply drop() { return ChatReply{Action::Drop, 0, {}, {}}; }
    static ChatReply hold() { return ChatReply{Action::Hold, 0, {}, {}}; }
};

class FakeChatServer : public QObject {
    Q_OBJECT
public:
    explicit FakeChatServer(QObject* parent = nullptr);
    ~FakeChatServer() override;

    bool listen();
    /// "http://127.0.0.1:PORT".
    QUrl url() const;
    /// The next requests get these replies, in order (then the default ones).
    void queue(ChatReply reply) { m_scripted.push_back(std::move(reply)); }
    /// When set, answers the requests no scripted reply is left for (instead of the defaults).
    std::function<ChatReply(const ChatRequest&)> handler;
    const QList<ChatRequest>& requests() const { return m_requests; }
    int requestCount() const { return static_cast<int>(m_requests.size()); }

Q_SIGNALS:
    void requestReceived();

private:
    void onReadyRead(QTcpSocket* s);

    QTcpServer* m_server;
    std::deque<ChatReply> m_scripted;
    QList<ChatRequest> m_requests;
    int m_nextMessageId = 1;
};

}  // namespace kairos::test
