#include "sync/syncclient.h"

#include "sync/syncsource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <memory>

namespace kairos::sync {

namespace {

constexpr const char* kChangesPath = "/api/v1/sync/changes";

/// The changes route under the server URL's own path (a kairosd behind a proxy at /kairos/).
QUrl changesUrl(const QUrl& base) {
    QUrl url = base;
    QString path = base.path();
    while (path.endsWith(QLatin1Char('/'))) path.chop(1);
    url.setPath(path + QString::fromLatin1(kChangesPath));
    url.setQuery(QString());
    return url;
}

/// A payload as the engine keeps it: canonical object text; anything else is wrapped so that it is
/// kept as sent (and refused by the sources, which expect objects).
std::string canonicalPayload(const QJsonValue& v) {
    if (v.isObject()) return canonicalJson(v.toObject());
    if (v.isNull() || v.isUndefined()) return {};
    return QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact).toStdString();
}

Result<RemoteItem> itemOf(const QJsonValue& value) {
    const QJsonObject o = value.toObject();
    if (!o.value(QStringLiteral("kind")).isString() || !o.value(QStringLiteral("id")).isString() ||
        !o.value(QStringLiteral("revision")).isDouble())
        return makeError("the server sent an item without kind, id or revision");
    RemoteItem it;
    it.kind = o.value(QStringLiteral("kind")).toString().toStdString();
    it.id = o.value(QStringLiteral("id")).toString().toStdString();
    it.revision = o.value(QStringLiteral("revision")).toInteger();
    it.updatedMs = o.value(QStringLiteral("updated_at")).toInteger();
    it.deleted = o.value(QStringLiteral("deleted")).toBool();
    if (!it.deleted) it.payload = canonicalPayload(o.value(QStringLiteral("payload")));
    return it;
}

/// The answer's JSON object, or an error a user can act on.
Result<QJsonObject> answerOf(QNetworkReply* reply) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (status == 401) return makeError("sync: the server did not accept the sign-in; sign in again");
    if (status == 0) return makeError("sync: the server is unreachable (" + reply->errorString().toStdString() + ")");
    if (status != 200) {
        const QJsonObject err = json.value(QStringLiteral("error")).toObject();
        const QString msg = err.value(QStringLiteral("message")).toString();
        return makeError("sync: the server answered " + std::to_string(status) + (msg.isEmpty() ? "" : ": " + msg.toStdString()));
    }
    if (json.isEmpty()) return makeError("sync: the server's answer is not JSON");
    return json;
}

}  // namespace

SyncClient::SyncClient(QUrl serverUrl, TokenProvider token, QObject* parent, int transferTimeoutMs)
    : QObject(parent), m_url(std::move(serverUrl)), m_token(std::move(token)), m_timeoutMs(transferTimeoutMs) {}

void SyncClient::pull(std::int64_t since, std::function<void(Result<FeedPage>)> done) {
    const QString token = m_token ? m_token() : QString();
    if (token.isEmpty()) {
        done(makeError("sync: not signed in"));
        return;
    }
    QUrl url = changesUrl(m_url);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), QString::number(since));
    url.setQuery(query);
    QNetworkRequest req(url);
    req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    req.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_network.get(req);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        auto json = answerOf(reply);
        if (!json) {
            done(json.error());
            return;
        }
        FeedPage page;
        for (const auto& v : json->value(QStringLiteral("items")).toArray()) {
            auto it = itemOf(v);
            if (!it) {
                done(it.error());
                return;
            }
            page.items.push_back(std::move(*it));
        }
        page.next = json->value(QStringLiteral("next")).toInteger();
        page.more = json->value(QStringLiteral("more")).toBool();
        page.revision = json->value(QStringLiteral("revision")).toInteger();
        done(std::move(page));
    });
}

void SyncClient::push(const std::vector<SyncRecord>& records, std::function<void(Result<std::vector<PushOutcome>>)> done) {
    const QString token = m_token ? m_token() : QString();
    if (token.isEmpty()) {
        done(makeError("sync: not signed in"));
        return;
    }
    QJsonArray changes;
    for (const auto& r : records) {
        QJsonObject c{{QStringLiteral("kind"), QString::fromStdString(r.kind)},
                      {QStringLiteral("id"), QString::fromStdString(r.id)},
                      {QStringLiteral("base_revision"), static_cast<qint64>(r.revision)},
                      {QStringLiteral("updated_at"), static_cast<qint64>(r.updatedMs)},
                      {QStringLiteral("deleted"), r.deleted}};
        if (!r.deleted) {
            auto payload = parsePayload(r.payload);
            c.insert(QStringLiteral("payload"), payload ? QJsonValue(*payload) : QJsonValue(QJsonObject()));
        }
        changes.append(c);
    }
    const QUrl url = changesUrl(m_url);
    QNetworkRequest req(url);
    req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setTransferTimeout(m_timeoutMs);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("changes"), changes}}).toJson(QJsonDocument::Compact);
    QNetworkReply* reply = m_network.post(req, body);
    const std::size_t expected = records.size();
    connect(reply, &QNetworkReply::finished, this, [reply, expected, done = std::move(done)] {
        reply->deleteLater();
        auto json = answerOf(reply);
        if (!json) {
            done(json.error());
            return;
        }
        const QJsonArray results = json->value(QStringLiteral("results")).toArray();
        if (static_cast<std::size_t>(results.size()) != expected) {
            done(makeError("sync: the server answered for " + std::to_string(results.size()) + " of " + std::to_string(expected) +
                           " changes"));
            return;
        }
        std::vector<PushOutcome> out;
        for (const auto& v : results) {
            const QJsonObject o = v.toObject();
            PushOutcome p;
            p.kind = o.value(QStringLiteral("kind")).toString().toStdString();
            p.id = o.value(QStringLiteral("id")).toString().toStdString();
            p.applied = o.value(QStringLiteral("status")).toString() == QStringLiteral("applied");
            p.revision = o.value(QStringLiteral("revision")).toInteger();
            if (!p.applied) {
                auto cur = itemOf(o.value(QStringLiteral("current")));
                if (!cur) {
                    done(cur.error());
                    return;
                }
                p.current = std::move(*cur);
            }
            out.push_back(std::move(p));
        }
        done(std::move(out));
    });
}

}  // namespace kairos::sync
