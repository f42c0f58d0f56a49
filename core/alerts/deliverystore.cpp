#include "alerts/deliverystore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <array>

namespace kairos::alerts {

using storage::sql::Statement;
using storage::sql::Transaction;

namespace {
constexpr std::array<std::string_view, 4> kStatusNames = {"pending", "in_flight", "sent", "failed"};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS alert_channels (
    channel_id INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    settings   TEXT NOT NULL          -- JSON of ChannelConfig; never a secret (those are in the OS keychain)
);
CREATE TABLE IF NOT EXISTS alert_rule_delivery (
    alert_id         INTEGER PRIMARY KEY,
    channel_ids      TEXT NOT NULL DEFAULT '',
    message_template TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    job_id          INTEGER PRIMARY KEY,
    alert_id        INTEGER NOT NULL,
    event_id        INTEGER NOT NULL,
    event_time      INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    last_reply      TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (event_id, channel_id)
);
CREATE INDEX IF NOT EXISTS alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
)sql";

constexpr const char* kJobColumns =
    "job_id, alert_id, event_id, event_time, channel_id, status, attempts, next_attempt_at, last_error, last_reply, payload";

Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + storage::sql::sqliteMessage(db)); }

QString q(const std::string& s) { return QString::fromStdString(s); }

std::string settingsJson(const ChannelConfig& c) {
    QJsonObject o;
    switch (c.kind) {
    case ChannelKind::Email:
        o["smtp_host"] = q(c.smtpHost);
        o["smtp_port"] = c.smtpPort;
        o["smtp_security"] = c.smtpSecurity == mail::SmtpSecurity::ImplicitTls ? "tls"
            : c.smtpSecurity == mail::SmtpSecurity::None                       ? "none"
                                                                               : "starttls";
        o["smtp_user"] = q(c.smtpUser);
        o["mail_from"] = q(c.mailFrom);
        o["mail_to"] = q(c.mailTo);
        if (!c.caFile.empty()) o["ca_file"] = q(c.caFile);
        break;
    case ChannelKind::Telegram:
        o["api_base"] = q(c.telegramApiBase);
        o["chat_id"] = q(c.chatId);
        break;
    case ChannelKind::Webhook:
        o["url"] = q(c.webhookUrl);
        break;
    case ChannelKind::Discord:
        break;
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

void applySettings(ChannelConfig& c, const std::string& json) {
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    c.smtpHost = o["smtp_host"].toString().toStdString();
    c.smtpPort = o["smtp_port"].toInt(587);
    const QString sec = o["smtp_security"].toString();
    c.smtpSecurity = sec == "tls" ? mail::SmtpSecurity::ImplicitTls
        : sec == "none"           ? mail::SmtpSecurity::None
                                  : mail::SmtpSecurity::StartTls;
    c.smtpUser = o["smtp_user"].toString().toStdString();
    c.mailFrom = o["mail_from"].toString().toStdString();
    c.mailTo = o["mail_to"].toString().toStdString();
    c.caFile = o["ca_file"].toString().toStdString();
    if (o.contains("api_base")) c.telegramApiBase = o["api_base"].toString().toStdString();
    c.chatId = o["chat_id"].toString().toStdString();
    c.webhookUrl = o["url"].toString().toStdString();
}

DeliveryJob readJob(const Statement& st) {
    DeliveryJob j;
    j.id = st.columnInt64(0);
    j.alertId = st.columnInt64(1);
    j.eventId = st.columnInt64(2);
    j.eventTimeMs = st.columnInt64(3);
    j.channelId = st.columnInt64(4);
    j.status = deliveryStatusFromString(st.columnText(5)).value_or(DeliveryStatus::Failed);
    j.attempts = st.columnInt(6);
    j.nextAttemptMs = st.columnInt64(7);
    j.lastError = st.columnText(8);
    j.lastReply = st.columnText(9);
    j.payloadJson = st.columnText(10);
    return j;
}

Result<std::vector<DeliveryJob>> readJobs(sqlite3* db, const std::string& sql, const std::vector<std::int64_t>& binds) {
    Statement st;
    if (auto s = st.prepare(db, sql); !s) return s.error();
    for (std::size_t i = 0; i < binds.size(); ++i) st.bindInt64(static_cast<int>(i + 1), binds[i]);
    std::vector<DeliveryJob> out;
    int rc = SQLITE_OK;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(readJob(st));
    if (rc != SQLITE_DONE) return sqlError(db, "cannot read the alert deliveries");
    return out;
}

Status exec(sqlite3* db, const char* sql, const std::vector<std::int64_t>& ints, const std::vector<std::string>& texts,
            const std::string& what) {
    // Integers bind to ?1.., texts after them.
    Statement st;
    if (auto s = st.prepare(db, sql); !s) return s;
    int i = 1;
    for (std::int64_t v : ints) st.bindInt64(i++, v);
    for (const std::string& t : texts) st.bindText(i++, t);
    if (st.step() != SQLITE_DONE) return sqlError(db, what);
    return {};
}
}  // namespace

std::string_view toString(DeliveryStatus s) { return kStatusNames.at(static_cast<std::size_t>(s) - 1); }

std::optional<DeliveryStatus> deliveryStatusFromString(std::string_view text) {
    for (std::size_t i = 0; i < kStatusNames.size(); ++i)
        if (kStatusNames.at(i) == text) return static_cast<DeliveryStatus>(i + 1);
    return std::nullopt;
}

Status DeliveryStore::ensureSchema(sqlite3* db) {
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    if (auto s = storage::sql::execSql(db, kSchema); !s)
        return makeError("cannot create the alert delivery tables: " + s.message());
    return tx->commit();
}

DeliveryStore::DeliveryStore(storage::Database& db) : m_db(db.handle()), m_status(ensureSchema(m_db)) {}

Result<std::vector<ChannelConfig>> DeliveryStore::channels() const {
    Statement st;
    if (auto s = st.prepare(m_db, "SELECT channel_id, kind, name, enabled, settings FROM alert_channels ORDER BY channel_id"); !s)
        return s.error();
    std::vector<ChannelConfig> out;
    int rc = SQLITE_OK;
    while ((rc = st.step()) == SQLITE_ROW) {
        auto kind = channelKindFromString(st.columnText(1));
        if (!kind) continue;  // a newer Kairos' kind of channel: kept, not shown
        ChannelConfig c;
        c.id = st.columnInt64(0);
        c.kind = *kind;
        c.name = st.columnText(2);
        c.enabled = st.columnInt64(3) != 0;
        applySettings(c, st.columnText(4));
        out.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE) return sqlError(m_db, "cannot read the alert channels");
    return out;
}

Result<ChannelConfig> DeliveryStore::channel(std::int64_t id) const {
    auto all = channels();
    if (!all) return all.error();
    for (ChannelConfig& c : *all)
        if (c.id == id) return std::move(c);
    return makeError("there is no channel " + std::to_string(id) + " (deleted?)");
}

Result<std::int64_t> DeliveryStore::saveChannel(const ChannelConfig& c) {
    if (auto s = validate(c); !s) return s.error();
    Statement st;
    const char* sql = c.id == 0
        ? "INSERT INTO alert_channels (kind, name, enabled, settings) VALUES (?1, ?2, ?3, ?4)"
        : "UPDATE alert_channels SET kind = ?1, name = ?2, enabled = ?3, settings = ?4 WHERE channel_id = ?5";
    if (auto s = st.prepare(m_db, sql); !s) return s.error();
    st.bindText(1, toString(c.kind));
    st.bindText(2, c.name);
    st.bindInt64(3, c.enabled ? 1 : 0);
    st.bindText(4, settingsJson(c));
    if (c.id != 0) st.bindInt64(5, c.id);
    if (st.step() != SQLITE_DONE) return sqlError(m_db, "cannot store the channel " + c.name);
    if (c.id == 0) return static_cast<std::int64_t>(sqlite3_last_insert_rowid(m_db));
    if (sqlite3_changes(m_db) == 0) return makeError("there is no channel " + std::to_string(c.id));
    return c.id;
}

Status DeliveryStore::removeChannel(std::int64_t id) {
    auto tx = Transaction::begin(m_db);
    if (!tx) return tx.error();
    if (auto s = exec(m_db, "DELETE FROM alert_channels WHERE channel_id = ?1", {id}, {}, "cannot delete the channel"); !s)
        return s;
    if (auto s = exec(m_db,
                      "UPDATE alert_deliveries SET status = 'failed', last_error = 'channel deleted' WHERE channel_id = ?1 AND "
                      "status IN ('pending', 'in_flight')",
                      {id}, {}, "cannot delete the channel");
        !s)
        return s;
    return tx->commit();
}

Result<std::vector<DeliveryJob>> DeliveryStore::dueJobs(std::int64_t nowMs, int limit) const {
    return readJobs(m_db,
                    std::string("SELECT ") + kJobColumns +
                        " FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, "
                        "job_id LIMIT ?2",
                    {nowMs, limit});
}

std::optional<std::int64_t> DeliveryStore::nextDueAfter(std::int64_t afterMs) const {
    Statement st;
    if (!st.prepare(m_db, "SELECT MIN(next_attempt_at) FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at > ?1"))
        return std::nullopt;
    st.bindInt64(1, afterMs);
    if (st.step() != SQLITE_ROW || sqlite3_column_type(st.get(), 0) == SQLITE_NULL) return std::nullopt;
    return st.columnInt64(0);
}

Result<bool> DeliveryStore::markInFlight(std::int64_t jobId, std::int64_t nowMs) {
    if (auto s = exec(m_db,
                      "UPDATE alert_deliveries SET status = 'in_flight', attempts = attempts + 1, updated_at = ?2 "
                      "WHERE job_id = ?1 AND status = 'pending'",
                      {jobId, nowMs}, {}, "cannot start delivery " + std::to_string(jobId));
        !s)
        return s.error();
    return sqlite3_changes(m_db) == 1;
}

Status DeliveryStore::markSent(std::int64_t jobId, const std::string& reply, std::int64_t nowMs) {
    return exec(
        m_db, "UPDATE alert_deliveries SET status = 'sent', last_error = '', updated_at = ?2, last_reply = ?3 WHERE job_id = ?1",
        {jobId, nowMs}, {reply}, "cannot record delivery " + std::to_string(jobId));
}

Status DeliveryStore::markRetry(std::int64_t jobId, std::int64_t nextAttemptMs, const std::string& error, std::int64_t nowMs) {
    return exec(m_db,
                "UPDATE alert_deliveries SET status = 'pending', next_attempt_at = ?2, updated_at = ?3, last_error = ?4 "
                "WHERE job_id = ?1",
                {jobId, nextAttemptMs, nowMs}, {error}, "cannot record delivery " + std::to_string(jobId));
}

Status DeliveryStore::markFailed(std::int64_t jobId, const std::string& error, std::int64_t nowMs) {
    return exec(m_db, "UPDATE alert_deliveries SET status = 'failed', updated_at = ?2, last_error = ?3 WHERE job_id = ?1",
                {jobId, nowMs}, {error}, "cannot record delivery " + std::to_string(jobId));
}

Result<int> DeliveryStore::resumeInFlight(std::int64_t nowMs) {
    if (auto s = exec(m_db,
                      "UPDATE alert_deliveries SET status = 'pending', next_attempt_at = ?1, updated_at = ?1, "
                      "last_error = 'interrupted (Kairos stopped during the request); sending again' WHERE status = 'in_flight'",
                      {nowMs}, {}, "cannot resume the alert deliveries");
        !s)
        return s.error();
    return sqlite3_changes(m_db);
}

Result<std::vector<DeliveryJob>> DeliveryStore::recentJobs(int limit) const {
    return readJobs(m_db, std::string("SELECT ") + kJobColumns + " FROM alert_deliveries ORDER BY job_id DESC LIMIT ?1", {limit});
}

Result<DeliveryJob> DeliveryStore::job(std::int64_t jobId) const {
    auto jobs = readJobs(m_db, std::string("SELECT ") + kJobColumns + " FROM alert_deliveries WHERE job_id = ?1", {jobId});
    if (!jobs) return jobs.error();
    if (jobs->empty()) return makeError("there is no delivery " + std::to_string(jobId));
    return jobs->front();
}

Status DeliveryStore::saveRuleDelivery(sqlite3* db, const AlertRule& rule) {
    QStringList ids;
    for (std::int64_t id : rule.channelIds) ids << QString::number(id);
    return exec(db,
                "INSERT INTO alert_rule_delivery (alert_id, channel_ids, message_template) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (alert_id) DO UPDATE SET channel_ids = excluded.channel_ids, "
                "message_template = excluded.message_template",
                {rule.id}, {ids.join(',').toStdString(), rule.messageTemplate}, "cannot store the channels of the alert");
}

Status DeliveryStore::loadRuleDelivery(sqlite3* db, AlertRule& rule) {
    rule.channelIds.clear();
    rule.messageTemplate.clear();
    Statement st;
    if (auto s = st.prepare(db, "SELECT channel_ids, message_template FROM alert_rule_delivery WHERE alert_id = ?1"); !s) {
        // A read-only profile of an older Kairos has no delivery tables: its rules have no channels.
        if (s.message().find("no such table") != std::string::npos) return {};
        return s;
    }
    st.bindInt64(1, rule.id);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlError(db, "cannot read the channels of alert " + std::to_string(rule.id));
    for (const QString& id : q(st.columnText(0)).split(',', Qt::SkipEmptyParts))
        if (const qint64 v = id.toLongLong(); v > 0) rule.channelIds.push_back(v);
    rule.messageTemplate = st.columnText(1);
    return {};
}

Status DeliveryStore::insertJobs(sqlite3* db, std::int64_t eventId, const AlertEvent& event, const AlertRule& rule,
                                 std::int64_t nowMs) {
    if (rule.channelIds.empty()) return {};
    const std::string payload = toJson(payloadFor(event, rule));
    Statement st;
    if (auto s =
            st.prepare(db,
                       "INSERT OR IGNORE INTO alert_deliveries (alert_id, event_id, event_time, channel_id, status, "
                       "next_attempt_at, payload, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?5, ?5)");
        !s)
        return s;
    for (std::int64_t channelId : rule.channelIds) {
        st.bindInt64(1, rule.id);
        st.bindInt64(2, eventId);
        st.bindInt64(3, event.timeMs);
        st.bindInt64(4, channelId);
        st.bindInt64(5, nowMs);
        st.bindText(6, payload);
        if (st.step() != SQLITE_DONE) return sqlError(db, "cannot queue the deliveries of alert " + std::to_string(rule.id));
        st.reset();
    }
    return {};
}

}  // namespace kairos::alerts
