// The PostgreSQL backend of db::IConnection (libpq). Parameters go as text; `?` placeholders are
// rewritten to `$n` outside quoted strings.
//
// Prepared statements: a data statement (SELECT, INSERT, UPDATE, DELETE, WITH) is prepared once per
// connection under a name of its own (PQprepare) and then run with PQexecPrepared, so PostgreSQL
// parses and plans it once instead of on every request (the same as the SQLite backend's statement
// cache). Anything else (BEGIN, COMMIT, DDL) goes through PQexecParams. A prepared statement that
// the server no longer accepts (a schema change by a migration of another kairosd: SQLSTATE 0A000
// "cached plan must not change result type", or 26000 when it is gone) is dropped and the statement
// runs once more unprepared (outside a transaction; inside one the error reaches the caller, whose
// transaction is aborted by then), then prepared afresh on its next use. At most kMaxPrepared statements
// are kept per connection; past that, statements run unprepared.

#include "db/database.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <utility>

namespace kairos::server::db {

namespace {

std::string toDollarPlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (char ch : sql) {
        if (quote) {
            if (ch == quote) quote = 0;
            out += ch;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
            out += ch;
        } else if (ch == '?') {
            out += '$';
            out += std::to_string(++n);
        } else {
            out += ch;
        }
    }
    return out;
}

/// Whether `sql` is a statement PostgreSQL can keep as a named prepared statement.
bool preparable(std::string_view sql) {
    std::size_t i = 0;
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
    std::string word;
    while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) && word.size() < 8) {
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
        ++i;
    }
    return word == "SELECT" || word == "INSERT" || word == "UPDATE" || word == "DELETE" || word == "WITH";
}

/// SQLSTATEs after which a prepared statement is dropped and the query run again unprepared.
bool stalePrepared(const char* sqlstate) {
    if (!sqlstate) return false;
    const std::string_view s(sqlstate);
    return s == "0A000" || s == "26000";
}

std::string pgError(PGconn* c) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return "postgresql: " + msg;
}

class PostgresConnection final : public IConnection {
public:
    explicit PostgresConnection(PGconn* c) : m_c(c) {}
    ~PostgresConnection() override { PQfinish(m_c); }
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    Backend backend() const override { return Backend::Postgres; }
    bool healthy() override { return PQstatus(m_c) == CONNECTION_OK; }

