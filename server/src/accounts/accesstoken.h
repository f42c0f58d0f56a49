#pragma once
// Access tokens: JWTs signed with HS256 (libjwt) under a key id (`kid` header) from a key file with
// several keys, so keys rotate: tokens are signed with the newest key and verified with any known
// one. The verifier is a pure function of (token, keys, issuer, now): no clock, no I/O; it is the
// target of the fuzzer tests/fuzz/fuzz_server_token.cpp.

#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kairos::server::accounts {

struct SigningKey {
    std::string kid;
    std::string secret;  ///< raw bytes, at least 32
};

/// The signing keys, oldest first. Key file format: one key per line, `KID SECRET` where SECRET
/// is base64url (≥ 32 bytes decoded); blank lines and lines starting with '#' are ignored. The last
/// key signs. Errors name the line, never echo a secret.
class KeySet {
public:
    static Result<KeySet> parse(std::string_view text);
    static Result<KeySet> loadFile(const std::string& path);
    /// A key set of one key (tests, first start).
    static KeySet single(std::string kid, std::string secret);
    const SigningKey& newest() const { return m_keys.back(); }
    const SigningKey& oldest() const { return m_keys.front(); }
    const SigningKey* find(std::string_view kid) const;
    std::size_t size() const { return m_keys.size(); }
    void add(SigningKey key) { m_keys.push_back(std::move(key)); }

private:
    std::vector<SigningKey> m_keys;
};

struct AccessClaims {
    std::int64_t accountId = 0;
    std::int64_t sessionId = 0;
    std::vector<std::string> roles;
    std::int64_t issuedAt = 0;   ///< Unix seconds
    std::int64_t expiresAt = 0;  ///< Unix seconds
};

/// Why a token was refused. None reveals anything beyond "not a valid token" to a client.
enum class TokenError {
    Malformed = 1,  ///< not three base64url parts of JSON, a claim missing or of the wrong type
    BadAlgorithm,   ///< alg is not HS256 (alg:none, RS256, …)
    UnknownKey,     ///< kid missing or not in the key set
    BadSignature,   ///< tampered or forged
    Expired,        ///< exp ≤ now
    NotYetValid,    ///< iat more than a minute in the future
    WrongIssuer,
};
const char* tokenErrorName(TokenError e);

/// Signs `claims` with the newest key (header alg HS256, typ JWT, kid).
Result<std::string> signAccessToken(const AccessClaims& claims, const KeySet& keys, std::string_view issuer);

/// Verifies `token` at Unix time `nowSeconds`: structure, header alg exactly HS256, a known kid,
/// the HMAC under that kid's key, iss, exp (> now) and iat (≤ now + 60 s). Pure; any thread.
std::variant<AccessClaims, TokenError> verifyAccessToken(std::string_view token, const KeySet& keys, std::string_view issuer,
                                                         std::int64_t nowSeconds);

}  // namespace kairos::server::accounts
