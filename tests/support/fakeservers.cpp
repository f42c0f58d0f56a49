#include "fakeservers.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <stdexcept>

namespace kairos::test {

bool waitUntil(const std::function<bool()>& pred, int timeoutMs) {
    if (pred()) return true;
    QDeadlineTimer deadline(timeoutMs);
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (pred() || deadline.hasExpired()) loop.quit();
    });
    tick.start(2);
    loop.exec();
    return pred();
}

// ---------------------------------------------------------------------------------------------
// HTTP

namespace {
QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 418:
        return "I'm a teapot";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}
}  // namespace

FakeHttpServer::FakeHttpServer(QObject* parent) : QObject(parent), m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = m_server->nextPendingConnection()) {
            // Answers are small writes: none may wait for the ACK of the one before (Nagle).
            s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
            connect(s, &QTcpSocket::disconnected, this, [this, s] {
                m_buffers.remove(s);
                s->deleteLater();
            });
        }
    });
}

FakeHttpServer::~FakeHttpServer() = default;

bool FakeHttpServer::listen() { return m_server->listen(QHostAddress::LocalHost, 0); }
quint16 FakeHttpServer::port() const { return m_server->serverPort(); }
QUrl FakeHttpServer::url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port())); }

void FakeHttpServer::route(const QString& path, Handler handler) { m_routes[path] = std::move(handler); }
void FakeHttpServer::queueReply(const QString& path, HttpReply reply) { m_scripted[path].push_back(std::move(reply)); }
void FakeHttpServer::changeNextReplies(const QString& path, int n, std::function<void(HttpReply&)> change) {
    m_changes[path] = {n, std::move(change)};
}

QList<HttpRequest> FakeHttpServer::requests(const QString& path) const {
    if (path.isEmpty()) return m_requests;
    QList<HttpRequest> out;
    for (const auto& r : m_requests)
        if (r.path == path) out.append(r);
    return out;
}

int FakeHttpServer::requestCount(const QString& path) const { return static_cast<int>(requests(path).size()); }

void FakeHttpServer::onReadyRead(QTcpSocket* s) {
    QByteArray& buf = m_buffers[s];
    buf += s->readAll();
    for (;;) {
        const int headerEnd = static_cast<int>(buf.indexOf("\r\n\r\n"));
        if (headerEnd < 0) return;
        const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
        if (lines.isEmpty()) return;
        const QList<QByteArray> requestLine = lines[0].trimmed().split(' ');
        if (requestLine.size() < 2) {
            s->abort();
            return;
        }
        HttpRequest req;
        req.method = requestLine[0];
        req.target = requestLine[1];
        int contentLength = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const int colon = static_cast<int>(line.indexOf(':'));
            if (colon <= 0) continue;
            const QByteArray name = line.left(colon).trimmed();
            const QByteArray value = line.mid(colon + 1).trimmed();
            req.headers.append({name, value});
            if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) contentLength = value.toInt();
        }
        if (buf.size() < headerEnd + 4 + contentLength) return;
        req.body = buf.mid(headerEnd + 4, contentLength);
        buf.remove(0, headerEnd + 4 + contentLength);
        const QUrl target(QString::fromUtf8(requestLine[1]));
        req.path = target.path();
        req.query = QUrlQuery(target.query());
        m_requests.append(req);

        HttpReply reply;
        auto scripted = m_scripted.find(req.path);
        if (scripted != m_scripted.end() && !scripted->second.empty()) {
            reply = scripted->second.front();
            scripted->second.pop_front();
        } else if (auto route = m_routes.find(req.path); route != m_routes.end()) {
            reply = route->second(req);
        } else {
            reply = HttpReply::json(R"({"code":-1,"msg":"no such path in the fake server"})", 404);
        }
        if (auto change = m_changes.find(req.path); change != m_changes.end() && change->second.first > 0) {
            --change->second.first;
            change->second.second(reply);
        }
        QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
        out += "Content-Type: " + reply.contentType + "\r\n";
        out += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
        out += "Connection: keep-alive\r\n";
        for (const auto& h : reply.headers) out += h.first + ": " + h.second + "\r\n";
        out += "\r\n";
        out += reply.body;
        if (reply.withhold) {
            Q_EMIT requestServed(req.path);
            continue;
        }
        if (reply.abortInstead) {
            s->abort();
            m_buffers.remove(s);
            Q_EMIT requestServed(req.path);
            return;
        }
        if (reply.cutBodyAfterBytes >= 0) {
            s->write(out.left(out.size() - reply.body.size() + reply.cutBodyAfterBytes));
            s->flush();
            s->abort();
            m_buffers.remove(s);
            Q_EMIT requestServed(req.path);
            return;
        }
        s->write(out);
        Q_EMIT requestServed(req.path);
    }
}

