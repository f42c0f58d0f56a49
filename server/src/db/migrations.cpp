#include "db/migrations.h"

#include <string>
#include <vector>

namespace kairos::server::db {

namespace {

// Written once for both dialects; {ID} is the auto-numbered key (SQLite's rowid alias or a
// PostgreSQL identity column). Times are int64 milliseconds since the epoch (UTC). Secrets are
// never stored in clear: *_hash columns hold SHA-256 or Argon2id hashes, *_enc columns hold
// XChaCha20-Poly1305 ciphertext (accounts/secretbox.h).
struct Migration {
    int version;
    std::vector<std::string> statements;
};

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> kMigrations = {
        {1,
         {
             R"(CREATE TABLE accounts (
                id {ID},
                email TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                verified INTEGER NOT NULL DEFAULT 0,
                active INTEGER NOT NULL DEFAULT 1,
                created_ms BIGINT NOT NULL,
                totp_enabled INTEGER NOT NULL DEFAULT 0,
                totp_secret_enc TEXT,
                totp_pending_enc TEXT,
                totp_last_step BIGINT NOT NULL DEFAULT 0))",
             R"(CREATE TABLE account_roles (
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                PRIMARY KEY (account_id, role)))",
             R"(CREATE TABLE email_tokens (
                id {ID},
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                purpose TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                code_hash TEXT,
                new_email TEXT,
                created_ms BIGINT NOT NULL,
                expires_ms BIGINT NOT NULL,
                used_ms BIGINT))",
             "CREATE INDEX email_tokens_account ON email_tokens(account_id, purpose)",
             R"(CREATE TABLE sessions (
                id {ID},
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                created_ms BIGINT NOT NULL,
                last_used_ms BIGINT NOT NULL,
                ip TEXT NOT NULL,
                user_agent TEXT NOT NULL,
                revoked_ms BIGINT,
                revoke_reason TEXT))",
             "CREATE INDEX sessions_account ON sessions(account_id)",
             R"(CREATE TABLE refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                created_ms BIGINT NOT NULL,
                expires_ms BIGINT NOT NULL,
                rotated_ms BIGINT))",
             "CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id)",
             R"(CREATE TABLE recovery_codes (
                id {ID},
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                code_hash TEXT NOT NULL,
                used_ms BIGINT))",
             R"(CREATE TABLE audit_events (
                id {ID},
                at_ms BIGINT NOT NULL,
                account_id BIGINT,
                kind TEXT NOT NULL,
                ip TEXT NOT NULL,
                user_agent TEXT NOT NULL,
                detail TEXT NOT NULL))",
             "CREATE INDEX audit_events_account ON audit_events(account_id, at_ms)",
             R"(CREATE TABLE mail_queue (
                id {ID},
                to_addr TEXT NOT NULL,
                subject TEXT NOT NULL,
                body_enc TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms BIGINT NOT NULL,
                last_error TEXT,
                created_ms BIGINT NOT NULL,
                sent_ms BIGINT))",
             "CREATE INDEX mail_queue_due ON mail_queue(sent_ms, next_attempt_ms)",
             R"(CREATE TABLE rate_buckets (
                bucket_key TEXT PRIMARY KEY,
                tokens DOUBLE PRECISION NOT NULL,
                updated_ms BIGINT NOT NULL))",
             R"(CREATE TABLE login_failures (
                fail_key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                locked_until_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL))",
         }},
        // 2: a message the SMTP server refused for good (5xx: no such recipient) stops being retried.
        {2, {"ALTER TABLE mail_queue ADD COLUMN failed_ms BIGINT"}},
        // 3: workspace sync (server/src/sync): one row per item of an account, tombstones kept
        // (deleted = 1, payload NULL); sync_heads holds each account's latest revision, the
        // counter every change takes its revision from (row-locked by the UPDATE that bumps it).
        {3,
         {
             R"(CREATE TABLE sync_heads (
                account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                revision BIGINT NOT NULL))",
             R"(CREATE TABLE sync_items (
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                item_id TEXT NOT NULL,
                revision BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                payload TEXT,
                PRIMARY KEY (account_id, kind, item_id)))",
             "CREATE UNIQUE INDEX sync_items_feed ON sync_items(account_id, revision)",
         }},
        // 4: server-side alerts (server/src/alerts). account_plans: an account's plan ("free" when
        // it has no row, "pro"), which bounds its server-side rules. alert_channels: delivery
        // channels, settings as JSON, the secret sealed (secret_enc). alert_rule_state: per synced
        // rule the last bar evaluated and its firing state. alert_firings: one row per event key
        // (rule + kind + market time), so a restart or a second kairosd never stores one twice.
        // alert_deliveries: one durable job per (firing, channel). alert_status: per account the
        // last evaluation and its errors.
        {4,
         {
             R"(CREATE TABLE account_plans (
                account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                plan TEXT NOT NULL,
                updated_ms BIGINT NOT NULL))",
             R"(CREATE TABLE alert_channels (
                id {ID},
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                settings TEXT NOT NULL,
                secret_enc TEXT,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL))",
             "CREATE INDEX alert_channels_account ON alert_channels(account_id)",
             R"(CREATE TABLE alert_rule_state (
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                rule_id TEXT NOT NULL,
                revision BIGINT NOT NULL,
                cursor_ms BIGINT NOT NULL,
                enabled INTEGER NOT NULL,
                fire_count BIGINT NOT NULL DEFAULT 0,
                last_fired_ms BIGINT NOT NULL DEFAULT 0,
                updated_ms BIGINT NOT NULL,
                PRIMARY KEY (account_id, rule_id)))",
             R"(CREATE TABLE alert_firings (
                id {ID},
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                rule_id TEXT NOT NULL,
                event_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                instrument TEXT NOT NULL,
                time_ms BIGINT NOT NULL,
                price TEXT NOT NULL,
                message TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                UNIQUE (account_id, event_key)))",
             "CREATE INDEX alert_firings_feed ON alert_firings(account_id, id)",
             R"(CREATE TABLE alert_deliveries (
                id {ID},
                firing_id BIGINT NOT NULL REFERENCES alert_firings(id) ON DELETE CASCADE,
                channel_id BIGINT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms BIGINT NOT NULL,
                last_error TEXT,
                last_reply TEXT,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL,
                UNIQUE (firing_id, channel_id)))",
             "CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_ms)",
             R"(CREATE TABLE alert_status (
                account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                rules_running INTEGER NOT NULL,
                last_eval_ms BIGINT NOT NULL,
                errors TEXT NOT NULL))",
         }},
    };
    return kMigrations;
}

