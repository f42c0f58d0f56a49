#include "accounts/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>

namespace kairos::server::accounts {

std::string hotp(std::string_view key, std::uint64_t counter, int digits, OtpHash hash) {
    std::array<unsigned char, 8> msg{};
    for (int i = 7; i >= 0; --i) {
        msg[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    const EVP_MD* md = hash == OtpHash::Sha256 ? EVP_sha256() : hash == OtpHash::Sha512 ? EVP_sha512() : EVP_sha1();
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), mac.data(), &len);
    // Dynamic truncation (RFC 4226 §5.3).
    const unsigned offset = mac[len - 1] & 0x0f;
    const std::uint32_t bin = ((mac[offset] & 0x7fU) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
    std::uint32_t mod = 1;
    for (int i = 0; i < digits; ++i) mod *= 10;
    std::string out = std::to_string(bin % mod);
    return std::string(static_cast<std::size_t>(digits) - out.size(), '0') + out;
}

std::uint64_t totpStep(std::int64_t unixSeconds, int stepSeconds) {
    return unixSeconds < 0 ? 0 : static_cast<std::uint64_t>(unixSeconds / stepSeconds);
}

std::string totp(std::string_view key, std::int64_t unixSeconds, int digits, OtpHash hash, int stepSeconds) {
    return hotp(key, totpStep(unixSeconds, stepSeconds), digits, hash);
}

namespace {
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string base32Encode(std::string_view bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += kBase32[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
    return out;
}

Result<std::string> base32Decode(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char ch : text) {
        if (ch == '=' || ch == ' ' || ch == '-') continue;
        const auto pos = kBase32.find(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
        if (pos == std::string_view::npos) return makeError("not base32");
        buffer = (buffer << 5) | static_cast<std::uint32_t>(pos);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

namespace {
std::string percentEncode(std::string_view s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}
}  // namespace

std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view key) {
    return "otpauth://totp/" + percentEncode(issuer) + ":" + percentEncode(account) + "?secret=" + base32Encode(key) +
        "&issuer=" + percentEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace kairos::server::accounts
