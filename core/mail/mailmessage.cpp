#include "mail/mailmessage.h"

#include <array>
#include <ctime>
#include <random>

namespace kairos::mail {

namespace {
std::string stripLineBreaks(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value)
        if (c != '\r' && c != '\n') out += c;
    return out;
}

bool isPlainAscii(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

std::string formatAddress(const MailAddress& a) {
    const std::string address = stripLineBreaks(a.address);
    if (a.name.empty()) return "<" + address + ">";
    const std::string name = stripLineBreaks(a.name);
    if (isPlainAscii(name)) {
        std::string quoted = "\"";
        for (char c : name) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        return quoted + "\" <" + address + ">";
    }
    return encodeHeaderValue(name) + " <" + address + ">";
}

std::string boundaryFor(const std::string& messageId) {
    // Base64 never contains "=_", so this boundary cannot occur inside a part.
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : messageId) h = (h ^ c) * 1099511628211ULL;
    return "=_kairos_" + std::to_string(h);
}
}  // namespace

std::string base64(const std::string& data, bool wrap) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4 + data.size() / 57 * 2 + 2);
    std::size_t lineLen = 0;
    for (std::size_t i = 0; i < data.size(); i += 3) {
        const std::uint32_t b0 = static_cast<unsigned char>(data[i]);
        const std::uint32_t b1 = i + 1 < data.size() ? static_cast<unsigned char>(data[i + 1]) : 0;
        const std::uint32_t b2 = i + 2 < data.size() ? static_cast<unsigned char>(data[i + 2]) : 0;
        const std::uint32_t v = (b0 << 16) | (b1 << 8) | b2;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += i + 2 < data.size() ? kAlphabet[v & 63] : '=';
        lineLen += 4;
        if (wrap && lineLen >= 76 && i + 3 < data.size()) {
            out += "\r\n";
            lineLen = 0;
        }
    }
    return out;
}

std::string encodeHeaderValue(const std::string& value) {
    std::string clean = stripLineBreaks(value);
    if (isPlainAscii(clean)) return clean;
    // RFC 2047: each encoded word at most 75 characters, so split the text into chunks of whole
    // UTF-8 sequences of at most 45 bytes (60 base64 characters + 12 of framing).
    std::string out;
    std::size_t i = 0;
    while (i < clean.size()) {
        std::size_t end = std::min(clean.size(), i + 45);
        while (end < clean.size() && end > i && (static_cast<unsigned char>(clean[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(clean.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string rfc5322Date(std::int64_t utcMs) {
    static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = static_cast<std::time_t>(utcMs / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays.at(static_cast<std::size_t>(tm.tm_wday)),
                  tm.tm_mday, kMonths.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::string buildMime(const MailMessage& message, std::int64_t dateMs, const std::string& messageId) {
    std::string out;
    out += "Date: " + rfc5322Date(dateMs) + "\r\n";
    out += "From: " + formatAddress(message.from) + "\r\n";
    std::string to;
    for (const MailAddress& a : message.to) to += (to.empty() ? "" : ",\r\n ") + formatAddress(a);
    out += "To: " + to + "\r\n";
    out += "Subject: " + encodeHeaderValue(message.subject) + "\r\n";
    out += "Message-ID: " + stripLineBreaks(messageId) + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "X-Mailer: Kairos\r\n";
    auto part = [](const std::string& type, const std::string& body) {
        return "Content-Type: " + type + "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64(body, true) +
            "\r\n";
    };
    if (message.htmlBody.empty()) return out + part("text/plain", message.textBody);
    const std::string boundary = boundaryFor(messageId);
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    out += "This is a multi-part message in MIME format.\r\n";
    out += "--" + boundary + "\r\n" + part("text/plain", message.textBody);
    out += "--" + boundary + "\r\n" + part("text/html", message.htmlBody);
    out += "--" + boundary + "--\r\n";
    return out;
}

}  // namespace kairos::mail