std::string dialect(const std::string& sql, Backend backend) {
    std::string out = sql;
    const std::string id =
        backend == Backend::Postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY";
    for (auto pos = out.find("{ID}"); pos != std::string::npos; pos = out.find("{ID}", pos)) out.replace(pos, 4, id);
    return out;
}

constexpr const char* kPgLock = "SELECT pg_advisory_xact_lock(7243501914)";

Status runStep(IConnection& c, const Migration& m) {
    const bool pg = c.backend() == Backend::Postgres;
    if (auto st = c.execScript(pg ? "BEGIN" : "BEGIN IMMEDIATE"); !st) return st;
    auto fail = [&](const std::string& what) -> Status {
        (void)c.execScript("ROLLBACK");
        return makeError("migration " + std::to_string(m.version) + ": " + what);
    };
    if (pg) {
        if (auto st = c.execScript(kPgLock); !st) return fail(st.message());
    }
    auto v = queryOne(c, "SELECT version FROM schema_version");
    if (!v) return fail(v.message());
    const int current = *v ? static_cast<int>((*v)->i64(0)) : 0;
    if (current >= m.version) return c.execScript("COMMIT");  // another process got here first
    for (const auto& s : m.statements) {
        if (auto st = c.execScript(dialect(s, c.backend())); !st) return fail(st.message());
    }
    if (auto st = exec(c, "UPDATE schema_version SET version = ?", {static_cast<std::int64_t>(m.version)}); !st)
        return fail(st.message());
    if (auto st = c.execScript("COMMIT"); !st) return fail(st.message());
    return {};
}

}  // namespace

int latestSchemaVersion() { return migrations().back().version; }

Result<int> schemaVersion(IConnection& c) {
    const char* probe = c.backend() == Backend::Postgres
        ? "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version' "
          "AND table_schema = current_schema()"
        : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
    auto exists = queryOne(c, probe);
    if (!exists) return exists.error();
    if (!*exists || (*exists)->i64(0) == 0) return 0;
    auto v = queryOne(c, "SELECT version FROM schema_version");
    if (!v) return v.error();
    return *v ? static_cast<int>((*v)->i64(0)) : 0;
}

Status applyMigrations(IConnection& c) {
    const bool pg = c.backend() == Backend::Postgres;
    // Creating the version table is itself serialised (two processes creating it at once collide).
    if (auto st = c.execScript(pg ? "BEGIN" : "BEGIN IMMEDIATE"); !st) return st;
    if (pg) {
        if (auto st = c.execScript(kPgLock); !st) {
            (void)c.execScript("ROLLBACK");
            return st;
        }
    }
    auto setup = c.execScript("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    if (setup)
        setup = c.execScript("INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)");
    if (!setup) {
        (void)c.execScript("ROLLBACK");
        return makeError("migrations: " + setup.message());
    }
    if (auto st = c.execScript("COMMIT"); !st) return st;

    auto current = schemaVersion(c);
    if (!current) return current.error();
    if (*current > latestSchemaVersion())
        return makeError("the database's schema version " + std::to_string(*current) + " is newer than this kairosd (" +
                         std::to_string(latestSchemaVersion()) + "); refusing to change it");
    for (const auto& m : migrations()) {
        if (m.version <= *current) continue;
        if (auto st = runStep(c, m); !st) return st;
    }
    return {};
}

}  // namespace kairos::server::db
