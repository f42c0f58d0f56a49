#pragma once
// Local protocol test servers for the exchange adapters: a small HTTP/1.1 server (QTcpServer,
// keep-alive, scripted replies) and a WebSocket server (QWebSocketServer) that records what each
// client sent and can drop connections. Both listen on 127.0.0.1 with a free port. Venue fakes
// (fakebinance.h, ...) build on them and serve fixture files of real payloads.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace kairos::test {

/// Runs the event loop until `pred` holds or `timeoutMs` passes; returns pred(). The way tests
/// wait for network events: never a sleep.
bool waitUntil(const std::function<bool()>& pred, int timeoutMs = 10'000);

struct HttpRequest {
    QByteArray method;
    QByteArray target;  ///< the request target exactly as sent ("/api/v3/order?symbol=...&signature=...")
    QString path;
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
};

struct HttpReply {
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray contentType = "application/json";
    /// When >= 0: the status line, the headers (with the whole body's Content-Length) and only
    /// this many bytes of the body are sent, then the connection is aborted — a response cut
    /// off in transit.
    int cutBodyAfterBytes = -1;
    /// The connection is aborted without a byte of answer (the request was received).
    bool abortInstead = false;
    /// No answer at all and the connection stays open: the client's timeout decides.
    bool withhold = false;

    static HttpReply json(QByteArray body, int status = 200) {
        HttpReply r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
};

class FakeHttpServer : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<HttpReply(const HttpRequest&)>;

    explicit FakeHttpServer(QObject* parent = nullptr);
    ~FakeHttpServer() override;

    /// Listens on 127.0.0.1, any free port.
    bool listen();
    quint16 port() const;
    /// "http://127.0.0.1:PORT".
    QUrl url() const;

    /// Handler for an exact path. Unknown paths get 404.
    void route(const QString& path, Handler handler);
    /// Scripted replies used (in order) for the next requests to `path`, before its handler.
    void queueReply(const QString& path, HttpReply reply);
    /// The next `n` replies to `path` (scripted or from its handler) are changed by `change`
    /// before they are sent: a fault injected into a real answer (cut it off, truncate it, ...).
    void changeNextReplies(const QString& path, int n, std::function<void(HttpReply&)> change);

    /// Requests received so far (for `path`, or all).
    QList<HttpRequest> requests(const QString& path = {}) const;
    int requestCount(const QString& path = {}) const;

Q_SIGNALS:
    void requestServed(const QString& path);

private:
    void onReadyRead(QTcpSocket* s);

    QTcpServer* m_server = nullptr;
    std::map<QString, Handler> m_routes;
    std::map<QString, std::deque<HttpReply>> m_scripted;
    std::map<QString, std::pair<int, std::function<void(HttpReply&)>>> m_changes;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QList<HttpRequest> m_requests;
};

class FakeWsServer : public QObject {
    Q_OBJECT
public:
    struct Client {
        QWebSocket* socket = nullptr;
        int index = 0;         ///< 0 for the first connection ever, then 1, 2, ...
        QUrl requestUrl;       ///< path and query the client connected with
        QStringList received;  ///< text messages from the client, in order
        bool open = true;
    };

    explicit FakeWsServer(QObject* parent = nullptr);
    ~FakeWsServer() override;

    bool listen();
    quint16 port() const;
    /// "ws://127.0.0.1:PORT".
    QUrl url() const;

    /// Called for every new connection / text message (after recording it).
    std::function<void(Client&)> onConnected;
    std::function<void(Client&, const QString&)> onText;

    /// Every connection accepted so far (closed ones too), oldest first.
    const std::vector<std::unique_ptr<Client>>& clients() const { return m_clients; }
    /// Open connections.
    QList<Client*> openClients() const;
    int connectionCount() const { return static_cast<int>(m_clients.size()); }

    void send(Client& c, const QString& text);
    void sendToAll(const QString& text);
    /// Aborts every open connection at the TCP level, as a network failure would.
    void dropAll();

Q_SIGNALS:
    void clientConnected();
    void textReceived();

private:
    QTcpServer* m_tcp = nullptr;
    QWebSocketServer* m_server = nullptr;
    std::vector<std::unique_ptr<Client>> m_clients;
};

/// Received lines of a cryptofeed raw-data log (shared/data/README.md §2a): the JSON of each
/// `<ts>: <json>` line, in order. REST lines (`<url> -> <ts>: <json>`) come back as url + json.
struct CryptofeedLine {
    QString url;  ///< REST lines only
    double timestamp = 0;
    QByteArray json;
};
QList<CryptofeedLine> readCryptofeedLog(const std::string& path);

}  // namespace kairos::test
