#pragma once
// MailMessage and its MIME form (RFC 5322 / RFC 2045-2047): what SmtpClient sends.
//
// The message is multipart/alternative with a text/plain and (when htmlBody is not empty) a
// text/html part, both UTF-8 in base64, so any text survives any relay. Headers that are not plain
// ASCII (a subject or display name with "€" or "é") are RFC 2047 encoded words (=?UTF-8?B?...?=).
// CR and LF in header values are dropped, so a subject cannot inject headers. Plain C++, no Qt:
// the server links it too.

#include <cstdint>
#include <string>
#include <vector>

namespace kairos::mail {

/// An address with an optional display name ("Kairos alerts" <alerts@example.com>).
struct MailAddress {
    std::string address;  ///< addr-spec, ASCII ("alerts@example.com")
    std::string name;     ///< display name, any UTF-8; empty = none
};

struct MailMessage {
    MailAddress from;
    std::vector<MailAddress> to;
    std::string subject;   ///< UTF-8
    std::string textBody;  ///< UTF-8, "\n" line ends
    std::string htmlBody;  ///< UTF-8; empty = text only
};

/// The header value as an RFC 2047 encoded word when it is not printable ASCII, else as is.
/// CR/LF are removed first.
std::string encodeHeaderValue(const std::string& value);

/// The full message, CRLF line ends, ready for SMTP DATA. `dateMs` (UTC ms since the epoch) gives the
/// Date header; `messageId` the Message-ID ("<id@host>"; a stable id lets mail clients drop a
/// resent copy).
std::string buildMime(const MailMessage& message, std::int64_t dateMs, const std::string& messageId);

/// RFC 5322 date ("Mon, 07 Dec 2026 10:59:20 +0000") of a UTC ms time.
std::string rfc5322Date(std::int64_t utcMs);

/// Base64 of `data`, lines of at most 76 characters when `wrap` (for MIME bodies).
std::string base64(const std::string& data, bool wrap = false);

}  // namespace kairos::mail
