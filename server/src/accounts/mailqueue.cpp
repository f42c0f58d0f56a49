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

/// "Name <user@host>" or "user@host" as an address.
mail::MailAddress parseAddress(const std::string& text) {
    const auto lt = text.find('<');
    const auto gt = text.rfind('>');
    if (lt == std::string::npos || gt == std::string::npos || gt < lt) return {text, ""};
    std::string name = text.substr(0, lt);
    while (!name.empty() && (name.back() == ' ' || name.back() == '"')) name.pop_back();
    while (!name.empty() && (name.front() == ' ' || name.front() == '"')) name.erase(name.begin());
    return {text.substr(lt + 1, gt - lt - 1), name};
}

std::int64_t backoffMs(std::int64_t attempts) {
    return std::min<std::int64_t>(3'600'000, 60'000LL << std::min<std::int64_t>(attempts - 1, 6));
}

constexpr std::int64_t kClaimMs = 10 * 60 * 1000;
}  // namespace

MailSender mailDirSender(const std::string& dir, const std::string& from) {
    return [dir, from](std::int64_t id, const OutgoingMail& mail, std::int64_t nowMs) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        const auto path = std::filesystem::path(dir) / (std::to_string(id) + ".eml");
        const auto tmp = path.string() + ".tmp";
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << eml(from, mail.to, mail.subject, mail.text, mail.html, id, nowMs);
        out.close();
        if (!out) return MailSendResult{false, "cannot write " + tmp, false};
        std::filesystem::rename(tmp, path, ec);
        if (ec) return MailSendResult{false, "cannot write " + path.string() + ": " + ec.message(), false};
        return MailSendResult{true, {}, false};
    };
}

MailSender smtpSender(const mail::SmtpConfig& config, const std::string& from) {
    return [config, sender = parseAddress(from)](std::int64_t id, const OutgoingMail& m, std::int64_t nowMs) {
        mail::MailMessage message{sender, {mail::MailAddress{m.to, ""}}, m.subject, m.text, m.html};
        mail::SmtpFailure failure;
        auto sent = mail::sendMail(config, message, nowMs, "kairosd." + std::to_string(id), &failure);
        if (sent) return MailSendResult{true, {}, false};
        return MailSendResult{false, failure.message.empty() ? sent.message() : failure.message, !failure.transient};
    };
}

Status parseSmtpUrl(const std::string& url, mail::SmtpConfig& config) {
    std::string rest;
    if (url.rfind("smtp://", 0) == 0) {
        config.security = mail::SmtpSecurity::StartTls;
        config.port = 587;
        rest = url.substr(7);
    } else if (url.rfind("smtps://", 0) == 0) {
        config.security = mail::SmtpSecurity::ImplicitTls;
        config.port = 465;
        rest = url.substr(8);
    } else {
        return makeError("smtp_url: not an SMTP URL (smtp://host:port or smtps://host:port)");
    }
    if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);  // user:password@ is not used
    if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
    std::string host = rest;
    if (const auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == std::string::npos) {
        host = rest.substr(0, colon);
        const std::string port = rest.substr(colon + 1);
        int value = 0;
        for (char ch : port) {
            if (ch < '0' || ch > '9' || value > 65535) return makeError("smtp_url: \"" + port + "\" is not a port");
            value = value * 10 + (ch - '0');
        }
        if (port.empty() || value < 1 || value > 65535) return makeError("smtp_url: \"" + port + "\" is not a port");
        config.port = value;
    }
    if (host.empty()) return makeError("smtp_url: no host");
    config.host = host;
    return {};
}

Result<int> deliverDueMail(db::Database& db, const SecretBox& box, const MailSender& send, std::int64_t nowMs) {
    auto c = db.acquire();
    if (!c) return c.error();
    auto due = (*c)->query(
        "SELECT id, to_addr, subject, body_enc, attempts, next_attempt_ms FROM mail_queue "
        "WHERE sent_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms <= ? ORDER BY id LIMIT 100",
        {nowMs});
    if (!due) return due.error();
    int sent = 0;
    for (const auto& row : *due) {
        const std::int64_t id = row.i64(0);
        // Claim it: only the sender whose UPDATE matched the due time it read goes on.
        auto claim = (*c)->query(
            "UPDATE mail_queue SET next_attempt_ms = ? WHERE id = ? AND sent_ms IS NULL AND "
            "failed_ms IS NULL AND next_attempt_ms = ? RETURNING id",
            {nowMs + kClaimMs, id, row.i64(5)});
        if (!claim) return claim.error();
        if (claim->empty()) continue;  // another kairosd took it
        MailSendResult result;
        auto body = box.open(row.text(3));
        nlohmann::json parts;
        if (!body) {
            result = {false, body.message(), true};
        } else {
            parts = nlohmann::json::parse(*body, nullptr, false);
            if (!parts.is_object()) result = {false, "queued body is not readable", true};
        }
        if (result.error.empty())
            result = send(id, OutgoingMail{row.text(1), row.text(2), parts.value("text", ""), parts.value("html", "")}, nowMs);
        const std::int64_t attempts = row.i64(4) + 1;
        Status st;
        if (result.sent) {
            st = db::exec(**c, "UPDATE mail_queue SET sent_ms = ?, attempts = ?, last_error = NULL WHERE id = ?",
                          {nowMs, attempts, id});
            ++sent;
        } else if (result.permanent) {
            st = db::exec(**c, "UPDATE mail_queue SET failed_ms = ?, attempts = ?, last_error = ? WHERE id = ?",
                          {nowMs, attempts, result.error, id});
        } else {
            st = db::exec(**c, "UPDATE mail_queue SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?",
                          {attempts, nowMs + backoffMs(attempts), result.error, id});
        }
        if (!st) return st.error();
    }
    return sent;
}

Result<int> deliverDueMailToDir(db::Database& db, const SecretBox& box, const std::string& dir, const std::string& from,
                                std::int64_t nowMs) {
    return deliverDueMail(db, box, mailDirSender(dir, from), nowMs);
}

Result<std::int64_t> queuedMailCount(db::Database& db) {
    auto c = db.acquire();
    if (!c) return c.error();
    auto row = db::queryOne(**c, "SELECT count(*) FROM mail_queue WHERE sent_ms IS NULL AND failed_ms IS NULL");
    if (!row) return row.error();
    return (*row)->i64(0);
}

}  // namespace kairos::server::accounts
