#pragma once
// The outgoing e-mail queue: a durable job per message in table mail_queue (to, subject, the text
// and HTML bodies sealed with the server's SecretBox because they carry tokens and codes, attempts,
// next attempt, last error). The account service enqueues inside its own transactions; a sender
// delivers due messages. Today's sender writes each as an .eml file into a mail directory (the
// `--mail-dir` mode); the SMTP sender comes later on the same queue.

#include "accounts/crypto.h"
#include "db/database.h"

#include <cstdint>
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

/// Writes every due, unsent message into `dir` as `<id>.eml` (RFC 5322, multipart/alternative) and
/// marks it sent; a message that cannot be written gets attempts + 1, a back-off (1 min doubling up
/// to 1 h) and its last error. Returns how many were written. `from`: the From address.
Result<int> deliverDueMailToDir(db::Database& db, const SecretBox& box, const std::string& dir, const std::string& from,
                                std::int64_t nowMs);

/// Messages not yet sent (the metric "queued e-mails").
Result<std::int64_t> queuedMailCount(db::Database& db);

}  // namespace kairos::server::accounts
