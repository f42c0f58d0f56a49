#pragma once
// SmtpClient: sends one MailMessage over SMTP with libcurl (no Qt; the companion server's e-mail
// queue uses it too). STARTTLS (smtp://, TLS required before AUTH and DATA) or implicit TLS
// (smtps://, usually port 465); AUTH with the username and password when a username is given.
//
// Thread: send() blocks until the server answered (or timeoutMs); call it off the GUI thread. Each
// call is independent (its own connection), so calls may run on several threads at once.
//
// Errors carry the server's reply ("SMTP 535: 5.7.8 Authentication credentials invalid") or the
// transport's reason ("cannot connect to smtp.example.com:587: Connection refused"); they never
// contain the password.

#include "mail/mailmessage.h"
#include "util/result.h"

#include <cstdint>
#include <string>

namespace kairos::mail {

enum class SmtpSecurity : std::uint8_t {
    StartTls = 1,  ///< smtp:// then STARTTLS (required: a server without it is an error)
    ImplicitTls,   ///< smtps://
    None,          ///< plain text, local test servers only
};

struct SmtpConfig {
    std::string host;
    int port = 587;
    SmtpSecurity security = SmtpSecurity::StartTls;
    std::string username;  ///< empty = no AUTH
    std::string password;  ///< secret: never logged or put into an error
    std::string caFile;    ///< extra CA bundle (PEM) to trust, e.g. a test's self-signed certificate; empty = system
    std::string heloName = "kairos.localhost";  ///< our name in EHLO, and the host part of Message-IDs
    long timeoutMs = 30'000;
};

/// What the server said when it accepted the message, or why it was not sent.
struct SmtpReceipt {
    int code = 0;           ///< the last reply code (250; 535 on a refused AUTH; 0 when no reply came)
    std::string reply;      ///< the server's last reply line ("250 OK: queued as 123")
    std::string messageId;  ///< the Message-ID header sent
};

/// A failed send: the message a user can act on (the server's reply or the transport's reason) and
/// whether trying again later may help (4xx replies, connection and TLS trouble, time-outs) or not
/// (5xx replies: bad credentials, recipient refused).
struct SmtpFailure {
    std::string message;
    int code = 0;  ///< the server's reply code, 0 when it never answered
    bool transient = true;
};

/// Sends `message` (Date = `dateMs`, Message-ID = "<messageIdLocal@heloName>" or a random one when
/// empty) to every `to` address. Returns the receipt, or fills `failure` and returns an Error with
/// the same message.
Result<SmtpReceipt> sendMail(const SmtpConfig& config, const MailMessage& message, std::int64_t dateMs,
                             const std::string& messageIdLocal = {}, SmtpFailure* failure = nullptr);

}  // namespace kairos::mail
