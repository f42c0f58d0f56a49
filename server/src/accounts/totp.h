#pragma once
// One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238), base32 secrets and otpauth:// URIs.
// Pure functions; the account service keeps the replay state (last accepted time step).

#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace kairos::server::accounts {

enum class OtpHash { Sha1 = 1, Sha256, Sha512 };

/// HOTP value of `counter` for `key` (raw bytes), `digits` decimal digits (6..8), leading zeros kept.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = 6, OtpHash hash = OtpHash::Sha1);
/// The TOTP time step of a Unix time in seconds (T0 = 0, step 30 s by default).
std::uint64_t totpStep(std::int64_t unixSeconds, int stepSeconds = 30);
/// TOTP value at `unixSeconds`.
std::string totp(std::string_view key, std::int64_t unixSeconds, int digits = 6, OtpHash hash = OtpHash::Sha1,
                 int stepSeconds = 30);

/// RFC 4648 base32 (upper case, no padding), as authenticator apps expect.
std::string base32Encode(std::string_view bytes);
/// Decodes base32 (case-insensitive, padding and spaces ignored); error on other characters.
Result<std::string> base32Decode(std::string_view text);

/// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30 with the
/// label and issuer percent-encoded.
std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view key);

}  // namespace kairos::server::accounts
