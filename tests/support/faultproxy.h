#pragma once
// FaultProxy: a local TCP proxy for WebSocket connections between a feed and a local venue (the
// fakes of fakeservers.h), for fault-injection tests. It forwards the client's bytes unchanged,
// relays the venue's handshake answer, then parses the venue's frames and asks a rule what to do
// with each whole data message: pass it, drop it, send it twice, cut its payload short or change it, hold it
// back (released later behind or ahead of another frame: a delay or a reordering), or cut the
// connection (cleanly between frames or in the middle of one). It can also refuse connections.
//
// Everything is event-driven (no timers): a held frame waits for a later frame's rule to release
// it. Control frames (ping, pong, close) and fragmented messages pass unchanged.
//
// Thread: one Qt event loop (the test's).

#include <QByteArray>
#include <QObject>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

class QTcpServer;
class QTcpSocket;

namespace kairos::test {

class FaultProxy : public QObject {
    Q_OBJECT
public:
    /// What happens to one data message from the venue.
    enum class Fault : std::uint8_t {
        Pass = 1,         ///< forwarded unchanged
        Drop,             ///< never forwarded
        Duplicate,        ///< forwarded twice in a row
        Truncate,         ///< forwarded with the first half of its payload only (a well-formed frame)
        Corrupt,          ///< forwarded with its payload changed by setCorruption()'s function
        Hold,             ///< kept back until a later frame's rule releases the held frames
        PassThenRelease,  ///< forwarded, then the held frames in their order (they arrive late: reordered)
        ReleaseThenPass,  ///< the held frames in their order, then this one (a pure delay)
        Cut,              ///< the connection is aborted on both sides; this frame and held ones are lost
        CutMidFrame,      ///< the first half of this frame's bytes is sent, then the connection is aborted
    };

    /// A data message (text or binary, unfragmented) on its way from the venue to the client.
    struct Frame {
        int connection = 0;  ///< 0 for the first connection the proxy forwarded, then 1, 2, ...
        quint64 index = 0;   ///< data messages on this connection before this one
        QByteArray payload;
    };
    using Rule = std::function<Fault(const Frame&)>;

    /// Forwards to `upstream` ("ws://127.0.0.1:PORT", e.g. FakeWsServer::url()).
    explicit FaultProxy(QUrl upstream, QObject* parent = nullptr);
    ~FaultProxy() override;

    /// Listens on 127.0.0.1, any free port.
    bool listen();
    /// "ws://127.0.0.1:PORT" (the upstream's scheme).
    QUrl url() const;

    /// Decides each data message; without a rule every message passes.
    void setRule(Rule rule) { m_rule = std::move(rule); }
    /// How Fault::Corrupt changes a payload (e.g. an impossible value in valid JSON); without one
    /// the payload passes unchanged.
    void setCorruption(std::function<QByteArray(const QByteArray&)> corrupt) { m_corrupt = std::move(corrupt); }
    /// The next `n` connections are accepted and reset at once, before any byte is read.
    void refuseNextConnections(int n) { m_refuseNext = n; }
    /// Aborts every connection now (a network failure).
    void cutAll();

    /// Connections reset by refuseNextConnections().
    int refusedConnections() const { return m_refused; }
    /// Connections forwarded to the upstream (refused ones not counted).
    int forwardedConnections() const { return m_nextConnection; }
    /// Data messages received from the upstream, over all connections.
    quint64 framesIn() const { return m_framesIn; }
    /// How often the rule chose `fault` (Cut and CutMidFrame also count cutAll() as Cut).
    int count(Fault fault) const;
    /// Connections aborted by a Cut, CutMidFrame or cutAll().
    int cuts() const { return count(Fault::Cut) + count(Fault::CutMidFrame); }
    /// Frames held now, over all connections.
    int heldFrames() const;

private:
    struct Connection;

    void onClientReadable(Connection& c);
    void onUpstreamReadable(Connection& c);
    void processDownstream(Connection& c);
    void apply(Connection& c, Fault fault, const QByteArray& frame, const QByteArray& payload, std::uint8_t opcode);
    void releaseHeld(Connection& c);
    void abort(Connection& c);
    void close(Connection& c);

    QUrl m_upstream;
    QTcpServer* m_server = nullptr;
    Rule m_rule;
    std::function<QByteArray(const QByteArray&)> m_corrupt;
    std::map<int, std::unique_ptr<Connection>> m_connections;
    std::map<Fault, int> m_counts;
    int m_nextConnection = 0;
    int m_refuseNext = 0;
    int m_refused = 0;
    quint64 m_framesIn = 0;
};

}  // namespace kairos::test
