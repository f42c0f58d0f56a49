#include "faultproxy.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

namespace kairos::test {

struct FaultProxy::Connection {
    int index = 0;
    QTcpSocket* client = nullptr;
    QTcpSocket* upstream = nullptr;
    QByteArray toUpstream;    ///< client bytes waiting for the upstream connection
    QByteArray fromUpstream;  ///< venue bytes not parsed yet
    bool handshakeDone = false;
    bool dead = false;
    quint64 frames = 0;
    std::vector<QByteArray> held;  ///< encoded frames held back, oldest first
};

namespace {

/// An unmasked frame as a server sends it.
QByteArray encodeFrame(std::uint8_t opcode, const QByteArray& payload) {
    QByteArray f;
    f.append(static_cast<char>(0x80 | opcode));
    const auto n = static_cast<quint64>(payload.size());
    if (n < 126) {
        f.append(static_cast<char>(n));
    } else if (n <= 0xFFFF) {
        f.append(static_cast<char>(126));
        f.append(static_cast<char>((n >> 8) & 0xFF));
        f.append(static_cast<char>(n & 0xFF));
    } else {
        f.append(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8) f.append(static_cast<char>((n >> shift) & 0xFF));
    }
    return f + payload;
}

}  // namespace

FaultProxy::FaultProxy(QUrl upstream, QObject* parent)
    : QObject(parent), m_upstream(std::move(upstream)), m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        // Connections closed earlier are forgotten here, outside any of their own signal handlers.
        for (auto it = m_connections.begin(); it != m_connections.end();) it = it->second->dead ? m_connections.erase(it) : ++it;
        while (QTcpSocket* s = m_server->nextPendingConnection()) {
            if (m_refuseNext > 0) {
                --m_refuseNext;
                ++m_refused;
                s->abort();
                s->deleteLater();
                continue;
            }
            auto owned = std::make_unique<Connection>();
            Connection& c = *owned;
            c.index = m_nextConnection++;
            c.client = s;
            c.upstream = new QTcpSocket(this);
            m_connections.emplace(c.index, std::move(owned));
            connect(s, &QTcpSocket::readyRead, this, [this, &c] { onClientReadable(c); });
            connect(s, &QTcpSocket::disconnected, this, [this, &c] { close(c); });
            connect(c.upstream, &QTcpSocket::connected, this, [&c] {
                c.upstream->write(c.toUpstream);
                c.toUpstream.clear();
            });
            connect(c.upstream, &QTcpSocket::readyRead, this, [this, &c] { onUpstreamReadable(c); });
            connect(c.upstream, &QTcpSocket::disconnected, this, [this, &c] { close(c); });
            connect(c.upstream, &QTcpSocket::errorOccurred, this, [this, &c](QAbstractSocket::SocketError) { close(c); });
            c.upstream->connectToHost(m_upstream.host(), static_cast<quint16>(m_upstream.port()));
            onClientReadable(c);  // bytes that arrived with the connection
        }
    });
}

FaultProxy::~FaultProxy() {
    for (auto& [index, c] : m_connections)
        if (!c->dead) abort(*c);
}

bool FaultProxy::listen() { return m_server->listen(QHostAddress::LocalHost, 0); }

QUrl FaultProxy::url() const {
    QUrl u;
    u.setScheme(m_upstream.scheme().isEmpty() ? QStringLiteral("ws") : m_upstream.scheme());
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(m_server->serverPort());
    return u;
}

int FaultProxy::count(Fault fault) const {
    auto it = m_counts.find(fault);
    return it == m_counts.end() ? 0 : it->second;
}

int FaultProxy::heldFrames() const {
    int n = 0;
    for (const auto& [index, c] : m_connections) n += static_cast<int>(c->held.size());
    return n;
}

void FaultProxy::cutAll() {
    for (auto& [index, c] : m_connections) {
        if (c->dead) continue;
        ++m_counts[Fault::Cut];
        abort(*c);
    }
}

void FaultProxy::onClientReadable(Connection& c) {
    if (c.dead) return;
    const QByteArray bytes = c.client->readAll();
    if (c.upstream->state() == QAbstractSocket::ConnectedState)
        c.upstream->write(bytes);
    else
        c.toUpstream += bytes;
}

void FaultProxy::onUpstreamReadable(Connection& c) {
    if (c.dead) return;
    c.fromUpstream += c.upstream->readAll();
    processDownstream(c);
}

