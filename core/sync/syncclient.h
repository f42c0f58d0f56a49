#pragma once
// SyncClient: kairosd's workspace sync API (docs/openapi.yaml, /api/v1/sync/changes) over Qt
// Network. It knows nothing of the profile: it sends records and returns what the server said.
//
// The access token comes from a provider callback at each request (the account client keeps it
// fresh); an empty token fails the request without sending it ("not signed in"). Requests run on
// the calling thread's event loop; callbacks are called there, exactly once. Error texts say what
// to do and never hold the token.

#include "sync/syncmerge.h"
#include "util/result.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <vector>

namespace kairos::sync {

/// Returns the current access token ("" when signed out). Called on the client's thread.
using TokenProvider = std::function<QString()>;

/// One page of the change feed.
struct FeedPage {
    std::vector<RemoteItem> items;  ///< revision ascending; payloads canonical (canonicalJson)
    std::int64_t next = 0;
    bool more = false;
    std::int64_t revision = 0;  ///< the account's latest revision
};

/// What the server did with one pushed record.
struct PushOutcome {
    std::string kind;
    std::string id;
    bool applied = false;
    std::int64_t revision = 0;  ///< applied: the new revision
    RemoteItem current;         ///< not applied (conflict): the server's copy
};

class SyncClient : public QObject {
    Q_OBJECT
public:
    /// `serverUrl`: kairosd's base URL ("http://127.0.0.1:8787", or one with a path behind a proxy).
    /// `transferTimeoutMs` bounds each request.
    SyncClient(QUrl serverUrl, TokenProvider token, QObject* parent = nullptr, int transferTimeoutMs = 30'000);

    const QUrl& serverUrl() const { return m_url; }
    void setServerUrl(QUrl url) { m_url = std::move(url); }

    /// GET /api/v1/sync/changes?since=…
    void pull(std::int64_t since, std::function<void(Result<FeedPage>)> done);
    /// POST /api/v1/sync/changes with the records (base revision = record.revision). One outcome per record, in order.
    void push(const std::vector<SyncRecord>& records, std::function<void(Result<std::vector<PushOutcome>>)> done);

private:
    QNetworkAccessManager m_network;
    QUrl m_url;
    TokenProvider m_token;
    int m_timeoutMs;
};

}  // namespace kairos::sync
