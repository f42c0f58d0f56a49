// The PostgreSQL backend of db::IConnection (libpq). Parameters go as text with
// PQexecParams; `?` placeholders are rewritten to `$n` outside quoted strings.

#include "db/database.h"

#include <libpq-fe.h>

#include <cstdio>
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
        PGresult* res =
            PQexecParams(m_c, text.c_str(), static_cast<int>(params.size()), nullptr, ptrs.data(), nullptr, nullptr, 0);
        std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
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
    PGconn* m_c;
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