void FaultProxy::processDownstream(Connection& c) {
    while (!c.dead) {
        if (!c.handshakeDone) {
            const auto end = c.fromUpstream.indexOf("\r\n\r\n");
            if (end < 0) return;
            c.client->write(c.fromUpstream.left(end + 4));
            c.fromUpstream.remove(0, end + 4);
            c.handshakeDone = true;
            continue;
        }
        const QByteArray& b = c.fromUpstream;
        if (b.size() < 2) return;
        const auto b0 = static_cast<std::uint8_t>(b[0]);
        const auto b1 = static_cast<std::uint8_t>(b[1]);
        const bool fin = (b0 & 0x80) != 0;
        const std::uint8_t opcode = b0 & 0x0F;
        const bool masked = (b1 & 0x80) != 0;
        quint64 length = b1 & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (b.size() < 4) return;
            length = (static_cast<quint64>(static_cast<std::uint8_t>(b[2])) << 8) | static_cast<std::uint8_t>(b[3]);
            header = 4;
        } else if (length == 127) {
            if (b.size() < 10) return;
            length = 0;
            for (int i = 0; i < 8; ++i) length = (length << 8) | static_cast<std::uint8_t>(b[2 + i]);
            header = 10;
        }
        if (masked) header += 4;  // a server never masks; forwarded as it is
        const qsizetype total = header + static_cast<qsizetype>(length);
        if (b.size() < total) return;
        const QByteArray frame = b.left(total);
        c.fromUpstream.remove(0, total);
        const bool dataMessage = fin && !masked && (opcode == 0x1 || opcode == 0x2);
        if (!dataMessage) {
            c.client->write(frame);
            continue;
        }
        ++m_framesIn;
        const QByteArray payload = frame.mid(header);
        const Fault fault = m_rule ? m_rule(Frame{c.index, c.frames++, payload}) : Fault::Pass;
        ++m_counts[fault];
        apply(c, fault, frame, payload, opcode);
    }
}

void FaultProxy::apply(Connection& c, Fault fault, const QByteArray& frame, const QByteArray& payload, std::uint8_t opcode) {
    switch (fault) {
    case Fault::Pass:
        c.client->write(frame);
        return;
    case Fault::Drop:
        return;
    case Fault::Duplicate:
        c.client->write(frame);
        c.client->write(frame);
        return;
    case Fault::Truncate:
        c.client->write(encodeFrame(opcode, payload.left(payload.size() / 2)));
        return;
    case Fault::Corrupt:
        c.client->write(m_corrupt ? encodeFrame(opcode, m_corrupt(payload)) : frame);
        return;
    case Fault::Hold:
        c.held.push_back(frame);
        return;
    case Fault::PassThenRelease:
        c.client->write(frame);
        releaseHeld(c);
        return;
    case Fault::ReleaseThenPass:
        releaseHeld(c);
        c.client->write(frame);
        return;
    case Fault::Cut:
        abort(c);
        return;
    case Fault::CutMidFrame:
        c.client->write(frame.left(frame.size() / 2));
        c.client->flush();
        abort(c);
        return;
    }
}

void FaultProxy::releaseHeld(Connection& c) {
    for (const QByteArray& f : c.held) c.client->write(f);
    c.held.clear();
}

void FaultProxy::abort(Connection& c) {
    if (c.dead) return;
    c.dead = true;
    c.held.clear();
    // No signal of these sockets may reach a handler any more: the Connection is forgotten later.
    c.client->disconnect(this);
    c.upstream->disconnect(this);
    c.client->flush();  // frames already passed reach the client before the reset
    c.client->abort();
    c.upstream->abort();
    c.client->deleteLater();
    c.upstream->deleteLater();
}

void FaultProxy::close(Connection& c) {
    if (c.dead) return;
    // One side ended: pass what the venue sent before it, then end the other side too.
    if (c.upstream->state() == QAbstractSocket::ConnectedState || c.upstream->bytesAvailable() > 0) {
        c.fromUpstream += c.upstream->readAll();
        processDownstream(c);
        if (c.dead) return;
    }
    c.dead = true;
    c.held.clear();
    c.client->disconnect(this);
    c.upstream->disconnect(this);
    c.client->disconnectFromHost();
    c.upstream->disconnectFromHost();
    c.client->deleteLater();
    c.upstream->deleteLater();
}

}  // namespace kairos::test