// ---------------------------------------------------------------------------------------------
// WebSocket

FakeWsServer::FakeWsServer(QObject* parent)
    : QObject(parent),
      m_tcp(new QTcpServer(this)),
      m_server(new QWebSocketServer(QStringLiteral("fake"), QWebSocketServer::NonSecureMode, this)) {
    // The TCP connections are accepted here and handed to the WebSocket server, so that they get
    // TCP_NODELAY first: events are small writes, and without it one sent while the client has not
    // yet ACKed the one before waits for that ACK (Nagle), which the client may delay by 40 ms.
    connect(m_tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = m_tcp->nextPendingConnection()) {
            s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_server->handleConnection(s);
        }
    });
    connect(m_server, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket* s = m_server->nextPendingConnection()) {
            // The caller owns accepted sockets (Qt gives them no parent): tie them to the server so
            // that those still open when a test ends are freed with it (LeakSanitizer found them).
            s->setParent(this);
            auto c = std::make_unique<Client>();
            c->socket = s;
            c->index = static_cast<int>(m_clients.size());
            c->requestUrl = s->requestUrl();
            Client* raw = c.get();
            m_clients.push_back(std::move(c));
            connect(s, &QWebSocket::textMessageReceived, this, [this, raw](const QString& text) {
                raw->received.append(text);
                if (onText) onText(*raw, text);
                Q_EMIT textReceived();
            });
            connect(s, &QWebSocket::disconnected, this, [raw] {
                raw->open = false;
                raw->socket->deleteLater();
            });
            if (onConnected) onConnected(*raw);
            Q_EMIT clientConnected();
        }
    });
}

FakeWsServer::~FakeWsServer() {
    for (auto& c : m_clients)
        if (c->open && c->socket) c->socket->disconnect(this);
}

bool FakeWsServer::listen() { return m_tcp->listen(QHostAddress::LocalHost, 0); }
quint16 FakeWsServer::port() const { return m_tcp->serverPort(); }
QUrl FakeWsServer::url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port())); }

QList<FakeWsServer::Client*> FakeWsServer::openClients() const {
    QList<Client*> out;
    for (const auto& c : m_clients)
        if (c->open) out.append(c.get());
    return out;
}

void FakeWsServer::send(Client& c, const QString& text) {
    if (c.open) c.socket->sendTextMessage(text);
}

void FakeWsServer::sendToAll(const QString& text) {
    for (auto* c : openClients()) send(*c, text);
}

void FakeWsServer::dropAll() {
    for (auto* c : openClients()) {
        c->open = false;
        c->socket->abort();
    }
}

// ---------------------------------------------------------------------------------------------

QList<CryptofeedLine> readCryptofeedLog(const std::string& path) {
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) throw std::runtime_error("cannot read " + path);
    QList<CryptofeedLine> out;
    while (!f.atEnd()) {
        QByteArray line = f.readLine();
        if (line.endsWith('\n')) line.chop(1);
        if (line.isEmpty() || line.startsWith('#')) continue;           // provenance header of a trimmed copy
        if (line.contains(" <-> ") || line.contains(" <- ")) continue;  // connect / sent lines
        CryptofeedLine l;
        QByteArray rest = line;
        const int arrow = static_cast<int>(line.indexOf(" -> "));
        if (arrow > 0 && !line.startsWith('{')) {
            l.url = QString::fromUtf8(line.left(arrow));
            rest = line.mid(arrow + 4);
        }
        const int colon = static_cast<int>(rest.indexOf(": "));
        if (colon <= 0) continue;
        l.timestamp = rest.left(colon).toDouble();
        l.json = rest.mid(colon + 2);
        out.append(l);
    }
    return out;
}

}  // namespace kairos::test
