#include "accounts/mailqueue.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace kairos::server::accounts {

Status enqueueMail(db::IConnection& c, const SecretBox& box, const OutgoingMail& mail, std::int64_t nowMs) {
    const nlohmann::json body = {{"text", mail.text}, {"html", mail.html}};
    return db::exec(c,
                    "INSERT INTO mail_queue (to_addr, subject, body_enc, attempts, next_attempt_ms, created_ms) "
                    "VALUES (?, ?, ?, 0, ?, ?)",
                    {mail.to, mail.subject, box.seal(body.dump()), nowMs, nowMs});
}

namespace {
std::string rfc5322Date(std::int64_t nowMs) {
    const std::time_t t = static_cast<std::time_t>(nowMs / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

std::string eml(const std::string& from, const std::string& to, const std::string& subject, const std::string& text,
                const std::string& html, std::int64_t id, std::int64_t nowMs) {
    const std::string boundary = "kairos-" + std::to_string(id) + "-" + std::to_string(nowMs);
    std::string m;
    m += "From: " + from + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Subject: " + subject + "\r\n";
    m += "Date: " + rfc5322Date(nowMs) + "\r\n";
    m += "Message-ID: <" + std::to_string(id) + "." + std::to_string(nowMs) + "@kairosd>\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    m += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    m += text + "\r\n";
    m += "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    m += html + "\r\n";
    m += "--" + boundary + "--\r\n";
    return m;
}
}  // namespace

Result<int> deliverDueMailToDir(db::Database& db, const SecretBox& box, const std::string& dir, const std::string& from,
                                std::int64_t nowMs) {
    auto c = db.acquire();
    if (!c) return c.error();
    auto due = (*c)->query(
        "SELECT id, to_addr, subject, body_enc, attempts FROM mail_queue WHERE sent_ms IS NULL AND next_attempt_ms <= ? "
        "ORDER BY id LIMIT 100",
        {nowMs});
    if (!due) return due.error();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    int written = 0;
    for (const auto& row : *due) {
        const std::int64_t id = row.i64(0);
        std::string error;
        auto body = box.open(row.text(3));
        nlohmann::json parts;
        if (!body) {
            error = body.message();
        } else {
            parts = nlohmann::json::parse(*body, nullptr, false);
            if (!parts.is_object()) error = "queued body is not readable";
        }
        if (error.empty()) {
            const auto path = std::filesystem::path(dir) / (std::to_string(id) + ".eml");
            const auto tmp = path.string() + ".tmp";
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << eml(from, row.text(1), row.text(2), parts.value("text", ""), parts.value("html", ""), id, nowMs);
            out.close();
            if (!out) {
                error = "cannot write " + tmp;
            } else {
                std::filesystem::rename(tmp, path, ec);
                if (ec) error = "cannot write " + path.string() + ": " + ec.message();
            }
        }
        if (error.empty()) {
            if (auto st = db::exec(**c, "UPDATE mail_queue SET sent_ms = ?, attempts = attempts + 1 WHERE id = ?", {nowMs, id});
                !st)
                return st.error();
            ++written;
        } else {
            const std::int64_t attempts = row.i64(4) + 1;
            const std::int64_t backoffMs = std::min<std::int64_t>(3600000, 60000LL << std::min<std::int64_t>(attempts - 1, 6));
            if (auto st = db::exec(**c, "UPDATE mail_queue SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?",
                                   {attempts, nowMs + backoffMs, error, id});
                !st)
                return st.error();
        }
    }
    return written;
}

Result<std::int64_t> queuedMailCount(db::Database& db) {
    auto c = db.acquire();
    if (!c) return c.error();
    auto row = db::queryOne(**c, "SELECT count(*) FROM mail_queue WHERE sent_ms IS NULL");
    if (!row) return row.error();
    return (*row)->i64(0);
}

}  // namespace kairos::server::accounts
