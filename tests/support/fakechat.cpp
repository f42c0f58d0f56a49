#include "fakechat.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

namespace kairos::test {

QByteArray ChatRequest::header(const QByteArray& name) const {
    for (const auto& h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
    return {};
}

FakeChatServer::FakeChatServer(QObject* parent) : QObject(parent), m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = m_server->nextPendingConnection()) {
            s->setParent(this);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    });
}

FakeChatServer::~FakeChatServer() = default;

bool FakeChatServer::listen() { return m_server->listen(QHostAddress::LocalHost, 0); }

QUrl FakeChatServer::url() const { return QUrl("http://127.0.0.1:" + QString::number(m_server->serverPort())); }

void FakeChatServer::onReadyRead(QTcpSocket* s) {
    QByteArray buf = s->property("buffer").toByteArray() + s->readAll();
    for (;;) {
        const auto headerEnd = buf.indexOf("\r\n\r\n");
        if (headerEnd < 0) break;
        const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() < 2) {
            s->abort();
            return;
        }
        ChatRequest req;
        req.method = requestLine[0];
        qsizetype contentLength = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const auto colon = line.indexOf(':');
            if (colon <= 0) continue;
            req.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
            if (req.headers.back().first.compare("Content-Length", Qt::CaseInsensitive) == 0)
                contentLength = req.headers.back().second.toLongLong();
        }
        if (buf.size() < headerEnd + 4 + contentLength) break;
        req.body = buf.mid(headerEnd + 4, contentLength);
        buf.remove(0, headerEnd + 4 + contentLength);
        const QUrl target(QString::fromUtf8(requestLine[1]));
        req.path = target.path();
        req.query = QUrlQuery(target.query());
        m_requests.append(req);

        ChatReply reply;
        if (!m_scripted.empty()) {
            reply = m_scripted.front();
            m_scripted.pop_front();
        } else if (handler) {
            reply = handler(req);
        } else if (req.path.endsWith("/sendMessage")) {
            reply = ChatReply::json(200, R"({"ok":true,"result":{"message_id":)" + QByteArray::number(m_nextMessageId++) + "}}");
        } else if (req.query.queryItemValue("wait") == "true") {
            reply = ChatReply::json(200, R"({"id":")" + QByteArray::number(m_nextMessageId++) + R"("})");
        } else {
            reply = ChatReply::json(200, R"({"received":true})");
        }
        Q_EMIT requestReceived();
        if (reply.action == ChatReply::Action::Drop) {
            s->abort();
            return;
        }
        if (reply.action == ChatReply::Action::Hold) {
            buf.clear();
            break;
        }
        QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + " Reply\r\n";
        out += "Content-Type: application/json\r\n";
        out += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
        out += "Connection: keep-alive\r\n";
        for (const auto& h : reply.headers) out += h.first + ": " + h.second + "\r\n";
        out += "\r\n" + reply.body;
        s->write(out);
    }
    s->setProperty("buffer", buf);
}

}  // namespace kairos::test