    Result<Rows> query(std::string_view sql, const std::vector<Param>& params) override {
        const std::string text = toDollarPlaceholders(sql);
        std::vector<std::string> values(params.size());
        std::vector<const char*> ptrs(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Param& p = params[i];
            if (std::holds_alternative<std::nullptr_t>(p)) continue;
            if (const auto* n = std::get_if<std::int64_t>(&p)) {
                values[i] = std::to_string(*n);
            } else if (const auto* d = std::get_if<double>(&p)) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%.17g", *d);
                values[i] = buf;
            } else {
                values[i] = std::get<std::string>(p);
            }
            ptrs[i] = values[i].c_str();
        }
        const int n = static_cast<int>(params.size());
        std::unique_ptr<PGresult, void (*)(PGresult*)> guard(nullptr, PQclear);
        const std::string* name = preparedName(text, n, guard);
        if (guard) {
            // Preparing failed (no such table, a syntax error, an aborted transaction): that is the
            // statement's error; running it unprepared now would only report the aborted transaction.
        } else if (name) {
            guard.reset(PQexecPrepared(m_c, name->c_str(), n, ptrs.data(), nullptr, nullptr, 0));
            const auto st = PQresultStatus(guard.get());
            if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
                stalePrepared(PQresultErrorField(guard.get(), PG_DIAG_SQLSTATE))) {
                forget(text);
                // Outside a transaction the statement simply runs again; inside one the transaction
                // is aborted now, so the error goes to the caller (whose retry then prepares afresh).
                if (PQtransactionStatus(m_c) == PQTRANS_IDLE) guard.reset();
            }
        }
        if (!guard) guard.reset(PQexecParams(m_c, text.c_str(), n, nullptr, ptrs.data(), nullptr, nullptr, 0));
        PGresult* res = guard.get();
        const auto st = PQresultStatus(res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            // The primary message only: the DETAIL line can quote parameter values.
            const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
            const char* sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            return makeError(std::string("postgresql: ") + (primary ? primary : "query failed") + " (" +
                             (sqlstate ? sqlstate : "?") + ")");
        }
        Rows rows;
        const int nrows = PQntuples(res);
        const int ncols = PQnfields(res);
        rows.reserve(static_cast<std::size_t>(nrows));
        for (int r = 0; r < nrows; ++r) {
            std::vector<std::optional<std::string>> cols;
            cols.reserve(static_cast<std::size_t>(ncols));
            for (int c = 0; c < ncols; ++c) {
                if (PQgetisnull(res, r, c)) {
                    cols.emplace_back(std::nullopt);
                } else {
                    std::string v(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c)));
                    // Booleans come back as t/f; the SQLite side uses 1/0.
                    if (PQftype(res, c) == 16) v = (v == "t") ? "1" : "0";
                    cols.emplace_back(std::move(v));
                }
            }
            rows.emplace_back(std::move(cols));
        }
        return rows;
    }

    Status execScript(std::string_view sql) override {
        const std::string text(sql);
        PGresult* res = PQexec(m_c, text.c_str());
        std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
        const auto st = PQresultStatus(res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return makeError(pgError(m_c));
        return {};
    }

private:
    static constexpr std::size_t kMaxPrepared = 512;

    /// The name `text` is prepared under on this connection, preparing it first; nullptr when it
    /// is not a data statement or the cache is full (it then runs unprepared), or when the server
    /// refused to prepare it: `failure` then holds the server's answer, the statement's error.
    const std::string* preparedName(const std::string& text, int nParams,
                                    std::unique_ptr<PGresult, void (*)(PGresult*)>& failure) {
        if (auto it = m_prepared.find(text); it != m_prepared.end()) return &it->second;
        if (m_prepared.size() >= kMaxPrepared || !preparable(text)) return nullptr;
        std::string name = "k" + std::to_string(++m_nextStatement);
        std::unique_ptr<PGresult, void (*)(PGresult*)> res(PQprepare(m_c, name.c_str(), text.c_str(), nParams, nullptr), PQclear);
        if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
            failure = std::move(res);
            return nullptr;
        }
        return &m_prepared.emplace(text, std::move(name)).first->second;
    }

    /// Drops the prepared statement of `text` (server side too; an error there is harmless).
    void forget(const std::string& text) {
        auto it = m_prepared.find(text);
        if (it == m_prepared.end()) return;
        const std::string sql = "DEALLOCATE " + it->second;
        PQclear(PQexec(m_c, sql.c_str()));
        m_prepared.erase(it);
    }

    PGconn* m_c;
    std::unordered_map<std::string, std::string> m_prepared;  // SQL text -> statement name
    std::uint64_t m_nextStatement = 0;
};

}  // namespace

Result<std::unique_ptr<IConnection>> openPostgres(const std::string& url) {
    PGconn* c = PQconnectdb(url.c_str());
    if (!c) return makeError("postgresql: out of memory");
    if (PQstatus(c) != CONNECTION_OK) {
        std::string msg = pgError(c);
        PQfinish(c);
        return makeError("cannot connect to the database: " + msg);
    }
    auto conn = std::make_unique<PostgresConnection>(c);
    // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
    PQsetNoticeProcessor(
        c, [](void*, const char*) {}, nullptr);
    if (auto st = conn->execScript("SET client_min_messages TO warning; SET TIME ZONE 'UTC'"); !st) return st.error();
    return std::unique_ptr<IConnection>(std::move(conn));
}

}  // namespace kairos::server::db
