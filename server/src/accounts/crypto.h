#pragma once
// The accounts' cryptographic building blocks, all on libsodium (OpenSSL only for TOTP's
// HMAC-SHA1): random tokens, SHA-256 digests of tokens, Argon2id password hashes and the secret
// box that keeps TOTP secrets and queued e-mail bodies encrypted at rest.

#include "util/result.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kairos::server::accounts {

/// Argon2id cost. The floor is OWASP's minimum (m = 19 MiB, t = 2, p = 1; libsodium's p is 1).
struct PasswordHashParams {
    std::uint64_t opsLimit = 2;                       ///< Argon2 t (passes)
    std::size_t memLimitBytes = 19ULL * 1024 * 1024;  ///< Argon2 m
};

/// `bytes` random bytes from the OS CSPRNG as unpadded base64url (URL- and header-safe).
std::string randomToken(std::size_t bytes = 32);
/// A random decimal code of `digits` digits (leading zeros kept), uniform.
std::string randomDigits(int digits);
/// Hex SHA-256 of `text`: how tokens are stored (random tokens of ≥ 128 bits need no salt).
std::string sha256Hex(std::string_view text);
/// Constant-time comparison of two strings of the same length (false when lengths differ).
bool constantTimeEquals(std::string_view a, std::string_view b);

/// Argon2id hash in libsodium's encoded form ($argon2id$v=19$m=…,t=…,p=1$salt$hash).
Result<std::string> hashPassword(std::string_view password, const PasswordHashParams& params);
/// True when `password` matches `encodedHash` (constant time in the password).
bool verifyPassword(std::string_view password, const std::string& encodedHash);
/// True when `encodedHash` was made with other parameters than `params` (rehash on next login).
bool passwordNeedsRehash(const std::string& encodedHash, const PasswordHashParams& params);

/// Authenticated encryption (XSalsa20-Poly1305, crypto_secretbox) with one 32-byte server key.
class SecretBox {
public:
    static constexpr std::size_t kKeyBytes = 32;
    explicit SecretBox(const std::array<unsigned char, kKeyBytes>& key) : m_key(key) {}
    /// base64(nonce ‖ ciphertext) of `plain`.
    std::string seal(std::string_view plain) const;
    /// The plain text, or an error when `sealed` is damaged or was sealed with another key.
    Result<std::string> open(std::string_view sealed) const;

private:
    std::array<unsigned char, kKeyBytes> m_key;
};

/// A 32-byte key for `purpose` derived from `material` (keyed BLAKE2b). kairosd derives the key
/// that seals TOTP secrets and queued e-mail from the oldest signing key of its key file, so that
/// key stays in the file (newer keys after it sign) while sealed data must stay readable.
std::array<unsigned char, 32> deriveKey(std::string_view material, std::string_view purpose);

/// Base64url without padding (RFC 4648 §5) and back (error on bad input).
std::string base64UrlEncode(std::string_view bytes);
Result<std::string> base64UrlDecode(std::string_view text);

}  // namespace kairos::server::accounts
