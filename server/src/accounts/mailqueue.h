#pragma once
// The outgoing e-mail queue: a durable job per message in table mail_queue (to, subject, the text
// and HTML bodies sealed with the server's SecretBox because they carry tokens and codes, attempts,
// next attempt, last error). The account service enqueues inside its own transactions; a sender
// delivers due messages: over SMTP (kairos_mail, libcurl) when smtp_url is configured, else as
// .eml files into a mail directory (the `--mail-dir` mode, for local use and tests).
//
// Several kairosd may share one PostgreSQL database: each message is claimed (its next attempt
// moved 10 minutes ahead in one UPDATE … RETURNING) before it is sent, so two senders never send
// the same message at once. A sender that dies after the claim leaves it due again 10 minutes later
// (at-least-once). A temporary failure (SMTP down, 4xx) backs off 1 min, doubling up to 1 h, and
// never loses the message; a permanent one (5xx: no such recipient) is marked failed and kept.

#include "accounts/crypto.h"
#include "db/database.h"
#include "mail/smtpclient.h"

#include <cstdint>
#include <functional>
#include <string>

namespace kairos::server::accounts {

struct OutgoingMail {
    std::string to;
    std::string subject;
    std::string text;
    std::string html;
};

/// Adds `mail` to the queue on connection `c` (inside the caller's transaction), due at `nowMs`.
Status enqueueMail(db::IConnection& c, const SecretBox& box, const OutgoingMail& mail, std::int64_t nowMs);

/// What a sender did with one message.
struct MailSendResult {
    bool sent = false;
    std::string error;       ///< why not (never holds the message body or a password)
    bool permanent = false;  ///< retrying cannot help (the server refused the recipient for good)
};

/// Sends one message; `id` is the queue id (stable across retries, used in the Message-ID).
using MailSender = std::function<MailSendResult(std::int64_t id, const OutgoingMail& mail, std::int64_t nowMs)>;

/// Writes each message into `dir` as `<id>.eml` (RFC 5322, multipart/alternative), atomically.
MailSender mailDirSender(const std::string& dir, const std::string& from);

/// Sends each message over SMTP with `config` (password included; never logged).
MailSender smtpSender(const mail::SmtpConfig& config, const std::string& from);

/// Parses "smtp://host:port" / "smtps://host:port" into `config` (host, port, security); an error
/// names what is wrong. Port defaults: 587 for smtp://, 465 for smtps://.
Status parseSmtpUrl(const std::string& url, mail::SmtpConfig& config);

/// Claims and sends every due, unsent message (up to 100 per call). Returns how many were sent.
Result<int> deliverDueMail(db::Database& db, const SecretBox& box, const MailSender& send, std::int64_t nowMs);

/// deliverDueMail with mailDirSender(dir, from).
Result<int> deliverDueMailToDir(db::Database& db, const SecretBox& box, const std::string& dir, const std::string& from,
                                std::int64_t nowMs);

/// Messages not yet sent and not failed for good (the metric "queued e-mails").
Result<std::int64_t> queuedMailCount(db::Database& db);

}  // namespace kairos::server::accounts
